"""Brian2 habits for ``from eqsim import *`` scripts — the one module with global state.

* Groups and synapses created without ``namespace=`` take their constants from the
  caller's variables (module globals live, function locals as they were), as Brian2 does.
* ``run()`` collects every eqsim object in the caller's frame into a network that lives
  on between calls (so a second ``run()`` continues); ``start_scope()`` forgets the
  objects created before it; ``store()``/``restore()`` act on that network.
* ``seed(n)`` makes the random numbers of every object created afterwards reproducible.

Objects made here are the plain classes underneath; a script may mix both styles.
"""
from __future__ import annotations

import itertools
import sys
from collections import ChainMap
from typing import Any

import numpy as np

from .runtime import groups as _groups
from .runtime import inputs as _inputs
from .runtime import monitors as _monitors
from .runtime import network as _network
from .runtime import synapses as _synapses

_created = itertools.count()
_state: dict[str, Any] = {"scope_start": 0, "seed": None, "network": None,
                          "network_objects": ()}


def _caller_namespace(depth: int) -> ChainMap:
    frame = sys._getframe(depth + 1)
    return ChainMap(frame.f_locals, frame.f_globals)


class _NamespaceFromCaller:
    """Mixin: remember creation order, take the namespace and seed Brian2's way."""

    def _brian2_setup(self, kwargs: dict, depth: int) -> tuple[dict, int]:
        self_created = next(_created)
        if kwargs.get("namespace") is None:
            kwargs["namespace"] = _caller_namespace(depth + 1)
        if kwargs.get("seed") is None and _state["seed"] is not None:
            kwargs["seed"] = (_state["seed"] * 1_000_003 + self_created) & 0xFFFFFFFF
        return kwargs, self_created


class NeuronGroup(_groups.NeuronGroup, _NamespaceFromCaller):
    __doc__ = _groups.NeuronGroup.__doc__

    def __init__(self, N, model, *args, **kwargs):
        kwargs, created = self._brian2_setup(kwargs, 1)
        super().__init__(N, model, *args, **kwargs)
        self._created = created


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

    def __init__(self, source, target=None, *args, **kwargs):
        kwargs, created = self._brian2_setup(kwargs, 1)
        super().__init__(source, target, *args, **kwargs)
        object.__setattr__(self, "_created", created)


class PoissonInput(_inputs.PoissonInput):
    __doc__ = _inputs.PoissonInput.__doc__

    def __init__(self, *args, **kwargs):
        self._created = next(_created)
        if kwargs.get("seed") is None and _state["seed"] is not None:
            kwargs["seed"] = (_state["seed"] * 1_000_003 + self._created) & 0xFFFFFFFF
        super().__init__(*args, **kwargs)


class SpikeMonitor(_monitors.SpikeMonitor):
    __doc__ = _monitors.SpikeMonitor.__doc__

    def __init__(self, *args, **kwargs):
        self._created = next(_created)
        super().__init__(*args, **kwargs)


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


_KINDS = (_groups.NeuronGroup, _synapses.Synapses, _monitors.SpikeMonitor,
          _monitors.StateMonitor, _inputs.PoissonInput)


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


def _magic_network(level: int) -> _network.Network:
    objects = collect(level + 1)
    net = _state["network"]
    if net is None:
        net = _network.Network(*objects)
    else:
        current = {id(o) for o in objects}
        for obj in list(net.objects):
            if id(obj) not in current:
                net.remove(obj)
        net.add(*[o for o in objects if o not in net.objects])
    _state["network"] = net
    return net


def run(duration, report=None, report_period=None, backend: str | None = None,
        threads: int | None = None, **kwargs) -> None:
    """Run every object in the caller's scope (Brian2's ``run``). Without ``backend=``
    the backend follows ``set_device``/``prefs.codegen.target`` (see :mod:`eqsim.preferences`).
    """
    backend, threads = _backend_and_threads(backend, threads)
    _magic_network(1).run(duration, report=report, report_period=report_period,
                          backend=backend, threads=threads, **kwargs)


def _backend_and_threads(backend, threads) -> tuple[str, int]:
    from . import preferences as _prefs
    return (backend if backend is not None else _prefs.default_backend(),
            threads if threads is not None else _prefs.default_threads())


class Network(_network.Network):
    __doc__ = _network.Network.__doc__

    def run(self, duration, report=None, report_period=None, backend: str | None = None,
            threads: int | None = None, **kwargs) -> None:
        """Run for ``duration``; without ``backend=`` the backend follows
        ``set_device``/``prefs.codegen.target`` (see :mod:`eqsim.preferences`)."""
        backend, threads = _backend_and_threads(backend, threads)
        super().run(duration, report=report, report_period=report_period,
                    backend=backend, threads=threads, **kwargs)


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


def seed(value: int | None = None) -> None:
    """Make the random numbers of objects created from now on reproducible."""
    _state["seed"] = None if value is None else int(value)


def store(name: str = "default") -> None:
    _magic_network(1).store(name)


def restore(name: str = "default") -> None:
    _magic_network(1).restore(name)


def network() -> _network.Network | None:
    """The network that ``run()`` uses (None before the first run)."""
    return _state["network"]


__all__ = ["NeuronGroup", "PoissonGroup", "SpikeGeneratorGroup", "Synapses", "PoissonInput",
           "SpikeMonitor", "StateMonitor", "PopulationRateMonitor", "collect", "run",
           "start_scope", "seed", "store", "restore", "network", "Network", "timestep",
           "restore_initial_state", "euler", "exact", "exponential_euler", "heun",
           "milstein", "rk2", "rk4", "linear"]
