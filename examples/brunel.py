"""Brunel (2000) sparse network of LIF neurons with delta synapses: NE = 10,000,
NI = 2,500, fixed in-degree C_E = 1,000 and C_I = 250, delay 1.5 ms, external Poisson
drive at eta times the threshold rate. g and eta choose the regime (Brunel 2000, Fig. 8):
g = 5, eta = 2 gives asynchronous irregular (AI) firing; g = 3, eta = 2 synchronous
regular (SR) firing, where excitation dominates.

    python examples/brunel.py                    # AI regime; writes brunel.png
    python examples/brunel.py --g 3 --out brunel_sr.png
    python examples/brunel.py --N 2500 --duration 0.2 --out /tmp/b.png
"""
from eqsim.units import ms, second
from eqsim.zoo import net_brunel2000

from _network_common import Timer, arguments, raster, report


def build(N: int, seed: int, g: float, eta: float):
    """(network, spike monitors, sizes, population rate monitor) of eqsim.zoo's Brunel
    network (eqsim/zoo/net_brunel2000.py)."""
    return net_brunel2000.build(N, seed, g, eta)


def main(argv=None):
    parser = arguments(__doc__, 12500, 1.0)
    parser.add_argument("--g", type=float, default=5.0, help="relative inhibition")
    parser.add_argument("--eta", type=float, default=2.0, help="external drive")
    args = parser.parse_args(argv)
    net, mons, sizes, rate = build(args.N, args.seed, args.g, args.eta)
    with Timer() as t:
        net.run(args.duration * second, backend=args.backend)
    import numpy as np
    smooth = np.asarray(rate.smooth_rate("gaussian", width=1 * ms))
    # synchrony: relative fluctuation of the population rate (large in SR, small in AI)
    late = smooth[len(smooth) // 5:]
    out = report("Brunel", mons, sizes, args.duration, wall_s=round(t.seconds, 3),
                 g=args.g, eta=args.eta,
                 rate_cv=round(float(np.std(late) / max(np.mean(late), 1e-9)), 3))
    raster(args.out or "brunel.png", mons, f"Brunel 2000, g = {args.g}, eta = {args.eta}")
    return out


if __name__ == "__main__":
    main()
