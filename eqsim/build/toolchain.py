"""What identifies the compiler and machine, read without running the compiler.

A warm start must not invoke gcc, so the compiler enters the cache key through the
resolved path and the size and modification time of its binary (an upgrade changes
them), and ``-march=native`` through the CPU's model name and feature flags.
"""
from __future__ import annotations

import hashlib
import os
import platform
import shutil
import sys
from dataclasses import dataclass
from functools import lru_cache

from ..errors import CompileError


@dataclass(frozen=True)
class Toolchain:
    cc: str               # resolved path
    identity: str         # what goes into the cache key


def _cpu_identity() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            text = f.read(200_000)
    except OSError:
        return platform.processor() or platform.machine()
    wanted = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key in ("model name", "flags", "Features", "CPU part") and key not in wanted:
            wanted[key] = value.strip()
    return hashlib.sha256(repr(sorted(wanted.items())).encode()).hexdigest()[:16]


@lru_cache(maxsize=8)
def find_toolchain(cc: str) -> Toolchain:
    """Locate the C compiler ``cc``; raise CompileError with advice if it is missing."""
    path = shutil.which(cc)
    if path is None:
        raise CompileError(f"C compiler '{cc}' not found", code="E501",
                           hint="install gcc (e.g. 'apt-get install gcc'), set EQSIM_CC, "
                                "or run with backend='numpy'")
    real = os.path.realpath(path)
    st = os.stat(real)
    import numpy
    identity = "|".join([
        real, str(st.st_size), str(st.st_mtime_ns), platform.machine(),
        sys.implementation.cache_tag or "", f"numpy-{numpy.__version__}",
        _cpu_identity()])
    return Toolchain(real, identity)
