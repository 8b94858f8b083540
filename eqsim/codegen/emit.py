"""Kernels (sympy) -> source text for both backends, plus the layout of runtime data.

:func:`emit` prints every kernel of a network with the C and the numpy printer and
renders ``codegen_templates/c/network.c.j2`` and ``codegen_templates/numpy/network.py.j2``.
The result, a :class:`SourceUnit`, also says which array, double and integer the
generated code expects at which position; values (N, parameters, dt) are passed at run
time, so they never change the source.
"""
from __future__ import annotations

import json
import logging
import time
from types import SimpleNamespace

import sympy as sp

from .. import rng
from ..equations.specs import NeuronSpec, SpikeMonitorSpec, StateMonitorSpec
from ..integration.discretize import NOT_REFRACTORY, GroupKernels, check_no_noise
from ..integration.rewrite import optimise
from ..equations.sympy_functions import RANDOM_FUNCTIONS
from ..errors import CodegenError
from .printer import c_name, print_c, print_numpy, random_block_name
from .templates import render
from .emit_synapses import synapse_context, synapse_statemon_context
from .emit_spatial import cable_context
from .emit_schedule import (code_contexts, eventmon_context, schedule_entries,
                            synapse_event_slots, unit_schedule)
from .schedule import DEFAULT_SCHEDULE
from .unit import RUN_BUFFER_FULL, RUN_DONE, RUN_NOT_FINITE, ArraySlot, SourceUnit

logger = logging.getLogger(__name__)

class _Layout:
    def __init__(self):
        self.arrays: list[ArraySlot] = []
        self.dparams: list[str] = []
        self.iparams: list[str] = []

    def array(self, key: str, ctype: str) -> int:
        self.arrays.append(ArraySlot(key, ctype))
        return len(self.arrays) - 1

    def dparam(self, key: str) -> int:
        self.dparams.append(key)
        return len(self.dparams) - 1

    def iparam(self, key: str) -> int:
        self.iparams.append(key)
        return len(self.iparams) - 1


def _symbols(exprs) -> set[str]:
    names: set[str] = set()
    for e in exprs:
        if isinstance(e, sp.Basic):
            names |= {s.name for s in e.free_symbols}
    return names


def _printed(statements, printer):
    return [(c_name(n) if printer is print_c else n, printer(e)) for n, e in statements]


def _group_context(spec: NeuronSpec, k: GroupKernels, gid: int, lay: _Layout) -> dict:
    """Everything the templates need for one group, printed for both targets."""
    g = spec.name
    per_neuron = set(k.state) | ({"not_refractory"} if k.refractory is not None else set())
    arrays = [{"name": v, "c": c_name(v), "slot": lay.array(f"{g}/{v}", "double"),
               "ctype": "double"} for v in k.state]
    if k.refractory is not None:
        arrays.append({"name": "not_refractory", "c": "not_refractory",
                       "slot": lay.array(f"{g}/not_refractory", "uint8_t"),
                       "ctype": "uint8_t"})
    links = _linked_arrays(spec, arrays, lay)
    shared = [{"name": v, "c": c_name(v), "slot": lay.array(f"{g}/{v}", "double")}
              for v in k.shared]
    spikes_slot = lay.array(f"{g}/_spikes", "int32_t")
    timed = [{"k": k, "slot": lay.array(f"{g}/_ta_{e.name}", "double"),
              "n_slot": lay.iparam(f"{g}/_ta_{e.name}_n"),
              "cols_slot": lay.iparam(f"{g}/_ta_{e.name}_cols"),
              "dt_slot": lay.dparam(f"{g}/_ta_{e.name}_dt")}
             for k, e in enumerate(x for x in spec.externals if x.kind == "function")]
    constants = [{"name": c, "c": c_name(c), "slot": lay.dparam(f"{g}/{c}")}
                 for c in k.constants]
    ctx = {
        "name": g, "gid": gid, "arrays": arrays, "links": links, "shared": shared,
        "timed": timed,
        "constants": constants, "spikes_slot": spikes_slot,
        "N_slot": lay.iparam(f"{g}/N"), "every_slot": lay.iparam(f"{g}/every"),
        "offset_slot": lay.iparam(f"{g}/offset"), "key0_slot": lay.iparam(f"{g}/key0"),
        "key1_slot": lay.iparam(f"{g}/key1"), "nspikes_slot": lay.iparam(f"{g}/nspikes"),
        "dt_slot": lay.dparam(f"{g}/dt"),
        "refractory": k.refractory is not None,
        "generator": None,
    }
    if spec.generator:
        ctx["generator"] = {"i_slot": lay.array(f"{g}/_gen_i", "int32_t"),
                            "step_slot": lay.array(f"{g}/_gen_step", "int64_t"),
                            "n_slot": lay.iparam(f"{g}/_gen_n"),
                            "period_slot": lay.iparam(f"{g}/_gen_period")}
    vector_names = per_neuron | {"i", "_nr_prev"}

    # state update (refractoriness first, as Brian2 does)
    statements = []
    if k.refractory is not None:
        statements.append(("not_refractory", sp.Not(k.refractory)))
    statements += [(a.target, a.expr) for a in k.update]
    statements += [(v, e) for v, e in k.writes]
    scalars, vectors = optimise(statements, vector_names, prefix="_u")
    written = [v for v, _ in k.writes]
    upd_exprs = [e for _, e in scalars + vectors]
    upd_vector = [(n, e) for n, e in vectors if n not in written and n != "not_refractory"]
    upd_writes = [(n, e) for n, e in vectors if n in written]
    ref_expr = [e for n, e in vectors if n == "not_refractory"]
    used = _symbols(upd_exprs)
    # random numbers of the per-neuron statements are drawn a block of neurons at a time
    calls = sorted({c for _, e in vectors for c in e.atoms(*RANDOM_FUNCTIONS)},
                   key=lambda c: (int(c.args[0]), type(c).__name__))
    random = [{"buffer": random_block_name(c), "kind": type(c).__name__[:-1],
               "stream": int(c.args[0])} for c in calls]

    def cb(statements):
        return [(c_name(n), print_c(e, random_blocks=bool(random))) for n, e in statements]

    ctx["state_update"] = {
        "loads": [a for a in arrays if a["name"] in used and a["name"] != "not_refractory"],
        "index": "i" in used,
        "c": {"scalars": _printed(scalars, print_c), "vectors": cb(upd_vector),
              "writes": [(n, code, j) for j, (n, code) in enumerate(cb(upd_writes))],
              "refractory": print_c(ref_expr[0]) if ref_expr else None,
              "random": random},
        "np": {"scalars": _printed(scalars, print_numpy),
               "vectors": _printed(upd_vector, print_numpy),
               "writes": [(n, print_numpy(e), j) for j, (n, e) in enumerate(upd_writes)],
               "refractory": print_numpy(ref_expr[0]) if ref_expr else None},
        "written": [n for n, _ in upd_writes],
        "shared_writes": _shared_writes(k, shared, scalars),
    }
    # threshold
    if k.threshold is not None:
        scalars, vectors = optimise([("_cond", k.threshold)], vector_names, prefix="_t",
                                    outputs=frozenset({"_cond"}))
        used = _symbols([e for _, e in scalars + vectors])
        ctx["threshold"] = {
            "loads": [a for a in arrays if a["name"] in used],
            "index": "i" in used,
            "c": {"scalars": _printed(scalars, print_c),
                  "vectors": _printed(vectors[:-1], print_c), "cond": print_c(vectors[-1][1])},
            "np": {"scalars": _printed(scalars, print_numpy),
                   "vectors": _printed(vectors[:-1], print_numpy),
                   "cond": print_numpy(vectors[-1][1])},
        }
    else:
        ctx["threshold"] = None
    ctx["counts"] = _counts_context(spec, k, arrays, vector_names, lay)
    # the most spikes the group emits in one step (the room its spike lists need)
    ctx["spike_cap"] = (f"_ip[{ctx['N_slot']}] * _ip[{ctx['counts']['kcap_slot']}]"
                        if ctx["counts"] else f"_ip[{ctx['N_slot']}]")
    # reset: statements in order, each sees the previous ones (no cse across them)
    if k.reset:
        used = _symbols([e for _, _, e in k.reset]) | {t for t, _, _ in k.reset}
        ctx["reset"] = {
            "loads": [a for a in arrays if a["name"] in used],
            "index": "i" in used,
            "stores": [a for a in arrays if a["name"] in {t for t, _, _ in k.reset}],
            # temporaries ('x = expr' for a name that is no variable): local variables
            "temps": sorted({c_name(t) for t, _, _ in k.reset} - {a["c"] for a in arrays}
                            - {c["c"] for c in shared}),
            "c": [(c_name(t), op, print_c(e)) for t, op, e in k.reset],
            "np": [(t, op[:-1] or None, print_numpy(e)) for t, op, e in k.reset],
        }
    else:
        ctx["reset"] = None
    # as in Brian2, a variable (unless refractory) is read-only while its neuron is
    # refractory, for synapses and PoissonInputs too (not for the reset)
    ctx["clamped"] = sorted(e.name for e in spec.equations.equations
                            if "unless refractory" in e.flags) \
        if k.refractory is not None else []
    return ctx


def _counts_context(spec: NeuronSpec, k: GroupKernels, arrays: list[dict],
                    vector_names: set, lay: _Layout) -> dict | None:
    """A PoissonCountGroup (runtime/poisson_counts.py): its threshold is 'mean > 0'; the
    mean count per step, printed for both targets, and the slot of the count cap."""
    if not spec.counts:
        return None
    cond = k.threshold
    if not (isinstance(cond, sp.StrictGreaterThan) and cond.rhs == 0) or \
            cond.lhs.atoms(*RANDOM_FUNCTIONS) or k.refractory is not None or k.reset:
        raise CodegenError(f"group '{spec.name}': spike counts need a threshold "
                           "'mean > 0' without random numbers, no reset and no "
                           "refractoriness", code="E805")
    scalars, vectors = optimise([("_mean", cond.lhs)], vector_names, prefix="_m",
                                outputs=frozenset({"_mean"}))
    used = _symbols([e for _, e in scalars + vectors])
    return {
        "loads": [a for a in arrays if a["name"] in used],
        "index": "i" in used,
        "stream": rng.COUNT_STREAM,
        "kcap_slot": lay.iparam(f"{spec.name}/_kcap"),
        "c": {"scalars": _printed(scalars, print_c),
              "vectors": _printed(vectors[:-1], print_c), "mean": print_c(vectors[-1][1])},
        "np": {"scalars": _printed(scalars, print_numpy),
               "vectors": _printed(vectors[:-1], print_numpy),
               "mean": print_numpy(vectors[-1][1])},
    }


def _shared_writes(k: GroupKernels, shared: list[dict], scalars: list) -> list[dict]:
    """(shared, constant over dt) subexpressions: the value computed once per step (a
    scalar statement of the update) stored in the group's one-element array."""
    out = []
    names = {n for n, _ in scalars}
    for var, value in k.shared_writes:
        if value.name not in names:
            raise CodegenError(f"the shared subexpression '{var}' of group '{k.name}' "
                               "has a value per neuron", code="E123",
                               hint="it may use only shared names")
        slot = next(s["slot"] for s in shared if s["name"] == var)
        out.append({"name": var, "slot": slot, "c": c_name(value.name),
                    "np": value.name})
    return out


def _linked_arrays(spec: NeuronSpec, arrays: list[dict], lay: _Layout) -> list[dict]:
    """Where each array is read: ``[_i]``, or for a ``(linked)`` variable at the source
    index held in an int32 array (the slot's array is the source group's own array, bound
    by the runtime: the value read is the source's current one, never a copy)."""
    links = []
    for a in arrays:
        a["at"], a["np"] = "_i", f"_S.arrays[{json.dumps(a['name'])}]"
        eq = spec.equations[a["name"]] if a["name"] in spec.equations else None
        if eq is not None and "linked" in eq.flags:
            slot = lay.array(f"{spec.name}/_link_{a['name']}", "int32_t")
            links.append({"name": a["name"], "slot": slot})
            a["at"] = f"_lnk_{a['name']}[_i]"
            a["np"] += f"[_S.arrays[{json.dumps('_link_' + a['name'])}]]"
    return links


def _check_no_linked_in_synapses(gctx: list[dict], sctx: list[dict]) -> None:
    """Synapses read and write neuron variables at the neuron's own index: a linked
    variable (read through its index array) is not supported there yet."""
    linked = {}
    for g in gctx:
        for link in g["links"]:
            slot = next(a["slot"] for a in g["arrays"] if a["name"] == link["name"])
            linked[slot] = (g["name"], link["name"])
    for s in sctx:
        parts = [s["pre"], s["post"], s["clock"], *s["summed"]]
        slots = [a["slot"] for p in parts if p for key in ("pre_loads", "post_loads",
                                                           "pre_stores", "post_stores")
                 for a in p.get(key, ())]
        slots += [m["target_slot"] for m in s["summed"]]
        for slot in slots:
            if slot in linked:
                group, var = linked[slot]
                raise CodegenError(
                    f"Synapses '{s['name']}' uses '{var}' of group '{group}', a linked "
                    "variable: not supported in synapses yet", code="E125",
                    hint="refer to the variable of the group it is linked to instead")


def _recorded_expr(k: GroupKernels, var: str) -> sp.Basic:
    if var in k.subexpressions:
        check_no_noise(k.subexpressions[var], f"a StateMonitor of '{var}'",
                       f"group '{k.name}'")
        return k.subexpressions[var]
    if var == "not_refractory":
        return NOT_REFRACTORY
    return sp.Symbol(var, real=True)


def _statemon_context(m: StateMonitorSpec, k: GroupKernels, arrays: list[dict],
                      lay: _Layout) -> dict:
    exprs = [_recorded_expr(k, v) for v in m.variables]
    used = _symbols(exprs)
    return {
        "name": m.name, "source": m.source,
        "loads": [a for a in arrays if a["name"] in used],
        "index": "i" in used,
        "indices_slot": lay.array(f"{m.name}/_indices", "int32_t"),
        "nidx_slot": lay.iparam(f"{m.name}/n_indices"),
        "every_slot": lay.iparam(f"{m.name}/every"),
        "count_slot": lay.iparam(f"{m.name}/count"),
        "capacity_slot": lay.iparam(f"{m.name}/capacity"),
        "vars": [{"name": v, "slot": lay.array(f"{m.name}/{v}", "double"),
                  "c": print_c(e), "np": print_numpy(e)} for v, e in zip(m.variables,
                                                                          exprs)],
    }


def _spikemon_context(m: SpikeMonitorSpec, lay: _Layout) -> dict:
    return {
        "name": m.name, "source": m.source,
        "i_slot": lay.array(f"{m.name}/_i", "int32_t"),
        "step_slot": lay.array(f"{m.name}/_step", "int64_t"),
        "counts_slot": lay.array(f"{m.name}/_counts", "int64_t"),
        "count_slot": lay.iparam(f"{m.name}/count"),
        "capacity_slot": lay.iparam(f"{m.name}/capacity"),
        "rate": m.rate,
        # a rate counts the spikes of neurons [lo, hi) only (all, or a subgroup's)
        "lo_slot": lay.iparam(f"{m.name}/_lo") if m.rate else None,
        "hi_slot": lay.iparam(f"{m.name}/_hi") if m.rate else None,
    }


def _poisson_input_context(p, lay: _Layout, groups: dict) -> dict:
    g = groups[p.target]
    slot = {a["name"]: a["slot"] for a in g["arrays"]}[p.variable]
    return {"name": p.name, "tgt": g, "var_slot": slot,
            "n_slot": lay.iparam(f"{p.name}/n"), "approx_slot": lay.iparam(f"{p.name}/approx"),
            "key0_slot": lay.iparam(f"{p.name}/key0"), "key1_slot": lay.iparam(f"{p.name}/key1"),
            "p_slot": lay.dparam(f"{p.name}/p"), "q0_slot": lay.dparam(f"{p.name}/q0"),
            "w_slot": lay.dparam(f"{p.name}/weight"),
            # a weight that varies with t: one value per step, from step _wbase
            "warr_slot": lay.array(f"{p.name}/_weights", "double"),
            "wbase_slot": lay.iparam(f"{p.name}/_wbase"),
            "wvary_slot": lay.iparam(f"{p.name}/_wvary"),
            # a rate that varies with t (a TimedArray): p, q0, approx per step, from _wbase
            "parr_slot": lay.array(f"{p.name}/_rates", "double"),
            "pvary_slot": lay.iparam(f"{p.name}/_pvary"),
            "start_slot": lay.iparam(f"{p.name}/start"),   # the neurons [start, stop)
            "stop_slot": lay.iparam(f"{p.name}/stop"),     # (a subgroup's, or all)
            "nr_slot": ({a["name"]: a["slot"] for a in g["arrays"]}["not_refractory"]
                        if p.unless_refractory else None)}


def emit(groups: list[tuple[NeuronSpec, GroupKernels]],
         state_monitors: list[StateMonitorSpec],
         spike_monitors: list[SpikeMonitorSpec],
         synapses: list[tuple] = (), poisson_inputs: list = (),
         distributed: bool = False, codes: list[tuple] = (), timing: dict | None = None,
         schedule: tuple[str, ...] = DEFAULT_SCHEDULE,
         synapse_events: dict | None = None) -> SourceUnit:
    """Render the C and numpy sources of a network. ``distributed``: the C loop of an MPI
    rank (steps run in halves around the spike exchange; spikes of groups that drive
    synapses are collected for it and queued by the caller). ``codes``: (GroupCodeSpec,
    CodeKernels) of run_regularly / custom events / run_on_event; ``timing``: (when,
    order) of parts by name, in the slots of ``schedule`` (see codegen/schedule.py)."""
    t0 = time.perf_counter()
    lay = _Layout()
    dt_base_slot = lay.dparam("_network/dt")
    window = {"pos0_slot": lay.iparam("_network/pos0"),
              "pos1_slot": lay.iparam("_network/pos1")}
    phase = ({"resume_slot": lay.iparam("_network/resume"),
              "split_slot": lay.iparam("_network/split")} if distributed else {})
    gctx = [_group_context(spec, k, gid, lay) for gid, (spec, k) in enumerate(groups)]
    by_name = {spec.name: (k, ctx) for (spec, k), ctx in zip(groups, gctx)}
    for (spec, k), g in zip(groups, gctx):   # SpatialNeuron: its cable step (emit_spatial)
        g["cable"] = cable_context(spec, k, g, lay, distributed)
    smons = [_statemon_context(m, by_name[m.source][0], by_name[m.source][1]["arrays"],
                               lay) for m in state_monitors if m.source in by_name]
    spmons = [_spikemon_context(m, lay) for m in spike_monitors if not m.own_slot]
    for g in gctx:
        g["events"] = []
    code_ctx = code_contexts(codes, {g["name"]: g for g in gctx}, lay)
    evmons = [eventmon_context(m, by_name[m.source][0], by_name[m.source][1], lay)
              for m in spike_monitors if m.own_slot]
    for g in gctx:
        g["eventmons"] = [m for m in evmons if m["source"] == g["name"]]
        g["statemons"] = [m for m in smons if m["source"] == g["name"]]
        g["spikemons"] = [m for m in spmons if m["source"] == g["name"]]
        for m in g["spikemons"]:  # room needed per step: one count, or N spikes
            m["need"] = "1" if m["rate"] else g["spike_cap"]
    group_by_name = {g["name"]: g for g in gctx}
    sctx = [synapse_context(spec, k, sid, lay, group_by_name)
            for sid, (spec, k) in enumerate(synapses)]
    _check_no_linked_in_synapses(gctx, sctx)
    if distributed and any(g["links"] for g in gctx):
        name = next(g["name"] for g in gctx if g["links"])
        raise CodegenError(f"group '{name}' has linked variables: not supported in MPI "
                           "runs yet", code="E125", hint="run it on one process")
    for s in sctx:   # pathways triggered by a custom event (on_event=)
        synapse_event_slots(s, (synapse_events or {}).get(s["name"], {}))
    no_subexpressions = SimpleNamespace(subexpressions={})
    for s in sctx:  # StateMonitors of synaptic variables (and x_pre / x_post)
        s["statemons"] = [synapse_statemon_context(
            _statemon_context(m, no_subexpressions, s["syn_arrays"], lay), s)
            for m in state_monitors if m.source == s["name"]]
    pinputs = [_poisson_input_context(p, lay, group_by_name) for p in poisson_inputs]
    for g in gctx:   # MPI: groups whose spikes drive synapses are exchanged
        g["exchange"] = None
        if distributed and any(s["pre"] and s["src"] is g for s in sctx):
            g["exchange"] = {"base_slot": lay.iparam(f"{g['name']}/_x_base")}
    if distributed:
        phase.update(exchange_codes_slot=lay.array("_network/_x_codes", "int64_t"),
                     exchange_count_slot=lay.iparam("_network/_x_count"),
                     exchange_first_slot=lay.iparam("_network/_x_first"),
                     exchange_width_slot=lay.iparam("_network/_x_width"))
    entries = schedule_entries(gctx, sctx, pinputs, code_ctx, evmons, timing, schedule,
                               distributed)
    context = dict(groups=gctx, statemons=smons, spikemons=spmons, synapses=sctx,
                   poisson_inputs=pinputs, distributed=distributed, **phase, **window,
                   schedule=entries, codes=code_ctx, eventmons=evmons,
                   dt_base_slot=dt_base_slot, RUN_DONE=RUN_DONE,
                   RUN_BUFFER_FULL=RUN_BUFFER_FULL, RUN_NOT_FINITE=RUN_NOT_FINITE)
    common_h = render("c/common.h.j2", **rng.c_tables())
    c_source = render("c/network.c.j2", common_h=common_h, **context)
    numpy_source = render("numpy/network.py.j2", **context)
    logger.debug("emitted %d groups in %.3f s", len(groups), time.perf_counter() - t0)
    return SourceUnit(c_source=c_source, numpy_source=numpy_source,
                      arrays=lay.arrays, dparams=lay.dparams, iparams=lay.iparams,
                      methods={**{spec.name: k.method for spec, k in groups},
                               **{spec.name: k.method for spec, k in synapses
                                  if k.method != "none"}},
                      written={g["name"]: g["state_update"]["written"] for g in gctx},
                      pathways={s["name"]: {
                          **{p: [s[p]["fast"], s[p]["writes_pre"]] if s[p] else None
                             for p in ("pre", "post")},
                          "paths": [{"name": p["name"], "kind": p["kind"], "fn": p["fn"],
                                     "prefix": p["prefix"],
                                     "flags": [p["fast"], p["writes_pre"]]}
                                    for p in s["pres"] + s["posts"]],
                          "needs_pre": s["needs_pre"],
                          "not_distributable": s["not_distributable"]} for s in sctx},
                      schedule=unit_schedule(entries))
