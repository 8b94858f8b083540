"""PyNN 0.13.0's own source files (scenarios, examples) for tests that run them unchanged.

PyNN's code is never vendored: a folder of its sources is read from a bare git mirror of
NeuralEnsemble/PyNN at /work/.mirror/NeuralEnsemble+PyNN/repo (tag 0.13.0), else from PyNN's
sdist on PyPI (``pip download --no-deps --no-binary PyNN PyNN==0.13.0``; it holds the
tests but not ``examples/``), else from GitHub's archive of the tag (ARCHIVE), and cached in
``$EQSIM_PYNN_SRC`` or ``~/.cache/eqsim/pynn-src``.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

import pytest

PYNN_VERSION = "0.13.0"
MIRROR = Path("/work/.mirror/NeuralEnsemble+PyNN/repo")
ARCHIVE = f"https://github.com/NeuralEnsemble/PyNN/archive/refs/tags/{PYNN_VERSION}.tar.gz"


def _extract(archive: Path, prefix: str, dest: Path) -> None:
    """The files directly under ``prefix`` in a source tarball (one top folder)."""
    with tarfile.open(archive) as tar:
        for m in tar.getmembers():
            parent = m.name.split("/", 1)[-1].rsplit("/", 1)[0] + "/"
            if parent == prefix and m.isfile():
                (dest / Path(m.name).name).write_bytes(tar.extractfile(m).read())


def _cache() -> Path:
    env = os.environ.get("EQSIM_PYNN_SRC")
    return Path(env) if env else Path.home() / ".cache" / "eqsim" / "pynn-src"


def pynn_source_dir(prefix: str, name: str, marker: str) -> Path:
    """The files directly under ``prefix`` (e.g. "examples/Potjans2014/") of PyNN's
    sources, copied once into ``<cache>/pynn-<version>/<name>``; returns the parent of
    that folder. ``marker``: a file that must be among them (else the test skips)."""
    root = _cache() / f"pynn-{PYNN_VERSION}"
    if (root / name / marker).exists():
        return root
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        dest = Path(tmp) / name
        dest.mkdir()
        if MIRROR.exists():
            files = subprocess.run(["git", "-C", str(MIRROR), "ls-tree", "--name-only",
                                    PYNN_VERSION, prefix], check=False, capture_output=True,
                                   text=True)
            for path in files.stdout.split():
                body = subprocess.run(["git", "-C", str(MIRROR), "show",
                                       f"{PYNN_VERSION}:{path}"], check=False, capture_output=True)
                (dest / Path(path).name).write_bytes(body.stdout)
        else:
            proc = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                                   "--no-binary", "PyNN", f"PyNN=={PYNN_VERSION}", "-d",
                                   tmp], check=False, capture_output=True, text=True,
                                  timeout=600)
            sdists = list(Path(tmp).glob("*.tar.gz"))
            if sdists:
                _extract(sdists[0], prefix, dest)
            if not (dest / marker).exists():
                try:
                    tarball = Path(tmp) / "github.tar.gz"
                    with urllib.request.urlopen(ARCHIVE, timeout=120) as resp:
                        tarball.write_bytes(resp.read())
                    _extract(tarball, prefix, dest)
                except OSError as exc:
                    pytest.skip(f"PyNN's sources could not be downloaded: {exc}; "
                                + (proc.stderr or proc.stdout).strip()[-200:])
        if not (dest / marker).exists():
            pytest.skip(f"{prefix} not found in PyNN's sources")
        os.replace(dest, root / name)
    return root
