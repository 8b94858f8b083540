"""eqsim.drives: generated spike times against their distributions (stated seeds and
tolerances), exact routing of weights and delays, the Gaussian fall-off with distance,
id remapping, and delivery on both backends; afferent input against the integral of its
rate."""
import numpy as np
import pytest

import eqsim as eq
from eqsim import drives, topology
from eqsim.units import Hz, ms, nS, second, um

MODEL = """dg_ampa/dt = -g_ampa/(5*ms) : siemens
dg_nmda/dt = -g_nmda/(100*ms) : siemens
x : meter
y : meter"""


def column(n_pyr=25, n_bask=9):
    """One group with two labelled populations on grids (10 um apart)."""
    G = eq.NeuronGroup(n_pyr + n_bask, MODEL, name="col", label="col")
    G[:n_pyr].label = "pyr"
    G[n_pyr:].label = "bask"
    topology.place_grid(G[:n_pyr], spacing=10 * um)
    topology.place_grid(G[n_pyr:], spacing=10 * um, origin=np.array([5.0, 5.0, 0.0]) * um)
    return G


def test_evoked_times_are_normal():
    # 20,000 cells x 3 spikes, mu = 50 ms, sigma = 4 ms: the sample mean is within
    # 5 standard errors (5*4/sqrt(60000) = 0.08 ms) and the sd within 2 %
    G = eq.NeuronGroup(20000, "dg_ampa/dt = -g_ampa/(5*ms) : siemens", label="E")
    d = drives.evoked(G, mu=50 * ms, sigma=4 * ms, numspikes=3,
                      weights_ampa={"E": 1 * nS}, seed=11)
    t = d.times / ms
    assert d.n_cells == 20000 and len(t) == 60000
    assert abs(t.mean() - 50) < 0.08
    assert abs(t.std() / 4 - 1) < 0.02
    assert np.array_equal(np.bincount(d.cells), np.full(20000, 3))
    again = drives.evoked(G, mu=50 * ms, sigma=4 * ms, numspikes=3,
                          weights_ampa={"E": 1 * nS}, seed=11)
    assert np.array_equal(again.times, d.times)   # its own seed: reproducible


def test_evoked_drops_negative_times():
    G = eq.NeuronGroup(5000, "dg_ampa/dt = -g_ampa/(5*ms) : siemens", label="E")
    d = drives.evoked(G, mu=1 * ms, sigma=1 * ms, weights_ampa={"E": 1 * nS}, seed=3)
    # P(t < 0) = Phi(-1) = 0.1587; 5000 draws: sd of the kept fraction 0.0052
    assert abs(len(d.times) / 5000 - (1 - 0.1587)) < 0.02
    assert (d.times >= 0 * ms).all()


def test_poisson_counts_and_cv_per_label():
    G = column(400, 400)
    d = drives.poisson(G, rate={"pyr": 20 * Hz, "bask": 50 * Hz}, tstart=100 * ms,
                       tstop=2100 * ms, weights_ampa={"pyr": 1 * nS, "bask": 2 * nS},
                       seed=5)
    counts = np.bincount(d.cells, minlength=800)
    # expected 40 and 100 spikes per cell; the mean of 400 cells is within 5 standard
    # errors (5*sqrt(40/400) = 1.6, 5*sqrt(100/400) = 2.5)
    assert abs(counts[:400].mean() - 40) < 1.6
    assert abs(counts[400:].mean() - 100) < 2.5
    # Fano factor 1 (within 0.2 for 400 cells)
    assert abs(counts[400:].var() / counts[400:].mean() - 1) < 0.2
    t = d.times / ms
    assert t.min() >= 100 and t.max() <= 2100
    isi = np.concatenate([np.diff(np.sort(t[d.cells == c])) for c in range(400, 800)])
    assert abs(isi.std() / isi.mean() - 1) < 0.05   # CV of a Poisson train: 1


def test_bursty_structure():
    G = eq.NeuronGroup(200, "dg_ampa/dt = -g_ampa/(5*ms) : siemens", label="E")
    d = drives.bursty(G, 10 * Hz, tstart=50 * ms, tstop=1000 * ms, burst_std=2 * ms,
                      numspikes=3, spike_isi=5 * ms, weights_ampa={"E": 1 * nS}, seed=9)
    t = np.sort(d.spike_times(7) / ms)
    # centres 50, 150, ..., 950 ms (10 bursts), 3 spikes 5 ms apart each
    assert len(t) == 30
    bursts = t.reshape(10, 3)
    assert np.allclose(np.diff(bursts, axis=1), 5.0)
    centres = bursts[:, 1]
    assert np.all(np.abs(centres - (50 + 100 * np.arange(10))) < 8)   # 4 sd
    all_c = np.sort(d.times / ms).reshape(-1)
    middle = np.concatenate([np.sort(d.spike_times(c) / ms).reshape(10, 3)[:, 1]
                             for c in range(200)]) - np.tile(50 + 100 * np.arange(10), 200)
    assert abs(middle.std() / 2 - 1) < 0.05 and abs(middle.mean()) < 0.1
    assert all_c.size == 6000


def test_routing_weights_delays_probability():
    G = column()
    d = drives.evoked(G, mu=10 * ms, sigma=1 * ms,
                      weights={"pyr": {"g_ampa": 2 * nS, "g_nmda": 1 * nS},
                               "bask": {"g_ampa": 3 * nS}},
                      delays={"pyr": 1 * ms, "bask": 2 * ms},
                      probability={"pyr": 1.0, "bask": 0.5}, conn_seed=4, seed=1)
    # one drive cell per target: 25 pyr then 9 bask
    assert d.n_cells == 34
    i, j, w, dl = d.connections["pyr"]
    assert np.array_equal(i, np.arange(25)) and np.array_equal(j, np.arange(25))
    assert np.allclose(w["g_ampa"], 2e-9) and np.allclose(w["g_nmda"], 1e-9)
    assert np.allclose(dl, 1e-3)
    i, j, w, dl = d.connections["bask"]
    keep = np.random.default_rng(4).random(9) < 0.5   # the conn_seed draws, in order
    assert np.array_equal(j, np.arange(9)[keep]) and np.array_equal(i, 25 + j)
    assert set(w) == {"g_ampa"} and np.allclose(dl, 2e-3)
    S = d.synapses["pyr"]
    assert np.array_equal(np.asarray(S.i), np.arange(25))
    assert np.allclose(np.asarray(S.delay / ms), 1.0)


def test_shared_drive_cells_all_to_all():
    G = column()
    d = drives.evoked(G, mu=10 * ms, sigma=1 * ms, cell_specific=False, n_drive_cells=3,
                      weights_ampa={"bask": 1 * nS}, seed=1)
    i, j, _, _ = d.connections["bask"]
    assert d.n_cells == 3 and len(i) == 27
    assert set(zip(i.tolist(), j.tolist())) == {(a, b) for a in range(3) for b in range(9)}
    assert "pyr" not in d.connections


def test_gaussian_fall_off_with_distance():
    G = column()
    lam = 20 * um
    d = drives.evoked(G, mu=10 * ms, sigma=1 * ms, weights_ampa={"pyr": 2 * nS},
                      delays=1 * ms, space_constant=lam, origin=np.array([20.0, 20.0]) * um, seed=1)
    i, j, w, dl = d.connections["pyr"]
    xy = topology.grid_positions(25, spacing=10e-6)[:, :2]
    dist = np.hypot(xy[:, 0] - 20e-6, xy[:, 1] - 20e-6)
    factor = np.exp(-(dist / 20e-6) ** 2)
    assert np.allclose(w["g_ampa"], 2e-9 * factor, rtol=1e-12)
    assert np.allclose(dl, 1e-3 / factor, rtol=1e-12)
    assert w["g_ampa"][12] == pytest.approx(2e-9)   # the centre of the 5x5 grid


def test_spike_train_remapping_round_trip():
    G = eq.NeuronGroup(3, "dg_ampa/dt = -g_ampa/(5*ms) : siemens", label="E")
    src = {105: [1, 3] * ms, 7: [2] * ms, 42: [5, 6, 7] * ms}
    d = drives.spike_train(G, src, weights_ampa={"E": 1 * nS})
    assert d.ids.tolist() == [7, 42, 105] and d.id_map == {7: 0, 42: 1, 105: 2}
    back = {int(d.ids[c]): sorted((d.spike_times(c) / ms).tolist())
            for c in range(d.n_cells)}
    assert back == {105: [1.0, 3.0], 7: [2.0], 42: [5.0, 6.0, 7.0]}
    pairs = drives.spike_train(G, [(1 * ms, 105), (2 * ms, 7)], weights_ampa={"E": 1 * nS})
    assert pairs.id_map == {7: 0, 105: 1}


def test_spike_train_from_file_with_select(tmp_path):
    from eqsim.io import SpikeTrial, write_spikes
    trial = SpikeTrial([1.0, 2.0, 3.0, 4.0], [3, 10, 3, 12], ["a", "b", "a", "b"])
    write_spikes(tmp_path / "spk_%d.txt", [trial])
    G = eq.NeuronGroup(2, "dg_ampa/dt = -g_ampa/(5*ms) : siemens", label="E")
    d = drives.spike_train(G, tmp_path / "spk_*.txt", select="b",
                           weights_ampa={"E": 1 * nS})
    assert d.id_map == {10: 0, 12: 1}
    assert np.allclose(d.times / ms, [2.0, 4.0])


def test_delivery_on_both_backends(backend):
    """Every drive spike adds its weight at its time + delay: with no decay, g at the end
    is the sum of the weights of the spikes that arrived (and two spikes of one cell in
    one step both count)."""
    G = eq.NeuronGroup(6, "g : siemens\nh : siemens", name="acc", label="E")
    d = drives.spike_train(G, {0: [1.0, 1.02, 4.0] * ms, 1: [2.0] * ms},
                           weights={"E": {"g": 1 * nS, "h": 3 * nS}}, delays=1 * ms,
                           name="st")
    e = drives.evoked(G, mu=3 * ms, sigma=0.5 * ms, numspikes=2,
                      weights={"E": {"g": 10 * nS}}, delays=0.5 * ms, seed=2, name="ev")
    net = eq.Network(G, d, e)
    net.run(4.5 * ms, backend=backend)
    early = (np.asarray(d.times / ms) + 1.0 < 4.5)   # the spike at 4 ms arrives at 5 ms
    n_e = np.bincount(e.cells[np.asarray(e.times / ms) + 0.5 < 4.5], minlength=6)
    assert np.allclose(np.asarray(G.g / nS), early.sum() + 10 * n_e)
    assert np.allclose(np.asarray(G.h / nS), 3 * early.sum())


def test_afferent_counts_follow_the_rate(backend):
    """Independent trains at p*n_aff*F(t) (compiled PoissonInput): the mean count per
    neuron matches the integral of the rate within 4 standard errors, in both halves of a
    rate that steps from 5 to 20 Hz; the numpy and C backends give the same counts."""
    dt = 0.1e-3
    F = np.where(np.arange(2000) < 1000, 5.0, 20.0)   # 0.1 s at 5 Hz, 0.1 s at 20 Hz
    G = eq.NeuronGroup(500, "dn/dt = 0/second : 1", name="tgt", label="T", method="euler")
    d = drives.afferent(G, F * Hz, "n", 1.0, n_aff=400, p=0.5, dt=dt * second, seed=3)
    mid = eq.StateMonitor(G, "n", record=True, dt=0.1 * second)
    net = eq.Network(G, d, mid)
    net.run(0.2 * second, backend=backend)
    first = np.asarray(mid.n[:, 1])           # count at 0.1 s
    total = np.asarray(G.n)
    exp1, exp2 = 200 * 5 * 0.1, 200 * 20 * 0.1  # p*n_aff*F*T = 100 and 400
    assert abs(first.mean() - exp1) < 4 * np.sqrt(exp1 / 500)
    assert abs((total - first).mean() - exp2) < 4 * np.sqrt(exp2 / 500)
    assert abs((total - first).var() / exp2 - 1) < 0.2   # Poisson-like variance


def test_afferent_shared_cells_fixed_in_degree():
    G = eq.NeuronGroup(50, "dn/dt = 0/second : 1", label="T", method="euler")
    d = drives.afferent(G, np.full(10, 8.0) * Hz, "n", 1.0, n_aff=40, p=0.25,
                        dt=1 * ms, shared=True, conn_seed=2,
                        extra={3: [5.0] * ms})
    i, j, _, _ = d.connections["T"]
    assert np.array_equal(np.bincount(j), np.full(50, 10))   # in-degree int(p*n_aff)
    assert all(len(set(i[j == k])) == 10 for k in range(50))  # without replacement
    assert d.extra.n_cells == 50 and d.extra.connections["T"][0].size == 50


def test_bad_input_names_what_is_there():
    from eqsim.errors import EqsimError
    G = column()
    with pytest.raises(EqsimError) as err:   # the message lists the labels there are
        drives.evoked(G, mu=10 * ms, sigma=1 * ms, weights_ampa={"L5_pyramidal": 1 * nS})
    assert err.value.code == "E990" and "L5_pyramidal" in str(err.value)
    assert "labels: pyr, bask" in str(err.value)
    with pytest.raises(EqsimError) as err:   # a variable the target does not have
        drives.poisson(G, 5 * Hz, tstop=10 * ms, weights={"pyr": {"v": 1 * nS}})
    assert err.value.code == "E991" and "g_ampa" in str(err.value)
    with pytest.raises(EqsimError) as err:   # nothing left to drive
        drives.evoked(G, mu=10 * ms, sigma=1 * ms, weights_ampa={"pyr": 1 * nS},
                      probability=0.0)
    assert err.value.code == "E992"
    with pytest.raises(EqsimError) as err:   # a spike list that is not (time, id) pairs
        drives.spike_train(G, [(1 * ms, 2, 3)], weights_ampa={"pyr": 1 * nS})
    assert err.value.code == "E995"


def test_fall_off_that_makes_huge_delays_is_an_error():
    from eqsim.errors import EqsimError
    G = column()
    with pytest.raises(EqsimError) as err:   # d up to 28 um, lambda 5 um: exp(31) x delay
        drives.evoked(G, mu=10 * ms, sigma=1 * ms, weights_ampa={"pyr": 1 * nS},
                      space_constant=5 * um, origin=np.array([0.0, 0.0]) * um)
    assert err.value.code == "E996" and "farthest" in str(err.value)
