"""The schedule: Brian2's slot order, summed variables in 'groups' (before the state
update), scheduling_summary(), and errors for unknown slots."""
import json

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import EqsimError
from eqsim.units import ms
from tests.conftest import DATA

REF = json.loads((DATA / "brian2_events.json").read_text())["summed"]


def _summed_network():
    src = eq.NeuronGroup(2, "dv/dt = (1.5 - v)/(5*ms) : 1", threshold="v > 1",
                         reset="v = 0", method="exact", name="src")
    src.v = np.array([0, 0.5])
    tgt = eq.NeuronGroup(2, "dv/dt = (5*s_tot - v)/(10*ms) : 1\ns_tot : 1",
                         threshold="v > 1", reset="v = 0", method="euler", name="tgt")
    S = eq.Synapses(src, tgt, "ds/dt = -s/(3*ms) : 1 (clock-driven)\n"
                              "s_tot_post = s : 1 (summed)", on_pre="s += 0.5",
                    method="euler", name="syn")
    S.connect(i=[0, 1, 1], j=[0, 0, 1])
    m = eq.StateMonitor(tgt, ["v", "s_tot"], record=True, name="m")
    sp = eq.SpikeMonitor(tgt, name="sp")
    return eq.Network(src, tgt, S, m, sp), m, sp


def test_summed_variable_of_clock_driven_synapses_as_brian2(backend):
    net, m, sp = _summed_network()
    net.run(50 * ms, backend=backend)
    assert np.allclose(m.s_tot, REF["s_tot"], rtol=1e-9, atol=1e-12)
    assert np.allclose(m.v, REF["v"], rtol=1e-9, atol=1e-12)
    assert sp.i.tolist() == REF["spike_i"] and len(sp.i) > 3
    assert np.allclose(sp.t / ms, REF["spike_t"], atol=1e-9)


def test_scheduling_summary_is_brian2_order():
    net, m, sp = _summed_network()
    names = [r[0] for r in net.scheduling_summary().rows]
    assert names == ["m", "syn_summed_variable_s_tot", "src_stateupdater",
                     "syn_stateupdater", "tgt_stateupdater", "src_spike_thresholder",
                     "tgt_spike_thresholder", "syn_pre", "src_spike_resetter",
                     "tgt_spike_resetter"]
    assert "thresholds" in repr(net.scheduling_summary())


def test_order_and_when_move_blocks(backend):
    """order=1 puts group 'a' after 'b' (by name it would come first); a StateMonitor in
    'end' sees the values after the reset; an operation in 'after_groups' sees the
    updated values."""
    G = eq.NeuronGroup(1, "dv/dt = 1/(1*ms) : 1", threshold="v > 0.45", reset="v = 0",
                       method="exact", name="b")
    H = eq.NeuronGroup(1, "dv/dt = 1/(1*ms) : 1\nw : 1", method="exact", name="a",
                       order=1)
    start = eq.StateMonitor(G, "v", record=True, name="start")
    end = eq.StateMonitor(G, "v", record=True, when="end", name="end")
    seen = []
    op = eq.network_operation(lambda: seen.append(float(G.v[0])), when="after_groups",
                              name="op")
    net = eq.Network(G, H, start, end, op)
    net.run(1 * ms, backend=backend)
    rows = [r[0] for r in net.scheduling_summary().rows]
    assert rows.index("b_stateupdater") < rows.index("a_stateupdater") < rows.index("op")
    assert np.allclose(start.v[0][:5], [0, 0.1, 0.2, 0.3, 0.4])
    assert np.allclose(end.v[0][:5], [0.1, 0.2, 0.3, 0.4, 0])   # reset before 'end'
    assert np.allclose(seen[:5], [0.1, 0.2, 0.3, 0.4, 0.5])   # after the update


def test_schedule_errors():
    G = eq.NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", method="exact")
    with pytest.raises(EqsimError) as e:
        eq.StateMonitor(G, "v", when=3)
    assert e.value.code == "E771"
    net = eq.Network(G, eq.StateMonitor(G, "v", when="sometime"))
    with pytest.raises(EqsimError) as e:
        net.run(1 * ms)
    assert e.value.code == "E771" and "sometime" in str(e.value)
    with pytest.raises(EqsimError) as e:
        net.schedule = ["start", "groups"]
    assert e.value.code == "E770"
    with pytest.raises(EqsimError) as e:
        eq.NeuronGroup(1, "v : 1", order=1.5)
    assert e.value.code == "E772"
    with pytest.raises(EqsimError) as e:
        eq.network_operation(lambda a, b: None)
    assert e.value.code == "E778"


def test_custom_schedule_slot(backend):
    """A slot added to Network.schedule: a monitor in it records after 'end'."""
    G = eq.NeuronGroup(1, "dv/dt = 1/(1*ms) : 1", threshold="v > 0.25", reset="v = 0",
                       method="exact", name="g")
    late = eq.StateMonitor(G, "v", record=True, when="late", name="late")
    net = eq.Network(G, late)
    net.schedule = ["start", "groups", "thresholds", "synapses", "resets", "end", "late"]
    net.run(0.5 * ms, backend=backend)
    assert np.allclose(late.v[0], [0.1, 0.2, 0, 0.1, 0.2])
    assert [r[3] for r in eq.scheduling_summary(net).rows][-1] == "late"
    net.schedule = None
    assert net.schedule == ["start", "groups", "thresholds", "synapses", "resets", "end"]
