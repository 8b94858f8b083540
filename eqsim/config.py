"""Configuration read from the environment: every ``EQSIM_*`` variable is read here.

``get_config()`` returns a frozen :class:`Config`; a Network keeps the one it was built
with. Nothing else in eqsim looks at ``os.environ`` for ``EQSIM_*`` names.
"""
from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path

# -ffp-contract=off keeps C arithmetic identical to the numpy reference (no FMA);
# -fno-math-errno and -fno-trapping-math change no value, they let gcc vectorise loops
# with conditionals and math calls; -fopenmp-simd makes a vector version of eqsim_exprel
# (`declare simd` in common.h.j2), run(threads=k > 1) adds -fopenmp; no vectorised
# epilogues halves gcc's time
# on models with many exp() (COBAHH: 2.1 -> 1.5 s) and costs at most 3 scalar iterations
# per loop. Never -ffast-math.
DEFAULT_CFLAGS = ("-O3", "-march=native", "-ffp-contract=off", "-fno-math-errno",
                  "-fno-trapping-math", "-fopenmp-simd", "--param=vect-epilogues-nomask=0",
                  "-fPIC", "-shared", "-std=c99")

# Network(fast_math=True) adds these: gcc fuses a*b + c into one FMA instruction (one
# rounding instead of two), so results leave the numpy reference's bits (tests/runtime/
# test_fast_math.py bounds the difference). Not -ffast-math: its reassociation would undo
# the rounding steps of eqsim's exp.
FAST_MATH_CFLAGS = ("-ffp-contract=fast",)


def _user_cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "eqsim"


@dataclass(frozen=True)
class Config:
    """Settings that change where and how eqsim builds code."""

    cache_dir: Path | None = None          # EQSIM_CACHE_DIR; None -> location chain
    no_cache: bool = False                 # EQSIM_NO_CACHE=1: build in a temp dir every time
    cc: str = "gcc"                        # EQSIM_CC
    cflags: tuple[str, ...] = DEFAULT_CFLAGS  # EQSIM_CFLAGS replaces them
    extra_cflags: tuple[str, ...] = ()     # EQSIM_EXTRA_CFLAGS adds to them
    cache_locations: tuple[Path, ...] = field(default_factory=tuple)
    mpi_windows: str = "auto"              # EQSIM_MPI_WINDOWS: auto | c | python
    mpi_include: str | None = None         # EQSIM_MPI_INCLUDE: the directory of mpi.h

    def cache_candidates(self) -> tuple[Path, ...]:
        """Cache directories to try, first writable one wins."""
        if self.cache_dir is not None:
            return (self.cache_dir,)
        return self.cache_locations


def get_config() -> Config:
    """Read the environment once and return the configuration."""
    env = os.environ
    cache_dir = env.get("EQSIM_CACHE_DIR")
    cflags = env.get("EQSIM_CFLAGS")
    import tempfile
    return Config(
        cache_dir=Path(cache_dir).expanduser() if cache_dir else None,
        no_cache=env.get("EQSIM_NO_CACHE", "") not in ("", "0", "false", "no"),
        cc=env.get("EQSIM_CC", "gcc"),
        cflags=tuple(shlex.split(cflags)) if cflags else DEFAULT_CFLAGS,
        extra_cflags=tuple(shlex.split(env.get("EQSIM_EXTRA_CFLAGS", ""))),
        cache_locations=(_user_cache_dir(),
                         Path(tempfile.gettempdir()) / f"eqsim-cache-{os.getuid()}"),
        mpi_windows=env.get("EQSIM_MPI_WINDOWS", "auto").strip().lower() or "auto",
        mpi_include=env.get("EQSIM_MPI_INCLUDE") or None,
    )
