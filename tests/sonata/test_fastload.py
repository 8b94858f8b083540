"""The fast SONATA loader gives the same arrays as the plain one: gzip chunks inflated by
libdeflate (vs h5py's own read), node ids narrowed to int32, the counting sort (vs numpy's
stable argsort), and edges built in source order (vs the general path), on a generated
network with unsorted edges, several populations, groups, nsyns and storage layouts."""
import importlib

import h5py
import numpy as np
import pytest

from eqsim import sonata
from eqsim.runtime import counting_sort
from eqsim.sonata import inflate

from .messy import write_messy

build_mod = importlib.import_module("eqsim.sonata.build")


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    return write_messy(tmp_path_factory.mktemp("messy"))


def _datasets(path):
    out = {}
    with h5py.File(path) as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()])
                     if isinstance(obj, h5py.Dataset) else None)
    return out


@pytest.mark.parametrize("threads, compiled", [(1, True), (2, True), (2, False)])
def test_inflated_datasets_equal_h5pys(messy, monkeypatch, threads, compiled):
    """(compiled: a span of chunks inflated by one compiled call; else the Python loop
    used without a compiler)"""
    if inflate._libdeflate() is None:
        pytest.skip("no libdeflate on this system (h5py reads everything)")
    if not compiled:
        monkeypatch.setattr(inflate, "_span", False)
    monkeypatch.setattr(inflate, "MIN_BYTES", 0)
    monkeypatch.setattr(inflate, "THREADS", threads)
    monkeypatch.setattr(inflate, "BATCH", 3)      # several batches per dataset
    fast = 0
    for name in ("edges.h5", "ext_edges.h5", "nodes.h5"):
        path = messy.parent / "network" / name
        ref = _datasets(path)
        with h5py.File(path) as f:
            for key, want in ref.items():
                ds = f[key]
                fast += inflate._deflate_only(ds)
                got = inflate.read_array(ds)
                assert got.dtype == want.dtype and np.array_equal(got, want), key
                narrowed = inflate.read_array(ds, narrow=True)
                assert np.array_equal(narrowed, want), key
                if inflate._deflate_only(ds) and want.dtype.itemsize == 8 and \
                        want.dtype.kind in "iu":
                    assert narrowed.dtype == np.int32, key
    assert fast > 20          # gzip, gzip in small chunks, a partial last chunk


def test_ids_that_do_not_fit_int32_are_read_whole(tmp_path, monkeypatch):
    if inflate._libdeflate() is None:
        pytest.skip("no libdeflate on this system")
    monkeypatch.setattr(inflate, "MIN_BYTES", 0)
    ids = np.arange(10_000, dtype=np.uint64)
    ids[7777] = 2**31           # one id past int32
    neg = np.arange(10_000, dtype=np.int64) - 1
    with h5py.File(tmp_path / "x.h5", "w") as f:
        f.create_dataset("big", data=ids, chunks=(999,), compression="gzip")
        f.create_dataset("neg", data=neg, chunks=(999,), compression="gzip")
        f.create_dataset("shuffled", data=ids, chunks=(999,), compression="gzip",
                         shuffle=True)
    with h5py.File(tmp_path / "x.h5") as f:
        for key, want in (("big", ids), ("neg", neg), ("shuffled", ids)):
            got = inflate.read_array(f[key], narrow=True)
            assert got.dtype == want.dtype and np.array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_counting_sort_is_numpys_stable_argsort(monkeypatch, dtype):
    rng = np.random.default_rng(5)
    monkeypatch.setattr(counting_sort, "MIN_SIZE", 0)
    for n, nkeys in ((0, 3), (1, 1), (1000, 7), (50_000, 3000)):
        keys = rng.integers(0, nkeys, n).astype(dtype)
        for lib in (True, False):
            if not lib:
                monkeypatch.setattr(counting_sort, "_library", lambda: None)
            order, ptr = counting_sort.stable_order(keys, nkeys)
            assert np.array_equal(order, np.argsort(keys, kind="stable"))
            assert np.array_equal(ptr, np.r_[0, np.cumsum(np.bincount(keys,
                                                                      minlength=nkeys))])
        monkeypatch.undo()
        monkeypatch.setattr(counting_sort, "MIN_SIZE", 0)
    with pytest.raises(ValueError, match="outside"):
        counting_sort.stable_order(np.array([0, 5, 1], dtype), 3)


def _synapse_arrays(built) -> dict:
    out = {}
    for S in built.synapses:
        out[S.name] = {"i": np.asarray(S.i), "j": np.asarray(S.j), "rows": S._rows,
                       "delay": S.delay_steps(1e-4),
                       **{k: np.asarray(v) for k, v in S.arrays.items() if v is not None}}
    return out


@pytest.mark.parametrize("compiled", [True, False])
def test_fast_build_equals_general_path(messy, monkeypatch, compiled):
    """The fast path (with the compiled sort, or numpy's without a compiler) builds the
    same synapses as the general path with h5py's reads and numpy's sort."""
    taken = []
    fast_fn = build_mod._build_edges_fast

    def spy(built, circuit, ename, *args):
        ok = fast_fn(built, circuit, ename, *args)
        taken.append((ename, ok))
        return ok
    monkeypatch.setattr(counting_sort, "MIN_SIZE", 0)
    monkeypatch.setattr(inflate, "MIN_BYTES", 0)
    monkeypatch.setattr(build_mod, "_build_edges_fast", spy)
    if not compiled:
        monkeypatch.setattr(counting_sort, "_library", lambda: None)
    fast_circuit = sonata.load(messy)
    fast = _synapse_arrays(sonata.build(fast_circuit))
    assert {e for e, ok in taken if ok} == {"b_to_b", "b_to_b_typed", "ext_to_b"}
    monkeypatch.undo()
    # the plain path: h5py's reads, numpy's sort, the general edge builder
    monkeypatch.setattr(inflate, "FAST", False)
    monkeypatch.setattr(counting_sort, "MIN_SIZE", 1 << 62)
    monkeypatch.setattr(build_mod, "_build_edges_fast", lambda *a: False)
    plain_circuit = sonata.load(messy)
    plain = _synapse_arrays(sonata.build(plain_circuit))
    assert fast.keys() == plain.keys() and len(fast) == 13
    for name in fast:
        assert fast[name].keys() == plain[name].keys()
        for key, value in fast[name].items():
            assert np.array_equal(value, plain[name][key]), (name, key)
    for ename, ep in plain_circuit.edges.items():
        for key, value in ep.to_dict().items():
            got = fast_circuit.edges[ename].to_dict()[key]
            assert np.array_equal(np.asarray(got, dtype=object) if value.dtype == object
                                  else got, value), (ename, key)


@pytest.mark.parametrize("dataset, row, value, words", [
    ("edge_type_id", 17, 99, ("E907", "edge_type_id 99", "row 17")),
    ("edge_group_id", 5, 3, ("E908", "group 3 does not exist", "row 5")),
    ("edge_group_index", 9, 10**6, ("E908", "past the end", "row 9")),
    ("edge_group_index", 9, "dup", ("E908", "used by two", "row ")),
])
def test_bad_edges_in_one_group_files_name_the_row(tmp_path, monkeypatch, dataset, row,
                                                   value, words):
    """The shortcuts for BMTK's layout (consecutive type ids read as rows in place, one
    group checked without masks) still report bad edges with the file, dataset and row."""
    monkeypatch.setattr(inflate, "MIN_BYTES", 0)
    cfg = write_messy(tmp_path)
    with h5py.File(tmp_path / "network" / "edges.h5", "r+") as f:
        ds = f[f"edges/b_to_b/{dataset}"]
        ds[row] = ds[4] if value == "dup" else value
    with pytest.raises(sonata.SonataError) as exc:
        sonata.load(cfg)
    message = f"{exc.value.code} {exc.value}"
    assert "edges/b_to_b" in message and all(w in message for w in words), message


def test_constant_datasets_come_as_one_value(tmp_path, monkeypatch):
    """read_array(constant=True): one value everywhere -> a read-only broadcast of it;
    another value in any chunk (the last one here, or a NaN) -> the whole array."""
    if inflate._libdeflate() is None:
        pytest.skip("no libdeflate on this system")
    monkeypatch.setattr(inflate, "MIN_BYTES", 0)
    other = np.ones(2500, np.uint32)
    other[-1] = 2
    nan = np.zeros(2500)
    nan[1234] = np.nan
    with h5py.File(tmp_path / "c.h5", "w") as f:
        for name, data in (("ones", np.ones(2500, np.uint32)), ("other", other),
                           ("nan", nan)):
            f.create_dataset(name, data=data, chunks=(1000,), compression="gzip")
    with h5py.File(tmp_path / "c.h5") as f:
        ones = inflate.read_array(f["ones"], constant=True)
        assert inflate.is_constant(ones) and not ones.flags.writeable
        assert ones.dtype == np.uint32 and np.array_equal(ones, np.ones(2500))
        for name, want in (("other", other), ("nan", nan)):
            got = inflate.read_array(f[name], constant=True)
            assert not inflate.is_constant(got)
            assert np.array_equal(got, want, equal_nan=True) and got.dtype == want.dtype


def test_synapses_from_a_row_pointer_equal_those_from_sources():
    """nest.synapses(rows=...) (sorted sources as their row pointer, as the loader's
    sort gives them) makes the synapses connect(i, j) makes; a bad pointer or target
    index is E740."""
    from eqsim.errors import ConfigurationError
    from eqsim.models import nest
    rng = np.random.default_rng(3)
    i = np.sort(rng.integers(0, 30, 500)).astype(np.int32)
    j = rng.integers(0, 20, 500).astype(np.int32)
    rows = np.zeros(31, np.int64)
    np.cumsum(np.bincount(i, minlength=30), out=rows[1:])
    w = rng.uniform(-50, 50, 500)
    made = []
    for kw in ({"i": i}, {"i": None, "rows": rows}):
        G, H = nest.neuron_group("iaf_psc_alpha", 30), nest.neuron_group("iaf_psc_alpha", 20)
        S = nest.synapses(G, H, i=kw.pop("i"), j=j.copy(), weight=w.copy(), delay=1.5,
                          adopt=True, **kw)
        made.append((np.asarray(S.i), np.asarray(S.j), S._rows, S.weight_))
    for a, b in zip(*made):
        assert np.array_equal(a, b)
    G, H = nest.neuron_group("iaf_psc_alpha", 30), nest.neuron_group("iaf_psc_alpha", 20)
    for adopt in (False, True):     # the caller's arrays kept only when handed over
        jj, ww = j.copy(), w.copy()
        S = nest.synapses(G, H, i=None, rows=rows, j=jj, weight=ww, delay=1.5, adopt=adopt)
        assert np.shares_memory(S.arrays["_post"], jj) == adopt
        assert np.shares_memory(S.arrays["weight"], ww) == adopt
        assert np.array_equal(S.j, j) and not np.shares_memory(S._rows, rows)
    for bad_rows, bad_j in ((rows[::-1].copy(), j), (rows, np.where(j == 3, 20, j))):
        with pytest.raises(ConfigurationError) as exc:
            nest.synapses(G, H, i=None, rows=bad_rows, j=bad_j.astype(np.int32),
                          weight=1.0, delay=1.5)
        assert exc.value.code == "E740"
