"""Connectivity generators: (i, j) index arrays, built with numpy, never pair by pair.

Random choices are drawn target block by target block (``BLOCK`` targets each), every
block with its own generator seeded by ``(seed, call, block)``. A process that owns only
the targets ``cols = (lo, hi)`` (an MPI rank) therefore draws only the blocks that meet
them and gets exactly the synapses a single process would create onto those targets;
rules that choose targets per source (out-degree, total number) draw per source block and
keep the local targets. Pairs come out grouped by block; ``Synapses`` sorts them (stably)
by source.
"""
from __future__ import annotations

from typing import Callable, Iterator, Sequence

import numpy as np

from ..errors import ConfigurationError

CHUNK_PAIRS = 1 << 22  # candidate pairs evaluated at once for conditions and p(i, j)
BLOCK = 1024           # targets (or sources) drawn by one generator


def _sorted(i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((j, i))
    return i[order].astype(np.int32), j[order].astype(np.int32)


def block_rng(base: Sequence[int], b: int) -> np.random.Generator:
    """The generator of block ``b`` of one connect() call (``base`` = (seed, call))."""
    return np.random.default_rng([*base, b])


def _blocks(n: int, part: tuple[int, int]) -> Iterator[tuple[int, int, int]]:
    """(block, start, stop) of the blocks of range(n) that meet ``part``."""
    lo, hi = part
    for b in range(lo // BLOCK, -(-hi // BLOCK) if hi > lo else lo // BLOCK):
        yield b, b * BLOCK, min((b + 1) * BLOCK, n)


def _joined(i_parts, j_parts) -> tuple[np.ndarray, np.ndarray]:
    if not i_parts:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    return (np.concatenate(i_parts).astype(np.int32, copy=False),
            np.concatenate(j_parts).astype(np.int32, copy=False))


def _geometric_positions(total: int, p: float, rng: np.random.Generator) -> np.ndarray:
    """Positions in range(total) chosen independently with probability p, drawn as gaps
    (geometric), so the cost follows the number chosen, not ``total``."""
    if p >= 1:
        return np.arange(total, dtype=np.int64)
    chunks, position = [], -1
    while position < total:
        n = max(1024, int((total - position) * p * 1.05) + 100)
        positions = position + np.cumsum(rng.geometric(p, size=n).astype(np.int64))
        chunks.append(positions[positions < total])
        position = int(positions[-1])
    return np.concatenate(chunks)


def bernoulli_pairs(n_pre: int, n_post: int, p: float, base: Sequence[int],
                    autapses: bool = True, cols: tuple[int, int] | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Each pair independently with probability p (targets in ``cols`` only)."""
    lo, hi = cols or (0, n_post)
    if p <= 0 or n_pre == 0:
        return _joined([], [])
    out_i, out_j = [], []
    for b, c0, c1 in _blocks(n_post, (lo, hi)):
        nb = c1 - c0
        idx = _geometric_positions(n_pre * nb, p, block_rng(base, b))
        i, j = idx // nb, c0 + idx % nb
        keep = (j >= lo) & (j < hi)
        if not autapses:
            keep &= i != j
        out_i.append(i[keep])
        out_j.append(j[keep])
    return _joined(out_i, out_j)


def filtered_pairs(n_pre: int, n_post: int,
                   keep: Callable[[np.ndarray, np.ndarray, np.random.Generator], np.ndarray],
                   base: Sequence[int], cols: tuple[int, int] | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:
    """All pairs for which ``keep(i, j, rng)`` is true, a block of targets at a time."""
    lo, hi = cols or (0, n_post)
    out_i, out_j = [], []
    for b, c0, c1 in _blocks(n_post, (lo, hi)):
        rng = block_rng(base, b)
        post = np.arange(c0, c1, dtype=np.int64)
        rows = max(1, CHUNK_PAIRS // len(post))
        for start in range(0, n_pre, rows):
            pre = np.arange(start, min(start + rows, n_pre), dtype=np.int64)
            i = np.repeat(pre, len(post))
            j = np.tile(post, len(pre))
            mask = np.asarray(keep(i, j, rng), dtype=bool) & (j >= lo) & (j < hi)
            out_i.append(i[mask])
            out_j.append(j[mask])
    return _joined(out_i, out_j)


def fixed_in_degree(n_pre: int, n_post: int, k: int, base: Sequence[int],
                    autapses: bool = True, multapses: bool = True,
                    cols: tuple[int, int] | None = None):
    """Every target gets exactly k sources (NEST's fixed_indegree)."""
    _check_degree(k, n_pre, autapses, multapses, "in-degree", "source")
    lo, hi = cols or (0, n_post)
    out_i, out_j = [], []
    for b, c0, c1 in _blocks(n_post, (lo, hi)):
        i = _draw_partners(n_pre, np.arange(c0, c1), k, block_rng(base, b), autapses,
                           multapses)
        j = np.repeat(np.arange(c0, c1, dtype=np.int32), k)
        keep = slice((max(lo, c0) - c0) * k, (min(hi, c1) - c0) * k)
        out_i.append(i[keep])
        out_j.append(j[keep])
    return _joined(out_i, out_j)


def fixed_out_degree(n_pre: int, n_post: int, k: int, base: Sequence[int],
                     autapses: bool = True, multapses: bool = True,
                     cols: tuple[int, int] | None = None):
    """Every source makes exactly k synapses (NEST's fixed_outdegree)."""
    _check_degree(k, n_post, autapses, multapses, "out-degree", "target")
    lo, hi = cols or (0, n_post)
    out_i, out_j = [], []
    for b, r0, r1 in _blocks(n_pre, (0, n_pre)):
        j = _draw_partners(n_post, np.arange(r0, r1), k, block_rng(base, b), autapses,
                           multapses)
        i = np.repeat(np.arange(r0, r1, dtype=np.int32), k)
        keep = (j >= lo) & (j < hi)
        out_i.append(i[keep])
        out_j.append(j[keep])
    return _joined(out_i, out_j)


def fixed_total_number(n_pre: int, n_post: int, n: int, base: Sequence[int],
                       autapses: bool = True, cols: tuple[int, int] | None = None):
    """Exactly n synapses between uniformly drawn pairs (with repetition), returned
    sorted by source: the number from each source is drawn first (multinomial, as NEST's
    fixed_total_number splits its total), then the targets of each block of sources,
    so that no sort is needed and the cost is one random integer per synapse."""
    if n < 0:
        raise ConfigurationError("the total number of synapses must be >= 0",
                                 code="E741")
    lo, hi = cols or (0, n_post)
    if n == 0:
        return _joined([], [])
    if n_pre == 0 or n_post == 0 or (not autapses and n_pre == n_post == 1):
        raise ConfigurationError(f"{n} synapses between {n_pre} sources and {n_post} "
                                 "targets: there is no pair to connect", code="E741")
    counts = np.random.default_rng([*base, _TOTAL_KEY]).multinomial(
        n, np.full(n_pre, 1.0 / n_pre))
    whole = (lo, hi) == (0, n_post)
    if whole:   # filled in place: no concatenation of the parts
        out_i = np.repeat(np.arange(n_pre, dtype=np.int32), counts)
        out_j = np.empty(n, np.int32)
    parts_i, parts_j = [], []
    start = 0
    for b, r0, r1 in _blocks(n_pre, (0, n_pre)):
        m = int(counts[r0:r1].sum())
        rng = block_rng(base, b)
        j = rng.integers(0, n_post, size=m, dtype=np.int32)
        if not autapses:
            i = np.repeat(np.arange(r0, r1, dtype=np.int32), counts[r0:r1])
            while True:
                same = np.flatnonzero(i == j)
                if not same.size:
                    break
                j[same] = rng.integers(0, n_post, size=same.size, dtype=np.int32)
        if whole:
            out_j[start:start + m] = j
        else:
            i = np.repeat(np.arange(r0, r1, dtype=np.int32), counts[r0:r1])
            keep = (j >= lo) & (j < hi)
            parts_i.append(i[keep])
            parts_j.append(j[keep])
        start += m
    return (out_i, out_j) if whole else _joined(parts_i, parts_j)


_TOTAL_KEY = 0x70741   # the generator of the per-source counts (not a block number)


def _check_degree(k, n_other, autapses, multapses, what, partner):
    if k < 0:
        raise ConfigurationError(f"the {what} must be >= 0", code="E741")
    available = n_other - (0 if autapses else 1)
    if not multapses and k > available:
        raise ConfigurationError(
            f"an {what} of {k} without repeated pairs needs at least {k} {partner} "
            f"neurons, there are {available}", code="E741")


def _draw_partners(n_choices: int, owners: np.ndarray, k: int, rng: np.random.Generator,
                   autapses: bool, multapses: bool) -> np.ndarray:
    """k partners in [0, n_choices) for each owner (row-major), as int32."""
    if multapses:
        partners = rng.integers(0, n_choices - (0 if autapses else 1),
                                size=len(owners) * k, dtype=np.int32)
        if not autapses:  # skip over the owner's own index
            partners += partners >= np.repeat(owners.astype(np.int32), k)
        return partners
    out = np.empty((len(owners), k), dtype=np.int32)
    pool = n_choices - (0 if autapses else 1)
    for row, o in enumerate(owners.tolist()):
        pick = rng.choice(pool, size=k, replace=False)
        if not autapses:
            pick = pick + (pick >= o)
        out[row] = pick
    return out.reshape(-1)


def from_matrix(matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i, j, values) of the non-zero entries of a dense array or scipy.sparse matrix
    of shape (n_pre, n_post)."""
    if hasattr(matrix, "tocoo"):
        coo = matrix.tocoo()
        i, j, v = coo.row, coo.col, coo.data
    else:
        arr = np.asarray(matrix)
        if arr.ndim != 2:
            raise ConfigurationError("a connectivity matrix must be 2-D (n_pre, n_post)",
                                     code="E740")
        i, j = np.nonzero(arr)
        v = arr[i, j]
    order = np.lexsort((j, i))
    return i[order].astype(np.int32), j[order].astype(np.int32), np.asarray(v)[order]


# ---- topologies ------------------------------------------------------------------------

def ring_lattice(n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each node connected to its k nearest neighbours on a ring (k even), both ways."""
    if k % 2 or k >= n:
        raise ConfigurationError("a ring lattice needs an even k smaller than n",
                                 code="E742")
    i = np.repeat(np.arange(n), k)
    offsets = np.concatenate([np.arange(1, k // 2 + 1), -np.arange(1, k // 2 + 1)])
    j = (i + np.tile(offsets, n)) % n
    return _sorted(i, j)


def watts_strogatz(n: int, k: int, beta: float, rng: np.random.Generator):
    """Small-world graph: a ring lattice whose edges are rewired with probability beta
    (Watts & Strogatz 1998). Undirected edges are returned in both directions."""
    if not 0 <= beta <= 1:
        raise ConfigurationError("beta must be in [0, 1]", code="E742")
    i = np.repeat(np.arange(n), k // 2)
    j = (i + np.tile(np.arange(1, k // 2 + 1), n)) % n
    edges = set(zip(i.tolist(), j.tolist()))
    edges |= {(b, a) for a, b in edges}
    for a, b in zip(i.tolist(), j.tolist()):
        if rng.random() < beta:
            candidates = rng.permutation(n)
            for c in candidates.tolist():
                if c != a and (a, c) not in edges:
                    edges.discard((a, b))
                    edges.discard((b, a))
                    edges.add((a, c))
                    edges.add((c, a))
                    break
    arr = np.array(sorted(edges), dtype=np.int64).reshape(-1, 2)
    return _sorted(arr[:, 0], arr[:, 1])


def barabasi_albert(n: int, m: int, rng: np.random.Generator):
    """Scale-free graph by preferential attachment (Barabási & Albert 1999): each new node
    attaches to m existing nodes with probability proportional to their degree.
    Undirected edges are returned in both directions."""
    if m < 1 or m >= n:
        raise ConfigurationError("Barabási-Albert needs 1 <= m < n", code="E742")
    targets = list(range(m))
    repeated: list[int] = []
    src, dst = [], []
    for node in range(m, n):
        for t in targets:
            src.append(node)
            dst.append(t)
        repeated.extend(targets)
        repeated.extend([node] * m)
        chosen: set[int] = set()
        while len(chosen) < m:
            chosen.add(repeated[int(rng.integers(len(repeated)))])
        targets = sorted(chosen)
    i = np.array(src + dst)
    j = np.array(dst + src)
    return _sorted(i, j)


def grid_2d(rows: int, cols: int, radius: float, periodic: bool = False):
    """Nodes on a rows x cols grid (index = row*cols + col), connected to every other node
    within Euclidean distance ``radius`` (in grid units)."""
    n = rows * cols
    r = np.arange(n) // cols
    c = np.arange(n) % cols

    def keep(i, j, rng):
        dr = np.abs(r[i] - r[j])
        dc = np.abs(c[i] - c[j])
        if periodic:
            dr = np.minimum(dr, rows - dr)
            dc = np.minimum(dc, cols - dc)
        return (i != j) & (dr * dr + dc * dc <= radius * radius)

    return _sorted(*filtered_pairs(n, n, keep, (0, 0)))
