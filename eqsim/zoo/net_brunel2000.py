"""Brunel (2000): a sparse network of LIF neurons with delta synapses, N_E = 10,000,
N_I = 2,500, fixed in-degrees C_E = 0.1 N_E and C_I = 0.1 N_I, J = 0.1 mV, delay 1.5 ms,
external Poisson drive of C_E inputs at eta times the threshold rate. The regimes of
Fig. 8: relative inhibition g and drive eta."""
from __future__ import annotations

#: regime -> (g, eta, name) of Brunel (2000), Fig. 8
REGIMES = {"A": (3.0, 2.0, "synchronous regular (SR)"),
           "B": (6.0, 4.0, "synchronous irregular, fast oscillation (SI fast)"),
           "C": (5.0, 2.0, "asynchronous irregular (AI)"),
           "D": (4.5, 0.9, "synchronous irregular, slow oscillation (SI slow)")}


def build(N: int = 12500, seed: int = 1, g: float = 5.0, eta: float = 2.0):
    """(network, spike monitors {'exc', 'inh'}, sizes, population rate monitor)."""
    import eqsim as eq
    from eqsim.units import ms, mV
    NE = int(round(0.8 * N))
    NI = N - NE
    CE, CI = int(round(0.1 * NE)), int(round(0.1 * NI))
    J = 0.1 * mV
    params = dict(tau=20 * ms, theta=20 * mV, Vr=10 * mV, J=J, g=g)
    nu_thr = params["theta"] / (J * CE * params["tau"])
    G = eq.NeuronGroup(N, "dv/dt = -v/tau : volt (unless refractory)",
                       threshold="v > theta", reset="v = Vr", refractory=2 * ms,
                       method="exact", namespace=params, name="brunel", seed=seed)
    Se = eq.Synapses(G[:NE], G, on_pre="v += J", delay=1.5 * ms, namespace=params,
                     name="exc")
    Se.connect(in_degree=CE, seed=seed + 1)
    Si = eq.Synapses(G[NE:], G, on_pre="v += -g*J", delay=1.5 * ms, namespace=params,
                     name="inh")
    Si.connect(in_degree=CI, seed=seed + 2)
    P = eq.PoissonInput(G, "v", CE, eta * nu_thr, J, seed=seed + 3, name="ext")
    mons = {"exc": eq.SpikeMonitor(G[:NE]), "inh": eq.SpikeMonitor(G[NE:])}
    rate = eq.PopulationRateMonitor(G)
    net = eq.Network(G, Se, Si, P, *mons.values(), rate)
    return net, mons, {"exc": NE, "inh": NI}, rate
