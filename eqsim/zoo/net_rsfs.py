"""The AdExp RS-FS network of the neural_network_dynamics package (Zerlaut; parameters:
shared/models/adex_rsfs.md): 4,000 regular-spiking excitatory and 1,000 fast-spiking
inhibitory AdExp neurons, p = 0.05, conductance synapses, driven by 400 afferent Poisson
cells (p = 0.5) at 4 + 4*exp(-(t - 1 s)^2/(2*(100 ms)^2)) Hz, or a constant 4 Hz."""
from __future__ import annotations


def _units():
    from eqsim.units import ms, mV, nS, pA, pF
    return ms, mV, nS, pA, pF


def common_params() -> dict:
    ms, mV, nS, pA, pF = _units()
    return dict(Gl=10 * nS, Cm=200 * pF, El=-70 * mV, Vthre=-50 * mV, Vreset=-70 * mV,
                Ee=0 * mV, Ei=-80 * mV, Tse=5 * ms, Tsi=5 * ms, Q_exc=1 * nS,
                Q_inh=4 * nS, Q_aff=1 * nS)


def population_params() -> dict:
    ms, mV, nS, pA, pF = _units()
    return {"exc": dict(frac=0.8, deltaV=2 * mV, a=0 * nS, b=40 * pA, tauw=500 * ms),
            "inh": dict(frac=0.2, deltaV=0.5 * mV, a=0 * nS, b=0 * pA, tauw=1e9 * ms)}


MODEL = """
dV/dt = (Gl*(El - V) + Gl*deltaV*exp((V - Vthre)/deltaV)
         + G_exc*(Ee - V) + G_aff*(Ee - V) + G_inh*(Ei - V) - w)/Cm : volt (unless refractory)
dw/dt = (a*(V - El) - w)/tauw : amp
dG_exc/dt = -G_exc/Tse : siemens
dG_aff/dt = -G_aff/Tse : siemens
dG_inh/dt = -G_inh/Tsi : siemens
"""
DRIVE = "4*Hz + 4*Hz*exp(-(t - 1*second)**2/(2*(100*ms)**2))"


def groups(N: int, seed: int) -> tuple[dict, dict]:
    """The RS and FS groups ({'exc', 'inh'}) and their sizes."""
    import eqsim as eq
    ms = _units()[0]
    common = common_params()
    n_exc = int(round(0.8 * N))
    sizes = {"exc": n_exc, "inh": N - n_exc}
    out = {}
    for k, (label, pop) in enumerate(population_params().items()):
        ns = dict(common, **{key: v for key, v in pop.items() if key != "frac"})
        G = eq.NeuronGroup(sizes[label], MODEL, threshold="V > Vthre + 5*deltaV",
                           reset="V = Vreset; w += b", refractory=5 * ms, method="euler",
                           namespace=ns, name=label, seed=seed + k)
        G.V = common["El"]
        out[label] = G
    return out, sizes


def recurrent(grp: dict, seed: int, p: float = 0.05) -> list:
    """The four recurrent projections (exc/inh -> exc/inh), each pair with probability p."""
    import eqsim as eq
    common = common_params()
    synapses = []
    for src, var, q in (("exc", "G_exc", "Q_exc"), ("inh", "G_inh", "Q_inh")):
        for tgt in ("exc", "inh"):
            S = eq.Synapses(grp[src], grp[tgt], on_pre=f"{var}_post += {q}",
                            namespace=common, name=f"{src}_{tgt}")
            S.connect(p=p, seed=seed + 10 + len(synapses))
            synapses.append(S)
    return synapses


def build(N: int = 5000, seed: int = 1, constant_drive: bool = False):
    """(network, spike monitors {'exc', 'inh'}, sizes): afferent PoissonGroup of 0.08 N
    cells (p = 0.5 onto every neuron), recurrent p = 0.05."""
    import eqsim as eq
    from eqsim.units import Hz
    common = common_params()
    grp, sizes = groups(N, seed)
    aff = eq.PoissonGroup(int(round(0.08 * N)), 4 * Hz if constant_drive else DRIVE,
                          seed=seed + 2, name="aff")
    synapses = recurrent(grp, seed)
    for tgt in ("exc", "inh"):
        S = eq.Synapses(aff, grp[tgt], on_pre="G_aff_post += Q_aff", namespace=common,
                        name=f"aff_{tgt}")
        S.connect(p=0.5, seed=seed + 20 + len(synapses))
        synapses.append(S)
    mons = {label: eq.SpikeMonitor(G) for label, G in grp.items()}
    return eq.Network(*grp.values(), aff, *synapses, *mons.values()), mons, sizes
