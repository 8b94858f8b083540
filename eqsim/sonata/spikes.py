"""SONATA spike files: ``spikes.h5`` (``/spikes/<population>/{timestamps, node_ids}``)
and BMTK's space-separated CSV (``timestamps population node_ids``); Poisson spike trains,
homogeneous or with a rate that varies in time, generated vectorised.

Times are in ms everywhere in this module (SONATA's unit).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from .errors import SonataError, where
from .h5 import MAGIC, VERSION, attr_str, dataset, open_h5, publish, temp_name

SORTINGS = {"none": "none", "by_time": "by_time", "time": "by_time", "by_id": "by_id",
            "id": "by_id", "node_id": "by_id", "gid": "by_id"}
_UNITS = {"ms": 1.0, "s": 1000.0, "sec": 1000.0, "second": 1000.0, "seconds": 1000.0}


@dataclass
class SpikeTrains:
    """Spikes by population: ``populations[name] = (node_ids, timestamps_ms)``."""

    populations: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def add(self, population: str, node_ids, timestamps) -> None:
        ids = np.asarray(node_ids, dtype=np.int64).ravel()
        ts = np.asarray(timestamps, dtype=float).ravel()
        if ids.shape != ts.shape:
            raise SonataError(f"spikes of '{population}': {ids.size} node ids but "
                              f"{ts.size} timestamps", code="E915")
        if population in self.populations:
            old = self.populations[population]
            ids, ts = np.concatenate([old[0], ids]), np.concatenate([old[1], ts])
        self.populations[population] = (ids, ts)

    def __getitem__(self, population: str) -> tuple[np.ndarray, np.ndarray]:
        return self.populations[population]

    def __contains__(self, population: str) -> bool:
        return population in self.populations

    def n_spikes(self, population: str | None = None) -> int:
        pops = [population] if population else list(self.populations)
        return sum(len(self.populations[p][0]) for p in pops)

    def times(self, population: str, node_id: int) -> np.ndarray:
        ids, ts = self.populations[population]
        return np.sort(ts[ids == node_id])

    def to_sonata(self, path, sorting: str = "by_time", compression=None) -> None:
        write_spikes_h5(path, self, sorting, compression)

    def to_csv(self, path, sorting: str = "by_time") -> None:
        write_spikes_csv(path, self, sorting)

    def __repr__(self) -> str:
        return "SpikeTrains(" + ", ".join(f"{p}: {len(v[0])} spikes" for p, v in
                                          self.populations.items()) + ")"


def _sorted(ids: np.ndarray, ts: np.ndarray, sorting: str):
    if sorting == "by_time":
        order = np.lexsort((ids, ts))
    elif sorting == "by_id":
        order = np.lexsort((ts, ids))
    else:
        return ids, ts
    return ids[order], ts[order]


def _sorting(sorting: str) -> str:
    key = "none" if sorting is None else str(sorting)
    if key not in SORTINGS:
        raise SonataError(f"spike sorting '{sorting}' is not one of "
                          f"{', '.join(sorted(set(SORTINGS)))}", code="E915")
    return SORTINGS[key]


def write_spikes_h5(path, spikes: SpikeTrains, sorting: str = "by_time",
                    compression=None) -> None:
    """Write SONATA spikes (atomically: a temporary file, then renamed)."""
    import h5py
    sorting = _sorting(sorting)
    path = os.fspath(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = temp_name(path)
    try:
        with h5py.File(tmp, "w") as f:
            f.attrs["magic"] = np.uint32(MAGIC)
            f.attrs["version"] = np.asarray(VERSION, dtype=np.uint32)
            root = f.create_group("spikes")
            for pop, (ids, ts) in spikes.populations.items():
                ids, ts = _sorted(ids, ts, sorting)
                g = root.create_group(pop)
                g.attrs["sorting"] = sorting
                d = g.create_dataset("timestamps", data=ts.astype(np.float64),
                                     compression=compression)
                d.attrs["units"] = "ms"
                g.create_dataset("node_ids", data=ids.astype(np.uint64),
                                 compression=compression)
        publish(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_spikes_csv(path, spikes: SpikeTrains, sorting: str = "by_time") -> None:
    """BMTK's spikes CSV: header ``timestamps population node_ids``, space separated."""
    sorting = _sorting(sorting)
    path = os.fspath(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = temp_name(path)
    rows_t, rows_p, rows_i = [], [], []
    for pop, (ids, ts) in spikes.populations.items():
        rows_t.append(ts), rows_i.append(ids), rows_p.append(np.full(len(ids), pop,
                                                                     dtype=object))
    t = np.concatenate(rows_t) if rows_t else np.zeros(0)
    p = np.concatenate(rows_p) if rows_p else np.zeros(0, object)
    i = np.concatenate(rows_i) if rows_i else np.zeros(0, np.int64)
    if sorting == "by_time":
        order = np.lexsort((i, t))
    elif sorting == "by_id":
        order = np.lexsort((t, i, p))
    else:
        order = np.arange(len(t))
    table = np.empty((len(t), 3), dtype=object)
    table[:, 0] = np.char.mod("%.17g", t[order]) if len(t) else []
    table[:, 1] = p[order]
    table[:, 2] = i[order]
    try:
        with open(tmp, "w") as f:
            f.write("timestamps population node_ids\n")
            np.savetxt(f, table, fmt="%s", delimiter=" ")
        publish(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def read_spikes_h5(path) -> SpikeTrains:
    """Read SONATA spikes: ``/spikes/<pop>/{timestamps,node_ids}``, or the older
    ``/spikes/{timestamps,gids}`` without populations (returned as population '')."""
    import h5py
    out = SpikeTrains()
    with open_h5(path, "spikes file") as f:
        if "spikes" not in f:
            raise SonataError(f"{where(path, '/spikes')}: missing (not a SONATA spikes "
                              "file)", code="E915")
        root = f["spikes"]
        if "timestamps" in root and isinstance(root["timestamps"], h5py.Dataset):
            items = [("", "/spikes")]
        else:
            items = [(name, f"/spikes/{name}") for name in root
                     if isinstance(root[name], h5py.Group)]
        for pop, pre in items:
            ts = dataset(f, f"{pre}/timestamps").astype(float)
            id_name = "node_ids" if f"{pre}/node_ids" in f else "gids"
            ids = dataset(f, f"{pre}/{id_name}")
            if ids.dtype.kind == "f":
                if not np.all(ids == np.round(ids)):
                    raise SonataError(f"{where(path, f'{pre}/{id_name}')}: node ids are "
                                      "not whole numbers", code="E915")
            ids = ids.astype(np.int64)
            if len(ids) != len(ts):
                raise SonataError(f"{where(path, f'{pre}/node_ids')}: {len(ids)} node ids "
                                  f"but {len(ts)} timestamps", code="E915")
            units = attr_str(f[f"{pre}/timestamps"], "units") or \
                attr_str(f[pre], "units") or "ms"
            if units not in _UNITS:
                raise SonataError(f"{where(path, f'{pre}/timestamps')}: units '{units}' "
                                  "(eqsim reads ms or s)", code="E915")
            ts = ts * _UNITS[units]
            if not np.all(np.isfinite(ts)):
                row = int(np.flatnonzero(~np.isfinite(ts))[0])
                raise SonataError(f"{where(path, f'{pre}/timestamps', row)}: timestamp "
                                  f"{ts[row]} is not finite", code="E915")
            out.add(pop, ids, ts)
    return out


def read_spikes_csv(path) -> SpikeTrains:
    """BMTK's spikes CSV (space separated; columns timestamps, node_ids and optionally
    population, in any order; without a population column it is population '')."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise SonataError(f"spikes file {path} does not exist", code="E900")
    with open(path) as f:
        header = f.readline().split()
    cols = {name: k for k, name in enumerate(header)}
    tcol = cols.get("timestamps")
    icol = cols.get("node_ids", cols.get("gids", cols.get("node_id")))
    if tcol is None or icol is None:
        raise SonataError(f"{where(path, row=0)}: the header needs 'timestamps' and "
                          f"'node_ids' (got {' '.join(header)})", code="E915")
    try:
        table = np.loadtxt(path, dtype=str, skiprows=1, ndmin=2)
    except ValueError as exc:
        raise SonataError(f"{path}: rows of different lengths ({exc})", code="E915") from exc
    out = SpikeTrains()
    if table.size == 0:
        return out
    if table.shape[1] != len(header):
        raise SonataError(f"{where(path, row=1)}: {table.shape[1]} values for "
                          f"{len(header)} columns", code="E915")
    try:
        ts = table[:, tcol].astype(float)
    except ValueError:
        bad = next(k for k, v in enumerate(table[:, tcol]) if not _is_float(v))
        raise SonataError(f"{where(path, 'timestamps', bad + 1)}: "
                          f"{str(table[bad, tcol])!r} is not a number", code="E915") from None
    try:
        ids = table[:, icol].astype(np.int64)
    except ValueError:
        bad = next(k for k, v in enumerate(table[:, icol]) if not v.lstrip("-").isdigit())
        raise SonataError(f"{where(path, 'node_ids', bad + 1)}: "
                          f"{str(table[bad, icol])!r} is not a node id", code="E915") from None
    if "population" in cols:
        pops = table[:, cols["population"]]
        names, inverse = np.unique(pops, return_inverse=True)
        for k, name in enumerate(names):
            sel = inverse == k
            out.add(str(name), ids[sel], ts[sel])
    else:
        out.add("", ids, ts)
    return out


def _is_float(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def read_spikes(path, module: str | None = None) -> SpikeTrains:
    """Read a spikes file; ``module`` is the config's (sonata, h5, hdf5, csv), else it is
    guessed from the file's extension."""
    module = (module or "").lower()
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if module in ("csv",) or (not module and ext in (".csv", ".txt")):
        return read_spikes_csv(path)
    if module in ("", "sonata", "h5", "hdf5"):
        return read_spikes_h5(path)
    raise SonataError(f"spike input module '{module}' for {path} is not supported "
                      "(sonata, h5, hdf5, csv)", code="E922")


# -- Poisson spike trains -----------------------------------------------------------
def poisson_spikes(node_ids, firing_rate, times=(0.0, 1.0), seed=None,
                   population: str = "", spikes: SpikeTrains | None = None) -> SpikeTrains:
    """Poisson spike trains for ``node_ids``, as BMTK's ``PoissonSpikeGenerator.add``
    makes them (same arguments and units: rates in Hz, ``times`` in seconds; spike times
    come out in ms), vectorised over nodes and spikes.

    ``firing_rate`` is a number or one per node (homogeneous, on ``(start, stop)``), or a
    rate per point of ``times`` (inhomogeneous, linear between the points; drawn by
    thinning a Poisson process at the largest rate, as Dayan and Abbott describe).
    """
    rng = np.random.default_rng(seed)
    ids = np.atleast_1d(np.asarray(node_ids, dtype=np.int64))
    rate = np.asarray(firing_rate, dtype=float)
    t = np.atleast_1d(np.asarray(times, dtype=float))
    if np.any(rate < 0) or not np.all(np.isfinite(rate)):
        raise SonataError("poisson_spikes: firing rates must be finite and >= 0",
                          code="E920")
    inhomogeneous = rate.ndim == 1 and rate.size == t.size and t.size > 2
    if rate.ndim == 1 and rate.size == t.size == 2 and ids.size != 2:
        inhomogeneous = True
    if t.size == 1:
        t = np.array([0.0, t[0]])
    start, stop = float(t[0]), float(t[-1])
    if not stop > start or (inhomogeneous and np.any(np.diff(t) <= 0)):
        raise SonataError(f"poisson_spikes: times must increase, got {t.tolist()}",
                          code="E920")
    if inhomogeneous:
        peak = np.full(ids.size, rate.max())
    else:
        peak = np.broadcast_to(rate, ids.shape).astype(float)
        if rate.ndim and rate.size not in (1, ids.size):
            raise SonataError(f"poisson_spikes: {rate.size} rates for {ids.size} nodes "
                              f"and {t.size} time points", code="E920")
    counts = rng.poisson(peak * (stop - start))
    owner = np.repeat(np.arange(ids.size), counts)
    st = start + rng.random(owner.size) * (stop - start)
    if inhomogeneous and owner.size:
        keep = rng.random(owner.size) * rate.max() < np.interp(st, t, rate)
        owner, st = owner[keep], st[keep]
    order = np.lexsort((st, owner))
    out = spikes if spikes is not None else SpikeTrains()
    out.add(population, ids[owner[order]], st[order] * 1000.0)
    return out
