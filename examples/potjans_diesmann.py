"""The Potjans & Diesmann (2014) cortical microcircuit, natively in eqsim (eqsim.zoo):
8 populations of NEST's iaf_psc_exp neurons, 77,169 neurons and ~3*10^8 synapses at
scale 1 (about 5 GB), NEST's reference parameters (docs/zoo.md). Below scale 1 the
in-degrees are scaled too, with NEST's compensation (weights / sqrt(scale) and a DC).

    python examples/potjans_diesmann.py                     # scale 0.1, 1 s after 0.5 s
    python examples/potjans_diesmann.py --scale 1 --threads 2 --out pd14.png
    python examples/potjans_diesmann.py --background dc --scale 0.05 --duration 0.3

Prints, per population, the rate, the CV of the inter-spike intervals and the synchrony
over [presim, presim + duration), next to the rates of NEST's full-scale run, and draws
a raster of 100 ms (--out, default potjans_diesmann.png).
"""
import argparse
import json

import numpy as np

from eqsim import zoo
from eqsim.units import second
from eqsim.zoo import net_potjans_diesmann as pd14

from _network_common import Timer


def raster(path: str, result, t0: float, t1: float, title: str) -> None:
    """Spikes of [t0, t1) (s), the populations from top (L2/3) to bottom (L6)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 6))
    offset, ticks = 0, []
    for k, (name, mon) in enumerate(result.monitors.items()):
        t, i = np.asarray(mon.t_), np.asarray(mon.i)
        keep = (t >= t0) & (t < t1)
        ax.plot(t[keep] * 1e3, -(i[keep] + offset), ".", markersize=1.5,
                color="#595289" if name.endswith("E") else "#af143c")
        ticks.append(-(offset + result.sizes[name] / 2))
        offset += result.sizes[name]
    ax.set_yticks(ticks, list(result.monitors))
    ax.set_xlabel("time (ms)")
    ax.set_title(title, fontsize=10, loc="left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"wrote {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=1.0, help="seconds recorded")
    parser.add_argument("--seed", type=int, default=55)
    parser.add_argument("--out", default=None, help="PNG to write")
    parser.add_argument("--backend", default="c", choices=["c", "numpy"])
    parser.add_argument("--scale", type=float, default=0.1, help="neurons and in-degrees")
    parser.add_argument("--background", choices=["poisson", "dc"], default="poisson")
    parser.add_argument("--presim", type=float, default=0.5,
                        help="seconds run before the statistics window (NEST's t_presim)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    with Timer() as t_build:
        result = zoo.potjans_diesmann(scale=args.scale, background=args.background,
                                      seed=args.seed, duration=None)
    n_syn = sum(len(S) for S in result.network.synapses)
    kw = {"threads": args.threads} if args.threads != 1 else {}
    with Timer() as t_run:
        result.run((args.presim + args.duration) * second, backend=args.backend, **kw)
    stats = result.stats(args.presim, args.presim + args.duration)
    print(f"{sum(result.sizes.values())} neurons, {n_syn} synapses; built in "
          f"{t_build.seconds:.1f} s, {args.presim + args.duration:g} s simulated in "
          f"{t_run.seconds:.1f} s (with code generation)")
    print("population  rate (Hz)  NEST scale 1  CV ISI  synchrony")
    for k, (name, s) in enumerate(stats.items()):
        print(f"{name:10s}  {s['rate_hz']:9.3f}  {pd14.FULL_MEAN_RATES[k]:12.3f}  "
              f"{s['cv_isi']:6.2f}  {s['synchrony']:9.2f}")
    print(json.dumps({"model": "potjans_diesmann", "scale": args.scale,
                      "background": args.background, "synapses": n_syn,
                      "rates_hz": {k: round(v["rate_hz"], 4) for k, v in stats.items()}}))
    t1 = args.presim + args.duration
    raster(args.out or "potjans_diesmann.png", result, max(0.0, t1 - 0.1), t1,
           f"Potjans & Diesmann 2014, scale {args.scale:g}, {args.background} background")
    return stats


if __name__ == "__main__":
    main()
