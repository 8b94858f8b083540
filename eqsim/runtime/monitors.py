"""SpikeMonitor and StateMonitor: buffers the compiled loop fills, and their views."""
from __future__ import annotations

import numpy as np

from ..equations.expressions import SECOND
from ..equations.specs import SpikeMonitorSpec, StateMonitorSpec
from ..errors import ConfigurationError
from ..parallel.comm import world
from ..units import DIMENSIONLESS, Quantity, get_dimension
from ..units import Hz as _Hz
from .clock import Clock, defaultclock
from .groups import NeuronGroup, Subgroup
from .naming import Named, check_name
from .eventmonitor import RecordsAtEvents
from .labels import LabelledSpikes

SPIKE_BUFFER_MIN = 1 << 16
HZ = get_dimension(_Hz)


class SpikeMonitor(RecordsAtEvents, LabelledSpikes, Named):
    """Records the spikes of a group: ``.t``, ``.i``, ``.count``, ``.spike_trains()``."""

    _kind = "spikemonitor"

    def __init__(self, source: NeuronGroup, name: str | None = None, record: bool = True,
                 variables=None, when: str | None = None, order: int | None = None,
                 event: str = "spike"):
        self._range = None
        self.record = bool(record)   # False: count spikes per neuron, keep no times
        if isinstance(source, Subgroup):  # record the parent, keep the slice's spikes
            self._range = (source.start, source.stop)   # (a rate: the slice's count)
            source = source.parent
        if not isinstance(source, NeuronGroup):
            raise ConfigurationError(f"SpikeMonitor needs a NeuronGroup, got "
                                     f"{type(source).__name__}", code="E710")
        self.event = event
        if event != "spike" and event not in getattr(source, "events", {}):
            raise ConfigurationError(f"group '{source.name}' has no event '{event}'",
                                     code="E777", hint="events: " + (", ".join(
                                         getattr(source, "events", {})) or "none"))
        if event == "spike" and not source.can_spike:
            raise ConfigurationError(f"group '{source.name}' has no threshold, so it "
                                     "never spikes", code="E710")
        self.source = source
        self._init_recorded(variables, when, order)
        self._name = check_name(name)
        self._i_chunks: list[np.ndarray] = []
        self._step_chunks: list[np.ndarray] = []
        self._dt_chunks: list[float] = []
        self.counts = np.zeros(source.N, dtype=np.int64)
        self._cache = None
        self._gathered = None   # (i, t, counts) of all MPI ranks, on the root

    @property
    def spec(self) -> SpikeMonitorSpec:
        return SpikeMonitorSpec(self.name, self.source.name, event=self.event,
                                variables=self.record_variables, own_slot=self._own_slot())

    # buffers for one compiled call
    def _buffers(self, n_steps: int) -> dict[str, np.ndarray]:
        from .poisson_counts import spike_multiplicity   # (several spikes a step)
        cap = max(SPIKE_BUFFER_MIN, 4 * self.source.N * spike_multiplicity(self.source))
        bufs = getattr(self, "_bufs", None)   # reused: _collect copies what it keeps
        if bufs is None or bufs["capacity"] != cap:
            bufs = {"_i": np.zeros(cap, dtype=np.int32),
                    "_step": np.zeros(cap, dtype=np.int64), "capacity": cap}
            self._bufs = bufs
        self._variable_buffers(bufs, cap)
        return {**bufs, "_counts": self.counts}

    def _collect(self, buffers: dict, n: int, dt: float) -> None:
        if n and self.record:
            i, steps = buffers["_i"][:n], buffers["_step"][:n]
            if self._range is not None:
                keep = (i >= self._range[0]) & (i < self._range[1])
                i, steps = i[keep] - self._range[0], steps[keep]
            else:
                keep = slice(None)
            self._collect_values(buffers, n, keep)
            self._i_chunks.append(i.copy())
            self._step_chunks.append(steps.copy())
            self._dt_chunks.append(dt)
            self._cache = None
            self._gathered = None

    def _data(self):
        if self._gathered is not None:
            return self._gathered[:2]
        if self._cache is None:
            if self._i_chunks:
                i = np.concatenate(self._i_chunks)
                t = np.concatenate([s * dt for s, dt in zip(self._step_chunks,
                                                           self._dt_chunks)])
            else:
                i, t = np.zeros(0, dtype=np.int32), np.zeros(0)
            self._cache = (i, t)
        return self._cache

    def _state(self):
        return (list(self._i_chunks), list(self._step_chunks), list(self._dt_chunks),
                self.counts.copy(), {v: list(c) for v, c in self._v_chunks.items()})

    def _restore(self, state) -> None:
        i, s, d, counts, values = state
        self._v_chunks = {v: list(c) for v, c in values.items()}
        self._i_chunks, self._step_chunks, self._dt_chunks = list(i), list(s), list(d)
        self.counts[:] = counts
        self._cache = None
        self._gathered = None

    def gather(self, root: int = 0) -> "SpikeMonitor":
        """After an MPI run: bring every rank's spikes to rank ``root`` (all ranks must
        call it), in the order one process would have recorded them (time, then index).
        Other ranks keep their own part. On one process it changes nothing."""
        comm = world()
        if comm.size == 1:
            return self
        self._gathered = None
        i, t = self._data()
        parts_i = comm.gatherv(np.asarray(i, np.int64), root)
        parts_t = comm.gatherv(np.asarray(t, np.float64), root)
        parts_c = comm.gatherv(self.counts, root)
        if comm.rank == root:
            i, t = np.concatenate(parts_i), np.concatenate(parts_t)
            order = np.lexsort((i, t))
            counts = np.sum(parts_c, axis=0)
            self._gathered = (i[order].astype(np.int32), t[order], counts)
        return self

    @property
    def i(self) -> np.ndarray:
        """Index of the neuron of each spike, in time order."""
        return self._data()[0]

    @property
    def t(self) -> Quantity:
        """Time of each spike."""
        return Quantity(self._data()[1], SECOND)

    @property
    def t_(self) -> np.ndarray:
        return self._data()[1]

    @property
    def it(self):
        return self.i, self.t

    @property
    def count(self) -> np.ndarray:
        """Number of spikes of each neuron."""
        counts = self.counts if self._gathered is None else self._gathered[2]
        if self._range is not None:
            return counts[self._range[0]:self._range[1]].copy()
        return counts.copy()

    def __len__(self) -> int:
        """The number of spikes (events) recorded, as Brian2's ``len(spikemon)``."""
        return self.num_spikes

    @property
    def num_spikes(self) -> int:
        return int(self.count.sum())

    @property
    def N(self) -> int:
        """Number of neurons monitored."""
        return self.source.N if self._range is None else self._range[1] - self._range[0]

    def save(self, path) -> None:
        """Write the spikes to an .npz file (``i``, ``t`` in seconds, ``N``) that
        ``SpikeGeneratorGroup.from_file`` replays."""
        i, t = self._data()
        np.savez(path, i=i, t=t, N=np.int64(self.source.N))

    def spike_trains(self) -> dict[int, Quantity]:
        """Spike times of every neuron: {index: times}."""
        i, t = self._data()
        order = np.argsort(i, kind="stable")
        bounds = np.searchsorted(i[order], np.arange(self.N + 1))
        return {k: Quantity(t[order[bounds[k]:bounds[k + 1]]], SECOND)
                for k in range(self.N)}

    def __repr__(self) -> str:
        return f"SpikeMonitor({self.source.name}, {self.num_spikes} spikes)"

    def _repr_html_(self) -> str:
        from .reprs import html
        return html(self)


class StateMonitor(Named):
    """Records variables of a group over time: ``.t`` and one ``(neurons, times)`` array
    per variable, e.g. ``mon.v[0]`` is the trace of the first recorded neuron."""

    _kind = "statemonitor"

    def __init__(self, source: NeuronGroup, variables, record=True, dt=None,
                 name: str | None = None, when: str = "start", order: int = 0):
        from .synapses import Synapses
        from .schedule import check_order, check_when
        self._when = check_when(when, "a StateMonitor")
        self._order = check_order(order, "a StateMonitor")
        offset, limit = 0, getattr(source, "N", 0)
        aliases: dict[str, str] = {}   # Brian2's name -> recorded name
        if isinstance(source, Synapses):
            known = [k for k, v in source.arrays.items() if v is not None and
                     not k.startswith("_") and k != "delay"]
            # source and target variables through the synapses (Brian2's v_pre, v_post)
            linked = [f"{v}_pre" for v in source._pre_dims] + [
                f"{v}_post" for v in source._post_dims]
            if isinstance(variables, str):
                variables = [variables]
            # a target variable named without _post (Brian2: 'g' is the target's g)
            aliases = {v: f"{v}_post" for v in variables
                       if v not in known and v in source._post_dims}
            variables = [aliases.get(v, v) for v in variables]
            for v in variables:
                if v not in known and v not in linked:
                    raise ConfigurationError(
                        f"StateMonitor: synapses '{source.name}' have no variable '{v}'",
                        code="E711", hint=(f"write '{v}_post' to record the target's {v}"
                                           if v in source._post_dims else
                                           "variables: " + ", ".join(known + linked)))
            limit = len(source)
        elif isinstance(source, Subgroup):  # record the parent at shifted indices
            offset, n_sub, source = source.start, source.N, source.parent
        if hasattr(record, "_indices"):   # compartments of a morphology (absolute)
            record = np.asarray(record._indices()) - offset
            if record is True:
                record = np.arange(n_sub)
        if not isinstance(source, (NeuronGroup, Synapses)):
            raise ConfigurationError(f"StateMonitor needs a NeuronGroup, got "
                                     f"{type(source).__name__}", code="E711")
        if variables is True:   # Brian2: every name of the model
            variables = ([e.name for e in source.equations.equations] if isinstance(
                source, NeuronGroup) else known)
        if isinstance(variables, str):
            variables = [variables]
        variables = list(variables)
        known = source.variables() if isinstance(source, NeuronGroup) else variables
        for v in variables:
            if v not in known:
                raise ConfigurationError(
                    f"StateMonitor: group '{source.name}' has no variable '{v}'",
                    code="E711", hint="variables: " + ", ".join(known))
        if not variables:
            raise ConfigurationError("StateMonitor needs at least one variable",
                                     code="E711")
        if record is True:
            idx = np.arange(limit)
        elif record is False or record is None:
            idx = np.zeros(0, dtype=np.int64)
        else:
            idx = _whole_indices(record)
            bad = idx[(idx < 0) | (idx >= limit)]
            if bad.size:
                raise ConfigurationError(
                    f"StateMonitor: index {int(bad[0])} is out of range for group "
                    f"'{source.name}' of {limit} neurons", code="E711")
        self.source = source
        self.variables = tuple(variables)
        self._aliases = aliases
        self.record = (idx + offset).astype(np.int32)
        self.record_all = record is True
        self.n_indices = len(self.record)
        self._offset = offset
        self.clock = Clock(dt, name="StateMonitor clock") if dt is not None else None
        self._name = check_name(name)
        self._chunks: dict[str, list[np.ndarray]] = {v: [] for v in self.variables}
        self._t_chunks: list[np.ndarray] = []
        self._cache: dict[str, np.ndarray] = {}
        self._local = None      # on an MPI rank: (positions in record, local indices)
        self._gathered = None   # {var: values of all ranks}, on the root after gather()

    @property
    def dt_(self) -> float:
        from .synapse_chains import root_group   # synapses: their (first) source
        source = root_group(self.source)
        from .groups import group_of
        return (self.clock or group_of(source).clock or defaultclock).dt_

    @property
    def spec(self) -> StateMonitorSpec:
        return StateMonitorSpec(self.name, self.source.name, self.variables)

    def _set_local(self, positions: np.ndarray, indices: np.ndarray) -> None:
        """Record only the neurons at ``positions`` of ``record`` (an MPI rank's own),
        at ``indices`` of the rank's arrays."""
        self._local = (positions, indices)

    def _buffers(self, n_records: int) -> dict[str, np.ndarray]:
        local = self._local
        n = len(self.record) if local is None else len(local[0])
        # reused while big enough (_collect copies what it keeps), so that a network
        # that returns to Python every step (a network_operation) binds no new arrays
        rows = max(n_records, 1)
        indices = self._stored_indices() if local is None else local[1]
        bufs = getattr(self, "_bufs", None)
        if bufs is None or bufs["_rows"] < rows or bufs["_width"] != n or \
                not np.array_equal(bufs["_indices"], indices):
            bufs = {v: np.zeros((rows, n)) for v in self.variables}
            bufs.update(_rows=rows, _width=n, _indices=indices)
            self._bufs = bufs
        return bufs

    def _stored_indices(self) -> np.ndarray:
        """Where the recorded indices are in the source's arrays (synapses made by
        several connect() calls: Brian2's numbers, runtime/synapse_chains.py)."""
        from .synapse_chains import storage_of
        return np.asarray(storage_of(self.source, self.record), np.int32)

    def _collect(self, buffers: dict, rows: int, times: np.ndarray) -> None:
        if rows:
            for v in self.variables:
                self._chunks[v].append(buffers[v][:rows].copy())
            self._t_chunks.append(np.asarray(times[:rows], dtype=float))
            self._cache.clear()
            self._gathered = None

    def _state(self):
        return ({v: list(c) for v, c in self._chunks.items()}, list(self._t_chunks))

    def _restore(self, state) -> None:
        chunks, t = state
        self._chunks = {v: list(c) for v, c in chunks.items()}
        self._t_chunks = list(t)
        self._cache.clear()
        self._gathered = None

    def _local_values(self, var: str) -> np.ndarray:
        """(recorded neurons of this process, times)."""
        width = len(self.record) if self._local is None else len(self._local[0])
        chunks = self._chunks[var]
        data = np.concatenate(chunks, axis=0) if chunks else np.zeros((0, width))
        return np.ascontiguousarray(data.T)

    def _values(self, var: str) -> np.ndarray:
        if self._gathered is not None:
            return self._gathered[var]
        if var not in self._cache:
            values = self._local_values(var)
            if self._local is not None:   # an MPI rank: the others' rows are NaN
                full = np.full((len(self.record), values.shape[1]), np.nan)
                full[self._local[0]] = values
                values = full
            self._cache[var] = values
        return self._cache[var]

    def gather(self, root: int = 0) -> "StateMonitor":
        """After an MPI run: bring every rank's recorded neurons to rank ``root`` (all
        ranks must call it). Before, a rank's traces of neurons it does not own are NaN.
        On one process it changes nothing."""
        comm = world()
        if comm.size == 1 or self._local is None:
            return self
        self._gathered = None
        positions = comm.gatherv(np.asarray(self._local[0], np.int64), root)
        gathered = {}
        for var in self.variables:
            parts = comm.gatherv(self._local_values(var).ravel(), root)
            if comm.rank == root:
                full = np.full((len(self.record), len(self.t_)), np.nan)
                for pos, part in zip(positions, parts):
                    if len(pos):   # a rank may own none of the recorded neurons
                        full[pos] = part.reshape(len(pos), -1)
                gathered[var] = full
        if comm.rank == root:
            self._gathered = gathered
        return self

    @property
    def t(self) -> Quantity:
        return Quantity(self.t_, SECOND)

    @property
    def t_(self) -> np.ndarray:
        return np.concatenate(self._t_chunks) if self._t_chunks else np.zeros(0)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        aliases = self.__dict__.get("_aliases", {})
        if name in aliases or (name.endswith("_") and name[:-1] in aliases):
            plain = name.endswith("_") and name[:-1] in aliases
            name = aliases[name[:-1] if plain else name] + ("_" if plain else "")
        plain = name.endswith("_") and name[:-1] in self.__dict__.get("variables", ())
        var = name[:-1] if plain else name
        if var in self.__dict__.get("variables", ()):
            values = self._values(var)
            if var == "not_refractory":
                return values.astype(bool)
            dim = (SECOND if var in ("lastspike", "lastupdate")
                   else self._linked_dim(var) or self.source.equations[var].dim)
            if plain or dim == DIMENSIONLESS:
                return values
            return Quantity(values, dim)
        raise AttributeError(f"StateMonitor records {', '.join(self.variables)}; "
                             f"not '{name}'")

    def _linked_dim(self, var: str):
        """The unit of ``v_pre`` / ``v_post`` recorded through synapses (else None)."""
        for suffix, dims in (("_pre", "_pre_dims"), ("_post", "_post_dims")):
            table = getattr(self.source, dims, None)
            if table is not None and var.endswith(suffix) and var not in \
                    self.source.equations and var[:-len(suffix)] in table:
                return table[var[:-len(suffix)]]
        return None

    @property
    def record_variables(self) -> list[str]:
        """The recorded variables (Brian2's name)."""
        names = {v: k for k, v in self.__dict__.get("_aliases", {}).items()}
        return [names.get(v, v) for v in self.variables]

    def _row(self, neuron) -> int:
        hits = np.flatnonzero(self.record == int(neuron) + self._offset)
        if not hits.size:
            raise ConfigurationError(f"neuron {neuron} is not recorded by StateMonitor "
                                     f"'{self.name}'", code="E711",
                                     hint="record it with record=[...] or record=True")
        return int(hits[0])

    def __getitem__(self, neuron):
        """Brian2's ``mon[i].v``: the trace of neuron ``i`` (an index that is recorded);
        ``mon[[0, 2]].v`` or ``mon[0:3].v``: the traces of those neurons, one row each."""
        if hasattr(neuron, "_indices"):   # compartments of a morphology: absolute indices
            neuron = np.asarray(neuron._indices()) - self._offset
        if isinstance(neuron, slice):
            neuron = np.arange(len(self.record))[neuron] if self.record_all else \
                (self.record - self._offset)[neuron]
        if np.ndim(neuron):
            row = np.array([self._row(n) for n in _whole_indices(neuron)], dtype=np.int64)
        else:
            row = self._row(_whole_indices(neuron)[0])
        monitor = self

        class _Trace:
            def __getattr__(self, name):
                if name in ("t", "t_"):   # the times are everyone's (as in Brian2)
                    return getattr(monitor, name)
                return getattr(monitor, name)[row]

            def __repr__(self):
                return f"<trace of neuron {neuron} in {monitor.name}>"

        return _Trace()

    def __repr__(self) -> str:
        return (f"StateMonitor({self.source.name}, {list(self.variables)}, "
                f"{len(self.record)} neurons, {len(self.t_)} samples)")

    def _repr_html_(self) -> str:
        from .reprs import html
        return html(self)


def _whole_indices(record) -> np.ndarray:
    """Neuron indices given as ints, whole floats, ranges or arrays (Brian2 casts them)."""
    idx = np.atleast_1d(np.asarray(record))
    if idx.dtype == bool or not (np.issubdtype(idx.dtype, np.integer) or (
            np.issubdtype(idx.dtype, np.floating) and np.all(idx == np.round(idx)))):
        raise ConfigurationError("record= takes True, False or neuron indices (whole "
                                 f"numbers), got {record!r}", code="E711")
    return idx.astype(np.int64)


class PopulationRateMonitor(SpikeMonitor):
    """The instantaneous rate of a group (spikes per neuron per second in each step):
    ``.t``, ``.rate``, ``.smooth_rate(window, width)``."""

    _kind = "ratemonitor"

    @property
    def spec(self) -> SpikeMonitorSpec:
        return SpikeMonitorSpec(self.name, self.source.name, rate=True)

    def _buffers(self, n_steps: int) -> dict[str, np.ndarray]:
        cap = n_steps + 1
        return {"_i": np.zeros(cap, dtype=np.int32), "_step": np.zeros(cap, dtype=np.int64),
                "_counts": self.counts, "capacity": cap}

    def _collect(self, buffers: dict, n: int, dt: float) -> None:
        if n:
            self._i_chunks.append(buffers["_i"][:n].copy())
            self._step_chunks.append(buffers["_step"][:n].copy())
            self._dt_chunks.append(dt)
            self._cache = None
            self._gathered = None

    def gather(self, root: int = 0) -> "PopulationRateMonitor":
        """After an MPI run: the spike counts of all ranks, added up on rank ``root``
        (all ranks must call it). On one process it changes nothing."""
        comm = world()
        if comm.size == 1:
            return self
        self._gathered = None
        counts, t = self._data()
        parts = comm.gatherv(np.asarray(counts, np.int64), root)
        if comm.rank == root:
            total = np.sum(parts, axis=0).astype(np.int32)
            self._gathered = (total, t, self.counts)
        return self

    @property
    def rate(self) -> Quantity:
        """Spikes per neuron per second in each recorded step."""
        counts, _ = self._data()
        return Quantity(counts / (self.N * self.source.dt_), HZ)

    @property
    def num_spikes(self) -> int:
        return int(self._data()[0].sum())

    def smooth_rate(self, window: str = "gaussian", width=None) -> Quantity:
        """The rate smoothed with a Gaussian (width = standard deviation) or a flat
        window (width = its length), as in Brian2."""
        if width is None:
            raise ConfigurationError("smooth_rate needs width= (a time)", code="E712")
        from .clock import as_time
        dt = self.source.dt_
        w = as_time(width, "width of smooth_rate")
        rate = self.rate.view(np.ndarray)
        if window == "gaussian":
            half = int(np.ceil(4 * w / dt))
            x = np.arange(-half, half + 1) * dt
            kernel = np.exp(-0.5 * (x / w) ** 2)
        elif window == "flat":
            n = max(1, int(round(w / dt)))
            kernel = np.ones(n + (1 - n % 2))
        else:
            raise ConfigurationError(f"unknown window '{window}'", code="E712",
                                     hint="use 'gaussian' or 'flat'")
        kernel /= kernel.sum()
        return Quantity(np.convolve(rate, kernel, mode="same"), HZ)

    def spike_trains(self):
        raise ConfigurationError("a PopulationRateMonitor keeps rates, not spikes; use a "
                                 "SpikeMonitor for spike trains", code="E712")

    def __repr__(self) -> str:
        return f"PopulationRateMonitor({self.source.name}, {len(self.t_)} samples)"

    def _repr_html_(self) -> str:
        from .reprs import html
        return html(self)


class EventMonitor(SpikeMonitor):
    """Records the events of a group (``events={...}`` of a NeuronGroup), optionally
    with values of variables at each event (Brian2's EventMonitor)."""

    _kind = "eventmonitor"

    def __init__(self, source: NeuronGroup, event: str, variables=None,
                 record: bool = True, when: str | None = None, order: int | None = None,
                 name: str | None = None):
        super().__init__(source, name=name, record=record, variables=variables,
                         when=when, order=order, event=event)

    def __repr__(self) -> str:
        return f"EventMonitor({self.source.name}, {self.event!r}, {self.num_spikes} events)"
