"""Brunel (2000) sparse network of LIF neurons with delta synapses: NE = 10,000,
NI = 2,500, fixed in-degree C_E = 1,000 and C_I = 250, delay 1.5 ms, external Poisson
drive at eta times the threshold rate. g and eta choose the regime (Brunel 2000, Fig. 8):
g = 5, eta = 2 gives asynchronous irregular (AI) firing; g = 3, eta = 2 synchronous
regular (SR) firing, where excitation dominates.

    python examples/brunel.py                    # AI regime; writes brunel.png
    python examples/brunel.py --g 3 --out brunel_sr.png
    python examples/brunel.py --N 2500 --duration 0.2 --out /tmp/b.png
"""
import eqsim as eq
from eqsim.units import ms, mV, second

from _network_common import Timer, arguments, raster, report


def build(N: int, seed: int, g: float, eta: float):
    NE = int(round(0.8 * N))
    NI = N - NE
    CE, CI = int(round(0.1 * NE)), int(round(0.1 * NI))
    J = 0.1 * mV
    params = dict(tau=20 * ms, theta=20 * mV, Vr=10 * mV, J=J, g=g)
    nu_thr = params["theta"] / (J * CE * params["tau"])
    G = eq.NeuronGroup(N, "dv/dt = -v/tau : volt (unless refractory)",
                       threshold="v > theta", reset="v = Vr", refractory=2 * ms,
                       method="exact", namespace=params, name="brunel", seed=seed)
    Se = eq.Synapses(G[:NE], G, on_pre="v += J", delay=1.5 * ms, namespace=params,
                     name="exc")
    Se.connect(in_degree=CE, seed=seed + 1)
    Si = eq.Synapses(G[NE:], G, on_pre="v += -g*J", delay=1.5 * ms, namespace=params,
                     name="inh")
    Si.connect(in_degree=CI, seed=seed + 2)
    P = eq.PoissonInput(G, "v", CE, eta * nu_thr, J, seed=seed + 3, name="ext")
    mons = {"exc": eq.SpikeMonitor(G[:NE]), "inh": eq.SpikeMonitor(G[NE:])}
    rate = eq.PopulationRateMonitor(G)
    net = eq.Network(G, Se, Si, P, *mons.values(), rate)
    return net, mons, {"exc": NE, "inh": NI}, rate


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
