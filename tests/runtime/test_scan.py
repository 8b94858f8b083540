"""eqsim.scan: a grid of points x seeds on one compiled module, one HDF5 file per run,
failed points recorded, resumable after a crash; scan_results collects the table."""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import ConfigurationError, SimulationError
from eqsim.units import Hz, mV, ms

from ..conftest import ROOT
from ._runs_model import build

GRID = {"rate": [20 * Hz, 80 * Hz], "w": [1 * mV, 4 * mV]}


def test_grid_on_two_processes_compiles_once(tmp_path, monkeypatch):
    monkeypatch.setenv("EQSIM_CACHE_DIR", str(tmp_path / "cache"))
    rows = eq.scan(build, GRID, seeds=[1, 2], processes=2, out_dir=tmp_path / "scan",
                   duration=20 * ms)
    assert len(list((tmp_path / "cache" / "modules").rglob("module.so"))) == 1
    assert [(r["index"], r["seed"]) for r in rows] == [(k, s) for k in range(4)
                                                       for s in (1, 2)]
    assert [(r["rate"], r["w"]) for r in rows[::2]] == [
        (20 * Hz, 1 * mV), (20 * Hz, 4 * mV), (80 * Hz, 1 * mV), (80 * Hz, 4 * mV)]
    assert all(r["status"] == "ok" and r["error"] == "" for r in rows)
    assert len(list((tmp_path / "scan").glob("point_*.h5"))) == 8
    # a run of the scan is the run of build(seed, **point), exactly
    net = build(2, rate=80 * Hz, w=4 * mV)
    net.run(20 * ms)
    rec = eq.load_hdf5(rows[7]["path"])
    assert np.array_equal(rec["spikes"].t_, net["spikes"].t_)
    assert np.array_equal(rec["spikes"].i, net["spikes"].i)
    assert rec.seed == 2 and rec.meta["point"] == {"rate": 80 * Hz, "w": 4 * mV}
    assert rows[7]["rate_spikes"] == pytest.approx(net["spikes"].num_spikes / 40 / 0.02)
    assert rows[7]["rate_spikes"] > rows[0]["rate_spikes"] >= 0
    # the table as a structured array (SI floats) and with a measure of each run
    arr = eq.scan_results(tmp_path / "scan", table="array",
                          measure=lambda r: {"n": len(r["spikes"].i)})
    assert arr.dtype.names[:4] == ("index", "rate", "w", "seed")
    assert arr["rate"][7] == 80.0 and arr["w"][7] == pytest.approx(4e-3)
    assert arr["n"][7] == net["spikes"].num_spikes and arr["status"][0] == "ok"


def _record_calls(log):
    def build_fn(seed, rate, w):
        log.append((seed, float(rate), float(w)))
        return build(seed, rate=rate, w=w)
    return build_fn


def test_resumes_skipping_finished_runs(tmp_path):
    out = tmp_path / "scan"
    eq.scan(build, GRID, seeds=[1], processes=1, out_dir=out, duration=5 * ms)
    files = sorted(out.glob("point_*.h5"))
    kept = {p.name: p.stat().st_mtime_ns for p in files}
    files[1].unlink()                          # never written (crash before it)
    files[2].write_bytes(b"half a file")       # broken: done again
    (out / ".point_0003_seed_1.h5.x.tmp").write_bytes(b"left by a killed writer")
    log = []
    rows = eq.scan(_record_calls(log), GRID, seeds=[1], processes=1, out_dir=out,
                   duration=5 * ms)
    assert sorted(log) == [(1, 20.0, 0.004), (1, 80.0, 0.001)]   # points 1 and 2 only
    assert all(r["status"] == "ok" for r in rows)
    for p in (files[0], files[3]):
        assert p.stat().st_mtime_ns == kept[p.name]
    assert not list(out.glob(".*.tmp"))


def _failing_at(bad_rate):
    def build_fn(seed, rate, w):
        if rate == bad_rate:
            raise ValueError(f"no model for rate {rate}")
        return build(seed, rate=rate, w=w)
    return build_fn


def test_a_failing_point_is_recorded_and_the_others_finish(tmp_path):
    out = tmp_path / "scan"
    rows = eq.scan(_failing_at(20 * Hz), GRID, seeds=[1], processes=2, out_dir=out,
                   duration=5 * ms)
    assert [r["status"] for r in rows] == ["failed", "failed", "ok", "ok"]
    assert rows[0]["error"].startswith("ValueError: no model for rate 20")
    rec = eq.load_hdf5(rows[0]["path"])
    assert rec.status == "failed" and "Traceback" in rec.error
    assert rec.meta["point"] == {"rate": 20 * Hz, "w": 1 * mV}
    # run again with the problem fixed: only the failed points run
    log = []
    rows = eq.scan(_record_calls(log), GRID, seeds=[1], processes=2, out_dir=out,
                   duration=5 * ms)
    assert [r["status"] for r in rows] == ["ok"] * 4
    assert (1, 20.0, 0.001) in log and (1, 80.0, 0.001) not in log


def test_a_build_fn_that_returns_no_network(tmp_path):
    rows = eq.scan(lambda seed, rate, w: build(seed) if rate == 20 * Hz else "nothing",
                   GRID, processes=1, out_dir=tmp_path, duration=5 * ms)
    assert [r["status"] for r in rows] == ["ok", "ok", "failed", "failed"]
    assert "E835" in rows[2]["error"] and "not a Network" in rows[2]["error"]


def test_every_point_failing_is_an_error(tmp_path):
    with pytest.raises(SimulationError, match="every run.*no model") as err:
        eq.scan(_failing_at(20 * Hz), {"rate": [20 * Hz], "w": [1 * mV]}, processes=1,
                out_dir=tmp_path, duration=5 * ms)
    assert err.value.code == "E839"


SLOW_SCAN = """
import time, eqsim as eq
from eqsim.units import Hz, mV, ms
from tests.runtime._runs_model import build
def slow(seed, rate, w):
    time.sleep(0.4)
    return build(seed, rate=rate, w=w)
eq.scan(slow, {"rate": [10*Hz, 20*Hz, 30*Hz, 40*Hz, 50*Hz, 60*Hz], "w": [1*mV]},
        processes=1, out_dir=OUT, duration=5*ms)
"""


def test_killed_scan_resumes(tmp_path):
    out = tmp_path / "scan"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", SLOW_SCAN.replace("OUT", repr(
        str(out)))], cwd=str(ROOT), env=env, start_new_session=True)
    try:
        deadline = time.time() + 120
        while len(list(out.glob("point_*.h5"))) < 2 and time.time() < deadline:
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    done = {p.name: p.stat().st_mtime_ns for p in out.glob("point_*.h5")}
    assert 2 <= len(done) < 6
    log = []
    rows = eq.scan(_record_calls(log), {"rate": [10 * Hz, 20 * Hz, 30 * Hz, 40 * Hz,
                                                 50 * Hz, 60 * Hz], "w": [1 * mV]},
                   processes=1, out_dir=out, duration=5 * ms)
    assert [r["status"] for r in rows] == ["ok"] * 6
    assert len(log) == 6 - len(done)
    for name, mtime in done.items():
        assert (out / name).stat().st_mtime_ns == mtime


@pytest.mark.parametrize("kwargs, code", [
    (dict(grid={}), "E834"),
    (dict(grid={"rate": []}), "E834"),
    (dict(grid={"seed": [1, 2]}), "E834"),
    (dict(grid={"rate": 5 * Hz}), "E834"),
    (dict(grid={"rate": "abc"}), "E834"),
    (dict(build_fn=3), "E835"),
    (dict(seeds=[1, 1]), "E835"),
    (dict(seeds=[1.5]), "E835"),
    (dict(processes=0), "E835"),
    (dict(duration=5 * mV), "E835"),
    (dict(out_dir=None), "E835")])
def test_bad_arguments(kwargs, code, tmp_path):
    args = dict(build_fn=build, grid={"rate": [5 * Hz]}, out_dir=tmp_path,
                duration=1 * ms)
    args.update(kwargs)
    with pytest.raises(ConfigurationError) as err:
        eq.scan(args.pop("build_fn"), args.pop("grid"), **args)
    assert err.value.code == code


def test_another_scan_in_the_same_folder(tmp_path):
    eq.scan(build, {"rate": [5 * Hz]}, processes=1, out_dir=tmp_path, duration=1 * ms)
    with pytest.raises(ConfigurationError) as err:
        eq.scan(build, {"rate": [6 * Hz]}, processes=1, out_dir=tmp_path,
                duration=1 * ms)
    assert err.value.code == "E836"
    with pytest.raises(ConfigurationError) as err:
        eq.scan_results(tmp_path / "nothing")
    assert err.value.code == "E837"
    with pytest.raises(ConfigurationError) as err:
        eq.scan_results(tmp_path, table="excel")
    assert err.value.code == "E840"


def test_numpy_backend_gives_the_same_runs(tmp_path):
    grid = {"rate": [80 * Hz], "w": [4 * mV]}
    c = eq.scan(build, grid, processes=1, out_dir=tmp_path / "c", duration=10 * ms)
    py = eq.scan(build, grid, processes=1, out_dir=tmp_path / "py", duration=10 * ms,
                 backend="numpy")
    a, b = eq.load_hdf5(c[0]["path"]), eq.load_hdf5(py[0]["path"])
    assert len(a["spikes"].i) > 5
    assert np.array_equal(a["spikes"].i, b["spikes"].i)
    assert np.allclose(a["trace"].v_, b["trace"].v_, rtol=0, atol=1e-12)


def _build_and_run(seed, rate, w):
    net = build(seed, rate=rate, w=w)
    net.run(3 * ms)
    net.run(2 * ms)   # build_fn runs the network itself (any sequence of runs)
    return net


def test_build_fn_that_runs_the_network_and_a_pandas_table(tmp_path):
    rows = eq.scan(_build_and_run, {"rate": [20 * Hz, 80 * Hz], "w": [1 * mV]},
                   processes=2, out_dir=tmp_path)
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert eq.load_hdf5(rows[1]["path"]).t == 5 * ms
    pandas = pytest.importorskip("pandas")
    frame = eq.scan_results(tmp_path, table="pandas")
    assert isinstance(frame, pandas.DataFrame) and list(frame["status"]) == ["ok", "ok"]
    assert list(frame["seed"]) == [0, 0]
