"""Checks of the renewal (non-Poisson input) correction of eqsim.meanfield, step by step
(docs/meanfield.md, "Renewal inputs"):

1. sigma: free membranes (current and conductance synapses) driven by K simulated gamma
   trains (CV 0.5, 0.75, 1, 1.5; 10 and 40 Hz): simulated sigma_V against the renewal
   prediction and the Poisson formula;
2. replay: the RS-FS network at F_aff (5000 cells, fixed in-degrees) records 2 s of
   spikes; (a) the trains' ISI CV and the sigma_V excess from their own autocorrelation
   (the exact second-order statistics, any process) against gamma trains of that CV;
   (b) passive copies of the RS and FS membranes (the spike current left out, the RS
   adaptation frozen at its mean b*nu*tau_w) under (B) the recorded trains each shifted
   by a random circular offset and (C) Poisson trains at the same rates: simulated
   sigma_V against the predictions; (c) spiking copies (the replay of
   meanfield_rsfs_replay.py, B and C): their rates against the fitted transfer
   function with Poisson and with renewal sigma_V, fitted on scans without and with
   the noise axis; (d) spiking copies under Poisson input whose sigma_V is lowered to
   the renewal value (each recurrent input's K and Q rescaled: same mean conductance,
   mu_V and tau_V): how the cells' rate depends on sigma_V at fixed mu_V.

    PYTHONPATH=.:examples python benchmarks/meanfield_renewal_checks.py [--F 8] [--part sigma|replay|all]

Prints JSON lines."""
import argparse
import json
import sys
import time

import numpy as np

sys.path.insert(0, "examples")
sys.path.insert(0, "benchmarks")
import meanfield_rsfs_replay as replay
from adex_rsfs import COMMON, MODEL, POPULATIONS
from meanfield_rsfs import cell

import eqsim as eq
from eqsim import meanfield as mf
from eqsim.meanfield.moments import firing_rate
from eqsim.meanfield.renewal import renewal_excess
from eqsim.units import Hz, ms, mV, nS, pA, pF, second

BLOCK = 2.0


def gamma_trains(n, rate, cv, duration, dt, rng):
    k = 1.0 / cv ** 2
    t = np.cumsum(rng.gamma(k, 1 / (k * rate), size=(n, int((duration + 2) * rate * 2
                                                             + 60))), axis=1) - 2.0
    i = np.broadcast_to(np.arange(n)[:, None], t.shape)
    keep = (t >= 0) & (t < duration)
    key = np.unique(np.floor(t[keep] / dt).astype(np.int64) * n + i[keep])
    return key % n, (key // n) * dt


def part_sigma():
    cuba = "dv/dt = (EL - v)/tau + I/C : volt\ndI/dt = -I/tau_s : amp"
    cuba_ns = dict(EL=-65 * mV, tau=20 * ms, C=200 * pF, tau_s=5 * ms)
    coba = "dv/dt = (gL*(EL - v) + ge*(Ee - v))/C : volt\ndge/dt = -ge/tau_s : siemens"
    coba_ns = dict(gL=10 * nS, EL=-65 * mV, Ee=0 * mV, C=200 * pF, tau_s=5 * ms)
    K, per, dur, dt = 50, 100, 4.0, 1e-4
    rng = np.random.default_rng(11)
    cases = [(r, cv) for r in (10.0, 40.0) for cv in (0.5, 0.75, 1.0, 1.5)]
    idx, tim = [], []
    for k, (r, cv) in enumerate(cases):
        i, t = gamma_trains(per * K, r, cv, dur, dt, rng)
        idx.append(i + k * per * K)
        tim.append(t)
    n = len(cases) * per
    t0 = time.perf_counter()
    gen = eq.SpikeGeneratorGroup(n * K, np.concatenate(idx), np.concatenate(tim) * second)
    groups = {"current": eq.NeuronGroup(n, cuba, namespace=cuba_ns),
              "conductance": eq.NeuronGroup(n, coba, namespace=coba_ns)}
    objs = [gen]
    for kind, G in groups.items():
        G.v = -65 * mV
        S = eq.Synapses(gen, G, on_pre="I_post += 20*pA" if kind == "current"
                        else "ge_post += 1*nS")
        S.connect(i=np.arange(n * K), j=np.arange(n * K) // K)
        objs += [G, S]
    mons = {kind: eq.StateMonitor(G, "v", record=True, dt=0.5 * ms)
            for kind, G in groups.items()}
    eq.Network(*objs, *mons.values()).run(dur * second)
    out = {"part": "sigma", "K": K, "cells_per_case": per, "duration_s": dur,
           "seconds": round(time.perf_counter() - t0, 1), "rows": []}
    for kind, (model, ns, inp) in {"current": (cuba, cuba_ns, mf.Input("I", 20 * pA, K)),
                                   "conductance": (coba, coba_ns,
                                                   mf.Input("ge", 1 * nS, K))}.items():
        form = mf.cell_form(mf.Cell(model, "v > 1000*mV", namespace=ns, inputs={"e": inp}))
        v = np.asarray(mons[kind].v_)[:, int(0.3 / 0.5e-3):]
        for k, (r, cv) in enumerate(cases):
            sim = float(v[k * per:(k + 1) * per].std())
            th = float(mf.moments(form, {"e": r}, cv={"e": cv})["sV"])
            po = float(mf.moments(form, {"e": r})["sV"])
            out["rows"].append({"synapse": kind, "rate": r, "cv": cv,
                                "sim_mV": round(sim * 1e3, 4),
                                "renewal_mV": round(th * 1e3, 4),
                                "poisson_mV": round(po * 1e3, 4),
                                "renewal_err": round(th / sim - 1, 4),
                                "poisson_err": round(po / sim - 1, 4)})
    print(json.dumps(out))


def train_stats(i, t, n, L=0.5, ds=2.5e-4):
    """Pooled ISI CV and the mean over trains of nu_i*m_i(s) - nu_i^2 (lags s < L)."""
    o = np.lexsort((t, i))
    i, t = i[o], t[o]
    edges = np.arange(0, L + ds / 2, ds)
    s = 0.5 * (edges[1:] + edges[:-1])
    counts = np.zeros(s.size)
    for k in range(1, 400):
        same = i[k:] == i[:-k]
        lag = (t[k:] - t[:-k])[same]
        lag = lag[lag < L]
        if lag.size == 0:
            break
        counts += np.histogram(lag, edges)[0]
    nu_i = np.bincount(i, minlength=n) / BLOCK
    dens = counts / (n * (BLOCK - s) * ds)
    isi = np.diff(t)[i[1:] == i[:-1]]
    return {"nu": float(nu_i.mean()), "cv": float(isi.std() / isi.mean()), "s": s,
            "cov": dens - np.mean(nu_i ** 2), "ds": ds}


def j_empirical(st, tk, tm):
    """sigma_V excess per train and unit rate (J of eqsim.meanfield.renewal) from the
    trains' own autocorrelation: 2/nu int (nu m(s) - nu^2) A(s) ds, A the unit PSP's
    autocorrelation."""
    c, tau = np.array([1.0, -1.0]) / (tk - tm), np.array([tk, tm])
    A = sum(c[a] * c[b] * np.exp(-st["s"] / tau[b]) / (1 / tau[a] + 1 / tau[b])
            for a in range(2) for b in range(2))
    return 2 * float(np.sum(A * st["cov"])) * st["ds"] / st["nu"]


def passive(label, w0):
    """The RS/FS membrane without the spike current, adaptation frozen at w0."""
    model = MODEL.replace(" + Gl*deltaV*exp((V - Vthre)/deltaV)", "")
    model = model.replace("- w)/Cm", "- w0)/Cm")
    model = "\n".join(ln for ln in model.splitlines() if not ln.strip().startswith("dw/dt"))
    ns = dict(COMMON, **{k: v for k, v in POPULATIONS[label].items() if k != "frac"})
    ns["w0"] = w0
    return model, ns


def sigma_variants(form, rates, stats, cv_model=None):
    """sigma_V (mV): Poisson, gamma at the trains' CV, gamma at the CV model's values,
    and from the trains' own autocorrelation."""
    m = mf.moments(form, rates)
    out = {"poisson": float(m["sV"])}
    cvs = {p: stats[p]["cv"] for p in ("exc", "inh")}
    out["gamma_cv_measured"] = float(mf.moments(form, rates, cv=cvs)["sV"])
    if cv_model is not None:
        out["gamma_cv_model"] = float(mf.moments(form, rates, cv=cv_model)["sV"])
    extra = 0.0
    for p in ("exc", "inh"):
        ch = form.channels[p]
        a = (ch.B + ch.C * m["muV"]) * ch.Q
        extra += ch.K * rates[p] * (a * ch.tau * m["tau_m"]) ** 2 * j_empirical(
            stats[p], ch.tau, m["tau_m"])
    out["empirical"] = float(np.sqrt(m["sV"] ** 2 + extra))
    return {k: round(v * 1e3, 4) for k, v in out.items()}


def replay_passive(mode, spikes, sizes, rates, F, w_exc, n_rep=400, seed=7):
    rng = np.random.default_rng(seed)
    objs, mons, gens = [], {}, {}
    if mode == "shifted":
        for src in ("exc", "inh"):
            i, t = spikes[src]
            t = (t + rng.uniform(0, BLOCK, sizes[src])[i]) % BLOCK
            key = np.unique(np.round(t / 1e-4).astype(np.int64) % int(round(BLOCK / 1e-4))
                            * sizes[src] + i)
            gens[src] = eq.SpikeGeneratorGroup(sizes[src], key % sizes[src],
                                               (key // sizes[src]) * 1e-4 * second,
                                               period=BLOCK * second, name=f"pg_{src}")
            objs.append(gens[src])
    for k, tgt in enumerate(("exc", "inh")):
        model, ns = passive(tgt, w_exc if tgt == "exc" else 0 * pA)
        G = eq.NeuronGroup(n_rep, model, method="euler", namespace=ns, name=f"p_{tgt}")
        G.V = COMMON["El"]
        objs += [G] + replay.inputs(G, tgt, k, mode, gens, sizes, rates, F, rng, seed,
                                    prefix="p_")
        mons[tgt] = eq.StateMonitor(G, "V", record=True, dt=0.5 * ms, name=f"pv_{tgt}")
        objs.append(mons[tgt])
    eq.Network(*objs).run(BLOCK * second)
    out = {}
    for p, m in mons.items():
        v = np.asarray(m.V_)[:, int(0.3 / 0.5e-3):]
        out[p] = {"muV_mV": round(float(v.mean()) * 1e3, 3),
                  "sV_mV": round(float(v.std()) * 1e3, 4)}
    return out


def single_cells(c, rates, n=2000, seed=3):
    """Mean rate of n unconnected cells under the scan's compiled Poisson input."""
    from eqsim.meanfield.scan import poisson_group
    G = poisson_group(c, mf.cell_form(c), {k: np.full(n, v) for k, v in rates.items()},
                      name=f"g_{c.name}", seed=seed)
    mon = eq.SpikeMonitor(G, record=False, name=f"m_{c.name}")
    net = eq.Network(G, mon)
    net.run(1.5 * second)
    before = mon.counts.copy()
    net.run(2 * second)
    return float((mon.counts - before).mean() / 2)


def stationary(tf, rates, extra_s2=0.0, cv=None):
    """The TF's stationary rate with sigma_V^2 + extra_s2 (bisection)."""
    lo, hi = 0.0, 300.0
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        m = tf.moments(rates, nu_out=mid, cv=cv)
        m["sV"] = np.sqrt(m["sV"] ** 2 + extra_s2)
        r = firing_rate(m, tf.coeffs, tf.form.tau_m0, tf.norm, clamp=tf.clamp)
        lo, hi = (mid, hi) if r > mid else (lo, mid)
    return 0.5 * (lo + hi)


def part_replay(F, scan_duration):
    import meanfield_rsfs_replay as replay
    t0 = time.perf_counter()
    spikes, rates, sizes, w_exc = replay.record(F)
    stats = {p: train_stats(*spikes[p], sizes[p]) for p in ("exc", "inh")}
    out = {"part": "replay", "F": F, "network": {p: round(r, 3) for p, r in rates.items()},
           "isi_cv": {p: round(stats[p]["cv"], 3) for p in stats},
           "mean_w_pA": round(w_exc * 1e12, 2)}
    fits = {}
    for label, noise in (("grid", None), ("noise_axis", (0.6, 1.0, 1.5))):
        fits[label] = {}
        for pop in ("exc", "inh"):
            grid = {"exc": np.linspace(0.5, 20, 20) * Hz,
                    "inh": np.linspace(0, 40, 20) * Hz}
            fits[label][pop] = mf.fit(mf.transfer_function(
                cell(pop), grid, seeds=4, duration=scan_duration * second, seed=1,
                noise=noise))
    tfs = fits["noise_axis"]
    r_in = {"exc": rates["exc"], "aff": F, "inh": rates["inh"]}
    # the CV model of each source population at its own inputs
    cv_model = {}
    for p in ("exc", "inh"):
        m = tfs[p].moments(r_in, nu_out=rates[p])
        cv_model[p] = round(float(tfs[p].output_cv(m)), 3)
    out["cv_model_at_network_rates"] = cv_model
    # (a) J per source channel, relative to the Poisson term, for the RS membrane
    Jrel = {}
    for tgt in ("exc", "inh"):
        form = tfs[tgt].form
        m = mf.moments(form, r_in, nu_out=rates[tgt])
        for p in ("exc", "inh"):
            ch = form.channels[p]
            P = 1 / (2 * (ch.tau + m["tau_m"]))
            Jrel[f"{p}->{tgt}"] = {
                "gamma": round(float(renewal_excess(stats[p]["nu"], stats[p]["cv"], ch.tau,
                                                    m["tau_m"]) / P), 4),
                "empirical": round(j_empirical(stats[p], ch.tau, m["tau_m"]) / P, 4)}
    out["J_over_poisson"] = Jrel
    # (b) passive membranes
    sims = {mode: replay_passive(mode, spikes, sizes, rates, F, w_exc * 1e12 * pA)
            for mode in ("shifted", "poisson")}
    out["passive"] = {}
    for tgt in ("exc", "inh"):
        model, ns = passive(tgt, (w_exc if tgt == "exc" else 0.0) * 1e12 * pA)
        form = mf.cell_form(mf.Cell(model, "V > 1000*mV", namespace=ns, inputs=cell(tgt).inputs))
        out["passive"][tgt] = {"sim_B": sims["shifted"][tgt], "sim_C": sims["poisson"][tgt],
                               "predicted": sigma_variants(form, r_in, stats, cv_model)}
    # (c) spiking copies and the transfer function
    rep = {mode: replay.run(mode, spikes, sizes, rates, F, 2000, 7)
           for mode in ("shifted", "poisson")}
    out["spiking"] = {}
    for tgt in ("exc", "inh"):
        out["spiking"][tgt] = {"sim_B": rep["shifted"][tgt], "sim_C": rep["poisson"][tgt],
                               "sim_B_over_C": round(rep["shifted"][tgt]
                                                     / rep["poisson"][tgt], 3)}
        for label, fit_ in fits.items():
            tf = fit_[tgt]
            m = tf.moments(r_in, nu_out=rates[tgt])
            extra = 0.0
            for p in ("exc", "inh"):
                ch = tf.form.channels[p]
                a = (ch.B + ch.C * m["muV"]) * ch.Q
                extra += ch.K * r_in[p] * (a * ch.tau * m["tau_m"]) ** 2 * j_empirical(
                    stats[p], ch.tau, m["tau_m"])
            pred = {"poisson": stationary(tf, r_in),
                    "gamma_cv_measured": stationary(tf, r_in, cv={
                        p: stats[p]["cv"] for p in ("exc", "inh")}),
                    "gamma_cv_model": stationary(tf, r_in, cv=cv_model),
                    "empirical": stationary(tf, r_in, extra)}
            out["spiking"][tgt][f"TF_{label}"] = {k: round(v, 3) for k, v in pred.items()}
            out["spiking"][tgt][f"TF_{label}_over_poisson"] = {
                k: round(v / pred["poisson"], 3) for k, v in pred.items()}
    # (d) Poisson input with sigma_V lowered to the renewal value (gamma, measured CVs)
    out["sigma_equivalent"] = {}
    for tgt in ("exc", "inh"):
        c0 = cell(tgt)
        m = tfs[tgt].moments(r_in, nu_out=rates[tgt])
        inputs = dict(c0.inputs)
        for p in ("exc", "inh"):
            ch = tfs[tgt].form.channels[p]
            s_ = 1 + float(renewal_excess(r_in[p], stats[p]["cv"], ch.tau, m["tau_m"])) \
                * 2 * (ch.tau + m["tau_m"])
            K0 = c0.inputs[p].K
            K1 = int(round(K0 / s_))
            inputs[p] = mf.Input(c0.inputs[p].var, c0.inputs[p].Q * K0 / K1, K1)
        res = {}
        for label, inp in (("poisson", c0.inputs), ("sigma_lowered", inputs)):
            c = mf.Cell(c0.model, c0.threshold, c0.reset, c0.refractory, method=c0.method,
                        namespace=c0.namespace, inputs=inp, name=f"{tgt}_{label}")
            res[label] = round(single_cells(c, r_in), 3)
            res[label + "_sV_mV"] = round(float(mf.moments(mf.cell_form(c), r_in,
                                                           nu_out=res[label])["sV"]) * 1e3, 3)
        res["ratio"] = round(res["sigma_lowered"] / res["poisson"], 3)
        for label, fit_ in fits.items():
            res[f"TF_{label}_ratio"] = round(stationary(fit_[tgt], r_in, cv={
                p: stats[p]["cv"] for p in ("exc", "inh")}) / stationary(fit_[tgt], r_in), 3)
        out["sigma_equivalent"][tgt] = res
    out["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--F", type=float, default=8.0)
    ap.add_argument("--part", default="all", choices=("sigma", "replay", "all"))
    ap.add_argument("--scan-duration", type=float, default=3.0)
    a = ap.parse_args()
    if a.part in ("sigma", "all"):
        part_sigma()
    if a.part in ("replay", "all"):
        part_replay(a.F, a.scan_duration)


if __name__ == "__main__":
    main()
