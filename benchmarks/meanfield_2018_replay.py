"""The 2018 parameter set (benchmarks/meanfield_2018.py): where the mean-field's error
comes from. The network at F_aff (3 s; rates over [1, 3] s, population synchrony,
ISI CV), then unconnected copies of RecExc and RecInh fed (A) the network's recorded
trains, (B) the same trains each shifted by its own random circular offset, (C)
Poisson trains at the same rates (afferent Poisson as in the network).

    PYTHONPATH=.:benchmarks python benchmarks/meanfield_2018_replay.py --F 15

Prints one JSON line."""
import argparse
import json

import numpy as np
from meanfield_2018 import COMMON, INPUTS, LIF, VTHRE, cell, network

import eqsim as eq
from eqsim import drives
from eqsim import meanfield as mf
from eqsim.units import Hz, ms, mV, nS, second

BLOCK = 2.0


def copies(mode, spikes, sizes, rates, F, n_rep, seed):
    rng = np.random.default_rng(seed)
    objs, gens, mons = [], {}, {}
    if mode != "poisson":
        for src in ("RecExc", "RecInh", "DsInh"):
            i, t = spikes[src]
            if mode == "shifted":
                t = (t + rng.uniform(0, BLOCK, sizes[src])[i]) % BLOCK
            key = np.unique(np.round(t / 1e-4).astype(np.int64) % int(BLOCK / 1e-4)
                            * sizes[src] + i)
            gens[src] = eq.SpikeGeneratorGroup(sizes[src], key % sizes[src],
                                               (key // sizes[src]) * 1e-4 * second,
                                               period=BLOCK * second, name=f"gen_{src}")
            objs.append(gens[src])
    for k, tgt in enumerate(("RecExc", "RecInh")):
        G = eq.NeuronGroup(n_rep, LIF, threshold="V > Vthre", reset="V = Vreset",
                           refractory=5 * ms, method="euler",
                           namespace=dict(COMMON, Vthre=VTHRE[tgt]), name=f"c_{tgt}",
                           seed=seed + 1 + k)
        G.V = -70 * mV
        objs.append(G)
        for src, (var, q, kin) in INPUTS[tgt].items():
            if src == "AffExc":
                objs.append(drives.afferent(G, np.full(10, F) * Hz, var, q * nS,
                                            n_aff=100, p=kin / 100, dt=0.1 * ms,
                                            seed=seed + 50 + len(objs),
                                            name=f"aff_{tgt}"))
            elif mode == "poisson":
                objs.append(eq.PoissonInput(G, var, int(kin), rates[src] * Hz, q * nS,
                                            seed=seed + 60 + len(objs)))
            else:
                S = eq.Synapses(gens[src], G, on_pre=f"{var}_post += {q}*nS",
                                name=f"{src}_{tgt}")
                pre = rng.integers(0, sizes[src], size=(n_rep, int(kin)))
                S.connect(i=pre.ravel(), j=np.repeat(np.arange(n_rep), int(kin)))
                objs.append(S)
        mons[tgt] = eq.SpikeMonitor(G, name=f"m_{tgt}")
        objs.append(mons[tgt])
    eq.Network(*objs, *mons.values()).run(2 * BLOCK * second)
    return {p: round(float(np.count_nonzero(np.asarray(m.t_) >= BLOCK) / n_rep / BLOCK), 3)
            for p, m in mons.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--F", type=float, default=15.0)
    ap.add_argument("--replicas", type=int, default=1000)
    a = ap.parse_args()
    net, mons, groups = network(1.0, a.F)
    net.run((1 + BLOCK) * second)
    spikes, rates, sizes = {}, {}, {}
    out = {"F": a.F}
    for p, m in mons.items():
        t, i = np.asarray(m.t_), np.asarray(m.i)
        sel = t >= 1
        sizes[p] = groups[p].N
        spikes[p] = (i[sel], t[sel] - 1)
        rates[p] = sel.sum() / sizes[p] / BLOCK
        c5 = np.histogram(t[sel], np.arange(1, 1 + BLOCK + 1e-9, 5e-3))[0]
        tt, ii = t[sel], i[sel]
        o = np.lexsort((tt, ii))
        tt, ii = tt[o], ii[o]
        same = ii[1:] == ii[:-1]
        isi, who = np.diff(tt)[same], ii[1:][same]
        cnt = np.bincount(who, minlength=sizes[p])
        s1 = np.bincount(who, isi, sizes[p])
        s2 = np.bincount(who, isi ** 2, sizes[p])
        ok = cnt >= 4
        mean = s1[ok] / cnt[ok]
        cv = np.sqrt(np.maximum(s2[ok] / cnt[ok] - mean ** 2, 0)) / mean
        out[p] = {"rate": round(float(rates[p]), 3),
                  "pop_fano_5ms": round(float(c5.var() / c5.mean()), 2),
                  "isi_cv": round(float(cv.mean()), 3) if ok.any() else None}
    for mode in ("recorded", "shifted", "poisson"):
        out[mode] = copies(mode, spikes, sizes, rates, a.F, a.replicas, 7)
    # the fitted transfer functions (grids of benchmarks/meanfield_2018.py) at the
    # network's own rates
    r_in = dict(rates, AffExc=a.F)
    out["fitted_tf"] = {}
    for pop in ("RecExc", "RecInh"):
        grid = {"RecExc": np.linspace(0.5, 30, 20) * Hz, "RecInh": np.linspace(0, 60, 20) * Hz}
        tf = mf.fit(mf.transfer_function(cell(pop), grid, fixed={"AffExc": 20 * Hz},
                                         seeds=4, duration=1 * second))
        out["fitted_tf"][pop] = round(float(tf({n: r_in[n] for n in tf.inputs},
                                               check=False)), 3)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
