"""Every record= and variables= form of Brian2's StateMonitor, checked against the
analytic solution v_i(t) = i*(1 - exp(-t/10 ms)) (recorded at the start of each step, as
Brian2 does, so the last sample of a 1 ms run is at 0.9 ms)."""
import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import ConfigurationError
from eqsim.units import ms

T = np.arange(10) * 0.1e-3


def _analytic(i):
    return np.outer(np.atleast_1d(i), 1 - np.exp(-T / 10e-3))


@pytest.fixture(scope="module")
def monitors():
    G = eq.NeuronGroup(6, "dv/dt = (i - v)/(10*ms) : 1\nI = 2*v : 1", method="exact",
                       namespace={})
    mons = {
        "all_vars": eq.StateMonitor(G, True, record=range(0, 6, 2)),
        "float_index": eq.StateMonitor(G, "v", record=3.0),
        "int_index": eq.StateMonitor(G, "v", record=np.int64(5)),
        "everything": eq.StateMonitor(G, "v", record=True),
        "nothing": eq.StateMonitor(G, ["v"], record=False),
        "list": eq.StateMonitor(G, ("v", "I"), record=[4, 1]),
        "sub": eq.StateMonitor(G[2:5], "v", record=[0, 2]),
    }
    eq.Network(G, *mons.values()).run(1 * ms)
    return mons


def test_variables_true_records_every_model_name(monitors):
    M = monitors["all_vars"]
    assert M.record_variables == ["v", "I"] and M.n_indices == 3
    np.testing.assert_allclose(M.v, _analytic([0, 2, 4]), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(M.I, 2 * _analytic([0, 2, 4]), rtol=1e-12, atol=1e-15)


def test_single_indices_ranges_lists_and_subgroups(monitors):
    np.testing.assert_allclose(monitors["float_index"].v, _analytic(3), rtol=1e-12)
    np.testing.assert_allclose(monitors["int_index"].v, _analytic(5), rtol=1e-12)
    np.testing.assert_allclose(monitors["list"].v, _analytic([4, 1]), rtol=1e-12)
    np.testing.assert_allclose(monitors["sub"].v, _analytic([2, 4]), rtol=1e-12)
    assert monitors["nothing"].v.shape[0] == 0
    assert monitors["everything"].record_all and monitors["everything"].v.shape == (6, 10)


def test_indexing_the_monitor_uses_neuron_indices(monitors):
    M = monitors["all_vars"]                          # records neurons 0, 2, 4
    np.testing.assert_allclose(M[4].v, _analytic(4)[0], rtol=1e-12)
    np.testing.assert_allclose(M[[4, 2]].v, _analytic([4, 2]), rtol=1e-12)
    np.testing.assert_allclose(monitors["everything"][1:3].v, _analytic([1, 2]),
                               rtol=1e-12)
    np.testing.assert_allclose(monitors["sub"][2].v, _analytic(4)[0], rtol=1e-12)
    with pytest.raises(ConfigurationError, match="E711.*neuron 1 is not recorded"):
        M[1]


def test_bad_record_forms_are_errors():
    G = eq.NeuronGroup(3, "v : 1", namespace={})
    for bad in ([0.5], [True, False]):
        with pytest.raises(ConfigurationError, match="E711.*whole"):
            eq.StateMonitor(G, "v", record=bad)


def test_trace_of_one_neuron_has_all_times(monitors):
    """``mon[i].t`` is the monitor's times, as Brian2's (Naud et al. 2008 plots
    ``states[0].t`` against ``states[0].vm``; it indexed the times before)."""
    mon = monitors["everything"]
    assert np.allclose(mon[3].t_, T) and np.allclose(mon[3].t / ms, T / 1e-3)
    assert mon[3].t.shape == mon[3].v.shape == (10,)
    assert np.allclose(mon[3].v, _analytic(3)[0])
