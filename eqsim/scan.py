"""Parameter scans: every point of a grid (and several seeds per point) in worker
processes, one HDF5 file per run, resumable, collected into one table.

>>> import eqsim as eq, tempfile
>>> from eqsim.units import ms, Hz
>>> def build(seed, rate):
...     P = eq.PoissonGroup(20, rate, seed=seed, name="drive")
...     return eq.Network(P, eq.SpikeMonitor(P, name="spikes"))
>>> out = tempfile.mkdtemp()
>>> rows = eq.scan(build, grid={"rate": [10*Hz, 50*Hz]}, seeds=[1], processes=1,
...                out_dir=out, duration=20*ms)
>>> [(r["index"], r["status"]) for r in rows]
[(0, 'ok'), (1, 'ok')]

As ``run_trials`` does, the calling process builds the first point's network and
compiles its module before any worker starts; the module is keyed by the generated
source, which holds no parameter values or seeds, so every worker finds it in the disk
cache: a scan over values compiles once. Each run is written to
``out_dir/point_<k>_seed_<s>.h5`` under a temporary name and renamed when complete, so a
file that exists is a finished run: a scan started again (after a crash, Ctrl-C, or with
more seeds in a new folder) skips the runs whose files say "ok". A point whose
``build_fn`` (or run) raises is written as a file with status "failed" and the error;
the other points finish, and the next call tries the failed ones again.
"""
from __future__ import annotations

import itertools
import json
import os
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .errors import ConfigurationError, SimulationError
from .runtime.network import Network
from .trials import worker_context
from .units import Quantity

MANIFEST = "scan.json"


class _LazyHdf5:
    """eqsim.io.hdf5 (h5py) imported on first use: `import eqsim` stays quick."""

    def __getattr__(self, name: str):
        from .io import hdf5 as module
        return getattr(module, name)


hdf5 = _LazyHdf5()
_BUILD: Callable | None = None   # set before the workers fork: closures need no pickling


# ---- arguments ---------------------------------------------------------------------------
def _grid(grid) -> tuple[list[str], list[list]]:
    if not isinstance(grid, Mapping) or not grid:
        raise ConfigurationError(f"grid must be a non-empty dict {{name: values}}, got "
                                 f"{grid!r}", code="E834",
                                 hint="e.g. grid={'rate': [5*Hz, 10*Hz], 'w': [1, 2]}")
    names, values = [], []
    for name, vals in grid.items():
        if not isinstance(name, str) or not name.isidentifier() or name in (
                "seed", "index", "status", "path", "error", "wall_s"):
            raise ConfigurationError(
                f"grid name {name!r} is not usable as a keyword of build_fn", code="E834",
                hint="names are Python identifiers other than seed, index, status, path, "
                     "error, wall_s")
        if isinstance(vals, (str, bytes)) or np.ndim(vals) != 1 or len(vals) == 0:
            raise ConfigurationError(f"grid['{name}'] must be a non-empty list of values, "
                                     f"got {vals!r}", code="E834")
        names.append(name)
        values.append(list(vals))
    return names, values


def _check(build_fn, seeds, processes, duration, out_dir) -> tuple[list[int], int, Path]:
    if not callable(build_fn):
        raise ConfigurationError("scan needs a function build_fn(seed, **point) -> "
                                 "Network", code="E835")
    seeds = [seeds] if isinstance(seeds, (int, np.integer)) else list(seeds)
    if not seeds or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool)
                            for s in seeds) or len(set(seeds)) != len(seeds):
        raise ConfigurationError(f"seeds must be a non-empty list of distinct integers, "
                                 f"got {seeds!r}", code="E835")
    if processes is None:
        processes = os.cpu_count() or 1
    if isinstance(processes, bool) or not isinstance(processes, (int, np.integer)) or \
            processes < 1:
        raise ConfigurationError(f"processes={processes!r} is not a whole number >= 1",
                                 code="E835")
    if duration is not None:
        from .runtime.clock import as_time
        try:
            as_time(duration, "duration of a scan run")
        except Exception as exc:
            raise ConfigurationError(f"duration={duration!r} is not a positive time",
                                     code="E835", hint="e.g. duration=500*ms, or None "
                                     "when build_fn runs the network itself") from exc
    if out_dir is None:
        raise ConfigurationError("scan needs out_dir= (a folder for the files)",
                                 code="E835")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ConfigurationError(f"out_dir '{out}' is a file, not a folder", code="E835")
    return [int(s) for s in seeds], int(processes), out


def _json(value):
    return json.loads(json.dumps(value, default=hdf5._json_default))


def _manifest(names, values, seeds) -> dict:
    points = [dict(zip(names, p)) for p in itertools.product(*values)]
    return {"format": "eqsim-scan", "version": 1, "names": names,
            "grid": _json(dict(zip(names, values))), "seeds": seeds,
            "points": [_json(p) for p in points]}, points


def _write_manifest(out: Path, manifest: dict) -> None:
    path = out / MANIFEST
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except (OSError, ValueError):
            old = None
        if old is not None and {k: old.get(k) for k in ("grid", "seeds")} != \
                {k: manifest[k] for k in ("grid", "seeds")}:
            raise ConfigurationError(
                f"'{out}' holds another scan (grid {old.get('grid')}, seeds "
                f"{old.get('seeds')})", code="E836",
                hint="use a new out_dir for a new grid or other seeds")
        if old is not None:
            return
    tmp = out / f".{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1))
    os.replace(tmp, path)


def file_of(out: Path, index: int, seed: int) -> Path:
    return Path(out) / f"point_{index:04d}_seed_{seed}.h5"


# ---- one run ---------------------------------------------------------------------------------
def _network(built, seed, point) -> Network:
    if not isinstance(built, Network):
        raise ConfigurationError(
            f"build_fn({seed}, **{point}) returned a {type(built).__name__}, not a "
            "Network", code="E835", hint="return eq.Network(...) with its monitors")
    return built


def _run_one(build_fn, job, run, out, state) -> tuple[int, int, str, float]:
    index, point, seed = job
    duration, backend = run
    meta = {"index": index, "point": point, "seed": seed}
    path = file_of(out, index, seed)
    t0 = time.perf_counter()
    try:
        net = _network(build_fn(seed, **point), seed, point)
        if duration is not None:
            net.run(duration, backend=backend)
        meta["wall_s"] = time.perf_counter() - t0
        net.save_hdf5(path, seed=seed, meta=meta, state=state)
        return index, seed, "ok", meta["wall_s"]
    except Exception as err:   # recorded with its point; the other points go on
        meta["wall_s"] = time.perf_counter() - t0
        hdf5.save_failure(path, f"{type(err).__name__}: {err}\n{traceback.format_exc()}",
                          seed=seed, meta=meta)
        return index, seed, "failed", meta["wall_s"]


def _worker(args):
    job, run, out, state, build_fn = args
    return _run_one(build_fn or _BUILD, job, run, out, state)


def _warm_up(build_fn, jobs, run, out, state) -> list:
    """Build (and compile) the first buildable job here; return the jobs still to run.
    A job whose build fails is recorded now; without duration, the job is run here."""
    while jobs:
        job = jobs[0]
        index, point, seed = job
        if run[0] is None:   # build_fn runs the network: this is the job itself
            _run_one(build_fn, job, run, out, state)
            return jobs[1:]
        try:
            net = _network(build_fn(seed, **point), seed, point)
            net._prepare(run[1])
            return jobs
        except Exception:
            _run_one(build_fn, job, run, out, state)   # records the failure
            jobs = jobs[1:]
    return jobs


# ---- the scan ------------------------------------------------------------------------------
def scan(build_fn: Callable[..., Network], grid: Mapping[str, Sequence],
         seeds: Sequence[int] | int = (0,), processes: int | None = None,
         out_dir=None, duration: Quantity | None = None, state: bool = False,
         retry_failed: bool = True, table: str = "dicts", backend: str = "c"):
    """Run ``build_fn(seed, **point)`` for every point of ``grid`` and every seed.

    grid: {name: values}; the points are all combinations (the last name varies
    fastest). seeds: one or several per point. processes: worker processes (None: one
    per core; 1 runs everything here). out_dir: the folder of the files (created);
    run again with the same arguments, it skips runs already done. duration: each
    network is run that long (None: build_fn runs it). state: also store every
    variable and the connectivity in each file. retry_failed: run failed points again.
    backend: of each run with ``duration`` ("c" or "numpy").
    Returns ``scan_results(out_dir, table=table)``.
    """
    names, values = _grid(grid)
    seeds, processes, out = _check(build_fn, seeds, processes, duration, out_dir)
    if backend not in ("c", "numpy"):
        raise ConfigurationError(f"scan: backend={backend!r}; use 'c' or 'numpy'",
                                 code="E835")
    run = (duration, backend)
    manifest, points = _manifest(names, values, seeds)
    out.mkdir(parents=True, exist_ok=True)
    _write_manifest(out, manifest)
    for stale in out.glob(".point_*.tmp"):   # left by a run killed while writing
        stale.unlink(missing_ok=True)
    jobs = []
    for index, point in enumerate(points):
        for seed in seeds:
            status, _ = hdf5.read_status(file_of(out, index, seed))
            if status == "ok" or (status == "failed" and not retry_failed):
                continue
            jobs.append((index, point, seed))
    if processes > 1 and len(jobs) > 1:   # compile here, once, before the workers
        jobs = _warm_up(build_fn, jobs, run, out, state)
    if processes == 1 or len(jobs) <= 1:
        for job in jobs:
            _run_one(build_fn, job, run, out, state)
    else:
        _in_workers(build_fn, jobs, run, out, state, processes)
    rows = scan_results(out, table="dicts")
    if rows and all(r["status"] == "failed" for r in rows):
        raise SimulationError(f"every run of the scan failed; the first: "
                              f"{rows[0]['error']}", code="E839",
                              hint=f"the errors are in the files of '{out}'")
    return rows if table == "dicts" else scan_results(out, table=table)


def _in_workers(build_fn, jobs, run, out, state, processes) -> None:
    global _BUILD
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    ctx, payload = worker_context(build_fn, "E835")
    if payload is None:
        _BUILD = build_fn
    try:
        with ProcessPoolExecutor(min(processes, len(jobs)), mp_context=ctx) as pool:
            list(pool.map(_worker, [(job, run, out, state, payload) for job in jobs]))
    except BrokenProcessPool as err:
        raise SimulationError(
            f"a worker process of the scan died ({err}); the finished runs are in "
            f"'{out}'", code="E838",
            hint="call scan() again with the same arguments to run the rest") from err
    finally:
        _BUILD = None


# ---- the table ---------------------------------------------------------------------------
def scan_results(out_dir, measure: Callable[["hdf5.RunRecord"], dict] | None = None,
                 table: str = "dicts"):
    """The runs of the scan in ``out_dir`` as one table, one row per (point, seed) in
    grid order: index, the point's values (Quantities as given), seed, status ("ok",
    "failed" or "missing"), error, wall_s, path, and the mean rate of every
    SpikeMonitor (``rate_<name>``, Hz). ``measure(record)`` adds columns computed from
    each loaded run. table: "dicts" (a list of dicts), "array" (a numpy structured
    array; Quantities become SI floats) or "pandas" (a DataFrame; needs pandas)."""
    if table not in ("dicts", "array", "pandas"):
        raise ConfigurationError(f"table={table!r}: use 'dicts', 'array' or 'pandas'",
                                 code="E840")
    out = Path(out_dir)
    try:
        manifest = json.loads((out / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"'{out}' holds no scan (no readable {MANIFEST})",
                                 code="E837", hint="give the out_dir of eqsim.scan") \
            from exc
    rows = []
    for index, point in enumerate(manifest["points"]):
        for seed in manifest["seeds"]:
            path = file_of(out, index, seed)
            status, attrs = hdf5.read_status(path)
            meta = json.loads(attrs.get("meta", "{}")) if attrs else {}
            row = {"index": index, **hdf5.decode(point),
                   "seed": seed, "status": status if status != "unreadable" else
                   "missing", "error": "", "wall_s": float(meta.get("wall_s", np.nan)),
                   "path": str(path)}
            if status == "failed":
                row["error"] = str(attrs.get("error", "")).strip().splitlines()[0] \
                    if attrs.get("error") else ""
            if status == "ok":
                row.update(json.loads(attrs.get("summary", "{}")))
                if measure is not None:
                    row.update(measure(hdf5.load_hdf5(path)))
            rows.append(row)
    if table == "dicts":
        return rows
    if table == "pandas":
        try:
            import pandas
        except ImportError as exc:
            raise ConfigurationError("table='pandas' needs pandas", code="E840",
                                     hint="pip install pandas, or table='array'") from exc
        return pandas.DataFrame(rows)
    return _structured(rows)


def _structured(rows: list[dict]) -> np.ndarray:
    columns: dict[str, Any] = {}
    for row in rows:
        for k, v in row.items():
            columns.setdefault(k, [])
    fields, data = [], {}
    for k in columns:
        vals = [r.get(k) for r in rows]
        vals = [float(np.asarray(v.view(np.ndarray))) if isinstance(v, Quantity) else v
                for v in vals]
        if vals and all(isinstance(v, (bool, np.bool_)) for v in vals):
            kind = np.bool_
        elif all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                 for v in vals):
            kind = np.int64
        elif all(v is None or isinstance(v, (int, float, np.integer, np.floating))
                 for v in vals):
            kind = np.float64
            vals = [np.nan if v is None else v for v in vals]
        else:
            vals = ["" if v is None else str(v) for v in vals]
            kind = f"U{max([len(v) for v in vals] + [1])}"
        fields.append((k, kind))
        data[k] = vals
    arr = np.zeros(len(rows), dtype=fields)
    for k, _ in fields:
        arr[k] = data[k]
    return arr


__all__ = ["scan", "scan_results"]
