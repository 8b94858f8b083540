"""The stable order of connections by source index, in O(n): a counting sort in C.

Synapses are kept sorted by presynaptic index. Connections read from a file (SONATA
edges are sorted by target) arrive in another order; a comparison sort of millions of
keys was the largest single step of loading a network. A counting sort (one pass to
count, one to place) gives the same permutation as ``np.argsort(keys, kind="stable")``.
Its few lines of C are compiled once through eqsim's module cache (like a network's
code); without a compiler numpy's sort is used, with the same result.
"""
from __future__ import annotations

import ctypes

import numpy as np

SOURCE = r"""
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* the cache's loader looks for this entry point */
int64_t eqsim_run(void **a, double *d, int64_t *i, int64_t s0, int64_t s1, int64_t *o,
                  int64_t f) { (void)a; (void)d; (void)i; (void)s0; (void)s1; (void)o;
                  (void)f; return 0; }

/* ptr[0..nkeys]: where each key's run starts in the sorted order; order[p]: the input
   position of the p-th element of the sorted order (stable); sorted[p] (if not NULL):
   its key. Returns 0, or 1 + the first position whose key is outside [0, nkeys). */
#define COUNTING_ORDER(NAME, KEY_T, ORDER_T)                                          \
int64_t NAME(const KEY_T *key, int64_t n, int64_t nkeys, int64_t *ptr,                \
             ORDER_T *order, KEY_T *sorted) {                                          \
    memset(ptr, 0, (size_t)(nkeys + 1) * sizeof(int64_t));                             \
    for (int64_t k = 0; k < n; k++) {                                                  \
        int64_t v = (int64_t)key[k];                                                   \
        if (v < 0 || v >= nkeys) return k + 1;                                         \
        ptr[v + 1]++;                                                                  \
    }                                                                                  \
    for (int64_t v = 0; v < nkeys; v++) ptr[v + 1] += ptr[v];                         \
    int64_t *cur = (int64_t *)malloc((size_t)(nkeys + 1) * sizeof(int64_t));           \
    if (!cur) return -1;                                                               \
    memcpy(cur, ptr, (size_t)(nkeys + 1) * sizeof(int64_t));                           \
    for (int64_t k = 0; k < n; k++) order[cur[key[k]]++] = (ORDER_T)k;                 \
    free(cur);                                                                         \
    if (sorted)                                                                        \
        for (int64_t v = 0; v < nkeys; v++)                                            \
            for (int64_t p = ptr[v]; p < ptr[v + 1]; p++) sorted[p] = (KEY_T)v;        \
    return 0;                                                                          \
}
/* the same sort of int32 keys (n < 2**31) carrying values: out_j[p] = j[k],
   out_w[p] = wtab[widx[k]] * scale (if use_scale; else wtab[widx[k]]), out_d[p] =
   dtab[didx[k]] (if dtab), order[p] = k (if order), sorted[p] = key[k]. Returns 0, 1 + a
   position whose key is outside [0, nkeys), or -2 when an index is outside its table. */
int64_t eqsim_counting_sort_edges(const int32_t *key, int64_t n, int64_t nkeys,
        int64_t *ptr, int32_t *sorted, int32_t *order, const int32_t *j, int32_t *out_j,
        const int32_t *widx, const double *wtab, int64_t nw, double scale,
        int64_t use_scale, double *out_w, const int32_t *didx, const double *dtab,
        int64_t nd, double *out_d) {
    memset(ptr, 0, (size_t)(nkeys + 1) * sizeof(int64_t));
    for (int64_t k = 0; k < n; k++) {
        int64_t v = key[k];
        if (v < 0 || v >= nkeys) return k + 1;
        if ((uint64_t)(int64_t)widx[k] >= (uint64_t)nw) return -2;
        if (dtab && (uint64_t)(int64_t)didx[k] >= (uint64_t)nd) return -2;
        ptr[v + 1]++;
    }
    for (int64_t v = 0; v < nkeys; v++) ptr[v + 1] += ptr[v];
    int64_t *cur = (int64_t *)malloc((size_t)(nkeys + 1) * sizeof(int64_t));
    if (!cur) return -1;
    memcpy(cur, ptr, (size_t)(nkeys + 1) * sizeof(int64_t));
    /* few weights (delays): the scattered writes carry a one-byte code, written over the
       start of out_w (out_d), expanded to doubles afterwards in order: 5 bytes an edge
       written at random places instead of 12 */
    const int small_w = nw <= 256, small_d = dtab && nd <= 256;
    unsigned char *code_w = (unsigned char *)out_w, *code_d = (unsigned char *)out_d;
    if (small_w && !dtab && !order) {
        for (int64_t k = 0; k < n; k++) {
            int64_t p = cur[key[k]]++;
            out_j[p] = j[k];
            code_w[p] = (unsigned char)widx[k];
        }
    } else {
        for (int64_t k = 0; k < n; k++) {
            int64_t p = cur[key[k]]++;
            out_j[p] = j[k];
            if (small_w) code_w[p] = (unsigned char)widx[k];
            else out_w[p] = use_scale ? wtab[widx[k]] * scale : wtab[widx[k]];
            if (small_d) code_d[p] = (unsigned char)didx[k];
            else if (dtab) out_d[p] = dtab[didx[k]];
            if (order) order[p] = (int32_t)k;
        }
    }
    free(cur);
    /* from the end: the double at p (bytes 8p..8p+7) only covers codes of positions
       >= p, which are read already */
    if (small_w) {
        double table[256];
        for (int64_t c = 0; c < nw; c++) table[c] = use_scale ? wtab[c] * scale : wtab[c];
        for (int64_t p = n - 1; p >= 0; p--) out_w[p] = table[code_w[p]];
    }
    if (small_d)
        for (int64_t p = n - 1; p >= 0; p--) out_d[p] = dtab[code_d[p]];
    if (sorted)
        for (int64_t v = 0; v < nkeys; v++)
            for (int64_t p = ptr[v]; p < ptr[v + 1]; p++) sorted[p] = (int32_t)v;
    return 0;
}

COUNTING_ORDER(eqsim_counting_order_i32_o32, int32_t, int32_t)
COUNTING_ORDER(eqsim_counting_order_i32_o64, int32_t, int64_t)
COUNTING_ORDER(eqsim_counting_order_i64_o32, int64_t, int32_t)
COUNTING_ORDER(eqsim_counting_order_i64_o64, int64_t, int64_t)
"""

_lib = None
MIN_SIZE = 1 << 16       # fewer keys: numpy's sort (no module to load)


def _library():
    """The compiled helper (ctypes), or None when it cannot be built."""
    global _lib
    if _lib is None:
        _lib = False
        from ..build.cache import helper_library
        lib = helper_library(SOURCE)   # None without a compiler: numpy's sort
        if lib is not None:
            for key in ("i32", "i64"):
                for out in ("o32", "o64"):
                    fn = getattr(lib, f"eqsim_counting_order_{key}_{out}")
                    fn.restype = ctypes.c_int64
                    fn.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64,
                                   ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
            fn = lib.eqsim_counting_sort_edges
            fn.restype = ctypes.c_int64
            fn.argtypes = ([ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64]
                           + [ctypes.c_void_p] * 7 + [ctypes.c_int64, ctypes.c_double,
                                                      ctypes.c_int64, ctypes.c_void_p,
                                                      ctypes.c_void_p, ctypes.c_void_p,
                                                      ctypes.c_int64, ctypes.c_void_p])
            _lib = lib
    return _lib or None


def nondecreasing(a: np.ndarray, chunk: int = 1 << 22) -> bool:
    """Is ``a`` sorted? (in chunks: no temporary the size of ``a``)"""
    for start in range(0, len(a) - 1, chunk):
        block = a[start:start + chunk + 1]
        if np.any(block[1:] < block[:-1]):
            return False
    return True


def stable_order(keys: np.ndarray, nkeys: int | None = None, sorted_keys: bool = False
                 ) -> tuple[np.ndarray, ...]:
    """``(order, ptr)``: ``order`` as ``np.argsort(keys, kind="stable")`` (int32 when
    fewer than 2**31 keys, else int64) and ``ptr`` (int64, ``nkeys + 1``): the start of
    each key's run in that order. ``keys`` are integers in ``[0, nkeys)``
    (``nkeys`` defaults to ``keys.max() + 1``). ``sorted_keys``: ``keys[order]`` too,
    as a third element."""
    keys = np.ascontiguousarray(keys)
    n = keys.size
    if nkeys is None:
        nkeys = int(keys.max()) + 1 if n else 0
    odtype = np.int32 if n < 2**31 - 1 else np.int64
    lib = _library() if n >= MIN_SIZE and keys.dtype in (np.int32, np.int64) else None
    if lib is not None:
        order = np.empty(n, odtype)
        ptr = np.empty(nkeys + 1, np.int64)
        fn = getattr(lib, "eqsim_counting_order_"
                          f"{'i32' if keys.dtype == np.int32 else 'i64'}_"
                          f"{'o32' if odtype == np.int32 else 'o64'}")
        out = np.empty(n, keys.dtype) if sorted_keys else None
        rc = fn(keys.ctypes.data, n, nkeys, ptr.ctypes.data, order.ctypes.data,
                None if out is None else out.ctypes.data)
        if rc == 0:
            return (order, ptr, out) if sorted_keys else (order, ptr)
        if rc > 0:
            raise ValueError(f"stable_order: key {int(keys[rc - 1])} at position "
                             f"{rc - 1} is outside [0, {nkeys})")
    if n and (int(keys.min()) < 0 or int(keys.max()) >= nkeys):
        bad = int(np.flatnonzero((keys < 0) | (keys >= nkeys))[0])
        raise ValueError(f"stable_order: key {int(keys[bad])} at position {bad} is "
                         f"outside [0, {nkeys})")
    order = _numpy_order(keys).astype(odtype, copy=False)
    ptr = np.zeros(nkeys + 1, np.int64)
    np.cumsum(np.bincount(keys, minlength=nkeys), out=ptr[1:])
    if sorted_keys:
        return order, ptr, np.repeat(np.arange(nkeys, dtype=keys.dtype), np.diff(ptr))
    return order, ptr


def _numpy_order(keys: np.ndarray) -> np.ndarray:
    """np.argsort(keys, kind="stable") for keys in [0, 2**31): one sort of the distinct
    keys key * 2**32 + position (about twice as fast as numpy's stable merge sort)."""
    n = keys.size
    if n >= 1 << 32 or (n and int(keys.max()) >= 1 << 31):
        return np.argsort(keys, kind="stable")
    key = keys.astype(np.int64)
    key <<= 32
    key |= np.arange(n, dtype=np.int64)
    key.sort()
    key &= 0xFFFFFFFF
    return key


def sort_edges(keys: np.ndarray, nkeys: int, j: np.ndarray, widx: np.ndarray,
               wtab: np.ndarray, scale: float | None, didx: np.ndarray | None = None,
               dtab: np.ndarray | None = None, want_order: bool = False,
               want_keys: bool = True):
    """Connections sorted by source in one pass (the counting sort carrying values):
    ``(i, j, w, d, order)`` = ``keys``, ``j``, ``wtab[widx]`` (times ``scale`` unless
    None), ``dtab[didx]`` (None without ``dtab``) in the order of
    ``np.argsort(keys, kind="stable")`` (``order``: that permutation, None unless
    wanted). int32 keys, j and indices, float64 tables. None when the compiled helper is
    missing, an input is of another type, or an index lies outside its table.
    ``want_keys=False``: ``i`` is None and the row pointer of the sorted keys (int64,
    ``nkeys + 1``) comes as a sixth element instead."""
    n = keys.size
    arrays = [keys, j, widx] + ([didx] if dtab is not None else [])
    lib = _library() if n >= MIN_SIZE and n < 2**31 - 1 else None
    if lib is None or any(a.dtype != np.int32 or a.shape != (n,) or
                          not a.flags.c_contiguous for a in arrays):
        return None
    wtab = np.ascontiguousarray(wtab, dtype=np.float64)
    dtab = None if dtab is None else np.ascontiguousarray(dtab, dtype=np.float64)
    ptr = np.empty(nkeys + 1, np.int64)
    out_i = np.empty(n, np.int32) if want_keys else None
    out_j, out_w = np.empty(n, np.int32), np.empty(n)
    out_d = np.empty(n) if dtab is not None else None
    order = np.empty(n, np.int32) if want_order else None

    def addr(a):
        return None if a is None else a.ctypes.data
    rc = lib.eqsim_counting_sort_edges(
        keys.ctypes.data, n, nkeys, ptr.ctypes.data, addr(out_i), addr(order),
        j.ctypes.data, out_j.ctypes.data, widx.ctypes.data, wtab.ctypes.data, wtab.size,
        1.0 if scale is None else float(scale), scale is not None, out_w.ctypes.data,
        addr(didx), addr(dtab), 0 if dtab is None else dtab.size, addr(out_d))
    if rc != 0:
        return None
    if not want_keys:
        return None, out_j, out_w, out_d, order, ptr
    return out_i, out_j, out_w, out_d, order
