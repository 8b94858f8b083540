"""The compiled window loop's build: where it finds MPI, what enters the cache key, and
the fallback to the Python loop (the runs themselves: test_mpi.py)."""
from __future__ import annotations

import json
import logging
from types import SimpleNamespace

import pytest

from eqsim.config import Config
from eqsim.parallel.windows import driver_function

from ..conftest import run_python


def _two_ranks():
    return SimpleNamespace(size=2, rank=0, allreduce_min=lambda value: value)


def test_no_headers_falls_back_with_a_warning(tmp_path, caplog):
    config = Config(cache_dir=tmp_path, mpi_include=str(tmp_path / "empty"))
    with caplog.at_level(logging.WARNING, logger="eqsim"):
        assert driver_function(config, _two_ranks()) is None
    assert "the MPI windows run in Python" in caplog.text
    assert f"no mpi.h in {tmp_path / 'empty'}" in caplog.text


def test_python_mode_builds_nothing(tmp_path, caplog):
    config = Config(cache_dir=tmp_path, mpi_windows="python")
    with caplog.at_level(logging.WARNING, logger="eqsim"):
        assert driver_function(config, _two_ranks()) is None
    assert caplog.text == ""


def test_one_process_driver_builds_without_mpi(tmp_path):
    one = SimpleNamespace(size=1, rank=0)
    fn = driver_function(Config(cache_dir=tmp_path), one)
    assert fn is not None and fn._eqsim_lib.eqsim_windows_mpi() == 0


def test_mpi_headers_and_library_enter_the_key(tmp_path):
    """In a fresh process (mpi4py starts MPI): the library mpi4py loaded, the mpi.h of
    the same MPI beside it; another header (a copy, changed) gives another identity,
    hence another cache key; the built driver reports the header's MPI_VERSION."""
    pytest.importorskip("mpi4py")
    code = f"""
import json, shutil, pathlib
from eqsim.parallel.windows import find_mpi, _build
from eqsim.config import Config
mpi, why = find_mpi()
assert mpi is not None, why
copy = pathlib.Path({str(tmp_path)!r}) / "include"
shutil.copytree(mpi.include, copy)
(copy / "mpi.h").write_text((copy / "mpi.h").read_text() + "\\n/* changed */\\n")
other, _ = find_mpi(str(copy))
fn = _build(Config(cache_dir=pathlib.Path({str(tmp_path)!r}) / "cache"), mpi)
print(json.dumps({{"lib": mpi.library, "inc": mpi.include, "id": mpi.identity,
                   "other": other.identity, "flags": list(mpi.flags()),
                   "version": fn._eqsim_lib.eqsim_windows_mpi()}}))
"""
    done = run_python(code)
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout.splitlines()[-1])
    assert "libmpi" in got["lib"] and got["id"] != got["other"]
    assert f"-DEQSIM_MPI_ID={got['id']}" in got["flags"] and got["lib"] in got["flags"]
    assert got["version"] >= 3
