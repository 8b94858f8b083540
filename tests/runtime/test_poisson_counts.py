"""PoissonCountGroup: per-step spike counts are Poisson (mean and variance equal rates*dt,
not the Bernoulli variance of at most one spike a step), every target gets the weight
once per spike (with and without delay, through a synapse's own variables too), the C
and numpy backends and 1 or 2 threads give the same spikes, and new rates between runs
(a larger count cap) take effect."""
from __future__ import annotations

import numpy as np
import pytest

import eqsim as eq
from eqsim.runtime.poisson_counts import PoissonCountGroup, poisson_cap, poisson_counts
from eqsim.units import Hz, ms

DT = 0.1e-3
N = 400
STEPS = (2000, 1000)            # a run at 2 kHz, then one at 5 kHz
RATES = (2000.0, 5000.0)        # mean counts per step 0.2 and 0.5
DELAY_STEPS = 10


def _run(backend: str, n: int = N, steps=STEPS, threads: int = 1) -> dict:
    G = PoissonCountGroup(n, RATES[0] * Hz, dt=DT * eq.second, name="src", seed=11)
    T = eq.NeuronGroup(n, "x : 1\ny : 1", dt=DT * eq.second, name="tgt")
    # a synapse counts its own events (n_ev) besides adding its weight
    S = eq.Synapses(G, T, "w : 1\nn_ev : 1", on_pre="x_post += w\nn_ev += 1",
                    name="direct")
    S.connect(j="i")
    S.w = 1.0
    D = eq.Synapses(G, T, "w : 1", on_pre="y_post += w", delay=DELAY_STEPS * DT * eq.second,
                    name="delayed")
    D.connect(j="i")
    D.w = 0.5
    M = eq.SpikeMonitor(G, name="spikes")
    R = eq.PopulationRateMonitor(G, name="rate")
    net = eq.Network(G, T, S, D, M, R)
    out = {"x": [], "y": [], "n_ev": []}
    for rate, k in zip(RATES, steps):
        G.rates = rate * Hz
        net.run(k * DT * eq.second, backend=backend, threads=threads)
        out["x"].append(T.x[:].copy())
        out["y"].append(T.y[:].copy())
        out["n_ev"].append(np.asarray(S.n_ev[:]).copy())
    out["i"] = np.asarray(M.i)
    out["step"] = np.round(np.asarray(M.t_) / DT).astype(np.int64)
    out["counts"] = np.asarray(M.count).copy()
    out["rate"] = np.asarray(R.rate) * DT * n   # spikes per step (all neurons)
    return out


@pytest.fixture(scope="module")
def runs():
    return {b: _run(b) for b in ("c", "numpy")}


def _per_step(run, lo: int, hi: int) -> np.ndarray:
    """Counts of each (neuron, step) for the steps [lo, hi)."""
    keep = (run["step"] >= lo) & (run["step"] < hi)
    return np.bincount(run["i"][keep] * (hi - lo) + run["step"][keep] - lo,
                       minlength=N * (hi - lo))


@pytest.mark.parametrize("part", [0, 1])
def test_counts_per_step_are_poisson(runs, part):
    """Mean and variance of the count per (neuron, step) equal rates*dt within 4 standard
    errors (n = 800,000 and 400,000 counts): for a Poisson count the variance of the
    sample variance is (lam + 2 lam^2)/n; a source with at most one spike per step would
    have the variance lam (1 - lam), 25 and 60 standard errors away."""
    lo = sum(STEPS[:part])
    c = _per_step(runs["c"], lo, lo + STEPS[part])
    lam = RATES[part] * DT
    n = c.size
    se_mean, se_var = np.sqrt(lam / n), np.sqrt((lam + 2 * lam ** 2) / n)
    assert abs(c.mean() - lam) < 4 * se_mean, (c.mean(), lam)
    assert abs(c.var() - lam) < 4 * se_var, (c.var(), lam, se_var)
    assert lam - lam * (1 - lam) > 20 * se_var          # the test can tell Bernoulli
    # the frequencies of 0, 1, 2, 3 and more spikes, each within 4 binomial s.e.
    k = np.arange(4)
    pmf = np.exp(-lam) * lam ** k / np.array([1, 1, 2, 6])
    freq = np.r_[[np.mean(c == j) for j in k], np.mean(c >= 4)]
    expect = np.r_[pmf, 1 - pmf.sum()]
    se = np.sqrt(expect * (1 - expect) / n)
    assert np.all(np.abs(freq - expect) < 4 * se + 1e-12), (freq, expect)


def test_targets_receive_weight_times_count_exactly(runs):
    """x (no delay) is the weight 1 times the spikes of the source; y (delay 10 steps,
    weight 0.5) the spikes emitted up to 10 steps before the end; each synapse ran its
    statements once per spike (n_ev). Sums of 1.0 and 0.5 are exact."""
    for b, run in runs.items():
        end = sum(STEPS)
        spikes = np.bincount(run["i"], minlength=N)
        early = np.bincount(run["i"][run["step"] <= end - 1 - DELAY_STEPS], minlength=N)
        np.testing.assert_array_equal(run["x"][-1], spikes.astype(float), err_msg=b)
        np.testing.assert_array_equal(run["n_ev"][-1], spikes.astype(float), err_msg=b)
        np.testing.assert_array_equal(run["y"][-1], 0.5 * early, err_msg=b)
        np.testing.assert_array_equal(run["counts"], spikes, err_msg=b)
        assert spikes.max() > 0 and np.bincount(run["i"] * end + run["step"]).max() >= 3
        # the rate monitor counts every spike of a step
        np.testing.assert_array_equal(np.round(run["rate"]).astype(np.int64),
                                      np.bincount(run["step"], minlength=end)[:end])


def test_c_and_numpy_give_the_same_spikes(runs):
    c, n = runs["c"], runs["numpy"]
    for key in ("i", "step", "counts"):
        np.testing.assert_array_equal(c[key], n[key], err_msg=key)
    for key in ("x", "y", "n_ev"):
        for a, b in zip(c[key], n[key]):
            np.testing.assert_array_equal(a, b, err_msg=key)


def test_threads_give_the_same_spikes():
    """40,000 sources (above the size at which the threads split the draw): 1 and 2
    threads give the same spike lists, in the same order, and the same sums."""
    one = _run("c", n=40_000, steps=(30, 20), threads=1)
    two = _run("c", n=40_000, steps=(30, 20), threads=2)
    for key in ("i", "step", "counts"):
        np.testing.assert_array_equal(one[key], two[key], err_msg=key)
    for key in ("x", "y", "n_ev"):
        np.testing.assert_array_equal(one[key][-1], two[key][-1], err_msg=key)
    assert one["i"].size > 0.9 * 40_000 * (30 * 0.2 + 20 * 0.5)


def test_count_cap_and_numpy_twin():
    """The cap leaves a tail below 2**-60 (checked against the Poisson tail); the
    inversion gives the Poisson quantiles."""
    from math import exp, factorial
    for lam in (0.01, 0.2, 0.5, 3.0, 20.0):
        k = poisson_cap(lam)
        tail = 1 - sum(exp(-lam) * lam ** j / factorial(j) for j in range(k + 1))
        assert tail < 2.0 ** -50, (lam, k, tail)      # (1 - sum loses the last bits)
        assert k >= lam
    u = np.array([0.0, 0.5, 0.9, 0.999999])
    np.testing.assert_array_equal(poisson_counts(u, 0.2, 12), [0, 0, 1, 5])
    np.testing.assert_array_equal(poisson_counts(u, 0.2, 2), [0, 0, 1, 2])
