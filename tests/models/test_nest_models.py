"""eqsim.models.nest against NEST 3.10 itself.

The reference data (tests/data/nest_neurons.npz, nest_synapses.npz) were made by
benchmarks/reference/nest_point_models.py: each neuron model (NEST's defaults and a
variant) under a step current and under Poisson spike trains through static_synapse
(excitatory and inhibitory weights, delays 0.1-2.3 ms, one of them 0.25 ms, which NEST
rounds to 0.3), and stdp_synapse / tsodyks_synapse on pre/post pairings. eqsim replays the
same inputs (tests/models/nest_replay.py). Tolerances, as measured (docs/nest_models.md):

* exactly integrated models (iaf_psc_delta/exp/alpha; izhikevich, which NEST steps with
  forward Euler as eqsim does): the same spike steps, V_m within 1e-9 relative
  (measured 1e-14);
* iaf_cond_exp/alpha (NEST: adaptive RKF45, absolute tolerance 1e-3; eqsim: rk4 at the
  same 0.1 ms): the same spike steps, |dV_m| < 2e-3 mV (measured 7e-4);
* hh_psc_alpha (eqsim: rk4x2, two rk4 half-steps per 0.1 ms): spike steps within one
  step (measured: all equal but one), |dV_m| < 0.2 mV at the spike peaks and median
  < 1e-3 mV (measured 0.125 and 1.9e-4);
* aeif_cond_exp/alpha: same spike counts, spike times within 0.8 ms (measured 0.6: NEST
  resets inside the step at the RKF45 sub-step where V_m crosses V_peak and goes on
  integrating, eqsim at the end of the step), median |dV_m| < 0.05 mV (measured 0.035).
"""
import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import EqsimError
from eqsim.models import nest
from eqsim.units import ms

from .nest_replay import (load, run_poisson, run_step, run_stdp, run_tsodyks)

NEURONS = load("nest_neurons.npz")
SYNAPSES = load("nest_synapses.npz")


def _compare(model, proto, out, ref=NEURONS):
    """Per neuron: (NEST spike times, eqsim spike times, NEST V_m, eqsim V_m)."""
    key = f"{model}/{proto}/"
    rows = []
    for k in range(2):
        rt = np.sort(ref[key + "spike_t"][ref[key + "spike_i"] == k])
        et = np.sort(out["spike_t"][out["spike_i"] == k])
        if key + f"V_m_{k}" in ref:
            rv = ref[key + f"V_m_{k}"]
            ev = out["V_m"][k][:rv.size]
        else:
            rv = ev = None
        rows.append((rt, et, rv, ev))
    return rows


def _run(model, proto, backend="c"):
    return (run_step if proto == "step" else run_poisson)(NEURONS, model, backend)


@pytest.mark.parametrize("model", ["iaf_psc_delta", "iaf_psc_exp", "iaf_psc_alpha",
                                   "izhikevich"])
@pytest.mark.parametrize("proto", ["step", "poisson"])
def test_exactly_integrated_models_equal_nest(model, proto):
    for rt, et, rv, ev in _compare(model, proto, _run(model, proto)):
        assert rt.size == et.size and np.allclose(et, rt, rtol=0, atol=1e-6), (rt, et)
        assert np.max(np.abs(ev - rv) / np.abs(rv)) < 1e-9


def test_spiking_inputs_on_both_backends():
    """The numpy backend gives the C backend's (and NEST's) numbers."""
    c = _run("iaf_psc_alpha", "poisson", "c")
    py = _run("iaf_psc_alpha", "poisson", "numpy")
    assert np.array_equal(c["spike_t"], py["spike_t"])
    assert np.allclose(c["V_m"], py["V_m"], rtol=1e-12, atol=0)


# (under the step current, without synaptic input, the *_alpha models are the *_exp ones)
@pytest.mark.parametrize("model, proto", [("iaf_cond_exp", "step"),
                                          ("iaf_cond_exp", "poisson"),
                                          ("iaf_cond_alpha", "poisson")])
def test_conductance_iaf_models_match_nest(model, proto):
    for rt, et, rv, ev in _compare(model, proto, _run(model, proto)):
        assert rt.size == et.size and np.allclose(et, rt, rtol=0, atol=1e-6), (rt, et)
        assert np.max(np.abs(ev - rv)) < 2e-3


@pytest.mark.parametrize("proto", ["poisson"])   # (step: same numbers, docs; 4 s more)
def test_hh_psc_alpha_matches_nest(proto):
    for rt, et, rv, ev in _compare("hh_psc_alpha", proto, _run("hh_psc_alpha", proto)):
        assert rt.size == et.size and np.allclose(et, rt, rtol=0, atol=0.1 + 1e-6)
        assert np.max(np.abs(ev - rv)) < 0.2 and np.median(np.abs(ev - rv)) < 1e-3


@pytest.mark.parametrize("model, proto", [("aeif_cond_exp", "step"),
                                          ("aeif_cond_exp", "poisson"),
                                          ("aeif_cond_alpha", "poisson")])
def test_aeif_models_match_nest(model, proto):
    for rt, et, rv, ev in _compare(model, proto, _run(model, proto)):
        assert rt.size == et.size and rt.size > 0
        assert np.max(np.abs(et - rt)) <= 0.8 + 1e-6, (rt, et)
        assert np.median(np.abs(ev - rv)) < 0.05


def test_parrot_repeats_each_input_once_per_step():
    """The parrot fires in the step its input arrives, as NEST's; NEST sends one event
    of multiplicity n for n inputs in one step, eqsim one spike."""
    out = _run("parrot_neuron", "poisson")
    key = "parrot_neuron/poisson/"
    for k in range(2):
        rt = np.unique(np.round(NEURONS[key + "spike_t"][NEURONS[key + "spike_i"] == k],
                                6))
        et = out["spike_t"][out["spike_i"] == k]
        assert rt.size > 50 and np.allclose(np.sort(et), rt, rtol=0, atol=1e-6)


def test_tsodyks_synapse_matches_nest():
    out = run_tsodyks(SYNAPSES, "c")
    for k in range(2):   # depressing and facilitating, subthreshold
        rv = SYNAPSES[f"tsodyks/V_m_{k}"]
        ev = out["V_m"][k][:rv.size]
        assert np.ptp(rv) > 0.5
        assert np.max(np.abs(ev - rv) / np.abs(rv)) < 1e-9


def test_stdp_synapse_matches_nest(backend):
    """The weight sent with every presynaptic spike (NEST's weight_recorder), including
    postsynaptic spikes within the delay of a presynaptic one (NEST's dendritic delay),
    and presynaptic doublets closer than the delay; two parameter sets in one call.
    Both backends (they agree bit for bit)."""
    out = run_stdp(SYNAPSES, backend)
    assert np.allclose(out["spike_t"], SYNAPSES["stdp/spike_t"], rtol=0, atol=1e-6)
    for k in range(2):
        rt = SYNAPSES["stdp/w_t"][SYNAPSES["stdp/w_i"] == k]
        rw = SYNAPSES["stdp/w_w"][SYNAPSES["stdp/w_i"] == k]
        et, ew = out["w_t"][out["w_i"] == k], out["w_w"][out["w_i"] == k]
        assert np.allclose(np.sort(et), rt, rtol=0, atol=1e-6)
        assert np.ptp(rw) > 5
        assert np.allclose(ew[np.argsort(et, kind="stable")], rw, rtol=1e-10, atol=0)
    rv = SYNAPSES["stdp/V_m_0"]
    assert np.max(np.abs(out["V_m"][0][:rv.size] - rv)) < 1e-9


# ---- conventions, checked without NEST ------------------------------------------------

def _kernel(model, weight, var, params=None, run=30):
    gen = nest.spike_generator(1, [0], [5.0])
    G = nest.neuron_group(model, 1, {"V_th": 1e6, **(params or {})})
    S = nest.synapses(gen, G, i=np.array([0]), j=np.array([0]), weight=weight, delay=1.0)
    st = eq.StateMonitor(G, var, record=0)
    eq.Network(gen, G, S, st).run(run * ms, backend="numpy")
    return st.t_ * 1e3, getattr(st, var + "_")[0]


def test_weight_conventions():
    # psc alpha: a weight of 1 pA peaks at 1 pA, tau_syn after the arrival (5 + 1 ms)
    t, i_ex = _kernel("iaf_psc_alpha", 1.0, "I_syn_ex", {"tau_syn_ex": 2.0})
    assert np.max(i_ex) == pytest.approx(1e-12, rel=1e-12)
    assert t[np.argmax(i_ex)] == pytest.approx(8.0)
    # cond alpha: 1 nS peaks at 1 nS; a negative weight goes to g_in, positive
    t, g_in = _kernel("iaf_cond_alpha", -2.0, "g_in", {"tau_syn_in": 2.0})
    assert np.max(g_in) == pytest.approx(2e-9, rel=1e-12)
    assert t[np.argmax(g_in)] == pytest.approx(8.0)
    # exp kernels jump by the weight at 5 + 1 ms
    at = {6.0: 60, 5.9: 59}    # record index of a time (ms) at dt = 0.1 ms
    t, g_ex = _kernel("iaf_cond_exp", 3.0, "g_ex")
    assert g_ex[at[6.0]] == pytest.approx(3e-9, rel=1e-12) and g_ex[at[5.9]] == 0
    t, i_in = _kernel("iaf_psc_exp", -4.0, "I_syn_in")
    assert i_in[at[6.0]] == pytest.approx(-4e-12, rel=1e-12) and i_in[at[5.9]] == 0
    # delta: the membrane jumps by the weight in mV
    t, v = _kernel("iaf_psc_delta", 0.5, "V_m", {"E_L": -70.0, "V_m": -70.0})
    assert v[at[6.0]] - v[at[5.9]] == pytest.approx(5e-4, rel=1e-9)


def test_target_kind_weight_unit_and_defaults():
    kinds = {m: nest.target_kind(nest.neuron_group(m, 1)) for m in nest.NEST_NEURON_MODELS}
    assert kinds["iaf_psc_alpha"] == "psc" and kinds["aeif_cond_alpha"] == "cond"
    assert kinds["parrot_neuron"] == "parrot" and kinds["iaf_cond_exp"] == "cond"
    assert nest.weight_unit(nest.neuron_group("iaf_psc_delta", 1)) == "mV"
    G = nest.neuron_group("aeif_cond_alpha", 2, {"a": [1.0, 2.0]})
    assert np.allclose(G.a_, [1e-9, 2e-9]) and np.allclose(G.b_, 80.5e-12)
    assert np.allclose(G.C_m_, 281e-12) and np.allclose(G.V_m_, -70.6e-3)
    assert nest.parameters("stdp_synapse")["tau_plus"] == (20.0, "ms")
    assert set(nest.NEST_SYNAPSE_MODELS) == {"static_synapse", "stdp_synapse",
                                             "tsodyks_synapse"}


def test_refractory_steps_and_delays_round_as_nest():
    """t_ref is rounded up to steps (2.01 ms clamps 21 steps), delays to the nearest step
    (0.25 ms -> 3 steps), and a delay below one step is refused."""
    G = nest.neuron_group("iaf_psc_delta", 2, {"t_ref": [2.0, 2.01], "I_e": 2000.0,
                                               "V_reset": -70.0})
    mon = eq.SpikeMonitor(G)
    eq.Network(G, mon).run(20 * ms, backend="numpy")
    t0 = np.diff(mon.t_[mon.i == 0]) * 1e3
    t1 = np.diff(mon.t_[mon.i == 1]) * 1e3
    assert np.allclose(t1 - t0[:t1.size], 0.1)   # one more clamped step
    gen = nest.spike_generator(1, [0], [1.0])
    P = nest.neuron_group("parrot_neuron", 2)
    S = nest.synapses(gen, P, i=np.array([0, 0]), j=np.array([0, 1]), weight=1.0,
                      delay=[0.25, 0.1])
    mon = eq.SpikeMonitor(P)
    eq.Network(gen, P, S, mon).run(3 * ms, backend="numpy")
    got = dict(zip(mon.i.tolist(), nest.to_nest_times(mon.t_, 1e-4)))
    assert got[0] == pytest.approx(1.3) and got[1] == pytest.approx(1.1)
    with pytest.raises(EqsimError, match="E944"):
        nest.synapses(gen, P, i=np.array([0]), j=np.array([0]), weight=1.0, delay=0.04)


def test_errors_name_what_is_wrong():
    with pytest.raises(EqsimError, match="iaf_psc_alpha") as err:
        nest.neuron_group("iaf_psc_alfa", 1)
    assert err.value.code == "E940"
    with pytest.raises(EqsimError, match="tau_mem") as err:
        nest.neuron_group("iaf_psc_alpha", 1, {"tau_mem": 10.0})
    assert err.value.code == "E941" and "tau_m" in str(err.value)
    with pytest.raises(EqsimError, match="V_reset must be smaller"):
        nest.neuron_group("iaf_psc_alpha", 1, {"V_reset": -50.0})
    with pytest.raises(EqsimError, match="E942"):
        nest.neuron_group("iaf_psc_alpha", 3, {"tau_m": [1.0, 2.0]})
    G = nest.neuron_group("iaf_psc_alpha", 2)
    with pytest.raises(EqsimError, match="E943"):
        nest.synapses(G, G, "stdp_synapse_hom", i=[0], j=[1], weight=1.0, delay=1.0)
    with pytest.raises(EqsimError, match="E941"):
        nest.synapses(G, G, "stdp_synapse", i=np.array([0]), j=np.array([1]), weight=1.0,
                      delay=1.0, params={"tau_minus": 10.0})
    plain = eq.NeuronGroup(1, "v : volt")
    with pytest.raises(EqsimError, match="E945"):
        nest.target_kind(plain)


def test_docstring_example():
    import doctest
    import eqsim.models.nest as mod
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_rk4x2_is_rk4_at_half_steps(backend):
    """method='rk4x2' (hh_psc_alpha's): two rk4 steps of dt/2, 16 times rk4's error."""
    err = {}
    for method in ("rk4", "rk4x2"):
        G = eq.NeuronGroup(1, "dv/dt = -v/(1*ms) : 1", method=method, namespace={})
        G.v = 1
        mon = eq.StateMonitor(G, "v", record=0)
        eq.Network(G, mon).run(5 * ms, backend=backend)
        err[method] = np.abs(mon.v[0] - np.exp(-mon.t_ / 1e-3)).max()
    assert err["rk4x2"] < 3e-8
    assert 14 < err["rk4"] / err["rk4x2"] < 18


def test_current_generator_as_I_stim():
    """NEST's dc_generator (amplitude in (start, stop], delay d) is I_stim over
    [start + d, stop + d): V_m within 1e-9 relative, the same spikes."""
    G = nest.neuron_group("iaf_psc_alpha", 1)
    mon, st = eq.SpikeMonitor(G), eq.StateMonitor(G, "V_m", record=0)
    net = eq.Network(G, mon, st)
    for duration, current in ((51.0, 500.0), (100.0, 0.0), (49.0, None)):
        net.run(duration * ms, backend="c")
        if current is not None:
            G.I_stim_ = current * 1e-12
    rv = SYNAPSES["dc/V_m_0"]
    ev = st.V_m_[0][1:rv.size + 1] * 1e3
    assert np.max(np.abs(ev - rv) / np.abs(rv)) < 1e-9
    assert SYNAPSES["dc/spike_t"].size > 3
    assert np.allclose(nest.to_nest_times(mon.t_, 1e-4), SYNAPSES["dc/spike_t"], atol=1e-6)
@pytest.mark.parametrize("model", ["iaf_psc_alpha", "iaf_psc_delta"])
def test_shared_parameters_give_nest_numbers(model, monkeypatch):
    """shared=True (SONATA's groups): the parameters both neurons share are (shared) and
    the propagators computed once per step; NEST's numbers as before. iaf_psc_delta's
    synapses read t_ref_post, which stays per neuron."""
    made = []
    plain = nest.neuron_group

    def shared_group(*args, **kw):
        made.append(plain(*args, shared=True, **kw))
        return made[-1]
    monkeypatch.setattr(nest, "neuron_group", shared_group)
    rows = _compare(model, "poisson", run_poisson(NEURONS, model, "c"))
    G = made[0]
    shared = {k for k, a in G.arrays.items() if a.shape == (1,)}
    assert "V_th" in shared and not shared & {"C_m", "tau_m", "t_ref", "V_m"}
    for rt, et, rv, ev in rows:
        assert rt.size == et.size and np.allclose(et, rt, rtol=0, atol=1e-6), (rt, et)
        assert np.max(np.abs(ev - rv) / np.abs(rv)) < 1e-9


def test_stable_order_is_numpys_stable_argsort():
    from eqsim.models.nest.api import _stable_order
    i = np.random.default_rng(3).integers(0, 500, 20_000).astype(np.int32)
    assert np.array_equal(_stable_order(i)[0], np.argsort(i, kind="stable"))
