"""Graph generators for connect(i=..., j=...): ring lattice, small world, scale free,
2-D grid. Each returns (i, j) index arrays sorted by source; undirected graphs come
with both directions.

Positions: a group that declares ``x``, ``y`` (and ``z``) as variables (``x : meter``)
is placed on a grid with :func:`place_grid` or at random with :func:`place_random`;
:func:`grid_positions` and :func:`random_positions` give the (n, 3) arrays themselves.

>>> from eqsim import topology
>>> i, j = topology.ring_lattice(6, 2)
>>> i[:2].tolist(), j[:2].tolist()
([0, 0], [1, 5])
"""
from __future__ import annotations

import numpy as np

from .errors import ConfigurationError
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


def grid_positions(n: int, shape=None, spacing=1.0, origin=(0.0, 0.0, 0.0)):
    """Positions (n, 3) of n points on a grid, filled row by row (x fastest, then y,
    then z). ``shape`` is (nx,), (nx, ny) or (nx, ny, nz) with nx*ny*nz >= n; default:
    the squarest 2-D grid. ``spacing`` is one distance or one per axis, with a unit
    (``10*um``) or plain; ``origin`` is the position of the first point.

    >>> grid_positions(4, spacing=2.0)[:, :2].tolist()
    [[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]]
    """
    n = _count(n)
    if shape is None:
        nx = int(np.ceil(np.sqrt(n)))
        shape = (nx, int(np.ceil(n / nx)))
    shape = tuple(int(k) for k in np.atleast_1d(shape))
    if not 1 <= len(shape) <= 3 or min(shape) < 1 or int(np.prod(shape)) < n:
        raise ConfigurationError(f"grid shape {shape} does not hold {n} points",
                                 code="E974", hint="give (nx,), (nx, ny) or (nx, ny, nz) "
                                 "with nx*ny*nz >= n")
    shape = shape + (1,) * (3 - len(shape))
    k = np.arange(n)
    steps = np.stack([k % shape[0], (k // shape[0]) % shape[1],
                      k // (shape[0] * shape[1])], axis=1).astype(float)
    return _scaled(steps, spacing, origin)


def random_positions(n: int, extent, seed: int | None = None, origin=(0.0, 0.0, 0.0)):
    """Positions (n, 3) drawn uniformly in a box of size ``extent`` (one length or one
    per axis; 2 axes give z = origin) from ``numpy.random.default_rng(seed)``."""
    n = _count(n)
    extent_arr = _lengths(extent, "extent")
    u = np.random.default_rng(seed).random((n, 3))
    if extent_arr.size == 2:
        u[:, 2] = 0.0
    return _scaled(u, extent, origin)


def place(group, positions) -> None:
    """Set ``x``, ``y`` and ``z`` of a group (or subgroup) from an (n, 3) array (or
    (n, 2): x and y only). The group must declare them, e.g. ``x : meter``."""
    n = len(group)
    from .units import Quantity
    values = positions.view(np.ndarray) if isinstance(positions, Quantity) else \
        np.asarray(positions, dtype=float)
    if values.ndim != 2 or values.shape[0] != n or values.shape[1] not in (2, 3):
        raise ConfigurationError(f"positions of shape {values.shape} for {n} neurons",
                                 code="E974", hint=f"give an array of shape ({n}, 3)")
    have = set(getattr(group, "equations").names)
    axes = "xyz"[:values.shape[1]] if "z" in have or values.shape[1] == 3 else "xy"
    if values.shape[1] == 3 and "z" not in have and np.all(values[:, 2] == 0):
        axes = "xy"   # a flat layout on a group without z
    missing = [a for a in axes if a not in have]
    if missing:
        raise ConfigurationError(
            f"group '{group.name}' has no variable {', '.join(missing)} to place it",
            code="E974", hint="declare positions in the model, e.g. 'x : meter', "
                              "'y : meter', 'z : meter'")
    for k, a in enumerate(axes):
        col = values[:, k]
        setattr(group, a, Quantity(col, positions.dim) if isinstance(positions, Quantity)
                else col)


def place_grid(group, shape=None, spacing=1.0, origin=(0.0, 0.0, 0.0)) -> None:
    """Place the neurons of a group on a grid (:func:`grid_positions`)."""
    place(group, grid_positions(len(group), shape, spacing, origin))


def place_random(group, extent, seed: int | None = None, origin=(0.0, 0.0, 0.0)) -> None:
    """Place the neurons of a group uniformly at random in a box
    (:func:`random_positions`)."""
    place(group, random_positions(len(group), extent, seed, origin))


def distances(a, b):
    """Distance between each neuron of ``a`` (rows) and of ``b`` (columns), from their
    ``x``, ``y`` (and ``z``) variables."""
    from .units import Quantity

    def coords(g):
        names = [c for c in "xyz" if c in g.equations.names]
        if not {"x", "y"} <= set(names):
            raise ConfigurationError(f"group '{g.name}' has no positions x, y",
                                     code="E974", hint="declare 'x : meter', 'y : meter'")
        return np.stack([np.asarray(getattr(g, c + "_"), dtype=float) for c in names] +
                        [np.zeros(len(g))] * (3 - len(names)), axis=1), \
            g.equations["x"].dim
    pa, dim = coords(a)
    pb, _ = coords(b)
    d = np.sqrt(((pa[:, None, :] - pb[None, :, :]) ** 2).sum(axis=2))
    return d if dim.is_dimensionless else Quantity(d, dim)


def _count(n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ConfigurationError(f"the number of positions must be a positive whole "
                                 f"number, got {n!r}", code="E974")
    return int(n)


def _lengths(value, what: str) -> np.ndarray:
    from .units import Quantity
    arr = np.atleast_1d(value.view(np.ndarray) if isinstance(value, Quantity)
                        else np.asarray(value, dtype=float)).astype(float)
    if arr.ndim != 1 or arr.size not in (1, 2, 3) or not np.all(np.isfinite(arr)) or \
            np.any(arr < 0):
        raise ConfigurationError(f"{what} must be one length or one per axis (>= 0), "
                                 f"got {value!r}", code="E974")
    return arr


def _scaled(unit_steps: np.ndarray, spacing, origin):
    """unit_steps * spacing + origin, with the unit of spacing (if any)."""
    from .units import Quantity, get_dimension
    s = _lengths(spacing, "spacing")
    s = np.resize(s, 3) if s.size == 1 else np.concatenate([s, np.zeros(3 - s.size)])
    o = np.atleast_1d(origin.view(np.ndarray) if isinstance(origin, Quantity)
                      else np.asarray(origin, dtype=float)).astype(float)
    o = np.concatenate([o, np.zeros(3 - o.size)]) if o.size < 3 else o[:3]
    out = unit_steps * s + o
    if isinstance(spacing, Quantity) and not get_dimension(spacing).is_dimensionless:
        if isinstance(origin, Quantity) and get_dimension(origin) != get_dimension(spacing):
            raise ConfigurationError("origin and spacing/extent need the same unit",
                                     code="E974")
        return Quantity(out, get_dimension(spacing))
    return out


__all__ = ["ring_lattice", "watts_strogatz", "barabasi_albert", "grid_2d",
           "grid_positions", "random_positions", "place", "place_grid", "place_random",
           "distances"]
