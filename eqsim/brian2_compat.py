"""Brian2 habits for ``from eqsim import *`` scripts — the one module with global state.

* Groups and synapses created without ``namespace=`` take their constants from the
  caller's variables (module globals live, function locals as they were), as Brian2 does.
* ``run()`` collects every eqsim object in the caller's frame into a network that lives
  on between calls (so a second ``run()`` continues); ``start_scope()`` forgets the
  objects created before it; ``store()``/``restore()`` act on that network.
* ``seed(n)`` makes what follows reproducible, as in Brian2: objects created afterwards
  get seeds derived from ``n`` and their order of creation since the call, objects created
  before it (since the previous ``seed()``) get new seeds derived from ``n`` too, so the
  random numbers of the next ``run()`` follow from ``n``; numpy's global generator is
  seeded with ``n`` as Brian2 does. A cell run twice in one kernel gives the same spikes.

Objects made here are the plain classes underneath; a script may mix both styles.
"""
from __future__ import annotations

import functools
import itertools
import re
import numbers
import sys
import weakref
from collections import ChainMap
from typing import Any

import numpy as np

from .equations.validate import BRIAN2_DEFAULT_METHODS
from .errors import ConfigurationError, EqsimError, EquationError
from .runtime import groups as _groups
from .runtime import inputs as _inputs
from .runtime import monitors as _monitors
from .runtime import network as _network
from .runtime import operations as _operations
from .runtime import synapses as _synapses
from .runtime import spatialneuron as _spatial

_created = itertools.count()
# seed(): the value, how many objects took a seed since the call, and the objects that a
# later seed() reseeds (created since the last seed(), start_scope() or run())
_seeding: dict[str, Any] = {"value": None, "count": 0, "pending": []}
_state: dict[str, Any] = {"scope_start": 0, "seed": None, "network": None,
                          "network_objects": ()}


def _model_value(value) -> bool:
    from .runtime.inputs import TimedArray as _TimedArray
    return isinstance(value, (numbers.Number, np.ndarray, np.generic, _TimedArray))


def _caller_namespace(depth: int) -> ChainMap:
    frame = sys._getframe(depth + 1)
    return ChainMap(frame.f_locals, frame.f_globals)


class _NamespaceFromCaller:
    """Mixin: remember creation order, take the namespace and seed Brian2's way."""

    def __getstate__(self):
        """Pickled (e.g. by multiprocessing, as Brian2's objects are) with the values of
        the caller's namespace a model can use (numbers, arrays, quantities,
        TimedArrays), not the caller's modules, classes and functions."""
        state = dict(self.__dict__)
        ns = state.get("namespace")
        if isinstance(ns, ChainMap):
            late = [m for m in ns.maps if isinstance(m, _LateNames)]
            real = ChainMap(*[m for m in ns.maps if not isinstance(m, _LateNames)])
            state["namespace"] = ChainMap(
                {k: v for k, v in real.items() if _model_value(v)}, *late)
        return state

    def _brian2_setup(self, kwargs: dict, depth: int) -> tuple[dict, int]:
        self_created = next(_created)
        if kwargs.get("namespace") is None:
            kwargs["namespace"] = _caller_namespace(depth + 1)
        _take_seed(self, kwargs)
        return kwargs, self_created

    def _brian2_init(self, init, args: tuple, kwargs: dict) -> None:
        """``init(*args, **kwargs)``, allowing names the caller defines only after this
        object (Brian2 resolves names at run time: ``eta = 0`` before ``run()``, after
        the Synapses). Such names are checked as dimensionless numbers now (placeholders
        behind the caller's namespace) and looked up for real at every run
        (:func:`_check_late_names`)."""
        try:
            init(*args, **kwargs)
        except EquationError as exc:
            ns = kwargs["namespace"]
            names = _unknown_names(exc) if isinstance(ns, ChainMap) and \
                not isinstance(ns.maps[-1], _LateNames) else None
            if not names:
                raise
            kwargs["namespace"] = ChainMap(*ns.maps, _LateNames.fromkeys(names, 1.0))
            try:
                init(*args, **kwargs)
            except EqsimError:
                raise exc from None
            object.__setattr__(self, "_late_names", names)


def _brian2_method(args: tuple, kwargs: dict, position: int) -> None:
    """No method named: Brian2's choice, the first of exact, euler, heun that applies
    (eqsim's own method="auto" prefers exponential_euler and rk4 to euler)."""
    if len(args) <= position and kwargs.get("method") is None:
        kwargs["method"] = BRIAN2_DEFAULT_METHODS


# Brian2's method_options per method: exact takes "simplify" (eqsim never simplifies,
# so that the same model always gives the same source; accepted, without effect);
# the explicit methods and exponential_euler take none; eqsim has no GSL methods
METHOD_OPTIONS = {"exact": ("simplify",), "linear": ("simplify",)}


def _method_options(method, options, where: str) -> dict:
    """Brian2's ``method_options=``: a dict whose keys the method understands (for a
    list of methods, any of them), else E313 as Brian2's KeyError."""
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise ConfigurationError(f"method_options of {where} must be a dict, got "
                                 f"{type(options).__name__}", code="E313")
    names = [method] if isinstance(method, str) else list(method)
    names = [n.strip() for m in names for n in str(m).split(",")]
    allowed = sorted({o for n in names for o in METHOD_OPTIONS.get(n, ())})
    for key in options:
        if key not in allowed:
            raise ConfigurationError(
                f"method_options of {where} names {key!r}, which method "
                f"{'/'.join(names)} does not take", code="E313",
                hint=("it takes: " + ", ".join(allowed)) if allowed else
                "this method takes no options")
    return dict(options)


def _derived_seed(value: int, late: bool, index: int) -> int:
    """The seed of the ``index``-th object of a seed() call: created after it (late=False)
    or before it (late=True, reseeded by the call)."""
    return int(np.random.SeedSequence([value, int(late), index]).generate_state(1)[0])


def _take_seed(obj, kwargs: dict) -> None:
    """A seed for ``obj`` from the last seed() call, unless the caller gave one."""
    if kwargs.get("seed") is not None:
        return
    index = _seeding["count"]
    _seeding["count"] += 1
    _seeding["pending"].append(weakref.ref(obj))
    if _seeding["value"] is not None:
        kwargs["seed"] = _derived_seed(_seeding["value"], False, index)


class _LateNames(dict):
    """Placeholders (1.0) for names a model used before the caller defined them."""


def _unknown_names(exc: EqsimError) -> tuple[str, ...] | None:
    """The names of an error made only of E107 'unknown name' problems, else None."""
    names = []
    for e in getattr(exc, "errors", [exc]):
        m = re.match(r"unknown name '(\w+)'", getattr(e, "message", ""))
        if getattr(e, "code", None) != "E107" or m is None:
            return None
        names.append(m[1])
    return tuple(sorted(set(names)))


def _check_late_names(net, run_namespace=None) -> None:
    """At run time, the names an object used before they were defined must exist now
    (as dimensionless numbers: what they were checked as), where the object was made or
    where run() is called (Brian2's rule: names are resolved at run time)."""
    from .units import get_dimension
    for obj in net.objects:
        for name in getattr(obj, "_late_names", ()):
            maps = [m for m in obj.namespace.maps if not isinstance(m, _LateNames)]
            where = f"'{name}' of {type(obj).__name__} '{obj.name}'"
            found = next((m[name] for m in maps if name in m), _LateNames)
            if found is _LateNames and run_namespace is not None and name in run_namespace:
                found = run_namespace[name]
                obj.namespace.maps[-1][name] = found   # read by this run
            if found is _LateNames:
                raise ConfigurationError(
                    f"unknown name {where}: it is still not defined at run time",
                    code="E312", hint="define it before run(), or pass namespace={...}")
            if not get_dimension(found).is_dimensionless:
                raise ConfigurationError(
                    f"{where} was defined after the object was made, so it was checked "
                    f"as a plain number, but it is in {get_dimension(found)}",
                    code="E312", hint="define it before the object that uses it (eqsim "
                                      "checks units when the object is made)")


class NeuronGroup(_groups.NeuronGroup, _NamespaceFromCaller):
    __doc__ = _groups.NeuronGroup.__doc__

    def __init__(self, N, model, *args, method_options=None, **kwargs):
        _brian2_method(args, kwargs, 3)
        options = _method_options(args[3] if len(args) > 3 else kwargs["method"],
                                  method_options, "NeuronGroup")
        kwargs, created = self._brian2_setup(kwargs, 1)
        self._brian2_init(super().__init__, (N, model, *args), kwargs)
        self._created = created
        object.__setattr__(self, "method_options", options)


class SpatialNeuron(_spatial.SpatialNeuron, _NamespaceFromCaller):
    __doc__ = _spatial.SpatialNeuron.__doc__

    def __init__(self, morphology=None, model=None, *args, method_options=None, **kwargs):
        kwargs, created = self._brian2_setup(kwargs, 1)
        self._brian2_init(super().__init__, (morphology, model, *args), kwargs)
        self._created = created
        object.__setattr__(self, "method_options", method_options)


class PoissonGroup(_inputs.PoissonGroup, _NamespaceFromCaller):
    __doc__ = _inputs.PoissonGroup.__doc__

    def __init__(self, N, rates, *args, **kwargs):
        kwargs, created = self._brian2_setup(kwargs, 1)
        super().__init__(N, rates, *args, **kwargs)
        self._created = created


class SpikeGeneratorGroup(_inputs.SpikeGeneratorGroup):
    __doc__ = _inputs.SpikeGeneratorGroup.__doc__

    def __init__(self, *args, **kwargs):
        self._created = next(_created)
        super().__init__(*args, **kwargs)


class Synapses(_synapses.Synapses, _NamespaceFromCaller):
    __doc__ = _synapses.Synapses.__doc__

    def __init__(self, source, target=None, *args, method_options=None, **kwargs):
        _brian2_method(args, kwargs, 4)
        options = _method_options(args[4] if len(args) > 4 else kwargs["method"],
                                  method_options, "Synapses")
        kwargs, created = self._brian2_setup(kwargs, 1)
        self._brian2_init(super().__init__, (source, target, *args), kwargs)
        object.__setattr__(self, "_created", created)
        object.__setattr__(self, "method_options", options)

    def connect(self, *args, namespace=None, level: int = 0, **kwargs):
        """Brian2 resolves the names of connect()'s expressions in the frame that calls
        it (e.g. a local ``w`` assigned after the Synapses were made, inside a
        function), before the namespace the Synapses were made with."""
        if namespace is not None or self.__dict__.get("_in_connect"):
            return super().connect(*args, namespace=namespace, level=level, **kwargs)
        saved = self.namespace
        self._in_connect = True
        self.namespace = ChainMap(*_caller_namespace(level + 1).maps, saved)
        try:
            return super().connect(*args, level=level, **kwargs)
        finally:
            self.namespace = saved
            self._in_connect = False


class PoissonInput(_inputs.PoissonInput):
    __doc__ = _inputs.PoissonInput.__doc__

    def __init__(self, *args, **kwargs):
        self._created = next(_created)
        _take_seed(self, kwargs)
        super().__init__(*args, **kwargs)


class SpikeMonitor(_monitors.SpikeMonitor):
    __doc__ = _monitors.SpikeMonitor.__doc__

    def __init__(self, *args, **kwargs):
        self._created = next(_created)
        args = list(args)
        if len(args) >= 2 and _names_variables(args[0], args[1]):
            kwargs["variables"] = args.pop(1)   # Brian2's SpikeMonitor(G, 'v')
        super().__init__(*args, **kwargs)


def _names_variables(source, value) -> bool:
    """Is a second positional argument Brian2's ``variables`` (not eqsim's ``name``)?"""
    if isinstance(value, (list, tuple)):
        return True
    group = getattr(source, "parent", source)
    return isinstance(value, str) and value in getattr(group, "equations", ())


class StateMonitor(_monitors.StateMonitor):
    __doc__ = _monitors.StateMonitor.__doc__

    def __init__(self, *args, **kwargs):
        object.__setattr__(self, "_created", next(_created))
        super().__init__(*args, **kwargs)


class PopulationRateMonitor(_monitors.PopulationRateMonitor):
    __doc__ = _monitors.PopulationRateMonitor.__doc__

    def __init__(self, *args, **kwargs):
        self._created = next(_created)
        super().__init__(*args, **kwargs)


class EventMonitor(_monitors.EventMonitor):
    __doc__ = _monitors.EventMonitor.__doc__

    def __init__(self, *args, **kwargs):
        self._created = next(_created)
        super().__init__(*args, **kwargs)


class NetworkOperation(_operations.NetworkOperation):
    __doc__ = _operations.NetworkOperation.__doc__

    def __init__(self, *args, **kwargs):
        self._created = next(_created)
        super().__init__(*args, **kwargs)


def network_operation(*args, **kwargs):
    """Brian2's decorator; the operation is collected by ``run()`` like other objects."""
    if len(args) == 1 and callable(args[0]):
        return NetworkOperation(args[0], **kwargs)
    if args:
        return _operations.network_operation(*args, **kwargs)   # raises E778
    return lambda function: NetworkOperation(function, **kwargs)


def scheduling_summary(net=None):
    """The parts of ``net`` (default: the magic network) in the order they run."""
    return (net or _magic_network(1)).scheduling_summary()


class ProfilingSummary:
    """What ``profiling_summary()`` prints: eqsim's own timings of the last run's network
    (Brian2 times each code object; eqsim compiles one module per network, so it reports
    the stages of the build and the run)."""

    def __init__(self, net):
        info = getattr(net, "build_info", None)
        self.timings = dict(getattr(info, "timings", {}) or {})
        self.timings.update({f"run {k}": v for k, v in
                             (getattr(net, "timings", None) or {}).items()
                             if isinstance(v, float)})

    def __repr__(self) -> str:
        if not self.timings:
            return "Profiling summary: no run yet"
        width = max(len(k) for k in self.timings)
        return "\n".join(["Profiling summary (eqsim: build stages and run)"] + [
            f"{k:<{width}}  {v:10.4f} s" for k, v in self.timings.items()])

    __str__ = __repr__


def profiling_summary(net=None, show=None) -> ProfilingSummary:
    """Brian2's ``profiling_summary()``: here, eqsim's timings of ``net`` (default: the
    magic network); ``show`` is accepted (Brian2: the number of entries)."""
    return ProfilingSummary(net or _magic_network(1))


def stop() -> None:
    """Stop the running magic network after the current step (Brian2's ``stop()``)."""
    if _state["network"] is not None:
        _state["network"].stop()


_KINDS = (_groups.NeuronGroup, _synapses.Synapses, _monitors.SpikeMonitor,
          _monitors.StateMonitor, _inputs.PoissonInput, _operations.NetworkOperation)


def collect(level: int = 0) -> list:
    """The eqsim objects visible in the caller's frame, created since start_scope()."""
    frame = sys._getframe(level + 1)
    seen: dict[int, Any] = {}
    for value in itertools.chain(frame.f_locals.values(), frame.f_globals.values()):
        candidates = value if isinstance(value, (list, tuple)) else (value,)
        for obj in candidates:
            if isinstance(obj, _KINDS) and getattr(obj, "_created", -1) >= \
                    _state["scope_start"]:
                seen.setdefault(id(obj), obj)
    return sorted(seen.values(), key=lambda o: getattr(o, "_created", 0))


_MONITORS = (_monitors.SpikeMonitor, _monitors.StateMonitor)
_magic_ids = itertools.count(1)


def _magic_network(level: int) -> _network.Network:
    """Brian2's magic network: the objects in scope; a new simulation (t = 0) when all
    of them are new, the previous one continued when they ran before (new monitors may
    join), an error for a mix of old and new groups."""
    objects = collect(level + 1)
    net = _state["network"]
    tag = _state.get("magic_id")
    known = [o for o in objects if getattr(o, "_magic_id", None) is not None]
    new = [o for o in objects if getattr(o, "_magic_id", None) is None and
           not isinstance(o, _MONITORS)]
    if known and new:
        raise ConfigurationError(
            "run() found objects that ran before (" + ", ".join(o.name for o in known[:3])
            + ") and new ones (" + ", ".join(o.name for o in new[:3]) + "): continue the "
            "old simulation or start a new one?", code="E766",
            hint="call start_scope() before creating the new objects, or put the objects "
                 "you want in an explicit Network(...)")
    if net is None or (new and not known):
        tag = next(_magic_ids)
        net = _network.Network(*objects)
    else:
        current = {id(o) for o in objects}
        for obj in list(net.objects):
            if id(obj) not in current:
                net.remove(obj)
        net.add(*[o for o in objects if o not in net.objects])
    for obj in objects:
        object.__setattr__(obj, "_magic_id", tag)
    _state["magic_id"] = tag
    _state["network"] = net
    return net


def run(duration, report=None, report_period=None, backend: str | None = None,
        threads: int | None = None, profile: bool = False, **kwargs) -> None:
    """Run every object in the caller's scope (Brian2's ``run``). Without ``backend=``
    the backend follows ``set_device``/``prefs.codegen.target`` (see
    :mod:`eqsim.preferences`). ``profile=True``: see :attr:`Network.profiling_info`."""
    backend, threads = _backend_and_threads(backend, threads)
    _seeding["pending"] = []
    net = _magic_network(1)
    _checked_run(net, functools.partial(_timed_run, net, duration, profile, dict(
        report=report, report_period=report_period, backend=backend, threads=threads,
        **_brian2_run_options(kwargs))), _late_lookup(1, net))


def _timed_run(net, duration, profile: bool, kwargs: dict) -> None:
    """One run of ``net`` (a plain runtime Network), timed for ``profile=True``; a
    standalone device records it (and with ``build_on_run=False`` defers it)."""
    import time
    from . import preferences as _prefs
    if not _prefs.device._record_run(net, duration, kwargs):
        return   # deferred to device.build() (a standalone device, build_on_run=False)
    if profile:   # build first: Brian2's profiling_info does not count compilation
        net._prepare(kwargs["backend"], _network._check_threads(kwargs["threads"]))
    t0 = time.perf_counter()
    _network.Network.run(net, duration, **kwargs)
    if profile:
        info = net.__dict__.setdefault("_profiling_info", [])
        info.append(("compiled_loop", time.perf_counter() - t0))
    _prefs.device._after_run(net)


def _late_lookup(depth: int, net) -> dict:
    """The values run()'s caller gives to names its objects used before they were
    defined (usually none)."""
    names = {n for obj in net.objects for n in getattr(obj, "_late_names", ())}
    if not names:
        return {}
    ns = _caller_namespace(depth + 1)
    return {n: ns[n] for n in names if n in ns}


def _checked_run(net, go, run_namespace=None) -> None:
    _check_late_names(net, run_namespace)
    go()


def _brian2_run_options(kwargs: dict) -> dict:
    """Brian2's run() options without an effect here: ``level=`` (the frame depth of its
    magic); the rest goes to Network.run."""
    kwargs = dict(kwargs)
    kwargs.pop("level", None)
    return kwargs


class MagicNetwork:
    """Brian2's ``magic_network``: the network that ``run()`` builds from the objects in
    scope. ``magic_network.t`` is its time (0 s before the first run);
    ``magic_network.run(...)`` is ``run(...)``; other attributes are the network's."""

    def run(self, duration, report=None, report_period=None, backend=None, threads=None,
            profile: bool = False, **kwargs) -> None:
        backend, threads = _backend_and_threads(backend, threads)
        _seeding["pending"] = []
        net = _magic_network(1)
        _checked_run(net, functools.partial(_timed_run, net, duration, profile, dict(
            report=report, report_period=report_period, backend=backend,
            threads=threads, **_brian2_run_options(kwargs))), _late_lookup(1, net))

    @property
    def t(self):
        from .units import second
        net = _state["network"]
        return 0.0 * second if net is None else net.t

    @property
    def profiling_info(self) -> list:
        net = _state["network"]
        return [] if net is None else profiling_info(net)

    def __getattr__(self, name: str):
        net = _state["network"]
        if net is None:
            raise AttributeError(f"magic_network has no '{name}' before the first run()")
        return getattr(net, name)

    def __getitem__(self, name: str):
        return self.__getattr__("__getitem__")(name)

    def __repr__(self) -> str:
        return f"<magic_network: {_state['network']!r}>"


magic_network = MagicNetwork()


def profiling_info(net) -> list[tuple[str, float]]:
    """Brian2's ``net.profiling_info`` after runs with ``profile=True``: eqsim runs a
    network's whole step in one compiled loop, so there is one entry per profiled run
    (its wall time), not one per code object."""
    return list(net.__dict__.get("_profiling_info", []))


def _backend_and_threads(backend, threads) -> tuple[str, int]:
    from . import preferences as _prefs
    return (backend if backend is not None else _prefs.default_backend(),
            threads if threads is not None else _prefs.default_threads())


class Network(_network.Network):
    __doc__ = _network.Network.__doc__

    def run(self, duration, report=None, report_period=None, backend: str | None = None,
            threads: int | None = None, profile: bool = False, **kwargs) -> None:
        """Run for ``duration``; without ``backend=`` the backend follows
        ``set_device``/``prefs.codegen.target`` (see :mod:`eqsim.preferences`)."""
        backend, threads = _backend_and_threads(backend, threads)
        _checked_run(self, functools.partial(_timed_run, self, duration, profile, dict(
            report=report, report_period=report_period, backend=backend, threads=threads,
            **_brian2_run_options(kwargs))), _late_lookup(1, self))

    profiling_info = property(profiling_info)


# Brian2's integration methods as names (``method=euler``); eqsim takes the strings
euler, exact, exponential_euler, heun, milstein, rk2, rk4 = (
    "euler", "exact", "exponential_euler", "heun", "milstein", "rk2", "rk4")
linear = "exact"   # Brian2's older name of the exact method for linear equations


def restore_initial_state() -> None:
    """Brian2's reset between scripts: default preferences and device, dt = 0.1 ms, a
    new scope."""
    from . import preferences as _prefs
    from .runtime.clock import DEFAULT_DT, defaultclock
    _prefs.prefs.reset()
    _prefs.reinit_devices()
    defaultclock._dt = DEFAULT_DT
    start_scope()


def timestep(t, dt):
    """Brian2's ``timestep(t, dt)``: the integer step that time ``t`` falls in (robust to
    rounding: ``timestep(0.3*ms, 0.1*ms) == 3``)."""
    from .units import get_dimension as _dim
    from .errors import DimensionError
    if _dim(t) != _dim(dt):
        raise DimensionError(f"timestep(t, dt): t is in {_dim(t)} but dt in {_dim(dt)}",
                             code="E201")
    t_, dt_ = np.asarray(t, dtype=float), np.asarray(dt, dtype=float)
    steps = np.asarray((t_ + 1e-3 * dt_) / dt_).astype(np.int64)   # truncates, as Brian2
    return steps[()] if steps.ndim == 0 else steps


def start_scope() -> None:
    """Forget the objects created so far: the next ``run()`` starts a new network."""
    _state["scope_start"] = next(_created)
    _state["network"] = None
    _seeding["pending"] = []


def seed(value: int | None = None) -> None:
    """Make what follows reproducible (Brian2's ``seed``): the random numbers of objects
    created from now on, the run-time random numbers of objects created since the previous
    call, ``start_scope()`` or ``run()`` (their next run), and numpy's global generator. ``seed()`` without a value
    makes them unpredictable again."""
    value = None if value is None else int(float(value))
    np.random.seed(value)
    if value is not None:
        alive = [obj for obj in (ref() for ref in _seeding["pending"]) if obj is not None]
        for k, obj in enumerate(alive):
            object.__setattr__(obj, "seed", _derived_seed(value, True, k))
    _seeding.update(value=value, count=0, pending=[])
    _state["seed"] = value


def store(name: str = "default", filename=None) -> None:
    """Store the state of the objects in scope (Brian2's ``store``)."""
    _magic_network(1).store(name, filename)


def restore(name: str = "default", filename=None, restore_random_state: bool = False
            ) -> None:
    """Restore a stored state (Brian2's ``restore``)."""
    _magic_network(1).restore(name, filename, restore_random_state)


def network() -> _network.Network | None:
    """The network that ``run()`` uses (None before the first run)."""
    return _state["network"]


__all__ = ["EventMonitor", "NetworkOperation", "network_operation", "stop",
           "scheduling_summary", "profiling_summary",
           "NeuronGroup", "SpatialNeuron", "PoissonGroup", "SpikeGeneratorGroup", "Synapses", "PoissonInput",
           "SpikeMonitor", "StateMonitor", "PopulationRateMonitor", "collect", "run",
           "start_scope", "seed", "store", "restore", "network", "Network", "timestep",
           "restore_initial_state", "euler", "exact", "exponential_euler", "heun",
           "milstein", "rk2", "rk4", "linear", "magic_network", "MagicNetwork",
           "profiling_info"]
