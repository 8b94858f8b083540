"""Run SONATA files as BMTK's PointNet would: build with BMTK, run with eqsim.

With BMTK installed (``pip install bmtk``), its NetworkBuilder makes a small point network
(80 nest:iaf_psc_alpha excitatory and 20 nest:iaf_cond_exp inhibitory cells, recurrent
edges with per-edge weights, negative for the inhibitory ones, and 50 virtual Poisson
inputs whose spikes eqsim.sonata.poisson_spikes draws), writes it as SONATA, and eqsim runs
the config. Without BMTK it runs the shipped files of BMTK's BioNet tutorial 2 (one
biophysical cell driven by 10 virtual cells), with the cell reduced to a NEST point model
(nest:iaf_cond_exp; BioNet's exp2syn weights in µS become nS).

Either way the output is what PointNet writes: output/spikes.h5 (and a raster PNG).

    python examples/sonata_pointnet.py                      # writes sonata_pointnet.png
    python examples/sonata_pointnet.py --duration 500 --out /tmp/s.png
    eqsim run path/to/config.json                           # the same from the shell
"""
import argparse
import importlib.util
import json
import os
import tempfile

import numpy as np

from eqsim import sonata

HERE = os.path.dirname(os.path.abspath(__file__))
BIONET = os.path.join(HERE, "..", "tests", "data", "sonata", "bionet_ch02")


def build_with_bmtk(workdir: str, duration_ms: float, seed: int = 1) -> str:
    """A small network made by BMTK's NetworkBuilder; returns its config.json."""
    from bmtk.builder import NetworkBuilder
    np.random.seed(seed)
    net = NetworkBuilder("v1")
    net.add_nodes(N=80, pop_name="exc", ei="e", model_type="point_process",
                  model_template="nest:iaf_psc_alpha", dynamics_params="exc.json")
    net.add_nodes(N=20, pop_name="inh", ei="i", model_type="point_process",
                  model_template="nest:iaf_cond_exp", dynamics_params="inh.json")

    def sparse(source, target, p):
        return 1 if source.node_id != target.node_id and np.random.uniform() < p else 0

    for src, tgt, lo, hi in (("e", "e", 30.0, 90.0), ("e", "i", 1.0, 4.0),
                             ("i", "e", -300.0, -100.0), ("i", "i", -6.0, -2.0)):
        cm = net.add_edges(source={"ei": src}, target={"ei": tgt}, connection_rule=sparse,
                           connection_params={"p": 0.1}, delay=1.5,
                           dynamics_params="static.json", model_template="static_synapse")
        cm.add_properties("syn_weight", rule=lambda s, t, lo=lo, hi=hi:
                          float(np.random.uniform(lo, hi)), dtypes=float)
    net.build()
    inputs = NetworkBuilder("inputs")
    inputs.add_nodes(N=50, pop_name="poisson", model_type="virtual")
    for tgt, weight in (("e", 400.0), ("i", 4.0)):      # pA onto psc, nS onto cond cells
        inputs.add_edges(source=inputs.nodes(), target=net.nodes(ei=tgt),
                         connection_rule=sparse, connection_params={"p": 0.2},
                         syn_weight=weight, delay=1.0, dynamics_params="static.json",
                         model_template="static_synapse")
    inputs.build()
    net_dir = os.path.join(workdir, "network")
    for n in (net, inputs):
        n.save_nodes(output_dir=net_dir)
        n.save_edges(output_dir=net_dir)
    comp = os.path.join(workdir, "components")
    models = {"point_neuron_models/exc.json": {"tau_syn_ex": 2.0, "tau_syn_in": 3.0},
              "point_neuron_models/inh.json": {"g_L": 10.0, "tau_syn_ex": 2.0,
                                               "tau_syn_in": 5.0},
              "synaptic_models/static.json": {}}
    for name, params in models.items():
        os.makedirs(os.path.dirname(os.path.join(comp, name)), exist_ok=True)
        with open(os.path.join(comp, name), "w") as f:
            json.dump(params, f)
    # homogeneous 15 Hz Poisson trains, drawn vectorised, written as SONATA spikes
    sonata.poisson_spikes(np.arange(50), 15.0, times=(0.0, duration_ms / 1000.0),
                          seed=seed, population="inputs").to_sonata(
        os.path.join(workdir, "inputs.h5"))
    config = {
        "manifest": {"$BASE_DIR": "${configdir}"},
        "components": {"point_neuron_models_dir": "$BASE_DIR/components/point_neuron_models",
                       "synaptic_models_dir": "$BASE_DIR/components/synaptic_models"},
        "networks": {"nodes": [{"nodes_file": f"$BASE_DIR/network/{p}_nodes.h5",
                                "node_types_file": f"$BASE_DIR/network/{p}_node_types.csv"}
                               for p in ("v1", "inputs")],
                     "edges": [{"edges_file": f"$BASE_DIR/network/{p}_v1_edges.h5",
                                "edge_types_file": f"$BASE_DIR/network/{p}_v1_edge_types.csv"}
                               for p in ("v1", "inputs")]},
        "run": {"tstop": duration_ms, "dt": 0.1},
        "inputs": {"poisson": {"input_type": "spikes", "module": "sonata",
                               "input_file": "$BASE_DIR/inputs.h5", "node_set": "inputs"}},
        "output": {"output_dir": "$BASE_DIR/output", "spikes_file": "spikes.h5"},
    }
    path = os.path.join(workdir, "config.json")
    with open(path, "w") as f:
        json.dump(config, f, indent=1)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=1000.0, help="ms")
    parser.add_argument("--out", default="sonata_pointnet.png")
    parser.add_argument("--bionet", action="store_true",
                        help="run the shipped BioNet files even if BMTK is installed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        if importlib.util.find_spec("bmtk") is not None and not args.bionet:
            config = build_with_bmtk(workdir, args.duration)
            result = sonata.run(config)
            title = "BMTK-built point network run by eqsim"
        else:
            reduction = {"model": "iaf_cond_exp", "weight_scale": 1000.0,   # µS -> nS
                         "params": {"C_m": 100.0, "tau_syn_ex": 5.0}}
            result = sonata.run(os.path.join(BIONET, "config.json"), tstop=args.duration,
                                point_reduction=reduction,
                                output_dir=os.path.join(workdir, "output"))
            title = "BioNet tutorial 2, cell reduced to nest:iaf_cond_exp"
        for pop in result.spikes.populations:
            n = result.spikes.n_spikes(pop)
            print(f"{pop}: {n} spikes; wrote {', '.join(os.path.basename(f) for f in result.files)}")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 4))
    for k, pop in enumerate(result.spikes.populations):
        ids, ts = result.spikes[pop]
        ax.plot(ts, ids, ".", ms=2, label=pop)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("node id")
    ax.set_title(title)
    ax.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
