"""method='exact' accepts a TimedArray in the inhomogeneous part of a linear system, as
Brian2 does (its value is held over the step): Brian2's tutorial 3 model, spike times
equal to Brian2 2.9's and v within 1e-12 (benchmarks/reference/brian2_exact_timedarray.py).
A bare t (e.g. sin(2*pi*f*t)) still needs another method (E305)."""
import json

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import IntegrationError
from eqsim.units import Hz, ms

from ..conftest import DATA

REF = json.loads((DATA / "brian2_exact_timedarray.json").read_text())


def test_exact_with_a_timed_array_matches_brian2(backend):
    dt = 0.1 * ms
    t_rec = np.arange(2000) * float(dt)
    I_rec = eq.TimedArray(2.5 * np.sin(2 * np.pi * 10 * t_rec), dt=dt)
    G = eq.NeuronGroup(1, "dv/dt = (I - v)/tau : 1\nI = I_recorded(t) : 1",
                       threshold="v > 1", reset="v = 0", method="exact",
                       namespace={"tau": 5 * ms, "I_recorded": I_rec})
    M = eq.StateMonitor(G, "v", record=True)
    S = eq.SpikeMonitor(G)
    eq.Network(G, M, S).run(200 * ms, backend=backend)
    assert len(REF["spike_times_ms"]) == 20
    np.testing.assert_allclose(S.t / ms, REF["spike_times_ms"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(np.asarray(M.v[0])[::10], REF["v_every_10_steps"],
                               rtol=0, atol=1e-12)


def test_exact_still_refuses_a_bare_t():
    with pytest.raises(IntegrationError, match="E305"):
        G = eq.NeuronGroup(1, "dv/dt = (sin(2*pi*f*t) - v)/tau : 1", method="exact",
                           namespace={"tau": 5 * ms, "f": 10 * Hz})
        eq.Network(G).run(0.1 * ms)
