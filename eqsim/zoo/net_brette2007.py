"""The benchmark networks of Brette et al. (2007): CUBA and COBA (Vogels & Abbott 2005)
and COBAHH (Traub-Miles Hodgkin-Huxley neurons). 4,000 neurons, 80 % excitatory,
Bernoulli p = 0.02, exponential synapses, self-sustained activity from a random initial
state. The parameters are those of Brian2's examples of the same networks."""
from __future__ import annotations

from ._base import excitatory_inhibitory


def _params():
    from eqsim.units import cm, ms, msiemens, mV, nS, pF, siemens, ufarad, umetre
    area = 20000 * umetre ** 2
    return {
        "cuba": dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV,
                     El=-49 * mV, we=(60 * 0.27 / 10) * mV, wi=(-20 * 4.5 / 10) * mV),
        "coba": dict(Cm=200 * pF, gl=10 * nS, El=-60 * mV, Ee=0 * mV, Ei=-80 * mV,
                     taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, we=6 * nS,
                     wi=67 * nS),
        "cobahh": dict(Cm=1 * ufarad * cm ** -2 * area, gl=5e-5 * siemens * cm ** -2 * area,
                       El=-60 * mV, EK=-90 * mV, ENa=50 * mV,
                       g_na=100 * msiemens * cm ** -2 * area,
                       g_kd=30 * msiemens * cm ** -2 * area, VT=-63 * mV, taue=5 * ms,
                       taui=10 * ms, Ee=0 * mV, Ei=-80 * mV, we=6 * nS, wi=67 * nS),
    }


CUBA_MODEL = """
dv/dt  = (ge + gi - (v - El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""
COBA_MODEL = """
dv/dt  = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v))/Cm : volt (unless refractory)
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens
"""


def cobahh_model() -> str:
    """The library's Traub-Miles neuron with the two conductances as its input."""
    from eqsim import models
    return models.HH_TRAUB_MILES.replace("I : amp", """I = ge*(Ee - v) + gi*(Ei - v) : amp
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens""")


def build(model: str, N: int = 4000, seed: int = 1, in_degree=None):
    """(network, spike monitors {'exc', 'inh'}, sizes) of 'cuba', 'coba' or 'cobahh'.
    ``in_degree=(k_exc, k_inh)`` replaces p = 0.02 by fixed in-degrees."""
    import eqsim as eq
    from eqsim.units import ms
    params = _params()[model]
    NE = int(round(0.8 * N))
    if model == "cuba":
        G = eq.NeuronGroup(N, CUBA_MODEL, threshold="v > Vt", reset="v = Vr",
                           refractory=5 * ms, method="exact", namespace=params,
                           name="cuba", seed=seed)
        G.v = "Vr + rand()*(Vt - Vr)"
    else:
        if model == "coba":
            G = eq.NeuronGroup(N, COBA_MODEL, threshold="v > Vt", reset="v = Vr",
                               refractory=5 * ms, method="euler", namespace=params,
                               name="coba", seed=seed)
        else:
            G = eq.NeuronGroup(N, cobahh_model(), threshold="v > -20*mV",
                               refractory=3 * ms, method="exponential_euler",
                               namespace=params, name="cobahh", seed=seed)
        G.v = "El + (randn()*5 - 5)*mV"
        G.ge = "(randn()*1.5 + 4)*10.*nS"
        G.gi = "(randn()*12 + 20)*10.*nS"
    return excitatory_inhibitory(G, NE, params, seed, in_degree=in_degree)
