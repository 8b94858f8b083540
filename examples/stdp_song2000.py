"""Spike-timing dependent plasticity drives weights apart (Song, Miller & Abbott 2000,
Nat. Neurosci. 3:919, Fig. 2): 1,000 Poisson inputs at 15 Hz onto one conductance-based
LIF neuron; pair-based STDP with slightly stronger depression makes the weight
distribution bimodal, with most mass near 0 and near gmax.

    python examples/stdp_song2000.py                 # 100 s; writes stdp_song2000.png
    python examples/stdp_song2000.py --duration 20 --out /tmp/w.png
"""
import argparse
import time

import numpy as np

import eqsim as eq
from eqsim import models
from eqsim.units import Hz, ms, mV, second


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=100.0, help="seconds")
    parser.add_argument("--inputs", type=int, default=1000)
    parser.add_argument("--out", default="stdp_song2000.png")
    args = parser.parse_args(argv)

    gmax = 0.01
    ns = dict(taum=10 * ms, Ee=0 * mV, vt=-54 * mV, vr=-60 * mV, El=-74 * mV,
              taue=5 * ms, taupre=20 * ms, taupost=20 * ms, wmax=gmax,
              dApre=0.01 * gmax, dApost=-0.01 * 1.05 * gmax, gmax=gmax)
    inputs = eq.PoissonGroup(args.inputs, 15 * Hz, seed=1, name="inputs")
    neuron = eq.NeuronGroup(1, """dv/dt = (ge*(Ee - v) + El - v)/taum : volt
                                  dge/dt = -ge/taue : 1""",
                            threshold="v > vt", reset="v = vr", method="euler",
                            namespace=ns, name="neuron")
    neuron.v = ns["vr"]
    stdp = dict(models.STDP)
    stdp["on_pre"] = "ge += w\n" + stdp["on_pre"]
    S = eq.Synapses(inputs, neuron, namespace=ns, name="stdp", seed=2, **stdp)
    S.connect()
    S.w = "rand()*gmax"
    rate = eq.SpikeMonitor(neuron)
    t0 = time.perf_counter()
    eq.Network(inputs, neuron, S, rate).run(args.duration * second)
    wall = time.perf_counter() - t0

    w = S.w / gmax
    low, high = np.mean(w < 0.1), np.mean(w > 0.9)
    print(f"{args.inputs} inputs, {args.duration:g} s simulated in {wall:.1f} s")
    print(f"output rate {rate.num_spikes / args.duration:.1f} Hz")
    print(f"weights: {low:.0%} below 0.1 gmax, {high:.0%} above 0.9 gmax, "
          f"{1 - low - high:.0%} in between")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.5))
    a.plot(w, ".k", ms=2)
    a.set_xlabel("synapse")
    a.set_ylabel("w / gmax")
    b.hist(w, bins=20, color="k")
    b.set_xlabel("w / gmax")
    b.set_ylabel("synapses")
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
