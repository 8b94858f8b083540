"""Synapses that use subexpressions of their groups (``F_pre``, ``F`` of the target,
``FF_pre`` with the presynaptic index; Tetzlaff et al. 2015 stopped with E107 unknown
name 'F_pre'): in clock-driven equations, a summed variable and on_pre, against Brian2
2.9 on the same script (tests/data/brian2_side_subexpressions.json from
benchmarks/reference/brian2_side_subexpressions.py), to 1e-12."""
import json

import numpy as np

import eqsim as eq
from eqsim.units import ms

from ..conftest import DATA
from . import side_subexpression_models as M

REF = json.loads((DATA / "brian2_side_subexpressions.json").read_text())


def test_group_subexpressions_in_synapses_as_brian2(backend):
    ns = {"Fmax": M.FMAX}
    G = eq.NeuronGroup(M.N, M.GROUP, method="euler", namespace=ns, threshold="u > 0.1",
                       reset="u = 0")
    G.k = M.K
    S = eq.Synapses(G, G, M.SYNAPSES, on_pre=M.ON_PRE, method="euler", namespace=ns)
    S.connect()
    eq.Network(G, S).run(M.T_MS * ms, backend=backend)
    assert S.i[:].tolist() == REF["i"] and S.j[:].tolist() == REF["j"]
    np.testing.assert_allclose(S.w[:], REF["w"], rtol=1e-12)
    np.testing.assert_allclose(G.I[:], REF["I"], rtol=1e-12)
    np.testing.assert_allclose(G.u[:], REF["u"], rtol=1e-12, atol=1e-15)
