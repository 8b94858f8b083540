#!/usr/bin/env python
"""Run the AdExp-with-noise benchmark side by side: eqsim and Brian2.

Every configuration runs in its own process (benchmarks/adex_noise.py), one after the
other, interleaved so that slow drifts of the machine hit all of them alike:

    repeat r = 1..R:  eqsim cold -> eqsim warm -> brian2 cpp_standalone -> brian2 runtime

* eqsim cold:  a fresh, empty $EQSIM_CACHE_DIR (sympy, templates and gcc all run);
* eqsim warm:  the same cache directory again (front-cache and module-cache hit);
* brian2 cpp_standalone: a fresh project directory (code generation + full make);
* brian2 runtime (Cython): Brian2's Cython cache is warmed once before the first repeat
  by a small untimed run, so the timed runs measure a warm start.

Without Brian2 (no python at --brian2-python, or it cannot import brian2) only eqsim
runs. Writes every JSON line plus medians to benchmarks/results/adex_noise.json and
prints a markdown table of the medians.

    python3 benchmarks/run_adex_noise.py                       # N=100000, 1 s, R=3
    python3 benchmarks/run_adex_noise.py --N 10000 --duration 0.2 --repeats 1
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

from _bench_common import (
    HERE,
    REPO,
    eqsim_env,
    eqsim_source,
    log,
    machine_info,
    median,
    module_version,
    venv_python,
)

SCRIPT = os.path.join(HERE, "adex_noise.py")
DEFAULT_OUT = os.path.join(HERE, "results", "adex_noise.json")
DEFAULT_B2 = venv_python("BRIAN2_VENV", "/work/venvs/brian2")

CONFIGS = ["eqsim-cold", "eqsim-warm", "brian2-cpp_standalone", "brian2-runtime"]


def run_one(cmd, env=None, label=""):
    log(f"[{label}] $ {' '.join(cmd)}")
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=env, cwd=REPO)
    if r.returncode != 0:
        log(r.stderr[-4000:])
        raise RuntimeError(f"{label} failed with exit code {r.returncode}")
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    res = json.loads(lines[-1])
    res["config"] = label
    res["command"] = " ".join(cmd)
    log(f"[{label}] prepare {res.get('wall_prepare_s', 0):.3f} s, run "
        f"{res['wall_run_s']:.3f} s, rss {res['peak_rss_mb']:.0f} MB, "
        f"{res['spikes']} spikes ({res['rate_hz']:.2f} Hz)")
    return res


def summarise(results):
    keys = ["wall_import_s", "wall_setup_s", "wall_prepare_s", "wall_compile_s",
            "wall_run_s", "wall_to_first_step_s", "wall_binary_s", "wall_total_s",
            "peak_rss_mb", "spikes", "rate_hz"]
    out = {}
    for cfg in CONFIGS:
        rows = [r for r in results if r["config"] == cfg]
        if rows:
            out[cfg] = {k: median(r.get(k) for r in rows) for k in keys}
            out[cfg]["n"] = len(rows)
            out[cfg]["run_s_all"] = [r["wall_run_s"] for r in rows]
    return out


def fmt(x, spec=".2f"):
    return "–" if x is None else format(x, spec)


def table(summary):
    ref = summary.get("eqsim-warm") or summary.get("eqsim-cold")
    eq_run = ref["wall_run_s"]
    eq_rate = ref["rate_hz"]
    head = ("| configuration | n | import (s) | prepare: codegen + compile (s) | "
            "import → first step (s) | run (s) | run ÷ eqsim run | peak RSS (MB) | "
            "spikes | mean rate (Hz) | rate vs eqsim |")
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for cfg, s in summary.items():
        lines.append(
            f"| {cfg} | {s['n']} | {fmt(s['wall_import_s'])} | "
            f"{fmt(s['wall_prepare_s'], '.3f')} | {fmt(s['wall_to_first_step_s'], '.3f')} | "
            f"{fmt(s['wall_run_s'])} | {fmt(s['wall_run_s'] / eq_run if eq_run else None)}× | "
            f"{fmt(s['peak_rss_mb'], '.0f')} | {s['spikes']:.0f} | "
            f"{fmt(s['rate_hz'])} | "
            f"{fmt(100 * (s['rate_hz'] / eq_rate - 1) if eq_rate else None, '+.1f')} % |")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--N", type=int, default=100_000)
    p.add_argument("--duration", type=float, default=1.0)
    p.add_argument("--repeats", "-R", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--brian2-python", default=DEFAULT_B2,
                   help="python of a Brian2 virtualenv (default $BRIAN2_VENV/bin/python "
                        "or /work/venvs/brian2/bin/python); '' = eqsim only")
    p.add_argument("--eqsim-python", default=sys.executable)
    p.add_argument("--eqsim-ref", default=None,
                   help="benchmark this git commit/ref of eqsim (extracted with "
                        "'git archive' into a temporary directory) instead of the "
                        "working tree; use it when the tree is being edited meanwhile")
    p.add_argument("--configs", default=",".join(CONFIGS),
                   help="comma-separated subset of " + ",".join(CONFIGS))
    p.add_argument("--out", default=DEFAULT_OUT)
    args = p.parse_args()

    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    b2_version = module_version(args.brian2_python, "brian2")
    if b2_version is None:
        log(f"Brian2 not usable at '{args.brian2_python}': benchmarking eqsim only")
        configs = [c for c in configs if not c.startswith("brian2")]
    common = ["--N", str(args.N), "--duration", str(args.duration),
              "--seed", str(args.seed)]
    tmp_root = tempfile.mkdtemp(prefix="eqsim_bench_")
    info = machine_info()
    info["brian2"] = b2_version
    src, info["eqsim_source"] = eqsim_source(args.eqsim_ref, args.eqsim_python, tmp_root)
    env = eqsim_env(src)
    log("machine:", json.dumps(info))

    if "brian2-runtime" in configs:
        log("warming Brian2's Cython cache (untimed)")
        run_one([args.brian2_python, SCRIPT, "--simulator", "brian2", "--target",
                 "runtime", "--N", "100", "--duration", "0.001"], label="warmup")

    results = []
    try:
        for rep in range(args.repeats):
            cache = os.path.join(tmp_root, f"cache{rep}")
            for cfg in configs:
                if cfg in ("eqsim-cold", "eqsim-warm"):
                    if cfg == "eqsim-warm" and not os.path.isdir(cache):
                        # warm without a cold run before it: populate untimed
                        run_one([args.eqsim_python, SCRIPT, "--simulator", "eqsim",
                                 "--cache-dir", cache, "--N", "10", "--duration",
                                 "0.001"], env=env, label="eqsim-populate")
                    cmd = [args.eqsim_python, SCRIPT, "--simulator", "eqsim",
                           "--cache-dir", cache] + common
                    res = run_one(cmd, env=env, label=cfg)
                    for key in ("eqsim_file", "eqsim_templates"):
                        if not str(res.get(key, src)).startswith(src):
                            raise RuntimeError(f"{cfg} used {res[key]}, not {src}")
                else:
                    target = cfg.split("-", 1)[1]
                    cmd = [args.brian2_python, SCRIPT, "--simulator", "brian2",
                           "--target", target] + common
                    res = run_one(cmd, label=cfg)
                res["repeat"] = rep
                results.append(res)
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)

    summary = summarise(results)
    md = table(summary)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(dict(benchmark="adex_noise", machine=info,
                       driver_command=" ".join(["python3"] + sys.argv),
                       N=args.N, duration_s=args.duration, repeats=args.repeats,
                       medians=summary, runs=results, table_markdown=md), f, indent=1)
    log(f"wrote {args.out}")
    print(md)


if __name__ == "__main__":
    main()
