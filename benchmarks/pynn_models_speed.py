"""Run phase of eqsim.pynn's IF_curr_exp population: propagators shared when the
parameters are homogeneous (the default since they were), per neuron when tau_m varies.

    python benchmarks/pynn_models_speed.py [N] [T_ms]

Prints the wall time of the run phase (the compile of a first 1 ms run excluded).
"""
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import eqsim.pynn as sim


def run(n: int, t_ms: float, tau_m) -> float:
    sim.setup(timestep=0.1)
    sim.Population(n, sim.IF_curr_exp(i_offset=0.8, tau_m=tau_m))
    sim.run(1.0)
    t0 = time.perf_counter()
    sim.run(t_ms)
    dt = time.perf_counter() - t0
    sim.end()
    return dt


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    t_ms = float(sys.argv[2]) if len(sys.argv) > 2 else 500.0
    het = np.random.default_rng(1).uniform(15.0, 25.0, n)
    print(f"IF_curr_exp, {n} cells, {t_ms} ms at dt 0.1 ms (run phase, s)")
    print(f"  homogeneous tau_m (shared propagators): {run(n, t_ms, 20.0):.2f}")
    print(f"  per-cell tau_m (propagators per neuron): {run(n, t_ms, het):.2f}")


if __name__ == "__main__":
    main()
