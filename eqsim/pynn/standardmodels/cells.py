"""PyNN's standard cell types on eqsim (NEST's models, as pyNN.nest maps them).

Every neuron type is the NEST model pyNN.nest uses (IF_curr_exp -> iaf_psc_exp, ...),
taken from ``eqsim.models.nest`` (two more are written here: hh_cond_exp_traub and
iaf_cond_exp_sfa_rr), with NEST's variable names and SI values. The translations go from
PyNN's names and units straight to SI (``C_m`` in farad, ``tau_m`` in second). Every
neuron model has ``i_inj`` (amp), the current that current sources drive.

Spike sources are groups with compiled thresholds: Poisson (a Poisson count of spikes
per step, as NEST's poisson_generator: ``eqsim.runtime.poisson_counts``), gamma
(an Erlang counter: ``alpha`` phases, each left with rate ``beta``), inhomogeneous gamma
(the same with shape and scale from TimedArrays) and SpikeSourceArray (a
SpikeGeneratorGroup). See docs/pynn_models.md.
"""
from __future__ import annotations

import re
import zlib
from typing import ClassVar

import numpy as np
from pyNN.standardmodels import build_translations, cells

from ...errors import ConfigurationError
from ...models.nest.neurons import MODELS, REFRACTORY, UNITS, NeuronModel
from ...runtime.groups import NeuronGroup
from ...runtime.inputs import SpikeGeneratorGroup, TimedArray
from ...runtime.poisson_counts import PoissonCountGroup
from ...units import Hz, second
from ..errors import PyNNInvalidParameterValueError as _BadValue

__all__ = [
    "NEURON_MODELS",
    "EIF_cond_alpha_isfa_ista",
    "EIF_cond_exp_isfa_ista",
    "HH_cond_exp",
    "IF_cond_alpha",
    "IF_cond_exp",
    "IF_cond_exp_gsfa_grr",
    "IF_curr_alpha",
    "IF_curr_delta",
    "IF_curr_exp",
    "Izhikevich",
    "SpikeSourceArray",
    "SpikeSourceGamma",
    "SpikeSourceInhGamma",
    "SpikeSourcePoisson",
    "SpikeSourcePoissonRefractory",
]


def _state():
    """The PyNN simulator state (eqsim.pynn.simulator, imported when needed)."""
    from ..simulator import state
    return state


def group_seed(name: str | None) -> int:
    """The seed of a random group: from the simulator's rng_seed and the group's name,
    so that a script gives the same spikes on every run and backend."""
    seed = getattr(_state(), "rng_seed", None)
    if seed is None:
        return None
    return zlib.crc32(f"{int(seed)}/{name}".encode()) & 0x7FFFFFFF


# ---- two NEST models eqsim.models.nest does not have --------------------------------
#: NEST models of this module besides eqsim.models.nest.MODELS
NEURON_MODELS: dict[str, NeuronModel] = {}

_INERT = MODELS["iaf_cond_exp"].inert

# hh_cond_exp_traub (Traub & Miles 1991 as NEST writes it): rates in 1/ms of V - V_T in mV,
# exponential conductances; the spike is V_m >= V_T + 30 mV while V_m falls (the step after
# the peak); t_ref only stops the detection, V is not clamped
_HH_TRAUB = """dV_m/dt = (-(g_Na*Act_m**3*Inact_h*(V_m - E_Na) + g_K*Act_n**4*(V_m - E_K) + g_L*(V_m - E_L) + g_ex*(V_m - E_ex) + g_in*(V_m - E_in)) + I_e + I_stim)/C_m : volt
dAct_m/dt = alpha_m - (alpha_m + beta_m)*Act_m : 1
dInact_h/dt = alpha_h - (alpha_h + beta_h)*Inact_h : 1
dAct_n/dt = alpha_n - (alpha_n + beta_n)*Act_n : 1
V_rel = (V_m - V_T)/mV : 1
alpha_n = 0.16/exprel((15 - V_rel)/5)/ms : Hz
beta_n = 0.5*exp((10 - V_rel)/40)/ms : Hz
alpha_m = 1.28/exprel((13 - V_rel)/4)/ms : Hz
beta_m = 1.4/exprel((V_rel - 40)/5)/ms : Hz
alpha_h = 0.128*exp((17 - V_rel)/18)/ms : Hz
beta_h = 4/(1 + exp((40 - V_rel)/5))/ms : Hz
dg_ex/dt = -g_ex/tau_syn_ex : siemens
dg_in/dt = -g_in/tau_syn_in : siemens
V_prev : volt
I_stim : amp
"""
NEURON_MODELS["hh_cond_exp_traub"] = NeuronModel(
    name="hh_cond_exp_traub", kind="cond", weight_unit="nS", equations=_HH_TRAUB,
    params={"g_Na": (20000.0, "nS"), "g_K": (6000.0, "nS"), "g_L": (10.0, "nS"),
            "C_m": (200.0, "pF"), "E_Na": (50.0, "mV"), "E_K": (-90.0, "mV"),
            "E_L": (-60.0, "mV"), "V_T": (-63.0, "mV"), "E_ex": (0.0, "mV"),
            "E_in": (-80.0, "mV"), "tau_syn_ex": (5.0, "ms"), "tau_syn_in": (10.0, "ms"),
            "t_ref": (2.0, "ms"), "I_e": (0.0, "pA")},
    state={"V_m": (-60.0, "mV"), "Act_m": (0.0, "1"), "Inact_h": (1.0, "1"),
           "Act_n": (0.0, "1"), "g_ex": (0.0, "nS"), "g_in": (0.0, "nS")},
    threshold="V_m >= V_T + 30*mV and V_prev > V_m", reset=None, refractory=True,
    method="rk4x2", on_pre=MODELS["iaf_cond_exp"].on_pre, inert=_INERT,
    before_update="V_prev = V_m",
    checks=((lambda p: p["C_m"] > 0, "C_m must be > 0"),
            (lambda p: p["t_ref"] >= 0, "t_ref must be >= 0")))

# iaf_cond_exp_sfa_rr (Dayan & Abbott; Muller et al. 2007): iaf_cond_exp with a spike-
# frequency adaptation and a relative refractory conductance, both incremented at a spike
_SFA_RR = MODELS["iaf_cond_exp"].equations.replace(
    "- g_in*(V_eff - E_in)", "- g_in*(V_eff - E_in) - g_sfa*(V_eff - E_sfa) - g_rr*(V_eff - E_rr)") + \
    "dg_sfa/dt = -g_sfa/tau_sfa : siemens\ndg_rr/dt = -g_rr/tau_rr : siemens\n"
NEURON_MODELS["iaf_cond_exp_sfa_rr"] = NeuronModel(
    name="iaf_cond_exp_sfa_rr", kind="cond", weight_unit="nS", equations=_SFA_RR,
    params={"V_th": (-57.0, "mV"), "V_reset": (-70.0, "mV"), "t_ref": (0.5, "ms"),
            "g_L": (28.95, "nS"), "C_m": (289.5, "pF"), "E_ex": (0.0, "mV"),
            "E_in": (-75.0, "mV"), "E_L": (-70.0, "mV"), "tau_syn_ex": (1.5, "ms"),
            "tau_syn_in": (10.0, "ms"), "I_e": (0.0, "pA"), "tau_sfa": (110.0, "ms"),
            "tau_rr": (1.97, "ms"), "E_sfa": (-70.0, "mV"), "E_rr": (-70.0, "mV"),
            "q_sfa": (14.48, "nS"), "q_rr": (3214.0, "nS")},
    state={"V_m": (-70.0, "mV"), "g_ex": (0.0, "nS"), "g_in": (0.0, "nS"),
           "g_sfa": (0.0, "nS"), "g_rr": (0.0, "nS")},
    threshold="V_m >= V_th", reset="V_m = V_reset; g_sfa += q_sfa; g_rr += q_rr",
    refractory=True, method="rk4", on_pre=MODELS["iaf_cond_exp"].on_pre, inert=_INERT,
    checks=((lambda p: p["C_m"] > 0, "C_m must be > 0"),
            (lambda p: p["t_ref"] >= 0, "t_ref must be >= 0"),
            (lambda p: p["V_reset"] < p["V_th"], "V_reset must be smaller than V_th")))


def nest_model(name: str) -> NeuronModel:
    """A NEST neuron model of eqsim.models.nest or of this module."""
    return NEURON_MODELS[name] if name in NEURON_MODELS else MODELS[name]


def _nest_units(model: NeuronModel, native: dict) -> dict:
    """SI values -> NEST units (for NEST's own parameter checks)."""
    out = {}
    for k, v in native.items():
        unit = model.params.get(k, model.state.get(k, (None, "1")))[1]
        out[k] = np.asarray(v, float) / UNITS[unit][1]
    return out


#: parameters of the exact propagators (exp(-dt/tau_m), ...): one value for the group
#: (``shared``) when homogeneous at creation, so that the propagators are computed once
#: per step, not once per neuron (60x faster for iaf_psc_exp/alpha)
_PROPAGATOR_PARAMS = ("tau_m", "C_m", "tau_syn_ex", "tau_syn_in")


def _shared(m: NeuronModel, values: dict) -> frozenset:
    if m.method != "exact":
        return frozenset()
    return frozenset(k for k in _PROPAGATOR_PARAMS if k in values and
                     values[k].size and np.all(values[k] == values[k][0]))


def _plain(values, n: int) -> np.ndarray:
    """A parameter value (a number or n numbers; lazyarray results) as n floats."""
    arr = np.asarray(values, dtype=float)
    return np.broadcast_to(arr, (n,)).copy() if arr.ndim == 0 or arr.size == 1 \
        else arr.reshape(n).copy()


class _NestCell:
    """A PyNN cell type that runs NEST's model ``nest_model`` (eqsim.models.nest)."""

    nest_model: str = ""
    receptor_targets: ClassVar[dict[str, str]] = {}
    recordable_map: ClassVar[dict[str, tuple[str, float]]] = {}
    #: PyNN initial-value name -> (eqsim variable, factor PyNN unit -> SI)
    state_map: ClassVar[dict[str, tuple[str, float]]] = {}

    def eqsim_group(self, size: int, native: dict, name: str) -> NeuronGroup:
        """A NeuronGroup of ``size`` cells with the given SI parameter values."""
        m = nest_model(self.nest_model)
        where = f"{type(self).__name__} population '{name}'"
        values = {k: _plain(d * UNITS[u][1], size) for k, (d, u) in
                  {**m.params, **m.state}.items() if not isinstance(d, bool)}
        for k, v in native.items():
            if k not in values:
                raise ConfigurationError(f"{where}: no native parameter {k!r} (NEST model "
                                         f"{m.name})", code="E856",
                                         hint="valid: " + ", ".join(sorted(values)))
            values[k] = _plain(v, size)
        self._check(m, values, where)
        eqs = re.sub(r"\bI_stim\b", "i_inj", m.equations)
        if "i_inj" not in eqs:
            eqs += "i_inj : amp\n"
        shared = _shared(m, values)
        eqs += "".join(
            f"{k} : {UNITS[u][0]}" + (" (shared)" if k in shared else "") + "\n"
            for k, (d, u) in m.params.items() if not isinstance(d, bool))
        G = NeuronGroup(size, eqs, threshold=m.threshold, reset=m.reset,
                        refractory=REFRACTORY if m.refractory else False,
                        method=m.method, namespace={}, name=name)
        G._nest_model = m.name
        G._pynn_celltype = self
        for k, v in values.items():
            G.arrays[k][...] = v[:1] if k in shared else v
        if m.before_update:
            G.run_regularly(m.before_update, when="before_groups", order=0)
        return G

    def _check(self, m: NeuronModel, values: dict, where: str) -> None:
        nest_values = _nest_units(m, values)
        for check, message in m.checks:
            try:
                ok = np.all(check(nest_values))
            except KeyError:
                continue
            if not ok:
                raise _BadValue(f"{where}: {message} (NEST's {m.name} requires "
                                         "it)", code="E857")

    def set_native(self, group, index: np.ndarray, native: dict) -> None:
        """Change the parameters of cells ``index`` (SI values)."""
        m = nest_model(self.nest_model)
        for k, v in native.items():
            if k not in group.arrays or k not in m.params:
                raise ConfigurationError(f"{type(self).__name__}: no native parameter "
                                         f"{k!r}", code="E856")
        for k, v in native.items():
            arr = group.arrays[k]
            if arr.size == 1 and group.N > 1:     # one value for the population
                full = np.full(group.N, arr[0])
                full[index] = np.asarray(v, dtype=float)
                if np.any(full != full[0]):
                    raise _BadValue(
                        f"{type(self).__name__} population '{group.name}': {k} is one "
                        "value for the whole population (it was homogeneous when the "
                        "population was made, and eqsim then computes the exact "
                        "propagators once per step); give per-cell values of it when "
                        "creating the population", code="E866")
                arr[0] = full[0]
            else:
                arr[index] = np.asarray(v, dtype=float)
        full = {k: group.arrays[k] for k in m.params if k in group.arrays}
        self._check(m, full, f"{type(self).__name__} population '{group.name}'")

    def initial_state(self, variable: str, values) -> tuple[str, np.ndarray]:
        """A PyNN initial value (PyNN units) -> (eqsim variable, SI values)."""
        if variable not in self.state_map:
            raise ConfigurationError(
                f"{type(self).__name__} has no state variable {variable!r}", code="E858",
                hint="state variables: " + ", ".join(sorted(self.state_map)))
        var, factor = self.state_map[variable]
        return var, np.asarray(values, dtype=float) * factor

    @property
    def conductance_based(self) -> bool:
        return nest_model(self.nest_model).kind == "cond"


_MV, _MS, _NF, _NA, _US = 1e-3, 1e-3, 1e-9, 1e-9, 1e-6
_IF_COMMON = (('v_rest', 'E_L', _MV), ('v_reset', 'V_reset', _MV), ('cm', 'C_m', _NF),
              ('tau_refrac', 't_ref', _MS), ('tau_syn_E', 'tau_syn_ex', _MS),
              ('tau_syn_I', 'tau_syn_in', _MS), ('v_thresh', 'V_th', _MV),
              ('i_offset', 'I_e', _NA))
# g_L [S] = cm [nF] / tau_m [ms] * 1e-6; tau_m [ms] = C_m [F] / g_L [S] * 1e3
_G_L = ('tau_m', 'g_L', "cm/tau_m*1e-6", "C_m/g_L*1e3")
_CURR_REC = {"v": ("V_m", 1e3), "isyn_exc": ("I_syn_ex", 1e9),
             "isyn_inh": ("I_syn_in", 1e9)}
_CURR_STATE = {"v": ("V_m", _MV), "isyn_exc": ("I_syn_ex", _NA),
               "isyn_inh": ("I_syn_in", _NA)}
_COND_REC = {"v": ("V_m", 1e3), "gsyn_exc": ("g_ex", 1e6), "gsyn_inh": ("g_in", 1e6)}
_COND_STATE = {"v": ("V_m", _MV), "gsyn_exc": ("g_ex", _US), "gsyn_inh": ("g_in", _US)}


class IF_curr_alpha(_NestCell, cells.IF_curr_alpha):
    __doc__ = cells.IF_curr_alpha.__doc__
    nest_model = "iaf_psc_alpha"
    translations = build_translations(*_IF_COMMON, ('tau_m', 'tau_m', _MS))
    receptor_targets = {"excitatory": "x_ex", "inhibitory": "x_in"}
    recordable_map = _CURR_REC
    state_map = _CURR_STATE


class IF_curr_exp(_NestCell, cells.IF_curr_exp):
    __doc__ = cells.IF_curr_exp.__doc__
    nest_model = "iaf_psc_exp"
    translations = build_translations(*_IF_COMMON, ('tau_m', 'tau_m', _MS))
    receptor_targets = {"excitatory": "I_syn_ex", "inhibitory": "I_syn_in"}
    recordable_map = _CURR_REC
    state_map = _CURR_STATE


class IF_curr_delta(_NestCell, cells.IF_curr_delta):
    __doc__ = cells.IF_curr_delta.__doc__
    nest_model = "iaf_psc_delta"
    translations = build_translations(
        ('v_rest', 'E_L', _MV), ('v_reset', 'V_reset', _MV), ('cm', 'C_m', _NF),
        ('tau_m', 'tau_m', _MS), ('tau_refrac', 't_ref', _MS), ('v_thresh', 'V_th', _MV),
        ('i_offset', 'I_e', _NA))
    # a weight w (PyNN's nA) is a jump of w mV, as pyNN.nest's receptor_scale; input
    # arriving during refractoriness is dropped (NEST's refractory_input=False)
    receptor_targets = {"excitatory": "V_m", "inhibitory": "V_m"}
    recordable_map = {"v": ("V_m", 1e3)}
    state_map = {"v": ("V_m", _MV)}


class IF_cond_alpha(_NestCell, cells.IF_cond_alpha):
    __doc__ = cells.IF_cond_alpha.__doc__
    nest_model = "iaf_cond_alpha"
    translations = build_translations(*_IF_COMMON, _G_L, ('e_rev_E', 'E_ex', _MV),
                                      ('e_rev_I', 'E_in', _MV))
    receptor_targets = {"excitatory": "x_ex", "inhibitory": "x_in"}
    recordable_map = _COND_REC
    state_map = _COND_STATE


class IF_cond_exp(_NestCell, cells.IF_cond_exp):
    __doc__ = cells.IF_cond_exp.__doc__
    nest_model = "iaf_cond_exp"
    translations = build_translations(*_IF_COMMON, _G_L, ('e_rev_E', 'E_ex', _MV),
                                      ('e_rev_I', 'E_in', _MV))
    receptor_targets = {"excitatory": "g_ex", "inhibitory": "g_in"}
    recordable_map = _COND_REC
    state_map = _COND_STATE


class IF_cond_exp_gsfa_grr(_NestCell, cells.IF_cond_exp_gsfa_grr):
    __doc__ = cells.IF_cond_exp_gsfa_grr.__doc__
    nest_model = "iaf_cond_exp_sfa_rr"
    translations = build_translations(
        *_IF_COMMON, _G_L, ('e_rev_E', 'E_ex', _MV), ('e_rev_I', 'E_in', _MV),
        ('tau_sfa', 'tau_sfa', _MS), ('e_rev_sfa', 'E_sfa', _MV), ('q_sfa', 'q_sfa', 1e-9),
        ('tau_rr', 'tau_rr', _MS), ('e_rev_rr', 'E_rr', _MV), ('q_rr', 'q_rr', 1e-9))
    receptor_targets = {"excitatory": "g_ex", "inhibitory": "g_in"}
    # PyNN's recordables g_r, g_s are in nS
    recordable_map = {**_COND_REC, "g_r": ("g_rr", 1e9), "g_s": ("g_sfa", 1e9)}
    state_map = {**_COND_STATE, "g_r": ("g_rr", 1e-9), "g_s": ("g_sfa", 1e-9)}


_EIF = (('cm', 'C_m', _NF), ('tau_refrac', 't_ref', _MS), ('v_spike', 'V_peak', _MV),
        ('v_reset', 'V_reset', _MV), ('v_rest', 'E_L', _MV), _G_L, ('i_offset', 'I_e', _NA),
        ('a', 'a', 1e-9), ('b', 'b', _NA), ('delta_T', 'Delta_T', _MV),
        ('tau_w', 'tau_w', _MS), ('v_thresh', 'V_th', _MV), ('e_rev_E', 'E_ex', _MV),
        ('tau_syn_E', 'tau_syn_ex', _MS), ('e_rev_I', 'E_in', _MV),
        ('tau_syn_I', 'tau_syn_in', _MS))


class EIF_cond_alpha_isfa_ista(_NestCell, cells.EIF_cond_alpha_isfa_ista):
    __doc__ = cells.EIF_cond_alpha_isfa_ista.__doc__
    nest_model = "aeif_cond_alpha"
    translations = build_translations(*_EIF)
    receptor_targets = {"excitatory": "x_ex", "inhibitory": "x_in"}
    recordable_map = {**_COND_REC, "w": ("w", 1e9)}
    state_map = {**_COND_STATE, "w": ("w", _NA)}


class EIF_cond_exp_isfa_ista(_NestCell, cells.EIF_cond_exp_isfa_ista):
    __doc__ = cells.EIF_cond_exp_isfa_ista.__doc__
    nest_model = "aeif_cond_exp"
    translations = build_translations(*_EIF)
    receptor_targets = {"excitatory": "g_ex", "inhibitory": "g_in"}
    recordable_map = {**_COND_REC, "w": ("w", 1e9)}
    state_map = {**_COND_STATE, "w": ("w", _NA)}


class HH_cond_exp(_NestCell, cells.HH_cond_exp):
    __doc__ = cells.HH_cond_exp.__doc__
    nest_model = "hh_cond_exp_traub"
    translations = build_translations(
        ('gbar_Na', 'g_Na', _US), ('gbar_K', 'g_K', _US), ('g_leak', 'g_L', _US),
        ('cm', 'C_m', _NF), ('v_offset', 'V_T', _MV), ('e_rev_Na', 'E_Na', _MV),
        ('e_rev_K', 'E_K', _MV), ('e_rev_leak', 'E_L', _MV), ('e_rev_E', 'E_ex', _MV),
        ('e_rev_I', 'E_in', _MV), ('tau_syn_E', 'tau_syn_ex', _MS),
        ('tau_syn_I', 'tau_syn_in', _MS), ('i_offset', 'I_e', _NA))
    receptor_targets = {"excitatory": "g_ex", "inhibitory": "g_in"}
    recordable_map = {**_COND_REC, "m": ("Act_m", 1.0), "n": ("Act_n", 1.0),
                      "h": ("Inact_h", 1.0)}
    state_map = {**_COND_STATE, "m": ("Act_m", 1.0), "n": ("Act_n", 1.0),
                 "h": ("Inact_h", 1.0)}


class Izhikevich(_NestCell, cells.Izhikevich):
    __doc__ = cells.Izhikevich.__doc__
    nest_model = "izhikevich"
    # a, b are per ms and c, d in mV as NEST's (dimensionless or mV in eqsim's model)
    translations = build_translations(('a', 'a'), ('b', 'b'), ('c', 'c', _MV),
                                      ('d', 'd', _MV), ('i_offset', 'I_e', _NA))
    # a weight w (PyNN's nA) is a jump of w mV, as pyNN.nest's receptor_scale
    receptor_targets = {"excitatory": "V_m", "inhibitory": "V_m"}
    recordable_map = {"v": ("V_m", 1e3), "u": ("U_m", 1e3)}
    state_map = {"v": ("V_m", _MV), "u": ("U_m", _MV)}


# ---- spike sources ---------------------------------------------------------------------
class _Source:
    """Spike sources: no receptors, nothing to inject, spikes only."""

    receptor_targets: ClassVar[dict[str, str]] = {}
    recordable_map: ClassVar[dict[str, tuple[str, float]]] = {}
    conductance_based = False

    def initial_state(self, variable: str, values) -> tuple[str, np.ndarray]:
        raise ConfigurationError(f"{type(self).__name__} has no state variable "
                                 f"{variable!r}", code="E858")

    def set_native(self, group, index: np.ndarray, native: dict) -> None:
        for k, v in native.items():
            if k not in group.arrays:
                raise ConfigurationError(f"{type(self).__name__}: no native parameter "
                                         f"{k!r}", code="E856")
            group.arrays[k][index] = np.asarray(v, dtype=float)


# active while the reported (NEST) time t + dt lies in (start, stop]
_WINDOW = "int(t > start - 0.5*dt)*int(t < stop - 0.5*dt)"
_ACTIVE = "t > start - 0.5*dt and t < stop - 0.5*dt"


class SpikeSourcePoisson(_Source, cells.SpikeSourcePoisson):
    __doc__ = cells.SpikeSourcePoisson.__doc__
    # NEST's poisson_generator (pyNN.nest's, through a parrot neuron): k ~ Poisson(rate*dt)
    # spikes per step, k may exceed 1; each target gets all k (runtime/poisson_counts.py)
    translations = build_translations(
        ('rate', 'rates'), ('start', 'start', _MS),
        ('duration', 'stop', "(start + duration)*1e-3", "(stop - start)*1e3"))

    def eqsim_group(self, size: int, native: dict, name: str) -> NeuronGroup:
        G = PoissonCountGroup(size, 0 * Hz, model="start : second\nstop : second\n",
                              active=_ACTIVE, name=name, seed=group_seed(name))
        G.arrays["stop"][...] = 1e30
        self.set_native(G, slice(None), native)
        _check_rates(G, "SpikeSourcePoisson", "rates")
        return G

    def set_native(self, group, index, native: dict) -> None:
        super().set_native(group, index, native)
        _check_rates(group, "SpikeSourcePoisson", "rates")


class SpikeSourcePoissonRefractory(_Source, cells.SpikeSourcePoissonRefractory):
    __doc__ = cells.SpikeSourcePoissonRefractory.__doc__
    # intervals tau_refrac + an exponential of mean 1/rate - tau_refrac (the mean
    # interval is 1/rate): a Poisson threshold while not refractory, its probability per
    # step chosen so that the mean interval on the grid is 1/rate exactly
    translations = build_translations(
        ('rate', 'rate'), ('tau_refrac', 'tau_refrac', _MS), ('start', 'start', _MS),
        ('duration', 'stop', "(start + duration)*1e-3", "(stop - start)*1e3"))

    def eqsim_group(self, size: int, native: dict, name: str) -> NeuronGroup:
        p = "rate*dt/(1 - rate*(tau_refrac - dt*int(tau_refrac > 0.5*dt)))"
        G = NeuronGroup(size, "rate : Hz\ntau_refrac : second\nstart : second\n"
                        "stop : second\n", threshold=f"rand() < {p}*{_WINDOW}",
                        refractory="tau_refrac", namespace={}, name=name,
                        seed=group_seed(name))
        G.arrays["stop"][...] = 1e30
        self.set_native(G, slice(None), native)
        _check_rates(G, "SpikeSourcePoissonRefractory")
        if np.any(G.arrays["rate"] * G.arrays["tau_refrac"] >= 1):
            raise _BadValue(f"SpikeSourcePoissonRefractory '{name}': rate*tau_refrac "
                            "must be < 1 (the mean interval 1/rate includes the dead "
                            "time)", code="E857")
        return G


def _check_rates(G, what: str, var: str = "rate") -> None:
    bad = ~np.isfinite(G.arrays[var]) | (G.arrays[var] < 0)
    if np.any(bad):
        raise _BadValue(f"{what} '{G.name}': rates must be finite and >= 0",
                                 code="E857")


class SpikeSourceGamma(_Source, cells.SpikeSourceGamma):
    __doc__ = cells.SpikeSourceGamma.__doc__
    # a gamma process of integer shape alpha and rate parameter beta (Hz; mean interval
    # alpha/beta) is every alpha-th event of a Poisson process of rate beta: a counter
    # of phases, each left with probability 1 - exp(-beta*dt) per step, that fires and
    # restarts when it reaches alpha. It starts in a uniformly random phase (the
    # stationary process, as NEST's gamma_sup_generator's is)
    translations = build_translations(
        ('alpha', 'alpha'), ('beta', 'beta'), ('start', 'start', _MS),
        ('duration', 'stop', "(start + duration)*1e-3", "(stop - start)*1e3"))

    def eqsim_group(self, size: int, native: dict, name: str) -> NeuronGroup:
        G = NeuronGroup(size, "alpha : 1\nbeta : Hz\nstart : second\nstop : second\n"
                        "phase : 1\n", threshold="phase > alpha - 0.5",
                        reset="phase = 0", namespace={}, name=name,
                        seed=group_seed(name))
        G.arrays["stop"][...] = 1e30
        self.set_native(G, slice(None), native)
        G.run_regularly(f"phase += int(rand() < beta*dt)*{_WINDOW}",
                        when="before_thresholds")
        G.phase = "floor(rand()*alpha)"
        return G

    def set_native(self, group, index, native: dict) -> None:
        super().set_native(group, index, native)
        a = group.arrays["alpha"]
        if np.any(a < 1) or np.any(np.abs(a - np.round(a)) > 1e-9):
            raise _BadValue(f"SpikeSourceGamma '{group.name}': alpha must be a "
                                     "whole number >= 1 (as NEST's gamma_shape)",
                                     code="E857")
        if np.any(group.arrays["beta"] < 0) or not np.all(np.isfinite(group.arrays["beta"])):
            raise _BadValue(f"SpikeSourceGamma '{group.name}': beta must be "
                                     "finite and >= 0", code="E857")


def _sequences(values, n: int) -> list[np.ndarray]:
    """Per-cell Sequence values (PyNN Sequence objects, arrays or one for all) as n
    float arrays."""
    if hasattr(values, "value") and not isinstance(values, np.ndarray):
        values = values.value
    arr = np.asarray(values, dtype=object) if not isinstance(values, np.ndarray) else values
    if arr.dtype != object:
        one = np.asarray(arr, dtype=float).ravel()
        return [one] * n
    flat = list(arr.ravel())
    if len(flat) == 1 and n != 1:
        flat = flat * n
    if len(flat) != n:
        raise ConfigurationError(f"{len(flat)} sequences for {n} cells", code="E856")
    return [np.asarray(getattr(s, "value", s), dtype=float).ravel() for s in flat]


class SpikeSourceArray(_Source, cells.SpikeSourceArray):
    __doc__ = cells.SpikeSourceArray.__doc__
    translations = build_translations(('spike_times', 'spike_times', _MS))

    def eqsim_group(self, size: int, native: dict, name: str) -> SpikeGeneratorGroup:
        G = SpikeGeneratorGroup(size, np.zeros(0, np.int64), np.zeros(0) * second,
                                name=name)
        G._pynn_times = [np.zeros(0)] * size
        self.set_native(G, np.arange(size), native)
        return G

    def set_native(self, group, index, native: dict) -> None:
        for k in native:
            if k != "spike_times":
                raise ConfigurationError(f"SpikeSourceArray: no native parameter {k!r}",
                                         code="E856")
        if "spike_times" not in native:
            return
        index = np.arange(group.N)[index]
        times = _sequences(native["spike_times"], index.size)
        for k, t in zip(index, times):
            if t.size and (np.any(np.diff(t) < 0) or not np.all(np.isfinite(t)) or
                           t[0] < 0):
                raise _BadValue(
                    f"SpikeSourceArray '{group.name}': spike times of cell {k} must be "
                    "finite, >= 0 and sorted", code="E859")
            group._pynn_times[k] = t
        lengths = np.fromiter((t.size for t in group._pynn_times), np.int64, group.N)
        all_t = np.concatenate(group._pynn_times) if lengths.sum() else np.zeros(0)
        cells_ = np.repeat(np.arange(group.N), lengths)
        # NEST's times: a spike given at t is emitted by the parrot with time stamp t;
        # eqsim stamps one step earlier (the start of that step)
        dt = _state().dt * 1e-3
        fire = np.maximum(all_t - dt, 0.0)
        steps = np.floor(fire / dt + 0.5).astype(np.int64)
        if steps.size:
            key = cells_ * (steps.max() + 1) + steps
            if np.unique(key).size != key.size:
                raise _BadValue(
                    f"SpikeSourceArray '{group.name}': two spikes of one cell in the same "
                    f"time step (dt = {dt*1e3} ms)", code="E859")
        group.set_spikes(cells_, steps * dt * second)

    def get_times(self, group) -> list[np.ndarray]:
        """The spike times of each cell (ms, as given)."""
        return [t * 1e3 for t in group._pynn_times]


class SpikeSourceInhGamma(_Source, cells.SpikeSourceInhGamma):
    __doc__ = cells.SpikeSourceInhGamma.__doc__
    # the gamma counter of SpikeSourceGamma with the shape a(t) (a whole number) and the
    # scale b(t) (seconds; each phase is left with rate 1/b, mean interval a*b) read per
    # cell from TimedArrays sampled at the time step
    translations = build_translations(
        ('a', 'a'), ('b', 'b'), ('tbins', 'tbins', _MS), ('start', 'start', _MS),
        ('duration', 'stop', "(start + duration)*1e-3", "(stop - start)*1e3"))

    def eqsim_group(self, size: int, native: dict, name: str) -> NeuronGroup:
        hist = {"a": [np.ones(1)] * size, "b": [np.ones(1)] * size,
                "tbins": [np.zeros(1)] * size}
        for k in ("a", "b", "tbins"):
            if k in native:
                hist[k] = _sequences(native[k], size)
        ns = _inh_tables(hist, size, name)
        # (the TimedArrays are read through subexpressions of the model: eqsim binds
        # only the model's TimedArrays, not those named in run_regularly code alone)
        G = NeuronGroup(size, "start : second\nstop : second\nphase : 1\n"
                        "a_now = inh_a(t, i) : 1\nb_now = inh_b(t, i) : second\n",
                        threshold="phase > a_now - 0.5", reset="phase = 0",
                        namespace=ns, name=name, seed=group_seed(name))
        G.arrays["stop"][...] = 1e30
        G._pynn_hist = hist
        self.set_native(G, np.arange(size), {k: v for k, v in native.items()
                                             if k in ("start", "stop")})
        G.run_regularly(f"phase += int(rand() < dt/b_now)*{_WINDOW}",
                        when="before_thresholds")
        return G

    def set_native(self, group, index, native: dict) -> None:
        index = np.arange(group.N)[index]
        scalars = {k: v for k, v in native.items() if k in ("start", "stop")}
        if scalars:
            super().set_native(group, index, scalars)
        hist = {k: v for k, v in native.items() if k in ("a", "b", "tbins")}
        for k in native:
            if k not in ("start", "stop", "a", "b", "tbins"):
                raise ConfigurationError(f"SpikeSourceInhGamma: no native parameter {k!r}",
                                         code="E856")
        for k, v in hist.items():
            for cell, seq in zip(index, _sequences(v, index.size)):
                group._pynn_hist[k][cell] = seq
        if hist:
            group.namespace.update(_inh_tables(group._pynn_hist, group.N, group.name))


def _inh_tables(h: dict, n_cells: int, name: str) -> dict:
    """The histograms of a and b as (time, cell) TimedArrays at the time step."""
    dt = _state().dt * 1e-3
    ends = []
    for cell in range(n_cells):
        a, b, tb = h["a"][cell], h["b"][cell], h["tbins"][cell]
        if not (a.size == b.size == tb.size) or a.size == 0:
            raise _BadValue(f"SpikeSourceInhGamma '{name}': a, b and tbins of "
                                     f"cell {cell} must have one length", code="E857")
        if np.any(np.abs(a - np.round(a)) > 1e-9) or np.any(a < 1) or np.any(b <= 0):
            raise _BadValue(
                f"SpikeSourceInhGamma '{name}': eqsim takes whole-number shapes a >= 1 "
                "and scales b > 0", code="E857")
        ends.append(tb[-1])
    n = int(np.floor(max(ends) / dt + 0.5)) + 1
    grid = np.arange(n) * dt
    A = np.empty((n, n_cells))
    B = np.empty((n, n_cells))
    for cell in range(n_cells):   # once, at construction (per cell, not per step)
        tb = h["tbins"][cell]
        k = np.clip(np.searchsorted(tb, grid + 0.5 * dt, side="right") - 1, 0, None)
        before = grid + 0.5 * dt < tb[0]
        A[:, cell] = np.where(before, 1.0, np.round(h["a"][cell][k]))
        B[:, cell] = np.where(before, 1e30, h["b"][cell][k])
    return {"inh_a": TimedArray(A, dt * second), "inh_b": TimedArray(B * second, dt * second)}


# PyNN's composed neuron models (PointNeuron with post-synaptic responses)
from .composed import (
    LIF,
    AdExp,
    AlphaPSR,
    CondAlphaPostSynapticResponse,
    CondExpPostSynapticResponse,
    CurrExpPostSynapticResponse,
    ExpPSR,
    PointNeuron,
)

__all__ += [
    "LIF",
    "AdExp",
    "AlphaPSR",
    "CondAlphaPostSynapticResponse",
    "CondExpPostSynapticResponse",
    "CurrExpPostSynapticResponse",
    "ExpPSR",
    "PointNeuron",
]
