"""The standard networks in eqsim, with the JSON protocol of the Brian2 benchmark scripts.

The eqsim counterpart of shared/models/brian2/{cuba,coba,cobahh,brunel,adex}.py: the same
options and ONE JSON line on stdout with the same field names (logs go to stderr), so
that benchmarks/suite.py can put the rows of both simulators side by side.

    PYTHONPATH=. python benchmarks/eqsim_networks.py --model cuba --N 4000 --duration 1
    PYTHONPATH=. python benchmarks/eqsim_networks.py --model cobahh --N 64000 \\
        --conn indegree --cache-dir /tmp/eqsim-cache

The networks are the examples' (examples/<model>.py, build(); CUBA, COBA and COBAHH are
eqsim.zoo's). --conn p is the standard
Bernoulli p = 0.02 wiring; --conn indegree gives every neuron exactly 64 excitatory and
16 inhibitory inputs at any N (sources drawn uniformly with repetition, as the Brian2
scripts' fixed_indegree() and NEST's fixed_indegree), for the scaling series of CUBA,
COBA and COBAHH. Brunel is always fixed in-degree and AdEx always Bernoulli, as in the
Brian2 scripts (--conn is echoed only). AdEx runs with the constant 4 Hz afferent drive.

Timing fields (seconds, time.perf_counter):
  wall_import_s         `import eqsim` (and the example's module).
  wall_setup_s          building groups, synapses (connect) and monitors.
  wall_build_compile_s  inside the first net.run() before the first step: code
                        generation + gcc, or loading from the cache. Measured as net.run()
                        minus the loop; the loop time is the last value eqsim passes to a
                        progress callback (called after every chunk with the time since
                        the loop started).
  wall_compile_s        gcc alone (build_timings['compile'], 0 on a cache hit).
  wall_run_s            the main loop only.
  wall_to_first_step_s  from the first line of this script to the first step.
  wall_total_s          from the first line of this script to the JSON line.
  build_timings         eqsim's own breakdown (net.build_info.timings).
  peak_rss_mb           ru_maxrss of this process.
  cpu_run_s             with --cpu-time: CPU time (time.process_time) of the loop alone,
                        after a 1 ms run that builds and loads; steadier than wall time
                        on a machine shared with other work.
"""
import argparse
import importlib
import inspect
import json
import os
import resource
import sys
import time

T_START = time.perf_counter()  # after the standard library, as in the Brian2 scripts

HERE = os.path.dirname(os.path.abspath(__file__))
# model -> (name in the JSON, as the Brian2 scripts write it; default N)
MODELS = {"cuba": ("CUBA", 4000), "coba": ("COBA", 4000), "cobahh": ("COBAHH", 4000),
          "brunel": ("Brunel", 12500), "adex": ("AdExp", 5000)}
EXAMPLE = {"adex": "adex_rsfs"}  # example module when its name differs from the model's
INDEGREE_MODELS = ("cuba", "coba", "cobahh")
IN_DEGREE_EXC, IN_DEGREE_INH = 64, 16  # = 0.02 * 4000 inputs, split 80 / 20


def log(*a) -> None:
    print(*a, file=sys.stderr, flush=True)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=sorted(MODELS), required=True)
    p.add_argument("--N", type=int, default=None,
                   help="number of neurons (default: the model's standard size)")
    p.add_argument("--duration", type=float, default=1.0, help="seconds of model time")
    p.add_argument("--seed", type=int, default=4242)
    p.add_argument("--conn", choices=["p", "indegree"], default="p",
                   help="p: Bernoulli connectivity (standard model); "
                        "indegree: 64 exc + 16 inh inputs per neuron (scaling series)")
    p.add_argument("--threads", type=int, default=1,
                   help="passed to net.run(threads=) when != 1")
    p.add_argument("--dt", type=float, default=0.1, help="time step in ms")
    p.add_argument("--cache-dir", default=None,
                   help="$EQSIM_CACHE_DIR for this run (a fresh directory = cold)")
    p.add_argument("--examples-dir", default=os.path.join(os.path.dirname(HERE),
                                                          "examples"),
                   help="where the examples' build() functions are imported from")
    p.add_argument("--g", type=float, default=5.0, help="Brunel: relative inhibition")
    p.add_argument("--eta", type=float, default=2.0, help="Brunel: external drive")
    p.add_argument("--tag", default="", help="free-form label copied to the JSON")
    p.add_argument("--cpu-time", action="store_true",
                   help="also measure the loop's CPU time (cpu_run_s), after a 1 ms run")
    p.add_argument("--fast-math", action="store_true",
                   help="Network(fast_math=True): fused multiply-adds in the C build")
    args = p.parse_args(argv)
    if args.N is None:
        args.N = MODELS[args.model][1]
    return args


def build(args: argparse.Namespace, example):
    """(network, spike monitors by population, population sizes) of the chosen model."""
    if args.model == "brunel":
        return example.build(args.N, args.seed, args.g, args.eta)[:3]
    if args.model == "adex":
        return example.build(args.N, args.seed, constant_drive=True)
    if args.conn == "indegree":   # the zoo's network with fixed in-degrees
        from eqsim import zoo
        z = getattr(zoo, args.model)(N=args.N, seed=args.seed, duration=None,
                                     in_degree=(IN_DEGREE_EXC, IN_DEGREE_INH))
        return z.network, z.monitors, z.sizes
    return example.build(args.N, args.seed)


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.cache_dir:
        os.environ["EQSIM_CACHE_DIR"] = args.cache_dir
    t0 = time.perf_counter()
    import eqsim as eq
    from eqsim.units import ms, second
    sys.path.insert(0, args.examples_dir)
    example = importlib.import_module(EXAMPLE.get(args.model, args.model))
    t_import = time.perf_counter() - t0

    run_kwargs = {}
    if args.threads != 1:
        if "threads" not in inspect.signature(eq.Network.run).parameters:
            sys.exit(f"--threads {args.threads}: this eqsim ({eq.__file__}) has no "
                     "Network.run(threads=)")
        run_kwargs["threads"] = args.threads

    t0 = time.perf_counter()
    eq.defaultclock.dt = args.dt * ms
    net, mons, sizes = build(args, example)
    if args.fast_math:
        net.fast_math = True
    t_setup = time.perf_counter() - t0

    loop = {"elapsed": 0.0}

    def progress(elapsed, fraction, start, duration):
        loop["elapsed"] = elapsed

    cpu = None
    if args.cpu_time:
        net.run(1 * ms, **run_kwargs)
        c0 = time.process_time()
        net.run(args.duration * second - 1 * ms, **run_kwargs)
        cpu = time.process_time() - c0
    t0 = time.perf_counter()
    if not args.cpu_time:
        net.run(args.duration * second, report=progress, **run_kwargs)
    t_net_run = time.perf_counter() - t0
    prepare = t_net_run - loop["elapsed"]
    info = net.build_info
    timings = {k: float(v) for k, v in info.timings.items()}
    N = sum(sizes.values())
    spikes = {label: int(m.num_spikes) for label, m in mons.items()}
    res = {
        "model": MODELS[args.model][0], "simulator": "eqsim", "target": "c",
        "N": N, "sim_time_s": args.duration, "dt_ms": args.dt, "seed": args.seed,
        "conn": args.conn, "threads": args.threads, "tag": args.tag,
        "fast_math": args.fast_math,
        "eqsim_version": getattr(eq, "__version__", "?"), "eqsim_file": eq.__file__,
        "cache_dir": os.environ.get("EQSIM_CACHE_DIR", ""),
        "compiled": bool(info.compiled), "front_cache_hit": bool(info.front_cache_hit),
        "module_cache_hit": bool(info.module_cache_hit),
        "wall_import_s": t_import, "wall_setup_s": t_setup,
        "wall_build_compile_s": prepare,
        "wall_compile_s": timings.get("compile", 0.0) if info.compiled else 0.0,
        "wall_run_s": loop["elapsed"], "wall_net_run_s": t_net_run,
        "wall_to_first_step_s": (t0 - T_START) + prepare,
        "build_timings": timings,
        "n_synapses": int(sum(len(S) for S in net.synapses)),
        "spikes": sum(spikes.values()),
        "rate_hz": sum(spikes.values()) / N / args.duration,
        "rate_exc_hz": spikes["exc"] / sizes["exc"] / args.duration,
        "rate_inh_hz": spikes["inh"] / sizes["inh"] / args.duration,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "sympy_imported": "sympy" in sys.modules,
        "cpu_run_s": cpu,
    }
    if args.model == "brunel":
        res.update(g=args.g, eta=args.eta)
    res["wall_total_s"] = time.perf_counter() - T_START
    print(json.dumps(res), flush=True)
    return res


if __name__ == "__main__":
    main()
