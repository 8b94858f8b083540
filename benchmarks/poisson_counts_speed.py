"""Cost of the spike sources per neuron and step: Brian2's PoissonGroup (rand() < rates*dt,
at most one spike a step) against PoissonCountGroup (k ~ Poisson(rates*dt) spikes a step,
what eqsim.pynn's SpikeSourcePoisson is), 77,000 sources at 1.5 kHz (the microcircuit's
background as PyNN's Potjans2014 example builds it, dt = 0.1 ms), 1 thread, C backend:

    python benchmarks/poisson_counts_speed.py
"""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import eqsim as eq  # noqa: E402
from eqsim.runtime.poisson_counts import PoissonCountGroup  # noqa: E402
from eqsim.units import Hz, ms  # noqa: E402

N, STEPS = 77_000, 2000
for name, make in (("PoissonGroup", lambda: eq.PoissonGroup(N, 1500 * Hz, dt=0.1 * ms)),
                   ("PoissonCountGroup", lambda: PoissonCountGroup(N, 1500 * Hz,
                                                                   dt=0.1 * ms))):
    net = eq.Network(make())
    net.run(1 * ms)                      # build and compile outside the timing
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        net.run(STEPS * 0.1 * ms)
        best = min(best, time.perf_counter() - t0)
    print(f"{name}: {best / N / STEPS * 1e9:.1f} ns per source and step (best of 3)")
