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
from eqsim.units import Hz, ms, second
from eqsim.zoo import net_rsfs as rsfs

from _network_common import Timer, arguments, raster, report

# the model and its parameters are eqsim.zoo's (eqsim/zoo/net_rsfs.py)
COMMON = rsfs.common_params()
POPULATIONS = rsfs.population_params()
MODEL = rsfs.MODEL


def afferent_rate(duration_s: float, constant_drive: bool, dt_s: float = 1e-4):
    """F(t) in Hz on the time grid (the DRIVE formula, or 4 Hz)."""
    t = np.arange(int(round(duration_s / dt_s)) + 1) * dt_s
    if constant_drive:
        return np.full(t.size, 4.0)
    return 4.0 + 4.0 * np.exp(-(t - 1.0) ** 2 / (2 * 0.1 ** 2))


def build(N: int, seed: int, constant_drive: bool, afferent: str = "group",
          duration_s: float = 1.5):
    if afferent == "group":   # the zoo's network (eqsim.zoo.rs_fs)
        return rsfs.build(N, seed, constant_drive)
    # neural_network_dynamics's way (eqsim.drives.afferent)
    groups, sizes = rsfs.groups(N, seed)
    t0 = time.perf_counter()
    drive = drives.afferent([groups["exc"], groups["inh"]],
                            afferent_rate(duration_s, constant_drive) * Hz, "G_aff",
                            COMMON["Q_aff"], n_aff=int(round(0.08 * N)), p=0.5,
                            dt=0.1 * ms, shared=afferent == "shared", seed=seed + 2,
                            conn_seed=seed + 30, name="aff")
    build.input_s = time.perf_counter() - t0
    synapses = rsfs.recurrent(groups, seed)
    mons = {label: eq.SpikeMonitor(G) for label, G in groups.items()}
    net = eq.Network(*groups.values(), drive, *synapses, *mons.values())
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
