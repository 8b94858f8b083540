"""PyNN's current sources on eqsim: DCSource, StepCurrentSource, ACSource,
NoisyCurrentSource.

The currents reach the cells' ``i_inj`` through one "electrode" group per target group:
each row is one (source, cell) pair and computes that source's current in compiled code
(a window [start, stop), a sine, a TimedArray of steps, a held Gaussian value renewed
every ``dt`` of the source); a Synapses object sums the rows onto ``i_inj``
(``i_inj_post = I_pre : amp (summed)``), so several sources into one cell add up. The
electrode of a group is rebuilt when a source is added (before the first run). Timing as
pyNN.nest: a DCSource from ``start`` to ``stop`` drives the cell over [start, stop) (NEST:
a dc_generator from start - min_delay, connected with min_delay). See docs/pynn_models.md.
"""
from __future__ import annotations

import numpy as np
from pyNN.standardmodels import build_translations, electrodes
from pyNN.parameters import ParameterSpace, Sequence

from ...errors import ConfigurationError
from ...runtime.groups import NeuronGroup
from ...runtime.inputs import TimedArray
from ...runtime.synapses import Synapses
from ...units import second
from .cells import group_seed

__all__ = ["DCSource", "StepCurrentSource", "ACSource", "NoisyCurrentSource"]

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
_UPDATE = """noise = noise + n_on*int(abs((t - start)/n_dt - floor((t - start)/n_dt + 0.5)) < 0.25*dt/n_dt)*(n_mean + n_std*randn() - noise)
I = I_now"""
_FIELDS = ("dc", "ac_amp", "ac_off", "ac_f", "ac_ph", "ac_on", "step_on", "n_on",
           "n_mean", "n_std", "n_dt", "start", "stop")


def _state():
    from ..simulator import state
    return state


class _Electrode:
    """The rows of the current sources into one eqsim group, and their objects."""

    def __init__(self, group):
        self.group = group
        self.entries: list = []     # (source, cell indices)
        self.objects: list = []
        self.E = None

    def rebuild(self) -> None:
        st = _state()
        if st.network is not None and getattr(st.network, "_step", 0) > 0:
            raise ConfigurationError(
                "current sources must be injected before the simulation starts "
                "(or after reset())", code="E862")
        for obj in self.objects:
            if obj in st.network.objects:
                st.network.remove(obj)
        rows = []
        for src, cells in self.entries:
            rows.append((src, cells))
        n = sum(c.size for _, c in rows)
        dt = st.dt * 1e-3
        values = {f: np.zeros(n) for f in _FIELDS}
        values["n_dt"][:] = 1.0
        values["stop"][:] = 1e30
        spans = []
        k = 0
        step_cols = []
        for src, cells in rows:
            sl = slice(k, k + cells.size)
            for f, v in src._row_values(dt).items():
                values[f][sl] = v
            spans.append((src, sl))
            step_cols.append((sl, src._step_table(dt)))
            k += cells.size
        length = max([t.size for _, t in step_cols if t is not None] + [1])
        table = np.zeros((length, max(n, 1)))
        for sl, t in step_cols:
            if t is not None:
                table[:t.size, sl] = t[:, None]
                table[t.size:, sl] = t[-1]
        name = st.next_name("electrode") if hasattr(st, "next_name") else None
        E = NeuronGroup(max(n, 1), _ROW, namespace={"steps": TimedArray(
            table * 1e-9 * _amp(), dt * second)}, name=name, seed=group_seed(name))
        for f, v in values.items():
            E.arrays[f][:n] = v
        E.run_regularly(_UPDATE, when="start")
        S = Synapses(E, self.group, "i_inj_post = I_pre : amp (summed)",
                     name=(name + "_to_cells") if name else None)
        S.connect(i=np.arange(n, dtype=np.int32),
                  j=np.concatenate([c for _, c in rows]).astype(np.int32))
        self.objects = [E, S]
        self.E = E
        for src, sl in spans:
            src._rows[id(self)] = (self, sl)
        for obj in self.objects:
            st.add(obj)


def _amp():
    from ...units import amp
    return amp


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
        object.__setattr__(self, "_recording", False)
        super().__init__(**parameters)
        self.set_native_parameters(self.translate(self.parameter_space))

    # PyNN's StandardCurrentSource calls these two
    def set_native_parameters(self, parameters) -> None:
        if parameters.shape is None:
            parameters.shape = (1,)
        parameters.evaluate(simplify=True)
        for k, v in parameters.items():
            if isinstance(v, np.ndarray) and v.dtype == object:
                v = v.ravel()[0]
            self._native[k] = np.asarray(v.value, float) if isinstance(v, Sequence) \
                else float(np.ravel(v)[0])
        for electrode, sl in self._rows.values():
            for f, v in self._row_values(_state().dt * 1e-3).items():
                electrode.E.arrays[f][sl] = v
            if self._step_table(_state().dt * 1e-3) is not None:
                electrode.rebuild()

    def get_native_parameters(self) -> ParameterSpace:
        return ParameterSpace({k: (Sequence(v) if isinstance(v, np.ndarray) else v)
                               for k, v in self._native.items()})

    def inject_into(self, cells) -> None:
        """Inject this current into ``cells`` (Population, PopulationView, Assembly or
        a list of IDs)."""
        targets = cells._eqsim_targets() if hasattr(cells, "_eqsim_targets") else cells
        for group, index in targets:
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

    def _window(self, dt: float) -> tuple[float, float]:
        md = _state().min_delay * 1e-3
        start = self._native.get("start", 0.0)
        # pyNN.nest starts the device min_delay earlier; NEST's current reaches the cell
        # at 2*min_delay at the earliest (measured: a source from 0 acts from 0.2 ms)
        start = max(start - md, md) + md
        return start, self._native.get("stop", 1e30)

    # recording (PyNN's record() / get_data())
    def record(self) -> None:
        self._recording = True

    def _get_data(self):
        """Times (ms) and current (nA) from 0 to the present, computed from the
        parameters as the compiled code does (noise: the recorded first row)."""
        st = _state()
        dt = st.dt * 1e-3
        n = int(round(st.t / st.dt)) + 1
        t = np.arange(n) * dt
        return t * 1e3, self._current(t, dt) * 1e9

    def _current(self, t: np.ndarray, dt: float) -> np.ndarray:
        start, stop = self._window(dt)
        v = self._row_values(dt)
        win = (t > start - 0.5 * dt) & (t < stop - 0.5 * dt)
        out = v.get("dc", 0.0) + v.get("ac_on", 0.0) * (v.get("ac_off", 0.0) + v.get(
            "ac_amp", 0.0) * np.sin(2 * np.pi * v.get("ac_f", 0.0) * (t - start) +
                                    v.get("ac_ph", 0.0)))
        table = self._step_table(dt)
        if table is not None:
            k = np.clip(np.trunc(t / dt + 1e-3).astype(int), 0, table.size - 1)
            out = out + table[k] * 1e-9
        return np.where(win, out, 0.0)


class DCSource(_CurrentSource, electrodes.DCSource):
    __doc__ = electrodes.DCSource.__doc__
    translations = build_translations(('amplitude', 'amplitude', 1e-9),
                                      ('start', 'start', 1e-3), ('stop', 'stop', 1e-3))

    def _row_values(self, dt: float) -> dict:
        start, stop = self._window(dt)
        return {"dc": self._native["amplitude"], "start": start, "stop": stop}


class ACSource(_CurrentSource, electrodes.ACSource):
    __doc__ = electrodes.ACSource.__doc__
    translations = build_translations(
        ('amplitude', 'amplitude', 1e-9), ('start', 'start', 1e-3), ('stop', 'stop', 1e-3),
        ('frequency', 'frequency'), ('offset', 'offset', 1e-9),
        ('phase', 'phase', np.pi / 180))

    def _row_values(self, dt: float) -> dict:
        start, stop = self._window(dt)
        p = self._native
        return {"ac_on": 1.0, "ac_amp": p["amplitude"], "ac_off": p["offset"],
                "ac_f": p["frequency"], "ac_ph": p["phase"], "start": start, "stop": stop}


class StepCurrentSource(_CurrentSource, electrodes.StepCurrentSource):
    __doc__ = electrodes.StepCurrentSource.__doc__
    translations = build_translations(('amplitudes', 'amplitudes', 1e-9),
                                      ('times', 'times', 1e-3))

    def _row_values(self, dt: float) -> dict:
        return {"step_on": 1.0, "start": -1.0, "stop": 1e30}

    def _step_table(self, dt: float):
        times = np.asarray(self._native.get("times", []), float).ravel()
        amps = np.asarray(self._native.get("amplitudes", []), float).ravel()
        if times.size != amps.size:
            raise ConfigurationError("StepCurrentSource: one amplitude per time",
                                     code="E864")
        if times.size == 0:
            return np.zeros(1)
        if np.any(times < 0) or np.any(np.diff(times) <= 0):
            raise ConfigurationError("StepCurrentSource: times must be >= 0 and "
                                     "increasing", code="E864")
        steps = np.maximum(np.round(times / dt).astype(np.int64), 1)
        table = np.zeros(steps.max() + 1)
        for k, a in zip(steps, amps):    # once per change time, at construction
            table[k:] = a * 1e9
        return table

    def _window(self, dt: float):
        return -1.0, 1e30


class NoisyCurrentSource(_CurrentSource, electrodes.NoisyCurrentSource):
    __doc__ = electrodes.NoisyCurrentSource.__doc__
    translations = build_translations(
        ('mean', 'mean', 1e-9), ('stdev', 'stdev', 1e-9), ('start', 'start', 1e-3),
        ('stop', 'stop', 1e-3), ('dt', 'dt', 1e-3))

    def _row_values(self, dt: float) -> dict:
        start, stop = self._window(dt)
        p = self._native
        ndt = p["dt"]
        if ndt < dt * (1 - 1e-9) or abs(ndt / dt - round(ndt / dt)) > 1e-6:
            raise ConfigurationError(
                f"NoisyCurrentSource: dt = {ndt*1e3} ms must be a multiple of the time "
                f"step {dt*1e3} ms", code="E865")
        return {"n_on": 1.0, "n_mean": p["mean"], "n_std": p["stdev"], "n_dt": ndt,
                "start": start, "stop": stop}

    def _get_data(self):
        raise ConfigurationError("NoisyCurrentSource: recording its current is not "
                                 "available in eqsim.pynn yet", code="E865")
