"""Frozen descriptions of what to simulate; the input of integration and code generation.

A spec holds no values that change between runs (N, parameter values, durations are
runtime data) — which is why the cache key of the generated code can be a hash of specs.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..units import Dimension
from .parse import Equations

# refractoriness: none, a time (constant or expression in seconds), or a condition
REFRACTORY_NONE, REFRACTORY_TIME, REFRACTORY_CONDITION = "none", "time", "condition"


@dataclass(frozen=True)
class ExternalName:
    """A name an expression takes from outside the model (namespace value or unit)."""

    name: str
    kind: str            # "constant" (runtime value, from the namespace) or "unit"
    dim: Dimension
    value: float | None = None   # for units only; constants are read at run time


def _digest(parts: list[str], externals) -> str:
    """sha256 of a spec's texts and the names, kinds and units of its external names."""
    parts = parts + [f"{e.name}|{e.kind}|{e.dim.key()}|{e.value!r}" for e in externals]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class NeuronSpec:
    """Everything about a NeuronGroup that shapes its generated code."""

    name: str
    equations: Equations
    threshold: str | None
    reset: str | None
    refractory_kind: str
    refractory: str | None       # expression text (time or condition), or None
    method: str
    externals: tuple[ExternalName, ...]   # sorted by name
    generator: bool = False               # spikes come from a table (SpikeGeneratorGroup)
    spatial: bool = False                 # a SpatialNeuron: v is solved by the cable step
    counts: bool = False                  # the threshold is 'mean > 0': a neuron emits
    #                                       Poisson(mean) spikes a step (PoissonCountGroup)

    def key(self) -> str:
        parts = [self.name, self.equations.text, repr(self.threshold), repr(self.reset),
                 self.refractory_kind, repr(self.refractory), self.method,
                 repr(self.generator)] + (["spatial"] if self.spatial else []) + \
            (["counts"] if self.counts else [])
        return _digest(parts, self.externals)

    @property
    def constants(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.externals if e.kind == "constant")


@dataclass(frozen=True)
class StateMonitorSpec:
    """A StateMonitor: which expressions of which group, every how many steps."""

    name: str
    source: str
    variables: tuple[str, ...]

    def key(self) -> str:
        return f"statemon|{self.name}|{self.source}|{','.join(self.variables)}"


@dataclass(frozen=True)
class SpikeMonitorSpec:
    name: str
    source: str
    rate: bool = False   # record the number of spikes per step instead of each spike
    event: str = "spike"              # the event recorded (EventMonitor)
    variables: tuple[str, ...] = ()   # values recorded at each event
    own_slot: bool = False            # runs as a block of its own in the schedule

    def key(self) -> str:
        return (f"spikemon|{self.name}|{self.source}|{self.rate}|{self.event}|"
                f"{','.join(self.variables)}|{self.own_slot}")


@dataclass(frozen=True)
class SynapseSpec:
    """Everything about a Synapses object that shapes its generated code."""

    name: str
    source: str
    target: str
    equations: Equations
    on_pre: str | None
    on_post: str | None
    delay_kind: str            # "none", "scalar" (one delay) or "per_synapse"
    method: str
    externals: tuple[ExternalName, ...]
    pre_vars: tuple[tuple[str, str], ...]    # (name, dimension key) of source variables
    post_vars: tuple[tuple[str, str], ...]   # ... and of target variables
    float32: tuple[str, ...] = ()            # per-synapse variables stored as float32
    # named pathways besides on_pre/on_post: (name, "pre" or "post", code, delay kind)
    pathways: tuple[tuple[str, str, str, str], ...] = ()
    # subexpressions of the groups used as F_pre/F_post: (name, text in the synapses'
    # names), dependencies first; substituted when lowered (as Brian2 does)
    side_subexpressions: tuple[tuple[str, str], ...] = ()

    def key(self) -> str:
        parts = ["synapses", self.name, self.source, self.target, self.equations.text,
                 repr(self.on_pre), repr(self.on_post), self.delay_kind, self.method,
                 repr(self.pre_vars), repr(self.post_vars), repr(self.float32)]
        if self.pathways:
            parts.append(repr(self.pathways))
        if self.side_subexpressions:
            parts.append(repr(self.side_subexpressions))
        return _digest(parts, self.externals)

    @property
    def constants(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.externals if e.kind == "constant")


@dataclass(frozen=True)
class PoissonInputSpec:
    name: str
    target: str
    variable: str
    unless_refractory: bool = False   # the variable keeps its value while refractory

    def key(self) -> str:
        return (f"poissoninput|{self.name}|{self.target}|{self.variable}"
                + ("|unless_refractory" if self.unless_refractory else ""))


@dataclass(frozen=True)
class GroupCodeSpec:
    """Code a NeuronGroup runs besides its model: ``run_regularly`` statements (kind
    "regular"), a custom event's condition ("event") or statements run on an event
    ("on_event"). ``name`` is unique in the network (Brian2's name of the part)."""

    name: str
    group: str
    kind: str
    code: str
    event: str | None
    externals: tuple[ExternalName, ...]
    span: tuple[int, int] | None = None   # neurons [start, stop) of a subgroup's code

    def key(self) -> str:
        return _digest(["groupcode", self.name, self.group, self.kind, self.code,
                        repr(self.event)] + ([repr(self.span)] if self.span else []),
                       self.externals)
