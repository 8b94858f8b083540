"""AdExp network of the neural_network_dynamics README ("RS-FS"): 4,000 excitatory
regular-spiking and 1,000 inhibitory fast-spiking AdExp neurons, p = 0.05, conductance
synapses, driven by 400 afferent Poisson neurons (p = 0.5) whose rate is
4 + 4*exp(-(t - 1 s)^2/(2*(100 ms)^2)) Hz (--constant-drive: 4 Hz, as in the Brian2
baseline script). Parameters: ../shared/models/adex_rsfs.md.
--afferent independent gives each neuron its own Poisson train at p*N_aff*F(t), as
neural_network_dynamics does (eqsim.drives.afferent: a compiled PoissonInput with the
rate as an array on the time grid); --afferent shared: N_aff shared afferent cells, each
neuron with a fixed in-degree p*N_aff. The time spent making the input is reported.

    python examples/adex_rsfs.py                 # 1.5 s; writes adex_rsfs.png
    python examples/adex_rsfs.py --N 1000 --duration 0.3 --out /tmp/a.png
"""
import time

import numpy as np

import eqsim as eq
from eqsim import drives
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


def afferent_rate(duration_s: float, constant_drive: bool, dt_s: float = 1e-4):
    """F(t) in Hz on the time grid (the DRIVE formula, or 4 Hz)."""
    t = np.arange(int(round(duration_s / dt_s)) + 1) * dt_s
    if constant_drive:
        return np.full(t.size, 4.0)
    return 4.0 + 4.0 * np.exp(-(t - 1.0) ** 2 / (2 * 0.1 ** 2))


def build(N: int, seed: int, constant_drive: bool, afferent: str = "group",
          duration_s: float = 1.5):
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
    synapses = []
    if afferent != "group":   # neural_network_dynamics's way (eqsim.drives.afferent)
        t0 = time.perf_counter()
        drive = drives.afferent([groups["exc"], groups["inh"]],
                                afferent_rate(duration_s, constant_drive) * Hz, "G_aff",
                                COMMON["Q_aff"], n_aff=int(round(0.08 * N)), p=0.5,
                                dt=0.1 * ms, shared=afferent == "shared", seed=seed + 2,
                                conn_seed=seed + 30, name="aff")
        build.input_s = time.perf_counter() - t0
    else:
        aff = eq.PoissonGroup(int(round(0.08 * N)), 4 * Hz if constant_drive else DRIVE,
                              seed=seed + 2, name="aff")
    for src, var, q in (("exc", "G_exc", "Q_exc"), ("inh", "G_inh", "Q_inh")):
        for tgt in ("exc", "inh"):
            S = eq.Synapses(groups[src], groups[tgt], on_pre=f"{var}_post += {q}",
                            namespace=COMMON, name=f"{src}_{tgt}")
            S.connect(p=0.05, seed=seed + 10 + len(synapses))
            synapses.append(S)
    for tgt in ("exc", "inh") if afferent == "group" else ():
        S = eq.Synapses(aff, groups[tgt], on_pre="G_aff_post += Q_aff", namespace=COMMON,
                        name=f"aff_{tgt}")
        S.connect(p=0.5, seed=seed + 20 + len(synapses))
        synapses.append(S)
    mons = {label: eq.SpikeMonitor(G) for label, G in groups.items()}
    net = eq.Network(*groups.values(), aff if afferent == "group" else drive, *synapses,
                     *mons.values())
    return net, mons, sizes


def main(argv=None):
    parser = arguments(__doc__, 5000, 1.5)
    parser.add_argument("--constant-drive", action="store_true",
                        help="afferent rate 4 Hz throughout (the Brian2 baseline)")
    parser.add_argument("--afferent", default="group",
                        choices=["group", "independent", "shared"],
                        help="group: 0.08*N afferent PoissonGroup cells, p = 0.5 (the "
                             "Brian2 baseline); independent / shared: eqsim.drives.afferent")
    args = parser.parse_args(argv)
    build.input_s = None
    net, mons, sizes = build(args.N, args.seed, args.constant_drive, args.afferent,
                             args.duration)
    with Timer() as t:
        net.run(args.duration * second, backend=args.backend)
    extra = {} if build.input_s is None else {"input_s": round(build.input_s, 4)}
    out = report("AdExp RS-FS", mons, sizes, args.duration, wall_s=round(t.seconds, 3),
                 **extra)
    raster(args.out or "adex_rsfs.png", mons, f"AdExp RS-FS, {args.N} neurons")
    return out


if __name__ == "__main__":
    main()
