"""Make the pictures and numbers of docs/analysis.md from one COBA run (Vogels & Abbott
2005; examples/coba.py) with two labelled populations, E and I.

    python docs/img/make_analysis_figures.py            # about 10 s
    python docs/img/make_analysis_figures.py --N 1000 --duration 0.2 --out /tmp/img

Writes activity_plot.png, raster.png, currents.png and analysis_numbers.json.
"""
import argparse
import json
import os
import sys
import time

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
import numpy as np  # noqa: E402

import eqsim as eq  # noqa: E402
from eqsim import analysis, plot  # noqa: E402
from eqsim.units import mV, ms, pA, second  # noqa: E402

PARAMS = dict(Cm=200 * eq.pF, gl=10 * eq.nS, El=-60 * mV, Ee=0 * mV, Ei=-80 * mV,
              taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, we=6 * eq.nS,
              wi=67 * eq.nS)
MODEL = """
dv/dt  = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v))/Cm : volt (unless refractory)
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens
"""


def _mean(x) -> float:
    """Mean over the finite values (NaN: neurons with too few spikes), 3 decimals."""
    x = np.asarray(x)[np.isfinite(x)]
    return round(float(x.mean()), 3) if x.size else float("nan")


def build(N: int, seed: int):
    NE = int(round(0.8 * N))
    G = eq.NeuronGroup(N, MODEL, threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
                       method="euler", namespace=PARAMS, name="coba", seed=seed)
    G.v = "El + (randn()*5 - 5)*mV"
    G.ge = "(randn()*1.5 + 4)*10.*nS"
    G.gi = "(randn()*12 + 20)*10.*nS"
    G[:NE].label = "E"
    G[NE:].label = "I"
    Se = eq.Synapses(G[:NE], G, on_pre="ge += we", namespace=PARAMS)
    Se.connect(p=0.02, seed=seed + 1)
    Si = eq.Synapses(G[NE:], G, on_pre="gi += wi", namespace=PARAMS)
    Si.connect(p=0.02, seed=seed + 2)
    spikes = eq.SpikeMonitor(G)
    state = eq.StateMonitor(G, ["v", "ge", "gi"], record=[0, 1, NE])
    return eq.Network(G, Se, Si, spikes, state), spikes, state


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--N", type=int, default=4000)
    parser.add_argument("--duration", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    net, spikes, state = build(args.N, args.seed)
    t0 = time.perf_counter()
    net.run(args.duration * second)
    run_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    window = dict(t_start=100 * ms, t_stop=args.duration * second)
    rates = analysis.population_rates(spikes, **window)
    cv = analysis.isi_cv(spikes)
    ff = analysis.fano_factor(spikes, 50 * ms, **window)
    corr = analysis.spike_count_correlation(spikes, 50 * ms, label="E", **window)
    _, act = analysis.population_activity(spikes, 1 * ms, kernel="gaussian",
                                          width=2 * ms, **window)
    # Golomb's chi of the membrane potentials of the recorded neurons and of smoothed
    # spike counts of 200 excitatory neurons
    chi_v = analysis.synchrony_chi(state.v)
    _, counts = analysis.binned_counts(spikes, 5 * ms, label="E", **window)
    chi_counts = analysis.synchrony_chi(counts[:200])
    vm = analysis.vm_stats(state, "v", **window)
    IE, II = analysis.ei_currents(state, E_e=PARAMS["Ee"], E_i=PARAMS["Ei"], **window)
    balance = analysis.ei_balance(IE, II)
    trains = spikes.spike_trains()
    vp = analysis.victor_purpura_matrix([trains[k] for k in range(5)], 100 * eq.Hz)
    analysis_s = time.perf_counter() - t0

    numbers = {
        "N": args.N, "duration_s": args.duration, "run_s": round(run_s, 2),
        "analysis_s": round(analysis_s, 3), "spikes": int(spikes.num_spikes),
        "rates_hz": {k: round(float(v), 2) for k, v in rates.items()},
        "mean_isi_cv": _mean(cv),
        "mean_fano_50ms": _mean(ff),
        "mean_count_correlation_E_50ms": round(analysis.mean_correlation(corr[:400, :400]),
                                               4),
        "chi_v": round(chi_v, 3), "chi_counts_5ms": round(chi_counts, 3),
        "activity_mean_hz": round(float(np.mean(np.asarray(act))), 2),
        "vm_mean_mV": [round(float(x), 2) for x in vm["mean"] / mV],
        "vm_std_mV": [round(float(x), 2) for x in vm["std"] / mV],
        "vm_skewness": [round(float(x), 3) for x in vm["skewness"]],
        "mean_IE_pA": [round(float(x), 1) for x in balance["mean_E"] / pA],
        "mean_II_pA": [round(float(x), 1) for x in balance["mean_I"] / pA],
        "ei_ratio": [round(float(x), 3) for x in balance["ratio"]],
        "ei_correlation": [round(float(x), 3) for x in balance["correlation"]],
        "victor_purpura_0_1_q100Hz": round(float(vp[0, 1]), 3),
    }
    with open(os.path.join(args.out, "analysis_numbers.json"), "w") as f:
        json.dump(numbers, f, indent=1)
    print(json.dumps(numbers, indent=1))

    fig = plot.activity_plot(net, figsize=(10, 7))
    fig.axes[0].set_title(f"COBA, {args.N} neurons (E, I labelled): "
                          "eqsim.plot.activity_plot(net)", loc="left", fontsize=10)
    fig.savefig(os.path.join(args.out, "activity_plot.png"), dpi=80)

    fig = Figure(figsize=(8, 3))
    ax = fig.add_subplot()
    plot.raster(spikes, ax=ax, markersize=1)
    ax.set_xlim(100, 300)
    ax.set_title("eqsim.plot.raster(spikes): one colour per label", loc="left",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "raster.png"), dpi=80)

    fig = Figure(figsize=(8, 3))
    ax = fig.add_subplot()
    t = state.t_[(state.t_ >= 0.1) & (state.t_ < args.duration)] * 1e3
    ax.plot(t, IE[0] / pA, color="tab:red", lw=0.8, label="I_E")
    ax.plot(t, II[0] / pA, color="tab:blue", lw=0.8, label="I_I")
    ax.plot(t, (IE[0] + II[0]) / pA, color="k", lw=0.8, label="I_E + I_I")
    ax.set_xlim(100, 300)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("current (pA)")
    ax.legend(loc="upper right", fontsize="small", ncol=3)
    ax.set_title(f"eqsim.analysis.ei_currents: neuron 0, ratio -I/E = "
                 f"{float(balance['ratio'][0]):.2f}", loc="left", fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "currents.png"), dpi=80)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
