"""The C backend and the numpy reference run the same statements: traces agree to 1e-9
relative, spike times exactly, for every integration method and kernel feature."""
import numpy as np
import pytest

import eqsim as eq
from eqsim.units import mV, ms, nA, nS, pF, Hz

NS = dict(tau=10 * ms, EL=-70 * mV, VT=-50 * mV, DeltaT=2 * mV, C=200 * pF, gL=10 * nS,
          a=2 * nS, b=20 * nA * 1e-3, tauw=100 * ms, sigma=3 * mV, f=20 * Hz)

MODELS = {
    "lif_refractory_time": dict(
        model="dv/dt = (EL - v + I)/tau : volt (unless refractory)\nI : volt",
        threshold="v > VT", reset="v = EL - 5*mV*rand()", refractory=4 * ms,
        method="exact", init={"I": "25*mV + 2*mV*i"}, record=["v", "not_refractory"]),
    "lif_refractory_expression": dict(
        model="dv/dt = (EL - v + I)/tau : volt (unless refractory)\nI : volt\n"
              "ref : second",
        threshold="v > VT", reset="v = EL", refractory="ref", method="exact",
        init={"I": "30*mV", "ref": "1*ms + i*ms"}, record=["v"]),
    "lif_refractory_condition": dict(
        model="dv/dt = (EL - v + I)/tau : volt\nI : volt",
        threshold="v > VT", reset="v = EL - 10*mV", refractory="v < EL - 5*mV",
        method="exact", init={"I": "30*mV"}, record=["v"]),
    "adex_noise_euler": dict(
        model="""dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) + I - w)/C
                 + sigma*sqrt(2/tau)*xi : volt (unless refractory)
                 dw/dt = (a*(v - EL) - w)/tauw : amp
                 I : amp""",
        threshold="v > VT + 5*DeltaT", reset="v = EL; w += b", refractory=2 * ms,
        method="euler", init={"I": "0.25*nA + 0.1*nA*rand()", "v": "EL + 5*mV*randn()"},
        record=["v", "w"]),
    "adex_rk4": dict(
        model="""dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) + I - w)/C : volt
                 dw/dt = (a*(v - EL) - w)/tauw : amp
                 I : amp""",
        threshold="v > VT + 5*DeltaT", reset="v = EL; w += b", method="rk4",
        init={"I": "0.3*nA"}, record=["v", "w"]),
    "rk2_time_dependent": dict(
        model="dv/dt = (EL - v + 20*mV*sin(2*pi*f*t))/tau : volt\n"
              "drive = 20*mV*sin(2*pi*f*t) : volt",
        method="rk2", record=["v", "drive"]),
    "heun_multiplicative": dict(
        model="dx/dt = -x/tau + 0.3*x*sqrt(1/tau)*xi : 1", method="heun",
        init={"x": "1 + rand()"}, record=["x"]),
    "functions_and_shared": dict(
        model="""dv/dt = (clip(u, -1, 1)*mV + int(i/2)*mV - v)/tau + g*mV/tau : volt
                 u = sin(v/mV) + exprel(v/mV) : 1
                 g : 1 (shared)""",
        method="euler", init={"v": "(i - 2)*mV", "g": 0.5}, record=["v", "u"]),
    "exponential_euler_gates": dict(
        model="""dm/dt = alpha*(1 - m) - beta*m : 1
                 alpha = 1/ms/(1 + exp(-v/(5*mV))) : Hz
                 beta = 0.5/ms : Hz
                 dv/dt = (EL - v + 40*mV*(1 - m))/tau : volt""",
        method="exponential_euler", threshold="v > -45*mV", reset="v = EL",
        init={"v": "EL + i*mV"}, record=["m", "v", "alpha"]),
}


def _run(spec, backend):
    spec = dict(spec)
    init = spec.pop("init", {})
    record = spec.pop("record")
    G = eq.NeuronGroup(5, namespace=NS, seed=11, name="g", **spec)
    if "v" in G.arrays and "v" not in init:
        G.v = NS["EL"]
    for k, v in init.items():
        setattr(G, k, v)
    mon = eq.StateMonitor(G, record, record=True, name="m")
    net = eq.Network(G, mon)
    spikes = None
    if G.spec.threshold is not None:
        spikes = eq.SpikeMonitor(G, name="s")
        net.add(spikes)
    net.run(60 * ms, backend=backend)
    net.run(40 * ms, backend=backend)  # continuation
    traces = {v: getattr(mon, v).view(np.ndarray).astype(float) for v in record}
    return traces, (None if spikes is None else (spikes.i.copy(), spikes.t_.copy()))


@pytest.mark.parametrize("name", sorted(MODELS))
def test_c_and_numpy_agree(name):
    tc, sc = _run(MODELS[name], "c")
    tn, sn = _run(MODELS[name], "numpy")
    for var in tc:
        a, b = tc[var], tn[var]
        assert a.shape == b.shape
        scale = np.maximum(np.abs(b), 1e-300)
        err = np.abs(a - b) / np.maximum(scale, np.max(np.abs(b)) * 1e-6)
        assert np.max(err) < 1e-9, f"{var}: max relative difference {np.max(err):.3g}"
    if sc is not None:
        assert np.array_equal(sc[0], sn[0])
        assert np.array_equal(sc[1], sn[1])
        assert len(sc[0]) > 0 or name == "heun_multiplicative"


def test_clip_edge_values(backend):
    """clip(x, lo, hi) is fmin(fmax(x, lo), hi) with the C library's rules, bit for bit
    (C prints it inline, so that loops with clip are vectorised): a NaN operand gives the
    other one, equal operands (+0.0 and -0.0) give the second."""
    nan, inf = np.nan, np.inf
    cases = [(-0.0, 0.0, 1.0, 0.0), (0.0, -0.0, 1.0, -0.0), (nan, -1.0, 1.0, -1.0),
             (0.5, nan, 1.0, 0.5), (2.0, -1.0, nan, 2.0), (inf, -1.0, 1.0, 1.0),
             (-inf, -1.0, 1.0, -1.0), (0.0, -1.0, -0.0, -0.0), (3.0, -1.0, 1.0, 1.0)]
    x, lo, hi, want = (np.array(c) for c in zip(*cases))
    G = eq.NeuronGroup(len(cases), "x : 1\nlo : 1\nhi : 1\ny = clip(x, lo, hi) : 1",
                       name="g")
    G.x, G.lo, G.hi = x, lo, hi
    mon = eq.StateMonitor(G, "y", record=True, name="m")
    eq.Network(G, mon).run(0.1 * ms, backend=backend)
    got = np.asarray(mon.y)[:, 0]
    assert np.array_equal(got.view(np.uint64), want.view(np.uint64)), got
