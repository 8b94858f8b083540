"""State arrays that start on a 64-byte boundary (a cache line, an AVX-512 vector).

numpy aligns its allocations to 16 bytes only, so where a group's arrays start depended on
what the process had allocated before: the vectorised update loop of CUBA ran 5-10 %
slower or faster from one process to the next (identical C code, identical spikes).
"""
from __future__ import annotations

import numpy as np

ALIGN = 64


def aligned_full(n: int, value, dtype=np.float64) -> np.ndarray:
    """A 1-D array of ``n`` items equal to ``value``, its data 64-byte aligned."""
    dtype = np.dtype(dtype)
    buf = np.empty(n * dtype.itemsize + ALIGN, dtype=np.uint8)
    start = (-buf.ctypes.data) % ALIGN
    arr = buf[start:start + n * dtype.itemsize].view(dtype)
    arr[...] = value
    return arr


__all__ = ["aligned_full", "ALIGN"]
