"""Every model of eqsim.models runs, and each does what its reference says."""
import numpy as np
import pytest

import eqsim as eq
from eqsim import models
from eqsim.units import mM, Mohm, ms, mV, nA, nS, pF, siemens, cm, umetre, ufarad, msiemens


def test_neuron_models_spike(backend):
    area = 20000 * umetre ** 2
    cases = [
        (models.LIF, dict(tau_m=10 * ms, E_L=-70 * mV, R=100 * Mohm), "v > -50*mV",
         "v = -70*mV", {"v": -70 * mV, "I": 0.3 * nA}),
        (models.ADEX, dict(C=281 * pF, g_L=30 * nS, E_L=-70.6 * mV, V_T=-50.4 * mV,
                           Delta_T=2 * mV, a=4 * nS, tau_w=144 * ms, b=0.0805 * nA,
                           V_r=-70.6 * mV),
         "v > V_T + 5*Delta_T", "v = V_r; w += b", {"v": -70.6 * mV, "I": 1 * nA}),
        (models.HH_TRAUB_MILES, dict(Cm=1 * ufarad * cm ** -2 * area,
                                     gl=5e-5 * siemens * cm ** -2 * area, El=-60 * mV,
                                     EK=-90 * mV, ENa=50 * mV,
                                     g_na=100 * msiemens * cm ** -2 * area,
                                     g_kd=30 * msiemens * cm ** -2 * area, VT=-63 * mV),
         "v > -20*mV", None, {"v": -60 * mV, "h": 1, "I": 0.5 * nA}),
        (models.IZHIKEVICH, {}, "v >= 30", "v = c; u += d",
         {"a": 0.02, "b": 0.2, "c": -65, "d": 8, "I": 10, "v": -65, "u": -13}),
    ]
    for model, ns, threshold, reset, init in cases:
        G = eq.NeuronGroup(1, model, threshold=threshold, reset=reset, namespace=ns,
                           refractory=3 * ms if model is models.HH_TRAUB_MILES else False,
                           method="auto")   # (Brian2's default, euler, diverges for HH)
        for k, v in init.items():
            setattr(G, k, v)
        mon = eq.SpikeMonitor(G)
        eq.Network(G, mon).run(200 * ms, backend=backend)
        assert mon.num_spikes >= 3, model


def _kernel(model, backend, ns, kick, record):
    G = eq.NeuronGroup(1, model, namespace=ns, method="exact")
    setattr(G, kick[0], kick[1])
    mon = eq.StateMonitor(G, record, record=0)
    eq.Network(G, mon).run(40 * ms, backend=backend)
    return mon.t_, getattr(mon, record + "_")[0]


def test_alpha_current_peaks_at_tau_with_weight(backend):
    t, I = _kernel(models.ALPHA_CURRENT, backend, {"tau_syn": 5 * ms},
                   ("x_syn", 1 * nA), "I_syn")
    assert t[np.argmax(I)] == pytest.approx(5e-3, abs=1e-4)
    assert np.max(I) == pytest.approx(1e-9, rel=1e-3)
    assert np.allclose(I, 1e-9 * np.e * (t / 5e-3) * np.exp(-t / 5e-3), rtol=1e-9,
                       atol=1e-21)


@pytest.mark.parametrize("model, var, kick", [
    (models.BIEXP_CURRENT, "I_syn", ("x_syn", 1 * nA)),
    (models.BIEXP_CONDUCTANCE, "g_e", ("x_e", 1 * nS))])
def test_biexponential_kernels(backend, model, var, kick):
    t, g = _kernel(model, backend, {"tau_rise": 1 * ms, "tau_decay": 8 * ms}, kick, var)
    w = float(kick[1])
    expected = w * 1 / (8 - 1) * (np.exp(-t / 8e-3) - np.exp(-t / 1e-3))
    assert np.allclose(g, expected, rtol=1e-9, atol=w * 1e-12)


def test_exp_and_alpha_conductance(backend):
    t, g = _kernel(models.EXP_CONDUCTANCE, backend, {"tau_e": 5 * ms}, ("g_e", 2 * nS),
                   "g_e")
    assert np.allclose(g, 2e-9 * np.exp(-t / 5e-3), rtol=1e-9)
    t, g = _kernel(models.ALPHA_CONDUCTANCE, backend, {"tau_e": 5 * ms},
                   ("x_e", 2 * nS), "g_e")
    assert np.max(g) == pytest.approx(2e-9, rel=1e-3)


def test_nmda_magnesium_block():
    G = eq.NeuronGroup(3, "v : volt\n" + models.NMDA_CONDUCTANCE,
                       namespace={"E_nmda": 0 * mV, "Mg": 1 * mM, "tau_rise": 2 * ms,
                                  "tau_decay": 100 * ms})
    G.v = [-80, -40, -20] * mV
    G.g_nmda = 1 * nS
    v = np.array([-80, -40, -20]) * 1e-3
    expected = 1e-9 * (0 - v) / (1 + 1 / 3.57 * np.exp(-0.062 * v * 1e3))
    assert np.allclose(G.I_nmda / nA * 1e-9, expected, rtol=1e-12)
    # the block is strong at rest and weak when depolarised
    assert expected[0] / (1e-9 * 0.08) < 0.1 and expected[2] / (1e-9 * 0.02) > 0.4


def _pair(model, backend, ns, t_pre, t_post):
    spk = "v : volt\nts : second"
    pre = eq.NeuronGroup(1, spk, threshold="abs(t - ts) < 0.5*dt", name="pre")
    post = eq.NeuronGroup(1, spk, threshold="abs(t - ts) < 0.5*dt", name="post")
    pre.ts, post.ts = t_pre * ms, t_post * ms
    S = eq.Synapses(pre, post, namespace=ns, name="plastic", **model)
    S.connect()
    S.w = 0.5
    eq.Network(pre, post, S).run((max(t_pre, t_post) + 10) * ms, backend=backend)
    return float(S.w[0]) - 0.5


def test_library_stdp_pair_rule(backend):
    ns = dict(taupre=20 * ms, taupost=20 * ms, dApre=0.01, dApost=-0.0105, wmax=1.0)
    assert _pair(models.STDP, backend, ns, 20, 30) == pytest.approx(
        0.01 * np.exp(-0.5), rel=1e-9)
    assert _pair(models.STDP, backend, ns, 30, 20) == pytest.approx(
        -0.0105 * np.exp(-0.5), rel=1e-9)


def test_triplet_stdp_reduces_to_pairs_and_adds_triplets(backend):
    ns = dict(tau_plus=16.8 * ms, tau_minus=33.7 * ms, tau_y=114 * ms, A2plus=7.5e-10,
              A2minus=7e-3, A3plus=9.3e-3, wmax=1.0)
    # one post spike 10 ms after a pre spike: o2 is 0 when it is used -> pure pair term
    assert _pair(models.TRIPLET_STDP, backend, ns, 20, 30) == pytest.approx(
        7.5e-10 * np.exp(-10 / 16.8), rel=1e-9)
    assert _pair(models.TRIPLET_STDP, backend, ns, 30, 20) == pytest.approx(
        -7e-3 * np.exp(-10 / 33.7), rel=1e-9)


def test_tsodyks_markram_matches_the_analytic_recursion(backend):
    U, tau_f, tau_d, isi = 0.2, 600.0, 200.0, 25.0   # facilitating synapse, ms
    n = 10
    times = (np.arange(n) * isi + 5) * ms
    src = eq.SpikeGeneratorGroup(1, np.zeros(n, int), times, name="train")
    tgt = eq.NeuronGroup(1, "g_e : siemens", name="cell")
    S = eq.Synapses(src, tgt, namespace=dict(U=U, tau_f=tau_f * ms, tau_d=tau_d * ms),
                    name="stp", **models.STP)
    S.connect()
    S.w, S.u, S.x = 1 * nS, 0, 1
    mon = eq.StateMonitor(tgt, "g_e", record=0)
    eq.Network(src, tgt, S, mon).run((n * isi + 10) * ms, backend=backend)
    jumps = np.diff(mon.g_e_[0])
    released = jumps[jumps > 0] / 1e-9
    u, x, expected = 0.0, 1.0, []
    for k in range(n):
        u = u + U * (1 - u)
        r = u * x
        x -= r
        expected.append(r)
        u *= np.exp(-isi / tau_f)
        x = 1 + (x - 1) * np.exp(-isi / tau_d)
    assert np.allclose(released, expected, rtol=1e-9)
    assert expected[3] > expected[0]   # facilitation


def test_song_2000_weights_become_bimodal(tmp_path, capsys):
    """The Song, Miller & Abbott (2000) setup, 300 s (about 45 s of wall time): about half
    of the weight mass ends up within 10 % of 0 or of gmax (uniform weights would put 20 %
    there; 300 s is not yet the converged state, the draw of the initial weights moves the
    share between 0.50 and 0.55), each end holding more than twice its uniform share."""
    import runpy
    import sys
    from ..conftest import ROOT
    argv = sys.argv
    sys.argv = ["stdp_song2000.py", "--duration", "300", "--out", str(tmp_path / "w.png")]
    try:
        runpy.run_path(str(ROOT / "examples" / "stdp_song2000.py"), run_name="__main__")
    finally:
        sys.argv = argv
    line = [x for x in capsys.readouterr().out.splitlines() if x.startswith("weights")][0]
    low, high, middle = (float(p.split("%")[0].split()[-1]) / 100
                         for p in line.split(","))
    assert low + high > 0.45             # 2.25x the uniform share near 0 and gmax
    assert low > 0.2 and high > 0.2
    assert middle / 8 < 0.1   # the 8 middle bins hold less than the uniform 10 % each
