"""CUBA: Vogels & Abbott (2005) current-based LIF network (Brette et al. 2007,
benchmark 2): 4,000 neurons, 80 % excitatory, Bernoulli p = 0.02.

    python examples/cuba.py                      # writes cuba.png
    python examples/cuba.py --N 1000 --duration 0.2 --out /tmp/c.png
"""
import eqsim as eq
from eqsim.units import ms, mV

from _network_common import excitatory_inhibitory, main_for

PARAMS = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV,
              El=-49 * mV, we=(60 * 0.27 / 10) * mV, wi=(-20 * 4.5 / 10) * mV)
MODEL = """
dv/dt  = (ge + gi - (v - El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""


def build(N: int, seed: int):
    NE = int(round(0.8 * N))
    G = eq.NeuronGroup(N, MODEL, threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
                       method="exact", namespace=PARAMS, name="cuba", seed=seed)
    G.v = "Vr + rand()*(Vt - Vr)"
    return excitatory_inhibitory(G, NE, PARAMS, seed)


def main(argv=None):
    return main_for(__doc__, "CUBA", build, argv)


if __name__ == "__main__":
    main()
