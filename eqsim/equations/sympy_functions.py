"""sympy stand-ins for model functions that sympy must not evaluate or rewrite.

They stay opaque through integration (a derivative of ``rand_(0)`` is never zero by
accident: sympy treats them as unknown functions) and the printers in ``codegen/`` know
how to print each of them.
"""
from __future__ import annotations

import sympy as sp


class rand_(sp.Function):
    """Uniform random number in [0, 1); the argument numbers the call site (stream)."""
    nargs = 1


class randn_(sp.Function):
    """Standard normal random number; the argument numbers the call site (stream)."""
    nargs = 1


class int_(sp.Function):
    """Truncation towards zero, as C's (int) cast and Brian2's int()."""
    nargs = 1


class clip_(sp.Function):
    nargs = 3


class exprel_(sp.Function):
    """(exp(x) - 1)/x, with the value 1 at x = 0."""
    nargs = 1


class expm1_(sp.Function):
    nargs = 1


class log1p_(sp.Function):
    nargs = 1


class fmod_(sp.Function):
    nargs = 2


class bool_to_float(sp.Function):
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


class timestep_(sp.Function):
    """Brian2's timestep(t, dt), the whole number of steps in t, taking t/dt:
    int(t/dt + 1/1000). (Brian2 divides (t + dt/1000) by dt; the results agree unless
    t/dt lies within 1e-13 of n - 1/1000, which times made of steps never do.)"""
    nargs = 1
