"""``%`` and ``//`` follow Python (and Brian2), not C: the remainder takes the divisor's
sign and the quotient is rounded down, in model strings, initialisers and connect()
conditions, on both backends. Reference: Brian2 2.9 on the same model
(benchmarks/reference/brian2_operators.py -> tests/data/brian2_operators.json)."""
import json

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import DimensionError
from eqsim.units import mV, ms

from ..conftest import DATA

REF = json.loads((DATA / "brian2_operators.json").read_text())
MODEL = """
a = (i - 5) % 8 : 1
b = (i - 5) // 3 : 1
c = (i*0.75 - 6.1) % 2.5 : 1
d = (i*0.75 - 6.1) // 2.5 : 1
g = (i - 8) % -3 : 1
f = v % (3*mV) : volt
dv/dt = (-(i - 8)*mV - v)/(10*ms) : volt
x : 1
"""


def test_remainder_and_floor_division_match_brian2(backend):
    G = eq.NeuronGroup(16, MODEL, threshold="v > 100*volt", method="exact", namespace={})
    G.x = "(i - 5) % 8 + (i - 5)//4"
    S = eq.Synapses(G, G, namespace={})
    S.connect("(j - i) % N_post < 3")
    eq.Network(G, S).run(1 * ms, backend=backend)
    for k in "abcdgx":   # exact in both: whole numbers and one rounding of fmod
        assert np.array_equal(np.asarray(getattr(G, k)), REF[k]), k
    # f depends on v integrated by two simulators: equal to 1e-12 relative
    np.testing.assert_allclose(np.asarray(G.f / mV), REF["f_mV"], rtol=1e-12, atol=1e-14)
    pairs = sorted([[int(a), int(b)] for a, b in zip(S.i, S.j)])
    assert pairs == REF["pairs"]          # 48 synapses; C's fmod made half of them


def test_numpy_and_c_helpers_agree_bitwise_on_edge_cases():
    """The C helpers follow numpy's divmod: same bits for signed zeros, exact multiples
    and values within one rounding of a multiple."""
    a = np.array([-7.0, -6.0, -0.0, 0.0, 5.5, -5.5, 1e-300, -1e-300, 7.0, 0.3, -0.3,
                  1e16 + 2, -2.5, 2.5])
    b = np.array([3.0, -3.0, 2.0, -2.0, -2.0, 2.0, 3.0, 3.0, 0.1, 0.1, 0.1, 3.0, 2.5, -2.5])
    G = eq.NeuronGroup(len(a), "av : 1\nbv : 1\nm : 1\nq : 1", threshold="av == av",
                       reset="m = av % bv; q = av // bv", namespace={})
    G.av, G.bv = a, b
    eq.Network(G).run(0.1 * ms, backend="c")   # the reset runs the C helpers
    m_c, q_c = np.asarray(G.m), np.asarray(G.q)
    assert np.array_equal(np.signbit(m_c), np.signbit(np.mod(a, b)))
    assert np.array_equal(m_c, np.mod(a, b)) and np.array_equal(q_c, np.floor_divide(a, b))


def test_floor_division_of_dimensioned_values_is_an_error():
    with pytest.raises(DimensionError, match=r"E209.*floor division.*'v'"):
        eq.NeuronGroup(1, "dv/dt = -v/(10*ms) : volt\nk = v // (2*mV) : 1", namespace={})
