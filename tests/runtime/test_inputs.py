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
