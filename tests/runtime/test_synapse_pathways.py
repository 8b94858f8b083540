"""Compiled synapse features on both backends, against Brian2 2.9 on the same scripts
(benchmarks/reference/brian2_synapse_features.py): synapses acting on synapses,
multiple pathways, temporaries in statements, an empty reset, postsynaptic variables
recorded through the synapses."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import EqsimError
from eqsim.units import mV, ms

REF = json.loads((Path(__file__).parents[1] / "data" /
                  "brian2_synapse_features.json").read_text())


def test_synapses_on_synapses(backend):
    """A modulator's spikes act on the variables of other synapses (Izhikevich 2007's
    dopamine): d_post is the d of target synapse j; traces equal Brian2's."""
    ref = REF["synapses_on_synapses"]
    inp = eq.SpikeGeneratorGroup(2, [0, 1, 0, 1], [1, 3, 11, 13] * ms)
    G = eq.NeuronGroup(2, "dv/dt = -v/(10*ms) : volt", threshold="v > 10*mV",
                       reset="v = 0*mV", method="exact")
    S = eq.Synapses(inp, G, "w : volt", on_pre="v_post += w")
    S.connect(i=[0, 1], j=[0, 1])
    S.w = 20 * mV
    stdp = eq.Synapses(G, G, """dc/dt = -c/(20*ms) : 1 (clock-driven)
                                dd/dt = -d/(50*ms) : 1 (clock-driven)
                                ds/dt = c*d/(100*ms) : 1 (clock-driven)""",
                       on_pre="c += 1", method="euler")
    stdp.connect(i=[0, 0, 1], j=[1, 0, 0])
    dop = eq.SpikeGeneratorGroup(1, [0, 0], [5, 12] * ms)
    reward = eq.Synapses(dop, stdp, on_pre="d_post += 0.5*(1 + j)")
    reward.connect(p=1.0)
    M = eq.StateMonitor(stdp, ["c", "d", "s"], record=True)
    net = eq.Network(inp, G, S, stdp, dop, reward, M)
    net.run(20 * ms, backend=backend)
    assert [[int(a), int(b)] for a, b in zip(stdp.i, stdp.j)] == ref["pairs"]
    assert reward.j.tolist() == ref["reward_j"]
    for var in "cds":
        np.testing.assert_allclose(getattr(M, var), ref[var], rtol=1e-9, atol=1e-12)
    assert np.max(M.d) > 1   # the dopamine arrived


def test_synapses_on_synapses_errors():
    G = eq.NeuronGroup(2, "v : 1", threshold="v > 1")
    S = eq.Synapses(G, G, "w : 1", on_pre="v_post += w")
    S.connect()
    with pytest.raises(EqsimError) as err:
        eq.Synapses(G, S, on_post="w_post += 1")
    assert err.value.code == "E751"
    with pytest.raises(EqsimError) as err:
        eq.Synapses(G, S, "x_post = 1 : 1 (summed)")
    assert err.value.code == "E751"
    R = eq.Synapses(G, S, on_pre="w_post += 1")
    R.connect(j="k for k in range(N_post) if k != i")
    assert len(R) == 2 * 3
    S.connect(i=0, j=0)   # the target's synapses change: R's numbers are stale
    with pytest.raises(EqsimError) as err:
        eq.Network(G, S, R).run(1 * ms, backend="numpy")
    assert err.value.code == "E752"
