"""COBAHH: Brette et al. (2007) benchmark 3 — 4,000 Hodgkin-Huxley neurons (Traub &
Miles) with exponential conductance synapses, 80 % excitatory, p = 0.02.

    python examples/cobahh.py                    # writes cobahh.png
    python examples/cobahh.py --N 1000 --duration 0.2 --out /tmp/h.png

The network is eqsim.zoo's (parameters: eqsim/zoo/net_brette2007.py).
"""
from eqsim import zoo

from _network_common import main_for


def build(N: int, seed: int):
    """(network, spike monitors, sizes): the network of eqsim.zoo.cobahh()."""
    z = zoo.cobahh(N=N, seed=seed, duration=None)
    return z.network, z.monitors, z.sizes


def main(argv=None):
    return main_for(__doc__, "COBAHH", build, argv)


if __name__ == "__main__":
    main()
