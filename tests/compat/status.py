"""Write the live failure map of the Brian2 examples and tutorials (a Markdown page).

    python -m tests.compat.status --out status.md            # runs everything (~10 min)
    python -m tests.compat.status --examples ex.json --pylab ex_pylab.json \\
        --tutorials tut.json --out status.md                  # from earlier runs' JSON

The page has: a summary, the failures grouped by the area of work that fixes them (as the
scripts are written, and again with pylab's names supplied by hand, which shows what fails
behind a missing ``plot``), the tutorial cells that behave differently from Brian2, and the
table of every example with eqsim's and Brian2's numbers.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from . import brian2_sources as sources
from .run_example import (REFERENCE, SPREAD_K, area, cause, compare, load_reference,
                          markdown, run_example)

TUTORIAL_REFERENCE = REFERENCE.with_name("brian2_examples_tutorials.json")

# why an example cannot run here at all, whatever eqsim does
OUT_OF_SCOPE = {
    "advanced/modelfitting_sbi.py": "needs sbi and PyTorch",
    "advanced/opencv_movie.py": "needs OpenCV and downloads a movie",
    "frompapers/Diehl_Cook_2015.py": "needs the MNIST files and `progressbar`",
    "multiprocessing/03_standalone_joblib.py": "needs joblib",
    "advanced/compare_GSL_to_conventional.py": "needs the GNU Scientific Library "
                                               "(method_options, GSL integrators)",
}

# examples that draw random numbers (their numbers differ from Brian2's run to run)
RANDOM = {"advanced/custom_events.py", "adaptive_threshold.py",
          "frompapers/Brette_Guigon_2003.py", "frompapers/Tsodyks_Uziel_Markram_2000.py",
          "synapses/state_variables.py",
          "frompapers/Diesmann_et_al_1999.py", "frompapers/Platkiewicz_Brette_2011.py",
          "reliability.py", "standalone/STDP_standalone.py", "standalone/cuba_openmp.py",
          "synapses/jeffress.py", "synapses/STDP.py", "non_reliability.py",
          "standalone/simple_case.py", "standalone/simple_case_build.py"}

# what is known about an example that runs but differs (or cannot be compared)
NOTES = {
    "synapses/STDP.py":
        "its StateMonitor holds the weights of 2 synapses (each ends near 0 or gmax at "
        "random): not comparable; input spikes agree within 0.2 %",
    "frompapers/Brunel_2000.py": "Brian2 itself raised (in a spike thresholder) on the "
                                 "reference machine",
    "frompapers/Clopath_et_al_2010_no_homeostasis.py":
        "identical to Brian2's numpy target. Brian2's Cython target (its default) reads "
        "v_lowpass2_post in on_post as loaded before the same code's v_lowpass2 += 10*mV "
        "(numpy: after), so its plotted weights differ by up to 18 % (docs/brian2.md)",
}


def _same_as_target(result: dict, ref: dict) -> str | None:
    """The Brian2 code generation target (stored as ``targets`` in the reference by
    ``brian2_examples.py --target``) whose run this result reproduces exactly, if any."""
    for target, other in (ref or {}).get("targets", {}).items():
        if other.get("status") == "ran" and other.get("monitors") and not compare(
                result, {**ref, **other}, exact=True):
            return target
    return None


def docs_section(examples: list[dict], tutorials: dict, reference: dict | None,
                 label: str | None = None) -> str:
    """The status part of docs/brian2.md: every example and tutorial, one line each."""
    from .run_example import verdict
    from .test_brian2_examples import SUPPORTED
    refs = (reference or {}).get("examples", {})
    rows = ["| example | Brian2 2.9 | eqsim | what fails / differs |", "|---|---|---|---|"]
    tally = Counter()
    for r in examples:
        name = r["name"]
        ref = refs.get(name, {})
        b2 = (f"{ref.get('status')} {ref.get('elapsed_s', 0):.0f} s" if ref else "-")
        v = verdict(r, ref or None)
        if name in OUT_OF_SCOPE:
            state, note = "out of scope", OUT_OF_SCOPE[name]
        elif r["status"] != "ran":
            state, note = "fails", cause(r)
        elif name in SUPPORTED and ref:
            e = SUPPORTED[name]
            problems = compare(r, ref, exact=e.exact, rtol=e.rtol, state_rtol=e.state_rtol,
                               monitors=e.monitors, spread_k=e.spread_k)
            state = ("agrees (tested)" if not problems else "tested, differs")
            within = (f"within {e.spread_k:g} sd of Brian2's spread" if e.spread_k
                      else f"within {e.rtol:g}")
            note = ("exactly" if e.exact else within) if not problems \
                else "; ".join(problems)[:200]
        elif ref.get("spread") and any(sd > 0 for _, sd, _ in ref["spread"].values()):
            # draws random numbers (or amplifies rounding): within Brian2's measured spread
            problems = compare(r, ref, rtol=0.02, spread_k=SPREAD_K)
            n = max(k for _, _, k in ref["spread"].values())
            state = "agrees (within the spread)" if not problems else "runs, differs"
            note = (f"{v} of one Brian2 run; every number within {SPREAD_K:g} sd of "
                    f"Brian2's spread over {n} runs" if not problems
                    else "; ".join(problems)[:200])
        elif not v.startswith("identical") and _same_as_target(r, ref):
            target = _same_as_target(r, ref)
            state = f"agrees (Brian2's {target} target)"
            note = (f"identical to Brian2 2.9 with codegen.target = '{target}'; its "
                    f"default target: {v}")
        elif v.startswith("identical") or (v.startswith("agrees") and name in RANDOM):
            state, note = "agrees (not in the test list)", v
        elif v.startswith("agrees"):   # deterministic: anything short of identical differs
            state, note = "runs, differs", f"deterministic, not identical ({v} on totals)"
        elif v.startswith("differs"):
            random = name in RANDOM
            state = "runs, differs"
            note = (f"{v}; draws random numbers, spread not measured" if random else v)
        elif "nothing to compare" in v:
            state, note = "runs (nothing to compare)", "no monitor in the script's globals"
        else:
            state, note = "runs", v
        note = NOTES.get(name, note)
        tally[state.split(" (")[0]] += 1
        rows.append(f"| {name} | {b2} | {state} | {note.replace('|', '/')} |")
    ref_t = (json.loads(TUTORIAL_REFERENCE.read_text())["notebooks"]
             if TUTORIAL_REFERENCE.exists() else {})
    trows = ["| notebook | code cells | run under eqsim | as in Brian2 |",
             "|---|---|---|---|"]
    for name, cells in tutorials.items():
        rc = ref_t.get(name)
        same = sum(c["status"] == x["status"] for c, x in zip(cells, rc)) if rc else "-"
        trows.append(f"| {name} | {len(cells)} | "
                     f"{sum(c['status'] == 'ran' for c in cells)} | {same} |")
    commit = label or "commit " + subprocess.run(
        ["git", "log", "-1", "--format=%h %cd", "--date=short"], capture_output=True,
        text=True, cwd=Path(__file__).parent).stdout.strip()
    return "\n".join([
        "## Status of Brian2's examples", "",
        f"At {commit}, Brian2 2.9.0's {len(examples)} non-compartmental examples "
        "(the compartmental ones wait for multicompartment models): "
        + "; ".join(f"{k}: {n}" for k, n in tally.most_common()) + ". "
        "\"Agrees (tested)\" examples run in `tests/compat/test_brian2_examples.py`; the "
        "others are run with `python -m tests.compat.run_example NAME`. \"Brian2 2.9\" is "
        "Brian2's own outcome and wall time on the 2-core machine that made the reference "
        "(compilation included).", "", *rows, "",
        "## Status of the tutorials", "",
        "Code cells of Brian2's three tutorial notebooks, run top to bottom in one kernel "
        "(a cell agrees when it runs in both or raises in both — some cells show Brian2's "
        "unit errors on purpose):", "", *trows, ""])


def write_docs(path: Path, section: str) -> None:
    text = path.read_text()
    start = text.index("<!-- status:start")
    start = text.index("\n", start) + 1
    end = text.index("<!-- status:end -->")
    path.write_text(text[:start] + section + text[end:])


def _tutorial_section(results: dict) -> list[str]:
    ref = (json.loads(TUTORIAL_REFERENCE.read_text())["notebooks"]
           if TUTORIAL_REFERENCE.exists() else {})
    lines = ["| notebook | code cells | run under eqsim | as in Brian2 (run, or raise "
             "where Brian2 raises) |", "|---|---|---|---|"]
    rows = ["| notebook | cell | eqsim | Brian2 | error | first line |",
            "|---|---|---|---|---|---|"]
    for name, cells in results.items():
        rcells = ref.get(name)
        same = (sum(c["status"] == r["status"] for c, r in zip(cells, rcells))
                if rcells else None)
        ran = sum(c["status"] == "ran" for c in cells)
        lines.append(f"| {name} | {len(cells)} | {ran} | "
                     f"{same if same is not None else '-'} |")
        for k, c in enumerate(cells):
            r = rcells[k] if rcells else {"status": "ran?"}
            if c["status"] != r["status"].rstrip("?"):
                err = c["error"].replace("|", "\\|")[:140]
                rows.append(f"| {name} | {c['cell']} | {c['status']} | {r['status']} | "
                            f"{err} | `{c['first_line'][:60]}` |")
    causes = Counter()
    for name, cells in results.items():
        for c in cells:
            if c["status"] == "raised":
                fake = {"status": "raised", "error_type": c["error"].split(":")[0],
                        "error_message": c["error"].partition(": ")[2]}
                causes[cause(fake)] += 1
    by_cause = ["| area | cause | cells |", "|---|---|---|"] + [
        f"| {area(k)} | {k} | {n} |" for k, n in causes.most_common()]
    return lines + ["", *by_cause, "", *rows]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", help="JSON of run_example --all --json")
    parser.add_argument("--pylab", help="JSON of run_example --all --pylab --json")
    parser.add_argument("--tutorials", help="JSON of run_tutorial --json")
    parser.add_argument("--out", required=True)
    parser.add_argument("--docs", help="also rewrite the status part of this page "
                                       "(docs/brian2.md)")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--label", help="what was run (default: the checkout's commit)")
    parser.add_argument("--reference", type=Path, default=REFERENCE,
                        help="Brian2's numbers (default tests/data/brian2_examples.json)")
    args = parser.parse_args(argv)

    def load_or_run(path, pylab):
        if path:
            return json.loads(Path(path).read_text())
        return [run_example(n, timeout=args.timeout, pylab=pylab)
                for n in sources.list_examples()]

    examples = load_or_run(args.examples, False)
    pylab = load_or_run(args.pylab, True)
    if args.tutorials:
        tutorials = json.loads(Path(args.tutorials).read_text())
    else:
        from .run_tutorial import run_notebook
        tutorials = {n: run_notebook(n) for n in sources.TUTORIALS}
    reference = load_reference(args.reference) if args.reference.exists() else None
    commit = args.label or subprocess.run(
        ["git", "log", "-1", "--format=%h %s"], capture_output=True, text=True,
        cwd=os.environ.get("EQSIM_COMPAT_ROOT", Path(__file__).parent)).stdout.strip()
    n_ref = len((reference or {}).get("examples", {}))
    text = ["# Brian2 compatibility status (eqsim issue 10)", "",
            f"Made {datetime.datetime.now():%Y-%m-%d %H:%M} by "
            f"`python -m tests.compat.status` on `{commit[:90]}`; Brian2 reference numbers "
            f"for {n_ref} examples (tests/data/brian2_examples.json). Scripts run "
            "unchanged except the import (`brian2` -> `eqsim`), matplotlib on Agg.", "",
            "## Examples as written", "", markdown(examples, reference),
            "## Examples with pylab/numpy names supplied by hand (what fails next)", "",
            "Diagnosis only: `from pylab import *; import numpy as np; import "
            "matplotlib.pyplot as plt` run before the script.", "",
            markdown(pylab, reference),
            "## Tutorials (code cells, one kernel per notebook)", "",
            *_tutorial_section(tutorials), ""]
    Path(args.out).write_text("\n".join(text))
    if args.docs:
        write_docs(Path(args.docs), docs_section(examples, tutorials, reference,
                                                 args.label))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
