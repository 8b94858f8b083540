"""SONATA circuit -> eqsim groups and synapses, with PointNet's semantics.

* Nodes of ``model_type`` ``point_process``/``point_neuron`` with ``model_template``
  ``nest:<model>`` become :func:`eqsim.models.nest.neuron_group` groups, one per
  (population, model); ``dynamics_params`` (JSON files of ``point_neuron_models_dir``, or
  per-node values in the h5 group) are the NEST parameters, one value per node.
* ``virtual`` nodes become a spike generator per population, playing the spikes of the
  inputs whose node set names the population (the file's population of the same name,
  or its only population). Spike times are placed as NEST's spike_generator with
  ``precise_times`` (PointNet's default) delivers them to grid-based models: in the step
  whose end is the first grid point at or after the time.
* ``biophysical`` nodes are an error unless a point reduction is asked for
  (``point_reduction="iaf_psc_alpha"`` or ``{"model": ..., "params": {...},
  "weight_scale": f}``): every such node then becomes that NEST model with those
  parameters (its NEURON dynamics_params, morphology and sections are not used), edges
  onto it whose synapse is not a NEST model (NEURON's exp2syn) become static synapses
  with weight ``syn_weight * nsyns * weight_scale`` (1000 turns NEURON's µS into the nS
  of a NEST conductance model), and their NEURON synapse dynamics_params are not read.
* Edges: weight = ``syn_weight * nsyns`` (nsyns 1 when absent, as PointNet), ``delay`` in
  ms, synapse model from the edge type's ``model_template`` (``static_synapse`` or
  ``nest:static_synapse``), its dynamics_params (``synaptic_models_dir``) as parameters.
  One :func:`eqsim.models.nest.synapses` object per (source group, target group, model).

Everything is grouped with numpy (unique / masks); there is no loop per node or edge.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import numpy as np

from ..errors import ConfigurationError
from .circuit import NEURON_DIRS, SYNAPSE_DIRS, Circuit
from .errors import SonataError, where
from .spikes import SpikeTrains, read_spikes

log = logging.getLogger(__name__)

POINT_TYPES = ("point_process", "point_neuron", "point_soma")


@dataclass
class Part:
    """One eqsim group made for the nodes ``rows`` of population ``population``."""

    population: str
    model: str               # NEST model name, or "virtual"
    rows: np.ndarray         # population rows, in the group's order
    group: object
    layers: int = 1          # generators: copies that hold coincident spikes
    reduced: bool = False    # biophysical cells run as a point model
    copies: np.ndarray | None = None   # generators: the node of each copy nv + e


@dataclass
class Built:
    """What :func:`build` made: the groups (``parts``), synapses, spike monitors, and for
    every population the part and local index of each node row."""

    circuit: Circuit
    dt_ms: float
    parts: list[Part] = field(default_factory=list)
    synapses: list = field(default_factory=list)
    part_of: dict[str, np.ndarray] = field(default_factory=dict)
    local_of: dict[str, np.ndarray] = field(default_factory=dict)
    spike_monitors: dict[int, object] = field(default_factory=dict)
    state_monitors: list = field(default_factory=list)
    skipped_reports: list = field(default_factory=list)

    def objects(self) -> list:
        return ([p.group for p in self.parts] + list(self.synapses)
                + list(self.spike_monitors.values())
                + [m for _, _, m in self.state_monitors])

    def part(self, population: str, model: str) -> Part:
        for p in self.parts:
            if p.population == population and p.model == model:
                return p
        raise KeyError((population, model))



def _synapses(sp, tp, model: str, i, j, w, d, params: dict, receptor, ename: str,
              where: str, rows=None):
    """nest.synapses for one edge population's block; a source population with
    generator copies (``copies``) adds, for each copy, the edges of its node (in the
    block's order), after the block. ``rows``: sorted sources as their row pointer
    (``i`` None; not with copies)."""
    from ..models import nest
    if rows is None and sp.copies is not None and sp.copies.size:
        edge, slot = _copied_edges(sp.copies, len(sp.rows), i)
        i = np.concatenate([i, (len(sp.rows) + slot).astype(i.dtype)])
        j = np.concatenate([j, j[edge]])
        w = np.concatenate([w, w[edge]]) if np.ndim(w) else w
        d = np.concatenate([d, d[edge]]) if np.ndim(d) else d
        params = {p: (np.concatenate([v, v[edge]]) if np.ndim(v) else v)
                  for p, v in params.items()}
    try:
        return nest.synapses(sp.group, tp.group, model, i=i, j=j, weight=w, delay=d,
                             params=params or None, receptor=receptor,
                             name=_name(ename, sp.group.name, tp.group.name, model),
                             adopt=True, rows=rows)
    except ConfigurationError as exc:
        raise SonataError(f"{where}: {exc.message}", code="E911", hint=exc.hint) from exc

def _copied_edges(copies: np.ndarray, nv: int, i: np.ndarray):
    """(edge, slot): every edge of the block whose source node has generator copies,
    once per copy (``slot`` e: the copy nv + e of node ``copies[e]``), ordered by slot
    and, within a slot, as in the block (vectorised; only the copied edges are
    gathered)."""
    counts = np.bincount(copies, minlength=nv)
    idx = np.flatnonzero((counts > 0)[i])          # the edges of copied nodes (few)
    src = i[idx]
    by_node = np.argsort(copies, kind="stable")    # slots grouped by node, ascending
    first = np.searchsorted(copies[by_node], src)
    reps = counts[src]
    edge = np.repeat(idx, reps)
    nth = np.arange(edge.size) - np.repeat(np.cumsum(reps) - reps, reps)
    slot = by_node[np.repeat(first, reps) + nth]
    order = np.argsort(slot, kind="stable")
    return edge[order], slot[order]


def _name(*parts: str) -> str:
    return re.sub(r"\W", "_", "__".join(parts))


def _reduction(point_reduction):
    if point_reduction is None:
        return None
    if isinstance(point_reduction, str):
        return point_reduction, {}, 1.0
    if isinstance(point_reduction, dict) and "model" in point_reduction and set(
            point_reduction) <= {"model", "params", "weight_scale"}:
        return (str(point_reduction["model"]), dict(point_reduction.get("params", {})),
                float(point_reduction.get("weight_scale", 1.0)))
    raise SonataError("point_reduction must be a NEST model name or {'model': name, "
                      "'params': {...}, 'weight_scale': factor}, got "
                      f"{point_reduction!r}", code="E913")


def _params_for(values: dict[str, np.ndarray], where_: str) -> dict:
    """NEST parameters from per-node dynamics_params: one number when all nodes agree."""
    out = {}
    for key, arr in values.items():
        if arr.dtype.kind not in "iuf":
            bad = next((v for v in arr if not isinstance(v, (int, float))), arr[0])
            raise SonataError(f"{where_}: dynamics_params '{key}' = {bad!r} is not a "
                              "number", code="E911")
        arr = arr.astype(float)
        if np.any(np.isnan(arr)):
            raise SonataError(f"{where_}: dynamics_params '{key}' is given for some nodes "
                              "and missing for others", code="E911")
        out[key] = float(arr[0]) if arr.size and np.all(arr == arr[0]) else arr
    return out


def _first_type_row(pop, rows) -> str:
    t = int(pop._type_rows[rows[0]])
    return (f"{pop.types.path}, row {t + 1} ({pop.types.id_column} "
            f"{int(pop.types.ids[t])})")


def _build_nodes(built: Built, circuit: Circuit, dt, reduction) -> None:
    from ..models import nest
    for pname, pop in circuit.nodes.items():
        n = len(pop)
        part_of = np.full(n, -1, dtype=np.int32)
        local_of = np.zeros(n, dtype=np.int32)   # int32: the synapses' own index type
        mtypes = pop.model_types().astype(str)
        known = np.isin(mtypes, POINT_TYPES + ("virtual", "biophysical"))
        if not known.all():
            row = int(np.flatnonzero(~known)[0])
            raise SonataError(f"{_first_type_row(pop, [row])}: model_type "
                              f"'{mtypes[row]}' of node {int(pop.node_ids[row])} in "
                              f"population '{pname}' is not point_process, virtual or "
                              "biophysical", code="E910")
        bio = mtypes == "biophysical"
        if bio.any() and reduction is None:
            row = int(np.flatnonzero(bio)[0])
            raise SonataError(
                f"{_first_type_row(pop, [row])}: population '{pname}' has "
                f"{int(bio.sum())} biophysical (multicompartment NEURON) node(s); eqsim "
                "runs point neurons only", code="E913",
                hint="pass point_reduction='iaf_psc_alpha' (or {'model': ..., 'params': "
                     "{...}}) to run each such cell as that NEST point model")
        templates = np.full(n, "", dtype=object)
        point = np.isin(mtypes, POINT_TYPES)
        if point.any():
            if not pop.has("model_template"):
                raise SonataError(f"{pop.types.path}: population '{pname}' has point "
                                  "nodes but no model_template column", code="E910")
            given = np.asarray(pop.get("model_template", np.flatnonzero(point)),
                               dtype=object)
            given[np.equal(given, None)] = ""        # NULL: reported below as unknown
            templates[point] = given
        if bio.any():
            templates[bio] = "reduced:" + reduction[0]
        for template in sorted(set(templates[point | bio].tolist())):   # (no object sort)
            rows = np.flatnonzero(templates == template)
            if template.startswith("reduced:"):
                model, params = reduction[0], dict(reduction[1])
            else:
                if not (isinstance(template, str) and template.startswith("nest:")):
                    raise SonataError(f"{_first_type_row(pop, rows)}: model_template "
                                      f"{template!r} is not a NEST point model "
                                      "('nest:<model>')", code="E910",
                                      hint="known: " + ", ".join(nest.NEST_NEURON_MODELS))
                model = template[5:]
                if model not in nest.NEST_NEURON_MODELS:
                    raise SonataError(f"{_first_type_row(pop, rows)}: unknown "
                                      f"model_template '{template}'", code="E910",
                                      hint="known: " + ", ".join(
                                          "nest:" + m for m in nest.NEST_NEURON_MODELS))
                params = _params_for(circuit.dynamics(pop, rows, NEURON_DIRS),
                                     _first_type_row(pop, rows))
            try:
                group = nest.neuron_group(model, len(rows), params,
                                          name=_name(pname, model), dt=dt, shared=True)
            except ConfigurationError as exc:
                raise SonataError(f"{_first_type_row(pop, rows)} (population '{pname}', "
                                  f"{template}): {exc.message}", code="E911",
                                  hint=exc.hint) from exc
            part_of[rows] = len(built.parts)
            local_of[rows] = np.arange(len(rows))
            built.parts.append(Part(pname, model, rows, group,
                                    reduced=template.startswith("reduced:")))
        built.part_of[pname], built.local_of[pname] = part_of, local_of


def _nest_steps(times_ms: np.ndarray, dt_ms: float, precise: bool = True,
                offgrid: bool = False, where_: str = "") -> np.ndarray:
    """The step NEST's spike_generator stamps each time with (times > 0, in ms).

    ``precise`` (``precise_times``, PointNet's default): NEST's ``Time::ms_stamp``, the
    end of the step holding the time: truncated to tics (1 µs), down to the grid, one
    step up if that lies before the time. Otherwise the time rounded to the nearest tic
    must lie on the grid (``allow_offgrid_spikes``: rounded up as ms_stamp does).
    """
    per_step = int(round(dt_ms * 1000.0))
    stamp_tics = np.floor(times_ms * 1000.0).astype(np.int64)
    stamp_tics -= stamp_tics % per_step
    # as NEST computes it: n * TICS_PER_STEP_INV * MS_PER_STEP
    stamp_tics += per_step * (stamp_tics * (1.0 / per_step) * (per_step / 1000.0)
                              < times_ms)
    stamp = stamp_tics // per_step
    if precise:
        return stamp
    tics = np.rint(times_ms * 1000.0).astype(np.int64)
    on_grid = tics % per_step == 0
    if not offgrid and not on_grid.all():
        k = int(np.flatnonzero(~on_grid)[0])
        raise SonataError(f"{where_}: spike time {times_ms[k]} ms is not a multiple of dt "
                          f"= {dt_ms} ms (precise_times is false)", code="E915",
                          hint="set run/allow_offgrid_spikes or precise_times to true")
    return np.where(on_grid, tics // per_step, stamp)


def _bind_inputs(built: Built, circuit: Circuit, dt, inputs: SpikeTrains | None) -> dict:
    """Spike times (ms) per virtual population: {pop: (rows, times)} from the config's
    inputs (or ``inputs`` given directly, by population)."""
    cfg = circuit.config
    found: dict[str, list] = {}
    specs = cfg.inputs if cfg is not None else {}
    for name, spec in specs.items():
        kind = spec.get("input_type", "spikes")
        if kind != "spikes":
            raise SonataError(f"{cfg.path}: input '{name}' has input_type '{kind}'; eqsim "
                              "reads spike inputs only", code="E922")
        if "input_file" not in spec:
            raise SonataError(f"{cfg.path}: input '{name}' has no input_file",
                              code="E916")
        trains = read_spikes(spec["input_file"], spec.get("module"))
        selected = circuit.node_set(spec.get("node_set", "all"))
        for pname, rows in selected.items():
            _add_trains(found, circuit, pname, rows, trains, spec["input_file"], name)
    if inputs is not None:
        for pname in inputs.populations:
            if pname not in circuit.nodes:
                raise SonataError(f"spike inputs for population '{pname}', which the "
                                  "circuit does not have", code="E916")
            _add_trains(found, circuit, pname, np.arange(len(circuit.nodes[pname])),
                        inputs, "<inputs>", "inputs")
    return {p: (np.concatenate([r for r, _ in v]), np.concatenate([t for _, t in v]))
            for p, v in found.items()}


def _add_trains(found, circuit, pname, rows, trains, path, name) -> None:
    pop = circuit.nodes[pname]
    virtual = pop.model_types().astype(str) == "virtual"
    rows = rows[virtual[rows]]
    if rows.size == 0:
        return
    if pname in trains:
        key = pname
    elif len(trains.populations) == 1:
        key = next(iter(trains.populations))
    elif "" in trains.populations:
        key = ""
    else:
        raise SonataError(f"{path} (input '{name}'): no spikes for population '{pname}' "
                          f"(the file has {', '.join(trains.populations)})", code="E916")
    ids, ts = trains[key]
    file_rows = pop.index_of(ids, f"{path}, dataset /spikes/{key}/node_ids")
    keep = np.isin(file_rows, rows)
    bad = keep & ~(ts > 0)
    if np.any(bad):
        k = int(np.flatnonzero(bad)[0])
        raise SonataError(f"{where(path, f'/spikes/{key}/timestamps', k)}: spike time "
                          f"{ts[k]} ms; NEST (PointNet) needs times > 0", code="E915")
    found.setdefault(pname, []).append((file_rows[keep], ts[keep]))


def _build_generators(built: Built, circuit: Circuit, dt, dt_ms: float, bound: dict) -> None:
    from ..models import nest
    for pname, pop in circuit.nodes.items():
        virtual = np.flatnonzero(pop.model_types().astype(str) == "virtual")
        if virtual.size == 0 or pname not in bound:
            continue
        rows, times = bound[pname]
        local = np.searchsorted(virtual, rows)
        run = circuit.config.run if circuit.config is not None else {}
        steps = _nest_steps(times, dt_ms, bool(run.get("precise_times", True)),
                            bool(run.get("allow_offgrid_spikes", False)),
                            f"spike inputs of population '{pname}'")
        # coincident spikes of one node in one step (NEST delivers both): layer k holds
        # the k-th spike of a (node, step), on a copy of the generators
        order = np.lexsort((steps, local))
        local, steps = local[order], steps[order]
        new = np.ones(local.size, bool)
        new[1:] = (local[1:] != local[:-1]) | (steps[1:] != steps[:-1])
        start = np.maximum.accumulate(np.where(new, np.arange(local.size), 0))
        layer = np.arange(local.size) - start
        layers = int(layer.max()) + 1 if layer.size else 1
        nv = virtual.size
        # copies only of the nodes that need them: copy nv + e holds the k-th (k >= 1)
        # spikes of node copies[e], ordered by (k, node) as the layers were
        later = layer > 0
        key = layer[later].astype(np.int64) * nv + local[later]
        copy_keys = np.unique(key)
        index = local.copy()
        index[later] = nv + np.searchsorted(copy_keys, key)
        group = nest.spike_generator(nv + copy_keys.size, index, steps * dt_ms,
                                     name=_name(pname, "virtual"), dt=dt)
        part_of, local_of = built.part_of[pname], built.local_of[pname]
        part_of[virtual] = len(built.parts)
        local_of[virtual] = np.arange(nv)
        built.parts.append(Part(pname, "virtual", virtual, group, layers,
                                copies=copy_keys % nv))


def _edge_rows_msg(ep, row) -> str:
    return where(ep.path, f"{ep.h5prefix}/edge_type_id", row)


def _synapse_models(ep) -> tuple[np.ndarray, np.ndarray]:
    """(code per edge, model names): from the type table (one lookup per edge), or from
    a per-edge dataset when a group holds model_template."""
    if not ep.has("model_template"):
        return np.zeros(ep.size, dtype=np.int64), np.array(["static_synapse"], dtype=object)
    if any("model_template" in cols for cols in ep.groups.values()):
        values = np.asarray(ep.get("model_template"), dtype=object)
    else:
        col = np.asarray(ep.types.columns["model_template"], dtype=object)
        names = np.array(["" if v is None else str(v) for v in col.tolist()], dtype=object)
        names = np.array([n.removeprefix("nest:") for n in names.tolist()],
                         dtype=object)
        models, code = np.unique(names, return_inverse=True)
        return code.ravel().astype(np.int32)[ep._type_rows], models
    values[np.equal(values, None)] = ""
    values = np.char.replace(values.astype(str), "nest:", "")
    models, code = np.unique(values, return_inverse=True)
    return code.ravel(), models.astype(object)


def _one_split(use, spart, tpart, mcode) -> bool:
    """Do all edges go from one part to one part through one synapse model?"""
    return bool(use.all()) and all(int(a.min()) == int(a.max()) for a in
                                   (spart, tpart, mcode))


def _build_edges(built: Built, circuit: Circuit, reduction) -> None:
    from ..models import nest
    for ename, ep in circuit.edges.items():
        spop, tpop = ep.source_population, ep.target_population
        srows = circuit.nodes[spop].index_of(ep.source_ids)
        trows = circuit.nodes[tpop].index_of(ep.target_ids)
        if _build_edges_fast(built, circuit, ename, ep, srows, trows, reduction):
            continue
        spart = built.part_of[spop][srows]
        tpart = built.part_of[tpop][trows]
        tvirtual = tpart < 0
        node_mt = circuit.nodes[tpop].model_types().astype(str)
        # per edge only when the target population has such nodes (no gather otherwise)
        t_virtual = (node_mt == "virtual")[trows] if np.any(node_mt == "virtual") else \
            np.zeros(1, bool)
        bio_t = (node_mt == "biophysical")[trows] if np.any(
            node_mt == "biophysical") else np.zeros(len(trows), bool)
        if np.any(t_virtual):
            row = int(np.flatnonzero(t_virtual)[0])
            raise SonataError(f"{where(ep.path, f'{ep.h5prefix}/target_node_id', row)}: "
                              f"edge onto virtual node {int(ep.target_ids[row])} of "
                              f"'{tpop}' (virtual nodes only send spikes)", code="E909")
        use = (spart >= 0) & ~tvirtual   # sources without input spikes send nothing
        if not np.any(use):
            log.info("edges %s: no source spikes bound, not built", ename)
            continue
        # weights and delays: nothing defaulted
        for col in ("syn_weight", "delay"):
            if not ep.has(col):
                raise SonataError(f"{ep.path} / {ep.types.path}: edge population '{ename}' "
                                  f"has no '{col}' (neither a dataset nor a type column)",
                                  code="E914", hint="eqsim does not default weights or "
                                  "delays")
        if ep.has("weight_function"):
            wf = ep.get("weight_function")
            given = np.array([v is not None for v in wf]) if wf.dtype.kind == "O" else \
                np.zeros(len(wf), bool)
            if given.any():
                row = int(np.flatnonzero(given)[0])
                raise SonataError(f"{_edge_rows_msg(ep, row)}: weight_function "
                                  f"'{wf[row]}' is a Python function of the user's BMTK "
                                  "script; eqsim cannot call it", code="E914",
                                  hint="store the computed weights as syn_weight")
        sw = np.asarray(ep.get("syn_weight"), dtype=float)
        delay = ep.constant("delay")          # one number for every edge: no array
        delay = np.asarray(ep.get("delay") if delay is None else delay, dtype=float)
        for col, arr in (("syn_weight", sw), ("delay", delay)):
            bad = np.isnan(arr)
            if np.any(bad):
                row = int(np.flatnonzero(bad)[0])
                raise SonataError(f"{_edge_rows_msg(ep, row)}: edge {row} has no {col} "
                                  "(NULL in the type table and no dataset)", code="E914")
        nsyns = ep.constant("nsyns") if ep.has("nsyns") else 1.0
        nsyns = np.asarray(ep.get("nsyns")) if nsyns is None else nsyns
        if np.ndim(nsyns) and nsyns.dtype.kind not in "iu":
            nsyns = np.asarray(nsyns, dtype=float)
            nsyns = np.where(np.isnan(nsyns), 1.0, nsyns)
        elif np.ndim(nsyns) and nsyns.size and nsyns.min() == nsyns.max() == 1:
            nsyns = 1.0                       # BMTK's nsyns = 1 of every edge
        weight = sw * nsyns if np.ndim(nsyns) or nsyns != 1.0 else sw
        if reduction is not None:   # edges onto reduced cells: the reduction's scale
            weight = np.where(bio_t, weight * reduction[2], weight)
        # synapse models
        mcode, models = _synapse_models(ep)     # per edge: a code into models
        if reduction is not None:   # NEURON synapses onto reduced cells: static
            non_nest = np.flatnonzero(~np.isin(models, nest.NEST_SYNAPSE_MODELS))
            if non_nest.size:
                models = np.append(models, "static_synapse")
                swap = bio_t & np.isin(mcode, non_nest)
                mcode = np.where(swap, len(models) - 1, mcode)
        known = np.isin(models, nest.NEST_SYNAPSE_MODELS)
        bad = ~known[mcode] & use
        if np.any(bad):
            row = int(np.flatnonzero(bad)[0])
            raise SonataError(f"{_edge_rows_msg(ep, row)}: unknown synapse model_template "
                              f"'{models[mcode[row]]}'", code="E910",
                              hint="known: " + ", ".join(nest.NEST_SYNAPSE_MODELS))
        # split by (source part, target part, model)
        if _one_split(use, spart, tpart, mcode):   # the common case: no keys to split by
            splits = [slice(None)]            # all edges, without an index array
        else:
            key = (spart.astype(np.int64) * (len(built.parts) + 1) + tpart) * len(
                models) + mcode
            used_rows = np.flatnonzero(use)
            used_keys = key[used_rows]
            del key
            splits = (used_rows[used_keys == key_value] for key_value in
                      np.flatnonzero(np.bincount(used_keys)).tolist())   # no sort
        for rows in splits:
            every = isinstance(rows, slice)   # rows = all edges: no gathers
            first = 0 if every else int(rows[0])
            sp, tp = built.parts[spart[first]], built.parts[tpart[first]]
            model = str(models[mcode[first]])
            params = {}
            receptor = None
            if not bio_t[first]:
                dyn = circuit.dynamics(ep, rows, SYNAPSE_DIRS)
                receptor_arr = dyn.pop("receptor_type", None)
                if receptor_arr is not None:
                    receptor = receptor_arr[0]
                params = _params_for(dyn, where(ep.types.path) + f" (edges '{ename}')")
            i = built.local_of[spop][srows if every else srows[rows]]
            j = built.local_of[tpop][trows if every else trows[rows]]
            w = weight if every else weight[rows]
            d = delay if every or not np.ndim(delay) else delay[rows]
            if np.ndim(d) and d.size and d[0] == d.min() == d.max():
                d = float(d[0])               # one delay: no per-synapse array
            S = _synapses(sp, tp, model, i, j, w, d, params, receptor, ename,
                          f"{ep.path} (edges '{ename}', {model}, edge row {first})")
            S._sonata_rows = (ename, rows)
            built.synapses.append(S)


def _one_part(built: Built, pop: str) -> Part | None:
    """The part that holds every node of ``pop`` (in node order), or None."""
    part_of = built.part_of[pop]
    if not part_of.size or part_of[0] < 0 or np.any(part_of != part_of[0]):
        return None
    part = built.parts[int(part_of[0])]
    if part.rows.size != part_of.size or np.any(
            built.local_of[pop] != np.arange(part_of.size)):
        return None
    return part


def _per_type(ep, name: str):
    """A numeric property that only the type table holds: (values per type row, True if
    none of the types the edges use lacks it), else None."""
    if not ep.has(name) or any(name in cols for cols in ep.groups.values()):
        return None
    col = ep.types.columns.get(name)
    if col is None or col.dtype.kind not in "iuf":
        return None
    if not np.any(np.isnan(col.astype(float))):
        return col, True                 # no type lacks it: no look at the edges
    return col, not np.any(np.isnan(col[ep.types_used()].astype(float)))


def _build_edges_fast(built: Built, circuit: Circuit, ename: str, ep, srows, trows,
                      reduction) -> bool:
    """The common edge population, built in source order directly: every source node in
    one group, every target node in one group, one synapse model, weights and delays
    from the type table (or the one group), nsyns the same on every edge. Sorting the
    edges by source first (a counting sort) leaves one gather per per-synapse value,
    without the per-edge arrays of group, model and use. Returns False (nothing built)
    for anything else, which the general path builds, with its checks."""
    from ..models import nest
    from ..runtime.counting_sort import nondecreasing, sort_edges, stable_order
    sp, tp = _one_part(built, ep.source_population), _one_part(built, ep.target_population)
    if sp is None or tp is None or tp.model == "virtual" or tp.layers != 1 or \
            ep.size == 0 or \
            ep.has("weight_function"):
        return False
    if reduction is not None and tp.reduced:
        return False
    if not ep.has("model_template"):
        model = "static_synapse"
    elif any("model_template" in cols for cols in ep.groups.values()):
        return False
    else:
        names = {"" if v is None else str(v).removeprefix("nest:") for v in
                 np.asarray(ep.types.columns["model_template"], dtype=object).tolist()}
        if len(names) != 1:
            return False
        model = names.pop()
    if model not in nest.NEST_SYNAPSE_MODELS or not ep.has("syn_weight") or \
            not ep.has("delay"):
        return False
    # weights: syn_weight (type table, or the one group's dataset) times nsyns
    weight_types = _per_type(ep, "syn_weight")
    if weight_types is None:
        holders = [g for g, cols in ep.groups.items() if "syn_weight" in cols]
        if len(ep.groups) != 1 or len(holders) != 1:
            return False
        gvals = ep.groups[holders[0]]["syn_weight"]
        if gvals.dtype.kind not in "iuf" or np.any(np.isnan(gvals.astype(float))):
            return False                  # the general path reports the row
    elif not weight_types[1]:
        return False                      # NULL weights: the general path reports them
    nsyns = ep.constant("nsyns") if ep.has("nsyns") else 1.0
    if nsyns is None or (isinstance(nsyns, float) and np.isnan(nsyns)):
        return False
    delay = ep.constant("delay")
    delay_types = _per_type(ep, "delay") if delay is None else None
    if delay is None and (delay_types is None or not delay_types[1]):
        return False
    if delay is not None and np.isnan(delay):
        return False
    dyn = circuit.dynamics(ep, slice(None), SYNAPSE_DIRS)
    receptor_arr = dyn.pop("receptor_type", None)
    receptor = receptor_arr[0] if receptor_arr is not None else None
    params = _params_for(dyn, where(ep.types.path) + f" (edges '{ename}')")
    # the source order
    i = srows.astype(np.int32, copy=False)
    j = trows.astype(np.int32, copy=False)
    widx, wtab = (ep._type_rows, weight_types[0]) if weight_types is not None else (
        ep.group_index, gvals)
    wtab = np.asarray(wtab, dtype=float)
    didx, dtab = (None, None) if delay is not None else (
        ep._type_rows, np.asarray(delay_types[0], dtype=float))
    order, fused, rows = None, None, None
    if i.size > 1 and not nondecreasing(i):
        # one pass carries j, the weight and the delay along (a compiled counting sort);
        # the sorted sources as their row pointer (no array of them) unless generator
        # copies need them
        fused = sort_edges(i, len(sp.rows), j, _int32_view(widx), wtab,
                           None if nsyns == 1.0 else float(nsyns),
                           None if didx is None else _int32_view(didx), dtab,
                           want_order=any(np.ndim(v) for v in params.values()),
                           want_keys=sp.copies is not None and sp.copies.size > 0)
        if fused is None:
            order, _, i = stable_order(i, len(sp.rows), sorted_keys=True)
            j = j[order]
    if fused is not None:
        i, j, w, d, order, *rest = fused
        rows = rest[0] if rest else None
        d = float(delay) if d is None else d
    else:
        sel = slice(None) if order is None else order
        w = wtab[widx[sel]]
        if nsyns != 1.0:
            w = w * float(nsyns)
        d = float(delay) if delay is not None else dtab[didx[sel]]
    if order is not None:
        params = {k: (v[order] if np.ndim(v) else v) for k, v in params.items()}
    S = _synapses(sp, tp, model, i, j, w, d, params, receptor, ename,
                  f"{ep.path} (edges '{ename}', {model}, edge row 0)", rows=rows)
    S._sonata_rows = (ename, slice(None))
    built.synapses.append(S)
    return True


def _int32_view(a: np.ndarray) -> np.ndarray:
    """uint32 row indices as int32 (the same bits; the sort rejects one past 2**31)."""
    return a.view(np.int32) if a.dtype == np.uint32 else a



def local_edges(built: Built, circuit: Circuit):
    """An edge selector for read_edges: the edges onto this MPI rank's block of every
    target group (rank r of K owns [N*r//K, N*(r+1)//K) of each group, as the MPI
    backend partitions groups)."""
    from ..parallel.comm import local_range
    bounds = np.array([local_range(p.group.N) for p in built.parts] or [(0, 0)],
                      dtype=np.int64)

    def select(name, source_pop, target_pop, target_ids):
        if target_pop not in circuit.nodes:
            return None          # reported by the circuit's check
        rows = circuit.nodes[target_pop].index_of(
            target_ids, f"edges '{name}', dataset target_node_id")
        part = built.part_of[target_pop][rows]
        local = built.local_of[target_pop][rows]
        lo, hi = bounds[np.maximum(part, 0), 0], bounds[np.maximum(part, 0), 1]
        return (part < 0) | ((local >= lo) & (local < hi))
    return select


def build(circuit: Circuit, *, dt_ms: float | None = None, point_reduction=None,
          inputs: SpikeTrains | None = None, mpi: bool = False) -> Built:
    """Groups, generators and synapses for a circuit (see the module docstring).

    ``mpi``: read only the edges onto this rank's neurons (the circuit may then be
    loaded without edges, ``load_circuit(config, edges=False)``)."""
    from ..units import ms
    cfg = circuit.config
    if dt_ms is None:
        if cfg is None:
            raise SonataError("build: dt_ms is required for a circuit without a config",
                              code="E904")
        dt_ms = cfg.dt
    dt = dt_ms * ms
    reduction = _reduction(point_reduction)
    built = Built(circuit, float(dt_ms))
    _build_nodes(built, circuit, dt, reduction)
    bound = _bind_inputs(built, circuit, dt, inputs)
    _build_generators(built, circuit, dt, dt_ms, bound)
    if mpi:
        from .circuit import read_edges
        circuit.set_edges(read_edges(circuit.config, local_edges(built, circuit)))
    _build_edges(built, circuit, reduction)
    return built
