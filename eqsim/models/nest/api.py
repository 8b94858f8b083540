"""Public functions of eqsim.models.nest: groups and synapses from NEST model names."""
from __future__ import annotations

import re
from typing import Any, Mapping

import numpy as np

from ...errors import ConfigurationError
from ...runtime.clock import defaultclock
from ...runtime.counting_sort import nondecreasing
from ...runtime.groups import NeuronGroup, Subgroup, group_of
from ...runtime.inputs import SpikeGeneratorGroup
from ...runtime.synapses import Synapses
from ...equations.expressions import SECOND
from ... import units
from ...units import Quantity
from .neurons import MODELS, UNITS, REFRACTORY, NeuronModel
from .synapse_models import SYNAPSE_MODELS, SynapseModel

NEST_NEURON_MODELS: tuple[str, ...] = tuple(MODELS)
NEST_SYNAPSE_MODELS: tuple[str, ...] = tuple(SYNAPSE_MODELS)


class NestNeuronGroup(NeuronGroup):
    """A NeuronGroup made from a NEST model name (``model_of(G)`` gives the name)."""

    _kind = "neurongroup"


def _neuron_model(model: str) -> NeuronModel:
    if not isinstance(model, str) or model not in MODELS:
        raise ConfigurationError(
            f"unknown NEST neuron model {model!r}", code="E940",
            hint="known models: " + ", ".join(NEST_NEURON_MODELS))
    return MODELS[model]


def _synapse_model(model: str) -> SynapseModel:
    if not isinstance(model, str) or model not in SYNAPSE_MODELS:
        raise ConfigurationError(
            f"unknown NEST synapse model {model!r}", code="E943",
            hint="known models: " + ", ".join(NEST_SYNAPSE_MODELS))
    return SYNAPSE_MODELS[model]


def parameters(model: str) -> dict[str, tuple[Any, str]]:
    """NEST's parameters and state variables of a model: ``{name: (default, unit)}``."""
    if model in SYNAPSE_MODELS:
        return dict(SYNAPSE_MODELS[model].params)
    m = _neuron_model(model)
    return {**m.params, **m.state}


def _values(key: str, value, n: int, where: str) -> np.ndarray | float:
    """A NEST value: a number or n numbers (plain floats in NEST's units)."""
    if isinstance(value, Quantity):
        raise ConfigurationError(
            f"{where}: '{key}' must be a plain number in NEST's units, got a quantity "
            f"({value})", code="E942", hint="e.g. 'tau_m': 10.0 (ms)")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"{where}: '{key}' must be a number or an array of "
                                 f"numbers, got {value!r}", code="E942") from exc
    if arr.ndim == 0:
        return float(arr)
    if arr.shape != (n,):
        raise ConfigurationError(f"{where}: '{key}' has shape {arr.shape}; give one "
                                 f"number or {n} (one per neuron)", code="E942")
    return arr


def _merge(m: NeuronModel, params: Mapping | None, n: int, where: str) -> dict:
    """NEST's defaults updated by the given parameters (checked), in NEST units."""
    values = {k: v for k, (v, _) in {**m.params, **m.state}.items()}
    for key, value in (params or {}).items():
        if key in m.ignored:
            continue
        if key in m.inert:
            ok = np.all(np.asarray(value) == m.inert[key]) if not isinstance(
                value, str) else False
            if not ok:
                raise ConfigurationError(
                    f"{where}: '{key}' = {value!r} is not supported by eqsim (only "
                    f"NEST's default {m.inert[key]!r})", code="E942")
            continue
        if key not in values:
            raise ConfigurationError(
                f"{where}: unknown parameter {key!r} of NEST model '{m.name}'",
                code="E941", hint="valid keys: " + ", ".join(sorted(values)))
        values[key] = _values(key, value, n, where)
    for check, message in m.checks:
        try:
            ok = np.all(check(values))
        except KeyError:
            continue
        if not ok:
            raise ConfigurationError(f"{where}: {message} (as NEST requires)",
                                     code="E942")
    return values


#: parameters that synaptic code reads as ``<name>_post`` (kept per neuron: synapses read
#: no shared postsynaptic variables)
_READ_BY_SYNAPSES = frozenset({"t_ref", "tau_minus"})


def _model_string(m: NeuronModel, shared: frozenset = frozenset()) -> str:
    decl = "".join(f"{k} : {UNITS[u][0]}" + (" (shared)" if k in shared else "") + "\n"
                   for k, (v, u) in m.params.items() if not isinstance(v, bool))
    return m.equations + decl


def neuron_group(model: str, n: int, params: Mapping[str, Any] | None = None, *,
                 name: str | None = None, dt=None, method: str | None = None,
                 shared: bool = False) -> NeuronGroup:
    """A group of ``n`` neurons of the NEST model ``model``.

    ``params`` uses NEST's keys and units (floats, or arrays of ``n``); missing keys take
    NEST 3.10's defaults, state variables (``V_m``, ``w``, ...) may be given too.
    ``method`` overrides the integration method (``'exact'`` for the ``iaf_psc_*``
    models as NEST integrates them exactly, ``'rk4'`` for the others, which NEST
    integrates with adaptive RKF45).
    ``shared=True``: the parameters given as one number (or left at their defaults) are
    ``(shared)`` variables, one value for the group, so that what depends on them only
    (the propagators of the exact integration: exp(-dt/tau_m), ...) is computed once per
    step instead of once per neuron; they can then not be set per neuron. SONATA's
    loader uses it (a node type's dynamics_params are one value per type).
    """
    m = _neuron_model(model)
    where = f"NEST model '{model}'" + (f" of group '{name}'" if name else "")
    if isinstance(params, str) or (params is not None and not isinstance(params, Mapping)):
        raise ConfigurationError(f"{where}: params must be a dict, got "
                                 f"{type(params).__name__}", code="E941")
    values = _merge(m, params, int(n), where)
    if values.get("refractory_input", False):
        raise ConfigurationError(f"{where}: refractory_input=True is not supported "
                                 "(input during refractoriness is dropped, NEST's "
                                 "default)", code="E942")
    uniform = frozenset(k for k, (v, _) in m.params.items()
                        if shared and not isinstance(v, bool) and np.ndim(values[k]) == 0
                        and k not in _READ_BY_SYNAPSES)
    G = NestNeuronGroup(n, _model_string(m, uniform), threshold=m.threshold, reset=m.reset,
                        refractory=REFRACTORY if m.refractory else False,
                        method=method or m.method, namespace={}, dt=dt, name=name)
    G._nest_model = m.name
    for key, (default, unit) in {**m.params, **m.state}.items():
        if isinstance(default, bool):
            continue
        value = values[key]
        setattr(G, key + "_", np.broadcast_to(np.asarray(value, float) * UNITS[unit][1],
                                              (1 if key in uniform else G.N,)).copy())
    if m.before_update:
        G.run_regularly(m.before_update, when="before_groups", order=0)
    vmin = values.get("V_min")
    if vmin is not None and np.any(np.asarray(vmin) > -1e300):
        # NEST's lower bound, applied after the membrane update (and after the input of
        # iaf_psc_delta), before the threshold test
        G.run_regularly("V_m = clip(V_m, V_min, inf*mV)", when="before_thresholds",
                        order=0)
    return G


def model_of(group) -> str:
    """The NEST model name of a group made by :func:`neuron_group`."""
    g = group_of(group) if isinstance(group, Subgroup) else group
    name = getattr(g, "_nest_model", None)
    if name is None:
        raise ConfigurationError(
            f"group '{getattr(g, 'name', g)}' was not made by "
            "eqsim.models.nest.neuron_group, so it has no NEST model", code="E945")
    return name


def target_kind(group) -> str:
    """'psc', 'cond' or 'parrot': how weights onto this group are read."""
    return MODELS[model_of(group)].kind


def weight_unit(group) -> str:
    """The NEST unit of a weight onto this group: 'pA', 'nS', 'mV' or '1' (parrot)."""
    return MODELS[model_of(group)].weight_unit


def _steps(delay, dt_ms: float, where: str) -> np.ndarray | int:
    """NEST's delay in steps: round to nearest (ld_round), at least one step."""
    d = np.asarray(delay, dtype=float)
    if isinstance(delay, Quantity):
        raise ConfigurationError(f"{where}: delay must be in ms as plain numbers, got a "
                                 "quantity", code="E944")
    if not np.all(np.isfinite(d)):
        raise ConfigurationError(f"{where}: delays must be finite", code="E944")
    per_ms = 1.0 / dt_ms    # as NEST: delay_ms * steps_per_ms, rounded half up
    if abs(per_ms - round(per_ms)) < 1e-9:
        per_ms = float(round(per_ms))
    steps = np.floor(d * per_ms + 0.5).astype(np.int64)
    if steps.size and steps.min() < 1:
        bad = float(d.ravel()[np.argmin(steps.ravel())])
        raise ConfigurationError(
            f"{where}: delay {bad} ms is below the resolution {dt_ms} ms (NEST's "
            "minimum delay is one step)", code="E944")
    return steps


def synapses(source, target, model: str = "static_synapse", *, i, j, weight, delay,
             params: Mapping[str, Any] | None = None, receptor: str | None = None,
             name: str | None = None, adopt: bool = False,
             rows: np.ndarray | None = None) -> Synapses:
    """Connections ``i[k] -> j[k]`` of the NEST synapse model ``model``.

    ``weight`` is in NEST's unit for the target (:func:`weight_unit`) and ``delay`` in
    ms, each a number or one per connection. ``params`` are the synapse model's NEST
    parameters (numbers or one per connection); the target's own (``tau_minus`` of
    stdp_synapse) come from the target group. ``adopt=True``: the arrays ``j`` and
    ``weight`` become the synapses' own without a copy (``weight`` scaled in place to SI
    units): the caller must not use them afterwards. ``rows`` (with ``i=None``): the
    sources sorted, given as their row pointer (int64, ``source.N + 1``; the
    connections of source k are ``rows[k]:rows[k + 1]``), without an array of them.
    """
    syn = _synapse_model(model)
    tmodel = MODELS[model_of(target)]
    where = f"NEST synapses '{name or model}'"
    if receptor not in (None, "default", 0):
        raise ConfigurationError(f"{where}: receptor {receptor!r} is not supported (only "
                                 "the default receptor; excitatory or inhibitory follows "
                                 "the sign of the weight)", code="E945")
    if syn.name != "static_synapse" and tmodel.kind == "parrot":
        raise ConfigurationError(f"{where}: {syn.name} onto a parrot_neuron: use "
                                 "static_synapse (a parrot repeats spikes)", code="E946")
    j = np.asarray(j)
    if rows is not None:      # sorted sources as a row pointer (no array of them)
        if i is not None:
            raise ConfigurationError(f"{where}: give i or rows, not both", code="E944")
        i = np.broadcast_to(np.int32(0), j.shape)     # (stands in for the checks)
    i = np.asarray(i)
    if i.ndim != 1 or j.ndim != 1 or i.shape != j.shape or (
            i.size and not (np.issubdtype(i.dtype, np.integer)
                            and np.issubdtype(j.dtype, np.integer))):
        raise ConfigurationError(f"{where}: i and j must be integer arrays of one length, "
                                 f"got shapes {i.shape} and {j.shape}", code="E944")
    n = i.size
    dt_s = group_of(target).dt_
    dt_ms = dt_s * 1e3
    steps = _steps(delay, dt_ms, where)
    if tmodel.input_before_threshold:
        steps = steps - 1   # delivered before the threshold test: one step earlier
    w = _values("weight", weight, n, where)
    values = {k: v for k, (v, _) in syn.params.items()}
    for key, value in (params or {}).items():
        if key == "receptor_type":
            if np.all(np.asarray(value) == 0):
                continue   # NEST's default receptor (the sign of the weight chooses)
            raise ConfigurationError(f"{where}: receptor_type {value!r} is not supported "
                                     "(only 0, the default receptor)", code="E945")
        if key not in values or key in ("weight", "delay"):
            keys = [k for k in sorted(values) if k not in ("weight", "delay")]
            raise ConfigurationError(
                f"{where}: unknown parameter {key!r} of NEST synapse model '{syn.name}'",
                code="E941", hint="valid keys: " + (", ".join(keys) or
                                                    "none besides weight and delay"))
        values[key] = _values(key, value, n, where)
    wunit = UNITS.get(tmodel.weight_unit, ("1", 1.0))
    _check_synapse_values(syn, values, w, where)
    per_syn = tuple(k for k in syn.constants if np.ndim(values[k]) > 0)
    namespace = {syn.variable(k): float(values[k]) * _factor(syn.params[k][1], wunit)
                 * _SI[wunit[0] if syn.params[k][1] == "w" else UNITS[syn.params[k][1]][0]]
                 for k in syn.constants if k not in per_syn}
    model_str, plast, on_post = syn.render(wunit[0], per_syn)
    deliver = _deliver(tmodel.on_pre, syn.deliver)
    if syn.deliver_prefix:
        deliver = syn.deliver_prefix + "\n" + deliver
    scalar = np.ndim(steps) == 0 or bool(np.size(steps) and np.all(steps == steps.flat[0]))
    first = int(np.ravel(steps)[0]) if np.size(steps) else 0
    delay_q = Quantity(first * dt_s, SECOND) if scalar else None
    if syn.separate_pathway:
        on_pre = {"plast": plast, "pre": deliver}
        delays = {"plast": Quantity(0.0, SECOND), "pre": delay_q}
    else:
        on_pre = (plast + "\n" + deliver) if plast else deliver
        delays = delay_q
    S = Synapses(source, target, model_str, on_pre=on_pre, on_post=on_post,
                 delay=delays, namespace=namespace, name=name, method="exact")
    S._nest_model = syn.name
    # eqsim keeps synapses sorted by source: sort once here (connect then keeps the
    # order) and put every per-connection value in that order
    order = None
    if rows is None and n >= 2 and not nondecreasing(i):
        order, i = _stable_order(i)
    S._adopt_j = adopt or order is not None      # j[order] is a fresh array
    if rows is not None:
        S._connect_rows(rows, j)
    else:
        S.connect(i=i, j=j if order is None else j[order])
    S._adopt_j = False

    def per_synapse(v, factor=1.0):
        if np.ndim(v) == 0:
            return float(v) * factor
        v = np.asarray(v, float)
        return (v if order is None else v[order]) * factor

    weights = S.arrays.get("weight")
    if np.ndim(w) and isinstance(weights, np.ndarray) and weights.dtype == np.float64 \
            and weights.shape == (n,):
        # what S.weight_ = per_synapse(w, ...) stores, without its three copies
        if order is None and adopt and w.flags.c_contiguous and w.flags.writeable:
            w *= wunit[1]            # the caller's array, scaled in place and kept
            S.arrays["weight"] = w
        elif order is None:
            np.multiply(w, wunit[1], out=weights)
        else:
            np.take(w, order, out=weights)
            weights *= wunit[1]
    else:
        S.weight_ = per_synapse(w, wunit[1])
    for key in syn.variables + per_syn:
        setattr(S, syn.variable(key) + "_",
                per_synapse(values[key], _factor(syn.params[key][1], wunit)))
    # NEST's full delay (the 'pre' pathway of a before-threshold target runs one step
    # earlier with one step less)
    full = (np.asarray(steps) + (1 if tmodel.input_before_threshold else 0)) * dt_s
    if "d_dendritic" in S.arrays:
        S.d_dendritic_ = per_synapse(full)
    if "tp1" in S.arrays:      # no postsynaptic spike yet; NEST's t_lastspike = 0
        S.tp1_ = np.full(n, -1e9)
        S.tp2_ = np.full(n, -1e9)
        S.t_lastpre_ = np.full(n, -dt_s)
    if "t_last" in S.arrays:   # NEST's t_lastspike = 0 at eqsim's delivery time
        S.t_last_ = per_synapse(full - dt_s)
    if not scalar:
        S.delay = Quantity(per_synapse(np.asarray(steps, float) * dt_s), SECOND)
    if tmodel.input_before_threshold:
        from ...runtime.schedule import parts_of
        for part in parts_of(S):
            if part.kind == "synaptic pathway" and part.name == f"{S.name}_pre":
                part.when = "before_thresholds"
    return S


def _stable_order(i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.argsort(i, kind="stable")`` and ``i`` in that order: a counting sort (O(n),
    compiled once; numpy's sort without a compiler)."""
    from ...runtime.counting_sort import stable_order
    if i.dtype not in (np.int32, np.int64):
        i = i.astype(np.int64)
    if i.size and int(i.min()) < 0:      # connect reports the bad index
        order = np.argsort(i, kind="stable")
        return order, i[order]
    order, _, sorted_i = stable_order(i, sorted_keys=True)
    return order, sorted_i


_SI = {"second": units.second, "amp": units.amp, "siemens": units.siemens,
       "volt": units.volt, "1": 1.0}


def _factor(unit: str, wunit: tuple) -> float:
    """NEST unit -> SI factor ('w': the weight unit of the target)."""
    return wunit[1] if unit == "w" else UNITS[unit][1]


def _deliver(target_on_pre: str, weight: str) -> str:
    """The target's delivery statements with ``weight`` replaced by an expression."""
    return re.sub(r"\bweight\b", weight, target_on_pre)


def _check_synapse_values(syn: SynapseModel, values: dict, w, where: str) -> None:
    """NEST's own checks of a synapse model's parameters."""
    def bad(message):
        raise ConfigurationError(f"{where}: {message} (as NEST requires)", code="E942")
    v = {k: np.asarray(x, float) for k, x in values.items()}
    if syn.name == "stdp_synapse":
        if np.any(np.sign(np.asarray(w, float)) * np.sign(v["Wmax"]) < 0):
            bad("weight and Wmax must have the same sign")
        if np.any(v["tau_plus"] <= 0):
            bad("tau_plus must be > 0")
    if syn.name == "tsodyks_synapse":
        if np.any((v["U"] < 0) | (v["U"] > 1)):
            bad("U must be in [0, 1]")
        if np.any(v["tau_psc"] <= 0) or np.any(v["tau_rec"] <= 0) or np.any(
                v["tau_fac"] < 0):
            bad("tau_psc and tau_rec must be > 0, tau_fac >= 0")
        if np.any(v["x"] + v["y"] > 1):
            bad("x + y must be <= 1")


def spike_generator(n: int, indices, times_ms, *, name: str | None = None, dt=None
                    ) -> SpikeGeneratorGroup:
    """A SpikeGeneratorGroup that plays spike times given as NEST times (ms).

    NEST stamps a spike with the end of its step, eqsim with the start: the generator
    fires ``dt`` earlier so that its targets see the input in the same step as in NEST.
    """
    dt_s = (dt if dt is not None else defaultclock.dt)
    dt_s = float(dt_s)
    t = np.asarray(times_ms, dtype=float) * 1e-3 - dt_s
    if t.size and t.min() < -1e-12:
        raise ConfigurationError("spike_generator: NEST spike times must be at least one "
                                 "step (dt) after 0", code="E944")
    return SpikeGeneratorGroup(n, indices, Quantity(np.maximum(t, 0.0), SECOND),
                               dt=dt, name=name)


def to_nest_times(times, dt) -> np.ndarray:
    """eqsim spike times (seconds or a Quantity) as NEST stamps them, in ms."""
    return (np.asarray(times, dtype=float) + float(dt)) * 1e3
