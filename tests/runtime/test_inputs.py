"""PoissonGroup: realised rates within 3 sigma of the request, for constant, per-neuron
and time-varying rates, on both backends."""
import numpy as np
import pytest

import eqsim as eq
from eqsim.units import Hz, ms, second


def _within_3_sigma(count, rate_hz, n, duration_s):
    expected = rate_hz * n * duration_s
    return abs(count - expected) < 3 * np.sqrt(expected)


def test_constant_rate(backend):
    N, T = 1000 if backend == "c" else 200, 2.0 if backend == "c" else 0.5
    P = eq.PoissonGroup(N, 20 * Hz, seed=4)
    mon = eq.SpikeMonitor(P)
    eq.Network(P, mon).run(T * second, backend=backend)
    assert _within_3_sigma(mon.num_spikes, 20, N, T)


def test_per_neuron_rates(backend):
    rates = np.array([5.0, 50.0] * 100) * Hz
    P = eq.PoissonGroup(200, rates, seed=5)
    mon = eq.SpikeMonitor(P)
    eq.Network(P, mon).run(1 * second, backend=backend)
    slow, fast = mon.count[0::2].sum(), mon.count[1::2].sum()
    assert _within_3_sigma(slow, 5, 100, 1.0) and _within_3_sigma(fast, 50, 100, 1.0)


def test_time_varying_rate_expression():
    P = eq.PoissonGroup(2000, "10*Hz + 30*Hz*(t > 500*ms)", seed=6)
    mon = eq.SpikeMonitor(P)
    eq.Network(P, mon).run(1 * second)
    early = np.sum(mon.t < 500 * ms)
    late = mon.num_spikes - early
    assert _within_3_sigma(early, 10, 2000, 0.5) and _within_3_sigma(late, 40, 2000, 0.5)


def test_poisson_backends_identical():
    trains = []
    for backend in ("c", "numpy"):
        P = eq.PoissonGroup(50, 30 * Hz, seed=9, name="p")
        mon = eq.SpikeMonitor(P)
        eq.Network(P, mon).run(200 * ms, backend=backend)
        trains.append((mon.i.copy(), mon.t_.copy()))
    assert np.array_equal(trains[0][0], trains[1][0])
    assert np.array_equal(trains[0][1], trains[1][1])


def test_bad_rates():
    with pytest.raises(eq.ConfigurationError, match="Hz"):
        eq.PoissonGroup(3, 5 * ms)
    with pytest.raises(eq.ConfigurationError, match=">= 0"):
        eq.PoissonGroup(3, -5 * Hz)


# ---- SpikeGeneratorGroup and PopulationRateMonitor ---------------------------------------

def test_spike_generator_replays_exactly(backend):
    idx, times = [0, 2, 1, 0, 2], [1.0, 1.0, 2.04, 3.5, 3.5]
    G = eq.SpikeGeneratorGroup(3, idx, np.array(times) * ms, name="gen")
    mon = eq.SpikeMonitor(G)
    eq.Network(G, mon).run(5 * ms, backend=backend)
    # sorted by time, then index; 2.04 ms is rounded to the nearest step, 2.0 ms
    assert list(mon.i) == [0, 2, 1, 0, 2]
    assert np.allclose(mon.t / ms, [1.0, 1.0, 2.0, 3.5, 3.5])


def test_spike_generator_period_and_continuation(backend):
    G = eq.SpikeGeneratorGroup(2, [1, 0], [0.5, 1.2] * ms, period=2 * ms, name="per")
    mon = eq.SpikeMonitor(G)
    net = eq.Network(G, mon)
    net.run(3 * ms, backend=backend)
    net.run(4 * ms, backend=backend)
    assert np.allclose(mon.t / ms, [0.5, 1.2, 2.5, 3.2, 4.5, 5.2, 6.5])


def test_replay_a_saved_monitor_into_another_network(tmp_path, backend):
    P = eq.PoissonGroup(20, 50 * Hz, seed=2, name="src")
    rec = eq.SpikeMonitor(P)
    eq.Network(P, rec).run(100 * ms, backend=backend)
    rec.save(tmp_path / "spikes.npz")
    G = eq.SpikeGeneratorGroup.from_file(tmp_path / "spikes.npz", name="replay")
    H = eq.SpikeGeneratorGroup.from_monitor(rec, name="replay2")
    m1, m2 = eq.SpikeMonitor(G), eq.SpikeMonitor(H)
    eq.Network(G, H, m1, m2).run(100 * ms, backend=backend)
    for m in (m1, m2):
        assert np.array_equal(m.i, rec.i) and np.allclose(m.t_, rec.t_, atol=1e-12)


def test_spike_generator_errors():
    with pytest.raises(eq.ConfigurationError, match="out of range"):
        eq.SpikeGeneratorGroup(2, [0, 5], [1, 2] * ms)
    with pytest.raises(eq.ConfigurationError, match="two spikes"):
        G = eq.SpikeGeneratorGroup(2, [0, 0], [1, 1.02] * ms)
        eq.Network(G).run(2 * ms)
    with pytest.raises(eq.ConfigurationError, match="period"):
        eq.SpikeGeneratorGroup(2, [0], [3] * ms, period=2 * ms)


def test_population_rate_monitor(backend):
    N = 1000 if backend == "c" else 300
    P = eq.PoissonGroup(N, 20 * Hz, seed=3, name="p")
    rate, spikes = eq.PopulationRateMonitor(P), eq.SpikeMonitor(P)
    eq.Network(P, rate, spikes).run(500 * ms, backend=backend)
    assert len(rate.t) == 5000 and rate.num_spikes == spikes.num_spikes
    counts = np.bincount(np.round(spikes.t_ / 1e-4).astype(int), minlength=5000)
    assert np.allclose(rate.rate / Hz, counts / N / 1e-4)
    assert _within_3_sigma(spikes.num_spikes, 20, N, 0.5)
    smooth = rate.smooth_rate("gaussian", width=10 * ms) / Hz
    assert abs(np.mean(smooth[500:-500]) - 20) < 3
    flat = rate.smooth_rate("flat", width=10 * ms) / Hz
    assert flat.shape == smooth.shape


# ---- TimedArray -----------------------------------------------------------------------

def test_timed_array_in_equations(backend):
    from eqsim.units import Mohm, mV, nA
    I = eq.TimedArray([0, 1, 2, 3] * nA, dt=1 * ms)
    per_neuron = eq.TimedArray(np.arange(8).reshape(4, 2) * mV, dt=2 * ms)
    G = eq.NeuronGroup(2, """dv/dt = (R*I(t) + per_neuron(t, i) - v)/(5*ms) : volt
                             current = I(t) : amp""",
                       namespace={"I": I, "per_neuron": per_neuron, "R": 1 * Mohm},
                       method="euler", name="ta")
    mon = eq.StateMonitor(G, ["v", "current"], record=True)
    eq.Network(G, mon).run(6 * ms, backend=backend)
    # each value holds for dt; the last holds after the end
    expected = np.minimum(np.floor(mon.t_ / 1e-3 + 1e-3), 3) * 1e-9
    assert np.allclose(mon.current_[0], expected, rtol=0, atol=1e-24)
    # Euler by hand for neuron 1
    v, dt = 0.0, 1e-4
    for t in np.arange(60) * dt:
        drive = 1e6 * min(int(t / 1e-3 + 1e-3), 3) * 1e-9 + \
            np.arange(8).reshape(4, 2)[min(int(t / 2e-3 + 1e-3), 3), 1] * 1e-3
        v = v + dt * (drive - v) / 5e-3
    assert float(G.v_[1]) == pytest.approx(v, rel=1e-12)


def test_timed_array_called_from_python_and_initialisers():
    from eqsim.units import mV
    f = eq.TimedArray([1, 2, 3] * mV, dt=1 * ms)
    assert float(f(1.5 * ms) / mV) == 2 and float(f(10 * ms) / mV) == 3
    G = eq.NeuronGroup(3, "x : volt", namespace={"f": f})
    G.x = "f(i*ms)"
    assert list(G.x / mV) == [1, 2, 3]


# ---- PoissonInput -----------------------------------------------------------------------

@pytest.mark.parametrize("N, rate", [(1000, 10.0), (20, 5.0)])   # normal approx / exact
def test_poisson_input_counts(backend, N, rate):
    """Over 1 s each neuron receives Binomial(N, p) per step: in total Poisson-like,
    mean N*rate and variance N*rate*(1 - p); checked within 3 sigma over 400 neurons."""
    from eqsim.units import mV
    G = eq.NeuronGroup(400, "x : volt", name="g")
    P = eq.PoissonInput(G, "x", N, rate * Hz, 0.5 * mV, seed=4, name="pin")
    eq.Network(G, P).run(1 * second, backend=backend)
    counts = G.x_ / 0.5e-3
    assert np.allclose(counts, np.round(counts))
    mean = N * rate
    var = mean * (1 - rate * 1e-4)
    assert abs(counts.mean() - mean) < 3 * np.sqrt(var / 400)
    assert abs(counts.var() / var - 1) < 3 * np.sqrt(2 / 399)


def test_poisson_input_string_weight_read_at_run_time():
    from eqsim.units import mV
    ns = {"J": 0.5 * mV}
    G = eq.NeuronGroup(10, "x : volt", namespace=ns, name="g")
    P = eq.PoissonInput(G, "x", 100, 100 * Hz, "2*J", seed=1, name="pin")
    net = eq.Network(G, P)
    net.run(10 * ms)
    first = G.x_.copy()
    assert np.allclose(first / 1e-3, np.round(first / 1e-3))   # multiples of 2*J
    ns["J"] = 0.25 * mV
    net.run(10 * ms)
    assert np.allclose((G.x_ - first) / 0.5e-3, np.round((G.x_ - first) / 0.5e-3))
    with pytest.raises(eq.ConfigurationError, match="constants and units"):
        eq.PoissonInput(eq.NeuronGroup(2, "x : volt\ny : volt"), "x", 5, 5 * Hz, "y")


def test_poisson_input_identical_on_both_backends():
    from eqsim.units import mV
    out = []
    for backend in ("c", "numpy"):
        G = eq.NeuronGroup(50, "dv/dt = -v/(10*ms) : volt", threshold="v > 5*mV",
                           reset="v = 0*mV", method="exact", name="g")
        P = eq.PoissonInput(G, "v", 100, 20 * Hz, 0.4 * mV, seed=5, name="pin")
        mon = eq.SpikeMonitor(G)
        eq.Network(G, P, mon).run(300 * ms, backend=backend)
        out.append((mon.i.copy(), mon.t_.copy()))
    assert len(out[0][0]) > 50
    assert np.array_equal(out[0][0], out[1][0]) and np.array_equal(out[0][1], out[1][1])


@pytest.mark.parametrize("n, rate, per_step", [(100, 10000.0, 100), (100, 0.0, 0)])
def test_poisson_input_certain_and_impossible_events(backend, n, rate, per_step):
    """p = 1 (every source fires every step: past the end of the C side's CDF table)
    and p = 0 (no source ever fires)."""
    from eqsim.units import mV
    G = eq.NeuronGroup(70, "x : volt", name="g")
    P = eq.PoissonInput(G, "x", n, rate * Hz, 1 * mV, seed=2, name="pin")
    eq.Network(G, P).run(1 * ms, backend=backend)
    assert np.allclose(G.x_, per_step * 10 * 1e-3)


def test_poisson_group_rates_from_a_timed_array(backend):
    N = 2000 if backend == "c" else 400
    ta = eq.TimedArray([10, 40] * Hz, dt=500 * ms)
    P = eq.PoissonGroup(N, "ta(t)", namespace={"ta": ta}, seed=12, name="p")
    mon = eq.SpikeMonitor(P)
    eq.Network(P, mon).run(1 * second, backend=backend)
    early = int(np.sum(mon.t < 500 * ms))
    assert _within_3_sigma(early, 10, N, 0.5)
    assert _within_3_sigma(mon.num_spikes - early, 40, N, 0.5)
