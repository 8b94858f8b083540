"""The deterministic cores of Brian2 examples that draw random numbers.

Such an example can only be compared with Brian2 statistically (within the spread of its
seeds, tests/compat/status.py), which hides any difference smaller than that spread. Here
each is rebuilt with its random parts replaced by fixed ones — Poisson input by the same
spikes replayed from a SpikeGeneratorGroup, noise ``xi`` by a sine, ``rand()`` initial
values by a ramp — and everything else as the script writes it: then eqsim must give
Brian2's numbers exactly. Written against the names Brian2 and eqsim share, so that
benchmarks/reference/brian2_example_cores.py (under Brian2) and
tests/compat/test_example_cores.py (under eqsim) build the same networks.

Each core is a function ``core(sim) -> (objects, read)``: the objects to put in a Network
(its duration is ``DURATION[name]``) and a function that returns, after the run, the
numbers to compare (lists of floats). Objects carry the names Brian2 gives them in the
example (a fresh process): Brian2 orders the parts of one schedule slot by name
('neurongroup_1_stateupdater' before 'neurongroup_stateupdater'), which decides, e.g.,
whether reliability.py's neurons read the common input before or after its update.
"""
from __future__ import annotations

import numpy as np


def poisson_steps(rate_hz: float, duration_s: float, dt_s: float, seed: int) -> np.ndarray:
    """Time steps of one Poisson train drawn as PoissonGroup does (a spike in a step with
    probability rate*dt), with numpy's legacy generator (the same stream in every numpy)."""
    rng = np.random.RandomState(seed)
    n = int(round(duration_s / dt_s))
    return np.flatnonzero(rng.rand(n) < rate_hz * dt_s)


def _replay(sim, steps):
    dt = 0.1 * sim.ms
    return sim.SpikeGeneratorGroup(1, np.zeros(len(steps), dtype=int), steps * dt,
                                   name="poissongroup")


def custom_events(sim):
    """examples/advanced/custom_events.py, the 250 Hz PoissonGroup replayed."""
    inp = _replay(sim, poisson_steps(250.0, 0.5, 1e-4, seed=1))
    eqs_G = """
    dv/dt = (g-v)/(50*ms) : 1
    dg/dt = -g/(10*ms) : 1
    allow_gspike : boolean
    """
    G = sim.NeuronGroup(1, eqs_G, threshold="v>1",
                        reset="v = 0; g = 0; allow_gspike = True;",
                        events={"gspike": "g>1 and allow_gspike",
                                "end_gspike": "g<1 and not allow_gspike"}, namespace={},
                        name="neurongroup")
    G.run_on_event("gspike", "allow_gspike = False")
    G.run_on_event("end_gspike", "allow_gspike = True")
    H = sim.NeuronGroup(1, "dx/dt = -x/(10*ms) : 1\ndy/dt = -y/(10*ms) : 1", namespace={},
                        name="neurongroup_1")
    Sin = sim.Synapses(inp, G, on_pre="g += 0.5", namespace={}, name="synapses")
    Sin.connect()
    S = sim.Synapses(G, H, on_pre={"pre": "x += 1", "gpath": "y += 1"},
                     on_event={"pre": "spike", "gpath": "gspike"}, namespace={},
                     name="synapses_1")
    S.connect()
    Mstate = sim.StateMonitor(G, ("v", "g"), record=True, name="statemonitor")
    Mgspike = sim.EventMonitor(G, "gspike", "g", name="eventmonitor")
    Mspike = sim.SpikeMonitor(G, "v", name="spikemonitor")
    MHstate = sim.StateMonitor(H, ("x", "y"), record=True, name="statemonitor_1")
    G.allow_gspike = True

    def read():
        return {"gspike_t": _t(Mgspike.t), "gspike_g": _f(Mgspike.g),
                "spike_t": _t(Mspike.t), "spike_v": _f(Mspike.v),
                "v": _f(Mstate.v[0][::100]), "g": _f(Mstate.g[0][::100]),
                "x": _f(MHstate.x[0][::100]), "y": _f(MHstate.y[0][::100])}
    return [inp, G, H, Sin, S, Mstate, Mgspike, Mspike, MHstate], read


def adaptive_threshold(sim):
    """examples/adaptive_threshold.py, the 500 Hz PoissonGroup replayed."""
    mV = sim.mV
    eqs = """
    dv/dt = -v/(10*ms) : volt
    dvt/dt = (10*mV-vt)/(15*ms) : volt
    """
    IF = sim.NeuronGroup(1, model=eqs, reset="v = 0*mV\nvt += 3*mV", threshold="v>vt",
                         method="exact", namespace={}, name="neurongroup")
    IF.vt = 10 * mV
    PG = _replay(sim, poisson_steps(500.0, 0.6, 1e-4, seed=2))
    C = sim.Synapses(PG, IF, on_pre="v += 3*mV", namespace={}, name="synapses")
    C.connect()
    Mv = sim.StateMonitor(IF, "v", record=True, name="statemonitor")
    Mvt = sim.StateMonitor(IF, "vt", record=True, name="statemonitor_1")
    M_crossings = sim.SpikeMonitor(IF, variables="v", name="spikemonitor")

    def read():
        return {"spike_t": _t(M_crossings.t), "spike_v": _f(M_crossings.v),
                "v": _f(Mv.v[0][::60]), "vt": _f(Mvt.vt[0][::60])}
    return [IF, PG, C, Mv, Mvt, M_crossings], read


def reliability(sim):
    """examples/reliability.py: the common input driven by a sine instead of noise, the
    neurons without their own noise, initial x a ramp; linked variable and refractoriness
    as written."""
    ns = {"tau_input": 5 * sim.ms, "tau": 10 * sim.ms, "N": 25}
    neuron_input = sim.NeuronGroup(
        1, "dx/dt = -x / tau_input + 2*sin(2*pi*37*Hz*t)/tau_input : 1", method="euler",
        namespace=ns, name="neurongroup")
    eqs_neurons = """
    dx/dt = (0.9 + .5 * I - x) / tau : 1
    I : 1 (linked)
    """
    neurons = sim.NeuronGroup(25, model=eqs_neurons, threshold="x > 1", reset="x = 0",
                              refractory=5 * sim.ms, method="euler", namespace=ns,
                              name="neurongroup_1")
    neurons.x = "i*1.0/N"
    neurons.I = sim.linked_var(neuron_input, "x")
    spikes = sim.SpikeMonitor(neurons, name="spikemonitor")

    def read():
        return {"spike_t": _t(spikes.t), "spike_i": _f(spikes.i), "x": _f(neurons.x[:])}
    return [neuron_input, neurons, spikes], read


def brette_guigon(sim):
    """examples/frompapers/Brette_Guigon_2003.py (100 of its 500 neurons, 500 ms): the
    shared input driven by a sine instead of noise, no noise in v, initial v a ramp; the shared
    subexpression B of the linked x as written."""
    ms = sim.ms
    ns = {"N": 100, "tau": 33 * ms, "taux": 20 * ms}
    inp = sim.NeuronGroup(1, "dx/dt = (1.5*sin(2*pi*3*Hz*t) - x)/taux : 1",
                          method="euler", namespace=ns, name="neurongroup")
    eqs = """
    dv/dt = (v*I + 1)/tau : 1
    I = 0.5 + 3*p*B : 1
    B = 2./(1 + exp(-2*x)) - 1 : 1 (shared)
    p : 1
    x : 1 (linked)
    """
    neurons = sim.NeuronGroup(100, eqs, threshold="v>1", reset="v=0", method="euler",
                              namespace=ns, name="neurongroup_1")
    neurons.p = "1.0*i/N"
    neurons.v = "1.0*i/N"
    neurons.x = sim.linked_var(inp, "x")
    M = sim.StateMonitor(neurons, "B", record=0, name="statemonitor")
    S = sim.SpikeMonitor(neurons, name="spikemonitor")

    def read():
        return {"spike_t": _t(S.t), "spike_i": _f(S.i), "B": _f(M.B[0][::50])}
    return [inp, neurons, M, S], read


def platkiewicz_brette(sim):
    """examples/frompapers/Platkiewicz_Brette_2011.py (20 of its 200 neurons): the
    Ornstein-Uhlenbeck input I replaced by a sine of a different phase in each neuron;
    the adaptive threshold with clip(..., 0*mV, inf*mV) and the refractory period (which
    blocks the threshold, v keeps integrating) as written, Brian2's default method."""
    mV, ms = sim.mV, sim.ms
    tau, tauI = 5 * ms, 5 * ms
    ns = {"ENa": 60 * mV, "EL": -70 * mV, "vT": -55 * mV, "Vi": -63 * mV, "tauh": 5 * ms,
          "tau": tau, "a": 5.0 / 6.0, "mu": 15 * mV,
          "sigma": 6 * mV / np.sqrt(float(tauI / (tauI + tau))), "tauI": tauI}
    eqs = """
    dv/dt=(EL-v+mu+sigma*I)/tau : volt
    dtheta/dt=(vT+a*clip(v-Vi, 0*mV, inf*mV)-theta)/tauh : volt
    I = 0.8 + 2*sin(2*pi*20*Hz*t + i) : 1
    """
    neurons = sim.NeuronGroup(20, eqs, threshold="v>theta", reset="v=EL",
                              refractory=5 * ms, namespace=ns, name="neurongroup")
    neurons.v = ns["EL"]
    neurons.theta = ns["vT"]
    S = sim.SpikeMonitor(neurons, name="spikemonitor")
    Mt = sim.StateMonitor(neurons, "theta", record=0, name="statemonitor_1")

    def read():
        return {"spike_t": _t(S.t), "spike_i": _f(S.i), "theta": _f(Mt.theta[0][::100])}
    return [neurons, S, Mt], read


def _truncated_normal(rng, loc, scale, low, high, size):
    """Normal draws redrawn until within [low, high] (the example uses scipy's truncnorm:
    the same distribution, other numbers)."""
    x = rng.normal(loc, scale, size)
    while True:
        bad = (x < low) | (x > high)
        if not bad.any():
            return x
        x[bad] = rng.normal(loc, scale, int(bad.sum()))


def tsodyks_uziel_markram(sim):
    """examples/frompapers/Tsodyks_Uziel_Markram_2000.py (400 + 100 neurons, 0.6 s at
    dt = 1 ms, recorded from the start): the connections (p = 0.1) and the parameters
    drawn by numpy here instead of by Brian2's connect() and the global numpy state; the
    neurons, the clock-driven Tsodyks-Markram synapses and their summed currents (computed
    in Brian2's slot, before the groups update) as written."""
    ms, mV = sim.ms, sim.mV
    rng = np.random.RandomState(5)

    def population(name, n, tau_refrac):
        neurons = sim.NeuronGroup(n, """
            tau_mem : second
            tau_refrac : second
            v_reset : volt
            v_thresh : volt
            I_syn_ee_synapses : volt
            I_syn_ei_synapses : volt
            I_syn_ie_synapses : volt
            I_syn_ii_synapses : volt
            I_b : volt
            dv/dt = -v/tau_mem + (I_syn_ee_synapses +
                                  I_syn_ei_synapses +
                                  I_syn_ie_synapses +
                                  I_syn_ii_synapses)/tau_mem
                               + I_b/tau_mem : volt (unless refractory)
            """, threshold="v>v_thresh", reset="v=v_reset", refractory=tau_refrac,
            method="exact", name=name, namespace={})
        neurons.tau_mem = 30 * ms
        neurons.v_thresh = 15 * mV
        neurons.v_reset = 13.5 * mV
        neurons.I_b = rng.uniform(15 - 0.5, 15 + 0.5, size=n) * mV
        return neurons

    def synapses(name, source, target, tau_I, A, U, tau_rec, tau_facil=None):
        eqs = """
            A : volt
            U : 1
            tau_I : second
            tau_rec : second
            dx/dt =  z/tau_rec : 1 (clock-driven) # recovered
            dy/dt = -y/tau_I   : 1 (clock-driven) # active
            z = 1 - x - y      : 1                # inactive
            I_syn_{}_post = A*y : volt (summed)
            """.format(name)
        if tau_facil:
            eqs += """
            du/dt = -u/tau_facil : 1 (clock-driven)
            tau_facil : second
            """
            action = "u += U*(1-u)\ny += u*x # important: update y first\nx += -u*x"
        else:
            action = "y += U*x # important: update y first\nx += -U*x"
        syn = sim.Synapses(source, target, model=eqs, on_pre=action, method="exact",
                           name=name, namespace={})
        pairs = np.argwhere(rng.rand(len(source), len(target)) < 0.1)
        syn.connect(i=pairs[:, 0], j=pairs[:, 1])
        n = len(pairs)
        syn.tau_I = tau_I * ms
        a_min, a_max = sorted((0.2 * A, 2 * A))
        syn.A = _truncated_normal(rng, A, 0.5 * abs(A), a_min, a_max, n) * mV
        syn.U = _truncated_normal(rng, U[0], 0.5 * U[0], U[1], U[2], n)
        syn.tau_rec = _truncated_normal(rng, tau_rec, 0.5 * tau_rec, 5, np.inf, n) * ms
        if tau_facil:
            syn.tau_facil = _truncated_normal(rng, tau_facil, 0.5 * tau_facil, 5, np.inf,
                                              n) * ms
        syn.x = 1
        return syn

    exc = population("exc_neurons", 400, 3 * ms)
    inh = population("inh_neurons", 100, 2 * ms)
    ee = synapses("ee_synapses", exc, exc, 3, 1.8, [0.5, 0.1, 0.9], 800)
    ei = synapses("ei_synapses", exc, inh, 3, 7.2, [0.04, 0.001, 0.07], 100, 1000)
    ie = synapses("ie_synapses", inh, exc, 3, -5.4, [0.5, 0.1, 0.9], 800)
    ii = synapses("ii_synapses", inh, inh, 3, -7.2, [0.04, 0.001, 0.07], 100, 1000)
    spikes_exc = sim.SpikeMonitor(exc, name="spikemonitor")
    spikes_inh = sim.SpikeMonitor(inh, name="spikemonitor_1")
    x_ee = sim.StateMonitor(ee, ["x"], record=np.arange(0, 4000, 97), name="statemonitor")

    def read():
        return {"exc_counts": _f(spikes_exc.count), "inh_counts": _f(spikes_inh.count),
                "exc_first_t": _t(spikes_exc.t[:200]),
                "inh_first_t": _t(spikes_inh.t[:200]),
                "x": _f(np.asarray(x_ee.x)[:, ::20])}
    return [exc, inh, ee, ei, ie, ii, spikes_exc, spikes_inh, x_ee], read


def diesmann(sim):
    """examples/frompapers/Diesmann_et_al_1999.py: the synfire chain with its noise xi
    removed, the 85 input spike times fixed (a normal spread around 50 ms drawn here) and
    initial V a ramp; the chain's generator-syntax connect and the input onto the
    subgroup P[:group_size] as written."""
    ns = {"Vr": -70 * sim.mV, "Vt": -55 * sim.mV, "taum": 10 * sim.ms,
          "taupsp": 0.325 * sim.ms, "weight": 4.86 * sim.mV, "group_size": 100}
    eqs = """
    dV/dt = (-(V-Vr)+x)*(1./taum) : volt
    dx/dt = (-x+y)*(1./taupsp) : volt
    dy/dt = -y*(1./taupsp)+25.27*mV/ms : volt
    """
    P = sim.NeuronGroup(N=1000, model=eqs, threshold="V>Vt", reset="V=Vr",
                        refractory=1 * sim.ms, method="euler", namespace=ns,
                        name="neurongroup")
    rng = np.random.RandomState(3)
    times = np.round(rng.randn(85) * 10 + 500) * 0.1   # ms, on the step grid
    Pinput = sim.SpikeGeneratorGroup(85, np.arange(85), times * sim.ms,
                                     name="spikegeneratorgroup")
    S = sim.Synapses(P, P, on_pre="y+=weight", namespace=ns, name="synapses")
    S.connect(j="k for k in range((int(i/group_size)+1)*group_size, "
                "(int(i/group_size)+2)*group_size) if i<N_pre-group_size")
    Sinput = sim.Synapses(Pinput, P[:100], on_pre="y+=weight", namespace=ns,
                          name="synapses_1")
    Sinput.connect()
    Mgp = sim.SpikeMonitor(P, name="spikemonitor")
    P.V = "Vr + (i % 100) * 0.01 * (Vt - Vr)"

    def read():
        return {"spike_t": _t(Mgp.t), "spike_i": _f(Mgp.i), "n_synapses": [float(len(S))]}
    return [P, Pinput, S, Sinput, Mgp], read


def cuba_openmp(sim):
    """examples/standalone/cuba_openmp.py (CUBA with ge and gi also "unless refractory"),
    1000 neurons with p = 0.08 (CUBA's 80 inputs each), 300 ms: connections drawn by numpy,
    initial v a ramp instead of rand()."""
    mV, ms = sim.mV, sim.ms
    ns = {"taum": 20 * ms, "taue": 5 * ms, "taui": 10 * ms, "Vt": -50 * mV, "Vr": -60 * mV,
          "El": -49 * mV, "we": (60 * 0.27 / 10) * mV, "wi": (-20 * 4.5 / 10) * mV}
    eqs = """
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt (unless refractory)
    dgi/dt = -gi/taui : volt (unless refractory)
    """
    P = sim.NeuronGroup(1000, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms,
                        method="exact", namespace=ns, name="neurongroup")
    P.v = "Vr + (i % 97) / 97.0 * (Vt - Vr)"
    rng = np.random.RandomState(11)
    pairs = np.argwhere(rng.rand(1000, 1000) < 0.08)
    exc = pairs[pairs[:, 0] < 800]
    inh = pairs[pairs[:, 0] >= 800]
    Ce = sim.Synapses(P, P, on_pre="ge += we", namespace=ns, name="synapses")
    Ce.connect(i=exc[:, 0], j=exc[:, 1])
    Ci = sim.Synapses(P, P, on_pre="gi += wi", namespace=ns, name="synapses_1")
    Ci.connect(i=inh[:, 0], j=inh[:, 1])
    s_mon = sim.SpikeMonitor(P, name="spikemonitor")

    def read():
        return {"counts": _f(s_mon.count), "first_t": _t(s_mon.t[:300]),
                "v": _f(P.v[:]), "ge": _f(P.ge[:])}
    return [P, Ce, Ci, s_mon], read


CORES = {"custom_events": custom_events, "adaptive_threshold": adaptive_threshold,
         "reliability": reliability, "brette_guigon": brette_guigon,
         "platkiewicz_brette": platkiewicz_brette,
         "tsodyks_uziel_markram": tsodyks_uziel_markram, "diesmann": diesmann,
         "cuba_openmp": cuba_openmp}
DURATION_MS = {"custom_events": 500, "adaptive_threshold": 600, "reliability": 500,
               "brette_guigon": 500, "platkiewicz_brette": 300,
               "tsodyks_uziel_markram": 600, "diesmann": 100,
               "cuba_openmp": 300}
DT_MS = {"tsodyks_uziel_markram": 1.0}   # the others: 0.1 ms


def _f(x) -> list[float]:
    return [float(v) for v in np.asarray(x, dtype=float).ravel()]


def _t(x) -> list[float]:   # times in ms, rounded to the step grid's precision
    return [round(float(v) * 1e3, 9) for v in np.asarray(x, dtype=float).ravel()]
