"""connect() on MPI ranks: every rank builds only the synapses onto its own neurons, and
together they are exactly the synapses (and initial values) one process builds, for every
connection rule. Ranks are emulated in one process by replacing ``local_range``."""
from __future__ import annotations

import numpy as np
import pytest

import eqsim as eq
from eqsim.parallel import partition
from eqsim.runtime import synapses as synapses_module
from eqsim.units import mV, ms

RULES = {
    "p": dict(p=0.05),
    "p no autapses": dict(p=0.04, autapses=False),
    "condition": dict(condition="abs(i - j) < 40 and i != j", p=0.5),
    "p expression": dict(p="exp(-abs(i - j)/300.0)"),
    "one-sided": dict(condition="j > 1500", p=0.1),
    "in-degree": dict(in_degree=30),
    "in-degree no repeats": dict(in_degree=5, multapses=False, autapses=False),
    "out-degree": dict(out_degree=25),
    "total": dict(total=40_000),
    "explicit": dict(i=np.arange(0, 2500, 3), j=(np.arange(0, 2500, 3) * 13) % 2500),
    "one-to-one": dict(j="i"),
}


def build(rule: dict, target_slice: bool):
    G = eq.NeuronGroup(2500, "v : volt", threshold="v > 1*mV", name="G", seed=1)
    H = eq.NeuronGroup(2500, "v : volt", name="H", seed=2)
    # explicit indices and one-to-one need the whole target group
    target = H[500:2500] if target_slice and "j" not in rule else H
    S = eq.Synapses(G, target, "w : volt", on_pre="v_post += w", name="S", seed=7)
    S.connect(**rule)
    S.w = "rand()*mV + j*0.001*mV"
    S.delay = "randn()*0.1*ms + 1*ms"
    return S


def everything(S) -> np.ndarray:
    """(i, j, w, delay) of every synapse, in a canonical order."""
    table = np.stack([S.i.astype(float), S.j.astype(float), np.asarray(S.w_),
                      np.asarray(S.arrays["delay"])])
    return table[:, np.lexsort(table[::-1])]


@pytest.mark.parametrize("target_slice", [False, True])
@pytest.mark.parametrize("rule", sorted(RULES))
def test_ranks_together_build_the_single_process_synapses(rule, target_slice, monkeypatch):
    whole = everything(build(RULES[rule], target_slice))
    assert whole.shape[1] > 100
    for size in (3,):
        parts = []
        for rank in range(size):
            monkeypatch.setattr(synapses_module, "local_range",
                                lambda n, r=rank, k=size: partition.block(n, k, r))
            S = build(RULES[rule], target_slice)
            lo, hi = partition.block(2500, size, rank)
            offset = 500 if target_slice and S.target.N == 2000 else 0
            assert np.all((S.j + offset >= lo) & (S.j + offset < hi))   # its own only
            parts.append(everything(S))
        together = np.concatenate(parts, axis=1)
        together = together[:, np.lexsort(together[::-1])]
        assert np.array_equal(together, whole), (rule, size)
