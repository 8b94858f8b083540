"""Synapses -> template context: queue, delivery bodies of on_pre/on_post, summed
variables, printed for C and numpy (the loops live in the templates)."""
from __future__ import annotations

from ..equations.specs import SynapseSpec
from ..equations.sympy_functions import RANDOM_FUNCTIONS
from ..integration.synaptic import SynapseKernels
from .printer import c_name, print_c, print_numpy


def _names(exprs) -> set[str]:
    out: set[str] = set()
    for e in exprs:
        out |= {s.name for s in e.free_symbols}
    return out


def _loads(used, slots: dict, suffix: str) -> list[dict]:
    """Loads of the source's (``_pre``) or target's (``_post``) variables the code uses;
    a (shared) variable is read at index 0 (``slots`` holds ``(slot, shared)``)."""
    cut = len(suffix)
    return [{"name": n, "local": n, "slot": slots[n[:-cut]][0], "shared": slots[n[:-cut]][1]}
            for n in sorted(used) if n.endswith(suffix) and n[:-cut] in slots]


def _slots(group: dict) -> dict:
    """(slot, shared) of each variable of a group's context, by name."""
    out = {a["name"]: (a["slot"], False) for a in group["arrays"]}
    out.update({v["name"]: (v["slot"], True) for v in group.get("shared", ())})
    return out


def _pathway(k: SynapseKernels, statements, syn_arrays, pre_slots, post_slots) -> dict:
    """Loads, statements and stores of one pathway (on_pre or on_post) per synapse."""
    exprs = [e for _, _, e in statements] + [e for _, e in k.event_driven]
    used = _names(exprs) | {t for t, _, _ in statements}
    if k.event_driven:
        used |= {v for v, _ in k.event_driven} | {"lastupdate"}
    targets = {t for t, _, _ in statements} | (
        {v for v, _ in k.event_driven} | {"lastupdate"} if k.event_driven else set())
    syn = [a for a in syn_arrays if a["name"] in used]
    pre, post = _loads(used, pre_slots, "_pre"), _loads(used, post_slots, "_post")
    post_names = {p["name"] for p in post}
    # temporaries ('x = expr' for a name that is no variable): local variables
    variables = ({a["name"] for a in syn_arrays} | {f"{n}_pre" for n in pre_slots} |
                 {f"{n}_post" for n in post_slots} | {"lastupdate"})
    temps = sorted({t for t, _, _ in statements} - variables)
    fast = (not k.event_driven and all(
        op == "+=" and t.endswith("_post") and not (_names([e]) & (post_names | targets))
        for t, op, e in statements))
    return {
        "syn_loads": syn, "pre_loads": pre, "post_loads": post,
        "syn_stores": [a for a in syn if a["name"] in targets],
        "pre_stores": [p for p in pre if p["name"] in targets],
        "post_stores": [p for p in post if p["name"] in targets],
        "uses_i": "i" in used, "uses_j": "j" in used,
        "event_c": [print_c(e) for _, e in k.event_driven],
        "event_np": [print_numpy(e) for _, e in k.event_driven],
        "event_vars": [c_name(v) for v, _ in k.event_driven],
        "temps": [c_name(t) for t in temps],
        "c": [(c_name(t), op, print_c(e)) for t, op, e in statements],
        "np": [(t, op[:-1] or None, print_numpy(e)) for t, op, e in statements],
        "fast": fast,
        "writes_pre": any(t.endswith("_pre") for t, _, _ in statements),
        # threads may split the delivery by target neuron only if a synapse touches
        # nothing but its own variables and its target's
        "parallel": not pre,
    }


def _clamp(path: dict, src: dict, tgt: dict) -> dict:
    """Brian2 drops a synaptic write to a variable (unless refractory) of a neuron that is
    refractory: such stores get the slot of the neuron's not_refractory flags as a mask
    (and leave numpy's unmasked np.add.at path)."""
    for stores, group, cut in ((path["pre_stores"], src, 4), (path["post_stores"], tgt, 5)):
        slots = {a["name"]: a["slot"] for a in group.get("arrays", ())}
        clamped = set(group.get("clamped", ()))
        for a in stores:
            a["mask_slot"] = (slots.get("not_refractory") if a["name"][:-cut] in clamped
                              else None)
    if any(a["mask_slot"] is not None for a in path["post_stores"]):
        path["fast"] = False
    return path


def _clock_driven(k: SynapseKernels, syn_arrays, pre_slots, post_slots) -> dict:
    """The per-synapse state update of clock-driven equations (every step)."""
    from ..integration.rewrite import optimise
    written = {a["name"] for a in syn_arrays}
    vector = written | {f"{n}_pre" for n in pre_slots} | {f"{n}_post" for n in post_slots}
    vector |= {"i", "j"}
    scalars, vectors = optimise(list(k.update), vector, prefix="_su")
    writes = [(n, e) for n, e in vectors if n in written]
    temps = [(n, e) for n, e in vectors if n not in written]
    used = _names([e for _, e in scalars + vectors])
    return {
        "syn_loads": [a for a in syn_arrays if a["name"] in used],
        "pre_loads": _loads(used, pre_slots, "_pre"),
        "post_loads": _loads(used, post_slots, "_post"),
        "uses_i": "i" in used, "uses_j": "j" in used,
        "c": {"scalars": [(c_name(n), print_c(e)) for n, e in scalars],
              "vectors": [(c_name(n), print_c(e)) for n, e in temps],
              "writes": [(n, print_c(e)) for n, e in writes]},
        "np": {"scalars": [(n, print_numpy(e)) for n, e in scalars],
               "vectors": [(n, print_numpy(e)) for n, e in temps],
               "writes": [(n, print_numpy(e)) for n, e in writes]},
        "method": k.method,
    }


def _synapses_target(spec: SynapseSpec, lay) -> dict:
    """The target of synapses that act on other synapses, seen as a group whose
    "neurons" are the target's synapses (its arrays are bound under this object's
    keys at run time). It emits no spikes, so only on_pre code reads it."""
    arrays = [{"name": v, "c": c_name(v), "ctype": "double",
               "slot": lay.array(f"{spec.name}/_tgt/{v}", "double")}
              for v, _ in spec.post_vars]
    return {"name": spec.target, "arrays": arrays, "synapses": True,
            "N_slot": lay.iparam(f"{spec.name}/_tgt_N")}   # for (summed) variables


def _synapses_source(spec: SynapseSpec, lay) -> dict:
    """The source of synapses whose source is another Synapses, seen as a group whose
    "neurons" are the source's synapses. It emits no spikes: it is read every step (by
    summed variables and clock-driven equations), on the clock of the group the chain
    of synapses starts from (bound at run time under this object's keys)."""
    arrays = [{"name": v, "c": c_name(v), "ctype": "double",
               "slot": lay.array(f"{spec.name}/_src/{v}", "double")}
              for v, _ in spec.pre_vars]
    return {"name": spec.source, "arrays": arrays, "synapses": True,
            "N_slot": lay.iparam(f"{spec.name}/_src_N"),
            "every_slot": lay.iparam(f"{spec.name}/_src_every"),
            "dt_slot": lay.dparam(f"{spec.name}/_src_dt")}


def _timed_slots(spec: SynapseSpec, lay) -> list[dict]:
    """The TimedArrays the synapses' code calls (numbered in name order, as printed)."""
    return [{"k": k, "slot": lay.array(f"{spec.name}/_ta_{e.name}", "double"),
             "n_slot": lay.iparam(f"{spec.name}/_ta_{e.name}_n"),
             "cols_slot": lay.iparam(f"{spec.name}/_ta_{e.name}_cols"),
             "dt_slot": lay.dparam(f"{spec.name}/_ta_{e.name}_dt")}
            for k, e in enumerate(x for x in spec.externals if x.kind == "function")]


def _prefix(path: str) -> str:
    """Key prefix of a pathway's run data ("" for the plain on_pre / on_post)."""
    return "" if path in ("pre", "post") else f"_pw_{path}/"


def _ordered_pathways(k: SynapseKernels) -> list[tuple]:
    """Every pathway as (name, kind, statements, delay kind) in Brian2's order: those
    driven by presynaptic spikes, then by postsynaptic ones, each sorted by name."""
    paths = list(k.pathways)
    if k.on_pre:
        paths.append(("pre", "pre", k.on_pre, k.delay_kind))
    if k.on_post:
        paths.append(("post", "post", k.on_post, "none"))
    return sorted(paths, key=lambda p: (p[1] != "pre", p[0]))


def _delay_types(delay_kind: str) -> tuple[str, str | None] | None:
    """(C type of the delays, of the in-row order or None) of a per-synapse delay kind
    ``per_synapse/<delay type>/<order type or ->`` (runtime/compact_delays.py); None
    for one delay."""
    if not delay_kind.startswith("per_synapse"):
        return None
    _, dtype, otype = (delay_kind + "/int32_t/int32_t").split("/")[:3]
    return dtype, None if otype == "-" else otype


def _pathway_slots(lay, key: str, kind: str, delay_kind: str) -> dict:
    """Run data of one pathway: the spike queue and delays (pre), or the synapses
    grouped by target neuron (post)."""
    types = _delay_types(delay_kind)
    if kind == "post":
        return {"ptr_slot": lay.array(f"{key}_post_ptr", "int64_t"),
                "order_slot": lay.array(f"{key}_post_order", "int32_t")}
    return {
        "ptr_slot": lay.array(f"{key}_pre_ptr", "int64_t"),
        "q_pre_slot": lay.array(f"{key}_q_pre", "int32_t"),
        "q_step_slot": lay.array(f"{key}_q_step", "int64_t"),
        "q_cur_slot": lay.array(f"{key}_q_cur", "int64_t"),
        "head_slot": lay.iparam(f"{key}_q_head"),
        "tail_slot": lay.iparam(f"{key}_q_tail"),
        "cap_slot": lay.iparam(f"{key}_q_cap"),
        "delay_slot": lay.array(f"{key}_delay_steps", types[0]) if types else None,
        "order_slot": lay.array(f"{key}_order", types[1]) if types and types[1] else None,
        "delay_ctype": types[0] if types else None,
        "order_ctype": types[1] if types else None,
        "delay_islot": lay.iparam(f"{key}_delay_steps"),
    }


def synapse_context(spec: SynapseSpec, k: SynapseKernels, sid: int, lay,
                    groups: dict[str, dict]) -> dict:
    name = spec.name
    src = groups.get(spec.source) or _synapses_source(spec, lay)
    tgt = groups.get(spec.target) or _synapses_target(spec, lay)
    syn_arrays = []
    for v in k.variables:
        ctype = "float" if v in spec.float32 else "double"
        syn_arrays.append({"name": v, "c": c_name(v), "ctype": ctype,
                           "slot": lay.array(f"{name}/{v}", ctype)})
    pre_slots, post_slots = _slots(src), _slots(tgt)
    ctx = {
        "name": name, "sid": sid, "src": src, "tgt": tgt, "syn_arrays": syn_arrays,
        "pre_slot": lay.array(f"{name}/_pre", "int32_t"),
        "post_slot": lay.array(f"{name}/_post", "int32_t"),
        "N_slot": lay.iparam(f"{name}/N"),
        "pre_off_slot": lay.iparam(f"{name}/_pre_off"),
        "pre_n_slot": lay.iparam(f"{name}/_pre_n"),
        "post_off_slot": lay.iparam(f"{name}/_post_off"),
        "post_n_slot": lay.iparam(f"{name}/_post_n"),
        "key0_slot": lay.iparam(f"{name}/key0"), "key1_slot": lay.iparam(f"{name}/key1"),
        "constants": [{"name": c, "c": c_name(c), "slot": lay.dparam(f"{name}/{c}")}
                      for c in k.constants],
        "per_synapse": k.delay_kind.startswith("per_synapse"),
        "timed": _timed_slots(spec, lay),
        "pre": None, "post": None, "summed": [],
    }
    ctx["pres"], ctx["posts"] = [], []
    for path, kind, statements, delay_kind in _ordered_pathways(k):
        p = _clamp(_pathway(k, statements, syn_arrays, pre_slots, post_slots), src, tgt)
        p.update(_pathway_slots(lay, f"{name}/{_prefix(path)}", kind, delay_kind))
        p.update({"name": path, "kind": kind, "prefix": _prefix(path),
                  "fn": kind if path == kind else f"{kind}_{path}",
                  "per_synapse": delay_kind.startswith("per_synapse")})
        ctx[f"{kind}s"].append(p)
        if path == kind:   # the plain on_pre / on_post
            ctx[kind] = p
    if k.update:
        ctx["clock"] = _clock_driven(k, syn_arrays, pre_slots, post_slots)
    else:
        ctx["clock"] = None
    for var, expr in k.summed:
        used = _names([expr])
        ctx["summed"].append({
            "target": var, "target_slot": post_slots[var][0],
            "syn_loads": [a for a in syn_arrays if a["name"] in used],
            "pre_loads": _loads(used, pre_slots, "_pre"),
            "post_loads": _loads(used, post_slots, "_post"),
            "uses_i": "i" in used, "uses_j": "j" in used,
            "c": print_c(expr), "np": print_numpy(expr)})
    # the C code reads the source index of a synapse only outside the spike delivery
    # (which takes it from the queue); otherwise Synapses need not keep it expanded
    ctx["needs_pre"] = any(p and (p["uses_i"] or p["pre_loads"])
                           for p in [*ctx["posts"], ctx["clock"], *ctx["summed"]])
    ctx["not_distributable"] = _not_distributable(k, ctx)
    return ctx


def synapse_statemon_context(m: dict, s: dict) -> dict:
    """A StateMonitor of synapses that also records source or target variables
    (``v_post``, ``v_pre``): their loads through the synapse's indices."""
    used = {v["name"] for v in m["vars"]}
    m["pre_loads"] = _loads(used, _slots(s["src"]), "_pre")
    m["post_loads"] = _loads(used, _slots(s["tgt"]), "_post")
    if m["pre_loads"]:
        s["needs_pre"] = True   # the expanded source index is read
    return m


def _not_distributable(k: SynapseKernels, ctx: dict) -> list[str]:
    """What keeps these synapses from running split across MPI ranks (each rank holds
    the synapses onto its own neurons and no state of other ranks' neurons)."""
    reasons = []
    if ctx["tgt"].get("synapses"):
        reasons.append("their target is another Synapses object")
    if ctx["src"].get("synapses"):
        reasons.append("their source is another Synapses object")
    if k.pathways:
        reasons.append("they have named pathways (on_pre/on_post dicts)")
    parts = [*ctx["pres"], *ctx["posts"], ctx["clock"]]
    if any(p and p["pre_loads"] for p in parts):
        reasons.append("they use presynaptic neuron variables (x_pre)")
    if any(m["pre_loads"] for m in ctx["summed"]):
        reasons.append("a (summed) variable uses presynaptic neuron variables")
    exprs = [e for _, _, e in list(k.on_pre) + list(k.on_post)]
    exprs += [e for _, _, st, _ in k.pathways for _, _, e in st]
    exprs += [e for _, e in k.update] + [e for _, e in k.event_driven]
    if any(e.atoms(*RANDOM_FUNCTIONS) for e in exprs if hasattr(e, "atoms")):
        reasons.append("their statements draw random numbers (keyed by synapse index)")
    return reasons


__all__ = ["synapse_context", "synapse_statemon_context"]
