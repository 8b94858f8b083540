"""Triggers of the SONATA error codes E900-E939 (used by tests/unit/test_error_codes.py):
each copies the BMTK-built network of tests/data/sonata/pointnet_small (or the BioNet
fixture) and breaks one thing."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import h5py

DATA = Path(__file__).resolve().parents[1] / "data" / "sonata"
SMALL = DATA / "pointnet_small"
BIONET = DATA / "bionet_ch02"   # BMTK's BioNet tutorial 2 files, as BMTK wrote them


def small_copy(tp: Path) -> Path:
    out = tp / "small"
    if not out.exists():
        shutil.copytree(SMALL, out, ignore=shutil.ignore_patterns("output"))
    return out


def edit_h5(path: Path, fn) -> None:
    with h5py.File(path, "r+") as f:
        fn(f)


def replace_ds(f, name, data) -> None:
    attrs = dict(f[name].attrs)
    del f[name]
    f[name] = data
    f[name].attrs.update(attrs)


def load(tp):
    from eqsim import sonata
    return sonata.load(small_copy(tp) / "config.json")


def _e900(tp, mp):
    from eqsim import sonata
    d = small_copy(tp)
    (d / "network" / "lgn_nodes.h5").unlink()
    sonata.load(d / "config.json")


def _e901(tp, mp):
    d = small_copy(tp)
    (d / "network" / "lgn_nodes.h5").write_text("not hdf5")
    load(tp)


def _e902(tp, mp):
    d = small_copy(tp)
    edit_h5(d / "network" / "lgn_nodes.h5", lambda f: f.attrs.__setitem__("magic", 1234))
    load(tp)


def _e903(tp, mp):
    d = small_copy(tp)
    edit_h5(d / "network" / "lgn_nodes.h5",
            lambda f: f["nodes/lgn"].__delitem__("node_type_id"))
    load(tp)


def _e904(tp, mp):
    d = small_copy(tp)
    sim = json.loads((d / "simulation_config.json").read_text())
    del sim["run"]["dt"]
    (d / "simulation_config.json").write_text(json.dumps(sim))
    load(tp)


def _e905(tp, mp):
    d = small_copy(tp)
    (d / "circuit_config.json").write_text(
        (d / "circuit_config.json").read_text().replace("$NETWORK_DIR/lgn", "$NETWRK/lgn"))
    load(tp)


def _e906(tp, mp):
    d = small_copy(tp)
    p = d / "network" / "cortex_node_types.csv"
    p.write_text(p.read_text() + "103 point_process nest:iaf_psc_alpha\n")
    load(tp)


def _e907(tp, mp):
    d = small_copy(tp)
    edit_h5(d / "network" / "cortex_nodes.h5",
            lambda f: f["nodes/cortex/node_type_id"].__setitem__(7, 999))
    load(tp)


def _e908(tp, mp):
    d = small_copy(tp)
    edit_h5(d / "network" / "cortex_nodes.h5",
            lambda f: f["nodes/cortex/node_group_index"].__setitem__(3, 500))
    load(tp)


def _e909(tp, mp):
    d = small_copy(tp)
    edit_h5(d / "network" / "cortex_cortex_edges.h5",
            lambda f: f["edges/cortex_to_cortex/target_node_id"].__setitem__(5, 65))
    load(tp)


def _e910(tp, mp):
    from eqsim import sonata
    d = small_copy(tp)
    p = d / "network" / "cortex_node_types.csv"
    p.write_text(p.read_text().replace("nest:iaf_cond_exp", "nest:iaf_cond_expo"))
    sonata.build(sonata.load(d / "config.json"))


def _e911(tp, mp):
    from eqsim import sonata
    d = small_copy(tp)
    p = d / "components" / "point_neuron_models" / "I_cond_exp.json"
    p.write_text(json.dumps({**json.loads(p.read_text()), "tau_syn": 2.0}))
    sonata.build(sonata.load(d / "config.json"))


def _e912(tp, mp):
    from eqsim import sonata
    d = small_copy(tp)
    (d / "components" / "point_neuron_models" / "I_cond_exp.json").unlink()
    sonata.build(sonata.load(d / "config.json"))


def _e913(tp, mp):
    from eqsim import sonata
    sonata.build(sonata.load(BIONET / "config.json"))


def _e914(tp, mp):
    from eqsim import sonata
    d = small_copy(tp)
    p = d / "network" / "lgn_cortex_edge_types.csv"
    p.write_text(p.read_text().replace(" 450.0", " NULL"))
    sonata.build(sonata.load(d / "config.json"))


def _e915(tp, mp):
    from eqsim import sonata
    p = tp / "bad.csv"
    p.write_text("timestamps population node_ids\n1.5 lgn 0\nsoon lgn 1\n")
    sonata.read_spikes(p)


def _e916(tp, mp):
    from eqsim import sonata
    d = small_copy(tp)
    trains = sonata.SpikeTrains()
    trains.add("a", [0], [1.0])
    trains.add("b", [0], [2.0])
    trains.to_sonata(d / "inputs" / "lgn_spikes.h5")
    sonata.build(sonata.load(d / "config.json"))


def _e917(tp, mp):
    from eqsim import sonata
    sonata.load(small_copy(tp) / "config.json").node_set("pyramidal")


def _e918(tp, mp):
    from eqsim import sonata
    d = small_copy(tp)
    sim = json.loads((d / "simulation_config.json").read_text())
    sim["reports"]["v_report"]["variable_name"] = "v"
    (d / "simulation_config.json").write_text(json.dumps(sim))
    sonata.run(d / "config.json", write=False)


def _e919(tp, mp):
    from eqsim import sonata
    sonata.write_network(tp / "out", [])


def _e920(tp, mp):
    from eqsim import sonata
    sonata.poisson_spikes([0, 1], -5.0)


def _e921(tp, mp):
    from eqsim import sonata
    d = small_copy(tp)
    c = json.loads((d / "circuit_config.json").read_text())
    c["networks"]["nodes"].append(c["networks"]["nodes"][1])
    (d / "circuit_config.json").write_text(json.dumps(c))
    sonata.load(d / "config.json")


def _e922(tp, mp):
    from eqsim import sonata
    d = small_copy(tp)
    sim = json.loads((d / "simulation_config.json").read_text())
    sim["inputs"]["clamp"] = {"input_type": "current_clamp", "module": "IClamp",
                              "node_set": "all", "amp": 0.1, "delay": 1.0,
                              "duration": 10.0}
    (d / "simulation_config.json").write_text(json.dumps(sim))
    sonata.build(sonata.load(d / "config.json"))


SONATA_TRIGGERS = {f"E{k}": globals()[f"_e{k}"] for k in range(900, 923)}
