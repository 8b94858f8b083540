#!/usr/bin/env python
"""Reading one edge population's datasets: h5py's own read (zlib inside HDF5) against
eqsim.sonata.inflate (the raw chunks inflated by libdeflate) on 1 thread and on the
default threads; CPU and wall seconds, the same values checked (issue 11, point 6).

    python benchmarks/sonata_inflate_speed.py \\
        /tmp/sonatabench/n100000_k100_direct/network/v1_v1_edges.h5 v1_to_v1 --repeats 3
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DATASETS = ("source_node_id", "target_node_id", "edge_type_id", "edge_group_id",
            "edge_group_index", "0/nsyns")


def main() -> int:
    import h5py
    import numpy as np

    from eqsim.sonata import inflate
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("population")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    if inflate._libdeflate() is None:
        print("no libdeflate on this system: eqsim reads with h5py")
        return 1
    modes = (("h5py", False, None), ("libdeflate, 1 thread", True, 1),
             (f"libdeflate, {inflate._threads()} threads", True, None))
    times: dict[str, list] = {m[0]: [] for m in modes}
    with h5py.File(args.path) as f:
        g = f[f"edges/{args.population}"]
        for _ in range(args.repeats):
            for label, fast, threads in modes:
                inflate.FAST, inflate.THREADS = fast, threads
                c, t = time.process_time(), time.perf_counter()
                arrays = [inflate.read_array(g[name]) for name in DATASETS]
                times[label].append((time.process_time() - c, time.perf_counter() - t))
                if not fast:
                    ref = arrays
                assert all(np.array_equal(a, b) and a.dtype == b.dtype
                           for a, b in zip(arrays, ref))
                del arrays
    n = f"{len(ref[0]):,} edges"
    print(f"{args.path} ({n}), load average {os.getloadavg()[0]:.1f}")
    for label, values in times.items():
        cpu, wall = zip(*values)
        print(f"  {label:24s} CPU {min(cpu):.3f}-{max(cpu):.3f} s, "
              f"wall {min(wall):.3f}-{max(wall):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
