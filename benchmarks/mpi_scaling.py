"""MPI benchmark: Brunel and CUBA on 1 and 2 ranks (strong and weak scaling), eqsim
against NEST, and a projection to 8, 64 and 512 ranks.

    python benchmarks/mpi_scaling.py [--repeats 2] [--duration 0.2] [--no-nest]

Every run is its own process (``mpiexec -n K python benchmarks/mpi_worker.py ...`` for
eqsim, benchmarks/nest/*.py in the NEST virtualenv made by setup_nest_env.sh); the
configurations alternate (A B A B ...) and the medians are reported. NEST 3.10's PyPI
wheel is built without MPI (it refuses to start under mpiexec), so NEST runs its 2
virtual processes as 2 threads: the same number of cores, not the same transport.

Writes benchmarks/results/mpi_scaling.json and docs/benchmarks_mpi.md.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys

from _bench_common import REPO, log, machine_info, median, venv_python

RESULTS = os.path.join(REPO, "benchmarks", "results", "mpi_scaling.json")
DOC = os.path.join(REPO, "docs", "benchmarks_mpi.md")
WORKER = os.path.join(REPO, "benchmarks", "mpi_worker.py")

# (model, N, backend, ranks, kind); kind: strong = same N, weak = N per rank fixed
EQSIM_RUNS = [
    ("brunel", 12500, "c", 1, "strong"), ("brunel", 12500, "mpi", 1, "strong"),
    ("brunel", 12500, "mpi", 2, "strong"),
    ("brunel", 6250, "mpi", 1, "weak"), ("brunel", 12500, "mpi", 2, "weak"),
    ("cuba", 16000, "c", 1, "strong"), ("cuba", 16000, "mpi", 1, "strong"),
    ("cuba", 16000, "mpi", 2, "strong"),
    ("cuba", 8000, "mpi", 1, "weak"), ("cuba", 16000, "mpi", 2, "weak"),
]
NEST_RUNS = [("brunel", 12500, 1), ("brunel", 12500, 2), ("cuba", 16000, 1),
             ("cuba", 16000, 2)]

# the interconnect assumed for the projection (not measured here): an InfiniBand HDR-class
# fabric, Hockney model of a recursive-doubling Allgather
ALPHA_S = 2e-6            # latency per message round
BETA_S_PER_BYTE = 1 / 10e9  # 10 GB/s per link


def run(cmd: list[str], timeout: float = 900) -> dict:
    log("$", " ".join(cmd))
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    lines = [x for x in done.stdout.splitlines() if x.startswith("{")]
    return json.loads(lines[-1]) if lines else {"error": done.stdout[-2000:]}


def eqsim_cmd(model, N, backend, ranks, duration) -> list[str]:
    cmd = [sys.executable, WORKER, model, str(N), str(duration), backend]
    if backend == "mpi" and ranks > 1:
        cmd = [shutil.which("mpiexec") or "mpiexec", "-n", str(ranks), *cmd]
    return cmd


def nest_cmd(model, N, threads, duration, python) -> list[str]:
    script = os.path.join(REPO, "benchmarks", "nest", f"{model}.py")
    return [python, script, "--N", str(N), "--duration", str(duration), "--threads",
            str(threads), "--seed", "4242"]


def project(row: dict, ranks: int, neurons: int, overhead_s: float) -> dict:
    """Run time of ``row``'s model at ``neurons`` on ``ranks`` ranks, from the measured
    single-process cost per neuron-step (same in-degree and rate), the measured host
    overhead per window and the Allgather model above."""
    steps = row["duration_s"] / 1e-4
    ns_per_neuron_step = row["run_s"] / (row["N"] * steps)
    rate = sum(row["rates_hz"].values()) / len(row["rates_hz"])   # populations alike
    window = row["window_steps"] or 1
    windows = steps / window
    spikes_per_window = neurons * rate * window * 1e-4
    total_bytes = 8 * spikes_per_window + 16 * ranks
    allgather = ALPHA_S * math.ceil(math.log2(max(ranks, 2))) + \
        BETA_S_PER_BYTE * total_bytes * (ranks - 1) / ranks
    compute = ns_per_neuron_step * neurons / ranks * steps
    # every rank scans every received spike once per Synapses object it drives (2 here)
    queueing = windows * spikes_per_window * 2 * 2e-9
    comm = windows * (allgather + overhead_s)
    return {"ranks": ranks, "neurons": neurons, "compute_s": compute,
            "exchange_s": comm + queueing, "total_s": compute + comm + queueing,
            "bytes_per_window": total_bytes}


def markdown(doc: dict) -> str:
    out = ["# MPI benchmark: Brunel and CUBA on 1 and 2 ranks", "",
           f"Made by `python benchmarks/mpi_scaling.py` on {doc['machine']['cpu_model']} "
           f"({doc['machine']['nproc']} cores), {doc['machine']['date']}; "
           f"{doc['repeats']} alternating repeats, medians; {doc['duration_s']} s of "
           "simulated time after a 5 ms warm-up run (module built).", "",
           "| model | N | kind | eqsim | ranks | run (s) | compute max (s) | exchange max "
           "(s) | windows | spikes exchanged | MB sent | rates exc/inh (Hz) |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in doc["eqsim"]:
        if "error" in r:
            out.append(f"| {r['model']} | {r['N']} | {r['kind']} | {r['backend']} | "
                       f"{r['ranks']} | failed | | | | | | |")
            continue
        rates = "/".join(f"{v:.1f}" for v in r["rates_hz"].values())
        out.append(
            f"| {r['model']} | {r['N']} | {r['kind']} | {r['backend']} | {r['ranks']} | "
            f"{r['run_s']:.3f} | {r['compute_s_max']:.3f} | {r['exchange_s_max']:.3f} | "
            f"{r['windows']} | {r['spikes_exchanged'] or 0} | "
            f"{r['bytes_sent_all_ranks'] / 1e6:.2f} | {rates} |")
    if doc["nest"]:
        out += ["", "NEST 3.10 (PyPI wheel, no MPI: its virtual processes are threads):", "",
                "| model | N | threads | run (s) | eqsim mpi, same ranks (s) | NEST / eqsim |",
                "|---|---|---|---|---|---|"]
        for r in doc["nest"]:
            if "error" in r:
                out.append(f"| {r['model']} | {r['N']} | {r['threads']} | failed | | |")
                continue
            mine = [e for e in doc["eqsim"] if e.get("model") == r["model"].lower() and
                    e.get("N") == r["N"] and e.get("backend") == "mpi" and
                    e.get("ranks") == r["threads"] and "run_s" in e]
            ours = mine[0]["run_s"] if mine else None
            ratio = f"{r['wall_run_s'] / ours:.1f}" if ours else ""
            out.append(f"| {r['model']} | {r['N']} | {r['threads']} | {r['wall_run_s']:.3f} | "
                       f"{ours if ours is None else f'{ours:.3f}'} | {ratio} |")
    out += ["", "## Projection to 8, 64 and 512 ranks", "",
            "Model: compute = measured single-process ns per neuron-step x neurons per "
            "rank; per window an Allgather of every spike (8 bytes) costing "
            f"{ALPHA_S * 1e6:.0f} us x log2(ranks) + bytes / "
            f"{1 / BETA_S_PER_BYTE / 1e9:.0f} GB/s (Hockney model of recursive doubling on "
            "an InfiniBand-class network: assumed, not measured), plus the measured host "
            "overhead per window (Python driver, one rank), plus 2 ns per received spike per "
            "driven Synapses object for queueing. Rates and in-degree as measured.", "",
            "| model | scaling | ranks | neurons | compute (s) | exchange (s) | total (s) | "
            "bytes per window |", "|---|---|---|---|---|---|---|---|"]
    for p in doc["projection"]:
        out.append(f"| {p['model']} | {p['scaling']} | {p['ranks']} | {p['neurons']} | "
                   f"{p['compute_s']:.3f} | {p['exchange_s']:.3f} | {p['total_s']:.3f} | "
                   f"{p['bytes_per_window']:.0f} |")
    return "\n".join(out) + "\n"


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--duration", type=float, default=0.2)
    p.add_argument("--no-nest", action="store_true")
    p.add_argument("--render", action="store_true",
                   help="only rewrite docs/benchmarks_mpi.md from the stored JSON")
    args = p.parse_args(argv)
    if args.render:
        with open(RESULTS) as f:
            doc = json.load(f)
        with open(DOC, "w") as f:
            f.write(markdown(doc))
        return doc
    nest_python = venv_python("EQSIM_NEST_VENV", "/work/venvs/nest")
    use_nest = not args.no_nest and os.path.exists(nest_python)
    samples: dict = {}
    for _ in range(args.repeats):
        for cfg in EQSIM_RUNS:
            samples.setdefault(("eqsim", cfg), []).append(
                run(eqsim_cmd(*cfg[:4], args.duration)))
        for cfg in NEST_RUNS if use_nest else []:
            samples.setdefault(("nest", cfg), []).append(
                run(nest_cmd(*cfg, args.duration, nest_python)))
    rows = {"eqsim": [], "nest": []}
    for (who, cfg), runs in samples.items():
        good = [r for r in runs if "error" not in r]
        if not good:
            row = {**dict(zip(("model", "N", "backend", "ranks", "kind"), cfg)),
                   "error": runs[0]["error"]} if who == "eqsim" else \
                {"model": cfg[0], "N": cfg[1], "threads": cfg[2], "error": runs[0]["error"]}
        else:
            row = dict(good[0])
            for key in ("run_s", "compute_s_max", "exchange_s_max", "wall_run_s"):
                if key in row:
                    row[key] = median([r[key] for r in good])
            row["samples"] = len(good)
            if who == "eqsim":
                row["kind"] = cfg[4]
        rows[who].append(row)
    projection = []
    for model in ("brunel", "cuba"):
        c1 = next((r for r in rows["eqsim"] if r["model"] == model and r["backend"] == "c"
                   and "error" not in r), None)
        m1 = next((r for r in rows["eqsim"] if r["model"] == model and r["backend"] == "mpi"
                   and r["ranks"] == 1 and r["kind"] == "strong" and "error" not in r), None)
        if c1 is None or m1 is None:
            continue
        overhead = max(0.0, (m1["run_s"] - c1["run_s"]) / max(m1["windows"], 1))
        base = {**c1, "window_steps": m1["window_steps"]}
        per_rank = c1["N"]
        for ranks in (8, 64, 512):
            projection.append({"model": model, "scaling": f"weak ({per_rank} per rank)",
                               **project(base, ranks, per_rank * ranks, overhead)})
        for ranks in (8, 64, 512):
            projection.append({"model": model, "scaling": "strong (10^6 neurons)",
                               **project(base, ranks, 10 ** 6, overhead)})
    doc = {"machine": machine_info(), "repeats": args.repeats,
           "duration_s": args.duration, "eqsim": rows["eqsim"], "nest": rows["nest"],
           "projection": projection,
           "assumed_network": {"alpha_s": ALPHA_S, "beta_s_per_byte": BETA_S_PER_BYTE}}
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w") as f:
        json.dump(doc, f, indent=1)
    with open(DOC, "w") as f:
        f.write(markdown(doc))
    log(f"wrote {RESULTS} and {DOC}")
    return doc


if __name__ == "__main__":
    main()
