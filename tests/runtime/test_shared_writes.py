"""run_regularly code writing (shared) variables, and the code Brian2 forbids to write
them, against Brian2 2.9 on the same models (tests/data/brian2_shared_writes.json, made
by benchmarks/reference/brian2_shared_writes.py)."""
import json

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import EqsimError
from eqsim.units import ms, second
from tests.conftest import DATA

REF = json.loads((DATA / "brian2_shared_writes.json").read_text())


def test_shared_writes_first_then_per_neuron_code(backend):
    """A temporary holding the old x, the shared write once per step, per-neuron code
    seeing the new x, an integer shared variable truncated when stored; plus a shared
    accumulator on its own clock (t and N in it)."""
    ref = REF["ordered"]
    G = eq.NeuronGroup(3, "dv/dt = -v/second : 1\nx : 1 (shared)\nc : integer (shared)\n"
                          "y : 1", name="g", namespace={"second": second})
    G.run_regularly("tmp = x + 1\nx = 2*x + 1\nc = c + 1.5\ny = tmp + x + i",
                    name="g_code", dt=0.1 * ms)
    G.x = 1
    m = eq.StateMonitor(G, "y", record=True, when="end", name="m")
    H = eq.NeuronGroup(4, "x : 1 (shared)\nz : 1", name="h", dt=0.1 * ms)
    H.run_regularly("x += N + t/ms\nz = x*(i + 1)", dt=0.2 * ms, name="h_code")
    net = eq.Network(G, m, H)
    net.run(0.3 * ms, backend=backend)
    assert float(G.x[0]) == ref["x"] == 15.0
    assert int(G.c[0]) == ref["c"] == 3
    assert G.y[:].tolist() == ref["y"]
    assert np.asarray(m.y).tolist() == ref["y_trace"]
    net.run(0.7 * ms, backend=backend)   # the reference's 1 ms in all
    assert float(H.x[0]) == pytest.approx(REF["with_dt"]["x"], rel=1e-12)
    assert np.allclose(H.z[:], REF["with_dt"]["z"], rtol=1e-12)


def test_shared_random_value_is_one_for_the_group():
    """Clopath et al. 2010's input selection: one random index per 1 ms for the group;
    every step exactly one neuron is selected (as in Brian2, where the scalar statement
    runs once); the same draws on both backends."""
    chosen = {}
    for backend in ("c", "numpy"):
        G = eq.NeuronGroup(5, "sel : integer (shared)\nrate : 1", name="inp", seed=3)
        G.run_regularly("sel = int(floor(rand()*N))\nrate = 1.0*int(sel == i)",
                        dt=1 * ms)
        m = eq.StateMonitor(G, "rate", record=True, name="mr", dt=1 * ms)
        eq.Network(G, m).run(40 * ms, backend=backend)
        rates = np.asarray(m.rate)
        assert rates.sum(axis=0).tolist() == [1.0] * 40
        chosen[backend] = rates.argmax(axis=0).tolist()
        assert int(G.sel[0]) == chosen[backend][-1]
    assert chosen["c"] == chosen["numpy"]
    assert len(set(chosen["c"])) == 5   # 40 draws of 5 values: all appear


def _g():
    return eq.NeuronGroup(2, "v : 1\nx : 1 (shared)", threshold="v > 1", reset="v = 0")


@pytest.mark.parametrize("case, code", [
    ("reset", "E123"), ("on_event", "E128"), ("on_pre_post_var", "E128"),
    ("on_pre_own", "E128"), ("after_vector", "E126"), ("after_vector_temporary", "E126"),
    ("vector_value", "E127"), ("index_value", "E127")])
def test_what_brian2_refuses_is_refused(case, code):
    assert REF["refusals"][case] == "SyntaxError"   # Brian2 raises for each of these
    make = {
        "reset": lambda: eq.NeuronGroup(2, "v : 1\nx : 1 (shared)", threshold="v > 1",
                                        reset="x = 1"),
        "on_event": lambda: eq.NeuronGroup(2, "v : 1\nx : 1 (shared)",
                                           events={"e": "v > 0"}).run_on_event("e", "x = 1"),
        "on_pre_post_var": lambda: eq.Synapses(_g(), _g(), on_pre="x_post += 1"),
        "on_pre_own": lambda: eq.Synapses(_g(), _g(), "y : 1 (shared)", on_pre="y += 1"),
        "after_vector": lambda: _g().run_regularly("v = 1\nx = 2"),
        "after_vector_temporary": lambda: _g().run_regularly("tmp = rand()\nx = tmp"),
        "vector_value": lambda: _g().run_regularly("x = v"),
        "index_value": lambda: _g().run_regularly("x = i"),
    }[case]
    with pytest.raises(EqsimError) as e:
        make()
    assert e.value.code == code


def test_reset_and_monitor_read_shared_variables(backend):
    """Reading a shared variable in a reset and recording it (Brian2: acc 10, x 5)."""
    ref = REF["synapse_reads"]
    G = eq.NeuronGroup(3, "dv/dt = -v/second : 1\nx : 1 (shared)\nacc : 1",
                       threshold="True", reset="acc += x", name="g",
                       namespace={"second": second})
    G.x = 5
    m = eq.StateMonitor(G, "x", record=[0, 2], name="m")
    eq.Network(G, m).run(0.2 * ms, backend=backend)
    assert G.acc[:].tolist() == ref["acc"]
    assert np.asarray(m.x).tolist() == ref["x_rec"]


def test_synapses_read_shared_variables(backend):
    """on_pre reading shared variables of the target, the source and the synapses
    (Brian2: v = 92.995..., the same for the three neurons)."""
    ref = REF["synapse_reads"]
    G = eq.NeuronGroup(3, "dv/dt = -v/second : 1\nx : 1 (shared)\nacc : 1",
                       threshold="True", reset="acc += x", name="g",
                       namespace={"second": second})
    G.x = 5
    S = eq.Synapses(G, G, "y : 1 (shared)\nw : 1", on_pre="v_post += x_post + 2*x_pre + y",
                    name="s")
    S.connect()
    S.y = 0.5
    eq.Network(G, S).run(0.2 * ms, backend=backend)
    assert np.allclose(G.v[:], ref["v"], rtol=1e-12)
