"""Per-synapse delays in one or two bytes a synapse (docs/synapses.md, "Memory").

Two parts:

* :class:`StepDelays` keeps delays that are whole numbers of time steps (``k*dt`` exactly,
  as NEST stores every delay and as ``eqsim.models.nest`` and the microcircuit assign
  them) as the step counts in the narrowest unsigned type, instead of float64 seconds.
  Reading ``S.delay`` gives ``k*dt`` back, bit for bit what was assigned.
* :func:`delivery_index` builds the delivery index of a pathway with per-synapse delays:
  the delays in delivery order (by source, then delay) in the narrowest type, and where
  the synapses of a source are not already stored by delay, each synapse's offset within
  its source's row (not a global int32 index). Synapses stored by source with
  non-decreasing delays need no order array at all.

The C type of both arrays is part of the generated code (``delay_kind`` of the spec);
the choice is made here, in Python, and the template only reads the narrow types.
"""
from __future__ import annotations

import numpy as np

from ..errors import ConfigurationError

#: numpy dtype -> C type of a delivery array
C_TYPES = {np.dtype(np.uint8): "uint8_t", np.dtype(np.uint16): "uint16_t",
           np.dtype(np.int32): "int32_t"}
_CHUNK = 1 << 20   # synapses per block (bounds the temporaries: ~32 MB)


def narrow_dtype(largest: int) -> np.dtype:
    """The narrowest of uint8, uint16, int32 that holds 0..largest."""
    if largest <= 0xFF:
        return np.dtype(np.uint8)
    if largest <= 0xFFFF:
        return np.dtype(np.uint16)
    return np.dtype(np.int32)


class StepDelays:
    """Delays stored as whole time steps: ``steps`` (uint8/uint16/int32) of ``dt`` seconds.

    Behaves as the float64 array of delays in seconds where eqsim reads it
    (``np.asarray``, indexing, ``len``, ``copy``)."""

    __slots__ = ("dt", "steps")

    def __init__(self, steps: np.ndarray, dt: float):
        self.steps = steps
        self.dt = float(dt)

    def __len__(self) -> int:
        return len(self.steps)

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        out = self.steps * self.dt
        return out if dtype is None else out.astype(dtype, copy=False)

    def __getitem__(self, idx) -> np.ndarray:
        return self.steps[idx] * self.dt

    def copy(self) -> StepDelays:
        return StepDelays(self.steps.copy(), self.dt)

    def min(self) -> float:
        """The shortest delay in seconds (the same bits as the float64 array's min)."""
        return float(self.steps.min()) * self.dt

    def max(self) -> float:
        """The longest delay in seconds."""
        return float(self.steps.max()) * self.dt

    @property
    def nbytes(self) -> int:
        return int(self.steps.nbytes)

    def steps_at(self, dt: float) -> np.ndarray:
        """The delays in steps of ``dt`` (rounded to the nearest, as for any delay)."""
        if dt == self.dt:
            return self.steps
        return np.floor(np.asarray(self) / dt + 0.5).astype(np.int32)


def pack(values: np.ndarray, dt: float) -> np.ndarray | StepDelays:
    """``values`` (s) as :class:`StepDelays` when each is exactly ``k*dt`` for a whole
    ``k`` >= 0 (then reading them back gives the same bits); else ``values`` unchanged."""
    n = len(values)
    if n == 0 or not dt > 0:
        return values
    top = float(values.max()) / dt + 0.5
    if not top < 2 ** 31 - 1:
        return values
    steps = np.empty(n, narrow_dtype(int(top)))
    for lo in range(0, n, _CHUNK):   # blocks: the float64 temporaries stay small
        part = values[lo:lo + _CHUNK]
        k = np.floor(part / dt + 0.5)
        if not np.array_equal(k * dt, part):
            return values
        steps[lo:lo + _CHUNK] = k
    return StepDelays(steps, dt)


def _row_blocks(rows: np.ndarray, chunk: int):
    """(first row, end row) of consecutive rows holding about ``chunk`` synapses each
    (a longer row is a block of its own)."""
    n = int(rows[-1])
    cuts = np.unique(np.concatenate([
        np.searchsorted(rows, np.arange(0, n, chunk), side="right") - 1, [len(rows) - 1]]))
    return zip(cuts[:-1].tolist(), cuts[1:].tolist())


def delivery_index(rows: np.ndarray, steps: np.ndarray, chunk: int = _CHUNK) -> dict:
    """The delivery index of per-synapse delays ``steps`` (synapse order) for synapses
    stored by source (``rows``: the CSR pointer): {"delay_steps": delays in delivery
    order, narrow; "order": None when every row is already sorted by delay, else each
    synapse's offset in its row, narrow}. Works in blocks of rows: the temporaries stay
    at about ``chunk`` synapses, whatever the number of synapses."""
    n = len(steps)
    top = int(steps.max()) if n else 0
    dtype = narrow_dtype(top)
    lengths = np.diff(rows)
    blocks = list(_row_blocks(rows, chunk)) if n else []

    def unsorted(r0: int, r1: int) -> bool:   # a delay goes down inside a row?
        a, b = int(rows[r0]), int(rows[r1])
        falls = steps[a + 1:b] < steps[a:b - 1]
        if not falls.any():
            return False
        starts = np.zeros(b - a + 1, bool)
        starts[rows[r0:r1] - a] = True        # (a fall where a new row starts is fine)
        return bool((falls & ~starts[1:b - a]).any())

    if not any(unsorted(r0, r1) for r0, r1 in blocks):
        return {"delay_steps": steps.astype(dtype), "order": None}
    sorted_steps = np.empty(n, dtype)
    local = np.empty(n, narrow_dtype(int(lengths.max()) - 1))
    for r0, r1 in blocks:
        a, b = int(rows[r0]), int(rows[r1])
        key = np.repeat(np.arange(r1 - r0, dtype=np.int64), lengths[r0:r1]) * (top + 1)
        key += steps[a:b]
        order = np.argsort(key, kind="stable")          # by row, then delay
        del key
        sorted_steps[a:b] = steps[a:b][order]
        order -= np.repeat(rows[r0:r1] - a, lengths[r0:r1])   # the offset within the row
        local[a:b] = order
    return {"delay_steps": sorted_steps, "order": local}


def delay_kind(index: dict) -> str:
    """The spec's delay kind for this index: ``per_synapse/<delay C type>/<order C type
    or '-'>``; the generated code reads the arrays in these types."""
    order = index["order"]
    return "per_synapse/{}/{}".format(C_TYPES[index["delay_steps"].dtype],
                                      "-" if order is None else C_TYPES[order.dtype])


def check_fits(index: dict, compiled: str, name: str) -> None:
    """The delivery arrays of a run must have the types the code was generated for
    (both count the delays in steps of the network's dt: Network._prepare)."""
    if delay_kind(index) != compiled:
        raise ConfigurationError(
            f"the per-synapse delays of synapses '{name}' need the delivery types "
            f"{delay_kind(index)!r}, but the code was made for {compiled!r}", code="E880",
            hint="the delays or the time step changed after the network was built: "
                 "run again (the code is remade), or report this as a bug")
