"""PyNN's connectors, producing whole index arrays with numpy.

Each class keeps PyNN's constructor, parameters and meaning (``allow_self_connections``,
``with_replacement``, ``rng``, distance and index expressions) and replaces PyNN's
per-target loop by array code: random choices are made in blocks of targets (at most
about 2**21 candidate pairs at a time) or by geometric skipping, so that memory stays
bounded and no Python code runs per connection. The arrays go to
``Projection._connect_pairs``, which evaluates the synapse parameters for all
connections at once.

The random numbers come from the connector's ``rng`` (PyNN's NumpyRNG by default, seeded
as PyNN seeds it), drawn for all targets on every MPI rank, so the connectivity does not
depend on the number of ranks; the choices are not PyNN's draw for draw, except
FixedTotalNumberConnector's with a NumpyRNG (PyNN's own connections, numpy_stream.py).
"""
from __future__ import annotations

import numpy as np
from pyNN import connectors as _pc
from pyNN.parameters import LazyArray
from pyNN.random import RandomDistribution

from ..runtime.counting_sort import stable_order
from .errors import PyNNConnectionError
from .numpy_stream import is_legacy_mt, total_number_pairs

BLOCK = 1 << 21   # candidate pairs looked at together


# ---- helpers --------------------------------------------------------------------------
def _uniform(rng, n: int) -> np.ndarray:
    if n == 0:
        return np.zeros(0)
    return np.asarray(rng.next(n, "uniform", {"low": 0.0, "high": 1.0}, mask=None), float)


def _ints(rng, n: int, high: int) -> np.ndarray:
    if n == 0:
        return np.zeros(0, np.int64)
    return np.asarray(rng.next(n, "uniform_int", {"low": 0, "high": high}, mask=None),
                      np.int64)


def _same_cell(pre, post) -> np.ndarray:
    """For each post cell, the index of the same cell in pre, or -1."""
    pre_ids = np.asarray(pre.all_cells, dtype=np.int64)
    post_ids = np.asarray(post.all_cells, dtype=np.int64)
    order = np.argsort(pre_ids, kind="stable")
    pos = np.searchsorted(pre_ids[order], post_ids)
    pos = np.minimum(pos, max(pre_ids.size - 1, 0))
    found = pre_ids.size > 0
    hit = (pre_ids[order][pos] == post_ids) if found else np.zeros(post_ids.size, bool)
    return np.where(hit, order[pos], -1)


def _same_population(projection) -> bool:
    from pyNN.common import Population
    return (isinstance(projection.pre, Population) and
            isinstance(projection.post, Population) and projection.pre == projection.post)


def _self_mask(connector, projection, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Which pairs allow_self_connections keeps (True: keep)."""
    allow = connector.allow_self_connections
    if allow is True:
        return np.ones(i.size, bool)
    if allow == "NoMutual":
        if not _same_population(projection):
            raise PyNNConnectionError(
                "allow_self_connections='NoMutual' needs a projection from a Population "
                "onto itself", code="E847")
        return i > j
    same = _same_cell(projection.pre, projection.post)
    return same[j] != i


def _column_blocks(n_pre: int, n_post: int):
    step = max(1, BLOCK // max(n_pre, 1))
    for c0 in range(0, n_post, step):
        yield c0, min(n_post, c0 + step)


def _block_pairs(n_pre: int, c0: int, c1: int) -> tuple[np.ndarray, np.ndarray]:
    """All (i, j) with j in [c0, c1), target-major (PyNN's column order)."""
    j = np.repeat(np.arange(c0, c1, dtype=np.int64), n_pre)
    i = np.tile(np.arange(n_pre, dtype=np.int64), c1 - c0)
    return i, j


def _bernoulli_flat(rng, total: int, p: float) -> np.ndarray:
    """Positions k in [0, total) each kept with probability p (geometric skipping
    when the generator has numpy's ``geometric``, else blocks of uniforms)."""
    if p <= 0 or total == 0:
        return np.zeros(0, np.int64)
    if p >= 1:
        return np.arange(total, dtype=np.int64)
    gen = getattr(rng, "rng", None)
    if gen is not None and hasattr(gen, "geometric") and p < 0.5:
        out, pos = [], -1
        while True:
            expect = int((total - pos) * p * 1.05) + 64
            gaps = gen.geometric(p, size=expect).astype(np.int64)
            ks = pos + np.cumsum(gaps)
            out.append(ks[ks < total])
            if ks[-1] >= total:
                break
            pos = int(ks[-1])
        return np.concatenate(out)
    out = []
    for k0 in range(0, total, BLOCK):
        k1 = min(total, k0 + BLOCK)
        out.append(k0 + np.flatnonzero(_uniform(rng, k1 - k0) < p))
    return np.concatenate(out) if out else np.zeros(0, np.int64)


def _counts(n, size: int) -> np.ndarray:
    """n per row: an int, or a RandomDistribution drawn once per row."""
    if isinstance(n, RandomDistribution):
        counts = np.asarray(n.next(size), dtype=float) if size else np.zeros(0)
        counts = np.rint(np.atleast_1d(counts)).astype(np.int64)
    else:
        counts = np.full(size, int(n), np.int64)
    if np.any(counts < 0):
        raise PyNNConnectionError("the number of connections drawn for a connector is "
                                  "negative", code="E848")
    return counts


def _sample_rows(rng, counts: np.ndarray, pool: int, exclude: np.ndarray | None,
                 replace: bool) -> tuple[np.ndarray, np.ndarray]:
    """For each row r, counts[r] values from range(pool), without the value exclude[r]
    (-1: none); with or without replacement (without: full sets first when counts[r]
    exceeds the pool, as PyNN does). Returns (row, value) arrays, row-major."""
    rows = counts.size
    if exclude is None:
        exclude = np.full(rows, -1, np.int64)
    avail = pool - (exclude >= 0)
    if np.any((counts > 0) & (avail <= 0)):
        raise PyNNConnectionError(
            f"cannot choose connections from a pool of {pool} cells that excludes "
            "the cell itself", code="E848",
            hint="allow_self_connections=True, or a larger population")
    row_parts, val_parts = [], []
    if not replace:   # full sets of the allowed cells first
        full = np.where(avail > 0, counts // np.maximum(avail, 1), 0)
        if full.any():
            for r in np.flatnonzero(full):   # only rows asking for more than the pool
                cells = np.arange(pool, dtype=np.int64)
                if exclude[r] >= 0:
                    cells = cells[cells != exclude[r]]
                row_parts.append(np.full(cells.size * full[r], r, np.int64))
                val_parts.append(np.tile(cells, full[r]))
        counts = counts - full * avail
    kmax = int(counts.max()) if rows else 0
    dense = not replace and rows and kmax > int(avail.min()) // 4
    step = max(1, BLOCK // max(pool if dense else kmax, 1))
    for r0 in range(0, rows, step):
        r1 = min(rows, r0 + step)
        k = counts[r0:r1]
        ex = exclude[r0:r1]
        shape = (r1 - r0, kmax)
        if dense:
            vals = _permutation_prefix(rng, shape, pool, ex)
        else:
            vals = _draw_distinct(rng, shape, pool, k, ex, replace)
        if np.all(k == kmax):   # the same number for every row: no mask
            row_parts.append(np.repeat(np.arange(r0, r1, dtype=np.int64), kmax))
            val_parts.append(vals.ravel())
        else:
            keep = np.arange(kmax)[None, :] < k[:, None]
            row_parts.append(np.broadcast_to(np.arange(r0, r1)[:, None], shape)[keep])
            val_parts.append(vals[keep])
    if not row_parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows_out = row_parts[0] if len(row_parts) == 1 else np.concatenate(row_parts)
    vals_out = val_parts[0] if len(val_parts) == 1 else np.concatenate(val_parts)
    return rows_out.astype(np.int64, copy=False), vals_out.astype(np.int64, copy=False)


def _draw_distinct(rng, shape, pool: int, k: np.ndarray, ex: np.ndarray,
                   replace: bool) -> np.ndarray:
    """Rows of k[r] values from range(pool) (the other columns unused), none equal to
    ex[r], distinct unless ``replace``: drawn at once, then only the duplicates (found
    on rows sorted in place; a sample's order carries no meaning) are drawn again."""
    kmax = shape[1]
    vals = _ints(rng, shape[0] * kmax, pool).reshape(shape)
    unused = np.arange(kmax)[None, :] >= k[:, None]
    if unused.any():   # distinct values above the pool: never equal to a real one
        vals[unused] = (pool + np.broadcast_to(np.arange(kmax), shape))[unused]
    todo = np.arange(shape[0])
    for _ in range(10000):
        sub = vals[todo]
        if not replace:
            sub.sort(axis=1)
        bad = sub == ex[todo, None]
        if not replace:
            bad[:, 1:] |= sub[:, 1:] == sub[:, :-1]
        rows = bad.any(axis=1)
        if not rows.any():
            vals[todo] = sub
            break
        sub[bad] = _ints(rng, int(bad.sum()), pool)
        vals[todo] = sub
        todo = todo[rows]
    return vals


def _permutation_prefix(rng, shape, pool: int, exclude: np.ndarray) -> np.ndarray:
    """Rows of distinct values from range(pool) without exclude[r]: the first columns
    of a random permutation per row (random keys, argsort)."""
    keys = _uniform(rng, shape[0] * pool).reshape(shape[0], pool)
    has = exclude >= 0
    keys[np.flatnonzero(has), exclude[has]] = 2.0   # sorted last: never chosen
    if shape[1] == 0:
        return np.zeros(shape, np.int64)
    return np.argpartition(keys, shape[1] - 1, axis=1)[:, :shape[1]].astype(np.int64)


# ---- connectors -----------------------------------------------------------------------
class AllToAllConnector(_pc.AllToAllConnector):
    __doc__ = _pc.AllToAllConnector.__doc__

    def connect(self, projection) -> None:
        n_pre, n_post = projection.shape
        parts_i, parts_j = [], []
        for c0, c1 in _column_blocks(n_pre, n_post):
            i, j = _block_pairs(n_pre, c0, c1)
            keep = _self_mask(self, projection, i, j)
            parts_i.append(i[keep])
            parts_j.append(j[keep])
        _connect(projection, self, parts_i, parts_j)


class OneToOneConnector(_pc.OneToOneConnector):
    __doc__ = _pc.OneToOneConnector.__doc__

    def connect(self, projection) -> None:
        n_pre, n_post = projection.shape
        if n_pre != n_post:
            raise PyNNConnectionError(
                f"OneToOneConnector needs populations of the same size, got {n_pre} "
                f"and {n_post}", code="E849")
        k = np.arange(n_pre, dtype=np.int64)
        projection._connect_pairs(k, k, connector=self)


class FixedProbabilityConnector(_pc.FixedProbabilityConnector):
    __doc__ = _pc.FixedProbabilityConnector.__doc__

    def connect(self, projection) -> None:
        n_pre, n_post = projection.shape
        if not 0 <= self.p_connect <= 1:
            raise PyNNConnectionError(f"p_connect must lie in [0, 1], got "
                                      f"{self.p_connect}", code="E850")
        k = _bernoulli_flat(self.rng, n_pre * n_post, self.p_connect)
        j, i = np.divmod(k, max(n_pre, 1))   # target-major, as PyNN's columns
        keep = _self_mask(self, projection, i, j)
        projection._connect_pairs(i[keep], j[keep], connector=self)


class _ProbabilityMap:
    """Connect with probability given by a lazy (pre, post) map, block by block."""

    def _connect_map(self, projection, probability: LazyArray, distance_map=None):
        n_pre, n_post = projection.shape
        parts_i, parts_j = [], []
        for c0, c1 in _column_blocks(n_pre, n_post):
            p = np.asarray(probability[:, c0:c1], dtype=float)
            p = np.broadcast_to(p.reshape(n_pre, -1) if p.ndim else p, (n_pre, c1 - c0))
            u = _uniform(self.rng, n_pre * (c1 - c0)).reshape(c1 - c0, n_pre)
            jj, ii = np.nonzero(u < p.T)   # target-major
            i, j = ii.astype(np.int64), jj.astype(np.int64) + c0
            keep = _self_mask(self, projection, i, j)
            parts_i.append(i[keep])
            parts_j.append(j[keep])
        _connect(projection, self, parts_i, parts_j, distance_map)


class DistanceDependentProbabilityConnector(_ProbabilityMap,
                                            _pc.DistanceDependentProbabilityConnector):
    __doc__ = _pc.DistanceDependentProbabilityConnector.__doc__

    def connect(self, projection) -> None:
        distance_map = self._generate_distance_map(projection)
        self._connect_map(projection, self.distance_function(distance_map), distance_map)


class IndexBasedProbabilityConnector(_ProbabilityMap, _pc.IndexBasedProbabilityConnector):
    __doc__ = _pc.IndexBasedProbabilityConnector.__doc__

    def connect(self, projection) -> None:
        from copy import copy
        expression = copy(self.index_expression)
        expression.projection = projection
        self._connect_map(projection, LazyArray(expression, projection.shape))


class DisplacementDependentProbabilityConnector(
        IndexBasedProbabilityConnector, _pc.DisplacementDependentProbabilityConnector):
    __doc__ = _pc.DisplacementDependentProbabilityConnector.__doc__

    def __init__(self, disp_function, allow_self_connections=True, location_selector=None,
                 rng=None, safe=True, callback=None):
        IndexBasedProbabilityConnector.__init__(
            self, _pc.DisplacementDependentProbabilityConnector.DisplacementExpression(
                disp_function), allow_self_connections=allow_self_connections, rng=rng,
            safe=safe, callback=callback)


class FixedNumberPreConnector(_pc.FixedNumberPreConnector):
    __doc__ = _pc.FixedNumberPreConnector.__doc__

    def connect(self, projection) -> None:
        n_pre, n_post = projection.shape
        exclude = None if self.allow_self_connections is True else \
            _same_cell(projection.pre, projection.post)
        post, pre = _sample_rows(self.rng, _counts(self.n, n_post), n_pre, exclude,
                                 self.with_replacement)
        projection._connect_pairs(pre, post, connector=self)


class FixedNumberPostConnector(_pc.FixedNumberPostConnector):
    __doc__ = _pc.FixedNumberPostConnector.__doc__

    def connect(self, projection) -> None:
        n_pre, n_post = projection.shape
        exclude = None if self.allow_self_connections is True else \
            _same_cell(projection.post, projection.pre)
        pre, post = _sample_rows(self.rng, _counts(self.n, n_pre), n_post, exclude,
                                 self.with_replacement)
        order = np.argsort(post, kind="stable")   # target-major, as PyNN builds them
        projection._connect_pairs(pre[order], post[order], connector=self)


class FixedTotalNumberConnector(_pc.FixedTotalNumberConnector):
    __doc__ = _pc.FixedTotalNumberConnector.__doc__

    def connect(self, projection) -> None:
        n_pre, n_post = projection.shape
        n = int(_counts(self.n, 1)[0])
        same = None if self.allow_self_connections is True else \
            _same_cell(projection.pre, projection.post)
        pairs = n_pre * n_post - (0 if same is None else int((same >= 0).sum()))
        if not self.with_replacement and n > pairs:
            raise PyNNConnectionError(
                f"FixedTotalNumberConnector cannot make {n} distinct connections: there "
                f"are only {pairs} pairs", code="E851",
                hint="with_replacement=True, or a smaller n")
        if n > 0 and pairs == 0:
            raise PyNNConnectionError("FixedTotalNumberConnector: no pair of cells may be "
                                      "connected", code="E851")
        if self.with_replacement and is_legacy_mt(self.rng) and \
                max(n_pre, n_post) < 2**31 - 1:
            self._connect_as_pynn(projection, n, same)
            return
        total = n_pre * n_post
        if not self.with_replacement and n > total // 4:
            keys = _uniform(self.rng, total)
            if same is not None:
                has = same >= 0
                keys[np.flatnonzero(has) * n_pre + same[has]] = 2.0
            k = np.sort(np.argsort(keys, kind="stable")[:n])
        else:
            k = _ints(self.rng, n, total)
            for _ in range(1000):
                bad = np.zeros(n, bool)
                if same is not None:
                    j, i = np.divmod(k, n_pre)
                    bad |= same[j] == i
                if not self.with_replacement:
                    order = np.argsort(k, kind="stable")
                    dup = np.zeros(n, bool)
                    dup[order[1:]] = k[order[1:]] == k[order[:-1]]
                    bad |= dup
                if not bad.any():
                    break
                k[bad] = _ints(self.rng, int(bad.sum()), total)
            k = np.sort(k)
        j, i = np.divmod(k, n_pre)
        projection._connect_pairs(i, j, connector=self)

    def _connect_as_pynn(self, projection, n: int, same) -> None:
        """PyNN's own draw with a NumpyRNG on one process: one binomial draw (all n
        synapses on this process), then a source and a target per synapse; connections
        target-major, in draw order within a target. With allow_self_connections
        False, a drawn self-connection is dropped and the draw goes on (PyNN keeps it)."""
        n = int(RandomDistribution("binomial", (n, 1.0), rng=self.rng).next())
        n_pre, n_post = projection.shape
        i, j = total_number_pairs(self.rng.rng, n, n_pre, n_post, same)
        order = stable_order(j, n_post)[0]   # = np.argsort(j, kind="stable"), O(n)
        projection._connect_pairs(i[order], j[order], connector=self)


class ArrayConnector(_pc.ArrayConnector):
    __doc__ = _pc.ArrayConnector.__doc__

    def connect(self, projection) -> None:
        arr = np.asarray(self.array)
        if arr.shape != projection.shape:
            raise PyNNConnectionError(
                f"ArrayConnector: the array has shape {arr.shape}, the projection "
                f"{projection.shape}", code="E852")
        j, i = np.nonzero(arr.astype(bool).T)
        projection._connect_pairs(i.astype(np.int64), j.astype(np.int64), connector=self)


class FromListConnector(_pc.FromListConnector):
    __doc__ = _pc.FromListConnector.__doc__

    def connect(self, projection) -> None:
        names = projection.synapse_type.get_parameter_names()
        for name in self.column_names:
            if name not in names:
                raise ValueError(f"{name} is not a valid parameter for "
                                 f"{type(projection.synapse_type).__name__}")
        if self.conn_list.size == 0:
            return
        conn = np.asarray(self.conn_list, dtype=float)
        i, j = conn[:, 0].astype(np.int64), conn[:, 1].astype(np.int64)
        for what, idx, size in (("source", i, projection.pre.size),
                                ("target", j, projection.post.size)):
            if idx.size and (idx.min() < 0 or idx.max() >= size):
                raise PyNNConnectionError(f"{what} index out of range (0..{size - 1}) in "
                                          "the connection list", code="E853")
        given = {}
        if self.column_names:
            from copy import deepcopy
            syn = projection.synapse_type
            ps = deepcopy(syn.parameter_space)
            ps.shape = (i.size,)
            ps.update(**{name: conn[:, col] for col, name in
                         enumerate(self.column_names, 2)})
            ps = syn.translate(ps)
            given = {k: np.asarray(ps[k].evaluate(simplify=False), float)
                     for k in syn.get_native_names(*self.column_names)}
        order = np.argsort(j, kind="stable")   # target-major, as PyNN connects them
        given = {k: (v[order] if np.ndim(v) else v) for k, v in given.items()}
        projection._connect_pairs(i[order], j[order], given, connector=self)


class FromFileConnector(FromListConnector, _pc.FromFileConnector):
    __doc__ = _pc.FromFileConnector.__doc__

    def __init__(self, file, distributed=False, location_selector=None, safe=True,
                 callback=None):
        _pc.FromFileConnector.__init__(self, file, distributed, location_selector, safe,
                                       callback)

    def connect(self, projection) -> None:
        if self.distributed:
            self.file.rename("%s.%d" % (self.file.name,
                                        projection._simulator.state.mpi_rank))
        self.column_names = list(self.file.get_metadata().get("columns",
                                                               ("weight", "delay")))
        for ignore in "ij":
            if ignore in self.column_names:
                self.column_names.remove(ignore)
        self.conn_list = np.asarray(self.file.read())
        FromListConnector.connect(self, projection)


class CloneConnector(_pc.CloneConnector):
    __doc__ = _pc.CloneConnector.__doc__

    def connect(self, projection) -> None:
        ref = self.reference_projection
        if projection.pre != ref.pre or projection.post != ref.post:
            raise PyNNConnectionError(
                "CloneConnector: the pre- and postsynaptic cells must be those of the "
                "reference projection", code="E854")
        order = np.lexsort((ref._i, ref._j))
        projection._connect_pairs(ref._i[order], ref._j[order], connector=self)


class SmallWorldConnector(_pc.SmallWorldConnector):
    """Watts-Strogatz small world: every pair closer than ``degree`` is connected (or,
    with ``n_connections``, that many of them chosen at random per target), then each
    connection's source is replaced, with probability ``rewiring``, by a source drawn
    uniformly (PyNN declares this connector but leaves it unimplemented)."""

    def connect(self, projection) -> None:
        distance_map = self._generate_distance_map(projection)
        degree = float(self.d_expression.split("<")[1])
        n_pre, n_post = projection.shape
        parts_i, parts_j = [], []
        for c0, c1 in _column_blocks(n_pre, n_post):
            d = np.broadcast_to(np.asarray(distance_map[:, c0:c1], float),
                                (n_pre, c1 - c0))
            jj, ii = np.nonzero((d < degree).T)
            i, j = ii.astype(np.int64), jj.astype(np.int64) + c0
            keep = _self_mask(self, projection, i, j)
            parts_i.append(i[keep])
            parts_j.append(j[keep])
        i, j = np.concatenate(parts_i), np.concatenate(parts_j)
        if self.n_connections is not None:
            key = _uniform(self.rng, i.size)
            order = np.lexsort((key, j))
            i, j = i[order], j[order]
            first = np.searchsorted(j, j, side="left")
            keep = np.arange(j.size) - first < int(self.n_connections)
            i, j = i[keep], j[keep]
        rewire = _uniform(self.rng, i.size) < self.rewiring
        new = _ints(self.rng, int(rewire.sum()), n_pre)
        i = i.copy()
        i[rewire] = new
        if self.allow_self_connections is not True:
            same = _same_cell(projection.pre, projection.post)
            for _ in range(1000):
                bad = same[j] == i
                if not bad.any():
                    break
                i[bad] = _ints(self.rng, int(bad.sum()), n_pre)
        projection._connect_pairs(i, j, distance_map=distance_map, connector=self)


def _connect(projection, connector, parts_i, parts_j, distance_map=None) -> None:
    i = np.concatenate(parts_i) if parts_i else np.zeros(0, np.int64)
    j = np.concatenate(parts_j) if parts_j else np.zeros(0, np.int64)
    projection._connect_pairs(i, j, distance_map=distance_map, connector=connector)


__all__ = [
    "AllToAllConnector",
    "ArrayConnector",
    "CloneConnector",
    "DisplacementDependentProbabilityConnector",
    "DistanceDependentProbabilityConnector",
    "FixedNumberPostConnector",
    "FixedNumberPreConnector",
    "FixedProbabilityConnector",
    "FixedTotalNumberConnector",
    "FromFileConnector",
    "FromListConnector",
    "IndexBasedProbabilityConnector",
    "OneToOneConnector",
    "SmallWorldConnector",
]
