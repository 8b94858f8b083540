"""Run gcc on one C file; keep the source and the build log beside the module."""
from __future__ import annotations

import logging
import subprocess
import time
from pathlib import Path

from ..errors import CompileError
from .toolchain import Toolchain

logger = logging.getLogger(__name__)


def first_error(log: str) -> str:
    for line in log.splitlines():
        if "error" in line.lower():
            return line.strip()
    lines = [x for x in log.splitlines() if x.strip()]
    return lines[0].strip() if lines else "(no output)"


def gcc_failed(returncode: int, first: str, workdir: Path) -> CompileError:
    """The error for a failed compilation, pointing at the kept source and log."""
    exc = CompileError(
        f"gcc failed (exit code {returncode}): {first}\n"
        f"  generated source: {workdir / 'module.c'}\n"
        f"  build log: {workdir / 'build.log'}", code="E503",
        hint="this is a bug in eqsim or an unsupported construct; please report it "
             "with the source file above (or try backend='numpy')")
    exc.returncode, exc.first_error, exc.source_path = returncode, first, \
        workdir / "module.c"
    return exc


def compile_module(source: str, workdir: Path, toolchain: Toolchain,
                   flags: tuple[str, ...]) -> Path:
    """Write ``module.c`` into ``workdir`` and build ``module.so`` there."""
    c_path = workdir / "module.c"
    so_path = workdir / "module.so"
    c_path.write_text(source)
    argv = [toolchain.cc, *flags, "-o", str(so_path), str(c_path), "-lm"]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CompileError(f"could not run the C compiler: {exc}", code="E502") from exc
    log = " ".join(argv) + "\n" + proc.stdout + proc.stderr
    (workdir / "build.log").write_text(log)
    if proc.returncode != 0 or not so_path.exists():
        raise gcc_failed(proc.returncode, first_error(proc.stderr), workdir)
    logger.debug("compiled %s in %.3f s", so_path, time.perf_counter() - t0)
    return so_path
