#!/usr/bin/env python
"""Small SONATA networks built with BMTK's NetworkBuilder and run with BMTK PointNet (NEST),
the reference for eqsim's SONATA runner (tests/sonata/test_pointnet_reference.py).

Run with the NEST + BMTK virtualenv's python, from the repository root:

    /root/.venvs/eqsim-nest/bin/python benchmarks/reference/bmtk_pointnet_networks.py

It writes, for each network NAME, the folder tests/data/sonata/NAME/ holding what a BMTK
user has after building and running:

  network/*_nodes.h5, *_node_types.csv, *_edges.h5, *_edge_types.csv   (BMTK's builder)
  components/point_neuron_models/*.json, components/synaptic_models/*.json
  inputs/*.h5          Poisson spike trains made by BMTK's PoissonSpikeGenerator
  circuit_config.json, simulation_config.json, config.json, node_sets.json
  output/spikes.h5     the spikes PointNet (NEST 3.10) produced
  output/v_report.h5   PointNet's membrane report (V_m of a few cells)

Network ``pointnet_small`` (seed 11): population ``cortex`` of 65 point neurons in three node
types and two node groups (30 nest:iaf_psc_alpha 'E1' and 15 nest:iaf_cond_exp 'I' with
positions x, y, z; 20 nest:iaf_psc_alpha 'E2' with other parameters and an extra per-node
column 'tuning_angle', hence a second group); recurrent edges with per-edge weights (drawn,
negative for the inhibitory sources) and per-edge delays for I, a type-level delay for E, and
nsyns 1-3; two virtual populations, ``lgn`` (20 cells, homogeneous 15 Hz Poisson) and
``bkg`` (10 cells, a rate that ramps 0 -> 40 Hz and back over the run), each in its own
input file bound through a node set. 1000 ms at dt = 0.1 ms.

``--run DIR`` runs PointNet on DIR/config.json (files eqsim wrote with
eqsim.sonata.write_network) and prints what BMTK's reader sees of its spikes.

``--bmtk-view DIR JSON`` summarises what BMTK's own SONATA reader sees in DIR/network
(tests/data/sonata/written_bmtk_view.json: files eqsim.sonata.write_network wrote for
pointnet_small, compared with eqsim's reader of freshly written files).

``--check-spikes FILE`` instead reads FILE (a spikes.h5 written by eqsim) with BMTK's
SpikeTrains reader and prints what it sees (populations, spike counts, first spikes).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "tests", "data", "sonata")

NEURON_MODELS = {
    "E1_psc_alpha.json": {"C_m": 250.0, "tau_m": 10.0, "t_ref": 2.0, "E_L": -70.0,
                          "V_th": -55.0, "V_reset": -70.0, "V_m": -70.0,
                          "tau_syn_ex": 1.5, "tau_syn_in": 2.0, "I_e": 0.0},
    "E2_psc_alpha.json": {"C_m": 200.0, "tau_m": 15.0, "t_ref": 3.0, "E_L": -65.0,
                          "V_th": -50.0, "V_reset": -68.0, "V_m": -65.0,
                          "tau_syn_ex": 1.0, "tau_syn_in": 3.0, "I_e": 150.0},
    "I_cond_exp.json": {"C_m": 150.0, "g_L": 10.0, "t_ref": 1.0, "E_L": -70.0,
                        "V_th": -52.0, "V_reset": -65.0, "V_m": -70.0, "E_ex": 0.0,
                        "E_in": -80.0, "tau_syn_ex": 2.0, "tau_syn_in": 5.0, "I_e": 0.0},
}
SYNAPSE_MODELS = {"static_exc.json": {}, "static_inh.json": {}}


def build_pointnet_small(out: str, seed: int = 11) -> None:
    from bmtk.builder import NetworkBuilder
    from bmtk.utils.reports.spike_trains import PoissonSpikeGenerator

    rng = np.random.default_rng(seed)
    np.random.seed(seed)   # BMTK's builder and PoissonSpikeGenerator draw from numpy.random

    cortex = NetworkBuilder("cortex")
    cortex.add_nodes(N=30, pop_name="E1", ei="e", model_type="point_process",
                     model_template="nest:iaf_psc_alpha", dynamics_params="E1_psc_alpha.json",
                     x=rng.uniform(0, 100, 30), y=rng.uniform(0, 100, 30),
                     z=rng.uniform(0, 50, 30))
    cortex.add_nodes(N=20, pop_name="E2", ei="e", model_type="point_process",
                     model_template="nest:iaf_psc_alpha", dynamics_params="E2_psc_alpha.json",
                     x=rng.uniform(0, 100, 20), y=rng.uniform(0, 100, 20),
                     z=rng.uniform(0, 50, 20), tuning_angle=np.linspace(0, 360, 20,
                                                                      endpoint=False))
    cortex.add_nodes(N=15, pop_name="I", ei="i", model_type="point_process",
                     model_template="nest:iaf_cond_exp", dynamics_params="I_cond_exp.json",
                     x=rng.uniform(0, 100, 15), y=rng.uniform(0, 100, 15),
                     z=rng.uniform(0, 50, 15))

    def random_nsyns(source, target, p):
        if source.node_id == target.node_id:
            return 0
        return int(np.random.randint(1, 4)) if np.random.uniform() < p else 0

    def draw(lo, hi):
        return lambda source, target: float(np.random.uniform(lo, hi))

    def draw_delay(source, target):
        return float(np.round(np.random.uniform(1.0, 3.0), 1))

    # excitatory -> psc targets (pA), -> cond targets (nS); a delay for the whole type
    for src in ("E1", "E2"):
        cm = cortex.add_edges(source={"pop_name": src}, target={"model_template":
                                                                 "nest:iaf_psc_alpha"},
                              connection_rule=random_nsyns, connection_params={"p": 0.1},
                              delay=1.5, dynamics_params="static_exc.json",
                              model_template="static_synapse")
        cm.add_properties("syn_weight", rule=draw(50.0, 150.0), dtypes=float)
        cm = cortex.add_edges(source={"pop_name": src}, target={"pop_name": "I"},
                              connection_rule=random_nsyns, connection_params={"p": 0.15},
                              delay=1.0, dynamics_params="static_exc.json",
                              model_template="static_synapse")
        cm.add_properties("syn_weight", rule=draw(2.0, 6.0), dtypes=float)
    # inhibitory: negative per-edge weights, per-edge delays
    cm = cortex.add_edges(source={"pop_name": "I"}, target={"ei": "e"},
                          connection_rule=random_nsyns, connection_params={"p": 0.3},
                          dynamics_params="static_inh.json", model_template="static_synapse")
    cm.add_properties(["syn_weight", "delay"],
                      rule=lambda s, t: (float(np.random.uniform(-400.0, -100.0)),
                                         draw_delay(s, t)),
                      dtypes=[float, float])
    cm = cortex.add_edges(source={"pop_name": "I"}, target={"ei": "i"},
                          connection_rule=random_nsyns, connection_params={"p": 0.3},
                          dynamics_params="static_inh.json", model_template="static_synapse")
    cm.add_properties(["syn_weight", "delay"],
                      rule=lambda s, t: (float(np.random.uniform(-8.0, -2.0)),
                                         draw_delay(s, t)),
                      dtypes=[float, float])
    cortex.build()

    lgn = NetworkBuilder("lgn")
    lgn.add_nodes(N=20, pop_name="lgn_on", model_type="virtual")
    lgn.add_edges(source=lgn.nodes(), target=cortex.nodes(ei="e"),
                  connection_rule=lambda s, t: int(np.random.randint(1, 3))
                  if np.random.uniform() < 0.25 else 0,
                  syn_weight=450.0, delay=2.0, dynamics_params="static_exc.json",
                  model_template="static_synapse")
    lgn.add_edges(source=lgn.nodes(), target=cortex.nodes(ei="i"),
                  connection_rule=lambda s, t: 1 if np.random.uniform() < 0.25 else 0,
                  syn_weight=12.0, delay=2.0, dynamics_params="static_exc.json",
                  model_template="static_synapse")
    lgn.build()

    bkg = NetworkBuilder("bkg")
    bkg.add_nodes(N=10, pop_name="bkg", model_type="virtual")
    cm = bkg.add_edges(source=bkg.nodes(), target=cortex.nodes(),
                       connection_rule=lambda s, t: 1 if np.random.uniform() < 0.4 else 0,
                       delay=1.0, dynamics_params="static_exc.json",
                       model_template="static_synapse")
    cm.add_properties("syn_weight", rule=lambda s, t: 350.0 if t["ei"] == "e" else 10.0,
                      dtypes=float)
    bkg.build()

    net_dir = os.path.join(out, "network")
    for net in (cortex, lgn, bkg):
        net.save_nodes(output_dir=net_dir)
        net.save_edges(output_dir=net_dir)

    comp = os.path.join(out, "components")
    for sub, models in (("point_neuron_models", NEURON_MODELS),
                        ("synaptic_models", SYNAPSE_MODELS)):
        os.makedirs(os.path.join(comp, sub), exist_ok=True)
        for fname, params in models.items():
            with open(os.path.join(comp, sub, fname), "w") as f:
                json.dump(params, f, indent=2)

    os.makedirs(os.path.join(out, "inputs"), exist_ok=True)
    psg = PoissonSpikeGenerator(population="lgn")
    psg.add(node_ids=list(range(20)), firing_rate=15.0, times=(0.0, 1.0))
    psg.to_sonata(os.path.join(out, "inputs", "lgn_spikes.h5"))
    psg = PoissonSpikeGenerator(population="bkg")
    times = np.linspace(0.0, 1.0, 11)
    rates = np.concatenate([np.linspace(0.0, 40.0, 6), np.linspace(32.0, 0.0, 5)])
    psg.add(node_ids=list(range(10)), firing_rate=rates, times=times)
    psg.to_sonata(os.path.join(out, "inputs", "bkg_spikes.h5"))

    write_configs(out)


MODELS_NEURONS = {
    "psc_exp.json": {"C_m": 250.0, "tau_m": 10.0, "t_ref": 2.0, "E_L": -70.0,
                     "V_th": -55.0, "V_reset": -70.0, "tau_syn_ex": 2.0,
                     "tau_syn_in": 2.0, "I_e": 0.0},
    "psc_delta.json": {"C_m": 250.0, "tau_m": 20.0, "t_ref": 2.0, "E_L": -65.0,
                       "V_th": -50.0, "V_reset": -65.0, "V_m": -60.0, "I_e": 100.0},
    "aeif.json": {"C_m": 200.0, "g_L": 10.0, "E_L": -70.0, "V_th": -50.0,
                  "Delta_T": 2.0, "a": 2.0, "b": 40.0, "tau_w": 150.0, "V_reset": -58.0,
                  "t_ref": 1.0, "tau_syn_ex": 2.0, "tau_syn_in": 5.0},
}
MODELS_SYNAPSES = {"static.json": {},
                   "tsodyks.json": {"U": 0.5, "tau_psc": 2.0, "tau_rec": 100.0,
                                    "tau_fac": 0.0},
                   "stdp.json": {"tau_plus": 20.0, "lambda": 0.05, "alpha": 1.0,
                                 "Wmax": 5.0}}


def build_pointnet_models(out: str, seed: int = 5) -> None:
    """Network ``pointnet_models``: population ``mix`` of 30 nest:iaf_psc_exp, 20
    nest:iaf_psc_delta, 10 nest:aeif_cond_exp; tsodyks_synapse among the psc_exp cells,
    stdp_synapse among the psc_delta cells (parameters from synaptic_models JSON), static
    synapses elsewhere (negative weights from the aeif cells, per-edge delays); a virtual
    population ``ext`` of 30 cells with a rate that steps 10 -> 40 -> 10 Hz. 1000 ms."""
    from bmtk.builder import NetworkBuilder
    from bmtk.utils.reports.spike_trains import PoissonSpikeGenerator

    np.random.seed(seed)
    mix = NetworkBuilder("mix")
    mix.add_nodes(N=30, pop_name="PE", model_type="point_process",
                  model_template="nest:iaf_psc_exp", dynamics_params="psc_exp.json")
    mix.add_nodes(N=20, pop_name="PD", model_type="point_process",
                  model_template="nest:iaf_psc_delta", dynamics_params="psc_delta.json")
    mix.add_nodes(N=10, pop_name="AD", model_type="point_process",
                  model_template="nest:aeif_cond_exp", dynamics_params="aeif.json")

    def rule(p):
        return lambda s, t: int(s.node_id != t.node_id and np.random.uniform() < p)

    def uniform(lo, hi):
        return lambda s, t: float(np.random.uniform(lo, hi))

    for src, tgt, p, lo, hi, syn, params, delay in (
            ("PE", "PE", 0.2, 150.0, 400.0, "tsodyks_synapse", "tsodyks.json", 1.0),
            ("PD", "PD", 0.2, 0.5, 2.0, "stdp_synapse", "stdp.json", 1.5),
            ("PE", "AD", 0.3, 2.0, 6.0, "static_synapse", "static.json", 1.0),
            ("PD", "AD", 0.3, 2.0, 6.0, "static_synapse", "static.json", 2.0)):
        cm = mix.add_edges(source={"pop_name": src}, target={"pop_name": tgt},
                           connection_rule=rule(p), delay=delay, dynamics_params=params,
                           model_template=syn)
        cm.add_properties("syn_weight", rule=uniform(lo, hi), dtypes=float)
    for tgt, lo, hi in (("PE", -400.0, -100.0), ("PD", -3.0, -1.0)):
        cm = mix.add_edges(source={"pop_name": "AD"}, target={"pop_name": tgt},
                           connection_rule=rule(0.4), dynamics_params="static.json",
                           model_template="static_synapse")
        cm.add_properties(["syn_weight", "delay"],
                          rule=lambda s, t, lo=lo, hi=hi: (
                              float(np.random.uniform(lo, hi)),
                              float(np.round(np.random.uniform(0.5, 2.5), 1))),
                          dtypes=[float, float])
    mix.build()
    ext = NetworkBuilder("ext")
    ext.add_nodes(N=30, pop_name="ext", model_type="virtual")
    for tgt, w in (("PE", 700.0), ("PD", 4.0), ("AD", 6.0)):
        ext.add_edges(source=ext.nodes(), target=mix.nodes(pop_name=tgt),
                      connection_rule=rule(0.3), syn_weight=w, delay=1.0,
                      dynamics_params="static.json", model_template="static_synapse")
    ext.build()
    net_dir = os.path.join(out, "network")
    for net in (mix, ext):
        net.save_nodes(output_dir=net_dir)
        net.save_edges(output_dir=net_dir)
    comp = os.path.join(out, "components")
    for sub, models in (("point_neuron_models", MODELS_NEURONS),
                        ("synaptic_models", MODELS_SYNAPSES)):
        os.makedirs(os.path.join(comp, sub), exist_ok=True)
        for fname, params in models.items():
            with open(os.path.join(comp, sub, fname), "w") as f:
                json.dump(params, f, indent=2)
    os.makedirs(os.path.join(out, "inputs"), exist_ok=True)
    psg = PoissonSpikeGenerator(population="ext")
    psg.add(node_ids=list(range(30)), firing_rate=[10.0, 10.0, 40.0, 40.0, 10.0, 10.0],
            times=[0.0, 0.3, 0.3001, 0.6, 0.6001, 1.0])
    psg.to_sonata(os.path.join(out, "inputs", "ext_spikes.h5"))
    write_configs(out, pops=("mix", "ext"), target="mix",
                  inputs={"ext_spikes": ("ext_spikes.h5", "ext")},
                  recorded={"population": "mix", "node_id": [0, 35, 55]})


def write_configs(out: str, pops=("cortex", "lgn", "bkg"), target="cortex",
                  inputs=None, recorded=None) -> None:
    circuit = {
        "manifest": {"$BASE_DIR": "${configdir}", "$NETWORK_DIR": "$BASE_DIR/network",
                     "$COMPONENTS_DIR": "$BASE_DIR/components"},
        "components": {"point_neuron_models_dir": "$COMPONENTS_DIR/point_neuron_models",
                       "synaptic_models_dir": "$COMPONENTS_DIR/synaptic_models"},
        "networks": {
            "nodes": [{"nodes_file": f"$NETWORK_DIR/{p}_nodes.h5",
                       "node_types_file": f"$NETWORK_DIR/{p}_node_types.csv"}
                      for p in pops],
            "edges": [{"edges_file": f"$NETWORK_DIR/{s}_{target}_edges.h5",
                       "edge_types_file": f"$NETWORK_DIR/{s}_{target}_edge_types.csv"}
                      for s in pops],
        },
    }
    simulation = {
        "manifest": {"$BASE_DIR": "${configdir}", "$OUTPUT_DIR": "$BASE_DIR/output",
                     "$INPUT_DIR": "$BASE_DIR/inputs"},
        "target_simulator": "NEST",
        "run": {"tstart": 0.0, "tstop": 1000.0, "dt": 0.1},
        "inputs": {name: {"input_type": "spikes", "module": "sonata",
                          "input_file": f"$INPUT_DIR/{fname}", "node_set": node_set}
                   for name, (fname, node_set) in (inputs or {
                       "lgn_spikes": ("lgn_spikes.h5", "lgn"),
                       "bkg_spikes": ("bkg_spikes.h5", "bkg")}).items()},
        "output": {"log_file": "log.txt", "output_dir": "$OUTPUT_DIR",
                   "spikes_file": "spikes.h5", "spikes_sort_order": "time",
                   "overwrite_output_dir": True},
        "reports": {"v_report": {"cells": "recorded", "variable_name": "V_m",
                                 "module": "membrane_report", "sections": "soma"}},
        "node_sets_file": "$BASE_DIR/node_sets.json",
    }
    node_sets = ({"recorded": recorded} if recorded else
                 {"recorded": {"population": "cortex", "node_id": [0, 31, 52]},
                  "excitatory": {"population": "cortex", "ei": "e"}})
    for name, data in (("circuit_config.json", circuit),
                       ("simulation_config.json", simulation),
                       ("node_sets.json", node_sets),
                       ("config.json", {"network": "circuit_config.json",
                                        "simulation": "simulation_config.json"})):
        with open(os.path.join(out, name), "w") as f:
            json.dump(data, f, indent=2)


def run_pointnet(out: str) -> None:
    from bmtk.simulator import pointnet
    cwd = os.getcwd()
    os.chdir(out)
    try:
        configure = pointnet.Config.from_json("config.json")
        configure.build_env()
        network = pointnet.PointNetwork.from_config(configure)
        sim = pointnet.PointSimulator.from_config(configure, network)
        sim.run()
    finally:
        os.chdir(cwd)
    for junk in ("log.txt",):
        path = os.path.join(out, "output", junk)
        if os.path.exists(path):
            os.remove(path)


def check_spikes(path: str) -> None:
    from bmtk.utils.reports.spike_trains import SpikeTrains
    st = SpikeTrains.load(path)
    print("populations:", st.populations)
    for pop in st.populations:
        df = st.to_dataframe(populations=pop)
        print(pop, "spikes:", len(df), "nodes:", len(np.unique(df["node_ids"])),
              "first:", df.sort_values("timestamps").head(3).to_dict("records"))


def bmtk_view(directory: str, out_json: str) -> None:
    """What BMTK's SONATA reader (bmtk.utils.sonata.File) sees in the network files of
    ``directory`` (written by eqsim.sonata.write_network), summarised per population by
    tests/sonata/bmtk_view.py, stored as JSON for tests/sonata/test_pointnet.py."""
    import glob

    from bmtk.utils.sonata import File
    sys.path.insert(0, ROOT)
    from tests.sonata.bmtk_view import summarize
    net = os.path.join(directory, "network")
    view = {}
    for kind in ("nodes", "edges"):
        f = File(data_files=sorted(glob.glob(os.path.join(net, f"*_{kind}.h5"))),
                 data_type_files=sorted(glob.glob(os.path.join(net, f"*_{kind[:-1]}_types.csv"))))
        pops = getattr(f, kind)
        for name in pops.population_names:
            df = pops[name].to_dataframe()
            if kind == "nodes":
                df = df.reset_index()
            table = {c: df[c].to_numpy() for c in df.columns}
            view[f"{kind}/{name}"] = {"n": len(df), "columns": summarize(table)}
    with open(out_json, "w") as fh:
        json.dump(view, fh, indent=1, sort_keys=True)
    print(f"wrote {out_json}: {len(view)} populations")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check-spikes", help="read an eqsim spikes.h5 with BMTK's reader")
    ap.add_argument("--no-run", action="store_true", help="build only")
    ap.add_argument("--run", metavar="DIR", help="run PointNet on DIR/config.json (e.g. "
                    "files written by eqsim.sonata.write_network) and check its spikes")
    ap.add_argument("--bmtk-view", nargs=2, metavar=("DIR", "JSON"),
                    help="summarise what BMTK's reader sees in DIR/network as JSON")
    args = ap.parse_args()
    if args.bmtk_view:
        bmtk_view(*args.bmtk_view)
        return 0
    if args.run:
        run_pointnet(os.path.abspath(args.run))
        check_spikes(os.path.join(os.path.abspath(args.run), "output", "spikes.h5"))
        return 0
    if args.check_spikes:
        check_spikes(args.check_spikes)
        return 0
    for name, builder in (("pointnet_small", build_pointnet_small),
                          ("pointnet_models", build_pointnet_models)):
        out = os.path.join(DATA, name)
        if os.path.exists(out):
            shutil.rmtree(out)
        os.makedirs(out)
        builder(out)
        if not args.no_run:
            run_pointnet(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
