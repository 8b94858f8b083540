#!/usr/bin/env python
"""Benchmark suite: the standard networks in eqsim, Brian2 and NEST, one process per run.

    python benchmarks/suite.py --models cuba,coba,cobahh,brunel --repeats 3
    python benchmarks/suite.py --scaling cuba,cobahh --sizes 4000,16000,64000,256000,1000000 \\
        --duration 0.1 --simulators eqsim,brian2-cpp_standalone

Configurations (--simulators; 'eqsim' = eqsim-cold,eqsim-warm, 'brian2' = both targets):

  eqsim-cold             benchmarks/eqsim_networks.py with a fresh, empty $EQSIM_CACHE_DIR
                         (sympy, templates and gcc all run);
  eqsim-warm             the same cache directory again (the cold run of the same repeat
                         fills it, or an untimed run when eqsim-cold is not selected);
  eqsim-threads2         warm, with --threads 2 (skipped if eqsim's run() has no threads=);
  brian2-cpp_standalone  the team's Brian2 script (--brian2-scripts) with a fresh project
                         directory each run, i.e. code generation + full make;
  brian2-runtime         Cython, after one untimed run that warms Brian2's Cython cache;
  nest                   benchmarks/nest/<model>.py, for the models that exist there.

Every run is its own process with a time limit (--timeout); the repeats interleave the
configurations (A B C A B C ...). A configuration whose interpreter or script is missing
is skipped, with the reason logged and recorded in the JSON. Brian2 and NEST run from
their own virtualenvs ($BRIAN2_VENV, $NEST_VENV); eqsim does not depend on them.

--models runs the standard networks (Bernoulli p = 0.02; Brunel fixed in-degree) at their
standard sizes, or at --sizes. --scaling runs CUBA/COBA/COBAHH with a fixed in-degree of
64 + 16 at --sizes (default 4k ... 1M); its tables add ns per neuron-step,
run_s * 1e9 / (N * steps), and ns per synaptic event, run_s * 1e9 / (spikes * synapses/N).

Writes --out-json (machine, every run's JSON line and command, medians), --out-md
(a table per model) and --out-png (log-log scaling plot).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

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

EQSIM_SCRIPT = os.path.join(HERE, "eqsim_networks.py")
NEST_SCRIPTS = os.path.join(HERE, "nest")
BRIAN2_SCRIPTS = os.path.join(os.path.dirname(REPO), "shared", "models", "brian2")
# model -> (title, standard size, standard wiring)
MODELS = {
    "cuba": ("CUBA", 4000, "Bernoulli p = 0.02"),
    "coba": ("COBA", 4000, "Bernoulli p = 0.02"),
    "cobahh": ("COBAHH", 4000, "Bernoulli p = 0.02"),
    "brunel": ("Brunel", 12500, "fixed in-degree 0.1 N_E + 0.1 N_I"),
    "adex": ("AdEx RS-FS", 5000, "Bernoulli p = 0.05, afferents p = 0.5"),
}
SCALING_MODELS = ("cuba", "coba", "cobahh")
SCALING_SIZES = "4000,16000,64000,256000,1000000"
CONFIGS = ["eqsim-cold", "eqsim-warm", "eqsim-threads2", "brian2-cpp_standalone",
           "brian2-runtime", "nest"]
ALIASES = {"eqsim": ["eqsim-cold", "eqsim-warm"],
           "brian2": ["brian2-cpp_standalone", "brian2-runtime"]}
OUT_JSON = os.path.join(HERE, "results", "suite.json")
OUT_MD = os.path.join(REPO, "docs", "benchmarks_suite.md")
OUT_PNG = os.path.join(REPO, "docs", "scaling.png")
UNTIMED_S = 0.001  # model time of the untimed runs that fill caches


def parse_configs(text: str) -> list[str]:
    """The configurations named in `text` (aliases expanded), in the canonical order."""
    chosen = set()
    for name in (s.strip() for s in text.split(",") if s.strip()):
        if name not in CONFIGS and name not in ALIASES:
            raise ValueError(f"unknown simulator '{name}' (choose from "
                             f"{', '.join(list(ALIASES) + CONFIGS)})")
        chosen.update(ALIASES.get(name, [name]))
    return [c for c in CONFIGS if c in chosen]


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="\n".join(__doc__.split("\n")[1:]))
    p.add_argument("--models", default=None,
                   help="standard networks, comma-separated from " + ",".join(MODELS) +
                        " (default cuba,coba,cobahh,brunel unless --scaling is given)")
    p.add_argument("--scaling", default="",
                   help="fixed in-degree scaling series of these models (from " +
                        ",".join(SCALING_MODELS) + ")")
    p.add_argument("--sizes", default=None,
                   help="comma-separated N (default: standard sizes for --models, "
                        f"{SCALING_SIZES} for --scaling)")
    p.add_argument("--duration", type=float, default=1.0, help="model time (s)")
    p.add_argument("--repeats", "-R", type=int, default=3)
    p.add_argument("--seed", type=int, default=4242)
    p.add_argument("--simulators", default="eqsim,brian2,nest",
                   help="comma-separated from " + ",".join(list(ALIASES) + CONFIGS))
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    p.add_argument("--eqsim-python", default=sys.executable)
    p.add_argument("--eqsim-ref", default=None,
                   help="benchmark this git commit of eqsim (via 'git archive') instead "
                        "of the working tree")
    p.add_argument("--brian2-python", default=venv_python("BRIAN2_VENV",
                                                          "/work/venvs/brian2"))
    p.add_argument("--brian2-scripts", default=BRIAN2_SCRIPTS,
                   help="directory of the Brian2 model scripts (cuba.py, ...)")
    p.add_argument("--nest-python", default=venv_python("NEST_VENV", "/work/venvs/nest"))
    p.add_argument("--nest-scripts", default=NEST_SCRIPTS)
    p.add_argument("--out-json", default=OUT_JSON)
    p.add_argument("--out-md", default=OUT_MD)
    p.add_argument("--out-png", default=OUT_PNG)
    args = p.parse_args(argv)
    try:
        args.configs = parse_configs(args.simulators)
    except ValueError as exc:
        p.error(str(exc))
    scaling = [m.strip() for m in args.scaling.split(",") if m.strip()]
    models = [m.strip() for m in (args.models or ("" if scaling else
                                                  "cuba,coba,cobahh,brunel")).split(",")
              if m.strip()]
    for m in models:
        if m not in MODELS:
            p.error(f"unknown model '{m}' (choose from {', '.join(MODELS)})")
    for m in scaling:
        if m not in SCALING_MODELS:
            p.error(f"--scaling: '{m}' has no fixed in-degree variant (choose from "
                    f"{', '.join(SCALING_MODELS)})")
    sizes = [int(float(s)) for s in args.sizes.split(",")] if args.sizes else None
    args.jobs = [(m, n, "p") for m in models for n in (sizes or [MODELS[m][1]])]
    args.jobs += [(m, n, "indegree") for m in scaling
                  for n in (sizes or [int(s) for s in SCALING_SIZES.split(",")])]
    return args


# ------------------------------------------------------------------------- processes
def run_process(cmd: list[str], env: dict, timeout: float) -> dict:
    """Run cmd in its own process group; returncode, stdout, stderr, wall time, the peak
    RSS of the process (and of the children it waited for), and whether it timed out."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=REPO, start_new_session=True)
    out: dict[str, str] = {}

    def drain(name, stream):
        out[name] = stream.read()
        stream.close()

    readers = [threading.Thread(target=drain, args=item, daemon=True)
               for item in (("stdout", proc.stdout), ("stderr", proc.stderr))]
    for t in readers:
        t.start()
    timed_out = threading.Event()

    def kill():
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def on_timeout():
        timed_out.set()
        kill()

    timer = threading.Timer(timeout, on_timeout)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:
        kill()
        raise
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join(10)
        if t.is_alive():  # a grandchild still holds the pipe
            kill()
            t.join()
    return {"returncode": proc.returncode, "stdout": out.get("stdout", ""),
            "stderr": out.get("stderr", ""), "timed_out": timed_out.is_set(),
            "wall_process_s": time.perf_counter() - t0,
            "process_peak_rss_mb": usage.ru_maxrss / 1024.0}


class Suite:
    """Builds the command of every configuration, fills caches, runs and records."""

    def __init__(self, args: argparse.Namespace, tmp_root: str, src: str):
        self.args, self.tmp_root, self.src = args, tmp_root, src
        self.env_eqsim = eqsim_env(src)
        self.env_other = dict(os.environ)
        self.examples = os.path.join(src, "examples")
        self.filled: set = set()      # (cache dir, threads) holding a built module
        self.warmed: set = set()      # Brian2 runtime jobs whose Cython cache is warm
        self.skipped: list[dict] = []
        self.versions: dict = {}

    # ---- what can run
    def check_simulators(self) -> None:
        """Record why whole configurations cannot run (missing interpreter, feature)."""
        a = self.args
        needs = {"brian2": any(c.startswith("brian2") for c in a.configs),
                 "nest": "nest" in a.configs}
        for module, python in (("brian2", a.brian2_python), ("nest", a.nest_python)):
            if needs[module]:
                self.versions[module] = module_version(python, module)
        for cfg in a.configs:
            reason = None
            if cfg.startswith("brian2") and self.versions["brian2"] is None:
                reason = f"no usable Brian2: '{a.brian2_python}' missing or no brian2"
            elif cfg == "brian2-cpp_standalone" and not os.path.exists("/usr/bin/time"):
                reason = "the Brian2 scripts need /usr/bin/time for cpp_standalone"
            elif cfg == "nest" and self.versions["nest"] is None:
                reason = f"no usable NEST: '{a.nest_python}' missing or no nest"
            elif cfg == "eqsim-threads2" and not self._eqsim_has_threads():
                reason = "this eqsim's Network.run() has no threads= argument"
            if reason:
                self.skip(cfg, None, reason)

    def _eqsim_has_threads(self) -> bool:
        code = ("import inspect, eqsim; "
                "print('threads' in inspect.signature(eqsim.Network.run).parameters)")
        # cwd=src: `python -c` puts the working directory first on sys.path
        r = subprocess.run([self.args.eqsim_python, "-c", code], capture_output=True,
                           text=True, env=self.env_eqsim, cwd=self.src, check=False)
        return r.stdout.strip() == "True"

    def skip(self, cfg: str, model: str | None, reason: str) -> None:
        log(f"skipping {cfg}" + (f" for {model}" if model else "") + f": {reason}")
        self.skipped.append({"config": cfg, "model": model, "reason": reason})

    def skipped_for(self, cfg: str, model: str) -> bool:
        """True if cfg cannot run model (recording the reason the first time)."""
        if any(s["config"] == cfg and s["model"] in (None, model) for s in self.skipped):
            return True
        script = self.script(cfg, model)
        if script and not os.path.exists(script):
            self.skip(cfg, model, f"no script {script}")
            return True
        return False

    def script(self, cfg: str, model: str) -> str | None:
        if cfg.startswith("brian2"):
            return os.path.join(self.args.brian2_scripts, f"{model}.py")
        if cfg == "nest":
            return os.path.join(self.args.nest_scripts, f"{model}.py")
        return None

    # ---- commands
    def eqsim_cmd(self, job: tuple, cache: str, threads: int,
                  duration: float) -> list[str]:
        model, n, conn = job
        cmd = [self.args.eqsim_python, EQSIM_SCRIPT, "--model", model, "--N", str(n),
               "--duration", str(duration), "--seed", str(self.args.seed),
               "--conn", conn, "--cache-dir", cache, "--examples-dir", self.examples]
        return cmd + (["--threads", str(threads)] if threads != 1 else [])

    def other_cmd(self, cfg: str, job: tuple, duration: float) -> list[str]:
        model, n, conn = job
        python = self.args.nest_python if cfg == "nest" else self.args.brian2_python
        cmd = [python, self.script(cfg, model), "--N", str(n), "--duration",
               str(duration), "--seed", str(self.args.seed), "--conn", conn]
        return cmd + (["--target", cfg.split("-", 1)[1]] if cfg.startswith("brian2")
                      else [])

    # ---- runs
    def run(self, cfg: str, job: tuple, rep: int) -> dict:
        """One timed run of cfg on job: the row for the JSON."""
        a = self.args
        build_dir = None
        if cfg.startswith("eqsim"):
            tag = rep if "eqsim-cold" in a.configs else "all"
            cache = os.path.join(self.tmp_root, "cache-{}-{}-{}-{}".format(*job, tag))
            threads = 2 if cfg == "eqsim-threads2" else 1
            if cfg != "eqsim-cold" and (cache, threads) not in self.filled and \
                    self.untimed(self.eqsim_cmd(job, cache, threads, UNTIMED_S),
                                 self.env_eqsim, f"{cfg} fill cache"):
                self.filled.add((cache, threads))
            cmd, env = self.eqsim_cmd(job, cache, threads, a.duration), self.env_eqsim
        else:
            env = self.env_other
            if cfg == "brian2-runtime" and job not in self.warmed and \
                    self.untimed(self.other_cmd(cfg, job, UNTIMED_S), env,
                                 f"{cfg} warm Cython cache"):
                self.warmed.add(job)
            cmd = self.other_cmd(cfg, job, a.duration)
            if cfg == "brian2-cpp_standalone":
                build_dir = tempfile.mkdtemp(prefix="b2-", dir=self.tmp_root)
                cmd += ["--build-dir", build_dir]
        label = "[{} {} N={} {}, repeat {}]".format(cfg, *job, rep + 1)
        log(f"{label} $ {' '.join(cmd)}")
        proc = run_process(cmd, env, a.timeout)
        if build_dir:
            shutil.rmtree(build_dir, ignore_errors=True)
        row = {"config": cfg, "model": job[0], "N": job[1], "conn": job[2],
               "repeat": rep, "command": " ".join(cmd),
               **{k: proc[k] for k in ("returncode", "wall_process_s",
                                       "process_peak_rss_mb")},
               "result": None, "error": None}
        lines = [ln for ln in proc["stdout"].splitlines() if ln.startswith("{")]
        if proc["timed_out"]:
            row["error"] = f"timed out after {a.timeout:g} s"
        elif proc["returncode"] != 0 or not lines:
            row["error"] = (f"exit code {proc['returncode']}: "
                            + proc["stderr"].strip()[-2000:])
        else:
            row["result"] = json.loads(lines[-1])
            used = row["result"].get("eqsim_file", self.src)
            if cfg.startswith("eqsim") and not used.startswith(self.src):
                row["error"] = f"ran the eqsim at {used}, not the one in {self.src}"
        if row["error"]:
            log(f"{label} FAILED: {row['error']}")
            return row
        if cfg == "eqsim-cold":
            self.filled.add((cache, 1))
        elif cfg.startswith("eqsim") and row["result"]["compiled"]:
            row["warning"] = "not warm: this run compiled its module"
            log(f"{label} warning: {row['warning']}")
        m = metrics(row)
        log(f"{label} prepare {m['prepare_s']:.3f} s, run {m['run_s']:.3f} s, "
            f"rss {m['peak_rss_mb']:.0f} MB, {m['spikes']} spikes "
            f"({m['rate_hz']:.2f} Hz)")
        return row

    def untimed(self, cmd: list[str], env: dict, what: str) -> bool:
        """Run cmd to fill a cache; True if it succeeded."""
        log(f"[{what}, untimed] $ {' '.join(cmd)}")
        proc = run_process(cmd, env, self.args.timeout)
        if proc["returncode"] != 0:
            log(f"[{what}] failed (exit code {proc['returncode']}): "
                + proc["stderr"].strip()[-2000:])
        return proc["returncode"] == 0


# -------------------------------------------------------------------------- analysis
def metrics(row: dict) -> dict:
    """The compared quantities of one successful run."""
    r = row["result"]
    run = r["wall_run_s"]
    n = r["N"]
    steps = round(r["sim_time_s"] * 1e3 / r["dt_ms"])
    prepare = (r.get("wall_build_compile_s") or 0.0) + (r.get("wall_prepare_s") or 0.0)
    if r.get("wall_to_first_step_s") is not None:
        start = r["wall_to_first_step_s"]
    elif row["config"] == "brian2-cpp_standalone":
        start = r["wall_total_s"] - run
    else:
        start = r["wall_import_s"] + r["wall_setup_s"] + prepare
    events = r["spikes"] * r["n_synapses"] / n
    return {
        "prepare_s": prepare, "compile_s": r.get("wall_compile_s"), "start_s": start,
        "run_s": run, "run_per_sim_s": run / r["sim_time_s"],
        "total_s": r.get("wall_total_s"),
        "peak_rss_mb": (r.get("peak_rss_mb") or r.get("binary_peak_rss_mb")
                        or row["process_peak_rss_mb"]),
        "n_synapses": r["n_synapses"], "spikes": r["spikes"], "rate_hz": r["rate_hz"],
        "rate_exc_hz": r.get("rate_exc_hz"), "rate_inh_hz": r.get("rate_inh_hz"),
        "steps": steps, "ns_per_neuron_step": run * 1e9 / (n * steps),
        "ns_per_event": run * 1e9 / events if events else None,
    }


def summarise(rows: list[dict], configs: list[str]) -> tuple[list[dict], str | None]:
    """Medians per model, N, wiring and configuration, with the run-time ratio to the
    reference (eqsim-warm, else eqsim-cold); returns (summaries, reference)."""
    ref = next((c for c in ("eqsim-warm", "eqsim-cold") if c in configs), None)
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["model"], row["N"], row["conn"], row["config"]),
                          []).append(row)
    out = []
    for (model, n, conn, cfg), group in groups.items():
        ok = [metrics(r) for r in group if not r["error"]]
        s = {"model": model, "N": n, "conn": conn, "config": cfg, "n_runs": len(ok),
             "n_failed": len(group) - len(ok)}
        for key in (ok[0] if ok else {}):
            s[key] = median(m[key] for m in ok)
        s["run_s_all"] = [m["run_s"] for m in ok]
        out.append(s)
    by_key = {(s["model"], s["N"], s["conn"], s["config"]): s for s in out}
    for s in out:
        r = by_key.get((s["model"], s["N"], s["conn"], ref))
        s["run_ratio_to_ref"] = (s["run_s"] / r["run_s"]
                                 if r and s.get("run_s") and r.get("run_s") else None)
    out.sort(key=lambda s: (list(MODELS).index(s["model"]), s["conn"] != "p", s["N"],
                            CONFIGS.index(s["config"])))
    return out, ref


def fmt(x, spec: str = ".3f") -> str:
    return "–" if x is None else format(x, spec)


def error_line(error: str) -> str:
    """The telling line of a failure: the exception's, not the traceback or hints."""
    lines = [ln for ln in error.splitlines() if ln.strip()]
    top = [ln for ln in lines if not ln[0].isspace()]
    return (top or lines or [""])[-1][:300]


def markdown(doc: dict) -> str:
    """The report: one table per model and wiring, then skips and failures."""
    m, ref = doc["machine"], doc["ratio_reference"]
    lines = [
        "# Benchmark suite: eqsim, Brian2, NEST", "",
        f"`{doc['command']}`", "",
        (f"{m['date']}; {m['cpu_model']}, {m['nproc']} cores; {m['platform']}; "
         f"Python {m['python']}; {m['gcc']}. eqsim: {m.get('eqsim_source')}; "
         f"Brian2 {m.get('brian2') or '–'}; NEST {m.get('nest') or '–'}. "
         f"{doc['duration_s']:g} s of model time, medians of {doc['repeats']} "
         "repeat(s), each run in its own process, configurations interleaved."), "",
        ("prepare: code generation + compilation, or loading them from a cache (NEST: "
         "nest.Prepare()); start → first step: from the script's start to the first "
         "simulated step (Brian2 cpp_standalone: total − run, which includes its binary "
         "writing the results); run: the main loop only; peak RSS: the process (Brian2 "
         "cpp_standalone: its binary). Rates: excitatory / inhibitory, or all neurons "
         "where the script reports only that."), "",
    ]
    sections: dict[tuple, list[dict]] = {}
    for s in doc["medians"]:
        sections.setdefault((s["model"], s["conn"]), []).append(s)
    for (model, conn), rows in sections.items():
        title, _, wiring = MODELS[model]
        scaling = conn == "indegree"
        if scaling:
            wiring = "fixed in-degree 64 exc + 16 inh (scaling series)"
        lines += [f"## {title}, {wiring}", ""]
        head = ["N", "configuration", "runs", "prepare (s)", "start → first step (s)",
                "run (s)", f"run ÷ {ref}", "peak RSS (MB)", "synapses", "spikes",
                "rate exc / inh (Hz)"]
        if scaling:
            head += ["ns / neuron-step", "ns / synaptic event"]
        lines += ["| " + " | ".join(head) + " |",
                  "|---|---|" + "---:|" * (len(head) - 2)]
        for s in rows:
            if not s["n_runs"]:
                lines.append(f"| {s['N']} | {s['config']} | 0 ({s['n_failed']} failed) |"
                             + " – |" * (len(head) - 3))
                continue
            rate = (f"{s['rate_exc_hz']:.2f} / {s['rate_inh_hz']:.2f}"
                    if s.get("rate_exc_hz") is not None
                    else f"{s['rate_hz']:.2f} (all)")
            cells = [str(s["N"]), s["config"],
                     str(s["n_runs"]) + (f" ({s['n_failed']} failed)"
                                         if s["n_failed"] else ""),
                     fmt(s["prepare_s"]), fmt(s["start_s"]), fmt(s["run_s"]),
                     fmt(s["run_ratio_to_ref"], ".2f") + "×"
                     if s["run_ratio_to_ref"] is not None else "–",
                     fmt(s["peak_rss_mb"], ".0f"), f"{s['n_synapses']:.0f}",
                     f"{s['spikes']:.0f}", rate]
            if scaling:
                cells += [fmt(s["ns_per_neuron_step"], ".2f"),
                          fmt(s["ns_per_event"], ".2f")]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    if doc["skipped"]:
        lines += ["## Skipped", ""] + [
            f"- {s['config']}" + (f" ({s['model']})" if s["model"] else "") +
            f": {s['reason']}" for s in doc["skipped"]] + [""]
    failed = [r for r in doc["runs"] if r["error"]]
    if failed:
        lines += ["## Failed runs", ""] + [
            f"- {r['config']} {r['model']} N={r['N']} repeat {r['repeat'] + 1}: "
            + error_line(r["error"]) for r in failed] + [""]
    return "\n".join(lines)


def plot(doc: dict, path: str) -> None:
    """Log-log: run time per simulated second and ns per neuron-step against N, one line
    per model and configuration (the scaling series if there is one)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    summaries = [s for s in doc["medians"] if s["n_runs"]]
    if any(s["conn"] == "indegree" for s in summaries):
        summaries = [s for s in summaries if s["conn"] == "indegree"]
    if any(s["config"] == "eqsim-warm" for s in summaries):  # the same loop as cold
        summaries = [s for s in summaries if s["config"] != "eqsim-cold"]
    lines: dict[tuple, list[dict]] = {}
    for s in summaries:
        lines.setdefault((s["model"], s["config"]), []).append(s)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    markers = "osD^v<>ph*"
    for k, ((model, cfg), pts) in enumerate(sorted(lines.items())):
        pts.sort(key=lambda s: s["N"])
        n = [s["N"] for s in pts]
        style = {"marker": markers[k % len(markers)],
                 "label": f"{MODELS[model][0]}, {cfg}"}
        axes[0].loglog(n, [s["run_per_sim_s"] for s in pts], **style)
        axes[1].loglog(n, [s["ns_per_neuron_step"] for s in pts], **style)
    axes[0].set_ylabel("run time per simulated second (s)")
    axes[1].set_ylabel("ns per neuron-step")
    for ax in axes:
        ax.set_xlabel("N (neurons)")
        ax.grid(True, which="both", alpha=0.3)
    axes[1].legend(fontsize=7)
    m = doc["machine"]
    fig.suptitle(f"{m['cpu_model']}, {m['nproc']} cores; {doc['duration_s']:g} s "
                 "model time, medians", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main(argv=None) -> dict:
    args = parse_args(argv)
    tmp_root = tempfile.mkdtemp(prefix="eqsim_suite_")
    rows: list[dict] = []
    doc = {"benchmark": "suite",
           "command": " ".join(["python", os.path.relpath(__file__, REPO)]
                               + (sys.argv[1:] if argv is None else list(argv))),
           "duration_s": args.duration, "repeats": args.repeats, "seed": args.seed,
           "configs": args.configs, "jobs": args.jobs, "runs": rows}
    try:
        src, source = eqsim_source(args.eqsim_ref, args.eqsim_python, tmp_root)
        suite = Suite(args, tmp_root, src)
        suite.check_simulators()
        doc["machine"] = {**machine_info(), "eqsim_source": source, **suite.versions}
        doc["skipped"] = suite.skipped
        log("machine:", json.dumps(doc["machine"]))
        try:
            for job in args.jobs:
                for rep in range(args.repeats):
                    for cfg in args.configs:
                        if not suite.skipped_for(cfg, job[0]):
                            rows.append(suite.run(cfg, job, rep))
                            write(args.out_json, json.dumps(doc, indent=1))  # progress
        except KeyboardInterrupt:
            log("interrupted: writing what has run so far")
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)
    doc["medians"], doc["ratio_reference"] = summarise(rows, args.configs)
    doc["machine"]["eqsim"] = next((r["result"].get("eqsim_version") for r in rows
                                    if r["result"] and r["config"].startswith("eqsim")),
                                   None)
    md = markdown(doc)
    write(args.out_json, json.dumps(doc, indent=1))
    write(args.out_md, md + "\n")
    log(f"wrote {args.out_json}, {args.out_md}")
    if any(s["n_runs"] for s in doc["medians"]):
        os.makedirs(os.path.dirname(os.path.abspath(args.out_png)), exist_ok=True)
        plot(doc, args.out_png)
        log(f"wrote {args.out_png}")
    print(md)
    return doc


if __name__ == "__main__":
    main()
