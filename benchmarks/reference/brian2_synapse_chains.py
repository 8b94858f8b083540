"""Reference for the Brian2 features of Stimberg et al. 2018's and other examples that
eqsim mirrors (docs/brian2.md, "Synapses from and onto synapses" and after): Synapses whose
source is another Synapses, (summed) variables into Synapses, PoissonInput onto a
subgroup, PopulationRateMonitor of a subgroup, postsynaptic variables recorded through
Synapses.

Run with the Brian2 virtualenv:
    ~/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_synapse_chains.py
writes tests/data/brian2_synapse_chains.json, read by tests/runtime/test_synapse_chains.py,
which repeats every script here with eqsim (deterministic scripts only).
"""
import json
from pathlib import Path

import numpy as np
from brian2 import (NeuronGroup, Network, PoissonInput, PopulationRateMonitor,
                    SpikeGeneratorGroup, SpikeMonitor, StateMonitor, Synapses, TimedArray, Hz, kHz,
                    linked_var, ms, prefs)


def synapses_source() -> dict:
    """Synapses read as the source of other synapses (a summed variable into an
    'astrocyte' group) and a summed variable from the astrocytes into the synapses, as
    in Stimberg et al. 2018 (example 4); two connect() calls, so that Brian2's synapse
    numbers (creation order) differ from an order sorted by source."""
    src = SpikeGeneratorGroup(3, [0, 1, 2, 0], [1, 2, 3, 5] * ms)
    tgt = NeuronGroup(3, "")
    syn = Synapses(src, tgt, """dY/dt = -Y/(5*ms) : 1 (clock-driven)
                                G : 1""", on_pre="Y += 1 + G", method="exact")
    syn.connect(j="i")
    syn.connect(j="i")
    astro = NeuronGroup(3, """dA/dt = (Ysum - A)/(2*ms) : 1
                              Ysum : 1""", method="euler")
    s2a = Synapses(syn, astro, "Ysum_post = Y_pre : 1 (summed)")
    s2a.connect(j="i if i < 3")
    a2s = Synapses(astro, syn, "G_post = (1 + i)*A_pre : 1 (summed)")
    a2s.connect(j="i")
    a2s.connect(j="i + 3 if i < 2")
    M = StateMonitor(syn, ["Y", "G"], record=True)
    Ma = StateMonitor(astro, ["A", "Ysum"], record=True)
    net = Network(src, tgt, syn, astro, s2a, a2s, M, Ma)
    net.run(10 * ms)
    return {"syn_pairs": [[int(a), int(b)] for a, b in zip(syn.i[:], syn.j[:])],
            "s2a": [[int(a), int(b)] for a, b in zip(s2a.i[:], s2a.j[:])],
            "a2s": [[int(a), int(b)] for a, b in zip(a2s.i[:], a2s.j[:])],
            "Y": M.Y[:].tolist(), "G": M.G[:].tolist(), "A": Ma.A[:].tolist(),
            "Ysum": Ma.Ysum[:].tolist()}


def subgroups() -> dict:
    """PoissonInput onto subgroups (Brunel & Wang 2001, Rossant et al. 2011) made
    deterministic: rate*dt = 1, so each of the N sources fires every step; a
    PopulationRateMonitor of a subgroup (Wang 2002) of neurons with constant drive."""
    G = NeuronGroup(10, """dv/dt = (I - v)/(10*ms) : 1
                           dx/dt = -x/(5*ms) : 1
                           I : 1 (constant)""",
                    threshold="v > 1", reset="v = 0", refractory=2 * ms, method="exact")
    G.I = "1 + 0.2*i"
    P = PoissonInput(G[3:7], "x", N=5, rate=10 * kHz, weight=0.1)
    P2 = PoissonInput(G[5:], "v", N=2, rate=10 * kHz, weight="0.001")
    stim = TimedArray([0, 1, 0.5, 0, 2], dt=5 * ms)   # a weight that varies with t
    P3 = PoissonInput(G[:2], "x", N=3, rate=10 * kHz, weight="0.1*stim(t)")
    M = StateMonitor(G, ["v", "x"], record=True)
    S = SpikeMonitor(G)
    R = PopulationRateMonitor(G[2:5])
    R2 = PopulationRateMonitor(G[8:])
    net = Network(G, P, P2, P3, M, S, R, R2)
    net.run(30 * ms)
    return {"v": M.v[:].tolist(), "x": M.x[:].tolist(), "count": S.count[:].tolist(),
            "rate": np.asarray(R.rate[:]).tolist(), "rate2": np.asarray(R2.rate[:]).tolist()}


def post_variable_monitor() -> dict:
    """StateMonitor(S, 'g') of the target's g, named without _post (synapses/nonlinear.py
    of Brian2's examples), with a summed variable from clock-driven synapses."""
    inp = NeuronGroup(2, "dv/dt = 1/(10*ms) : 1", threshold="v>1", reset="v = 0",
                      method="euler")
    neurons = NeuronGroup(1, """dv/dt = (g-v)/(10*ms) : 1
                                g : 1""", method="exact")
    S = Synapses(inp, neurons, """dg_syn/dt = -g_syn/(10*ms) + x*(1-g_syn)/(10*ms) : 1 (clock-driven)
                                  g_post = g_syn : 1 (summed)
                                  dx/dt = -x/(10*ms) : 1 (clock-driven)
                                  w : 1""", on_pre="x += w")
    S.connect()
    S.w = [1., 10.]
    inp.v = [0., 0.5]
    M = StateMonitor(S, "g", record=[0, 1])
    Mn = StateMonitor(neurons, ["g", "v"], record=0)
    net = Network(inp, neurons, S, M, Mn)
    net.run(60 * ms)
    return {"M_g": M.g[:].tolist(), "Mn_g": Mn.g[:].tolist(), "Mn_v": Mn.v[:].tolist()}


def linked_in_synapses() -> dict:
    """A synaptic variable linked to a subexpression of another group (Zenke et al.
    2015's homeostatic STDP example), at an index held in a synaptic variable."""
    gf = NeuronGroup(2, """G = H - gamma : Hz
                           dH/dt = -H/(5*ms) : Hz
                           gamma : Hz (constant)""", method="exact")
    gf.H = [100, 50] * Hz
    gf.gamma = [5, 7] * Hz
    pre = SpikeGeneratorGroup(2, [0, 1, 0], [1, 2, 4] * ms)
    post = NeuronGroup(3, "v : 1")
    S = Synapses(pre, post, """G : Hz (linked)
                               idx : integer (constant)
                               w : 1""", on_pre="w += G*ms")
    S.connect(i=[0, 0, 1], j=[0, 1, 2])
    S.idx = "j % 2"
    S.G = linked_var(gf, "G", index="idx")
    M = StateMonitor(S, ["G", "w"], record=True)
    net = Network(gf, pre, post, S, M)
    net.run(6 * ms)
    return {"G": np.asarray(M.G[:]).tolist(), "w": M.w[:].tolist(), "w_end": S.w[:].tolist()}


def main() -> None:
    prefs.codegen.target = "numpy"
    out = {"synapses_source": synapses_source(), "subgroups": subgroups(),
           "post_variable_monitor": post_variable_monitor(),
           "linked_in_synapses": linked_in_synapses()}
    path = (Path(__file__).resolve().parents[2] / "tests" / "data" /
            "brian2_synapse_chains.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
