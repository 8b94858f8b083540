"""Brian2 features of Stimberg et al. 2018's and other examples, on both backends,
against Brian2 2.9 on the same scripts (benchmarks/reference/brian2_synapse_chains.py ->
tests/data/brian2_synapse_chains.json): Synapses whose source is another Synapses,
(summed) variables into Synapses, and the features of the later sections."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import EqsimError
from eqsim.units import Hz, kHz, ms

REF = json.loads((Path(__file__).parents[1] / "data" /
                  "brian2_synapse_chains.json").read_text())


def _pairs(S, brian2_numbers=True):
    """(i, j) of every synapse in Brian2's order (creation order)."""
    i, j = S.i, S.j
    order = np.argsort(S.arrays["_number"]) if S.arrays.get("_number") is not None \
        else np.arange(len(S))
    return [[int(a), int(b)] for a, b in zip(i[order], j[order])]


def test_synapses_source(backend):
    """Synapses as the source of a (summed) variable, and a (summed) variable into
    Synapses; synapses are numbered as Brian2 numbers them (in creation order), so that
    'i < 3' picks the synapses of the first connect(); traces equal Brian2's."""
    ref = REF["synapses_source"]
    src = eq.SpikeGeneratorGroup(3, [0, 1, 2, 0], [1, 2, 3, 5] * ms)
    tgt = eq.NeuronGroup(3, "")
    syn = eq.Synapses(src, tgt, """dY/dt = -Y/(5*ms) : 1 (clock-driven)
                                   G : 1""", on_pre="Y += 1 + G", method="exact")
    syn.connect(j="i")
    syn.connect(j="i")
    astro = eq.NeuronGroup(3, """dA/dt = (Ysum - A)/(2*ms) : 1
                                 Ysum : 1""", method="euler")
    s2a = eq.Synapses(syn, astro, "Ysum_post = Y_pre : 1 (summed)")
    s2a.connect(j="i if i < 3")
    a2s = eq.Synapses(astro, syn, "G_post = (1 + i)*A_pre : 1 (summed)")
    a2s.connect(j="i")
    a2s.connect(j="i + 3 if i < 2")
    M = eq.StateMonitor(syn, ["Y", "G"], record=True)
    Ma = eq.StateMonitor(astro, ["A", "Ysum"], record=True)
    net = eq.Network(src, tgt, syn, astro, s2a, a2s, M, Ma)
    net.run(10 * ms, backend=backend)
    assert _pairs(syn) == ref["syn_pairs"]
    # s2a's sources and a2s's targets are Brian2's synapse numbers
    numbers = syn.arrays["_number"]
    assert sorted([int(numbers[a]), int(b)] for a, b in zip(s2a.i, s2a.j)) == \
        sorted(ref["s2a"])
    assert sorted([int(a), int(numbers[b])] for a, b in zip(a2s.i, a2s.j)) == \
        sorted(ref["a2s"])
    # the monitor records synapse k (Brian2's number) in row k
    np.testing.assert_allclose(M.Y, ref["Y"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(M.G, ref["G"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(M[4].G, ref["G"][4], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(Ma.A, ref["A"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(Ma.Ysum, ref["Ysum"], rtol=1e-9, atol=1e-12)
    assert np.max(M.G) > 0.1 and np.max(Ma.A) > 0.1   # the loop closed


def test_subgroup_inputs_and_rates(backend):
    """PoissonInput onto subgroups (one with a weight that varies with t, a TimedArray)
    and PopulationRateMonitors of subgroups; rate*dt = 1 makes the input deterministic
    (every source fires every step), so the traces, spike counts and rates equal
    Brian2's."""
    ref = REF["subgroups"]
    stim = eq.TimedArray([0, 1, 0.5, 0, 2], dt=5 * ms)   # a weight that varies with t
    G = eq.NeuronGroup(10, """dv/dt = (I - v)/(10*ms) : 1
                              dx/dt = -x/(5*ms) : 1
                              I : 1 (constant)""",
                       threshold="v > 1", reset="v = 0", refractory=2 * ms, method="exact",
                       namespace={"stim": stim})
    G.I = "1 + 0.2*i"
    P = eq.PoissonInput(G[3:7], "x", N=5, rate=10 * kHz, weight=0.1)
    P2 = eq.PoissonInput(G[5:], "v", N=2, rate=10 * kHz, weight="0.001")
    P3 = eq.PoissonInput(G[:2], "x", N=3, rate=10 * kHz, weight="0.1*stim(t)")
    M = eq.StateMonitor(G, ["v", "x"], record=True)
    S = eq.SpikeMonitor(G)
    R = eq.PopulationRateMonitor(G[2:5])
    R2 = eq.PopulationRateMonitor(G[8:])
    net = eq.Network(G, P, P2, P3, M, S, R, R2)
    net.run(30 * ms, backend=backend)
    np.testing.assert_allclose(M.v, ref["v"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(M.x, ref["x"], rtol=1e-9, atol=1e-12)
    assert S.count.tolist() == ref["count"]
    np.testing.assert_allclose(np.asarray(R.rate), ref["rate"], rtol=1e-12)
    np.testing.assert_allclose(np.asarray(R2.rate), ref["rate2"], rtol=1e-12)
    assert np.asarray(R.rate).sum() > 0 and np.max(M.x[2]) == 0   # not in G[:2], G[3:7]
    assert np.max(M.x[0]) > 0.5 and M.x[0][40] == 0   # stim(t) = 0 for t < 5 ms


def test_random_poisson_input_on_subgroup_backends_agree():
    """A random PoissonInput onto a subgroup draws the same numbers on both backends,
    reaches only the subgroup, and its mean matches N*rate*dt*weight per step."""
    out = {}
    for backend in ("c", "numpy"):
        G = eq.NeuronGroup(200, "x : 1", name="pig")
        P = eq.PoissonInput(G[50:150], "x", N=40, rate=0.5 * kHz, weight=1.0, seed=7,
                            name="pis")
        eq.Network(G, P).run(20 * ms, backend=backend)
        out[backend] = G.x[:].copy()
    np.testing.assert_array_equal(out["c"], out["numpy"])
    x = out["c"]
    assert np.all(x[:50] == 0) and np.all(x[150:] == 0)
    expected = 40 * 0.5e3 * 0.1e-3 * 200   # N * p per step * steps
    sd = np.sqrt(40 * 0.05 * 0.95 * 200 / 100)   # of the mean over 100 neurons
    assert abs(x[50:150].mean() - expected) < 4 * sd


def test_monitor_of_target_variable_named_without_post(backend):
    """StateMonitor(S, 'g') records the target's g through the synapses (Brian2's name,
    as synapses/nonlinear.py uses it); M.g equals Brian2's."""
    ref = REF["post_variable_monitor"]
    inp = eq.NeuronGroup(2, "dv/dt = 1/(10*ms) : 1", threshold="v>1", reset="v = 0",
                         method="euler")
    neurons = eq.NeuronGroup(1, """dv/dt = (g-v)/(10*ms) : 1
                                   g : 1""", method="exact")
    S = eq.Synapses(inp, neurons, """dg_syn/dt = -g_syn/(10*ms) + x*(1-g_syn)/(10*ms) : 1 (clock-driven)
                                     g_post = g_syn : 1 (summed)
                                     dx/dt = -x/(10*ms) : 1 (clock-driven)
                                     w : 1""", on_pre="x += w")
    S.connect()
    S.w = [1., 10.]
    inp.v = [0., 0.5]
    M = eq.StateMonitor(S, "g", record=[0, 1])
    Mn = eq.StateMonitor(neurons, ["g", "v"], record=0)
    eq.Network(inp, neurons, S, M, Mn).run(60 * ms, backend=backend)
    assert M.record_variables == ["g"]
    np.testing.assert_allclose(M.g, ref["M_g"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(M[1].g_, ref["M_g"][1], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(Mn.g, ref["Mn_g"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(Mn.v, ref["Mn_v"], rtol=1e-9, atol=1e-12)
    assert np.max(M.g) > 0.5


def test_profiling_summary_and_profile_option():
    """run(..., profile=True) is accepted (Brian2's option) and profiling_summary()
    reports eqsim's timings of the build stages."""
    from eqsim.brian2_compat import Network, profiling_summary
    G = eq.NeuronGroup(2, "dv/dt = -v/(10*ms) : 1", method="exact")
    net = Network(G)
    assert "no run yet" in repr(profiling_summary(net))
    net.run(1 * ms, profile=True, backend="numpy")
    text = repr(profiling_summary(net, show=5))
    assert "front" in text and "s\n" in text + "\n"


def test_synapse_indices_indexed_by_pairs():
    """S.j[i, :] (the targets of source i) and S.i[:, j], as Brian2's
    synapses/spatial_connections.py uses them; S.i and S.j stay read-only."""
    G = eq.NeuronGroup(5, "v : 1")
    S = eq.Synapses(G, G)
    S.connect("abs(i - j) <= 1")
    assert S.j[2, :].tolist() == [1, 2, 3]
    assert S.i[:, 4].tolist() == [3, 4]
    assert S.j["i == 0"].tolist() == [0, 1]
    assert int((S.i == 1).sum()) == 3 and len(S.i) == 13
    with pytest.raises(EqsimError) as err:
        S.i[0, :] = 3
    assert err.value.code == "E755"


def test_connect_resolves_names_where_it_is_called():
    """Brian2 resolves connect()'s names in the frame that calls it: a local assigned
    after the Synapses were made inside a function (efficient_gaussian_connectivity.py)."""
    from eqsim import brian2_compat as b2

    def limited(N):
        G = b2.NeuronGroup(N, "v:1", threshold="v>1")
        S = b2.Synapses(G, G, on_pre="v += 1")
        w = 2
        S.connect(j="k for k in range(i-w, i+w) if i != k", skip_if_invalid=True)
        return S

    S = limited(6)
    assert sorted(zip(S.i.tolist(), S.j.tolist()))[:3] == [(0, 1), (1, 0), (1, 2)]
    assert len(S) == 1 + 2 + 3 + 3 + 3 + 2   # k in [i-2, i+2), k != i, inside 0..5


def test_linked_variable_in_synapses(backend):
    """A synaptic (linked) variable reads a subexpression of another group at an index
    held in a synaptic variable (homeostatic_stdp_at_inhibitory_synapes.py); the values
    recorded and those on_pre reads equal Brian2's."""
    ref = REF["linked_in_synapses"]
    gf = eq.NeuronGroup(2, """G = H - gamma : Hz
                              dH/dt = -H/(5*ms) : Hz
                              gamma : Hz (constant)""", method="exact")
    gf.H = [100, 50] * Hz
    gf.gamma = [5, 7] * Hz
    pre = eq.SpikeGeneratorGroup(2, [0, 1, 0], [1, 2, 4] * ms)
    post = eq.NeuronGroup(3, "v : 1")
    S = eq.Synapses(pre, post, """G : Hz (linked)
                                  idx : integer (constant)
                                  w : 1""", on_pre="w += G*ms")
    S.connect(i=[0, 0, 1], j=[0, 1, 2])
    S.idx = "j % 2"
    S.G = eq.linked_var(gf, "G", index="idx")
    M = eq.StateMonitor(S, ["G", "w"], record=True)
    eq.Network(gf, pre, post, S, M).run(6 * ms, backend=backend)
    np.testing.assert_allclose(M.G_, ref["G"], rtol=1e-9)
    np.testing.assert_allclose(M.w, ref["w"], rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(S.w, ref["w_end"], rtol=1e-9)


def test_linked_variable_in_synapses_errors():
    G = eq.NeuronGroup(2, "x : 1")
    S = eq.Synapses(G, G, "g : 1 (linked)\nw : 1")
    S.connect()
    with pytest.raises(EqsimError) as err:   # never linked
        eq.Network(G, S).run(1 * ms, backend="numpy")
    assert err.value.code == "E756"
    with pytest.raises(EqsimError) as err:   # 4 synapses, 2 values, no index
        S.g = eq.linked_var(G, "x")
    assert err.value.code == "E756"
    with pytest.raises(EqsimError) as err:   # not declared (linked)
        S.w = eq.linked_var(G, "x", index=[0, 1, 0, 1])
    assert err.value.code == "E756"
    S.g = eq.linked_var(G, "x", index=[0, 1, 0, 1])
    G.x = [3, 4]
    eq.Network(G, S).run(1 * ms, backend="numpy")
    assert S.g.tolist() == [3, 4, 3, 4]


def test_linked_synapses_removed_with_their_companions():
    G = eq.NeuronGroup(1, "x : 1")
    S = eq.Synapses(G, G, "g : 1 (linked)")
    S.connect()
    S.g = eq.linked_var(G, "x")
    net = eq.Network(G, S)
    net.run(1 * ms, backend="numpy")
    assert len(net.objects) == 4   # G, S and the two copies
    net.remove(S)
    net.run(1 * ms, backend="numpy")
    assert net.objects == [G]
