"""How long connect() takes and how much memory it needs.

    python benchmarks/connect_build.py                 # both cases below, JSON lines
    python benchmarks/connect_build.py --case indegree

Cases: "p" (4,000 x 4,000 at p = 0.02, the CUBA/COBA size) and "indegree" (100,000
neurons with in-degree 1,000: 10^8 synapses). Each runs in a fresh process so that the
peak resident memory (ru_maxrss) belongs to that case alone.
"""
import argparse
import json
import resource
import subprocess
import sys
import time


def run_case(case: str) -> dict:
    import numpy as np

    import eqsim as eq
    t0 = time.perf_counter()
    if case == "p":
        G = eq.NeuronGroup(4000, "v : 1", name="g")
        S = eq.Synapses(G, G, "w : 1", name="s")
        S.connect(p=0.02, seed=1)
    else:
        G = eq.NeuronGroup(100_000, "v : 1", name="g")
        S = eq.Synapses(G, G, "w : 1", name="s")
        S.connect(in_degree=1000, seed=1)
    seconds = time.perf_counter() - t0
    final = sum(S.arrays[k].nbytes for k in ("_pre", "_post", "w"))
    return {"case": case, "synapses": len(S), "connect_s": round(seconds, 3),
            "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
                                 3),
            "final_arrays_gb": round(final / 1e9, 3),
            "sorted": bool(np.all(np.diff(S.i) >= 0))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["p", "indegree"])
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case)), flush=True)
        return
    for case in ("p", "indegree"):
        subprocess.run([sys.executable, __file__, "--case", case], check=True)


if __name__ == "__main__":
    main()
