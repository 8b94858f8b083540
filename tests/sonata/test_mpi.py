"""`eqsim run --mpi` under mpiexec: each rank reads only the edges onto its neurons, and
the spikes and membrane report equal PointNet's and the single-process run's."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from eqsim import sonata

from ..conftest import ROOT
from .error_triggers import SMALL


def _mpiexec():
    exe = shutil.which("mpiexec")
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        exe = None
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the MPI tests: mpi4py and mpiexec are missing")
        pytest.skip("mpiexec or mpi4py missing")
    return exe


def test_mpi_run_equals_pointnet(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = ("import sys, json; from eqsim import sonata; "
            "from eqsim.parallel.comm import world; "
            f"r = sonata.run({str(SMALL / 'config.json')!r}, backend='mpi', "
            f"output_dir={str(tmp_path)!r}); "
            f"open({str(tmp_path)!r} + f'/edges{{world().rank}}.json', 'w').write("
            "json.dumps([world().rank, sum(len(e) for e in "
            "r.built.circuit.edges.values())]))")   # a file per rank: no interleaved lines
    done = subprocess.run([_mpiexec(), "-n", "2", sys.executable, "-c", code],
                          capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    edges = dict(tuple(json.loads((tmp_path / f"edges{r}.json").read_text()))
                 for r in (0, 1))
    assert sorted(edges) == [0, 1] and sum(edges.values()) == 1299 + 366 + 241
    assert max(edges.values()) < 1100          # each rank read about half the edges
    ours = sonata.read_spikes(tmp_path / "spikes.h5")["cortex"]
    ref = sonata.read_spikes(SMALL / "output" / "spikes.h5")["cortex"]
    oa, ob = np.lexsort(ours[::-1]), np.lexsort(ref[::-1])
    assert np.array_equal(ours[0][oa], ref[0][ob])
    assert np.array_equal(ours[1][oa], ref[1][ob])
    rep = sonata.read_report(tmp_path / "v_report.h5")["cortex"]
    assert rep["node_ids"].tolist() == [0, 31, 52] and not np.isnan(rep["data"]).any()
