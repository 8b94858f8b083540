"""The product of code generation: source text plus the runtime layout (no sympy here,
so a warm start can load it from the front cache without importing sympy)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

# return codes of eqsim_run (keep in sync with network.c.j2 and runtime/backends.py)
RUN_DONE, RUN_BUFFER_FULL, RUN_NOT_FINITE = 0, 1, 2


@dataclass(frozen=True)
class ArraySlot:
    key: str        # "group/var", "monitor/buffer", ...
    ctype: str      # double, int32_t, int64_t, uint8_t


@dataclass
class SourceUnit:
    """Generated source for both backends and the runtime layout it expects."""

    c_source: str
    numpy_source: str
    arrays: list[ArraySlot]
    dparams: list[str]
    iparams: list[str]
    methods: dict[str, str]
    written: dict[str, list[str]] = field(default_factory=dict)  # group -> NaN-checked
    # synapses -> {"pre"/"post": [only adds to target variables, writes source variables]}
    pathways: dict[str, dict] = field(default_factory=dict)
    # the blocks of a step in order: {kind, name, when, order, owner} (codegen/schedule.py)
    schedule: list[dict] = field(default_factory=list)

    def to_json(self) -> str:
        d = asdict(self)
        return json.dumps(d, sort_keys=True)

    @staticmethod
    def from_json(text: str) -> "SourceUnit":
        d = json.loads(text)
        d["arrays"] = [ArraySlot(**a) for a in d["arrays"]]
        return SourceUnit(**d)
