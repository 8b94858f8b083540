"""Reference: pathways of one Synapses triggered by different events (Brian2's
examples/advanced/custom_events.py pattern, driven deterministically):
``on_pre={'pre': ..., 'gpath': ...}, on_event={'pre': 'spike', 'gpath': 'gspike'}``.

    ~/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_pathway_events.py
writes tests/data/brian2_pathway_events.json (tests/runtime/test_pathway_events.py, which
builds the same network).
"""
import json
from pathlib import Path

from brian2 import (EventMonitor, NeuronGroup, SpikeMonitor, StateMonitor, Synapses, ms,
                    prefs, run)

MODEL_G = """dv/dt = (g-v)/(50*ms) : 1
dg/dt = (2.5 - g)/(10*ms) : 1
allow_gspike : boolean"""
EVENTS = {"gspike": "g>1 and allow_gspike", "end_gspike": "g<1 and not allow_gspike"}


def main() -> None:
    prefs.codegen.target = "numpy"
    G = NeuronGroup(1, MODEL_G, threshold="v>1",
                    reset="v = 0; g = 0; allow_gspike = True", events=EVENTS,
                    method="exact")
    G.run_on_event("gspike", "allow_gspike = False")
    G.run_on_event("end_gspike", "allow_gspike = True")
    H = NeuronGroup(1, "dx/dt = -x/(10*ms) : 1\ndy/dt = -y/(10*ms) : 1", method="exact")
    S = Synapses(G, H, on_pre={"pre": "x += 1", "gpath": "y += 1"},
                 on_event={"pre": "spike", "gpath": "gspike"})
    S.connect()
    M = StateMonitor(H, ("x", "y"), record=True)
    Mg = EventMonitor(G, "gspike")
    Ms = SpikeMonitor(G)
    G.allow_gspike = True
    run(300 * ms)
    out = {"x": [float(v) for v in M.x[0][::50]], "y": [float(v) for v in M.y[0][::50]],
           "gspike_ms": [float(v) for v in Mg.t / ms],
           "spike_ms": [float(v) for v in Ms.t / ms]}
    path = Path(__file__).resolve().parents[2] / "tests" / "data" / \
        "brian2_pathway_events.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
