"""Connectivity: the same 1,000 LIF neurons wired three ways — a ring lattice, a small
world (Watts & Strogatz 1998, rewiring p = 0.1) and a random graph with the same number
of synapses — each driven by the same Poisson input for 300 ms. Prints the graphs'
clustering and path length and the network rate; writes the three rasters.

    python examples/small_world.py                  # writes small_world.png
    python examples/small_world.py --N 300 --duration 100 --out /tmp/sw.png
"""
import argparse
from collections import deque

import numpy as np

import eqsim as eq
from eqsim import topology
from eqsim.units import Hz, ms, mV


def clustering_and_path_length(n, i, j, samples=20):
    adj = [set() for _ in range(n)]
    for a, b in zip(i.tolist(), j.tolist()):
        adj[a].add(b)
    c = []
    for nb in map(list, adj):
        k = len(nb)
        if k > 1:
            links = sum(nb[b] in adj[nb[a]] for a in range(k) for b in range(a + 1, k))
            c.append(2 * links / (k * (k - 1)))
    lengths = []
    for s in np.linspace(0, n - 1, samples).astype(int):
        dist, queue = {s: 0}, deque([s])
        while queue:
            a = queue.popleft()
            for b in adj[a]:
                if b not in dist:
                    dist[b] = dist[a] + 1
                    queue.append(b)
        lengths += [d for d in dist.values() if d]
    return float(np.mean(c)), float(np.mean(lengths))


def simulate(n, i, j, duration, name):
    G = eq.NeuronGroup(n, """dv/dt = (-v + ge)/(10*ms) : volt (unless refractory)
                             dge/dt = -ge/(5*ms) : volt""",
                       threshold="v > 15*mV", reset="v = 0*mV", refractory=3 * ms,
                       method="exact", name=name, seed=1)
    G.v = "15*mV*rand()"
    drive = eq.PoissonInput(G, "ge", 100, 10 * Hz, 2.6 * mV, seed=2, name=f"{name}_in")
    S = eq.Synapses(G, G, on_pre="ge += 1.2*mV", delay=1 * ms, name=f"{name}_syn")
    S.connect(i=i, j=j)
    spikes = eq.SpikeMonitor(G)
    eq.Network(G, drive, S, spikes).run(duration)
    return spikes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--N", type=int, default=1000)
    parser.add_argument("--k", type=int, default=10, help="neighbours per neuron")
    parser.add_argument("--duration", type=float, default=300.0, help="ms")
    parser.add_argument("--out", default="small_world.png")
    args = parser.parse_args(argv)
    n = args.N
    graphs = {"ring lattice": topology.ring_lattice(n, args.k),
              "small world": topology.watts_strogatz(n, args.k, 0.1, seed=3)}
    S = eq.Synapses(eq.NeuronGroup(n, "v : 1"), eq.NeuronGroup(n, "v : 1"))
    S.connect(total=n * args.k, autapses=False, seed=4)       # a random graph, same size
    graphs["random"] = (S.i, S.j)

    rasters = {}
    print(f"{'graph':<13} {'synapses':>8} {'clustering':>10} {'path length':>11} "
          f"{'rate (Hz)':>9}")
    for k, (label, (i, j)) in enumerate(graphs.items()):
        c, length = clustering_and_path_length(n, i, j)
        spikes = simulate(n, i, j, args.duration * ms, f"net{k}")
        rate = spikes.num_spikes / n / (args.duration / 1000)
        rasters[label] = spikes
        print(f"{label:<13} {len(i):>8} {c:>10.3f} {length:>11.2f} {rate:>9.1f}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(3, 1, figsize=(8, 7), sharex=True)
    for ax, (label, spikes) in zip(axes, rasters.items()):
        ax.plot(spikes.t / ms, spikes.i, ",k")
        ax.set_title(label, fontsize=9, loc="left")
        ax.set_ylabel("neuron")
    axes[-1].set_xlabel("time (ms)")
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
