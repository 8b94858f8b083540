"""Connectivity generators: (i, j) index arrays, built with numpy, never pair by pair.

Every generator takes a ``numpy.random.Generator`` so that a seed reproduces the
connectivity. Pairs come out sorted by presynaptic index (then postsynaptic index), the
order the synapse arrays are kept in.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import ConfigurationError

CHUNK_PAIRS = 1 << 22  # candidate pairs evaluated at once for conditions and p(i, j)


def _sorted(i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((j, i))
    return i[order].astype(np.int32), j[order].astype(np.int32)


def bernoulli_pairs(n_pre: int, n_post: int, p: float, rng: np.random.Generator,
                    autapses: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Each of the n_pre*n_post pairs independently with probability p.

    Draws the gaps between chosen pairs (geometric), so the cost is proportional to the
    number of synapses, not of pairs."""
    total = n_pre * n_post
    if p <= 0 or total == 0:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    if p >= 1:
        idx = np.arange(total, dtype=np.int64)
    else:
        chunks, position = [], -1
        while position < total:
            n = max(1024, int((total - position) * p * 1.05) + 100)
            positions = position + np.cumsum(rng.geometric(p, size=n).astype(np.int64))
            chunks.append(positions[positions < total])
            position = int(positions[-1])
        idx = np.concatenate(chunks)
    i, j = idx // n_post, idx % n_post
    if not autapses:
        keep = i != j
        i, j = i[keep], j[keep]
    return i.astype(np.int32), j.astype(np.int32)


def filtered_pairs(n_pre: int, n_post: int, keep: Callable[[np.ndarray, np.ndarray],
                                                           np.ndarray]
                   ) -> tuple[np.ndarray, np.ndarray]:
    """All pairs for which ``keep(i, j)`` is true, evaluated in chunks of rows."""
    rows = max(1, CHUNK_PAIRS // max(n_post, 1))
    out_i, out_j = [], []
    post = np.arange(n_post, dtype=np.int64)
    for start in range(0, n_pre, rows):
        pre = np.arange(start, min(start + rows, n_pre), dtype=np.int64)
        i = np.repeat(pre, n_post)
        j = np.tile(post, len(pre))
        mask = np.asarray(keep(i, j), dtype=bool)
        out_i.append(i[mask])
        out_j.append(j[mask])
    return (np.concatenate(out_i).astype(np.int32) if out_i else np.zeros(0, np.int32),
            np.concatenate(out_j).astype(np.int32) if out_j else np.zeros(0, np.int32))


def fixed_in_degree(n_pre: int, n_post: int, k: int, rng: np.random.Generator,
                    autapses: bool = True, multapses: bool = True):
    """Every target gets exactly k sources (NEST's fixed_indegree)."""
    _check_degree(k, n_pre, autapses, multapses, "in-degree", "source")
    i = _draw_partners(n_pre, n_post, k, rng, autapses, multapses)
    # sort by source; the target of entry e is e // k, so j is never built unsorted
    order = np.argsort(i, kind="stable")
    pre = i[order]
    del i
    post = (order // k).astype(np.int32)
    return pre, post


def fixed_out_degree(n_pre: int, n_post: int, k: int, rng: np.random.Generator,
                     autapses: bool = True, multapses: bool = True):
    """Every source makes exactly k synapses (NEST's fixed_outdegree)."""
    _check_degree(k, n_post, autapses, multapses, "out-degree", "target")
    i = np.repeat(np.arange(n_pre, dtype=np.int64), k)
    j = _draw_partners(n_post, n_pre, k, rng, autapses, multapses)
    return _sorted(i, j)


def fixed_total_number(n_pre: int, n_post: int, n: int, rng: np.random.Generator,
                       autapses: bool = True):
    """Exactly n synapses between uniformly drawn pairs (with repetition)."""
    if n < 0:
        raise ConfigurationError("the total number of synapses must be >= 0",
                                 code="E741")
    i = rng.integers(0, n_pre, size=n)
    j = rng.integers(0, n_post, size=n)
    if not autapses:
        while True:
            same = np.flatnonzero(i == j)
            if not same.size:
                break
            j[same] = rng.integers(0, n_post, size=same.size)
    return _sorted(i, j)


def _check_degree(k, n_other, autapses, multapses, what, partner):
    if k < 0:
        raise ConfigurationError(f"the {what} must be >= 0", code="E741")
    available = n_other - (0 if autapses else 1)
    if not multapses and k > available:
        raise ConfigurationError(
            f"an {what} of {k} without repeated pairs needs at least {k} {partner} "
            f"neurons, there are {available}", code="E741")


def _draw_partners(n_choices: int, n_owners: int, k: int, rng: np.random.Generator,
                   autapses: bool, multapses: bool) -> np.ndarray:
    """k partners in [0, n_choices) for each of n_owners (row-major), as int32."""
    if multapses:
        partners = rng.integers(0, n_choices - (0 if autapses else 1), size=n_owners * k,
                                dtype=np.int32)
        if not autapses:  # skip over the owner's own index
            for start in range(0, n_owners, 1 << 16):  # in chunks: no full owner array
                stop = min(start + (1 << 16), n_owners)
                owners = np.repeat(np.arange(start, stop, dtype=np.int32), k)
                block = partners[start * k:stop * k]
                block += (block >= owners)
        return partners
    out = np.empty((n_owners, k), dtype=np.int32)
    for o in range(n_owners):
        pool = n_choices - (0 if autapses else 1)
        pick = rng.choice(pool, size=k, replace=False)
        if not autapses:
            pick = pick + (pick >= o)
        out[o] = pick
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

    def keep(i, j):
        dr = np.abs(r[i] - r[j])
        dc = np.abs(c[i] - c[j])
        if periodic:
            dr = np.minimum(dr, rows - dr)
            dc = np.minimum(dc, cols - dc)
        return (i != j) & (dr * dr + dc * dc <= radius * radius)

    return filtered_pairs(n, n, keep)
