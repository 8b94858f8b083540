"""Spike files: HNN-core's text format and NWB units (issue 12, point 3)."""
import doctest

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import EqsimError
from eqsim.io import SpikeTrial, read_spikes, spikefiles, write_spikes
from eqsim.units import Hz, ms

RANGES = {"L2_basket": range(0, 3), "L2_pyramidal": range(3, 10),
          "evdist1": range(10, 12)}


def test_docstring_examples():
    assert doctest.testmod(spikefiles).failed == 0


@pytest.fixture(scope="module")
def run():
    """A Poisson drive and a labelled group (numpy backend: nothing to compile)."""
    P = eq.PoissonGroup(6, 300 * Hz, seed=5, label="evdist1")
    G = eq.NeuronGroup(8, "dv/dt = (1.5 - v)/(5*ms) : 1", threshold="v > 1",
                       reset="v = 0", method="exact", name="cells")
    G[:3].label = "L2_basket"
    G[3:].label = "L2_pyramidal"
    G.v = "i/8.0"
    net = eq.Network(G, P, eq.SpikeMonitor(P), eq.SpikeMonitor(G))
    net.run(30 * ms, backend="numpy")
    return net


def test_the_file_is_hnn_cores_format(tmp_path):
    trial = SpikeTrial([0.025, 12.5, 100.0], [3, 0, 11],
                       ["L2_pyramidal", "L2_basket", "evdist1"])
    (path,) = write_spikes(tmp_path / "spk.txt", trial)
    assert path == str(tmp_path / "spk.txt")
    assert (tmp_path / "spk.txt").read_text() == (
        "0.025\t3\tL2_pyramidal\n12.500\t0\tL2_basket\n100.000\t11\tevdist1\n")
    # what HNN-core's reader does: numpy.loadtxt(file, dtype=str), 3 columns
    cols = np.loadtxt(path, dtype=str)
    assert cols.shape == (3, 3) and cols[:, 1].astype(int).tolist() == [3, 0, 11]


def test_round_trip_of_a_run_is_exact(run, tmp_path):
    trial = SpikeTrial.from_monitors(run)
    assert len(trial) > 50 and set(trial.types) == {"evdist1", "L2_basket",
                                                      "L2_pyramidal"}
    assert trial.gid_ranges == {"cells": range(0, 8), "L2_basket": range(0, 3),
                                "L2_pyramidal": range(3, 8), "evdist1": range(8, 14)}
    # the same spikes as the monitors, in (time, gid) order
    m_g, m_p = run.spike_monitors[1], run.spike_monitors[0]
    t = np.concatenate([m_p.t_, m_g.t_])
    g = np.concatenate([m_p.gids, m_g.gids])
    order = np.lexsort((g, t))
    assert np.array_equal(trial.t_, t[order]) and np.array_equal(trial.gids, g[order])
    # three trials, two of them the same run, one empty
    empty = SpikeTrial([], [], [])
    paths = write_spikes(tmp_path / "spk_{}.txt", [trial, trial, empty], decimals=None)
    back = read_spikes(tmp_path / "spk_*.txt", gid_ranges=run)
    assert [b.path for b in back] == paths and len(back[2]) == 0
    for b in back[:2]:
        assert np.array_equal(b.times_ms, trial.times_ms)     # bit for bit
        assert np.array_equal(b.gids, trial.gids)
        assert b.types.tolist() == trial.types.tolist()
    # with HNN-core's 3 decimals the times read back are the written ones exactly
    (p3,) = write_spikes(tmp_path / "three.txt", trial)
    (b3,) = read_spikes(p3)
    assert np.array_equal(b3.times_ms, np.round(trial.times_ms, 3))
    assert np.array_equal(b3.gids, trial.gids)


def test_glob_reads_trials_in_natural_order(tmp_path):
    trials = [SpikeTrial([float(k)], [k % 3], ["L2_basket"]) for k in range(12)]
    write_spikes(tmp_path / "spk_%d.txt", trials)
    back = read_spikes(str(tmp_path / "spk_*.txt"))
    assert [float(b.times_ms[0]) for b in back] == [float(k) for k in range(12)]


def test_legacy_two_column_files_take_types_from_gid_ranges(tmp_path):
    (tmp_path / "old.txt").write_text("# HNN legacy\n1.0\t4\n\n2.5\t10\n")
    (trial,) = read_spikes(tmp_path / "old.txt", gid_ranges=RANGES)
    assert trial.types.tolist() == ["L2_pyramidal", "evdist1"]
    assert trial.spikes_of("evdist1").times_ms.tolist() == [2.5]


@pytest.mark.parametrize("text,code,words", [
    ("1.0\t3\tL2_pyramidal\n2.0\t4\n", "E975", "line 2: expected time, gid and type"),
    ("1.0\t3\tL2_pyramidal\nabc\t4\tL2_pyramidal\n", "E975", "line 2: the time 'abc'"),
    ("1.0\t3.5\tL2_pyramidal\n", "E975", "line 1: the gid '3.5'"),
    ("1.0\t-3\tL2_pyramidal\n", "E975", "line 1: the gid '-3'"),
    ("nan\t3\tL2_pyramidal\n", "E975", "line 1: the time 'nan'"),
    ("1.0\t3\tL2_pyramidal\n\n5.0\t12\tevdist1\n", "E976", "line 3: the gid 12 is in no"),
    ("1.0\t1\tL2_pyramidal\n", "E976", "line 1: the gid 1 is not in the range of "
                                       "'L2_pyramidal'"),
    ("1.0\t1\tL5_basket\n", "E976", "line 1: the type 'L5_basket' is not a label"),
])
def test_bad_lines_name_file_and_line(tmp_path, text, code, words):
    path = tmp_path / "spk_0.txt"
    path.write_text(text)
    with pytest.raises(EqsimError, match=code) as err:
        read_spikes(tmp_path / "spk_*.txt", gid_ranges=RANGES)
    assert str(path) in str(err.value) and words in str(err.value)


def test_other_errors(tmp_path):
    with pytest.raises(EqsimError, match="E977"):
        read_spikes(tmp_path / "nothing_*.txt")
    with pytest.raises(EqsimError, match="E978"):
        write_spikes(tmp_path / "x.txt", [SpikeTrial([1.0], [0], ["two words"])])
    with pytest.raises(EqsimError, match="E978"):
        SpikeTrial([1.0, 2.0], [0], ["a"])
    with pytest.raises(EqsimError, match="E972"):
        SpikeTrial([1.0], [0], ["a"]).spikes_of("b")
    # nothing half-written is left behind by a failed write
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# ---- NWB (optional) ----
def test_nwb_round_trip_is_exact(run, tmp_path):
    pytest.importorskip("pynwb")
    from eqsim.io import read_nwb, write_nwb
    trial = SpikeTrial.from_monitors(run)
    path = write_nwb(tmp_path / "run.nwb", run, session_description="test")
    back = read_nwb(path, gid_ranges=run)
    assert np.array_equal(back.t_, trial.t_)                  # seconds, bit for bit
    assert np.array_equal(back.gids, trial.gids)
    assert back.types.tolist() == trial.types.tolist()
    # a trial read from a text file goes to NWB and back unchanged (in seconds)
    (p,) = write_spikes(tmp_path / "spk.txt", trial)
    (txt,) = read_spikes(p)
    back2 = read_nwb(write_nwb(tmp_path / "txt.nwb", txt, all_units=False))
    assert np.array_equal(back2.t_, txt.t_) and np.array_equal(back2.gids, txt.gids)
    # all_units: silent neurons of gid_ranges are units too
    import pynwb
    write_nwb(tmp_path / "all.nwb", trial, all_units=True)
    with pynwb.NWBHDF5IO(str(tmp_path / "all.nwb"), "r") as io:
        units = io.read().units
        assert units["gid"].data[:].tolist() == list(range(14))
    with pytest.raises(EqsimError, match="E976"):
        read_nwb(path, gid_ranges={"cells": range(0, 8)})
    (tmp_path / "bad.nwb").write_text("not hdf5")
    with pytest.raises(EqsimError, match="E981"):
        read_nwb(tmp_path / "bad.nwb")
