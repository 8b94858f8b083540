"""Network(fast_math=True): fused multiply-adds in the C build. Its numpy twin is checked
to a stated tolerance instead of bitwise; the default build stays bitwise equal to numpy.

200 uncoupled Traub-Miles neurons (COBAHH's cell with a constant current of 0.2-0.8 nA,
761 spikes in 50 ms, exponential Euler). Measured differences of the FMA build from the
numpy reference after 50 ms: v 1e-14 V, gates 1e-13; the tolerances below leave a factor
100 (v) and 1000 (gates). Spikes are identical.
"""
import numpy as np
import pytest

import eqsim as eq
from eqsim import models
from eqsim.units import cm, ms, msiemens, mV, siemens, ufarad, umetre

AREA = 20000 * umetre ** 2
PARAMS = {"Cm": 1 * ufarad * cm ** -2 * AREA, "gl": 5e-5 * siemens * cm ** -2 * AREA,
          "El": -60 * mV, "EK": -90 * mV, "ENa": 50 * mV,
          "g_na": 100 * msiemens * cm ** -2 * AREA,
          "g_kd": 30 * msiemens * cm ** -2 * AREA, "VT": -63 * mV}
TOL = {"v": 1e-12, "m": 1e-10, "n": 1e-10, "h": 1e-10}


def _run(backend: str, fast_math: bool):
    G = eq.NeuronGroup(200, models.HH_TRAUB_MILES, threshold="v > -20*mV",
                       refractory=3 * ms, method="exponential_euler", namespace=PARAMS,
                       name="hh", seed=5)
    G.v = "El + (randn()*5 - 5)*mV"
    G.I = "(0.2 + 0.6*rand())*nA"
    spikes = eq.SpikeMonitor(G)
    net = eq.Network(G, spikes, fast_math=fast_math)
    net.run(50 * ms, backend=backend)
    state = {k: np.array(getattr(G, k + "_")) for k in "vmnh"}
    return state, np.array(spikes.i), np.array(spikes.t_)


@pytest.fixture(scope="module")
def runs():
    return {"numpy": _run("numpy", False), "c": _run("c", False),
            "c-fast": _run("c", True)}


def test_default_build_is_bitwise_the_numpy_reference(runs):
    ref, c = runs["numpy"], runs["c"]
    for k in "vmnh":
        assert np.array_equal(ref[0][k], c[0][k]), k
    assert np.array_equal(ref[1], c[1]) and np.array_equal(ref[2], c[2])
    assert len(ref[1]) > 500


def test_fast_math_within_tolerance_of_numpy(runs):
    ref, fast = runs["numpy"], runs["c-fast"]
    differs = False
    for k in "vmnh":
        err = np.abs(fast[0][k] - ref[0][k]).max()
        assert err <= TOL[k], (k, err)
        differs |= err > 0
    assert differs   # the FMA build is in effect: its last bits are not numpy's
    assert np.array_equal(ref[1], fast[1]) and np.array_equal(ref[2], fast[2])
