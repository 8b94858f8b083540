"""Groups, monitors and Network.run: variables with units, continuation, store/restore,
clocks, progress, Ctrl-C, NaN detection."""
import os
import signal

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import (ConfigurationError, DimensionError, EquationError,
                          SimulationError)
from eqsim.units import Quantity, mV, ms, nA, second

LIF = "dv/dt = (EL - v + I)/tau : volt (unless refractory)\nI : volt"
NS = {"tau": 10 * ms, "EL": -70 * mV}


def lif(N=5, **kw):
    G = eq.NeuronGroup(N, LIF, threshold="v > -50*mV", reset="v = EL", refractory=2 * ms,
                       method="exact", namespace=NS, seed=5, **kw)
    G.v = -70 * mV
    G.I = "22*mV + 2*mV*i"
    return G


def test_variables_have_units_and_write_through():
    G = lif()
    assert isinstance(G.v, Quantity) and np.allclose(G.v / mV, -70)
    G.v[1] = -60 * mV
    assert float(G.v[1]) == pytest.approx(-0.06)
    G.v = np.linspace(-70, -60, 5) * mV
    assert np.allclose(G.v_, np.linspace(-0.07, -0.06, 5))
    G.v_ = -0.065
    assert np.allclose(G.v / mV, -65)
    assert G.not_refractory.dtype == bool and G.not_refractory.all()


def test_string_initialisers_use_i_N_and_random_numbers():
    G = eq.NeuronGroup(1000, "x : 1\ny : volt", seed=1)
    G.x = "i/N"
    assert np.allclose(G.x, np.arange(1000) / 1000)
    G.y = "-70*mV + 5*mV*rand()"
    y = G.y / mV
    assert y.min() >= -70 and y.max() < -65 and abs(y.mean() + 67.5) < 0.3
    G.x = "randn()"
    assert abs(np.mean(G.x)) < 0.1 and abs(np.std(G.x) - 1) < 0.1
    H = eq.NeuronGroup(1000, "x : 1", seed=1)
    H.x = "rand()"
    H.x = "randn()"  # same seed, name and number of random initialisers before it
    assert np.array_equal(G.x, H.x)


def test_assignment_errors():
    G = lif()
    with pytest.raises(DimensionError, match="in A .* in V"):
        G.v = 3 * nA
    with pytest.raises(DimensionError):
        G.v = -70
    with pytest.raises(DimensionError, match="is in A"):
        G.v = "1*nA"
    with pytest.raises(ConfigurationError, match="no variable 'vv'"):
        G.vv = 3 * mV
    with pytest.raises(AttributeError, match="no variable 'vv'"):
        G.vv
    with pytest.raises(ConfigurationError, match="cannot assign"):
        G.v = np.ones(3) * mV
    with pytest.raises(EquationError):
        G.v = "__import__('os')"


def test_subexpressions_and_shared_variables():
    G = eq.NeuronGroup(3, "dv/dt = -v/tau : volt\nI = v/R : amp\nR : ohm (shared)",
                       namespace={"tau": 10 * ms})
    G.R = 1e6 * eq.units.ohm
    G.v = "i*mV"
    assert np.allclose(G.I / nA, [0, 1, 2])
    with pytest.raises(ConfigurationError, match="subexpression"):
        G.I = 1 * nA


def test_second_run_continues(backend):
    G1, G2 = lif(name="a"), lif(name="a")
    m1, m2 = eq.SpikeMonitor(G1), eq.SpikeMonitor(G2)
    s1 = eq.StateMonitor(G1, "v", record=[0, 4])
    n1, n2 = eq.Network(G1, m1, s1), eq.Network(G2, m2)
    n1.run(30 * ms, backend=backend)
    n1.run(20 * ms, backend=backend)
    n2.run(50 * ms, backend=backend)
    assert float(n1.t) == pytest.approx(0.05)
    assert np.array_equal(m1.i, m2.i) and np.array_equal(m1.t_, m2.t_)
    assert np.allclose(s1.t_, np.arange(500) * 1e-4)
    assert s1.v.shape == (2, 500)


def test_store_restore(backend):
    G = lif()
    mon = eq.SpikeMonitor(G)
    net = eq.Network(G, mon)
    net.run(10 * ms, backend=backend)
    net.store()
    net.run(40 * ms, backend=backend)
    first = (mon.i.copy(), mon.t_.copy(), G.v_.copy())
    net.restore()
    assert float(net.t) == pytest.approx(0.01)
    net.run(40 * ms, backend=backend)
    assert np.array_equal(mon.i, first[0]) and np.array_equal(mon.t_, first[1])
    assert np.array_equal(G.v_, first[2])
    with pytest.raises(ConfigurationError, match="no stored state"):
        net.restore("other")


def test_statemonitor_dt_and_subexpression_recording(backend):
    G = eq.NeuronGroup(2, "dv/dt = (1*mV - v)/tau : volt\nv2 = 2*v : volt",
                       namespace={"tau": 5 * ms}, method="exact")
    mon = eq.StateMonitor(G, ["v", "v2"], record=True, dt=1 * ms)
    eq.Network(G, mon).run(10.05 * ms, backend=backend)
    assert np.allclose(mon.t / ms, np.arange(11))
    assert np.allclose(mon.v2_, 2 * mon.v_)
    exact = 1e-3 * (1 - np.exp(-mon.t_ / 5e-3))
    assert np.allclose(mon.v_[0], exact, rtol=1e-9, atol=0)


def test_group_with_its_own_dt(backend):
    fast = eq.NeuronGroup(1, "dv/dt = (1*mV - v)/(5*ms) : volt", method="euler",
                          dt=0.05 * ms, name="fast")
    slow = eq.NeuronGroup(1, "dv/dt = (1*mV - v)/(5*ms) : volt", method="euler",
                          dt=0.2 * ms, name="slow")
    eq.Network(fast, slow).run(1 * ms, backend=backend)
    assert float(fast.v[0]) == pytest.approx(1e-3 * (1 - (1 - 0.01) ** 20), rel=1e-12)
    assert float(slow.v[0]) == pytest.approx(1e-3 * (1 - (1 - 0.04) ** 5), rel=1e-12)
    odd = eq.NeuronGroup(1, "v : 1", dt=0.075 * ms, name="odd")
    with pytest.raises(ConfigurationError, match="not a multiple"):
        eq.Network(fast, odd).run(1 * ms)


def test_defaultclock_dt():
    old = eq.defaultclock.dt
    try:
        eq.defaultclock.dt = 0.5 * ms
        G = eq.NeuronGroup(1, "dv/dt = 1*mV/ms : volt", method="euler")
        mon = eq.StateMonitor(G, "v", record=0)
        eq.Network(G, mon).run(2 * ms)
        assert np.allclose(mon.t / ms, [0, 0.5, 1, 1.5])
        with pytest.raises(DimensionError):
            eq.defaultclock.dt = 3
    finally:
        eq.defaultclock.dt = old


def test_monitor_errors():
    G = lif()
    with pytest.raises(ConfigurationError, match="no variable 'u'"):
        eq.StateMonitor(G, "u")
    with pytest.raises(ConfigurationError, match="out of range"):
        eq.StateMonitor(G, "v", record=[7])
    H = eq.NeuronGroup(2, "v : 1")
    with pytest.raises(ConfigurationError, match="no threshold"):
        eq.SpikeMonitor(H)
    mon = eq.SpikeMonitor(G)
    with pytest.raises(ConfigurationError, match="not in the network"):
        eq.Network(mon).run(1 * ms)


def test_spike_monitor_views(backend):
    G = lif()
    mon = eq.SpikeMonitor(G)
    eq.Network(G, mon).run(100 * ms, backend=backend)
    trains = mon.spike_trains()
    assert sum(len(t) for t in trains.values()) == mon.num_spikes == len(mon.i)
    assert np.array_equal([len(trains[k]) for k in range(5)], mon.count)
    assert np.all(np.diff(mon.t_) >= 0)
    # refractoriness of 2 ms: no two spikes of a neuron closer than that
    for t in trains.values():
        assert np.all(np.diff(t / ms) >= 2 - 1e-9)
    assert mon.count[4] > mon.count[0]


def test_many_spikes_overflow_the_buffer_and_nothing_is_lost(backend):
    N = 20000 if backend == "c" else 2000
    G = eq.NeuronGroup(N, "v : 1", threshold="True")
    mon = eq.SpikeMonitor(G)
    eq.Network(G, mon).run(5 * ms, backend=backend)
    assert mon.num_spikes == N * 50 == len(mon.i)
    assert np.all(mon.count == 50)


def test_not_finite_stops_the_run_with_a_clear_error(backend):
    G = eq.NeuronGroup(3, "dv/dt = v*v/(mV*ms) : volt", method="euler", name="blowup")
    G.v = "(i + 1)*mV"
    mon = eq.StateMonitor(G, "v", record=True)
    net = eq.Network(G, mon)
    with pytest.raises(SimulationError) as err:
        net.run(10 * ms, backend=backend)
    msg = str(err.value)
    assert "blowup" in msg and "'v'" not in msg and "v of neuron 2" in msg and "ms" in msg
    # the state up to the error is kept: the monitor has every step before it
    assert 0 < net.t_ < 0.01
    assert mon.v.shape[1] == int(round(net.t_ / 1e-4))
    assert np.isfinite(mon.v_).all()
    assert not np.isfinite(G.v_[2])


def test_text_and_callable_progress_reports(capsys):
    G = lif()
    calls = []
    net = eq.Network(G)
    net.run(50 * ms, report=lambda elapsed, done, start, duration: calls.append(done))
    assert calls and calls[-1] == pytest.approx(1.0)
    net.run(10 * ms, report="text")
    assert "simulated" in capsys.readouterr().out
    net.run(10 * ms, report="tqdm")
    with pytest.raises(ConfigurationError):
        net.run(1 * ms, report="fancy")


def test_ctrl_c_leaves_a_consistent_state_that_continues(backend):
    G, H = lif(N=50, name="x"), lif(N=50, name="x")
    mg, mh = eq.SpikeMonitor(G), eq.SpikeMonitor(H)
    sg = eq.StateMonitor(G, "v", record=[0])
    net = eq.Network(G, mg, sg)
    sent = []

    def interrupt(elapsed, done, start, duration):
        if not sent:
            sent.append(done)
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        net.run(1 * second if backend == "c" else 100 * ms, report=interrupt,
                backend=backend)
    t_stop = net.t_
    assert 0 < t_stop
    assert sg.v.shape[1] == int(round(t_stop / 1e-4))
    remaining = (1.0 if backend == "c" else 0.1) - t_stop
    net.run(remaining * second, backend=backend)
    eq.Network(H, mh).run(1 * second if backend == "c" else 100 * ms, backend=backend)
    assert np.array_equal(mg.i, mh.i) and np.array_equal(mg.t_, mh.t_)


def test_show_code_and_build_products(capsys):
    G = lif()
    net = eq.Network(G)
    text = eq.show_code(net)
    assert "eqsim_run" in text and "eqsim_exprel(" in text
    products = net.build("numpy")
    assert products.unit.methods[G.name] == "exact"
    assert "def update_0" in products.unit.numpy_source


def test_empty_recordings_and_unconnected_synapses(backend):
    G = eq.NeuronGroup(3, "dv/dt = -v/(10*ms) : volt", threshold="v > 1*mV",
                       reset="v = 0*mV")
    mon = eq.StateMonitor(G, "v", record=False)
    S = eq.Synapses(G, G, "w : volt", on_pre="v_post += w")   # never connected
    spikes = eq.SpikeMonitor(G)
    eq.Network(G, mon, S, spikes).run(1 * ms, backend=backend)
    assert mon.v.shape == (0, 0) and len(S) == 0 and spikes.num_spikes == 0


def test_statemonitor_trace_of_one_neuron_brian2_style():
    G = eq.NeuronGroup(5, "dv/dt = (i*mV - v)/(10*ms) : volt", method="exact")
    mon = eq.StateMonitor(G, "v", record=[1, 3])
    eq.Network(G, mon).run(2 * ms)
    assert np.array_equal(mon[3].v_, mon.v_[1]) and np.array_equal(mon[1].v / mV,
                                                                    mon.v[0] / mV)
    with pytest.raises(ConfigurationError, match="not recorded"):
        mon[2]
    sub = eq.StateMonitor(G[2:], "v", record=[0, 1])   # subgroup indices start at 0
    eq.Network(G, sub).run(1 * ms)
    assert np.array_equal(sub[1].v_, sub.v_[1])
