"""connect(total=n) (NEST's fixed_total_number), drawn sorted by source: exact count,
uniform pairs with repetition, autapses excluded on request, and stored as drawn (no
permutation, so no per-synapse creation-order array)."""
import numpy as np

import eqsim as eq


def _pairs(n_pre, n_post, total, **kw):
    A = eq.NeuronGroup(n_pre, "v : volt", threshold="v > 1*volt", name="A")
    B = A if kw.pop("same", False) else eq.NeuronGroup(n_post, "v : volt", name="B")
    S = eq.Synapses(A, B, "w : 1", on_pre="v_post += 0*volt")
    S.connect(total=total, seed=7, **kw)
    return S


def test_total_number_is_exact_uniform_and_sorted():
    S = _pairs(20, 30, 60_000)
    i, j = np.asarray(S.i), np.asarray(S.j)
    assert len(S) == 60_000 and np.all(np.diff(i) >= 0)
    assert S.arrays.get("_number") is None     # kept in the order drawn
    counts = np.bincount(i * 30 + j, minlength=600)
    expected = 60_000 / 600
    chi2 = np.sum((counts - expected) ** 2 / expected)
    # chi-square with 599 degrees of freedom: mean 599, s.d. 34.6; 5 s.d. either way
    assert abs(chi2 - 599) < 5 * 34.6, chi2


def test_total_number_without_autapses():
    S = _pairs(50, 50, 20_000, same=True, autapses=False)
    assert len(S) == 20_000 and not np.any(np.asarray(S.i) == np.asarray(S.j))
    # the targets of each source stay uniform over the other 49 neurons
    j_of_0 = np.asarray(S.j)[np.asarray(S.i) == 0]
    assert set(j_of_0.tolist()) == set(range(1, 50))
