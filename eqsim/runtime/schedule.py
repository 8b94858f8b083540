"""Where each part of each object runs in a step: ``when`` and ``order`` as in Brian2.

A NeuronGroup has parts (its state updater, its threshold and reset for each event, its
``run_regularly`` blocks), so do Synapses (state updater, summed variables, pathways);
monitors, inputs and network operations are one part each. Each part is a
:class:`Part`, named as Brian2 names it, whose ``when``/``order`` the user may change
(``G.state_updater.when = 'end'``, ``G.thresholder['spike'].order = 2``). The Network
collects them (:func:`timing_of`) and code generation sorts the compiled blocks by
(slot, order, name) — see ``eqsim/codegen/schedule.py``.
"""
from __future__ import annotations

from ..codegen.schedule import DEFAULT_SCHEDULE, Slot, check_order, check_when, slot_rank


class ScheduledAsPart:
    """``when``/``order`` of an object scheduled as one :class:`Part` (``self.part``):
    run_regularly and event code, network operations."""

    part: "Part"

    @property
    def when(self) -> str:
        return self.part.when

    @when.setter
    def when(self, value) -> None:
        self.part.when = value

    @property
    def order(self) -> int:
        return self.part.order

    @order.setter
    def order(self, value) -> None:
        self.part.order = value


class Part:
    """One scheduled piece of work: ``name``, ``when`` (slot) and ``order``."""

    def __init__(self, name: str, when: str, order: int, kind: str = "part"):
        self.name = name
        self.kind = kind
        self.when = when
        self.order = order

    @property
    def when(self) -> str:
        return self._when

    @when.setter
    def when(self, value) -> None:
        self._when = check_when(value, f"'{self.name}'")

    @property
    def order(self) -> int:
        return self._order

    @order.setter
    def order(self, value) -> None:
        self._order = check_order(value, f"'{self.name}'")

    def __repr__(self) -> str:
        return f"<{self.kind} '{self.name}': when={self.when!r}, order={self.order}>"


def _ensure(obj, attr: str, name: str, when: str, order: int, kind: str) -> Part:
    part = obj.__dict__.get(attr)
    if part is None:
        part = Part(name, when, order, kind)
        obj.__dict__[attr] = part
    part.name = name     # the Network may have named the object since
    return part


def parts_of(obj) -> list[Part]:
    """The scheduled parts of one object (made with Brian2's defaults when first asked)."""
    from .groups import NeuronGroup
    from .inputs import PoissonInput
    from .monitors import SpikeMonitor, StateMonitor
    from .synapses import Synapses
    if isinstance(obj, NeuronGroup):
        order = obj.order
        out = [_ensure(obj, "_part_update", f"{obj.name}_stateupdater", "groups", order,
                       "state updater")]
        if obj.can_spike:
            out.append(_ensure(obj, "_part_threshold", f"{obj.name}_spike_thresholder",
                               "thresholds", order, "threshold"))
        if obj.spec.reset is not None:
            out.append(_ensure(obj, "_part_reset", f"{obj.name}_spike_resetter",
                               "resets", order, "reset"))
        if getattr(obj.spec, "spatial", False):   # a SpatialNeuron's cable step
            out.append(_ensure(obj, "_part_cable", f"{obj.name}_spatialstateupdater",
                               "groups", 1, "cable step"))
        for c in getattr(obj, "_codes", ()):
            c.part.name = c.name
            out.append(c.part)
        return out
    if isinstance(obj, Synapses):
        so = getattr(obj, "_order", 0)
        out = [_ensure(obj, "_part_update", f"{obj.name}_stateupdater", "groups", so,
                       "state updater")]
        # every pathway is a part of its own, named and ordered as Brian2's
        # SynapticPathway: pre pathways order -1, post ones 1 (whatever the Synapses' order)
        for codes, order in ((getattr(obj, "_pre_code", None), -1),
                             (getattr(obj, "_post_code", None), 1)):
            for path in codes or ():
                out.append(_ensure(obj, f"_part_pathway_{path}", f"{obj.name}_{path}",
                                   "synapses", order, "synaptic pathway"))
        from .groups import group_of
        for eq in obj.equations.equations if hasattr(obj, "equations") else ():
            if "summed" in getattr(eq, "flags", ()):
                target = eq.name[:-5] if eq.name.endswith("_post") else eq.name
                out.append(_ensure(obj, f"_part_summed_{target}",
                                   f"{obj.name}_summed_variable_{target}", "groups",
                                   getattr(group_of(obj.target), "order", 0) - 1,
                                   "summed variable"))
        return out
    if isinstance(obj, StateMonitor):
        return [_ensure(obj, "_part", obj.name, obj._when, obj._order, "StateMonitor")]
    if isinstance(obj, SpikeMonitor):
        return [_ensure(obj, "_part", obj.name, *obj._slot(), type(obj).__name__)]
    if isinstance(obj, PoissonInput):
        return [_ensure(obj, "_part", obj.name, getattr(obj, "_when", "synapses"),
                        getattr(obj, "_order", 0), "PoissonInput")]
    part = getattr(obj, "part", None)   # a network operation
    return [part] if part is not None else []


def summed_part(synapses, name: str) -> Part:
    """The part of summed variable ``name`` ('v_post' or 'v') of ``synapses``."""
    target = name[:-5] if name.endswith("_post") else name
    for p in parts_of(synapses):
        if p.name.endswith(f"_summed_variable_{target}"):
            return p
    from ..errors import ConfigurationError
    raise ConfigurationError(f"synapses '{synapses.name}' have no summed variable "
                             f"'{name}'", code="E776")


def timing_of(objects) -> dict[str, tuple[str, int]]:
    """(when, order) of every part of the objects, by name."""
    return {p.name: (p.when, p.order) for obj in objects for p in parts_of(obj)}


def position_of(part: Part, compiled: list[dict], schedule=DEFAULT_SCHEDULE) -> int:
    """How many compiled blocks of a step run before ``part`` (a Python operation)."""
    key = Slot(part.when, part.order, part.name).key(schedule)
    return sum(1 for e in compiled
               if Slot(e["when"], e["order"], e["name"]).key(schedule) < key)


def summary(objects, compiled: list[dict], python_parts: list[Part],
            schedule=DEFAULT_SCHEDULE) -> "SchedulingSummary":
    rows = [(e["name"], e["owner"], e["kind"], e["when"], e["order"]) for e in compiled
            if e["kind"] != "split"]
    rows += [(p.name, p.name, p.kind, p.when, p.order) for p in python_parts]
    rows.sort(key=lambda r: (slot_rank(r[3], schedule, r[0]), r[4], r[0]))
    return SchedulingSummary(rows)


class SchedulingSummary:
    """The parts of a network in the order they run in a step (Brian2's
    ``scheduling_summary()``); a table when printed."""

    def __init__(self, rows):
        self.rows = rows

    def __repr__(self) -> str:
        head = ("part", "of", "kind", "when", "order")
        widths = [max(len(str(r[k])) for r in [head] + self.rows) for k in range(5)]
        lines = ["  ".join(str(c).ljust(w) for c, w in zip(r, widths))
                 for r in [head] + self.rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>"
                        for r in self.rows)
        return ("<table><tr><th>part</th><th>of</th><th>kind</th><th>when</th>"
                f"<th>order</th></tr>{cells}</table>")


__all__ = ["Part", "ScheduledAsPart", "parts_of", "timing_of", "position_of", "SchedulingSummary",
           "DEFAULT_SCHEDULE"]
