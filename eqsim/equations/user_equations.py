"""Brian2's ``Equations``: a model string you can rename, fill in and concatenate.

>>> from eqsim.units import ms
>>> eqs = Equations("dv/dt = (E - v)/tau : volt", E="E_L", tau=5*ms)
>>> print(eqs)
dv/dt = (E_L - v)/(0.005*second) : volt
>>> print(eqs + "E_L : volt")
dv/dt = (E_L - v)/(0.005*second) : volt
E_L : volt

An :class:`Equations` *is* its model text (a ``str``), so it goes wherever a model
string goes (``NeuronGroup``, ``Synapses``) and the same parser reads it; the parsed
form is :class:`eqsim.equations.parse.Equations`. It is checked when made, as in Brian2.
"""
from __future__ import annotations

import numbers
import re
from typing import Any

import numpy as np

from ..errors import EquationError
from ..units import Quantity, get_dimension
from .expressions import NAME_RE
from .parse import ALLOWED_FLAGS, DIFFERENTIAL, PARAMETER, SUBEXPRESSION, SYNAPSE_FLAGS
from .parse import Equations as ParsedEquations
from .parse import parse_equations

_ALL_FLAGS = {kind: tuple(dict.fromkeys(ALLOWED_FLAGS[kind] + SYNAPSE_FLAGS[kind] +
                                       ("point current",)))   # (for a SpatialNeuron)
              for kind in ALLOWED_FLAGS}


def _value_text(name: str, value: Any) -> str:
    """The text that replaces ``name``: an identifier, or a parenthesised expression."""
    if isinstance(value, str):
        value = value.strip()
        return value if NAME_RE.match(value) else f"({value})"
    if isinstance(value, (bool, np.bool_)):
        return "(1)" if value else "(0)"
    if isinstance(value, numbers.Integral):
        return f"({int(value)})"
    arr = np.asarray(value.view(np.ndarray) if isinstance(value, Quantity) else value)
    if arr.ndim != 0 or not np.issubdtype(arr.dtype, np.number):
        raise EquationError(
            f"Equations(..., {name}=...): only a single number, quantity or name can "
            f"replace '{name}', got {type(value).__name__} of shape {arr.shape}",
            code="E141", hint="give a scalar, or leave the name and pass the value in the "
                              "namespace")
    number = repr(float(arr))
    dim = get_dimension(value)
    return f"({number})" if dim.is_dimensionless else f"({number}*{dim.declaration})"


def _substitute_line(text: str, pattern: re.Pattern, replace) -> str:
    """Substitute in the equation part of one line, not in its unit, flags or comment."""
    code, hash_, comment = text.partition("#")
    lhs_rhs, colon, unit = code.partition(":")
    return pattern.sub(replace, lhs_rhs) + colon + unit + hash_ + comment


class Equations(str):
    """Model equations (Brian2's ``Equations``): ``Equations(text, old=new, name=value)``.

    Keyword arguments rename a variable (``v="u"``, also in ``dv/dt``) or replace a name
    by an expression or a value (``tau=5*ms`` writes the value in SI units into the
    text). ``eqs1 + eqs2`` and ``eqs + "w : 1"`` join two models; a name defined in
    both is an error (E110). Made from text that does not parse, it raises at once.
    """

    def __new__(cls, eqs: str = "", **replacements: Any) -> "Equations":
        if not isinstance(eqs, str):
            raise EquationError(f"Equations needs a model string, got "
                                f"{type(eqs).__name__}", code="E112")
        text = str(eqs)
        if replacements:
            text = _substitute(text, replacements)
        obj = super().__new__(cls, text)
        obj._parsed = parse_equations(text, where="Equations", flags=_ALL_FLAGS)
        return obj

    # ---- Brian2's API -----------------------------------------------------------------
    def substitute(self, **replacements: Any) -> "Equations":
        """A copy with names renamed or replaced (as the constructor's keywords)."""
        return Equations(str(self), **replacements)

    @property
    def parsed(self) -> ParsedEquations:
        """The parsed equations (what a NeuronGroup reads)."""
        return self._parsed

    @property
    def names(self) -> set[str]:
        return set(self._parsed.names)

    @property
    def diff_eq_names(self) -> set[str]:
        return {eq.name for eq in self._parsed.of_kind(DIFFERENTIAL)}

    @property
    def subexpr_names(self) -> set[str]:
        return {eq.name for eq in self._parsed.of_kind(SUBEXPRESSION)}

    @property
    def parameter_names(self) -> set[str]:
        return {eq.name for eq in self._parsed.of_kind(PARAMETER)}

    @property
    def eq_names(self) -> set[str]:
        return self.diff_eq_names | self.subexpr_names

    @property
    def dimensions(self) -> dict:
        return {eq.name: eq.dim for eq in self._parsed.equations}

    def __getitem__(self, key):
        if isinstance(key, str):
            return self._parsed[key]
        return str.__getitem__(str(self), key)

    def __contains__(self, key) -> bool:  # a name of the model, as in Brian2
        return key in self._parsed if NAME_RE.match(key or "") else \
            str.__contains__(self, key)

    def __iter__(self):
        return iter(self._parsed.names)

    def __len__(self) -> int:
        return len(self._parsed.equations)

    def __add__(self, other) -> "Equations":
        if not isinstance(other, str):
            return NotImplemented
        return Equations(str(self).rstrip("\n") + "\n" + str(other))

    def __radd__(self, other) -> "Equations":
        if not isinstance(other, str):
            return NotImplemented
        return Equations(str(other).rstrip("\n") + "\n" + str(self))

    def __eq__(self, other) -> bool:
        return str.__eq__(self, other)

    __hash__ = str.__hash__

    def __reduce__(self):
        return (Equations, (str(self),))

    def __repr__(self) -> str:
        return f"Equations({str(self)!r})"

    def _repr_html_(self) -> str:
        from html import escape
        rows = "".join(
            f"<tr><td><code>{escape(eq.name)}</code></td><td>{eq.kind}</td>"
            f"<td><code>{escape(eq.expr_text.strip() if eq.expr_text else '')}</code></td>"
            f"<td>{escape(str(eq.dim))}</td><td>{escape(', '.join(eq.flags))}</td></tr>"
            for eq in self._parsed.equations)
        return ("<table><tr><th>name</th><th>kind</th><th>expression</th><th>unit</th>"
                f"<th>flags</th></tr>{rows}</table>")


def _substitute(text: str, replacements: dict) -> str:
    parsed = parse_equations(text, where="Equations", flags=_ALL_FLAGS)
    defined = set(parsed.names)
    lines = text.split("\n")
    for name, value in replacements.items():
        if not NAME_RE.match(name):
            raise EquationError(f"Equations(..., {name}=...): '{name}' is not a name",
                                code="E140")
        new = _value_text(name, value)
        if name in defined and not NAME_RE.match(new):
            raise EquationError(
                f"cannot replace the model variable '{name}' by a value or expression",
                code="E140", hint=f"rename it ({name}='new_name'), or leave it and "
                                  "set its value on the group")
        diff = re.compile(rf"\bd\s*{re.escape(name)}\s*/\s*dt\b")
        ident = re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)")
        lines = [_substitute_line(line, diff, lambda m: f"d{new}/dt") for line in lines]
        lines = [_substitute_line(line, ident, lambda m: new) for line in lines]
    return "\n".join(lines)


__all__ = ["Equations"]
