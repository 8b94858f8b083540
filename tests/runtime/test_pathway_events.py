"""Pathways of one Synapses triggered by different events, as in Brian2's
examples/advanced/custom_events.py: 'pre' by spikes, 'gpath' by the custom event
'gspike'. Against Brian2 2.9 (benchmarks/reference/brian2_pathway_events.py): event and
spike times equal, traces of the targets within 1e-12."""
import json

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import ConfigurationError
from eqsim.units import ms

from ..conftest import DATA

REF = json.loads((DATA / "brian2_pathway_events.json").read_text())
MODEL_G = """dv/dt = (g-v)/(50*ms) : 1
dg/dt = (2.5 - g)/(10*ms) : 1
allow_gspike : boolean"""
EVENTS = {"gspike": "g>1 and allow_gspike", "end_gspike": "g<1 and not allow_gspike"}


def test_pathways_driven_by_different_events_match_brian2(backend):
    G = eq.NeuronGroup(1, MODEL_G, threshold="v>1",
                       reset="v = 0; g = 0; allow_gspike = True", events=EVENTS,
                       method="exact", namespace={})
    G.run_on_event("gspike", "allow_gspike = False")
    G.run_on_event("end_gspike", "allow_gspike = True")
    H = eq.NeuronGroup(1, "dx/dt = -x/(10*ms) : 1\ndy/dt = -y/(10*ms) : 1",
                       method="exact", namespace={})
    S = eq.Synapses(G, H, on_pre={"pre": "x += 1", "gpath": "y += 1"},
                    on_event={"pre": "spike", "gpath": "gspike"}, namespace={})
    S.connect()
    M = eq.StateMonitor(H, ("x", "y"), record=True)
    Mg = eq.EventMonitor(G, "gspike")
    Ms = eq.SpikeMonitor(G)
    G.allow_gspike = True
    eq.Network(G, H, S, M, Mg, Ms).run(300 * ms, backend=backend)
    assert len(REF["gspike_ms"]) == 9 and len(REF["spike_ms"]) == 8
    np.testing.assert_allclose(Mg.t / ms, REF["gspike_ms"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(Ms.t / ms, REF["spike_ms"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(np.asarray(M.x[0])[::50], REF["x"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(np.asarray(M.y[0])[::50], REF["y"], rtol=0, atol=1e-12)


def test_a_pathway_event_the_group_lacks_is_named():
    G = eq.NeuronGroup(1, "v : 1", threshold="v > 1", namespace={})
    with pytest.raises(ConfigurationError, match="E775.*no event 'nope'"):
        eq.Synapses(G, G, on_pre={"pre": "v += 1", "gpath": "v += 2"},
                    on_event={"gpath": "nope"}, namespace={})
