"""Template contexts of the schedule: the blocks of a step in Brian2's order, and the
blocks that come with custom events and ``run_regularly``.

:func:`schedule_entries` turns the contexts of groups, synapses, monitors and inputs into
one list of entries, sorted by (slot, order, name) as Brian2 sorts its objects. Each entry
carries the lists the templates loop over, holding only its own piece of work (e.g. the
entry of one pathway of a Synapses holds the synapses' context with only that pathway), so a
block of the templates renders nothing for an entry that is not its own.
"""
from __future__ import annotations

import sympy as sp

from ..equations.sympy_functions import RANDOM_FUNCTIONS, as_shared_random
from .printer import c_name, print_c, print_numpy
from .schedule import DEFAULT_SCHEDULE, Slot

ENTRY_LISTS = ("statemon_groups", "statemon_synapses", "syn_update", "summed",
               "state_updates", "threshold", "pre", "post", "poisson", "reset", "regular", "event",
               "on_event", "eventmon", "cable")


def _names(exprs) -> set[str]:
    out: set[str] = set()
    for e in exprs:
        if isinstance(e, sp.Basic):
            out |= {s.name for s in e.free_symbols}
    return out


def _statements(statements, arrays: list[dict], shared: list[dict] = ()) -> dict:
    scalar, statements = _split_scalar(statements, arrays, shared)
    used = _names([e for _, _, e in statements]) | {t for t, _, _ in statements}
    targets = {t for t, _, _ in statements}
    variables = {a["name"] for a in arrays} | {s["name"] for s in shared}
    return {"loads": [a for a in arrays if a["name"] in used],
            "index": "i" in used,
            "stores": [a for a in arrays if a["name"] in targets],
            # temporaries ('x = expr' for a name that is no variable): local variables
            "temps": sorted({c_name(t) for t in targets - variables} - scalar["locals"]),
            "scalar": scalar if scalar["c"] else None,
            "c": [(c_name(t), op, print_c(e)) for t, op, e in statements],
            "np": [(t, op[:-1] or None, print_numpy(e)) for t, op, e in statements]}


def _split_scalar(statements, arrays: list[dict], shared: list[dict]):
    """run_regularly code that writes (shared) variables, as Brian2 runs it: the writes
    to shared variables and the temporaries with one value for the group (the scalar
    statements, first in the block: the validation checked it) once, then the per-neuron
    statements. In both, a shared variable of the group is a local copy (``_sh_x``),
    stored at index 0 after the scalar statements; random numbers of the scalar
    statements are drawn once for the group (index 0). Returns (scalar part, vector
    statements)."""
    names = {s["name"]: s for s in shared}
    empty = {"c": [], "np": [], "copies": [], "stores": [], "locals": set()}
    if not any(t in names for t, _, _ in statements):
        return empty, list(statements)
    local = {n: f"_sh_{n}" for n in names}
    rename = {}
    for e in [e for _, _, e in statements]:
        for s in e.free_symbols:
            if s.name in local:
                rename[s] = sp.Symbol(local[s.name], **s.assumptions0)
    per_neuron = {a["name"] for a in arrays} | {"i"}
    scalar, vector = [], []
    for t, op, e in statements:
        e = e.xreplace(rename)
        if t in names:
            scalar.append((local[t], op, as_shared_random(e)))
        elif t not in per_neuron and not (_names([e]) & per_neuron) and \
                not e.atoms(*RANDOM_FUNCTIONS):
            scalar.append((t, op, e))       # a temporary with one value for the group
        else:
            if t not in names and not any(a["name"] == t for a in arrays):
                per_neuron.add(t)           # a temporary per neuron
            vector.append((t, op, e))
    used = _names([e for _, _, e in scalar + vector]) | {t for t, _, _ in scalar}
    copies = [{"name": n, "c": c_name(n), "local": local[n]} for n in names
              if local[n] in used]
    written = {t for t, _, _ in scalar}
    return {"c": [(c_name(t), op, print_c(e)) for t, op, e in scalar],
            "np": [(t, op[:-1] or None, print_numpy(e)) for t, op, e in scalar],
            "copies": copies,
            "temps": sorted(c_name(t) for t in written - set(local.values())),
            "stores": [{**names[n], "local": local[n]} for n in names
                       if local[n] in written],
            "locals": {c_name(t) for t in written}}, vector


def event_context(g: dict, event: str, lay) -> dict:
    """Where the indices of an event of group ``g`` are kept in a step (the spikes, or
    an array of their own for a custom event)."""
    if event == "spike":
        return {"name": "spike", "idx_slot": g["spikes_slot"], "n_slot": g["nspikes_slot"]}
    for ev in g["events"]:
        if ev["name"] == event:
            return ev
    raise KeyError(event)


def code_contexts(codes, groups: dict, lay) -> list[dict]:
    """Contexts of run_regularly / custom event / run_on_event code (in that order, so
    that events exist before the code and monitors that use them)."""
    out = []
    rank = {"event": 0, "regular": 1, "on_event": 1}
    for spec, k in sorted(codes, key=lambda c: rank[c[0].kind]):
        g = groups[spec.group]
        ctx = {"name": spec.name, "kind": spec.kind, "group": g["name"], "g": g,
               "constants": [{"name": c, "c": c_name(c), "slot": lay.dparam(
                   f"{spec.name}/{c}")} for c in k.constants]}
        if spec.kind == "event":
            used = _names([k.condition])
            ctx.update({
                "idx_slot": lay.array(f"{g['name']}/_events_{spec.event}", "int32_t"),
                "n_slot": lay.iparam(f"{g['name']}/_n_{spec.event}"),
                "loads": [a for a in g["arrays"] if a["name"] in used],
                "index": "i" in used,
                "cond_c": print_c(k.condition), "cond_np": print_numpy(k.condition)})
            ctx["name"] = spec.event
            ctx["part"] = spec.name
            g["events"].append(ctx)
            continue
        ctx.update(_statements(k.statements, g["arrays"], g["shared"]))
        if spec.kind == "regular":
            ctx["every_slot"] = lay.iparam(f"{spec.name}/every")
        else:
            ctx["event"] = event_context(g, spec.event, lay)
        out.append(ctx)
    return out


def synapse_event_slots(s: dict, events: dict) -> None:
    """Point the pathways of a synapses' template context at the indices of a custom
    event instead of the spikes (kept apart from emit_synapses.py, which knows only
    spikes). ``events``: event by pathway name, else by side ('pre'/'post')."""
    for pw in s.get("pres", []) + s.get("posts", []):
        key = "src" if pw["kind"] == "pre" else "tgt"
        event = events.get(pw["name"], events.get(pw["kind"], "spike"))
        if event == "spike":
            continue
        g = s[key]
        ev = next(e for e in g["events"] if e["name"] == event)
        pw["events_of"] = {key: {**g, "spikes_slot": ev["idx_slot"],
                                 "nspikes_slot": ev["n_slot"]}}


def eventmon_context(m, k, g: dict, lay) -> dict:
    """An EventMonitor (or a SpikeMonitor with variables or a slot of its own)."""
    from .emit import _recorded_expr
    exprs = [_recorded_expr(k, v) for v in m.variables]
    used = _names(exprs)
    return {
        "name": m.name, "source": m.source, "event": event_context(g, m.event, lay),
        "g": g,
        "i_slot": lay.array(f"{m.name}/_i", "int32_t"),
        "step_slot": lay.array(f"{m.name}/_step", "int64_t"),
        "counts_slot": lay.array(f"{m.name}/_counts", "int64_t"),
        "count_slot": lay.iparam(f"{m.name}/count"),
        "capacity_slot": lay.iparam(f"{m.name}/capacity"),
        "loads": [a for a in g["arrays"] if a["name"] in used],
        "index": "i" in used,
        "vars": [{"name": v, "slot": lay.array(f"{m.name}/{v}", "double"),
                  "c": print_c(e), "np": print_numpy(e)} for v, e in zip(m.variables,
                                                                          exprs)],
    }


def _entry(kind: str, slot: Slot, owner: str, index: int = 0, **lists) -> dict:
    e = {"kind": kind, "name": slot.name, "when": slot.when, "order": slot.order,
         "owner": owner, "index": index}
    e.update({k: lists.get(k, []) for k in ENTRY_LISTS})
    return e


def schedule_entries(gctx: list[dict], sctx: list[dict], pinputs: list[dict],
                     codes: list[dict], eventmons: list[dict], timing: dict | None,
                     schedule=DEFAULT_SCHEDULE, distributed: bool = False) -> list[dict]:
    """Every block of a step, sorted as Brian2 sorts its objects. ``timing`` maps the
    name of a part to its (when, order); parts not in it get Brian2's defaults."""
    timing = timing or {}

    def slot(name: str, when: str, order: int = 0) -> Slot:
        w, o = timing.get(name, (when, order))
        return Slot(w, int(o), name)

    entries = []
    for g in gctx:
        gn = g["name"]
        for m in g["statemons"]:
            entries.append(_entry("statemon", slot(m["name"], "start"), m["name"],
                                  statemon_groups=[{**g, "statemons": [m]}]))
        entries.append(_entry("update", slot(f"{gn}_stateupdater", "groups"), gn,
                              state_updates=[g]))
        if g.get("cable"):   # a SpatialNeuron: the cable step after the gates (Brian2's order 1)
            entries.append(_entry("cable", slot(f"{gn}_spatialstateupdater", "groups", 1),
                                  gn, cable=[g]))
        if g["threshold"] or g["generator"]:
            entries.append(_entry("threshold", slot(f"{gn}_spike_thresholder",
                                                    "thresholds"), gn, threshold=[g]))
        if g["reset"]:
            entries.append(_entry("reset", slot(f"{gn}_spike_resetter", "resets"), gn,
                                  reset=[g]))
        for ev in g["events"]:
            entries.append(_entry("event", slot(ev["part"], "after_thresholds"), gn,
                                  event=[{**g, "ev": ev}]))
    for s in sctx:
        sn = s["name"]
        for m in s["statemons"]:
            entries.append(_entry("statemon", slot(m["name"], "start"), m["name"],
                                  statemon_synapses=[{**s, "statemons": [m]}]))
        if s["clock"]:
            entries.append(_entry("syn_update", slot(f"{sn}_stateupdater", "groups"), sn,
                                  syn_update=[{**s, "summed": []}]))
        for k, m in enumerate(s["summed"]):
            entries.append(_entry("summed", slot(f"{sn}_summed_variable_{m['target']}",
                                                 "groups", -1), sn, k,
                                  summed=[{**s, "clock": None, "summed": [m]}]))
        for pw in s["pres"] + s["posts"]:   # one entry per pathway, Brian2's names
            kind = pw["kind"]               # and orders (pre -1, post 1)
            part = {**s, **pw.get("events_of", {}), "pres": [pw] if kind == "pre" else [],
                    "posts": [pw] if kind == "post" else [],
                    "pre": pw if kind == "pre" else None,
                    "post": pw if kind == "post" else None}
            e = _entry(kind, slot(f"{sn}_{pw['name']}", "synapses",
                                  -1 if kind == "pre" else 1), sn, **{kind: [part]})
            e["path"] = pw["name"]
            entries.append(e)
    for p in pinputs:
        entries.append(_entry("poisson", slot(p["name"], "synapses"), p["name"],
                              poisson=[p]))
    for c in codes:
        default = "start" if c["kind"] == "regular" else "after_resets"
        entries.append(_entry(c["kind"], slot(c["name"], default), c["group"],
                              **{c["kind"]: [c]}))
    for m in eventmons:
        entries.append(_entry("eventmon", slot(m["name"], "after_thresholds", 1),
                              m["name"], eventmon=[m]))
    entries.sort(key=lambda e: Slot(e["when"], e["order"], e["name"]).key(schedule))
    if distributed:
        _insert_split(entries, schedule)
    for pos, e in enumerate(entries):
        e["pos"] = pos
    return entries


def _insert_split(entries: list[dict], schedule) -> None:
    """MPI: a step runs in two halves around the spike exchange; the first ends before
    the first spike propagation (all thresholds must come before it)."""
    from ..errors import ConfigurationError
    first = next((k for k, e in enumerate(entries) if e["kind"] in ("pre", "post")),
                 len(entries))
    late = [e["name"] for e in entries[first:] if e["kind"] in ("threshold", "event")]
    if late:
        raise ConfigurationError(
            f"with backend='mpi', {late[0]} must be scheduled before the spike "
            "propagation of synapses", code="E773",
            hint="keep thresholds in a slot before 'synapses'")
    entries.insert(first, _entry("split", Slot("synapses", 0, "_mpi_split"), ""))


def unit_schedule(entries: list[dict]) -> list[dict]:
    """What the runtime keeps of the schedule (kinds, names, slots; no source text)."""
    return [{"kind": e["kind"], "name": e["name"], "when": e["when"],
             "order": e["order"], "owner": e["owner"], "index": e["index"],
             "path": e.get("path")} for e in entries]


__all__ = ["synapse_event_slots", "schedule_entries", "code_contexts", "eventmon_context",
           "event_context", "unit_schedule", "ENTRY_LISTS"]
