"""Izhikevich (2003) regular-spiking and fast-spiking patterns: RS adapts, FS does not."""
import numpy as np

import eqsim as eq
from eqsim import models
from eqsim.units import ms

MODEL = models.IZHIKEVICH


def test_regular_and_fast_spiking(backend):
    G = eq.NeuronGroup(2, MODEL, threshold="v >= 30", reset="v = c; u += d",
                       method="euler")
    G.a, G.b, G.c, G.d, G.I = [0.02, 0.1], 0.2, -65, [8, 2], 10
    G.v = -65
    G.u = "b*v"
    mon = eq.SpikeMonitor(G)
    eq.Network(G, mon).run(1000 * ms, backend=backend)
    rs, fs = (np.diff(mon.spike_trains()[k] / ms) for k in range(2))
    # RS: spike-frequency adaptation, the ISI grows by more than half (23.7 -> 45 ms)
    assert rs[-1] > 1.5 * rs[0] and np.all(np.diff(rs) > -1e-9)
    # FS: after the first spike the ISI stays within 5 % and is short (> 100 Hz)
    assert np.std(fs[1:]) / np.mean(fs[1:]) < 0.05 and np.mean(fs[1:]) < 10
    assert len(fs) > 3 * len(rs)
