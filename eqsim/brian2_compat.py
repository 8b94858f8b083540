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

from .runtime import groups as _groups
from .runtime import inputs as _inputs
from .runtime import monitors as _monitors
from .runtime import network as _network
from .runtime import operations as _operations
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


def run(duration, report=None, report_period=None, backend: str = "c",
        threads: int = 1) -> None:
    """Run every object in the caller's scope (Brian2's ``run``)."""
    _magic_network(1).run(duration, report=report, report_period=report_period,
                          backend=backend, threads=threads)


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


__all__ = ["EventMonitor", "NetworkOperation", "network_operation", "stop",
           "scheduling_summary",
           "NeuronGroup", "PoissonGroup", "SpikeGeneratorGroup", "Synapses", "PoissonInput",
           "SpikeMonitor", "StateMonitor", "PopulationRateMonitor", "collect", "run",
           "start_scope", "seed", "store", "restore", "network"]
