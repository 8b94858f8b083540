"""Checks on a parsed model, one rule per function; all problems are collected first.

Each rule returns a list of errors instead of raising, so that a user sees every problem
of a model at once (NESTML's habit). :func:`check_neuron_model` runs them all and returns
a frozen :class:`~eqsim.equations.specs.NeuronSpec`.
"""
from __future__ import annotations

import ast
import numbers
from typing import Any, Mapping

import numpy as np

from ..errors import ConfigurationError, DimensionError, EqsimError, EquationError, \
    EquationErrors
from ..units import DIMENSIONLESS, UNITS, Dimension, Quantity, get_dimension
from .expressions import (BOOLEAN, CONSTANTS, NOISE_DIM, NOISE_RE, SECOND, NameInfo,
                          Snippet, infer_dimension, is_condition, names_in,
                          parse_expression, parse_statements)
from .parse import DIFFERENTIAL, SUBEXPRESSION, Equations
from .specs import (REFRACTORY_CONDITION, REFRACTORY_NONE, REFRACTORY_TIME, ExternalName,
                    NeuronSpec, SynapseSpec)

SPECIAL_NAMES = {
    "t": NameInfo("special", SECOND),
    "dt": NameInfo("special", SECOND),
    "i": NameInfo("index", DIMENSIONLESS, integer=True),
    "N": NameInfo("special", DIMENSIONLESS, integer=True),
    "lastspike": NameInfo("variable", SECOND),
    "not_refractory": NameInfo("variable", BOOLEAN),  # type: ignore[arg-type]
}
METHODS = ("auto", "exact", "linear", "exponential_euler", "euler", "rk2", "rk4",
           "euler_maruyama", "heun", "rk4x2", "milstein")
# Brian2's default when a script names no method: the first of these that applies
BRIAN2_DEFAULT_METHODS = ("exact", "euler", "heun")


def normalise_method(method, where: str, errors: list) -> str:
    """A method name, or a list of names tried in order as Brian2 allows
    (``method=('exact', 'euler')``), as the text kept in specs ("exact,euler")."""
    names = [method] if isinstance(method, str) and "," not in method else (
        method.split(",") if isinstance(method, str) else list(method)
        if isinstance(method, (list, tuple)) and method else [method])
    for m in names:
        if m not in METHODS or (m == "auto" and len(names) > 1):
            errors.append(ConfigurationError(
                f"unknown integration method {m!r} for {where}", code="E301",
                hint="choose one of: " + ", ".join(METHODS) + ", or a list of them "
                     "to try in order"))
            return "auto"
    return ",".join(n.strip() for n in names)


def namespace_dimension(name: str, value: Any, where: str) -> Dimension:
    """The dimension of a namespace value; only scalars are runtime constants."""
    if isinstance(value, Quantity):
        if value.ndim != 0:
            raise ConfigurationError(
                f"namespace value '{name}' of {where} is an array; namespace values are "
                "scalars", code="E117",
                hint=f"declare '{name}' as a parameter in the model ('{name} : "
                     f"{value.dim}') and assign the array to it")
        return value.dim
    if isinstance(value, (numbers.Number, np.number, np.bool_)) and not isinstance(
            value, complex):
        return DIMENSIONLESS
    raise ConfigurationError(
        f"namespace value '{name}' of {where} is a {type(value).__name__}; "
        "expected a number or a quantity such as 10*ms", code="E117")


class Resolver:
    """Looks a name up in the model, the special names, the namespace, then units."""

    def __init__(self, equations: Equations, namespace: Mapping[str, Any], where: str,
                 extra: Mapping[str, NameInfo] | None = None):
        self.model = {eq.name: NameInfo("subexpression" if eq.kind == SUBEXPRESSION
                                        else "variable", eq.dim)
                      for eq in equations.equations}
        self.namespace = namespace
        self.where = where
        self.extra = dict(extra or {})
        self.externals: dict[str, ExternalName] = {}

    def __call__(self, name: str) -> NameInfo | None:
        if name in self.model:
            return self.model[name]
        if name in self.extra:
            return self.extra[name]
        if name in SPECIAL_NAMES:
            return SPECIAL_NAMES[name]
        if NOISE_RE.match(name):
            return NameInfo("noise", NOISE_DIM)
        if name in self.namespace:
            value = self.namespace[name]
            ndim = getattr(value, "timed_array_ndim", None)  # a TimedArray
            if ndim is not None:
                self.externals[name] = ExternalName(name, "function", value.dim, ndim)
                return NameInfo("function", value.dim, ndim)
            dim = namespace_dimension(name, value, self.where)
            self.externals[name] = ExternalName(name, "constant", dim)
            return NameInfo("constant", dim)
        if name in UNITS:
            unit = UNITS[name]
            self.externals[name] = ExternalName(name, "unit", unit.dim, float(unit))
            return NameInfo("unit", unit.dim, float(unit))
        if name in CONSTANTS:
            self.externals[name] = ExternalName(name, "unit", DIMENSIONLESS,
                                                float(CONSTANTS[name]))
            return NameInfo("unit", DIMENSIONLESS, float(CONSTANTS[name]))
        return None


def _dim_text(d) -> str:
    return "a condition (true/false)" if d is BOOLEAN else str(d)


def _expect(eq_name: str, got, want: Dimension, snippet: Snippet, node,
            what: str) -> EqsimError | None:
    if got is BOOLEAN and want.is_dimensionless:
        return None
    if got != want:
        return DimensionError(
            f"{what} is in {_dim_text(got)}, but it should be in {want}",
            snippet.node_location(node), code="E205",
            hint="check the units of each term" + (
                "; a derivative d/dt has the units of its variable per second"
                if "d" in what else ""))
    return None


def rule_equation_dimensions(eqs: Equations, resolve: Resolver) -> list[EqsimError]:
    """Each right-hand side has the units its left-hand side declares."""
    errors: list[EqsimError] = []
    for eq in eqs.equations:
        if eq.expr is None:
            continue
        try:
            got = infer_dimension(eq.expr, eq.snippet, resolve)
        except EqsimError as exc:
            errors.append(exc)
            continue
        if eq.kind == DIFFERENTIAL:
            err = _expect(eq.name, got, eq.dim / SECOND, eq.snippet, eq.expr,
                          f"the right-hand side of d{eq.name}/dt")
        else:
            err = _expect(eq.name, got, eq.dim, eq.snippet, eq.expr,
                          f"the right-hand side of '{eq.name}'")
        if err is not None:
            errors.append(err)
    return errors


def rule_noise_only_in_differential(eqs: Equations) -> list[EqsimError]:
    """White noise ``xi`` may only appear in differential equations; named noise
    (``xi_pop``) also in subexpressions, which are substituted into the differential
    equations that use them (Brian2's rule)."""
    errors: list[EqsimError] = []
    for eq in eqs.of_kind(SUBEXPRESSION):
        for n in ast.walk(eq.expr):
            if isinstance(n, ast.Name) and n.id == "xi":
                errors.append(EquationError(
                    f"white noise '{n.id}' can only appear in a differential equation, "
                    f"not in the subexpression '{eq.name}'", eq.snippet.node_location(n),
                    code="E114", hint="move the noise term into the dx/dt equation, or "
                                      "name it (e.g. 'xi_pop'): named noise may appear "
                                      "in a subexpression"))
    return errors


def rule_no_cyclic_subexpressions(eqs: Equations) -> list[EqsimError]:
    """Subexpressions must not refer to themselves, directly or through others."""
    subs = {eq.name: eq for eq in eqs.of_kind(SUBEXPRESSION)}
    deps = {name: [n for n in names_in(eq.expr) if n in subs] for name, eq in
            subs.items()}
    errors: list[EqsimError] = []
    state: dict[str, int] = {}

    def visit(name, path):
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = path[path.index(name):] + [name]
            eq = subs[name]
            errors.append(EquationError(
                "subexpressions refer to each other in a cycle: " + " -> ".join(cycle),
                eq.snippet.location(0, len(eq.snippet.text)), code="E113"))
            return
        state[name] = 1
        for d in deps[name]:
            visit(d, path + [name])
        state[name] = 2

    for name in subs:
        visit(name, [])
    return errors


def rule_shared_subexpressions(eqs: Equations) -> list[EqsimError]:
    """A (shared) subexpression has one value for the group: it may use only shared
    variables, shared subexpressions, constants and t/dt/N (Brian2's rule); random
    numbers in it would be drawn per neuron in eqsim, so they are refused too."""
    errors: list[EqsimError] = []
    # a linked variable may be linked to a one-neuron group (Brian2 then treats it as
    # shared: Brette & Guigon 2003's example), which is only known at run time
    shared = {eq.name for eq in eqs.equations if "shared" in eq.flags or
              "linked" in eq.flags}
    per_neuron = {eq.name for eq in eqs.equations if eq.name not in shared}
    per_neuron |= {"i", "lastspike", "not_refractory"}
    for eq in eqs.of_kind(SUBEXPRESSION):
        if "shared" not in eq.flags:
            continue
        found = False
        for n in ast.walk(eq.expr):
            bad = None
            if isinstance(n, ast.Name) and n.id in per_neuron:
                bad = (f"the shared subexpression '{eq.name}' refers to '{n.id}', which "
                       "has a value per neuron", "E123")
            elif isinstance(n, ast.Call) and getattr(n.func, "id", "") in (
                    "rand", "randn") and "constant over dt" not in eq.flags:
                bad = (f"the shared subexpression '{eq.name}' draws random numbers: "
                       "add the flag (constant over dt) to draw one per step for the "
                       "group (Brian2 requires it too)", "E124")
            if bad is not None:
                errors.append(EquationError(bad[0], eq.snippet.node_location(n),
                                            code=bad[1],
                                            hint="remove (shared), or use only shared "
                                                 "names in it"))
                found = True
                break
    return errors


def rule_reset_writes_no_shared(text: str, eqs: Equations, where: str
                                ) -> list[EqsimError]:
    """A reset runs for each neuron that spiked: it cannot write a (shared) variable
    (Brian2 refuses it too)."""
    try:
        statements = parse_statements(text, where)
    except EqsimError:
        return []   # reported by check_statements
    return [EquationError(f"the reset writes the shared variable '{target}', which has "
                          "one value for the whole group", snip.node_location(tnode),
                          code="E123", hint="write it from Python between runs")
            for target, _, _, snip, tnode in statements
            if target in eqs and "shared" in eqs[target].flags]


def check_threshold(text: str, resolve: Resolver, where: str,
                    booleans: frozenset[str] = frozenset()) -> list[EqsimError]:
    """A threshold is a condition over existing names (or a ``boolean`` variable)."""
    try:
        node, snip = parse_expression(Snippet.whole(text, where), where)
        dim = infer_dimension(node, snip, resolve)
    except EqsimError as exc:
        return [exc]
    if isinstance(node, ast.Name) and node.id in booleans:
        return []
    if dim is not BOOLEAN or not is_condition(node):
        return [EquationError(f"{where} must be a condition such as 'v > -50*mV'",
                              snip.location(0, len(snip.text)), code="E115")]
    return []


def check_statements(text: str, resolve: Resolver, eqs: Equations, where: str,
                     writable: set[str]) -> list[EqsimError]:
    """Reset-like statements assign to model variables with matching units."""
    try:
        statements = parse_statements(text, where)
    except EqsimError as exc:
        return [exc]
    errors: list[EqsimError] = []
    temps: dict[str, Dimension] = {}   # Brian2's temporaries: 'x = expr' for a new name

    def known(name: str):
        if name in temps:
            return NameInfo("variable", temps[name])
        return resolve(name)

    unused: dict[str, tuple] = {}      # temporaries not read (yet): typos, probably
    for target, op, value, snip, tnode in statements:
        for name in names_in(value):
            unused.pop(name, None)
        if target not in writable and target not in temps and op == "=" and \
                resolve(target) is None:
            try:   # a temporary: its unit is the value's, it lives in this block
                temps[target] = infer_dimension(value, snip, known)
                unused[target] = (snip, tnode)
            except EqsimError as exc:
                errors.append(exc)
            continue
        if target not in writable and target not in temps:
            info = resolve(target)
            kind = "unknown name" if info is None else f"{info.kind} '{target}'"
            errors.append(EquationError(
                f"cannot assign to {kind if info else repr(target) + ' (unknown name)'}",
                snip.node_location(tnode), code="E116",
                hint="statements may assign to the model's variables: " +
                     ", ".join(sorted(writable))))
            continue
        try:
            got = infer_dimension(value, snip, known)
        except EqsimError as exc:
            errors.append(exc)
            continue
        want = known(target).dim
        if op in ("*=", "/="):
            want = DIMENSIONLESS
        err = _expect(target, got, want, snip, value,
                      f"the value assigned to '{target}' ('{snip.segment(value)}')")
        if err is not None:
            errors.append(err)
    for target, (snip, tnode) in unused.items():
        errors.append(EquationError(
            f"cannot assign to '{target}': it is not a variable of the model, and as a "
            "temporary it is never used", snip.node_location(tnode), code="E116",
            hint="statements may assign to the model's variables: " +
                 ", ".join(sorted(writable)) + " (or to a temporary used in a later "
                 "statement of the same block)"))
    return errors


def check_refractory(refractory, resolve: Resolver, where: str,
                     errors: list[EqsimError]) -> tuple[str, str | None]:
    """Classify ``refractory=``: none, a time, or a condition."""
    if refractory is None or refractory is False:
        return REFRACTORY_NONE, None
    if isinstance(refractory, Quantity) or isinstance(refractory, numbers.Number):
        if get_dimension(refractory) != SECOND:
            errors.append(DimensionError(
                f"refractory of {where} must be a time, got {get_dimension(refractory)}",
                code="E206", hint="e.g. refractory=5*ms"))
        return REFRACTORY_TIME, "_refractory"
    if isinstance(refractory, str):
        try:
            node, snip = parse_expression(Snippet.whole(refractory, f"refractory of "
                                                                    f"{where}"))
            dim = infer_dimension(node, snip, resolve)
        except EqsimError as exc:
            errors.append(exc)
            return REFRACTORY_NONE, None
        if dim is BOOLEAN:
            return REFRACTORY_CONDITION, refractory
        if dim != SECOND:
            errors.append(DimensionError(
                f"refractory of {where} must be a time or a condition, '{refractory}' is "
                f"in {dim}", snip.location(0, len(snip.text)), code="E206"))
        return REFRACTORY_TIME, refractory
    errors.append(ConfigurationError(
        f"refractory of {where} must be a time (5*ms), an expression string or a "
        f"condition string, got {type(refractory).__name__}", code="E206"))
    return REFRACTORY_NONE, None


def check_neuron_model(name: str, equations: Equations, threshold: str | None,
                       reset: str | None, refractory, method: str,
                       namespace: Mapping[str, Any]) -> NeuronSpec:
    """Run every rule on a NeuronGroup's model; raise all problems at once."""
    where = f"group '{name}'"
    resolve = Resolver(equations, namespace, where)
    errors: list[EqsimError] = []
    method = normalise_method(method, where, errors)
    errors += rule_equation_dimensions(equations, resolve)
    errors += rule_noise_only_in_differential(equations)
    errors += rule_no_cyclic_subexpressions(equations)
    errors += rule_shared_subexpressions(equations)
    if threshold is not None:
        if not isinstance(threshold, str):
            errors.append(ConfigurationError(f"threshold of {where} must be a string",
                                             code="E115"))
        else:
            errors += check_threshold(threshold, resolve, f"threshold of {where}",
                                      frozenset(eq.name for eq in equations.equations
                                                if eq.dtype == "boolean"))
    # a linked variable belongs to its source group (Brian2 refuses writes to it too)
    writable = {eq.name for eq in equations.equations if eq.kind != SUBEXPRESSION and
                "linked" not in eq.flags}
    if reset is not None:
        if threshold is None:
            errors.append(ConfigurationError(f"{where} has a reset but no threshold",
                                             code="E115"))
        if not isinstance(reset, str):
            errors.append(ConfigurationError(f"reset of {where} must be a string",
                                             code="E116"))
        else:
            errors += check_statements(reset, resolve, equations, f"reset of {where}",
                                       writable)
            errors += rule_reset_writes_no_shared(reset, equations, f"reset of {where}")
    ref_kind, ref_text = check_refractory(refractory, resolve, where, errors)
    if ref_kind != REFRACTORY_NONE and threshold is None:
        errors.append(ConfigurationError(f"{where} has a refractory period but no "
                                         "threshold", code="E206"))
    if errors:
        raise errors[0] if len(errors) == 1 else EquationErrors(errors)
    externals = tuple(sorted(resolve.externals.values(), key=lambda e: e.name))
    if ref_kind == REFRACTORY_TIME and ref_text == "_refractory":
        externals = tuple(sorted(externals + (ExternalName("_refractory", "constant",
                                                           SECOND),),
                                 key=lambda e: e.name))
    return NeuronSpec(name, equations, threshold, reset, ref_kind, ref_text, method,
                      externals)


# ---- synapses ------------------------------------------------------------------------

SYNAPSE_SPECIAL = {
    "t": NameInfo("special", SECOND), "dt": NameInfo("special", SECOND),
    "i": NameInfo("index", DIMENSIONLESS, integer=True),
    "j": NameInfo("index", DIMENSIONLESS, integer=True),
    "N_pre": NameInfo("special", DIMENSIONLESS, integer=True),
    "N_post": NameInfo("special", DIMENSIONLESS, integer=True),
    "lastupdate": NameInfo("variable", SECOND),
}


class SynapseResolver(Resolver):
    """Names in a Synapses model: its own variables, ``x_pre``/``x_post`` of the groups,
    unsuffixed names of the target group (Brian2's implicit ``_post``), the namespace,
    then units."""

    def __init__(self, equations: Equations, namespace, where: str,
                 pre: Mapping[str, Dimension], post: Mapping[str, Dimension],
                 side: Mapping[str, tuple[Dimension, str]] | None = None):
        super().__init__(equations, namespace, where, extra=SYNAPSE_SPECIAL)
        self.model = {eq.name: NameInfo("subexpression" if eq.kind == SUBEXPRESSION
                                        else "variable", eq.dim)
                      for eq in equations.equations if "summed" not in eq.flags}
        self.pre, self.post = dict(pre), dict(post)
        # subexpressions of the groups (``F_pre``): dimension and text in the synapses'
        # names; those used are listed in ``side_used`` (dependencies first)
        self.side = dict(side or {})
        self.side_used: dict[str, str] = {}

    def _side(self, name: str) -> NameInfo:
        dim, text = self.side[name]
        if name not in self.side_used:
            node, snippet = parse_expression(Snippet.whole(
                text, f"{self.where}: the subexpression '{name}' of its group"))
            got = infer_dimension(node, snippet, self)   # registers its external names
            err = _expect(name, got, dim, snippet, node, f"the subexpression '{name}'")
            if err is not None:
                raise err
            self.side_used[name] = text
        return NameInfo("subexpression", dim)

    def __call__(self, name: str) -> NameInfo | None:
        if name in self.side and name not in self.model:
            return self._side(name)
        if f"{name}_post" in self.side and name not in self.model and \
                name not in SPECIAL_NAMES and name not in SYNAPSE_SPECIAL:
            return self._side(f"{name}_post")
        if name in self.model or name in SYNAPSE_SPECIAL:
            return super().__call__(name)
        if name.endswith("_pre") and name[:-4] in self.pre:
            return NameInfo("pre", self.pre[name[:-4]])
        if name.endswith("_post") and name[:-5] in self.post:
            return NameInfo("post", self.post[name[:-5]])
        if name in self.post and name not in SPECIAL_NAMES:
            return NameInfo("post", self.post[name])
        if name in SPECIAL_NAMES:  # t, dt of neurons; i and N mean nothing here
            return None
        return super().__call__(name)


def canonical_name(name: str, resolve: SynapseResolver) -> str:
    """``ge`` -> ``ge_post`` when it is the target's variable (implicit suffix)."""
    info = resolve(name)
    if info is not None and info.kind == "post" and not name.endswith("_post"):
        return f"{name}_post"
    return name


def rule_no_shadowing(eqs: Equations, pre, post, where: str) -> list[EqsimError]:
    """A synaptic variable may not reuse the name of a pre- or postsynaptic variable,
    nor end in _pre/_post (except the target of a summed variable)."""
    errors: list[EqsimError] = []
    for eq in eqs.equations:
        if "summed" in eq.flags:
            continue
        if eq.name in post or eq.name in pre:
            side = "target" if eq.name in post else "source"
            errors.append(EquationError(
                f"synaptic variable '{eq.name}' of {where} shadows a variable of the "
                f"{side} group", Snippet.whole(eqs.text, where).location(0), code="E118",
                hint=f"rename it (e.g. '{eq.name}_syn'); write '{eq.name}_post' or "
                     f"'{eq.name}_pre' to use the group's variable"))
        elif eq.name.endswith(("_pre", "_post")):
            errors.append(EquationError(
                f"synaptic variable '{eq.name}' of {where} ends in _pre/_post, which "
                "refer to the groups' variables", code="E118",
                hint="only a (summed) variable may be named after a group variable"))
    return errors


def rule_summed_targets(eqs: Equations, post, where: str) -> list[EqsimError]:
    """A summed variable writes a parameter of the target group, in its units."""
    errors: list[EqsimError] = []
    for eq in eqs.of_kind(SUBEXPRESSION):
        if "summed" not in eq.flags:
            continue
        base = eq.name[:-5] if eq.name.endswith("_post") else None
        if base is None or base not in post:
            errors.append(EquationError(
                f"summed variable '{eq.name}' of {where} must name a variable of the "
                "target group with the suffix _post", code="E119",
                hint="e.g. 'g_syn_post = g*s : siemens (summed)'"))
        elif post[base] != eq.dim:
            errors.append(DimensionError(
                f"summed variable '{eq.name}' is declared in {eq.dim}, but the target "
                f"variable is in {post[base]}", code="E205"))
    return errors


def check_synapse_model(name: str, equations: Equations, on_pre: str | None,
                        on_post: str | None, delay_kind: str, method: str,
                        namespace: Mapping[str, Any], source: str, target: str,
                        pre: Mapping[str, Dimension], post: Mapping[str, Dimension],
                        pre_writable: set[str], post_writable: set[str],
                        side: Mapping[str, tuple[Dimension, str]] | None = None
                        ) -> SynapseSpec:
    """Run every rule on a Synapses model; raise all problems at once. ``side``: the
    subexpressions of the source and target groups as the synapses may use them
    (``F_pre``: dimension and text with the group's names suffixed)."""
    where = f"synapses '{name}'"
    resolve = SynapseResolver(equations, namespace, where, pre, post, side)
    errors: list[EqsimError] = []
    method = normalise_method(method, where, errors)
    errors += rule_no_shadowing(equations, pre, post, where)
    errors += rule_summed_targets(equations, post, where)
    errors += rule_noise_only_in_differential(equations)
    errors += rule_no_cyclic_subexpressions(equations)
    plain = Equations(equations.text, tuple(eq for eq in equations.equations
                                            if "summed" not in eq.flags), where)
    errors += rule_equation_dimensions(plain, resolve)
    for eq in equations.of_kind(SUBEXPRESSION):
        if "summed" in eq.flags:
            try:
                got = infer_dimension(eq.expr, eq.snippet, resolve)
                err = _expect(eq.name, got, eq.dim, eq.snippet, eq.expr,
                              f"the right-hand side of '{eq.name}'")
                if err is not None:
                    errors.append(err)
            except EqsimError as exc:
                errors.append(exc)
    writable = {eq.name for eq in equations.equations
                if eq.kind != SUBEXPRESSION} | {f"{v}_pre" for v in pre_writable} | {
        f"{v}_post" for v in post_writable} | set(post_writable)
    for label, text in (("on_pre", on_pre), ("on_post", on_post)):
        if text is None:
            continue
        if not isinstance(text, str):
            errors.append(ConfigurationError(f"{label} of {where} must be a string",
                                             code="E116"))
            continue
        errors += check_statements(text, resolve, equations, f"{label} of {where}",
                                   writable)
    if errors:
        raise errors[0] if len(errors) == 1 else EquationErrors(errors)
    externals = tuple(sorted(resolve.externals.values(), key=lambda e: e.name))
    return SynapseSpec(name, source, target, equations, on_pre, on_post, delay_kind,
                       method, externals,
                       tuple(sorted((k, v.key()) for k, v in pre.items())),
                       tuple(sorted((k, v.key()) for k, v in post.items())),
                       side_subexpressions=tuple(resolve.side_used.items()))
