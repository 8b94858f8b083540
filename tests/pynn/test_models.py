"""PyNN's standard models on eqsim (eqsim.pynn.standardmodels) against pyNN.nest.

tests/data/pynn_nest_models.npz comes from benchmarks/reference/pynn_nest_models.py
(pyNN.nest 0.13, NEST 3.10, dt = 0.1 ms, on-grid spikes). The models are built through
the contract methods (eqsim_group, eqsim_synapse_spec, inject_into) on a plain eqsim
Network (tests/pynn/_double.py stands in for pynncore's state), all setups in one
network per backend (numpy: the cell types of NUMPY_CELLS, and all synapse types and
current sources; C: all, with EQSIM_PYNN_MODELS_C=1, and always end to end in
tests/pynn/test_models_pynn.py).
"""
from __future__ import annotations

import os

import numpy as np
import pytest

pytest.importorskip("pyNN")

from tests.conftest import DATA
from tests.pynn import _double

REF = DATA / "pynn_nest_models.npz"
DT = 0.1
T = 200.0

# relative V tolerance (of the swing |V|) and spike-time tolerance (ms) per cell type:
# exact models agree to rounding; NEST integrates the others with adaptive RKF45,
# eqsim with rk4 on the grid (docs/nest_models.md, docs/pynn_models.md)
TOL = {"IF_curr_exp": (1e-9, 0.0), "IF_curr_alpha": (1e-9, 0.0),
       "IF_curr_delta": (1e-9, 0.0),
       "Izhikevich": (1e-9, 0.0), "Izhikevich_kick": (1e-9, 0.0), "IF_cond_exp": (2e-5, 0.0),
       "IF_cond_alpha": (2e-5, 0.0), "IF_cond_exp_gsfa_grr": (2e-5, 0.0),
       "HH_cond_exp": (None, DT),
       "EIF_cond_exp_isfa_ista": (None, 0.8), "EIF_cond_alpha_isfa_ista": (None, 0.8)}


#: the numpy backend (the reference, slow at run time) runs these cell types; the C
#: backend all of them
NUMPY_CELLS = ("IF_curr_exp", "IF_cond_alpha", "Izhikevich", "Izhikevich_kick")


def _build(backend: str, cells=None) -> dict:
    import eqsim as eq
    from benchmarks.reference import pynn_nest_models as R
    from eqsim.pynn.standardmodels import cells as C
    from eqsim.pynn.standardmodels import electrodes as El
    from eqsim.pynn.standardmodels import synapses as Syn
    from eqsim.units import ms
    st = _double.fresh(DT)
    mon = {}
    exc = _double.population(C.SpikeSourceArray(spike_times=R.EXC_TIMES), 1, "exc")
    inh = _double.population(C.SpikeSourceArray(spike_times=R.INH_TIMES), 1, "inh")
    for name, (params, we, wi) in {**R.CELLS, "IF_cond_exp_gsfa_grr": R.GSFA_PYNN,
                                   "IF_curr_delta": R.DELTA_PYNN,
                                   "Izhikevich_kick": R.IZH_KICK}.items():
        if cells is not None and name not in cells:
            continue
        ct = getattr(C, name.replace("_kick", ""))(**params)
        G = _double.population(ct, 1, name.lower())
        _double.projection(exc, G, ct, Syn.StaticSynapse(weight=we, delay=1.0),
                           "excitatory", [0], [0])
        _double.projection(inh, G, ct, Syn.StaticSynapse(weight=wi, delay=1.5),
                           "inhibitory", [0], [0])
        mon[f"cell_{name}"] = (eq.StateMonitor(G, "V_m", record=True), eq.SpikeMonitor(G))
    tm_src = _double.population(C.SpikeSourceArray(spike_times=R.TM_TIMES), 1, "tm_src")
    for name, params in R.TM.items():
        ct = C.IF_curr_exp(tau_syn_E=3.0, v_thresh=0.0)
        G = _double.population(ct, 1, f"tm_{name}")
        _double.projection(tm_src, G, ct, Syn.TsodyksMarkramSynapse(
            weight=2.0, delay=1.0, **params), "excitatory", [0], [0])
        mon[f"tm_{name}"] = (eq.StateMonitor(G, "V_m", record=True), None)
    pre = _double.population(C.SpikeSourceArray(spike_times=R.PRE_TIMES), 1, "pre")
    drive = _double.population(C.SpikeSourceArray(
        spike_times=[t - 2.0 for t in R.POST_TIMES]), 1, "drive")
    post_ct = C.IF_curr_exp(tau_refrac=2.0, tau_syn_E=0.5)
    post = _double.population(post_ct, 1, "post")
    _double.projection(drive, post, post_ct, Syn.StaticSynapse(weight=40.0, delay=1.0),
                       "excitatory", [0], [0])
    stdp = {}
    for name, (cls, params) in R.WDEP.items():
        syn = Syn.STDPMechanism(timing_dependence=Syn.SpikePairRule(**R.STDP_RULE),
                                weight_dependence=getattr(Syn, cls)(**params),
                                weight=R.STDP_W0, delay=R.STDP_DELAY)
        stdp[name] = _double.projection(pre, post, post_ct, syn, "excitatory", [0], [0])
    mon["stdp_post"] = (None, eq.SpikeMonitor(post))
    cs = _double.population(C.IF_curr_exp(v_thresh=1000.0), 3, "cs")
    for name, (cls, params) in R.SOURCES.items():
        idx = {"dc": [0], "step": [1], "ac": [2], "dc0": [0]}[name]
        getattr(El, cls)(**params).inject_into([(cs, np.array(idx))])
    mon["cs"] = (eq.StateMonitor(cs, "V_m", record=True), None)
    for a, b in mon.values():
        for m in (a, b):
            if m is not None:
                st.add(m)
    st.network.run(T * ms, backend=backend)
    out = {}
    for key, (a, b) in mon.items():
        if a is not None:
            out[f"{key}_v"] = a.V_m_.T * 1e3
        if b is not None:
            out[f"{key}_spikes"] = (b.t_ + DT * 1e-3) * 1e3
    for name, S in stdp.items():
        out[f"stdp_{name}_w"] = np.asarray(S.weight_) / 1e-9
    return out


# the C backend runs every type end to end in tests/pynn/test_models_pynn.py (the same
# reference script on eqsim.pynn); EQSIM_PYNN_MODELS_C=1 runs it here as well
BACKENDS = ["numpy"] + (["c"] if os.environ.get("EQSIM_PYNN_MODELS_C") else [])


@pytest.fixture(scope="module", params=BACKENDS)
def runs(request):
    cells = NUMPY_CELLS if request.param == "numpy" else None
    return _build(request.param, cells), np.load(REF)


@pytest.mark.parametrize("name", sorted(TOL))
def test_cell_types_match_pynn_nest(runs, name):
    got, ref = runs
    if f"cell_{name}_v" not in got:
        pytest.skip("run on the C backend only (numpy: NUMPY_CELLS)")
    v, v_ref = got[f"cell_{name}_v"][:, 0], ref[f"cell_{name}_v"][:2000]
    s, s_ref = got[f"cell_{name}_spikes"], ref[f"cell_{name}_spikes"]
    rtol, ttol = TOL[name]
    assert s.size == s_ref.size, (s, s_ref)
    assert np.max(np.abs(s - s_ref)) <= ttol + 1e-9, (s, s_ref)
    if rtol is not None:
        assert np.max(np.abs(v - v_ref)) <= rtol * np.max(np.abs(v_ref))
    else:   # spikes within tolerance; between them V agrees closely
        assert np.median(np.abs(v - v_ref)) < 0.05


@pytest.mark.parametrize("name", ["depressing", "facilitating"])
def test_tsodyks_markram_matches_pynn_nest(runs, name):
    got, ref = runs
    v, v_ref = got[f"tm_{name}_v"][:, 0], ref[f"tm_{name}_v"][:2000]
    assert np.max(np.abs(v - v_ref)) <= 1e-9 * np.max(np.abs(v_ref))


def test_stdp_final_weights_match_pynn_nest(runs):
    got, ref = runs
    np.testing.assert_allclose(got["stdp_post_spikes"], ref["stdp_post_spikes"], atol=1e-9)
    for name in ("additive", "multiplicative", "addpot_multdep", "gutig"):
        np.testing.assert_allclose(got[f"stdp_{name}_w"], ref[f"stdp_{name}_w"],
                                   rtol=1e-6, err_msg=name)


def test_current_sources_match_pynn_nest(runs):
    got, ref = runs
    v, v_ref = got["cs_v"], ref["cs_v"][:2000]
    assert np.max(np.abs(v - v_ref)) <= 1e-9 * np.max(np.abs(v_ref))


def _plastic(weight: float):
    """Pre/post pairs through STDP and a spike train through Tsodyks-Markram (C)."""
    import eqsim as eq
    from benchmarks.reference import pynn_nest_models as R
    from eqsim.pynn.standardmodels import cells as C
    from eqsim.pynn.standardmodels import synapses as Syn
    st = _double.fresh(DT)
    pre = _double.population(C.SpikeSourceArray(spike_times=R.PRE_TIMES), 1, "pre")
    drive = _double.population(C.SpikeSourceArray(
        spike_times=[t - 2.0 for t in R.POST_TIMES]), 1, "drive")
    post_ct = C.IF_curr_exp(tau_refrac=2.0, tau_syn_E=0.5)
    post = _double.population(post_ct, 1, "post")
    _double.projection(drive, post, post_ct, Syn.StaticSynapse(weight=40.0, delay=1.0),
                       "excitatory", [0], [0])
    cls, params = R.WDEP["multiplicative"]
    stdp_t = Syn.STDPMechanism(timing_dependence=Syn.SpikePairRule(**R.STDP_RULE),
                               weight_dependence=getattr(Syn, cls)(**params),
                               weight=weight, delay=R.STDP_DELAY)
    S = _double.projection(pre, post, post_ct, stdp_t, "excitatory", [0], [0])
    tm_src = _double.population(C.SpikeSourceArray(spike_times=R.TM_TIMES), 1, "tm_src")
    ct = C.IF_curr_exp(tau_syn_E=3.0, v_thresh=0.0)
    G = _double.population(ct, 1, "tm_cell")
    tm_t = Syn.TsodyksMarkramSynapse(weight=2.0, delay=1.0, **R.TM["depressing"])
    T = _double.projection(tm_src, G, ct, tm_t, "excitatory", [0], [0])
    mon = eq.StateMonitor(G, "V_m", record=True)
    st.add(mon)
    return st, S, T, mon, (stdp_t, tm_t)


def test_reset_restores_the_synaptic_state_and_keeps_the_weights():
    """PyNN's reset(), as pynncore's State.reset does it (differential variables,
    spike bookkeeping and the spec's "state" restored, everything else kept): the
    second segment is a fresh run from the learned weight; Tsodyks-Markram's x, y, u
    start over."""
    from eqsim.units import ms
    st, S, _, mon, _ = _plastic(0.4)
    net = st.network
    net.store("pynn-start")
    net.run(T_RUN * ms, backend="c")
    w1 = float(S.weight_[0])
    v1 = mon.V_m_[0].copy()

    def state_names(obj):
        names = {eq.name for eq in obj.equations.equations if eq.kind == "differential"}
        return names | {"lastspike", "not_refractory", "_spikes", "lastupdate"} | set(
            getattr(obj, "_pynn_spec", {}).get("state", ()))
    keep = [(obj, {k: a.copy() for k, a in obj.arrays.items() if a is not None and
                   k not in state_names(obj)}) for obj in [*net.groups, *net.synapses]]
    net.restore("pynn-start")
    for obj, arrays in keep:
        for k, a in arrays.items():
            if isinstance(obj.arrays[k], np.ndarray):
                obj.arrays[k][...] = a
            else:   # delays stored as whole steps (StepDelays): unchanged here
                obj.arrays[k] = a
    net.run(T_RUN * ms, backend="c")
    w2 = float(S.weight_[0])
    v2 = mon.V_m_[0][-len(v1):]
    st2, S2, _, _, _ = _plastic(w1 * 1e9)
    st2.network.run(T_RUN * ms, backend="c")
    assert w1 != 0.4e-9
    np.testing.assert_allclose(w2, float(S2.weight_[0]), rtol=1e-12)
    np.testing.assert_allclose(v2, v1, rtol=0, atol=1e-12)


T_RUN = 200.0
