"""Checks of the RS-FS mean-field gap (docs/meanfield.md, "Where the RS error comes
from"): the network at constant afferent rate F with fixed vs random in-degree and
larger N (same in-degree), rates in several windows, mean adaptation, rate spread and
population synchrony.

    PYTHONPATH=.:examples python benchmarks/meanfield_rsfs_checks.py --F 8 --N 5000 \\
        --conn fixed --duration 3

Prints one JSON line."""
import argparse
import json
import sys
import time

import numpy as np

sys.path.insert(0, "examples")
from adex_rsfs import COMMON, MODEL, POPULATIONS

import eqsim as eq
from eqsim import drives
from eqsim.units import Hz, ms, second

K = {"exc": 200, "inh": 50}


def network(N, F, conn, seed=1):
    n_exc = round(0.8 * N)
    sizes = {"exc": n_exc, "inh": N - n_exc}
    groups = {}
    for k, (label, pop) in enumerate(POPULATIONS.items()):
        ns = dict(COMMON, **{key: v for key, v in pop.items() if key != "frac"})
        G = eq.NeuronGroup(sizes[label], MODEL, threshold="V > Vthre + 5*deltaV",
                           reset="V = Vreset; w += b", refractory=5 * ms, method="euler",
                           namespace=ns, name=label, seed=seed + k)
        G.V = COMMON["El"]
        groups[label] = G
    aff = drives.afferent(list(groups.values()), np.full(10, F) * Hz, "G_aff",
                          COMMON["Q_aff"], n_aff=400, p=0.5, dt=0.1 * ms, seed=seed + 2,
                          name="aff")
    syn = []
    for src, var, q in (("exc", "G_exc", "Q_exc"), ("inh", "G_inh", "Q_inh")):
        for tgt in ("exc", "inh"):
            S = eq.Synapses(groups[src], groups[tgt], on_pre=f"{var}_post += {q}",
                            namespace=COMMON, name=f"{src}_{tgt}")
            rng = np.random.default_rng(seed + 10 + len(syn))
            n_src, n_tgt, k = sizes[src], sizes[tgt], K[src]
            if conn == "fixed":
                pre = rng.integers(0, n_src - (src == tgt), size=(n_tgt, k))
                if src == tgt:
                    pre += pre >= np.arange(n_tgt)[:, None]
                S.connect(i=pre.ravel(), j=np.repeat(np.arange(n_tgt), k))
            else:   # random: Bernoulli with p = k/n_src (binomial in-degree)
                S.connect(p=k / n_src, seed=seed + 10 + len(syn))
            syn.append(S)
    mons = {p: eq.SpikeMonitor(G, name=f"spikes_{p}") for p, G in groups.items()}
    return eq.Network(*groups.values(), aff, *syn, *mons.values()), mons, sizes, groups


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--F", type=float, default=8.0)
    ap.add_argument("--N", type=int, default=5000)
    ap.add_argument("--conn", default="fixed")
    ap.add_argument("--duration", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    t0 = time.perf_counter()
    net, mons, sizes, groups = network(a.N, a.F, a.conn, a.seed)
    net.run(a.duration * second)
    out = {"F": a.F, "N": a.N, "conn": a.conn, "duration": a.duration,
           "run_s": round(time.perf_counter() - t0, 1)}
    for p in ("exc", "inh"):
        t = np.asarray(mons[p].t_)
        i = np.asarray(mons[p].i)
        n = sizes[p]
        for w0, w1 in ((1, 2), (2, a.duration), (1, a.duration)):
            if w1 > w0:
                out[f"{p}_rate_{w0}_{w1:g}"] = round(
                    float(np.count_nonzero((t >= w0) & (t < w1)) / n / (w1 - w0)), 3)
        sel = t >= 1.0
        per = np.bincount(i[sel], minlength=n) / (a.duration - 1)
        out[f"{p}_rate_cv"] = round(float(per.std() / per.mean()), 3)
        out[f"{p}_silent_frac"] = round(float(np.mean(per == 0)), 3)
        # population synchrony: Fano factor of the population spike count in 1 ms bins
        c = np.histogram(t[sel], np.arange(1.0, a.duration + 1e-9, 1e-3))[0]
        out[f"{p}_pop_fano_1ms"] = round(float(c.var() / c.mean()), 2)
        c5 = np.histogram(t[sel], np.arange(1.0, a.duration + 1e-9, 5e-3))[0]
        out[f"{p}_pop_fano_5ms"] = round(float(c5.var() / c5.mean()), 2)
    w = np.asarray(groups["exc"].w_)
    r = out[f"exc_rate_2_{a.duration:g}"] if a.duration > 2 else out["exc_rate_1_2"]
    out["exc_mean_w_pA"] = round(float(w.mean()) * 1e12, 2)
    out["exc_b_nu_tauw_pA"] = round(40 * r * 0.5, 2)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
