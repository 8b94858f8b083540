"""COBA: Vogels & Abbott (2005) conductance-based LIF network (Brette et al. 2007,
benchmark 1): 4,000 neurons, 80 % excitatory, p = 0.02, exponential conductances,
self-sustained activity from a random initial state.

    python examples/coba.py                      # writes coba.png
    python examples/coba.py --N 1000 --duration 0.2 --out /tmp/c.png

The network is eqsim.zoo's (parameters: eqsim/zoo/net_brette2007.py).
"""
from eqsim import zoo

from _network_common import main_for


def build(N: int, seed: int):
    """(network, spike monitors, sizes): the network of eqsim.zoo.coba()."""
    z = zoo.coba(N=N, seed=seed, duration=None)
    return z.network, z.monitors, z.sizes


def main(argv=None):
    return main_for(__doc__, "COBA", build, argv)


if __name__ == "__main__":
    main()
