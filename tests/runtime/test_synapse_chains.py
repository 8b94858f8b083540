"""Brian2 features of Stimberg et al. 2018's and other examples, on both backends,
against Brian2 2.9 on the same scripts (benchmarks/reference/brian2_synapse_chains.py ->
tests/data/brian2_synapse_chains.json): Synapses whose source is another Synapses,
(summed) variables into Synapses, and the features of the later sections."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import EqsimError
from eqsim.units import ms

REF = json.loads((Path(__file__).parents[1] / "data" /
                  "brian2_synapse_chains.json").read_text())


def _pairs(S, brian2_numbers=True):
    """(i, j) of every synapse in Brian2's order (creation order)."""
    i, j = S.i, S.j
    order = np.argsort(S.arrays["_number"]) if S.arrays.get("_number") is not None \
        else np.arange(len(S))
    return [[int(a), int(b)] for a, b in zip(i[order], j[order])]


def test_synapses_source(backend):
    """Synapses as the source of a (summed) variable, and a (summed) variable into
    Synapses; synapses are numbered as Brian2 numbers them (in creation order), so that
    'i < 3' picks the synapses of the first connect(); traces equal Brian2's."""
    ref = REF["synapses_source"]
    src = eq.SpikeGeneratorGroup(3, [0, 1, 2, 0], [1, 2, 3, 5] * ms)
    tgt = eq.NeuronGroup(3, "")
    syn = eq.Synapses(src, tgt, """dY/dt = -Y/(5*ms) : 1 (clock-driven)
                                   G : 1""", on_pre="Y += 1 + G", method="exact")
    syn.connect(j="i")
    syn.connect(j="i")
    astro = eq.NeuronGroup(3, """dA/dt = (Ysum - A)/(2*ms) : 1
                                 Ysum : 1""", method="euler")
    s2a = eq.Synapses(syn, astro, "Ysum_post = Y_pre : 1 (summed)")
    s2a.connect(j="i if i < 3")
    a2s = eq.Synapses(astro, syn, "G_post = (1 + i)*A_pre : 1 (summed)")
    a2s.connect(j="i")
    a2s.connect(j="i + 3 if i < 2")
    M = eq.StateMonitor(syn, ["Y", "G"], record=True)
    Ma = eq.StateMonitor(astro, ["A", "Ysum"], record=True)
    net = eq.Network(src, tgt, syn, astro, s2a, a2s, M, Ma)
    net.run(10 * ms, backend=backend)
    assert _pairs(syn) == ref["syn_pairs"]
    # s2a's sources and a2s's targets are Brian2's synapse numbers
    numbers = syn.arrays["_number"]
    assert sorted([int(numbers[a]), int(b)] for a, b in zip(s2a.i, s2a.j)) == \
        sorted(ref["s2a"])
    assert sorted([int(a), int(numbers[b])] for a, b in zip(a2s.i, a2s.j)) == \
        sorted(ref["a2s"])
    # the monitor records synapse k (Brian2's number) in row k
    np.testing.assert_allclose(M.Y, ref["Y"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(M.G, ref["G"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(M[4].G, ref["G"][4], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(Ma.A, ref["A"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(Ma.Ysum, ref["Ysum"], rtol=1e-9, atol=1e-12)
    assert np.max(M.G) > 0.1 and np.max(Ma.A) > 0.1   # the loop closed
