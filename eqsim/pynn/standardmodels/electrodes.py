"""PyNN's current sources on eqsim: DCSource, StepCurrentSource, ACSource,
NoisyCurrentSource.

The currents reach the cells' ``i_inj`` through one "electrode" group per target group:
each row is one (source, cell) pair and computes that source's current in compiled code
(a window [start, stop), a sine, a TimedArray of steps, a held Gaussian value renewed
every ``dt`` of the source); a Synapses object sums the rows onto ``i_inj``
(``i_inj_post = I_pre : amp (summed)``), so several sources into one cell add up. The
electrode of a group is rebuilt when a source is added (also between runs; the held noise
values and the recorded currents carry over). Timing as pyNN.nest (NEST's generators
start ``min_delay`` early and are connected with ``min_delay``): a current given from
time t acts on the cell from max(t - min_delay, now + dt) + min_delay, where now is the
time of the call (0 before the first run). See docs/pynn_models.md.
"""
from __future__ import annotations

import numpy as np
from pyNN.parameters import ParameterSpace, Sequence
from pyNN.standardmodels import build_translations, electrodes

from ...errors import ConfigurationError
from ...runtime.groups import NeuronGroup
from ...runtime.inputs import TimedArray
from ...runtime.monitors import StateMonitor
from ...runtime.synapses import Synapses
from ...units import amp, second
from ..errors import PyNNInvalidParameterValueError as _BadValue
from .cells import group_seed

__all__ = ["ACSource", "DCSource", "NoisyCurrentSource", "StepCurrentSource"]

_ROW = """I : amp
noise : amp
dc : amp
ac_amp : amp
ac_off : amp
ac_f : Hz
ac_ph : 1
ac_on : 1
step_on : 1
n_on : 1
n_mean : amp
n_std : amp
n_dt : second
start : second
stop : second
I_now = (dc + ac_on*(ac_off + ac_amp*sin(2*pi*ac_f*(t - start) + ac_ph)) + step_on*steps(t, i) + n_on*noise)*int(t > start - 0.5*dt)*int(t < stop - 0.5*dt) : amp
"""
# a new Gaussian value at start, start + n_dt, ... (held in between)
_UPDATE = """noise = noise + n_on*int(abs((t - start)/n_dt - floor((t - start)/n_dt + 0.5)) < 0.25*dt/n_dt)*(n_mean + n_std*randn() - noise)
I = I_now"""
_FIELDS = ("dc", "ac_amp", "ac_off", "ac_f", "ac_ph", "ac_on", "step_on", "n_on",
           "n_mean", "n_std", "n_dt", "start", "stop")


def _state():
    from ..simulator import state
    return state


def _dt() -> float:
    return _state().dt * 1e-3


def _effective(t, now: float | None = None):
    """When a current given from time t (s) reaches the cell in pyNN.nest: NEST's
    generator starts min_delay earlier, not before the next step, and is connected with
    min_delay."""
    st = _state()
    md, dt = st.min_delay * 1e-3, st.dt * 1e-3
    now = st.t * 1e-3 if now is None else now
    return np.maximum(np.asarray(t, float) - md, now + dt) + md


def _targets_of(cells) -> list[tuple]:
    """(eqsim group, cell indices) pairs of a Population, PopulationView, Assembly, a list
    of IDs, or (in tests) a list of (group, indices) pairs."""
    if hasattr(cells, "_eqsim_targets"):
        return cells._eqsim_targets()
    try:
        from ..populations import eqsim_targets_of
    except ImportError:
        eqsim_targets_of = None
    items = list(cells) if not isinstance(cells, (list, tuple)) else cells
    if items and all(isinstance(x, tuple) and len(x) == 2 for x in items):
        return items
    if eqsim_targets_of is not None:
        return eqsim_targets_of(cells)
    by_group: dict = {}
    for cell in items:     # a list of IDs (ID.inject): a few cells, once
        (group, idx), = cell.parent._eqsim_targets()
        by_group.setdefault(id(group), (group, []))[1].append(
            idx[cell.parent.id_to_index(cell)])
    return [(g, np.asarray(ix, np.int64)) for g, ix in by_group.values()]


class _Electrode:
    """The rows of the current sources into one eqsim group, and their objects."""

    def __init__(self, group):
        self.group = group
        self.entries: list = []     # (source, cell indices)
        self.objects: list = []
        self.E = None
        self.monitors: dict = {}    # id(source) -> (source, StateMonitor, row)

    def rebuild(self) -> None:
        st = _state()
        old_noise = None
        if self.E is not None:
            old_noise = self.E.arrays["noise"].copy()
            for src, mon, _ in self.monitors.values():
                src._harvest(mon)
        for obj in self.objects:
            if obj in st.network.objects:
                st.network.remove(obj)
        n = sum(c.size for _, c in self.entries)
        dt = _dt()
        values = {f: np.zeros(n) for f in _FIELDS}
        values["n_dt"][:] = 1.0
        values["stop"][:] = 1e30
        spans, tables, k = [], [], 0
        for src, cells in self.entries:
            sl = slice(k, k + cells.size)
            for f, v in src._row_values().items():
                values[f][sl] = v
            spans.append((src, sl))
            tables.append((sl, src._step_table(dt)))
            k += cells.size
        length = max([t.size for _, t in tables if t is not None] + [1])
        table = np.zeros((length, max(n, 1)))
        for sl, t in tables:
            if t is not None:
                table[:t.size, sl] = t[:, None]
                table[t.size:, sl] = t[-1]
        name = st.next_name("electrode")
        # (the step table is read through the model's I_now: eqsim binds the TimedArrays
        # of a group's model, not those named in run_regularly code alone)
        E = NeuronGroup(max(n, 1), _ROW, namespace={"steps": TimedArray(
            table * amp, dt * second)}, name=name, seed=group_seed(name))
        for f, v in values.items():
            E.arrays[f][:n] = v
        if old_noise is not None:
            m = min(old_noise.size, n)
            E.arrays["noise"][:m] = old_noise[:m]
        E.run_regularly(_UPDATE, when="start")
        S = Synapses(E, self.group, "i_inj_post = I_pre : amp (summed)",
                     name=name + "_to_cells")
        S.connect(i=np.arange(n, dtype=np.int32),
                  j=np.concatenate([c for _, c in self.entries]).astype(np.int32))
        self.objects = [E, S]
        self.E = E
        self.monitors = {}
        for src, sl in spans:
            src._rows[id(self)] = (self, sl)
            if src._recording and id(src) not in self.monitors:
                mon = StateMonitor(E, "I", record=[sl.start], when="after_start",
                                   name=f"{name}_rec{sl.start}")
                self.monitors[id(src)] = (src, mon, sl.start)
                src._monitor = mon
                self.objects.append(mon)
        for obj in self.objects:
            st.add(obj)


def _electrode(group) -> _Electrode:
    e = getattr(group, "_pynn_electrode", None)
    if e is None:
        e = _Electrode(group)
        group._pynn_electrode = e
    return e


class _CurrentSource:
    """Common part: parameters, injection, recording."""

    def __init__(self, **parameters):
        object.__setattr__(self, "_rows", {})
        object.__setattr__(self, "_native", {})
        object.__setattr__(self, "_effective_times", {})
        object.__setattr__(self, "_recording", False)
        object.__setattr__(self, "_monitor", None)
        object.__setattr__(self, "_chunks", [])
        super().__init__(**parameters)
        self.set_native_parameters(self.translate(self.parameter_space))

    # PyNN's StandardCurrentSource calls these two
    def set_native_parameters(self, parameters) -> None:
        if parameters.shape is None:
            parameters.shape = (1,)
        parameters.evaluate(simplify=True)
        new = {}
        for k, v in parameters.items():
            if isinstance(v, np.ndarray) and v.dtype == object:
                v = v.ravel()[0]
            new[k] = np.asarray(v.value, float) if isinstance(v, Sequence) \
                else float(np.ravel(v)[0])
        self._native.update(self._checked(new))
        for k in new:
            if k in ("start", "stop", "times"):
                self._effective_times[k] = _effective(self._native[k]) if k != "stop" \
                    else self._native[k]
        for electrode, sl in self._rows.values():
            if electrode.E is None:
                continue
            if "times" in new or "amplitudes" in new:
                electrode.rebuild()
                continue
            for f, v in self._row_values().items():
                electrode.E.arrays[f][sl] = v

    def _checked(self, new: dict) -> dict:
        return new

    def get_native_parameters(self) -> ParameterSpace:
        # arrays as arrays (a lazyarray of an array knows its shape, as pyNN.nest's)
        return ParameterSpace(dict(self._native))

    def inject_into(self, cells) -> None:
        """Inject this current into ``cells`` (Population, PopulationView, Assembly or
        a list of IDs)."""
        for group, index in _targets_of(cells):
            celltype = getattr(group, "_pynn_celltype", None)
            if "i_inj" not in group.arrays:
                raise ConfigurationError(
                    f"cannot inject current into '{group.name}': "
                    f"{type(celltype).__name__ if celltype else 'it'} is a spike source",
                    code="E863")
            e = _electrode(group)
            e.entries.append((self, np.asarray(index, dtype=np.int64).ravel()))
            e.rebuild()

    def _step_table(self, dt: float):
        return None

    def _window(self) -> tuple[float, float]:
        return (self._effective_times.get("start", 0.0),
                self._effective_times.get("stop", 1e30))

    # ---- recording (PyNN's record() / get_data()) -------------------------------------
    def record(self) -> None:
        """Record the injected current (of the first cell it is injected into)."""
        if self._recording:
            return
        self._recording = True
        for electrode, _ in list(self._rows.values()):
            electrode.rebuild()
            break

    def _harvest(self, mon) -> None:
        if mon is not None and len(mon.t_):
            self._chunks.append((np.asarray(mon.t_, float).copy(),
                                 np.asarray(mon.I_[0], float).copy()))

    def _get_data(self):
        """Times (ms) and current (nA) from 0 to now, one value per step, as the cells
        received it."""
        if not self._recording:
            raise ConfigurationError("get_data() of a current source needs record() "
                                     "before the run", code="E865")
        st = _state()
        dt = st.dt * 1e-3
        n = round(st.t / st.dt) + 1
        t = np.arange(n) * dt
        i = np.zeros(n)
        for tt, vv in self._chunks + ([(np.asarray(self._monitor.t_, float),
                                        np.asarray(self._monitor.I_[0], float))]
                                      if self._monitor is not None and
                                      len(self._monitor.t_) else []):
            k = np.rint(tt / dt).astype(np.int64)
            ok = k < n
            i[k[ok]] = vv[ok]
        # the value at the present time (not run yet): as the next step will give it
        i[-1] = self._current_at(t[-1], i[-2] if n > 1 else 0.0)
        return t * 1e3, i * 1e9

    def _current_at(self, t: float, previous: float) -> float:
        start, stop = self._window()
        dt = _dt()
        if not (t > start - 0.5 * dt and t < stop - 0.5 * dt):
            return 0.0
        v = self._row_values()
        out = v.get("dc", 0.0) + v.get("ac_on", 0.0) * (v.get("ac_off", 0.0) + v.get(
            "ac_amp", 0.0) * np.sin(2 * np.pi * v.get("ac_f", 0.0) * (t - start) +
                                    v.get("ac_ph", 0.0)))
        table = self._step_table(dt)
        if table is not None:
            out += table[min(int(t / dt + 1e-3), table.size - 1)]
        if v.get("n_on", 0.0):
            out += previous
        return float(out)


class DCSource(_CurrentSource, electrodes.DCSource):
    __doc__ = electrodes.DCSource.__doc__
    translations = build_translations(('amplitude', 'amplitude', 1e-9),
                                      ('start', 'start', 1e-3), ('stop', 'stop', 1e-3))

    def _row_values(self) -> dict:
        start, stop = self._window()
        return {"dc": self._native["amplitude"], "start": start, "stop": stop}


class ACSource(_CurrentSource, electrodes.ACSource):
    __doc__ = electrodes.ACSource.__doc__
    translations = build_translations(
        ('amplitude', 'amplitude', 1e-9), ('start', 'start', 1e-3), ('stop', 'stop', 1e-3),
        ('frequency', 'frequency'), ('offset', 'offset', 1e-9),
        ('phase', 'phase', np.pi / 180))

    def _row_values(self) -> dict:
        start, stop = self._window()
        p = self._native
        return {"ac_on": 1.0, "ac_amp": p["amplitude"], "ac_off": p["offset"],
                "ac_f": p["frequency"], "ac_ph": p["phase"], "start": start, "stop": stop}


class StepCurrentSource(_CurrentSource, electrodes.StepCurrentSource):
    __doc__ = electrodes.StepCurrentSource.__doc__
    translations = build_translations(('amplitudes', 'amplitudes', 1e-9),
                                      ('times', 'times', 1e-3))

    def _checked(self, new: dict) -> dict:
        """Times >= 0 and increasing; mapped to the time grid, of equal grid times the
        last amplitude kept (as PyNN's backends do)."""
        times = np.asarray(new.get("times", self._native.get("times", [])), float).ravel()
        amps = np.asarray(new.get("amplitudes", self._native.get("amplitudes", [])),
                          float).ravel()
        if times.size != amps.size:
            raise _BadValue(f"StepCurrentSource: {times.size} times but {amps.size} "
                            "amplitudes", code="E864")
        if np.any(times < 0) or np.any(np.diff(times) <= 0):
            raise _BadValue("StepCurrentSource: times must be >= 0 and increasing, got "
                            f"{times * 1e3} ms", code="E864")
        dt = _dt()
        grid = np.rint(times / dt) * dt
        last = np.r_[grid[1:] != grid[:-1], True] if grid.size else np.zeros(0, bool)
        return {**new, "times": grid[last], "amplitudes": amps[last]}

    def _row_values(self) -> dict:
        return {"step_on": 1.0, "start": -1.0, "stop": 1e30}

    def _step_table(self, dt: float):
        times = np.asarray(self._effective_times.get("times", []), float).ravel()
        amps = np.asarray(self._native.get("amplitudes", []), float).ravel()
        if times.size == 0:
            return np.zeros(1)
        steps = np.rint(times / dt).astype(np.int64)
        table = np.zeros(steps.max() + 1)
        for k, a in zip(steps, amps):    # once per change time, at construction
            table[k:] = a
        return table

    def _window(self):
        return -1.0, 1e30


class NoisyCurrentSource(_CurrentSource, electrodes.NoisyCurrentSource):
    __doc__ = electrodes.NoisyCurrentSource.__doc__
    translations = build_translations(
        ('mean', 'mean', 1e-9), ('stdev', 'stdev', 1e-9), ('start', 'start', 1e-3),
        ('stop', 'stop', 1e-3), ('dt', 'dt', 1e-3))

    def _checked(self, new: dict) -> dict:
        if "dt" in new:
            ndt, dt = new["dt"], _dt()
            if ndt < dt * (1 - 1e-9) or abs(ndt / dt - round(ndt / dt)) > 1e-6:
                raise _BadValue(f"NoisyCurrentSource: dt = {ndt*1e3} ms must be a "
                                f"multiple of the time step {dt*1e3} ms", code="E865")
        return new

    def _row_values(self) -> dict:
        start, stop = self._window()
        p = self._native
        return {"n_on": 1.0, "n_mean": p["mean"], "n_std": p["stdev"], "n_dt": p["dt"],
                "start": start, "stop": stop}
