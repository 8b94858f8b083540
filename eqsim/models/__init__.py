"""A library of tested model strings. Each constant is a string for NeuronGroup or
Synapses, with the parameters it expects in its docstring entry below and the paper
it comes from. ``tests/models/test_library.py`` runs every one of them.

Neurons
    LIF, ADEX, HH_TRAUB_MILES, IZHIKEVICH
Synaptic currents and conductances (add to a neuron model; the variables are driven by
``on_pre="x += w"``)
    EXP_CURRENT, ALPHA_CURRENT, BIEXP_CURRENT, EXP_CONDUCTANCE, ALPHA_CONDUCTANCE,
    BIEXP_CONDUCTANCE, NMDA_CONDUCTANCE
Plasticity (dicts of Synapses keyword arguments)
    STDP, TRIPLET_STDP, STP

NEST's point models by name, with NEST's parameters, units and update rules, are in
:mod:`eqsim.models.nest` (``nest.neuron_group("iaf_psc_alpha", 100, {...})``,
docs/nest_models.md).
"""

#: Leaky integrate-and-fire (Lapicque 1907; Gerstner et al., Neuronal Dynamics, ch. 1).
#: Parameters: tau_m, E_L, R; input current I (amp). Use threshold/reset/refractory.
LIF = """
dv/dt = (E_L - v + R*I)/tau_m : volt (unless refractory)
I : amp
"""

#: Adaptive exponential integrate-and-fire (Brette & Gerstner 2005, J. Neurophysiol.
#: 94:3637). Parameters: C, g_L, E_L, V_T, Delta_T, a, tau_w; input I. Threshold
#: "v > V_T + 5*Delta_T" (or V_peak), reset "v = V_r; w += b".
ADEX = """
dv/dt = (g_L*(E_L - v) + g_L*Delta_T*exp((v - V_T)/Delta_T) + I - w)/C : volt (unless refractory)
dw/dt = (a*(v - E_L) - w)/tau_w : amp
I : amp
"""

#: Hodgkin-Huxley with Traub & Miles (1991) kinetics as in Brette et al. 2007 (J. Comput.
#: Neurosci. 23:349), benchmark 3. Parameters: Cm, gl, El, g_na, ENa, g_kd, EK, VT;
#: input I. Threshold "v > -20*mV" with refractory=3*ms; method "exponential_euler".
HH_TRAUB_MILES = """
dv/dt = (gl*(El - v) - g_na*(m*m*m)*h*(v - ENa) - g_kd*(n*n*n*n)*(v - EK) + I)/Cm : volt
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
alpha_m = 0.32/mV*(13*mV - v + VT)/(exp((13*mV - v + VT)/(4*mV)) - 1.)/ms : Hz
beta_m = 0.28/mV*(v - VT - 40*mV)/(exp((v - VT - 40*mV)/(5*mV)) - 1.)/ms : Hz
alpha_h = 0.128*exp((17*mV - v + VT)/(18*mV))/ms : Hz
beta_h = 4./(1 + exp((40*mV - v + VT)/(5*mV)))/ms : Hz
alpha_n = 0.032/mV*(15*mV - v + VT)/(exp((15*mV - v + VT)/(5*mV)) - 1.)/ms : Hz
beta_n = 0.5*exp((10*mV - v + VT)/(40*mV))/ms : Hz
I : amp
"""

#: Izhikevich (2003, IEEE Trans. Neural Netw. 14:1569), dimensionless v (mV) and u.
#: Per-neuron a, b, c, d, I; threshold "v >= 30", reset "v = c; u += d"; method "euler".
IZHIKEVICH = """
dv/dt = (0.04*v**2 + 5*v + 140 - u + I)/ms : 1
du/dt = a*(b*v - u)/ms : 1
a : 1
b : 1
c : 1
d : 1
I : 1
"""

#: Exponentially decaying synaptic current (e.g. Vogels & Abbott 2005, CUBA): add
#: "+ I_syn" to the membrane equation; on_pre "I_syn += w". Parameter tau_syn.
EXP_CURRENT = """
dI_syn/dt = -I_syn/tau_syn : amp
"""

#: Alpha-function current (Rall 1967): the response to one spike is
#: w*(t/tau_syn)*exp(1 - t/tau_syn). on_pre "x_syn += w" (x_syn in amp).
ALPHA_CURRENT = """
dI_syn/dt = (e*x_syn - I_syn)/tau_syn : amp
dx_syn/dt = -x_syn/tau_syn : amp
"""

#: Bi-exponential current (rise tau_rise, decay tau_decay): on_pre "x_syn += w"; the
#: response to one spike is w*tau_rise/(tau_decay - tau_rise)*(exp(-t/tau_decay) -
#: exp(-t/tau_rise)).
BIEXP_CURRENT = """
dI_syn/dt = (x_syn - I_syn)/tau_decay : amp
dx_syn/dt = -x_syn/tau_rise : amp
"""

#: Exponential conductance (Brette et al. 2007, COBA): add "+ g_e*(E_e - v)" to the
#: membrane equation; on_pre "g_e += w". Parameter tau_e.
EXP_CONDUCTANCE = """
dg_e/dt = -g_e/tau_e : siemens
"""

#: Alpha conductance: on_pre "x_e += w" (x_e in siemens); peak w at t = tau_e.
ALPHA_CONDUCTANCE = """
dg_e/dt = (e*x_e - g_e)/tau_e : siemens
dx_e/dt = -x_e/tau_e : siemens
"""

#: Bi-exponential conductance (rise tau_rise, decay tau_decay); on_pre "x_e += w".
BIEXP_CONDUCTANCE = """
dg_e/dt = (x_e - g_e)/tau_decay : siemens
dx_e/dt = -x_e/tau_rise : siemens
"""

#: NMDA conductance with the magnesium block of Jahr & Stevens (1990, J. Neurosci.
#: 10:3178): current I_nmda = g_nmda*(E_nmda - v)/(1 + Mg/(3.57 mM)*exp(-0.062*v/mV)).
#: Add "+ I_nmda" to the membrane equation; on_pre "x_nmda += w". Parameters tau_rise,
#: tau_decay, E_nmda, Mg (molar).
NMDA_CONDUCTANCE = """
I_nmda = g_nmda*(E_nmda - v)/(1 + Mg/(3.57*mM)*exp(-0.062*v/mV)) : amp
dg_nmda/dt = (x_nmda - g_nmda)/tau_decay : siemens
dx_nmda/dt = -x_nmda/tau_rise : siemens
"""

#: Pair-based STDP with all-to-all traces (Song, Miller & Abbott 2000, Nat. Neurosci.
#: 3:919): dw = dApre*exp(-dt/taupre) for pre before post, dApost*exp(dt/taupost)
#: otherwise, w clipped to [0, wmax]. Namespace: taupre, taupost, dApre, dApost, wmax.
#: The weight is dimensionless; scale it in on_pre, e.g. "ge_post += w*gmax".
STDP = dict(
    model="""w : 1
             dApre/dt = -Apre/taupre : 1 (event-driven)
             dApost/dt = -Apost/taupost : 1 (event-driven)""",
    on_pre="""Apre += dApre
              w = clip(w + Apost, 0, wmax)""",
    on_post="""Apost += dApost
               w = clip(w + Apre, 0, wmax)""")

#: Triplet STDP, minimal all-to-all model (Pfister & Gerstner 2006, J. Neurosci.
#: 26:9673): traces r1 (tau_plus), o1 (tau_minus), o2 (tau_y); the potentiation at a
#: post spike uses o2 before its own update. Namespace: tau_plus, tau_minus, tau_y,
#: A2plus, A2minus, A3plus, wmax.
TRIPLET_STDP = dict(
    model="""w : 1
             dr1/dt = -r1/tau_plus : 1 (event-driven)
             do1/dt = -o1/tau_minus : 1 (event-driven)
             do2/dt = -o2/tau_y : 1 (event-driven)""",
    on_pre="""w = clip(w - o1*A2minus, 0, wmax)
              r1 += 1""",
    on_post="""w = clip(w + r1*(A2plus + A3plus*o2), 0, wmax)
               o1 += 1
               o2 += 1""")

#: Short-term plasticity (Tsodyks, Pawelzik & Markram 1998, Neural Comput. 10:821):
#: the facilitation variable u decays to 0 with tau_f and jumps by U*(1 - u) at each
#: spike; the resources x recover to 1 with tau_d; each spike releases r = u*x.
#: Namespace: U, tau_f, tau_d; the target variable gets w*r (here "g_e", change on_pre
#: to taste). Initialise S.u = 0 and S.x = 1.
STP = dict(
    model="""w : siemens
             r : 1
             du/dt = -u/tau_f : 1 (event-driven)
             dx/dt = (1 - x)/tau_d : 1 (event-driven)""",
    on_pre="""u += U*(1 - u)
              r = u*x
              x -= r
              g_e_post += w*r""")

__all__ = ["LIF", "ADEX", "HH_TRAUB_MILES", "IZHIKEVICH", "EXP_CURRENT", "ALPHA_CURRENT",
           "BIEXP_CURRENT", "EXP_CONDUCTANCE", "ALPHA_CONDUCTANCE", "BIEXP_CONDUCTANCE",
           "NMDA_CONDUCTANCE", "STDP", "TRIPLET_STDP", "STP"]
