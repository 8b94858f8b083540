"""Exact integration against closed-form solutions (relative error < 1e-9)."""
import numpy as np

import eqsim as eq
from eqsim.units import mV, ms, Mohm

REL = 1e-9


def test_lif_exact_matches_analytic_solution(backend):
    tau, EL, R = 10 * ms, -70 * mV, 50 * Mohm
    G = eq.NeuronGroup(4, "dv/dt = (EL - v + R*I)/tau : volt\nI : amp", method="exact",
                       namespace={"tau": tau, "EL": EL, "R": R})
    G.v = "-80*mV + 5*mV*i"
    G.I = "0.1*nA*i"
    mon = eq.StateMonitor(G, "v", record=True)
    eq.Network(G, mon).run(50 * ms, backend=backend)
    t = mon.t_
    v0 = -80e-3 + 5e-3 * np.arange(4)
    vinf = float(EL) + float(R) * 0.1e-9 * np.arange(4)
    exact = vinf[:, None] + (v0 - vinf)[:, None] * np.exp(-t[None, :] / float(tau))
    assert mon.v_.shape == (4, 500)
    assert np.max(np.abs(mon.v_ - exact) / np.abs(exact)) < REL


def test_exact_two_variable_system(backend):
    """v driven by an exponentially decaying input (a triangular linear system)."""
    tau, taue = 10 * ms, 3 * ms
    G = eq.NeuronGroup(1, "dv/dt = (ge - v)/tau : volt\ndge/dt = -ge/taue : volt",
                       method="exact", namespace={"tau": tau, "taue": taue})
    G.v, G.ge = 2 * mV, 10 * mV
    mon = eq.StateMonitor(G, ["v", "ge"], record=0)
    eq.Network(G, mon).run(40 * ms, backend=backend)
    t, ta, te = mon.t_, float(tau), float(taue)
    A = 10e-3 * te / (te - ta)
    v_exact = A * np.exp(-t / te) + (2e-3 - A) * np.exp(-t / ta)
    assert np.max(np.abs(mon.v_[0] - v_exact) / np.abs(v_exact)) < REL
    assert np.max(np.abs(mon.ge_[0] - 10e-3 * np.exp(-t / te)) /
                  (10e-3 * np.exp(-t / te))) < REL


def test_exact_system_with_equal_time_constants(backend):
    """tau == taue at run time: the generic solution has 1/(taue - tau); eqsim writes
    it with exprel and stays exact, v = (v0 + g0*t/tau)*exp(-t/tau) + EL(1 - exp(-t/tau))."""
    tau, EL = 5 * ms, -60 * mV
    G = eq.NeuronGroup(1, "dv/dt = (ge + EL - v)/tau : volt\ndge/dt = -ge/taue : volt",
                       method="exact", namespace={"tau": tau, "taue": tau, "EL": EL})
    G.v, G.ge = -50 * mV, 8 * mV
    mon = eq.StateMonitor(G, "v", record=0)
    eq.Network(G, mon).run(40 * ms, backend=backend)
    t, ta = mon.t_, float(tau)
    v_exact = (-50e-3 + 60e-3 + 8e-3 * t / ta) * np.exp(-t / ta) - 60e-3
    assert np.max(np.abs(mon.v_[0] - v_exact) / np.abs(v_exact)) < REL


def test_lif_spike_times_match_analytic_period(backend):
    """Regular firing: period T = tau*ln((v_reset - v_inf)/(v_th - v_inf)); the spike of
    each cycle is stamped at the start of the step in which v crosses threshold."""
    tau, vinf, vth, vr = 20e-3, -40e-3, -50e-3, -70e-3
    G = eq.NeuronGroup(1, "dv/dt = (vinf - v)/tau : volt", threshold="v > vth",
                       reset="v = vr", method="exact",
                       namespace={"tau": tau * 1e3 * ms, "vinf": vinf * 1e3 * mV,
                                  "vth": vth * 1e3 * mV, "vr": vr * 1e3 * mV})
    G.v = vr * 1e3 * mV
    mon = eq.SpikeMonitor(G)
    eq.Network(G, mon).run(200 * ms, backend=backend)
    T = tau * np.log((vr - vinf) / (vth - vinf))
    dt = 1e-4
    # after each reset the neuron needs ceil(T/dt) steps; stamped one step early
    steps = int(np.ceil(T / dt - 1e-9))
    expected = (np.arange(1, len(mon.t_) + 1) * steps - 1) * dt
    assert len(mon.t_) == int(0.2 / (steps * dt))
    assert np.allclose(mon.t_, expected, atol=1e-12)
