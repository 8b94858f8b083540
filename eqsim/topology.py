"""Graph generators for connect(i=..., j=...): ring lattice, small world, scale free,
2-D grid. Each returns (i, j) index arrays sorted by source; undirected graphs come
with both directions.

>>> from eqsim import topology
>>> i, j = topology.ring_lattice(6, 2)
>>> i[:2].tolist(), j[:2].tolist()
([0, 0], [1, 5])
"""
from __future__ import annotations

import numpy as np

from .runtime import connect as _c


def ring_lattice(n: int, k: int):
    """Each of n nodes linked to its k nearest neighbours on a ring (k even)."""
    return _c.ring_lattice(n, k)


def watts_strogatz(n: int, k: int, beta: float, seed: int | None = None):
    """Small world (Watts & Strogatz 1998): a ring lattice with each edge rewired with
    probability beta."""
    return _c.watts_strogatz(n, k, beta, np.random.default_rng(seed))


def barabasi_albert(n: int, m: int, seed: int | None = None):
    """Scale free (Barabási & Albert 1999): preferential attachment, m edges per node."""
    return _c.barabasi_albert(n, m, np.random.default_rng(seed))


def grid_2d(rows: int, cols: int, radius: float, periodic: bool = False):
    """Nodes on a rows x cols grid linked to all nodes within ``radius`` grid units."""
    return _c.grid_2d(rows, cols, radius, periodic)


__all__ = ["ring_lattice", "watts_strogatz", "barabasi_albert", "grid_2d"]
