"""NEST's synapse models as eqsim Synapses code, one entry per model."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class SynapseModel:
    """One NEST synapse model: its parameters and how its code is written."""

    name: str
    params: dict            # NEST key -> (default, NEST unit), with weight and delay
    variables: tuple        # keys stored per synapse (besides weight)
    model: str              # synaptic model string (declarations); {W} = weight unit
    on_pre: str             # {DELIVER} = the target model's delivery statements
    on_post: str | None = None
    init: Callable | None = None   # (S, values, per_synapse) -> None

    def render(self, target, wunit: str) -> tuple[str, str, str | None]:
        model = self.model.format(W=wunit)
        deliver = target.on_pre
        return model, self.on_pre.format(DELIVER=deliver), self.on_post

    def initialise(self, S, values, per_synapse) -> None:
        if self.init is not None:
            self.init(S, values, per_synapse)


SYNAPSE_MODELS: dict[str, SynapseModel] = {}


def _add(m: SynapseModel) -> None:
    SYNAPSE_MODELS[m.name] = m


_add(SynapseModel(
    name="static_synapse",
    params={"weight": (1.0, "1"), "delay": (1.0, "ms")},
    variables=(), model="weight : {W}\n", on_pre="{DELIVER}"))
