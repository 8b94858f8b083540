"""Network: collects objects, gets their code ready (cached), runs the loop in chunks.

``run`` makes one compiled call per chunk of steps; between chunks Python only drains
monitor buffers, reports progress and checks for Ctrl-C, so an interrupted run leaves a
consistent state (time, variables and monitors agree) that a later ``run`` continues.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from .. import rng
from .._version import __version__
from ..build.cache import (BuildInfo, build_and_load, front_lookup, front_store,
                           kernel_lookup, kernel_store)
from ..codegen.templates import generator_fingerprint
from ..codegen.unit import RUN_BUFFER_FULL, RUN_DONE, RUN_NOT_FINITE, SourceUnit
from ..config import FAST_MATH_CFLAGS, Config, get_config
from ..equations.expressions import SECOND
from ..errors import ConfigurationError, SimulationError
from ..units import Quantity
from ..parallel.comm import world
from .backends import CBackend, NumpyBackend, RunData
from .distributed import RankPlan
from .clock import as_time, defaultclock
from .groups import NeuronGroup, group_of
from .monitors import SpikeMonitor, StateMonitor
from .inputs import PoissonInput
from .synapses import Synapses
from .progress import make_reporter
from .operations import NetworkOperation
from . import labels, netops

logger = logging.getLogger(__name__)

BACKENDS = ("c", "numpy", "mpi")
TARGET_CHUNK_SECONDS = 0.2
MAX_RECORD_BYTES = 64 << 20


@dataclass
class BuildProducts:
    """Every intermediate of getting a network's code ready (``Network.build()``)."""

    specs: list
    kernels: list | None
    unit: SourceUnit
    info: BuildInfo
    front_key: str = ""
    timings: dict[str, float] = field(default_factory=dict)


def _check_threads(threads) -> int:
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or \
            not 1 <= threads <= 1024:
        raise ConfigurationError(f"threads={threads!r} is not a whole number from 1 to 1024",
                                 code="E749", hint="e.g. run(1*second, threads=2)")
    return int(threads)


def _yielding_threads_when_oversubscribed(comm, threads: int) -> None:
    """MPI ranks x threads beyond the cores of the node: waiting OpenMP threads must
    sleep, not spin, or they take the cores from the threads with work (measured: 2 ranks
    x 2 threads on 2 cores went from 2.4 s to over 100 s). Must be set before the OpenMP
    runtime loads; a value the user set is kept."""
    import os
    local = int(os.environ.get("MPI_LOCALNRANKS", os.environ.get(
        "OMPI_COMM_WORLD_LOCAL_SIZE", comm.size)))
    if local * threads > (os.cpu_count() or 1) and "OMP_WAIT_POLICY" not in os.environ:
        os.environ["OMP_WAIT_POLICY"] = "passive"
        logger.info("%d ranks x %d threads > %s cores: OMP_WAIT_POLICY=passive", local,
                    threads, os.cpu_count())


class Network:
    """A set of groups and monitors simulated together.

    ``fast_math=True`` compiles the C backend with fused multiply-adds: faster
    (COBAHH 1.5x), no longer bit-identical to the numpy backend (docs/running.md).

    >>> from eqsim.units import ms, mV
    >>> G = NeuronGroup(2, "dv/dt = (1*mV - v)/(10*ms) : volt", method="exact")
    >>> net = Network(G)
    >>> net.run(1*ms, backend="numpy")
    >>> round(float(G.v[0] / mV), 6)
    0.095163
    """

    def __init__(self, *objects, name: str = "network", config: Config | None = None,
                 fast_math: bool = False):
        self.name = name
        # fast_math: the C backend contracts a*b + c into fused multiply-adds (FMA);
        # its results then differ from the numpy reference in the last bits
        # (docs/running.md)
        self.fast_math = bool(fast_math)
        self.objects: list = []
        self.config = config or get_config()
        self._step = 0
        self._dt_base: float | None = None
        self._prepared_for: tuple | None = None
        self._products: BuildProducts | None = None
        self._backend = None
        self._backend_name: str | None = None
        self._data: RunData | None = None
        self._plan: RankPlan | None = None   # backend="mpi": this rank's part
        self._pending = False   # mpi: the last step's second half is still to run
        self._stored: dict[str, dict] = {}
        self.build_info: BuildInfo | None = None
        self._pos = 0             # next block of the schedule in step self._step
        self._schedule = None     # None: Brian2's default schedule
        self._stopped = False
        self.add(*objects)

    # ---- objects ---------------------------------------------------------------------
    def add(self, *objects) -> None:
        for obj in objects:
            if isinstance(obj, (list, tuple, set)):
                self.add(*obj)
                continue
            if not isinstance(obj, (NeuronGroup, SpikeMonitor, StateMonitor, Synapses,
                                    PoissonInput, NetworkOperation)):
                raise ConfigurationError(f"cannot add a {type(obj).__name__} to a "
                                         "Network", code="E720")
            if obj not in self.objects:
                self.objects.append(obj)
        self._prepared_for = None

    def remove(self, *objects) -> None:
        """Take objects (or lists of them) out of the network (Brian2's ``remove``)."""
        for obj in objects:
            if isinstance(obj, (list, tuple, set)):
                self.remove(*obj)
                continue
            if obj not in self.objects:
                raise ConfigurationError(f"'{obj.name}' is not in the network",
                                         code="E720")
            self.objects.remove(obj)
        self._prepared_for = None

    def __getitem__(self, name: str):
        """``net['name']``: the object of that name, as in Brian2 (E130 if none)."""
        from .naming import find_by_name
        self._assign_names()
        return find_by_name(self.objects, name)

    def __delitem__(self, name: str) -> None:
        """``del net['name']``: Brian2's way to remove an object by name."""
        self.remove(self[name])

    @property
    def groups(self) -> list[NeuronGroup]:
        return [o for o in self.objects if isinstance(o, NeuronGroup)]

    @property
    def state_monitors(self) -> list[StateMonitor]:
        return [o for o in self.objects if isinstance(o, StateMonitor)]

    @property
    def poisson_inputs(self) -> list[PoissonInput]:
        return [o for o in self.objects if isinstance(o, PoissonInput)]

    @property
    def synapses(self) -> list[Synapses]:
        return [o for o in self.objects if isinstance(o, Synapses)]

    @property
    def spike_monitors(self) -> list[SpikeMonitor]:
        return [o for o in self.objects if isinstance(o, SpikeMonitor)]

    @property
    def operations(self) -> list[NetworkOperation]:
        return [o for o in self.objects if isinstance(o, NetworkOperation)]

    @property
    def gid_ranges(self) -> dict[str, range]:
        """{label: range of global ids}: the groups' neurons numbered contiguously in the
        order the groups were added (as HNN-core's ``net.gid_ranges``); a labelled
        subgroup's range lies inside its group's."""
        self._assign_names()
        return labels.assign_gids(self.groups)

    # ---- the schedule (runtime/netops.py) -------------------------------------------
    schedule = netops.schedule_property()
    scheduling_summary = netops.scheduling_summary
    stop = netops.stop

    @property
    def t(self) -> Quantity:
        return Quantity(self.t_, SECOND)

    @property
    def t_(self) -> float:
        return self._step * (self._dt_base or defaultclock.dt_)

    # ---- preparation -----------------------------------------------------------------
    def _assign_names(self) -> None:
        from .synapse_links import with_companions   # linked variables of Synapses
        self.objects[:] = with_companions(self.objects)
        used: set[str] = set()
        for obj in self.objects:
            if obj._name is not None:
                if obj._name in used:
                    raise ConfigurationError(f"two objects in the network are called "
                                             f"'{obj._name}'", code="E721",
                                             hint="give each object a unique name=")
                used.add(obj._name)
        for obj in self.objects:
            if obj._name is None:
                base, k = obj._kind, 0
                name = base
                while name in used:
                    k += 1
                    name = f"{base}_{k}"
                obj._set_name(name)
                used.add(name)

    def _check_sources(self) -> None:
        for p in self.poisson_inputs:
            if p.target not in self.objects:
                raise ConfigurationError(
                    f"the target group '{p.target.name}' of PoissonInput '{p.name}' is not "
                    "in the network", code="E722", hint="add the group to the Network")
        for S in self.synapses:
            for what, g in (("source", group_of(S.source)), ("target",
                                                              group_of(S.target))):
                if g not in self.objects:
                    raise ConfigurationError(
                        f"the {what} group '{g.name}' of synapses '{S.name}' is not in "
                        "the network", code="E722", hint="add the group to the Network")
        for m in self.state_monitors + self.spike_monitors:
            if m.source not in self.objects:
                raise ConfigurationError(f"{type(m).__name__} '{m.name}' records group "
                                         f"'{m.source.name}', which is not in the network",
                                         code="E722", hint="add the group to the Network")

    def _clocks(self) -> tuple[float, dict]:
        dts = {id(g): g.dt_ for g in self.groups}
        dts.update({id(m): m.dt_ for m in self.state_monitors})
        timed = netops.timed_objects(self)   # run_regularly and operations with a dt
        if not dts:
            raise ConfigurationError("the network has no group to simulate", code="E723")
        dts.update({id(o): o.dt_ if o.dt_ is not None else min(dts.values())
                    for o in timed})
        base = self._dt_base if self._dt_base is not None else min(dts.values())
        every = {}
        for obj in self.groups + self.state_monitors + timed:
            ratio = dts[id(obj)] / base
            k = int(round(ratio))
            if k < 1 or abs(ratio - k) > 1e-9 * k:
                raise ConfigurationError(
                    f"dt of '{obj.name}' ({dts[id(obj)]:g} s) is not a multiple of the "
                    f"network's smallest dt ({base:g} s)", code="E724")
            every[id(obj)] = k
        return base, every

    def _front_key(self, backend: str) -> str:
        h = hashlib.sha256(f"eqsim {__version__} {generator_fingerprint()} "
                           f"{'distributed' if backend == 'mpi' else ''}".encode())
        for g in self.groups:
            h.update(g.spec.key().encode())
        for S in self.synapses:
            h.update(S.spec.key().encode())
        for p in self.poisson_inputs:
            h.update(p.spec.key().encode())
        for m in self.state_monitors + self.spike_monitors:
            h.update(m.spec.key().encode())
        h.update(netops.schedule_key(self).encode())
        return h.hexdigest()

    def build(self, backend: str = "c") -> BuildProducts:
        """Get the code ready (front cache, sympy, templates, gcc) and return every
        intermediate: specs, kernels (None on a front-cache hit), source, build info."""
        if backend not in BACKENDS:
            raise ConfigurationError(f"unknown backend '{backend}'", code="E725",
                                     hint="choose 'c' (default), 'numpy' or 'mpi'")
        self._assign_names()
        labels.assign_gids(self.groups, check=False)   # first gids (runtime/labels.py)
        netops.check_backend(self, backend)
        self._check_sources()
        t0 = time.perf_counter()
        info = BuildInfo()
        key = self._front_key(backend)
        specs = [g.spec for g in self.groups]
        cached = front_lookup(self.config, key)
        kernels = None
        unit = None
        if cached is not None:
            try:
                unit = SourceUnit.from_json(cached)
                info.front_cache_hit = True
            except (ValueError, TypeError, KeyError):
                unit = None
        if unit is None:
            from ..codegen.emit import emit
            from ..integration.discretize import lower_neuron_group
            t1 = time.perf_counter()
            from ..integration.synaptic import lower_synapses
            kernels = [self._lowered(s, lower_neuron_group) for s in specs]
            syn_specs = [S.spec for S in self.synapses]
            syn_kernels = [self._lowered(s, lower_synapses) for s in syn_specs]
            info.timings["integration"] = time.perf_counter() - t1
            t1 = time.perf_counter()
            unit = emit(list(zip(specs, kernels)), [m.spec for m in self.state_monitors],
                        [m.spec for m in self.spike_monitors],
                        list(zip(syn_specs, syn_kernels)),
                        [p.spec for p in self.poisson_inputs],
                        distributed=backend == "mpi", **netops.emit_arguments(self))
            info.timings["codegen"] = time.perf_counter() - t1
            front_store(self.config, key, unit.to_json())
        info.timings["front"] = time.perf_counter() - t0
        return BuildProducts(specs, kernels, unit, info, key)

    def _lowered(self, spec, lower):
        """Integrated kernels of one object, from the kernel cache when its spec (and the
        code generators) are unchanged: a network that only gained a monitor does not
        redo the sympy work of its groups."""
        key = hashlib.sha256(f"{spec.key()} {generator_fingerprint()}".encode()).hexdigest()
        kernels = kernel_lookup(self.config, key)
        if kernels is None:
            kernels = lower(spec)
            kernel_store(self.config, key, kernels)
        return kernels

    def _prepare(self, backend: str, threads: int = 1) -> None:
        self._assign_names()   # (adds the companions of linked synaptic variables)
        try:   # per-synapse delays are counted in steps of the network's dt
            base = self._clocks()[0]   # (runtime/compact_delays.py)
        except ConfigurationError:
            base = None   # (run() reports it)
        for S in self.synapses:
            S._delivery_dt = base
        comm = world()
        if backend != "mpi" and comm.size > 1 and self.synapses:
            raise ConfigurationError(
                f"this process is rank {comm.rank} of {comm.size} MPI ranks, so its "
                "synapses hold only this rank's part of the connectivity", code="E763",
                hint="run(..., backend='mpi') under mpiexec, or run without mpiexec")
        openmp = backend in ("c", "mpi") and threads > 1
        signature = (backend, openmp, self.fast_math, tuple(id(o) for o in self.objects),
                     tuple(p.spec.key() for p in self.poisson_inputs),
                     tuple(g.spec.key() for g in self.groups),
                     tuple(S.spec.key() for S in self.synapses),
                     netops.schedule_key(self))
        if self._prepared_for == signature:
            return
        products = self.build(backend)
        t0 = time.perf_counter()
        if backend in ("c", "mpi"):
            # one thread runs a module without OpenMP (its team costs ~30 % on small
            # networks); more threads load the same source compiled with -fopenmp
            config = self.config
            if openmp:
                _yielding_threads_when_oversubscribed(comm, threads)
                config = dataclasses.replace(config,
                                             extra_cflags=config.extra_cflags + ("-fopenmp",))
            if self.fast_math:
                config = dataclasses.replace(config, extra_cflags=config.extra_cflags +
                                             FAST_MATH_CFLAGS)
            fn = build_and_load(products.unit.c_source, config, products.info)
            self._backend = CBackend(fn)
        else:
            self._backend = NumpyBackend(products.unit, self.groups, self.state_monitors,
                                         self.spike_monitors, self.synapses,
                                         self.poisson_inputs)
        products.info.timings["module"] = time.perf_counter() - t0
        self._products = products
        self.build_info = products.info
        self._backend_name = backend
        self._data = RunData(products.unit)
        self._prepared_for = signature
        logger.info("network ready (%s): %s", backend, {
            k: round(v, 3) for k, v in products.info.timings.items()})

    def _bind(self, every: dict) -> None:
        """Point the run data at the current arrays and parameter values."""
        data = self._data
        data.set_d("_network/dt", self._dt_base)
        for g in self.groups:
            for var, arr in g.arrays.items():
                key = f"{g.name}/{var}"
                if data.has_array(key):
                    data.set_array(key, arr)
            for cname, value in g.constant_values().items():
                data.set_d(f"{g.name}/{cname}", value)
            for tname, ta in g.timed_arrays():
                data.set_array(f"{g.name}/_ta_{tname}", ta.flat)
                data.set_i(f"{g.name}/_ta_{tname}_n", ta.n)
                data.set_i(f"{g.name}/_ta_{tname}_cols", ta.cols)
                data.set_d(f"{g.name}/_ta_{tname}_dt", ta.dt_)
            data.set_d(f"{g.name}/dt", g.dt_)
            if g.spec.generator:
                n, period = g._prepare_table()
                data.set_array(f"{g.name}/_gen_i", g.arrays["_gen_i"])
                data.set_array(f"{g.name}/_gen_step", g.arrays["_gen_step"])
                data.set_i(f"{g.name}/_gen_n", n)
                data.set_i(f"{g.name}/_gen_period", period)
            if g.spec.counts:   # PoissonCountGroup: its count cap and spike buffer
                g._bind_counts(data)
            data.set_i(f"{g.name}/N", g.N)
            data.set_i(f"{g.name}/every", every[id(g)])
            data.set_i(f"{g.name}/offset", 0)
            k0, k1 = rng.keys(g.seed, rng.object_id(g.name))
            data.set_i(f"{g.name}/key0", k0)
            data.set_i(f"{g.name}/key1", k1)
        for S in self.synapses:
            flags = data.unit.pathways.get(S.name, {})
            S._bind(data, self._dt_base, need_pre=self._backend_name == "numpy" or
                    flags.get("needs_pre", True))
        plan = self._plan
        if plan is not None:   # an MPI rank: its own blocks of neurons
            for g in self.groups:
                plan.bind_group(data, g)
            for S in self.synapses:
                plan.bind_synapses(data, S)
            plan.bind_exchange(data)
            plan.bind_driver(self, data)
        for p in self.poisson_inputs:
            prob, q0, approx = p.parameters()
            data.set_i(f"{p.name}/n", p.N)
            data.set_i(f"{p.name}/approx", int(approx))
            k0, k1 = rng.keys(p.seed, rng.object_id(p.name))
            data.set_i(f"{p.name}/key0", k0)
            data.set_i(f"{p.name}/key1", k1)
            data.set_d(f"{p.name}/p", prob)
            data.set_d(f"{p.name}/q0", q0)
            data.set_d(f"{p.name}/weight", p.weight_value())
            start, stop = p.neuron_range()
            data.set_i(f"{p.name}/start", start)
            data.set_i(f"{p.name}/stop", stop)
        for m in self.state_monitors:
            data.set_i(f"{m.name}/n_indices", len(m.record))
            data.set_i(f"{m.name}/every", every[id(m)])
        for m in self.spike_monitors:
            data.set_array(f"{m.name}/_counts", m.counts)
            if m.spec.rate:   # the neurons it counts (a subgroup's, or all)
                lo, hi = m._range or (0, m.source.N)
                data.set_i(f"{m.name}/_lo", lo)
                data.set_i(f"{m.name}/_hi", hi)
        netops.bind(self, data, every)
        if plan is not None:
            plan.bind_monitors(data, self.spike_monitors, self.state_monitors)
        else:
            for m in self.state_monitors:
                m._local = None

    # ---- running ---------------------------------------------------------------------
    def run(self, duration: Quantity, report=None, report_period=None,
            backend: str = "c", threads: int = 1, at=None) -> None:
        """Simulate for ``duration``; a second call continues where this one stopped.

        report: None, "text" / "stdout", "tqdm", or a callable ``f(elapsed, completed,
        start, duration)`` (Brian2's signature). In Jupyter the default is a tqdm bar.
        threads: OpenMP threads of the C backend (the results are the same for any
        number; the numpy backend always uses one).
        at: {time: f} calls ``f(net)`` (or ``f()``) at that time from the start of this
        run, between pieces of it; values changed there need no rebuild (runtime/pieces.py).
        """
        if at is not None:
            from .pieces import run_in_pieces
            return run_in_pieces(self, duration, at, report=report,
                                 report_period=report_period, backend=backend,
                                 threads=threads)
        seconds = as_time(duration, "duration of run", allow_zero=True)
        threads = _check_threads(threads)
        self._prepare(backend, threads)
        if backend in ("c", "mpi"):
            self._backend.threads = threads
        base, every = self._clocks()
        if self._dt_base is None:
            self._dt_base = base
        n_total = int(round(seconds / self._dt_base))
        if n_total == 0:
            return
        self._plan = (RankPlan(world(), self, self._data.unit, self._dt_base,
                               self._backend.fn) if backend == "mpi" else None)
        self._bind(every)
        if self._plan is not None:
            self._run_windows(n_total, every, report, report_period, seconds)
            return
        reporter = make_reporter(report, report_period, seconds, self.t_)
        interrupted = _InterruptFlag()
        start_step = self._step
        chunk = self._initial_chunk()
        t_start = time.perf_counter()
        max_chunk = self._max_chunk()   # once per run: a per-step operation asks often
        self._stopped = False
        stops = netops.Stops(self, every, start_step + n_total)   # network operations
        with interrupted:
            while (self._step, self._pos) < stops.end:
                target = stops.next()
                while (self._step, self._pos) < target:
                    n, pos0, pos1 = stops.call(target, chunk)
                    t0 = time.perf_counter()
                    self._run_chunk(n, every, pos0, pos1)
                    elapsed = time.perf_counter() - t0
                    if elapsed > 0:
                        chunk = max(1, min(int(chunk * TARGET_CHUNK_SECONDS / elapsed) + 1,
                                           chunk * 4, max_chunk))
                    reporter.update(time.perf_counter() - t_start,
                                    (self._step - start_step) / n_total)
                    if interrupted.hit and self._pos == 0:
                        reporter.close()
                        raise KeyboardInterrupt(
                            f"run interrupted at t = {self.t_:.6g} s; the state is "
                            "consistent and run() continues from here")
                stops.run_due()
        reporter.close()
        self._sync_time()

    def _run_windows(self, n_total: int, every: dict, report, report_period,
                     seconds: float) -> None:
        """backend="mpi": chunks of steps as in a single process, each run in windows of
        at most min-delay + 1 steps with the spikes exchanged after each window."""
        plan = self._plan
        end = self._step + n_total
        reporter = (make_reporter(report, report_period, seconds, self.t_)
                    if plan.comm.rank == 0 else make_reporter(None, None, seconds, 0.0))
        start_step, t_start = self._step, time.perf_counter()
        self.timings = {"compute": 0.0, "exchange": 0.0, "windows": 0}
        chunk = self._initial_chunk()
        window = plan.window
        while self._step < end:
            # chunks are this rank's choice (timed), windows must be the same on every
            # rank: chunks end on the grid of windows (multiples of the window length)
            stop = self._step + min(chunk, end - self._step)
            stop = min(end, -(-stop // window) * window)
            t0 = time.perf_counter()
            self._run_chunk(stop - self._step, every, windows=True)
            elapsed = time.perf_counter() - t0
            if elapsed > 0:
                chunk = max(1, min(int(chunk * TARGET_CHUNK_SECONDS / elapsed) + 1,
                                   chunk * 4, self._max_chunk()))
            reporter.update(time.perf_counter() - t_start, (self._step - start_step) / n_total)
        self._run_chunk(0, every, windows=True)   # the second half of the last step
        reporter.close()
        plan.gather_state()
        self._sync_time()

    def _initial_chunk(self) -> int:
        neurons = sum(g.N for g in self.groups) or 1
        return max(1, min(self._max_chunk(), 200_000 // neurons + 1))

    def _max_chunk(self) -> int:
        per_step = sum(8 * len(m.record) * len(m.variables) for m in self.state_monitors)
        return max(1, MAX_RECORD_BYTES // per_step) if per_step else 1 << 30

    def _sync_time(self) -> None:
        for g in self.groups:
            g.t_ = self.t_
        netops.sync_clock(self)

    def _calls(self, n: int, windows: bool) -> list[tuple]:
        """The compiled calls that run n steps from self._step: (first step, iterations,
        resume, split, window start). MPI windows end after the first half of a step;
        the next call resumes with its second half; n = 0 finishes a pending step."""
        if not windows:
            return [(self._step, n, False, False, None)]
        calls, step, pending = [], self._step, self._pending
        window = self._plan.window
        while step < self._step + n:   # windows on a grid common to all ranks
            m = min(window - step % window, self._step + n - step)
            calls.append((step - pending, m + pending, pending, True, step))
            step, pending = step + m, True
        if n == 0 and pending:
            calls.append((step - 1, 1, True, False, None))
        return calls

    def _run_chunk(self, n: int, every: dict, pos0: int = 0, pos1: int | None = None,
                   windows: bool = False) -> None:
        """Run ``n`` steps from ``self._step`` (``windows``: as an MPI rank); the first
        starts at block ``pos0`` of the schedule, the last stops before block ``pos1``
        (None: after the last block). A last step stopped early stays ``self._step``,
        with ``self._pos = pos1``."""
        data = self._data
        step0 = self._step
        for p in self.poisson_inputs:   # weights that vary with t: one per step
            p._bind_weights(data, step0, n, self._dt_base)
        n_blocks = len(data.unit.schedule) + 1
        records = {}
        for m in self.state_monitors:
            e = every[id(m)]
            first = netops.first_record(self, m, step0, e, pos0)
            rows = max(0, -(-(step0 + n) // e) - (-(-step0 // e)))
            bufs = m._buffers(rows)
            for var in m.variables:
                data.set_array(f"{m.name}/{var}", bufs[var])
            data.set_array(f"{m.name}/_indices", bufs["_indices"])
            data.set_i(f"{m.name}/count", 0)
            data.set_i(f"{m.name}/capacity", rows if len(m.record) else 1 << 62)
            records[id(m)] = (bufs, first, e)
        spike_bufs = {}
        for m in self.spike_monitors:
            bufs = m._buffers(n)
            for var in m.record_variables:   # (m.spec.variables, without making a spec)
                data.set_array(f"{m.name}/{var}", bufs[var])
            data.set_array(f"{m.name}/_i", bufs["_i"])
            data.set_array(f"{m.name}/_step", bufs["_step"])
            data.set_i(f"{m.name}/count", 0)
            data.set_i(f"{m.name}/capacity", bufs["capacity"])
            spike_bufs[id(m)] = bufs
        synapses, spike_monitors = self.synapses, self.spike_monitors

        def drain() -> None:   # monitor buffers and queue positions back to Python
            for S in synapses:
                S._read_back(data)
            for m in spike_monitors:
                count = data.get_i(f"{m.name}/count")
                if count:
                    m._collect(spike_bufs[id(m)], count, self._dt_base)
                    data.set_i(f"{m.name}/count", 0)

        driver = self._plan.driver if windows else None
        if driver is not None:   # every window of the chunk in one compiled call
            if driver.run(self, data, n, drain) == RUN_NOT_FINITE:
                self._step += 1  # the failing step's update has happened
                self._collect_records(records, data)
                self._sync_time()
                self._raise_not_finite(data)
        for call0, n_calls, resume, split, window_start in (
                self._calls(n, windows) if driver is None else ()):
            done = 0
            t0 = time.perf_counter()
            while done < n_calls:
                data.set_i("_network/pos0", pos0 if done == 0 else 0)
                data.set_i("_network/pos1", n_blocks if pos1 is None else pos1)
                if windows:
                    data.set_i("_network/resume", int(resume and done == 0))
                    data.set_i("_network/split", int(split))
                    data.set_i("_network/_x_first", window_start or 0)
                code = self._backend.run(data, call0 + done, n_calls - done)
                done += int(data.out[0])
                self._step = call0 + done
                self._pos = pos0 if done == 0 else 0
                if code == RUN_DONE and pos1 is not None:   # stopped inside the step
                    self._step, self._pos = call0 + n_calls - 1, pos1
                if code != RUN_DONE or not windows:   # MPI windows drain once per chunk
                    drain()
                if code == RUN_BUFFER_FULL:
                    for S in self.synapses:
                        S._grow_queue(data)
                    continue
                if code == RUN_NOT_FINITE:
                    self._step += 1  # the failing step's update has happened
                    self._pos = 0
                    self._collect_records(records, data)
                    self._sync_time()
                    self._raise_not_finite(data)
                break
            if windows:
                t1 = time.perf_counter()
                self._pending = split
                if split:
                    self._plan.exchange(data, synapses, window_start)
                self.timings["compute"] += t1 - t0
                self.timings["exchange"] += time.perf_counter() - t1
                self.timings["windows"] += 1
        if windows:
            drain()
        self._collect_records(records, data)

    def _collect_records(self, records: dict, data: RunData) -> None:
        for m in self.state_monitors:
            bufs, first, e = records[id(m)]
            rows = data.get_i(f"{m.name}/count") if len(m.record) else 0
            if not len(m.record):
                continue
            times = (first + e * np.arange(rows)) * self._dt_base
            m._collect(bufs, rows, times)
            data.set_i(f"{m.name}/count", 0)

    def _raise_not_finite(self, data: RunData) -> None:
        gid, var, neuron, step = (int(x) for x in data.out[1:5])
        group = self.groups[gid]
        if self._plan is not None:   # an MPI rank reports its own index
            neuron += self._plan.range_of(group)[0]
        name = self._products.unit.written[group.name][var]
        t = step * self._dt_base
        value = group.arrays[name][neuron]
        raise SimulationError(
            f"{name} of neuron {neuron} in group '{group.name}' became {value} at "
            f"t = {t * 1e3:.6g} ms (step {step})", code="E601",
            hint="the state up to this step is kept for inspection; a smaller dt, "
                 "another method= or bounded parameters usually fix this")

    # ---- store / restore ------------------------------------------------------------
    def store(self, name: str = "default", filename=None) -> None:
        """Remember the whole state (variables, connectivity, spikes in flight, time,
        monitor contents) under ``name``; with ``filename`` also in that file (a pickle
        that can hold several names, written atomically), for ``restore`` in another
        process — Brian2's ``store(name, filename)``."""
        self._assign_names()
        state = {
            "step": self._step, "dt": self._dt_base,
            "arrays": {g.name: {k: a.copy() for k, a in g.arrays.items()}
                       for g in self.groups},
            "monitors": {m.name: m._state() for m in self.state_monitors +
                         self.spike_monitors},
            "synapses": {S.name: S._state() for S in self.synapses},
            "seeds": {o.name: o.seed for o in self.objects if hasattr(o, "seed")},
        }
        self._stored[name] = state
        if filename is not None:
            stored = _read_stored(filename) if os.path.exists(filename) else {}
            stored[name] = state
            _write_stored(filename, stored)

    def restore(self, name: str = "default", filename=None,
                restore_random_state: bool = False) -> None:
        """Go back to a state saved with ``store(name)`` (or ``store(name, filename)``,
        possibly by another process that built the same network). Random numbers are a
        function of (seed, time step), so they follow the restored time; with
        ``restore_random_state=True`` the objects also take the stored seeds, and a
        restored run repeats the stored one exactly."""
        self._assign_names()
        stored = self._stored if filename is None else _read_stored(filename)
        if name not in stored:
            raise ConfigurationError(f"no stored state called '{name}'" + (
                f" in '{filename}'" if filename is not None else ""), code="E726",
                hint="call net.store(name) first; stored: " + (", ".join(stored) or
                                                               "none"))
        state = stored[name]
        missing = [o.name for o in self.groups if o.name not in state["arrays"]] + [
            o.name for o in self.synapses if o.name not in state["synapses"]] + [
            o.name for o in self.state_monitors + self.spike_monitors
            if o.name not in state["monitors"]]
        if missing:
            raise ConfigurationError(
                f"the stored state '{name}' has nothing for {', '.join(missing)}",
                code="E726", hint="restore into the network that was stored (objects are "
                                  "matched by name: give them the same name= when the "
                                  "network is built again)")
        self._step, self._dt_base = state["step"], state["dt"]
        if restore_random_state:
            for obj in self.objects:
                if obj.name in state.get("seeds", {}):
                    object.__setattr__(obj, "seed", state["seeds"][obj.name])
        self._pos = 0
        for g in self.groups:
            for k, a in state["arrays"][g.name].items():
                if g.arrays[k].shape != a.shape:   # a buffer that grew since (spike counts)
                    g.arrays[k] = a.copy()
                    continue
                g.arrays[k][...] = a
        for m in self.state_monitors + self.spike_monitors:
            m._restore(state["monitors"][m.name])
        for S in self.synapses:
            S._restore(state["synapses"][S.name])
        self._sync_time()

    def save_hdf5(self, path, seed: int | None = None, meta: dict | None = None,
                  state: bool = True):
        """Write models, parameters, seeds, state and every monitor to one HDF5 file
        (atomically); ``eqsim.load_hdf5(path)`` reads it back without a network."""
        from ..io.hdf5 import save_hdf5
        return save_hdf5(self, path, seed=seed, meta=meta, state=state)

    def __getstate__(self):
        """Pickled (multiprocessing, as Brian2's networks are) without the loaded module:
        an unpickled network prepares itself again at its next run."""
        state = dict(self.__dict__)
        state.update(_prepared_for=None, _products=None, _backend=None,
                     _backend_name=None, _data=None)
        return state

    def __repr__(self) -> str:
        return f"Network({', '.join(o.name for o in self.objects)})"

    def _repr_html_(self) -> str:
        from .reprs import html
        return html(self)


def _read_stored(filename) -> dict:
    import pickle
    try:
        with open(filename, "rb") as fh:
            stored = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError) as exc:
        raise ConfigurationError(f"cannot read stored states from '{filename}': {exc}",
                                 code="E726") from exc
    if not isinstance(stored, dict):
        raise ConfigurationError(f"'{filename}' does not hold states stored by eqsim",
                                 code="E726")
    return stored


def _write_stored(filename, stored: dict) -> None:
    """Write atomically: a reader never sees half a file, a crash keeps the old one."""
    import pickle
    import tempfile
    folder = os.path.dirname(os.path.abspath(filename))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".eqsim-store-")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(stored, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, filename)
    except BaseException:
        os.unlink(tmp)
        raise


class _InterruptFlag:
    """Turns Ctrl-C during a run into a flag checked between chunks."""

    def __init__(self):
        self.hit = False
        self._old = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._old = signal.getsignal(signal.SIGINT)

            def handler(signum, frame):
                if self.hit:  # a second Ctrl-C: give up waiting
                    raise KeyboardInterrupt
                self.hit = True

            signal.signal(signal.SIGINT, handler)
        return self

    def __exit__(self, *exc):
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
        return False


__all__ = ["Network", "BuildProducts"]
