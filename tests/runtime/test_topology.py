"""Topology generators: degrees, small-world clustering and path length, scale-free
degree tail, grid radius."""
from collections import deque

import numpy as np
import pytest

import eqsim as eq
from eqsim import topology


def _adjacency(n, i, j):
    adj = [set() for _ in range(n)]
    for a, b in zip(i.tolist(), j.tolist()):
        adj[a].add(b)
    return adj


def _clustering(adj):
    c = []
    for nbrs in adj:
        nb = list(nbrs)
        k = len(nb)
        if k < 2:
            continue
        links = sum(1 for a in range(k) for b in range(a + 1, k) if nb[b] in adj[nb[a]])
        c.append(2 * links / (k * (k - 1)))
    return float(np.mean(c))


def _path_length(adj, sources):
    total, count = 0, 0
    for s in sources:
        dist = {s: 0}
        q = deque([s])
        while q:
            a = q.popleft()
            for b in adj[a]:
                if b not in dist:
                    dist[b] = dist[a] + 1
                    q.append(b)
        total += sum(dist.values())
        count += len(dist) - 1
    return total / count


def test_ring_lattice_degrees_and_clustering():
    i, j = topology.ring_lattice(100, 6)
    assert np.all(np.bincount(i) == 6) and np.all(np.bincount(j) == 6)
    assert _clustering(_adjacency(100, i, j)) == pytest.approx(3 * 4 / (4 * 5))


def test_small_world_keeps_clustering_and_shortens_paths():
    n, k = 500, 10
    lattice = _adjacency(n, *topology.ring_lattice(n, k))
    small = _adjacency(n, *topology.watts_strogatz(n, k, 0.1, seed=1))
    c0, l0 = _clustering(lattice), _path_length(lattice, range(0, n, 25))
    c, ln = _clustering(small), _path_length(small, range(0, n, 25))
    # Watts & Strogatz 1998, Fig. 2: at p = 0.1, C stays near C(0)*(1 - p)^3 while L
    # falls to a small fraction of L(0)
    assert 0.6 < c / (c0 * 0.9 ** 3) < 1.2
    assert ln < 0.25 * l0 and ln > np.log(n) / np.log(k) * 0.8
    assert sum(len(a) for a in small) == n * k   # edges are moved, never lost


def test_scale_free_degree_tail():
    n, m = 2000, 3
    i, j = topology.barabasi_albert(n, m, seed=2)
    deg = np.bincount(i, minlength=n)
    assert deg.min() >= m and abs(deg.mean() - 2 * m) < 0.1
    # heavy tail: hubs far above the mean, unlike an Erdos-Renyi graph
    assert deg.max() > 10 * deg.mean()


def test_grid_radius_and_connect_from_topology():
    i, j = topology.grid_2d(10, 10, radius=1.5)
    rows, cols = i // 10, i % 10
    d2 = (rows - j // 10) ** 2 + (cols - j % 10) ** 2
    assert np.all(d2 <= 2) and np.all(d2 > 0)
    assert np.bincount(i)[55] == 8 and np.bincount(i)[0] == 3
    G = eq.NeuronGroup(100, "v : 1")
    S = eq.Synapses(G, G, "w : 1")
    S.connect(i=i, j=j)
    assert len(S) == len(i)
