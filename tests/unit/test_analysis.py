"""eqsim.analysis against analytic cases (issue 12, point 8). Random cases state their
seed, size and the tolerance that follows from it."""
import doctest
import itertools

import numpy as np
import pytest

import eqsim as eq
from eqsim import analysis as an
from eqsim.errors import EqsimError
from eqsim.units import Hz, mV, ms, nS, pA, second


def poisson_trains(n, rate, duration, seed):
    """n independent Poisson trains (exponential ISIs), {k: times in s}."""
    rng = np.random.default_rng(seed)
    count = int(rate * duration * 2 + 50)
    t = np.cumsum(rng.exponential(1 / rate, (n, count)), axis=1)
    assert (t[:, -1] > duration).all()
    return {k: t[k][t[k] < duration] for k in range(n)}


def test_docstring_examples():
    assert doctest.testmod(an).failed == 0


# ---- rates ----
def test_rates_of_regular_trains():
    trains = {0: np.arange(0.05, 1, 0.1), 1: np.arange(0.01, 1, 0.02), 2: []}
    assert np.allclose(an.firing_rates(trains, t_stop=1 * second) / Hz, [10, 50, 0])
    # half-open window [0.2 s, 0.6 s): 4 and 20 spikes
    assert np.allclose(an.firing_rates(trains, 200 * ms, 600 * ms) / Hz, [10, 50, 0])
    assert np.isclose(float(an.population_rates(trains, t_stop=1 * second)["all"] / Hz),
                      20.0)


@pytest.mark.parametrize("kernel,width", [(None, None), ("gaussian", 5 * ms),
                                          ("box", 10 * ms)])
def test_population_activity_of_a_constant_rate_is_constant(kernel, width):
    # 100 neurons at 20 Hz, phases spread evenly: exactly 2 spikes in each 1 ms bin
    phases = (np.arange(100) * 0.5 + 0.25) * 1e-3   # off the bin edges
    trains = {k: np.arange(phases[k], 1.0, 0.05) for k in range(100)}
    t, rate = an.population_activity(trains, 1 * ms, t_stop=1 * second, kernel=kernel,
                                     width=width)
    assert len(t) == 1000 and np.isclose(float(t[0] / ms), 0.5)
    assert np.allclose(rate / Hz, 20.0, rtol=1e-12)   # edges renormalised too


def test_population_activity_of_one_spike_is_the_kernel():
    t, rate = an.population_activity({0: [0.5]}, 1 * ms, t_stop=1 * second,
                                     kernel="gaussian", width=10 * ms)
    r = np.asarray(rate)
    assert np.isclose(r.sum() * 1e-3, 1.0, rtol=1e-9)      # one spike in total
    assert np.isclose(float(t[np.argmax(r)] / ms), 500.5)
    # a sampled Gaussian of sigma 10 bins
    assert np.isclose(r.max() * 1e-3, 1 / (np.sqrt(2 * np.pi) * 10), rtol=1e-3)


# ---- CV and Fano ----
def test_cv_of_regular_trains_is_zero_and_few_spikes_give_nan():
    trains = {0: np.arange(0, 1, 0.1), 1: np.arange(0.003, 1, 0.037), 2: [0.1, 0.2]}
    cv = an.isi_cv(trains)
    assert np.all(np.abs(cv[:2]) < 1e-9) and np.isnan(cv[2])


def test_cv_of_alternating_intervals():
    # 100 ISIs alternating 10 ms, 30 ms: mean 20, std 10 -> CV 0.5
    t = np.concatenate([[0.0], np.cumsum(np.tile([0.01, 0.03], 50))])
    assert np.isclose(an.isi_cv({0: t})[0], 0.5, rtol=1e-9)


def test_cv_and_fano_of_poisson_trains_are_one():
    # seed 1, 200 neurons x 20 Hz x 20 s: ~400 ISIs per neuron; the mean CV over
    # neurons has a standard error of ~0.0025 and Fano (200 bins of 100 ms, ddof 0:
    # expectation 1 - 1/200) ~0.005; tolerances are 4-5 standard errors
    trains = poisson_trains(200, 20.0, 20.0, seed=1)
    cv = an.isi_cv(trains)
    assert abs(np.mean(cv) - 1.0) < 0.012
    ff = an.fano_factor(trains, 100 * ms, t_stop=20 * second)
    assert abs(np.mean(ff) - (1 - 1 / 200)) < 0.025


def test_fano_of_regular_trains_is_zero():
    trains = {0: np.arange(0.005, 2, 0.01), 1: np.arange(0.001, 2, 0.025)}
    ff = an.fano_factor(trains, 50 * ms, t_stop=2 * second)
    assert np.allclose(ff, 0.0, atol=1e-12)


# ---- correlation and synchrony ----
def test_count_correlation_of_shared_input():
    # each neuron: a common Poisson train (10 Hz) plus its own (30 Hz): counts in
    # any window are sums of independent Poisson counts, so rho = 10/(10 + 30) = 0.25.
    # seed 2, 20 neurons, 100 s in 50 ms bins (2000 bins): SE of a pair ~0.02, of the
    # mean over 190 pairs ~0.01 (they share the common train)
    common = poisson_trains(1, 10.0, 100.0, seed=2)[0]
    own = poisson_trains(20, 30.0, 100.0, seed=3)
    trains = {k: np.sort(np.concatenate([common, own[k]])) for k in range(20)}
    c = an.spike_count_correlation(trains, 50 * ms, t_stop=100 * second)
    assert c.shape == (20, 20) and np.allclose(np.diag(c), 1.0)
    assert abs(an.mean_correlation(c) - 0.25) < 0.04
    same = an.spike_count_correlation({0: common, 1: common, 2: []}, 50 * ms,
                                      t_stop=100 * second)
    assert np.isclose(same[0, 1], 1.0) and np.isnan(same[0, 2])


def test_synchrony_chi():
    t = np.linspace(0, 1, 1000)
    same = np.tile(np.sin(2 * np.pi * 5 * t), (50, 1))
    assert np.isclose(an.synchrony_chi(same), 1.0)
    # independent noise, seed 5, N = 100, 10000 samples: chi = 1/sqrt(N) within 3 %
    noise = np.random.default_rng(5).normal(size=(100, 10000))
    assert abs(an.synchrony_chi(noise) - 0.1) < 0.003
    # a shared signal plus own noise of the same variance: chi^2 = 1/2 + 1/(2N)
    shared = np.random.default_rng(6).normal(size=10000)
    x = (shared + np.random.default_rng(7).normal(size=(100, 10000)))
    assert abs(an.synchrony_chi(x) - np.sqrt(0.5 + 0.5 / 100)) < 0.02


# ---- Victor-Purpura ----
def _vp_reference(a, b, q):
    """The textbook O(n m) recursion, cell by cell."""
    a, b = sorted(a), sorted(b)
    D = np.zeros((len(a) + 1, len(b) + 1))
    D[:, 0] = np.arange(len(a) + 1)
    D[0, :] = np.arange(len(b) + 1)
    for i, j in itertools.product(range(1, len(a) + 1), range(1, len(b) + 1)):
        D[i, j] = min(D[i - 1, j] + 1, D[i, j - 1] + 1,
                      D[i - 1, j - 1] + q * abs(a[i - 1] - b[j - 1]))
    return D[-1, -1]


def test_victor_purpura_small_cases():
    q = 10 * Hz
    assert an.victor_purpura([], [0.1, 0.2, 0.3], q) == 3
    assert an.victor_purpura([0.1, 0.2], [0.1, 0.2], q) == 0
    # one spike each, 50 ms apart: shifting costs 0.5 < 2
    assert np.isclose(an.victor_purpura([0.1], [0.15], q), 0.5)
    # 300 ms apart: delete + insert (2) beats shifting (3)
    assert an.victor_purpura([0.1], [0.4], q) == 2
    # shift 0.1 -> 0.12 (0.2), 0.3 -> 0.5 costs 2 either way: 2.2
    assert np.isclose(an.victor_purpura([0.1, 0.3], [0.12, 0.5], q), 2.2)
    assert np.isclose(an.victor_purpura([0.1, 0.2], [0.15], q), 1.5)
    # q = 0: only the counts matter; q huge: every non-coincident spike costs 1
    assert an.victor_purpura([0.1, 0.2, 0.7], [0.5], 0 * Hz) == 2
    assert an.victor_purpura([0.1, 0.2, 0.7], [0.2, 0.5], 1e9 * Hz) == 3
    assert an.victor_purpura([0.2, 0.1], [0.15], q) == \
        an.victor_purpura([0.1, 0.2], [0.15], q)     # order of the input does not matter


def test_victor_purpura_matches_the_cell_by_cell_recursion():
    rng = np.random.default_rng(11)
    for n, m, q in [(7, 5, 30.0), (12, 12, 5.0), (1, 9, 100.0), (20, 3, 1.0)]:
        a, b = rng.random(n), rng.random(m)
        assert np.isclose(an.victor_purpura(a, b, q * Hz), _vp_reference(a, b, q),
                          rtol=1e-12)
    d = an.victor_purpura_matrix({0: [0.1], 1: [0.15], 2: []}, 10 * Hz)
    assert np.allclose(d, [[0, 0.5, 1], [0.5, 0, 1], [1, 1, 0]])


# ---- Vm and currents (one small network, numpy backend: nothing to compile) ----
@pytest.fixture(scope="module")
def clamped():
    """v = -60 mV + 5 mV sin(2 pi 50 Hz t) sampled at dt = 0.1 ms over 100 ms (5 full
    periods); constant ge = 1 nS, gi = 2 nS; gs = 1 nS + 0.5 nS sin(...)."""
    G = eq.NeuronGroup(2, """vs = v0 + A*sin(2*pi*f*t) : volt
gs = g0*(1 + 0.5*sin(2*pi*f*t)) : siemens
v : volt
ge : siemens
gi : siemens""", namespace={"v0": -60 * mV, "A": 5 * mV, "f": 50 * Hz, "g0": 1 * nS},
        name="clamped")
    G.v = -60 * mV
    G.ge = 1 * nS
    G.gi = 2 * nS
    M = eq.StateMonitor(G, ["vs", "v", "ge", "gi", "gs"], record=True)
    eq.Network(G, M).run(100 * ms, backend="numpy")
    return M


def test_vm_stats_of_a_sampled_sine(clamped):
    s = an.vm_stats(clamped, "vs")
    assert np.allclose(s["mean"] / mV, -60.0, atol=1e-9)
    # mean of sin^2 over whole periods sampled evenly is 1/2: std = A/sqrt(2)
    assert np.allclose(s["std"] / mV, 5 / np.sqrt(2), rtol=1e-9)
    assert np.allclose(s["skewness"], 0.0, atol=1e-9)
    # the first quarter period (t in [0, 5 ms)): all above the mean, skewed left
    first = an.vm_stats(clamped, "vs", t_start=0 * ms, t_stop=5 * ms)
    assert np.all(first["mean"] > -60 * mV) and np.all(first["skewness"] < 0)


def test_vm_skewness_of_a_two_valued_trace():
    # 3/4 of the time at 0, 1/4 at 1 mV: mean 1/4, variance 3/16, skewness 2/sqrt(3)
    x = np.tile([0.0, 0.0, 0.0, 1.0], 10)[None, :] * mV
    s = an.vm_stats(x)
    assert np.isclose(float(s["mean"][0] / mV), 0.25)
    assert np.isclose(float(s["std"][0] / mV), np.sqrt(3) / 4)
    assert np.isclose(s["skewness"][0], 2 / np.sqrt(3))


def test_ei_currents_and_balance(clamped):
    IE, II = an.ei_currents(clamped, E_e=0 * mV, E_i=-80 * mV)
    assert np.allclose(IE / pA, 60.0) and np.allclose(II / pA, -40.0)
    b = an.ei_balance(IE, II)
    assert np.allclose(b["ratio"], 40 / 60) and np.allclose(b["net"] / pA, 20.0)
    assert np.all(np.isnan(b["correlation"]))       # constant currents: undefined
    # inhibition that tracks a varying excitation: correlation 1
    IE2, _ = an.ei_currents(clamped, e="gs", i="gi", E_e=0 * mV, E_i=-80 * mV)
    b2 = an.ei_balance(IE2, -IE2 * 0.5)
    assert np.allclose(b2["correlation"], 1.0) and np.allclose(b2["ratio"], 0.5)
    b3 = an.ei_balance(IE2, IE2 * 0.5 - 2 * IE2.mean())   # anti-tracking
    assert np.allclose(b3["correlation"], -1.0)
    # currents recorded directly (no reversal potentials): ge and gi as they are
    e, i = an.ei_currents(clamped)
    assert np.allclose(e / nS, 1.0) and np.allclose(i / nS, 2.0)


def test_analysis_errors():
    with pytest.raises(EqsimError, match="E983"):
        an.firing_rates({0: [0.1]})                      # no t_stop known
    with pytest.raises(EqsimError, match="E983"):
        an.binned_counts({0: [0.1]}, 1.0, t_stop=1 * second)   # bin without unit
    with pytest.raises(EqsimError, match="E983"):
        an.victor_purpura([0.1], [0.2], q=5)            # q without unit
    with pytest.raises(EqsimError, match="E983"):
        an.population_activity({0: [0.1]}, 1 * ms, t_stop=1 * second, kernel="gaussian")
    with pytest.raises(EqsimError, match="E983"):
        an.spike_data("spikes.txt")


# ---- Neo and Elephant (optional) ----
@pytest.fixture(scope="module")
def poisson_run():
    P = eq.PoissonGroup(30, 40 * Hz, seed=8, name="P", label="drive")
    P[:10].label = "early"
    M = eq.SpikeMonitor(P)
    S = eq.StateMonitor(P, "rates", record=[0, 3])
    eq.Network(P, M, S).run(500 * ms, backend="numpy")
    return M, S


def test_to_neo(poisson_run):
    pytest.importorskip("neo")
    import quantities as pq
    M, S = poisson_run
    block = an.to_neo([M, S])
    seg = block.segments[0]
    assert len(seg.spiketrains) == 30
    gids = [st.annotations["gid"] for st in seg.spiketrains]
    assert gids == list(range(30))
    assert [st.annotations["label"] for st in seg.spiketrains] == \
        ["early"] * 10 + ["drive"] * 20
    trains = M.spike_trains()
    for k in (0, 17):
        assert np.array_equal(seg.spiketrains[k].rescale(pq.s).magnitude,
                              np.asarray(trains[k] / second))
    assert float(seg.spiketrains[0].t_stop.rescale(pq.s)) == pytest.approx(0.5)
    sig = seg.analogsignals[0]
    assert sig.shape == (len(S.t_), 2) and sig.annotations["indices"] == [0, 3]
    assert np.allclose(sig.magnitude, 40.0)


def test_elephant_agrees_on_cv_and_victor_purpura(poisson_run):
    pytest.importorskip("elephant")
    import quantities as pq
    from elephant.spike_train_dissimilarity import victor_purpura_distance
    from elephant.statistics import cv, isi
    M, _ = poisson_run
    seg = an.to_neo(M).segments[0]
    ours = an.isi_cv(M)
    theirs = np.array([cv(isi(st)) if len(st) >= 3 else np.nan
                       for st in seg.spiketrains])
    assert np.allclose(ours, theirs, rtol=1e-10, equal_nan=True)
    d_theirs = victor_purpura_distance(seg.spiketrains[:6], cost_factor=50 * pq.Hz)
    d_ours = an.victor_purpura_matrix(M, 50 * Hz)[:6, :6]
    assert np.allclose(d_ours, d_theirs, rtol=1e-10)
