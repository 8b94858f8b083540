"""Which neurons a rank owns: contiguous blocks of every group, the same on every run."""
from __future__ import annotations

from ..errors import ConfigurationError


def block(n: int, size: int, rank: int) -> tuple[int, int]:
    """The part [lo, hi) of n items that rank ``rank`` of ``size`` owns (sizes differ
    by at most one).

    >>> [block(10, 3, r) for r in range(3)]
    [(0, 3), (3, 6), (6, 10)]
    """
    return n * rank // size, n * (rank + 1) // size


def clip(lo: int, hi: int, start: int, stop: int) -> tuple[int, int]:
    """The owned part [lo, hi) of a parent group, seen from its slice [start, stop):
    indices relative to the slice (an empty range when they do not meet).

    >>> clip(3, 6, 4, 10), clip(3, 6, 7, 10)
    ((0, 2), (0, 0))
    """
    a, b = max(lo, start), min(hi, stop)
    return (a - start, b - start) if a < b else (0, 0)


def check_ranks(total_neurons: int, size: int) -> None:
    """More ranks than neurons leaves ranks with nothing to do: refuse it."""
    if size > total_neurons:
        raise ConfigurationError(
            f"{size} MPI ranks for a network of {total_neurons} neurons: every rank needs "
            "at least one neuron", code="E760",
            hint=f"run with mpiexec -n {max(1, total_neurons)} or fewer")
