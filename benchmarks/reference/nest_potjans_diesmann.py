#!/usr/bin/env python
"""NEST 3.10 running its own Potjans & Diesmann (2014) microcircuit: reference statistics
(per-population rate, CV of ISIs, synchrony) and timings for eqsim.

NEST's example (pynest/examples/Potjans_2014: network.py, network_params.py,
sim_params.py, stimulus_params.py, helpers.py) was removed from NEST's repository after
3.8 (commit 09c1a3ccf, "remove Potjans from examples"); its last version is read from the
fetched repository, not copied into eqsim:

    git -C /work/.mirror/nest+nest-simulator/repo archive 09c1a3ccf^ \\
        pynest/examples/Potjans_2014 | tar -x -C /tmp/nest_src
    /root/.venvs/eqsim-nest/bin/python benchmarks/reference/nest_potjans_diesmann.py \\
        --example-dir /tmp/nest_src/pynest/examples/Potjans_2014 --scale 0.1 \\
        --seeds 55 56 57 --out tests/data/nest_potjans_diesmann.json

The example runs unchanged except for what its parameter dictionaries expose: the
scale (N_scaling = K_scaling = --scale, NEST's in-degree compensation for < 1), Poisson or
DC background, threads, seed, and spikes recorded to memory instead of ASCII files.
Statistics over [t_presim, t_presim + t_sim) are computed with eqsim/zoo/stats.py (loaded
by path: plain numpy), as eqsim's test computes them. Add --append to add runs (e.g. the
DC background) to an existing file. Full scale needs ~10+ GB: run it under
`flock /tmp/eqsim_bigmem.lock`.
"""
import argparse
import copy
import importlib.util
import json
import os
import resource
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _stats_module():
    spec = importlib.util.spec_from_file_location(
        "zoo_stats", os.path.join(ROOT, "eqsim", "zoo", "stats.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _cpu() -> float:
    """CPU seconds of this process (all threads), user + system."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def run_once(args, seed: int) -> dict:
    sys.path.insert(0, args.example_dir)
    import nest
    import network
    from network_params import net_dict as base_net
    from sim_params import sim_dict as base_sim
    from stimulus_params import stim_dict as base_stim

    net_dict = copy.deepcopy(base_net)
    sim_dict = copy.deepcopy(base_sim)
    stim_dict = copy.deepcopy(base_stim)
    net_dict["N_scaling"] = net_dict["K_scaling"] = args.scale
    net_dict["poisson_input"] = args.background == "poisson"
    sim_dict.update(local_num_threads=args.threads, rng_seed=seed, print_time=False,
                    rec_dev=["spike_recorder"], t_presim=args.t_presim, t_sim=args.t_sim,
                    data_path=tempfile.mkdtemp(prefix="nest_pd14_") + "/")
    t0, c0 = time.perf_counter(), _cpu()
    net = network.Network(sim_dict, net_dict, stim_dict)
    net.create()
    net.spike_recorders.set(record_to="memory")
    t_create = time.perf_counter() - t0
    t0 = time.perf_counter()
    net.connect()   # includes nest.Prepare(): the whole connection infrastructure
    t_connect = time.perf_counter() - t0
    cpu_construction = _cpu() - c0
    t0 = time.perf_counter()
    if args.t_presim > 0:
        net.simulate(args.t_presim)
    t_presim = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), _cpu()
    net.simulate(args.t_sim)
    t_sim = time.perf_counter() - t0
    cpu_sim = _cpu() - c0
    stats = _stats_module()
    pops = {}
    start = args.t_presim if args.window_start is None else args.window_start
    t_start, t_stop = start / 1000, (args.t_presim + args.t_sim) / 1000
    for k, name in enumerate(net_dict["populations"]):
        ev = net.spike_recorders[k].get("events")
        first = net.pops[k][0].global_id
        pops[name] = stats.population_stats(
            ev["times"] / 1000.0, ev["senders"] - first, len(net.pops[k]), t_start,
            t_stop + 1e-9)
    return {"seed": seed, "num_connections": int(nest.num_connections),
            "n_neurons": [len(p) for p in net.pops], "populations": pops,
            "wall_create_s": t_create, "wall_connect_s": t_connect,
            "wall_presim_s": t_presim, "wall_sim_s": t_sim,
            "cpu_construction_s": cpu_construction, "cpu_sim_s": cpu_sim,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--example-dir", required=True)
    p.add_argument("--scale", type=float, default=0.1)
    p.add_argument("--background", choices=["poisson", "dc"], default="poisson")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seeds", type=int, nargs="+", default=[55])
    p.add_argument("--t-presim", type=float, default=500.0, help="ms")
    p.add_argument("--t-sim", type=float, default=1000.0, help="ms")
    p.add_argument("--window-start", type=float, default=None,
                   help="ms; statistics from here on (default: --t-presim)")
    p.add_argument("--out", default=None, help="JSON to write (or --append to)")
    p.add_argument("--append", action="store_true")
    args = p.parse_args()
    import nest
    runs = [run_once(args, seed) for seed in args.seeds]
    entry = {"scale": args.scale, "background": args.background, "threads": args.threads,
             "t_presim_ms": args.t_presim, "t_sim_ms": args.t_sim,
             "nest_version": nest.__version__, "runs": runs}
    print(json.dumps(entry))
    if args.out:
        data = {"generated_by": "benchmarks/reference/nest_potjans_diesmann.py",
                "source": "NEST pynest/examples/Potjans_2014 at 09c1a3ccf^ (last version)",
                "entries": []}
        if args.append and os.path.exists(args.out):
            with open(args.out) as f:
                data = json.load(f)
        data["entries"].append(entry)
        with open(args.out, "w") as f:
            json.dump(data, f, indent=1)


if __name__ == "__main__":
    main()
