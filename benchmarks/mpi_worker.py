"""One eqsim run for benchmarks/mpi_scaling.py (on one process or under mpiexec).

    [mpiexec -n K] python benchmarks/mpi_worker.py MODEL N DURATION BACKEND

MODEL is cuba or brunel (examples/), cuba1 (CUBA with delays of one step) or micro (a
microcircuit of N neurons: eqsim.zoo.potjans_diesmann, or benchmarks/microcircuit_like.py
where the zoo has none), BACKEND c or mpi. Rank 0 prints one JSON line: the
run time of the run phase (after a short warm-up run that also builds the module), the
time each rank spent computing and exchanging (max and mean over ranks), the windows, the
spikes and bytes exchanged, the synapse count and the rates.
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "examples"))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

from eqsim.parallel.comm import world  # noqa: E402
from eqsim.units import second  # noqa: E402


def build(model: str, N: int):
    if model in ("cuba", "cuba1"):
        import cuba
        net, mons, sizes = cuba.build(N=N, seed=4242)[:3]
        if model == "cuba1":   # delays of one time step: windows of two steps
            from eqsim.units import ms
            for S in net.synapses:
                S.delay = 0.1 * ms
    elif model == "micro":   # microcircuit-like, N neurons (77169 at full scale)
        net, mons, sizes = microcircuit(N / 77169)
    else:
        import brunel
        net, mons, sizes, _ = brunel.build(N=N, seed=4242, g=5.0, eta=2.0)
    return net, mons, sizes


SOURCE: dict = {}


def microcircuit(scale: float):
    """The zoo's Potjans-Diesmann network (eqsim.zoo.net_potjans_diesmann.build) where it
    exists, else benchmarks/microcircuit_like.py."""
    try:
        from eqsim.zoo.net_potjans_diesmann import build as zoo_build
    except ImportError:
        zoo_build = None
    if zoo_build is None:
        import microcircuit_like
        SOURCE["micro"] = "benchmarks/microcircuit_like.py"
        return microcircuit_like.build(scale, seed=4242)
    SOURCE["micro"] = "eqsim.zoo.net_potjans_diesmann"
    net, mons, sizes = zoo_build(scale, "poisson", None, 4242)
    if not isinstance(mons, dict):
        mons = dict(zip(sizes, mons))
    return net, mons, sizes


def main(argv):
    model, N, duration, backend = argv[0], int(argv[1]), float(argv[2]), argv[3]
    comm = world()
    t0 = time.perf_counter()
    net, mons, sizes = build(model, N)
    t1 = time.perf_counter()
    net.run(0.005 * second, backend=backend)          # build / load the module
    spikes_before = {k: m.num_spikes for k, m in mons.items()}
    t2 = time.perf_counter()
    net.run(duration * second, backend=backend)
    t3 = time.perf_counter()
    timings = getattr(net, "timings", {"compute": t3 - t2, "exchange": 0.0, "windows": 0})
    local = np.array([timings["compute"], timings["exchange"], t3 - t2, t1 - t0])
    spikes = {k: comm.allreduce_sum(m.num_spikes - spikes_before[k]) for k, m in
              mons.items()}
    synapses = comm.allreduce_sum(sum(len(S) for S in net.synapses))
    stats = [comm.allgatherv(local[k:k + 1]) for k in range(4)]
    plan = getattr(net, "_plan", None)
    c = getattr(comm, "comm", None)
    sent = comm.allreduce_sum(getattr(comm, "bytes_sent", 0))
    exchanges = getattr(comm, "exchanges", 0)
    rss = comm.allreduce_sum(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
    if comm.rank == 0:
        out = {
            "model": model, "N": N, "duration_s": duration, "backend": backend,
            "ranks": comm.size, "synapses": int(synapses),
            "run_s": float(stats[2].max()), "compute_s_max": float(stats[0].max()),
            "compute_s_mean": float(stats[0].mean()),
            "exchange_s_max": float(stats[1].max()), "exchange_s_mean": float(stats[1].mean()),
            "connect_s_max": float(stats[3].max()),
            "windows": int(timings["windows"]), "window_steps": plan.window if plan else None,
            "spikes_exchanged": int(plan.spikes_exchanged) if plan else None,
            "allgathers": int(exchanges), "bytes_sent_all_ranks": int(sent),
            "rates_hz": {k: spikes[k] / sizes[k] / duration for k in spikes},
            "peak_rss_mb_all_ranks": rss, "mpi": bool(c is not None),
            "model_source": SOURCE.get(model, "examples/"),
            "windows_driver": (plan.driver.mode if plan and plan.driver else
                               "python" if plan else None),
        }
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
