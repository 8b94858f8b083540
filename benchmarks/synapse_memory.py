#!/usr/bin/env python
"""Bytes per synapse: a weight per synapse, one delay or one each, float64 or float32.

    python benchmarks/synapse_memory.py                    # 100,000 neurons x 200 inputs
    python benchmarks/synapse_memory.py --N 20000 --k 100 --dtype float32
    python benchmarks/synapse_memory.py --dtype float32 --delays per_synapse

--delays one: every synapse 1.5 ms. --delays per_synapse: normal(1.5 ms, 0.75 ms) per
synapse, rounded to whole steps >= 1 (as NEST and the microcircuit draw them), in random
order within each source's synapses; --delays sorted: the same, drawn sorted within each
source's synapses (as eqsim.zoo.potjans_diesmann does), so no delivery order is needed.

N LIF neurons, each with exactly k excitatory inputs (connect(in_degree=k)), the weight
``w`` a per-synapse variable stored as --dtype, on_pre "v += w", delay 1.5 ms; run 20 ms.
Prints one JSON line:

  arrays_bytes_per_synapse  every array eqsim keeps for the Synapses object (indices,
                            weights, the delivery index and the spike queue), divided
                            by the number of synapses;
  rss_bytes_per_synapse     growth of the process's resident memory from before the
                            Synapses object was made to after the run, per synapse;
  peak_rss_bytes_per_synapse  the same for the peak (connect() needs temporaries).
  peak_<phase>_bytes_per_synapse  the peak above the resident memory at the start of
                            each phase: connect (Synapses + connect() + S.w), delays
                            (S.delay = the array, which exists before: not counted), run
                            (20 ms, the delivery index is built); the kernel's high-water
                            mark, reset before each phase (/proc/self/clear_refs).
Resident figures are taken after malloc_trim(0), so that memory freed by temporaries
and kept by the C library does not count.
"""
import argparse
import json
import resource

import numpy as np


def trim() -> None:
    import ctypes
    ctypes.CDLL("libc.so.6").malloc_trim(0)


def phase_start() -> int:
    """Reset the high-water mark; the resident memory now."""
    trim()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return rss_bytes()


def high_water() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def synapse_array_bytes(S) -> int:
    arrays = [a for a in S.arrays.values() if a is not None]   # (StepDelays: .nbytes)
    arrays.append(S._rows)
    for st in S._pw_state.values():   # the delivery index and the spike queue
        arrays += [a for a in (st.get("index") or {}).values() if a is not S._rows]
        arrays += list((st.get("queue") or {}).values())
    return sum(a.nbytes for a in arrays if hasattr(a, "nbytes"))


def delays_in_steps(n_per_source: np.ndarray, dt: float, sort: bool, seed: int):
    """Normal(1.5 ms, 0.75 ms) delays in whole steps >= 1, times dt (s)."""
    rng = np.random.default_rng(seed)
    steps = np.maximum(1, np.rint(rng.normal(1.5e-3, 0.75e-3, int(n_per_source.sum()))
                                  / dt)).astype(np.int32)
    if sort:   # sorted within each source's synapses (they are stored by source)
        src = np.repeat(np.arange(len(n_per_source)), n_per_source)
        steps = steps[np.lexsort((steps, src))]
    return steps * dt


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--N", type=int, default=100_000)
    p.add_argument("--k", type=int, default=200, help="inputs per neuron")
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    p.add_argument("--delays", choices=["one", "per_synapse", "sorted"], default="one")
    p.add_argument("--connect", choices=["in_degree", "out_degree"], default="in_degree",
                   help="in_degree: made by target, so eqsim keeps Brian2's creation "
                        "numbers (4 bytes a synapse); out_degree: made by source")
    args = p.parse_args(argv)

    import eqsim as eq
    from eqsim.units import ms, mV
    G = eq.NeuronGroup(args.N, "dv/dt = -v/(20*ms) : volt", threshold="v > 20*mV",
                       reset="v = 0*mV", method="exact", name="g", seed=1)
    G.v = "25*mV*rand()"
    net = eq.Network(G)
    net.run(0.1 * ms)                      # compiled, numpy warm: measure from here on
    trim()
    base = rss_bytes()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    phases = {"connect": phase_start()}
    S = eq.Synapses(G, G, "w : volt", on_pre="v += w", name="s", seed=2,
                    delay=1.5 * ms if args.delays == "one" else None,
                    dtype=np.dtype(args.dtype))
    S.connect(**{args.connect: args.k}, seed=3)
    S.w = 0.1 * mV
    phases["connect"] = high_water() - phases["connect"]
    if args.delays != "one":
        delays = eq.units.Quantity(delays_in_steps(
            np.diff(S._rows), S.dt_, args.delays == "sorted", 4), eq.units.second.dim)
        phases["delays"] = phase_start()
        S.delay = delays
        phases["delays"] = high_water() - phases["delays"]
        del delays
    phases["run"] = phase_start()
    net = eq.Network(G, S)
    net.run(20 * ms)
    phases["run"] = high_water() - phases["run"]
    n = len(S)
    trim()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out = dict(N=args.N, k=args.k, dtype=args.dtype, delays=args.delays,
               connect=args.connect, synapses=n,
               arrays_bytes_per_synapse=synapse_array_bytes(S) / n,
               rss_bytes_per_synapse=(rss_bytes() - base) / n,
               peak_rss_bytes_per_synapse=(peak - max(peak_before, base)) / n,
               **{f"peak_{k}_bytes_per_synapse": v / n for k, v in phases.items()},
               arrays={k: str(getattr(a, "dtype", None) or a.steps.dtype)
                       for k, a in S.arrays.items() if a is not None},
               index={k: str(a.dtype) for k, a in
                      (S._pw_state["pre"].get("index") or {}).items()
                      if isinstance(a, np.ndarray) and a is not S._rows})
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
