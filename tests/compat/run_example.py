"""Run Brian2's example scripts under eqsim (import swapped) or Brian2, and compare them.

As a module::

    from tests.compat.run_example import run_example, compare
    eq = run_example("CUBA.py")                       # eqsim, in a subprocess
    ref = load_reference()["examples"]["CUBA.py"]     # Brian2 2.9, stored
    problems = compare(eq, ref, exact=True)

As a script (from the repository root)::

    python -m tests.compat.run_example --all          # every non-compartmental example
    python -m tests.compat.run_example CUBA.py synapses/STDP.py --side brian2
    python -m tests.compat.run_example --all --markdown status.md --json status.json

Each example runs in a fresh interpreter (``example_child.py``) with a wall-clock timeout,
in a temporary copy of its folder (so that files it writes go nowhere), matplotlib on Agg
and ``show()`` a no-op. The result says ``ran``, ``raised`` (exception type, message, the
script line) or ``timeout``, and carries the monitor summaries of :mod:`example_child`.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import brian2_sources as sources

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("example_child.py")
REFERENCE = ROOT / "tests" / "data" / "brian2_examples.json"
BRIAN2_PYTHON = os.environ.get("EQSIM_BRIAN2_PYTHON",
                               "/root/.venvs/eqsim-brian2/bin/python")
SPIKE_KINDS = ("SpikeMonitor", "EventMonitor")


def run_example(name: str, side: str = "eqsim", timeout: float = 120,
                python: str | None = None, env: dict | None = None,
                pylab: bool = False) -> dict:
    """Run example ``name`` (relative to examples/) in a subprocess; return its result.

    ``pylab=True`` supplies pylab's and numpy's names by hand first (to see what fails
    behind a missing ``plot``); the tests never use it.
    """
    script = sources.example_path(name)
    if python is None:
        python = sys.executable if side == "eqsim" else BRIAN2_PYTHON
    child_env = dict(os.environ)
    child_env["MPLBACKEND"] = "Agg"
    child_env["PYTHONHASHSEED"] = "0"
    if side == "eqsim":   # this checkout's eqsim, or another's ($EQSIM_COMPAT_ROOT)
        root = os.environ.get("EQSIM_COMPAT_ROOT", str(ROOT))
        child_env["PYTHONPATH"] = root + os.pathsep + child_env.get("PYTHONPATH", "")
        if root != str(ROOT):
            child_env["PYTHONDONTWRITEBYTECODE"] = "1"   # leave the other checkout alone
    else:   # Brian2's interpreter must not see this checkout (no eqsim, no tests package)
        child_env.pop("PYTHONPATH", None)
    child_env.update(env or {})
    result = {"name": name, "side": side, "status": "crashed", "pylab": pylab}
    with tempfile.TemporaryDirectory(prefix="eqsim-compat-") as work:
        for f in script.parent.iterdir():   # the script's folder: helpers, data files
            if f.is_file():
                shutil.copy2(f, work)
        out = Path(work) / "_result.json"
        start = time.perf_counter()
        argv = [python, str(CHILD), str(Path(work) / script.name), str(out), side]
        proc = subprocess.Popen(argv + (["pylab"] if pylab else []), cwd=work,
                                env=child_env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)   # the script's own worker processes too
            stdout, stderr = proc.communicate()
            result["status"] = "timeout"
        result["elapsed_s"] = round(time.perf_counter() - start, 2)
        if out.exists():
            result.update(json.loads(out.read_text()))
        elif result["status"] != "timeout":
            result["error_type"] = f"exit code {proc.returncode}"
            tail = (stderr or "").strip().splitlines()
            result["error_message"] = tail[-1][:400] if tail else ""
        result["stdout_tail"] = (stdout or "").strip().splitlines()[-5:]
        result["stderr_tail"] = (stderr or "").strip().splitlines()[-5:]
    if result["status"] == "timeout":
        result["error_message"] = f"no result within {timeout:g} s"
    return result


def eqsim_has(*names: str) -> bool:
    """Whether the eqsim that examples run with (this checkout or $EQSIM_COMPAT_ROOT)
    offers these names after ``from eqsim import *``."""
    root = os.environ.get("EQSIM_COMPAT_ROOT", str(ROOT))
    code = ("import sys; sys.path.insert(0, sys.argv[1]); ns = {}; "
            "exec('from eqsim import *', ns); "
            "print(all(n in ns for n in sys.argv[2:]))")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run([sys.executable, "-c", code, root, *names], capture_output=True,
                          text=True, env=env, timeout=120)
    return proc.stdout.strip() == "True"


def load_reference(path: Path = REFERENCE) -> dict:
    return json.loads(path.read_text())


# ---------------------------------------------------------------------------- comparing
def _rel(a, b) -> float:
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return math.inf if a != b else 0.0
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def _scale(var: dict) -> float:
    vals = [v for v in (var.get("max"), var.get("min")) if isinstance(v, (int, float))]
    return max((abs(v) for v in vals), default=0.0) or 1.0


# A random example agrees when each compared number lies within SPREAD_K standard
# deviations of the difference between one run and the mean of Brian2's n runs,
# sd * sqrt(1 + 1/n), sd being Brian2's seed-to-seed spread (the null hypothesis: eqsim
# draws from the same distribution). 4 sd: about 1 false alarm in 300 numbers with sd
# estimated from 10 runs (Student's t, 9 degrees of freedom).
SPREAD_K = 4.0


def spread_tolerance(entry, k: float = SPREAD_K) -> float:
    """Allowed absolute difference from Brian2's mean for a stored spread entry
    ``[mean, sd, n]`` (0 when the number did not vary between Brian2's runs)."""
    _, sd, n = entry
    return k * sd * math.sqrt(1.0 + 1.0 / max(n, 1))


def compare(eq: dict, ref: dict, *, exact: bool = False, rtol: float = 0.05,
            state_rtol: float | None = None, monitors=None,
            spread_k: float | None = None) -> list[str]:
    """What differs between an eqsim result and a Brian2 result; [] when they agree.

    ``exact``: spike counts per neuron identical and state samples within ``state_rtol``
    (default 1e-4) of the variable's range; otherwise spike totals, mean rates and the
    mean and standard deviation of each recorded variable agree within ``rtol``
    (relative; for state variables relative to the largest magnitude recorded), against
    the mean of Brian2's repeated runs where the reference has one (``spread``, from
    ``benchmarks/reference/brian2_examples.py --repeat``). ``monitors``: the keys to compare
    (default every monitor of the reference). ``spread_k``: where the reference stores a
    spread that varies, a number agrees when it lies within ``spread_k`` standard
    deviations of that spread (:func:`spread_tolerance`) instead of within ``rtol``.
    """
    problems = []
    if eq.get("status") != "ran":
        return [f"eqsim {eq.get('status')}: {eq.get('error_type', '')}: "
                f"{eq.get('error_message', '')}"]
    state_rtol = 1e-4 if state_rtol is None else state_rtol
    spread_ = ref.get("spread", {})

    def mean_of(name, single):   # Brian2's mean over repeated runs where it was measured
        return spread_[name][0] if name in spread_ else single

    def off(name, a, b, scale):   # how far, as a fraction, and whether past the tolerance
        diff = abs(a - b) / scale
        if spread_k is not None and spread_.get(name, (0, 0))[1] > 0:
            return diff, abs(a - b) > spread_tolerance(spread_[name], spread_k)
        return diff, diff > rtol

    def sds(name, a, b):   # the difference in Brian2's seed-to-seed standard deviations
        if spread_k is None or spread_.get(name, (0, 0))[1] <= 0 or not isinstance(
                a, (int, float)):
            return ""
        return f", {abs(a - b) / spread_[name][1]:.1f} sd of Brian2's seed spread"
    for key in monitors or sorted(ref.get("monitors", {})):
        r = ref["monitors"][key]
        e = eq.get("monitors", {}).get(key)
        if e is None:
            problems.append(f"{key}: no such monitor under eqsim")
            continue
        if "error" in e or "error" in r:
            problems.append(f"{key}: unreadable ({e.get('error') or r.get('error')})")
            continue
        if r["kind"] in SPIKE_KINDS:
            if e["n_neurons"] != r["n_neurons"]:
                problems.append(f"{key}: {e['n_neurons']} neurons, Brian2 {r['n_neurons']}")
            elif exact and e["counts_sha1"] != r["counts_sha1"]:
                problems.append(f"{key}: spike counts differ ({e['num_spikes']} spikes, "
                                f"Brian2 {r['num_spikes']})")
            elif not exact:
                name = f"{key}.num_spikes"
                b = mean_of(name, r["num_spikes"])
                n_eq = e["num_spikes"]
                if off(name, n_eq, b, max(abs(b), abs(n_eq), 1e-300))[1]:
                    problems.append(f"{key}: {n_eq} spikes, Brian2 {b:.6g} "
                                    + (f"({sds(name, n_eq, b)[2:]})" if sds(name, n_eq, b)
                                       else f"(> {rtol:.0%})"))
        elif r["kind"] == "PopulationRateMonitor":
            b = r["mean_rate"] if exact else mean_of(f"{key}.mean_rate", r["mean_rate"])
            if exact and _rel(e["mean_rate"], b) > state_rtol or not exact and (
                    not isinstance(e["mean_rate"], (int, float)) or off(
                        f"{key}.mean_rate", e["mean_rate"], b,
                        max(abs(b), abs(e["mean_rate"]), 1e-300))[1]):
                problems.append(f"{key}: mean rate {e['mean_rate']:.4g} Hz, "
                                f"Brian2 {b:.4g} Hz"
                                + sds(f"{key}.mean_rate", e["mean_rate"], b))
        else:
            for var, rv in r["variables"].items():
                ev = e["variables"].get(var)
                if ev is None:
                    problems.append(f"{key}.{var}: not recorded under eqsim")
                elif ev["shape"] != rv["shape"] and not (
                        not exact and ev["shape"][1:] == rv["shape"][1:]
                        and not off(f"{key}.{var}.rows", ev["shape"][0],
                                    mean_of(f"{key}.{var}.rows", rv["shape"][0]),
                                    max(rv["shape"][0], 1))[1]
                        and spread_k is not None
                        and spread_.get(f"{key}.{var}.rows", (0, 0))[1] > 0):
                    # (a number of rows that varies between Brian2's runs, as that of
                    # the synapses a random connect() makes, is compared as a number)
                    problems.append(f"{key}.{var}: shape {ev['shape']}, "
                                    f"Brian2 {rv['shape']}")
                elif "samples" not in rv:
                    continue
                elif exact:
                    scale = _scale(rv)
                    worst = max((abs(a - b) / scale if not isinstance(a, str) else math.inf)
                                for ra, rb in zip(ev["samples"], rv["samples"])
                                for a, b in zip(ra, rb))
                    if worst > state_rtol:
                        problems.append(f"{key}.{var}: samples differ by {worst:.2g} of "
                                        f"the range (> {state_rtol:g})")
                else:
                    for stat in ("mean", "std"):
                        a, b = ev.get(stat), mean_of(f"{key}.{var}.{stat}", rv.get(stat))
                        if not isinstance(b, (int, float)):
                            continue
                        name = f"{key}.{var}.{stat}"
                        if not isinstance(a, (int, float)):
                            problems.append(f"{key}.{var}: {stat} {a}, Brian2 {b:.4g}")
                            continue
                        diff, bad = off(name, a, b, _scale(rv))
                        if bad:
                            problems.append(f"{key}.{var}: {stat} {a:.4g}, Brian2 {b:.4g} "
                                            f"({diff:.1%} of the range{sds(name, a, b)})")
    return problems


def spread(runs: list[dict]) -> dict[str, tuple[float, float, float, float]]:
    """Mean, standard deviation, range and scale of each compared number over runs."""
    values: dict[str, list[float]] = {}
    scale: dict[str, float] = {}
    for r in runs:
        for key, m in r.get("monitors", {}).items():
            if "error" in m:
                continue
            if m["kind"] in SPIKE_KINDS:
                values.setdefault(f"{key}.num_spikes", []).append(m["num_spikes"])
            elif m["kind"] == "PopulationRateMonitor":
                values.setdefault(f"{key}.mean_rate", []).append(m["mean_rate"])
            else:
                for var, v in m["variables"].items():
                    if v.get("shape"):   # recorded synapses of a random connect() vary
                        values.setdefault(f"{key}.{var}.rows", []).append(v["shape"][0])
                    for stat in ("mean", "std"):
                        if isinstance(v.get(stat), (int, float)):
                            values.setdefault(f"{key}.{var}.{stat}", []).append(v[stat])
                            scale[f"{key}.{var}.{stat}"] = _scale(v)
    out = {}
    for k, xs in values.items():
        mean = sum(xs) / len(xs)
        sd = (sum((x - mean) ** 2 for x in xs) / max(1, len(xs) - 1)) ** 0.5
        out[k] = (mean, sd, max(xs) - min(xs), scale.get(k, abs(mean)))
    return out


def headline(result: dict, limit: int = 3) -> str:
    """The numbers of a result in a few words: spikes, rates, state means."""
    parts = []
    for key, m in sorted(result.get("monitors", {}).items())[:limit]:
        if "error" in m:
            parts.append(f"{key}: unreadable")
        elif m["kind"] in SPIKE_KINDS:
            parts.append(f"{key}: {m['num_spikes']} spk")
        elif m["kind"] == "PopulationRateMonitor":
            rate = m["mean_rate"]
            parts.append(f"{key}: {rate:.3g} Hz" if isinstance(rate, float)
                         else f"{key}: -")
        else:
            var = next(iter(sorted(m["variables"])), None)
            mean = m["variables"].get(var, {}).get("mean") if var else None
            parts.append(f"{key}.{var}: {mean:.3g}" if isinstance(mean, float)
                         else f"{key}.{var}: -")
    more = len(result.get("monitors", {})) - limit
    return "; ".join(parts) + (f" (+{more})" if more > 0 else "")


def _recorded(result: dict) -> bool:
    """Whether any monitor recorded something (else a failure came before the run)."""
    for m in result.get("monitors", {}).values():
        if m.get("num_spikes") or m.get("n_t") or m.get("recorded"):
            return True
    return False


def verdict(eq: dict, ref: dict | None) -> str:
    """One word for the table: identical / agrees <=x% / differs x% / no reference ..."""
    if eq.get("status") != "ran":
        if _recorded(eq) and ref and ref.get("status") == "ran" and ref.get("monitors"):
            # the simulation often ends before the line that fails (a plot call)
            return f"{eq.get('status')}; so far {verdict({**eq, 'status': 'ran'}, ref)}"
        return eq.get("status", "?")
    if ref is None:
        return "ran, no reference"
    if ref.get("status") != "ran":
        return f"ran; Brian2 {ref.get('status')}"
    if not ref.get("monitors"):
        return "ran (nothing to compare)"
    if not compare(eq, ref, exact=True):
        return "identical"
    worst = 0.0
    for key, r in ref["monitors"].items():
        e = eq.get("monitors", {}).get(key)
        if e is None or "error" in e or "error" in r:
            return "differs (monitors)"
        if r["kind"] in SPIKE_KINDS:
            worst = max(worst, _rel(e["num_spikes"], r["num_spikes"]))
        elif r["kind"] == "PopulationRateMonitor":
            worst = max(worst, _rel(e["mean_rate"], r["mean_rate"]))
        else:
            for var, rv in r["variables"].items():
                ev = e["variables"].get(var, {})
                if "mean" in rv and "mean" in ev and rv["mean"] is not None:
                    if ev["mean"] is None or isinstance(ev["mean"], str):
                        worst = math.inf
                    else:
                        worst = max(worst, abs(ev["mean"] - rv["mean"]) / _scale(rv))
                elif ev.get("shape") != rv.get("shape"):
                    worst = math.inf
    if worst <= 0.02:
        return f"agrees {worst:.1%}"
    return f"differs {worst:.0%}" if worst < math.inf else "differs"


# ----------------------------------------------------------------------- failure causes
_CAUSES = [
    (r"name '(\w+)' is not defined", "missing name `{0}`"),
    (r"cannot import name '(\w+)'", "missing name `{0}` (import)"),
    (r"No module named '(eqsim[\w.]*)'", "missing module `{0}`"),
    (r"No module named '([\w.]+)'", "third-party module `{0}` not installed"),
    (r"unexpected keyword argument '(\w+)'", "unsupported keyword `{0}=`"),
    (r"has no attribute '(\w+)'", "missing attribute `{0}`"),
    (r"\[(E\d{3})\]\s*(.*)", "eqsim {0}: {1}"),
]


def cause(result: dict) -> str:
    """A short, groupable cause of a failure ('missing name `plot`', 'eqsim error E309')."""
    if result.get("status") == "timeout":
        return "timeout"
    msg = f"{result.get('error_type', '')}: {result.get('error_message', '')}"
    if re.search(r"\[E\d{3}\] \d+ problems", msg):   # a collection: name the first problem
        first = re.search(r"\[(E\d{3})\][^\n]*\n\s*(.*)", result.get("error_full", ""))
        if first:
            msg = (first[2] if re.search(r"\[E\d{3}\]", first[2])
                   else f"[{first[1]}] {first[2]}")
    for pattern, fmt in _CAUSES:
        m = re.search(pattern, msg)
        if m:
            return _specific(fmt.format(*m.groups()))
    return _specific(msg.strip(": ")) if msg.strip(": ") else "unknown"


_AREAS = [   # (pattern on the cause, the part of issue 10 that fixes it)
    (r"integer, got \d+\.0|indices must be integers", "namespace: whole numbers as floats"),
    (r"`(Soma|Cylinder|Section|SpatialNeuron|Morphology)`",
     "multicompartment models (a later issue)"),
    (r"syntax is not allowed", "equation features"),
    (r"missing name `(plot|subplot|figure|np|plt|hist|scatter|rand|randn|randint|ceil|"
     r"xlabel|ylabel|title|legend|show|where|full|axhline|xlim|ylim|tight_layout|"
     r"linspace|arange|zeros|ones|mean|std|sum|floor|clip|exp|log|sqrt|array|"
     r"concatenate|histogram|cumsum|diff|argsort|sort|rcParams|gca|gcf)`",
     "namespace: pylab/numpy names"),
    (r"network_operation|run_regularly|`events=`|`when=`|`order=`|EventMonitor|"
     r"run_on_event|custom event", "events, network_operation, schedule"),
    (r"missing (name|attribute) `\w+`|missing module", "namespace: Brian2 names"),
    (r"linked|xi_|noise|integer|boolean|'int'|exponential_euler|E305|E30\d|flag|"
     r"constant over dt", "equation features"),
    (r"is not a unit|E20\d|\bdimensions?\b(?!al)", "units and dimensions"),
    (r"synapse|on_pre|on_post|pathway|connect|E7\d\d|cannot assign|`variables=`",
     "synapse and monitor features"),
    (r"third-party", "third-party module (out of scope)"),
    (r"timeout", "too slow (timeout)"),
]


def area(why: str) -> str:
    """The part of issue 10 a failure cause belongs to."""
    for pattern, name in _AREAS:
        if re.search(pattern, why, re.I):
            return name
    return "other"


def _specific(text: str) -> str:
    """Cut a cause to a groupable length (the part before a parenthesis or semicolon)."""
    text = text.split(" (")[0].split("; ")[0]
    return text if len(text) <= 90 else text[:89] + "…"


def _cell(text: str, width: int = 90) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= width else text[:width - 1] + "…"


def markdown(results: list[dict], reference: dict | None) -> str:
    refs = (reference or {}).get("examples", {})
    rows = ["| example | eqsim | first error (line) | eqsim numbers | Brian2 numbers | "
            "verdict |", "|---|---|---|---|---|---|"]
    for r in results:
        ref = refs.get(r["name"])
        err = ""
        if r["status"] != "ran":
            err = f"{r.get('error_type', '')}: {r.get('error_message', '')}"
            if r.get("error_lineno"):
                src = _cell(r.get("error_source", ""), 50)
                err += f" (l. {r['error_lineno']}: `{src}`)"
        rows.append(f"| {r['name']} | {r['status']} {r.get('elapsed_s', 0):.0f}s | "
                    f"{_cell(err, 140)} | {_cell(headline(r), 60)} | "
                    f"{_cell(headline(ref), 60) if ref else '-'} | {verdict(r, ref)} |")
    failed = [r for r in results if r["status"] != "ran"]
    counts = Counter(cause(r) for r in failed)
    lines = ["| area | cause | examples | which |", "|---|---|---|---|"]
    for c, n in sorted(counts.items(), key=lambda kv: (-sum(
            v for k, v in counts.items() if area(k) == area(kv[0])), area(kv[0]), -kv[1])):
        which = ", ".join(r["name"] for r in failed if cause(r) == c)
        lines.append(f"| {area(c)} | {_cell(c, 90)} | {n} | {_cell(which, 400)} |")
    areas = Counter(area(cause(r)) for r in failed)
    lines = ["By area: " + "; ".join(f"{a} {n}" for a, n in areas.most_common()), "",
             *lines]
    verdicts = Counter(verdict(r, refs.get(r["name"])).split()[0].rstrip(",;")
                       for r in results)
    summary = (f"{len(results)} examples: " + ", ".join(
        f"{n} {v}" for v, n in verdicts.most_common()))
    return "\n".join([summary, "", "### Failures by cause", "", *lines, "",
                      "### Every example", "", *rows, ""])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="examples, relative to examples/")
    parser.add_argument("--all", action="store_true", help="every non-compartmental one")
    parser.add_argument("--side", choices=("eqsim", "brian2"), default="eqsim")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--markdown", help="write the table to this file too")
    parser.add_argument("--json", help="write the raw results to this file")
    parser.add_argument("--pylab", action="store_true",
                        help="supply pylab/numpy names by hand first (diagnosis only)")
    parser.add_argument("--repeat", type=int, default=0,
                        help="run each example N times and print the spread of its numbers "
                             "(the basis of a tolerance; run k adds k to the seeds the "
                             "script sets)")
    parser.add_argument("--from-json", help="only render the table of an earlier --json")
    args = parser.parse_args(argv)
    reference = load_reference() if REFERENCE.exists() else None
    if args.from_json:
        table = markdown(json.loads(Path(args.from_json).read_text()), reference)
        print(table)
        if args.markdown:
            Path(args.markdown).write_text(table)
        return 0
    names = sources.list_examples() if args.all else args.names
    if not names:
        parser.error("name examples or give --all")

    def one(name):
        r = run_example(name, side=args.side, timeout=args.timeout, pylab=args.pylab)
        print(f"{name}: {r['status']} {r.get('elapsed_s', 0):.1f}s "
              f"{r.get('error_type', '')} {r.get('error_message', '')[:100]}",
              file=sys.stderr, flush=True)
        return r

    if args.repeat:
        for name in names:
            runs = [run_example(name, side=args.side, timeout=args.timeout,
                                pylab=args.pylab,
                                env={"EQSIM_COMPAT_SEED_SHIFT": str(k)} if k else None)
                    for k in range(args.repeat)]
            print(f"{name}: {args.repeat} runs under {args.side}")
            for key, value in spread(runs).items():
                print(f"  {key}: mean {value[0]:.6g}, sd {value[1]:.3g} "
                      f"({value[1] / abs(value[0]) if value[0] else 0:.2%}), "
                      f"range {value[2]:.3g} (scale {value[3]:.3g})")
        return 0
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        results = list(pool.map(one, names))
    table = markdown(results, reference)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
