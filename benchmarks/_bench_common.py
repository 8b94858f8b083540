"""Helpers shared by the benchmark drivers (run_adex_noise.py, suite.py)."""
from __future__ import annotations

import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def log(*a) -> None:
    print(*a, file=sys.stderr, flush=True)


def venv_python(env_var: str, default_venv: str) -> str:
    """$<env_var>/bin/python if the variable is set, else <default_venv>/bin/python."""
    return os.path.join(os.environ.get(env_var) or default_venv, "bin", "python")


def machine_info() -> dict:
    """CPU, core count, OS, Python, C compiler and date of this machine."""
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        gcc = subprocess.run([os.environ.get("EQSIM_CC", "gcc"), "--version"],
                             capture_output=True, text=True, check=False
                             ).stdout.splitlines()[0]
    except (OSError, IndexError):
        gcc = "?"
    return {"nproc": os.cpu_count(), "cpu_model": cpu, "platform": platform.platform(),
            "python": platform.python_version(), "gcc": gcc,
            "date": datetime.datetime.now().isoformat(timespec="seconds")}


def module_version(python: str | None, module: str) -> str | None:
    """`module.__version__` as seen by the interpreter `python`; None if unusable."""
    if not python or not os.path.exists(python):
        return None
    try:
        r = subprocess.run([python, "-c", f"import {module}; print({module}.__version__)"],
                           capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = r.stdout.strip().splitlines()
    return lines[-1] if r.returncode == 0 and lines else None


def eqsim_source(ref: str | None, python: str, tmp_root: str) -> tuple[str, str]:
    """The eqsim source tree to benchmark and a description of it.

    ref None: the working tree (REPO). Otherwise the git commit `ref`, extracted with
    'git archive' into tmp_root/src (for benchmarking while the tree is being edited).
    """
    git = ["git", "-C", REPO]
    try:
        if ref:
            commit = subprocess.run(git + ["rev-parse", ref], check=True,
                                    capture_output=True, text=True).stdout.strip()
            src = os.path.join(tmp_root, "src")
            os.makedirs(src)
            archive = subprocess.run(git + ["archive", commit], check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", src], input=archive, check=True)
            # the wheel ships the templates as eqsim.codegen_templates; do the same here,
            # or an editable install of the working tree would lend its templates
            tpl = os.path.join(src, "codegen_templates")
            if os.path.isdir(tpl):
                shutil.copytree(tpl, os.path.join(src, "eqsim", "codegen_templates"))
            # byte-compile now, so that no timed run pays for it
            subprocess.run([python, "-m", "compileall", "-q", os.path.join(src, "eqsim")],
                           check=True)
            return src, f"git archive {commit}"
        commit = subprocess.run(git + ["rev-parse", "HEAD"], capture_output=True,
                                text=True, check=False).stdout.strip()
        dirty = subprocess.run(git + ["status", "--porcelain", "--", "eqsim",
                                      "codegen_templates"], capture_output=True,
                               text=True, check=False).stdout.strip()
        return REPO, f"working tree at {commit}" + (" with uncommitted changes"
                                                    if dirty else "")
    except (OSError, subprocess.CalledProcessError) as exc:
        if ref:
            raise RuntimeError(f"cannot extract eqsim at '{ref}': {exc}") from exc
        return REPO, f"working tree ({exc})"


def eqsim_env(src: str) -> dict:
    """os.environ with `src` first on PYTHONPATH, so that `import eqsim` finds it."""
    env = dict(os.environ)
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"]
                               if env.get("PYTHONPATH") else "")
    return env


def median(values) -> float | None:
    """Median of the values that are not None; None if there are none."""
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None
