"""Counter-based random numbers (Philox4x32-10), identical in numpy and in generated C.

A draw is a pure function of (seed, object, index, step, stream): no generator state, so
results do not depend on the backend, on the order neurons are visited, or on how
neurons are split across MPI ranks (indices are global; ``step`` may be an array, one per
entry, which synapse initialisers use to key (source, target) pairs). ``codegen_templates/c/common.h`` holds the C twin of
this module; ``tests/unit/test_rng.py`` checks both against the Random123 known answers.

Layout: key = (seed & 0xffffffff, object_id ^ (seed >> 32)), counter = (index,
stream | attempt << 24, step & 0xffffffff, step >> 32). ``uniform`` takes 53 bits from
the first two output words of attempt 0. ``normal`` uses Marsaglia & Tsang's ziggurat
(J. Stat. Softw. 5(8), 2000; 128 layers): attempt 0 gives a 53-bit uniform, the layer (7
bits) and a 32-bit uniform for the wedge test; the rare rejections (about 1.5 %) go on
with attempt 1, 2, ... of the same counter, so a draw is still a pure function of
(seed, object, index, step, stream). The ziggurat replaced Box-Muller because log, sqrt
and cos per draw cost about 35 ns here, the ziggurat's fast path about 3 ns.
"""
from __future__ import annotations

import math
import zlib

import numpy as np

from .elementary import exp as _elementary_exp

_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = 0x9E3779B9, 0xBB67AE85
_MASK = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)


def object_id(name: str) -> int:
    """A stable 32-bit id of an object name (crc32)."""
    return zlib.crc32(name.encode()) & 0xFFFFFFFF


def keys(seed: int, obj: int) -> tuple[int, int]:
    seed = int(seed)
    return seed & 0xFFFFFFFF, (obj ^ (seed >> 32)) & 0xFFFFFFFF


def philox4x32(c0, c1, c2, c3, k0: int, k1: int):
    """Ten Philox rounds on uint64 arrays holding 32-bit words; returns four words."""
    c0, c1, c2, c3 = (np.asarray(c, dtype=np.uint64) & _MASK for c in (c0, c1, c2, c3))
    for r in range(10):
        rk0 = np.uint64((k0 + r * _W0) & 0xFFFFFFFF)
        rk1 = np.uint64((k1 + r * _W1) & 0xFFFFFFFF)
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0, c1, c2, c3 = ((p1 >> _S32) ^ c1 ^ rk0, p1 & _MASK,
                          (p0 >> _S32) ^ c3 ^ rk1, p0 & _MASK)
    return c0, c1, c2, c3


def _words(seed: int, obj: int, index, step: int, stream):
    k0, k1 = keys(seed, obj)
    index = np.asarray(index, dtype=np.uint64)
    if np.ndim(step):  # one step per entry (synapse initialisers key pairs this way)
        step = np.broadcast_to(np.asarray(step, dtype=np.uint64), index.shape)
        lo, hi = step & _MASK, step >> _S32
    else:
        step = int(step)
        lo = np.full_like(index, step & 0xFFFFFFFF)
        hi = np.full_like(index, (step >> 32) & 0xFFFFFFFF)
    stream = np.broadcast_to(np.asarray(stream, dtype=np.uint64), index.shape)
    return philox4x32(index, stream, lo, hi, k0, k1)


def _ziggurat_tables(layers: int = 128, r: float = 3.442619855899,
                     area: float = 9.91256303526217e-3):
    """Layer edges x, ratios x[i+1]/x[i] and densities exp(-x^2/2) of the ziggurat."""
    def f(v):
        return math.exp(-0.5 * v * v)
    x = [0.0] * (layers + 1)
    x[0], x[1] = area / f(r), r
    for i in range(1, layers - 1):
        x[i + 1] = math.sqrt(-2.0 * math.log(area / x[i] + f(x[i])))
    ratio = [x[i + 1] / x[i] for i in range(layers)]
    dens = [f(v) for v in x]
    return tuple(x), tuple(ratio), tuple(dens), r


ZIG_X, ZIG_RATIO, ZIG_F, ZIG_R = _ziggurat_tables()
_ZX, _ZK, _ZF = (np.array(t) for t in (ZIG_X, ZIG_RATIO, ZIG_F))
ATTEMPT_SHIFT = 24  # attempt number goes into the stream word's high byte


def _to_unit(a, b):
    return ((a >> np.uint64(5)).astype(np.float64) * 67108864.0 +
            (b >> np.uint64(6)).astype(np.float64)) * (1.0 / 9007199254740992.0)


def uniform(seed: int, obj: int, index, step: int, stream: int) -> np.ndarray:
    """Uniform numbers in [0, 1), one per entry of ``index``."""
    w0, w1, _, _ = _words(seed, obj, index, step, stream)
    return _to_unit(w0, w1)


def normal(seed: int, obj: int, index, step: int, stream: int) -> np.ndarray:
    """Standard normal numbers, one per entry of ``index`` (ziggurat; mirrors
    ``eqsim_randn`` in codegen_templates/c/common.h.j2 attempt by attempt)."""
    index = np.atleast_1d(np.asarray(index, dtype=np.uint64))
    if np.ndim(step):
        step = np.broadcast_to(np.asarray(step, dtype=np.uint64), index.shape)
    out = np.empty(index.shape, dtype=np.float64)
    todo = np.arange(index.size)
    attempt = np.zeros(index.size, dtype=np.uint64)
    while todo.size:
        w0, w1, w2, w3 = _words(seed, obj, index[todo], _at(step, todo),
                                stream | (attempt[todo] << np.uint64(ATTEMPT_SHIFT)))
        u = 2.0 * _to_unit(w0, w1) - 1.0
        layer = (w2 & np.uint64(127)).astype(np.intp)
        x = u * _ZX[layer]
        fast = np.abs(u) < _ZK[layer]
        out[todo[fast]] = x[fast]
        tail = ~fast & (layer == 0)
        wedge = ~fast & (layer != 0)
        uw = (w3[wedge].astype(np.float64) + 0.5) * (1.0 / 4294967296.0)
        lw = layer[wedge]
        accept = _ZF[lw + 1] + uw * (_ZF[lw] - _ZF[lw + 1]) < np.exp(-0.5 * x[wedge] *
                                                                      x[wedge])
        out[todo[wedge][accept]] = x[wedge][accept]
        if tail.any():
            out[todo[tail]] = _tail(seed, obj, index[todo[tail]], _at(step, todo[tail]),
                                    stream,
                                    attempt[todo[tail]], u[tail])
        attempt[todo] += np.uint64(1)
        keep = wedge.copy()
        keep[wedge] = ~accept
        todo = todo[keep]
    return out


def _at(step, which):
    """The steps of the entries ``which`` (a scalar step is everyone's)."""
    return step[which] if np.ndim(step) else step


def _tail(seed, obj, index, step, stream, attempt, u):
    """Draws beyond the last layer (|x| > r), Marsaglia's method, one attempt per try."""
    out = np.empty(index.size)
    todo = np.arange(index.size)
    attempt = attempt.copy()
    while todo.size:
        attempt[todo] += np.uint64(1)
        w0, w1, w2, w3 = _words(seed, obj, index[todo], _at(step, todo),
                                stream | (attempt[todo] << np.uint64(ATTEMPT_SHIFT)))
        xx = -np.log(1.0 - _to_unit(w0, w1)) / ZIG_R
        yy = -np.log(1.0 - _to_unit(w2, w3))
        ok = yy + yy > xx * xx
        done = todo[ok]
        out[done] = np.where(u[done] < 0, -(ZIG_R + xx[ok]), ZIG_R + xx[ok])
        todo = todo[~ok]
    return out


class StepsAhead:
    """Draws for a whole group (indices ``offset .. offset + n - 1``) at consecutive steps,
    computed several steps at a time.

    Draws are pure functions of their counter, so the numbers of the next steps can be
    made in one vectorised call and handed out step by step: the same numbers as one call
    per step, without numpy's fixed cost per call, which dominates for small groups (one
    neuron: ~250 us a step for ``normal``). The block grows from 8 steps, doubling while
    the steps keep coming in order, up to ``ENTRIES`` numbers; groups of more than
    ``ENTRIES // 8`` neurons are drawn step by step as before.
    """

    ENTRIES = 8192
    FIRST_STEPS = 8
    _blocks: dict = {}

    @classmethod
    def draw(cls, kind: str, seed: int, obj: int, offset: int, n: int, step: int,
             stream: int) -> np.ndarray:
        fn = uniform if kind == "uniform" else normal
        if n * cls.FIRST_STEPS > cls.ENTRIES:
            return fn(seed, obj, offset + np.arange(n, dtype=np.int64), step, stream)
        step = int(step)
        key = (kind, int(seed), obj, int(offset), n, int(stream))
        hit = cls._blocks.get(key)
        if hit is not None and hit[0] <= step < hit[0] + len(hit[1]):
            return hit[1][step - hit[0]].copy()
        steps = cls.FIRST_STEPS
        if hit is not None and step == hit[0] + len(hit[1]):  # in order: a longer block
            steps = min(2 * len(hit[1]), max(cls.ENTRIES // n, cls.FIRST_STEPS))
        index = np.tile(np.arange(offset, offset + n, dtype=np.uint64), steps)
        at = np.repeat(np.arange(step, step + steps, dtype=np.uint64), n)
        block = fn(seed, obj, index, at, stream).reshape(steps, n)
        if len(cls._blocks) > 256:
            cls._blocks.clear()
        cls._blocks[key] = (step, block)
        return block[0].copy()


def c_tables() -> dict[str, str]:
    """The ziggurat tables as C initialiser lists (17 significant digits)."""
    def fmt(values):
        return ", ".join(repr(float(v)) for v in values)
    return {"zig_x": fmt(ZIG_X), "zig_ratio": fmt(ZIG_RATIO), "zig_f": fmt(ZIG_F),
            "zig_r": repr(ZIG_R), "attempt_shift": str(ATTEMPT_SHIFT)}


def binomial(seed: int, obj: int, index, step: int, n: int, p: float, q0: float,
             approximate: bool) -> np.ndarray:
    """Binomial(n, p) counts, one per entry of ``index`` (the C twin is eqsim_binomial).

    With ``approximate`` (n*p > 5 and n*(1-p) > 5, as Brian2 decides) the count is the
    nearest integer to a normal number with the binomial's mean and variance, clipped
    to [0, n]; otherwise it is found by inversion of the CDF, starting from
    ``q0 = (1 - p)**n``."""
    index = np.atleast_1d(np.asarray(index, dtype=np.uint64))
    if approximate:
        z = normal(seed, obj, index, step, 0)
        mu, sigma = n * p, np.sqrt(n * p * (1 - p))
        return np.clip(np.floor(mu + sigma * z + 0.5), 0, n)
    u = uniform(seed, obj, index, step, 0)
    k = np.zeros(index.size)
    q = np.full(index.size, q0)
    cdf = q.copy()
    todo = (u > cdf) & (k < n)
    ratio = p / (1 - p) if p < 1 else 0.0
    while todo.any():
        q = np.where(todo, q * ((n - k) / (k + 1)) * ratio, q)
        k = np.where(todo, k + 1, k)
        cdf = np.where(todo, cdf + q, cdf)
        todo = todo & (u > cdf) & (k < n)
    return k


#: the stream of PoissonCountGroup's count draw (beside the call sites 0, 1, ... of a model)
COUNT_STREAM = 0xFFFFFF


def poisson_counts(u: np.ndarray, mean: np.ndarray, kcap: int) -> np.ndarray:
    """Poisson counts by inversion (the numpy twin of ``eqsim_poisson_count``): the same
    floating-point operations in the same order, so both backends give the same counts."""
    u = np.asarray(u, dtype=float)
    mean = np.broadcast_to(np.asarray(mean, dtype=float), u.shape)
    q = _elementary_exp(-mean)
    cdf = q.copy()
    k = np.zeros(u.shape)
    todo = (u > cdf) & (k < kcap)
    with np.errstate(divide="ignore", invalid="ignore"):   # (k = 0 outside todo)
        while todo.any():
            k = np.where(todo, k + 1, k)
            q = np.where(todo, q * (mean / k), q)
            cdf = np.where(todo, cdf + q, cdf)
            todo &= (u > cdf) & (k < kcap)
    return k.astype(np.int64)
