"""eqsim.pynn under mpiexec: a PyNN script (tests/pynn/mpi_script.py) on 2 ranks gives
rank 0 the spikes, membrane traces, connections and weights of the single-process run,
exactly (PyNN's gather semantics on eqsim's MPI backend)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pyNN")
pytest.importorskip("neo")

from ..conftest import ROOT

SCRIPT = Path(__file__).with_name("mpi_script.py")


def _run(out: Path, ranks: int | None) -> dict:
    cmd = [sys.executable, str(SCRIPT), str(out)]
    if ranks:
        cmd = [shutil.which("mpiexec"), "-n", str(ranks), *cmd]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get(
        "PYTHONPATH", "")}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(out) as data:
        return {k: data[k] for k in data.files}


def test_two_ranks_match_one_process(tmp_path):
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        pytest.skip("mpi4py not installed")
    if shutil.which("mpiexec") is None:
        pytest.skip("mpiexec not installed")
    one = _run(tmp_path / "one.npz", None)
    two = _run(tmp_path / "two.npz", 2)
    assert len(one["ids"]) > 50 and one["weights"].shape[0] == int(one["size"]) > 500
    assert set(np.unique(one["ids"])) > {0, 59}      # spikes from both ranks' blocks
    for key in one:
        assert np.array_equal(one[key], two[key]), key
