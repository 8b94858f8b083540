"""Model strings -> :class:`Equations` (Brian2's syntax), without sympy.

::

    dv/dt = (EL - v + R*I)/tau : volt (unless refractory)   # differential equation
    I = I0*sin(2*pi*f*t) : amp                               # subexpression
    tau : second (constant)                                 # parameter
    # comments, and expressions continued over several lines

Syntax, units declarations, flags and duplicate names are checked here; names and
dimensions are checked by :mod:`eqsim.equations.validate`, which knows the namespace.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

import numpy as np

from ..errors import EqsimError, EquationError, EquationErrors
from ..units import DIMENSIONLESS, UNITS, Dimension, get_dimension
from .expressions import (FUNCTIONS, NAME_RE, NOISE_RE, RESERVED, NameInfo, Snippet,
                          evaluate, infer_dimension, parse_expression)

DIFFERENTIAL, SUBEXPRESSION, PARAMETER = "differential", "subexpression", "parameter"
ALLOWED_FLAGS = {
    DIFFERENTIAL: ("unless refractory",),
    SUBEXPRESSION: ("shared", "constant over dt"),
    PARAMETER: ("constant", "shared", "linked"),
}
SYNAPSE_FLAGS = {
    DIFFERENTIAL: ("clock-driven", "event-driven"),
    SUBEXPRESSION: ("summed", "shared", "constant over dt"),
    PARAMETER: ("constant", "shared", "linked"),
}
_START = re.compile(r"^\s*(d\s*[A-Za-z_]\w*\s*/\s*dt|[A-Za-z_]\w*)\s*(=(?!=)|:)")
_DIFF_LHS = re.compile(r"^\s*d\s*([A-Za-z_]\w*)\s*/\s*dt\s*$")
TYPES = ("integer", "boolean")   # declared instead of a unit (dimensionless)
_FLAGS = re.compile(r"^(?P<unit>.*?)\s*\((?P<flags>[A-Za-z_ ,-]*)\)\s*$", re.S)


@dataclass(frozen=True)
class Equation:
    """One line of a model: a differential equation, subexpression or parameter."""

    kind: str
    name: str
    dim: Dimension
    unit_text: str
    flags: tuple[str, ...]
    expr: ast.expr | None = None        # right-hand side (None for parameters)
    snippet: Snippet | None = None      # the right-hand side's text and position
    line: int = 1
    dtype: str = "float"                # "float", "integer" or "boolean" (declared so)

    @property
    def expr_text(self) -> str | None:
        return None if self.snippet is None else self.snippet.text


@dataclass(frozen=True)
class Equations:
    """The parsed model of a group, in the order written."""

    text: str
    equations: tuple[Equation, ...]
    where: str = "model"

    def __getitem__(self, name: str) -> Equation:
        for eq in self.equations:
            if eq.name == name:
                return eq
        raise KeyError(name)

    def __contains__(self, name: str) -> bool:
        return any(eq.name == name for eq in self.equations)

    def of_kind(self, kind: str) -> tuple[Equation, ...]:
        return tuple(eq for eq in self.equations if eq.kind == kind)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(eq.name for eq in self.equations)

    @property
    def diff_names(self) -> tuple[str, ...]:
        return tuple(eq.name for eq in self.of_kind(DIFFERENTIAL))

    @property
    def noise_names(self) -> tuple[str, ...]:
        """Names of the white-noise terms (``xi``, ``xi_1``, ...) used anywhere."""
        out: dict[str, None] = {}
        for eq in self.equations:
            if eq.expr is not None:
                for n in ast.walk(eq.expr):
                    if isinstance(n, ast.Name) and NOISE_RE.match(n.id):
                        out.setdefault(n.id, None)
        return tuple(sorted(out))


def _strip_comment(line: str) -> str:
    k = line.find("#")
    return line if k < 0 else line[:k]


def _depth(text: str) -> int:
    return text.count("(") - text.count(")")


def _logical_lines(text: str) -> list[list[tuple[int, str]]]:
    """Group physical lines into equations: (line number, text without comment)."""
    groups: list[list[tuple[int, str]]] = []
    for k, raw in enumerate(text.split("\n"), start=1):
        line = _strip_comment(raw)
        if not line.strip():
            continue
        if groups:
            joined = " ".join(t for _, t in groups[-1])
            complete = _depth(joined) <= 0 and ":" in joined
            if not (complete and _START.match(line)):
                groups[-1].append((k, line))
                continue
        groups.append([(k, line)])
    return groups


def _snippet(parts: list[tuple[int, str]], source: str, where: str,
             start: int, end: int) -> Snippet:
    """The text between offsets start:end of the joined parts, with positions."""
    text, pos = [], []
    for lineno, line in parts:
        for col, ch in enumerate(line, start=1):
            text.append(ch)
            pos.append((lineno, col))
        text.append("\n")
        pos.append((lineno, len(line) + 1))
    return Snippet("".join(text[start:end]), source, where, tuple(pos[start:end]))


def _unit_info(name: str) -> NameInfo:
    unit = UNITS[name]
    return NameInfo("unit", get_dimension(unit), float(unit))


def parse_unit(text: str, snippet: Snippet) -> Dimension:
    """The dimension of a unit declaration such as ``volt``, ``1``, ``siemens/meter**2``."""
    try:
        node, sub = parse_expression(snippet, "unit")
    except EquationError as exc:
        raise EquationError(f"cannot read the unit '{text.strip()}'", exc.location,
                            code="E108") from None
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and n.id not in UNITS:
            raise EquationError(f"'{n.id}' is not a unit", sub.node_location(n),
                                code="E108", hint="declare units like volt, amp, siemens, "
                                                  "farad, second, Hz, 1 (dimensionless)")
        if isinstance(n, ast.Call):
            raise EquationError("a unit cannot contain function calls",
                                sub.node_location(n), code="E108")
    # the dimension comes from the unit names; evaluate() works on plain SI numbers
    # (it drops dimensions), so it only gives the scale
    dim = infer_dimension(node, sub, _unit_info)
    if not isinstance(dim, Dimension):
        raise EquationError(f"'{text.strip()}' is a condition, not a unit",
                            snippet.location(0, len(snippet.text)), code="E108")
    number = float(np.asarray(evaluate(node, lambda name: float(UNITS[name]),
                                       lambda kind, k: 0.0)))
    if not np.isclose(number, 1.0, rtol=1e-12):
        raise EquationError(
            f"declare variables in base units: '{text.strip()}' is {number:g} of "
            f"{dim}", snippet.location(0, len(snippet.text)), code="E108",
            hint=f"write '{dim.declaration}' instead; values are stored in SI units and you can "
                 "still assign 5*mV")
    return dim


def _parse_one(parts: list[tuple[int, str]], source: str, where: str,
               flags_allowed: dict) -> Equation:
    joined = "\n".join(t for _, t in parts)
    first_line = parts[0][0]
    whole = _snippet(parts, source, where, 0, len(joined))
    colon = joined.find(":")
    if colon < 0:
        raise EquationError("an equation needs ': unit' at the end",
                            whole.location(len(joined.rstrip()) - 1), code="E112",
                            hint="e.g. 'dv/dt = -v/tau : volt' or 'tau : second'")
    lhs_rhs, unit_part = joined[:colon], joined[colon + 1:]
    m = _FLAGS.match(unit_part)
    flags: tuple[str, ...] = ()
    unit_text = unit_part
    if m and m.group("unit").strip():
        unit_text = m.group("unit")
        flags = tuple(" ".join(f.split()) for f in m.group("flags").split(",")
                      if f.strip())
    unit_start = colon + 1 + (len(unit_text) - len(unit_text.lstrip()))
    unit_snip = _snippet(parts, source, where, unit_start,
                         unit_start + len(unit_text.strip()))
    if not unit_text.strip():
        raise EquationError("missing unit after ':'", whole.location(colon), code="E108")
    dtype = unit_text.strip() if unit_text.strip() in TYPES else "float"
    dim = DIMENSIONLESS if dtype != "float" else parse_unit(unit_text, unit_snip)

    eq_pos = lhs_rhs.find("=")
    if eq_pos < 0:
        name = lhs_rhs.strip()
        kind, expr, rhs = PARAMETER, None, None
        name_off = len(lhs_rhs) - len(lhs_rhs.lstrip())
    else:
        lhs = lhs_rhs[:eq_pos]
        dm = _DIFF_LHS.match(lhs)
        name_off = len(lhs) - len(lhs.lstrip())
        if dm:
            kind, name = DIFFERENTIAL, dm.group(1)
        else:
            kind, name = SUBEXPRESSION, lhs.strip()
        rstart = eq_pos + 1
        rhs = _snippet(parts, source, where, rstart, colon)
        expr, rhs = parse_expression(rhs, f"the right-hand side of '{name}'")
    if not NAME_RE.match(name):
        raise EquationError(f"'{name}' is not a valid variable name "
                            "(or 'dx/dt' for a differential equation)",
                            whole.location(name_off, max(len(name), 1)), code="E112")
    if name in RESERVED or NOISE_RE.match(name) or name in UNITS or name in FUNCTIONS:
        what = ("a unit" if name in UNITS else "the white-noise symbol" if
                NOISE_RE.match(name) else "a reserved name")
        raise EquationError(f"'{name}' is {what} and cannot be a model variable",
                            whole.location(name_off, len(name)), code="E111",
                            hint="rename the variable")
    allowed = flags_allowed[kind]
    for flag in flags:
        if flag not in allowed:
            raise EquationError(
                f"unknown flag '{flag}' for a {kind} "
                f"(allowed: {', '.join(allowed)})",
                whole.location(joined.find(flag, colon), len(flag)), code="E109")
    _check_types_and_flags(kind, name, dtype, flags, whole, name_off)
    return Equation(kind, name, dim, unit_text.strip(), flags, expr, rhs, first_line,
                    dtype)


def _check_types_and_flags(kind: str, name: str, dtype: str, flags: tuple[str, ...],
                           whole: Snippet, name_off: int) -> None:
    """Brian2's rules for declared types and flag combinations."""
    where = whole.location(name_off, len(name))
    if dtype != "float" and kind == DIFFERENTIAL:
        raise EquationError(f"the differential equation of '{name}' is declared "
                            f"{dtype}; only floating-point variables can be integrated",
                            where, code="E120", hint="declare it with a unit, e.g. ': 1'")
    if "linked" in flags and len(flags) > 1:
        raise EquationError(f"a linked variable ('{name}') takes no other flags",
                            where, code="E121",
                            hint="the linked variable has the flags of its source")



def parse_equations(text: str, where: str = "model",
                    flags: dict | None = None) -> Equations:
    """Parse a model string; every problem found is reported (EquationErrors if several).

    >>> eqs = parse_equations("dv/dt = -v/tau : volt\\ntau : second")
    >>> eqs.diff_names
    ('v',)
    """
    if isinstance(text, Equations):
        return text
    if not isinstance(text, str):
        raise EquationError(f"{where} must be a string, got {type(text).__name__}",
                            code="E112")
    errors: list[EqsimError] = []
    equations: list[Equation] = []
    seen: dict[str, int] = {}
    for parts in _logical_lines(text):
        try:
            eq = _parse_one(parts, text, where, flags or ALLOWED_FLAGS)
        except EqsimError as exc:
            errors.append(exc)
            continue
        if eq.name in seen:
            errors.append(EquationError(
                f"'{eq.name}' is defined twice (lines {seen[eq.name]} and {eq.line})",
                Snippet.whole(text, where).location(
                    sum(len(x) + 1 for x in text.split("\n")[:eq.line - 1])),
                code="E110"))
            continue
        seen[eq.name] = eq.line
        equations.append(eq)
    if errors:
        raise errors[0] if len(errors) == 1 else EquationErrors(errors)
    return Equations(text, tuple(equations), where)


__all__ = ["Equation", "Equations", "parse_equations", "parse_unit", "DIFFERENTIAL",
           "SUBEXPRESSION", "PARAMETER", "ALLOWED_FLAGS", "SYNAPSE_FLAGS", "DIMENSIONLESS"]
