"""NEST's point neuron models as eqsim model strings: a table, one entry per model.

Each :class:`NeuronModel` holds the equations (SI declarations, NEST's variable names),
the threshold, reset and refractoriness, the integration method, and NEST's parameters
with their NEST units and NEST 3.10's defaults. ``eqsim.models.nest.neuron_group`` turns
an entry into a NeuronGroup. The semantics follow NEST's own C++ models (read, not
copied): see docs/nest_models.md for the rules and the measured agreement.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

#: NEST unit -> (eqsim declaration, factor to SI)
UNITS = {
    "mV": ("volt", 1e-3),
    "pA": ("amp", 1e-12),
    "nS": ("siemens", 1e-9),
    "pF": ("farad", 1e-12),
    "ms": ("second", 1e-3),
    "1": ("1", 1.0),
}

#: Refractoriness as NEST counts it: t_ref is rounded *up* to whole steps (NEST's
#: Time::get_steps), and the neuron is clamped for that many steps after the step of its
#: spike. Brian2's rule (refractory while timestep(t - lastspike) < timestep(duration))
#: clamps duration/dt - 1 steps, hence the extra dt.
REFRACTORY = "(ceil(t_ref/dt - 1e-6) + 1)*dt"

#: True while a neuron is not clamped, written for synaptic code (delivery in the step of
#: time t): NEST drops or buffers the input of refractory steps of iaf_psc_delta.
NOT_REFRACTORY_POST = "int((t - lastspike_post)/dt > ceil(t_ref_post/dt - 1e-6) + 0.5)"


@dataclass(frozen=True)
class NeuronModel:
    """One NEST neuron model: how it maps onto eqsim."""

    name: str
    kind: str                 # 'psc' | 'cond' | 'parrot' (weight convention)
    weight_unit: str          # NEST unit of a connection weight onto this model
    equations: str            # model string without the parameter declarations
    params: dict              # NEST parameter -> (default, NEST unit)
    state: dict               # NEST state variable -> (initial value, NEST unit)
    threshold: str | None
    reset: str | None
    refractory: bool
    method: str
    #: on_pre statements of a static synapse (``weight`` is the synaptic variable)
    on_pre: str
    #: input acts on the membrane within the step it arrives (NEST adds it before the
    #: threshold test): the pathway runs before thresholds with one step less delay
    input_before_threshold: bool = False
    #: NEST keys accepted but not modelled: only their NEST default is allowed
    inert: dict = field(default_factory=dict)
    #: NEST keys accepted with any value and ignored (NEST's solver settings)
    ignored: tuple = ()
    #: statements run every step before the state update (e.g. keep V of the last step)
    before_update: str | None = None
    #: NEST's own checks: (function of the parameters in NEST units, message)
    checks: tuple = ()


# NEST status keys every node has that eqsim does not model (Ca and the triplet trace of
# the archiving node, the spike-ignoring debug switches): accepted at their defaults only
_INERT = {"tau_minus_triplet": 110.0, "Ca": 0.0, "tau_Ca": 10000.0, "beta_Ca": 0.001,
          "ignore_and_spike": False, "ignore_and_spike_offset": 1.0,
          "ignore_and_spike_interval": 100.0}

_PSC_COMMON = {"E_L": (-70.0, "mV"), "C_m": (250.0, "pF"), "tau_m": (10.0, "ms"),
               "t_ref": (2.0, "ms"), "V_th": (-55.0, "mV"), "V_reset": (-70.0, "mV"),
               "I_e": (0.0, "pA"), "tau_minus": (20.0, "ms")}

_IAF_CHECKS = ((lambda p: p['C_m'] > 0, "C_m must be > 0"), (lambda p: p['tau_m'] > 0, "tau_m must be > 0"),
               (lambda p: p['t_ref'] >= 0, "t_ref must be >= 0"),
               (lambda p: p['V_reset'] < p['V_th'], "V_reset must be smaller than V_th"))
_SYN_CHECKS = ((lambda p: p['tau_syn_ex'] > 0, "tau_syn_ex must be > 0"),
               (lambda p: p['tau_syn_in'] > 0, "tau_syn_in must be > 0"))

_PSC_WEIGHT = """I_syn_ex_post += weight*int(weight > 0*pA)
I_syn_in_post += weight*int(weight <= 0*pA)"""
_PSC_ALPHA_WEIGHT = """x_ex_post += weight*int(weight > 0*pA)
x_in_post += weight*int(weight <= 0*pA)"""
_COND_WEIGHT = """g_ex_post += weight*int(weight > 0*nS)
g_in_post -= weight*int(weight <= 0*nS)"""
_COND_ALPHA_WEIGHT = """x_ex_post += weight*int(weight > 0*nS)
x_in_post -= weight*int(weight <= 0*nS)"""

# the alpha kernels: x jumps by the weight, g (or I) = e*w*(t/tau)*exp(-t/tau) peaks at w
_ALPHA_I = """dI_syn_ex/dt = (e*x_ex - I_syn_ex)/tau_syn_ex : amp
dx_ex/dt = -x_ex/tau_syn_ex : amp
dI_syn_in/dt = (e*x_in - I_syn_in)/tau_syn_in : amp
dx_in/dt = -x_in/tau_syn_in : amp
"""
_ALPHA_G = """dg_ex/dt = (e*x_ex - g_ex)/tau_syn_ex : siemens
dx_ex/dt = -x_ex/tau_syn_ex : siemens
dg_in/dt = (e*x_in - g_in)/tau_syn_in : siemens
dx_in/dt = -x_in/tau_syn_in : siemens
"""
_EXP_G = """dg_ex/dt = -g_ex/tau_syn_ex : siemens
dg_in/dt = -g_in/tau_syn_in : siemens
"""

# conductance-based IAF: NEST evaluates the currents at min(V_m, V_th) (V_eff below)
_COND_V = """dV_m/dt = (-g_L*(V_eff - E_L) - g_ex*(V_eff - E_ex) - g_in*(V_eff - E_in) + I_e + I_stim)/C_m : volt (unless refractory)
V_eff = clip(V_m, -inf*mV, V_th) : volt
"""
_COND_PARAMS = {"E_L": (-70.0, "mV"), "C_m": (250.0, "pF"), "g_L": (16.6667, "nS"),
                "t_ref": (2.0, "ms"), "V_th": (-55.0, "mV"), "V_reset": (-60.0, "mV"),
                "E_ex": (0.0, "mV"), "E_in": (-85.0, "mV"), "tau_syn_ex": (0.2, "ms"),
                "tau_syn_in": (2.0, "ms"), "I_e": (0.0, "pA"), "tau_minus": (20.0, "ms")}

MODELS: dict[str, NeuronModel] = {}


def _add(m: NeuronModel) -> None:
    if m.kind != "parrot":
        # I_stim: an external current besides I_e (what NEST's current generators feed,
        # its I_stim/y0); not a NEST status key, 0 unless set (G.I_stim = ...)
        m = replace(m, equations=m.equations + "I_stim : amp\n")
    MODELS[m.name] = m


_add(NeuronModel(
    name="iaf_psc_delta", kind="psc", weight_unit="mV",
    equations="dV_m/dt = (E_L - V_m)/tau_m + (I_e + I_stim)/C_m : volt (unless refractory)\n",
    params={**_PSC_COMMON, "V_min": (-1.7976931348623157e308, "mV"),
            "refractory_input": (False, "1")},
    state={"V_m": (-70.0, "mV")},
    threshold="V_m >= V_th", reset="V_m = V_reset", refractory=True, method="exact",
    on_pre=f"V_m_post += weight*{NOT_REFRACTORY_POST}",
    input_before_threshold=True, inert=_INERT, checks=_IAF_CHECKS))

_add(NeuronModel(
    name="iaf_psc_exp", kind="psc", weight_unit="pA",
    equations="""dV_m/dt = (E_L - V_m)/tau_m + (I_syn_ex + I_syn_in + I_e + I_stim)/C_m : volt (unless refractory)
dI_syn_ex/dt = -I_syn_ex/tau_syn_ex : amp
dI_syn_in/dt = -I_syn_in/tau_syn_in : amp
""",
    params={**_PSC_COMMON, "tau_syn_ex": (2.0, "ms"), "tau_syn_in": (2.0, "ms")},
    state={"V_m": (-70.0, "mV"), "I_syn_ex": (0.0, "pA"), "I_syn_in": (0.0, "pA")},
    threshold="V_m >= V_th", reset="V_m = V_reset", refractory=True, method="exact",
    on_pre=_PSC_WEIGHT,
    inert={**_INERT, "rho": 0.01, "delta": 0.0}, checks=_IAF_CHECKS + _SYN_CHECKS))

_add(NeuronModel(
    name="iaf_psc_alpha", kind="psc", weight_unit="pA",
    equations="dV_m/dt = (E_L - V_m)/tau_m + (I_syn_ex + I_syn_in + I_e + I_stim)/C_m : volt "
              "(unless refractory)\n" + _ALPHA_I,
    params={**_PSC_COMMON, "tau_syn_ex": (2.0, "ms"), "tau_syn_in": (2.0, "ms"),
            "V_min": (-float("inf"), "mV")},
    state={"V_m": (-70.0, "mV"), "I_syn_ex": (0.0, "pA"), "I_syn_in": (0.0, "pA")},
    threshold="V_m >= V_th", reset="V_m = V_reset", refractory=True, method="exact",
    on_pre=_PSC_ALPHA_WEIGHT, inert=_INERT, checks=_IAF_CHECKS + _SYN_CHECKS))

_add(NeuronModel(
    name="iaf_cond_exp", kind="cond", weight_unit="nS",
    equations=_COND_V + _EXP_G, params=dict(_COND_PARAMS),
    state={"V_m": (-70.0, "mV"), "g_ex": (0.0, "nS"), "g_in": (0.0, "nS")},
    threshold="V_m >= V_th", reset="V_m = V_reset", refractory=True, method="rk4",
    on_pre=_COND_WEIGHT, inert=_INERT, checks=_IAF_CHECKS + _SYN_CHECKS))

_add(NeuronModel(
    name="iaf_cond_alpha", kind="cond", weight_unit="nS",
    equations=_COND_V + _ALPHA_G, params=dict(_COND_PARAMS),
    state={"V_m": (-70.0, "mV"), "g_ex": (0.0, "nS"), "g_in": (0.0, "nS")},
    threshold="V_m >= V_th", reset="V_m = V_reset", refractory=True, method="rk4",
    on_pre=_COND_ALPHA_WEIGHT, inert=_INERT, checks=_IAF_CHECKS + _SYN_CHECKS))

_add(NeuronModel(
    name="parrot_neuron", kind="parrot", weight_unit="1",
    equations="n_in : 1\n", params={"tau_minus": (20.0, "ms")}, state={},
    threshold="n_in > 0.5", reset="n_in = 0", refractory=False, method="exact",
    on_pre="n_in_post += 1", input_before_threshold=True,
    inert={**_INERT, "flush_event_send_interval": float("inf")}))

# adaptive exponential IAF (Brette & Gerstner 2005) as NEST writes it: V is capped at
# V_peak in the right-hand side; the spike is at V_m >= V_peak (V_th when Delta_T = 0)
_AEIF_V = """dV_m/dt = (-g_L*(V_eff - E_L) + I_spike - g_ex*(V_eff - E_ex) - g_in*(V_eff - E_in) - w + I_e + I_stim)/C_m : volt (unless refractory)
V_eff = clip(V_m, -inf*mV, V_peak) : volt
I_spike = g_L*Delta_T*exp((V_eff - V_th)/(Delta_T + int(Delta_T <= 0*mV)*mV))*int(Delta_T > 0*mV) : amp
dw/dt = (a*(V_eff - E_L) - w)/tau_w : amp
"""
_AEIF_PARAMS = {"C_m": (281.0, "pF"), "g_L": (30.0, "nS"), "E_L": (-70.6, "mV"),
                "V_th": (-50.4, "mV"), "Delta_T": (2.0, "mV"), "V_peak": (0.0, "mV"),
                "V_reset": (-60.0, "mV"), "t_ref": (0.0, "ms"), "a": (4.0, "nS"),
                "b": (80.5, "pA"), "tau_w": (144.0, "ms"), "E_ex": (0.0, "mV"),
                "E_in": (-85.0, "mV"), "tau_syn_ex": (0.2, "ms"), "tau_syn_in": (2.0, "ms"),
                "I_e": (0.0, "pA"), "tau_minus": (20.0, "ms")}
_AEIF_CHECKS = ((lambda p: p["C_m"] > 0, "C_m must be > 0"),
                (lambda p: p["t_ref"] >= 0, "t_ref must be >= 0"),
                (lambda p: p["V_reset"] < p["V_peak"], "V_reset must be smaller than V_peak"),
                (lambda p: p["Delta_T"] >= 0, "Delta_T must be >= 0"),
                (lambda p: p["V_peak"] >= p["V_th"], "V_peak must be >= V_th"),
                (lambda p: p["tau_w"] > 0, "tau_w must be > 0")) + _SYN_CHECKS
_AEIF_THRESHOLD = "V_m >= V_peak*int(Delta_T > 0*mV) + V_th*int(Delta_T <= 0*mV)"

_add(NeuronModel(
    name="aeif_cond_exp", kind="cond", weight_unit="nS",
    equations=_AEIF_V + _EXP_G, params=dict(_AEIF_PARAMS),
    state={"V_m": (-70.6, "mV"), "w": (0.0, "pA"), "g_ex": (0.0, "nS"),
           "g_in": (0.0, "nS")},
    threshold=_AEIF_THRESHOLD, reset="V_m = V_reset; w += b", refractory=True,
    method="rk4", on_pre=_COND_WEIGHT, inert=_INERT, ignored=("gsl_error_tol",),
    checks=_AEIF_CHECKS))

_add(NeuronModel(
    name="aeif_cond_alpha", kind="cond", weight_unit="nS",
    equations=_AEIF_V + _ALPHA_G, params=dict(_AEIF_PARAMS),
    state={"V_m": (-70.6, "mV"), "w": (0.0, "pA"), "g_ex": (0.0, "nS"),
           "g_in": (0.0, "nS")},
    threshold=_AEIF_THRESHOLD, reset="V_m = V_reset; w += b", refractory=True,
    method="rk4", on_pre=_COND_ALPHA_WEIGHT, inert=_INERT, ignored=("gsl_error_tol",),
    checks=_AEIF_CHECKS))

# Izhikevich (2003) as NEST integrates it by default (consistent_integration): one
# forward Euler step from the old (v, u), the input added to v in the same step
_add(NeuronModel(
    name="izhikevich", kind="psc", weight_unit="mV",
    equations="""dV_m/dt = (0.04*V_m**2/mV + 5*V_m + 140*mV - U_m + (I_e + I_stim)*(mV/pA))/ms : volt
dU_m/dt = a*(b*V_m - U_m)/ms : volt
""",
    params={"a": (0.02, "1"), "b": (0.2, "1"), "c": (-65.0, "mV"), "d": (8.0, "mV"),
            "V_th": (30.0, "mV"), "V_min": (-1.7976931348623157e308, "mV"),
            "I_e": (0.0, "pA"), "tau_minus": (20.0, "ms")},
    state={"V_m": (-65.0, "mV"), "U_m": (-13.0, "mV")},
    threshold="V_m >= V_th", reset="V_m = c; U_m += d", refractory=False,
    method="euler", on_pre="V_m_post += weight", input_before_threshold=True,
    inert={**_INERT, "consistent_integration": True}))

# Hodgkin-Huxley with alpha currents as NEST's hh_psc_alpha (rates in 1/ms, V in mV);
# the spike is the step after the peak (V_m >= 0 and falling); t_ref only stops the
# detection of spikes, V is not clamped
_HH = """dV_m/dt = (-(g_Na*Act_m**3*Inact_h*(V_m - E_Na) + g_K*Act_n**4*(V_m - E_K) + g_L*(V_m - E_L)) + I_e + I_stim + I_syn_ex + I_syn_in)/C_m : volt
dAct_m/dt = alpha_m*(1 - Act_m) - beta_m*Act_m : 1
dInact_h/dt = alpha_h*(1 - Inact_h) - beta_h*Inact_h : 1
dAct_n/dt = alpha_n*(1 - Act_n) - beta_n*Act_n : 1
alpha_n = 0.1/exprel(-(V_m/mV + 55)/10)/ms : Hz
beta_n = 0.125*exp(-(V_m/mV + 65)/80)/ms : Hz
alpha_m = 1.0/exprel(-(V_m/mV + 40)/10)/ms : Hz
beta_m = 4*exp(-(V_m/mV + 65)/18)/ms : Hz
alpha_h = 0.07*exp(-(V_m/mV + 65)/20)/ms : Hz
beta_h = 1/(1 + exp(-(V_m/mV + 35)/10))/ms : Hz
V_prev : volt
""" + _ALPHA_I

_add(NeuronModel(
    name="hh_psc_alpha", kind="psc", weight_unit="pA",
    equations=_HH,
    params={"C_m": (100.0, "pF"), "E_K": (-77.0, "mV"), "E_L": (-54.402, "mV"),
            "E_Na": (50.0, "mV"), "g_K": (3600.0, "nS"), "g_L": (30.0, "nS"),
            "g_Na": (12000.0, "nS"), "t_ref": (2.0, "ms"), "tau_syn_ex": (0.2, "ms"),
            "tau_syn_in": (2.0, "ms"), "I_e": (0.0, "pA"), "tau_minus": (20.0, "ms")},
    state={"V_m": (-65.0, "mV"), "Act_m": (0.05293248525724958, "1"),
           "Inact_h": (0.5961207535084603, "1"), "Act_n": (0.3176769140606974, "1"),
           "I_syn_ex": (0.0, "pA"), "I_syn_in": (0.0, "pA")},
    threshold="V_m >= 0*mV and V_prev > V_m", reset=None, refractory=True,
    method="rk4x2", on_pre=_PSC_ALPHA_WEIGHT, inert=_INERT,
    before_update="V_prev = V_m",
    checks=((lambda p: p["C_m"] > 0, "C_m must be > 0"),
            (lambda p: p["t_ref"] >= 0, "t_ref must be >= 0")) + _SYN_CHECKS))
