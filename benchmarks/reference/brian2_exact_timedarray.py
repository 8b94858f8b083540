"""Reference: Brian2 2.9's ``method='exact'`` with a TimedArray in the inhomogeneous term
(its tutorial 3: ``dv/dt = (I - v)/tau``, ``I = I_recorded(t)``), which Brian2 integrates
exactly with the TimedArray's value held over each step.

    ~/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_exact_timedarray.py
writes tests/data/brian2_exact_timedarray.json (tests/numerics/test_exact_timed_array.py).
"""
import json
from pathlib import Path

from brian2 import (Hz, NeuronGroup, SpikeMonitor, StateMonitor, TimedArray, arange,
                    defaultclock, ms, pi, prefs, run, sin)


def main() -> None:
    prefs.codegen.target = "numpy"
    A, f, tau = 2.5, 10 * Hz, 5 * ms
    t_recorded = arange(int(200 * ms / defaultclock.dt)) * defaultclock.dt
    I_recorded = TimedArray(A * sin(2 * pi * f * t_recorded), dt=defaultclock.dt)
    G = NeuronGroup(1, "dv/dt = (I - v)/tau : 1\nI = I_recorded(t) : 1",
                    threshold="v > 1", reset="v = 0", method="exact")
    M = StateMonitor(G, "v", record=True)
    S = SpikeMonitor(G)
    run(200 * ms)
    out = {"spike_times_ms": [float(x) for x in S.t / ms],
           "v_every_10_steps": [float(x) for x in M.v[0][::10]]}
    path = Path(__file__).resolve().parents[2] / "tests" / "data" / \
        "brian2_exact_timedarray.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
