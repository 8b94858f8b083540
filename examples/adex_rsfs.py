"""AdExp network of the neural_network_dynamics README ("RS-FS"): 4,000 excitatory
regular-spiking and 1,000 inhibitory fast-spiking AdExp neurons, p = 0.05, conductance
synapses, driven by 400 afferent Poisson neurons (p = 0.5) whose rate is
4 + 4*exp(-(t - 1 s)^2/(2*(100 ms)^2)) Hz (--constant-drive: 4 Hz, as in the Brian2
baseline script). Parameters: ../shared/models/adex_rsfs.md.

    python examples/adex_rsfs.py                 # 1.5 s; writes adex_rsfs.png
    python examples/adex_rsfs.py --N 1000 --duration 0.3 --out /tmp/a.png
"""
import eqsim as eq
from eqsim.units import Hz, ms, mV, nS, pA, pF, second

from _network_common import Timer, arguments, raster, report

COMMON = dict(Gl=10 * nS, Cm=200 * pF, El=-70 * mV, Vthre=-50 * mV, Vreset=-70 * mV,
              Ee=0 * mV, Ei=-80 * mV, Tse=5 * ms, Tsi=5 * ms, Q_exc=1 * nS, Q_inh=4 * nS,
              Q_aff=1 * nS)
POPULATIONS = {"exc": dict(frac=0.8, deltaV=2 * mV, a=0 * nS, b=40 * pA, tauw=500 * ms),
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


def build(N: int, seed: int, constant_drive: bool):
    n_exc = int(round(0.8 * N))
    sizes = {"exc": n_exc, "inh": N - n_exc}
    groups = {}
    for k, (label, pop) in enumerate(POPULATIONS.items()):
        ns = dict(COMMON, **{key: v for key, v in pop.items() if key != "frac"})
        G = eq.NeuronGroup(sizes[label], MODEL, threshold="V > Vthre + 5*deltaV",
                           reset="V = Vreset; w += b", refractory=5 * ms, method="euler",
                           namespace=ns, name=label, seed=seed + k)
        G.V = COMMON["El"]
        groups[label] = G
    aff = eq.PoissonGroup(int(round(0.08 * N)), 4 * Hz if constant_drive else DRIVE,
                          seed=seed + 2, name="aff")
    synapses = []
    for src, var, q in (("exc", "G_exc", "Q_exc"), ("inh", "G_inh", "Q_inh")):
        for tgt in ("exc", "inh"):
            S = eq.Synapses(groups[src], groups[tgt], on_pre=f"{var}_post += {q}",
                            namespace=COMMON, name=f"{src}_{tgt}")
            S.connect(p=0.05, seed=seed + 10 + len(synapses))
            synapses.append(S)
    for tgt in ("exc", "inh"):
        S = eq.Synapses(aff, groups[tgt], on_pre="G_aff_post += Q_aff", namespace=COMMON,
                        name=f"aff_{tgt}")
        S.connect(p=0.5, seed=seed + 20 + len(synapses))
        synapses.append(S)
    mons = {label: eq.SpikeMonitor(G) for label, G in groups.items()}
    net = eq.Network(*groups.values(), aff, *synapses, *mons.values())
    return net, mons, sizes


def main(argv=None):
    parser = arguments(__doc__, 5000, 1.5)
    parser.add_argument("--constant-drive", action="store_true",
                        help="afferent rate 4 Hz throughout (the Brian2 baseline)")
    args = parser.parse_args(argv)
    net, mons, sizes = build(args.N, args.seed, args.constant_drive)
    with Timer() as t:
        net.run(args.duration * second, backend=args.backend)
    out = report("AdExp RS-FS", mons, sizes, args.duration, wall_s=round(t.seconds, 3))
    raster(args.out or "adex_rsfs.png", mons, f"AdExp RS-FS, {args.N} neurons")
    return out


if __name__ == "__main__":
    main()
