"""Rich reprs for Jupyter: groups, synapses, monitors and networks as small HTML tables.

Each class calls :func:`html` from its ``_repr_html_``; the text ``__repr__`` stays short.
Nothing here touches state arrays beyond their sizes (a repr of a million-neuron group
costs no more than one of ten).
"""
from __future__ import annotations

from html import escape

from ..equations.parse import DIFFERENTIAL, PARAMETER, SUBEXPRESSION

_KIND = {DIFFERENTIAL: "differential", SUBEXPRESSION: "subexpression",
         PARAMETER: "parameter"}


def _code(text) -> str:
    return f"<code>{escape(str(text))}</code>"


def _rows(pairs) -> str:
    return "".join(f"<tr><th style='text-align:left'>{escape(k)}</th><td>{v}</td></tr>"
                   for k, v in pairs if v not in (None, ""))


def equations_table(equations) -> str:
    """The model's lines: name, kind, expression, unit, flags."""
    rows = "".join(
        f"<tr><td>{_code(eq.name)}</td><td>{_KIND.get(eq.kind, eq.kind)}</td>"
        f"<td>{_code(' '.join(eq.expr_text.split())) if eq.expr_text else ''}</td>"
        f"<td>{escape(str(eq.dim))}</td><td>{escape(', '.join(eq.flags))}</td></tr>"
        for eq in equations.equations)
    if not rows:
        return ""
    return ("<table><tr><th>variable</th><th>kind</th><th>expression</th><th>unit</th>"
            f"<th>flags</th></tr>{rows}</table>")


def _title(kind: str, name: str, detail: str) -> str:
    return f"<b>{escape(kind)}</b> {_code(name)} <span>{escape(detail)}</span>"


def html(obj) -> str:
    """HTML for a NeuronGroup, Synapses, monitor or Network."""
    from .groups import NeuronGroup
    from .monitors import PopulationRateMonitor, SpikeMonitor, StateMonitor
    from .network import Network
    from .synapses import Synapses
    if isinstance(obj, Network):
        return _network(obj)
    if isinstance(obj, Synapses):
        spec = getattr(obj, "spec", None)
        pathway = f"{obj.source.name} → {obj.target.name}"
        rows = _rows([("source → target", _code(pathway)),
                      ("synapses", f"{len(obj):,}"),
                      ("on_pre", _code(spec.on_pre) if spec and spec.on_pre else None),
                      ("on_post", _code(spec.on_post) if spec and spec.on_post else None),
                      ("method", spec.method if spec else None)])
        return (_title("Synapses", obj.name, "") + f"<table>{rows}</table>" +
                equations_table(obj.equations))
    if isinstance(obj, NeuronGroup):
        spec = obj.spec
        refractory = obj._refractory_value if obj._refractory_value is not None else \
            spec.refractory
        rows = _rows([("neurons", f"{obj.N:,}"), ("method", spec.method),
                      ("threshold", _code(spec.threshold) if spec.threshold else None),
                      ("reset", _code(spec.reset) if spec.reset else None),
                      ("refractory", _code(refractory) if refractory else None),
                      ("dt", escape(repr(obj.dt)))])
        return (_title(type(obj).__name__, obj.name, "") + f"<table>{rows}</table>" +
                equations_table(obj.equations))
    if isinstance(obj, PopulationRateMonitor):
        return _title("PopulationRateMonitor", obj.name, f"of {obj.source.name}: "
                      f"{len(obj.t_):,} samples")
    if isinstance(obj, SpikeMonitor):
        return _title("SpikeMonitor", obj.name, f"of {obj.source.name}: "
                      f"{obj.num_spikes:,} spikes recorded")
    if isinstance(obj, StateMonitor):
        return _title("StateMonitor", obj.name, f"of {obj.source.name}: "
                      f"{', '.join(obj.variables)} of {len(obj.record):,} neurons, "
                      f"{len(obj.t_):,} samples")
    return f"<pre>{escape(repr(obj))}</pre>"


def _size(obj) -> str:
    try:
        return f"{len(obj):,}"
    except TypeError:
        return ""


def _network(net) -> str:
    rows = "".join(f"<tr><td>{escape(type(o).__name__)}</td><td>{_code(o.name)}</td>"
                   f"<td>{_size(o)}</td></tr>" for o in net.objects)
    return (_title("Network", getattr(net, "name", "network"), f"t = {net.t!r}") +
            f"<table><tr><th>object</th><th>name</th><th>size</th></tr>{rows}</table>")


__all__ = ["html", "equations_table"]
