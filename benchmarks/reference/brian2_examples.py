"""Reference numbers for the compatibility suite: Brian2 2.9's own examples, run by Brian2.

Runs every non-compartmental script of examples/ in Brian2's PyPI sdist exactly as written
(Brian2's default code generation target, the seeds the scripts set, matplotlib on Agg) in
Brian2's virtualenv, and stores for each the status, the wall time and small summaries of
the monitors it left in its globals (spike counts, mean rates, a few trace samples; see
tests/compat/example_child.py) in tests/data/brian2_examples.json.

    python benchmarks/reference/brian2_examples.py              # all (about an hour)
    python benchmarks/reference/brian2_examples.py CUBA.py ...  # update some entries
    python benchmarks/reference/brian2_examples.py --missing    # only those not stored yet
    python benchmarks/reference/brian2_examples.py --tutorials  # the three notebooks
    python benchmarks/reference/brian2_examples.py --repeat 9 CUBA.py   # + seed spread
    python benchmarks/reference/brian2_examples.py --target numpy NAME  # + numpy target

With ``--tutorials`` it runs Brian2's tutorial notebooks in a Jupyter kernel of Brian2's
virtualenv (which then needs ipykernel) and stores each code cell's outcome (ran / raised,
with the exception) in tests/data/brian2_examples_tutorials.json: some cells raise on
purpose (they show Brian2's unit checks), and eqsim should raise there too.

The interpreter is $EQSIM_BRIAN2_PYTHON (default /root/.venvs/eqsim-brian2/bin/python, made
by benchmarks/setup_brian2_env.sh, plus scipy for the examples that import it). Results are
written after every example, so an interrupted run keeps what it has.
"""
from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.compat import brian2_sources as sources  # noqa: E402
from tests.compat.run_example import (BRIAN2_PYTHON, REFERENCE, run_example,  # noqa: E402
                                      spread)

TUTORIAL_REFERENCE = REFERENCE.with_name("brian2_examples_tutorials.json")

KEEP = ("status", "error_type", "error_message", "error_lineno", "error_source", "wall_s",
        "elapsed_s", "monitors")


def _meta(timeout: float) -> dict:
    version = subprocess.run(
        [BRIAN2_PYTHON, "-c", "import brian2, numpy, sys; print(brian2.__version__, "
         "numpy.__version__, sys.version.split()[0], brian2.prefs.codegen.target)"],
        capture_output=True, text=True).stdout.split()
    return {"brian2": version[0] if version else "?",
            "numpy": version[1] if len(version) > 1 else "?",
            "python": version[2] if len(version) > 2 else "?",
            "codegen_target": version[3] if len(version) > 3 else "?",
            "source": f"PyPI sdist {sources.SDIST}, examples/",
            "timeout_s": timeout,
            "date": datetime.date.today().isoformat(),
            "made_by": "benchmarks/reference/brian2_examples.py"}


def _dump(data: dict) -> str:
    """Meta indented, one line per example (small diffs when an entry changes)."""
    lines = [f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in data["examples"].items()]
    return ('{"meta": ' + json.dumps(data["meta"], indent=1) + ',\n "examples": {\n'
            + ",\n".join(lines) + "\n }}\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--missing", action="store_true", help="only examples not stored")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--repeat", type=int, default=0,
                        help="run each named example N more times and store the spread of "
                             "its numbers (for examples that draw random numbers; run k "
                             "adds k to the seeds the script sets)")
    parser.add_argument("--target",
                        help="also run the named examples with this Brian2 code generation "
                             "target (e.g. numpy) and store their numbers as "
                             "targets.<target> of the entry (the entry itself unchanged)")
    parser.add_argument("--reverse", action="store_true",
                        help="last example first (a second process, another --out)")
    parser.add_argument("--out", type=Path, default=REFERENCE)
    parser.add_argument("--tutorials", action="store_true", help="the notebooks instead")
    parser.add_argument("--merge", type=Path, nargs="+",
                        help="only copy the entries of these files (runs made with "
                             "another --out, e.g. in parallel) into --out; 'spread' "
                             "fields are kept")
    parser.add_argument("--cell-timeout", type=float, default=600)
    args = parser.parse_args(argv)
    if args.tutorials:
        from tests.compat.run_tutorial import run_notebook
        meta = _meta(args.cell_timeout)
        meta["source"] = "github.com/brian-team/brian2 tag 2.9.0, tutorials/"
        out = (json.loads(TUTORIAL_REFERENCE.read_text()) if TUTORIAL_REFERENCE.exists()
               else {"notebooks": {}})
        out["meta"] = meta
        for name in args.names or sources.TUTORIALS:
            out["notebooks"][name] = run_notebook(name, side="brian2",
                                                  cell_timeout=args.cell_timeout)
            print(name, sum(c["status"] == "ran" for c in out["notebooks"][name]), "of",
                  len(out["notebooks"][name]), "cells run", flush=True)
        TUTORIAL_REFERENCE.write_text(json.dumps(out, indent=1) + "\n")
        return 0
    data = json.loads(args.out.read_text()) if args.out.exists() else {"examples": {}}
    if args.merge:
        for other in args.merge:
            for name, entry in json.loads(other.read_text())["examples"].items():
                keep = data["examples"].get(name, {}).get("spread")
                data["examples"][name] = entry
                if keep and "spread" not in entry:
                    entry["spread"] = keep
        data["examples"] = dict(sorted(data["examples"].items()))
        data.setdefault("meta", _meta(args.timeout))
        args.out.write_text(_dump(data))
        return 0
    names = args.names or sources.list_examples()
    if args.missing:
        names = [n for n in names if n not in data["examples"]]
    if args.reverse:
        names = names[::-1]
    data["meta"] = {**data.get("meta", {}), **_meta(args.timeout)}
    if args.target:
        for name in names:
            result = run_example(name, side="brian2", timeout=args.timeout,
                                 env={"EQSIM_COMPAT_BRIAN2_TARGET": args.target})
            entry = data["examples"][name]
            entry.setdefault("targets", {})[args.target] = {
                k: result[k] for k in ("status", "monitors") if k in result}
            args.out.write_text(_dump(data))
            print(f"{name} ({args.target}): {result['status']}", flush=True)
        return 0
    for name in names:
        result = run_example(name, side="brian2", timeout=args.timeout)
        data["examples"][name] = {k: result[k] for k in KEEP if k in result}
        if args.repeat and result["status"] == "ran":
            # run k shifts the seeds the script sets by k (unseeded scripts differ anyway)
            runs = [result] + [run_example(name, side="brian2", timeout=args.timeout,
                                           env={"EQSIM_COMPAT_SEED_SHIFT": str(k)})
                               for k in range(1, args.repeat + 1)]
            runs = [r for r in runs if r["status"] == "ran"]
            data["examples"][name]["spread"] = {
                k: [round(v[0], 9), round(v[1], 9), len(runs)]
                for k, v in spread(runs).items()}
        data["examples"] = dict(sorted(data["examples"].items()))
        tmp = args.out.with_suffix(".part")
        tmp.write_text(_dump(data))
        tmp.replace(args.out)
        print(f"{name}: {result['status']} in {result.get('elapsed_s', 0):.1f} s "
              f"{result.get('error_type', '')} {result.get('error_message', '')[:120]}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
