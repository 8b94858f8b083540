"""f-I curve of the Traub-Miles Hodgkin-Huxley neuron of the COBAHH benchmark
(Brette et al. 2007, benchmark 3), integrated with exponential Euler.

One group of N neurons, each injected with a different constant current; prints the
rheobase and a few rates, writes the curve to a PNG.

    python examples/hh_fi_curve.py                 # writes hh_fi_curve.png
    python examples/hh_fi_curve.py --N 20 --duration 200 --out /tmp/fi.png
"""
import argparse

import numpy as np

import eqsim as eq
from eqsim import models
from eqsim.units import cm, mV, ms, msiemens, nA, siemens, ufarad, umetre

AREA = 20000 * umetre ** 2
PARAMS = dict(Cm=1 * ufarad * cm ** -2 * AREA, gl=5e-5 * siemens * cm ** -2 * AREA,
              El=-60 * mV, EK=-90 * mV, ENa=50 * mV,
              g_na=100 * msiemens * cm ** -2 * AREA,
              g_kd=30 * msiemens * cm ** -2 * AREA, VT=-63 * mV)
MODEL = models.HH_TRAUB_MILES


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--N", type=int, default=100, help="number of currents")
    parser.add_argument("--duration", type=float, default=1000.0, help="ms")
    parser.add_argument("--imin", type=float, default=-0.5, help="smallest current, nA")
    parser.add_argument("--imax", type=float, default=2.0, help="largest current, nA")
    parser.add_argument("--out", default="hh_fi_curve.png")
    args = parser.parse_args(argv)

    G = eq.NeuronGroup(args.N, MODEL, threshold="v > -20*mV", refractory=3 * ms,
                       method="exponential_euler", namespace=PARAMS, name="hh")
    G.v = PARAMS["El"]
    G.h = 1
    G.I = f"{args.imin}*nA + {args.imax - args.imin}*nA*i/(N - 1)"
    spikes = eq.SpikeMonitor(G)
    eq.Network(G, spikes).run(args.duration * ms)

    current = G.I / nA
    # steady-state rate: spikes after the first 100 ms (the initial transient)
    late = spikes.t / ms > 100
    counts = np.bincount(spikes.i[late], minlength=args.N)
    rate = counts / ((args.duration - 100) / 1000.0)
    firing = np.flatnonzero(counts >= 2)
    rheobase = current[firing[0]] if len(firing) else float("nan")
    print(f"Traub-Miles HH, {args.N} currents from {args.imin} to {args.imax} nA, "
          f"{args.duration:.0f} ms each (method {G.spec.method})")
    print(f"rheobase (repetitive firing after 100 ms): {rheobase:.3f} nA")
    for k in np.linspace(0, args.N - 1, 5).astype(int):
        print(f"  I = {current[k]:.2f} nA: {rate[k]:6.1f} Hz")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.plot(current, rate, ".-")
    ax.set_xlabel("injected current (nA)")
    ax.set_ylabel("firing rate (Hz)")
    ax.set_title("Traub-Miles HH f-I curve")
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
