"""CUBA: Vogels & Abbott (2005) current-based LIF network (Brette et al. 2007,
benchmark 2): 4,000 neurons, 80 % excitatory, Bernoulli p = 0.02.

    python examples/cuba.py                      # writes cuba.png
    python examples/cuba.py --N 1000 --duration 0.2 --out /tmp/c.png
"""
import eqsim as eq
from eqsim.units import ms, mV, second

from _network_common import Timer, arguments, raster, report

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
    Se = eq.Synapses(G[:NE], G, on_pre="ge += we", namespace=PARAMS, name="exc")
    Se.connect(p=0.02, seed=seed + 1)
    Si = eq.Synapses(G[NE:], G, on_pre="gi += wi", namespace=PARAMS, name="inh")
    Si.connect(p=0.02, seed=seed + 2)
    mons = {"exc": eq.SpikeMonitor(G[:NE]), "inh": eq.SpikeMonitor(G[NE:])}
    return eq.Network(G, Se, Si, *mons.values()), mons, {"exc": NE, "inh": N - NE}


def main(argv=None):
    args = arguments(__doc__, 4000, 1.0).parse_args(argv)
    net, mons, sizes = build(args.N, args.seed)
    with Timer() as t:
        net.run(args.duration * second, backend=args.backend)
    out = report("CUBA", mons, sizes, args.duration, wall_s=round(t.seconds, 3))
    raster(args.out or "cuba.png", mons, f"CUBA, {args.N} neurons")
    return out


if __name__ == "__main__":
    main()
