"""The 2018 parameter set of neural_network_dynamics (configs/The_Spectrum_of_Asynch_Dyn_2018,
Zerlaut et al. 2019): LIF cells (RecExc, RecInh, DsInh; Vthre -50/-53/-50 mV), Q = 2 nS
(exc), 10 nS (inh), 4 nS (afferent); in-degrees 200 exc and 50 inh (p = 0.05), 10
afferent (p = 0.1 of 100; 7.5 onto DsInh), 25 DsInh -> RecInh. Mean-field (scans, fits,
fixed points) against the network at F_aff = 10, 15, 20 Hz.

    PYTHONPATH=. python benchmarks/meanfield_2018.py [--scale 1] [--noise 0.6,1,1.5]

Scans with a noise axis (--noise; '' for none) and 3 s per point (the ISI CVs); the
fixed points of the Poisson mean-field (first and second order) and of the renewal one
(inputs='renewal': each population's trains gamma renewal trains with its fitted CV).

Prints one JSON line (docs/meanfield.md quotes it)."""
import argparse
import json
import time

import numpy as np

import eqsim as eq
from eqsim import drives
from eqsim import meanfield as mf
from eqsim.units import Hz, ms, mV, nS, pF, second

LIF = """
dV/dt = (Gl*(El - V) + G_exc*(Ee - V) + G_inh*(Ei - V))/Cm : volt (unless refractory)
dG_exc/dt = -G_exc/Tse : siemens
dG_inh/dt = -G_inh/Tsi : siemens
"""
COMMON = dict(Gl=10 * nS, Cm=200 * pF, El=-70 * mV, Vreset=-70 * mV, Ee=0 * mV,
              Ei=-80 * mV, Tse=5 * ms, Tsi=5 * ms)
VTHRE = {"RecExc": -50 * mV, "RecInh": -53 * mV, "DsInh": -50 * mV}
SIZES = {"RecExc": 4000, "RecInh": 1000, "DsInh": 500}
# {target: {source: (variable, Q, in-degree)}}
INPUTS = {
    "RecExc": {"RecExc": ("G_exc", 2, 200), "RecInh": ("G_inh", 10, 50),
               "AffExc": ("G_exc", 4, 10)},
    "RecInh": {"RecExc": ("G_exc", 2, 200), "RecInh": ("G_inh", 10, 50),
               "AffExc": ("G_exc", 4, 10), "DsInh": ("G_inh", 10, 25)},
    "DsInh": {"AffExc": ("G_exc", 4, 7.5)},
}


def cell(pop):
    ns = dict(COMMON, Vthre=VTHRE[pop])
    inputs = {src: mf.Input(var, q * nS, k) for src, (var, q, k) in INPUTS[pop].items()}
    return mf.Cell(LIF, "V > Vthre", "V = Vreset", 5 * ms, namespace=ns, inputs=inputs,
                   name=pop)


def network(scale, f_aff, seed=1):
    groups = {}
    for k, pop in enumerate(SIZES):
        G = eq.NeuronGroup(max(1, int(SIZES[pop] * scale)), LIF, threshold="V > Vthre",
                           reset="V = Vreset", refractory=5 * ms, method="euler",
                           namespace=dict(COMMON, Vthre=VTHRE[pop]), name=pop,
                           seed=seed + k)
        G.V = -70 * mV
        groups[pop] = G
    objs = list(groups.values())
    rng = np.random.default_rng(seed)
    for tgt, inputs in INPUTS.items():
        for src, (var, q, k) in inputs.items():
            if src == "AffExc":
                objs.append(drives.afferent(groups[tgt], np.full(10, f_aff) * Hz, var,
                                            q * nS, n_aff=100, p=k / 100, dt=0.1 * ms,
                                            seed=seed + 50 + len(objs),
                                            name=f"aff_{tgt}"))
                continue
            n_src, n_tgt, kk = groups[src].N, groups[tgt].N, int(k)
            pre = rng.integers(0, n_src, size=(n_tgt, kk))
            S = eq.Synapses(groups[src], groups[tgt], on_pre=f"{var}_post += {q}*nS",
                            name=f"{src}_{tgt}")
            S.connect(i=pre.ravel(), j=np.repeat(np.arange(n_tgt), kk))
            objs.append(S)
    mons = {p: eq.SpikeMonitor(G, name=f"sp_{p}") for p, G in groups.items()}
    return eq.Network(*objs, *mons.values()), mons, groups


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--rates", default="10,15,20")
    ap.add_argument("--grid-max", default="30,60",
                    help="largest RecExc, RecInh rates of the scans (Hz)")
    ap.add_argument("--noise", default="0.6,1,1.5", help="the scans' noise axis")
    ap.add_argument("--scan-duration", type=float, default=3.0)
    args = ap.parse_args()
    t0 = time.perf_counter()
    tfs = {}
    for pop in SIZES:
        c = cell(pop)
        if pop == "DsInh":
            grid = {"AffExc": np.linspace(1, 40, 40) * Hz}
        else:
            e_max, i_max = (float(x) for x in args.grid_max.split(","))
            grid = {"RecExc": np.linspace(0.5, e_max, 20) * Hz,
                    "RecInh": np.linspace(0, i_max, 20) * Hz}
        fixed = {"AffExc": 20 * Hz} if pop != "DsInh" else {}
        scan = mf.transfer_function(c, grid, fixed=fixed, seeds=4,
                                    duration=args.scan_duration * second,
                                    noise=[float(x) for x in args.noise.split(",")]
                                    if args.noise else None)
        tfs[pop] = mf.fit(scan)
    t_fit = time.perf_counter() - t0
    out = {"fit_mae_hz": {p: round(tf.mae_hz, 3) for p, tf in tfs.items()},
           "cv_fit_mae": {p: None if tf.cv is None else round(tf.cv["mae"], 3)
                          for p, tf in tfs.items()},
           "scans_and_fits_s": round(t_fit, 1), "points": []}
    rates = [float(r) for r in args.rates.split(",")]
    model = mf.RateModel(tfs, afferent={"AffExc": 20 * Hz})
    model2 = mf.RateModel(tfs, afferent={"AffExc": 20 * Hz}, order=2, sizes=SIZES)
    modelr = mf.RateModel(tfs, afferent={"AffExc": 20 * Hz}, inputs="renewal") \
        if all(tf.cv is not None for tf in tfs.values()) else None
    for r in rates:
        fp = model.find_fixed_point(afferent={"AffExc": r},
                                    guess={"RecExc": 1, "RecInh": 5, "DsInh": 5})
        guess = {"RecExc": 1, "RecInh": 5, "DsInh": 5}
        try:
            fp2 = model2.find_fixed_point(afferent={"AffExc": r}, guess=guess)
            order2 = {p: round(v, 3) for p, v in fp2.rates.items()}
            order2["stable"] = fp2.stable
        except eq.EqsimError as exc:   # e.g. no second-order fixed point near
            order2 = str(exc)
        renewal = None
        if modelr is not None:
            try:
                fpr = modelr.find_fixed_point(afferent={"AffExc": r}, guess=fp.rates)
                renewal = {p: round(v, 3) for p, v in fpr.rates.items()}
                renewal["stable"] = fpr.stable
                renewal["cv"] = {p: round(float(v), 3) for p, v in fpr.cv.items()}
            except eq.EqsimError as exc:
                renewal = str(exc)
        net, mons, groups = network(args.scale, r)
        net.run(2 * second)
        ntw = {p: round(float(np.count_nonzero(np.asarray(m.t_) >= 1.0)) / groups[p].N, 3)
               for p, m in mons.items()}
        out["points"].append({"F_aff_hz": r, "network_hz": ntw,
                              "meanfield_hz": {p: round(v, 3) for p, v in fp.rates.items()},
                              "stable": fp.stable, "order2_hz": order2,
                              "renewal_hz": renewal})
    out["total_s"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
