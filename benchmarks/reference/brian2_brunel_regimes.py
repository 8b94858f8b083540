#!/usr/bin/env python
"""Brian2 reference rates of the four Brunel (2000, Fig. 8) regimes, for eqsim.zoo.

Runs the team's Brian2 anchor script /work/shared/models/brian2/brunel.py, unmodified,
each run in its own process (Brian2's runtime target, cython), for the regimes

    A (SR):      g = 3,   eta = 2
    B (SI fast): g = 6,   eta = 4
    C (AI):      g = 5,   eta = 2
    D (SI slow): g = 4.5, eta = 0.9

at N = 5000 (NE = 4000, C_E = 400: the size tests/zoo/test_zoo.py runs) and seeds 1-3,
and writes the overall rates to tests/data/brian2_brunel_regimes.json:

    /root/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_brunel_regimes.py
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REGIMES = {"A": (3.0, 2.0), "B": (6.0, 4.0), "C": (5.0, 2.0), "D": (4.5, 0.9)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--N", type=int, default=5000)
    p.add_argument("--duration", type=float, default=1.0)
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    p.add_argument("--script", default="/work/shared/models/brian2/brunel.py")
    p.add_argument("--out", default=os.path.join(ROOT, "tests", "data",
                                                 "brian2_brunel_regimes.json"))
    args = p.parse_args()
    out = {"generated_by": "benchmarks/reference/brian2_brunel_regimes.py",
           "script": args.script, "N": args.N, "duration_s": args.duration,
           "target": "runtime", "seeds": args.seeds, "std_ddof": 1, "regimes": {}}
    for regime, (g, eta) in REGIMES.items():
        runs = []
        for seed in args.seeds:
            cmd = [sys.executable, args.script, "--N", str(args.N), "--duration",
                   str(args.duration), "--seed", str(seed), "--g", str(g), "--eta",
                   str(eta), "--target", "runtime"]
            res = subprocess.run(cmd, capture_output=True, text=True, check=True)
            line = [x for x in res.stdout.splitlines() if x.startswith("{")][-1]
            rate = json.loads(line)["rate_hz"]
            runs.append({"seed": seed, "rate_hz": rate})
            print(regime, seed, rate, flush=True)
        rates = [r["rate_hz"] for r in runs]
        out["regimes"][regime] = {"g": g, "eta": eta, "runs": runs,
                                  "mean_rate_hz": statistics.fmean(rates),
                                  "std_rate_hz": statistics.stdev(rates)}
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
