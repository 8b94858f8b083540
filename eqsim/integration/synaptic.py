"""Synapses -> sympy kernels: on_pre/on_post statements, event-driven updates, summed
variables. Names are canonical: a synaptic variable ``w``, a source variable ``v_pre``,
a target variable ``ge_post`` (also when the model wrote plain ``ge``)."""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..equations.expressions import (Snippet, SympyContext, parse_expression,
                                     parse_statements, to_sympy)
from ..equations.parse import DIFFERENTIAL, SUBEXPRESSION, Equations
from ..equations.specs import REFRACTORY_NONE, NeuronSpec, SynapseSpec
from ..errors import IntegrationError
from .discretize import (DT, T, _convert, _exact, _exponential_euler, discretize,
                         external_symbols, typed_assignment)

EVENT_DT = sp.Symbol("_edt", positive=True)


@dataclass(frozen=True)
class SynapseKernels:
    name: str
    source: str
    target: str
    on_pre: tuple[tuple[str, str, sp.Basic], ...]     # (canonical target, op, value)
    on_post: tuple[tuple[str, str, sp.Basic], ...]
    event_driven: tuple[tuple[str, sp.Basic], ...]     # var <- value after _edt seconds
    summed: tuple[tuple[str, sp.Basic], ...]           # target variable <- sum of value
    variables: tuple[str, ...]                         # per-synapse arrays
    constants: tuple[str, ...]
    delay_kind: str
    streams: int = 0
    method: str = "none"
    update: tuple = ()            # clock-driven: (target, expr) temporaries then writes
    # named pathways besides on_pre/on_post: (name, "pre"/"post", statements, delay kind)
    pathways: tuple = ()


def _symbols(spec: SynapseSpec) -> dict[str, sp.Basic]:
    symbols: dict[str, sp.Basic] = {
        "t": T, "dt": DT, "i": sp.Symbol("i", real=True), "j": sp.Symbol("j", real=True),
        "N_pre": sp.Symbol("N_pre", real=True), "N_post": sp.Symbol("N_post", real=True),
        "lastupdate": sp.Symbol("lastupdate", real=True)}
    for name, _ in spec.pre_vars:
        symbols[f"{name}_pre"] = sp.Symbol(f"{name}_pre", real=True)
    for name, _ in spec.post_vars:
        symbols[name] = symbols[f"{name}_post"] = sp.Symbol(f"{name}_post", real=True)
    for eq in spec.equations.equations:
        if eq.kind != SUBEXPRESSION:
            symbols[eq.name] = sp.Symbol(eq.name, real=True)
    symbols.update(external_symbols(spec.externals))
    for name in spec.equations.noise_names:   # white noise of clock-driven equations
        symbols[name] = sp.Symbol(name, real=True)
    _side_subexpressions(spec, symbols)
    return symbols


def _side_subexpressions(spec: SynapseSpec, symbols: dict) -> None:
    """``F_pre``/``F_post`` (subexpressions of the groups) as their expressions in the
    groups' variables (``u_pre``), in dependency order; the unsuffixed ``F`` of the
    target too, where the synapses' model does not define it."""
    model = {eq.name for eq in spec.equations.equations}
    for name, text in spec.side_subexpressions:
        node, _ = parse_expression(Snippet.whole(text, f"synapses '{spec.name}'"))
        ctx = SympyContext(dict(symbols))
        symbols[name] = to_sympy(node, ctx)
        if name.endswith("_post") and name[:-5] not in model:
            symbols[name[:-5]] = symbols[name]


def _canonical(name: str, spec: SynapseSpec) -> str:
    posts = {n for n, _ in spec.post_vars}
    model = {eq.name for eq in spec.equations.equations}
    if name not in model and name in posts:
        return f"{name}_post"
    return name


def lower_synapses(spec: SynapseSpec) -> SynapseKernels:
    """All kernels of a Synapses object as sympy, ready for printing."""
    ctx = SympyContext(_symbols(spec))
    subs: dict[str, sp.Basic] = {}
    for eq in spec.equations.of_kind(SUBEXPRESSION):
        if "summed" in eq.flags:
            continue
        subs[eq.name] = _convert(eq.expr, ctx, subs)

    def convert(node):
        return _convert(node, ctx, subs)

    where = f"synapses '{spec.name}'"
    event = [eq for eq in spec.equations.of_kind(DIFFERENTIAL) if "event-driven" in eq.flags]
    clock = [eq for eq in spec.equations.of_kind(DIFFERENTIAL)
             if "event-driven" not in eq.flags]
    method, update = "none", ()
    if clock:
        # integrate them every step like a group's equations, one "neuron" per synapse
        pseudo = NeuronSpec(spec.name, Equations(spec.equations.text, tuple(clock),
                                                 spec.equations.where),
                            None, None, REFRACTORY_NONE, None, spec.method,
                            spec.externals)
        method, assignments, writes = discretize(pseudo, ctx, subs)
        update = tuple((a.target, a.expr) for a in assignments) + tuple(writes)
    event_driven: list[tuple[str, sp.Basic]] = []
    if event:
        f = {eq.name: convert(eq.expr) for eq in event}
        variables = [eq.name for eq in event]
        solved = _exact(f, variables) or _exponential_euler(f, variables)
        if solved is None:
            raise IntegrationError(
                f"the event-driven equations of {where} must be linear so that they can "
                "be solved exactly between events", code="E308")
        for assignment in solved:
            var = assignment.target[1:-4]  # "_x_new" -> "x"
            event_driven.append((var, assignment.expr.xreplace({DT: EVENT_DT})))

    def statements(text):
        if text is None:
            return ()
        out = []
        temps: dict[str, sp.Symbol] = {}   # 'x = expr' for a new name: a local variable
        for target, op, value, _, _ in parse_statements(text, where):
            expr = _convert(value, ctx, {**subs, **temps})
            if target not in ctx.symbols and target not in subs:
                temps[target] = sp.Symbol(target, real=True)
            out.append(typed_assignment(spec.equations, _canonical(target, spec), op, expr))
        return tuple(out)

    on_pre, on_post = statements(spec.on_pre), statements(spec.on_post)
    pathways = tuple((name, kind, statements(code), delay_kind)
                     for name, kind, code, delay_kind in spec.pathways)
    summed = tuple((eq.name[:-5], convert(eq.expr))
                   for eq in spec.equations.of_kind(SUBEXPRESSION) if "summed" in eq.flags)
    variables = tuple(eq.name for eq in spec.equations.equations
                      if eq.kind != SUBEXPRESSION)
    if event:
        variables += ("lastupdate",)
    return SynapseKernels(spec.name, spec.source, spec.target, on_pre, on_post,
                          tuple(event_driven), summed, variables, spec.constants,
                          spec.delay_kind, ctx.next_stream, method, update, pathways)
