"""Counter-based random numbers (Philox4x32-10), identical in numpy and in generated C.

A draw is a pure function of (seed, object, index, step, stream): no generator state, so
results do not depend on the backend, on the order neurons are visited, or (later) on how
neurons are split across MPI ranks. ``codegen_templates/c/common.h`` holds the C twin of
this module; ``tests/unit/test_rng.py`` checks both against the Random123 known answers.

Layout: key = (seed & 0xffffffff, object_id ^ (seed >> 32)), counter = (index, stream,
step & 0xffffffff, step >> 32). ``uniform`` takes 53 bits from the first two output words;
``normal`` is Box-Muller on two such uniforms (cosine branch).
"""
from __future__ import annotations

import zlib

import numpy as np

_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = 0x9E3779B9, 0xBB67AE85
_MASK = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)


def object_id(name: str) -> int:
    """A stable 32-bit id of an object name (crc32)."""
    return zlib.crc32(name.encode()) & 0xFFFFFFFF


def keys(seed: int, obj: int) -> tuple[int, int]:
    seed = int(seed)
    return seed & 0xFFFFFFFF, (obj ^ (seed >> 32)) & 0xFFFFFFFF


def philox4x32(c0, c1, c2, c3, k0: int, k1: int):
    """Ten Philox rounds on uint64 arrays holding 32-bit words; returns four words."""
    c0, c1, c2, c3 = (np.asarray(c, dtype=np.uint64) & _MASK for c in (c0, c1, c2, c3))
    for r in range(10):
        rk0 = np.uint64((k0 + r * _W0) & 0xFFFFFFFF)
        rk1 = np.uint64((k1 + r * _W1) & 0xFFFFFFFF)
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = ((p1 >> _S32) ^ c1 ^ rk0, p1 & _MASK,
                          (p0 >> _S32) ^ c3 ^ rk1, p0 & _MASK)
    return c0, c1, c2, c3


def _words(seed: int, obj: int, index, step: int, stream: int):
    k0, k1 = keys(seed, obj)
    index = np.asarray(index, dtype=np.uint64)
    step = int(step)
    return philox4x32(index, np.full_like(index, stream), np.full_like(index, step &
                                                                          0xFFFFFFFF),
                      np.full_like(index, (step >> 32) & 0xFFFFFFFF), k0, k1)


def _to_unit(a, b):
    return ((a >> np.uint64(5)).astype(np.float64) * 67108864.0 +
            (b >> np.uint64(6)).astype(np.float64)) * (1.0 / 9007199254740992.0)


def uniform(seed: int, obj: int, index, step: int, stream: int) -> np.ndarray:
    """Uniform numbers in [0, 1), one per entry of ``index``."""
    w0, w1, _, _ = _words(seed, obj, index, step, stream)
    return _to_unit(w0, w1)


def normal(seed: int, obj: int, index, step: int, stream: int) -> np.ndarray:
    """Standard normal numbers, one per entry of ``index``."""
    w0, w1, w2, w3 = _words(seed, obj, index, step, stream)
    u1, u2 = _to_unit(w0, w1), _to_unit(w2, w3)
    return np.sqrt(-2.0 * np.log(1.0 - u1)) * np.cos(6.283185307179586 * u2)
