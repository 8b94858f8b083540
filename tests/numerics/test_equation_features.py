"""Equation features against Brian2 2.9 on the same scripts (docs/equations.md): the
models are in tests/numerics/equation_feature_models.py, the reference data from
benchmarks/reference/brian2_equation_features.py in
tests/data/brian2_equation_features.json. Deterministic models: spike times equal (to
the step), traces within the stated tolerances, on both backends."""
import json

import numpy as np
import pytest

import eqsim as eq
from eqsim import units as U
from eqsim.errors import SimulationError
from eqsim.units import mV, ms, nA

from ..conftest import DATA
from . import equation_feature_models as M

REF = json.loads((DATA / "brian2_equation_features.json").read_text())


def _ns(d):
    return {k: v * getattr(U, u) for k, (v, u) in d.items()}


def _steps(times_ms, dt_ms):
    return np.round(np.asarray(times_ms) / dt_ms).astype(int)


def _dt(value_ms):
    eq.defaultclock.dt = value_ms * ms


@pytest.fixture(autouse=True)
def _restore_dt():
    old = eq.defaultclock.dt
    yield
    eq.defaultclock.dt = old


def test_overflow_caught_by_threshold_is_reset_not_reported(backend):
    """AdExp with rk4 at dt = 0.01 ms: v becomes inf in the update of the spike at
    24.2 ms (exp overflows in rk4's last stage); the threshold catches it and the reset
    replaces it. Spike times equal Brian2's to the step over 200 ms."""
    _dt(M.ADEX_DT_MS)
    G = eq.NeuronGroup(1, M.ADEX, threshold=M.ADEX_THRESHOLD, reset=M.ADEX_RESET,
                       method="rk4", namespace=_ns(M.ADEX_PARAMS))
    G.v = M.ADEX_PARAMS["EL"][0] * mV
    sm = eq.SpikeMonitor(G)
    t_ms = M.ADEX_T_MS if backend == "c" else 30    # numpy: to past the overflow
    eq.Network(G, sm).run(t_ms * ms, backend=backend)
    ref = [x for x in REF["adex_rk4"]["spikes_ms"] if x < t_ms]
    assert len(ref) == (5 if backend == "c" else 3)
    assert np.array_equal(_steps(sm.t / ms, M.ADEX_DT_MS), _steps(ref, M.ADEX_DT_MS))
    assert np.isfinite(G.v_).all() and np.isfinite(G.w_).all()


def test_overflow_of_a_variable_no_reset_touches_is_e601(backend):
    """The same overflow in u, which the reset does not touch, is still an error that
    names u (checked after the resets, so v's reset does not hide it)."""
    _dt(M.ADEX_DT_MS)
    model = M.ADEX + "du/dt = exp(v/mV + 700)/ms : 1\n"
    G = eq.NeuronGroup(1, model, threshold=M.ADEX_THRESHOLD, reset=M.ADEX_RESET,
                       method="rk4", namespace=_ns(M.ADEX_PARAMS))
    G.v = -40 * mV
    with pytest.raises(SimulationError, match=r"E601.*\bu of neuron 0 .*became inf"):
        eq.Network(G).run(1 * ms, backend=backend)


def test_exponential_euler_with_instantaneous_gate_matches_brian2(backend):
    """Wang & Buzsaki (1996): m(v)**3 in dv/dt depends on v inside functions; Brian2
    collects dv/dt on v and integrates it with exponential_euler. Same spike times; v
    within 1e-6 relative (eqsim writes x + dt*(A x + B)*exprel(A dt), Brian2
    (x + B/A)*exp(A dt) - B/A: the same to rounding)."""
    _dt(M.WB_DT_MS)
    G = eq.NeuronGroup(1, M.WB, threshold=M.WB_THRESHOLD, refractory=M.WB_THRESHOLD,
                       method="exponential_euler", namespace=_ns(M.WB_PARAMS))
    G.v = -70 * mV
    G.h = 1
    st = eq.StateMonitor(G, "v", record=0, dt=M.WB_RECORD_EVERY * M.WB_DT_MS * ms)
    sm = eq.SpikeMonitor(G)
    t_ms = M.WB_T_MS if backend == "c" else 25     # numpy: the first two spikes
    eq.Network(G, st, sm).run(t_ms * ms, backend=backend)
    ref = REF["wang_buzsaki"]
    spikes = [x for x in ref["spikes_ms"] if x < t_ms]
    assert len(spikes) == (9 if backend == "c" else 2)
    assert np.array_equal(_steps(sm.t / ms, M.WB_DT_MS), _steps(spikes, M.WB_DT_MS))
    v = np.asarray(st.v[0] / mV)
    np.testing.assert_allclose(v, ref["v_mV"][:len(v)], rtol=1e-6, atol=1e-9)
    assert len(v) == t_ms * 10
    assert G.spec.method == "exponential_euler"


def test_integer_and_boolean_variables_match_brian2(backend):
    _dt(0.1)
    G = eq.NeuronGroup(6, M.TYPES, threshold="v > 1", reset=M.TYPES_RESET,
                       method="euler", namespace={})
    G.n = M.TYPES_INIT_N
    G.fl = M.TYPES_INIT_FL
    ref = REF["types"]
    for k in M.TYPES_READ:
        assert np.array_equal(np.asarray(getattr(G, k), dtype=float),
                              ref["before"][k]), k
    assert {k: str(getattr(G, k).dtype) for k in ("n", "fl")} == ref["dtypes"]
    eq.Network(G).run(M.TYPES_T_MS * ms, backend=backend)
    for k in ("n", "fl"):
        assert np.array_equal(np.asarray(getattr(G, k), dtype=float), ref["after"][k]), k
    np.testing.assert_allclose(G.v, ref["after"]["v"], rtol=1e-12)
    H = eq.NeuronGroup(6, "n : integer", namespace={})
    for value in M.TYPES_ASSIGN:
        H.n = value
        assert H.n.tolist() == ref["assigned"][str(value)], value


def test_constant_over_dt_and_shared_match_brian2(backend):
    """I (constant over dt) is evaluated once per step and held through rk4's stages
    (with I re-evaluated at t + dt/2 the traces differ by ~1e-3 relative); rate and m
    are (shared). Traces within 1e-9 relative, spikes equal."""
    _dt(M.HELD_DT_MS)
    G = eq.NeuronGroup(3, M.HELD, method="rk4", threshold=M.HELD_THRESHOLD,
                       reset=M.HELD_RESET, namespace={})
    G.rate = M.HELD_RATE_HZ * U.Hz
    assert G.arrays["rate"].shape == (1,)
    st = eq.StateMonitor(G, ["v", "I", "w"], record=True)
    sm = eq.SpikeMonitor(G)
    eq.Network(G, st, sm).run(M.HELD_T_MS * ms, backend=backend)
    ref = REF["held"]
    np.testing.assert_allclose(st.I / nA, ref["I_nA"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(st.v / mV, ref["v_mV"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(st.w, ref["w"], rtol=1e-9, atol=1e-12)
    assert sm.i.tolist() == ref["spike_i"]
    assert np.array_equal(_steps(sm.t / ms, M.HELD_DT_MS), _steps(ref["spike_ms"],
                                                                    M.HELD_DT_MS))


@pytest.mark.parametrize("form", sorted(M.REF_FORMS))
def test_lastspike_not_refractory_and_refractory_forms_match_brian2(backend, form):
    _dt(M.REF_DT_MS)
    G = eq.NeuronGroup(4, M.REF, threshold="v > 1", reset="v = 0",
                       refractory=M.REF_FORMS[form], method="euler", namespace={})
    G.ref = "(i + 1)*ms"
    sm = eq.SpikeMonitor(G)
    st = eq.StateMonitor(G, ["x", "since"], record=True)
    eq.Network(G, sm, st).run(M.REF_T_MS * ms, backend=backend)
    ref = REF["refractory"][form]
    assert sm.i.tolist() == ref["spike_i"]
    assert np.array_equal(_steps(sm.t / ms, M.REF_DT_MS), _steps(ref["spike_ms"],
                                                                   M.REF_DT_MS))
    np.testing.assert_allclose(G.lastspike / ms, ref["lastspike_ms"], rtol=1e-12)
    assert G.not_refractory.tolist() == ref["not_refractory"]
    np.testing.assert_allclose(st.x, ref["x"], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(st.since / ms, ref["since_ms"], rtol=1e-12)


def test_linked_variables_match_brian2(backend):
    """G2.v reads G1.v through index= (3 of 4 neurons, reordered), G3.v all of G1.v via
    linked_var(G1.v); both see G1's current values in their compiled update (G1's array
    itself is bound, no copy). Traces within 1e-12. The names fix the order of the updates
    in Brian2 (ties in a schedule slot go by name) to the order eqsim runs them in."""
    _dt(M.LINK_DT_MS)
    G1 = eq.NeuronGroup(4, M.LINK_SOURCE, threshold="v > 1", reset="v = 0",
                        method="euler", namespace={}, name="a_source")
    G2 = eq.NeuronGroup(3, M.LINK_TARGET, method="euler", namespace={}, name="b_target")
    G2.v = eq.linked_var(G1, "v", index=np.array(M.LINK_INDEX))
    G3 = eq.NeuronGroup(4, M.LINK_TARGET, method="euler", namespace={}, name="c_target")
    G3.v = eq.linked_var(G1.v)
    assert G2.arrays["v"] is G1.arrays["v"] and G3.arrays["v"] is G1.arrays["v"]
    st2 = eq.StateMonitor(G2, ["x", "v"], record=True)
    st3 = eq.StateMonitor(G3, ["x"], record=True)
    eq.Network(G1, G2, G3, st2, st3).run(M.LINK_T_MS * ms, backend=backend)
    ref = REF["linked"]
    np.testing.assert_allclose(st2.v, ref["v2"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(st2.x, ref["x2"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(st3.x, ref["x3"], rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(G2.v, np.asarray(G1.v)[list(M.LINK_INDEX)])


NOISE_MODEL = """
dx/dt = -x/tau + s*sqrt(1/tau)*(xi_pop + xi_b) : 1
dy/dt = -y/tau + s*sqrt(2/tau)*xi_pop : 1
dz/dt = -z/tau + s*sqrt(2/tau)*xi_c : 1
"""


def _noise_group(n):
    return eq.NeuronGroup(n, NOISE_MODEL, method="euler_maruyama", seed=11,
                          namespace={"tau": 10 * ms, "s": 2.0})


def test_named_noise_is_the_same_on_both_backends():
    _dt(0.1)
    out = {}
    for backend in ("c", "numpy"):
        G = _noise_group(50)
        eq.Network(G).run(3 * ms, backend=backend)
        out[backend] = [np.asarray(getattr(G, k)) for k in "xyz"]
    np.testing.assert_allclose(out["c"], out["numpy"], rtol=1e-12, atol=1e-15)


def test_named_noise_sources_are_independent_and_shared_by_name():
    """Named white noise (Brian2's xi_*): each name is one source per neuron and step;
    the same name in two equations is the same source, different names are independent.
    x is driven by xi_pop + xi_b, y by xi_pop alone, z by xi_c: all three have the OU
    variance s**2 (within 3 %, Euler-Maruyama's discrete variance s**2/(1 - dt/(2 tau))
    taken into account), corr(x, y) = 1/sqrt(2), corr(x, z) = 0 (within 0.03)."""
    s, dt = 2.0, 0.1
    _dt(dt)
    G = _noise_group(20000)
    eq.Network(G).run(60 * ms, backend="c")     # 6 tau: stationary to 1e-5
    want = s ** 2 / (1 - dt / (2 * 10))
    x, y, z = (np.asarray(getattr(G, k)) for k in "xyz")
    for k, values in zip("xyz", (x, y, z)):
        assert abs(np.var(values) / want - 1) < 0.03, k
    assert abs(np.corrcoef(x, y)[0, 1] - 2 ** -0.5) < 0.03
    assert abs(np.corrcoef(x, z)[0, 1]) < 0.03
