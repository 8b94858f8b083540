"""Pathways of Synapses (Brian2's SynapticPathway): ``on_pre={'up': ..., 'down': ...}``
with ``delay={'up': 0*ms, 'down': 1*ms}``, each pathway with its own spike queue and
delays (``S.up.delay``). A plain string ``on_pre``/``on_post`` is the pathway named
``pre``/``post`` (``S.delay`` is ``S.pre.delay``), kept exactly as before.

Pathways run in Brian2's order: those triggered by presynaptic spikes first, then those
triggered by postsynaptic spikes, each sorted by name.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ..errors import ConfigurationError
from ..units import Quantity

PRIMARY = {"pre": "pre", "post": "post"}


def normalise(on_pre, on_post, delay, where: str):
    """(pre pathways, post pathways, delays) as dicts name -> code / delay value;
    raises E737 for malformed pathway arguments."""
    out = {}
    for kind, arg in (("pre", on_pre), ("post", on_post)):
        if arg is None:
            out[kind] = {}
        elif isinstance(arg, str):
            out[kind] = {kind: arg} if arg.strip() else {}
        elif isinstance(arg, Mapping):
            paths = {}
            for name, code in arg.items():
                if not isinstance(name, str) or not name.isidentifier():
                    raise ConfigurationError(f"pathway names of {where} must be names, "
                                             f"got {name!r}", code="E737")
                if not isinstance(code, str):
                    raise ConfigurationError(f"the code of pathway '{name}' of {where} "
                                             "must be a string", code="E737")
                if code.strip():
                    paths[name] = code
            out[kind] = paths
        else:
            raise ConfigurationError(f"on_{kind} of {where} must be a string or a dict "
                                     f"of pathways, got {type(arg).__name__}",
                                     code="E737")
    both = set(out["pre"]) & set(out["post"])
    if both:
        raise ConfigurationError(f"pathway name '{sorted(both)[0]}' of {where} is used "
                                 "in both on_pre and on_post", code="E737")
    if delay is None:
        delays: dict[str, Any] = {}
    elif isinstance(delay, Mapping):
        delays = dict(delay)
    else:
        delays = {"pre": delay}
    for name in delays:
        if name not in out["pre"] and name not in out["post"]:
            raise ConfigurationError(
                f"delay for pathway '{name}' of {where}: no such pathway", code="E737",
                hint="pathways: " + (", ".join(sorted(out["pre"]) + sorted(out["post"]))
                                     or "none"))
        if name in out["post"] and delays[name] is not None and np.any(
                np.asarray(delays[name]) != 0):
            raise ConfigurationError(f"pathway '{name}' of {where} is triggered by "
                                     "postsynaptic spikes; eqsim delivers those without "
                                     "delay", code="E738")
    return out["pre"], out["post"], {k: v for k, v in delays.items() if k in out["pre"]}


def extra_names(pre: dict, post: dict) -> list[tuple[str, str]]:
    """(name, kind) of the pathways other than the plain ``pre``/``post`` ones."""
    return ([(n, "pre") for n in sorted(pre) if n != "pre"] +
            [(n, "post") for n in sorted(post) if n != "post"])


def delay_key(name: str) -> str:
    """The array of per-synapse delays of a named pathway (in ``Synapses.arrays``)."""
    return "delay" if name == "pre" else f"_delay_{name}"


def prefix(name: str) -> str:
    """Key prefix of a pathway's run data (queue, delivery indices)."""
    return "" if name in PRIMARY else f"_pw_{name}/"


class SynapticPathway:
    """``S.up``: one pathway of a Synapses object; ``S.up.delay`` reads and sets its
    delays (one for all synapses, or one per synapse once assigned per synapse)."""

    def __init__(self, synapses, name: str, kind: str):
        object.__setattr__(self, "_synapses", synapses)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "kind", kind)

    @property
    def code(self) -> str:
        S = self._synapses
        return (S._pre_code if self.kind == "pre" else S._post_code)[self.name]

    @property
    def delay(self) -> Quantity:
        return self._synapses._pathway_delay_view(self.name)

    @delay.setter
    def delay(self, value) -> None:
        self._synapses._set_pathway_delay(self.name, value)

    def __setattr__(self, name, value):
        if name != "delay":
            raise AttributeError(f"pathway '{self.name}' has no settable attribute "
                                 f"'{name}'")
        self._synapses._set_pathway_delay(self.name, value)

    def __repr__(self) -> str:
        return f"SynapticPathway({self._synapses.name}.{self.name}, on_{self.kind})"


__all__ = ["normalise", "extra_names", "delay_key", "prefix", "SynapticPathway"]
