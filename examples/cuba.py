"""CUBA: Vogels & Abbott (2005) current-based LIF network (Brette et al. 2007,
benchmark 2): 4,000 neurons, 80 % excitatory, Bernoulli p = 0.02.

    python examples/cuba.py                      # writes cuba.png
    python examples/cuba.py --N 1000 --duration 0.2 --out /tmp/c.png

The network is eqsim.zoo's (parameters: eqsim/zoo/net_brette2007.py).
"""
from eqsim import zoo

from _network_common import main_for


def build(N: int, seed: int):
    """(network, spike monitors, sizes): the network of eqsim.zoo.cuba()."""
    z = zoo.cuba(N=N, seed=seed, duration=None)
    return z.network, z.monitors, z.sizes


def main(argv=None):
    return main_for(__doc__, "CUBA", build, argv)


if __name__ == "__main__":
    main()
