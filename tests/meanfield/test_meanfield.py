"""eqsim.meanfield: the form read from the equations, the shot-noise moments against a
simulated membrane, the fit on a known transfer function, the compiled rate equations
on both backends against the fixed points."""
import json
import warnings

import numpy as np
import pytest
import sympy as sp

from eqsim import meanfield as mf
from eqsim.meanfield.moments import NORM, erfc_approx, erfcinv, psp_integrals
from eqsim.units import Hz, mV, ms, nS, pA, pF, second

COBA = """
dv/dt = (gL*(EL - v) + ge*(Ee - v) + gi*(Ei - v))/C : volt
dge/dt = -ge/tau_e : siemens
dgi/dt = -gi/tau_i : siemens
"""
NS = dict(gL=10 * nS, EL=-65 * mV, Ee=0 * mV, Ei=-80 * mV, C=200 * pF, tau_e=5 * ms,
          tau_i=10 * ms)
INPUTS = {"exc": mf.Input("ge", 1 * nS, 200), "inh": mf.Input("gi", 4 * nS, 50)}
# the RS and FS coefficients of di Volo et al. 2019 (V): a known transfer function
P_RS = [-0.0498, 0.00506, -0.025, 0.0014, -0.00041, 0.0105, -0.036, 0.0074, 0.0012,
        -0.0407]
P_FS = [-0.0514, 0.004, -0.0083, 0.0002, -0.0005, 0.0014, -0.0146, 0.0045, 0.0028,
        -0.0153]


def coba_cell(threshold="v > -50*mV", **kw):
    return mf.Cell(COBA, threshold, "v = -65*mV", 2 * ms, namespace=NS, inputs=INPUTS,
                   **kw)


def test_form_of_an_adex_cell():
    model = COBA.replace("gL*(EL - v)", "gL*(EL - v) + gL*DT*exp((v - VT)/DT) - w") + \
        "dw/dt = (a*(v - EL) - w)/tau_w : amp\n"
    ns = dict(NS, DT=2 * mV, VT=-50 * mV, a=4 * nS, tau_w=500 * ms, b=20 * pA)
    cell = mf.Cell(model, "v > -40*mV", "v = -65*mV; w += b", namespace=ns, inputs=INPUTS)
    f = mf.cell_form(cell)
    assert f.v == "v" and f.leak == pytest.approx(50.0) and f.rest == pytest.approx(-0.065)
    assert f.channels["exc"].E == pytest.approx(0.0, abs=1e-15)
    assert f.channels["inh"].E == pytest.approx(-0.08)
    assert f.channels["inh"].tau == pytest.approx(0.01)
    assert f.channels["exc"].kind == "conductance"
    (ad,) = f.adaptation
    assert (ad.var, ad.b, ad.gamma) == ("w", pytest.approx(20e-12), pytest.approx(-2.0))
    assert ad.beta == pytest.approx(4e-9 / 0.5) and ad.D == pytest.approx(-1 / 200e-12)
    assert len(f.ignored) == 1 and "exp" in f.ignored[0]   # the spike current


def test_current_synapses_form():
    cuba = "dv/dt = (EL - v)/tau + I/C : volt\ndI/dt = -I/tau_s : amp"
    cell = mf.Cell(cuba, "v > -50*mV", namespace=dict(EL=-65 * mV, tau=20 * ms,
                                                       C=200 * pF, tau_s=3 * ms),
                   inputs={"e": mf.Input("I", 10 * pA, 100)})
    ch = mf.cell_form(cell).channels["e"]
    assert ch.kind == "current" and ch.B == pytest.approx(1 / 200e-12) and ch.C == 0


def test_psp_integrals_derived_by_sympy_match_the_closed_forms():
    a, tk, tm = 2.0, 5e-3, 12e-3
    for n, closed in ((2, (a * tk * tm) ** 2 / (2 * (tk + tm))),
                      (3, 2 * (a * tk * tm) ** 3 / (3 * (tk + 2 * tm) * (2 * tk + tm)))):
        expr, syms = psp_integrals(n)
        expr = expr.args[0][0] if isinstance(expr, sp.Piecewise) else expr
        assert float(expr.subs(dict(zip(syms, (a, tk, tm))))) == pytest.approx(closed,
                                                                                rel=1e-12)


def test_erfc_approximation_and_inverse():
    import math
    x = np.linspace(-5, 5, 201)
    exact = np.array([math.erfc(v) for v in x])
    assert np.max(np.abs(erfc_approx(x) - exact) / exact) < 2e-7
    assert np.allclose(erfcinv(exact[20:180]), x[20:180], atol=1e-6)


def test_moments_match_a_simulated_passive_membrane():
    """A passive conductance membrane under Poisson input (the scan's compiled input):
    mean within 0.3 mV, std within 8 %, tau_V (integral of the autocorrelation over the
    variance) within 20 %, skewness sign and size within 35 %, over 400 neurons x 2 s."""
    from eqsim.meanfield.scan import poisson_group
    from eqsim.runtime.monitors import StateMonitor
    from eqsim.runtime.network import Network
    cell = coba_cell(threshold="v > 1000*mV")     # never fires: the free membrane
    form = mf.cell_form(cell)
    n = 400
    for rates in ({"exc": 4.0, "inh": 8.0}, {"exc": 10.0, "inh": 2.0}):
        G = poisson_group(cell, form, {k: np.full(n, v) for k, v in rates.items()},
                          name="passive", seed=3)
        mon = StateMonitor(G, "v", record=True, dt=0.5 * ms, name="vm")
        net = Network(G, mon)
        net.run(0.3 * second)     # warm-up
        t_skip = len(mon.t_)
        net.run(2 * second)
        v = np.asarray(mon.v_)[:, t_skip:]
        m = mf.moments(form, rates)
        assert v.mean() == pytest.approx(m["muV"], abs=0.3e-3)
        assert v.std() == pytest.approx(m["sV"], rel=0.08)
        dv = v - v.mean(axis=1, keepdims=True)
        skew = np.mean(dv ** 3) / np.mean(dv ** 2) ** 1.5
        assert np.sign(skew) == np.sign(m["gV"]) and skew == pytest.approx(m["gV"],
                                                                          rel=0.35)
        lags = np.arange(0, 120)      # 0 .. 60 ms in 0.5 ms
        ac = np.array([np.mean(dv[:, :dv.shape[1] - k] * dv[:, k:]) for k in lags])
        tau_v = (np.sum(ac) - 0.5 * ac[0]) * 0.5e-3 / ac[0]
        assert tau_v == pytest.approx(m["tauV"], rel=0.2)


def _synthetic_scan(form, coeffs, shape=(12, 12)):
    fe, fi = np.linspace(1, 20, shape[0]), np.linspace(0, 30, shape[1])
    E, I = np.meshgrid(fe, fi, indexing="ij")
    m = mf.moments(form, {"exc": E, "inh": I})
    nu = mf.firing_rate(m, coeffs, form.tau_m0)
    return mf.TFScan({"exc": E, "inh": I}, nu, 0 * nu, {"exc": fe, "inh": fi}, form, 1,
                     1.0)


def test_fit_recovers_a_known_transfer_function(tmp_path):
    form = mf.cell_form(coba_cell())
    scan = _synthetic_scan(form, P_RS)
    tf = mf.fit(scan)
    assert tf.mae_hz < 1e-3
    assert tf.info["mae_linear_hz"] < 1e-3          # exact data: the linear step is exact
    assert np.allclose(tf.coeffs, P_RS, atol=1e-6)
    path = tf.save(tmp_path / "rs.json")
    back = mf.TransferFunction.load(path)
    assert np.array_equal(back.coeffs, tf.coeffs) and back.form == tf.form
    assert json.loads(path.read_text())["terms"][1] == "mu"
    rates = {"exc": np.array([5.0, 12.0]), "inh": np.array([10.0, 3.0])}
    assert np.allclose(back(rates), tf(rates))


def _populations():
    """E and I cells of the COBA model with the RS and FS coefficients, inputs named
    after the populations (exc, inh) and an afferent (aff)."""
    inputs = {"exc": mf.Input("ge", 1 * nS, 200), "aff": mf.Input("ge", 1 * nS, 200),
              "inh": mf.Input("gi", 4 * nS, 50)}
    tfs = {}
    for pop, P in (("exc", P_RS), ("inh", P_FS)):
        form = mf.cell_form(mf.Cell(COBA, "v > -50*mV", namespace=NS, inputs=inputs,
                                    name=pop))
        tfs[pop] = mf.TransferFunction(form, np.array(P), dict(NORM))
    return tfs


def test_rate_equations_on_both_backends_reach_the_fixed_point():
    tfs = _populations()
    model = mf.RateModel(tfs, afferent={"aff": np.array([3.0, 5.0]) * Hz}, T=5 * ms)
    runs = {b: model.run(T, init={"exc": 1.0, "inh": 1.0}, backend=b, record_dt=1 * ms)
            for b, T in (("c", 0.3 * second), ("numpy", 0.04 * second))}
    for p in ("exc", "inh"):   # the numpy backend (3 ms a step) for the first 40 ms
        assert np.allclose(runs["c"].rates[p][:, :40], runs["numpy"].rates[p], rtol=1e-9,
                           atol=1e-12)
    for k, aff in enumerate((3.0, 5.0)):
        fp = model.find_fixed_point(afferent={"aff": aff}, guess={"exc": 1, "inh": 1})
        assert fp.stable
        for p in ("exc", "inh"):
            assert runs["c"].rates[p][k, -1] == pytest.approx(fp.rates[p], rel=1e-4)
        # the fixed point is one of the transfer functions
        rates = {"exc": fp.rates["exc"], "inh": fp.rates["inh"], "aff": aff}
        assert tfs["exc"](rates, check=False) == pytest.approx(fp.rates["exc"], rel=1e-8)
    assert runs["c"].rates["exc"][1, -1] > runs["c"].rates["exc"][0, -1] > 0


def test_second_order_adds_covariances():
    tfs = _populations()
    first = mf.RateModel(tfs, afferent={"aff": 4 * Hz})
    second_ = mf.RateModel(tfs, afferent={"aff": 4 * Hz}, order=2,
                           sizes={"exc": 4000, "inh": 1000})
    r1 = first.run(0.2 * second, record_dt=1 * ms)
    r2 = second_.run(0.2 * second, record_dt=1 * ms)
    assert r2.cov[("exc", "exc")][-1] > 0 and r2.cov[("inh", "inh")][-1] > 0
    for p in ("exc", "inh"):   # a small correction at these sizes
        assert r2.rates[p][-1] == pytest.approx(r1.rates[p][-1], rel=0.1)
        assert r2.rates[p][-1] != r1.rates[p][-1]


def test_out_of_range_rates_warn():
    form = mf.cell_form(coba_cell())
    tf = mf.fit(_synthetic_scan(form, P_RS))
    with pytest.warns(mf.MeanFieldWarning, match="outside its fitted range"):
        tf({"exc": 80.0, "inh": 1.0})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tf({"exc": 10.0, "inh": 10.0})
