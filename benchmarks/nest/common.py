"""Shared harness for the NEST reference benchmarks.

Counterpart of the Brian2 harness (shared/models/brian2/common.py): the same
command-line options where they apply and the same one-line JSON protocol, so
that the rows of both simulators can be joined.  Every model script does:

    import common                          # starts the wall clock
    args = common.parse_args(...)
    nest = common.setup_nest(args)         # imports nest, sets dt, seed, threads
    ... Create the neurons, Connect them ...
    n_syn = common.num_connections(nest)   # before any device is connected
    ... Create / Connect generators ...
    common.run_and_report(nest, args, exc, inh, n_syn, extra=...)

and prints exactly ONE JSON line on stdout.  Everything else, including what
the NEST kernel itself writes to file descriptor 1, goes to stderr: the real
stdout is set aside when this module is imported and used only for the JSON.

Timing fields (seconds of wall-clock time):
  wall_import_s         import of nest
  wall_setup_s          network construction: Create + Connect of the neurons,
                        of the generators and of the spike recorders
  wall_build_compile_s  always 0: NEST runs precompiled models, no code generation
  wall_prepare_s        nest.Prepare(): NEST finalises the connection
                        infrastructure here (sorts the synapses by source,
                        builds the presynaptic tables), lazily, after Connect
  wall_run_s            nest.Run(): the simulation loop only
                        (the counterpart of Brian2's wall_run_s)
  wall_simulate_s       Prepare + Run + Cleanup, i.e. what nest.Simulate() takes
  wall_total_s          from the first line of the script to the JSON line

NEST uses OpenMP threads (--threads > 1).  libgomp's threads spin while they
wait at the per-step barriers; on a machine with fewer free cores than threads
that makes the run many times slower, where OMP_WAIT_POLICY=passive helps.
"""
import argparse
import json
import os
import resource
import sys
import time

T_START = time.perf_counter()

# Keep the real stdout for the JSON line only; fd 1 (Python's and the C++
# kernel's) now points to stderr.
sys.stdout.flush()
_JSON_OUT = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
os.environ.setdefault("PYNEST_QUIET", "1")  # no start-up banner


def parse_args(model, default_N, default_duration, extra=None):
    p = argparse.ArgumentParser(description=f"{model} benchmark (NEST)")
    p.add_argument("--N", type=int, default=default_N, help="number of neurons")
    p.add_argument("--duration", type=float, default=default_duration,
                   help="biological time in seconds")
    p.add_argument("--seed", type=int, default=4242,
                   help="NEST rng_seed, 1 .. 2**32-1")
    p.add_argument("--threads", type=int, default=0,
                   help="NEST local_num_threads (0 or 1 = single thread)")
    p.add_argument("--conn", choices=["p", "indegree"], default="p",
                   help="p: Bernoulli connectivity (standard model); "
                        "indegree: fixed in-degree (scaling series)")
    p.add_argument("--dt", type=float, default=0.1, help="time step in ms")
    p.add_argument("--tag", default="", help="free-form label copied to JSON")
    if extra is not None:
        extra(p)
    args = p.parse_args()
    args.model = model
    return args


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def setup_nest(args):
    t0 = time.perf_counter()
    import nest
    args.wall_import_s = time.perf_counter() - t0
    nest.verbosity = nest.VerbosityLevel.WARNING
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": args.dt,
                          "local_num_threads": max(1, args.threads),
                          "rng_seed": args.seed})
    args.t_setup_start = time.perf_counter()
    return nest


def num_connections(nest):
    """Number of connections created so far (call it before devices are
    connected, so that only neuron-neuron synapses are counted)."""
    return int(nest.GetKernelStatus("num_connections"))


def run_and_report(nest, args, exc, inh, n_synapses, extra=None):
    """Record spikes of both populations, simulate, print the JSON line.

    exc, inh:    NodeCollections of the excitatory / inhibitory neurons
    n_synapses:  neuron-neuron connections (from num_connections())
    extra:       callable returning a dict of additional model-specific fields
    """
    rec_exc = nest.Create("spike_recorder")
    rec_inh = nest.Create("spike_recorder")
    nest.Connect(exc, rec_exc)
    nest.Connect(inh, rec_inh)
    wall_setup = time.perf_counter() - args.t_setup_start
    n_exc, n_inh = len(exc), len(inh)
    n_neurons = n_exc + n_inh
    res = {"model": args.model, "simulator": "nest", "target": "nest",
           "nest_version": nest.__version__, "N": n_neurons,
           "sim_time_s": args.duration, "dt_ms": args.dt, "seed": args.seed,
           "conn": args.conn, "threads": args.threads, "tag": args.tag}

    t0 = time.perf_counter()
    nest.Prepare()
    t1 = time.perf_counter()
    nest.Run(args.duration * 1000.0)
    t2 = time.perf_counter()
    nest.Cleanup()
    t3 = time.perf_counter()

    res.update(wall_import_s=args.wall_import_s, wall_setup_s=wall_setup,
               wall_build_compile_s=0.0, wall_prepare_s=t1 - t0,
               wall_run_s=t2 - t1, wall_simulate_s=t3 - t0)
    res["n_synapses"] = int(n_synapses)
    spikes_exc = int(rec_exc.n_events)
    spikes_inh = int(rec_inh.n_events)
    spikes = spikes_exc + spikes_inh
    res["spikes"] = spikes
    res["rate_hz"] = spikes / max(n_neurons, 1) / args.duration
    res["rate_exc_hz"] = spikes_exc / max(n_exc, 1) / args.duration
    res["rate_inh_hz"] = spikes_inh / max(n_inh, 1) / args.duration
    if extra is not None:
        res.update(extra())
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    res["wall_total_s"] = time.perf_counter() - T_START
    print(json.dumps(res), file=_JSON_OUT, flush=True)
    return res
