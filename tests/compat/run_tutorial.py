"""Execute Brian2's tutorial notebooks in a Jupyter kernel with the import swapped.

    python -m tests.compat.run_tutorial            # all three; prints each cell's outcome
    python -m tests.compat.run_tutorial 1-intro-to-brian-neurons.ipynb --side brian2

Each code cell gets the same one change as the example scripts (``brian2`` -> ``eqsim`` in
import statements, :func:`example_child.swap_imports`) and nothing else. The notebook runs
top to bottom in one kernel (nbclient, ``allow_errors``: a cell that raises does not stop
the next), so a later cell may also fail because an earlier one did. ``%matplotlib inline``
works as in Jupyter (the inline backend draws into the notebook, nothing is shown). A cell
that runs longer than the per-cell timeout is interrupted and counted as ``timeout``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from . import brian2_sources as sources
from .example_child import swap_imports

ROOT = Path(__file__).resolve().parents[2]
BRIAN2_PYTHON = os.environ.get("EQSIM_BRIAN2_PYTHON",
                               "/root/.venvs/eqsim-brian2/bin/python")


def _kernelspec(folder: Path, python: str, side: str) -> str:
    """A kernelspec of our own: the kernel is this interpreter with this checkout."""
    name = f"eqsim-compat-{side}"
    spec = folder / "kernels" / name
    spec.mkdir(parents=True, exist_ok=True)
    env = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    if side == "eqsim":
        root = os.environ.get("EQSIM_COMPAT_ROOT", str(ROOT))
        env["PYTHONPATH"] = root + os.pathsep + os.environ.get("PYTHONPATH", "")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": name, "language": "python", "env": env}))
    return name


def run_notebook(name: str, side: str = "eqsim", cell_timeout: float = 120,
                 python: str | None = None) -> list[dict]:
    """Run tutorial ``name``; one dict per code cell: index, status, error, source head."""
    import nbformat
    from nbclient import NotebookClient

    folder = sources.tutorials_dir()
    nb = nbformat.read(folder / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    if side == "eqsim":
        for cell in code:
            cell.source = swap_imports(cell.source)
    python = python or (sys.executable if side == "eqsim" else BRIAN2_PYTHON)
    with tempfile.TemporaryDirectory(prefix="eqsim-tutorial-") as work:
        for f in folder.iterdir():   # pictures the notebooks show (brian.png)
            if f.is_file() and f.suffix != ".ipynb":
                shutil.copy2(f, work)
        kernel = _kernelspec(Path(work) / "jupyter", python, side)
        old = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = str(Path(work) / "jupyter")
        try:
            client = NotebookClient(nb, timeout=cell_timeout, kernel_name=kernel,
                                    allow_errors=True, interrupt_on_timeout=True,
                                    resources={"metadata": {"path": work}})
            client.execute()
        finally:
            if old is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = old
    results = []
    for k, cell in enumerate(code):
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        status, error = "ran", ""
        if errors:
            e = errors[0]
            status = "timeout" if e.get("ename") == "KeyboardInterrupt" else "raised"
            error = f"{e.get('ename')}: {str(e.get('evalue', '')).splitlines()[0][:300]}" \
                if str(e.get("evalue", "")) else str(e.get("ename"))
        first = next((ln for ln in cell.source.splitlines()
                      if ln.strip() and not ln.startswith(("#", "%"))), "")
        results.append({"cell": k, "status": status, "error": error, "first_line": first})
    return results


def markdown(all_results: dict[str, list[dict]]) -> str:
    lines = ["| notebook | code cells | run | raise | time out |", "|---|---|---|---|---|"]
    for name, cells in all_results.items():
        count = {s: sum(c["status"] == s for c in cells)
                 for s in ("ran", "raised", "timeout")}
        lines.append(f"| {name} | {len(cells)} | {count['ran']} | {count['raised']} | "
                     f"{count['timeout']} |")
    lines += ["", "| notebook | cell | status | error | first line |",
              "|---|---|---|---|---|"]
    for name, cells in all_results.items():
        for c in cells:
            if c["status"] != "ran":
                err = c["error"].replace("|", "\\|")[:140]
                src = c["first_line"].replace("|", "\\|")[:60]
                lines.append(f"| {name} | {c['cell']} | {c['status']} | {err} | `{src}` |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", default=list(sources.TUTORIALS))
    parser.add_argument("--side", choices=("eqsim", "brian2"), default="eqsim")
    parser.add_argument("--cell-timeout", type=float, default=120)
    parser.add_argument("--markdown")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    results = {n: run_notebook(n, args.side, args.cell_timeout) for n in args.names}
    table = markdown(results)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
