"""Reference for Brian2's synapse features that eqsim mirrors (docs/synapses.md):
generator syntax of connect(), skip_if_invalid, n per pair, S.indices, N_incoming /
N_outgoing, string and (i, j) indexing of variables, multiple pathways, Synapses acting
on other Synapses, temporary variables in statements, an empty reset, StateMonitor of a
postsynaptic variable through the Synapses.

Run with the Brian2 virtualenv:
    ~/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_synapse_features.py
writes tests/data/brian2_synapse_features.json, read by
tests/runtime/test_synapse_features.py. Every script here is repeated there with eqsim;
only deterministic results are stored (random connectivity is tested by its statistics).
"""
import json
from pathlib import Path

import numpy as np
from brian2 import (NeuronGroup, Network, SpikeGeneratorGroup, StateMonitor, Synapses,
                    TimedArray, mV, ms, prefs)


def pairs(S):
    return sorted([int(a), int(b)] for a, b in zip(S.i[:], S.j[:]))


def connect_and_index() -> dict:
    out = {}
    G = NeuronGroup(10, "v : volt\nx : 1", threshold="v > 1*volt")
    S = Synapses(G, G, "w : volt", on_pre="v_post += w")
    S.connect(j="k for k in range(i-3, i+4) if i != k", skip_if_invalid=True)
    out["range_skip"] = pairs(S)
    S2 = Synapses(G, G, "w : 1")
    S2.connect(j="i+(-1)**k for k in range(2) if i>0 and i<N_pre-1")
    out["neighbours"] = pairs(S2)
    S3 = Synapses(G, G, "w : 1")
    S3.connect(j="i+1", skip_if_invalid=True)
    S3.connect(j="k for k in range(0, N_post, 3) if k > i")
    out["shift_and_step"] = pairs(S3)
    S4 = Synapses(G, G, "w : 1")
    S4.connect("i == (j + 1) % N_post", n=2)
    S4.connect(j="i", n=3)
    out["n_pairs"] = pairs(S4)
    S5 = Synapses(G, G, "w : 1")
    S5.connect(j="k for k in sample(N_post, size=i//2)")
    out["sample_size_outdegree"] = [int(c) for c in np.bincount(S5.i[:], minlength=10)]
    S6 = Synapses(G, G, "w : 1")
    S6.connect(j="k for k in sample(2, N_post, 2, size=2) if i < 4")
    out["sample_step_outdegree"] = [int(c) for c in np.bincount(S6.i[:], minlength=10)]
    out["sample_step_targets_even"] = bool(np.all(S6.j[:] % 2 == 0) and
                                           np.all(S6.j[:] >= 2))
    # N_incoming / N_outgoing and indexing, on the range_skip synapses
    S.w = "1*mV/N_incoming + 0.1*mV*N_outgoing"
    out["w_counts_mV"] = [[int(a), int(b), float(w / mV)]
                          for a, b, w in zip(S.i[:], S.j[:], S.w[:])]
    out["N_incoming"] = [[int(a), int(b), int(n)]
                         for a, b, n in zip(S.i[:], S.j[:], S.N_incoming[:])]
    out["N_outgoing"] = [[int(a), int(b), int(n)]
                         for a, b, n in zip(S.i[:], S.j[:], S.N_outgoing[:])]
    si, sj = S.i[:], S.j[:]

    def by_pairs(idx):
        idx = np.asarray(idx, dtype=int)
        return sorted([int(si[k]), int(sj[k])] for k in idx)

    out["indices_row3"] = by_pairs(S.indices[3, :])
    out["indices_cond"] = by_pairs(S.indices["i > j + 1"])
    out["indices_col_slice"] = by_pairs(S.indices[:, 2:4])
    out["indices_pair"] = by_pairs(S.indices[5, 6])
    S.w["i > j"] = "(i - j)*mV"
    S.w[0, :] = 5 * mV
    S.w[2, 4] = 7 * mV
    S.delay["j == 0"] = 2 * ms
    out["w_after_mV"] = [[int(a), int(b), float(w / mV)]
                         for a, b, w in zip(S.i[:], S.j[:], S.w[:])]
    out["w_row4_mV"] = sorted(float(w / mV) for w in S.w[4, :])
    out["w_cond_mV"] = sorted(float(w / mV) for w in S.w["j == 5"])
    out["delay_ms"] = [[int(a), int(b), float(d / ms)]
                       for a, b, d in zip(S.i[:], S.j[:], S.delay[:])]
    G.v = "i*mV"
    G.v["i > 5"] = "-i*mV"
    G.x["i < 3"] = 2.5
    G.x[[7, 8]] = 4
    out["group_v_mV"] = [float(v / mV) for v in G.v[:]]
    out["group_x"] = [float(x) for x in G.x[:]]
    out["group_read_mV"] = [float(v / mV) for v in G.v["v < 2*mV"]]
    return out


def synapses_on_synapses() -> dict:
    """A modulator group acting on the variables of other synapses (as in Brian2's
    Izhikevich_2007 example): d_post is the d of the target synapse j."""
    inp = SpikeGeneratorGroup(2, [0, 1, 0, 1], [1, 3, 11, 13] * ms)
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : volt", threshold="v > 10*mV",
                    reset="v = 0*mV", method="exact")
    S = Synapses(inp, G, "w : volt", on_pre="v_post += w")
    S.connect(i=[0, 1], j=[0, 1])
    S.w = 20 * mV
    stdp = Synapses(G, G, """dc/dt = -c/(20*ms) : 1 (clock-driven)
                             dd/dt = -d/(50*ms) : 1 (clock-driven)
                             ds/dt = c*d/(100*ms) : 1 (clock-driven)""",
                    on_pre="c += 1", method="euler")
    stdp.connect(i=[0, 0, 1], j=[1, 0, 0])
    dop = SpikeGeneratorGroup(1, [0, 0], [5, 12] * ms)
    reward = Synapses(dop, stdp, on_pre="d_post += 0.5*(1 + j)")
    reward.connect(p=1.0)
    M = StateMonitor(stdp, ["c", "d", "s"], record=True)
    net = Network(inp, G, S, stdp, dop, reward, M)
    net.run(20 * ms)
    return {"pairs": [[int(a), int(b)] for a, b in zip(stdp.i[:], stdp.j[:])],
            "reward_j": [int(x) for x in reward.j[:]],
            "c": M.c[:].tolist(), "d": M.d[:].tolist(), "s": M.s[:].tolist()}


def pathways() -> dict:
    """Two pathways driven by the same spikes with different delays (Brian2's
    Izhikevich_2003 example), per-synapse delays of one pathway, two on_post pathways
    (run in name order: 'count' before 'mark')."""
    inp = SpikeGeneratorGroup(2, [0, 1, 0, 1], [1, 2, 6, 9] * ms)
    G = NeuronGroup(3, "dI/dt = -I/(5*ms) : 1\ndv/dt = (I - v)/(2*ms) : 1",
                    threshold="v > 0.6", reset="v = 0", method="exact")
    S = Synapses(inp, G, "w : 1", on_pre={"up": "I_post += w",
                                          "down": "I_post -= 0.5*w"},
                 delay={"up": 0 * ms})
    S.connect(i=[0, 0, 1], j=[0, 1, 2])
    S.w = "j + 1"
    S.down.delay = "(1 + j)*ms"
    F = Synapses(G, G, "c : 1", on_post={"count": "c += 1", "mark": "c = c*2"})
    F.connect(j="i")
    M = StateMonitor(G, ["I", "v"], record=True)
    net = Network(inp, G, S, F, M)
    net.run(15 * ms)
    return {"up_delay_ms": [float(d / ms) for d in np.atleast_1d(S.up.delay[:])],
            "down_delay_ms": [float(d / ms) for d in S.down.delay[:]],
            "c": [float(c) for c in F.c[:]], "I": M.I[:].tolist(), "v": M.v[:].tolist()}


def temporaries() -> dict:
    """Temporaries in on_pre and reset code, an empty reset, and the target's and
    source's variables recorded through the synapses."""
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="",
                    method="exact")
    G.v = [0.5, 2]
    S = Synapses(G, G, "w : 1", on_pre="""x = w*2
                                          v_post += x
                                          w = x + 1""")
    S.connect()
    M = StateMonitor(S, ["v_post", "w", "v_pre"], record=True)
    H = NeuronGroup(3, "dv/dt = (2 - v)/(5*ms) : 1", threshold="v > 1",
                    reset="""dv = v - 1
                             v = dv*0.5 - 0.2
                             y = v
                             v = y + 0.1""", method="exact")
    MH = StateMonitor(H, "v", record=[0])
    net = Network(G, S, M, H, MH)
    net.run(1 * ms)
    return {"v_post": M.v_post[:].tolist(), "v_pre": M.v_pre[:].tolist(),
            "w": M.w[:].tolist(), "G_v": [float(v) for v in G.v[:]],
            "H_v": MH.v[0].tolist()}


def timed_arrays() -> dict:
    """TimedArrays in a synapse's statements and clock-driven equations (1-D with a
    unit, 2-D indexed by the source neuron)."""
    inp = SpikeGeneratorGroup(2, [0, 1, 0, 1], [1, 2, 6, 9] * ms)
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : volt", method="exact")
    f = TimedArray([1, 2, 3, 4] * mV, dt=2.5 * ms)
    g2 = TimedArray(np.array([[1.0, 2.0], [3.0, 4.0]]), dt=5 * ms)
    S = Synapses(inp, G, """w : volt
                            dx/dt = (g2(t, i) - x)/(3*ms) : 1 (clock-driven)""",
                 on_pre="v_post += f(t) + w*x", method="euler",
                 namespace={"f": f, "g2": g2})
    S.connect(j="i")
    S.w = 1 * mV
    M = StateMonitor(G, "v", record=True)
    net = Network(inp, G, S, M)
    net.run(12 * ms)
    return {"v": np.asarray(M.v_[:]).tolist(), "x": [float(x) for x in S.x[:]]}


def main() -> None:
    prefs.codegen.target = "numpy"
    out = {"connect": connect_and_index(), "synapses_on_synapses": synapses_on_synapses(),
           "pathways": pathways(), "temporaries": temporaries(),
           "timed_arrays": timed_arrays()}
    path = (Path(__file__).resolve().parents[2] / "tests" / "data" /
            "brian2_synapse_features.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
