"""SpikeGeneratorGroup puts a spike time into the step that contains it, as Brian2 does
(``int((t + 1e-3*dt)/dt)``), not into the nearest step: replayed spike times off the dt
grid arrive in the same step in both simulators.

Reference: Brian2 2.9 (runtime numpy target, dt = 0.1 ms) replaying these times, one
neuron each, and recording the step of every spike with a SpikeMonitor.
"""
import numpy as np

import eqsim as eq
from eqsim.units import ms

TIMES_MS = [0.0, 0.05, 0.1, 0.3, 0.31, 0.35, 0.39, 0.0999999, 1.35, 2.04,
            0.7000000000000001, 0.6999999999]
BRIAN2_STEPS = [0, 0, 1, 3, 3, 3, 3, 1, 13, 20, 7, 7]


def test_spike_times_fall_into_brian2s_steps(backend):
    G = eq.SpikeGeneratorGroup(len(TIMES_MS), np.arange(len(TIMES_MS)),
                               np.array(TIMES_MS) * ms, name="gen")
    mon = eq.SpikeMonitor(G)
    eq.Network(G, mon).run(3 * ms, backend=backend)
    order = np.argsort(np.asarray(mon.i), kind="stable")
    steps = np.rint(np.asarray(mon.t_)[order] / 1e-4).astype(int)
    assert steps.tolist() == BRIAN2_STEPS
