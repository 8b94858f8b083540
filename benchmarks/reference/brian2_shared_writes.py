"""Reference numbers for tests/runtime/test_shared_writes.py, made with Brian2 2.9 (numpy
target):

    /root/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_shared_writes.py

writes tests/data/brian2_shared_writes.json: run_regularly code writing (shared)
variables (deterministic models: exact numbers), what Brian2 does when a shared
variable is read by synapses and monitors, and which code Brian2 refuses (the
exception it raises).
"""
import json
from pathlib import Path

from brian2 import (Network, NeuronGroup, StateMonitor, Synapses, defaultclock, ms, prefs, run,
                    start_scope)

prefs.codegen.target = "numpy"
OUT = Path(__file__).resolve().parents[2] / "tests" / "data" / "brian2_shared_writes.json"


def ordered():
    """A temporary with one value (the old x), the shared write, then per-neuron
    statements that read the new x; an integer shared variable truncated on store (not
    read after the write: Brian2's numpy target would see 1.5, its Cython target 1)."""
    start_scope()
    defaultclock.dt = 0.1 * ms
    G = NeuronGroup(3, "dv/dt = -v/second : 1\nx : 1 (shared)\nc : integer (shared)\n"
                       "y : 1", name="g")
    G.run_regularly("tmp = x + 1\nx = 2*x + 1\nc = c + 1.5\ny = tmp + x + i",
                    name="g_code")
    G.x = 1
    m = StateMonitor(G, "y", record=True, when="end", name="m")
    run(0.3 * ms)
    return {"x": float(G.x[:]), "c": int(G.c[:]), "y": G.y[:].tolist(),
            "y_trace": m.y[:].tolist()}


def with_dt():
    """A shared accumulator on its own clock (t and N in it), read per neuron."""
    start_scope()
    defaultclock.dt = 0.1 * ms
    G = NeuronGroup(4, "x : 1 (shared)\nz : 1", name="g")
    G.run_regularly("x += N + t/ms\nz = x*(i + 1)", dt=0.2 * ms, name="g_code")
    run(1 * ms)
    return {"x": float(G.x[:]), "z": G.z[:].tolist()}


def synapse_reads():
    """Shared variables of the source, the target and the synapses read in on_pre, a
    reset that reads a shared variable, and a StateMonitor of a shared variable."""
    start_scope()
    defaultclock.dt = 0.1 * ms
    G = NeuronGroup(3, "dv/dt = -v/second : 1\nx : 1 (shared)\nacc : 1",
                    threshold="True", reset="acc += x", name="g")
    G.x = 5
    S = Synapses(G, G, "y : 1 (shared)\nw : 1", on_pre="v_post += x_post + 2*x_pre + y",
                 name="s")
    S.connect()
    S.y = 0.5
    m = StateMonitor(G, "x", record=[0, 2], name="m")
    run(0.2 * ms)
    return {"v": G.v[:].tolist(), "acc": G.acc[:].tolist(), "x_rec": m.x[:].tolist()}


def refusals():
    """Code Brian2 refuses: the exception type of each."""
    cases = {
        "reset": lambda: [NeuronGroup(2, "v : 1\nx : 1 (shared)", threshold="v > 1",
                                      reset="x = 1")],
        "on_event": lambda: _on_event(),
        "on_pre_post_var": lambda: _synapses("x_post += 1"),
        "on_pre_own": lambda: _synapses("y += 1", "y : 1 (shared)"),
        "after_vector": lambda: _regular("v = 1\nx = 2"),
        "after_vector_temporary": lambda: _regular("tmp = rand()\nx = tmp"),
        "vector_value": lambda: _regular("x = v"),
        "index_value": lambda: _regular("x = i"),
    }
    out = {}
    for name, make in cases.items():
        start_scope()
        try:
            Network(*make()).run(0.1 * ms)
            out[name] = None
        except Exception as exc:   # Brian2 wraps the cause; keep the innermost
            while exc.__cause__ is not None:
                exc = exc.__cause__
            out[name] = type(exc).__name__
    return out


def _g():
    return NeuronGroup(2, "v : 1\nx : 1 (shared)", threshold="v > 1", reset="v = 0")


def _on_event():
    G = NeuronGroup(2, "v : 1\nx : 1 (shared)", events={"e": "v > 0"})
    G.run_on_event("e", "x = 1")
    return [G]


def _synapses(code, model=""):
    G = _g()
    S = Synapses(G, G, model, on_pre=code)
    S.connect()
    return [G, S]


def _regular(code):
    G = _g()
    G.run_regularly(code)
    return [G]


if __name__ == "__main__":
    data = {"ordered": ordered(), "with_dt": with_dt(), "synapse_reads": synapse_reads(),
            "refusals": refusals()}
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(json.dumps(data))
