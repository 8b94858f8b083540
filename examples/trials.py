"""Independent trials of one network in parallel processes (HNN-core's n_trials):
Poisson drive onto 200 LIF neurons, one network realisation and drive per seed.

    python examples/trials.py                    # 8 trials, 2 processes; writes trials.png
    python examples/trials.py --trials 4 --processes 1 --out /tmp/t.png

Prints each trial's mean rate and time, and draws the rasters of all trials.
"""
import argparse

import numpy as np

import eqsim as eq
from eqsim.units import Hz, ms, mV


def build(seed: int) -> eq.Network:
    drive = eq.PoissonGroup(400, 15 * Hz, seed=seed, name="drive")
    cells = eq.NeuronGroup(200, "dv/dt = (-v + 1*mV*sqrt(20*ms)*xi)/(20*ms) : volt",
                           threshold="v > 5*mV", reset="v = 0*mV", refractory=2 * ms,
                           method="euler", seed=seed, name="cells")
    syn = eq.Synapses(drive, cells, on_pre="v_post += 0.5*mV", delay=1 * ms, name="syn")
    syn.connect(p=0.1, seed=seed)
    return eq.Network(drive, cells, syn, eq.SpikeMonitor(cells, name="spikes"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--duration", type=float, default=500.0, help="ms")
    parser.add_argument("--out", default="trials.png")
    args = parser.parse_args(argv)
    trials = eq.run_trials(build, seeds=list(range(1, args.trials + 1)),
                           processes=args.processes, duration=args.duration * ms)
    for trial in trials:
        spikes = trial.monitors["spikes"]
        rate = len(spikes.i) / 200 / (args.duration / 1000)
        print(f"seed {trial.seed}: {rate:.1f} Hz ({trial.wall_s:.2f} s)")
    rates = [len(t.monitors["spikes"].i) / 200 / (args.duration / 1000) for t in trials]
    print(f"mean over {len(trials)} trials: {np.mean(rates):.1f} +- {np.std(rates):.1f} Hz")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 5))
    for k, trial in enumerate(trials):
        spikes = trial.monitors["spikes"]
        ax.plot(spikes.t * 1000, spikes.i + k * 220, ".", ms=1, color=f"C{k % 10}")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron (trials stacked)")
    ax.set_title(f"{len(trials)} trials, {args.processes} processes, one compiled module")
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
