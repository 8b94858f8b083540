"""Reading SONATA: BMTK's BioNet tutorial-2 files and the BMTK-built point network load
without loss (every property, edge and input spike, checked against the raw h5/CSV)."""
import json

import h5py
import numpy as np

from eqsim import sonata
from eqsim.sonata.types import TypesTable, parse_value

from .error_triggers import BIONET, SMALL


def test_bionet_circuit_loads_without_loss():
    c = sonata.load(BIONET / "config.json")
    assert set(c.nodes) == {"mthalamus", "mcortex"} and set(c.edges) == {
        "mthalamus_to_mcortex"}
    th, cx = c.nodes["mthalamus"], c.nodes["mcortex"]
    assert th.to_dict()["node_id"].tolist() == list(range(10))
    assert set(th.get("model_type")) == {"virtual"} and set(th.get("pop_name")) == {"tON"}
    assert set(th.get("potential")) == {"exc"}
    d = cx.to_dict()
    assert {k: d[k][0] for k in ("model_type", "model_template", "dynamics_params",
                                 "cell_name", "model_processing", "morphology",
                                 "potential")} == {
        "model_type": "biophysical", "model_template": "ctdb:Biophys1.hoc",
        "dynamics_params": "472363762_fit.json", "cell_name": "Scnn1a_473845048",
        "model_processing": "aibs_perisomatic", "morphology": "Scnn1a_473845048_m.swc",
        "potential": "exc"}
    e = c.edges["mthalamus_to_mcortex"].to_dict()
    with h5py.File(BIONET / "network" / "mthalamus_mcortex_edges.h5") as f:
        g = f["edges/mthalamus_to_mcortex"]
        assert np.array_equal(e["source_node_id"], g["source_node_id"][()])
        assert np.array_equal(e["target_node_id"], g["target_node_id"][()])
        assert np.array_equal(e["nsyns"], g["0/nsyns"][()])
    assert len(e["source_node_id"]) == 10
    assert np.all(e["syn_weight"] == 0.001) and np.all(e["delay"] == 2.0)
    assert set(e["model_template"]) == {"exp2syn"}
    assert set(e["dynamics_params"]) == {"AMPA_ExcToExc.json"}
    assert all(v is None for v in e["weight_function"])           # NULL
    assert all(v == ["basal", "apical"] for v in e["target_sections"])  # quoted literal
    assert all(v == [0.0, 150.0] for v in e["distance_range"])
    assert e["source_query"][0] == "pop_name=='tON'" and e["target_query"][0] == "*"
    cfg = c.config
    assert (cfg.tstop, cfg.dt, cfg.tstart) == (3000.0, 0.1, 0.0)
    assert cfg.output_dir == str(BIONET / "output")
    assert cfg.inputs["mthalamus_spikes"]["input_file"] == str(
        BIONET / "inputs" / "mthalamus_spikes.h5")
    assert cfg.components["morphologies_dir"] == str(BIONET / "components" / "morphologies")
    assert set(cfg.reports) == {"v_report", "cai_report"}
    assert c.node_set("biophysical_nodes")["mcortex"].tolist() == [0]
    assert {k: v.tolist() for k, v in c.node_set("point_nodes").items()} == {}
    assert c.node_set("mthalamus")["mthalamus"].tolist() == list(range(10))


def test_bionet_input_spikes_h5_and_csv_agree():
    h5 = sonata.read_spikes(BIONET / "inputs" / "mthalamus_spikes.h5")
    csv = sonata.read_spikes(BIONET / "inputs" / "mthalamus_spikes.csv", "csv")
    assert h5.n_spikes() == csv.n_spikes() == 283
    (ih, th), (ic, tc) = h5["mthalamus"], csv["mthalamus"]
    assert np.array_equal(ih, ic) and np.array_equal(th, tc)   # CSV has 17 digits
    out = sonata.read_spikes(BIONET / "output" / "spikes.h5")
    assert out.n_spikes("mcortex") == 44


def test_point_network_groups_and_types():
    c = sonata.load(SMALL / "config.json")
    cx = c.nodes["cortex"]
    assert len(cx.groups) == 2 and len(cx) == 65
    with h5py.File(SMALL / "network" / "cortex_nodes.h5") as f:
        g = f["nodes/cortex"]
        gid, gix = g["node_group_id"][()], g["node_group_index"][()]
        x = cx.get("x")
        for k in (0, 1):
            sel = gid == k
            assert np.array_equal(x[sel], g[f"{k}/x"][()][gix[sel]])
        ta = cx.get("tuning_angle")
        assert np.array_equal(ta[gid == 1], g["1/tuning_angle"][()][gix[gid == 1]])
        assert np.all(np.isnan(ta[gid == 0]))       # not in group 0 nor in the types
    assert cx.positions().shape == (65, 3)
    assert sorted(set(cx.get("pop_name"))) == ["E1", "E2", "I"]
    dyn = c.dynamics(cx, np.arange(65), ("point_neuron_models_dir",))
    e2 = cx.get("pop_name") == "E2"
    assert np.all(dyn["I_e"][e2] == 150.0) and np.all(dyn["I_e"][~e2] == 0.0)
    assert np.all(np.isnan(dyn["g_L"][cx.get("model_template") == "nest:iaf_psc_alpha"]))
    ep = c.edges["cortex_to_cortex"]
    assert len(ep.groups) == 2
    delay = ep.get("delay")              # type column for E sources, dataset for I
    with h5py.File(SMALL / "network" / "cortex_cortex_edges.h5") as f:
        g = f["edges/cortex_to_cortex"]
        gid, gix = g["edge_group_id"][()], g["edge_group_index"][()]
        assert np.array_equal(delay[gid == 1], g["1/delay"][()][gix[gid == 1]])
        w = ep.get("syn_weight")
        for k in (0, 1):
            assert np.array_equal(w[gid == k], g[f"{k}/syn_weight"][()][gix[gid == k]])
    assert set(np.unique(delay[gid == 0])) == {1.0, 1.5}
    assert np.all(w[gid == 1] < 0)      # inhibitory sources
    assert c.node_set("recorded")["cortex"].tolist() == [0, 31, 52]
    assert c.node_set("excitatory")["cortex"].size == 50


def test_type_table_values(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text('node_type_id a b c d\n1 2 2.5 "[1, 2]" NULL\n2 NULL x "it is" True\n')
    t = TypesTable.read(p, "node_type_id")
    assert t.ids.tolist() == [1, 2]
    assert t.columns["a"].dtype == float and np.isnan(t.columns["a"][1])
    assert t.columns["c"].tolist() == [[1, 2], "it is"]
    assert t.columns["d"].tolist() == [None, True]
    assert parse_value("nest:iaf_psc_alpha") == "nest:iaf_psc_alpha"


def test_manifest_and_single_file_config(tmp_path):
    cfg = json.loads((SMALL / "circuit_config.json").read_text())
    sim = json.loads((SMALL / "simulation_config.json").read_text())
    cfg["manifest"]["$BASE_DIR"] = str(SMALL)
    both = {**sim, "manifest": {**sim["manifest"], **cfg["manifest"]},
            "networks": cfg["networks"], "components": cfg["components"]}
    p = tmp_path / "config.json"
    p.write_text(json.dumps(both))
    c = sonata.load(p)
    assert len(c.edges["cortex_to_cortex"]) == 1299
    assert c.config.output_dir == str(SMALL / "output")


def _write(path, tree, attrs=None):
    with h5py.File(path, "w") as f:
        f.attrs["magic"] = np.uint32(0x0A7A)
        f.attrs["version"] = np.array([0, 1], np.uint32)
        for name, data in tree.items():
            f[name] = data
        for (name, key), value in (attrs or {}).items():
            f[name].attrs[key] = value


def test_explicit_node_ids_and_per_node_dynamics(tmp_path):
    """node_id datasets that are not 0..n-1, per-node dynamics_params in an h5 group
    (they win over the type's JSON), a type-level syn_weight and nsyns per edge."""
    net = tmp_path / "network"
    comp = tmp_path / "models"
    net.mkdir()
    comp.mkdir()
    (comp / "lif.json").write_text(json.dumps({"I_e": 100.0, "tau_m": 10.0}))
    _write(net / "a_nodes.h5", {
        "nodes/a/node_id": np.array([10, 5, 7], np.uint64),
        "nodes/a/node_type_id": np.array([1, 1, 1], np.uint64),
        "nodes/a/node_group_id": np.zeros(3, np.uint32),
        "nodes/a/node_group_index": np.array([2, 0, 1], np.uint64),
        "nodes/a/0/dynamics_params/I_e": np.array([300.0, 400.0, 500.0])})
    (net / "a_node_types.csv").write_text(
        "node_type_id model_type model_template dynamics_params\n"
        "1 point_process nest:iaf_psc_alpha lif.json\n")
    _write(net / "a_edges.h5", {
        "edges/a_a/source_node_id": np.array([10, 5], np.uint64),
        "edges/a_a/target_node_id": np.array([7, 10], np.uint64),
        "edges/a_a/edge_type_id": np.array([3, 3], np.uint32),
        "edges/a_a/edge_group_id": np.zeros(2, np.uint16),
        "edges/a_a/edge_group_index": np.arange(2, dtype=np.uint32),
        "edges/a_a/0/nsyns": np.array([2, 3], np.uint32)},
        {("edges/a_a/source_node_id", "node_population"): "a",
         ("edges/a_a/target_node_id", "node_population"): "a"})
    (net / "a_edge_types.csv").write_text(
        "edge_type_id syn_weight delay model_template\n3 10.0 1.5 static_synapse\n")
    cfg = {"manifest": {"$D": "${configdir}"},
           "components": {"point_neuron_models_dir": "$D/models"},
           "networks": {"nodes": [{"nodes_file": "$D/network/a_nodes.h5",
                                   "node_types_file": "$D/network/a_node_types.csv"}],
                        "edges": [{"edges_file": "$D/network/a_edges.h5",
                                   "edge_types_file": "$D/network/a_edge_types.csv"}]},
           "run": {"tstop": 10.0, "dt": 0.1}}
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    c = sonata.load(tmp_path / "config.json")
    a = c.nodes["a"]
    assert a.index_of([5, 7, 10]).tolist() == [1, 2, 0]
    dyn = c.dynamics(a, np.arange(3), ("point_neuron_models_dir",))
    # group rows 2, 0, 1 of the per-node I_e; tau_m from the type's JSON
    assert dyn["I_e"].tolist() == [500.0, 300.0, 400.0] and dyn["tau_m"].tolist() == [10.0] * 3
    built = sonata.build(c)
    G = built.part("a", "iaf_psc_alpha").group
    assert np.allclose(np.asarray(G.I_e_) * 1e12, [500.0, 300.0, 400.0])
    S, = built.synapses
    # node 10 -> 7 is row 0 -> row 2, weight 10 * 2; node 5 -> 10 is row 1 -> row 0, 10 * 3
    pairs = sorted(zip(S.i.tolist(), S.j.tolist(), np.round(np.asarray(S.weight_) * 1e12, 9)))
    assert pairs == [(0, 2, 20.0), (1, 0, 30.0)]


def test_plain_eqsim_network_is_written(tmp_path):
    """Any eqsim network: positions (metres -> µm), labels, per-synapse weights in a
    chosen unit, delays in ms, spike generators as virtual nodes with their spikes as a
    SONATA input (NEST's time stamps: the end of the step)."""
    import eqsim as eq
    from eqsim.units import mV, ms, um
    G = eq.NeuronGroup(4, "dv/dt = -v/(10*ms) : volt\nx : meter\ny : meter\nz : meter",
                       threshold="v > 10*mV", reset="v = 0*mV", namespace={}, name="exc")
    G.x = np.arange(4) * um
    G.y = 2 * um
    G.z = 3 * um
    H = eq.NeuronGroup(3, "dv/dt = -v/(10*ms) : volt", namespace={}, name="inh")
    S = eq.Synapses(G, H, "w : volt", on_pre="v_post += w", namespace={}, name="e2i",
                    delay=1.5 * ms)
    S.connect(i=[0, 1, 3], j=[2, 0, 1])
    S.w = [1, 2, 3] * mV
    P = eq.SpikeGeneratorGroup(2, [0, 1, 1], [1, 2, 3] * ms, name="inp")
    cfg = sonata.write_network(tmp_path, [G, H, S, P], weight_unit=mV,
                               labels={"exc": {"ei": "e", "layer": np.array([1, 2, 2, 3])}})
    c = sonata.load(cfg)
    exc = c.nodes["exc"]
    assert exc.positions().tolist() == [[k, 2.0, 3.0] for k in range(4)]
    assert exc.get("layer").tolist() == [1, 2, 2, 3] and set(exc.get("ei")) == {"e"}
    e = c.edges["e2i"].to_dict()
    pairs = sorted(zip(e["source_node_id"].tolist(), e["target_node_id"].tolist(),
                       e["syn_weight"].tolist(), e["delay"].tolist()))
    assert pairs == [(0, 2, 1.0, 1.5), (1, 0, 2.0, 1.5), (3, 1, 3.0, 1.5)]
    assert set(c.nodes["inp"].get("model_type")) == {"virtual"}
    ids, ts = sonata.read_spikes(tmp_path / "inputs" / "inp_spikes.h5")["inp"]
    assert ids.tolist() == [0, 1, 1] and ts.tolist() == [1.1, 2.1, 3.1]
    assert c.config.inputs["inp_spikes"]["node_set"] == "inp"
