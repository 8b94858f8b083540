"""Whole 1-d HDF5 datasets read fast: BMTK writes every edge dataset gzip-compressed,
and inflating them is most of the time of reading a network.

For a chunked dataset whose only filter is deflate, the raw chunks are read with
h5py's ``read_direct_chunk`` (no filter run) and inflated straight into the result
array by libdeflate (the system's ``libdeflate.so``, through ctypes, which releases
the GIL: about twice as fast as the zlib HDF5 uses), on a few threads. Anything else
(no libdeflate, contiguous, shuffle, other filters, a chunk stored unfiltered, missing
chunks, a chunk that does not inflate to exactly its size) is read by h5py as before. The values are the same bytes either way (tests/sonata/test_fastload.py)."""
from __future__ import annotations

import ctypes
import ctypes.util
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

FAST = True              # False: always h5py's own read (tests compare the two)
THREADS: int | None = None   # None: the CPUs this process may use, at most 4
MIN_BYTES = 1 << 16      # smaller datasets: h5py's own read
THREAD_BYTES = 1 << 21   # smaller datasets: inflated on this thread (no thread start-up)
BATCH = 256              # chunks read, then inflated, at a time (bounds the raw copies)

_lib = None
_span = None             # the compiled span inflater (ctypes), False when unavailable

SPAN_SOURCE = r"""
#include <stdint.h>
#include <string.h>

/* the cache's loader looks for this entry point */
int64_t eqsim_run(void **a, double *d, int64_t *i, int64_t s0, int64_t s1, int64_t *o,
                  int64_t f) { (void)a; (void)d; (void)i; (void)s0; (void)s1; (void)o;
                  (void)f; return 0; }

typedef int (*inflate_t)(void *, const void *, size_t, void *, size_t, size_t *);

/* Inflate the chunks first .. first + count - 1 of a 1-d dataset (n items of itemsize
   bytes, chunk items a chunk) into out: a whole chunk straight into place; the last,
   partial chunk through buf (one chunk); with narrow, 8-byte integers through buf into
   int32 (each must lie in [0, 2**31)). raw[k], raw_n[k]: the stored chunk first + k.
   Returns 0, 1 when a chunk does not inflate to exactly its size, 2 when a value does
   not fit int32. */
int64_t eqsim_inflate_span(void *fn, void *dec, const char **raw, const int64_t *raw_n,
                           int64_t first, int64_t count, int64_t chunk, int64_t n,
                           int64_t itemsize, int64_t narrow, char *out, char *buf) {
    inflate_t inflate = (inflate_t)fn;
    size_t chunk_bytes = (size_t)(chunk * itemsize);
    for (int64_t k = 0; k < count; k++) {
        int64_t start = (first + k) * chunk;
        int64_t m = n - start < chunk ? n - start : chunk;
        if (!narrow && m == chunk) {
            if (inflate(dec, raw[k], (size_t)raw_n[k], out + start * itemsize,
                        chunk_bytes, NULL) != 0) return 1;
            continue;
        }
        if (inflate(dec, raw[k], (size_t)raw_n[k], buf, chunk_bytes, NULL) != 0)
            return 1;
        if (!narrow) {
            memcpy(out + start * itemsize, buf, (size_t)(m * itemsize));
            continue;
        }
        const uint64_t *v = (const uint64_t *)buf;
        int32_t *dst = (int32_t *)out + start;
        uint64_t any = 0;
        for (int64_t q = 0; q < m; q++) { any |= v[q]; dst[q] = (int32_t)v[q]; }
        if (any > 0x7FFFFFFFull) return 2;   /* a value past 2**31 - 1 (or negative) */
    }
    return 0;
}
"""


def _libdeflate():
    """The libdeflate library (ctypes), or None if the system has none."""
    global _lib
    if _lib is None:
        _lib = False
        for candidate in ("libdeflate.so.0", "libdeflate.so", "libdeflate.dylib", None):
            if candidate is None:      # find_library runs ldconfig: only as a last resort
                candidate = ctypes.util.find_library("deflate")
                if candidate is None:
                    break
            try:
                lib = ctypes.CDLL(candidate)
                lib.libdeflate_alloc_decompressor.restype = ctypes.c_void_p
                lib.libdeflate_alloc_decompressor.argtypes = []
                lib.libdeflate_free_decompressor.argtypes = [ctypes.c_void_p]
                lib.libdeflate_zlib_decompress.restype = ctypes.c_int
                lib.libdeflate_zlib_decompress.argtypes = [
                    ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p,
                    ctypes.c_size_t, ctypes.c_void_p]
                _lib = lib
                break
            except (OSError, AttributeError):
                continue
    return _lib or None


def _span_helper():
    """The compiled span inflater (ctypes), or None (no compiler: the Python loop)."""
    global _span
    if _span is None:
        _span = False
        from ..build.cache import helper_library
        lib = helper_library(SPAN_SOURCE)   # None without a compiler: the Python loop
        if lib is not None:
            fn = lib.eqsim_inflate_span
            fn.restype = ctypes.c_int64
            fn.argtypes = ([ctypes.c_void_p] * 4 + [ctypes.c_int64] * 6
                           + [ctypes.c_void_p] * 2)
            _span = fn
    return _span or None


def _threads() -> int:
    if THREADS is not None:
        return max(1, int(THREADS))
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:     # not Linux
        n = os.cpu_count() or 1
    return max(1, min(4, n))


def _deflate_only(ds) -> bool:
    """Chunked, 1-d, native numbers, and deflate its one filter."""
    import h5py
    if ds.ndim != 1 or ds.chunks is None or ds.dtype.kind not in "iuf" or \
            not ds.dtype.isnative:
        return False
    plist = ds.id.get_create_plist()
    return plist.get_nfilters() == 1 and plist.get_filter(0)[0] == h5py.h5z.FILTER_DEFLATE


class _Inflater:
    """One thread's libdeflate decompressor (they are not shared between threads)."""

    def __init__(self, lib):
        self.lib = lib
        self.d = lib.libdeflate_alloc_decompressor()
        if not self.d:
            raise MemoryError("libdeflate_alloc_decompressor")

    def close(self) -> None:
        if self.d:
            self.lib.libdeflate_free_decompressor(self.d)
            self.d = None

    def into(self, raw: bytes, out: np.ndarray) -> bool:
        """Inflate ``raw`` into the bytes of ``out`` (exactly their size), or False."""
        return self.lib.libdeflate_zlib_decompress(
            self.d, raw, len(raw), out.ctypes.data, out.nbytes, None) == 0


def read_array(ds, narrow: bool = False, constant: bool = False) -> np.ndarray:
    """All of the 1-d dataset ``ds`` (an h5py Dataset) as a numpy array.

    ``narrow``: 64-bit integers (BMTK's node ids) come as int32 when every value lies
    in [0, 2**31) and the fast path reads them (half the memory, no later copy).
    ``constant``: a dataset that holds one value everywhere (BMTK's ``edge_group_id``
    of one group, ``nsyns`` = 1) comes as a read-only broadcast of that value, without
    an array of every member; every chunk is still inflated and compared."""
    lib = _libdeflate() if FAST else None
    if lib is None or ds.size * ds.dtype.itemsize < MIN_BYTES or not _deflate_only(ds):
        return ds[()]
    if constant:
        one = _read_constant(ds, lib)
        if one is not None:
            return one
    out = None
    if narrow and ds.dtype.kind in "iu" and ds.dtype.itemsize == 8:
        out = _read_deflated(ds, lib, np.int32)
    if out is None:
        out = _read_deflated(ds, lib)
    return ds[()] if out is None else out


def _read_constant(ds, lib) -> np.ndarray | None:
    """The dataset as a broadcast of its one value, or None as soon as a chunk holds
    another value (or cannot be read this way): chunks inflated one at a time into one
    chunk-sized buffer."""
    n, chunk = ds.shape[0], ds.chunks[0]
    count = -(-n // chunk)
    dsid = ds.id
    if dsid.get_num_chunks() != count:
        return None
    buf = np.empty((chunk,), dtype=ds.dtype)
    inflater = _Inflater(lib)
    try:
        first = None
        for k in range(count):
            mask, raw = dsid.read_direct_chunk((k * chunk,))
            if mask or not inflater.into(raw, buf):
                return None
            values = buf[:min(chunk, n - k * chunk)]
            if first is None:
                first = values[0].copy()
            if np.any(values != first):
                return None
    finally:
        inflater.close()
    return np.broadcast_to(first, (n,))


def is_constant(a: np.ndarray) -> bool:
    """Is ``a`` a broadcast of one value (as read_array gives for ``constant``)?"""
    return a.ndim == 1 and a.size > 1 and a.strides == (0,)


def _read_deflated(ds, lib, dtype=None) -> np.ndarray | None:
    n, chunk = ds.shape[0], ds.chunks[0]
    count = -(-n // chunk)
    dsid = ds.id
    if dsid.get_num_chunks() != count:
        return None               # unwritten chunks hold the fill value: h5py's read
    out = np.empty((n,), dtype=ds.dtype if dtype is None else dtype)
    threads = _threads() if n * ds.dtype.itemsize >= THREAD_BYTES else 1
    inflaters = [_Inflater(lib) for _ in range(threads)]
    helper = _span_helper()       # one call a span of chunks (else a Python loop)
    bufs = [np.empty(chunk * ds.dtype.itemsize, np.uint8) for _ in range(threads)]
    ok = True
    try:
        with ThreadPoolExecutor(threads) if threads > 1 else _Serial() as pool:
            for first in range(0, count, BATCH):
                last = min(count, first + BATCH)
                raws = []
                for k in range(first, last):
                    mask, raw = dsid.read_direct_chunk((k * chunk,))
                    if mask:
                        return None   # a chunk stored without its filter
                    raws.append(raw)
                spans = np.array_split(np.arange(first, last), threads)
                if helper is not None:
                    jobs = [pool.submit(_inflate_span_c, helper, inflaters[t], bufs[t],
                                        raws[span[0] - first:span[-1] + 1 - first],
                                        int(span[0]), chunk, n, ds.dtype.itemsize,
                                        out.dtype != ds.dtype, out)
                            for t, span in enumerate(spans) if span.size]
                else:
                    jobs = [pool.submit(_inflate_span, inflaters[t], raws, first, out,
                                        chunk, span, ds.dtype)
                            for t, span in enumerate(spans) if span.size]
                ok = all(job.result() for job in jobs)
                if not ok:
                    return None
    finally:
        for inf in inflaters:
            inf.close()
    return out


def _inflate_span_c(helper, inflater: _Inflater, buf: np.ndarray, raws: list, first: int,
                    chunk: int, n: int, itemsize: int, narrow: bool, out: np.ndarray
                    ) -> bool:
    """_inflate_span in one compiled call (no Python per chunk; the GIL released)."""
    ptrs = (ctypes.c_char_p * len(raws))(*raws)
    sizes = np.fromiter(map(len, raws), np.int64, len(raws))
    rc = helper(ctypes.cast(inflater.lib.libdeflate_zlib_decompress, ctypes.c_void_p),
                inflater.d, ptrs, sizes.ctypes.data, first, len(raws), chunk, n, itemsize,
                int(narrow), out.ctypes.data, buf.ctypes.data)
    return rc == 0


def _inflate_span(inflater: _Inflater, raws: list, first: int, out: np.ndarray,
                  chunk: int, span: np.ndarray, stored) -> bool:
    """Inflate the chunks ``span`` into ``out``: in place, or (the last chunk, stored
    whole past the end; narrowed values) through a chunk-sized buffer."""
    whole = None
    for k in span.tolist():
        piece = out[k * chunk:(k + 1) * chunk]
        if piece.size == chunk and stored == out.dtype:
            if not inflater.into(raws[k - first], piece):
                return False
            continue
        if whole is None:
            whole = np.empty((chunk,), dtype=stored)
        if not inflater.into(raws[k - first], whole):
            return False
        values = whole[:piece.size]
        if stored != out.dtype and values.size and (
                values.min() < 0 or values.max() > np.iinfo(out.dtype).max):
            return False                  # does not fit: read at the stored width
        piece[:] = values
    return True


class _Serial:
    """A pool of one: runs each job when submitted (no thread)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def submit(self, fn, *args):
        class Done:
            def __init__(self, value):
                self.value = value

            def result(self):
                return self.value
        return Done(fn(*args))
