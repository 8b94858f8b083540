"""Brian2's subscripting: ``S['i == 1']`` / ``S[i, j]`` (a SynapticSubgroup of synapse
indices) and ``net['name']``, against Brian2 2.9 on the same script
(tests/data/brian2_subscripting.json, made by benchmarks/reference/brian2_subscripting.py)."""
import json

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import EqsimError
from eqsim.units import ms
from tests.conftest import DATA

REF = json.loads((DATA / "brian2_subscripting.json").read_text())


def test_synaptic_subgroups_and_network_lookup_as_brian2(backend):
    G = eq.NeuronGroup(4, "dv/dt = (2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                       method="exact", name="neurons", namespace={"ms": ms})
    G.v = "i*0.2"
    S = eq.Synapses(G, G, "w : 1", on_pre="v_post += w*0.01", name="syn")
    S.connect()
    S.w = "i + 10*j"
    assert len(S["i == 1"]) == REF["len_i1"]
    assert S.w[S["i == 1"]].tolist() == REF["w_i1"]
    assert S.w[S[1, :]].tolist() == REF["w_row1"]
    assert S.w[S[:, 2]].tolist() == REF["w_col2"]
    assert S.w[S[:3]].tolist() == REF["w_first3"]
    M = eq.StateMonitor(S, "w", record=S[1, :], name="m")
    sp = eq.SpikeMonitor(G, name="spk")
    net = eq.Network(G, S, M, sp)
    assert [net["neurons"] is G, net["spk"] is sp, net["syn"] is S,
            net["m"] is M] == REF["lookup"]
    net.run(5 * ms, backend=backend)
    assert list(np.asarray(M.w).shape) == REF["m_shape"]
    assert np.asarray(M.w)[:, -1].tolist() == REF["m_last"]
    assert np.allclose(G.v[:], REF["v"], rtol=1e-12)
    assert sp.num_spikes == REF["spikes"] > 0
    assert REF["missing"] == "KeyError"
    with pytest.raises(KeyError) as e:   # an EqsimError too
        net["nope"]
    assert e.value.code == "E130" and "neurons" in str(e.value)
    sub = S["i == 1"]
    S.connect(i=0, j=0)
    assert REF["stale"] == "RuntimeError"
    with pytest.raises(EqsimError) as e:
        S.w[sub]
    assert e.value.code == "E131"


def test_network_lookup_finds_run_regularly_code_and_deletes_by_name():
    G = eq.NeuronGroup(2, "v : 1", name="g")
    code = G.run_regularly("v += 1", name="grow")
    sp = eq.SpikeMonitor(eq.NeuronGroup(1, "v : 1", threshold="v > 1"), name="sp")
    net = eq.Network(G, sp)
    assert net["grow"] is code
    del net["sp"]
    assert sp not in net.objects
    with pytest.raises(EqsimError) as e:
        net[0]
    assert e.value.code == "E130"
