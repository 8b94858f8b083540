"""Synapses: connectivity rules and statistics, exact delays, C = numpy on a recurrent
network, STDP against its formula, summed variables, bad input."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eqsim as eq
from eqsim import models
from eqsim.errors import ConfigurationError, DimensionError, EquationError
from eqsim.units import Hz, ms, mV, nS


def spikers(N, name=None):
    return eq.NeuronGroup(N, "v : volt\nts : second", threshold="abs(t - ts) < 0.5*dt",
                          name=name)


def receivers(N, name=None):
    return eq.NeuronGroup(N, "x : volt", name=name)


# ---- connectivity --------------------------------------------------------------------

def test_probability_within_3_sigma():
    S = eq.Synapses(receivers(400), receivers(500))
    S.connect(p=0.1, seed=1)
    n, p = 400 * 500, 0.1
    assert abs(len(S) - n * p) < 3 * np.sqrt(n * p * (1 - p))
    assert np.all(np.diff(S.i) >= 0)  # kept sorted by presynaptic neuron


def test_probability_expression_and_condition():
    A = receivers(300)
    S = eq.Synapses(A, A)
    S.connect("i != j", p="0.5*exp(-abs(i - j)/10.0)", seed=2)
    d = np.abs(S.i - S.j)
    assert np.all(d > 0)
    near, far = np.sum(d == 1), np.sum(d == 30)
    # expected counts: 2*(N-d) pairs at distance d times p(d)
    assert abs(near - 2 * 299 * 0.5 * np.exp(-0.1)) < 3 * np.sqrt(2 * 299 * 0.5)
    assert far < near / 5


def test_fixed_in_and_out_degree_exact():
    A, B = receivers(200), receivers(150)
    S = eq.Synapses(A, B)
    S.connect(in_degree=17, seed=3)
    assert np.all(np.bincount(S.j, minlength=150) == 17)
    T = eq.Synapses(A, B)
    T.connect(out_degree=9, multapses=False, seed=3)
    assert np.all(np.bincount(T.i, minlength=200) == 9)
    for k in range(200):
        assert len(set(T.j[T.i == k])) == 9
    U = eq.Synapses(A, A)
    U.connect(in_degree=5, autapses=False, seed=4)
    assert not np.any(U.i == U.j)
    V = eq.Synapses(A, B)
    V.connect(total=1234, seed=5)
    assert len(V) == 1234


def test_one_to_one_all_to_all_explicit_n_and_matrix():
    A = receivers(5)
    S = eq.Synapses(A, A)
    S.connect(j="i")
    assert np.array_equal(S.i, S.j) and len(S) == 5
    T = eq.Synapses(A, receivers(3))
    T.connect()
    assert len(T) == 15
    U = eq.Synapses(A, A)
    U.connect(i=[3, 1, 1], j=[0, 4, 2], n=2)
    assert list(U.i) == [1, 1, 1, 1, 3, 3] and list(U.j) == [4, 4, 2, 2, 0, 0]
    M = np.zeros((5, 5))
    M[1, 2], M[4, 0] = 0.5, 2.0
    V = eq.Synapses(A, A, "w : 1")
    V.connect(matrix=M)
    V.w = V.matrix_values
    assert list(V.i) == [1, 4] and list(V.w) == [0.5, 2.0]


def test_seed_reproduces_connectivity():
    a, b = eq.Synapses(receivers(100), receivers(100)), eq.Synapses(receivers(100),
                                                                      receivers(100))
    a.connect(p=0.2, seed=11)
    b.connect(p=0.2, seed=11)
    assert np.array_equal(a.i, b.i) and np.array_equal(a.j, b.j)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 30), st.integers(1, 30), st.integers(0, 6))
def test_condition_strings_are_honoured(n_pre, n_post, k):
    S = eq.Synapses(receivers(n_pre), receivers(n_post))
    S.connect(f"(i + 2*j) % 7 == {k}")
    expected = [(a, b) for a in range(n_pre) for b in range(n_post) if (a + 2 * b) % 7 == k]
    assert list(zip(S.i.tolist(), S.j.tolist())) == expected


def test_variables_from_strings_arrays_functions():
    A = eq.NeuronGroup(4, "x : volt")
    A.x = "i*mV"
    S = eq.Synapses(A, A, "w : siemens")
    S.connect()
    S.w = "1*nS*(i + 10*j)"
    assert np.allclose(S.w / nS, S.i + 10 * S.j)
    S.w = lambda i, j: (i * j) * nS
    assert np.allclose(S.w / nS, S.i * S.j)
    S.w = "x_pre/mV*nS + x_post/mV*nS"
    assert np.allclose(S.w / nS, S.i + S.j)
    S.delay = "1*ms + 2*ms*rand()"
    assert np.all((S.delay / ms >= 1) & (S.delay / ms < 3))


# ---- delays ---------------------------------------------------------------------------

@pytest.mark.parametrize("delays_ms", [[1.0, 1.0, 1.0], [0.0, 0.3, 2.5], [0.26, 0.34, 1.04]])
def test_spike_arrives_exactly_delay_after_emission(backend, delays_ms):
    """Arrival = the step in which the target variable jumps; delays that are not whole
    steps are rounded to the nearest step (0.26 ms -> 0.3 ms, 1.04 ms -> 1.0 ms)."""
    src, dst = spikers(1, "src"), receivers(3, "dst")
    src.ts = 2 * ms
    homogeneous = len(set(delays_ms)) == 1
    S = eq.Synapses(src, dst, on_pre="x_post += 1*mV", name="syn",
                    delay=delays_ms[0] * ms if homogeneous else None)
    S.connect(i=[0, 0, 0], j=[0, 1, 2])
    if not homogeneous:
        S.delay = np.array(delays_ms) * ms
    mon = eq.StateMonitor(dst, "x", record=True)
    eq.Network(src, dst, S, mon).run(6 * ms, backend=backend)
    for k, d in enumerate(delays_ms):
        # the monitor samples at the start of a step: a jump in step n shows at n + 1
        first = np.flatnonzero(mon.x_[k] > 0)[0] - 1
        assert first == 20 + int(np.floor(d / 0.1 + 0.5))


def test_delay_change_between_runs_and_queue_growth(backend):
    N = 300
    src, dst = eq.PoissonGroup(N, 400 * Hz, seed=1, name="p"), receivers(N, "r")
    S = eq.Synapses(src, dst, on_pre="x_post += 1*mV", name="s")
    S.connect(j="i")
    S.delay = "5*ms*rand()"
    spikes = eq.SpikeMonitor(src)
    net = eq.Network(src, dst, S, spikes)
    net.run(50 * ms, backend=backend)
    # every spike older than the longest delay has arrived: x counts them
    arrived = np.round(dst.x_ / 1e-3)
    late = spikes.t_ > 0.05 - 0.0051
    expected = np.bincount(spikes.i[~late], minlength=N)
    assert np.all(arrived >= expected)
    assert np.all(arrived <= np.bincount(spikes.i, minlength=N))


# ---- both backends on a recurrent network --------------------------------------------

def recurrent(backend, duration=500 * ms):
    G = eq.NeuronGroup(200, """
        dv/dt = (-v + ge - gi)/(10*ms) : volt (unless refractory)
        dge/dt = -ge/(5*ms) : volt
        dgi/dt = -gi/(10*ms) : volt""", threshold="v > 10*mV",
        reset="v = 0*mV", refractory=2 * ms, method="exact", seed=3, name="g")
    G.v = "10*mV*rand()"
    P = eq.PoissonGroup(50, 40 * Hz, seed=4, name="p")
    inp = eq.Synapses(P, G, "w : volt", on_pre="ge += w", name="inp", seed=8)
    inp.connect(p=0.2, seed=5)
    inp.w = "4*mV + 2*mV*rand()"
    stdp = dict(STDP)   # plastic excitatory synapses, weights in units of 3 mV
    stdp["on_pre"] = "ge_post += w*3*mV\n" + stdp["on_pre"]
    exc = eq.Synapses(G, G, name="exc", seed=9, **stdp)
    exc.connect("i < 160 and i != j", p=0.05, seed=6)
    exc.w = 0.5
    exc.delay = "0.5*ms + 2*ms*rand()"
    inh = eq.Synapses(G, G, on_pre="gi += 4*mV", delay=1 * ms, name="inh")
    inh.connect("i >= 160", p=0.1, seed=7)
    mon = eq.SpikeMonitor(G, name="spk")
    trace = eq.StateMonitor(G, ["v", "ge"], record=[0, 100, 199], name="tr")
    net = eq.Network(G, P, inp, exc, inh, mon, trace)
    net.run(duration, backend=backend)
    return mon, trace, exc.w.copy()


def test_recurrent_network_identical_on_both_backends():
    """200 neurons, Poisson input, per-synapse delays, STDP, 500 ms."""
    (mc, tc, wc), (mn, tn, wn) = recurrent("c"), recurrent("numpy")
    assert mc.num_spikes > 100
    assert np.array_equal(wc, wn) and np.std(wc) > 0.01   # the weights did change
    assert np.array_equal(mc.i, mn.i) and np.array_equal(mc.t_, mn.t_)
    assert np.allclose(tc.v_, tn.v_, rtol=1e-9, atol=1e-15)


# ---- plasticity ----------------------------------------------------------------------

STDP = dict(models.STDP, namespace=dict(taupre=20 * ms, taupost=20 * ms, dApre=0.01,
                                        dApost=-0.0105, wmax=1.0))


@pytest.mark.parametrize("delta_ms", [-40, -10, -2, 3, 10, 40])
def test_stdp_pair_weight_change_matches_the_rule(backend, delta_ms):
    """One pre spike at 20 ms, one post spike at 20 ms + delta: the weight changes by
    dApre*exp(-delta/taupre) if delta > 0, dApost*exp(delta/taupost) otherwise."""
    pre, post = spikers(1, "pre"), spikers(1, "post")
    pre.ts, post.ts = 50 * ms, (50 + delta_ms) * ms
    S = eq.Synapses(pre, post, name="stdp", **STDP)
    S.connect()
    S.w = 0.5
    eq.Network(pre, post, S).run(120 * ms, backend=backend)
    if delta_ms > 0:
        expected = 0.01 * np.exp(-delta_ms / 20)
    else:
        expected = -0.0105 * np.exp(delta_ms / 20)
    assert float(S.w[0]) - 0.5 == pytest.approx(expected, rel=1e-9)


# ---- summed variables ------------------------------------------------------------------

def test_summed_variable_gap_junction(backend):
    G = eq.NeuronGroup(3, "dv/dt = (-v + R*I_gap)/(10*ms) : volt\nI_gap : amp",
                       namespace={"R": 1e8 * eq.units.ohm}, method="euler", name="g")
    G.v = [10, 0, 0] * mV
    S = eq.Synapses(G, G, "g_gap : siemens\nI_gap_post = g_gap*(v_pre - v_post) : amp "
                    "(summed)", name="gap")
    S.connect("i != j")
    S.g_gap = 1 * nS
    eq.Network(G, S).run(0.3 * ms, backend=backend)
    v = G.v_
    # total charge is conserved by the coupling; the leak drains each v alike
    assert v[1] == pytest.approx(v[2]) and v[1] > 0 and v[0] < 0.01
    assert float(np.sum(G.I_gap_)) == pytest.approx(0.0, abs=1e-20)


# ---- bad input ---------------------------------------------------------------------------

def test_bad_input_is_caught_before_running():
    A, B = receivers(4), receivers(3)
    with pytest.raises(ConfigurationError, match="same length"):
        eq.Synapses(A, B).connect(i=[0, 1, 2], j=[0, 1])
    with pytest.raises(ConfigurationError, match="out of range"):
        eq.Synapses(A, B).connect(i=[0, 1], j=[0, 3])
    with pytest.raises(ConfigurationError, match="same size"):
        eq.Synapses(A, B).connect(j="i")
    with pytest.raises(ConfigurationError, match="expected \\(4, 3\\)"):
        eq.Synapses(A, B).connect(matrix=np.ones((3, 4)))
    S = eq.Synapses(A, B)
    S.connect()
    with pytest.raises(ConfigurationError, match=">= 0"):
        S.delay = -1 * ms
    with pytest.raises(DimensionError):
        S.delay = 3 * mV
    with pytest.raises(EquationError, match="cannot assign to .y_post."):
        eq.Synapses(spikers(2), B, on_pre="y_post += 1*mV")
    with pytest.raises(EquationError, match="shadows"):
        eq.Synapses(spikers(2), B, "x : volt", on_pre="x_post += x")
    with pytest.raises(ConfigurationError, match="no threshold"):
        eq.Synapses(B, A, on_pre="x_post += 1*mV")


# ---- subgroups ---------------------------------------------------------------------------

def test_subgroups_as_sources_targets_and_monitor_sources(backend):
    src = spikers(10, "src")
    src.ts = "0.1*ms*(i + 1)"
    dst = receivers(6, "dst")
    S = eq.Synapses(src[4:8], dst[2:5], on_pre="x_post += (i + 1)*mV*N_pre", name="sub")
    S.connect(i=[0, 3], j=[2, 0])
    spk = eq.SpikeMonitor(src[4:8])
    tr = eq.StateMonitor(dst[2:5], "x", record=True)
    eq.Network(src, dst, S, spk, tr).run(2 * ms, backend=backend)
    # source subgroup neurons 0 and 3 are src neurons 4 and 7; targets 2, 0 -> dst 4, 2
    assert list(dst.x / mV) == [0, 0, 4 * 4, 0, 1 * 4, 0]
    assert list(spk.i) == [0, 1, 2, 3] and np.allclose(spk.t / ms, [0.5, 0.6, 0.7, 0.8])
    assert list(spk.count) == [1, 1, 1, 1]
    assert tr.x.shape[0] == 3 and float(tr.x_[2, -1]) == pytest.approx(4e-3)


def test_subgroup_variables_view():
    G = eq.NeuronGroup(10, "v : volt")
    G[:4].v = 3 * mV
    G[8:].v = np.array([1, 2]) * mV
    assert list(G.v / mV) == [3, 3, 3, 3, 0, 0, 0, 0, 1, 2]
    assert list(G[8:].v / mV) == [1, 2]
    with pytest.raises(ConfigurationError, match="contiguous"):
        G[::2]


# ---- clock-driven synapses and monitors of synapses -------------------------------------

def test_clock_driven_saturating_synapses_and_synaptic_state_monitor(backend):
    """NMDA-like saturating synapses: s rises by alpha*x*(1 - s) and decays with taud;
    the summed total stays below the number of synapses, and with one spike the pure
    decay phase matches exp(-t/taud)."""
    src = spikers(2, "src")
    src.ts = [1, 3] * ms
    G = eq.NeuronGroup(2, "v : volt\ns_tot : 1", name="tgt")
    S = eq.Synapses(src, G, """ds/dt = -s/taud + alpha*x*(1 - s) : 1 (clock-driven)
                               dx/dt = -x/taur : 1 (clock-driven)
                               s_tot_post = s : 1 (summed)""", on_pre="x += 5",
                    namespace=dict(taud=50 * ms, taur=0.5 * ms, alpha=2 / ms),
                    method="rk4", name="nmda")
    S.connect(i=[0, 1, 1], j=[0, 0, 1])
    tot = eq.StateMonitor(G, "s_tot", record=True, name="tot")
    syn = eq.StateMonitor(S, ["s", "x"], record=[0, 2], name="syn")
    eq.Network(src, G, S, tot, syn).run(60 * ms, backend=backend)
    s = syn.s_
    assert syn.s.shape == (2, 600) and np.all(s <= 1) and s.max() > 0.9
    assert np.all(tot.s_tot_[0] <= 2)
    late = syn.t_ > 0.03     # x has decayed: s decays exponentially
    ratio = s[0, late][1:] / s[0, late][:-1]
    assert np.allclose(ratio, np.exp(-1e-4 / 0.05), rtol=1e-6)
    # target 1 has only synapse 2; as in Brian2 the sum is taken in 'groups' before the
    # synapses' update, so it is the value of s one step earlier
    assert np.allclose(tot.s_tot_[1][1:], syn.s_[1][:-1]) and tot.s_tot_[1][0] == 0


def test_clock_driven_synapses_identical_on_both_backends():
    runs = []
    for backend in ("c", "numpy"):
        P = eq.PoissonGroup(20, 80 * Hz, seed=1, name="p")
        G = eq.NeuronGroup(5, "g_tot : 1", name="g")
        S = eq.Synapses(P, G, """ds/dt = -s/(20*ms) + 0.3*x*(1 - s)/ms : 1 (clock-driven)
                                 dx/dt = -x/(2*ms) : 1 (clock-driven)
                                 g_tot_post = s*w : 1 (summed)
                                 w : 1""", on_pre="x += 1", name="s", seed=3)
        S.connect(p=0.5, seed=2)
        S.w = "rand()"
        mon = eq.StateMonitor(G, "g_tot", record=True)
        eq.Network(P, G, S, mon).run(100 * ms, backend=backend)
        runs.append(mon.g_tot_)
    assert runs[0].max() > 0.1
    assert np.allclose(runs[0], runs[1], rtol=1e-9, atol=1e-14)


def test_weights_from_a_function_of_source_target_and_edge_properties():
    A = eq.NeuronGroup(3, "x : 1")
    S = eq.Synapses(A, A, "w : siemens\nlength : 1")
    S.connect()
    S.length = "abs(i - j)*1.0"
    S.delay = "0.5*ms*abs(i - j)"
    S.w = lambda i, j, edges: 1 * nS * np.exp(-edges["length"]) + 0 * nS * i
    assert np.allclose(S.w / nS, np.exp(-np.abs(S.i - S.j)))
    S.w = lambda i, j, edges: edges["delay"] / ms * nS
    assert np.allclose(S.w / nS, 0.5 * np.abs(S.i - S.j))


def test_one_sided_conditions_select_rows_or_columns():
    """'i < 300' or 'j >= 100' select sources or targets: still Bernoulli(p) per pair."""
    A, B = receivers(400), receivers(500)
    S = eq.Synapses(A, B)
    S.connect("i < 300", p=0.1, seed=1)
    n = 300 * 500
    assert S.i.max() < 300 and abs(len(S) - 0.1 * n) < 3 * np.sqrt(n * 0.09)
    T = eq.Synapses(A, B)
    T.connect("j >= 100", p=0.1, seed=1)
    n = 400 * 400
    assert T.j.min() >= 100 and abs(len(T) - 0.1 * n) < 3 * np.sqrt(n * 0.09)
    assert np.all(np.diff(T.i) >= 0)
    U = eq.Synapses(A, A)
    U.connect("i < 200", p=1.0, autapses=False)
    assert len(U) == 200 * 399 and not np.any(U.i == U.j)


def test_store_restore_keeps_spikes_in_flight_and_survives_reconnection(backend):
    """Spikes queued with long delays at store() arrive after restore(), also when the
    connectivity changed in between."""
    src, dst = spikers(1, "src"), receivers(2, "dst")
    src.ts = 1 * ms
    S = eq.Synapses(src, dst, on_pre="x_post += 1*mV", name="syn")
    S.connect(i=0, j=0)
    S.delay = 5 * ms
    net = eq.Network(src, dst, S)
    net.run(2 * ms, backend=backend)   # the spike is in flight
    net.store()
    net.run(10 * ms, backend=backend)
    assert list(dst.x / mV) == [1, 0]
    S.connect(i=0, j=1)                # a change of structure ...
    net.restore()                      # ... undone: back to one synapse and the spike
    assert len(S) == 1
    net.run(10 * ms, backend=backend)
    assert list(dst.x / mV) == [1, 0]


# ---- storage: compressed rows, float32 variables ---------------------------------------

def _small_net(dtype=None, on_post=None, backend="c"):
    G = eq.NeuronGroup(200, "dv/dt = (ge - v)/(10*ms) : volt\ndge/dt = -ge/(5*ms) : volt",
                       threshold="v > 10*mV", reset="v = 0*mV", method="exact", name="g",
                       seed=1)
    G.v = "12*mV*rand()"
    S = eq.Synapses(G, G, "w : volt", on_pre="ge += w", on_post=on_post, name="s", seed=2,
                    dtype=dtype)
    S.connect(p=0.1, seed=3)
    S.connect(i=[5, 0, 199], j=[1, 2, 3])          # a second call: rows re-sorted
    S.w = "0.4*mV*rand()"
    mon = eq.SpikeMonitor(G)
    eq.Network(G, S, mon).run(100 * ms, backend=backend)
    return S, mon


def test_source_index_is_expanded_only_when_needed():
    S, _ = _small_net()
    assert S._pre_cache is None                      # the delivery reads the queue
    i = S.i
    assert np.all(np.diff(i) >= 0) and len(i) == len(S) == len(S.j)
    assert {(5, 1), (0, 2), (199, 3)} <= set(zip(i.tolist(), S.j.tolist()))
    S2, _ = _small_net(on_post="w = w + 1e-6*v_pre")  # on_post reads a source variable
    assert S2._pre_cache is not None and np.array_equal(S2._pre_cache, S2.i)


@pytest.mark.parametrize("dtype", [np.float32, {"w": np.float32}])
def test_float32_synaptic_variables(dtype):
    (S, mc), (Sn, mn) = _small_net(dtype), _small_net(dtype, backend="numpy")
    assert S.arrays["w"].dtype == np.float32 and S.w_.dtype == np.float32
    assert np.array_equal(mc.i, mn.i) and np.array_equal(S.w_, Sn.w_)
    S64, m64 = _small_net()
    assert np.allclose(S.w_, S64.w_, rtol=1e-7)      # the weights rounded to float32
    assert mc.num_spikes > 20


def test_bad_dtype():
    G = eq.NeuronGroup(2, "v : volt", threshold="v > 1*mV")
    with pytest.raises(eq.ConfigurationError, match="no such") as err:
        eq.Synapses(G, G, "w : 1", on_pre="v += w*mV", dtype={"u": np.float32})
    assert err.value.code == "E750"
    with pytest.raises(eq.ConfigurationError, match="float64"):
        eq.Synapses(G, G, "w : 1", on_pre="v += w*mV", dtype=np.int32)
