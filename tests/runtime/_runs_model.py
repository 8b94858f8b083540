"""One small network shared by the tests of runs in pieces, HDF5 files and scans (one
compiled module for all of them): LIF neurons driven by a Poisson group through
delayed synapses and by a PoissonInput, with spike, state and rate monitors."""
import eqsim as eq
from eqsim.units import Hz, mV, ms


def build(seed: int = 1, rate=60 * Hz, w=3 * mV, El=-65 * mV, N: int = 40):
    G = eq.NeuronGroup(N, """dv/dt = (El - v + I)/tau : volt (unless refractory)
                             I : volt""", threshold="v > -50*mV", reset="v = -70*mV",
                       refractory=2 * ms, method="exact",
                       namespace={"El": El, "tau": 10 * ms}, name="G", seed=seed)
    G.v = -70 * mV
    G[:30].label = "G_exc"
    G[30:].label = "G_inh"
    P = eq.PoissonGroup(20, rate, seed=seed + 1, name="P")
    S = eq.Synapses(P, G, "w : volt", on_pre="v_post += w", delay=1 * ms, name="S")
    S.connect(p=0.5, seed=seed + 2)
    S.w = w
    PI = eq.PoissonInput(G, "v", 10, 20 * Hz, 1 * mV, seed=seed + 3, name="PI")
    return eq.Network(G, P, S, PI, eq.SpikeMonitor(G, variables=["v"], name="spikes"),
                      eq.StateMonitor(G, "v", record=[0, 3], name="trace"),
                      eq.PopulationRateMonitor(G, name="rate"))
