"""sympy stand-ins for model functions that sympy must not evaluate or rewrite.

They stay opaque through integration (a derivative of ``rand_(0)`` is never zero by
accident: sympy treats them as unknown functions) and the printers in ``codegen/`` know
how to print each of them.
"""
from __future__ import annotations

import sympy as sp


class _RealFunction(sp.Function):
    """An opaque function with a real value (so that sympy can compare it)."""

    is_real = True
    is_extended_real = True


class rand_(_RealFunction):
    """Uniform random number in [0, 1); the argument numbers the call site (stream)."""
    nargs = 1


class randn_(_RealFunction):
    """Standard normal random number; the argument numbers the call site (stream)."""
    nargs = 1


class int_(_RealFunction):
    """Truncation towards zero, as C's (int) cast and Brian2's int()."""
    nargs = 1


class clip_(_RealFunction):
    nargs = 3


class exprel_(_RealFunction):
    """(exp(x) - 1)/x, with the value 1 at x = 0."""
    nargs = 1


class expm1_(_RealFunction):
    nargs = 1


class log1p_(_RealFunction):
    nargs = 1


class mod_(_RealFunction):
    """Python's ``a % b``: the remainder takes the sign of the divisor, so
    ``(i - 5) % 8`` is 3 for i = 0 (C's fmod would give -5)."""
    nargs = 2


class floordiv_(_RealFunction):
    """Python's ``a // b``: the quotient rounded towards minus infinity."""
    nargs = 2


class bool_to_float(_RealFunction):
    """1.0 where the condition holds, else 0.0 (a condition used as a number)."""
    nargs = 1


SYMPY_FUNCTIONS = {
    "exp": sp.exp, "log": sp.log, "log10": lambda x: sp.log(x) / sp.log(10),
    "expm1": expm1_, "log1p": log1p_, "exprel": exprel_, "sin": sp.sin,
    "cos": sp.cos, "tan": sp.tan, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh,
    "arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan, "sqrt": sp.sqrt,
    "abs": sp.Abs, "floor": sp.floor, "ceil": sp.ceiling, "sign": sp.sign,
    "int": int_, "clip": clip_,
}

RANDOM_FUNCTIONS = (rand_, randn_)


class timed_(_RealFunction):
    """timed_(k, t[, i]): the k-th TimedArray of the object at time t (and neuron i)."""
    nargs = (2, 3)


class timestep_(_RealFunction):
    """Brian2's timestep(t, dt), the whole number of steps in t, taking t/dt:
    int(t/dt + 1/1000). (Brian2 divides (t + dt/1000) by dt; the results agree unless
    t/dt lies within 1e-13 of n - 1/1000, which times made of steps never do.)"""
    nargs = 1
