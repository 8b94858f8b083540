"""Networks run by tests/parallel/test_mpi.py, on one process and under mpiexec.

    python tests/parallel/mpi_networks.py NAME BACKEND THREADS OUT.npz

builds network NAME, runs it with ``backend`` and ``threads``, gathers the monitors and
writes, on rank 0, everything a single process would report: spikes, population rates,
traces, the final membrane potentials and (for synapses with plasticity) the weights by
(source, target) pair.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples"))

import eqsim as eq  # noqa: E402
from eqsim import models  # noqa: E402
from eqsim.parallel.comm import world  # noqa: E402
from eqsim.units import Hz, ms, mV, second  # noqa: E402


def cuba():
    import cuba as example
    net, mons, _ = example.build(N=1000, seed=3)[:3]
    G = net.groups[0]
    # on 4 ranks (blocks of 250) rank 2 records none of these
    trace = eq.StateMonitor(G, "v", record=[0, 333, 999], name="trace")
    net.add(trace)
    return net, 0.2 * second


def brunel():
    import brunel as example
    net, mons, _, rate = example.build(N=1250, seed=5, g=5.0, eta=2.0)
    return net, 0.2 * second


def stdp():
    """Poisson inputs onto LIF neurons through STDP synapses with random delays, and
    recurrent inhibition (no delay)."""
    ns = dict(taum=10 * ms, Ee=0 * mV, vt=-54 * mV, vr=-60 * mV, El=-74 * mV,
              taue=5 * ms, taupre=20 * ms, taupost=20 * ms, wmax=0.1,
              dApre=0.001, dApost=-0.00105, gmax=0.1)
    inputs = eq.PoissonGroup(300, 15 * Hz, seed=11, name="inputs")
    G = eq.NeuronGroup(60, """dv/dt = (ge*(Ee - v) + El - v)/taum : volt
                              dge/dt = -ge/taue : 1""",
                       threshold="v > vt", reset="v = vr", method="euler",
                       namespace=ns, name="neurons", seed=14)
    G.v = "vr + rand()*(vt - vr)"
    rule = dict(models.STDP)
    rule["on_pre"] = "ge += w\n" + rule["on_pre"]
    S = eq.Synapses(inputs, G, namespace=ns, name="plastic", seed=12, **rule)
    S.connect(p=0.3)
    S.w = "rand()*gmax"
    S.delay = "0.5*ms + rand()*2*ms"
    inh = eq.Synapses(G, G, "w : 1", on_pre="ge -= w", name="inhibition")
    inh.connect(p=0.2, autapses=False, seed=13)
    inh.w = 0.002
    mon = eq.SpikeMonitor(G, name="spikes")
    return eq.Network(inputs, G, S, inh, mon), 0.5 * second


def replay():
    """Recorded spikes (a SpikeGeneratorGroup, as HNN-core replays them) onto LIF neurons
    with per-target weights and delays, and recurrent excitation."""
    rng = np.random.default_rng(21)
    n_src, n = 50, 80
    steps = rng.choice(2000 * n_src, 600, replace=False)   # distinct (step, neuron)
    times, indices = (steps // n_src) * 1e-4, steps % n_src
    src = eq.SpikeGeneratorGroup(n_src, indices, times * second, name="recorded")
    G = eq.NeuronGroup(n, "dv/dt = -v/(10*ms) : volt", threshold="v > 10*mV",
                       reset="v = 0*mV", refractory=3 * ms, method="exact", name="cells",
                       seed=22)
    S = eq.Synapses(src, G, "w : volt", on_pre="v_post += w", name="replayed", seed=25)
    S.connect(p=0.3, seed=23)
    S.w = "2*mV + rand()*4*mV"
    S.delay = "1*ms + j*0.05*ms"
    R = eq.Synapses(G, G, on_pre="v_post += 1.5*mV", delay=2 * ms, name="recurrent")
    R.connect(p=0.1, autapses=False, seed=24)
    mons = [eq.SpikeMonitor(src, name="input"), eq.SpikeMonitor(G, name="output"),
            eq.StateMonitor(G, "v", record=[0, 40, 79], name="trace")]
    return eq.Network(src, G, S, R, *mons), 0.2 * second


def summed():
    """Saturating NMDA-like synapses: clock-driven gating summed onto the targets
    (target slice: the inhibitory half gets none), Poisson drive, 1 ms delays."""
    ns = dict(tau=10 * ms, tau_s=50 * ms, E=60 * mV)
    P = eq.PoissonGroup(200, 30 * Hz, seed=31, name="poisson")
    G = eq.NeuronGroup(120, """dv/dt = (g*(E - v) - v)/tau : volt
                               g : 1""", threshold="v > 15*mV", reset="v = 0*mV",
                       method="euler", namespace=ns, name="cells", seed=32)
    S = eq.Synapses(P, G[:90], """w : 1
                                  ds/dt = -s/tau_s : 1 (clock-driven)
                                  g_post = w*s : 1 (summed)""",
                    on_pre="s += 0.5*(1 - s)", delay=1 * ms, namespace=ns, name="nmda",
                    seed=33)
    S.connect(p=0.1, seed=34)
    S.w = "0.02 + 0.02*rand()"
    R = eq.Synapses(G, G, on_pre="v_post += 2*mV", delay=1 * ms, name="recurrent")
    R.connect(p=0.05, seed=35)
    mons = [eq.SpikeMonitor(G, name="spikes"),
            eq.StateMonitor(G, ["v", "g"], record=[0, 45, 89, 100], name="trace")]
    return eq.Network(P, G, S, R, *mons), 0.2 * second


def counts():
    """Poisson sources with several spikes a step (PoissonCountGroup at 2 kHz, dt = 0.1 ms)
    onto LIF neurons through synapses with per-synapse delays, and recurrent inhibition."""
    from eqsim.runtime.poisson_counts import PoissonCountGroup
    src = PoissonCountGroup(200, 2000 * Hz, name="counts", seed=51)
    G = eq.NeuronGroup(90, "dv/dt = -v/(10*ms) : volt", threshold="v > 12*mV",
                       reset="v = 0*mV", refractory=2 * ms, method="exact", name="cells",
                       seed=52)
    S = eq.Synapses(src, G, "w : volt", on_pre="v_post += w", name="drive", seed=53)
    S.connect(p=0.05, seed=54)
    S.w = "0.1*mV + 0.2*mV*rand()"
    S.delay = "0.5*ms + rand()*1.5*ms"
    R = eq.Synapses(G, G, on_pre="v_post -= 0.5*mV", delay=1 * ms, name="recurrent")
    R.connect(p=0.1, autapses=False, seed=55)
    mons = [eq.SpikeMonitor(src, name="input"), eq.SpikeMonitor(G, name="output"),
            eq.StateMonitor(G, "v", record=[0, 45, 89], name="trace")]
    return eq.Network(src, G, S, R, *mons), 0.1 * second


def twogroups():
    """The minimal network whose sums once depended on the number of ranks: Poisson
    sources and recurrent synapses of the cells feed one variable (homogeneous delays of
    0.5 ms, one window). The thresholds run by name (cells before poisson), not in the
    order the groups were made. ``o`` shows the order of a step's events onto a cell:
    each event appends a three-digit code (1xx, 2xx: a Poisson source; 3xx: a cell) and
    the update clears it (exp(-dt/1 ns) is 0); recorded at the end of every step."""
    src = eq.PoissonGroup(200, 2000 * Hz, name="poisson", seed=61)
    G = eq.NeuronGroup(90, """dv/dt = -v/(10*ms) : volt
                              do/dt = -o/(1e-9*second) : 1""", threshold="v > 12*mV",
                       reset="v = 0*mV", refractory=2 * ms, method="exact", name="cells",
                       seed=62)
    S = eq.Synapses(src, G, "w : volt", on_pre="v_post += w\no_post = o_post*1000 + 100 + i",
                    delay=0.5 * ms, name="drive", seed=63)
    S.connect(p=0.05, seed=64)
    S.w = "0.1*mV + 0.2*mV*rand()"
    R = eq.Synapses(G, G, on_pre="v_post -= 0.5*mV\no_post = o_post*1000 + 300 + i",
                    delay=0.5 * ms, name="recurrent")
    R.connect(p=0.1, autapses=False, seed=65)
    mons = [eq.SpikeMonitor(G, name="output"),
            eq.StateMonitor(G, "v", record=[0, 45, 89], name="trace"),
            eq.StateMonitor(G, "o", record=True, when="end", name="order")]
    return eq.Network(src, G, S, R, *mons), 0.06 * second

def spatial():
    """Five multicompartment cells in one SpatialNeuron (cells=5: a soma, an axon with a
    spike initiation zone, a dendrite): recorded spikes onto the dendrites, spikes of the
    cells' axons onto the other cells' dendrites after 2 ms. Split by whole cells."""
    from eqsim.units import cm, nA, ohm, siemens, uF, um
    gL = 1e-4 * siemens / cm ** 2
    ns = dict(gL=gL, EL=-70 * mV, ENa=50 * mV, EK=-90 * mV, Es=0 * mV)
    morpho = eq.Soma(20 * um)
    morpho.axon = eq.Cylinder(diameter=1 * um, length=100 * um, n=10)
    morpho.dend = eq.Cylinder(diameter=1.5 * um, length=200 * um, n=10)
    model = """
    Im = gL*(EL-v) + gNa*m*h*(ENa-v) + gK*n*(EK-v) + gs*(Es-v) : amp/meter**2
    dm/dt = (1/(1+exp((-30*mV-v)/(6*mV))) - m)/(0.3*ms) : 1
    dh/dt = (1/(1+exp((v+50*mV)/(6*mV))) - h)/(3*ms) : 1
    dn/dt = (1/(1+exp((-20*mV-v)/(8*mV))) - n)/(5*ms) : 1
    dgs/dt = -gs/(2*ms) : siemens/meter**2
    gNa : siemens/meter**2
    gK : siemens/meter**2
    I : amp (point current)
    """
    cells = eq.SpatialNeuron(morpho, model, namespace=ns, Cm=1 * uF / cm ** 2,
                             Ri=100 * ohm * cm, method="exponential_euler", cells=5,
                             threshold="v > -20*mV", refractory="v > -40*mV",
                             threshold_location=morpho.axon[25 * um], name="cells",
                             dt=0.025 * ms)
    cells.v = -65 * mV
    zone = "700*gL*int(distance > 15*um and distance < 45*um)*int(i % 21 < 11)"
    cells.gNa = zone     # (compartments 1-10 of a cell are its axon)
    cells.gK = zone
    n = morpho.total_compartments
    cells.I["i % 21 == 0"] = "(i // 21)*0.02*nA"   # a different drive into each soma
    rng = np.random.default_rng(41)
    times = np.sort(rng.uniform(1, 40, 60))
    src = eq.SpikeGeneratorGroup(3, rng.integers(0, 3, 60), times * ms, name="recorded",
                                 dt=0.025 * ms)
    S = eq.Synapses(src, cells, on_pre="gs_post += 30*siemens/meter**2", name="inputs")
    S.connect(i=np.repeat([0, 1, 2], 5), j=np.tile(np.arange(5) * n + 18, 3))
    R = eq.Synapses(cells, cells, on_pre="gs_post += 40*siemens/meter**2", delay=2 * ms,
                    name="recurrent")
    spiking = np.arange(5) * n + int(morpho.axon[25 * um])
    R.connect(i=np.repeat(spiking, 4),
              j=[c * n + 15 for s in range(5) for c in range(5) if c != s])
    mons = [eq.SpikeMonitor(cells, name="spikes"),
            eq.StateMonitor(cells, ["v", "m"], record=[0, 18, n + 5, 3 * n + 20, 4 * n],
                            name="trace")]
    return eq.Network(src, cells, S, R, *mons), 50 * ms


def local():
    """A ring with local connectivity and no delays (one-step windows): each rank needs
    the spikes of few neurons of the other ranks (the compiled loop sends only those);
    600 neurons fire in synchronous bursts, more spikes in one window than the exchange's
    first blocks hold."""
    n = 2000
    G = eq.NeuronGroup(n, """dv/dt = (v0 - v)/(10*ms) : volt
                             v0 : volt""", threshold="v > 10*mV", reset="v = 0*mV",
                       refractory=2 * ms, method="exact", name="ring", seed=41)
    G.v0 = "(i < 600)*11*mV + (i >= 600)*(9.5*mV + 0.5*mV*rand())"
    G.v = "(i >= 600)*rand()*10*mV"
    S = eq.Synapses(G, G, "w : volt", on_pre="v_post += w", name="near", seed=42)
    S.connect(condition="abs(i - j) < 8 and i != j", p=0.5)
    S.w = "0.2*mV + 0.3*mV*rand()"
    mons = [eq.SpikeMonitor(G, name="spikes"),
            eq.StateMonitor(G, "v", record=[0, 700, 1999], name="trace")]
    return eq.Network(G, S, *mons), 0.1 * second


def results(net) -> dict:
    out = {}
    for m in net.spike_monitors:
        m.gather()
        if isinstance(m, eq.PopulationRateMonitor):
            out[f"{m.name}.rate"] = m.rate.view(np.ndarray)
        else:
            out[f"{m.name}.i"], out[f"{m.name}.t"] = m.i, m.t_
            out[f"{m.name}.count"] = m.count
    for m in net.state_monitors:
        m.gather()
        for var in m.variables:
            out[f"{m.name}.{var}"] = getattr(m, var + "_")
    for g in net.groups:
        for var in g.variables():
            if var in g.arrays and g.arrays[var].dtype == np.float64:
                out[f"{g.name}.{var}"] = g.arrays[var]
    for S in net.synapses:
        if S.name == "plastic":   # the weights STDP changed, from every rank
            table = S.gather("w")
            if table is not None:
                out["plastic.pairs"] = np.stack([table["i"], table["j"]])
                out["plastic.w"] = table["w"]
    return out


def main(argv):
    import logging
    logging.basicConfig(level=logging.WARNING)   # eqsim's warnings on stderr
    name, backend, threads, path = argv
    if os.environ.get("EQSIM_TEST_SKEW_CHUNKS") and world().rank == 1:
        # rank 1 starts with other chunk sizes: windows must still line up
        eq.Network._initial_chunk = lambda self: 7
    net, duration = {"cuba": cuba, "brunel": brunel, "stdp": stdp, "replay": replay,
                     "summed": summed, "spatial": spatial, "local": local,
                     "counts": counts, "twogroups": twogroups}[name]()
    net.run(duration / 2, backend=backend, threads=int(threads))
    net.run(duration / 2, backend=backend, threads=int(threads))   # runs continue
    out = results(net)
    if world().rank == 0:
        np.savez(path, **out)
        plan = getattr(net, "_plan", None)   # which window loop ran (tests check it)
        driver = plan and plan.driver
        comm = world()
        print(f"windows: {driver.mode if driver else ('python' if plan else 'none')} "
              f"rounds: {getattr(comm, 'rounds', 0)} "
              f"exchanges: {getattr(comm, 'exchanges', 0)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
