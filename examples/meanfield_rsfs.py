"""Mean-field of the RS-FS AdExp network (../shared/models/adex_rsfs.md) from its own
equations, compared with the network:

1. transfer-function scans of the RS and FS cells (F_exc x F_inh grid x a noise axis
   that varies sigma_V at fixed mu_V, several seeds, each scan ONE compiled network,
   recording each point's output ISI CV), fitted (erfc of a second-order effective
   threshold in mu_V, sigma_V, tau_V; the CV as a polynomial of the same moments) and
   saved as JSON;
2. the rate equations (T = 5 ms, mean RS adaptation as a variable) compiled by eqsim,
   driven by the afferent rate F_aff(t) = 4 + 4*exp(-(t - 1 s)^2/(2*(100 ms)^2)) Hz
   (after a --warmup at 4 Hz, so that the network's adaptation has settled);
3. the network (4000 RS + 1000 FS, in-degrees 200 exc, 50 inh, 200 afferent Poisson
   trains per cell) with the same drive: rates at baseline and at the peak;
4. a sweep of constant afferent rates: the mean-field's fixed points (with --order2
   also the second-order ones) against the network's stationary rates.

Both mean-fields: Poisson inputs (compiled), and renewal inputs (each population's
trains gamma renewal trains with its own fitted ISI CV; sigma_V from their spectrum;
integrated in numpy): docs/meanfield.md.

    python examples/meanfield_rsfs.py                       # full size, a few minutes
    python examples/meanfield_rsfs.py --N 500 --grid 5 --seeds 1 --scan-duration 0.2 \\
        --duration 0.3 --sweep 4 --sweep-duration 0.3 --out /tmp/mf.png

Writes the figure (--out, default meanfield_rsfs.png), the fits beside it
(<out>_tf_exc.json, <out>_tf_inh.json) and the numbers (<out>.json).
"""
import json
from pathlib import Path

import numpy as np
from _network_common import Timer, arguments
from adex_rsfs import COMMON, MODEL, POPULATIONS

import eqsim as eq
from eqsim import drives
from eqsim import meanfield as mf
from eqsim.units import Hz, ms, second

K_EXC, K_INH, K_AFF = 200, 50, 200    # in-degrees of the 5000-neuron model
INPUTS = {"exc": mf.Input("G_exc", COMMON["Q_exc"], K_EXC),
          "aff": mf.Input("G_aff", COMMON["Q_aff"], K_AFF),
          "inh": mf.Input("G_inh", COMMON["Q_inh"], K_INH)}


def cell(pop: str) -> mf.Cell:
    ns = dict(COMMON, **{k: v for k, v in POPULATIONS[pop].items() if k != "frac"})
    return mf.Cell(MODEL, "V > Vthre + 5*deltaV", "V = Vreset; w += b", 5 * ms,
                   method="euler", namespace=ns, inputs=INPUTS, name=pop)


def drive(duration_s: float, base: float, bump: float, dt_s: float = 1e-4) -> np.ndarray:
    t = np.arange(int(round(duration_s / dt_s)) + 1) * dt_s
    return base + bump * np.exp(-(t - 2 / 3 * duration_s) ** 2 /
                                (2 * (duration_s / 15) ** 2))


def network(N: int, rate: np.ndarray, seed: int):
    """The RS-FS network at size N with the in-degrees of N = 5000 (each target draws
    K_EXC excitatory and K_INH inhibitory partners, with replacement, as
    neural_network_dynamics does); afferent: an independent Poisson train per neuron
    at K_AFF*F(t) (eqsim.drives.afferent)."""
    n_exc = int(round(0.8 * N))
    sizes = {"exc": n_exc, "inh": N - n_exc}
    groups = {}
    for k, (label, pop) in enumerate(POPULATIONS.items()):
        ns = dict(COMMON, **{key: v for key, v in pop.items() if key != "frac"})
        G = eq.NeuronGroup(sizes[label], MODEL, threshold="V > Vthre + 5*deltaV",
                           reset="V = Vreset; w += b", refractory=5 * ms, method="euler",
                           namespace=ns, name=label, seed=seed + k)
        G.V = COMMON["El"]
        groups[label] = G
    aff = drives.afferent(list(groups.values()), rate * Hz, "G_aff", COMMON["Q_aff"],
                          n_aff=2 * K_AFF, p=0.5, dt=0.1 * ms, seed=seed + 2, name="aff")
    synapses = []
    for src, var, q, k in (("exc", "G_exc", "Q_exc", K_EXC), ("inh", "G_inh", "Q_inh",
                                                               K_INH)):
        for tgt in ("exc", "inh"):
            S = eq.Synapses(groups[src], groups[tgt], on_pre=f"{var}_post += {q}",
                            namespace=COMMON, name=f"{src}_{tgt}")
            # fixed in-degree k (as neural_network_dynamics builds it), no autapses
            rng = np.random.default_rng(seed + 10 + len(synapses))
            n_src, n_tgt = sizes[src], sizes[tgt]
            pre = rng.integers(0, n_src - (src == tgt), size=(n_tgt, k))
            if src == tgt:   # skip the target itself
                pre += pre >= np.arange(n_tgt)[:, None]
            S.connect(i=pre.ravel(), j=np.repeat(np.arange(n_tgt), k))
            synapses.append(S)
    mons = {p: eq.SpikeMonitor(G, name=f"spikes_{p}") for p, G in groups.items()}
    return eq.Network(*groups.values(), aff, *synapses, *mons.values()), mons, sizes


def window_rate(mon, n: int, t0: float, t1: float) -> float:
    t = np.asarray(mon.t_)
    return float(np.count_nonzero((t >= t0) & (t < t1)) / n / (t1 - t0))


def main(argv=None):
    parser = arguments(__doc__, 5000, 1.5)
    parser.add_argument("--grid", type=int, default=20, help="scan points per axis")
    parser.add_argument("--seeds", type=int, default=4, help="cells per scan point")
    parser.add_argument("--scan-duration", type=float, default=3.0,
                        help="s per scan (the ISI CVs need a few intervals per point)")
    parser.add_argument("--noise", default="0.6,1,1.5",
                        help="factors s of the scans' noise axis (Q*s at nu/s; '' none)")
    parser.add_argument("--renewal-dt", type=float, default=0.25,
                        help="time step (ms) of the renewal mean-field's integration")
    parser.add_argument("--sweep", default="3,4,5,6,7,8", help="afferent rates (Hz)")
    parser.add_argument("--sweep-duration", type=float, default=2.0,
                        help="s per sweep run (the first half is skipped)")
    parser.add_argument("--order2", action="store_true", help="add the 2nd-order model")
    parser.add_argument("--T", type=float, default=5.0,
                        help="time constant of the rate equations (ms)")
    parser.add_argument("--warmup", type=float, default=1.0,
                        help="s at 4 Hz before the time-varying drive")
    args = parser.parse_args(argv)
    out = Path(args.out or "meanfield_rsfs.png")
    times, result = {}, {"N": args.N}

    # 1. transfer functions
    tfs = {}
    for pop, f_max in (("exc", 20.0), ("inh", 20.0)):
        grid = {"exc": np.linspace(0.5, f_max, args.grid) * Hz,
                "inh": np.linspace(0.0, 40.0, args.grid) * Hz}
        with Timer() as t:
            scan = mf.transfer_function(cell(pop), grid, seeds=args.seeds,
                                        duration=args.scan_duration * second,
                                        backend=args.backend, seed=args.seed,
                                        noise=[float(x) for x in args.noise.split(",")]
                                        if args.noise else None)
        times[f"scan_{pop}_s"] = round(t.seconds, 2)
        with Timer() as t:
            tfs[pop] = mf.fit(scan)
        times[f"fit_{pop}_s"] = round(t.seconds, 3)
        path = tfs[pop].save(out.with_name(f"{out.stem}_tf_{pop}.json"))
        tfs[pop] = mf.TransferFunction.load(path)     # what is saved is what is used
        result[f"fit_mae_{pop}_hz"] = round(tfs[pop].mae_hz, 3)
        result[f"scan_max_rate_{pop}_hz"] = round(float(scan.mean.max()), 2)
        result[f"cv_fit_{pop}"] = None if tfs[pop].cv is None else {
            "mae": round(tfs[pop].cv["mae"], 3), "points": tfs[pop].cv["points"]}
        print(f"{pop}: scan of {scan.mean.size} points x {args.seeds} seeds in "
              f"{times[f'scan_{pop}_s']} s, fit MAE {tfs[pop].mae_hz:.3f} Hz")

    # 2. mean-field with the time-varying drive, after a 1 s warm-up at 4 Hz (both the
    # network and the mean-field start there: the RS adaptation has time to settle)
    T, W0 = args.duration, args.warmup
    F = np.concatenate([np.full(int(round(W0 / 1e-4)), 4.0), drive(T, 4.0, 4.0)])
    T = T + W0
    base_win = (W0 + 0.1 * args.duration, W0 + 0.4 * args.duration)   # 4 sigma before
    peak = W0 + 2 / 3 * args.duration
    peak_win = (peak - 0.05, peak + 0.05)
    with Timer() as t:
        model = mf.RateModel(tfs, afferent={"aff": eq.TimedArray(F * Hz, dt=0.1 * ms)},
                             T=args.T * ms)
        fp = model.find_fixed_point(afferent={"aff": 4.0})
        run = model.run(T * second, init=fp.rates, backend=args.backend,
                        record_dt=1 * ms)
    times["meanfield_run_s"] = round(t.seconds, 2)
    t_mf = run.t

    def mf_rate(pop, win):
        sel = (t_mf >= win[0]) & (t_mf < win[1])
        return float(np.mean(run.rates[pop][sel]))

    renewal = all(tf.cv is not None for tf in tfs.values())
    runr = None
    if renewal:
        with Timer() as t:
            modelr = mf.RateModel(tfs, afferent={"aff": eq.TimedArray(F * Hz, dt=0.1 * ms)},
                                  T=args.T * ms, inputs="renewal")
            fpr = modelr.find_fixed_point(afferent={"aff": 4.0}, guess=fp.rates)
            runr = modelr.run(T * second, init=fpr.rates, dt=args.renewal_dt * ms,
                              record_dt=1 * ms)
        times["meanfield_renewal_run_s"] = round(t.seconds, 2)
    else:
        print("renewal mean-field skipped: a scan had too few ISIs for a CV model")

    runs2 = None
    if args.order2:
        with Timer() as t:
            m2 = mf.RateModel(tfs, afferent={"aff": eq.TimedArray(F * Hz, dt=0.1 * ms)},
                              order=2, sizes={"exc": 4000, "inh": 1000}, T=args.T * ms)
            runs2 = m2.run(T * second, init=fp.rates, backend=args.backend,
                           record_dt=1 * ms)
        times["meanfield_order2_s"] = round(t.seconds, 2)

    # 3. the network with the same drive
    with Timer() as t:
        net, mons, sizes = network(args.N, F, args.seed)
        net.run(T * second, backend=args.backend)
    times["network_run_s"] = round(t.seconds, 2)
    bins = np.arange(0, T + 1e-9, 0.01)
    net_rates = {p: np.histogram(np.asarray(mons[p].t_), bins)[0] / sizes[p] / 0.01
                 for p in ("exc", "inh")}
    table = {}
    for pop in ("exc", "inh"):
        for name, win in (("baseline", base_win), ("peak", peak_win)):
            ntw = window_rate(mons[pop], sizes[pop], *win)
            mfr = mf_rate(pop, win)
            table[f"{pop}_{name}"] = {"network_hz": round(ntw, 3),
                                      "meanfield_hz": round(mfr, 3),
                                      "error": round((mfr - ntw) / ntw, 3) if ntw else None}
    for key, rr in (("order2_hz", runs2), ("renewal_hz", runr)):
        if rr is None:
            continue
        for pop in ("exc", "inh"):
            for name, win in (("baseline", base_win), ("peak", peak_win)):
                sel = (rr.t >= win[0]) & (rr.t < win[1])
                table[f"{pop}_{name}"][key] = round(float(np.mean(rr.rates[pop][sel])), 3)
                if key == "renewal_hz" and table[f"{pop}_{name}"]["network_hz"]:
                    table[f"{pop}_{name}"]["renewal_error"] = round(
                        table[f"{pop}_{name}"][key] / table[f"{pop}_{name}"]["network_hz"]
                        - 1, 3)
    result["time_varying"] = table
    result["fixed_point_4hz"] = {p: round(v, 3) for p, v in fp.rates.items()}
    result["fixed_point_stable"] = fp.stable

    # 4. sweep of constant afferent rates
    rates = [float(x) for x in args.sweep.split(",")]
    sweep = {"aff_hz": rates, "network": {"exc": [], "inh": []},
             "meanfield": {"exc": [], "inh": []}}
    Ts = args.sweep_duration
    with Timer() as t_sweep:
        msweep = mf.RateModel(tfs, afferent={"aff": np.array(rates) * Hz})
        m2sweep = mf.RateModel(tfs, afferent={"aff": np.array(rates) * Hz}, order=2,
                               sizes={"exc": 4000, "inh": 1000}) if args.order2 else None
        mrsweep = mf.RateModel(tfs, afferent={"aff": np.array(rates) * Hz},
                               inputs="renewal") if renewal else None
        if mrsweep is not None:
            sweep["renewal"] = {"exc": [], "inh": [], "cv_exc": [], "cv_inh": []}
        if m2sweep is not None:
            sweep["order2"] = {"exc": [], "inh": [], "stable": []}
        for r in rates:
            f = msweep.find_fixed_point(afferent={"aff": r})
            for pop in ("exc", "inh"):
                sweep["meanfield"][pop].append(round(f.rates[pop], 3))
            if mrsweep is not None:   # renewal inputs, from the Poisson fixed point
                fr = mrsweep.find_fixed_point(afferent={"aff": r}, guess=f.rates)
                for pop in ("exc", "inh"):
                    sweep["renewal"][pop].append(round(fr.rates[pop], 3))
                    sweep["renewal"][f"cv_{pop}"].append(round(float(fr.cv[pop]), 3))
            if m2sweep is not None:   # second-order fixed point (covariances)
                f2 = m2sweep.find_fixed_point(afferent={"aff": r})
                for pop in ("exc", "inh"):
                    sweep["order2"][pop].append(round(f2.rates[pop], 3))
                sweep["order2"]["stable"].append(f2.stable)
    with Timer() as t_net:
        for r in rates:
            net, mons, sizes = network(args.N, np.full(10, r), args.seed)
            net.run(Ts * second, backend=args.backend)
            for pop in ("exc", "inh"):
                sweep["network"][pop].append(round(window_rate(mons[pop], sizes[pop],
                                                               Ts / 2, Ts), 3))
    times["sweep_meanfield_s"] = round(t_sweep.seconds, 2)
    times["sweep_network_s"] = round(t_net.seconds, 2)
    for key in ("meanfield", "renewal"):
        if key not in sweep:
            continue
        errs = {}
        for pop in ("exc", "inh"):
            n = np.array(sweep["network"][pop])
            m = np.array(sweep[key][pop])
            ok = n > 0
            errs[pop] = round(float(np.max(np.abs(m[ok] - n[ok]) / n[ok])), 3) \
                if ok.any() else None
            sweep.setdefault(f"{key}_error", {})[pop] = [
                round(float(a / b - 1), 3) if b > 0 else None for a, b in zip(m, n)]
        sweep["max_relative_error" if key == "meanfield" else
              "renewal_max_relative_error"] = errs
    result["sweep"] = sweep
    result["seconds"] = times
    print(json.dumps(result))
    out.with_suffix(".json").write_text(json.dumps(result, indent=1))

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    ax = axes[0]
    ax.plot(np.arange(F.size) * 1e-4 * 1e3, F, "k")
    ax.axvspan(base_win[0] * 1e3, base_win[1] * 1e3, color="0.9", label="baseline")
    ax.axvspan(peak_win[0] * 1e3, peak_win[1] * 1e3, color="0.8", label="peak")
    ax.legend(fontsize=7)
    ax.set(xlabel="time (ms)", ylabel="F_aff (Hz)", title="afferent drive")
    colors = {"exc": "tab:green", "inh": "tab:red"}
    ax = axes[1]
    for pop in ("exc", "inh"):
        ax.plot(bins[:-1] * 1e3 + 5, net_rates[pop], color=colors[pop], alpha=0.5,
                label=f"network {pop}")
        ax.plot(t_mf * 1e3, run.rates[pop], color=colors[pop], lw=2,
                label=f"mean-field {pop}")
        if runs2 is not None:
            ax.plot(runs2.t * 1e3, runs2.rates[pop], "--", color=colors[pop],
                    label=f"2nd order {pop}")
        if runr is not None:
            ax.plot(runr.t * 1e3, runr.rates[pop], ":", color=colors[pop], lw=2,
                    label=f"renewal {pop}")
    ax.set(xlabel="time (ms)", ylabel="rate (Hz)", yscale="log",
           title=f"network ({args.N} neurons, 10 ms bins) vs mean-field")
    ax.legend(fontsize=7)
    ax = axes[2]
    for pop in ("exc", "inh"):
        ax.plot(rates, sweep["network"][pop], "o", color=colors[pop],
                label=f"network {pop}")
        ax.plot(rates, sweep["meanfield"][pop], "-", color=colors[pop],
                label=f"mean-field {pop}")
        if "renewal" in sweep:
            ax.plot(rates, sweep["renewal"][pop], ":", color=colors[pop], lw=2,
                    label=f"renewal {pop}")
    ax.set(xlabel="afferent rate (Hz)", ylabel="stationary rate (Hz)", yscale="log",
           title="sweep of constant drives")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    print(f"wrote {out}")
    return result


if __name__ == "__main__":
    main()
