"""CUBA: Vogels & Abbott (2005) current-based LIF network
(Brette et al. 2007, benchmark 2) in NEST, the counterpart of the Brian2
script shared/models/brian2/cuba.py (same options, same JSON line).

80 % excitatory / 20 % inhibitory, Bernoulli p = 0.02 (standard), or with
--conn indegree: every neuron receives exactly 64 exc + 16 inh inputs
(multapses and autapses allowed), so the synapse count is N*80 at every size.

Mapping of the Brian2 model onto NEST's iaf_psc_exp (exact integration in both):
  Brian2:  dv/dt = (ge + gi - (v - El)) / taum,  ge, gi in volts,
           dge/dt = -ge/taue, dgi/dt = -gi/taui, on_pre: ge += we / gi += wi
  NEST:    dV/dt = -(V - E_L)/tau_m + (I_ex + I_in)/C_m,
           I_ex, I_in decay with tau_syn_ex / tau_syn_in, jump by the weight
  so I/C_m = ge/taum, i.e. weight [pA] = jump [mV] * C_m [pF] / tau_m [ms];
  with C_m = 250 pF and tau_m = 20 ms: we = 1.62 mV -> 20.25 pA,
  wi = -9 mV -> -112.5 pA.  Other parameters: E_L = -49 mV, V_th = -50 mV,
  V_reset = -60 mV, t_ref = 5 ms (V clamped, synaptic currents keep evolving,
  as Brian2's "(unless refractory)" on v only), tau_syn_ex = 5 ms,
  tau_syn_in = 10 ms, V_m(0) uniform in [V_reset, V_th], currents 0.
  Connectivity: pairwise_bernoulli p = 0.02 with autapses, like Brian2's
  connect(p=0.02) between the subgroup and the whole group.

Difference from Brian2: the synaptic delay is one time step (--dt), NEST's
minimum; Brian2's CUBA has zero delay.
"""
import common

args = common.parse_args("CUBA", 4000, 1.0)
nest = common.setup_nest(args)

N = args.N
NE = round(0.8 * N)
C_m, tau_m = 250.0, 20.0          # pF, ms
we = 1.62 * C_m / tau_m           # 60*0.27/10 mV  -> 20.25 pA
wi = -9.0 * C_m / tau_m           # -20*4.5/10 mV  -> -112.5 pA
Vr, Vt = -60.0, -50.0

G = nest.Create("iaf_psc_exp", N, params={
    "C_m": C_m, "tau_m": tau_m, "E_L": -49.0, "V_th": Vt, "V_reset": Vr,
    "t_ref": 5.0, "tau_syn_ex": 5.0, "tau_syn_in": 10.0, "I_e": 0.0,
    "V_m": nest.random.uniform(min=Vr, max=Vt)})
exc, inh = G[:NE], G[NE:]
if args.conn == "p":
    rule_e = rule_i = {"rule": "pairwise_bernoulli", "p": 0.02,
                       "allow_autapses": True}
else:
    rule_e = {"rule": "fixed_indegree", "indegree": 64,
              "allow_autapses": True, "allow_multapses": True}
    rule_i = dict(rule_e, indegree=16)
nest.Connect(exc, G, rule_e, {"weight": we, "delay": args.dt})
nest.Connect(inh, G, rule_i, {"weight": wi, "delay": args.dt})
n_syn = common.num_connections(nest)

common.run_and_report(nest, args, exc, inh, n_syn,
                      extra=lambda: {"state_vars": 3})
