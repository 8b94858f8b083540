"""Independent trials of one model in parallel processes (HNN-core's ``n_trials``).

>>> import eqsim as eq
>>> from eqsim.units import ms, Hz
>>> def build(seed):
...     P = eq.PoissonGroup(20, 50*Hz, seed=seed, name="drive")
...     return eq.Network(P, eq.SpikeMonitor(P, name="spikes"))
>>> trials = eq.run_trials(build, seeds=[1, 2], processes=1, duration=20*ms)
>>> [t.seed for t in trials], trials[0].monitors["spikes"].i.dtype.kind
([1, 2], 'i')

The parent process builds the first trial's network and compiles its module before any
worker starts; every worker then finds it in the disk cache (its key is the generated
source, which does not depend on seeds or parameter values), so N trials compile once.
"""
from __future__ import annotations

import os
import pickle
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from .errors import ConfigurationError, SimulationError
from .runtime.monitors import PopulationRateMonitor, SpikeMonitor, StateMonitor
from .runtime.network import Network
from .units import Quantity


@dataclass
class SpikeRecord:
    """The spikes of one trial: neuron indices, times in seconds, spikes per neuron."""
    i: np.ndarray
    t: np.ndarray
    count: np.ndarray


@dataclass
class RateRecord:
    """A PopulationRateMonitor of one trial: times and rates (s, Hz)."""
    t: np.ndarray
    rate: np.ndarray


@dataclass
class StateRecord:
    """A StateMonitor of one trial: times (s), recorded indices, and per variable an
    array (recorded neurons, times) in SI units."""
    t: np.ndarray
    record: np.ndarray
    values: dict[str, np.ndarray]

    def __getattr__(self, name: str) -> np.ndarray:
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)


@dataclass
class Trial:
    """One trial: its seed, its monitors by name, and the wall time it took."""
    seed: int
    monitors: dict[str, SpikeRecord | RateRecord | StateRecord] = field(default_factory=dict)
    wall_s: float = 0.0


def _records(net: Network) -> dict:
    out = {}
    for m in net.objects:
        if isinstance(m, PopulationRateMonitor):
            out[m.name] = RateRecord(m.t_.copy(), np.asarray(m.rate.view(np.ndarray)))
        elif isinstance(m, SpikeMonitor):
            out[m.name] = SpikeRecord(m.i.copy(), m.t_.copy(), m.count)
        elif isinstance(m, StateMonitor):
            out[m.name] = StateRecord(m.t_.copy(), m.record.copy(), {
                v: np.asarray(getattr(m, v + "_") if v != "not_refractory"
                              else getattr(m, v)) for v in m.variables})
    return out


def _network(built, seed) -> Network:
    if not isinstance(built, Network):
        raise ConfigurationError(
            f"build_fn({seed}) returned a {type(built).__name__}, not a Network",
            code="E764", hint="return eq.Network(...) holding the monitors to collect")
    return built


def _trial(build_fn, seed, duration) -> Trial:
    t0 = time.perf_counter()
    net = _network(build_fn(seed), seed)
    if duration is not None:
        net.run(duration)
    return Trial(seed, _records(net), time.perf_counter() - t0)


_BUILD: Callable | None = None   # set before the pool forks: closures need no pickling


def _worker(args) -> tuple[str, object]:
    seed, duration, build_fn = args
    try:
        return "ok", _trial(build_fn or _BUILD, seed, duration)
    except BaseException as err:  # reported with the seed by the parent
        return "error", f"{type(err).__name__}: {err}\n{traceback.format_exc()}"


def _check(build_fn, seeds, processes) -> tuple[list[int], int]:
    if not callable(build_fn):
        raise ConfigurationError("run_trials needs a function build_fn(seed) -> Network",
                                 code="E764")
    seeds = list(seeds)
    if not seeds or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool)
                            for s in seeds):
        raise ConfigurationError(f"seeds must be a non-empty list of integers, got {seeds!r}",
                                 code="E764")
    if processes is None:
        processes = min(len(seeds), os.cpu_count() or 1)
    if isinstance(processes, bool) or not isinstance(processes, (int, np.integer)) or \
            processes < 1:
        raise ConfigurationError(f"processes={processes!r} is not a whole number >= 1",
                                 code="E764")
    return [int(s) for s in seeds], int(processes)


def worker_context(build_fn: Callable, code: str):
    """The multiprocessing context for worker processes (fork where the system has it)
    and what each worker is sent: None under fork (workers inherit ``build_fn``), else
    ``build_fn`` itself, which must pickle (``code``: the caller's error code)."""
    import multiprocessing   # not at import time: most scripts never need it
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    if ctx.get_start_method() == "fork":
        return ctx, None
    try:
        pickle.dumps(build_fn)
    except Exception as err:
        raise ConfigurationError(
            f"build_fn cannot be sent to worker processes started by spawn ({err})",
            code=code, hint="define build_fn at module level (not a lambda or closure)"
        ) from err
    return ctx, build_fn


def run_trials(build_fn: Callable[[int], Network], seeds: Sequence[int],
               processes: int | None = None, duration: Quantity | None = None
               ) -> list[Trial]:
    """Run ``build_fn(seed)`` for every seed, ``processes`` at a time, and gather the
    monitors of every trial (in the order of ``seeds``).

    build_fn: returns a Network with its monitors; with ``duration`` each worker runs
    it for that long, without, build_fn runs it itself. processes: None = one per core
    (at most one per trial); 1 runs everything in this process. Workers start by fork
    where the system has it (build_fn may be a closure), else by spawn (build_fn must
    then be a module-level function). A failing trial raises SimulationError E765 with
    its seed and the worker's traceback.
    """
    global _BUILD
    seeds, processes = _check(build_fn, seeds, processes)
    results: dict[int, Trial] = {}
    # the parent builds the first model (and runs it, if build_fn runs it): the module is
    # compiled once, here, and every worker finds it in the cache
    t0 = time.perf_counter()
    try:
        first = _network(build_fn(seeds[0]), seeds[0])
        if duration is not None:
            first._prepare("c")
    except ConfigurationError:
        raise
    except Exception as err:
        raise SimulationError(f"trial with seed {seeds[0]} failed: {type(err).__name__}: "
                              f"{err}", code="E765") from err
    rest = seeds
    if duration is None:   # build_fn ran it: that is trial 0
        results[0] = Trial(seeds[0], _records(first), time.perf_counter() - t0)
        rest = seeds[1:]
    jobs = [(s, duration) for s in rest]
    if processes == 1 or len(jobs) <= 1:
        outcomes = [_worker((s, d, build_fn)) for s, d in jobs]
    else:
        ctx, payload = worker_context(build_fn, "E764")
        if payload is None:
            _BUILD = build_fn
        try:
            with ctx.Pool(min(processes, len(jobs))) as pool:
                outcomes = pool.map(_worker, [(s, d, payload) for s, d in jobs],
                                    chunksize=1)
        finally:
            _BUILD = None
    offset = len(results)
    for k, (seed, (status, value)) in enumerate(zip(rest, outcomes)):
        if status == "error":
            raise SimulationError(f"trial with seed {seed} failed: {value}", code="E765")
        results[offset + k] = value
    return [results[k] for k in range(len(seeds))]


__all__ = ["run_trials", "Trial", "SpikeRecord", "StateRecord", "RateRecord"]
