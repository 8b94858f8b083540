"""Brian2's synapse features, each against Brian2 2.9 on the same script
(benchmarks/reference/brian2_synapse_features.py -> tests/data/brian2_synapse_features.json).
"""
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


def pairs(S):
    return sorted([int(a), int(b)] for a, b in zip(S.i, S.j))


def triples(S, values, unit=None):
    vals = np.asarray(values / unit if unit is not None else values, dtype=float)
    return sorted([int(a), int(b), float(v)] for a, b, v in zip(S.i, S.j, vals))


# ---- connect: generator syntax, skip_if_invalid, n; indexing ------------------------------

@pytest.fixture(scope="module")
def connect_results():
    out = {}
    G = eq.NeuronGroup(10, "v : volt\nx : 1", threshold="v > 1*volt")
    S = eq.Synapses(G, G, "w : volt", on_pre="v_post += w")
    S.connect(j="k for k in range(i-3, i+4) if i != k", skip_if_invalid=True)
    out["range_skip"] = pairs(S)
    S2 = eq.Synapses(G, G, "w : 1")
    S2.connect(j="i+(-1)**k for k in range(2) if i>0 and i<N_pre-1")
    out["neighbours"] = pairs(S2)
    S3 = eq.Synapses(G, G, "w : 1")
    S3.connect(j="i+1", skip_if_invalid=True)
    S3.connect(j="k for k in range(0, N_post, 3) if k > i")
    out["shift_and_step"] = pairs(S3)
    S4 = eq.Synapses(G, G, "w : 1")
    S4.connect("i == (j + 1) % N_post", n=2)
    S4.connect(j="i", n=3)
    out["n_pairs"] = pairs(S4)
    S5 = eq.Synapses(G, G, "w : 1")
    S5.connect(j="k for k in sample(N_post, size=i//2)")
    out["sample_size_outdegree"] = np.bincount(S5.i, minlength=10).tolist()
    S6 = eq.Synapses(G, G, "w : 1")
    S6.connect(j="k for k in sample(2, N_post, 2, size=2) if i < 4")
    out["sample_step_outdegree"] = np.bincount(S6.i, minlength=10).tolist()
    out["sample_step_targets_even"] = bool(np.all(S6.j % 2 == 0) and np.all(S6.j >= 2))
    S.w = "1*mV/N_incoming + 0.1*mV*N_outgoing"
    out["w_counts_mV"] = triples(S, S.w, mV)
    out["N_incoming"] = triples(S, S.N_incoming)
    out["N_outgoing"] = triples(S, S.N_outgoing)
    si, sj = S.i, S.j

    def by_pairs(idx):
        return sorted([int(si[k]), int(sj[k])] for k in idx)

    out["indices_row3"] = by_pairs(S.indices[3, :])
    out["indices_cond"] = by_pairs(S.indices["i > j + 1"])
    out["indices_col_slice"] = by_pairs(S.indices[:, 2:4])
    out["indices_pair"] = by_pairs(S.indices[5, 6])
    S.w["i > j"] = "(i - j)*mV"
    S.w[0, :] = 5 * mV
    S.w[2, 4] = 7 * mV
    S.delay["j == 0"] = 2 * ms
    out["w_after_mV"] = triples(S, S.w, mV)
    out["w_row4_mV"] = sorted(float(w) for w in S.w[4, :] / mV)
    out["w_cond_mV"] = sorted(float(w) for w in S.w["j == 5"] / mV)
    out["delay_ms"] = triples(S, S.delay, ms)
    G.v = "i*mV"
    G.v["i > 5"] = "-i*mV"
    G.x["i < 3"] = 2.5
    G.x[[7, 8]] = 4
    out["group_v_mV"] = [float(v) for v in G.v / mV]
    out["group_x"] = [float(x) for x in G.x]
    out["group_read_mV"] = [float(v) for v in G.v["v < 2*mV"] / mV]
    return out


EXACT = ["range_skip", "neighbours", "shift_and_step", "n_pairs", "sample_size_outdegree",
         "sample_step_outdegree", "sample_step_targets_even", "N_incoming", "N_outgoing",
         "indices_row3", "indices_cond", "indices_col_slice", "indices_pair",
         "group_x"]
VALUES = ["w_counts_mV", "w_after_mV", "delay_ms", "w_row4_mV", "w_cond_mV", "group_v_mV",
          "group_read_mV"]


@pytest.mark.parametrize("key", EXACT)
def test_connect_and_indices_as_brian2(connect_results, key):
    ref = REF["connect"][key]
    if key in ("N_incoming", "N_outgoing"):
        ref = sorted(ref)
    assert connect_results[key] == ref


@pytest.mark.parametrize("key", VALUES)
def test_assigned_values_as_brian2(connect_results, key):
    ref = REF["connect"][key]
    got = connect_results[key]
    if ref and isinstance(ref[0], list):
        ref = sorted(ref)
        assert [r[:2] for r in got] == [r[:2] for r in ref]
        np.testing.assert_allclose([r[2] for r in got], [r[2] for r in ref], rtol=1e-12)
    else:
        np.testing.assert_allclose(got, ref, rtol=1e-12)


def test_sample_p_statistics():
    """sample(N_post, p=...): each target independently (binomial out-degrees), and the
    p may depend on i (Brian2's docstring example)."""
    G = eq.NeuronGroup(400, "v : 1", threshold="v > 1")
    S = eq.Synapses(G, G, seed=4)
    S.connect(j="k for k in sample(N_post, p=0.1)")
    deg = np.bincount(S.i, minlength=400)
    assert abs(deg.mean() - 40) < 1.0          # 4 sd of the mean of 400 binomials
    assert 4.0 < deg.var() < 4.0 * 9           # binomial variance 36 (not fixed)
    S2 = eq.Synapses(G, G, seed=5)
    S2.connect(j="k for k in sample(N_post, p=i*1.0/(N_pre-1))")
    deg = np.bincount(S2.i, minlength=400)
    assert deg[0] == 0 and deg[-1] == 400
    # mean degree of the first and last hundred: 100*p averaged
    assert abs(deg[:100].mean() - 400 * 49.5 / 399) < 3
    assert abs(deg[300:].mean() - 400 * 349.5 / 399) < 3
    S3 = eq.Synapses(G, G, seed=6)   # sample(..., size=) draws distinct targets
    S3.connect(j="k for k in sample(N_post, size=50)")
    assert len(S3) == 400 * 50
    assert len(set(zip(S3.i.tolist(), S3.j.tolist()))) == 400 * 50
    first = np.bincount(S3.j, minlength=400)
    assert abs(first.mean() - 50) < 1e-9 and first.std() < 15


def test_generator_over_sources_and_float_indices():
    G = eq.NeuronGroup(6, "v : 1", threshold="v > 1")
    H = eq.NeuronGroup(4, "v : 1")
    S = eq.Synapses(G, H)
    S.connect(i="k for k in range(j, j+3)", skip_if_invalid=True)   # over targets
    assert pairs(S) == sorted([k, j] for j in range(4) for k in range(j, j + 3) if k < 6)
    S2 = eq.Synapses(G, H)
    S2.connect(i=np.array([0.0, 5.0]), j=np.array([3.0, 1.0]))
    assert pairs(S2) == [[0, 3], [5, 1]]
    S2.connect(i=[0, 9], j=[1, 1], skip_if_invalid=True)
    assert pairs(S2) == [[0, 1], [0, 3], [5, 1]]
    S3 = eq.Synapses(G, H)
    S3.connect("i < 2", n="j + 1")   # n per pair
    assert len(S3) == 2 * (1 + 2 + 3 + 4)


@pytest.mark.parametrize("kwargs, code", [
    ({"j": "k for k in range(i-1, i+2)"}, "E732"),
    ({"j": "k for k in zip(i)"}, "E731"),
    ({"j": "k for k in range(3) for m in range(2)"}, "E731"),
    ({"j": "k for k in sample(N_post)"}, "E731"),
    ({"j": "k for k in sample(3, size=4)"}, "E733"),
    ({"j": "k for k in range(0, 3, 0)"}, "E731"),
    ({"j": "k/2 for k in range(3)"}, "E731"),
    ({"i": np.array([0.5]), "j": np.array([1])}, "E740"),
    ({"j": "k for k in range(3)", "p": 0.5}, "E731"),
])
def test_connect_errors(kwargs, code):
    G = eq.NeuronGroup(5, "v : 1", threshold="v > 1")
    S = eq.Synapses(G, G)
    with pytest.raises(EqsimError) as err:
        S.connect(**kwargs)
    assert err.value.code == code


def test_sample_size_skip_if_invalid_takes_all():
    G = eq.NeuronGroup(5, "v : 1", threshold="v > 1")
    S = eq.Synapses(G, G)
    S.connect(j="k for k in sample(3, size=4)", skip_if_invalid=True)
    assert pairs(S) == sorted([i, k] for i in range(5) for k in range(3))


def test_indexing_errors():
    G = eq.NeuronGroup(5, "v : volt", threshold="v > 1*volt")
    S = eq.Synapses(G, G, "w : volt", on_pre="v_post += w")
    S.connect()
    with pytest.raises(EqsimError) as err:
        G.v["v + 1*mV"] = 1 * mV          # not a condition
    assert err.value.code == "E734"
    with pytest.raises(EqsimError) as err:
        G.v[:3]["i > 1"] = 1 * mV         # a slice has no owner to read 'i' from
    assert err.value.code == "E735"
    with pytest.raises(EqsimError) as err:
        S.w[1, 2, 3, 4] = 1 * mV
    assert err.value.code == "E734"
    with pytest.raises(EqsimError) as err:
        G.v["i > 1"] = 1.0                 # no unit
    assert err.value.code == "E204"
    S.w[1, 2, 0] = 3 * mV                  # (i, j, k): k-th synapse of the pair
    assert list(S.w[1, 2] / mV) == [3.0] and float(np.sum(S.w / mV)) == 3.0
