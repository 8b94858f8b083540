"""The network of test_compact_delays.py, shared with the script that stored its spikes
from eqsim before compact delays (benchmarks/reference/compact_delays_reference.py).

300 LIF neurons (Euler, no exp: the reference holds across changes of eqsim's exp)
driven to fire irregularly, four Synapses objects whose per-synapse delays take each
storage path: whole steps in random order within each row (uint8 steps, an in-row order),
whole steps of up to 40 ms (uint16), whole steps already sorted within each row (no order
array), and delays off the step grid (kept as float64 seconds, rounded at run time)."""
import numpy as np

DURATION_MS = 100.0


def build():
    import eqsim as eq
    from eqsim.units import second
    N = 300
    G = eq.NeuronGroup(N, """dv/dt = (I - v)/(10*ms) : volt
                             I : volt""", threshold="v > 10*mV", reset="v = 0*mV",
                       method="euler", name="g", seed=11)
    rng = np.random.default_rng(7)
    G.v_ = rng.uniform(0, 0.01, N)
    G.I_ = rng.uniform(0.0095, 0.0125, N)
    dt = 1e-4
    objects, synapses = [G], {}
    for name, w, delays in (
            ("random_steps", 0.4, lambda n, r: r.integers(0, 30, n) * dt),
            ("long_steps", 0.3, lambda n, r: r.integers(1, 401, n) * dt),
            ("sorted_steps", -0.5, None),
            ("off_grid", 0.25, lambda n, r: r.uniform(0, 3e-3, n))):
        S = eq.Synapses(G, G, on_pre=f"v_post += {w}*mV", name=name, seed=3)
        S.connect(p=0.05, seed=len(name))
        r = np.random.default_rng(len(name))
        if delays is None:   # one delay per source neuron: every row sorted
            S.delay = (np.asarray(S.i) % 7 + 1) * dt * second
        else:
            S.delay = delays(len(S), r) * second
        objects.append(S)
        synapses[name] = S
    mon = eq.SpikeMonitor(G, name="spikes")
    net = eq.Network(*objects, mon)
    return net, mon, synapses


def spikes(backend: str = "c"):
    from eqsim.units import ms
    net, mon, synapses = build()
    net.run(DURATION_MS * ms, backend=backend)
    return (np.asarray(mon.i, np.int64),
            np.rint(np.asarray(mon.t_) / 1e-4).astype(np.int64),
            synapses)
