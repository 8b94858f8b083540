"""SONATA spike files (h5 and BMTK's CSV) and vectorised Poisson spike trains."""

import h5py
import numpy as np
import pytest

from eqsim import sonata


def _trains():
    t = sonata.SpikeTrains()
    t.add("v1", [3, 1, 3, 0], [5.0, 0.5, 1.25, 7.0])
    t.add("lgn", [2, 2], [0.1, 0.3])
    return t


@pytest.mark.parametrize("sorting", ["time", "id", "none"])
def test_h5_round_trip_and_layout(tmp_path, sorting):
    path = tmp_path / "spikes.h5"
    _trains().to_sonata(path, sorting)
    with h5py.File(path) as f:
        assert int(f.attrs["magic"]) == 0x0A7A and list(f.attrs["version"]) == [0, 1]
        g = f["spikes/v1"]
        assert g.attrs["sorting"] == {"time": "by_time", "id": "by_id",
                                      "none": "none"}[sorting]
        assert g["timestamps"].attrs["units"] == "ms"
        ts, ids = g["timestamps"][()], g["node_ids"][()]
    if sorting == "time":
        assert ts.tolist() == [0.5, 1.25, 5.0, 7.0] and ids.tolist() == [1, 3, 3, 0]
    elif sorting == "id":
        assert ids.tolist() == [0, 1, 3, 3] and ts.tolist() == [7.0, 0.5, 1.25, 5.0]
    else:
        assert ids.tolist() == [3, 1, 3, 0]
    back = sonata.read_spikes(path)
    assert sorted(back.populations) == ["lgn", "v1"]
    assert back.times("v1", 3).tolist() == [1.25, 5.0]


def test_csv_round_trip(tmp_path):
    path = tmp_path / "spikes.csv"
    _trains().to_csv(path)
    lines = path.read_text().splitlines()
    assert lines[0] == "timestamps population node_ids" and lines[1] == "0.10000000000000001 lgn 2"
    back = sonata.read_spikes(path)
    for pop in ("v1", "lgn"):
        a, b = _trains()[pop], back[pop]
        oa, ob = np.lexsort(a[::-1]), np.lexsort(b[::-1])
        assert np.array_equal(a[0][oa], b[0][ob]) and np.array_equal(a[1][oa], b[1][ob])


def test_seconds_are_converted(tmp_path):
    path = tmp_path / "s.h5"
    with h5py.File(path, "w") as f:
        f["spikes/p/timestamps"] = [0.5, 1.0]
        f["spikes/p/timestamps"].attrs["units"] = "s"
        f["spikes/p/node_ids"] = [0, 1]
    assert sonata.read_spikes(path)["p"][1].tolist() == [500.0, 1000.0]


def test_homogeneous_poisson_rate_and_isi():
    n, rate, T = 2000, 20.0, 2.0
    t = sonata.poisson_spikes(np.arange(n), rate, times=(0.0, T), seed=1, population="x")
    ids, ts = t["x"]
    counts = np.bincount(ids, minlength=n)
    # mean count 40 per node; its standard error over 2000 nodes is sqrt(40/2000) = 0.14
    assert abs(counts.mean() - rate * T) < 5 * np.sqrt(rate * T / n)
    assert abs(counts.var() / counts.mean() - 1.0) < 0.1     # Poisson: Fano factor 1
    assert ts.min() >= 0 and ts.max() <= T * 1000
    isi = np.diff(ts)[np.diff(ids) == 0]
    assert abs(isi.mean() - 1000 / rate) < 0.03 * 1000 / rate   # exponential ISIs, ms
    assert np.all(np.diff(ids) >= 0)                # ordered by node, then time


def test_per_node_and_inhomogeneous_rates():
    t = sonata.poisson_spikes([0, 1, 2], [0.0, 10.0, 100.0], times=(0.0, 50.0), seed=2)
    counts = np.bincount(t[""][0], minlength=3)
    assert counts[0] == 0 and abs(counts[2] / 5000 - 1) < 0.05 and abs(counts[1] / 500 - 1) < 0.15
    times = np.linspace(0.0, 1.0, 11)
    rates = np.concatenate([np.linspace(0.0, 40.0, 6), np.linspace(32.0, 0.0, 5)])
    t = sonata.poisson_spikes(np.arange(5000), rates, times=times, seed=3)
    ts = t[""][1] / 1000.0
    hist, edges = np.histogram(ts, bins=10, range=(0.0, 1.0))
    mid = (edges[:-1] + edges[1:]) / 2
    expected = 5000 * 0.1 * np.interp(mid, times, rates)
    assert np.all(np.abs(hist - expected) < 5 * np.sqrt(expected) + 5)


def test_poisson_of_many_nodes():
    """10^6 spikes of 100,000 nodes in one call (vectorised: about 0.1 s, where a Python
    loop per spike takes ~10 s; timings are benchmarks' business, not asserted here):
    the count within 5 sd of Poisson's 10^6, every time within the window."""
    t = sonata.poisson_spikes(np.arange(100_000), 10.0, times=(0.0, 1.0), seed=4)
    assert abs(t.n_spikes() - 1_000_000) < 5 * 1000
    ids, ts = t[""]
    assert ts.min() >= 0.0 and ts.max() <= 1000.0
