"""Custom events, run_on_event, EventMonitor(variables=), Synapses(on_event=) against
Brian2 2.9 on the same script (tests/data/brian2_events.json)."""
import json

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import EqsimError
from eqsim.units import ms
from tests.conftest import DATA

REF = json.loads((DATA / "brian2_events.json").read_text())["events"]


def test_custom_events_as_brian2(backend):
    G = eq.NeuronGroup(2, "dv/dt = (I - v)/(10*ms) : 1\nx : 1\nI : 1", threshold="v > 1",
                       reset="v = 0; x = 0", method="exact",
                       events={"half": "v > 0.5 and x == 0"}, name="g")
    G.I = np.array([1.2, 1.6])
    G.run_on_event("half", "x = 1; v = v + 0.05")
    H = eq.NeuronGroup(2, "y : 1", name="h")
    S = eq.Synapses(G, H, on_pre="y_post += 1", on_event="half", name="s")
    S.connect(j="i")
    em = eq.EventMonitor(G, "half", variables=["v"], name="em")
    sp = eq.SpikeMonitor(G, name="sp")
    eq.Network(G, H, S, em, sp).run(60 * ms, backend=backend)
    assert em.i.tolist() == REF["event_i"] and len(em.i) > 4
    assert np.allclose(em.t / ms, REF["event_t"], atol=1e-9)
    assert np.allclose(em.v, REF["event_v"], rtol=1e-9)
    assert sp.i.tolist() == REF["spike_i"]
    assert np.allclose(sp.t / ms, REF["spike_t"], atol=1e-9)
    assert H.y.tolist() == REF["y"]
    assert em.count.tolist() == REF["count"]
    trains = em.spike_trains()
    assert np.allclose(trains[0] / ms, np.asarray(em.t / ms)[em.i == 0])
    assert set(em.all_values()) == {"t", "v"}


def test_event_errors():
    G = eq.NeuronGroup(2, "v : 1", events={"up": "v > 1"}, name="g")
    with pytest.raises(EqsimError) as e:
        G.run_on_event("down", "v = 0")
    assert e.value.code == "E776"
    with pytest.raises(EqsimError) as e:
        eq.NeuronGroup(2, "v : 1", events={"spike": "v > 1"})
    assert e.value.code == "E775"
    with pytest.raises(EqsimError) as e:
        eq.EventMonitor(G, "down")
    assert e.value.code == "E777"
    with pytest.raises(EqsimError) as e:
        eq.NeuronGroup(2, "v : 1", events={"up": "v + 1"})
    assert e.value.code == "E115"
