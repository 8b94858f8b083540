#!/usr/bin/env python
"""Brian2 reference firing rates for eqsim's standard networks.

Run with the Brian2 virtualenv's python (see benchmarks/setup_brian2_env.sh),
from the repository root:

    $BRIAN2_VENV/bin/python benchmarks/reference/brian2_network_rates.py

For every model (cuba, coba, cobahh, brunel, adex) and every seed it runs the
team's Brian2 anchor script, unmodified, in its own process:

    <python> /work/shared/models/brian2/<model>.py --target cpp_standalone \
        --duration 1.0 --seed S --build-dir <fresh tmpdir>

with the script's default size and options (brunel: its default regime,
g = 5, eta = 2), parses the one JSON line the script prints and writes
tests/data/brian2_network_rates.json (override with --out).

Rates: rate_hz is the script's own figure (all spikes of all recorded neurons /
N / duration). Only adex.py reports the excitatory and inhibitory rates
separately (rate_exc_hz, rate_inh_hz); cuba, coba, cobahh and brunel report
the overall rate only, so for them rate_exc_hz / rate_inh_hz are null.

std_rate_hz is the sample standard deviation over seeds (ddof = 1).

Options: --models, --seeds, --duration, --out, --scripts-dir, --timeout.
Runs are sequential (one build at a time).
"""
import argparse
import ast
import hashlib
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO_ROOT, "tests", "data", "brian2_network_rates.json")
DEFAULT_SCRIPTS = "/work/shared/models/brian2"
MODELS = ("cuba", "coba", "cobahh", "brunel", "adex")
DEFAULT_SEEDS = (1, 2, 3)

# Fields of the script's JSON line kept per run (besides seed and rates).
RUN_FIELDS = ("spikes", "n_synapses", "wall_total_s", "wall_build_compile_s",
              "wall_compile_s", "wall_binary_s", "wall_run_s",
              "binary_peak_rss_mb")
# Model-specific fields that describe the configuration (same for all seeds).
CONFIG_FIELDS = ("model", "target", "N", "sim_time_s", "dt_ms", "conn",
                 "threads", "state_vars", "CE", "CI", "g", "eta", "nu_ext_hz",
                 "n_afferent")

# Defaults of the options common.parse_args() gives every script.
COMMON_ARG_DEFAULTS = dict(target="runtime", seed=4242, threads=0, conn="p",
                           dt=0.1)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def _literal(node):
    try:
        return ast.literal_eval(node)
    except Exception:
        return ast.unparse(node) if hasattr(ast, "unparse") else None


def script_info(path):
    """Docstring, parse_args() defaults and extra argparse options of a script,
    read statically (nothing is executed)."""
    with open(path, "rb") as f:
        src = f.read()
    tree = ast.parse(src)
    info = dict(script=path, sha256=hashlib.sha256(src).hexdigest(),
                docstring=ast.get_docstring(tree))
    extra = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", None)
        if name == "parse_args" and len(node.args) >= 3:
            info["model_name"] = _literal(node.args[0])
            info["default_N"] = _literal(node.args[1])
            info["default_duration_s"] = _literal(node.args[2])
        elif name == "add_argument" and node.args:
            opt = _literal(node.args[0])
            kw = {k.arg: _literal(k.value) for k in node.keywords}
            extra[opt] = kw.get("default")
    info["common_arg_defaults"] = dict(COMMON_ARG_DEFAULTS)
    if extra:
        info["extra_args_defaults"] = extra
    return info


def parse_json_line(stdout):
    for line in reversed(stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON line in the script's output")


def run_one(python, scripts_dir, model, seed, duration, timeout):
    script = os.path.join(scripts_dir, f"{model}.py")
    build_dir = tempfile.mkdtemp(prefix=f"brian2_rates_{model}_s{seed}_")
    cmd = [python, script, "--target", "cpp_standalone",
           "--duration", repr(float(duration)), "--seed", str(seed),
           "--build-dir", build_dir]
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=scripts_dir, capture_output=True,
                           text=True, timeout=timeout)
    finally:
        wall = time.perf_counter() - t0
        shutil.rmtree(build_dir, ignore_errors=True)
    if p.returncode != 0:
        raise RuntimeError(f"{model} seed {seed}: exit {p.returncode}\n"
                           f"{p.stderr[-4000:]}")
    res = parse_json_line(p.stdout)
    # The build dir is a throw-away tmpdir: record it generically.
    cmdline = " ".join(shlex.quote(c) for c in cmd[:-1]) + " <tmpdir>"
    return res, cmdline, wall


def summarize(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None, None
    mean = statistics.fmean(vals)
    std = statistics.stdev(vals) if len(vals) > 1 else 0.0
    return mean, std


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    ap.add_argument("--seeds", nargs="+", type=int, default=list(DEFAULT_SEEDS))
    ap.add_argument("--duration", type=float, default=1.0,
                    help="biological time per run, seconds")
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--scripts-dir", default=DEFAULT_SCRIPTS)
    ap.add_argument("--python", default=sys.executable,
                    help="interpreter with Brian2 (default: this one)")
    ap.add_argument("--timeout", type=float, default=1800.0,
                    help="seconds per run")
    args = ap.parse_args()

    out = dict(brian2_version=None,
               generated_by="benchmarks/reference/brian2_network_rates.py",
               duration_s=args.duration,
               target="cpp_standalone",
               seeds=args.seeds,
               std_ddof=1,
               scripts_dir=args.scripts_dir,
               note=("rate_hz = all spikes / N / duration as printed by the "
                     "script. Only adex.py reports rate_exc_hz/rate_inh_hz; "
                     "for cuba, coba, cobahh and brunel they are null "
                     "(scripts report the overall rate only)."),
               models={})
    failures = []
    t_all = time.perf_counter()
    for model in args.models:
        script = os.path.join(args.scripts_dir, f"{model}.py")
        entry = dict(N=None, config=None, params=script_info(script), runs=[])
        for seed in args.seeds:
            log(f"[{model} seed {seed}] running ...")
            try:
                res, cmdline, wall = run_one(args.python, args.scripts_dir,
                                             model, seed, args.duration,
                                             args.timeout)
            except Exception as e:  # keep going, report at the end
                log(f"[{model} seed {seed}] FAILED: {e}")
                failures.append(f"{model} seed {seed}: {e}")
                entry["runs"].append(dict(seed=seed, error=str(e)[:2000]))
                continue
            out["brian2_version"] = out["brian2_version"] or res.get("brian2_version")
            entry["N"] = res["N"]
            if entry["config"] is None:
                entry["config"] = {k: res[k] for k in CONFIG_FIELDS if k in res}
            run = dict(seed=res["seed"], rate_hz=res["rate_hz"],
                       rate_exc_hz=res.get("rate_exc_hz"),
                       rate_inh_hz=res.get("rate_inh_hz"))
            run.update({k: res[k] for k in RUN_FIELDS if k in res})
            run["wall_subprocess_s"] = wall
            run["command"] = cmdline
            entry["runs"].append(run)
            log(f"[{model} seed {seed}] rate {res['rate_hz']:.3f} Hz"
                + (f" (exc {res['rate_exc_hz']:.3f}, inh {res['rate_inh_hz']:.3f})"
                   if "rate_exc_hz" in res else "")
                + f", {wall:.1f} s wall")
        ok = [r for r in entry["runs"] if "error" not in r]
        entry["reports_exc_inh"] = any(r["rate_exc_hz"] is not None for r in ok)
        entry["mean_rate_hz"], entry["std_rate_hz"] = summarize(
            [r["rate_hz"] for r in ok])
        if entry["reports_exc_inh"]:
            entry["mean_rate_exc_hz"], entry["std_rate_exc_hz"] = summarize(
                [r["rate_exc_hz"] for r in ok])
            entry["mean_rate_inh_hz"], entry["std_rate_inh_hz"] = summarize(
                [r["rate_inh_hz"] for r in ok])
        out["models"][model] = entry
    out["wall_total_s"] = time.perf_counter() - t_all

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    log(f"wrote {args.out}")
    for model, e in out["models"].items():
        if e["mean_rate_hz"] is not None:
            log(f"  {model:7s} N={e['N']:6d}  {e['mean_rate_hz']:8.3f} "
                f"+- {e['std_rate_hz']:.3f} Hz  "
                + " ".join(f"{r['rate_hz']:.3f}" for r in e["runs"] if "error" not in r))
    if failures:
        log(f"{len(failures)} run(s) failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
