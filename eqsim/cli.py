"""Command line: ``eqsim cache info``, ``eqsim cache clear``, ``eqsim version``,
``eqsim run config.json`` (a SONATA simulation, docs/sonata.md)."""
from __future__ import annotations

import argparse
import json
import sys

from ._version import __version__
from .build.cache import cache_info, clear_cache
from .config import get_config
from .errors import EqsimError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eqsim", description="eqsim command line")
    sub = parser.add_subparsers(dest="command", required=True)
    cache = sub.add_parser("cache", help="inspect or clear the compile cache")
    cache_sub = cache.add_subparsers(dest="action", required=True)
    info = cache_sub.add_parser("info", help="where the cache is and what it holds")
    info.add_argument("--json", action="store_true", help="print JSON")
    cache_sub.add_parser("clear", help="delete every cached module")
    sub.add_parser("version", help="print the eqsim version")
    _add_run_parser(sub)
    args = parser.parse_args(argv)
    try:
        if args.command == "version":
            print(__version__)
            return 0
        if args.command == "run":
            return _run_sonata(args)
        config = get_config()
        if args.action == "info":
            data = cache_info(config)
            if args.json:
                print(json.dumps(data))
            else:
                print(f"cache directory: {data['path']}")
                print(f"compiled modules: {data['modules']}")
                print(f"front-cache entries: {data['front_entries']}")
                print(f"size: {data['bytes'] / 1e6:.1f} MB")
            return 0
        removed = clear_cache(config)
        print(f"removed {removed} compiled module(s) from {cache_info(config)['path']}")
        return 0
    except EqsimError as exc:
        print(f"eqsim: {exc}", file=sys.stderr)
        return 1


def _add_run_parser(sub) -> None:
    run = sub.add_parser("run", help="run a SONATA config (BMTK's config.json) and write "
                         "its outputs (spikes.h5, reports)")
    run.add_argument("config", help="config.json (or simulation_config.json)")
    run.add_argument("--backend", default="c", choices=("c", "numpy"))
    run.add_argument("--mpi", action="store_true",
                     help="under mpiexec: each rank runs its block of every population "
                          "and reads only the edges onto it; rank 0 writes the outputs")
    run.add_argument("--output-dir", help="instead of the config's output/output_dir")
    run.add_argument("--point-reduction", metavar="NEST_MODEL",
                     help="run biophysical cells as this NEST point model "
                          "(e.g. iaf_psc_alpha, with NEST's default parameters)")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")


def _run_sonata(args) -> int:
    from .sonata import run
    report = None if args.no_progress else ("tqdm" if sys.stderr.isatty() else "text")
    result = run(args.config, backend="mpi" if args.mpi else args.backend, report=report,
                 output_dir=args.output_dir, point_reduction=args.point_reduction)
    if args.mpi:
        from .parallel.comm import world
        if world().rank != 0:
            return 0
    for pop in result.spikes.populations:
        print(f"{pop}: {result.spikes.n_spikes(pop)} spikes")
    for path in result.files:
        print(f"wrote {path}")
    t = result.timings
    print(f"load {t['load']:.2f} s, build {t['build']:.2f} s, run {t['run']:.2f} s")
    return 0


if __name__ == "__main__":  # python -m eqsim.cli
    sys.exit(main())
