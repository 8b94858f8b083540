"""Rewrites of update statements before printing: common subexpressions and hoisting.

:func:`optimise` takes ordered assignments and the set of per-neuron ("vector") names and
returns two ordered lists: scalar statements (evaluated once per step, e.g.
``exp(-dt/tau)`` for a namespace constant ``tau``) and vector statements (evaluated per
neuron). The rewrite is deterministic, so the same model prints the same source.
"""
from __future__ import annotations

import sympy as sp

from ..equations.sympy_functions import RANDOM_FUNCTIONS

Statement = tuple[str, sp.Basic]


def _is_vector(expr: sp.Basic, vector: set[str]) -> bool:
    """Does ``expr`` differ between neurons (per-neuron names or random numbers)?"""
    if any(s.name in vector for s in expr.free_symbols):
        return True
    return any(expr.has(fn) for fn in RANDOM_FUNCTIONS)


def _hoist(expr: sp.Basic, vector: set[str], scalars: list[Statement],
           known: dict[sp.Basic, sp.Symbol], counter: list[int]) -> sp.Basic:
    """Replace maximal loop-invariant subtrees of ``expr`` by scalar temporaries."""
    if not _is_vector(expr, vector):
        if expr.is_Atom or isinstance(expr, sp.logic.boolalg.BooleanAtom):
            return expr
        if isinstance(expr, sp.logic.boolalg.Boolean):
            # a condition stays in place (a temporary would be a double, which C's '&'
            # of conditions rejects, e.g. threshold 't > 5*ms' with refractoriness);
            # its operands are hoisted
            return expr.func(*[_hoist(a, vector, scalars, known, counter)
                               for a in expr.args])
        if isinstance(expr, sp.Mul) and all(a.is_Atom for a in expr.args):
            return expr  # a product of plain names costs one multiplication anyway
        if expr not in known:
            name = f"_lio_{counter[0]}"
            counter[0] += 1
            known[expr] = sp.Symbol(name, real=True)
            scalars.append((name, expr))
        return known[expr]
    if not expr.args or isinstance(expr, sp.Function) and expr.func in RANDOM_FUNCTIONS:
        return expr
    if isinstance(expr, sp.Piecewise):
        pairs = [(_hoist(e, vector, scalars, known, counter),
                  _hoist(c, vector, scalars, known, counter)) for e, c in expr.args]
        return sp.Piecewise(*pairs, evaluate=False)
    if isinstance(expr, (sp.Add, sp.Mul)):
        # group the loop-invariant operands of a sum or product into one temporary:
        # c1*c2*c3*x costs one multiplication per neuron instead of three
        fixed = [a for a in expr.args if not _is_vector(a, vector)]
        varying = [a for a in expr.args if _is_vector(a, vector)]
        new_args = [_hoist(a, vector, scalars, known, counter) for a in varying]
        if len(fixed) > 1:
            new_args.insert(0, _hoist(expr.func(*fixed), vector, scalars, known, counter))
        else:
            new_args = [_hoist(a, vector, scalars, known, counter) for a in fixed] + \
                new_args
        return expr.func(*new_args, evaluate=False)
    new_args = [_hoist(a, vector, scalars, known, counter) for a in expr.args]
    return expr.func(*new_args, evaluate=False) if isinstance(expr, sp.Pow) \
        else expr.func(*new_args)


def _place_on_demand(replacements, statements: list[Statement]) -> list[Statement]:
    """Put each cse temporary just before its first use: a temporary may depend on
    the target of an earlier statement (rk4's k1), so it cannot simply go first."""
    pending = {sym: expr for sym, expr in replacements}
    out: list[Statement] = []

    def need(expr):
        for sym in sorted(expr.free_symbols & pending.keys(), key=str):
            if sym in pending:
                sub = pending.pop(sym)
                need(sub)
                out.append((str(sym), sub))

    for name, expr in statements:
        need(expr)
        out.append((name, expr))
    return out


def share_reciprocal_exps(exprs: list[sp.Basic], prefix: str = "_exp"
                          ) -> tuple[list[tuple[sp.Symbol, sp.Basic]], list[sp.Basic]]:
    """Compute ``exp(-a)`` as ``1/exp(a)`` where both occur (Traub-Miles rates use both).

    Returns the shared exponentials as (new symbol, ``exp(a)``) pairs and ``exprs`` with
    ``exp(a)`` replaced by the symbol and ``exp(-a)`` by its reciprocal: one division
    instead of a second exponential. Of each pair the exponential whose argument sorts
    first is kept, so the rewrite is deterministic."""
    found = sorted({e for expr in exprs for e in expr.atoms(sp.exp)},
                   key=sp.default_sort_key)
    args = {e.args[0]: e for e in found}
    pairs: list[tuple[sp.Symbol, sp.Basic]] = []
    subs: dict[sp.Basic, sp.Basic] = {}
    for e in found:
        if e in subs:
            continue
        partner = args.get(sp.expand(-e.args[0]))
        if partner is None or partner in subs or partner == e:
            continue
        sym = sp.Symbol(f"{prefix}{len(pairs)}", real=True)
        pairs.append((sym, e))
        subs[e] = sym
        subs[partner] = 1 / sym
    if not pairs:
        return [], list(exprs)
    return pairs, [expr.xreplace(subs) for expr in exprs]


def optimise(statements: list[Statement], vector_names: set[str], prefix: str = "_cse",
             outputs: frozenset[str] = frozenset()) -> tuple[list[Statement],
                                                             list[Statement]]:
    """Common-subexpression elimination, then hoisting of loop-invariant work.

    ``statements`` is an ordered list of (target, expr); targets are kept, and targets
    that are state variables or listed in ``outputs`` stay per-neuron. Returns
    (scalar statements, vector statements), both in evaluation order."""
    if not statements:
        return [], []
    targets = [name for name, _ in statements]
    exprs = [expr for _, expr in statements]
    shared, exprs = share_reciprocal_exps(exprs, prefix=f"{prefix}_exp")
    replacements, reduced = sp.cse(exprs + [e for _, e in shared],
                                   symbols=sp.numbered_symbols(prefix, real=True),
                                   order="canonical")
    replacements += [(sym, e) for (sym, _), e in zip(shared, reduced[len(exprs):])]
    reduced = reduced[:len(exprs)]
    ordered = _place_on_demand(replacements, list(zip(targets, reduced)))
    vector = set(vector_names)
    scalars: list[Statement] = []
    vectors: list[Statement] = []
    known: dict[sp.Basic, sp.Symbol] = {}
    counter = [0]
    for name, expr in ordered:
        if _is_vector(expr, vector) or not name.startswith("_") or name in outputs:
            vector.add(name)
            vectors.append((name, _hoist(expr, vector, scalars, known, counter)))
        else:
            scalars.append((name, expr))
    return scalars, vectors
