"""Brunel (2000) sparse balanced network of delta-synapse LIF neurons in NEST
(iaf_psc_delta + poisson_generator, as NEST's brunel_delta example), the
counterpart of the Brian2 script shared/models/brian2/brunel.py (same
options, same parameters, same JSON line).

NE = 10000, NI = 2500 (--N is the total, default 12500, NE = round(0.8 N)),
fixed in-degree C_E = round(0.1 NE) exc and C_I = round(0.1 NI) inh inputs per
neuron (fixed_indegree, multapses and autapses allowed, as the Brian2 script),
J = 0.1 mV, g = 5 (--g), delay D = 1.5 ms, tau_m = 20 ms, theta = 20 mV,
V_reset = 10 mV, t_ref = 2 ms, E_L = 0, V_m(0) = 0.
External drive: nu_ext = eta * nu_thr with eta = 2 (--eta) and
nu_thr = theta / (J C_E tau_m); Brian2's PoissonInput(N=C_E, rate=nu_ext,
weight=J) is C_E independent Poisson sources per neuron, i.e. one Poisson
train of rate C_E * nu_ext with weight J per neuron, which is what a single
poisson_generator connected to all neurons delivers (NEST draws an
independent train for every target).  Its delay is one time step (Brian2's
PoissonInput acts without delay; for a stationary drive this only shifts the
first step).

Refractoriness: Brian2 puts a "conditional write" on variables flagged
"(unless refractory)", so the jumps v += J that arrive during the 2 ms are
discarded; this is NEST's refractory_input = False (its default, set
explicitly here).

--conn is accepted and echoed for the common protocol, but, as in the Brian2
script, the connectivity is always fixed in-degree.
"""
import common


def extra_args(p):
    p.add_argument("--g", type=float, default=5.0)
    p.add_argument("--eta", type=float, default=2.0)


args = common.parse_args("Brunel", 12500, 1.0, extra=extra_args)
nest = common.setup_nest(args)

N = args.N
NE = round(0.8 * N)
NI = N - NE
CE = round(0.1 * NE)
CI = round(0.1 * NI)
J = 0.1                                   # mV
tau_m, theta, delay = 20.0, 20.0, 1.5     # ms, mV, ms
nu_thr = theta / (J * CE * tau_m) * 1000.0  # Hz
nu_ext = args.eta * nu_thr

G = nest.Create("iaf_psc_delta", N, params={
    "tau_m": tau_m, "V_th": theta, "V_reset": 10.0, "E_L": 0.0, "V_m": 0.0,
    "t_ref": 2.0, "I_e": 0.0, "refractory_input": False})
exc, inh = G[:NE], G[NE:]
indegree = {"rule": "fixed_indegree", "allow_autapses": True,
            "allow_multapses": True}
nest.Connect(exc, G, dict(indegree, indegree=CE), {"weight": J, "delay": delay})
nest.Connect(inh, G, dict(indegree, indegree=CI),
             {"weight": -args.g * J, "delay": delay})
n_syn = common.num_connections(nest)
noise = nest.Create("poisson_generator", params={"rate": CE * nu_ext})
nest.Connect(noise, G, syn_spec={"weight": J, "delay": args.dt})

common.run_and_report(
    nest, args, exc, inh, n_syn,
    extra=lambda: {"state_vars": 1, "CE": CE, "CI": CI, "g": args.g,
                   "eta": args.eta, "nu_ext_hz": float(nu_ext)})
