"""One HDF5 file per run: ``net.save_hdf5(path)`` / ``eqsim.load_hdf5(path)``.

The file holds what is needed to know what was run and what came out, readable without
building the network again (h5py only, no compiler):

- root attributes: ``format`` ("eqsim-run"), ``format_version``, ``eqsim_version``,
  ``created`` (UTC), ``t`` and ``dt`` (s), ``seed`` (the one given to save_hdf5 or -1),
  ``status`` ("ok" or "failed", with ``error``), ``meta`` (JSON of what the caller adds,
  e.g. a scan point) and ``summary`` (JSON: mean rate of every SpikeMonitor);
- ``groups/<name>``: N, label, seed, the model strings (equations, threshold, reset,
  refractory, method) and, under ``namespace/``, every parameter the model uses with
  its unit; under ``state/`` every variable's values at the end (``state=False``: none);
- ``synapses/<name>``: source, target, model, on_pre, on_post, seed, namespace, and
  under ``state/`` the connectivity (``i``, ``j``) and every variable;
- ``poisson_inputs/<name>``: target, variable, N, rate, weight, seed;
- ``monitors/<name>``: spikes (``i``, ``t``, ``count``, ``gids``, ``labels`` and
  recorded values), states (``t``, ``record`` and one dataset per variable, recorded
  neurons x times) or rates (``t``, ``rate``);
- ``populations``: the network's ``gid_ranges`` (label, start, stop).

A value with a unit is stored in SI with the seven exponents of its dimension as the
attribute ``dim``; loading gives back the same numbers as Quantities (bit for bit).
Files are written under a temporary name in the same folder and renamed, so a reader
(or a scan resuming after a crash) never sees half a file.
"""
from __future__ import annotations

import datetime
import json
import os
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from .._version import __version__
from ..atomic import atomic_path
from ..errors import ConfigurationError, EqsimError
from ..units import DIMENSIONLESS, Dimension, Quantity, get_dimension

FORMAT = "eqsim-run"
FORMAT_VERSION = 1


# ---- values with units ---------------------------------------------------------------
def _dim_text(dim: Dimension) -> str:
    return json.dumps([str(e) for e in dim.exponents])


def _dim_of(text: str) -> Dimension:
    return Dimension(tuple(Fraction(e) for e in json.loads(text)))


def _put(h5, key: str, value) -> None:
    """Store one value (number, array, Quantity, string, bool, None, TimedArray)."""
    from ..runtime.inputs import TimedArray
    if isinstance(value, TimedArray):
        ds = h5.create_dataset(key, data=value.values)
        ds.attrs.update(kind="timedarray", dim=_dim_text(value.dim), dt=value.dt_)
    elif value is None or isinstance(value, (bool, np.bool_)):
        ds = h5.create_dataset(key, data=np.int8(-1 if value is None else value))
        ds.attrs["kind"] = "none" if value is None else "bool"
    elif isinstance(value, str):
        ds = h5.create_dataset(key, data=value, dtype=_STR)
        ds.attrs["kind"] = "str"
    elif isinstance(value, Quantity):
        ds = h5.create_dataset(key, data=np.asarray(value.view(np.ndarray)))
        ds.attrs.update(kind="quantity", dim=_dim_text(get_dimension(value)))
    else:
        try:
            arr = np.asarray(value)
            if arr.dtype == object or arr.dtype.kind not in "biufc":
                raise TypeError
        except (TypeError, ValueError):
            ds = h5.create_dataset(key, data=repr(value), dtype=_STR)
            ds.attrs["kind"] = "repr"   # kept as text only (a function, an object)
            return
        ds = h5.create_dataset(key, data=arr)
        ds.attrs["kind"] = "python" if np.ndim(value) == 0 and not isinstance(
            value, np.generic) else "array"


def _get(ds):
    from ..runtime.inputs import TimedArray
    kind = ds.attrs.get("kind", "array")
    if kind == "timedarray":
        dim = _dim_of(ds.attrs["dim"])
        values = ds[()]
        return TimedArray(Quantity(values, dim) if not dim.is_dimensionless else values,
                          Quantity(float(ds.attrs["dt"]), _SECOND))
    if kind == "none":
        return None
    if kind == "bool":
        return bool(ds[()])
    if kind in ("str", "repr"):
        return ds.asstr()[()]
    value = ds[()]
    if kind == "quantity":
        return Quantity(value, _dim_of(ds.attrs["dim"]))
    if kind == "python":
        return value.item()
    return value


_STR = None   # set on first use: h5py's variable-length UTF-8 string type
_SECOND = Dimension((0, 0, 1, 0, 0, 0, 0))


def _h5py():
    global _STR
    try:
        import h5py
    except ImportError as exc:   # a core dependency; only a broken install lacks it
        raise ConfigurationError("writing and reading HDF5 needs h5py", code="E832",
                                 hint="pip install h5py") from exc
    if _STR is None:
        _STR = h5py.string_dtype()
    return h5py


def _put_array(h5, key: str, values: np.ndarray, dim: Dimension | None) -> None:
    ds = h5.create_dataset(key, data=np.asarray(values))
    if dim is not None and dim != DIMENSIONLESS:
        ds.attrs.update(kind="quantity", dim=_dim_text(dim))
    else:
        ds.attrs["kind"] = "array"


def _put_strings(h5, key: str, values) -> None:
    h5.create_dataset(key, data=np.asarray(values, dtype=object), dtype=_STR)


# ---- writing ---------------------------------------------------------------------------
def _namespace(h5, obj) -> None:
    """The parameters a model uses (its constants and TimedArrays), with their units."""
    ns = h5.create_group("namespace")
    namespace = getattr(obj, "namespace", None) or {}
    for ext in getattr(obj.spec, "externals", ()):
        if ext.kind not in ("constant", "function") or ext.name.startswith("_"):
            continue
        if ext.name in namespace:
            _put(ns, ext.name, namespace[ext.name])


def _write_group(h5, g, state: bool) -> None:
    spec = g.spec
    a = h5.attrs
    a.update(kind=type(g).__name__, N=g.N, label=g.label, seed=g.seed, dt=g.dt_,
             model=g.equations.text, method=spec.method)
    for key, value in (("threshold", spec.threshold), ("reset", spec.reset)):
        _put(h5, key, value)
    _put(h5, "refractory", getattr(g, "_refractory_value", None) if
         getattr(g, "_refractory_value", None) is not None else spec.refractory)
    _namespace(h5, g)
    if state:
        st = h5.create_group("state")
        for var, arr in g.arrays.items():
            if arr is None:
                continue
            _put_array(st, var, arr, g.equations[var].dim if var in g.equations else
                       (_SECOND if var == "lastspike" else None))


def _write_synapses(h5, S, state: bool) -> None:
    spec = S.spec
    h5.attrs.update(kind=type(S).__name__, source=S.source.name, target=S.target.name,
                    seed=S.seed, model=S.equations.text, method=str(spec.method),
                    n_synapses=len(S))
    _put(h5, "on_pre", spec.on_pre)
    _put(h5, "on_post", spec.on_post)
    _namespace(h5, S)
    if state:
        st = h5.create_group("state")
        st.create_dataset("i", data=np.asarray(S.i))
        st.create_dataset("j", data=np.asarray(S.j))
        for var, arr in S.arrays.items():
            if var == "delay":   # one delay for all is kept as a scalar: all of them
                arr = np.asarray(S.delay.view(np.ndarray)) if len(S) else arr
            if arr is None or var.startswith("_") or not isinstance(arr, np.ndarray):
                continue
            dim = (S.equations[var].dim if var in S.equations else
                   _SECOND if var == "delay" else None)
            _put_array(st, var, arr, dim)


def _write_poisson_input(h5, p) -> None:
    h5.attrs.update(target=p.target.name, target_var=p.target_var, N=p.N, seed=p.seed)
    _put(h5, "rate", p.rate)
    _put(h5, "weight", p.weight)


def _spike_rate(m, t: float) -> float:
    return float(m.num_spikes / max(m.N, 1) / t) if t > 0 else 0.0


def _write_monitor(h5, m, net) -> None:
    from ..runtime.monitors import PopulationRateMonitor, SpikeMonitor, StateMonitor
    h5.attrs.update(source=m.source.name)
    if isinstance(m, PopulationRateMonitor):
        h5.attrs.update(kind="rate", N=m.N)
        _put_array(h5, "t", m.t_, _SECOND)
        _put_array(h5, "rate", np.asarray(m.rate.view(np.ndarray)), get_dimension(m.rate))
    elif isinstance(m, SpikeMonitor):
        h5.attrs.update(kind="spike", N=m.N, event=m.event, record=m.record)
        h5.create_dataset("i", data=m.i)
        _put_array(h5, "t", m.t_, _SECOND)
        h5.create_dataset("count", data=m.count)
        try:
            h5.create_dataset("gids", data=m.gids)
            _put_strings(h5, "labels", m.labels)
        except EqsimError:   # labels or gids this network cannot give: leave them out
            pass
        for var in getattr(m, "record_variables", ()):
            values = getattr(m, var)
            _put_array(h5, f"values/{var}", np.asarray(
                values.view(np.ndarray) if isinstance(values, Quantity) else values),
                get_dimension(values))
    elif isinstance(m, StateMonitor):
        h5.attrs.update(kind="state", variables=json.dumps(list(m.variables)))
        _put_array(h5, "t", m.t_, _SECOND)
        h5.create_dataset("record", data=m.record)
        for var in m.variables:
            values = getattr(m, var)
            _put_array(h5, f"values/{var}", np.asarray(
                values.view(np.ndarray) if isinstance(values, Quantity) else values),
                get_dimension(values) if isinstance(values, Quantity) else None)


def _summary(net) -> dict:
    from ..runtime.monitors import PopulationRateMonitor
    return {f"rate_{m.name}": _spike_rate(m, net.t_) for m in net.spike_monitors
            if not isinstance(m, PopulationRateMonitor) and m.event == "spike"}


def _atomic(path: Path, write) -> Path:
    h5py = _h5py()
    folder = path.parent
    if not folder.is_dir():
        raise ConfigurationError(f"cannot write '{path}': folder '{folder}' does not "
                                 "exist", code="E832", hint="create the folder first")
    with atomic_path(path, public=True) as tmp, h5py.File(tmp, "w") as h5:
        write(h5)
    return path


def _root_attrs(h5, seed, meta, status: str) -> None:
    h5.attrs.update(format=FORMAT, format_version=FORMAT_VERSION,
                    eqsim_version=__version__, status=status,
                    created=datetime.datetime.now(datetime.timezone.utc).isoformat(),
                    seed=-1 if seed is None else int(seed))
    try:
        h5.attrs["meta"] = json.dumps(meta or {}, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"meta= cannot be written as JSON: {exc}",
                                 code="E832") from exc


def decode(value):
    """JSON written by ``_json_default`` back to Python: {"value", "dim"} dicts become
    Quantities again (in dicts and lists too)."""
    if isinstance(value, dict):
        if set(value) == {"value", "dim"}:
            return Quantity(np.asarray(value["value"], float),
                            Dimension(tuple(Fraction(e) for e in value["dim"])))
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def _json_default(value):
    if isinstance(value, Quantity):
        return {"value": np.asarray(value.view(np.ndarray)).tolist(),
                "dim": json.loads(_dim_text(get_dimension(value)))}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON")


def save_hdf5(net, path, seed: int | None = None, meta: dict | None = None,
              state: bool = True) -> Path:
    """Write the network's models, parameters, state and every monitor to ``path``.

    seed: the seed the caller built the network with (stored as the attribute ``seed``;
    default: the value of the last ``eqsim.seed(n)``, else none; every object's own seed
    is stored too). meta: a dict of JSON-able values (Quantities
    become {"value", "dim"}) kept as the attribute ``meta``. state=False leaves out the
    variables of groups and synapses (the connectivity), which can be large.
    """
    path = Path(path)
    net._assign_names()
    if seed is None:   # a script that called eqsim.seed(n) (Brian2's seed) ran with n
        from ..brian2_compat import _state
        seed = _state.get("seed")
    try:
        gid_ranges = net.gid_ranges
    except EqsimError:   # ambiguous labels: the file has no populations table
        gid_ranges = {}

    def write(h5):
        _root_attrs(h5, seed, meta, "ok")
        h5.attrs.update(name=net.name, t=net.t_, dt=net._dt_base if
                        net._dt_base is not None else np.nan,
                        summary=json.dumps(_summary(net)))
        for g in net.groups:
            _write_group(h5.create_group(f"groups/{g.name}"), g, state)
        for S in net.synapses:
            _write_synapses(h5.create_group(f"synapses/{S.name}"), S, state)
        for p in net.poisson_inputs:
            _write_poisson_input(h5.create_group(f"poisson_inputs/{p.name}"), p)
        for m in net.spike_monitors + net.state_monitors:
            _write_monitor(h5.create_group(f"monitors/{m.name}"), m, net)
        pop = h5.create_group("populations")
        _put_strings(pop, "label", list(gid_ranges))
        pop.create_dataset("start", data=np.array([r.start for r in gid_ranges.values()],
                                                  dtype=np.int64))
        pop.create_dataset("stop", data=np.array([r.stop for r in gid_ranges.values()],
                                                 dtype=np.int64))

    return _atomic(path, write)


def save_failure(path, error: str, seed: int | None = None, meta: dict | None = None
                 ) -> Path:
    """A run that could not be made (e.g. a scan point whose build failed): the file
    says so (``status`` "failed", ``error``), with the seed and meta it had."""
    def write(h5):
        _root_attrs(h5, seed, meta, "failed")
        h5.attrs["error"] = error
    return _atomic(Path(path), write)


# ---- reading ---------------------------------------------------------------------------
class MonitorRecord:
    """A monitor as loaded from a file: its arrays as attributes, with units
    (``t``, ``rate``, ``v``...), and without units under the name with ``_``
    (``t_``, ``v_``), as the live monitors have them."""

    def __init__(self, name: str, kind: str, attrs: dict, arrays: dict):
        self.name, self.kind, self.attrs = name, kind, attrs
        self.arrays = arrays

    def __getattr__(self, name: str):
        arrays = self.__dict__.get("arrays", {})
        if name in arrays:
            return arrays[name]
        if name.endswith("_") and name[:-1] in arrays:
            value = arrays[name[:-1]]
            return np.asarray(value.view(np.ndarray) if isinstance(value, Quantity)
                              else value)
        raise AttributeError(f"monitor record '{self.__dict__.get('name')}' has no "
                             f"'{name}' (it has: {', '.join(arrays)})")

    @property
    def num_spikes(self) -> int:
        return int(np.sum(self.arrays["count"])) if "count" in self.arrays else \
            int(len(self.arrays.get("i", ())))

    def __repr__(self) -> str:
        return f"MonitorRecord({self.name!r}, {self.kind}, {sorted(self.arrays)})"


@dataclass
class ObjectRecord:
    """A group, synapses or PoissonInput as loaded: attributes (N, model, seed...),
    the values it was given (threshold, reset, rate...), parameters and end state."""
    name: str
    attrs: dict
    values: dict = field(default_factory=dict)
    namespace: dict = field(default_factory=dict)
    state: dict = field(default_factory=dict)

    def __getattr__(self, name: str):
        for part in ("attrs", "values"):
            d = self.__dict__.get(part, {})
            if name in d:
                return d[name]
        raise AttributeError(name)


@dataclass
class RunRecord:
    """What ``load_hdf5`` returns: plain data, no network."""
    path: Path
    status: str
    eqsim_version: str
    created: str
    seed: int | None
    meta: dict
    t: Quantity | None = None
    dt: Quantity | None = None
    summary: dict = field(default_factory=dict)
    error: str = ""
    groups: dict[str, ObjectRecord] = field(default_factory=dict)
    synapses: dict[str, ObjectRecord] = field(default_factory=dict)
    poisson_inputs: dict[str, ObjectRecord] = field(default_factory=dict)
    monitors: dict[str, MonitorRecord] = field(default_factory=dict)
    gid_ranges: dict[str, range] = field(default_factory=dict)

    def spike_trial(self):
        """The spikes of every SpikeMonitor as one :class:`eqsim.io.SpikeTrial` (times,
        gids, labels, gid_ranges), as ``SpikeTrial.from_monitors(net)`` gives them for
        the live network: for ``write_spikes``, ``eqsim.analysis`` and ``eqsim.plot``."""
        from .spikefiles import SpikeTrial
        mons = [m for m in self.monitors.values() if m.kind == "spike" and
                m.attrs.get("event", "spike") == "spike" and "gids" in m.arrays]
        if not mons:
            raise ConfigurationError(f"'{self.path}' has no SpikeMonitor with gids",
                                     code="E833")
        t = np.concatenate([m.t_ for m in mons])
        gids = np.concatenate([m.gids for m in mons])
        types = np.concatenate([m.labels for m in mons]).astype(str)
        order = np.lexsort((gids, t))
        return SpikeTrial(t[order] * 1e3, gids[order], types[order], self.gid_ranges,
                          str(self.path), t[order])

    def __getitem__(self, name: str):
        """``record['spikes']``: a monitor (or group, synapses) by name."""
        for table in (self.monitors, self.groups, self.synapses, self.poisson_inputs):
            if name in table:
                return table[name]
        raise KeyError(f"no object called {name!r} in {self.path}")


def _attrs(obj) -> dict:
    out = {}
    for k, v in obj.attrs.items():
        out[k] = v.item() if isinstance(v, np.generic) else v
    return out


def _arrays(h5) -> dict:
    out = {}
    for key, item in h5.items():
        if hasattr(item, "items"):   # a subgroup (values/): its datasets by name
            out.update(_arrays(item))
        else:
            out[key] = _get(item)
    return out


def _object(name: str, h5, values=()) -> ObjectRecord:
    rec = ObjectRecord(name, _attrs(h5))
    for key in values:
        if key in h5:
            rec.values[key] = _get(h5[key])
    if "namespace" in h5:
        rec.namespace = {k: _get(v) for k, v in h5["namespace"].items()}
    if "state" in h5:
        rec.state = {k: _get(v) for k, v in h5["state"].items()}
    return rec


def load_hdf5(path) -> RunRecord:
    """Read a file written by ``save_hdf5`` (or a scan): a :class:`RunRecord` with the
    models, parameters (as Quantities), seeds, monitors' arrays (with units) and the
    populations' gid ranges. Needs no compiler and builds nothing."""
    h5py = _h5py()
    path = Path(path)
    try:
        h5 = h5py.File(path, "r")
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"cannot read '{path}' as HDF5: {exc}", code="E833",
                                 hint="is it a file written by net.save_hdf5()?") from exc
    with h5:
        a = _attrs(h5)
        if a.get("format") != FORMAT:
            raise ConfigurationError(f"'{path}' is not a run saved by eqsim (no "
                                     f"format='{FORMAT}' attribute)", code="E833")
        if int(a.get("format_version", 0)) > FORMAT_VERSION:
            raise ConfigurationError(
                f"'{path}' has format version {a['format_version']}; this eqsim reads "
                f"up to {FORMAT_VERSION}", code="E833", hint="update eqsim")
        seed = int(a.get("seed", -1))
        rec = RunRecord(path, a.get("status", "ok"), a.get("eqsim_version", ""),
                        a.get("created", ""), None if seed < 0 else seed,
                        decode(json.loads(a.get("meta", "{}"))), error=a.get("error", ""))
        if rec.status != "ok":
            return rec
        rec.t = Quantity(float(a["t"]), _SECOND)
        rec.dt = Quantity(float(a["dt"]), _SECOND)
        rec.summary = json.loads(a.get("summary", "{}"))
        for name, g in h5.get("groups", {}).items():
            rec.groups[name] = _object(name, g, ("threshold", "reset", "refractory"))
        for name, g in h5.get("synapses", {}).items():
            rec.synapses[name] = _object(name, g, ("on_pre", "on_post"))
        for name, g in h5.get("poisson_inputs", {}).items():
            rec.poisson_inputs[name] = _object(name, g, ("rate", "weight"))
        for name, g in h5.get("monitors", {}).items():
            attrs = _attrs(g)
            arrays = _arrays(g)
            if "labels" in g:
                arrays["labels"] = g["labels"].asstr()[()].astype(str)
            rec.monitors[name] = MonitorRecord(name, attrs.get("kind", ""), attrs, arrays)
        if "populations" in h5:
            pop = h5["populations"]
            labels = pop["label"].asstr()[()]
            rec.gid_ranges = {str(k): range(int(s), int(e)) for k, s, e in
                              zip(labels, pop["start"][()], pop["stop"][()])}
    return rec


def read_status(path) -> tuple[str, dict]:
    """(status, root attributes) of a run file, reading nothing else; ("missing", {})
    when there is no such file and ("unreadable", {}) for a broken one."""
    h5py = _h5py()
    if not os.path.exists(path):
        return "missing", {}
    try:
        with h5py.File(path, "r") as h5:
            a = _attrs(h5)
    except (OSError, ValueError):
        return "unreadable", {}
    if a.get("format") != FORMAT:
        return "unreadable", {}
    return str(a.get("status", "ok")), a


__all__ = ["save_hdf5", "load_hdf5", "RunRecord", "MonitorRecord", "ObjectRecord"]
