"""Compiled synapse features on both backends, against Brian2 2.9 on the same scripts
(benchmarks/reference/brian2_synapse_features.py): synapses acting on synapses,
multiple pathways, temporaries in statements, an empty reset, postsynaptic variables
recorded through the synapses."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import EqsimError
from eqsim.units import mV, ms

REF = json.loads((Path(__file__).parents[1] / "data" /
                  "brian2_synapse_features.json").read_text())


def test_synapses_on_synapses(backend):
    """A modulator's spikes act on the variables of other synapses (Izhikevich 2007's
    dopamine): d_post is the d of target synapse j; traces equal Brian2's."""
    ref = REF["synapses_on_synapses"]
    inp = eq.SpikeGeneratorGroup(2, [0, 1, 0, 1], [1, 3, 11, 13] * ms)
    G = eq.NeuronGroup(2, "dv/dt = -v/(10*ms) : volt", threshold="v > 10*mV",
                       reset="v = 0*mV", method="exact")
    S = eq.Synapses(inp, G, "w : volt", on_pre="v_post += w")
    S.connect(i=[0, 1], j=[0, 1])
    S.w = 20 * mV
    stdp = eq.Synapses(G, G, """dc/dt = -c/(20*ms) : 1 (clock-driven)
                                dd/dt = -d/(50*ms) : 1 (clock-driven)
                                ds/dt = c*d/(100*ms) : 1 (clock-driven)""",
                       on_pre="c += 1", method="euler")
    stdp.connect(i=[0, 0, 1], j=[1, 0, 0])
    dop = eq.SpikeGeneratorGroup(1, [0, 0], [5, 12] * ms)
    reward = eq.Synapses(dop, stdp, on_pre="d_post += 0.5*(1 + j)")
    reward.connect(p=1.0)
    M = eq.StateMonitor(stdp, ["c", "d", "s"], record=True)
    net = eq.Network(inp, G, S, stdp, dop, reward, M)
    net.run(20 * ms, backend=backend)
    assert [[int(a), int(b)] for a, b in zip(stdp.i, stdp.j)] == ref["pairs"]
    assert reward.j.tolist() == ref["reward_j"]
    for var in "cds":
        np.testing.assert_allclose(getattr(M, var), ref[var], rtol=1e-9, atol=1e-12)
    assert np.max(M.d) > 1   # the dopamine arrived


def test_synapses_on_synapses_errors():
    G = eq.NeuronGroup(2, "v : 1", threshold="v > 1")
    S = eq.Synapses(G, G, "w : 1", on_pre="v_post += w")
    S.connect()
    with pytest.raises(EqsimError) as err:
        eq.Synapses(G, S, on_post="w_post += 1")
    assert err.value.code == "E751"
    with pytest.raises(EqsimError) as err:   # (summed) into synapses: Brian2 allows it
        eq.Synapses(G, S, "x_post = 1 : 1 (summed)")
    assert err.value.code == "E119"           # but x is no variable of S
    R = eq.Synapses(G, S, on_pre="w_post += 1")
    R.connect(j="k for k in range(N_post) if k != i")
    assert len(R) == 2 * 3
    S.connect(i=0, j=0)   # the target's synapses change: R's numbers are stale
    with pytest.raises(EqsimError) as err:
        eq.Network(G, S, R).run(1 * ms, backend="numpy")
    assert err.value.code == "E752"


def test_pathways(backend):
    """on_pre={'up': ..., 'down': ...} with their own delays (one per synapse for
    'down'), two on_post pathways run in name order; traces equal Brian2's."""
    ref = REF["pathways"]
    inp = eq.SpikeGeneratorGroup(2, [0, 1, 0, 1], [1, 2, 6, 9] * ms)
    G = eq.NeuronGroup(3, "dI/dt = -I/(5*ms) : 1\ndv/dt = (I - v)/(2*ms) : 1",
                       threshold="v > 0.6", reset="v = 0", method="exact")
    S = eq.Synapses(inp, G, "w : 1", on_pre={"up": "I_post += w",
                                             "down": "I_post -= 0.5*w"},
                    delay={"up": 0 * ms})
    S.connect(i=[0, 0, 1], j=[0, 1, 2])
    S.w = "j + 1"
    S.down.delay = "(1 + j)*ms"
    F = eq.Synapses(G, G, "c : 1", on_post={"count": "c += 1", "mark": "c = c*2"})
    F.connect(j="i")
    M = eq.StateMonitor(G, ["I", "v"], record=True)
    net = eq.Network(inp, G, S, F, M)
    net.run(15 * ms, backend=backend)
    assert sorted(set((S.up.delay / ms).tolist())) == ref["up_delay_ms"]
    np.testing.assert_allclose(S.down.delay / ms, ref["down_delay_ms"], rtol=1e-12)
    np.testing.assert_allclose(F.c, ref["c"], rtol=1e-12)
    np.testing.assert_allclose(M.I, ref["I"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(M.v, ref["v"], rtol=1e-9, atol=1e-12)


def test_temporaries_empty_reset_and_linked_monitor(backend):
    """'x = w*2' in on_pre and 'dv = v - 1' in a reset are temporaries (Brian2); an
    empty reset resets nothing; StateMonitor(S, 'v_post') records the target's v."""
    ref = REF["temporaries"]
    G = eq.NeuronGroup(2, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="",
                       method="exact")
    G.v = [0.5, 2]
    S = eq.Synapses(G, G, "w : 1", on_pre="""x = w*2
                                             v_post += x
                                             w = x + 1""")
    S.connect()
    M = eq.StateMonitor(S, ["v_post", "w", "v_pre"], record=True)
    H = eq.NeuronGroup(3, "dv/dt = (2 - v)/(5*ms) : 1", threshold="v > 1",
                       reset="""dv = v - 1
                                v = dv*0.5 - 0.2
                                y = v
                                v = y + 0.1""", method="exact")
    MH = eq.StateMonitor(H, "v", record=[0])
    net = eq.Network(G, S, M, H, MH)
    net.run(1 * ms, backend=backend)
    for var in ("v_post", "v_pre", "w"):
        np.testing.assert_allclose(getattr(M, var), ref[var], rtol=1e-9)
    np.testing.assert_allclose(G.v, ref["G_v"], rtol=1e-9)
    np.testing.assert_allclose(MH.v[0], ref["H_v"], rtol=1e-9)


def test_pathway_errors():
    G = eq.NeuronGroup(2, "v : 1", threshold="v > 1")
    with pytest.raises(EqsimError) as err:
        eq.Synapses(G, G, on_pre={"up": "v_post += 1"}, delay={"down": 1 * ms})
    assert err.value.code == "E737"
    with pytest.raises(EqsimError) as err:
        eq.Synapses(G, G, on_pre={"a b": "v_post += 1"})
    assert err.value.code == "E737"
    with pytest.raises(EqsimError) as err:
        eq.Synapses(G, G, on_pre={"x": "v_post += 1"}, on_post={"x": "v_pre += 1"})
    assert err.value.code == "E737"
    with pytest.raises(EqsimError) as err:
        eq.Synapses(G, G, on_post={"back": "v_pre += 1"}, delay={"back": 1 * ms})
    assert err.value.code == "E738"
    S = eq.Synapses(G, G, on_pre={"up": "v_post += 1", "down": "v_post -= 1"})
    S.connect()
    with pytest.raises(EqsimError) as err:
        S.delay = 1 * ms                     # no pathway called 'pre'
    assert err.value.code == "E737"
    S.up.delay = 2 * ms
    S.down.delay["i == 0"] = 3 * ms          # indexing a pathway's delays
    assert (S.up.delay / ms).tolist() == [2, 2, 2, 2]
    assert (S.down.delay / ms).tolist() == [3, 3, 0, 0]
    assert eq.StateMonitor(S, "v").variables == ("v_post",)   # the target's v (Brian2)
    with pytest.raises(EqsimError) as err:
        eq.StateMonitor(S, "u")
    assert err.value.code == "E711" and "v_post" in str(err.value)


def test_timed_arrays_in_synapses(backend):
    """A 1-D TimedArray with a unit in on_pre and a 2-D one (by source index) in a
    clock-driven synaptic equation (E309 before); traces equal Brian2's."""
    ref = REF["timed_arrays"]
    inp = eq.SpikeGeneratorGroup(2, [0, 1, 0, 1], [1, 2, 6, 9] * ms)
    G = eq.NeuronGroup(2, "dv/dt = -v/(10*ms) : volt", method="exact")
    f = eq.TimedArray([1, 2, 3, 4] * mV, dt=2.5 * ms)
    g2 = eq.TimedArray(np.array([[1.0, 2.0], [3.0, 4.0]]), dt=5 * ms)
    S = eq.Synapses(inp, G, """w : volt
                               dx/dt = (g2(t, i) - x)/(3*ms) : 1 (clock-driven)""",
                    on_pre="v_post += f(t) + w*x", method="euler",
                    namespace={"f": f, "g2": g2})
    S.connect(j="i")
    S.w = 1 * mV
    M = eq.StateMonitor(G, "v", record=True)
    net = eq.Network(inp, G, S, M)
    net.run(12 * ms, backend=backend)
    np.testing.assert_allclose(M.v_, ref["v"], rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(S.x, ref["x"], rtol=1e-9)


def test_operators_in_synaptic_code_follow_python(backend):
    """% and // in on_pre code, clock-driven synaptic equations and summed variables
    follow Python (as in neuron code and Brian2): (j - i) % 3 is never negative."""
    inp = eq.SpikeGeneratorGroup(4, [0, 1, 2, 3], [1, 1, 1, 1] * ms)
    G = eq.NeuronGroup(4, "x : 1\ns : 1")
    S = eq.Synapses(inp, G, """r : 1
                               s_post = (i - 2*j) % 3 + (i - 2*j) // 3 : 1 (summed)""",
                    on_pre="x_post += (j - i) % 3 + 10*((j - i) // 3)\nr = (i - j - 0.5) % 2")
    S.connect()
    net = eq.Network(inp, G, S)
    net.run(2 * ms, backend=backend)
    i, j = np.meshgrid(np.arange(4), np.arange(4), indexing="ij")
    want_x = ((j - i) % 3 + 10 * ((j - i) // 3)).sum(axis=0)
    want_s = ((i - 2 * j) % 3 + (i - 2 * j) // 3).sum(axis=0)
    np.testing.assert_allclose(G.x, want_x)
    np.testing.assert_allclose(G.s, want_s)
    np.testing.assert_allclose(S.r, (S.i - S.j - 0.5) % 2)


def test_pathway_queues_store_and_restore():
    """Spikes in flight in a named pathway's queue are part of the stored state."""
    inp = eq.SpikeGeneratorGroup(1, [0, 0], [1, 3] * ms)
    G = eq.NeuronGroup(1, "x : 1")
    S = eq.Synapses(inp, G, on_pre={"up": "x_post += 1", "late": "x_post += 10"},
                    delay={"late": 2 * ms})
    S.connect()
    net = eq.Network(inp, G, S)
    net.run(1.5 * ms, backend="numpy")   # the first spike's 'late' event is in flight
    net.store()
    net.run(4 * ms, backend="numpy")
    first = float(G.x[0])
    net.restore()
    net.run(4 * ms, backend="numpy")
    assert float(G.x[0]) == first == 22.0


def test_synapse_counts_in_generated_code(backend):
    """N_incoming / N_outgoing in a summed variable and in on_pre code (as in Brian2's
    Stimberg et al. 2018 example): kept current after each connect()."""
    inp = eq.SpikeGeneratorGroup(3, [0, 1, 2], [1, 1, 1] * ms)
    G = eq.NeuronGroup(4, "x : 1\ny : 1")
    S = eq.Synapses(inp, G, "y_post = 1.0/N_incoming : 1 (summed)",
                    on_pre="x_post += 1.0/N_outgoing")
    S.connect(i=[0, 0, 1, 2], j=[0, 1, 1, 1])
    S.connect(i=2, j=3)
    net = eq.Network(inp, G, S)
    net.run(2 * ms, backend=backend)
    # N_outgoing: 2, 2, 1, 2, 2; N_incoming: 1, 3, 3, 3, 1
    np.testing.assert_allclose(G.x, [0.5, 0.5 + 1 + 0.5, 0, 0.5])
    np.testing.assert_allclose(G.y, [1, 1, 0, 1])
    assert S.N_outgoing.tolist() == [2, 2, 1, 2, 2]


@pytest.mark.parametrize("kind", ["pathways", "synapses target"])
def test_not_split_across_mpi_ranks(kind):
    """Named pathways and synapses acting on synapses say why they cannot run split
    across MPI ranks (E761) instead of running wrongly."""
    G = eq.NeuronGroup(2, "v : 1", threshold="v > 1")
    S = eq.Synapses(G, G, "w : 1", on_pre="v_post += w")
    S.connect()
    if kind == "pathways":
        R = eq.Synapses(G, G, on_pre={"a": "v_post += 1", "b": "v_post -= 1"})
    else:
        R = eq.Synapses(G, S, on_pre="w_post += 1")
    R.connect()
    with pytest.raises(EqsimError) as err:
        eq.Network(G, S, R).run(1 * ms, backend="mpi")
    assert err.value.code == "E761"
    assert ("pathways" if kind == "pathways" else "another Synapses") in str(err.value)
