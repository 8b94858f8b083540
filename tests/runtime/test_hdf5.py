"""One HDF5 file per run: save_hdf5 / load_hdf5 round trips exactly, needs no network
to read, and is written atomically."""
import json
import os

import h5py
import numpy as np
import pytest

import eqsim as eq
import eqsim.analysis
import eqsim.io
from eqsim._version import __version__
from eqsim.errors import ConfigurationError
from eqsim.units import Hz, mV, ms

from ._runs_model import build


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    net = build(seed=7)
    net["G"].namespace["ramp"] = eq.TimedArray([0, 1, 2] * mV, dt=10 * ms)  # unused
    net.run(30 * ms)
    path = tmp_path_factory.mktemp("h5") / "run.h5"
    net.save_hdf5(path, seed=7, meta={"rate": 60 * Hz, "note": "baseline", "k": [1, 2]})
    return net, path, eq.load_hdf5(path)


def test_monitors_round_trip_exactly(saved):
    net, _, rec = saved
    spikes, trace, rate = net["spikes"], net["trace"], net["rate"]
    assert spikes.num_spikes > 20
    r = rec["spikes"]
    assert r.kind == "spike" and r.i.dtype == spikes.i.dtype
    assert np.array_equal(r.i, spikes.i) and np.array_equal(r.count, spikes.count)
    assert np.array_equal(r.t_, spikes.t_) and eq.get_dimension(r.t) == eq.get_dimension(ms)
    assert np.array_equal(r.gids, spikes.gids)
    assert list(r.labels) == list(spikes.labels) and {"G_exc", "G_inh"} >= set(r.labels)
    assert r.num_spikes == spikes.num_spikes
    # v recorded at each spike (before the reset: above the threshold)
    assert np.array_equal(np.asarray(r.v), np.asarray(spikes.v)) and len(r.v) == len(r.i)
    assert np.all(np.asarray(r.v) > -50e-3) and eq.get_dimension(r.v) == \
        eq.get_dimension(mV)
    assert np.array_equal(rec["trace"].v_, trace.v_) and rec["trace"].v_.shape == (2, 300)
    assert np.array_equal(rec["trace"].t_, trace.t_)
    assert np.array_equal(rec["trace"].record, trace.record)
    assert eq.get_dimension(rec["trace"].v) == eq.get_dimension(mV)
    assert np.array_equal(np.asarray(rec["rate"].rate), np.asarray(rate.rate))
    assert rec.summary["rate_spikes"] == pytest.approx(spikes.num_spikes / 40 / 0.030,
                                                       rel=1e-12)


def test_models_parameters_seeds_and_populations_round_trip(saved):
    net, _, rec = saved
    assert rec.status == "ok" and rec.eqsim_version == __version__
    assert rec.seed == 7 and rec.t == net.t and float(rec.dt) == net._dt_base == 1e-4
    assert rec.meta["note"] == "baseline" and rec.meta["k"] == [1, 2]
    assert rec.meta["rate"] == 60 * Hz
    assert rec.gid_ranges == net.gid_ranges == {"G": range(0, 40), "G_exc": range(0, 30),
                                                "G_inh": range(30, 40), "P": range(40, 60)}
    G = rec.groups["G"]
    assert G.model == net["G"].equations.text and G.N == 40 and G.seed == 7
    assert G.threshold == "v > -50*mV" and G.reset == "v = -70*mV"
    assert G.refractory == 2 * ms and G.method == "exact"
    assert set(G.namespace) == {"El", "tau"}   # what the model uses, not every name
    assert G.namespace["El"] == -65 * mV and eq.get_dimension(G.namespace["tau"]) == \
        eq.get_dimension(ms)
    for var, arr in net["G"].arrays.items():
        assert np.array_equal(G.state[var], arr), var
        assert G.state[var].dtype == arr.dtype
    S = rec.synapses["S"]
    assert S.source == "P" and S.target == "G" and S.on_pre == "v_post += w"
    assert S.on_post is None and S.seed == net["S"].seed
    assert np.array_equal(S.state["i"], net["S"].i) and np.array_equal(S.state["j"],
                                                                       net["S"].j)
    assert np.array_equal(np.asarray(S.state["w"]), np.asarray(net["S"].w))
    assert np.all(S.state["delay"] == 1 * ms)
    assert rec.groups["P"].namespace == {} and rec.groups["P"].state["rates"][0] == 60 * Hz
    PI = rec.poisson_inputs["PI"]
    assert (PI.target, PI.target_var, PI.N, PI.seed) == ("G", "v", 10, 10)
    assert PI.rate == 20 * Hz and PI.weight == 1 * mV


def test_spikes_of_a_loaded_run_are_the_trial_of_the_network(saved):
    net, _, rec = saved
    trial, live = rec.spike_trial(), eq.io.SpikeTrial.from_monitors(net)
    assert np.array_equal(trial.t_, live.t_) and np.array_equal(trial.gids, live.gids)
    assert list(trial.types) == list(live.types) and trial.gid_ranges == live.gid_ranges
    loaded = eq.analysis.population_rates(trial, t_start=0 * ms, t_stop=30 * ms)
    direct = eq.analysis.population_rates(live, t_start=0 * ms, t_stop=30 * ms)
    assert set(loaded) == set(direct) and float(loaded["G"]) > 0
    assert all(float(loaded[k]) == float(direct[k]) for k in direct)


def test_the_file_is_plain_hdf5(saved):
    _, path, _ = saved
    with h5py.File(path, "r") as h5:
        assert h5.attrs["format"] == "eqsim-run"
        assert json.loads(h5["groups/G/namespace/El"].attrs["dim"]) == \
            ["2", "1", "-3", "-1", "0", "0", "0"]
        assert h5["monitors/spikes/t"].dtype == np.float64


def test_written_atomically(tmp_path, monkeypatch):
    net = build()
    net.run(5 * ms)
    path = tmp_path / "run.h5"
    net.save_hdf5(path, meta={"version": 1})
    before = path.read_bytes()

    def broken(*a, **kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(eq.io.hdf5, "_summary", broken)
    with pytest.raises(RuntimeError):
        net.save_hdf5(path)
    assert path.read_bytes() == before          # the old file is untouched
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask   # not mkstemp's 0600
    assert os.listdir(tmp_path) == ["run.h5"]   # and no temporary file is left


def test_state_can_be_left_out(tmp_path):
    net = build()
    net.run(5 * ms)
    rec = eq.load_hdf5(net.save_hdf5(tmp_path / "small.h5", state=False))
    assert rec.groups["G"].state == {} and rec.synapses["S"].state == {}
    assert rec.groups["G"].namespace["tau"] == 10 * ms


def test_bad_files(tmp_path):
    (tmp_path / "text.h5").write_text("not hdf5")
    with h5py.File(tmp_path / "other.h5", "w") as h5:
        h5["x"] = 1
    for name in ("text.h5", "other.h5", "missing.h5"):
        with pytest.raises(ConfigurationError) as err:
            eq.load_hdf5(tmp_path / name)
        assert err.value.code == "E833"
    net = build()
    with pytest.raises(ConfigurationError) as err:
        net.save_hdf5(tmp_path / "no" / "such" / "folder.h5")
    assert err.value.code == "E832"
    with pytest.raises(ConfigurationError) as err:
        net.save_hdf5(tmp_path / "meta.h5", meta={"f": print})
    assert err.value.code == "E832"


def test_the_seed_of_eqsim_seed_is_kept(tmp_path):
    eq.seed(11)
    try:
        net = build()
        net.run(1 * ms)
        assert eq.load_hdf5(net.save_hdf5(tmp_path / "s.h5")).seed == 11
        assert eq.load_hdf5(net.save_hdf5(tmp_path / "t.h5", seed=3)).seed == 3
    finally:
        eq.seed()
