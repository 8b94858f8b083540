"""Runs in pieces: ``net.run(duration, at=[(t1, f), (t2, g)])`` calls Python between
pieces of one run.

Quantities cannot be dict keys (they are arrays), so ``at`` is a list of (time, callback)
pairs (a dict is taken too). A run with ``at=`` is a sequence of ordinary runs that stop
at the given times (measured from the start of this run, rounded to the network's time
step), with each callback called there. Callbacks may change anything that is a value —
namespace parameters, variables of groups and synapses, PoissonInput rates and weights,
TimedArrays of the same shape — and the next piece binds the new values without building
anything again: the generated code keys on the model, not on values (``Network._prepare``
keeps its module while the objects and specs are the same). A change of structure (adding
an object, a new equation) is rebuilt as it would be between two ``run`` calls.
"""
from __future__ import annotations

import inspect
from collections.abc import Mapping

import numpy as np

from ..equations.expressions import SECOND
from ..errors import ConfigurationError
from ..units import Quantity, get_dimension
from .clock import as_time


def _callbacks(value, when) -> list:
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    for f in items:
        if not callable(f):
            raise ConfigurationError(
                f"at={{{when}: ...}}: {f!r} is not callable", code="E830",
                hint="give a function f(net) (or f()), or a list of them, per time")
    return items


def _call(f, net) -> None:
    try:
        params = [p for p in inspect.signature(f).parameters.values()
                  if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY,
                                                         p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):   # builtins without a signature: give the network
        params = [None]
    f(net) if params else f()


def plan(net, seconds: float, at) -> tuple[float, list[tuple[int, list]]]:
    """(dt, [(step from the start of the run, callbacks), ...]) sorted by step; callbacks
    at the same step keep the order in which ``at`` gives them."""
    if isinstance(at, Mapping):
        at = list(at.items())
    if not isinstance(at, (list, tuple)) or not all(
            isinstance(x, (list, tuple)) and len(x) == 2 for x in at):
        raise ConfigurationError(f"at= must be a list of (time, callback) pairs, got "
                                 f"{at!r}", code="E830",
                                 hint="e.g. net.run(1*second, at=[(0.5*second, change)])")
    dt = net._dt_base if net._dt_base is not None else net._clocks()[0]
    n_total = int(round(seconds / dt))
    steps: dict[int, list] = {}
    for when, value in at:
        if isinstance(when, (bool, np.bool_)) or get_dimension(when) != SECOND or \
                np.ndim(when) != 0:
            raise ConfigurationError(
                f"at=: {when!r} is not a time", code="E830",
                hint="keys are times from the start of this run, e.g. 500*ms")
        t = float(np.asarray(when))
        k = int(round(t / dt)) if np.isfinite(t) else -1
        if not 0 <= k <= n_total:
            raise ConfigurationError(
                f"at=: {when!r} is outside this run (0 to {seconds:g} s from its start)",
                code="E831", hint="times are measured from the start of this run")
        steps.setdefault(k, []).extend(_callbacks(value, when))
    return dt, sorted(steps.items())


def run_in_pieces(net, duration, at, **run_kwargs) -> None:
    """Run ``net`` for ``duration``, calling the callbacks of ``at`` at their times."""
    seconds = as_time(duration, "duration of run", allow_zero=True)
    dt, pieces = plan(net, seconds, at)
    n_total = int(round(seconds / dt))
    from .network import Network   # the plain run (brian2_compat's has checked names)
    done = 0
    for k, callbacks in pieces + [(n_total, [])]:
        if k > done:
            Network.run(net, Quantity((k - done) * dt, SECOND), **run_kwargs)
            done = k
        for f in callbacks:
            _call(f, net)


__all__ = ["run_in_pieces", "plan"]
