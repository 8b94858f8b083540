"""What matplotlib and Brian2's tutorials do with eqsim's values: ``plot(G.v0, ...)``
indexes ``G.v0[:, None]`` (numpy's rules, not Brian2's (i, j) synapse keys), and
``ones(len(spikemon))`` counts the recorded spikes as Brian2's ``len(spikemon)`` does."""
import numpy as np

import eqsim as eq
from eqsim.units import ms


def test_numpy_style_keys_and_len_of_a_spike_monitor():
    G = eq.NeuronGroup(5, "dv/dt = (2 - v)/(10*ms) : 1\nv0 : 1", threshold="v > 1",
                       reset="v = 0", method="exact", namespace={})
    G.v0 = "i*0.5"
    S = eq.Synapses(G, G, "w : 1", on_pre="v_post += w", namespace={})
    S.connect(j="i")
    S.w = "0.1*i"
    M = eq.SpikeMonitor(G)
    eq.Network(G, S, M).run(30 * ms)
    assert G.v0[:, None].shape == (5, 1) and np.array_equal(G.v0[:, None][:, 0], G.v0)
    assert S.w[:, None].shape == (5, 1) and S.w[..., None].shape == (5, 1)
    assert np.allclose(S.w[2, 2], [0.2])     # Brian2's (i, j) key still works
    assert len(M) == M.num_spikes == len(M.i) >= 5 * 4   # every 6.9 ms or sooner
