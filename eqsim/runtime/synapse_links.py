"""Linked variables of Synapses (Brian2: ``G : Hz (linked)`` in a synapse model and
``S.G = linked_var(group, 'G')``, as in Zenke et al. 2015's homeostatic STDP example,
where each synapse reads a global factor, a subexpression of another group).

Each linked synaptic variable is an ordinary per-synapse array that eqsim fills from
the linked group's values (a subexpression is evaluated there): two companion Synapses
from the group onto these synapses, each a (summed) variable with one term per synapse,
one at the start of the step (so monitors and clock-driven synaptic equations see the
values at the start of the step) and one just before the spike propagation (so on_pre
and on_post see the values after the groups' update), as Brian2's reads in those slots
do. The network adds the companions when it is built (``companions``)."""
from __future__ import annotations

import ast

import numpy as np

from ..errors import ConfigurationError, DimensionError

# (slot, order) of the copies: before the StateMonitors (start, order 0) and before
# the spike propagation
COPY_SLOTS = (("start", -10), ("before_synapses", 0))


def _inlined(group, name: str, depth: int = 0) -> str:
    """``name`` of ``group`` as an expression over the group's variables read through
    the synapses (``x_pre``); subexpressions are written out, constants kept."""
    eq = group.equations[name] if name in group.equations else None
    if eq is None or eq.kind != "subexpression":
        return f"{name}_pre"
    if depth > 50:
        raise ConfigurationError(f"subexpression '{name}' of group '{group.name}' refers "
                                 "to itself", code="E756")

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node):
            if node.id in group.equations:
                text = _inlined(group, node.id, depth + 1)
                return ast.parse(f"({text})", mode="eval").body
            return node

        def visit_Call(self, node):   # function names stay; their arguments are renamed
            node.args = [self.visit(a) for a in node.args]
            return node

    tree = Rename().visit(ast.parse(eq.expr_text.strip(), mode="eval"))
    return ast.unparse(ast.fix_missing_locations(tree))


def link_synapse_variable(S, name: str, link) -> None:
    """``S.name = linked_var(group, 'x', index=...)``: make the companions that keep the
    per-synapse array ``name`` equal to the group's ``x`` (at ``index``, one source
    index per synapse in Brian2's numbering; none: the group has one neuron or one per
    synapse)."""
    from .groups import group_of, offset_of
    from .schedule import Part
    from .synapses import Synapses
    eq = S.equations[name] if name in S.equations else None
    if eq is None or "linked" not in eq.flags:
        raise ConfigurationError(f"'{name}' of synapses '{S.name}' is not declared "
                                 "(linked)", code="E756",
                                 hint=f"declare it as '{name} : <unit> (linked)'")
    if link.source is None:
        raise ConfigurationError(f"link {S.name}.{name} by name: "
                                 f"linked_var(group, 'variable')", code="E756")
    source, var = link.source
    if link.dim is not None and link.dim != eq.dim:
        raise DimensionError(f"cannot link {S.name}.{name} (in {eq.dim}) to "
                             f"{link.label} (in {link.dim})", code="E204")
    n = len(S)
    from .synapse_chains import numbers_of
    targets = np.arange(n)   # Brian2's numbers of the synapses
    if isinstance(link.index, str):   # Brian2: the name of a per-synapse variable
        if link.index not in S.arrays or link.index.startswith("_") or \
                S.arrays[link.index] is None:
            raise ConfigurationError(f"index='{link.index}' of the link of "
                                     f"{S.name}.{name}: no such synaptic variable",
                                     code="E756")
        index = S.arrays[link.index].copy()   # its values now, in stored order
        targets = np.asarray(numbers_of(S, np.arange(n)))
        if not np.array_equal(index, np.round(index)) or \
                (n and (index.min() < 0 or index.max() >= source.N)):
            raise ConfigurationError(f"index='{link.index}' of the link of "
                                     f"{S.name}.{name} must hold indices into "
                                     f"{link.label}", code="E756")
    elif link.index is None:
        if source.N not in (1, n):
            raise ConfigurationError(
                f"{S.name}.{name} ({n} synapses) is linked to {link.label} of "
                f"{source.N} values", code="E756",
                hint="pass index= (one source index per synapse), as in Brian2")
        index = np.zeros(n, np.int64) if source.N == 1 else np.arange(n)
    else:
        index = np.asarray(link.index)
        if index.shape != (n,) or not np.array_equal(index, np.round(index)) or \
                (n and (index.min() < 0 or index.max() >= source.N)):
            raise ConfigurationError(f"index= of the link of {S.name}.{name} must hold "
                                     f"{n} indices into {link.label}", code="E756")
    group = group_of(source)
    expr = _inlined(group, var)
    unit = eq.unit_text.strip() if eq.unit_text and eq.unit_text.strip() not in (
        "integer", "boolean") else "1"
    companions = []
    for when, order in COPY_SLOTS:
        C = Synapses(group, S, f"{name}_post = {expr} : {unit} (summed)",
                     namespace=group.namespace)
        C.connect(i=index.astype(np.int64) + offset_of(source), j=targets)
        C.__dict__[f"_part_summed_{name}"] = Part("", when, order, "summed variable")
        C._linked_copy = (S, name)
        companions.append(C)
    S.__dict__.setdefault("_links", {})[name] = companions


def companions(objects) -> list:
    """The companion Synapses of the linked variables of the Synapses in ``objects``
    that are not among them yet; a linked variable never linked is E756."""
    out = []
    for S in objects:
        links = S.__dict__.get("_links", {}) if hasattr(S, "_pre_code") else {}
        for eq in (S.equations.equations if hasattr(S, "_pre_code") else ()):
            if "linked" in eq.flags and eq.name not in links:
                raise ConfigurationError(
                    f"the linked variable '{eq.name}' of synapses '{S.name}' was never "
                    "linked", code="E756",
                    hint=f"{S.name}.{eq.name} = linked_var(group, 'variable')")
        for group in links.values():
            out += [C for C in group if C not in objects and C not in out]
    return out


def with_companions(objects) -> list:
    """``objects`` with the companions their Synapses need, without those of Synapses
    no longer among them (taken out with Network.remove)."""
    kept = [o for o in objects if getattr(o, "_linked_copy", None) is None
            or o._linked_copy[0] in objects]
    return kept + companions(kept)


__all__ = ["link_synapse_variable", "companions", "with_companions", "COPY_SLOTS"]
