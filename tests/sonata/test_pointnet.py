"""eqsim runs BMTK's SONATA files as PointNet (NEST 3.10) does: the reference network of
benchmarks/reference/bmtk_pointnet_networks.py (stored with PointNet's spikes.h5 and
membrane report in tests/data/sonata/pointnet_small), and writes SONATA that reads back."""
import json
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

from eqsim import sonata

from ..conftest import ROOT
from .error_triggers import BIONET, DATA, SMALL

DATA_MODELS = DATA / "pointnet_models"


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("pointnet_small")
    return sonata.run(SMALL / "config.json", output_dir=str(out)), out


def _by_node(trains, pop, n):
    ids, ts = trains[pop]
    order = np.lexsort((ts, ids))
    return np.bincount(ids, minlength=n), ids[order], ts[order]


def test_spikes_equal_pointnet(small_run):
    result, _ = small_run
    ref = sonata.read_spikes(SMALL / "output" / "spikes.h5")
    c_eq, i_eq, t_eq = _by_node(result.spikes, "cortex", 65)
    c_ref, i_ref, t_ref = _by_node(ref, "cortex", 65)
    assert c_ref.sum() == 1056 and np.count_nonzero(c_ref) == 63
    assert np.array_equal(c_eq, c_ref)             # every neuron's spike count
    assert np.array_equal(i_eq, i_ref)
    # every spike in the same step as in NEST (times are the same grid points)
    assert np.max(np.abs(t_eq - t_ref)) < 1e-9


def test_membrane_report_equals_pointnet(small_run):
    result, out = small_run
    ref = sonata.read_report(SMALL / "output" / "v_report.h5")["cortex"]
    ours = sonata.read_report(out / "v_report.h5")["cortex"]
    assert ours["node_ids"].tolist() == [0, 31, 52] and ours["variable"] == "V_m"
    rows = np.rint(ref["time"] / 0.1).astype(int)   # NEST records 0.1 ... 999.0 ms
    for k, nid in enumerate(ref["node_ids"]):
        col = ours["node_ids"].tolist().index(nid)
        # NEST's multimeter writes V_m with 3 decimals: within its rounding everywhere
        assert np.max(np.abs(ours["data"][rows, col] - ref["data"][:, k])) < 5.01e-4


def test_output_files(small_run):
    result, out = small_run
    assert sorted(os.listdir(out)) == ["spikes.h5", "v_report.h5"]
    with h5py.File(out / "spikes.h5") as f:
        g = f["spikes/cortex"]
        assert g.attrs["sorting"] == "by_time" and np.all(np.diff(g["timestamps"][()]) >= 0)
    with h5py.File(out / "v_report.h5") as f:
        m = f["report/cortex/mapping"]
        assert m["index_pointer"][()].tolist() == [0, 1, 2, 3]
        assert m["time"][()].tolist() == [0.0, 1000.0, 0.1]
        assert f["report/cortex/data"].shape == (10000, 3)
    assert set(result.timings) == {"load", "build", "run"}


def test_written_network_reads_back_and_runs_the_same(tmp_path):
    # a fresh build: write_network writes the current state (V_m), so not the run one
    built = sonata.build(sonata.load(SMALL / "config.json"))
    psc_part = built.part("cortex", "iaf_psc_alpha")
    orig = sonata.load(SMALL / "config.json")
    xyz = orig.nodes["cortex"].positions()[psc_part.rows]
    labels = {psc_part.group.name: {"x": xyz[:, 0], "y": xyz[:, 1], "z": xyz[:, 2],
                                    "ei": "e"}}
    cfg = sonata.write_network(tmp_path / "w", built.objects(), tstop_ms=1000.0,
                               labels=labels)
    back = sonata.load(cfg)
    # every edge, with PointNet's weight (syn_weight * nsyns) and delay, in the new files
    def edge_table(circuit, name_of):
        rows = []
        for ep in circuit.edges.values():
            w = np.asarray(ep.get("syn_weight"), float)
            if ep.has("nsyns"):
                w = w * np.asarray(ep.get("nsyns"), float)
            src = name_of(ep.source_population, ep.source_ids)
            tgt = name_of(ep.target_population, ep.target_ids)
            rows.append(np.column_stack([src, tgt, w, ep.get("delay")]))
        t = np.concatenate(rows)
        return t[np.lexsort(t.T[::-1])]
    def orig_names(pop, ids):          # (population code, node id)
        return {"cortex": 0, "lgn": 1, "bkg": 2}[pop] * 1000 + ids
    parts = {p.group.name: p for p in built.parts}
    def new_names(pop, ids):
        p = parts[pop]
        node = np.array(ids)
        late = node >= len(p.rows)           # generator copies nv + e: node copies[e]
        if late.any():
            node[late] = p.copies[node[late] - len(p.rows)]
        return orig_names(p.population, orig.nodes[p.population].node_ids[p.rows[node]])
    a, b = edge_table(orig, orig_names), edge_table(back, new_names)
    # a virtual node with coincident spikes plays them from copies of its generator:
    # its edges once more per copy
    gen = next(p for p in built.parts if p.population == "lgn")
    copied = orig_names("lgn", orig.nodes["lgn"].node_ids[gen.rows[gen.copies]])
    names, per_name = np.unique(a[:, 0], return_counts=True)
    assert gen.copies.size and np.isin(copied, names).all()
    assert len(b) == len(a) + per_name[np.searchsorted(names, copied)].sum()
    b_unique = np.unique(b, axis=0)
    assert b_unique.shape == a.shape
    assert np.array_equal(a[:, [0, 1, 3]], b_unique[:, [0, 1, 3]])
    assert np.allclose(a[:, 2], b_unique[:, 2], rtol=1e-12, atol=0)   # pA <-> A <-> pA
    psc = back.nodes["cortex__iaf_psc_alpha"]
    assert np.array_equal(psc.positions(), xyz) and set(psc.get("ei")) == {"e"}
    # NEST parameters by node type, in NEST units
    dyn = back.dynamics(psc, np.arange(len(psc)), ("point_neuron_models_dir",))
    assert sorted(set(dyn["I_e"])) == [0.0, 150.0] and sorted(set(dyn["C_m"])) == [200.0, 250.0]
    rerun = sonata.run(cfg, write=False)
    total = sum(rerun.spikes.n_spikes(p) for p in rerun.spikes.populations)
    assert total == 1056


def test_spike_monitor_export_matches_run(small_run, tmp_path):
    result, _ = small_run
    mons = list(result.built.spike_monitors.values())
    trains = sonata.spikes_from_monitors(mons, tmp_path / "m.h5")
    back = sonata.read_spikes(tmp_path / "m.h5")
    n = sum(back.n_spikes(p) for p in back.populations)
    assert n == trains.n_spikes() == 1056
    t_all = np.sort(np.concatenate([back[p][1] for p in back.populations]))
    assert np.array_equal(t_all, np.sort(result.spikes["cortex"][1]))


def test_bionet_point_reduction(tmp_path):
    red = {"model": "iaf_cond_exp", "params": {"tau_syn_ex": 5.0, "C_m": 100.0},
           "weight_scale": 1000.0}
    built = sonata.build(sonata.load(BIONET / "config.json"), point_reduction=red)
    cell = built.part("mcortex", "iaf_cond_exp")
    assert cell.reduced and cell.group.N == 1
    gen = built.part("mthalamus", "virtual")
    assert gen.group.N == 10 and gen.layers == 1
    assert len(gen.group._gen_times) == 283            # every input spike
    S, = built.synapses
    # weight = syn_weight * nsyns * weight_scale = 0.001 * 5 * 1000 nS
    assert np.allclose(np.asarray(S.weight_) / 1e-9, 5.0)
    assert np.allclose(S.delay_steps(1e-4), 20)


def test_cli_runs_a_config(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "eqsim", "run", str(SMALL / "config.json"),
                           "--output-dir", str(tmp_path), "--no-progress"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "cortex: 1056 spikes" in proc.stdout
    assert sonata.read_spikes(tmp_path / "spikes.h5").n_spikes("cortex") == 1056
    proc = subprocess.run([sys.executable, "-m", "eqsim", "run", str(BIONET / "config.json"),
                           "--output-dir", str(tmp_path)], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 1 and "[E913]" in proc.stderr


def test_more_models_and_synapse_models_follow_pointnet():
    """pointnet_models: iaf_psc_exp with tsodyks_synapse, iaf_psc_delta with stdp_synapse
    (parameters from synaptic_models JSON), aeif_cond_exp, a stepped-rate Poisson input.
    Every spike is in the same step as in PointNet until an aeif_cond_exp cell (which
    NEST integrates with adaptive RKF45, eqsim with fixed-step RK4) crosses threshold one
    step apart (317.2 ms here, NEST 317.1 ms); after that the recurrent network diverges, and the counts per model stay
    within 2 %."""
    net = DATA_MODELS
    result = sonata.run(net / "config.json", write=False)
    built = result.built
    tso, = [S for S in built.synapses if S._nest_model == "tsodyks_synapse"]
    def value(S, name):     # a per-synapse variable, or one value for all synapses
        v = S.namespace.get(name) if name in S.namespace else getattr(S, name + "_")
        return np.asarray(v, dtype=float)
    assert np.allclose(value(tso, "U"), 0.5) and np.allclose(value(tso, "tau_rec"), 0.1)
    stdp, = [S for S in built.synapses if S._nest_model == "stdp_synapse"]
    assert len(stdp) == 64
    ref = sonata.read_spikes(net / "output" / "spikes.h5")["mix"]
    ours = result.spikes["mix"]
    oa, ob = np.lexsort((ours[0], ours[1])), np.lexsort((ref[0], ref[1]))
    ai, at, bi, bt = ours[0][oa], ours[1][oa], ref[0][ob], ref[1][ob]
    n = min(len(ai), len(bi))
    differ = np.flatnonzero((ai[:n] != bi[:n]) | (np.abs(at[:n] - bt[:n]) > 1e-9))
    pop_name = built.circuit.nodes["mix"].get("pop_name")
    if differ.size:
        k = differ[0]
        assert k >= 160                                   # 317 ms of identical spikes
        assert pop_name[ai[k]] == "AD" and abs(at[k] - bt[k]) <= 0.1 + 1e-9
    for model in ("PE", "PD", "AD"):
        rows = np.flatnonzero(pop_name == model)
        c_eq, c_ref = np.isin(ai, rows).sum(), np.isin(bi, rows).sum()
        assert c_ref > 100 and abs(c_eq - c_ref) <= 0.02 * c_ref, (model, c_eq, c_ref)


def test_numpy_backend_and_csv_inputs_agree(small_run, tmp_path):
    """The numpy reference backend gives the C backend's spikes (first 150 ms), and the
    same inputs given as BMTK's spikes CSV give the same run."""
    d = tmp_path / "small"
    import shutil
    shutil.copytree(SMALL, d, ignore=shutil.ignore_patterns("output"))
    for name in ("lgn", "bkg"):
        sonata.read_spikes(d / "inputs" / f"{name}_spikes.h5").to_csv(
            d / "inputs" / f"{name}_spikes.csv")
    sim = json.loads((d / "simulation_config.json").read_text())
    for spec in sim["inputs"].values():
        spec["module"] = "csv"
        spec["input_file"] = spec["input_file"].replace(".h5", ".csv")
    (d / "simulation_config.json").write_text(json.dumps(sim))
    res = sonata.run(d / "config.json", backend="numpy", tstop=150.0, write=False)
    ids, ts = res.spikes["cortex"]
    c_ids, c_ts = small_run[0].spikes["cortex"]
    early = c_ts < 150.0 + 1e-9
    assert len(ids) == np.count_nonzero(early) > 100
    oa, ob = np.lexsort((ids, ts)), np.lexsort((c_ids[early], c_ts[early]))
    assert np.array_equal(ids[oa], c_ids[early][ob]) and np.array_equal(ts[oa], c_ts[early][ob])


def test_bmtk_reader_sees_what_eqsim_wrote(tmp_path):
    """BMTK's own reader (bmtk.utils.sonata.File), run by the reference script on files
    write_network wrote, saw these nodes, edges and properties
    (tests/data/sonata/written_bmtk_view.json); eqsim writing the same network now gives
    files in which eqsim's reader sees the same."""
    from .bmtk_view import summarize
    built = sonata.build(sonata.load(SMALL / "config.json"))
    part = built.part("cortex", "iaf_psc_alpha")
    xyz = sonata.load(SMALL / "config.json").nodes["cortex"].positions()[part.rows]
    labels = {part.group.name: {"x": xyz[:, 0], "y": xyz[:, 1], "z": xyz[:, 2], "ei": "e"}}
    cfg = sonata.write_network(tmp_path, built.objects(), tstop_ms=1000.0, labels=labels)
    back = sonata.load(cfg)
    ours = {f"nodes/{k}": {"n": len(p), "columns": summarize(p.to_dict())}
            for k, p in back.nodes.items()}
    ours.update({f"edges/{k}": {"n": len(p), "columns": summarize(p.to_dict())}
                 for k, p in back.edges.items()})
    bmtk = json.loads((DATA / "written_bmtk_view.json").read_text())
    assert sorted(ours) == sorted(bmtk)
    for key in bmtk:
        assert ours[key] == bmtk[key], key
    assert bmtk["nodes/cortex__iaf_psc_alpha"]["columns"]["x"][0] == 50
