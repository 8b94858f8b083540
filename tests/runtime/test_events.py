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


def test_brian2_style_script_with_events_and_spike_values():
    """Brian2's examples/advanced/custom_events.py style through the magic run(), with
    Brian2's positional forms SpikeMonitor(G, 'v') and EventMonitor(G, 'gspike', 'g')."""
    from eqsim import brian2_compat as b2
    b2.start_scope()
    G = b2.NeuronGroup(1, "dv/dt = (g - v)/(50*ms) : 1\ndg/dt = -g/(10*ms) : 1\n"
                          "allow : 1", threshold="v > 1", reset="v = 0; g = 0; allow = 1",
                       events={"gspike": "g > 1 and allow > 0.5",
                               "end_gspike": "g < 1 and allow < 0.5"}, method="exact")
    G.run_on_event("gspike", "allow = 0")
    G.run_on_event("end_gspike", "allow = 1")
    G.g = 3
    G.allow = 1
    kick = b2.network_operation(dt=20 * ms)(lambda: setattr(G, "g", G.g + 2.5))
    mg = b2.EventMonitor(G, "gspike", "g")
    ms_ = b2.SpikeMonitor(G, "v")
    b2.run(200 * ms)
    ref = json.loads((DATA / "brian2_events.json").read_text())["magic_events"]
    assert len(mg.i) >= 5 and np.all(mg.g > 1)        # recorded when g crossed 1
    assert len(ms_.i) >= 1 and np.all(ms_.v > 1)      # v recorded before the reset
    assert np.allclose(mg.t / ms, ref["gspike_t"], atol=1e-9)
    assert np.allclose(mg.g, ref["gspike_g"], rtol=1e-9)
    assert np.allclose(ms_.t / ms, ref["spike_t"], atol=1e-9)
    assert np.allclose(ms_.v, ref["spike_v"], rtol=1e-9)
    del kick


def test_random_event_code_same_on_backends_and_threads():
    """Random numbers in run_regularly and run_on_event code: the numpy reference, the C
    loop and the C loop with 2 OpenMP threads give the same events and values."""
    out = []
    for backend, threads in (("c", 1), ("numpy", 1), ("c", 2)):
        G = eq.NeuronGroup(500, "dv/dt = (I - v)/(10*ms) : 1\nx : 1\nI : 1",
                           threshold="v > 1", reset="v = 0; x = 0", method="exact",
                           events={"half": "v > 0.5 and x == 0"}, name="g", seed=3)
        G.I = "1.1 + 0.5*rand()"
        G.run_on_event("half", "x = 1; v = v + 0.05*rand()")
        G.run_regularly("I = I + 0.01*(rand() - 0.5)", dt=1 * ms)
        em = eq.EventMonitor(G, "half", variables=["v"], name="em")
        sp = eq.SpikeMonitor(G, variables=["v"], name="sp")
        eq.Network(G, em, sp).run(20 * ms, backend=backend, threads=threads)
        out.append((em.i, em.t_, np.asarray(em.v), sp.i, np.asarray(sp.v), G.I))
    assert len(out[0][0]) > 500 and len(out[0][3]) > 100
    for other in out[1:]:
        for x, y in zip(out[0], other):
            assert np.array_equal(x, y)


def test_run_regularly_on_subgroups(backend):
    """``G[:4].run_regularly(...)`` (Izhikevich 2003) changes the subgroup's neurons
    only, with ``i`` counted from its first neuron; Brian2 2.9 gives x = [100, 101, 102,
    103, 0, ...] and y = [0]*6 + [3, 6, 9, 12] for this script. Random numbers in it are
    the parent's numbers of those neurons (equal on both backends)."""
    G = eq.NeuronGroup(10, "x : 1\ny : 1\nz : 1", seed=2, name="sub_rr")
    G[:4].run_regularly("x = i + 100", dt=1 * ms)
    G[6:].run_regularly("y += i + 1", dt=1 * ms)
    G[2:5].run_regularly("z = randn()", dt=1 * ms)
    eq.Network(G).run(3 * ms, backend=backend)
    assert G.x_.tolist() == [100, 101, 102, 103] + [0] * 6
    assert G.y_.tolist() == [0] * 6 + [3, 6, 9, 12]
    assert (G.z_[[0, 1, 5, 6, 7, 8, 9]] == 0).all() and (G.z_[2:5] != 0).all()
    _SUB_Z[backend] = G.z_.copy()
    if len(_SUB_Z) == 2:
        assert np.array_equal(_SUB_Z["c"], _SUB_Z["numpy"])


_SUB_Z: dict = {}


def test_timed_arrays_used_only_by_group_code(backend):
    """A TimedArray read only in run_regularly code or an event condition is bound to its
    own values (it used to read the model's TimedArray of the same number: silently
    wrong). Brian2 gives y = ta_code(t) and events where ta_event(t) > 0.5."""
    ta_model = eq.TimedArray(np.array([1.0, 2.0, 3.0]), dt=1 * ms)
    ta_code = eq.TimedArray(np.array([10.0, 20.0, 30.0]), dt=1 * ms)
    ta_event = eq.TimedArray(np.array([0.0, 1.0, 0.0]), dt=1 * ms)
    G = eq.NeuronGroup(1, "y : 1\nz = ta_model(t) : 1", name="g",
                       events={"on": "ta_event(t) > 0.5"},
                       namespace={"ta_model": ta_model, "ta_code": ta_code,
                                  "ta_event": ta_event})
    G.run_regularly("y = ta_code(t)", dt=1 * ms)
    M = eq.StateMonitor(G, ["y", "z"], record=True, dt=1 * ms, name="m")
    em = eq.EventMonitor(G, "on", name="em")
    eq.Network(G, M, em).run(3 * ms, backend=backend)
    assert M.y[0].tolist() == [10.0, 20.0, 30.0]
    assert M.z[0].tolist() == [1.0, 2.0, 3.0]
    assert np.allclose(em.t / ms, np.arange(10, 20) * 0.1)
