"""Code a NeuronGroup runs besides its model, compiled into the loop: custom events
(``events={'name': 'condition'}``), code run on an event (``run_on_event``) and code run
every ``dt`` (``run_regularly``); and the EventMonitor.

A custom event is a threshold-like condition with its own list of neuron indices per step
(``_events_<name>``) and, optionally, its own reset-like statements; ``spike`` keeps its
own fast path (threshold, reset, refractoriness) in the templates. None of this is a
Python callback: the statements go through the same pipeline as a reset (parse, sympy,
C and numpy printers) and run in the compiled loop, in their slot of the schedule.
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from ..equations.parse import SUBEXPRESSION
from ..equations.scalar_code import rule_no_shared_writes, rule_shared_writes, shared_names
from ..equations.specs import GroupCodeSpec
from ..equations.validate import Resolver, check_statements, check_threshold
from ..errors import ConfigurationError, EquationErrors
from .clock import as_time
from .schedule import Part, ScheduledAsPart

_EVENT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_DEFAULT_WHEN = {"regular": "start", "event": "after_thresholds",
                 "on_event": "after_resets"}


class GroupCode(ScheduledAsPart):
    """One piece of code of a group: ``kind`` "regular", "event" or "on_event"."""

    def __init__(self, group, kind: str, code: str, event: str | None, name: str | None,
                 when: str | None, order: int | None, dt=None, suffix: str = "",
                 span: tuple[int, int] | None = None):
        self.group, self.kind, self.code, self.event = group, kind, code, event
        self.span = span   # a subgroup's code: it runs on neurons [start, stop) only
        self._given_name, self._suffix = name, suffix
        self.dt_ = None if dt is None else as_time(dt, f"dt of {kind} code")
        self.part = Part(self.name, when or _DEFAULT_WHEN[kind],
                         group.order if order is None else order,
                         {"regular": "run_regularly", "event": "event",
                          "on_event": "run_on_event"}[kind])
        self.externals = _check(group, kind, code, self.where)
        _adopt_timed_arrays(group, self.externals)

    @property
    def name(self) -> str:
        return self._given_name or f"{self.group.name}_{self._suffix}"

    @property
    def where(self) -> str:
        what = {"regular": "run_regularly code", "event": f"condition of event "
                f"'{self.event}'", "on_event": f"code on event '{self.event}'"}[self.kind]
        return f"{what} of group '{self.group._name or self.group._kind}'"


    @property
    def spec(self) -> GroupCodeSpec:
        self.part.name = self.name
        return GroupCodeSpec(self.name, self.group.name, self.kind, self.code, self.event,
                             self.externals, self.span)

    def __repr__(self) -> str:
        return f"<{self.part.kind} '{self.name}' of '{self.group.name}': {self.code!r}>"


def _adopt_timed_arrays(group, externals) -> None:
    """TimedArrays that only the group's code uses become the group's: the generated code
    numbers one list of TimedArrays per group (its spec's externals, in name order), and
    the code of run_regularly / events reads them from there."""
    known = {e.name for e in group.spec.externals}
    new = tuple(e for e in externals if e.kind == "function" and e.name not in known)
    if new:
        group.spec = replace(group.spec, externals=tuple(sorted(
            group.spec.externals + new, key=lambda e: e.name)))


def _check(group, kind: str, code, where: str) -> tuple:
    if not isinstance(code, str):
        raise ConfigurationError(f"{where} must be a string, got {type(code).__name__}",
                                 code="E774")
    resolve = Resolver(group.equations, group.namespace, where)
    if kind == "event":
        errors = check_threshold(code, resolve, where)
    else:   # shared variables: run_regularly only, first (Brian2's rules)
        writable = {eq.name for eq in group.equations.equations
                    if eq.kind != SUBEXPRESSION}
        errors = check_statements(code, resolve, group.equations, where, writable)
        if not errors and kind == "regular":
            errors = rule_shared_writes(code, group.equations, where)
        elif not errors:
            errors = rule_no_shared_writes(code, shared_names(group.equations), where,
                                           f"the {where}")
    if errors:
        raise errors[0] if len(errors) == 1 else EquationErrors(errors)
    return tuple(sorted(resolve.externals.values(), key=lambda e: e.name))


def add_events(group, events) -> None:
    """``NeuronGroup(..., events={...})``: one condition per custom event."""
    if events is None:
        return
    if not isinstance(events, dict):
        raise ConfigurationError("events= takes a dict {'name': 'condition'}",
                                 code="E774")
    for name, cond in events.items():
        if not isinstance(name, str) or not _EVENT_NAME.match(name):
            raise ConfigurationError(f"{name!r} cannot be the name of an event",
                                     code="E775", hint="use a name such as 'up_crossing'")
        if name == "spike":
            raise ConfigurationError(
                f"group '{group._name or group._kind}' defines the event 'spike' in "
                "events=; the spike event is the threshold", code="E775",
                hint="use threshold='...' for spikes")
        if name in group.events:
            raise ConfigurationError(f"event '{name}' is defined twice", code="E775")
        group.events[name] = cond
        group._codes.append(GroupCode(group, "event", cond, name, None, None, None,
                                      suffix=f"{name}_thresholder"))
        group.arrays[f"_events_{name}"] = np.zeros(group.N, np.int32)


def run_regularly(group, code: str, dt=None, when: str = "start", order: int = 0,
                  name: str | None = None) -> GroupCode:
    """Statements run on every neuron every ``dt`` (default: the group's dt), in the
    compiled loop. On a subgroup (``G[:800].run_regularly(...)``, as Brian2 allows) the
    statements change its neurons only and ``i`` counts from its first neuron."""
    from .groups import Subgroup
    span = None
    if isinstance(group, Subgroup):
        group, span = group.parent, (group.start, group.stop)
    k = sum(1 for c in group._codes if c.kind == "regular")
    c = GroupCode(group, "regular", code, None, name, when, order, dt,
                  suffix="run_regularly" + (f"_{k}" if k else ""), span=span)
    group._codes.append(c)
    return c


def run_on_event(group, event: str, code: str, when: str = "after_resets",
                 order: int | None = None) -> GroupCode:
    """Statements run on the neurons that had ``event`` in this step."""
    if event == "spike":
        if not group.can_spike or group.spec.generator:
            raise ConfigurationError(f"group '{group.name}' has no threshold, so no "
                                     "spike event", code="E776")
        if group.spec.reset is not None:
            raise ConfigurationError(f"group '{group.name}' has a reset already: code "
                                     "for the spike event exists", code="E776",
                                     hint="put the statements into reset=")
    elif event not in group.events:
        raise ConfigurationError(f"group '{group._name or group._kind}' has no event "
                                 f"'{event}'", code="E776", hint="events: " + (
                                     ", ".join(group.events) or "none (events={...})"))
    if any(c.kind == "on_event" and c.event == event for c in group._codes):
        raise ConfigurationError(f"code for event '{event}' was added already",
                                 code="E776")
    c = GroupCode(group, "on_event", code, event, None, when, order,
                  suffix=f"{event}_resetter")
    group._codes.append(c)
    return c


def event_part(group, event: str) -> Part:
    """The part that checks an event's condition (Brian2's ``thresholder[event]``)."""
    from .schedule import parts_of
    if event == "spike":
        parts = {p.name: p for p in parts_of(group)}
        key = f"{group.name}_spike_thresholder"
        if key not in parts:
            raise ConfigurationError(f"group '{group.name}' has no threshold",
                                     code="E776")
        return parts[key]
    for c in group._codes:
        if c.kind == "event" and c.event == event:
            return c.part
    raise ConfigurationError(f"group '{group.name}' has no event '{event}'", code="E776")


def reset_part(group, event: str) -> Part:
    """The part that runs the code of an event (Brian2's ``resetter[event]``)."""
    from .schedule import parts_of
    if event == "spike" and group.spec.reset is not None:
        return {p.name: p for p in parts_of(group)}[f"{group.name}_spike_resetter"]
    for c in group._codes:
        if c.kind == "on_event" and c.event == event:
            return c.part
    raise ConfigurationError(f"group '{group.name}' has no code for event '{event}'",
                             code="E776")


def synapse_events(synapses, source, target, on_event, order) -> None:
    """``Synapses(..., on_event='name' or {'pre': 'name', 'post': ...}, order=)``: the
    event of the source (target) group that triggers on_pre (on_post)."""
    from .groups import group_of
    from .schedule import check_order
    synapses._order = check_order(order, "synapses")
    if on_event is None or isinstance(on_event, str):
        events = {"pre": on_event or "spike", "post": on_event or "spike"}
    elif isinstance(on_event, dict) and all(isinstance(k, str) and isinstance(v, str)
                                            for k, v in on_event.items()):
        events = {"pre": on_event.get("pre", "spike"),
                  "post": on_event.get("post", "spike")}
    else:
        raise ConfigurationError(f"on_event= takes an event name or a dict with keys "
                                 f"'pre'/'post', got {on_event!r}", code="E775")
    for side, group in (("pre", source), ("post", target)):
        event = events[side]
        if event != "spike" and event not in getattr(group_of(group), "events", {}):
            if isinstance(on_event, str) and side == "post":
                events[side] = "spike"   # a single name applies where it exists
                continue
            raise ConfigurationError(f"on_event: group '{group_of(group).name}' has no "
                                     f"event '{event}'", code="E775")
    synapses._pre_event, synapses._post_event = events["pre"], events["post"]
    # events of named pathways (on_pre={'name': ...}), for the pathways' own code
    synapses._pathway_events = dict(on_event) if isinstance(on_event, dict) else {}


class _PartMap:
    """``G.thresholder['spike']``, ``G.resetter['name']``: parts by event name."""

    def __init__(self, group, find):
        self._group, self._find = group, find

    def __getitem__(self, event: str) -> Part:
        return self._find(self._group, event)


__all__ = ["GroupCode", "add_events", "run_regularly", "run_on_event", "event_part",
           "reset_part"]
