"""The passive cable against its analytic solutions (steady state of a constant current).

Cable theory (sealed ends, current I0 into one end of a cylinder of diameter d, length L):
``V(x) - EL = I0 * ra * lam * cosh((L - x)/lam) / sinh(L/lam)`` with the axial resistance
per length ``ra = 4*Ri/(pi*d**2)`` and the space constant ``lam = sqrt(d/(4*Ri*gL))``; the
input resistance is ``ra*lam*coth(L/lam)``, the attenuation to the far end
``1/cosh(L/lam)``; an infinite cable with the current in the middle decays as
``exp(-|x|/lam)`` from ``I0*ra*lam/2``. Compartments sample the continuous solution at
their midpoints; at the resolutions used the errors are below 1 % (stated per test). The
implicit step is stable at any dt, so the steady state is reached with a large one.
"""
from __future__ import annotations

import numpy as np
import pytest

import eqsim as eq
from eqsim.units import cm, mV, ms, nA, ohm, siemens, uF, um

PASSIVE = """
Im = gL*(EL - v) : amp/meter**2
I : amp (point current)
"""
NS = {"gL": 1e-4 * siemens / cm ** 2, "EL": -70 * mV}
GL, RI, EL, I0 = 1.0, 1.5, -0.07, 0.02e-9    # gL in S/m2, Ri in ohm*m, EL in V, I0 in A


def steady(morpho, inject, backend="c", dt=0.5 * ms, duration=250 * ms, ri=150):
    neuron = eq.SpatialNeuron(morpho, PASSIVE, namespace=NS, Cm=1 * uF / cm ** 2,
                              Ri=ri * ohm * cm, dt=dt)
    neuron.v = -70 * mV
    neuron.I[inject] = I0 * 1e9 * nA
    eq.Network(neuron).run(duration, backend=backend)
    return neuron, np.asarray(neuron.v) - EL


def lam(d):
    return np.sqrt(d / (4 * RI * GL))


def ra(d):
    return 4 * RI / (np.pi * d ** 2)


def test_finite_cable(backend):
    d, L = 1e-6, 300e-6
    neuron, dv = steady(eq.Cylinder(diameter=1 * um, length=300 * um, n=100), 0, backend)
    x = np.asarray(neuron.distance)
    theory = I0 * ra(d) * lam(d) * np.cosh((L - x) / lam(d)) / np.sinh(L / lam(d))
    assert np.max(np.abs(dv / theory - 1)) < 2e-3
    # input resistance (at the first midpoint, 1.5 um from the end) and attenuation
    r_in = ra(d) * lam(d) / np.tanh(L / lam(d))
    assert dv[0] / I0 == pytest.approx(r_in, rel=5e-3)
    assert dv[-1] / dv[0] == pytest.approx(1 / np.cosh(L / lam(d)), rel=5e-3)
    # the electrotonic length Brian2 reports
    assert float(neuron.space_constant[0]) == pytest.approx(lam(d), rel=1e-6)
    assert float(neuron.time_constant[0]) == pytest.approx(0.01, rel=1e-6)


def test_infinite_cable_space_constant():
    d = 1e-6
    lm = lam(d)                          # 408 um
    n = 1600                             # 20 space constants, lam/80 per compartment
    neuron, dv = steady(eq.Cylinder(diameter=1 * um, length=20 * lm * 1e6 * um, n=n),
                        n // 2)
    x = np.asarray(neuron.distance) - np.asarray(neuron.distance)[n // 2]
    side = (x > 0.5 * lm) & (x < 3 * lm)
    fitted = -1 / np.polyfit(x[side], np.log(dv[side]), 1)[0]
    assert fitted == pytest.approx(lm, rel=1e-3)
    r_in = ra(d) * lm / 2                # two semi-infinite halves in parallel
    assert dv[n // 2] / I0 == pytest.approx(r_in, rel=5e-3)


def test_rall_equivalent_cylinder():
    """A cylinder with two daughters obeying the 3/2 power rule and ending at the same
    electrotonic distance behaves as one cylinder (Rall 1962)."""
    d, L = 1e-6, 300e-6
    d1, L1 = 0.5e-6, 200e-6
    d2 = (d ** 1.5 - d1 ** 1.5) ** (2 / 3)
    L2 = L1 / lam(d1) * lam(d2)
    morpho = eq.Cylinder(diameter=1 * um, length=300 * um, n=100)
    morpho.L = eq.Cylinder(diameter=d1 * 1e6 * um, length=L1 * 1e6 * um, n=100)
    morpho.R = eq.Cylinder(diameter=d2 * 1e6 * um, length=L2 * 1e6 * um, n=100)
    neuron, dv = steady(morpho, 0)
    total = L / lam(d) + L1 / lam(d1)     # electrotonic length of the equivalent cylinder
    x = np.asarray(neuron.distance)
    main = x / lam(d)
    elec = {"main": main[:100],
            "L": L / lam(d) + (x[100:200] - L) / lam(d1),
            "R": L / lam(d) + (x[200:] - L) / lam(d2)}
    values = {"main": dv[:100], "L": dv[100:200], "R": dv[200:]}
    for part in elec:
        theory = I0 * ra(d) * lam(d) * np.cosh(total - elec[part]) / np.sinh(total)
        assert np.max(np.abs(values[part] / theory - 1)) < 5e-3, part
    np.testing.assert_allclose(dv[100:200], dv[200:], rtol=2e-3)   # equal attenuation


def test_ball_and_stick_input_resistance(backend):
    """Soma conductance and the dendrite's input conductance add up."""
    ds, d, L = 20e-6, 2e-6, 500e-6
    morpho = eq.Soma(20 * um)
    morpho.dend = eq.Cylinder(diameter=2 * um, length=500 * um, n=50)
    morpho.dend2 = eq.Cylinder(diameter=2 * um, length=500 * um, n=50)
    neuron, dv = steady(morpho, 0, backend)
    g_dend = 1 / (ra(d) * lam(d) / np.tanh(L / lam(d)))
    g_soma = GL * np.pi * ds ** 2
    assert dv[0] / I0 == pytest.approx(1 / (g_soma + 2 * g_dend), rel=1e-2)
    np.testing.assert_allclose(dv[1:51], dv[51:], rtol=1e-9)      # symmetric dendrites
    assert float(neuron.dend.v[0] - neuron.v[0]) < 0               # current flows out


def test_pulse_on_infinite_cable():
    """Green's function of the cable (Brian2's infinite_cable example): a short pulse in
    the middle of a long cable, v at 1 lam after 2 ms against the analytic solution."""
    d = 1e-6
    lm, tau = lam(d) * np.sqrt(1.5 / 1.0), 0.01     # Ri = 100 ohm*cm here
    n, width = 1000, 2e-5
    morpho = eq.Cylinder(diameter=1 * um, length=12 * lm * 1e6 * um, n=n)
    neuron = eq.SpatialNeuron(morpho, PASSIVE, namespace=NS, Cm=1 * uF / cm ** 2,
                              Ri=100 * ohm * cm, dt=0.005 * ms)
    neuron.v = -70 * mV
    k = n // 2
    mon = eq.StateMonitor(neuron, "v", record=[k + int(round(lm / (12 * lm / n)))])
    net = eq.Network(neuron, mon)
    neuron.I[k] = 1 * nA
    net.run(width * 1e3 * ms)
    neuron.I = 0 * nA
    net.run(2 * ms)
    t = np.asarray(mon.t)[-1] + 0.005e-3
    x = (mon.record[0] - k) * 12 * lm / n
    cm_ = 0.01                                      # F/m2
    theory = (1 / (lm * cm_ * np.pi * d) * np.sqrt(tau / (4 * np.pi * t)) *
              np.exp(-t / tau - tau / (4 * t) * (x / lm) ** 2)) * 1e-9 * width
    assert float(mon.v[0][-1]) - EL == pytest.approx(theory, rel=1e-2)
