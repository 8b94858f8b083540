"""MPI at one-step windows: one process against 2 ranks, with the compiled window loop
and with the old Python one, on networks whose delays make ranks exchange every step or
every other step.

    python benchmarks/mpi_windows.py [--repeats 5] [--duration 0.2] [--quiet-below 0.3]

Runs (each its own process, benchmarks/mpi_worker.py; configurations alternate A B C A B
C ..., medians reported): CUBA 16k without delays (a window of one step), CUBA 16k with
delays of one step (windows of two), and a microcircuit of 7,717 neurons (scale 0.1;
per-synapse delays down to one step; eqsim.zoo.potjans_diesmann, or
benchmarks/microcircuit_like.py where the zoo has none). Before each pass over the
configurations the script waits (up to --wait s) until the machine's cores are busy less
than --quiet-below of the time, measured over 1 s from /proc/stat; the load before every
run is recorded and reported.

Writes benchmarks/results/mpi_windows.json and prints a Markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

from _bench_common import REPO, log, machine_info, median

RESULTS = os.path.join(REPO, "benchmarks", "results", "mpi_windows.json")
WORKER = os.path.join(REPO, "benchmarks", "mpi_worker.py")
# (model, N, backend, ranks, window loop: EQSIM_MPI_WINDOWS; auto = C through shared
# memory on one node, mpi = C through MPI_Allgather, python = the old loop)
RUNS = [(model, N, backend, ranks, loop) for model, N in
        (("cuba", 16000), ("cuba1", 16000), ("micro", 7717))
        for backend, ranks, loop in (("c", 1, ""), ("mpi", 2, "auto"), ("mpi", 2, "mpi"),
                                     ("mpi", 2, "python"))]


def busy_cores(seconds: float = 1.0) -> float:
    """Cores in use (by anything) over ``seconds``, from /proc/stat."""
    def sample():
        with open("/proc/stat") as f:
            parts = [int(x) for x in f.readline().split()[1:]]
        return sum(parts), parts[3] + parts[4]   # total, idle + iowait
    t0, i0 = sample()
    time.sleep(seconds)
    t1, i1 = sample()
    return (os.cpu_count() or 1) * (1 - (i1 - i0) / max(t1 - t0, 1))


def wait_quiet(below: float, wait: float) -> float:
    end = time.time() + wait
    while True:
        load = busy_cores()
        if load < below * (os.cpu_count() or 1) or time.time() > end:
            return load


def run(cfg, duration: float, quiet: float, wait: float) -> dict:
    model, N, backend, ranks, loop = cfg
    cmd = [sys.executable, WORKER, model, str(N), str(duration), backend]
    if ranks > 1:
        cmd = [shutil.which("mpiexec") or "mpiexec", "-n", str(ranks), *cmd]
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    if loop:
        env["EQSIM_MPI_WINDOWS"] = loop
    load = wait_quiet(quiet, wait)
    log("$", " ".join(cmd), f"(EQSIM_MPI_WINDOWS={loop or '-'}, busy cores {load:.2f})")
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, cwd=REPO,
                          env=env, check=False)
    lines = [x for x in done.stdout.splitlines() if x.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"error": done.stderr[-2000:], "busy_cores_before": load}
    out = json.loads(lines[-1])
    out["busy_cores_before"] = load
    out["loadavg_1min_after"] = os.getloadavg()[0]
    return out


def table(rows: list[dict]) -> str:
    out = ["| network | N | run | window (steps) | run (s), median | compute max (s) | "
           "exchange max (s) | samples | busy cores before (median) | rates (Hz) |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        how = "1 process (c)" if r["backend"] == "c" else \
            f"2 ranks, {r.get('windows_driver') or r['loop']} loop"
        if "error" in r:
            out.append(f"| {r['model']} | {r['N']} | {how} | | failed | | | | | |")
            continue
        rates = "/".join(f"{v:.1f}" for v in r["rates_hz"].values())
        out.append(f"| {r['model']} | {r['N']} | {how} | {r['window_steps'] or ''} | "
                   f"{r['run_s']:.3f} | {r['compute_s_max']:.3f} | "
                   f"{r['exchange_s_max']:.3f} | {r['samples']} | "
                   f"{r['busy_cores_before']:.2f} | {rates} |")
    return "\n".join(out)


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--duration", type=float, default=0.2)
    p.add_argument("--quiet-below", type=float, default=0.3,
                   help="wait until other load is below this share of the cores")
    p.add_argument("--wait", type=float, default=120,
                   help="longest wait for a quiet machine before each pass (s)")
    p.add_argument("--deadline", type=float, default=3600,
                   help="start no new pass after this many seconds (but --min-repeats)")
    p.add_argument("--min-repeats", type=int, default=2)
    p.add_argument("--models", default="cuba,cuba1,micro")
    p.add_argument("--out", default=RESULTS, help="the JSON file to write")
    p.add_argument("--render", action="store_true", help="only print the stored table")
    args = p.parse_args(argv)
    if args.render:
        with open(args.out) as f:
            doc = json.load(f)
        print(table(doc["rows"]))
        return doc
    runs = [c for c in RUNS if c[0] in args.models.split(",")]
    samples: dict = {c: [] for c in runs}
    stop = time.time() + args.deadline
    for k in range(args.repeats):
        if k >= args.min_repeats and time.time() > stop:
            log(f"deadline: {k} repeats")
            break
        for cfg in runs:   # a pass: the first run waits for a quiet machine, the others
            wait = min(args.wait, max(5.0, stop - time.time())) if cfg == runs[0] \
                else 5   # follow at once
            samples[cfg].append(run(cfg, args.duration, args.quiet_below, wait))
            log(f"  run {samples[cfg][-1].get('run_s', 'failed')} s")
    rows = []
    for cfg, got in samples.items():
        good = [r for r in got if "error" not in r]
        base = dict(zip(("model", "N", "backend", "ranks", "loop"), cfg))
        if not good:
            rows.append({**base, "error": got[0]["error"]})
            continue
        row = {**good[0], **base, "samples": len(good),
               "run_s_all": [r["run_s"] for r in good],
               "busy_cores_all": [r["busy_cores_before"] for r in good]}
        for key in ("run_s", "compute_s_max", "exchange_s_max", "busy_cores_before"):
            row[key] = median([r[key] for r in good])
        rows.append(row)
    doc = {"machine": machine_info(), "repeats": args.repeats,
           "duration_s": args.duration, "quiet_below": args.quiet_below, "rows": rows}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
    print(table(rows))
    log(f"wrote {args.out}")
    return doc


if __name__ == "__main__":
    main()
