"""Clocks: the time step of groups and monitors.

``defaultclock`` is the one piece of process-wide state outside brian2_compat (Brian2's
users set ``defaultclock.dt`` once at the top of a script). A group or monitor created
without ``dt=`` follows it until its Network first runs; after that the network's steps
are fixed.
"""
from __future__ import annotations

from ..errors import ConfigurationError
from ..units import Quantity, check_units
from ..equations.expressions import SECOND

DEFAULT_DT = 1e-4  # 0.1 ms, as in Brian2


class Clock:
    """Holds a time step ``dt`` (a time quantity)."""

    def __init__(self, dt: Quantity | None = None, name: str = "clock"):
        self.name = name
        self._dt = DEFAULT_DT
        if dt is not None:
            self.dt = dt

    @property
    def dt(self) -> Quantity:
        return Quantity(self._dt, SECOND)

    @dt.setter
    def dt(self, value) -> None:
        self._dt = as_time(value, f"dt of {self.name}")

    @property
    def dt_(self) -> float:
        """dt in seconds, as a float."""
        return self._dt

    t_ = 0.0   # seconds; set by the Network that runs (Brian2's defaultclock.t)

    @property
    def t(self) -> Quantity:
        """The time of the network that ran last (read-only for users)."""
        return Quantity(self.t_, SECOND)

    def __repr__(self) -> str:
        return f"Clock(dt={self.dt!r}, name={self.name!r})"


def as_time(value, what: str, allow_zero: bool = False) -> float:
    """A positive time in seconds from a quantity; clear error otherwise."""
    check_units(value, SECOND, what)
    seconds = float(value)
    if not (seconds > 0 or (allow_zero and seconds == 0)) or seconds != seconds:
        raise ConfigurationError(f"{what} must be a positive time, got {value!r}",
                                 code="E701")
    return seconds


defaultclock = Clock(name="defaultclock")

__all__ = ["Clock", "defaultclock", "as_time"]
