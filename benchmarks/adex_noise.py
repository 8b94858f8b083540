#!/usr/bin/env python
"""AdExp benchmark: N unconnected neurons driven by white noise, eqsim or Brian2.

One configuration per process; prints exactly ONE JSON line on stdout (logs go to
stderr). benchmarks/run_adex_noise.py runs the configurations side by side.

    PYTHONPATH=. python3 benchmarks/adex_noise.py --simulator eqsim --cache-dir /tmp/c
    /work/venvs/brian2/bin/python benchmarks/adex_noise.py --simulator brian2 \
        --target cpp_standalone

The model (Brette & Gerstner 2005 parameters, plus a noise term):

    dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) + I - w)/C
            + sigma*sqrt(2/tau_m)*xi : volt (unless refractory)
    dw/dt = (a*(v - EL) - w)/tauw : amp
    I : amp
    threshold v > Vcut, reset v = Vr; w += b, refractory 2 ms, euler, dt 0.1 ms
    v = EL + 5*mV*rand(), I = 0.5*nA + 0.3*nA*rand(); SpikeMonitor on the group

How the wall time is split (all seconds, time.perf_counter):

  wall_import_s   `import eqsim` / `import brian2`.
  wall_setup_s    building the objects, including the string initialisers of v and I
                  (Brian2 runtime: this already compiles and runs the initialiser code;
                  cpp_standalone: only records it).
  wall_prepare_s  eqsim: time inside the first net.run() before the first step, i.e.
                  total net.run() time minus the loop. It is measured, not summed: the
                  loop time comes from a progress callback (eqsim calls it after every
                  compiled chunk with the time elapsed since the loop started, so its
                  last value is the loop's time). eqsim's own breakdown (front = sympy +
                  templates or a front-cache hit, compile = gcc, load = dlopen, module =
                  compile + load) is copied from net.build_info.timings.
                  Brian2 runtime: net.run() minus its main loop (code generation +
                  Cython compilation or cache loading). cpp_standalone: code generation
                  + make (see below).
  wall_compile_s  eqsim: gcc (build_info.timings['compile'], 0 on a cache hit).
                  cpp_standalone: the 'make' step. runtime: not separable, = prepare.
  wall_run_s      the simulation main loop only. eqsim: see above; Brian2: its own
                  measurement (device._last_run_time; the binary's loop for standalone).
  wall_binary_s   cpp_standalone: the whole ./main process (allocation, initialisers,
                  loop, writing results to disk).
  wall_to_first_step_s  eqsim and Brian2 runtime: from the first line of this script to
                  the first simulated step (import + setup + prepare). This is the
                  "start" a user waits for.
  wall_total_s    first line of the script to the JSON line.
  peak_rss_mb     eqsim / runtime: ru_maxrss of this Python process (everything: the
                  interpreter, numpy, sympy if it was imported, the state and the spike
                  monitor). cpp_standalone: the ./main binary's peak RSS (/usr/bin/time).
"""
import time

T_START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402

MODEL = """
dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) + I - w)/C + sigma*sqrt(2/tau_m)*xi : volt (unless refractory)
dw/dt = (a*(v - EL) - w)/tauw : amp
I : amp
"""
THRESHOLD = "v > Vcut"
RESET = "v = Vr; w += b"
V_INIT = "EL + 5*mV*rand()"
I_INIT = "0.5*nA + 0.3*nA*rand()"


def params(u):
    """The namespace, built from a units module `u` (eqsim.units or brian2)."""
    C, gL = 281 * u.pF, 30 * u.nS
    DeltaT, VT = 2 * u.mV, -50.4 * u.mV
    return dict(C=C, gL=gL, EL=-70.6 * u.mV, VT=VT, DeltaT=DeltaT, tauw=144 * u.ms,
                a=4 * u.nS, b=80.5 * u.pA, Vr=-70.6 * u.mV, Vcut=VT + 5 * DeltaT,
                sigma=2 * u.mV, tau_m=C / gL)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def peak_rss_self_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--simulator", choices=["eqsim", "brian2"], required=True)
    p.add_argument("--target", default=None,
                   help="eqsim: c (default); brian2: cpp_standalone (default) | runtime")
    p.add_argument("--N", type=int, default=100_000)
    p.add_argument("--duration", type=float, default=1.0, help="seconds of model time")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cache-dir", default=None,
                   help="eqsim: $EQSIM_CACHE_DIR for this run (a fresh directory = cold)")
    p.add_argument("--build-dir", default=None,
                   help="brian2 cpp_standalone project directory (default: a fresh "
                        "temporary one, deleted afterwards = cold compile)")
    p.add_argument("--label", default="", help="free-form label copied to the JSON")
    args = p.parse_args(argv)
    if args.target is None:
        args.target = "c" if args.simulator == "eqsim" else "cpp_standalone"
    ok = {"eqsim": ("c",), "brian2": ("cpp_standalone", "runtime")}[args.simulator]
    if args.target not in ok:
        p.error(f"--target for {args.simulator} must be one of {ok}")
    return args


def base_result(args):
    return dict(simulator=args.simulator, target=args.target, label=args.label,
                N=args.N, duration_s=args.duration, dt_ms=0.1, seed=args.seed,
                python=platform.python_version(), pid=os.getpid())


# ---------------------------------------------------------------------------- eqsim
def run_eqsim(args):
    if args.cache_dir:
        os.environ["EQSIM_CACHE_DIR"] = args.cache_dir
    t0 = time.perf_counter()
    import eqsim as eq
    from eqsim import units as u
    t_import = time.perf_counter() - t0

    t0 = time.perf_counter()
    eq.defaultclock.dt = 0.1 * u.ms
    G = eq.NeuronGroup(args.N, MODEL, threshold=THRESHOLD, reset=RESET,
                       refractory=2 * u.ms, method="euler", namespace=params(u),
                       name="adex", seed=args.seed)
    G.v = V_INIT
    G.I = I_INIT
    mon = eq.SpikeMonitor(G)
    net = eq.Network(G, mon)
    t_setup = time.perf_counter() - t0

    loop = {"elapsed": None}

    def progress(elapsed, fraction, start, duration):
        loop["elapsed"] = elapsed

    t0 = time.perf_counter()
    net.run(args.duration * u.second, report=progress)
    t_total_run = time.perf_counter() - t0
    run_s = loop["elapsed"]
    prepare = t_total_run - run_s
    info = net.build_info
    tm = dict(info.timings)
    spikes = int(mon.num_spikes)
    res = base_result(args)
    res.update(
        eqsim_version=getattr(eq, "__version__", "?"), eqsim_file=eq.__file__,
        cache_dir=os.environ.get("EQSIM_CACHE_DIR", ""),
        compiled=bool(info.compiled), front_cache_hit=bool(info.front_cache_hit),
        module_cache_hit=bool(info.module_cache_hit),
        rebuilt_corrupt=bool(info.rebuilt_corrupt), source_key=info.source_key[:16],
        front_key=getattr(getattr(net, "_products", None), "front_key", "")[:16],
        wall_import_s=t_import, wall_setup_s=t_setup, wall_prepare_s=prepare,
        wall_compile_s=tm.get("compile", 0.0) if info.compiled else 0.0,
        wall_run_s=run_s, wall_net_run_s=t_total_run,
        build_timings={k: float(v) for k, v in tm.items()},
        wall_to_first_step_s=None,  # filled below
        spikes=spikes, rate_hz=spikes / args.N / args.duration,
        peak_rss_mb=peak_rss_self_mb(), sympy_imported="sympy" in sys.modules,
    )
    res["wall_to_first_step_s"] = t_import + t_setup + prepare
    try:
        from eqsim.codegen.templates import template_dir
        res["eqsim_templates"] = str(template_dir())
    except ImportError:
        pass
    return res


# --------------------------------------------------------------------------- brian2
def run_brian2(args):
    t0 = time.perf_counter()
    import brian2 as b2
    import numpy as np
    t_import = time.perf_counter() - t0
    b2.BrianLogger.log_level_warn()
    build_dir, own_dir = args.build_dir, False
    if args.target == "runtime":
        b2.prefs.codegen.target = "cython"
    else:
        if build_dir is None:
            build_dir = tempfile.mkdtemp(prefix="b2_adex_noise_")
            own_dir = True
        if not os.path.exists("/usr/bin/time"):
            sys.exit("cpp_standalone needs /usr/bin/time for the binary's peak RSS "
                     "(apt-get install -y time)")
        b2.set_device("cpp_standalone", build_on_run=False, directory=build_dir)
        b2.prefs.devices.cpp_standalone.openmp_threads = 0
        b2.prefs.devices.cpp_standalone.run_cmd_unix = [
            "/usr/bin/time", "-f", "%M %e", "-o", "binary_time.txt", "./main"]
    b2.defaultclock.dt = 0.1 * b2.ms
    b2.seed(args.seed)
    np.random.seed(args.seed)

    t0 = time.perf_counter()
    ns = params(b2)
    G = b2.NeuronGroup(args.N, MODEL, threshold=THRESHOLD, reset=RESET,
                       refractory=2 * b2.ms, method="euler", namespace=ns, name="adex")
    G.v = V_INIT
    G.I = I_INIT
    mon = b2.SpikeMonitor(G)
    net = b2.Network(G, mon)
    t_setup = time.perf_counter() - t0

    res = base_result(args)
    res["brian2_version"] = b2.__version__
    t0 = time.perf_counter()
    net.run(args.duration * b2.second, report=None)
    t1 = time.perf_counter()
    dev = b2.get_device()
    if args.target == "cpp_standalone":
        tb0 = time.perf_counter()
        dev.build(directory=build_dir, compile=True, run=True, debug=False, clean=False)
        tb1 = time.perf_counter()
        make = dev.timers["compile"]["make"] or 0.0
        clean = dev.timers["compile"]["clean"] or 0.0
        binary = dev.timers["run_binary"] or 0.0
        codegen = (tb1 - tb0) - make - clean - binary + (t1 - t0)
        res.update(wall_codegen_s=codegen, wall_compile_s=make + clean,
                   wall_prepare_s=codegen + make + clean, wall_binary_s=binary,
                   wall_run_s=float(dev._last_run_time))
        with open(os.path.join(build_dir, "binary_time.txt")) as f:
            kb, _el = f.read().split()[-2:]
        res["peak_rss_mb"] = int(kb) / 1024.0
        res["python_peak_rss_mb"] = peak_rss_self_mb()
        res["wall_to_first_step_s"] = None  # not meaningful: a separate binary
    else:
        loop = float(dev._last_run_time)
        res.update(wall_prepare_s=(t1 - t0) - loop, wall_compile_s=(t1 - t0) - loop,
                   wall_run_s=loop, peak_rss_mb=peak_rss_self_mb())
        res["wall_to_first_step_s"] = t_import + t_setup + (t1 - t0) - loop
    spikes = int(mon.num_spikes)
    res.update(wall_import_s=t_import, wall_setup_s=t_setup, spikes=spikes,
               rate_hz=spikes / args.N / args.duration)
    if own_dir:
        shutil.rmtree(build_dir, ignore_errors=True)
    return res


def main(argv=None):
    args = parse_args(argv)
    res = run_eqsim(args) if args.simulator == "eqsim" else run_brian2(args)
    res["wall_total_s"] = time.perf_counter() - T_START
    print(json.dumps(res), flush=True)
    return res


if __name__ == "__main__":
    main()
