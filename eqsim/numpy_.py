"""numpy with Brian2's unit-aware replacements: the ``np`` of ``from eqsim import *``.

Brian2 scripts get ``np`` from ``from brian2 import *`` as numpy whose ``linspace``,
``arange``, ``where``, ``ones_like``, ... keep units (``np.linspace(0*mV, 10*mV, 5)``).
Every other name is numpy's own (looked up on use, so importing this costs nothing).
"""
import numpy as _numpy

from .units import (arange, dot, exprel, linspace, ones_like, ptp, where,  # noqa: F401
                    zeros_like)


def in1d(ar1, ar2, assume_unique=False, invert=False, *, kind=None):
    """numpy's ``in1d`` (removed in numpy 2.4; Brian2 2.9's numpy has it, and its
    examples use it): ``isin`` of the flattened first argument."""
    return _numpy.isin(_numpy.asarray(ar1).ravel(), ar2, assume_unique=assume_unique,
                       invert=invert, kind=kind)


def __getattr__(name: str):
    return getattr(_numpy, name)


def __dir__():
    return sorted(set(dir(_numpy)) | set(globals()))
