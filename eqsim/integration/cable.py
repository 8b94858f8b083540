"""The cable equation of a SpatialNeuron as statements: the membrane current linearised
in v for the implicit (backward Euler) step that the tree solver takes.

Each step solves ``Cm*(v' - v)/dt = I0 - gtot*v' + axial currents`` on the whole tree,
with ``gtot = -dIm/dv`` and ``I0 = Im + gtot*v`` evaluated from the state after the
channel gates were updated (Brian2's scheme): for a membrane current linear in v this is
exact; otherwise Im is linearised around the current v.
"""
from __future__ import annotations

import sympy as sp

from ..errors import IntegrationError

V = sp.Symbol("v", real=True)


def linearise_membrane(im: sp.Expr, where: str) -> tuple[sp.Expr, sp.Expr]:
    """(gtot, I0) of a membrane current ``im`` (sympy, subexpressions substituted)."""
    slope = sp.diff(im, V)
    if slope.atoms(sp.Derivative):
        raise IntegrationError(
            f"cannot differentiate the membrane current Im of {where} with respect to v "
            f"(Im = {im})", code="E959",
            hint="write Im with functions of v that sympy can differentiate (exp, log, "
                 "powers...)")
    gtot = -slope
    return gtot, im + gtot * V


__all__ = ["linearise_membrane"]
