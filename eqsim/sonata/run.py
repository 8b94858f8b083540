"""Run a SONATA config: build, simulate, write ``spikes.h5`` (and CSV) and membrane
reports where the config's ``output`` and ``reports`` ask for them."""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field

import numpy as np

from .build import Built, build
from .circuit import Circuit, load_circuit
from .config import load_config
from .errors import SonataError
from .reports import REPORT_MODULES, write_report
from .spikes import SpikeTrains, write_spikes_csv, write_spikes_h5

log = logging.getLogger(__name__)

#: NEURON variable names of BioNet reports -> NEST's, for point-reduced cells
NEURON_NAMES = {"v": "V_m"}


@dataclass
class Result:
    """What :func:`run` returns: the spikes of every non-virtual population (ms, NEST's
    time stamps), membrane reports ``{name: {pop: (node_ids, data)}}`` (data: times x
    cells, NEST units), the built network, the files written and timings (s)."""

    spikes: SpikeTrains
    reports: dict
    built: Built
    network: object
    files: list[str] = field(default_factory=list)
    skipped_reports: list = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def _add_monitors(built: Built, circuit: Circuit) -> None:
    from ..models import nest
    from ..runtime.monitors import SpikeMonitor, StateMonitor
    for k, part in enumerate(built.parts):
        if part.model != "virtual" and getattr(part.group, "can_spike", True):
            built.spike_monitors[k] = SpikeMonitor(part.group, name=f"{part.group.name}_spk")
    cfg = circuit.config
    if cfg is None:
        return
    for rname, spec in cfg.reports.items():
        module = spec.get("module", "membrane_report")
        if module not in REPORT_MODULES:
            if module in ("spikes_report",):
                continue
            raise SonataError(f"{cfg.path}: report '{rname}' has module '{module}'; eqsim "
                              f"writes {', '.join(REPORT_MODULES)}", code="E918")
        var = spec.get("variable_name")
        if isinstance(var, list):
            if len(var) != 1:
                raise SonataError(f"{cfg.path}: report '{rname}': one variable_name per "
                                  "report", code="E918")
            var = var[0]
        if not isinstance(var, str):
            raise SonataError(f"{cfg.path}: report '{rname}' has no variable_name",
                              code="E918")
        selected = circuit.node_set(spec.get("cells", "all"))
        for pname, rows in selected.items():
            part_of = built.part_of[pname][rows]
            for k in np.unique(part_of[part_of >= 0]).tolist():
                part = built.parts[k]
                if part.model == "virtual":
                    continue
                local = np.sort(built.local_of[pname][rows[part_of == k]])
                params = nest.parameters(part.model)
                pvar = var
                if part.reduced and var not in params:
                    pvar = NEURON_NAMES.get(var, var)
                    if pvar not in params:
                        log.warning("report '%s': the point reduction of '%s' has no "
                                    "'%s'; not recorded", rname, pname, var)
                        built.skipped_reports.append((rname, pname, var))
                        continue
                if pvar not in params or pvar not in part.group.variables():
                    raise SonataError(f"{cfg.path}: report '{rname}': NEST model "
                                      f"'{part.model}' of population '{pname}' has no "
                                      f"variable '{var}'", code="E918",
                                      hint="variables: " + ", ".join(sorted(params)))
                mon = StateMonitor(part.group, pvar, record=local,
                                   name=f"{part.group.name}_{rname}")
                built.state_monitors.append((rname, k, mon))


def nest_ms(t_s, dt_s: float) -> np.ndarray:
    """eqsim spike times (s) as NEST stamps them, in ms: the end of the step, computed
    from whole tics (1 µs) as NEST prints them (13.6, not 13.600000000000001)."""
    per_step = int(round(dt_s * 1e6))
    steps = np.rint(np.asarray(t_s, dtype=float) / dt_s).astype(np.int64)
    return ((steps + 1) * per_step) / 1000.0


def _collect_spikes(built: Built, circuit: Circuit) -> SpikeTrains:
    out = SpikeTrains()
    dt_s = built.dt_ms * 1e-3
    for pname in circuit.nodes:
        got = False
        for k, mon in built.spike_monitors.items():
            part = built.parts[k]
            if part.population != pname:
                continue
            i = np.asarray(mon.i, dtype=np.int64)
            node_ids = circuit.nodes[pname].node_ids[part.rows[i]]
            out.add(pname, node_ids, nest_ms(mon.t_, dt_s))
            got = True
        if not got and np.any(built.part_of[pname] >= 0) and any(
                p.population == pname and p.model != "virtual" for p in built.parts):
            out.add(pname, [], [])
    return out


def _collect_reports(built: Built, circuit: Circuit) -> dict:
    from ..models import nest
    from ..models.nest.neurons import UNITS
    out: dict[str, dict] = {}
    for rname, k, mon in built.state_monitors:
        part = built.parts[k]
        var = mon.variables[0]
        unit = nest.parameters(part.model)[var][1]
        data = np.asarray(getattr(mon, var + "_"), dtype=float).T / UNITS[unit][1]
        node_ids = circuit.nodes[part.population].node_ids[part.rows[mon.record]]
        pops = out.setdefault(rname, {})
        if part.population in pops:
            ids0, d0 = pops[part.population][:2]
            node_ids = np.concatenate([ids0, node_ids])
            data = np.concatenate([d0, data], axis=1)
        order = np.argsort(node_ids, kind="stable")
        pops[part.population] = (node_ids[order], data[:, order], var, unit)
    return out


def run(config, *, backend: str = "c", report=None, point_reduction=None,
        output_dir: str | None = None, write: bool = True,
        inputs: SpikeTrains | None = None, tstop: float | None = None) -> Result:
    """Build and run the network of a SONATA config (path or dict) as PointNet would,
    and write its outputs (``spikes.h5``, the CSV if ``spikes_file_csv`` is set,
    membrane reports) under ``output_dir`` (default: the config's ``output/output_dir``).

    ``point_reduction`` runs biophysical cells as a NEST point model (see
    :func:`eqsim.sonata.build.build`); ``report`` is Network.run's progress report
    ("text", "tqdm", None); ``tstop`` (ms) overrides the config's run/tstop.
    """
    from ..runtime.network import Network
    from ..units import ms
    timings = {}
    t0 = time.perf_counter()
    mpi = backend == "mpi"
    cfg = load_config(config)
    circuit = load_circuit(cfg, edges=not mpi)   # MPI: each rank reads its own edges
    timings["load"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    built = build(circuit, point_reduction=point_reduction, inputs=inputs, mpi=mpi)
    _add_monitors(built, circuit)
    net = Network(*built.objects(), name="sonata")
    timings["build"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if cfg.tstart != 0.0:
        raise SonataError(f"{cfg.path}: run/tstart {cfg.tstart} ms; eqsim starts at 0",
                          code="E904")
    net.run((cfg.tstop if tstop is None else float(tstop)) * ms, report=report,
            backend=backend)
    timings["run"] = time.perf_counter() - t0
    from ..parallel.comm import world
    comm = world()
    if comm.size > 1:           # collective: every rank takes part, rank 0 writes
        for mon in built.spike_monitors.values():
            mon.gather()
        for _, _, mon in built.state_monitors:
            mon.gather()
        write = write and comm.rank == 0
    spikes = _collect_spikes(built, circuit)
    reports = _collect_reports(built, circuit)
    result = Result(spikes, {r: {p: v[:2] for p, v in d.items()} for r, d in
                             reports.items()}, built, net, timings=timings,
                    skipped_reports=built.skipped_reports)
    if write:
        out_dir = output_dir or cfg.output_dir
        os.makedirs(out_dir, exist_ok=True)
        sorting = cfg.output.get("spikes_sort_order", cfg.output.get("sorting", "time"))
        spikes_file = cfg.output.get("spikes_file", "spikes.h5")
        if spikes_file:
            path = spikes_file if os.path.isabs(spikes_file) else os.path.join(
                out_dir, spikes_file)
            write_spikes_h5(path, spikes, sorting)
            result.files.append(path)
        csv_file = cfg.output.get("spikes_file_csv")
        if csv_file:
            path = csv_file if os.path.isabs(csv_file) else os.path.join(out_dir, csv_file)
            write_spikes_csv(path, spikes, sorting)
            result.files.append(path)
        for rname, pops in reports.items():
            spec = cfg.reports[rname]
            fname = spec.get("file_name", rname if rname.endswith(".h5") else
                             f"{rname}.h5")
            path = fname if os.path.isabs(fname) else os.path.join(out_dir, fname)
            var, unit = next(iter(pops.values()))[2:]
            write_report(path, {p: v[:2] for p, v in pops.items()}, var, unit, 0.0,
                         built.dt_ms)
            result.files.append(path)
    log.info("sonata run of %s: load %.2f s, build %.2f s, run %.2f s", cfg.path,
             timings["load"], timings["build"], timings["run"])
    return result
