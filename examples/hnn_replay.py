"""A point-neuron cortical column after Jones et al. (2009) and HNN-core, with an evoked
drive, spike files per trial and replay into a second network.

The column: L2 and L5 pyramidal populations (100 cells each on a 10 x 10 grid) and L2 and
L5 basket populations (35 each), conductance-based leaky integrate-and-fire point neurons
with AMPA, NMDA, GABA_A and GABA_B conductances (dual exponentials with HNN-core's rise and
decay times: 0.5/5, 1/20, 0.5/5 and 1/20 ms), wired as HNN-core's jones_2009_model (weights
fall off with distance as exp(-(d/lambda)**2), delays grow by its inverse; weights scaled
for point neurons, connections below 1 % of their peak weight left out).

Network A gets an evoked distal drive (HNN-core's "evdist1": mu = 63.53 ms,
sigma = 3.85 ms, AMPA and NMDA onto L2 pyramidal, L2 basket and L5 pyramidal cells, one
drive cell per target); each trial draws new drive times (seed + trial) and its spikes
are written in HNN-core's text format (eqsim.io.write_spikes). Network B, the same column
without the drive, replays the pyramidal spikes of each trial file (eqsim.drives.
spike_train: ids remapped, per-target AMPA weights, connection probability 0.5 with a
connection seed). Prints the spike counts per population of both networks and how long
it all took (HNN-core's tutorials: 94 s and 181 s).

    python examples/hnn_replay.py                          # 170 ms, 2 trials
    python examples/hnn_replay.py --scale 0.25 --trials 2 --out /tmp/h.png
    EQSIM_HNN_SCALE=0.25 python examples/hnn_replay.py     # the same reduced size
"""
import argparse
import os
import tempfile
import time

import numpy as np

import eqsim as eq
from eqsim import drives
from eqsim.io import SpikeTrial, read_spikes, write_spikes
from eqsim.units import ms, mV, nS, pF, second

# rise and decay times (ms) of HNN-core's Exp2Syn receptors, reversal potentials (mV)
RECEPTORS = {"ampa": (0.5, 5.0, 0.0), "nmda": (1.0, 20.0, 0.0),
             "gabaa": (0.5, 5.0, -80.0), "gabab": (1.0, 20.0, -80.0)}
CELLS = {"pyramidal": dict(C=200 * pF, gL=10 * nS, EL=-65 * mV, VT=-50 * mV,
                           Vr=-65 * mV, tref=2 * ms),
         "basket": dict(C=100 * pF, gL=10 * nS, EL=-65 * mV, VT=-50 * mV,
                        Vr=-65 * mV, tref=1 * ms)}
MODEL = "\n".join(
    ["dv/dt = (gL*(EL - v) + (g_ampa + g_nmda)*(0*mV - v)"
     " + (g_gabaa + g_gabab)*(-80*mV - v))/C : volt (unless refractory)",
     "x : meter", "y : meter"] +
    [f"dg_{r}/dt = (h_{r} - g_{r})/({decay}*ms) : siemens\n"
     f"dh_{r}/dt = -h_{r}/({rise}*ms) : siemens"
     for r, (rise, decay, _) in RECEPTORS.items()])
# HNN-core's jones_2009_model: (source, target): ({receptor: weight in uS}, lambda, delay)
WIRING = {
    ("L2_pyramidal", "L2_pyramidal"): ({"ampa": 5e-4, "nmda": 5e-4}, 3.0, 1.0),
    ("L2_basket", "L2_pyramidal"): ({"gabaa": 0.05, "gabab": 0.05}, 50.0, 1.0),
    ("L2_pyramidal", "L2_basket"): ({"ampa": 5e-4}, 3.0, 1.0),
    ("L2_basket", "L2_basket"): ({"gabaa": 0.02}, 20.0, 1.0),
    ("L5_pyramidal", "L5_pyramidal"): ({"ampa": 5e-4, "nmda": 5e-4}, 3.0, 1.0),
    ("L5_basket", "L5_pyramidal"): ({"gabaa": 0.025, "gabab": 0.025}, 70.0, 1.0),
    ("L5_pyramidal", "L5_basket"): ({"ampa": 5e-4}, 3.0, 1.0),
    ("L5_basket", "L5_basket"): ({"gabaa": 0.02}, 20.0, 1.0),
    ("L2_pyramidal", "L5_pyramidal"): ({"ampa": 2.5e-4}, 3.0, 1.0),
    ("L2_basket", "L5_pyramidal"): ({"gabaa": 0.001}, 50.0, 1.0),
    ("L2_pyramidal", "L5_basket"): ({"ampa": 2.5e-4}, 3.0, 1.0),
}
POINT_SCALE = 1.0   # uS -> nS (x 1000) x POINT_SCALE onto our point neurons
# HNN-core's evdist1 drive (weights in uS; delays 0.1 ms, space constant 3)
EVDIST = dict(mu=63.53 * ms, sigma=3.85 * ms,
              ampa={"L2_basket": 0.006562, "L2_pyramidal": 0.142300,
                    "L5_pyramidal": 0.080074},
              nmda={"L2_basket": 0.019482, "L2_pyramidal": 0.004317,
                    "L5_pyramidal": 0.080074})
REPLAY_AMPA = {"L2_pyramidal": 6.0, "L2_basket": 3.0, "L5_pyramidal": 6.0,
               "L5_basket": 3.0}   # nS per replayed spike (peak conductance)


def peak_factor(rise: float, decay: float) -> float:
    """The jump of h that makes the peak of g one unit (HNN-core's Exp2Syn weights are
    peak conductances)."""
    t_peak = rise * decay / (decay - rise) * np.log(decay / rise)
    return (decay - rise) / rise / (np.exp(-t_peak / decay) - np.exp(-t_peak / rise))


FACTOR = {r: peak_factor(rise, decay) for r, (rise, decay, _) in RECEPTORS.items()}


def column(scale: float, seed: int):
    """The four populations (labelled, on grids, 1 um apart as HNN-core's
    inplane_distance) and their connections."""
    n_side = max(2, int(round(10 * np.sqrt(scale))))
    n_pyr, n_bask = n_side * n_side, max(2, int(round(35 * scale)))
    groups = {}
    for k, (label, n, kind) in enumerate((("L2_pyramidal", n_pyr, "pyramidal"),
                                          ("L2_basket", n_bask, "basket"),
                                          ("L5_pyramidal", n_pyr, "pyramidal"),
                                          ("L5_basket", n_bask, "basket"))):
        G = eq.NeuronGroup(n, MODEL, threshold="v > VT", reset="v = Vr",
                           refractory=CELLS[kind]["tref"], method="euler",
                           namespace=CELLS[kind], name=label, label=label, seed=seed + k)
        G.v = CELLS[kind]["EL"]
        if kind == "pyramidal":
            eq.topology.place_grid(G, spacing=1e-6 * eq.meter)
        else:   # baskets spread over the same square
            side = int(np.ceil(np.sqrt(n)))
            eq.topology.place_grid(G, spacing=(n_side - 1) / max(side - 1, 1) * 1e-6 *
                                   eq.meter)
        groups[label] = G
    synapses = []
    for (src, tgt), (weights, lam, delay) in WIRING.items():
        d = eq.topology.distances(groups[src], groups[tgt]) / (1e-6 * eq.meter)
        factor = np.exp(-(np.asarray(d) / lam) ** 2)
        i, j = np.nonzero(factor >= 0.01)
        if src == tgt:
            keep = i != j
            i, j = i[keep], j[keep]
        f = factor[i, j]
        model = "\n".join(f"w_{r} : 1" for r in weights)
        on_pre = "; ".join(f"h_{r}_post += w_{r}*nS" for r in weights)
        S = eq.Synapses(groups[src], groups[tgt], model, on_pre=on_pre,
                        name=f"{src}_to_{tgt}")
        S.connect(i=i, j=j)
        for r, w in weights.items():
            setattr(S, f"w_{r}", w * 1e3 * POINT_SCALE * FACTOR[r] * f)
        S.delay = delay * ms / f
        synapses.append(S)
    return groups, synapses


def network_a(scale: float, trial: int, duration, seed: int):
    groups, synapses = column(scale, seed)
    drive = drives.evoked(
        list(groups.values()), EVDIST["mu"], EVDIST["sigma"], numspikes=1,
        weights_ampa={k: v * 1e3 * POINT_SCALE * FACTOR["ampa"] * nS
                      for k, v in EVDIST["ampa"].items()},
        weights_nmda={k: v * 1e3 * POINT_SCALE * FACTOR["nmda"] * nS
                      for k, v in EVDIST["nmda"].items()},
        receptors={"ampa": "h_ampa", "nmda": "h_nmda"}, delays=0.1 * ms,
        space_constant=3e-6 * eq.meter, seed=seed + 100 + trial, conn_seed=seed + 3,
        name="evdist1")
    mons = [eq.SpikeMonitor(G, name=f"spikes_{label}") for label, G in groups.items()]
    net = eq.Network(*groups.values(), *synapses, *mons, drive)
    net.run(duration)
    return net


def network_b(scale: float, spike_file: str, duration, seed: int):
    groups, synapses = column(scale, seed)
    trial = read_spikes(spike_file)[0]
    replay = drives.spike_train(
        list(groups.values()), trial, select=["L2_pyramidal", "L5_pyramidal"],
        weights_ampa={k: v * FACTOR["ampa"] * nS for k, v in REPLAY_AMPA.items()},
        receptors={"ampa": "h_ampa"}, delays=1 * ms, probability=0.5,
        conn_seed=seed + 7, name="replay")
    mons = [eq.SpikeMonitor(G, name=f"spikes_{label}") for label, G in groups.items()]
    net = eq.Network(*groups.values(), *synapses, *mons, replay)
    net.run(duration)
    return net, replay


def counts(net) -> dict:
    """Spikes per population (the groups are named by their labels)."""
    return {m.source.name: int(m.num_spikes) for m in net.spike_monitors}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float,
                        default=float(os.environ.get("EQSIM_HNN_SCALE", 1.0)),
                        help="population sizes x scale (1: 100 pyramidal, 35 basket)")
    parser.add_argument("--trials", type=int, default=2)
    parser.add_argument("--duration", type=float, default=170.0, help="ms")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--spike-dir", default=None,
                        help="folder for the spike files (default: a temporary one)")
    parser.add_argument("--out", default="hnn_replay.png")
    args = parser.parse_args(argv)
    duration = args.duration * ms
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.spike_dir or tmp
        pattern = os.path.join(folder, "spk_%d.txt")
        t0 = time.perf_counter()
        nets_a = []
        for trial in range(args.trials):
            net = network_a(args.scale, trial, duration, args.seed)
            write_spikes(pattern % trial, [SpikeTrial.from_monitors(net)])
            nets_a.append(net)
            print(f"network A, trial {trial}: spikes {counts(net)}")
        time_a = time.perf_counter() - t0
        t0 = time.perf_counter()
        nets_b = []
        for trial, path in enumerate(sorted(
                p.path for p in read_spikes(os.path.join(folder, "spk_*.txt")))):
            net, replay = network_b(args.scale, path, duration, args.seed)
            nets_b.append(net)
            print(f"network B, trial {trial}: {replay.n_cells} replayed pyramidal cells, "
                  f"{len(replay.times)} spikes in; spikes {counts(net)}")
        time_b = time.perf_counter() - t0
    total = time.perf_counter() - t_start
    print(f"time: network A {time_a:.1f} s ({args.trials} trials), network B "
          f"{time_b:.1f} s ({args.trials} trials), total {total:.1f} s "
          f"(HNN-core's tutorials: 94 s and 181 s)")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from eqsim import plot
    fig, (a, b) = plt.subplots(2, 1, figsize=(8, 7), sharex=True)
    plot.raster(nets_a[0], ax=a)
    a.set_title("network A (evoked distal drive), trial 0", fontsize=10, loc="left")
    plot.raster(nets_b[0], ax=b)
    b.set_title("network B (replayed pyramidal spikes), trial 0", fontsize=10, loc="left")
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")
    return {"time_a_s": time_a, "time_b_s": time_b,
            "spikes_a": [counts(n) for n in nets_a], "spikes_b": [counts(n) for n in nets_b]}


if __name__ == "__main__":
    main()
