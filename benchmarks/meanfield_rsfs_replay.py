"""Where the RS-FS mean-field gap comes from: replicas of the network's cells (no
recurrence) fed (A) the network's own recorded spike trains, (B) the same trains each
shifted by its own random circular offset (pairwise correlations removed, each train's
statistics kept), (C) Poisson trains at the same rates; afferent Poisson as in the
network. (A) should give the network's rates; B vs C separates correlations from the
non-Poisson statistics of single trains.

    PYTHONPATH=.:examples python benchmarks/meanfield_rsfs_replay.py --F 8

Prints one JSON line."""
import argparse
import json
import sys

import numpy as np

sys.path.insert(0, "examples")
sys.path.insert(0, "benchmarks")
import meanfield_rsfs_checks as checks
from adex_rsfs import COMMON, MODEL, POPULATIONS

import eqsim as eq
from eqsim.units import Hz, ms, second

BLOCK = 2.0   # s of recorded network activity, replayed periodically


def replicas(label, n, seed):
    pop = POPULATIONS[label]
    ns = dict(COMMON, **{k: v for k, v in pop.items() if k != "frac"})
    G = eq.NeuronGroup(n, MODEL, threshold="V > Vthre + 5*deltaV",
                       reset="V = Vreset; w += b", refractory=5 * ms, method="euler",
                       namespace=ns, name=f"rep_{label}", seed=seed)
    G.V = COMMON["El"]
    return G


def record(F, N=5000):
    """The network's trains over BLOCK seconds after 1 s: (spikes {pop: (i, t)}, rates
    (Hz), population sizes, mean excitatory weight)."""
    net, mons, sizes, groups = checks.network(N, F, "fixed")
    net.run((1 + BLOCK) * second)
    spikes, rates = {}, {}
    for p in ("exc", "inh"):
        t, i = np.asarray(mons[p].t_), np.asarray(mons[p].i)
        sel = t >= 1
        spikes[p] = (i[sel], t[sel] - 1)
        rates[p] = float(sel.sum() / sizes[p] / BLOCK)
    return spikes, rates, sizes, float(np.mean(np.asarray(groups["exc"].w_)))


def inputs(G, tgt, k, mode, gens, sizes, rates, F, rng, seed, prefix=""):
    """The inputs of ``G``, the copies of population ``tgt`` (number ``k``): the afferent
    Poisson drive, and the recurrent inputs as Poisson trains at ``rates`` (mode
    "poisson") or from the generators ``gens`` replaying the network's trains."""
    n_rep = G.N
    out = [eq.PoissonInput(G, "G_aff", 200, F * Hz, COMMON["Q_aff"], seed=seed + 5 + k)]
    for src, var, q in (("exc", "G_exc", "Q_exc"), ("inh", "G_inh", "Q_inh")):
        kin = checks.K[src]
        if mode == "poisson":
            out.append(eq.PoissonInput(G, var, kin, rates[src] * Hz, COMMON[q],
                                       seed=seed + 10 + 2 * k + (src == "inh")))
        else:
            S = eq.Synapses(gens[src], G, on_pre=f"{var}_post += {q}",
                            namespace=COMMON, name=f"{prefix}{src}_{tgt}")
            pre = rng.integers(0, sizes[src], size=(n_rep, kin))
            S.connect(i=pre.ravel(), j=np.repeat(np.arange(n_rep), kin))
            out.append(S)
    return out


def run(mode, spikes, sizes, rates, F, n_rep, seed):
    objs, mons = [], {}
    rng = np.random.default_rng(seed)
    gens = {}
    if mode != "poisson":
        for src in ("exc", "inh"):
            i, t = spikes[src]
            if mode == "shifted":
                t = (t + rng.uniform(0, BLOCK, sizes[src])[i]) % BLOCK
            t = np.round(t / 1e-4) * 1e-4 % BLOCK
            i, idx = np.unique(np.round(t / 1e-4).astype(np.int64) * sizes[src] + i,
                               return_index=True)
            ii, tt = spikes[src][0][idx], None
            tt = (i // sizes[src]) * 1e-4
            ii = i % sizes[src]
            gens[src] = eq.SpikeGeneratorGroup(sizes[src], ii, tt * second,
                                               period=BLOCK * second, name=f"gen_{src}")
            objs.append(gens[src])
    for k, tgt in enumerate(("exc", "inh")):
        G = replicas(tgt, n_rep, seed + 1 + k)
        objs.append(G)
        objs += inputs(G, tgt, k, mode, gens, sizes, rates, F, rng, seed)
        mons[tgt] = eq.SpikeMonitor(G, name=f"m_{tgt}")
        objs.append(mons[tgt])
    eq.Network(*objs).run(2 * BLOCK * second)
    return {p: round(float(np.count_nonzero(np.asarray(m.t_) >= BLOCK) / n_rep / BLOCK), 3)
            for p, m in mons.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--F", type=float, default=8.0)
    ap.add_argument("--N", type=int, default=5000)
    ap.add_argument("--replicas", type=int, default=2000)
    a = ap.parse_args()
    spikes, rates, sizes, _ = record(a.F, a.N)
    out = {"F": a.F, "network": {p: round(float(r), 3) for p, r in rates.items()}}
    for mode in ("recorded", "shifted", "poisson"):
        out[mode] = run(mode, spikes, sizes, rates, a.F, a.replicas, 7)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
