"""PyNN's standard synapse types on eqsim, with NEST's arithmetic (as pyNN.nest runs them).

``eqsim_synapse_spec(post_cell_type, receptor_type)`` gives what pynncore needs to build
the Synapses: the model string, the pathways' code, the namespace, the per-synapse
variables and a ``prepare(S)`` hook that derives internal per-synapse state from the delays.
StaticSynapse delivers ``weight`` to the receptor's variable of the target (docs:
cells.receptor_targets); TsodyksMarkramSynapse is NEST's tsodyks_synapse; STDPMechanism
is NEST's stdp_synapse (pair rule, delays dendritic, NEST's lazy facilitation) with the
weight dependence choosing mu_plus and mu_minus as pyNN.nest does. See
docs/pynn_models.md.
"""
from __future__ import annotations

import re

import numpy as np
from pyNN.standardmodels import build_translations, synapses

from ...errors import ConfigurationError
from ...models.nest.synapse_models import SYNAPSE_MODELS
from ...units import second

__all__ = [
    "AdditivePotentiationMultiplicativeDepression",
    "AdditiveWeightDependence",
    "GutigWeightDependence",
    "MultiplicativeWeightDependence",
    "STDPMechanism",
    "SimpleStochasticSynapse",
    "SpikePairRule",
    "StaticSynapse",
    "TsodyksMarkramSynapse",
]

_MS = 1e-3


def _state():
    from ..simulator import state
    return state


def _target(post_cell_type, receptor_type: str, what: str) -> tuple[str, str]:
    """(delivery statement with {W} for the weight expression, weight unit)."""
    targets = getattr(post_cell_type, "receptor_targets", None)
    if not targets:
        raise ConfigurationError(f"{what}: {type(post_cell_type).__name__} cells take no "
                                 "synaptic input", code="E860")
    if receptor_type not in targets:
        raise ConfigurationError(
            f"{what}: {type(post_cell_type).__name__} has no receptor type "
            f"{receptor_type!r}", code="E860", hint="receptor types: " + ", ".join(targets))
    var = targets[receptor_type]
    if var == "V_m":     # Izhikevich, IF_curr_delta: a weight w (PyNN's nA) is w mV
        from .cells import nest_model
        code = nest_model(post_cell_type.nest_model).on_pre   # (NEST's own delivery)
        return re.sub(r"\bweight\b", "{W}*(mV/nA)", code), "amp"
    unit = "siemens" if post_cell_type.conductance_based else "amp"
    return f"{var}_post += {{W}}", unit


def _before_threshold(post_cell_type) -> bool:
    """NEST adds the input of izhikevich to V_m before the threshold test of the step it
    arrives in: the delivery runs before thresholds, one step earlier."""
    return "V_m" in getattr(post_cell_type, "receptor_targets", {}).values()


def _when_before_thresholds(S) -> None:
    from ...runtime.schedule import parts_of
    for part in parts_of(S):
        if part.kind == "synaptic pathway" and part.name == f"{S.name}_pre":
            part.when = "before_thresholds"


def _spec(model: str, on_pre, on_post, post_cell_type, per_synapse: list,
          defaults: dict, prepare, delays: dict | None = None,
          weight_like: tuple = (), state: tuple = ()) -> dict:
    bt = _before_threshold(post_cell_type)
    dt = _state().dt * 1e-3

    def _prepare(S):
        S._pynn_delay_offset = -dt if bt else 0.0
        if bt:
            _when_before_thresholds(S)
        if prepare is not None:
            prepare(S, dt)
    return {"model": model, "on_pre": on_pre, "on_post": on_post, "namespace": {},
            "per_synapse": list(per_synapse), "native_defaults": dict(defaults),
            "delays": dict(delays or {}), "weight_like": list(weight_like),
            "delay_offset": -dt if bt else 0.0, "prepare": _prepare,
            # synaptic state reset() returns to its value at the first run (as the
            # differential equations); the weight keeps its learned value
            "state": list(state)}


class StaticSynapse(synapses.StaticSynapse):
    __doc__ = synapses.StaticSynapse.__doc__
    # weight stays in PyNN's unit here: pynncore scales it for the target (nA or uS)
    translations = build_translations(('weight', 'weight'), ('delay', 'delay'))

    def _get_minimum_delay(self):
        return _state().min_delay

    def eqsim_synapse_spec(self, post_cell_type, receptor_type: str) -> dict:
        deliver, unit = _target(post_cell_type, receptor_type, "StaticSynapse")
        return _spec(f"weight : {unit}\n", deliver.format(W="weight"), None,
                     post_cell_type, [], {}, None)


class SimpleStochasticSynapse(synapses.SimpleStochasticSynapse):
    __doc__ = synapses.SimpleStochasticSynapse.__doc__
    # NEST's bernoulli_synapse: each spike is transmitted with probability p
    translations = build_translations(('weight', 'weight'), ('delay', 'delay'),
                                      ('p', 'p_transmit'))

    def _get_minimum_delay(self):
        return _state().min_delay

    def eqsim_synapse_spec(self, post_cell_type, receptor_type: str) -> dict:
        deliver, unit = _target(post_cell_type, receptor_type, "SimpleStochasticSynapse")
        return _spec(f"weight : {unit}\np_transmit : 1\n",
                     deliver.format(W="(weight*int(rand() < p_transmit))"), None,
                     post_cell_type, ["p_transmit"], {}, None)


# ---- Tsodyks-Markram: NEST's tsodyks_synapse --------------------------------------------
_TM = SYNAPSE_MODELS["tsodyks_synapse"]


class TsodyksMarkramSynapse(synapses.TsodyksMarkramSynapse):
    __doc__ = synapses.TsodyksMarkramSynapse.__doc__
    translations = build_translations(
        ('weight', 'weight'), ('delay', 'delay'), ('U', 'U'),
        ('tau_rec', 'tau_rec', _MS), ('tau_facil', 'tau_fac', _MS))

    def _get_minimum_delay(self):
        return _state().min_delay

    def eqsim_synapse_spec(self, post_cell_type, receptor_type: str) -> dict:
        deliver, unit = _target(post_cell_type, receptor_type, "TsodyksMarkramSynapse")
        # NEST's tau_psc (the decay of the active resources y) is the target's synaptic
        # time constant of this receptor (PyNN: "set in the neuron model")
        tau = {"excitatory": "tau_syn_ex", "inhibitory": "tau_syn_in"}.get(receptor_type)
        native_params = getattr(post_cell_type, "translations", {})
        has_tau = any(d["translated_name"] == tau for d in native_params.values())
        code = _TM.on_pre.replace("tau_psc", f"{tau}_post" if has_tau else "tau_psc")
        model = f"weight : {unit}\nx : 1\ny : 1\nu : 1\nt_last : second\nU : 1\n" \
                "tau_rec : second\ntau_fac : second\n"
        spec = _spec(model, code + "\n" + deliver.format(W="(weight*dy)"), None,
                     post_cell_type, ["U", "tau_rec", "tau_fac"],
                     {"x": 1.0, "y": 0.0, "u": 0.0}, _tm_prepare,
                     state=("x", "y", "u", "t_last"))
        if not has_tau:
            spec["namespace"]["tau_psc"] = 3e-3 * second   # NEST's default
        return spec


def _tm_prepare(S, dt: float) -> None:
    """NEST's t_lastspike = 0, at eqsim's delivery time of a spike sent at time 0."""
    if getattr(S, "_pynn_prepared", False):
        return
    S.t_last_ = _delays(S) + _offset(S) - dt
    S._pynn_prepared = True


def _offset(S) -> float:
    return -float(getattr(S, "_pynn_delay_offset", 0.0))


def _delays(S) -> np.ndarray:
    """S.delay per synapse in seconds (plain floats)."""
    v = S.arrays.get("delay")
    if v is not None:
        return np.asarray(v, dtype=float).copy()
    return np.full(len(S), float(S._scalar_delay))


# ---- STDP: NEST's stdp_synapse ----------------------------------------------------------
_STDP = SYNAPSE_MODELS["stdp_synapse"]


def _stdp_code(code: str) -> str:
    """NEST's stdp_synapse statements with PyNN's parameters: lambda = A_plus,
    alpha*lambda = A_minus, Wmax = w_max, the lower bound w_min (NEST: 0), tau_minus a
    synaptic parameter tau_minus_stdp (NEST: the target's tau_minus)."""
    code = code.replace("alpha*lambda_nest", "A_minus").replace("lambda_nest", "A_plus")
    code = re.sub(r"\bWmax\b", "w_max", code)
    code = code.replace("tau_minus_post", "tau_minus_stdp")
    code = code.replace("(weight/w_max)**mu_minus*K_minus, 0, inf)",
                        "(weight/w_max)**mu_minus*K_minus, w_min/w_max, inf)")
    return code


class STDPMechanism(synapses.STDPMechanism):
    __doc__ = synapses.STDPMechanism.__doc__
    base_translations = build_translations(
        ('weight', 'weight'), ('delay', 'delay'),
        ('dendritic_delay_fraction', 'dendritic_delay_fraction'))

    def __init__(self, timing_dependence=None, weight_dependence=None,
                 voltage_dependence=None, dendritic_delay_fraction=1.0, weight=0.0,
                 delay=None):
        if dendritic_delay_fraction != 1:
            raise ConfigurationError(
                "STDPMechanism: eqsim.pynn treats delays as dendritic, as NEST does "
                "(dendritic_delay_fraction=1)", code="E861")
        if voltage_dependence is not None:
            raise ConfigurationError("STDPMechanism: no voltage dependence in eqsim.pynn",
                                     code="E861")
        super().__init__(timing_dependence, weight_dependence, voltage_dependence,
                         dendritic_delay_fraction, weight, delay)

    def _build_translations(self):
        self.translations = dict(self.base_translations)
        for component in (self.timing_dependence, self.weight_dependence):
            if component:
                self.translations.update(component.translations)

    def _get_minimum_delay(self):
        return _state().min_delay

    def eqsim_synapse_spec(self, post_cell_type, receptor_type: str) -> dict:
        deliver, unit = _target(post_cell_type, receptor_type, "STDPMechanism")
        if not isinstance(self.timing_dependence, SpikePairRule) or not isinstance(
                self.weight_dependence, _WeightDependence):
            raise ConfigurationError(
                "STDPMechanism: eqsim.pynn runs SpikePairRule with the weight "
                "dependences Additive, Multiplicative, AdditivePotentiation"
                "MultiplicativeDepression and Gutig", code="E861")
        model = _STDP.model.format(W=unit).replace("tau_minus_post", "tau_minus_stdp") + \
            f"tau_plus : second\ntau_minus_stdp : second\nA_plus : 1\nA_minus : 1\n" \
            f"w_max : {unit}\nw_min : {unit}\nmu_plus : 1\nmu_minus : 1\n"
        plast = _stdp_code(_STDP.on_pre)
        post = _stdp_code(_STDP.on_post)
        pre = _STDP.deliver_prefix + "\n" + deliver.format(W=_STDP.deliver)
        mu = self.weight_dependence.mu()
        per = ["tau_plus", "tau_minus_stdp", "A_plus", "A_minus", "w_max", "w_min",
               "mu_plus", "mu_minus"]
        return _spec(model, {"plast": plast, "pre": pre}, post, post_cell_type, per,
                     {"mu_plus": mu[0], "mu_minus": mu[1], "Kplus": 0.0},
                     _stdp_prepare, delays={"plast": 0.0 * second},
                     weight_like=("w_max", "w_min"), state=_STDP_STATE)

    @property
    def native_parameters(self):
        ps = super().native_parameters
        mu = self.weight_dependence.mu() if self.weight_dependence else None
        if mu is not None and "mu_plus" not in ps.keys():  # noqa: SIM118 (a ParameterSpace)
            ps.update(mu_plus=mu[0], mu_minus=mu[1])
        return ps


#: what reset() restores: traces, spike-time bookkeeping, the weights in flight
_STDP_STATE = ("Kplus", "tp1", "tp2", "pend1", "pend2", "t_lastpre", "w_sent",
               "w_sent_0", "w_sent_1", "n_sent", "n_delivered")


def _stdp_prepare(S, dt: float) -> None:
    """The dendritic delay (NEST's: the whole delay) and, once, NEST's initial state:
    no postsynaptic spike yet, the last presynaptic spike at t_lastspike = 0."""
    S.d_dendritic_ = _delays(S) + _offset(S)
    if getattr(S, "_pynn_prepared", False):
        return
    n = len(S)
    S.tp1_ = np.full(n, -1e9)
    S.tp2_ = np.full(n, -1e9)
    S.t_lastpre_ = np.full(n, -dt)
    S._pynn_prepared = True


class _WeightDependence:
    """A weight dependence as NEST's stdp_synapse writes it (mu_plus, mu_minus)."""

    mu_values = (0.0, 0.0)

    def mu(self) -> tuple[float, float]:
        return self.mu_values


_W_TRANSLATIONS = (('w_max', 'w_max'), ('w_min', 'w_min'))   # weight units (pynncore)


class AdditiveWeightDependence(_WeightDependence, synapses.AdditiveWeightDependence):
    __doc__ = synapses.AdditiveWeightDependence.__doc__
    translations = build_translations(*_W_TRANSLATIONS)
    mu_values = (0.0, 0.0)


class MultiplicativeWeightDependence(_WeightDependence,
                                     synapses.MultiplicativeWeightDependence):
    __doc__ = synapses.MultiplicativeWeightDependence.__doc__
    translations = build_translations(*_W_TRANSLATIONS)
    mu_values = (1.0, 1.0)


class AdditivePotentiationMultiplicativeDepression(
        _WeightDependence, synapses.AdditivePotentiationMultiplicativeDepression):
    __doc__ = synapses.AdditivePotentiationMultiplicativeDepression.__doc__
    translations = build_translations(*_W_TRANSLATIONS)
    mu_values = (0.0, 1.0)


class GutigWeightDependence(_WeightDependence, synapses.GutigWeightDependence):
    __doc__ = synapses.GutigWeightDependence.__doc__
    translations = build_translations(*_W_TRANSLATIONS, ('mu_plus', 'mu_plus'),
                                      ('mu_minus', 'mu_minus'))

    def mu(self) -> tuple[float, float]:
        p = self.parameter_space   # defaults only: the values go per synapse
        return float(p["mu_plus"].base_value), float(p["mu_minus"].base_value)


class SpikePairRule(synapses.SpikePairRule):
    __doc__ = synapses.SpikePairRule.__doc__
    translations = build_translations(
        ('tau_plus', 'tau_plus', _MS), ('tau_minus', 'tau_minus_stdp', _MS),
        ('A_plus', 'A_plus'), ('A_minus', 'A_minus'))
