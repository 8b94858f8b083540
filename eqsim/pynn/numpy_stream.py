"""PyNN's FixedTotalNumberConnector draw, reproduced from the raw Mersenne Twister stream.

PyNN's connector draws, synapse after synapse, a source with the NumpyRNG's
``uniform_int`` (legacy ``RandomState.randint(0, n_pre)``) and a target with
``RandomState.choice`` of the target indices (which calls ``randint(0, n_post)``).
For a range ``r = high - 1`` below 2**32, legacy ``randint`` keeps the next 32-bit
output masked to the smallest ``2**b - 1 >= r`` and draws again while the value exceeds
``r`` (``r == 0``: no draw at all). So the whole sequence is a function of the raw
32-bit words: this module reads them from a copy of the generator, walks them with the
alternating rejection in a few lines of C (a numpy version by pointer doubling when no
compiler is available) and then advances the real generator by exactly the words used.
tests/pynn/test_pynn_exact.py checks the result against PyNN's own code.
"""
from __future__ import annotations

import ctypes

import numpy as np

SOURCE = r"""
#include <stdint.h>

/* the cache's loader looks for this entry point */
int64_t eqsim_run(void **a, double *d, int64_t *i, int64_t s0, int64_t s1, int64_t *o,
                  int64_t f) { (void)a; (void)d; (void)i; (void)s0; (void)s1; (void)o;
                  (void)f; return 0; }

/* Walk the words w[0..nw): alternately a source (masked value <= rp) and a target
   (masked value <= rq); rp == 0 or rq == 0: that draw takes no word. A pair whose target
   tgt has same[tgt] == source (same != NULL) is dropped. st = {pairs made, phase
   (0: wants a source, 1: wants a target), pending source} carries over between calls.
   Stops after n pairs. Returns the number of words used. */
int64_t eqsim_pynn_total_pairs(const uint64_t *w, int64_t nw, int64_t *st,
        uint64_t rp, uint64_t mp, uint64_t rq, uint64_t mq, const int64_t *same,
        int64_t n, int32_t *oi, int32_t *oj) {
    int64_t k = st[0], phase = st[1], src = st[2], p = 0;
    while (k < n) {
        if (phase == 0) {
            if (rp == 0) src = 0;
            else {
                uint64_t v;
                do { if (p >= nw) goto out; v = w[p++] & mp; } while (v > rp);
                src = (int64_t)v;
            }
            phase = 1;
        }
        int64_t tgt;
        if (rq == 0) tgt = 0;
        else {
            uint64_t v;
            do { if (p >= nw) goto out; v = w[p++] & mq; } while (v > rq);
            tgt = (int64_t)v;
        }
        phase = 0;
        if (same && same[tgt] == src) continue;
        oi[k] = (int32_t)src; oj[k] = (int32_t)tgt; k++;
    }
out:
    st[0] = k; st[1] = phase; st[2] = src;
    return p;
}
"""

_lib = None
USE_C = True          # tests switch this off to exercise the numpy version
CHUNK = 1 << 22       # raw words read at a time
NUMPY_CHUNK = 1 << 16  # ... by the numpy version (its tables: about 20 * 8 bytes a word)


def _library():
    global _lib
    if _lib is None:
        _lib = False
        from ..build.cache import helper_library
        lib = helper_library(SOURCE)   # None without a compiler: the numpy version
        if lib is not None:
            fn = lib.eqsim_pynn_total_pairs
            fn.restype = ctypes.c_int64
            fn.argtypes = ([ctypes.c_void_p, ctypes.c_int64, ctypes.c_void_p]
                           + [ctypes.c_uint64] * 4 + [ctypes.c_void_p, ctypes.c_int64,
                                                      ctypes.c_void_p, ctypes.c_void_p])
            _lib = lib
    return _lib or None


def _mask(r: int) -> int:
    m = r
    for s in (1, 2, 4, 8, 16):
        m |= m >> s
    return m


def is_legacy_mt(rng) -> bool:
    """Is ``rng`` a PyNN NumpyRNG wrapping a legacy RandomState on MT19937?"""
    from pyNN.random import NumpyRNG
    rs = getattr(rng, "rng", None)
    return (isinstance(rng, NumpyRNG) and type(rs) is np.random.RandomState
            and isinstance(getattr(rs, "_bit_generator", None), np.random.MT19937))


def total_number_pairs(rs: np.random.RandomState, n: int, n_pre: int, n_post: int,
                       same: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(i, j)`` (int32) in draw order: the n pairs that alternating
    ``rs.randint(0, n_pre)`` and ``rs.randint(0, n_post)`` give, pairs with
    ``same[j] == i`` skipped (``same``: None keeps all). ``rs`` is left as those draws
    leave it. Sizes below 2**31."""
    oi = np.empty(n, np.int32)
    oj = np.empty(n, np.int32)
    if n == 0:
        return oi, oj
    rp, rq = n_pre - 1, n_post - 1
    if rp < 0 or rq < 0 or max(rp, rq) >= 2**31 - 1:
        raise ValueError("population sizes must lie in [1, 2**31 - 1)")
    mp, mq = _mask(rp), _mask(rq)
    same = None if same is None else np.ascontiguousarray(same, np.int64)
    if rp == 0 and rq == 0:   # no word is drawn
        if same is not None and same[0] == 0:
            raise ValueError("the only pair is excluded")
        oi[:] = 0
        oj[:] = 0
        return oi, oj
    real = rs._bit_generator
    gen = np.random.MT19937()
    gen.state = real.state
    lib = _library() if USE_C else None
    st = np.zeros(3, np.int64)
    carry = np.zeros(0, np.uint64)    # numpy version: words of an unfinished pair
    per_pair = (0 if rp == 0 else (mp + 1) / (rp + 1)) + \
        (0 if rq == 0 else (mq + 1) / (rq + 1))
    while True:
        left = n - int(st[0])
        size = int(min(CHUNK if lib is not None else NUMPY_CHUNK,
                       left * per_pair * 1.02 + 64))
        before = gen.state
        words = gen.random_raw(size)
        if lib is not None:
            used = lib.eqsim_pynn_total_pairs(
                words.ctypes.data, size, st.ctypes.data, rp, mp, rq, mq,
                None if same is None else same.ctypes.data, n,
                oi.ctypes.data, oj.ctypes.data)
        else:
            used, carry = _walk_numpy(carry, words, st, rp, mp, rq, mq, same, n, oi, oj)
        if st[0] == n:
            real.state = before
            if used:
                real.random_raw(used)
            return oi, oj


def _next_true(flags: np.ndarray) -> np.ndarray:
    """nxt[p] = the smallest q >= p with flags[q] (len(flags) if none); length + 1."""
    w = flags.size
    idx = np.where(flags, np.arange(w), w)
    out = np.empty(w + 1, np.int64)
    out[w] = w
    out[:w] = np.minimum.accumulate(idx[::-1])[::-1]
    return out


def _walk_numpy(carry, words, st, rp, mp, rq, mq, same, n, oi, oj):
    """The C walk in numpy. The words of an unfinished pair (``carry``) are put in front
    of ``words``; returns (words of ``words`` used, new carry)."""
    w = np.concatenate([carry, words])
    nw, nc = w.size, carry.size
    a = np.ones(nw, bool) if rp == 0 else (w & np.uint64(mp)) <= rp
    b = np.ones(nw, bool) if rq == 0 else (w & np.uint64(mq)) <= rq
    na, nb = _next_true(a), _next_true(b)
    # a pair from position s: source at sp (s itself when rp == 0: no word), target at
    # tp (likewise); the next pair starts after the target word.
    pos = np.arange(nw + 1, dtype=np.int64)
    sp = pos if rp == 0 else na
    after = np.minimum(sp + (rp != 0), nw)
    tp = after if rq == 0 else nb[after]
    nxt = np.minimum(tp + (rq != 0), nw)
    done = (sp < nw) & (tp < nw) if (rp and rq) else (tp < nw) if rp == 0 else (sp < nw)
    nxt = np.where(done, nxt, nw)   # an unfinished pair ends the walk
    # positions visited from 0: pointer doubling on nxt (strictly increasing until nw)
    jumps = [nxt]
    while (1 << (len(jumps) - 1)) < nw + 1:
        jumps.append(jumps[-1][jumps[-1]])
    visit = np.zeros(1, np.int64)
    for table in reversed(jumps):
        visit = np.stack([visit, table[visit]], axis=1).ravel()
    visit = visit[done[visit]] if nw else visit[:0]
    visit = np.unique(visit)
    src = w[sp[visit]].astype(np.int64) & mp if rp else np.zeros(visit.size, np.int64)
    tgt = w[tp[visit]].astype(np.int64) & mq if rq else np.zeros(visit.size, np.int64)
    keep = np.ones(visit.size, bool) if same is None else same[tgt] != src
    k0 = int(st[0])
    idx = np.flatnonzero(keep)[:n - k0]
    take = idx.size
    oi[k0:k0 + take] = src[idx]
    oj[k0:k0 + take] = tgt[idx]
    st[0] = k0 + take
    if st[0] == n:   # finished: the words up to the last target used
        end = int(nxt[visit[idx[-1]]]) if take else 0
        return max(end - nc, 0), np.zeros(0, np.uint64)
    last = int(nxt[visit[-1]]) if visit.size else 0
    return nw - nc, w[last:]
