"""Synapses whose source is another Synapses (Brian2 allows it: the source's per-synapse
variables are read as ``x_pre``, e.g. ``Y_S_post = Y_S_pre : mmolar (summed)`` from
synapses to the astrocytes around them, Stimberg et al. 2018). Such a source emits no
spikes or events, so only code that runs every step (summed variables, clock-driven
equations) reads it; its "neurons" are its synapses, in the order of its arrays."""
from __future__ import annotations

from ..errors import ConfigurationError


def root_group(obj):
    """The NeuronGroup (or Subgroup) at the start of a chain of Synapses, whose clock
    the chain runs on."""
    seen = set()
    while hasattr(obj, "_pre_code") and id(obj) not in seen:   # a Synapses
        seen.add(id(obj))
        obj = obj.source
    return obj


def check_synapses_source(source, on_pre) -> None:
    """What a Synapses source cannot do: trigger on_pre (it has no spikes), or be read
    in double precision when it stores float32."""
    if on_pre:
        raise ConfigurationError(
            f"on_pre needs spikes or events of the source, but the source "
            f"'{source.name}' is a Synapses object, which has none", code="E753",
            hint="read its variables as x_pre in a (summed) variable or in clock-driven "
                 "equations instead")
    if source._spec.float32:
        raise ConfigurationError(
            f"the source synapses '{source.name}' store "
            f"{', '.join(source._spec.float32)} in float32; synapses reading them need "
            "float64 variables", code="E753", hint="drop dtype= from the source")


def bind_synapses_source(S, data) -> None:
    """Point the run data of ``S`` at its source Synapses' arrays and at the clock of
    the group the chain starts from (bound before the synapses)."""
    source = S.source
    if len(S) and getattr(S, "_source_structure", None) != source._structure:
        raise ConfigurationError(
            f"the synapses of '{source.name}' changed after '{S.name}' was connected "
            f"from them, so the synapse numbers '{S.name}' uses are stale", code="E754",
            hint=f"connect '{source.name}' first, then '{S.name}'")
    for var in source._spec_variables():
        key = f"{S.name}/_src/{var}"
        if data.has_array(key):
            data.set_array(key, source.arrays[var])
    from .groups import group_of
    group = group_of(root_group(source))
    for key, value in ((f"{S.name}/_src_every", data.get_i(f"{group.name}/every")),
                       (f"{S.name}/_src_N", len(source))):
        if key in data.unit.iparams:
            data.set_i(key, value)
    if f"{S.name}/_src_dt" in data.unit.dparams:
        data.set_d(f"{S.name}/_src_dt", data.get_d(f"{group.name}/dt"))





# ---- Brian2's synapse numbers ------------------------------------------------------
# eqsim stores synapses sorted by source neuron; Brian2 numbers them in the order they
# were made (connect calls append). The two differ only after several connect() calls
# (or explicit unsorted i): then S.arrays["_number"] holds Brian2's number of each
# stored synapse. Synapses that read or write other synapses (as source or target) are
# connected in Brian2's numbers, so that 'i < 100' means "the first 100 made".

def number_synapses(S, added: int, order) -> None:
    """After ``S._add``: extend the numbers by the ``added`` new synapses (numbered
    after the old ones) and sort them with the arrays (``order``: the stable sort by
    source, None if the arrays needed none)."""
    import numpy as np
    old = S.arrays.get("_number")
    if old is None and order is None:
        return   # stored order is creation order
    n = len(S)
    kind = np.int32 if n < 2**31 - 1 else np.int64   # 4 bytes a synapse, mostly
    if old is None and order is not None and added == n:   # the first synapses:
        S.arrays["_number"] = order.astype(kind, copy=False)   # arange(n)[order] = order
        return
    if old is None:
        old = np.arange(n - added, dtype=kind)
    numbers = np.concatenate([old.astype(kind, copy=False),
                              np.arange(n - added, n, dtype=kind)])
    S.arrays["_number"] = numbers if order is None else numbers[order]


def storage_of(obj, numbers):
    """Positions in ``obj``'s arrays of the synapses with Brian2's ``numbers`` (groups
    and synapses stored in creation order: the numbers themselves)."""
    import numpy as np
    arrays = getattr(obj, "arrays", {})
    if not hasattr(obj, "_pre_code") or arrays.get("_number") is None:
        return numbers
    numbers_ = arrays["_number"]
    inverse = np.empty(len(numbers_), np.int64)
    inverse[numbers_] = np.arange(len(numbers_))
    return inverse[np.asarray(numbers, np.int64)].astype(np.asarray(numbers).dtype,
                                                         copy=False)


def numbers_of(obj, storage):
    """Brian2's numbers of the synapses at positions ``storage`` of ``obj``."""
    arrays = getattr(obj, "arrays", {})
    if not hasattr(obj, "_pre_code") or arrays.get("_number") is None:
        return storage
    return arrays["_number"][storage]
__all__ = ["root_group", "check_synapses_source", "bind_synapses_source", "number_synapses",
           "storage_of", "numbers_of"]
