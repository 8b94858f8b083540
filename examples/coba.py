"""COBA: Vogels & Abbott (2005) conductance-based LIF network (Brette et al. 2007,
benchmark 1): 4,000 neurons, 80 % excitatory, p = 0.02, exponential conductances,
self-sustained activity from a random initial state.

    python examples/coba.py                      # writes coba.png
    python examples/coba.py --N 1000 --duration 0.2 --out /tmp/c.png
"""
import eqsim as eq
from eqsim.units import ms, mV, nS, pF

from _network_common import excitatory_inhibitory, main_for

PARAMS = dict(Cm=200 * pF, gl=10 * nS, El=-60 * mV, Ee=0 * mV, Ei=-80 * mV,
              taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, we=6 * nS, wi=67 * nS)
MODEL = """
dv/dt  = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v))/Cm : volt (unless refractory)
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens
"""


def build(N: int, seed: int):
    NE = int(round(0.8 * N))
    G = eq.NeuronGroup(N, MODEL, threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
                       method="euler", namespace=PARAMS, name="coba", seed=seed)
    G.v = "El + (randn()*5 - 5)*mV"
    G.ge = "(randn()*1.5 + 4)*10.*nS"
    G.gi = "(randn()*12 + 20)*10.*nS"
    return excitatory_inhibitory(G, NE, PARAMS, seed)


def main(argv=None):
    return main_for(__doc__, "COBA", build, argv)


if __name__ == "__main__":
    main()
