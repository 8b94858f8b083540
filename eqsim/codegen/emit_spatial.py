"""Template context of a SpatialNeuron's cable step (codegen_templates: the 'cable'
blocks): the linearised membrane current printed for both targets, and the slots of the
arrays of the tree solver (Hines' elimination over nodes numbered parents first)."""
from __future__ import annotations

from ..integration.cable import linearise_membrane
from ..integration.discretize import GroupKernels
from ..integration.rewrite import optimise
from .printer import print_c, print_numpy

# arrays of a SpatialNeuron that its cable block reads (bound from the group's arrays)
CABLE_ARRAYS = (("_cab_parent", "int32_t"), ("_cab_g", "double"), ("_cab_node", "int32_t"),
                ("_cab_d", "double"), ("_cab_b", "double"), ("_cab_order", "int32_t"),
                ("_cab_levels", "int32_t"), ("_cab_sizes", "int32_t"))


def _symbols(exprs) -> set[str]:
    out: set[str] = set()
    for e in exprs:
        out |= {s.name for s in e.free_symbols}
    return out


def cable_context(spec, k: GroupKernels, g: dict, lay,
                  distributed: bool = False) -> dict | None:
    """The 'cable' part of group context ``g`` (None for a point-neuron group). Under
    MPI (``distributed``) the same block runs on a rank's own cells (runtime/
    distributed.py binds their trees)."""
    if not getattr(spec, "spatial", False):
        return None
    gtot, i0 = linearise_membrane(k.subexpressions["Im"], f"group '{spec.name}'")
    vector_names = set(k.state) | {"i"}
    scalars, vectors = optimise([("_gtot", gtot), ("_I0", i0)], vector_names,
                                prefix="_c", outputs=frozenset({"_gtot", "_I0"}))
    used = _symbols([e for _, e in scalars + vectors])
    ctx = {a: lay.array(f"{spec.name}/{a}", ctype) for a, ctype in CABLE_ARRAYS}
    return {
        "slots": {a[5:]: slot for a, slot in ctx.items()},   # parent, g, node, d, ...
        "loads": [a for a in g["arrays"] if a["name"] in used],
        "index": "i" in used,
        "c": {"scalars": [(n, print_c(e)) for n, e in scalars],
              "vectors": [(n, print_c(e)) for n, e in vectors]},
        "np": {"scalars": [(n, print_numpy(e)) for n, e in scalars],
               "vectors": [(n, print_numpy(e)) for n, e in vectors]},
    }


__all__ = ["cable_context", "CABLE_ARRAYS"]
