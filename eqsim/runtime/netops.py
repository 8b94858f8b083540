"""The Network's side of the schedule: what it passes to code generation (the parts'
slots, run_regularly and event code), where the compiled loop must stop for network
operations, and Brian2's ``schedule``, ``scheduling_summary()`` and ``stop()``.

Kept out of network.py so that the run loop there stays short: ``Network.run`` asks a
:class:`Stops` for the next point (step, block of the schedule) where Python code is
due, runs the compiled loop up to it, and calls the operations due there.
"""
from __future__ import annotations

import hashlib

from ..codegen.schedule import DEFAULT_SCHEDULE, Slot, check_schedule
from ..errors import ConfigurationError
from .namespace import constant_values
from .operations import NetworkOperation
from .schedule import position_of, summary, timing_of


# ---- attributes of Network -----------------------------------------------------------
def schedule_property():
    def get(net) -> list[str]:
        return list(net._schedule or DEFAULT_SCHEDULE)

    def set_(net, value) -> None:
        net._schedule = None if value is None else check_schedule(value)
        net._prepared_for = None

    return property(get, set_, doc="The slots of a step in order (Brian2's "
                                   "Network.schedule); None restores the default.")


def scheduling_summary(net):
    """The parts of the network in the order they run in a step (a printable table)."""
    net._assign_names()
    products = net.build("c") if net._products is None else net._products
    return summary(net.objects, products.unit.schedule,
                   [op.part for op in net.operations], tuple(net.schedule))


def sync_clock(net) -> None:
    """Brian2 scripts read ``defaultclock.t`` (e.g. in a network operation): the time of
    the network that ran last."""
    from .clock import defaultclock
    defaultclock.t_ = net.t_


def stop(net) -> None:
    """Stop the run after the current step (Brian2's ``Network.stop``, e.g. from a
    network operation)."""
    net._stopped = True


# ---- code generation -----------------------------------------------------------------
def codes_of(net) -> list:
    return [c for g in net.groups for c in getattr(g, "_codes", ())]


def timed_objects(net) -> list:
    """Objects with a clock of their own: run_regularly code and network operations."""
    return [c for c in codes_of(net) if c.kind == "regular"] + net.operations


def schedule_key(net) -> str:
    timing = timing_of(o for o in net.objects if not isinstance(o, NetworkOperation))
    text = repr((sorted(timing.items()), tuple(net.schedule), synapse_events(net),
                 [c.spec.key() for c in codes_of(net)]))
    return hashlib.sha256(text.encode()).hexdigest()


def emit_arguments(net) -> dict:
    groups = {g.name: g for g in net.groups}
    codes = [(c.spec, net._lowered(_CodeSpec(groups[c.group.name].spec, c.spec),
                                   _lower_code)) for c in codes_of(net)]
    timing = timing_of(o for o in net.objects if not isinstance(o, NetworkOperation))
    return {"codes": codes, "timing": timing, "schedule": tuple(net.schedule),
            "synapse_events": synapse_events(net)}


def synapse_events(net) -> dict:
    """{synapses: {'pre': event, 'post': event}} for pathways not triggered by spikes."""
    out = {}
    for S in net.synapses:
        events = {"pre": getattr(S, "_pre_event", "spike"),
                  "post": getattr(S, "_post_event", "spike"),
                  **getattr(S, "_pathway_events", {})}
        if any(e != "spike" for e in events.values()):
            out[S.name] = dict(sorted(events.items()))
    return out


class _CodeSpec:
    """Key of the kernel cache for group code (the group's spec and the code's)."""

    def __init__(self, group_spec, code_spec):
        self.group_spec, self.code_spec = group_spec, code_spec

    def key(self) -> str:
        return f"{self.group_spec.key()}|{self.code_spec.key()}"


def _lower_code(spec: _CodeSpec):
    from ..integration.operations import lower_group_code
    return lower_group_code(spec.group_spec, spec.code_spec)


def check_backend(net, backend: str) -> None:
    if backend != "mpi":
        return
    what = (["network operations"] if net.operations else []) + \
        (["run_regularly or custom events"] if codes_of(net) else []) + \
        (["event monitors"] if any(m.spec.own_slot for m in net.spike_monitors) else [])
    if what:
        raise ConfigurationError(f"backend='mpi' does not run {' and '.join(what)} yet",
                                 code="E779", hint="use backend='c'")


def bind(net, data, every: dict) -> None:
    """run_regularly clocks and the namespace constants of group code."""
    for c in codes_of(net):
        if c.kind == "regular":
            data.set_i(f"{c.name}/every", every[id(c)])
        own = [e for e in c.externals if e.kind == "constant" and
               e.name not in c.group.spec.constants]
        for name, value in constant_values(own, c.group.namespace,
                                           f"group '{c.group.name}'").items():
            data.set_d(f"{c.name}/{name}", value)


def first_record(net, monitor, step0: int, every: int, pos0: int) -> int:
    """First step from ``step0`` at which a StateMonitor records, when the first step
    starts at block ``pos0`` of the schedule."""
    first = -(-step0 // every) * every
    if first == step0 and pos0:
        pos = next((k for k, e in enumerate(net._data.unit.schedule)
                    if e["kind"] == "statemon" and e["owner"] == monitor.name), 0)
        if pos < pos0:
            first += every
    return first


# ---- where the compiled loop stops for Python ----------------------------------------
class Stops:
    """The points (step, block) of a run where network operations are due."""

    def __init__(self, net, every: dict, end_step: int):
        self.net = net
        compiled = net._data.unit.schedule
        self.n_blocks = len(compiled)
        schedule = tuple(net.schedule)
        self.ops = sorted(((op, every[id(op)], position_of(op.part, compiled, schedule))
                           for op in net.operations if op.active),
                          key=lambda x: (x[2], Slot(x[0].when, x[0].order,
                                                    x[0].name).key(schedule)))
        self.last = net.__dict__.setdefault("_op_last_step", {})
        self.end = (end_step, 0)

    def _due(self, op, every: int, pos: int):
        step, here = self.net._step, self.net._pos
        s = -(-step // every) * every
        if (s, pos) < (step, here) or self.last.get(id(op)) == s:
            s += every
        return (s, pos)

    def next(self) -> tuple[int, int]:
        """The next point where an operation is due, or the end of the run."""
        points = [self._due(*x) for x in self.ops]
        return min([p for p in points if p[0] < self.end[0]] + [self.end])

    def call(self, target: tuple[int, int], chunk: int) -> tuple[int, int, int | None]:
        """(steps, first block, last block) of the next compiled call towards target."""
        net = self.net
        if net._pos >= self.n_blocks:   # stopped after the last block of a step
            net._step, net._pos = net._step + 1, 0
            if (net._step, net._pos) >= target:
                return 0, 0, None
        ts, tp = target
        if tp == 0:
            n = min(chunk, ts - net._step)
            return n, net._pos, None
        remaining = ts - net._step + 1
        n = min(chunk, remaining)
        return n, net._pos, (tp if n == remaining else None)

    def run_due(self) -> None:
        """Call the operations due at the current point (in their order)."""
        net = self.net
        here = (net._step, net._pos)
        if here >= self.end:
            return
        net._sync_time()
        for op, every, pos in self.ops:
            if self._due(op, every, pos) == here:
                self.last[id(op)] = net._step
                op._run(net.t_)
        if net._stopped:   # finish this step, then stop (as Brian2 does)
            self.end = min(self.end, (net._step + 1, 0))
            net._stopped = False


__all__ = ["Stops", "schedule_property", "scheduling_summary", "stop"]
