"""Recording for eqsim.pynn: one eqsim SpikeMonitor and one StateMonitor per recorded
variable of a Population, made when the run starts, read back as PyNN's Neo blocks by
pyNN.recording.Recorder.

Spike times are NEST's: the end of the step in which a cell fired, so that a spike at t
reaches its targets at t + delay. Samples of a signal lie at the recording start + k * sampling_interval, the last one at
the present time (as pyNN.nest gives them): the monitors record at the start of each
step, and the present value is appended when the data are read.
"""
from __future__ import annotations

import numpy as np
from pyNN import recording

from ..runtime.monitors import SpikeMonitor, StateMonitor
from ..units import second
from . import simulator
from .errors import PyNNRecordingError


def _empty(monitor) -> None:
    """Forget what a monitor recorded (the monitor stays in the network)."""
    if isinstance(monitor, SpikeMonitor):
        monitor._restore(([], [], [], np.zeros_like(monitor.counts),
                          {v: [] for v in monitor._v_chunks}))
    else:
        monitor._restore(({v: [] for v in monitor.variables}, []))


class Recorder(recording.Recorder):
    """PyNN's Recorder on eqsim monitors."""

    _simulator = simulator

    def __init__(self, population, file=None):
        super().__init__(population, file)
        self._monitors: dict[str, object] = {}
        self._indices: dict[str, np.ndarray] = {}   # recorded cells, in the group

    # ---- what to record --------------------------------------------------------------
    def _record(self, variable, new_ids, sampling_interval=None) -> None:
        if sampling_interval is not None:   # else the one given before (or dt)
            self.sampling_interval = sampling_interval
        name = variable.name
        if name in self._monitors and new_ids and self._has_data(name):
            raise PyNNRecordingError(
                f"cannot add cells to the recording of '{name}' of population "
                f"'{self.population.label}' after it has recorded data", code="E843",
                hint="call record() for all cells before the first run(), or reset()")
        if name in self._monitors and new_ids:   # remade with the larger set at run()
            simulator.state.network.remove(self._monitors.pop(name))

    def _has_data(self, name: str) -> bool:
        mon = self._monitors[name]
        return bool(mon._i_chunks) if isinstance(mon, SpikeMonitor) else bool(mon._t_chunks)

    def _finalize(self) -> None:
        """Make the monitors of variables recorded since the last run."""
        pop = self.population
        for variable, ids in self.recorded.items():
            name = variable.name
            if name in self._monitors or not ids:
                continue
            group = pop._eqsim_group
            idx = np.sort(pop.id_to_index(np.fromiter(ids, dtype=int))).astype(np.int64)
            idx = np.atleast_1d(idx)
            self._indices[name] = idx
            if name == "spikes":
                mon = SpikeMonitor(group, name=simulator.state.next_name("spikes"))
            else:
                var, _ = pop.celltype.recordable_map[name]
                mon = StateMonitor(group, var, record=idx,
                                   dt=self.sampling_interval * 1e-3 * second,
                                   name=simulator.state.next_name(
                                       name.replace(".", "_")))
            self._monitors[name] = mon
            simulator.state.add(mon)

    def _reset(self) -> None:
        """Stop recording anything."""
        for mon in self._monitors.values():
            simulator.state.network.remove(mon)
        self._monitors = {}
        self._indices = {}

    def _clear_simulator(self) -> None:
        for mon in self._monitors.values():
            _empty(mon)

    def _after_reset(self) -> None:
        """reset() restored the monitors to the start; nothing else to do."""

    # ---- reading back ----------------------------------------------------------------
    def _get_spiketimes(self, requested_ids, clear=False):
        pop = self.population
        mon = self._monitors.get("spikes")
        if mon is None:
            return np.zeros(0, int), np.zeros(0)
        i, t = mon._data()
        ids = np.asarray(i, np.int64) + int(pop.first_id)
        # NEST's stamp: the end of the step in which the threshold was crossed (eqsim's
        # monitor has its start); spike sources emit one step early to match (models)
        dt = self._simulator.state.dt
        steps = np.rint(np.asarray(t) * 1e3 / dt)
        times = np.round((steps + 1) * dt, 10)   # on the grid, without 1e-15 noise
        requested = np.asarray(requested_ids, dtype=np.int64)
        if requested.size != pop.size:
            keep = np.isin(ids, requested)
            ids, times = ids[keep], times[keep]
        if clear:
            _empty(mon)
        return ids, times

    def _get_all_signals(self, variable, ids, clear=False):
        name = variable.name
        pop = self.population
        mon = self._monitors.get(name)
        state = self._simulator.state
        var, factor = pop.celltype.recordable_map[name]
        idx = self._indices.get(name, np.zeros(0, np.int64))
        want = np.atleast_1d(pop.id_to_index(np.asarray(ids, dtype=int))).astype(np.int64)
        cols = np.searchsorted(idx, want)
        if want.size and (cols.max() >= idx.size or np.any(idx[cols] != want)):
            raise PyNNRecordingError(
                f"'{name}' was not recorded for all the cells asked for in population "
                f"'{pop.label}'", code="E844", hint="record() them before run()")
        if mon is not None:
            values = np.asarray(getattr(mon, var + "_"))     # (recorded cells, samples)
            values = values.reshape(idx.size, -1)[cols].T
        else:
            values = np.zeros((0, want.size))
        start = float(self._recording_start_time.rescale("ms").magnitude)
        n_grid = (state.t - start) / self.sampling_interval
        if abs(n_grid - round(n_grid)) < 1e-6 and values.shape[0] <= round(n_grid):
            # the present value closes the trace (the monitor samples at step starts)
            now = pop._eqsim_group.arrays[var][want]
            values = np.vstack([values, now[None, :]])
        values = values * factor
        if clear:
            _empty(mon)
        return values, None

    def _local_count(self, variable, filter_ids=None):
        pop = self.population
        ids = np.fromiter(self.filter_recorded(variable, filter_ids), dtype=int)
        mon = self._monitors.get("spikes")
        counts = (np.zeros(ids.size, int) if mon is None else
                  np.asarray(mon.counts)[pop.id_to_index(ids)] if ids.size else
                  np.zeros(0, int))
        return dict(zip(ids.tolist(), counts.tolist()))


__all__ = ["Recorder"]
