#!/usr/bin/env python
"""CPU seconds of the stages of eqsim's SONATA load (issue 11, point 6): where the time of
``sonata.load`` + ``build`` + ``Network`` + ``run(0 ms)`` goes, from process-time wrappers
around the loader's functions (no profiler overhead).

    python benchmarks/sonata_load_stages.py /tmp/sonatabench/n100000_k100_direct --repeats 3

Run from the root of the eqsim checkout to time (another commit: its tree unpacked
elsewhere, e.g. ``git archive COMMIT | tar -x -C /tmp/base``, and this script run with
``--root /tmp/base``; stages that commit lacks are left out). The folder is one written
by benchmarks/sonata_pointnet_speed.py. Each repeat is a fresh process.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

WRAPPED = (   # module, attribute, stage
    ("eqsim.sonata.edges", "read_array", "read: inflate the edge datasets"),
    ("eqsim.sonata.inflate", "read_array", "read: inflate the others (targets, groups)"),
    ("eqsim.sonata.population", "GroupedTable.__init__", "read: type lookup, group checks"),
    ("eqsim.sonata.circuit", "Circuit._check_edges", "read: edge ids checked"),
    ("eqsim.sonata.build", "_build_nodes", "build: node groups"),
    ("eqsim.sonata.build", "_build_generators", "build: input generators"),
    ("eqsim.runtime.counting_sort", "sort_edges", "build: counting sort carrying j, w, d"),
    ("eqsim.sonata.build", "_build_edges", "build: all edges"),
)


def child(directory: str) -> dict:
    import collections
    import importlib

    import h5py  # noqa: F401
    import numpy.ma  # noqa: F401

    import eqsim.models.nest  # noqa: F401
    from eqsim import sonata
    from eqsim.runtime.network import Network
    from eqsim.sonata.run import _add_monitors
    from eqsim.units import ms
    acc: dict[str, float] = collections.defaultdict(float)

    def wrap(owner, attr, label):
        fn = getattr(owner, attr)

        def timed(*a, **k):
            c = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                acc[label] += time.process_time() - c
        setattr(owner, attr, timed)
    for mod, attr, label in WRAPPED:
        try:
            owner = importlib.import_module(mod)
        except ImportError:
            continue
        *path, name = attr.split(".")
        for p in path:
            owner = getattr(owner, p)
        if hasattr(owner, name):
            wrap(owner, name, label)
    c0 = time.process_time()
    circuit = sonata.load(os.path.join(directory, "config.json"))
    c1 = time.process_time()
    built = sonata.build(circuit)
    c2 = time.process_time()
    _add_monitors(built, circuit)
    Network(*built.objects()).run(0 * ms)
    c3 = time.process_time()
    return {"load": c3 - c0, "sonata.load": c1 - c0, "build": c2 - c1,
            "Network + run(0)": c3 - c2, **acc}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), help="the eqsim tree to time")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        sys.path.insert(0, args.root)
        print(json.dumps(child(args.directory)))
        return 0
    rows = []
    for _ in range(args.repeats):
        out = subprocess.run([sys.executable, os.path.abspath(__file__), args.directory,
                              "--root", args.root, "--child"], capture_output=True,
                             text=True, cwd=args.root, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"{args.root}, load average {os.getloadavg()[0]:.1f}; CPU seconds, min-max of "
          f"{args.repeats} processes")
    for key in rows[0]:
        values = [r[key] for r in rows]
        print(f"  {key:45s} {min(values):.3f}-{max(values):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
