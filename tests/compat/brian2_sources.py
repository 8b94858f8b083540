"""Brian2's example scripts and tutorial notebooks, fetched on demand (never vendored).

eqsim's repository holds no Brian2 code. The compatibility suite reads Brian2's own files:

* the examples/ folder from Brian2's source distribution on PyPI, fetched once with
  ``pip download --no-deps --no-binary brian2 brian2==2.9.0`` into a cache directory
  (``$EQSIM_BRIAN2_SRC``, else ``~/.cache/eqsim/brian2-src``) and unpacked there;
* the tutorial notebooks, which the sdist lacks: from ``$EQSIM_BRIAN2_TUTORIALS`` (a folder
  holding ``tutorials/*.ipynb`` or the notebooks themselves), a ``shared/`` folder inside
  or beside the checkout (``shared/brian2-tutorials/``, ``shared/brian2/tutorials/`` or
  ``shared/tutorials/``), or a bare git mirror of brian-team/brian2 at
  ``/work/.mirror/brian-team+brian2/repo`` (tag 2.9.0).

Every function raises :class:`Brian2SourceUnavailable` with the reason when a source cannot
be had, so that tests can skip with that reason.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

BRIAN2_VERSION = "2.9.0"
SDIST = f"brian2-{BRIAN2_VERSION}.tar.gz"
MIRROR = Path("/work/.mirror/brian-team+brian2/repo")
ROOT = Path(__file__).resolve().parents[2]

# modules imported by examples, not examples themselves
HELPERS = {"frompapers/Brette_2012/params.py",
           "frompapers/Stimberg_et_al_2018/plot_utils.py"}
TUTORIALS = ("1-intro-to-brian-neurons.ipynb", "2-intro-to-brian-synapses.ipynb",
             "3-intro-to-brian-simulations.ipynb")
TUTORIAL_FILES = TUTORIALS + ("brian.png",)   # the third notebook shows the picture


class Brian2SourceUnavailable(RuntimeError):
    """Brian2's examples or tutorials cannot be had here; the message says why."""


def cache_dir() -> Path:
    env = os.environ.get("EQSIM_BRIAN2_SRC")
    return Path(env) if env else Path.home() / ".cache" / "eqsim" / "brian2-src"


def sdist_path() -> Path:
    """The sdist in the cache, downloaded with pip the first time."""
    target = cache_dir() / SDIST
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary",
               "brian2", "--disable-pip-version-check", f"brian2=={BRIAN2_VERSION}",
               "-d", tmp]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise Brian2SourceUnavailable(f"pip download of {SDIST} failed: {exc}") from exc
        got = Path(tmp) / SDIST
        if proc.returncode != 0 or not got.exists():
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise Brian2SourceUnavailable(
                f"could not download {SDIST} from PyPI with pip (is PyPI reachable?): "
                + " | ".join(tail))
        os.replace(got, target)   # atomic: a concurrent reader sees all or nothing
    return target


def examples_dir() -> Path:
    """The unpacked examples/ folder of the sdist (unpacked once, atomically)."""
    dest = cache_dir() / f"brian2-{BRIAN2_VERSION}-examples"
    if (dest / "CUBA.py").exists():
        return dest
    sdist = sdist_path()
    prefix = f"brian2-{BRIAN2_VERSION}/examples/"
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        with tarfile.open(sdist) as tar:
            members = [m for m in tar.getmembers()
                       if m.name.startswith(prefix) and (m.isfile() or m.isdir())]
            for m in members:
                m.name = m.name[len(prefix):] or "."
            kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(tmp, members=members, **kwargs)
        try:
            os.replace(tmp, dest)
        except OSError:           # another process got there first
            if not (dest / "CUBA.py").exists():
                raise
        else:
            os.makedirs(tmp, exist_ok=True)   # let TemporaryDirectory clean up quietly
    return dest


def list_examples(compartmental: bool = False) -> list[str]:
    """Example scripts as paths relative to examples/, sorted ("synapses/STDP.py")."""
    base = examples_dir()
    names = sorted(p.relative_to(base).as_posix() for p in base.rglob("*.py"))
    return [n for n in names if n not in HELPERS
            and (compartmental or not n.startswith("compartmental/"))]


def example_path(name: str) -> Path:
    path = examples_dir() / name
    if not path.exists():
        raise Brian2SourceUnavailable(f"Brian2 {BRIAN2_VERSION} has no example {name}")
    return path


def tutorials_dir() -> Path:
    """A folder holding the three tutorial notebooks."""
    candidates = []
    env = os.environ.get("EQSIM_BRIAN2_TUTORIALS")
    if env:
        candidates += [Path(env), Path(env) / "tutorials"]
    for shared in (ROOT / "shared", ROOT.parent / "shared"):
        candidates += [shared / "brian2-tutorials",
                       shared / "brian2-tutorials" / "tutorials",
                       shared / "brian2" / "tutorials", shared / "tutorials"]
    for c in candidates:
        if all((c / t).exists() for t in TUTORIALS):
            return c
    dest = cache_dir() / f"brian2-{BRIAN2_VERSION}-tutorials"
    if all((dest / t).exists() for t in TUTORIAL_FILES):
        return dest
    if MIRROR.exists():
        dest.mkdir(parents=True, exist_ok=True)
        for t in TUTORIAL_FILES:
            for rev in (BRIAN2_VERSION, "HEAD"):
                proc = subprocess.run(["git", "-C", str(MIRROR), "show",
                                       f"{rev}:tutorials/{t}"], capture_output=True)
                if proc.returncode == 0:
                    tmp = dest / (t + ".part")
                    tmp.write_bytes(proc.stdout)
                    os.replace(tmp, dest / t)
                    break
        if all((dest / t).exists() for t in TUTORIALS):
            return dest
    raise Brian2SourceUnavailable(
        "Brian2's tutorial notebooks are not in its PyPI sdist; place "
        + ", ".join(TUTORIALS) + " in $EQSIM_BRIAN2_TUTORIALS or shared/brian2-tutorials/ "
        "(from github.com/brian-team/brian2, tag 2.9.0, folder tutorials/)")


def clear_cache() -> None:
    shutil.rmtree(cache_dir(), ignore_errors=True)
