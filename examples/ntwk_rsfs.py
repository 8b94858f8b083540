"""The RS-FS AdExp network of neural_network_dynamics (../shared/models/adex_rsfs.md) as
its README uses it: a time-varying afferent rate, a parameter change half-way through
the run, the whole run saved to one HDF5 file, eqsim.plot.activity_plot, and a small
scan (afferent rate x inhibitory quantal conductance) on 2 processes.

    python examples/ntwk_rsfs.py       # 5000 neurons, 1.5 s; scan 3 x 3 of 0.5 s runs
    python examples/ntwk_rsfs.py --N 500 --duration 0.2 --scan-size 2 --out /tmp/r.png

Writes the figure (--out, default ntwk_rsfs.png), the run (--h5, default: the figure's
name with .h5) and the scan's files (--scan-dir, default: the figure's name + _scan).

Afferent drive, as the package builds it: every target neuron gets its own Poisson train
at p_aff * N_aff * F_aff(t) (p_aff = 0.5, N_aff = 400), F_aff(t) = base + 4 Hz *
exp(-(t - t_peak)^2 / (2 sigma^2)) with t_peak = 2/3 and sigma = 1/15 of the run (1 s and
100 ms at 1.5 s) and base = 4 Hz; here a TimedArray read by one compiled PoissonGroup per
population, each neuron feeding its own target (no input generated in Python loops).
With --N below 5000 the in-degrees stay those of the full model (200 afferents, p = 0.05
of 5000 recurrent partners), so that a small network is driven alike. Half-way, the adaptation of the RS cells is switched off (b: 40 pA -> 0 pA) between two
pieces of one run, without rebuilding anything.
"""
import functools
import json
from pathlib import Path

import numpy as np

import eqsim as eq
from eqsim.units import Hz, nS, pA, second
from eqsim.zoo import net_rsfs as rsfs

from _network_common import Timer, arguments

P_AFF = 0.5


def afferent_rate(duration_s: float, base_hz: float, dt_s: float = 1e-4) -> eq.TimedArray:
    """F_aff(t) on the time grid, as a TimedArray (Hz)."""
    t = np.arange(int(round(duration_s / dt_s)) + 1) * dt_s
    peak, sigma = 2 / 3 * duration_s, duration_s / 15
    return eq.TimedArray((base_hz + 4 * np.exp(-(t - peak) ** 2 / (2 * sigma ** 2))) * Hz,
                         dt=dt_s * second)


def build(seed: int, F_aff=4 * Hz, Q_inh=4 * nS, N: int = 5000, duration_s: float = 1.5):
    """The network (with its monitors) for one seed, afferent base rate and Q_inh: the
    build function of the run and of the scan (one compiled module for both)."""
    common = dict(rsfs.common_params(), Q_inh=Q_inh)
    # in-degrees as in the 5000-neuron model at any N (a smaller network gets the same
    # mean input): 200 afferents and p = 0.05 of 4000 + 1000 recurrent partners
    drive = {"F": afferent_rate(duration_s, float(F_aff)), "n_in": P_AFF * 400}
    p_rec = min(1.0, 0.05 * 5000 / N)
    groups, sizes = rsfs.groups(N, seed)   # eqsim.zoo's RS and FS cells
    inputs, synapses = [], []
    for k, (label, G) in enumerate(groups.items()):
        aff = eq.PoissonGroup(sizes[label], "n_in*F(t)", namespace=drive,
                              name=f"aff_{label}", seed=seed + 10 + k)
        S = eq.Synapses(aff, G, on_pre="G_aff_post += Q_aff", namespace=common,
                        name=f"aff_{label}_syn")
        S.connect(j="i")
        inputs.append(aff)
        synapses.append(S)
    for src, var, q in (("exc", "G_exc", "Q_exc"), ("inh", "G_inh", "Q_inh")):
        for tgt in ("exc", "inh"):
            S = eq.Synapses(groups[src], groups[tgt], on_pre=f"{var}_post += {q}",
                            namespace=common, name=f"{src}_{tgt}")
            S.connect(p=p_rec, seed=seed + 20 + len(synapses))
            synapses.append(S)
    mons = [eq.SpikeMonitor(groups["exc"], name="spikes_exc"),
            eq.SpikeMonitor(groups["inh"], name="spikes_inh"),
            eq.StateMonitor(groups["exc"], "V", record=[0, 1, 2], name="V_exc")]
    return eq.Network(*groups.values(), *inputs, *synapses, *mons)


def _rates(net, t0: float, t1: float) -> dict:
    out = {}
    for label in ("exc", "inh"):
        m = net[f"spikes_{label}"]
        n = np.count_nonzero((m.t_ >= t0) & (m.t_ < t1))
        out[label] = round(n / m.N / (t1 - t0), 3)
    return out


def main(argv=None):
    parser = arguments(__doc__, 5000, 1.5)
    parser.add_argument("--h5", default=None, help="HDF5 file of the run")
    parser.add_argument("--scan-dir", default=None, help="folder of the scan's files")
    parser.add_argument("--scan-size", type=int, default=3, help="points per axis")
    parser.add_argument("--scan-duration", type=float, default=None,
                        help="seconds per scan run (default: a third of --duration)")
    args = parser.parse_args(argv)
    out = Path(args.out or "ntwk_rsfs.png")
    h5 = Path(args.h5) if args.h5 else out.with_suffix(".h5")
    scan_dir = Path(args.scan_dir) if args.scan_dir else out.with_name(out.stem + "_scan")
    T = args.duration

    # one run, in two pieces: RS adaptation off half-way
    with Timer() as t_build:
        net = build(args.seed, N=args.N, duration_s=T)

    def adaptation_off(net):
        net["exc"].namespace["b"] = 0 * pA

    with Timer() as t_run:
        net.run(T * second, backend=args.backend, at=[(T / 2 * second, adaptation_off)])
    net.save_hdf5(h5, seed=args.seed, meta={"change": "exc b 40 pA -> 0 pA at T/2"})
    saved = eq.load_hdf5(h5)   # plain arrays with units, no network needed
    summary = {"model": "ntwk RS-FS", "N": args.N, "duration_s": T,
               "rates_first_half_hz": _rates(net, 0, T / 2),
               "rates_second_half_hz": _rates(net, T / 2, T),
               "saved_spikes": {k: saved[f"spikes_{k}"].num_spikes for k in
                                ("exc", "inh")},
               "b_exc_saved": str(saved.groups["exc"].namespace["b"]),
               "build_s": round(t_build.seconds, 3), "run_s": round(t_run.seconds, 3),
               "module_compiled": bool(net.build_info.compiled)}
    print(json.dumps(summary))
    print(f"wrote {h5}")

    import matplotlib
    matplotlib.use("Agg")
    fig = eq.plot.activity_plot(net, var="V")
    fig.suptitle(f"RS-FS, {args.N} neurons; RS adaptation off at {T / 2:g} s", fontsize=10)
    fig.savefig(out, dpi=100)
    print(f"wrote {out}")

    # afferent base rate x Q_inh, on 2 processes, one compiled module (the same one)
    k = args.scan_size
    scan_T = args.scan_duration or T / 3
    grid = {"F_aff": list(np.linspace(2, 6, k) * Hz), "Q_inh": list(np.linspace(2, 6, k) * nS)}
    with Timer() as t_scan:
        rows = eq.scan(functools.partial(build, N=args.N, duration_s=scan_T), grid,
                       seeds=[args.seed], processes=2, out_dir=scan_dir,
                       duration=scan_T * second)
    print(f"scan of {len(rows)} runs of {scan_T:g} s in {t_scan.seconds:.1f} s "
          f"({scan_dir}):")
    print(" F_aff (Hz)  Q_inh (nS)  exc (Hz)  inh (Hz)  status")
    for r in rows:
        print(f"{float(r['F_aff']):10.1f}  {float(r['Q_inh'] / nS):10.1f}  "
              f"{r.get('rate_spikes_exc', np.nan):8.2f}  "
              f"{r.get('rate_spikes_inh', np.nan):8.2f}  {r['status']}")
    return summary, rows


if __name__ == "__main__":
    main()
