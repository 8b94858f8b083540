"""Replay recorded spikes from one network into another (the HNN-core workflow).

Network A: 800 excitatory and 200 inhibitory LIF neurons driven by Poisson input. Its
excitatory ("pyramidal") spikes are saved to a file, loaded as a SpikeGeneratorGroup and
replayed into network B, a population of 100 conductance-based neurons, through synapses
with per-target weights and delays. Writes a raster of both networks.

    python examples/replay.py                    # writes replay.png
    python examples/replay.py --duration 200 --out /tmp/r.png
"""
import argparse
import os
import tempfile

import eqsim as eq
from eqsim.units import Hz, ms, mV, nS, second


def network_a(duration):
    ns = dict(tau=20 * ms, El=-60 * mV, vt=-50 * mV, vr=-60 * mV, taue=5 * ms,
              taui=10 * ms)
    G = eq.NeuronGroup(1000, """dv/dt = (El - v + ge - gi)/tau : volt (unless refractory)
                                dge/dt = -ge/taue : volt
                                dgi/dt = -gi/taui : volt""",
                       threshold="v > vt", reset="v = vr", refractory=5 * ms,
                       method="exact", namespace=ns, name="A", seed=1)
    G.v = "vr + 10*mV*rand()"
    drive = eq.PoissonGroup(200, 40 * Hz, seed=2, name="drive")
    inp = eq.Synapses(drive, G, on_pre="ge += 3*mV", name="drive_syn")
    inp.connect(p=0.1, seed=3)
    exc = eq.Synapses(G[:800], G, on_pre="ge += 1.6*mV", delay=1.5 * ms, name="ee")
    exc.connect(p=0.02, seed=4)
    inh = eq.Synapses(G[800:], G, on_pre="gi += 9*mV", delay=0.8 * ms, name="ie")
    inh.connect(p=0.02, seed=5)
    pyramidal = eq.SpikeMonitor(G[:800], name="pyramidal")
    everyone = eq.SpikeMonitor(G, name="all_A")
    eq.Network(G, drive, inp, exc, inh, pyramidal, everyone).run(duration)
    return pyramidal, everyone


def network_b(path, duration):
    replayed = eq.SpikeGeneratorGroup.from_file(path, name="replayed")
    ns = dict(tau=10 * ms, El=-65 * mV, Ee=0 * mV, taue=3 * ms, gl=10 * nS)
    B = eq.NeuronGroup(100, """dv/dt = (El - v + ge*(Ee - v)/gl)/tau : volt
                               dge/dt = -ge/taue : siemens""",
                       threshold="v > -52*mV", reset="v = El", method="euler",
                       namespace=ns, name="B")
    B.v = ns["El"]
    S = eq.Synapses(replayed, B, "w : siemens", on_pre="ge += w", name="replay_syn",
                    seed=6)
    S.connect(p=0.1, seed=7)
    S.w = "0.2*nS + 0.6*nS*rand()"          # per-target weights
    S.delay = "1*ms + 4*ms*rand()"          # per-target delays
    spikes = eq.SpikeMonitor(B, name="all_B")
    eq.Network(replayed, B, S, spikes).run(duration)
    return spikes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=500.0, help="ms")
    parser.add_argument("--out", default="replay.png")
    args = parser.parse_args(argv)
    duration = args.duration * ms

    pyramidal, everyone = network_a(duration)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "pyramidal_spikes.npz")
        pyramidal.save(path)
        b = network_b(path, duration)
    seconds = float(duration / second)
    print(f"network A: {everyone.num_spikes / 1000 / seconds:.1f} Hz "
          f"({pyramidal.num_spikes} pyramidal spikes saved and replayed)")
    print(f"network B: {b.num_spikes / 100 / seconds:.1f} Hz")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (a, c) = plt.subplots(2, 1, figsize=(8, 6), sharex=True,
                               gridspec_kw={"height_ratios": [3, 1]})
    a.plot(everyone.t / ms, everyone.i, ",k")
    a.set_ylabel("network A neuron")
    c.plot(b.t / ms, b.i, ".r", ms=2)
    c.set_ylabel("network B neuron")
    c.set_xlabel("time (ms)")
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
