"""The on-disk cache: key, location chain, per-key lock, atomic publish.

Layout under the cache root (``$EQSIM_CACHE_DIR``, else ``~/.cache/eqsim``, else a
directory in the system temp dir — the first writable one wins)::

    modules/<key[:2]>/<key>/module.so, module.c, build.log, meta.json
    front/<front key>.json      model text -> generated source (skips sympy when warm)
    locks/<key>.lock            one flock per key while building
    tmp/                        builds in progress; renamed into modules/ when complete

The module key is a sha256 of the generated source, the compiler identity (path, size,
mtime, CPU, Python and numpy versions), the flags and eqsim's version. A module whose
sha256 no longer matches ``meta.json``, or that fails to load, is rebuilt.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .._version import __version__
from ..atomic import atomic_write
from ..config import Config, get_config
from ..errors import CacheError, CompileError
from .compiler import compile_module, gcc_failed
from .loader import load
from .toolchain import find_toolchain

logger = logging.getLogger(__name__)


@dataclass
class BuildInfo:
    """What happened when a network's code was made ready (for tests and users)."""

    front_cache_hit: bool = False
    module_cache_hit: bool = False
    compiled: bool = False
    rebuilt_corrupt: bool = False
    module_path: Path | None = None
    source_key: str = ""
    timings: dict[str, float] = field(default_factory=dict)


def _usable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".probe-{os.getpid()}"
        probe.write_text("")
        probe.unlink()
        return True
    except OSError:
        return False


def cache_root(config: Config) -> Path:
    """The first usable directory of the location chain."""
    for candidate in config.cache_candidates():
        if _usable(candidate):
            return candidate
    raise CacheError("no writable cache directory (tried: " + ", ".join(
        str(c) for c in config.cache_candidates()) + ")", code="E511",
        hint="set EQSIM_CACHE_DIR to a writable directory")


def module_key(source: str, toolchain_identity: str, flags: tuple[str, ...]) -> str:
    h = hashlib.sha256()
    for part in (source, toolchain_identity, " ".join(flags), __version__):
        h.update(part.encode())
        h.update(b"\x00")
    return h.hexdigest()


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def _locked(root: Path, key: str):
    locks = root / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{key}.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _valid(entry: Path) -> bool:
    meta = entry / "meta.json"
    so = entry / "module.so"
    try:
        expected = json.loads(meta.read_text())["sha256"]
        return _sha256_file(so) == expected
    except (OSError, ValueError, KeyError):
        return False


def _build_into(root: Path | None, key: str, source: str, config: Config, info: BuildInfo
                ) -> Path:
    toolchain = find_toolchain(config.cc)
    flags = tuple(config.cflags) + tuple(config.extra_cflags)
    base = (root / "tmp") if root is not None else Path(tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{key[:16]}-", dir=base))
    t0 = time.perf_counter()
    try:
        so = compile_module(source, work, toolchain, flags)
    except CompileError as exc:
        if root is None or not hasattr(exc, "first_error"):
            raise
        # keep the failed source in failed/<key>, and say so in the message
        failed = root / "failed" / key
        shutil.rmtree(failed, ignore_errors=True)
        failed.parent.mkdir(parents=True, exist_ok=True)
        os.replace(work, failed)
        raise gcc_failed(exc.returncode, exc.first_error, failed) from None
    info.compiled = True
    info.timings["compile"] = time.perf_counter() - t0
    (work / "meta.json").write_text(json.dumps({
        "sha256": _sha256_file(so), "eqsim": __version__, "flags": list(flags),
        "compiler": toolchain.cc, "created": time.time()}))
    if root is None:
        return work
    final = root / "modules" / key[:2] / key
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        shutil.rmtree(final, ignore_errors=True)
    os.replace(work, final)
    return final


def build_and_load(source: str, config: Config, info: BuildInfo | None = None,
                   load_fn=load):
    """Return the ``eqsim_run`` function for ``source``, compiling only on a cache miss
    (``load_fn(path)`` instead: another module's entry points).

    Concurrent processes asking for the same source wait on one lock; the first builds,
    the others load what it published."""
    info = info or BuildInfo()
    toolchain = find_toolchain(config.cc)
    flags = tuple(config.cflags) + tuple(config.extra_cflags)
    key = module_key(source, toolchain.identity, flags)
    info.source_key = key
    if config.no_cache:
        entry = _build_into(None, key, source, config, info)
        info.module_path = entry / "module.so"
        return load_fn(info.module_path)
    root = cache_root(config)
    entry = root / "modules" / key[:2] / key
    t0 = time.perf_counter()
    if entry.exists() and _valid(entry):
        try:
            fn = load_fn(entry / "module.so")
            info.module_cache_hit = True
            info.module_path = entry / "module.so"
            info.timings["load"] = time.perf_counter() - t0
            logger.info("module cache hit %s", key[:12])
            return fn
        except OSError:
            pass
    with _locked(root, key):
        if entry.exists() and _valid(entry):
            try:
                fn = load_fn(entry / "module.so")
                info.module_cache_hit = True
                info.module_path = entry / "module.so"
                return fn
            except OSError:
                pass
        if entry.exists():
            info.rebuilt_corrupt = True
            logger.warning("cached module %s is corrupt; rebuilding", entry)
            shutil.rmtree(entry, ignore_errors=True)
        logger.info("module cache miss %s: compiling", key[:12])
        entry = _build_into(root, key, source, config, info)
    info.module_path = entry / "module.so"
    return load_fn(info.module_path)


# ---- front cache: model text -> generated source ------------------------------------------

def front_lookup(config: Config, key: str) -> str | None:
    if config.no_cache:
        return None
    try:
        return (cache_root(config) / "front" / f"{key}.json").read_text()
    except (OSError, CacheError):
        return None


def front_store(config: Config, key: str, payload: str) -> None:
    if config.no_cache:
        return
    try:
        atomic_write(cache_root(config) / "front" / f"{key}.json", payload)
    except (OSError, CacheError) as exc:  # a read-only cache only costs speed
        logger.warning("could not write the front cache: %s", exc)


# ---- kernel cache: one object's spec -> its integrated equations (pickled sympy) ------

def kernel_lookup(config: Config, key: str):
    """The pickled kernels stored under ``key``, or None (missing or unreadable)."""
    if config.no_cache:
        return None
    import pickle
    try:
        with open(cache_root(config) / "kernels" / f"{key}.pkl", "rb") as f:
            return pickle.load(f)
    except Exception:  # a truncated or stale entry is simply recomputed
        return None


def kernel_store(config: Config, key: str, kernels) -> None:
    if config.no_cache:
        return
    import pickle
    try:
        path = cache_root(config) / "kernels" / f"{key}.pkl"
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(kernels, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except (OSError, CacheError, pickle.PicklingError) as exc:
        logger.warning("could not write the kernel cache: %s", exc)


# ---- command line helpers --------------------------------------------------------------

def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def cache_info(config: Config) -> dict:
    """Where the cache is and what it holds."""
    root = cache_root(config)
    modules = list((root / "modules").glob("*/*")) if (root / "modules").exists() else []
    fronts = list((root / "front").glob("*.json")) if (root / "front").exists() else []
    return {"path": str(root), "modules": len(modules), "front_entries": len(fronts),
            "bytes": _size(root) if root.exists() else 0}


def clear_cache(config: Config) -> int:
    """Delete everything in the cache; returns the number of modules removed."""
    root = cache_root(config)
    n = len(list((root / "modules").glob("*/*"))) if (root / "modules").exists() else 0
    for sub in ("modules", "front", "kernels", "tmp", "failed", "locks"):
        shutil.rmtree(root / sub, ignore_errors=True)
    return n


_HELPERS: dict[str, object] = {}


def helper_library(source: str):
    """The ctypes library of a small C helper (counting sort, inflate, PyNN's stream):
    compiled through the module cache like any network, loaded once per process; None
    when it cannot be built (no compiler: callers fall back to numpy)."""
    if source not in _HELPERS:
        try:
            _HELPERS[source] = build_and_load(source, get_config())._eqsim_lib
        except Exception as exc:  # noqa: BLE001  (no compiler, no cache directory)
            logger.info("C helper unavailable (%s); using the numpy fallback", exc)
            _HELPERS[source] = None
    return _HELPERS[source]
