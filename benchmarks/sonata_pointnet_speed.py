#!/usr/bin/env python
"""Load and run a BMTK-built SONATA network in eqsim and in BMTK PointNet (NEST), side by
side: load time, run time, peak memory (issue 11, point 6; a first, small measurement).

    python benchmarks/sonata_pointnet_speed.py --sizes 1000 10000 --indegree 100

Each size N: BMTK's NetworkBuilder (NEST + BMTK virtualenv, $NEST_PYTHON, default
/root/.venvs/eqsim-nest/bin/python) makes population ``v1`` of N nest:iaf_psc_alpha cells
(80 % excitatory, 20 % inhibitory) with a fixed in-degree K from v1 (type-level weights
20 pA and -100 pA, delay 1.5 ms) and 20 inputs per cell from 200 virtual Poisson cells
(20 Hz, 100 pA); then, each in a fresh process, PointNet (one thread) and eqsim (C backend,
one thread; its compiled module cached by a first run) load the config and run 1 s at
dt = 0.1 ms. "load" is config -> simulator objects with every connection made (PointNet:
PointNetwork + PointSimulator.from_config; eqsim: load + build + Network preparation
without the compile), "run" the simulation. Results: benchmarks/results/sonata_speed.json.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEST_PYTHON = os.environ.get("NEST_PYTHON", "/root/.venvs/eqsim-nest/bin/python")


def build(directory: str, n: int, k: int, seed: int = 1) -> None:
    import h5py
    import numpy as np
    from bmtk.builder import NetworkBuilder
    rng = np.random.default_rng(seed)
    net = NetworkBuilder("v1")
    n_exc = int(0.8 * n)
    net.add_nodes(N=n_exc, ei="e", model_type="point_process",
                  model_template="nest:iaf_psc_alpha", dynamics_params="exc.json")
    net.add_nodes(N=n - n_exc, ei="i", model_type="point_process",
                  model_template="nest:iaf_psc_alpha", dynamics_params="inh.json")

    def fixed_indegree(frac):
        def rule(sources, target):
            m = len(sources)
            out = np.zeros(m, dtype=int)
            out[rng.choice(m, size=min(m, int(round(k * frac))), replace=False)] = 1
            return out
        return rule

    for ei, frac, w in (("e", 0.8, 20.0), ("i", 0.2, -100.0)):
        net.add_edges(source={"ei": ei}, target=net.nodes(), iterator="all_to_one",
                      connection_rule=fixed_indegree(frac), syn_weight=w, delay=1.5,
                      dynamics_params="static.json", model_template="static_synapse")
    net.build()
    ext = NetworkBuilder("ext")
    ext.add_nodes(N=200, model_type="virtual")

    def ext_rule(sources, target):
        out = np.zeros(len(sources), dtype=int)
        out[rng.choice(len(sources), size=20, replace=False)] = 1
        return out
    ext.add_edges(source=ext.nodes(), target=net.nodes(), iterator="all_to_one",
                  connection_rule=ext_rule, syn_weight=100.0, delay=1.0,
                  dynamics_params="static.json", model_template="static_synapse")
    ext.build()
    for b in (net, ext):
        b.save_nodes(output_dir=os.path.join(directory, "network"))
        b.save_edges(output_dir=os.path.join(directory, "network"))
    comp = os.path.join(directory, "components")
    os.makedirs(os.path.join(comp, "point_neuron_models"), exist_ok=True)
    os.makedirs(os.path.join(comp, "synaptic_models"), exist_ok=True)
    for name, params in (("point_neuron_models/exc.json", {"I_e": 0.0}),
                         ("point_neuron_models/inh.json", {"I_e": 0.0}),
                         ("synaptic_models/static.json", {})):
        with open(os.path.join(comp, name), "w") as f:
            json.dump(params, f)
    counts = rng.poisson(20.0, 200)
    ids = np.repeat(np.arange(200), counts)
    ts = rng.uniform(0.1, 1000.0, ids.size)
    with h5py.File(os.path.join(directory, "ext_spikes.h5"), "w") as f:
        f.attrs["magic"] = np.uint32(0x0A7A)
        f.attrs["version"] = np.array([0, 1], np.uint32)
        f["spikes/ext/node_ids"] = ids
        f["spikes/ext/timestamps"] = ts
        f["spikes/ext/timestamps"].attrs["units"] = "ms"
    cfg = {"manifest": {"$BASE_DIR": "${configdir}"},
           "components": {"point_neuron_models_dir": "$BASE_DIR/components/point_neuron_models",
                          "synaptic_models_dir": "$BASE_DIR/components/synaptic_models"},
           "networks": {"nodes": [{"nodes_file": f"$BASE_DIR/network/{p}_nodes.h5",
                                   "node_types_file": f"$BASE_DIR/network/{p}_node_types.csv"}
                                  for p in ("v1", "ext")],
                        "edges": [{"edges_file": f"$BASE_DIR/network/{p}_v1_edges.h5",
                                   "edge_types_file": f"$BASE_DIR/network/{p}_v1_edge_types.csv"}
                                  for p in ("v1", "ext")]},
           "run": {"tstop": 1000.0, "dt": 0.1},
           "inputs": {"ext": {"input_type": "spikes", "module": "sonata",
                              "input_file": "$BASE_DIR/ext_spikes.h5", "node_set": "ext"}},
           "output": {"output_dir": "$BASE_DIR/output", "spikes_file": "spikes.h5"}}
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_pointnet(directory: str) -> dict:
    from bmtk.simulator import pointnet
    os.chdir(directory)
    t0 = time.perf_counter()
    configure = pointnet.Config.from_json("config.json")
    configure.build_env()
    network = pointnet.PointNetwork.from_config(configure)
    sim = pointnet.PointSimulator.from_config(configure, network)
    t1 = time.perf_counter()
    sim.run()
    t2 = time.perf_counter()
    import h5py
    with h5py.File(os.path.join("output", "spikes.h5")) as f:
        n = len(f["spikes/v1/timestamps"]) if "spikes/v1" in f else 0
    return {"load_s": t1 - t0, "run_s": t2 - t1, "peak_mb": peak_mb(), "spikes": n}


def run_eqsim(directory: str) -> dict:
    sys.path.insert(0, ROOT)
    from eqsim import sonata
    from eqsim.sonata.run import _add_monitors
    from eqsim.runtime.network import Network
    from eqsim.units import ms
    t0 = time.perf_counter()
    circuit = sonata.load(os.path.join(directory, "config.json"))
    built = sonata.build(circuit)
    _add_monitors(built, circuit)
    net = Network(*built.objects())
    t1 = time.perf_counter()
    net.run(circuit.config.tstop * ms)
    t2 = time.perf_counter()
    n = sum(len(m.i) for m in built.spike_monitors.values())
    return {"load_s": t1 - t0, "run_s": t2 - t1, "peak_mb": peak_mb(), "spikes": n}


def _child(kind: str, directory: str, python: str) -> dict:
    out = subprocess.run([python, os.path.abspath(__file__), "--child", kind, directory],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--indegree", type=int, default=100)
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--build", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.build:
        build(args.build[0], int(args.build[1]), int(args.build[2]))
        return 0
    if args.child:
        kind, directory = args.child
        print(json.dumps(run_pointnet(directory) if kind == "pointnet" else
                         run_eqsim(directory)))
        return 0
    results = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as d:
            t0 = time.perf_counter()
            subprocess.run([NEST_PYTHON, os.path.abspath(__file__), "--build", d, str(n),
                            str(args.indegree)], check=True, capture_output=True, cwd=ROOT)
            t_build = time.perf_counter() - t0
            _child("eqsim", d, sys.executable)        # compiles; the next run loads it
            eq = _child("eqsim", d, sys.executable)
            pn = _child("pointnet", d, NEST_PYTHON)
            row = {"nodes": n, "indegree": args.indegree, "edges": n * (args.indegree + 20),
                   "bmtk_build_s": t_build, "eqsim": eq, "pointnet": pn}
            results.append(row)
            print(f"N={n:>6} K={args.indegree}: load eqsim {eq['load_s']:.2f} s / PointNet "
                  f"{pn['load_s']:.2f} s ({pn['load_s'] / eq['load_s']:.1f}x); run eqsim "
                  f"{eq['run_s']:.2f} s / PointNet {pn['run_s']:.2f} s "
                  f"({pn['run_s'] / eq['run_s']:.1f}x); peak {eq['peak_mb']:.0f} / "
                  f"{pn['peak_mb']:.0f} MB; spikes {eq['spikes']} / {pn['spikes']}",
                  flush=True)
    os.makedirs(os.path.join(ROOT, "benchmarks", "results"), exist_ok=True)
    with open(os.path.join(ROOT, "benchmarks", "results", "sonata_speed.json"), "w") as f:
        json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
