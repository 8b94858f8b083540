"""Equations + method -> an ordered list of sympy assignments (no C here).

:func:`lower_neuron_group` turns a :class:`~eqsim.equations.specs.NeuronSpec` into
:class:`GroupKernels`: the state update (temporaries, then new values), the threshold
condition, the reset statements, the refractoriness condition and the expressions a
monitor can record. The same kernels are printed as C and as numpy code, so both backends
execute the same arithmetic.
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field

import sympy as sp

from ..equations.expressions import (Snippet, SympyContext, parse_expression,
                                     parse_statements, to_sympy)
from ..equations.parse import DIFFERENTIAL, PARAMETER, SUBEXPRESSION
from ..equations.specs import REFRACTORY_CONDITION, REFRACTORY_TIME, NeuronSpec
from ..equations.sympy_functions import (RANDOM_FUNCTIONS, as_shared_random, bool_to_float,
                                         int_, randn_)
from ..errors import IntegrationError
from .methods import (AUTO_ORDER_ADDITIVE_NOISE, AUTO_ORDER_DETERMINISTIC,
                      AUTO_ORDER_MULTIPLICATIVE_NOISE, EXPLICIT_METHODS)

logger = logging.getLogger(__name__)

T, DT, IDX, NSYM = (sp.Symbol("t", real=True), sp.Symbol("dt", positive=True),
                    sp.Symbol("i", integer=True), sp.Symbol("N", integer=True))
NOT_REFRACTORY = sp.Symbol("not_refractory")
LASTSPIKE = sp.Symbol("lastspike", real=True)
NR_PREV = sp.Symbol("_nr_prev")   # not_refractory as the last step left it


@dataclass(frozen=True)
class Assignment:
    """``target = expr``; targets starting with '_' are temporaries."""

    target: str
    expr: sp.Expr


@dataclass(frozen=True)
class GroupKernels:
    """Everything the code printers need for one NeuronGroup."""

    name: str
    method: str
    update: tuple[Assignment, ...]          # temporaries, then '_x_new' values
    writes: tuple[tuple[str, sp.Expr], ...]  # state variable <- value (after update)
    threshold: sp.Basic | None
    reset: tuple[tuple[str, str, sp.Expr], ...]   # (target, op, value)
    refractory: sp.Basic | None             # condition "is refractory now", or None
    subexpressions: dict[str, sp.Expr] = field(default_factory=dict)
    state: tuple[str, ...] = ()             # arrays with one value per neuron
    shared: tuple[str, ...] = ()            # arrays with one value for the group
    constants: tuple[str, ...] = ()         # runtime scalars (namespace values)
    streams: int = 0                        # number of random-number call sites
    shared_writes: tuple[tuple[str, sp.Expr], ...] = ()   # shared variable <- scalar


def _symbols_for(spec: NeuronSpec) -> dict[str, sp.Basic]:
    symbols: dict[str, sp.Basic] = {"t": T, "dt": DT, "i": IDX, "N": NSYM,
                                    "lastspike": LASTSPIKE,
                                    "not_refractory": NOT_REFRACTORY}
    for eq in spec.equations.equations:
        if eq.kind != SUBEXPRESSION:
            symbols[eq.name] = sp.Symbol(eq.name, real=True)
    symbols.update(external_symbols(spec.externals))
    for name in spec.equations.noise_names:
        symbols[name] = sp.Symbol(name, real=True)
    return symbols


def external_symbols(externals) -> dict:
    """Namespace constants as symbols, units as numbers, TimedArrays as functions
    ``timed_(k, t[, i])`` numbered in name order."""
    from ..equations.sympy_functions import timed_
    out: dict = {}
    functions = [e.name for e in externals if e.kind == "function"]
    for ext in externals:
        if ext.kind == "constant":
            out[ext.name] = sp.Symbol(ext.name, real=True)
        elif ext.kind == "function":
            k = sp.Integer(functions.index(ext.name))
            out[ext.name] = (lambda *args, k=k: timed_(k, *args))
        else:
            out[ext.name] = sp.Float(ext.value)
    return out


def _subexpressions(spec: NeuronSpec, ctx: SympyContext,
                    held: dict[str, sp.Expr] | None = None) -> dict[str, sp.Expr]:
    """Subexpressions in sympy, each with the others substituted (dependency order).

    ``(constant over dt)`` subexpressions follow Brian2: each is evaluated once per step,
    before the integration, from the state at the start of the step, kept in an array
    and held constant during the step (through every stage of rk4; one draw for a
    ``rand()`` inside it). They appear as the symbol of their array in the result; their
    expressions go into ``held``."""
    subs = {eq.name: eq for eq in spec.equations.of_kind(SUBEXPRESSION)}
    done: dict[str, sp.Expr] = {}
    ctx.symbols = {**ctx.symbols, **{h: sp.Symbol(h, real=True) for h in held_names(spec)}}
    for name in held_names(spec):
        if held is not None:
            eq = subs.pop(name)
            local = dict(ctx.symbols)
            local.update({h: sp.Symbol(h, real=True) for h in held_names(spec)})
            for n in _names(eq.expr):   # its own dependencies are substituted
                if n in subs:
                    local[n] = _subexpressions_one(n, subs, ctx)
            saved, ctx.symbols = ctx.symbols, local
            try:
                held[name] = to_sympy(eq.expr, ctx)
            finally:
                ctx.symbols = saved
            if "shared" in eq.flags:   # one value for the group, random numbers too
                held[name] = as_shared_random(held[name])
        done[name] = sp.Symbol(name, real=True)

    def resolve(name):
        if name in done:
            return done[name]
        eq = subs[name]
        for n in _names(eq.expr):
            if n in subs:
                resolve(n)
        local = dict(ctx.symbols)
        local.update(done)
        saved = ctx.symbols
        ctx.symbols = local
        try:
            done[name] = to_sympy(eq.expr, ctx)
        finally:
            ctx.symbols = saved
        if eq.dtype == "integer":   # Brian2 stores it in an integer: truncated
            done[name] = int_(done[name])
        return done[name]

    for name in subs:
        resolve(name)
    return done


def _subexpressions_one(name: str, subs: dict, ctx: SympyContext) -> sp.Expr:
    """One subexpression with its own dependencies substituted (no held ones there)."""
    eq = subs[name]
    local = dict(ctx.symbols)
    for n in _names(eq.expr):
        if n in subs:
            local[n] = _subexpressions_one(n, subs, ctx)
    saved, ctx.symbols = ctx.symbols, local
    try:
        value = to_sympy(eq.expr, ctx)
    finally:
        ctx.symbols = saved
    return int_(value) if eq.dtype == "integer" else value


CONSTANT_OVER_DT = "constant over dt"


def held_names(spec) -> tuple[str, ...]:
    """The ``(constant over dt)`` subexpressions: stored variables (see
    :func:`_subexpressions`)."""
    return tuple(eq.name for eq in spec.equations.of_kind(SUBEXPRESSION)
                 if CONSTANT_OVER_DT in eq.flags)


def _names(node):
    from ..equations.expressions import names_in
    return names_in(node)


def _convert(node, ctx: SympyContext, subexpressions: dict[str, sp.Expr]) -> sp.Basic:
    saved = ctx.symbols
    ctx.symbols = {**saved, **subexpressions}
    try:
        return to_sympy(node, ctx)
    finally:
        ctx.symbols = saved


def _split_noise(rhs: sp.Expr, noise: list[sp.Symbol], var: str
                 ) -> tuple[sp.Expr, dict[sp.Symbol, sp.Expr]]:
    """rhs = f + sum_k g_k * xi_k; return f and the g_k (raise if not linear in xi)."""
    f = rhs.subs({x: 0 for x in noise})
    g = {}
    for x in noise:
        coeff = sp.diff(rhs, x)
        if coeff.has(*noise):
            raise IntegrationError(f"the equation of '{var}' is not linear in the noise "
                                   f"term '{x}'", code="E302",
                                   hint="write noise as '... + sigma*xi'")
        if coeff != 0:
            g[x] = coeff
    return f, g


def _has_random(expr: sp.Basic) -> bool:
    return any(expr.has(fn) for fn in RANDOM_FUNCTIONS)


def _has_time_outside_timed_arrays(expr: sp.Expr) -> bool:
    """True if ``expr`` depends on t other than through TimedArrays. A TimedArray holds
    its value over a time step, so Brian2's exact method accepts it in the inhomogeneous
    part of a linear system (its value at the start of the step is used)."""
    from ..equations.sympy_functions import timed_
    frozen = expr.replace(lambda e: isinstance(e, timed_), lambda e: sp.Dummy(real=True))
    return frozen.has(T)


def _linear_coefficients(f: dict[str, sp.Expr], variables: list[str]):
    """Matrix M and vector b with f = M x + b, or None if f is not of that form with
    coefficients free of the state and of t."""
    syms = [sp.Symbol(v, real=True) for v in variables]
    M = sp.zeros(len(syms), len(syms))
    b = sp.zeros(len(syms), 1)
    for r, v in enumerate(variables):
        for c, s in enumerate(syms):
            coeff = sp.diff(f[v], s)
            if coeff.has(*syms) or coeff.has(T) or _has_random(coeff):
                return None
            M[r, c] = coeff
        rest = f[v].subs({s: 0 for s in syms})
        if _has_time_outside_timed_arrays(rest) or _has_random(rest) or rest.has(*syms):
            return None
        b[r] = rest
    return M, b


def _exact(f: dict[str, sp.Expr], variables: list[str]) -> list[Assignment] | None:
    """Exact update of a linear system with constant coefficients."""
    lin = _linear_coefficients(f, variables)
    if lin is None:
        return None
    M, b = lin
    out: list[Assignment] = []
    # Solve connected blocks separately; a single variable gets the closed form
    # x + dt*(a*x + b)*exprel(a*dt), valid also for a = 0.
    from ..equations.sympy_functions import exprel_
    blocks = _blocks(M)
    for block in blocks:
        if len(block) == 1:
            r = block[0]
            x = sp.Symbol(variables[r], real=True)
            a = M[r, r]
            if a == 0:
                new = x + DT * b[r]
            else:
                new = x + DT * (a * x + b[r]) * exprel_(a * DT)
            out.append(Assignment(f"_{variables[r]}_new", new))
            continue
        sub_vars = [variables[r] for r in block]
        n = len(block)
        aug = sp.zeros(n + 1, n + 1)
        for ii, r in enumerate(block):
            for jj, c in enumerate(block):
                aug[ii, jj] = M[r, c]
            aug[ii, n] = b[r]
        try:
            E = _triangular_exp(aug * DT)
            if E is None:
                E = (aug * DT).exp()
        except Exception as exc:  # sympy could not find the matrix exponential
            raise IntegrationError(
                "sympy could not solve the linear system exactly "
                f"({', '.join(sub_vars)}): {exc}", code="E303",
                hint="use method='exponential_euler' or 'rk4'") from exc
        xs = [sp.Symbol(v, real=True) for v in sub_vars] + [sp.Integer(1)]
        for ii, v in enumerate(sub_vars):
            new = sum(E[ii, jj] * xs[jj] for jj in range(n + 1))
            out.append(Assignment(f"_{v}_new", new))
    return out


def _triangular_order(A: sp.Matrix) -> list[int] | None:
    """An order of the variables in which each depends only on later ones (A becomes
    upper triangular), or None if the coupling has a cycle."""
    n = A.shape[0]
    deps = {r: {c for c in range(n) if c != r and A[r, c] != 0} for r in range(n)}
    order: list[int] = []
    while deps:
        free = sorted(r for r, d in deps.items() if not d)   # depends on nothing left
        if not free:
            return None
        for r in free:
            del deps[r]
        for d in deps.values():
            d.difference_update(free)
        order = free + order
    return order


def _triangular_exp(A: sp.Matrix) -> sp.Matrix | None:
    """exp(A) for a matrix that is triangular up to a reordering, by Parlett's recurrence:
    no eigen-decomposition, so fast where sympy's Jordan form takes seconds. An entry
    without intermediate terms is written e^a * c * exprel(b - a), which stays finite when
    the diagonal entries a and b coincide (e.g. equal time constants). None if A is not
    triangular or a coincidence meets intermediate terms (the caller falls back to sympy)."""
    from ..equations.sympy_functions import exprel_
    order = _triangular_order(A)
    if order is None:
        return None
    n = len(order)
    T = sp.Matrix(n, n, lambda i, j: A[order[i], order[j]])
    F = sp.zeros(n, n)
    for i in range(n):
        F[i, i] = sp.exp(T[i, i])
    for d in range(1, n):
        for i in range(n - d):
            j = i + d
            inner = sp.Add(*[T[i, k] * F[k, j] - F[i, k] * T[k, j] for k in range(i + 1, j)])
            if inner == 0:
                F[i, j] = T[i, j] * F[i, i] * exprel_(T[j, j] - T[i, i]) if T[i, j] != 0 else 0
                continue
            gap = T[j, j] - T[i, i]
            if sp.expand(gap) == 0:
                return None
            F[i, j] = (T[i, j] * (F[j, j] - F[i, i]) + inner) / gap
    E = sp.zeros(n, n)
    for i in range(n):
        for j in range(n):
            E[order[i], order[j]] = F[i, j]
    return E


def _blocks(M: sp.Matrix) -> list[list[int]]:
    """Weakly connected groups of variables in the coupling matrix, in index order."""
    n = M.shape[0]
    parent = list(range(n))

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for r in range(n):
        for c in range(n):
            if r != c and M[r, c] != 0:
                parent[find(r)] = find(c)
    groups: dict[int, list[int]] = {}
    for k in range(n):
        groups.setdefault(find(k), []).append(k)
    return sorted(groups.values())


def _collect_linear(rhs: sp.Expr, x: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """Brian2's test of conditional linearity: expand ``rhs`` and collect it on ``x`` as a
    factor; it is ``A*x + B`` when only the powers x**1 and x**0 appear outside
    functions. A and B may still contain x inside functions (e.g. an instantaneous
    ``m_inf(v)**3`` in dv/dt); they are then evaluated at the value x has at the start of
    the step. None where the expression is not of that form."""
    expanded = sp.expand(rhs)
    if not expanded.has(x):
        return sp.Integer(0), expanded
    parts = sp.collect(expanded, x, evaluate=False)
    if len(parts) > 2 or x not in parts or any(k not in (x, sp.S.One) for k in parts):
        return None
    return parts[x], parts.get(sp.S.One, sp.Integer(0))


def _exponential_euler(f: dict[str, sp.Expr], variables: list[str],
                       collect: bool = False) -> list[Assignment] | None:
    """x_new = x + dt*(A*x + B)*exprel(A*dt) with A, B free of x (conditionally linear).

    ``collect``: also accept what Brian2's exponential_euler accepts, A and B that
    contain x inside functions (:func:`_collect_linear`). Used when the method is named;
    ``method="auto"`` keeps the strict rule, so that e.g. AdExp (exp(v) in dv/dt) still
    gets rk4 there."""
    from ..equations.sympy_functions import exprel_
    out = []
    for v in variables:
        x = sp.Symbol(v, real=True)
        A = sp.diff(f[v], x)
        if A.has(x):   # a coefficient that depends on x itself: Brian2's rule decides
            AB = _collect_linear(f[v], x) if collect else None
            if AB is None:
                return None
            A, B = AB
        else:
            B = f[v].subs(x, 0)
        if _has_random(A):
            return None
        if A == 0:
            new = x + DT * B
        else:
            new = x + DT * (A * x + B) * exprel_(A * DT)
        out.append(Assignment(f"_{v}_new", new))
    return out


def _explicit(method_name: str, f: dict[str, sp.Expr],
              g: dict[str, dict[sp.Symbol, sp.Expr]], variables: list[str],
              noise_streams: dict[sp.Symbol, int]) -> list[Assignment]:
    """Apply an :class:`ExplicitMethod` description to the system."""
    from sympy.parsing.sympy_parser import parse_expr

    method = EXPLICIT_METHODS[method_name]
    if any(_PER_NOISE.search(text) for _, text in method.steps):
        return _explicit_per_noise(method, f, g, variables, noise_streams)
    X, Tm, DTm = sp.Symbol("x"), sp.Symbol("t"), sp.Symbol("dt")
    fF, gF = sp.Function("f"), sp.Function("G")
    step_names = [name for name, _ in method.steps]
    local = {"x": X, "t": Tm, "dt": DTm, "f": fF, "G": gF}
    local.update({n: sp.Symbol(n) for n in step_names})
    state_syms = {v: sp.Symbol(v, real=True) for v in variables}
    dW = {xi: sp.sqrt(DT) * randn_(sp.Integer(s)) for xi, s in noise_streams.items()}

    def instantiate(arg: sp.Expr, v: str) -> sp.Expr:
        """A description expression (in x, k...) for the variable v."""
        repl = {X: state_syms[v], Tm: T, DTm: DT}
        repl.update({sp.Symbol(n): sp.Symbol(f"_{n}_{v}") for n in step_names})
        return arg.xreplace(repl)

    def apply(expr: sp.Expr, v: str) -> sp.Expr:
        def call(fn, A, Tt):
            point = {state_syms[w]: instantiate(A, w) for w in variables}
            point[T] = instantiate(Tt, v)
            if fn is fF:
                return f[v].xreplace(point)
            total = sp.Integer(0)
            for xi, coeff in g[v].items():
                total += coeff.xreplace(point) * dW[xi]
            return total

        def visit(e):
            if isinstance(e, sp.Function) and e.func in (fF, gF):
                return call(e.func, e.args[0], e.args[1])
            if e.args:
                return e.func(*[visit(a) for a in e.args])
            return instantiate(e, v)

        return visit(expr)

    out = []
    for name, text in method.steps:
        template = parse_expr(text, local_dict=local, evaluate=False)
        for v in variables:
            target = f"_{v}_new" if name == "x_new" else f"_{name}_{v}"
            out.append(Assignment(target, apply(template, v)))
    return out


_PER_NOISE = re.compile(r"\bg\(|\bdW\b")


def _diagonal_noise(g: dict[str, dict[sp.Symbol, sp.Expr]]) -> str | None:
    """Why the noise is not diagonal (one source per equation, each source in one
    equation only), or None if it is."""
    seen: dict[sp.Symbol, str] = {}
    for v, gv in g.items():
        if len(gv) > 1:
            return (f"the equation of '{v}' has {len(gv)} noise sources "
                    f"({', '.join(sorted(str(x) for x in gv))})")
        for xi in gv:
            if xi in seen:
                return f"the noise '{xi}' is in the equations of '{seen[xi]}' and '{v}'"
            seen[xi] = v
    return None


def _explicit_per_noise(method, f: dict[str, sp.Expr],
                        g: dict[str, dict[sp.Symbol, sp.Expr]], variables: list[str],
                        noise_streams: dict[sp.Symbol, int]) -> list[Assignment]:
    """Apply a description written with ``g(x, t)`` and ``dW`` (one noise source at a
    time, Brian2's form): each intermediate step once per (variable, source), so that
    ``_k_v_xi`` is the ``k`` of ``v`` for the source ``xi``; ``x_new`` sums the terms with
    ``g``/``dW`` over the sources and replaces an intermediate result in its other terms
    by its sum over the sources. Without noise the steps are made once per variable with
    ``g`` and ``dW`` zero."""
    from sympy.parsing.sympy_parser import parse_expr

    X, Tm, DTm, dWm = sp.Symbol("x"), sp.Symbol("t"), sp.Symbol("dt"), sp.Symbol("dW")
    fF, gF = sp.Function("f"), sp.Function("g")
    step_names = [name for name, _ in method.steps]
    local = {"x": X, "t": Tm, "dt": DTm, "dW": dWm, "f": fF, "g": gF, "sqrt": sp.sqrt}
    local.update({n: sp.Symbol(n) for n in step_names})
    state_syms = {v: sp.Symbol(v, real=True) for v in variables}
    sources = list(noise_streams) if any(g.values()) else [None]
    dW = {xi: sp.sqrt(DT) * randn_(sp.Integer(s)) for xi, s in noise_streams.items()}
    dW[None] = sp.Integer(0)

    def temp(n: str, v: str, xi) -> sp.Symbol:
        return sp.Symbol(f"_{n}_{v}" if xi is None else f"_{n}_{v}_{xi}")

    def instantiate(arg: sp.Expr, v: str, xi) -> sp.Expr:
        repl = {X: state_syms[v], Tm: T, DTm: DT, dWm: dW[xi]}
        repl.update({sp.Symbol(n): temp(n, v, xi) for n in step_names})
        return arg.xreplace(repl)

    def apply(expr: sp.Expr, v: str, xi) -> sp.Expr:
        def call(fn, A, Tt):
            point = {state_syms[w]: instantiate(A, w, xi) for w in variables}
            point[T] = instantiate(Tt, v, xi)
            if fn is fF:
                return f[v].xreplace(point)
            return g[v].get(xi, sp.Integer(0)).xreplace(point)

        def visit(e):
            if isinstance(e, sp.Function) and e.func in (fF, gF):
                return call(e.func, e.args[0], e.args[1])
            if e.args:
                return e.func(*[visit(a) for a in e.args])
            return instantiate(e, v, xi)

        return visit(expr)

    out = []
    for name, text in method.steps[:-1]:
        template = parse_expr(text, local_dict=local, evaluate=False)
        for v in variables:
            for xi in sources:
                out.append(Assignment(temp(name, v, xi).name, apply(template, v, xi)))
    name, text = method.steps[-1]
    template = sp.expand(parse_expr(text, local_dict=local))
    terms = sp.Add.make_args(template)
    noisy = sp.Add(*[a for a in terms if a.has(gF) or a.has(dWm)])
    plain = sp.Add(*[a for a in terms if not (a.has(gF) or a.has(dWm))])
    summed = {temp(n, w, None): sp.Add(*[temp(n, w, xi) for xi in sources])
              for n in step_names for w in variables}
    for v in variables:
        value = apply(plain, v, None).xreplace(summed)
        value += sp.Add(*[apply(noisy, v, xi) for xi in sources])
        out.append(Assignment(f"_{v}_new", value))
    return out


def _tries(method: str) -> bool:
    """True when ``method`` is a list of candidates (auto, or Brian2's tuple), so that a
    method that does not apply is skipped instead of being an error."""
    return method == "auto" or "," in method


def _choose(method: str, has_noise: bool, multiplicative: bool) -> list[str]:
    if method != "auto":
        return method.split(",")
    if not has_noise:
        return list(AUTO_ORDER_DETERMINISTIC)
    return list(AUTO_ORDER_MULTIPLICATIVE_NOISE if multiplicative
                else AUTO_ORDER_ADDITIVE_NOISE)


def discretize(spec: NeuronSpec, ctx: SympyContext, subexpressions: dict[str, sp.Expr],
               held: dict[str, sp.Expr] | None = None
               ) -> tuple[str, list[Assignment], list[tuple[str, sp.Expr]]]:
    """Integrate the differential equations of ``spec`` over one step dt.

    Returns the method actually used, the update assignments and the writes.
    ``held``: the ``(constant over dt)`` subexpressions, evaluated first and stored."""
    method, assignments, writes = _discretize(spec, ctx, subexpressions)
    if not held:
        return method, assignments, writes
    temps = {sp.Symbol(n, real=True): sp.Symbol(f"_{n}_held", real=True) for n in held}
    # in order: a held subexpression that uses one written before it reads this step's
    # value (as Brian2 evaluates them in order), not the one stored at the last step
    first, earlier = [], {}
    for n, e in held.items():
        first.append(Assignment(f"_{n}_held", e.xreplace(earlier)))
        earlier[sp.Symbol(n, real=True)] = temps[sp.Symbol(n, real=True)]
    assignments = [Assignment(a.target, a.expr.xreplace(temps)) for a in assignments]
    writes = [(v, e.xreplace(temps)) for v, e in writes]
    # a (shared, constant over dt) one is stored once for the group: see shared_writes
    writes += [(n, temps[sp.Symbol(n, real=True)]) for n in held
               if "shared" not in spec.equations[n].flags]
    return method, first + assignments, writes


def _discretize(spec: NeuronSpec, ctx: SympyContext, subexpressions: dict[str, sp.Expr]
                ) -> tuple[str, list[Assignment], list[tuple[str, sp.Expr]]]:
    eqs = spec.equations.of_kind(DIFFERENTIAL)
    variables = [eq.name for eq in eqs]
    if not variables:
        return "none", [], []
    noise_syms = [sp.Symbol(n, real=True) for n in spec.equations.noise_names]
    f: dict[str, sp.Expr] = {}
    g: dict[str, dict[sp.Symbol, sp.Expr]] = {}
    for eq in eqs:
        rhs = _convert(eq.expr, ctx, subexpressions)
        f[eq.name], g[eq.name] = _split_noise(rhs, noise_syms, eq.name)
    has_noise = any(g.values())
    state = [sp.Symbol(v, real=True) for v in variables]
    multiplicative = any(c.has(*state) for gv in g.values() for c in gv.values())
    noise_streams = {}
    for xi in noise_syms:
        noise_streams[xi] = ctx.next_stream
        ctx.streams.append((ctx.next_stream, "randn"))
        ctx.next_stream += 1

    candidates = _choose(spec.method, has_noise, multiplicative)
    where = f"group '{spec.name}'"
    for name in candidates:
        method = "exact" if name == "linear" else name
        if method in ("exact", "exponential_euler"):
            if has_noise:
                if not _tries(spec.method):
                    raise IntegrationError(
                        f"method '{name}' of {where} cannot integrate white noise (xi)",
                        code="E304", hint="use 'euler_maruyama' (additive noise) or "
                                          "'heun'")
                continue
            assignments = (_exact(f, variables) if method == "exact" else
                           _exponential_euler(f, variables,
                                              collect=spec.method != "auto"))
            if assignments is None:
                if not _tries(spec.method):
                    why = ("linear with constant coefficients" if method == "exact"
                           else "linear in each variable (conditionally linear)")
                    raise IntegrationError(
                        f"method '{name}' cannot integrate the equations of {where}: "
                        f"they are not {why}", code="E305",
                        hint="use method='auto' to pick a method that applies, or "
                             "'rk4'/'euler'")
                continue
        else:
            desc = EXPLICIT_METHODS[method]
            if _tries(spec.method) and ((has_noise and not desc.stochastic) or (
                    multiplicative and not desc.multiplicative)):
                continue
            if has_noise and not desc.stochastic:
                raise IntegrationError(
                    f"method '{name}' of {where} cannot integrate white noise (xi)",
                    code="E304", hint="use 'euler_maruyama' or 'heun'")
            diagonal = _diagonal_noise(g) if desc.diagonal else None
            if diagonal is not None:
                if _tries(spec.method):
                    continue
                raise IntegrationError(
                    f"method '{name}' of {where} needs diagonal noise, but {diagonal}",
                    code="E310", hint="use method='heun', or one noise name per equation "
                                      "(xi_1, xi_2, ...)")
            if multiplicative and not desc.multiplicative:
                raise IntegrationError(
                    f"method '{name}' of {where} needs additive noise, but the noise "
                    "coefficient depends on the state", code="E306",
                    hint="use method='heun'")
            assignments = _explicit(method, f, g, variables, noise_streams)
        writes = []
        for eq in eqs:
            new = sp.Symbol(f"_{eq.name}_new", real=True)
            # (unless refractory) means nothing for a group without refractoriness
            if "unless refractory" in eq.flags and spec.refractory_kind != "none":
                value = sp.Piecewise((new, NOT_REFRACTORY), (sp.Symbol(eq.name,
                                                                       real=True), True))
            else:
                value = new
            writes.append((eq.name, value))
        return method, assignments, writes
    raise IntegrationError(f"no integration method applies to {where}", code="E305")


def typed_assignment(equations, target: str, op: str, value: sp.Basic
                     ) -> tuple[str, str, sp.Basic]:
    """A statement ``target op value`` for a variable declared ``integer`` (the result
    truncated towards zero, as Brian2's int32 store does: ``n += 0.5`` leaves n as it
    was, ``n = -2.7`` gives -2) or ``boolean`` (stored as 1 or 0); others unchanged."""
    dtype = equations[target].dtype if target in equations else "float"
    if dtype == "float":
        return target, op, value
    if op != "=":
        x = sp.Symbol(target, real=True)
        value = {"+=": x + value, "-=": x - value, "*=": x * value,
                 "/=": x / value}[op]
    if dtype == "integer":
        return target, "=", int_(value)
    if not isinstance(value, sp.logic.boolalg.Boolean) or isinstance(value, sp.Symbol):
        value = sp.Ne(value, 0, evaluate=False)
    return target, "=", bool_to_float(value)


def check_no_noise(expr: sp.Basic, what: str, where: str) -> None:
    """E311 where named noise (``xi_pop`` of a subexpression) reaches code that is not a
    differential equation: white noise has a meaning only inside an integration step."""
    from ..equations.expressions import NOISE_RE
    noisy = sorted(str(s) for s in expr.free_symbols if NOISE_RE.match(str(s)))
    if noisy:
        raise IntegrationError(
            f"{what} of {where} uses the white noise '{noisy[0]}' (through a "
            "subexpression): noise can only be used in differential equations",
            code="E311", hint="use the subexpression only in dx/dt equations; for a "
                              "random number per step use randn()")


def lower_neuron_group(spec: NeuronSpec) -> GroupKernels:
    """All kernels of a NeuronGroup as sympy, ready for printing."""
    t0 = time.perf_counter()
    ctx = SympyContext(_symbols_for(spec))
    held: dict[str, sp.Expr] = {}
    subexpressions = _subexpressions(spec, ctx, held)
    method, update, writes = discretize(spec, ctx, subexpressions, held)
    where = f"group '{spec.name}'"
    threshold = None
    if spec.threshold is not None:
        node, _ = parse_expression(Snippet.whole(spec.threshold, where))
        threshold = _convert(node, ctx, subexpressions)
        check_no_noise(threshold, "the threshold", where)
    reset = []
    if spec.reset is not None:
        temps: dict[str, sp.Symbol] = {}   # Brian2's temporaries (local variables)
        for target, op, value, _, _ in parse_statements(spec.reset, where):
            reset.append(typed_assignment(
                spec.equations, target, op,
                _convert(value, ctx, {**subexpressions, **temps})))
            check_no_noise(reset[-1][2], "the reset", where)
            if target not in ctx.symbols and target not in subexpressions:
                temps[target] = sp.Symbol(target, real=True)
    refractory = None
    if spec.refractory_kind == REFRACTORY_TIME:
        if spec.refractory == "_refractory":
            duration = sp.Symbol("_refractory", real=True)
        else:
            node, _ = parse_expression(Snippet.whole(spec.refractory, where))
            duration = _convert(node, ctx, subexpressions)
        # Brian2's rule: refractory while timestep(t - lastspike) < timestep(duration)
        from ..equations.sympy_functions import timestep_
        # (written with t/dt as a product, so that 1/dt is computed once per step)
        refractory = sp.StrictLessThan(timestep_((T - LASTSPIKE) * (1 / DT)),
                                       timestep_(duration * (1 / DT)))
    elif spec.refractory_kind == REFRACTORY_CONDITION:
        node, _ = parse_expression(Snippet.whole(spec.refractory, where))
        # Brian2's rule: a neuron only *leaves* refractoriness by the condition
        # (not_refractory = not_refractory or not cond): refractory while it was so at the
        # end of the last step and the condition holds
        refractory = sp.And(sp.Not(NR_PREV), _convert(node, ctx, subexpressions))
    shared_writes = tuple((n, sp.Symbol(f"_{n}_held", real=True)) for n in held
                          if "shared" in spec.equations[n].flags)
    state, shared = [], []
    for eq in spec.equations.equations:
        if eq.kind == SUBEXPRESSION and eq.name not in held:
            continue
        (shared if "shared" in eq.flags else state).append(eq.name)
    if spec.refractory_kind != "none":
        state.append("lastspike")
    logger.debug("lowered %s with %s in %.3f s", spec.name, method,
                 time.perf_counter() - t0)
    return GroupKernels(
        name=spec.name, method=method, update=tuple(update), writes=tuple(writes),
        threshold=threshold, reset=tuple(reset), refractory=refractory,
        # what a monitor records: a held subexpression as computed at the start of the
        # step (Brian2 updates it in 'before_start', before the monitors)
        subexpressions=_Recorded(subexpressions, held), state=tuple(state),
        shared=tuple(shared),
        constants=spec.constants, streams=ctx.next_stream, shared_writes=shared_writes)


class _Recorded(dict):
    """The subexpressions as a monitor records them. A held one that uses held ones
    written before it gets their expressions substituted (they are this step's values
    when it is computed, see :func:`discretize`), on first access only: a long chain of
    held subexpressions is expanded only if it is recorded."""

    def __init__(self, plain: dict, held: dict):
        super().__init__({**plain, **held})
        self.held_order = tuple(held)
        self.expanded: dict = {}

    def __getitem__(self, name):
        value = super().__getitem__(name)
        if name not in self.held_order:
            return value
        if name not in self.expanded:
            earlier = self.held_order[:self.held_order.index(name)]
            subs = {sp.Symbol(n, real=True): self[n] for n in earlier
                    if sp.Symbol(n, real=True) in value.free_symbols}
            self.expanded[name] = value.xreplace(subs) if subs else value
        return self.expanded[name]


__all__ = ["Assignment", "GroupKernels", "discretize", "lower_neuron_group", "PARAMETER"]
