"""SONATA configs: ``config.json`` -> circuit config + simulation config, the ``manifest``
(``$BASE_DIR``, ``${configdir}``), and node sets.

Accepted layouts (as BMTK writes them and as the SONATA spec has them):

* ``config.json`` = ``{"network": "circuit_config.json", "simulation":
  "simulation_config.json"}``, each file with its own manifest and ``${configdir}``;
* one file holding both (``networks`` next to ``run``);
* a simulation config whose ``network`` names the circuit config.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import SonataError

_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


def read_json(path, what: str = "config") -> dict:
    path = os.fspath(path)
    if not os.path.exists(path):
        raise SonataError(f"{what} {path} does not exist", code="E900")
    try:
        with open(path) as f:
            data = json.load(f)
    except json.JSONDecodeError as exc:
        raise SonataError(f"{what} {path}: not valid JSON (line {exc.lineno}, column "
                          f"{exc.colno}: {exc.msg})", code="E904") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SonataError(f"{what} {path} cannot be read ({exc})", code="E900") from exc
    if not isinstance(data, dict):
        raise SonataError(f"{what} {path}: the top level is not a JSON object",
                          code="E904")
    return data


def substitute(data: Any, manifest: dict[str, str], path: str) -> Any:
    """Replace ``$NAME`` / ``${NAME}`` in every string of ``data`` by the manifest's
    values (which may themselves use other variables; ``configdir`` is the config's
    folder)."""
    resolved: dict[str, str] = {}

    def value(name: str, stack: tuple) -> str:
        if name in resolved:
            return resolved[name]
        if name in stack:
            raise SonataError(f"{path}: manifest variables refer to each other in a "
                              f"cycle ({' -> '.join(stack + (name,))})", code="E905")
        if name not in manifest:
            raise SonataError(f"{path}: ${name} is used but not defined in the manifest "
                              f"(defined: {', '.join(sorted(manifest)) or 'none'})",
                              code="E905")
        resolved[name] = expand(manifest[name], stack + (name,))
        return resolved[name]

    def expand(text: str, stack: tuple = ()) -> str:
        return _VAR.sub(lambda m: value(m.group(1), stack), text)

    def walk(x):
        if isinstance(x, str):
            return expand(x) if "$" in x else x
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        return x

    return walk(data)


def _manifest(data: dict, path: str) -> dict[str, str]:
    raw = data.get("manifest", {})
    if not isinstance(raw, dict):
        raise SonataError(f"{path}: 'manifest' must be an object", code="E904")
    out = {"configdir": os.path.dirname(os.path.abspath(path))}
    for k, v in raw.items():
        out[k.lstrip("$").strip("{}")] = str(v)
    return out


def load_json_config(path) -> dict:
    """A config file with its manifest substituted, ``_config_dir`` and ``_path`` added."""
    path = os.path.abspath(os.fspath(path))
    data = read_json(path)
    data = substitute({k: v for k, v in data.items() if k != "manifest"},
                      _manifest(data, path), path)
    data["_config_dir"], data["_path"] = os.path.dirname(path), path
    return data


def abspath(p: str, base: str) -> str:
    return p if os.path.isabs(p) else os.path.normpath(os.path.join(base, p))


@dataclass
class SimulationConfig:
    """A whole configuration: the circuit (networks, components) and the simulation
    (run, inputs, output, reports, node sets), every path absolute."""

    path: str
    networks: dict
    components: dict
    run: dict
    inputs: dict = field(default_factory=dict)
    output: dict = field(default_factory=dict)
    reports: dict = field(default_factory=dict)
    node_sets: dict = field(default_factory=dict)
    conditions: dict = field(default_factory=dict)
    target_simulator: str | None = None
    raw: dict = field(default_factory=dict)

    @property
    def dt(self) -> float:
        return float(self.run["dt"])

    @property
    def tstop(self) -> float:
        return float(self.run.get("tstop", self.run.get("duration")))

    @property
    def tstart(self) -> float:
        return float(self.run.get("tstart", 0.0))

    @property
    def output_dir(self) -> str:
        return self.output.get("output_dir", os.path.join(os.path.dirname(self.path),
                                                          "output"))


def _merge_parts(path: str) -> tuple[dict, dict]:
    """(circuit part, simulation part) of a config file, following 'network' and
    'simulation' references."""
    top = load_json_config(path)
    base = top["_config_dir"]
    circuit = sim = None
    if isinstance(top.get("network"), str):
        circuit = load_json_config(abspath(top["network"], base))
    if isinstance(top.get("simulation"), str):
        sim = load_json_config(abspath(top["simulation"], base))
    if sim is None:
        sim = top
    if circuit is None:
        if "networks" in sim:
            circuit = sim
        elif "networks" in top:
            circuit = top
        elif isinstance(sim.get("network"), str):
            circuit = load_json_config(abspath(sim["network"], sim["_config_dir"]))
        else:
            raise SonataError(f"{path}: no circuit: neither 'networks' nor a 'network' "
                              "file is given", code="E904")
    return circuit, sim


def _paths(entries: list, keys: tuple[str, ...], base: str, path: str, what: str) -> list:
    out = []
    if not isinstance(entries, list):
        raise SonataError(f"{path}: networks/{what} must be a list", code="E904")
    for k, e in enumerate(entries):
        if not isinstance(e, dict):
            raise SonataError(f"{path}: networks/{what}[{k}] must be an object",
                              code="E904")
        e = dict(e)
        for key in keys:
            if key not in e:
                raise SonataError(f"{path}: networks/{what}[{k}] has no '{key}'",
                                  code="E904")
            e[key] = abspath(e[key], base)
        out.append(e)
    return out


def load_config(config) -> SimulationConfig:
    """Read a config (a path, or a dict already loaded: then relative paths are taken
    from the current directory)."""
    if isinstance(config, SimulationConfig):
        return config
    if isinstance(config, dict):
        path = os.path.join(os.getcwd(), "<dict>")
        data = substitute({k: v for k, v in config.items() if k != "manifest"},
                          _manifest(config, path), path)
        data["_config_dir"], data["_path"] = os.getcwd(), path
        circuit = sim = data
    else:
        path = os.path.abspath(os.fspath(config))
        circuit, sim = _merge_parts(path)
    cbase, sbase = circuit["_config_dir"], sim["_config_dir"]
    nets = circuit.get("networks")
    if not isinstance(nets, dict) or "nodes" not in nets:
        raise SonataError(f"{circuit['_path']}: 'networks' with a 'nodes' list is "
                          "required", code="E904")
    networks = {
        "nodes": _paths(nets.get("nodes", []), ("nodes_file", "node_types_file"), cbase,
                        circuit["_path"], "nodes"),
        "edges": _paths(nets.get("edges", []), ("edges_file", "edge_types_file"), cbase,
                        circuit["_path"], "edges"),
    }
    components = {k: abspath(v, cbase) for k, v in circuit.get("components", {}).items()
                  if isinstance(v, str)}
    run = sim.get("run")
    if not isinstance(run, dict) or "dt" not in run or not (
            "tstop" in run or "duration" in run):
        raise SonataError(f"{sim['_path']}: 'run' with 'dt' and 'tstop' (ms) is required",
                          code="E904")
    for key in ("dt", "tstop", "duration", "tstart"):
        if key in run and not isinstance(run[key], (int, float)):
            raise SonataError(f"{sim['_path']}: run/{key} must be a number (ms), got "
                              f"{run[key]!r}", code="E904")
    output = dict(sim.get("output", {}))
    if "output_dir" in output:
        output["output_dir"] = abspath(output["output_dir"], sbase)
    node_sets = {}
    ns_file = sim.get("node_sets_file") or circuit.get("node_sets_file")
    if ns_file:
        node_sets.update(read_json(abspath(ns_file, sbase), "node sets file"))
    if isinstance(sim.get("node_sets"), dict):
        node_sets.update(sim["node_sets"])
    inputs = {}
    for name, spec in sim.get("inputs", {}).items():
        spec = dict(spec)
        if "input_file" in spec:
            spec["input_file"] = abspath(spec["input_file"], sbase)
        inputs[name] = spec
    return SimulationConfig(
        path=sim["_path"], networks=networks, components=components, run=run,
        inputs=inputs, output=output, reports=dict(sim.get("reports", {})),
        node_sets=node_sets, conditions=dict(sim.get("conditions", {})),
        target_simulator=sim.get("target_simulator"), raw={"circuit": circuit,
                                                           "simulation": sim})


# -- node sets ---------------------------------------------------------------------
def resolve_node_set(spec, nodes: dict, node_sets: dict, where: str = "node set",
                     _stack: tuple = ()) -> dict[str, np.ndarray]:
    """The rows selected by a node set in each node population: a node-set name (also
    'all' and population names), a list of names (their union), or a dict of
    ``population``/``node_id``/property filters (a list value means 'any of')."""
    if isinstance(spec, str):
        if spec in node_sets and spec not in _stack:
            return resolve_node_set(node_sets[spec], nodes, node_sets,
                                    f"node set '{spec}'", _stack + (spec,))
        if spec == "all":
            return {p: np.arange(len(pop)) for p, pop in nodes.items()}
        if spec in nodes:
            return {spec: np.arange(len(nodes[spec]))}
        raise SonataError(f"{where}: unknown node set '{spec}' (node sets: "
                          f"{', '.join(sorted(node_sets)) or 'none'}; populations: "
                          f"{', '.join(sorted(nodes))})", code="E917")
    if isinstance(spec, list):
        out: dict[str, np.ndarray] = {}
        for item in spec:
            if not isinstance(item, str):
                raise SonataError(f"{where}: a compound node set lists node-set names, "
                                  f"got {item!r}", code="E917")
            for p, rows in resolve_node_set(item, nodes, node_sets, where,
                                            _stack).items():
                out[p] = np.union1d(out.get(p, np.zeros(0, np.int64)), rows)
        return out
    if not isinstance(spec, dict):
        raise SonataError(f"{where}: expected a name, a list or an object, got {spec!r}",
                          code="E917")
    spec = dict(spec)
    pops = spec.pop("population", spec.pop("populations", None))
    if pops is None:
        pop_names = list(nodes)
    else:
        pop_names = [pops] if isinstance(pops, str) else list(pops)
        for p in pop_names:
            if p not in nodes:
                raise SonataError(f"{where}: population '{p}' does not exist "
                                  f"(populations: {', '.join(sorted(nodes))})",
                                  code="E917")
    out = {}
    for p in pop_names:
        pop = nodes[p]
        keep = np.ones(len(pop), bool)
        for key, want in spec.items():
            if key in ("node_id", "node_ids"):
                values = pop.node_ids
            elif pop.has(key):
                values = pop.get(key)
            else:
                if pops is not None:
                    raise SonataError(f"{where}: population '{p}' has no property "
                                      f"'{key}'", code="E917")
                keep[:] = False
                break
            wants = want if isinstance(want, list) else [want]
            if isinstance(want, dict):
                raise SonataError(f"{where}: range filters ({key}: {want}) are not "
                                  "supported yet", code="E917")
            keep &= np.isin(values, np.asarray(wants, dtype=values.dtype if
                                               values.dtype.kind != "O" else object))
        rows = np.flatnonzero(keep)
        if rows.size or pops is not None:
            out[p] = rows
    return out
