"""backend="mpi": the same spikes, bit for bit, on any number of ranks and threads.

In-process tests run the distributed loop on one rank (windows, exchange, queueing in
Python) against backend="c"; the mpiexec tests run tests/parallel/mpi_networks.py on 2
and 4 ranks (4 oversubscribes this 2-core machine) and compare every recorded number
with a single-process run. They need mpi4py and mpiexec (``pip install ".[mpi]"``); CI
installs them, so there a missing MPI is a failure, not a skip.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import eqsim as eq
from eqsim.units import ms, mV

from ..conftest import ROOT

SCRIPT = Path(__file__).with_name("mpi_networks.py")


def _mpiexec() -> str | None:
    exe = shutil.which("mpiexec")
    try:
        import mpi4py  # noqa: F401
    except ImportError:
        exe = None
    if exe is None and os.environ.get("CI"):
        pytest.fail("CI must run the MPI tests: mpi4py and mpiexec are missing")
    return exe


def _run(args: list[str], ranks: int | None, out: Path, timeout: float = 240,
         env: dict | None = None) -> dict:
    return _run_full(args, ranks, out, timeout, env)[0]


def _run_full(args: list[str], ranks: int | None, out: Path, timeout: float = 240,
              env: dict | None = None) -> tuple[dict, str, str]:
    """The arrays mpi_networks.py wrote, its stdout (rank 0 says which window loop ran:
    'windows: allgather|alltoall|python') and its stderr."""
    cmd = [sys.executable, str(SCRIPT), *args, str(out)]
    if ranks is not None:
        cmd = [_mpiexec(), "-n", str(ranks), *cmd]
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])   # this eqsim
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": path, **(env or {})})
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(out) as data:
        return {k: data[k] for k in data.files}, done.stdout, done.stderr


def _same(a: dict, b: dict) -> None:
    assert sorted(a) == sorted(b)
    for key in a:
        assert a[key].shape == b[key].shape, key
        assert np.array_equal(a[key], b[key], equal_nan=True), key


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """Every network once on one process with backend='c' (the reference)."""
    tmp = tmp_path_factory.mktemp("single")
    return {name: _run([name, "c", "1"], None, tmp / f"{name}.npz")
            for name in ("cuba", "brunel", "stdp", "replay", "summed", "spatial", "local",
                         "counts", "twogroups")}


@pytest.mark.parametrize("name", ["cuba", "brunel", "stdp", "replay", "summed", "counts"])
def test_one_rank_distributed_loop_matches_c(name, single, tmp_path):
    """The windowed loop (halves of steps, spikes queued from Python) on one process."""
    got = _run([name, "mpi", "1"], None, tmp_path / "o.npz")
    _same(single[name], got)
    spikes = [k for k in got if k.endswith(".i")]
    assert sum(len(got[k]) for k in spikes) > 100   # the networks are active


@pytest.mark.parametrize("name", ["cuba", "stdp"])
def test_one_rank_python_windows_match_c(name, single, tmp_path):
    """The old driver (windows from Python, EQSIM_MPI_WINDOWS=python) on one process."""
    got, out, _ = _run_full([name, "mpi", "1"], None, tmp_path / "o.npz",
                            env={"EQSIM_MPI_WINDOWS": "python"})
    assert "windows: python" in out
    _same(single[name], got)


@pytest.mark.parametrize("name, ranks, threads", [
    ("cuba", 2, 1), ("brunel", 2, 2), ("stdp", 2, 1),
    ("cuba", 4, 1), ("brunel", 4, 1), ("stdp", 4, 2), ("replay", 3, 1), ("summed", 3, 1),
    ("summed", 2, 2), ("spatial", 2, 1), ("spatial", 3, 1),
])
def test_ranks_give_the_single_process_spikes(name, ranks, threads, single, tmp_path):
    """The compiled window loop (C driver; one node: through shared memory) on 2 to 4
    ranks; a network whose ranks need few of each other's spikes (the cells of a
    SpatialNeuron) may take the compiled MPI_Alltoall exchange instead."""
    if _mpiexec() is None:
        pytest.skip("mpi4py / mpiexec not installed")
    got, out, _ = _run_full([name, "mpi", str(threads)], ranks, tmp_path / "o.npz")
    assert "windows: shm" in out or (name == "spatial" and "windows: alltoall" in out), out
    _same(single[name], got)


@pytest.mark.parametrize("ranks, threads", [(2, 1), (3, 2)])
def test_poisson_counts_on_ranks_give_the_single_process_spikes(ranks, threads, single,
                                                                tmp_path):
    """Sources with several spikes a step (PoissonCountGroup): every spike, count, time
    and value as on one process, bit for bit (duplicate codes in the exchange; two
    exchanged groups whose thresholds run in another order than they were made)."""
    if _mpiexec() is None:
        pytest.skip("mpi4py / mpiexec not installed")
    got = _run(["counts", "mpi", str(threads)], ranks, tmp_path / "o.npz")
    ref = single["counts"]
    _same(ref, got)
    k = np.unique(np.stack([ref["input.i"], np.round(ref["input.t"] * 1e4)]), axis=1,
                  return_counts=True)[1]
    assert k.max() >= 3   # several spikes of one source in a step


@pytest.mark.parametrize("ranks", [2, 3])
def test_two_source_groups_on_ranks_add_in_the_single_process_order(ranks, single,
                                                                   tmp_path):
    """Poisson sources and the cells' own spikes onto one variable; the cells' threshold
    runs first (by name), though the Poisson group was made first. Each event appends a
    digit to ``o``: the order of every step's events onto every cell, and the membrane
    potentials, are those of one process, bit for bit (a rank's spike codes are sorted
    only when the exchange numbers groups in the order their thresholds run; the
    compiled driver merges the ranks' codes assuming each rank's are sorted)."""
    if _mpiexec() is None:
        pytest.skip("mpi4py / mpiexec not installed")
    got, out, _ = _run_full(["twogroups", "mpi", "1"], ranks, tmp_path / "o.npz")
    assert "windows: shm" in out, out
    ref = single["twogroups"]
    _same(ref, got)
    o = ref["order.o"]
    exact = o < 2.0 ** 53   # (longer sequences are rounded, still compared above)
    poisson_then_cell = exact & (o >= 1e3) & (o % 1000 >= 300)   # a cell's event last
    assert poisson_then_cell.sum() > 100 and (o >= 1e9).sum() > 100


@pytest.mark.parametrize("name, ranks", [("cuba", 2), ("stdp", 3)])
def test_mpi_allgather_windows_give_the_same_spikes(name, ranks, single, tmp_path):
    """The compiled loop through MPI_Allgather (EQSIM_MPI_WINDOWS=mpi: no shared memory,
    as between nodes)."""
    if _mpiexec() is None:
        pytest.skip("mpi4py / mpiexec not installed")
    got, out, _ = _run_full([name, "mpi", "1"], ranks, tmp_path / "o.npz",
                            env={"EQSIM_MPI_WINDOWS": "mpi"})
    assert "windows: allgather" in out, out
    _same(single[name], got)


@pytest.mark.parametrize("ranks", [2, 3])
def test_local_network_sends_only_needed_spikes(ranks, single, tmp_path):
    """Local connectivity: the compiled loop sends each rank only the spikes of neurons
    it holds targets of (MPI_Alltoall); bursts of 600 spikes overflow the first blocks
    (more rounds than exchanges). Same spikes and traces as one process."""
    if _mpiexec() is None:
        pytest.skip("mpi4py / mpiexec not installed")
    got, out, _ = _run_full(["local", "mpi", "1"], ranks, tmp_path / "o.npz")
    assert "windows: alltoall" in out, out
    words = out.split()
    rounds, exchanges = (int(words[words.index(k) + 1]) for k in ("rounds:", "exchanges:"))
    assert exchanges == 1000 and rounds > exchanges
    assert len(got["spikes.i"]) > 3000
    _same(single["local"], got)


@pytest.mark.parametrize("name", ["cuba", "stdp"])
def test_python_windows_on_ranks_give_the_same_spikes(name, single, tmp_path):
    """The old driver under mpiexec (EQSIM_MPI_WINDOWS=python): still bitwise equal."""
    if _mpiexec() is None:
        pytest.skip("mpi4py / mpiexec not installed")
    got, out, _ = _run_full([name, "mpi", "1"], 2, tmp_path / "o.npz",
                            env={"EQSIM_MPI_WINDOWS": "python"})
    assert "windows: python" in out, out
    _same(single[name], got)


def test_without_mpi_headers_the_windows_fall_back_to_python(single, tmp_path):
    """No mpi.h where EQSIM_MPI_INCLUDE points: a warning, the Python driver, the same
    spikes."""
    if _mpiexec() is None:
        pytest.skip("mpi4py / mpiexec not installed")
    got, out, err = _run_full(["cuba", "mpi", "1"], 2, tmp_path / "o.npz",
                              env={"EQSIM_MPI_INCLUDE": str(tmp_path / "nothing")})
    assert "windows: python" in out, out
    assert "the MPI windows run in Python" in err and "no mpi.h" in err, err[-2000:]
    _same(single["cuba"], got)


def test_windows_line_up_when_ranks_choose_other_chunks(single, tmp_path):
    """Each rank times its own chunks; the exchange windows must not follow them (a
    rank whose windows drifted delivered spikes at the wrong step)."""
    if _mpiexec() is None:
        pytest.skip("mpi4py / mpiexec not installed")
    got = _run(["brunel", "mpi", "1"], 2, tmp_path / "o.npz",
               env={"EQSIM_TEST_SKEW_CHUNKS": "1"})
    _same(single["brunel"], got)


def _failing_script(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fail.py"
    script.write_text(f"""
import os, signal, sys
sys.path.insert(0, {str(ROOT)!r})
import eqsim as eq
from eqsim.parallel.comm import world
from eqsim.units import ms, mV
G = eq.NeuronGroup(100, "dv/dt = (12*mV - v)/(10*ms) : volt", threshold="v > 10*mV",
                   reset="v = 0*mV", method="exact", name="G")
S = eq.Synapses(G, G, on_pre="v_post += 0.1*mV", delay=1*ms)
S.connect(p=0.1, seed=1)
net = eq.Network(G, S)
net.run(5*ms, backend="mpi")
{body}
net.run(5*ms, backend="mpi")
""")
    return script


@pytest.mark.parametrize("body, shown", [
    ("if world().rank == 1:\n    raise RuntimeError('parameter file not found')",
     "parameter file not found"),
    ("if world().rank == 1:\n    os.kill(os.getpid(), signal.SIGKILL)", ""),
])
def test_a_failing_rank_stops_the_job(body, shown, tmp_path):
    """An exception (or a killed process) on rank 1 ends mpiexec with an error within
    seconds, while rank 0 waits in the next exchange: no hang."""
    exe = _mpiexec()
    if exe is None:
        pytest.skip("mpi4py / mpiexec not installed")
    script = _failing_script(tmp_path, body)
    t0 = time.perf_counter()
    done = subprocess.run([exe, "-n", "2", sys.executable, str(script)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert time.perf_counter() - t0 < 60
    if shown:
        assert "rank 1 of 2" in done.stderr and shown in done.stderr, done.stderr


def test_more_ranks_than_neurons_is_an_error(tmp_path):
    exe = _mpiexec()
    if exe is None:
        pytest.skip("mpi4py / mpiexec not installed")
    script = tmp_path / "tiny.py"
    script.write_text(f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import eqsim as eq
from eqsim.units import ms
G = eq.NeuronGroup(3, "dv/dt = -v/(10*ms) : 1", method="exact")
eq.Network(G).run(1*ms, backend="mpi")
""")
    done = subprocess.run([exe, "-n", "4", sys.executable, str(script)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "E760" in done.stderr and "4 MPI ranks for a network of 3 neurons" in done.stderr


def test_unsupported_synapses_name_the_reason():
    G = eq.NeuronGroup(4, "dv/dt = -v/(10*ms) : volt", threshold="v > 1*mV",
                       reset="v = 0*mV", method="exact")
    S = eq.Synapses(G, G, "w : 1", on_pre="v_post += w*mV*rand()", name="noisy")
    S.connect()
    with pytest.raises(eq.ConfigurationError, match="noisy.*random numbers"):
        eq.Network(G, S).run(1 * ms, backend="mpi")


def test_monitors_gather_is_harmless_on_one_process():
    G = eq.NeuronGroup(5, "dv/dt = (2*mV - v)/(10*ms) : volt", threshold="v > 1*mV",
                       reset="v = 0*mV", method="exact")
    spikes, trace = eq.SpikeMonitor(G), eq.StateMonitor(G, "v", record=[1, 3])
    eq.Network(G, spikes, trace).run(20 * ms, backend="mpi")
    before = spikes.i.copy(), trace.v_.copy()
    spikes.gather(), trace.gather()
    assert np.array_equal(before[0], spikes.i) and np.array_equal(before[1], trace.v_)
    assert spikes.num_spikes == 5 * 2   # each neuron crosses 1 mV twice in 20 ms


def test_brunel_mpi_example_runs_under_mpiexec_as_written(tmp_path):
    """`mpiexec -n 2 python examples/brunel_mpi.py` prints the rates of the
    single-process example (same spikes) and writes its raster once."""
    exe = _mpiexec()
    if exe is None:
        pytest.skip("mpi4py / mpiexec not installed")
    size = ["--N", "2500", "--duration", "0.1"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(   # this checkout's eqsim
        [str(ROOT), os.environ.get("PYTHONPATH", "")])}
    single = subprocess.run([sys.executable, str(ROOT / "examples" / "brunel.py"), *size,
                             "--out", str(tmp_path / "single.png")], capture_output=True,
                            text=True, timeout=240, cwd=tmp_path, env=env)
    ranks = subprocess.run([exe, "-n", "2", sys.executable,
                            str(ROOT / "examples" / "brunel_mpi.py"), *size, "--out",
                            str(tmp_path / "mpi.png")], capture_output=True, text=True,
                           timeout=240, cwd=tmp_path, env=env)
    assert ranks.returncode == 0, ranks.stderr[-2000:]
    import json
    a = json.loads(single.stdout.splitlines()[0])
    b = json.loads(ranks.stdout.splitlines()[0])
    assert b["ranks"] == 2 and ranks.stdout.count("wrote") == 1
    assert (a["rate_exc_hz"], a["rate_inh_hz"]) == (b["rate_exc_hz"], b["rate_inh_hz"])
    assert (tmp_path / "mpi.png").stat().st_size > 10_000


def test_synapses_gather_on_one_process_and_bad_names():
    G = eq.NeuronGroup(3, "v : volt", threshold="v > 1*mV")
    S = eq.Synapses(G, G, "w : 1", on_pre="v_post += w*mV", delay=1 * ms)
    S.connect(i=[2, 0, 2, 1], j=[0, 1, 0, 2])
    S.w = "i + 0.1*j"
    table = S.gather("w", "delay")
    assert table["i"].tolist() == [0, 1, 2, 2] and table["j"].tolist() == [1, 2, 0, 0]
    assert np.allclose(table["w"], [0.1, 1.2, 2.0, 2.0])
    assert np.allclose(table["delay"], 1e-3)
    with pytest.raises(eq.ConfigurationError, match="no variable 'x'"):
        S.gather("x")


def test_multicompartment_cells_split_by_cell(single, tmp_path):
    """A SpatialNeuron of 5 cells on one process through the distributed loop: the
    same as backend='c' (the mpiexec runs above split it by whole cells)."""
    got = _run(["spatial", "mpi", "1"], None, tmp_path / "o.npz")
    _same(single["spatial"], got)
    assert len(got["spikes.i"]) >= 5 and len(set(got["spikes.i"] // 21)) == 5
