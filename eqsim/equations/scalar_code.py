"""Brian2's rules on writing ``(shared)`` variables from code blocks.

A ``(shared)`` variable has one value for the whole group (stored once, at index 0). In
Brian2 only code that runs once per step for the group may write it: ``run_regularly``
(the state updater's context) — never a reset, the code run on an event, nor a synapse's
``on_pre``/``on_post`` (these run per spiking neuron or per synapse; Brian2 raises
"Writing to scalar variable ... not allowed in this context"). In ``run_regularly`` the
writes to shared variables come before every write to a per-neuron variable or
temporary, and use only names with one value for the group; Brian2 runs them once, then
the per-neuron statements, which see the new values.
"""
from __future__ import annotations

import ast

from ..errors import EqsimError, EquationError, EquationErrors
from .expressions import names_in, parse_statements
from .parse import Equations

#: names a group has per neuron besides its model's variables
PER_NEURON_SPECIALS = frozenset({"i", "lastspike", "not_refractory"})
_RANDOM = ("rand", "randn")


def shared_names(eqs: Equations) -> frozenset[str]:
    """Variables and subexpressions of ``eqs`` with one value for the group."""
    return frozenset(eq.name for eq in eqs.equations if "shared" in eq.flags)


def _draws_random(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) and getattr(n.func, "id", "") in _RANDOM
               for n in ast.walk(node))


def rule_shared_writes(text: str, eqs: Equations, where: str) -> list[EqsimError]:
    """``run_regularly``: writes to shared variables come first (E126) and their values
    use no per-neuron name (E127). A temporary is per neuron if its value uses a
    per-neuron name or draws random numbers (Brian2's rule)."""
    try:
        statements = parse_statements(text, where)
    except EqsimError:
        return []   # reported by check_statements
    shared = shared_names(eqs)
    model = {eq.name for eq in eqs.equations}
    per_neuron = (model - shared) | PER_NEURON_SPECIALS
    errors: list[EqsimError] = []
    vector_write = None
    for target, _, value, snip, tnode in statements:
        used = names_in(value)
        if target in shared:
            if vector_write is not None:
                errors.append(EquationError(
                    f"the shared variable '{target}' is written after '{vector_write}', "
                    "which has a value per neuron", snip.node_location(tnode), code="E126",
                    hint="write the (shared) variables first: they are computed once for "
                         "the group, before the per-neuron statements (Brian2's rule)"))
            bad = next((n for n in used if n in per_neuron), None)
            if bad is not None:
                errors.append(EquationError(
                    f"the shared variable '{target}' cannot take a value that uses "
                    f"'{bad}', which has a value per neuron", snip.node_location(tnode),
                    code="E127", hint="use only shared variables, constants, t and dt "
                                      "in it (Brian2's rule)"))
        elif target not in model:   # a temporary: per neuron or one for the group
            if any(n in per_neuron for n in used) or _draws_random(value):
                per_neuron.add(target)
                vector_write = vector_write or target
        else:
            vector_write = vector_write or target
    return errors


def rule_no_shared_writes(text: str, shared: set[str] | frozenset[str], where: str,
                          context: str) -> list[EqsimError]:
    """Code that runs per neuron or per synapse (``context``) writes no shared variable
    (E128; Brian2 refuses it too)."""
    try:
        statements = parse_statements(text, where)
    except EqsimError:
        return []
    return [EquationError(
        f"{context} writes the shared variable '{target}', which has one value for the "
        "whole group", snip.node_location(tnode), code="E128",
        hint="write it in run_regularly code of its group, or from Python between runs "
             "(Brian2 allows it in no other code)")
        for target, _, _, snip, tnode in statements if target in shared]


def check_synapse_shared_writes(pre_codes: dict, post_codes: dict, eqs: Equations,
                                pre: Equations, post: Equations, where: str) -> None:
    """A synapse's ``on_pre``/``on_post`` code (dicts by pathway name, as normalised by
    runtime/pathways.py) runs per synapse: it writes no shared variable of the synapses,
    the source or the target (E128, all problems raised at once). Reading them is fine
    (a shared variable of a group is read at index 0)."""
    own = {eq.name for eq in eqs.equations}
    shared = set(shared_names(eqs)) | {f"{n}_pre" for n in shared_names(pre)} | {
        f"{n}_post" for n in shared_names(post)} | (set(shared_names(post)) - own)
    errors: list[EqsimError] = []
    for kind, codes in (("pre", pre_codes or {}), ("post", post_codes or {})):
        for path, text in codes.items():
            label = f"on_{kind}" if path == kind else f"on_{kind}['{path}']"
            if isinstance(text, str):
                errors += rule_no_shared_writes(text, shared, f"{label} of {where}",
                                                f"the {label} code of {where}")
    if errors:
        raise errors[0] if len(errors) == 1 else EquationErrors(errors)


__all__ = ["PER_NEURON_SPECIALS", "check_synapse_shared_writes", "rule_no_shared_writes",
           "rule_shared_writes",
           "shared_names"]
