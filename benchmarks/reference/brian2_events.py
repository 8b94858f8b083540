"""Reference numbers for tests/runtime/test_events.py, test_schedule.py and
test_network_operation.py, made with Brian2 2.9 (numpy target):

    /root/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_events.py

writes tests/data/brian2_events.json. The models are deterministic; the eqsim tests build
the same models (same names, so that Brian2's order within a slot, by name, is the same).
"""
import json
from pathlib import Path

from brian2 import (EventMonitor, Network, NeuronGroup, SpikeMonitor, StateMonitor,
                    Synapses, defaultclock, ms, network_operation, prefs, start_scope)

prefs.codegen.target = "numpy"
OUT = Path(__file__).resolve().parents[2] / "tests" / "data" / "brian2_events.json"


def operations():
    """network_operation (no argument and t, dt=, when=), run_regularly, monitors at
    'start' and 'end', SpikeMonitor(variables=)."""
    start_scope()
    defaultclock.dt = 0.1 * ms
    G = NeuronGroup(3, "dv/dt = (I - v)/(10*ms) : 1\nI : 1", threshold="v > 0.8",
                    reset="v = 0", method="exact", name="g")
    G.I = [1.0, 1.5, 2.0]
    G.run_regularly("I = I + 0.05", dt=2 * ms, when="start", name="g_grow")
    m_start = StateMonitor(G, "v", record=True, name="m_start")
    m_end = StateMonitor(G, "v", record=True, when="end", name="m_end")
    sp = SpikeMonitor(G, variables=["v", "I"], name="sp")
    seen = []

    @network_operation(dt=1 * ms, name="shrink")
    def shrink():
        G.I = G.I * 0.98

    @network_operation(dt=0.5 * ms, when="end", name="watch")
    def watch(t):
        seen.append([float(t / ms), float(G.v[0])])

    net = Network(G, m_start, m_end, sp, shrink, watch)
    net.run(20 * ms)
    return {"spike_i": sp.i[:].tolist(), "spike_t": (sp.t / ms).tolist(),
            "spike_v": sp.v[:].tolist(), "spike_I": sp.I[:].tolist(),
            "v_start": m_start.v[:].tolist(), "v_end": m_end.v[:].tolist(),
            "I_final": G.I[:].tolist(), "seen": seen}


def stopping():
    """net.stop() from inside an operation (examples/network_operation_stop.py style)."""
    start_scope()
    G = NeuronGroup(1, "dv/dt = (1.5 - v)/(10*ms) : 1", threshold="v > 1",
                    reset="v = 0", method="exact", name="g")
    sp = SpikeMonitor(G, name="sp")
    net = Network(G, sp)

    @network_operation(dt=0.1 * ms, name="stopper")
    def stopper():
        if sp.num_spikes >= 3:
            net.stop()

    net.add(stopper)
    net.run(100 * ms)
    return {"t_stop": float(net.t / ms), "spike_t": (sp.t / ms).tolist()}


def events():
    """Custom events, run_on_event, EventMonitor with a variable, on_event synapses."""
    start_scope()
    G = NeuronGroup(2, "dv/dt = (I - v)/(10*ms) : 1\nx : 1\nI : 1", threshold="v > 1",
                    reset="v = 0; x = 0", method="exact",
                    events={"half": "v > 0.5 and x == 0"}, name="g")
    G.I = [1.2, 1.6]
    G.run_on_event("half", "x = 1; v = v + 0.05")
    H = NeuronGroup(2, "y : 1", name="h")
    S = Synapses(G, H, on_pre="y_post += 1", on_event="half", name="s")
    S.connect(j="i")
    em = EventMonitor(G, "half", variables=["v"], name="em")
    sp = SpikeMonitor(G, name="sp")
    Network(G, H, S, em, sp).run(60 * ms)
    return {"event_i": em.i[:].tolist(), "event_t": (em.t / ms).tolist(),
            "event_v": em.v[:].tolist(), "spike_i": sp.i[:].tolist(),
            "spike_t": (sp.t / ms).tolist(), "y": H.y[:].tolist(),
            "count": em.count[:].tolist()}


def summed():
    """A summed variable fed by a clock-driven synaptic variable (Brian2 sums it in
    'groups', before the state updates)."""
    start_scope()
    src = NeuronGroup(2, "dv/dt = (1.5 - v)/(5*ms) : 1", threshold="v > 1",
                      reset="v = 0", method="exact", name="src")
    src.v = [0, 0.5]
    tgt = NeuronGroup(2, "dv/dt = (5*s_tot - v)/(10*ms) : 1\ns_tot : 1",
                      threshold="v > 1", reset="v = 0", method="euler", name="tgt")
    S = Synapses(src, tgt, "ds/dt = -s/(3*ms) : 1 (clock-driven)\n"
                           "s_tot_post = s : 1 (summed)", on_pre="s += 0.5",
                 method="euler", name="syn")
    S.connect(i=[0, 1, 1], j=[0, 0, 1])
    m = StateMonitor(tgt, ["v", "s_tot"], record=True, name="m")
    sp = SpikeMonitor(tgt, name="sp")
    Network(src, tgt, S, m, sp).run(50 * ms)
    return {"v": m.v[:].tolist(), "s_tot": m.s_tot[:].tolist(),
            "spike_i": sp.i[:].tolist(), "spike_t": (sp.t / ms).tolist()}


def magic_events():
    """examples/advanced/custom_events.py style, through the magic run()."""
    from brian2 import run
    start_scope()
    G = NeuronGroup(1, "dv/dt = (g - v)/(50*ms) : 1\ndg/dt = -g/(10*ms) : 1\n"
                       "allow : 1", threshold="v > 1", reset="v = 0; g = 0; allow = 1",
                    events={"gspike": "g > 1 and allow > 0.5",
                            "end_gspike": "g < 1 and allow < 0.5"}, method="exact")
    G.run_on_event("gspike", "allow = 0")
    G.run_on_event("end_gspike", "allow = 1")
    G.g = 3
    G.allow = 1
    kick = network_operation(dt=20 * ms)(lambda: setattr(G, "g", G.g + 2.5))
    mg = EventMonitor(G, "gspike", "g")
    msp = SpikeMonitor(G, "v")
    run(200 * ms)
    del kick
    return {"gspike_t": (mg.t / ms).tolist(), "gspike_g": mg.g[:].tolist(),
            "spike_t": (msp.t / ms).tolist(), "spike_v": msp.v[:].tolist()}


if __name__ == "__main__":
    import brian2
    data = {"brian2": brian2.__version__, "operations": operations(),
            "stopping": stopping(), "events": events(), "summed": summed(),
            "magic_events": magic_events()}
    OUT.write_text(json.dumps(data))
    print("wrote", OUT, {k: len(v) if isinstance(v, dict) else v for k, v in data.items()})
