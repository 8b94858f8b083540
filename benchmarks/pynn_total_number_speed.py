"""Time of a FixedTotalNumberConnector projection on eqsim.pynn (20,683 -> 20,683 cells,
L2/3E's size at full scale): PyNN's exact draw (a NumpyRNG) against eqsim.pynn's own
vectorised draw (an rng of another class), best of 3 each, connections built included
(docs/benchmarks.md, "PyNN's FixedTotalNumberConnector draw").

    python benchmarks/pynn_total_number_speed.py [n]      (default 1e7)
"""
import sys
import time

from pyNN.random import NumpyRNG

import eqsim.pynn as sim


class OtherRNG(NumpyRNG):
    """A NumpyRNG of another class: eqsim.pynn's own draw."""


def main() -> None:
    n = int(float(sys.argv[1])) if len(sys.argv) > 1 else 10**7
    sim.setup(timestep=0.1)
    a = sim.Population(20683, sim.IF_curr_exp())
    b = sim.Population(20683, sim.IF_curr_exp())
    best = {}
    for _ in range(3):
        for name, cls in (("PyNN's draw (NumpyRNG)", NumpyRNG),
                          ("eqsim.pynn's own draw", OtherRNG)):
            t = time.perf_counter()
            prj = sim.Projection(a, b, sim.FixedTotalNumberConnector(n, rng=cls(1)),
                                 sim.StaticSynapse(weight=0.1, delay=1.0))
            best[name] = min(best.get(name, 1e9), time.perf_counter() - t)
            assert len(prj) == n
            del prj
    for name, t in best.items():
        print(f"{name}: {n:.0e} connections in {t:.2f} s")


if __name__ == "__main__":
    main()
