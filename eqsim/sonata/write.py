"""eqsim network -> SONATA files that BMTK reads back (nodes, edges, their type tables,
components, a circuit and a simulation config), and spike monitors -> SONATA spikes.

Every group becomes a node population named after the group (one node type per group;
``SpikeGeneratorGroup``/``PoissonGroup`` are ``virtual``), every Synapses an edge
population ``<synapses name>`` with ``syn_weight`` and ``delay`` (ms) per edge. Groups
and synapses made by :mod:`eqsim.models.nest` are written with their NEST model
(``model_template: nest:<model>``, ``static_synapse``) and their parameters in NEST's
units (a JSON file per type when every neuron has the same values, else per-node
``dynamics_params`` in the h5 group), so PointNet can run the files.

Parameters and the state variables NEST lets one set (``V_m``, ``w``) are written with
their current values: write a network before running it to rerun it from the start.

Spike times are written as NEST stamps them (``eqsim time + dt``, in ms), the convention
of every spike file eqsim reads and writes. Files are written to temporary names and
renamed into place.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping

import numpy as np

from .errors import SonataError
from .h5 import MAGIC, VERSION, publish, temp_name
from .spikes import SpikeTrains, write_spikes_h5

TYPE_ID0 = 100
MAX_TYPES = 256   # more distinct parameter sets: per-node dynamics_params


def _objects(network) -> tuple[list, list, list]:
    from ..runtime.groups import NeuronGroup
    from ..runtime.monitors import SpikeMonitor
    from ..runtime.synapses import Synapses
    objs = list(getattr(network, "objects", network))
    groups = [o for o in objs if isinstance(o, NeuronGroup)]
    syns = [o for o in objs if isinstance(o, Synapses)]
    mons = [o for o in objs if isinstance(o, SpikeMonitor)]
    return groups, syns, mons


def _h5_file(path: str, fill) -> None:
    import h5py
    tmp = temp_name(path)
    try:
        with h5py.File(tmp, "w") as f:
            f.attrs["magic"] = np.uint32(MAGIC)
            f.attrs["version"] = np.asarray(VERSION, dtype=np.uint32)
            fill(f)
        publish(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _text_file(path: str, text: str) -> None:
    tmp = temp_name(path)
    with open(tmp, "w") as f:
        f.write(text)
    publish(tmp, path)


def _cell(value) -> str:
    if value is None:
        return "NULL"
    text = str(value)
    if " " in text or not text:
        return '"' + text.replace('"', "'") + '"'
    return text


def _types_csv(path: str, id_column: str, rows: list[dict]) -> None:
    cols = [id_column] + sorted({k for r in rows for k in r} - {id_column})
    lines = [" ".join(cols)] + [" ".join(_cell(r.get(c)) for c in cols) for r in rows]
    _text_file(path, "\n".join(lines) + "\n")


def round_sig(x, digits: int = 12) -> np.ndarray:
    """Round to ``digits`` significant digits (vectorised): NEST-unit values computed back
    from SI (250e-12 F / 1e-12 = 250.00000000000003 pF) are written as 250.0."""
    x = np.array(x, dtype=float, copy=True)
    ok = np.isfinite(x) & (x != 0)
    mag = np.floor(np.log10(np.abs(x[ok])))
    scale = 10.0 ** (digits - 1 - mag)
    x[ok] = np.round(x[ok] * scale) / scale
    return x


def to_nest_units(si: np.ndarray, factor: float) -> np.ndarray:
    """SI values in NEST units, each written with the fewest significant digits (12 to 17)
    that give back exactly the same SI value (so a written network reruns identically)."""
    si = np.asarray(si, dtype=float)
    out = si / factor
    todo = np.ones(si.shape, bool)
    for digits in range(12, 18):
        cand = round_sig(out, digits)
        ok = todo & (cand * factor == si)
        out = np.where(ok, cand, out)
        todo &= ~ok
    return out


def _nest_info(group):
    from ..models.nest.neurons import UNITS
    model = getattr(group, "_nest_model", None)
    if model is None:
        return None, {}
    from ..models.nest.neurons import MODELS
    m = MODELS[model]
    settable = {**m.params, **{k: v for k, v in m.state.items() if k in ("V_m", "w")}}
    params = {}
    for key, (default, unit) in settable.items():
        if isinstance(default, bool) or key not in group.arrays:
            continue
        values = np.broadcast_to(getattr(group, key + "_"), (group.N,))  # (shared): one
        params[key] = to_nest_units(values, UNITS[unit][1])
    return model, params


def _positions(group) -> dict[str, np.ndarray]:
    out = {}
    for c in "xyz":
        if c in group.arrays and not c.startswith("_"):
            values = np.asarray(getattr(group, c + "_"), dtype=float)
            dim = group._dimension_of(c)
            out[c] = values * (1e6 if str(dim) == "m" else 1.0)   # metres -> µm
    return out


def write_network(directory, network, *, labels: Mapping | None = None,
                  weight: str | None = None, weight_unit=None, dt_ms: float | None = None,
                  tstop_ms: float | None = None, inputs: bool = True) -> str:
    """Write ``network`` (a Network or a list of groups and Synapses) as SONATA under
    ``directory``: ``network/<pop>_nodes.h5``, ``<pop>_node_types.csv``,
    ``<edges>_edges.h5``, ``<edges>_edge_types.csv``, ``components/``,
    ``circuit_config.json``, ``simulation_config.json``, ``config.json`` (and
    ``inputs/<pop>_spikes.h5`` for spike generators when ``inputs``). Returns the path of
    config.json.

    ``labels``: per population, extra node properties ``{pop: {name: value}}`` (a scalar
    goes to the type table, an array of one value per node to the h5 group).
    ``weight``: the synaptic variable written as ``syn_weight`` for plain eqsim Synapses
    (default ``w`` or ``weight``; NEST synapses always write ``weight`` in NEST units);
    ``weight_unit``: a unit to divide plain weights by (else SI values are written).
    """
    from ..runtime.groups import group_of
    from ..runtime.inputs import PoissonGroup, SpikeGeneratorGroup
    groups, syns, _ = _objects(network)
    if not groups:
        raise SonataError("write_network: no groups to write", code="E919")
    directory = os.path.abspath(os.fspath(directory))
    net_dir = os.path.join(directory, "network")
    neuron_dir = os.path.join(directory, "components", "point_neuron_models")
    syn_dir = os.path.join(directory, "components", "synaptic_models")
    for d in (net_dir, neuron_dir, syn_dir):
        os.makedirs(d, exist_ok=True)
    labels = dict(labels or {})
    names = [g.name for g in groups]
    if len(set(names)) != len(names):
        raise SonataError(f"write_network: two groups share a name ({names})", code="E919")
    dt_ms = dt_ms if dt_ms is not None else groups[0].dt_ * 1e3
    node_entries, edge_entries, input_specs = [], [], {}
    next_type = TYPE_ID0
    for k, g in enumerate(groups):
        pop = g.name
        virtual = isinstance(g, (SpikeGeneratorGroup, PoissonGroup))
        model, params = _nest_info(g)
        base_type = {"pop_name": pop, "model_type": "virtual" if virtual else
                     "point_process"}
        if not virtual:
            base_type["model_template"] = f"nest:{model}" if model else \
                f"eqsim:{type(g).__name__}"
        cols = _positions(g)
        for name, value in labels.get(pop, {}).items():
            arr = np.asarray(value)
            if arr.ndim == 0:
                base_type[name] = arr.item()
            elif arr.shape != (g.N,):
                raise SonataError(f"write_network: label '{name}' of '{pop}' has shape "
                                  f"{arr.shape}, not ({g.N},)", code="E919")
            else:
                cols[name] = arr
        # one node type per distinct parameter set (as BMTK users build them); per-node
        # dynamics_params in the h5 group only when there are very many distinct sets
        keys = sorted(params)
        per_node_params = {}
        if model and keys:
            table = np.column_stack([params[p] for p in keys])
            combos, type_of = np.unique(table, axis=0, return_inverse=True)
            type_of = type_of.ravel()
            if len(combos) > MAX_TYPES:
                per_node_params = params
                combos, type_of = table[:1], np.zeros(g.N, dtype=np.int64)
        else:
            combos, type_of = np.zeros((1, 0)), np.zeros(g.N, dtype=np.int64)
        types = []
        for c, values in enumerate(combos):
            t = dict(base_type, node_type_id=next_type + c)
            if model and not virtual:
                fname = f"{pop}_{model}_{c}.json"
                _text_file(os.path.join(neuron_dir, fname),
                           json.dumps(dict(zip(keys, values.tolist())), indent=1))
                t["dynamics_params"] = fname
            types.append(t)
        type_ids = next_type + type_of
        next_type += len(combos)

        def fill(f, pop=pop, g=g, cols=cols, tids=type_ids, dyn=per_node_params):
            base = f.create_group(f"nodes/{pop}")
            n = g.N
            base.create_dataset("node_id", data=np.arange(n, dtype=np.uint64))
            base.create_dataset("node_type_id", data=tids.astype(np.uint64))
            base.create_dataset("node_group_id", data=np.zeros(n, dtype=np.uint32))
            base.create_dataset("node_group_index", data=np.arange(n, dtype=np.uint64))
            grp = base.create_group("0")
            for name, arr in cols.items():
                arr = np.asarray(arr)
                if arr.dtype.kind in "UO":
                    import h5py
                    grp.create_dataset(name, data=arr.astype(str).astype(object),
                                       dtype=h5py.string_dtype())
                else:
                    grp.create_dataset(name, data=arr)
            if dyn:
                dg = grp.create_group("dynamics_params")
                for name, arr in dyn.items():
                    dg.create_dataset(name, data=np.broadcast_to(
                        np.asarray(arr, dtype=float), (n,)))

        nodes_file = os.path.join(net_dir, f"{pop}_nodes.h5")
        types_file = os.path.join(net_dir, f"{pop}_node_types.csv")
        _h5_file(nodes_file, fill)
        _types_csv(types_file, "node_type_id", types)
        node_entries.append({"nodes_file": f"$NETWORK_DIR/{pop}_nodes.h5",
                             "node_types_file": f"$NETWORK_DIR/{pop}_node_types.csv"})
        if virtual and inputs and isinstance(g, SpikeGeneratorGroup):
            steps = np.floor((g._gen_times + 1e-3 * g.dt_) / g.dt_).astype(np.int64)
            trains = SpikeTrains()
            trains.add(pop, g._gen_indices, (steps + 1) * dt_ms)
            os.makedirs(os.path.join(directory, "inputs"), exist_ok=True)
            write_spikes_h5(os.path.join(directory, "inputs", f"{pop}_spikes.h5"), trains)
            input_specs[f"{pop}_spikes"] = {"input_type": "spikes", "module": "sonata",
                                            "input_file": f"$BASE_DIR/inputs/{pop}_spikes.h5",
                                            "node_set": pop}
    gnames = set(names)
    for k, S in enumerate(syns):
        src, tgt = S.source, S.target
        soff = getattr(src, "start", 0)
        toff = getattr(tgt, "start", 0)
        sg, tg = group_of(src), group_of(tgt)
        if sg.name not in gnames or tg.name not in gnames:
            raise SonataError(f"write_network: synapses '{S.name}' connect groups that "
                              "are not written", code="E919")
        i = np.asarray(S.i, dtype=np.int64) + soff
        j = np.asarray(S.j, dtype=np.int64) + toff
        nest_model = getattr(S, "_nest_model", None)
        if nest_model:
            from ..models import nest
            from ..models.nest.neurons import MODELS, UNITS
            tmodel = MODELS[nest.model_of(tg)]
            w = to_nest_units(S.weight_, UNITS.get(tmodel.weight_unit, ("1", 1.0))[1])
            extra = int(tmodel.input_before_threshold)
            template = nest_model
        else:
            var = weight or next((v for v in ("w", "weight") if v in S.arrays), None)
            if var is None or var not in S.arrays:
                raise SonataError(f"write_network: synapses '{S.name}' have no variable "
                                  f"'{var or 'w'}' to write as syn_weight", code="E919",
                                  hint="name it with weight='...'")
            w = np.asarray(getattr(S, var + "_"), dtype=float)
            if weight_unit is not None:
                w = w / float(weight_unit)
            extra = 0
            template = f"eqsim:{type(S).__name__}"
        steps = S.delay_steps(S.source.dt_ if hasattr(S.source, "dt_") else
                              dt_ms * 1e-3) if S.arrays.get("delay") is not None else \
            S.delay_steps(dt_ms * 1e-3)
        per_step = int(round(dt_ms * 1000.0))   # tics (1 µs): 1.5, not 1.5000000000000002
        delay = ((np.broadcast_to(np.asarray(steps), (len(i),)) + extra) * per_step) / 1000.0
        ename = S.name
        order = np.lexsort((i, j))   # by target, then source (as BMTK writes them)
        i, j, w, delay = i[order], j[order], np.broadcast_to(w, i.shape)[order], \
            delay[order]
        syn_json = f"{ename}.json"
        _text_file(os.path.join(syn_dir, syn_json), "{}\n")

        def fill(f, ename=ename, i=i, j=j, w=w, delay=delay, tid=TYPE_ID0 + k,
                 sname=sg.name, tname=tg.name, nt=tg.N, ns=sg.N):
            base = f.create_group(f"edges/{ename}")
            d = base.create_dataset("source_node_id", data=i.astype(np.uint64))
            d.attrs["node_population"] = sname
            d = base.create_dataset("target_node_id", data=j.astype(np.uint64))
            d.attrs["node_population"] = tname
            n = len(i)
            base.create_dataset("edge_type_id", data=np.full(n, tid, dtype=np.uint32))
            base.create_dataset("edge_group_id", data=np.zeros(n, dtype=np.uint16))
            base.create_dataset("edge_group_index", data=np.arange(n, dtype=np.uint32))
            grp = base.create_group("0")
            grp.create_dataset("syn_weight", data=w.astype(float))
            grp.create_dataset("delay", data=delay.astype(float))
            _write_indices(base, i, j, ns, nt)

        _h5_file(os.path.join(net_dir, f"{ename}_edges.h5"), fill)
        _types_csv(os.path.join(net_dir, f"{ename}_edge_types.csv"), "edge_type_id",
                   [{"edge_type_id": TYPE_ID0 + k, "model_template": template,
                     "dynamics_params": syn_json}])
        edge_entries.append({"edges_file": f"$NETWORK_DIR/{ename}_edges.h5",
                             "edge_types_file": f"$NETWORK_DIR/{ename}_edge_types.csv"})
    circuit = {"manifest": {"$BASE_DIR": "${configdir}", "$NETWORK_DIR": "$BASE_DIR/network",
                            "$COMPONENTS_DIR": "$BASE_DIR/components"},
               "components": {"point_neuron_models_dir": "$COMPONENTS_DIR/point_neuron_models",
                              "synaptic_models_dir": "$COMPONENTS_DIR/synaptic_models"},
               "networks": {"nodes": node_entries, "edges": edge_entries}}
    sim = {"manifest": {"$BASE_DIR": "${configdir}", "$OUTPUT_DIR": "$BASE_DIR/output"},
           "target_simulator": "NEST",
           "run": {"tstart": 0.0, "tstop": float(tstop_ms if tstop_ms is not None else
                                                 1000.0), "dt": float(dt_ms)},
           "inputs": input_specs,
           "output": {"output_dir": "$OUTPUT_DIR", "spikes_file": "spikes.h5",
                      "spikes_sort_order": "time"}}
    for name, data in (("circuit_config.json", circuit), ("simulation_config.json", sim),
                       ("config.json", {"network": "circuit_config.json",
                                        "simulation": "simulation_config.json"})):
        _text_file(os.path.join(directory, name), json.dumps(data, indent=2) + "\n")
    return os.path.join(directory, "config.json")


def _ranges(keys: np.ndarray, n_nodes: int):
    """SONATA's index: runs of equal ``keys`` in edge order (range_to_edge_id) and, per
    node, which runs are its (node_id_to_range), vectorised."""
    n = len(keys)
    if n == 0:
        return np.zeros((n_nodes, 2), np.uint64), np.zeros((0, 2), np.uint64)
    start = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    stop = np.r_[start[1:], n]
    run_key = keys[start]
    order = np.argsort(run_key, kind="stable")
    ranges = np.column_stack([start[order], stop[order]]).astype(np.uint64)
    sorted_keys = run_key[order]
    first = np.searchsorted(sorted_keys, np.arange(n_nodes), side="left")
    last = np.searchsorted(sorted_keys, np.arange(n_nodes), side="right")
    return np.column_stack([first, last]).astype(np.uint64), ranges


def _write_indices(base, i, j, n_source, n_target) -> None:
    idx = base.create_group("indices")
    for name, keys, n in (("source_to_target", i, n_source),
                          ("target_to_source", j, n_target)):
        g = idx.create_group(name)
        node_to_range, range_to_edge = _ranges(np.asarray(keys), n)
        g.create_dataset("node_id_to_range", data=node_to_range)
        g.create_dataset("range_to_edge_id", data=range_to_edge)


def spikes_from_monitors(monitors, path=None, sorting: str = "by_time") -> SpikeTrains:
    """The spikes of eqsim SpikeMonitors as SONATA spike trains (population = the
    monitored group's name, node id = neuron index, time in ms as NEST stamps it:
    eqsim time + dt); written to ``path`` (spikes.h5, or .csv) if given."""
    from ..runtime.groups import group_of
    from .run import nest_ms
    out = SpikeTrains()
    for mon in monitors:
        g = group_of(mon.source)
        t_ms = nest_ms(mon.t_, g.dt_)
        out.add(g.name, np.asarray(mon.i, dtype=np.int64), t_ms)
    if path is not None:
        if os.fspath(path).endswith(".csv"):
            out.to_csv(path, sorting)
        else:
            out.to_sonata(path, sorting)
    return out
