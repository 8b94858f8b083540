"""exp, expm1 and exprel exactly as the generated C computes them (common.h.j2).

The C kernels use their own exp instead of the C library's so that gcc can vectorise
loops that call it (the C library's exp is a scalar call). These numpy twins repeat the
same floating-point operations in the same order, so the numpy backend gives the same
bits as the C backend. Accuracy: within 1 ulp of a correctly rounded exp, 3 ulp for
exprel (tests/unit/test_elementary.py).
"""
from __future__ import annotations

import numpy as np

_SHIFTER = 6755399441055744.0          # 1.5 * 2**52: adding it rounds to a whole number
_LOG2E = 1.4426950408889634
_LN2_HI = 0.6931471803691238           # 0x3fe62e42fee00000: n * _LN2_HI is exact
_LN2_LO = 1.9082149292705877e-10
# exp(r) on [-ln2/2, ln2/2]: degree 11, interpolated at the Chebyshev nodes in 60-digit
# arithmetic (within 1.7e-17 relative with these rounded coefficients; the Taylor series
# needs degree 13); highest degree first
_EXP_POLY = [2.5110037605963777e-08, 2.763263963904103e-07, 2.755724091857897e-06,
             2.4801485482328494e-05, 0.00019841269890047113, 0.0013888888952314775,
             0.008333333333319601, 0.0416666666664881, 0.1666666666666668,
             0.5000000000000019, 1.0, 1.0]

# (expm1(r) - r)/r**2 on the same interval: degree 9 (expm1 within 4.1e-17 relative)
_EXPM1_POLY = [2.5100375832561234e-08, 2.7620075879983367e-07, 2.7557268480310024e-06,
               2.4801521322368692e-05, 0.00019841269863040545, 0.0013888888917196719,
               0.008333333333330065, 0.041666666666624164, 0.16666666666666669,
               0.5000000000000001]


def _pow2i(k: np.ndarray) -> np.ndarray:
    """2**k for whole k in [-1022, 1023], built from the exponent bits."""
    bits = np.asarray(k + (1023.0 + _SHIFTER), dtype=np.float64).view(np.uint64)
    return (bits << np.uint64(52)).view(np.float64)


def _horner(coefficients: list[float], x: np.ndarray) -> np.ndarray:
    p = np.full_like(x, coefficients[0])
    for c in coefficients[1:]:
        p = p * x + c
    return p


def _scalar_if_0d(a: np.ndarray):
    return a[()] if a.ndim == 0 else a


def exp(x) -> np.ndarray:
    """e**x, as eqsim_exp in the generated C."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        xc = np.where(x < -745.2, -745.2, np.where(x > 709.8, 709.8, x))
        n = (xc * _LOG2E + _SHIFTER) - _SHIFTER
        r = (xc - n * _LN2_HI) - n * _LN2_LO
        p = _horner(_EXP_POLY, r)
        n1 = np.trunc(n * 0.5)
        return _scalar_if_0d((p * _pow2i(n1)) * _pow2i(n - n1))


def _expm1_core(x: np.ndarray) -> np.ndarray:
    """e**x - 1, as eqsim_expm1_core in the generated C (float64 array in and out)."""
    with np.errstate(over="ignore", invalid="ignore"):
        xc = np.where(x < -745.2, -745.2, np.where(x > 709.8, 709.8, x))
        n = (xc * _LOG2E + _SHIFTER) - _SHIFTER
        r = (xc - n * _LN2_HI) - n * _LN2_LO
        p = _horner(_EXPM1_POLY, r)
        p = (p * r) * r + r
        n1 = np.trunc(n * 0.5)
        s1, s2 = _pow2i(n1), _pow2i(n - n1)
        s = s1 * s2
        big = ((p + 1.0) * s1) * s2 - 1.0
        return np.where(n > 60.0, big, p * s + (s - 1.0))


def exprel(x) -> np.ndarray:
    """(e**x - 1)/x, 1 at x = 0, as eqsim_exprel in the generated C."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        q = _expm1_core(x) / x
        return _scalar_if_0d(np.where(x == 0.0, 1.0, q))


def expm1(x) -> np.ndarray:
    """e**x - 1, as eqsim_expm1 in the generated C."""
    x = np.asarray(x, dtype=np.float64)
    return _scalar_if_0d(_expm1_core(x))
