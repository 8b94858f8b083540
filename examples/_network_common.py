"""Shared by the standard-network examples: command line, rates, raster picture.
(Files starting with '_' are helpers, not examples.)"""
import argparse
import json
import time


def arguments(doc: str, N: int, duration_s: float):
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--N", type=int, default=N, help="number of neurons")
    parser.add_argument("--duration", type=float, default=duration_s, help="seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=None, help="PNG to write")
    parser.add_argument("--backend", default="c", choices=["c", "numpy"])
    return parser


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0


def report(name: str, monitors: dict, sizes: dict, duration_s: float, **extra) -> dict:
    """Print one JSON line with the mean rate of each population."""
    out = {"model": name, "duration_s": duration_s}
    for label, mon in monitors.items():
        out[f"rate_{label}_hz"] = mon.num_spikes / sizes[label] / duration_s
    out.update(extra)
    print(json.dumps(out))
    return out


def raster(path: str, monitors: dict, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(len(monitors), 1, figsize=(8, 2.5 * len(monitors) + 1),
                             sharex=True, squeeze=False)
    for ax, (label, mon) in zip(axes[:, 0], monitors.items()):
        ax.plot(mon.t_ * 1e3, mon.i, ",k")
        ax.set_ylabel(f"{label} neuron")
    axes[0, 0].set_title(title, fontsize=10, loc="left")
    axes[-1, 0].set_xlabel("time (ms)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"wrote {path}")


def main_for(doc: str, title: str, build, argv=None, N: int = 4000,
             duration_s: float = 1.0) -> dict:
    """Parse the command line, build, run, print the rates, draw the raster."""
    from eqsim.units import second
    args = arguments(doc, N, duration_s).parse_args(argv)
    net, mons, sizes = build(args.N, args.seed)
    with Timer() as t:
        net.run(args.duration * second, backend=args.backend)
    out = report(title, mons, sizes, args.duration, wall_s=round(t.seconds, 3))
    raster(args.out or f"{title.lower()}.png", mons, f"{title}, {args.N} neurons")
    return out
