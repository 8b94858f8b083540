#!/usr/bin/env python
"""The Potjans & Diesmann (2014) microcircuit: eqsim (1 and 2 threads, 2 MPI ranks)
against NEST 3.10, each configuration in a fresh process, side by side:
construction time, run time of 1 s, peak memory, real-time factor, ns per synaptic
event, and the synapse stream against the machine's memory bandwidth.

    flock /tmp/eqsim_bigmem.lock python benchmarks/potjans_diesmann_speed.py \\
        --scale 1 --passive --runs eqsim1 eqsim2 mpi2 nest4 \\
        --nest-example-dir /tmp/nest_src/pynest/examples/Potjans_2014 \\
        --out benchmarks/results/potjans_diesmann_speed.json

(NEST's example: see benchmarks/reference/nest_potjans_diesmann.py. At scale 1 NEST
needs at least 3 threads: 2 virtual processes cannot hold 3e8 connections.) eqsim's
compiled modules are made first by a small warm-up run (scale 0.02: the same generated
code), so that construction is measured without gcc.

Definitions (eqsim):
  construction  zoo.potjans_diesmann(duration=None) (groups, connect, weights, delays,
                monitors) + a first run() of one step (binding the arrays, delivery
                indices; the module from the cache). Wall and CPU seconds.
  run           the loop of run(duration - dt) (the time eqsim passes to its progress
                callback); CPU seconds of the process over that run() too.
  events        the synaptic events delivered: every spike times its source's out-degree.
  ns/event      run time / events (all the work of a step counted against the events).
  stream        bytes of per-synapse data read per event (target index, weight, delay and
                the delivery order if any) x events / run time, against ~20 GB/s.
NEST: construction = Create + Connect + Prepare (its example's connect()), run =
Simulate(duration), peak memory = ru_maxrss; rates from its spike recorders.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NEST_PYTHON = "/root/.venvs/eqsim-nest/bin/python"
BANDWIDTH_GBS = 20.0


def _cpu() -> float:
    """CPU seconds of this process (all threads), user + system."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def synapse_bytes(net) -> dict:
    """Bytes per synapse of what eqsim keeps per synapse (arrays and delivery index)."""
    import numpy as np
    total, n = 0, 0
    for S in net.synapses:
        n += len(S)
        for key, arr in S.arrays.items():
            if arr is not None:
                total += int(getattr(arr, "nbytes", 0))
        for st in getattr(S, "_pw_state", {}).values():
            index = st.get("index", {})
            for key in ("delay_steps", "order"):
                arr = index.get(key)
                if isinstance(arr, np.ndarray):
                    total += arr.nbytes
    # bytes read per delivered event: target index, weight, delay (+ order when stored)
    S = max(net.synapses, key=len)
    idx = S._pw_state.get("pre", {}).get("index", {})
    per_event = S.arrays["_post"].itemsize + S.arrays["w"].itemsize
    for key in ("delay_steps", "order"):
        arr = idx.get(key)
        if isinstance(arr, np.ndarray):
            per_event += arr.itemsize
    return {"bytes_per_synapse": total / max(n, 1), "stream_bytes_per_event": per_event,
            "synapses": n}


def eqsim_worker(args) -> dict:
    """One eqsim run in this process (rank 0 prints the JSON line)."""
    t_start = time.perf_counter()
    import numpy as np
    from eqsim import zoo
    from eqsim.units import ms, second
    from eqsim.parallel.comm import world
    from eqsim.zoo import population_stats
    comm = world()
    backend = "mpi" if args.mpi else "c"
    rss0 = _rss_mb()
    t0, c0 = time.perf_counter(), _cpu()
    result = zoo.potjans_diesmann(scale=args.scale, background=args.background,
                                  seed=args.seed, duration=None)
    t_build = time.perf_counter() - t0
    kw = {"threads": args.threads} if args.threads != 1 else {}
    # one step: binds the arrays and builds the delivery indices (part of construction)
    t1 = time.perf_counter()
    result.network.run(0.1 * ms, backend=backend, **kw)
    prepare = time.perf_counter() - t1
    cpu_construction = _cpu() - c0
    info = result.network.build_info
    loop = {"elapsed": 0.0}

    def progress(elapsed, fraction, start, duration):
        loop["elapsed"] = elapsed

    c0 = _cpu()
    result.network.run(args.duration * second - 0.1 * ms, report=progress,
                       backend=backend, **kw)
    cpu_run = _cpu() - c0
    mem = synapse_bytes(result.network)
    # the spikes (on MPI gathered to rank 0; gather() is collective) and the events
    # delivered: each spike times its source's out-degree (one process only)
    trains = {name: (mon.gather() if args.mpi else mon) for name, mon in
              result.monitors.items()}
    n_syn = int(comm.allreduce_sum(mem["synapses"])) if args.mpi else mem["synapses"]
    if comm.rank != 0:
        return {}
    events = 0
    for S in result.network.synapses if not args.mpi else ():
        src = np.asarray(trains[S.name.split("_to_")[0]].i)
        events += int(np.sum(S.N_outgoing_pre[src]))
    window = (0.1, args.duration)
    stats = {name: population_stats(np.asarray(m.t_), np.asarray(m.i),
                                     result.sizes[name], *window)
             for name, m in trains.items()}
    out = {
        "simulator": "eqsim", "threads": args.threads,
        "ranks": comm.size if args.mpi else 1,
        "scale": args.scale, "background": args.background, "duration_s": args.duration,
        "neurons": sum(result.sizes.values()), "synapses": mem["synapses"],
        "wall_build_s": t_build, "wall_prepare_s": prepare,
        "wall_construction_s": t_build + prepare, "wall_run_s": loop["elapsed"],
        "cpu_construction_s": cpu_construction, "cpu_run_s": cpu_run,
        "compile_s": float(info.timings.get("compile", 0.0)) if info.compiled else 0.0,
        "real_time_factor": loop["elapsed"] / args.duration,
        "module_compiled_now": bool(info.compiled),
        "peak_rss_mb": _rss_mb(), "rss_before_build_mb": rss0,
        "bytes_per_synapse": mem["bytes_per_synapse"],
        "stream_bytes_per_event": mem["stream_bytes_per_event"],
        "wall_total_s": time.perf_counter() - t_start,
    }
    out["synapses"] = n_syn
    if events:
        out["events"] = events
        out["ns_per_event"] = loop["elapsed"] / events * 1e9
        out["stream_gb_s"] = events * mem["stream_bytes_per_event"] / loop["elapsed"] / 1e9
        out["fraction_of_bandwidth"] = out["stream_gb_s"] / BANDWIDTH_GBS
    out["window_s"] = list(window)
    out["populations"] = stats
    return out


def run_config(name: str, args) -> dict:
    """One configuration in a fresh process; returns its JSON line."""
    common = ["--scale", str(args.scale), "--duration", str(args.duration),
              "--background", args.background, "--seed", str(args.seed)]
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if name.startswith("nest"):
        threads = name[4:] or "2"
        cmd = [NEST_PYTHON, os.path.join(HERE, "reference", "nest_potjans_diesmann.py"),
               "--example-dir", args.nest_example_dir, "--scale", str(args.scale),
               "--background", args.background, "--threads", threads,
               "--t-presim", "0", "--t-sim", str(args.duration * 1000),
               "--window-start", "100"]
    elif name.startswith("mpi"):
        cmd = ["mpiexec", "-n", name[3:] or "2", sys.executable, __file__, "--worker",
               "--mpi", *common]
    else:
        cmd = [sys.executable, __file__, "--worker", "--threads", name[5:] or "1",
               *common]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    line = [x for x in res.stdout.splitlines() if x.startswith("{")]
    if res.returncode or not line:
        return {"config": name, "error": (res.stderr or res.stdout)[-2000:],
                "command": " ".join(cmd)}
    out = json.loads(line[-1])
    if name.startswith("nest"):   # the reference script's run entry, in this table's terms
        run = out["runs"][0]
        out = {"simulator": "nest", "nest_version": out["nest_version"],
               "threads": int(threads), "scale": args.scale, "duration_s": args.duration,
               "synapses": run["num_connections"], "neurons": sum(run["n_neurons"]),
               "wall_construction_s": run["wall_create_s"] + run["wall_connect_s"],
               "wall_run_s": run["wall_sim_s"],
               "cpu_construction_s": run.get("cpu_construction_s"),
               "cpu_run_s": run.get("cpu_sim_s"),
               "real_time_factor": run["wall_sim_s"] / args.duration,
               "peak_rss_mb": run["peak_rss_mb"], "populations": run["populations"],
               "window_s": [0.1, args.duration]}
    out.update(config=name, command=" ".join(cmd),
               wall_process_s=time.perf_counter() - t0, load_average=os.getloadavg(),
               omp_wait_policy=os.environ.get("OMP_WAIT_POLICY", ""))
    return out


def warm_up(names, args) -> None:
    """Compile eqsim's modules (1 thread, OpenMP) with a scale-0.02 run."""
    for threads in sorted({n[5:] or "1" for n in names if n.startswith("eqsim")} |
                          ({"1"} if any(n.startswith("mpi") for n in names) else set())):
        cmd = [sys.executable, __file__, "--worker", "--threads", threads, "--scale",
               "0.02", "--duration", "0.01", "--background", args.background]
        subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True,
                       env=dict(os.environ, PYTHONPATH=ROOT))
    if any(n.startswith("mpi") for n in names):
        subprocess.run(["mpiexec", "-n", "2", sys.executable, __file__, "--worker",
                        "--mpi", "--scale", "0.02", "--duration", "0.01", "--background",
                        args.background], capture_output=True, text=True, cwd=ROOT,
                       env=dict(os.environ, PYTHONPATH=ROOT))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--duration", type=float, default=1.0, help="seconds simulated")
    p.add_argument("--background", choices=["poisson", "dc"], default="poisson")
    p.add_argument("--seed", type=int, default=55)
    p.add_argument("--runs", nargs="+", default=["eqsim1", "eqsim2", "mpi2", "nest4"],
                   help="eqsim<threads>, mpi<ranks>, nest<threads>")
    p.add_argument("--nest-example-dir", default="/tmp/nest_src/pynest/examples/"
                                                 "Potjans_2014")
    p.add_argument("--out", default=None, help="JSON file (a list of the runs)")
    p.add_argument("--no-warm-up", action="store_true")
    p.add_argument("--passive", action="store_true",
                   help="OMP_WAIT_POLICY=passive for every run (eqsim and NEST): on a "
                        "machine whose cores are busy, spinning threads lose their core")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--mpi", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        out = eqsim_worker(args)
        if out:
            print(json.dumps(out), flush=True)
        return
    if args.passive:
        os.environ["OMP_WAIT_POLICY"] = "passive"
    if not args.no_warm_up:
        warm_up(args.runs, args)
    rows = []
    for name in args.runs:
        row = run_config(name, args)
        rows.append(row)
        print(json.dumps(row), flush=True)
        if args.out:
            with open(args.out, "w") as f:
                json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
