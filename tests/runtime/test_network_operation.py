"""network_operation and run_regularly against Brian2 2.9 on the same script
(benchmarks/reference/brian2_events.py -> tests/data/brian2_events.json)."""
import json

import numpy as np
import pytest

import eqsim as eq
from eqsim.units import ms
from tests.conftest import DATA

REF = json.loads((DATA / "brian2_events.json").read_text())


def _operations(backend):
    G = eq.NeuronGroup(3, "dv/dt = (I - v)/(10*ms) : 1\nI : 1", threshold="v > 0.8",
                       reset="v = 0", method="exact", name="g")
    G.I = np.array([1.0, 1.5, 2.0])
    G.run_regularly("I = I + 0.05", dt=2 * ms, when="start", name="g_grow")
    m_start = eq.StateMonitor(G, "v", record=True, name="m_start")
    m_end = eq.StateMonitor(G, "v", record=True, when="end", name="m_end")
    sp = eq.SpikeMonitor(G, variables=["v", "I"], name="sp")
    seen = []

    @eq.network_operation(dt=1 * ms, name="shrink")
    def shrink():
        G.I = G.I * 0.98

    @eq.network_operation(dt=0.5 * ms, when="end", name="watch")
    def watch(t):
        seen.append([float(t / ms), float(G.v[0])])

    net = eq.Network(G, m_start, m_end, sp, shrink, watch)
    net.run(20 * ms, backend=backend)
    return G, m_start, m_end, sp, seen


def test_operations_and_run_regularly_as_brian2(backend):
    G, m_start, m_end, sp, seen = _operations(backend)
    ref = REF["operations"]
    assert sp.i.tolist() == ref["spike_i"]
    assert np.allclose(sp.t / ms, ref["spike_t"], rtol=0, atol=1e-9)
    assert np.allclose(sp.v, ref["spike_v"], rtol=1e-9)
    assert np.allclose(sp.I, ref["spike_I"], rtol=1e-9)
    assert np.allclose(m_start.v, ref["v_start"], rtol=1e-9, atol=1e-12)
    assert np.allclose(m_end.v, ref["v_end"], rtol=1e-9, atol=1e-12)
    assert np.allclose(G.I, ref["I_final"], rtol=1e-12)
    assert np.allclose(seen, ref["seen"], rtol=1e-9, atol=1e-12)
    assert len(seen) == 40 and len(sp.i) == 6
    # values(), all_values() and spike_trains() agree with the flat arrays
    vals = sp.values("v")
    assert np.allclose(vals[2], np.asarray(sp.v)[sp.i == 2])
    allv = sp.all_values()
    assert np.allclose(allv["t"][1] / ms, np.asarray(sp.t / ms)[sp.i == 1])


def test_stop_from_an_operation(backend):
    G = eq.NeuronGroup(1, "dv/dt = (1.5 - v)/(10*ms) : 1", threshold="v > 1",
                       reset="v = 0", method="exact", name="g")
    sp = eq.SpikeMonitor(G, name="sp")
    net = eq.Network(G, sp)

    @eq.network_operation(dt=0.1 * ms, name="stopper")
    def stopper():
        if sp.num_spikes >= 3:
            net.stop()

    net.add(stopper)
    net.run(100 * ms, backend=backend)
    ref = REF["stopping"]
    assert float(net.t / ms) == pytest.approx(ref["t_stop"], abs=1e-9)
    assert np.allclose(sp.t / ms, ref["spike_t"], atol=1e-9)
    net.run(1 * ms, backend=backend)   # a later run starts afresh (and stops at once)
    assert float(net.t / ms) == pytest.approx(ref["t_stop"] + 0.1, abs=1e-9)


def test_magic_run_collects_operations():
    from eqsim import brian2_compat as b2
    b2.start_scope()
    calls = []
    G = b2.NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", method="exact", name="g")

    @b2.network_operation
    def count(t):
        calls.append(float(t / ms))

    b2.run(1 * ms)
    assert np.allclose(calls, np.arange(10) * 0.1)
    assert b2.network().operations[0] is count
    del G
