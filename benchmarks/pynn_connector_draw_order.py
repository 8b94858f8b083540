"""Which eqsim.pynn connectors make exactly PyNN's connections with a NumpyRNG (one
process)? Each connector builds the same small projections on pyNN.mock (PyNN's own
generic connector code) and on eqsim.pynn with equal seeds; the connection lists
(i, j in PyNN's target-major order) and the rng's next draw are compared
(docs/pynn.md, "Connectors").

    python benchmarks/pynn_connector_draw_order.py
"""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pyNN import mock
from pyNN.random import NumpyRNG
from pyNN.space import Line

import eqsim.pynn as sim
from tests.pynn.doubles import IFCurrExpDouble, StaticDouble

CASES = {
    "FixedProbabilityConnector": lambda m, r: m.FixedProbabilityConnector(0.2, rng=r),
    "FixedProbabilityConnector (no self)": lambda m, r: m.FixedProbabilityConnector(
        0.2, allow_self_connections=False, rng=r),
    "DistanceDependentProbabilityConnector": lambda m, r:
        m.DistanceDependentProbabilityConnector("exp(-d/5)", rng=r),
    "FixedNumberPreConnector": lambda m, r: m.FixedNumberPreConnector(5, rng=r),
    "FixedNumberPreConnector (with replacement)": lambda m, r: m.FixedNumberPreConnector(
        5, with_replacement=True, rng=r),
    "FixedNumberPostConnector": lambda m, r: m.FixedNumberPostConnector(5, rng=r),
    "FixedTotalNumberConnector": lambda m, r: m.FixedTotalNumberConnector(300, rng=r),
    "FixedTotalNumberConnector (no self)": lambda m, r: m.FixedTotalNumberConnector(
        300, allow_self_connections=False, rng=r),
}


def pairs(backend, make, seed):
    backend.setup(timestep=0.1)
    cell = IFCurrExpDouble() if backend is sim else backend.IF_curr_exp()
    syn = StaticDouble(weight=0.1) if backend is sim else backend.StaticSynapse(weight=0.1)
    a = backend.Population(40, cell, structure=Line())
    rng = NumpyRNG(seed)
    prj = backend.Projection(a, a, make(backend, rng), syn)
    conns = np.array([(c[0], c[1]) for c in prj.get("weight", format="list")], int)
    conns = conns[np.lexsort((conns[:, 0], conns[:, 1]))] if len(conns) else conns
    return conns, rng.next()


def main() -> None:
    print("| connector | same connections as PyNN | same rng state after |")
    print("|---|---|---|")
    for name, make in CASES.items():
        same_c = same_r = True
        for seed in (1, 2, 3):
            (c1, r1), (c2, r2) = pairs(mock, make, seed), pairs(sim, make, seed)
            same_c &= c1.shape == c2.shape and np.array_equal(c1, c2)
            same_r &= r1 == r2
        print(f"| {name} | {'yes' if same_c else 'no'} | {'yes' if same_r else 'no'} |")


if __name__ == "__main__":
    main()
