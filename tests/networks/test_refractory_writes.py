"""Brian2 makes a variable marked (unless refractory) read-only while its neuron is
refractory: not only the differential equation stops, a synaptic ``v += w`` and a
PoissonInput onto ``v`` are dropped too (Brian2's "conditional write"; only the reset
writes). Found by comparing Brunel's rate (delta synapses onto v plus a PoissonInput
onto v): eqsim, adding both during refractoriness, fired 4 % faster than Brian2 (38.7 Hz
against 37.17 Hz); with the writes dropped it fires at 37.17 Hz.

Reference: Brian2 2.9 (runtime numpy target) on the same script, printed by

    from brian2 import *
    prefs.codegen.target = "numpy"; defaultclock.dt = 0.1*ms
    eqs = "dv/dt = -v/(20*ms) : volt (unless refractory)"
    A = NeuronGroup(1, eqs, threshold="v > 20*mV", reset="v = 10*mV",
                    refractory=2*ms, method="exact")
    B = NeuronGroup(1, eqs, ...same...)
    P = PoissonInput(A, "v", N=3, rate=10*kHz, weight="0.5*mV")   # p = 1: 1.5 mV a step
    S1 = Synapses(A, B, on_pre="v += 7*mV", delay=1.5*ms); S1.connect()
    S2 = Synapses(B, A, on_pre="v += 3*mV", delay=1.5*ms); S2.connect()
    run(20*ms)

A fires every 2.8 ms (the PoissonInput adds nothing while it is refractory); B's input to
A arrives 0.3 ms after each of A's spikes, inside A's refractory period, and is lost, so A
keeps its rhythm. With the writes kept A would fire at 15.1 ms instead of 15.4 ms.
"""
import numpy as np

import eqsim as eq
from eqsim.units import kHz, ms, mV

A_SPIKES_MS = [1.4, 4.2, 7.0, 9.8, 12.6, 15.4, 18.2]
B_SPIKES_MS = [11.4, 17.0]
# A's v (mV) from 12.0 ms: up to threshold, reset and held at 10 mV through the refractory
# period in spite of B's 3 mV at 12.9 ms, then 1.5 mV a step again
A_V_FROM_12MS = [12.893, 14.329, 15.757, 17.179, 18.593, 20.0, 21.4] + [10.0] * 20 + [
    11.45, 12.893, 14.329, 15.757, 17.179, 18.593, 20.0, 21.4]


def test_synaptic_and_poisson_writes_wait_for_the_refractory_period(backend):
    model = "dv/dt = -v/(20*ms) : volt (unless refractory)"
    kw = dict(threshold="v > 20*mV", reset="v = 10*mV", refractory=2 * ms, method="exact")
    A = eq.NeuronGroup(1, model, name="a", **kw)
    B = eq.NeuronGroup(1, model, name="b", **kw)
    P = eq.PoissonInput(A, "v", 3, 10 * kHz, 0.5 * mV, name="drive")
    S1 = eq.Synapses(A, B, on_pre="v += 7*mV", delay=1.5 * ms, name="ab")
    S1.connect()
    S2 = eq.Synapses(B, A, on_pre="v += 3*mV", delay=1.5 * ms, name="ba")
    S2.connect()
    va = eq.StateMonitor(A, "v", record=True)
    sa, sb = eq.SpikeMonitor(A), eq.SpikeMonitor(B)
    eq.Network(A, B, P, S1, S2, va, sa, sb).run(20 * ms, backend=backend)
    assert np.round(np.asarray(sa.t_) * 1e3, 6).tolist() == A_SPIKES_MS
    assert np.round(np.asarray(sb.t_) * 1e3, 6).tolist() == B_SPIKES_MS
    v = np.asarray(va.v_).ravel()[120:120 + len(A_V_FROM_12MS)] * 1e3
    np.testing.assert_allclose(v, A_V_FROM_12MS, atol=6e-4)


def test_variables_without_the_flag_still_take_synaptic_input(backend):
    """Only (unless refractory) variables are protected: ge of a refractory neuron
    still receives its synaptic increment, as in Brian2."""
    G = eq.NeuronGroup(1, """dv/dt = -v/(10*ms) : volt (unless refractory)
                          dge/dt = -ge/(5*ms) : volt""", threshold="v > 1*mV",
                       reset="v = 0*mV", refractory=5 * ms, method="exact", name="g")
    G.v = 2 * mV
    src = eq.SpikeGeneratorGroup(1, [0], [1 * ms], name="src")
    S = eq.Synapses(src, G, on_pre="ge += 1*mV; v += 1*mV", name="s")
    S.connect()
    m = eq.StateMonitor(G, ["v", "ge"], record=True)
    eq.Network(G, src, S, m).run(3 * ms, backend=backend)
    # spike at step 0, refractory to 5 ms; the input at 1 ms reaches ge but not v
    assert np.asarray(m.ge_).ravel()[11] > 0.9e-3
    assert np.all(np.asarray(m.v_).ravel()[1:] == 0.0)
