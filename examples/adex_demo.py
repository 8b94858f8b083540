"""AdExp firing patterns (Naud, Marcille, Clopath & Gerstner 2008, Biol. Cybern. 99:335).

Five AdExp neurons with the parameter sets of Naud et al.'s Table 1 receive a current
step; each parameter is a per-neuron model parameter, so one group holds all five.
Prints a summary per neuron and writes traces and a raster to a PNG.

    python examples/adex_demo.py            # writes adex_demo.png
    python examples/adex_demo.py --out /tmp/x.png --duration 300
"""
import argparse
import time

import numpy as np

import eqsim as eq
from eqsim.units import mV, ms, nS, pA, pF

MODEL = """
dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) + I - w)/C : volt
dw/dt = (a*(v - EL) - w)/tauw : amp
C : farad
gL : siemens
EL : volt
VT : volt
DeltaT : volt
a : siemens
tauw : second
b : amp
Vr : volt
I : amp
"""

#            C(pF) gL(nS) EL(mV) VT(mV) a(nS) tauw(ms) b(pA) Vr(mV) I(pA)
PATTERNS = {
    "tonic":        (200, 10, -70, -50, 2, 30, 0, -58, 500),
    "adapting":     (200, 12, -70, -50, 2, 300, 60, -58, 500),
    "initial burst": (130, 18, -58, -50, 4, 150, 120, -50, 400),
    "bursting":     (200, 10, -58, -50, 2, 120, 100, -46, 210),
    "delayed":      (200, 12, -70, -50, -10, 300, 0, -58, 300),
}


def build():
    table = np.array(list(PATTERNS.values()), dtype=float)
    G = eq.NeuronGroup(len(PATTERNS), MODEL, threshold="v > 0*mV",
                       reset="v = Vr; w += b", method="euler", name="adex")
    G.C, G.gL, G.EL, G.VT = table[:, 0] * pF, table[:, 1] * nS, table[:, 2] * mV, \
        table[:, 3] * mV
    G.DeltaT = 2 * mV
    G.a, G.tauw, G.b, G.Vr = table[:, 4] * nS, table[:, 5] * ms, table[:, 6] * pA, \
        table[:, 7] * mV
    G.v = G.EL
    return G, table[:, 8] * pA


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=500.0, help="ms of stimulation")
    parser.add_argument("--out", default="adex_demo.png", help="PNG file to write")
    parser.add_argument("--backend", default="c", choices=["c", "numpy"])
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    G, current = build()
    spikes = eq.SpikeMonitor(G)
    trace = eq.StateMonitor(G, ["v", "w"], record=True)
    net = eq.Network(G, spikes, trace)
    net.run(20 * ms, backend=args.backend)            # at rest
    G.I = current                                      # current step on
    net.run(args.duration * ms, backend=args.backend)
    wall = time.perf_counter() - t0

    print(f"eqsim {eq.__version__}: {len(G)} AdExp neurons, {float(net.t / ms):.0f} ms "
          f"simulated in {wall:.2f} s (compiled: {net.build_info.compiled})")
    trains = spikes.spike_trains()
    print(f"{'pattern':<14} {'spikes':>6} {'first ISI':>10} {'last ISI':>9}")
    for k, name in enumerate(PATTERNS):
        t = np.asarray(trains[k] / ms)
        isi = np.diff(t)
        first = f"{isi[0]:.1f} ms" if len(isi) else "-"
        last = f"{isi[-1]:.1f} ms" if len(isi) else "-"
        print(f"{name:<14} {len(t):>6} {first:>10} {last:>9}")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(len(PATTERNS) + 1, 1, figsize=(8, 10), sharex=True)
    for k, (name, ax) in enumerate(zip(PATTERNS, axes)):
        ax.plot(trace.t / ms, trace.v[k] / mV, lw=0.8)
        ax.set_ylabel("v (mV)")
        ax.set_title(name, fontsize=9, loc="left")
    axes[-1].plot(spikes.t / ms, spikes.i, "|k")
    axes[-1].set_ylabel("neuron")
    axes[-1].set_xlabel("time (ms)")
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
