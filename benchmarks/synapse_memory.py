#!/usr/bin/env python
"""Bytes per synapse: a weight per synapse, one homogeneous delay, float64 or float32.

    python benchmarks/synapse_memory.py                    # 100,000 neurons x 200 inputs
    python benchmarks/synapse_memory.py --N 20000 --k 100 --dtype float32

N LIF neurons, each with exactly k excitatory inputs (connect(in_degree=k)), the weight
``w`` a per-synapse variable stored as --dtype, on_pre "v += w", delay 1.5 ms; run 20 ms.
Prints one JSON line:

  arrays_bytes_per_synapse  every array eqsim keeps for the Synapses object (indices,
                            weights, the delivery index and the spike queue), divided
                            by the number of synapses;
  rss_bytes_per_synapse     growth of the process's resident memory from before the
                            Synapses object was made to after the run, per synapse;
  peak_rss_bytes_per_synapse  the same for the peak (connect() needs temporaries).
"""
import argparse
import json
import resource

import numpy as np


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def synapse_array_bytes(S) -> int:
    arrays = [a for a in S.arrays.values() if a is not None]
    arrays += list(getattr(S, "_index", {}).values())
    queue = getattr(S, "_queue", None) or {}
    arrays += [a for a in queue.values() if isinstance(a, np.ndarray)]
    return sum(a.nbytes for a in arrays if isinstance(a, np.ndarray))


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--N", type=int, default=100_000)
    p.add_argument("--k", type=int, default=200, help="inputs per neuron")
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    args = p.parse_args(argv)

    import eqsim as eq
    from eqsim.units import ms, mV
    G = eq.NeuronGroup(args.N, "dv/dt = -v/(20*ms) : volt", threshold="v > 20*mV",
                       reset="v = 0*mV", method="exact", name="g", seed=1)
    G.v = "25*mV*rand()"
    net = eq.Network(G)
    net.run(0.1 * ms)                      # compiled, numpy warm: measure from here on
    base = rss_bytes()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    S = eq.Synapses(G, G, "w : volt", on_pre="v += w", delay=1.5 * ms, name="s",
                    seed=2, dtype=np.dtype(args.dtype))
    S.connect(in_degree=args.k, seed=3)
    S.w = 0.1 * mV
    net = eq.Network(G, S)
    net.run(20 * ms)
    n = len(S)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out = dict(N=args.N, k=args.k, dtype=args.dtype, synapses=n,
               arrays_bytes_per_synapse=synapse_array_bytes(S) / n,
               rss_bytes_per_synapse=(rss_bytes() - base) / n,
               peak_rss_bytes_per_synapse=(peak - max(peak_before, base)) / n,
               arrays={k: str(a.dtype) for k, a in S.arrays.items() if a is not None})
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
