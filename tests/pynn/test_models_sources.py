"""Random spike sources and the noisy current of eqsim.pynn.standardmodels: statistics
(rates within k standard errors, the CV of gamma processes), their windows, the same
numbers on the C and numpy backends (one counter-based RNG), and parameters changed
between runs."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pyNN")

from tests.pynn import _double

DT = 0.1


def _sources(backend: str, T: float) -> dict:
    import eqsim as eq
    from eqsim.pynn.standardmodels import cells as C
    from eqsim.pynn.standardmodels import electrodes as El
    from eqsim.units import ms
    st = _double.fresh(DT)
    rates = np.where(np.arange(200) < 100, 50.0, 20.0)
    ct = C.SpikeSourcePoisson(rate=rates, start=100.0, duration=500.0)
    pois = _double.population(ct, 200, "pois")
    gam = _double.population(C.SpikeSourceGamma(alpha=4, beta=200.0), 100, "gam")
    inh = _double.population(C.SpikeSourceInhGamma(
        a=[2.0, 4.0], b=[0.01, 0.002], tbins=[0.0, 400.0]), 200, "inh")
    cells = _double.population(C.IF_curr_exp(v_thresh=1000.0), 40, "cells")
    El.NoisyCurrentSource(mean=0.2, stdev=0.5, dt=1.0, start=20.0,
                          stop=700.0).inject_into([(cells, np.arange(40))])
    mons = {k: eq.SpikeMonitor(g) for k, g in (("pois", pois), ("gam", gam),
                                                ("inh", inh))}
    cur = eq.StateMonitor(cells, "i_inj", record=True)
    for m in (*mons.values(), cur):
        st.add(m)
    st.network.run(T * ms, backend=backend)
    out = {k: ((m.t_ + DT * 1e-3) * 1e3, np.asarray(m.i)) for k, m in mons.items()}
    out["i_inj"] = cur.i_inj_ * 1e9     # (cells, steps), nA
    return out


@pytest.fixture(scope="module")
def runs():
    # numpy (the slow reference) runs the first 150 ms only
    return {"c": _sources("c", 800.0), "numpy": _sources("numpy", 150.0)}


def test_c_and_numpy_draw_the_same_numbers(runs):
    for k in ("pois", "gam", "inh"):
        t, i = runs["c"][k]
        first = t <= 150.0 + 1e-9
        assert runs["numpy"][k][0].size > 50
        np.testing.assert_array_equal(t[first], runs["numpy"][k][0], err_msg=k)
        np.testing.assert_array_equal(i[first], runs["numpy"][k][1], err_msg=k)
    n = runs["numpy"]["i_inj"].shape[1]
    np.testing.assert_array_equal(runs["c"]["i_inj"][:, :n], runs["numpy"]["i_inj"])


def test_poisson_rates_and_window(runs):
    t, i = runs["c"]["pois"]
    assert t.min() > 100.0 and t.max() <= 600.0 + 1e-9   # (start, start + duration]
    for cells, rate in ((i < 100, 50.0), (i >= 100, 20.0)):
        n, expect = cells.sum(), 100 * rate * 0.5
        assert abs(n - expect) < 4 * np.sqrt(expect), (n, expect)


def test_gamma_rate_and_cv(runs):
    t, i = runs["c"]["gam"]
    expect = 100 * (200.0 / 4) * 0.8                 # beta/alpha, 100 cells, 0.8 s
    assert abs(t.size - expect) < 4 * np.sqrt(expect * 0.25), (t.size, expect)
    order = np.lexsort((t, i))
    t, i = t[order], i[order]
    isi = np.diff(t)[np.diff(i) == 0]
    cv = isi.std() / isi.mean()
    assert abs(cv - 0.5) < 0.03, cv                  # 1/sqrt(alpha); grid: 0.5*sqrt(1-p)


def test_inhomogeneous_gamma_follows_its_bins(runs):
    t, _ = runs["c"]["inh"]
    first = np.sum(t <= 400.0)                      # 1/(a*b) = 50 Hz
    second = np.sum(t > 400.0)                      # 125 Hz
    for n, expect in ((first, 200 * 50.0 * 0.4), (second, 200 * 125.0 * 0.4)):
        assert abs(n - expect) < 5 * np.sqrt(expect), (n, expect)


def test_noisy_current_is_held_gaussian_from_start_to_stop(runs):
    # the monitor records i_inj at the start of a step, before the electrode sets the
    # step's value: record k + 1 is the current of step k
    cur = runs["c"]["i_inj"][:, 1:]
    steps = np.arange(cur.shape[1])
    t = steps * DT
    off = (t < 20.0 - 1e-9) | (t >= 700.0 - 1e-9)
    assert np.all(cur[:, off] == 0.0)
    on = cur[:, ~off]
    blocks = on[:, :on.shape[1] // 10 * 10].reshape(40, -1, 10)                # dt of the source: 10 steps
    assert np.all(blocks == blocks[:, :, :1])       # held for dt
    values = blocks[:, :, 0].ravel()                # 40 x 679 draws
    se = 0.5 / np.sqrt(values.size)
    assert abs(values.mean() - 0.2) < 4 * se
    assert abs(values.std() - 0.5) < 0.02
    assert abs(np.corrcoef(blocks[0, :, 0], blocks[1, :, 0])[0, 1]) < 0.2


def test_parameters_changed_between_runs():
    """set_native as pynncore calls it between runs: new spike times, a new rate, a new
    DC amplitude take effect in the next run."""
    import eqsim as eq
    from eqsim.pynn.standardmodels import cells as C
    from eqsim.pynn.standardmodels import electrodes as El
    from eqsim.units import ms
    st = _double.fresh(DT)
    ssa_t = C.SpikeSourceArray(spike_times=[2.0, 4.0])
    ssa = _double.population(ssa_t, 2, "ssa")
    pois_t = C.SpikeSourcePoisson(rate=0.0)
    pois = _double.population(pois_t, 50, "pois")
    cell_t = C.IF_curr_exp(v_thresh=1000.0)
    cell = _double.population(cell_t, 1, "cell")
    dc = El.DCSource(amplitude=0.5, start=0.0, stop=1e12)
    dc.inject_into([(cell, np.arange(1))])
    ms_ = [eq.SpikeMonitor(ssa), eq.SpikeMonitor(pois), eq.StateMonitor(cell, "i_inj",
                                                                        record=True)]
    for m in ms_:
        st.add(m)
    st.network.run(10 * ms)
    ssa_t.set_native(ssa, np.array([1]), {"spike_times": np.array([[15.0, 17.5]],
                                                                    dtype=float) * 1e-3})
    pois_t.set_native(pois, np.arange(50), {"rates": np.full(50, 400.0)})
    dc.amplitude = 1.5
    st.network.run(10 * ms)
    t = np.round((ms_[0].t_ + DT * 1e-3) * 1e3, 6)
    assert sorted(zip(np.asarray(ms_[0].i), t)) == [(0, 2.0), (0, 4.0), (1, 2.0),
                                                     (1, 4.0), (1, 15.0), (1, 17.5)]
    tp = ms_[1].t_ * 1e3
    assert tp.size > 100 and tp.min() >= 10.0 - 1e-9
    i_inj = ms_[2].i_inj_[0] * 1e9
    np.testing.assert_allclose(i_inj[[50, 99, 150, 199]], [0.5, 0.5, 1.5, 1.5])


def test_poisson_refractory_and_stochastic_synapse():
    """SpikeSourcePoissonRefractory: intervals tau_refrac + exponential, mean 1/rate;
    SimpleStochasticSynapse: each of 2000 spikes passes with probability p (counted as
    the jumps of an IF_curr_delta cell that does not leak)."""
    import eqsim as eq
    from eqsim.pynn.standardmodels import cells as C
    from eqsim.pynn.standardmodels import synapses as Syn
    from eqsim.units import ms
    st = _double.fresh(DT)
    src = _double.population(C.SpikeSourcePoissonRefractory(
        rate=[100.0, 50.0], tau_refrac=[5.0, 5.0]), 2, "ppd")
    times = np.arange(1, 2001) * 1.0
    arr = _double.population(C.SpikeSourceArray(spike_times=times), 1, "arr")
    cell_t = C.IF_curr_delta(tau_m=1e12, v_thresh=1e9, v_rest=0.0, v_reset=0.0)
    cell = _double.population(cell_t, 1, "acc")
    _double.projection(arr, cell, cell_t, Syn.SimpleStochasticSynapse(
        weight=1.0, delay=1.0, p=0.3), "excitatory", [0], [0])
    mon = eq.SpikeMonitor(src)
    st.add(mon)
    st.network.run(2005 * ms)
    n = round(float(cell.arrays["V_m"][0]) * 1e3)        # jumps of 1 mV
    assert abs(n - 600) < 4 * np.sqrt(2000 * 0.3 * 0.7), n
    t, i = mon.t_ * 1e3, np.asarray(mon.i)
    for k, rate in ((0, 100.0), (1, 50.0)):
        isi = np.diff(t[i == k])
        assert isi.min() >= 5.0 - 1e-9
        se = (1000.0 / rate - 5.0) / np.sqrt(isi.size)
        assert abs(isi.mean() - 1000.0 / rate) < 4 * se, (k, isi.mean())


def test_poisson_source_sends_poisson_counts_and_records_every_spike():
    """SpikeSourcePoisson at 2,300 Hz, dt = 0.1 ms (the Potjans2014 example's background):
    the spikes recorded per (cell, step) have mean and variance rates*dt = 0.23 within 4
    standard errors (n = 400,000; s.e. of the variance sqrt((lam + 2 lam^2)/n) = 0.0009;
    at most one spike a step would give 0.177, 57 s.e. away), as NEST's poisson_generator
    + parrot_neuron (several spikes in a step are recorded at the same time); no warning."""
    import warnings

    import eqsim.pynn as sim
    sim.setup(timestep=0.1, rng_seed=7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        src = sim.Population(200, sim.SpikeSourcePoisson(rate=2300.0))
    src.record("spikes")
    sim.run(200.0)
    trains = src.get_data().segments[0].spiketrains
    sim.end()
    steps = [np.round(np.asarray(st.magnitude) / 0.1).astype(int) for st in trains]
    counts = np.stack([np.bincount(s, minlength=2002)[1:2001] for s in steps])
    lam, n = 0.23, counts.size
    assert abs(counts.mean() - lam) < 4 * np.sqrt(lam / n), counts.mean()
    assert abs(counts.var() - lam) < 4 * np.sqrt((lam + 2 * lam ** 2) / n), counts.var()
    assert counts.max() >= 3        # several spikes of one cell at one recorded time


def test_poisson_source_after_reset_and_with_a_higher_rate():
    """reset() after a run at 3 kHz (the spike buffer grew to N x the count cap after
    the state was stored) gives the same spikes again; a rate set to 9 kHz between runs
    (a larger cap) takes effect: spike count within 4 standard errors."""
    import eqsim.pynn as sim
    sim.setup(timestep=0.1, rng_seed=3)
    src = sim.Population(50, sim.SpikeSourcePoisson(rate=3000.0))
    cell = sim.Population(50, sim.IF_curr_exp())
    sim.Projection(src, cell, sim.OneToOneConnector(),
                   sim.StaticSynapse(weight=0.01, delay=1.0))
    src.record("spikes")
    sim.run(20.0)
    first = [np.asarray(st) for st in src.get_data().segments[0].spiketrains]
    sim.reset()
    sim.run(20.0)
    again = [np.asarray(st) for st in src.get_data().segments[-1].spiketrains]
    assert sum(map(len, first)) > 2000
    assert all(np.array_equal(x, y) for x, y in zip(first, again))
    src.set(rate=9000.0)
    sim.run(20.0)
    trains = src.get_data().segments[-1].spiketrains
    n = sum(int(np.count_nonzero(np.asarray(st) > 20.0 + 1e-9)) for st in trains)
    sim.end()
    assert abs(n - 9000.0) < 4 * np.sqrt(9000.0), n
