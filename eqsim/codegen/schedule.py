"""The order of the work in one time step (Brian2's schedule), as data.

Every piece of work of a step (a group's state update, its threshold, a pathway of
synapses, a monitor, a ``run_regularly`` block, a Python ``network_operation``) sits in a
*slot* of the schedule (``when``), and within a slot is ordered by ``order`` (lower first)
and then by its name, as Brian2 does. Brian2 names the parts of an object after it
(``neurongroup_stateupdater``, ``synapses_pre``, ...), and so do we: with the same names
the parts of a network run in the same order as in Brian2.

Slots are the names of the schedule plus ``before_`` and ``after_`` each of them.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigurationError

DEFAULT_SCHEDULE = ("start", "groups", "thresholds", "synapses", "resets", "end")


def check_schedule(schedule) -> tuple[str, ...]:
    """A schedule as a tuple of slot names; it must contain every default slot."""
    if schedule is None:
        return DEFAULT_SCHEDULE
    if isinstance(schedule, str) or not all(isinstance(s, str) for s in schedule):
        raise ConfigurationError(f"a schedule is a list of slot names, got {schedule!r}",
                                 code="E770", hint=f"e.g. {list(DEFAULT_SCHEDULE)}")
    schedule = tuple(schedule)
    missing = [s for s in DEFAULT_SCHEDULE if s not in schedule]
    if missing or len(set(schedule)) != len(schedule) or \
            any(s.startswith(("before_", "after_")) for s in schedule):
        raise ConfigurationError(
            f"the schedule {list(schedule)} must name each of {list(DEFAULT_SCHEDULE)} "
            "once (more slots may be added; before_/after_ slots exist already)",
            code="E770")
    return schedule


def slot_rank(when: str, schedule=DEFAULT_SCHEDULE, where: str = "") -> int:
    """Position of a slot: before_X < X < after_X, in the order of the schedule."""
    if isinstance(when, str):
        for prefix, shift in (("before_", 0), ("after_", 2), ("", 1)):
            if when.startswith(prefix) and when[len(prefix):] in schedule:
                return 3 * schedule.index(when[len(prefix):]) + shift
    raise ConfigurationError(
        f"unknown schedule slot when={when!r}{' of ' + where if where else ''}",
        code="E771", hint="slots: " + ", ".join(schedule) +
        " (and before_/after_ each of them)")


def check_when(when, where: str) -> str:
    """A slot name valid in the default schedule (a custom schedule is checked at run)."""
    if not isinstance(when, str):
        raise ConfigurationError(f"when= of {where} must be a slot name, got {when!r}",
                                 code="E771", hint="e.g. 'start', 'end', 'before_groups'")
    base = when.removeprefix("before_").removeprefix("after_")
    if not base or not base.isidentifier():
        raise ConfigurationError(f"unknown schedule slot when={when!r} of {where}",
                                 code="E771", hint="slots: " + ", ".join(DEFAULT_SCHEDULE)
                                 + " (and before_/after_ each of them)")
    return when


def check_order(order, where: str) -> int:
    if isinstance(order, bool) or not isinstance(order, int) and not (
            hasattr(order, "__index__") and not isinstance(order, float)):
        raise ConfigurationError(f"order= of {where} must be a whole number, got "
                                 f"{order!r}", code="E772")
    return int(order)


@dataclass(frozen=True)
class Slot:
    """Where one piece of work sits: ``when``, ``order`` and its (Brian2-style) name."""

    when: str
    order: int
    name: str

    def key(self, schedule=DEFAULT_SCHEDULE) -> tuple:
        return (slot_rank(self.when, schedule, self.name), self.order, self.name)


__all__ = ["DEFAULT_SCHEDULE", "Slot", "check_schedule", "check_when", "check_order",
           "slot_rank"]
