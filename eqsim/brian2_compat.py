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

import itertools
import sys
import weakref
from collections import ChainMap
from typing import Any

import numpy as np

from .errors import ConfigurationError
from .runtime import groups as _groups
from .runtime import inputs as _inputs
from .runtime import monitors as _monitors
from .runtime import network as _network
from .runtime import synapses as _synapses

_created = itertools.count()
# seed(): the value, how many objects took a seed since the call, and the objects that a
# later seed() reseeds (created since the last seed(), start_scope() or run())
_seeding: dict[str, Any] = {"value": None, "count": 0, "pending": []}
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
        _take_seed(self, kwargs)
        return kwargs, self_created


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
        _take_seed(self, kwargs)
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


def run(duration, report=None, report_period=None, backend: str = "c",
        threads: int = 1) -> None:
    """Run every object in the caller's scope (Brian2's ``run``)."""
    _seeding["pending"] = []
    _magic_network(1).run(duration, report=report, report_period=report_period,
                          backend=backend, threads=threads)


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


__all__ = ["NeuronGroup", "PoissonGroup", "SpikeGeneratorGroup", "Synapses", "PoissonInput",
           "SpikeMonitor", "StateMonitor", "PopulationRateMonitor", "collect", "run",
           "start_scope", "seed", "store", "restore", "network"]
