"""Code a group runs besides its state update, as sympy: ``run_regularly`` statements,
custom event conditions (``events={...}``) and the statements run on an event
(``run_on_event``). Lowered with the group's own names and subexpressions, so the
printers treat them as they treat a threshold and a reset.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import sympy as sp

from ..equations.expressions import (Snippet, SympyContext, parse_expression,
                                     parse_statements)
from ..equations.specs import GroupCodeSpec, NeuronSpec
from .discretize import (IDX, _convert, _subexpressions, _symbols_for, external_symbols,
                         typed_assignment)


@dataclass(frozen=True)
class CodeKernels:
    """One piece of group code: a condition (kind "event") or statements."""

    name: str
    kind: str                                      # "regular", "event" or "on_event"
    condition: sp.Basic | None
    statements: tuple[tuple[str, str, sp.Expr], ...]
    constants: tuple[str, ...]                     # runtime scalars of its own


def lower_group_code(spec: NeuronSpec, code: GroupCodeSpec) -> CodeKernels:
    """Sympy of one GroupCodeSpec of the group ``spec``."""
    symbols = _symbols_for(spec)
    own = tuple(e for e in code.externals if e.name not in symbols)
    symbols.update(external_symbols(own))
    ctx = SympyContext(symbols)
    # random numbers of this code get streams of their own (the model's start at 0)
    ctx.next_stream = (zlib.crc32(code.name.encode()) % 4096 + 1) << 12
    subexpressions = _subexpressions(spec, ctx)
    where = f"{code.kind} code '{code.name}' of group '{spec.name}'"
    condition, statements = None, []
    if code.kind == "event":
        node, _ = parse_expression(Snippet.whole(code.code, where))
        condition = _convert(node, ctx, subexpressions)
    else:
        if code.span is not None:   # a subgroup's code: i counts from its first neuron
            ctx.symbols = {**ctx.symbols, "i": IDX - code.span[0]}
        temps: dict[str, sp.Symbol] = {}   # Brian2's temporaries (local variables)
        for target, op, value, _, _ in parse_statements(code.code, where):
            statements.append(typed_assignment(
                spec.equations, target, op,
                _convert(value, ctx, {**subexpressions, **temps})))
            if target not in ctx.symbols and target not in subexpressions:
                temps[target] = sp.Symbol(target, real=True)
        if code.span is not None:
            statements = _within(statements, code.span, set(symbols))
    return CodeKernels(code.name, code.kind, condition, tuple(statements),
                       tuple(e.name for e in own if e.kind == "constant"))


def _within(statements, span: tuple[int, int], variables: set[str]):
    """Statements that change the neurons [start, stop) only: a write to a variable
    keeps the old value elsewhere (temporaries are computed everywhere)."""
    inside = sp.And(IDX >= span[0], IDX < span[1])
    out = []
    for target, op, value in statements:
        if target not in variables:
            out.append((target, op, value))
            continue
        x = sp.Symbol(target, real=True)
        new = value if op == "=" else {"+=": x + value, "-=": x - value,
                                       "*=": x * value, "/=": x / value}[op]
        out.append((target, "=", sp.Piecewise((new, inside), (x, True))))
    return out


__all__ = ["CodeKernels", "lower_group_code"]
