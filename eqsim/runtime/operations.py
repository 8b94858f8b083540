"""Python code run during a simulation: ``network_operation`` (Brian2's).

A network operation is the one kind of object that is not compiled: the Network stops
its compiled loop exactly where the operation is due — at its slot of the schedule
(``when``, default ``'start'``) in every step that is a multiple of its ``dt`` — calls it,
and continues. Whatever the function changes (variables, parameters in a namespace, a
``Network.stop()``) is what the next block of the loop sees, as in Brian2. Operations
cost a Python call and the end of a compiled call each time they run: give them a
``dt`` that is not smaller than needed.
"""
from __future__ import annotations

import inspect

from ..equations.expressions import SECOND
from ..errors import ConfigurationError
from ..units import Quantity
from .clock import as_time
from .naming import Named, check_name
from .schedule import Part, ScheduledAsPart


class NetworkOperation(Named, ScheduledAsPart):
    """A Python function called during a run: ``f()`` or ``f(t)``, every ``dt`` (default:
    the network's dt) at slot ``when`` of the schedule."""

    _kind = "networkoperation"

    def __init__(self, function, dt=None, when: str = "start", order: int = 0,
                 name: str | None = None):
        if not callable(function):
            raise ConfigurationError(f"network_operation needs a function, got "
                                     f"{type(function).__name__}", code="E778")
        self.function = function
        self._name = check_name(name)
        self.dt_ = None if dt is None else as_time(dt, "dt of a network_operation")
        self.part = Part(self.name, when, order, "network_operation")
        self._takes_t = _takes_t(function)
        self.active = True

    def _set_name(self, name: str) -> None:
        self._name = name
        self.part.name = name


    @property
    def dt(self) -> Quantity | None:
        return None if self.dt_ is None else Quantity(self.dt_, SECOND)

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)

    def _run(self, t: float) -> None:
        if self._takes_t:
            self.function(Quantity(t, SECOND))
        else:
            self.function()

    def __repr__(self) -> str:
        return (f"NetworkOperation({getattr(self.function, '__name__', 'function')}, "
                f"when={self.when!r}, order={self.order})")


def _takes_t(function) -> bool:
    try:
        params = [p for p in inspect.signature(function).parameters.values()
                  if p.default is inspect.Parameter.empty and
                  p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return False
    if len(params) > 1:
        raise ConfigurationError(
            f"a network operation is called as f() or f(t); "
            f"'{getattr(function, '__name__', function)}' takes {len(params)} arguments",
            code="E778")
    return len(params) == 1


def network_operation(*args, **kwargs):
    """Decorator (or function) making a :class:`NetworkOperation`: ``@network_operation``,
    ``@network_operation(dt=1*ms, when='end')`` or ``network_operation(f, dt=...)``."""
    if len(args) == 1 and callable(args[0]) and not isinstance(args[0], Quantity):
        return NetworkOperation(args[0], **kwargs)
    if args:
        raise ConfigurationError("network_operation takes a function, or keyword "
                                 "arguments (dt=, when=, order=, name=)", code="E778")

    def decorate(function):
        return NetworkOperation(function, **kwargs)

    return decorate


__all__ = ["NetworkOperation", "network_operation"]
