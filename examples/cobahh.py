"""COBAHH: Brette et al. (2007) benchmark 3 — 4,000 Hodgkin-Huxley neurons (Traub &
Miles) with exponential conductance synapses, 80 % excitatory, p = 0.02.

    python examples/cobahh.py                    # writes cobahh.png
    python examples/cobahh.py --N 1000 --duration 0.2 --out /tmp/h.png
"""
import eqsim as eq
from eqsim import models
from eqsim.units import cm, ms, msiemens, mV, nS, siemens, ufarad, umetre

from _network_common import excitatory_inhibitory, main_for

AREA = 20000 * umetre ** 2
PARAMS = dict(Cm=1 * ufarad * cm ** -2 * AREA, gl=5e-5 * siemens * cm ** -2 * AREA,
              El=-60 * mV, EK=-90 * mV, ENa=50 * mV,
              g_na=100 * msiemens * cm ** -2 * AREA, g_kd=30 * msiemens * cm ** -2 * AREA,
              VT=-63 * mV, taue=5 * ms, taui=10 * ms, Ee=0 * mV, Ei=-80 * mV,
              we=6 * nS, wi=67 * nS)
# the library's Traub-Miles neuron with the two conductances as its input current
MODEL = models.HH_TRAUB_MILES.replace("I : amp", """I = ge*(Ee - v) + gi*(Ei - v) : amp
dge/dt = -ge/taue : siemens
dgi/dt = -gi/taui : siemens""")


def build(N: int, seed: int):
    NE = int(round(0.8 * N))
    G = eq.NeuronGroup(N, MODEL, threshold="v > -20*mV", refractory=3 * ms,
                       method="exponential_euler", namespace=PARAMS, name="cobahh",
                       seed=seed)
    G.v = "El + (randn()*5 - 5)*mV"
    G.ge = "(randn()*1.5 + 4)*10.*nS"
    G.gi = "(randn()*12 + 20)*10.*nS"
    return excitatory_inhibitory(G, NE, PARAMS, seed)


def main(argv=None):
    return main_for(__doc__, "COBAHH", build, argv)


if __name__ == "__main__":
    main()
