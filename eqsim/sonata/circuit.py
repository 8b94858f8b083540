"""A loaded SONATA circuit: every node and edge population of a config, checked for
consistency (edges only name nodes that exist), with dynamics_params resolved."""
from __future__ import annotations

import json
import os

import numpy as np

from .config import SimulationConfig, load_config, resolve_node_set
from .edges import EdgePopulation, read_edge_file
from .errors import SonataError
from .nodes import NodePopulation, read_node_file

# which components folder holds the dynamics_params files of what
NEURON_DIRS = ("point_neuron_models_dir", "models_dir", "biophysical_neuron_models_dir")
SYNAPSE_DIRS = ("synaptic_models_dir", "models_dir")


class Circuit:
    """``nodes`` and ``edges`` (name -> population), ``components`` (dirs), and the
    config it came from (``config``, None for files read directly)."""

    def __init__(self, nodes: dict[str, NodePopulation], edges: dict[str, EdgePopulation],
                 components: dict | None = None, config: SimulationConfig | None = None):
        self.nodes, self.edges = nodes, edges
        self.components = components or {}
        self.config = config
        self._json_cache: dict[str, dict] = {}
        self._check_edges()

    def __repr__(self) -> str:
        n = sum(len(p) for p in self.nodes.values())
        e = sum(len(p) for p in self.edges.values())
        return (f"Circuit({len(self.nodes)} node populations, {n} nodes; "
                f"{len(self.edges)} edge populations, {e} edges)")

    def set_edges(self, edges: dict[str, EdgePopulation]) -> None:
        """Set the edge populations (checked against the nodes)."""
        self.edges = edges
        self._check_edges()

    def _check_edges(self) -> None:
        for name, ep in self.edges.items():
            for side, pop_name, ids in (("source", ep.source_population, ep.source_ids),
                                        ("target", ep.target_population, ep.target_ids)):
                ds = f"/edges/{name}/{side}_node_id"
                if pop_name not in self.nodes:
                    raise SonataError(f"{ep.path}, dataset {ds}: node_population "
                                      f"'{pop_name}' is not among the circuit's node "
                                      f"populations ({', '.join(sorted(self.nodes))})",
                                      code="E909")
                self.nodes[pop_name].index_of(ids, f"{ep.path}, dataset {ds}")

    # -- dynamics_params -------------------------------------------------------------
    def params_file(self, name: str, dirs: tuple[str, ...], where: str) -> dict:
        """A dynamics_params JSON file, looked up in the components folders ``dirs``."""
        candidates = [os.path.join(self.components[d], name) for d in dirs
                      if d in self.components]
        if os.path.isabs(name):
            candidates.insert(0, name)
        for path in candidates:
            if path in self._json_cache:
                return self._json_cache[path]
            if os.path.exists(path):
                from .config import read_json
                data = read_json(path, "dynamics_params file")
                self._json_cache[path] = data
                return data
        raise SonataError(f"{where}: dynamics_params file '{name}' not found (looked in "
                          f"{', '.join(os.path.dirname(c) for c in candidates) or 'no components folder: set ' + dirs[0]})",
                          code="E912")

    def dynamics(self, pop, rows: np.ndarray, dirs: tuple[str, ...]) -> dict[str, np.ndarray]:
        """dynamics_params of the members ``rows`` of a node or edge population: per-type
        JSON files (or JSON text) merged with per-member h5 values (which win). Each key
        maps to one value per member (a float array when numeric)."""
        values: dict[str, np.ndarray] = {}
        if pop.has("dynamics_params") and pop.types.columns.get("dynamics_params") is not None:
            col = pop.types.columns["dynamics_params"]
            type_rows = pop._type_rows[rows]
            if len(type_rows) and len({repr(v) for v in col.tolist()}) == 1:
                used = np.arange(len(col))    # one reference for every type: read it
            elif isinstance(rows, slice) and rows == slice(None):
                used = pop.types_used()
            else:
                used = np.flatnonzero(np.bincount(type_rows, minlength=len(col)))
            per_type: dict[int, dict] = {}
            for t in used:
                ref = col[t]
                where = (f"{pop.types.path}, row {int(t) + 1} "
                         f"({pop.types.id_column} {int(pop.types.ids[t])})")
                if ref is None:
                    per_type[int(t)] = {}
                elif isinstance(ref, dict):
                    per_type[int(t)] = ref
                elif isinstance(ref, str) and ref.strip().startswith("{"):
                    try:
                        per_type[int(t)] = json.loads(ref)
                    except json.JSONDecodeError as exc:
                        raise SonataError(f"{where}: dynamics_params is not valid JSON "
                                          f"({exc.msg})", code="E912") from exc
                else:
                    per_type[int(t)] = self.params_file(str(ref), dirs, where)
            keys = sorted({k for d in per_type.values() for k in d})
            for key in keys:
                table = [per_type.get(int(t), {}).get(key) for t in range(len(col))]
                from .types import column_array
                arr = column_array(table)
                values[key] = arr[type_rows]
        for key, arr in pop.dynamics_columns(rows).items():
            if key in values and values[key].dtype.kind == "f" and arr.dtype.kind in "iuf":
                base = values[key].copy()
                given = ~np.isnan(arr.astype(float))
                base[given] = arr[given]
                values[key] = base
            else:
                values[key] = arr
        return values

    def node_set(self, spec) -> dict[str, np.ndarray]:
        sets = self.config.node_sets if self.config is not None else {}
        return resolve_node_set(spec, self.nodes, sets)


def read_edges(cfg: SimulationConfig, select=None) -> dict[str, EdgePopulation]:
    """Every edge population a config names; ``select`` as in read_edge_file."""
    edges: dict[str, EdgePopulation] = {}
    for entry in cfg.networks["edges"]:
        for name, pop in read_edge_file(entry["edges_file"], entry["edge_types_file"],
                                        entry.get("populations"), select).items():
            if name in edges:
                raise SonataError(f"{entry['edges_file']}: edge population '{name}' is "
                                  f"also in {edges[name].path}", code="E921")
            edges[name] = pop
    return edges


def load_circuit(config, edges: bool = True) -> Circuit:
    """Read every node and edge file a config names (vectorised: h5py datasets in, numpy
    arrays out); ``edges=False``: the nodes only (add edges with
    ``circuit.set_edges(read_edges(circuit.config, select))``)."""
    cfg = load_config(config)
    nodes: dict[str, NodePopulation] = {}
    for entry in cfg.networks["nodes"]:
        for name, pop in read_node_file(entry["nodes_file"], entry["node_types_file"],
                                        entry.get("populations")).items():
            if name in nodes:
                raise SonataError(f"{entry['nodes_file']}: node population '{name}' is "
                                  f"also in {nodes[name].path}", code="E921")
            nodes[name] = pop
    return Circuit(nodes, read_edges(cfg) if edges else {}, cfg.components, cfg)
