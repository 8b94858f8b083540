"""eqsim's own exp/expm1/exprel (vectorisable in C): accurate, and the numpy twins give
the same bits as the generated C."""
import math

import numpy as np
import pytest

import eqsim as eq
from eqsim import elementary
from eqsim.units import ms


def _ulps(got, want):
    got, want = np.asarray(got, float), np.asarray(want, float)
    spacing = np.spacing(np.abs(want))
    spacing = np.where(spacing == 0, 5e-324, spacing)
    return np.where(got == want, 0.0, np.abs(got - want) / spacing)


def _sample(n=200_001, seed=0):
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.uniform(-745, 709, n), rng.uniform(-1, 1, n),
                           rng.uniform(-1e-8, 1e-8, n), [0.0, -0.0, 0.5, -0.5, 1.0]])


def test_exp_within_one_ulp_of_math_exp():
    x = _sample()
    want = np.array([math.exp(v) for v in x])
    assert _ulps(elementary.exp(x), want).max() <= 1.0


def test_exprel_and_expm1_within_three_ulp():
    x = _sample()
    x = x[np.abs(x) < 700]
    em1 = np.array([math.expm1(v) for v in x])
    with np.errstate(invalid="ignore"):
        rel = np.where(x == 0, 1.0, em1 / np.where(x == 0, 1.0, x))
    assert _ulps(elementary.expm1(x), em1).max() <= 2.0
    assert _ulps(elementary.exprel(x), rel).max() <= 3.0


@pytest.mark.parametrize("x, want", [(710.0, math.inf), (-746.0, 0.0), (math.inf, math.inf),
                                     (-math.inf, 0.0), (-740.0, math.exp(-740.0))])
def test_exp_edges(x, want):
    assert elementary.exp(x) == want


def test_exp_nan():
    assert math.isnan(elementary.exp(math.nan))
    assert math.isnan(elementary.exprel(math.nan))


def test_c_and_numpy_give_the_same_bits():
    """One Euler step of dy/dt = f(x)/s evaluates f once per neuron on each backend."""
    x = np.concatenate([_sample(2000, seed=1), [-744.0, 709.7]])
    out = {}
    for backend in ("c", "numpy"):
        G = eq.NeuronGroup(len(x), """dy/dt = exp(x)/second : 1
                                      dz/dt = exprel(x)/second : 1
                                      x : 1""", method="euler", name="g")
        G.x = x
        eq.Network(G).run(0.1 * ms, backend=backend)
        out[backend] = (G.y.copy(), G.z.copy())
    assert np.array_equal(out["c"][0], out["numpy"][0])
    assert np.array_equal(out["c"][1], out["numpy"][1])
    normal = np.exp(x) > 1e-300
    assert np.allclose(out["c"][0][normal] / 1e-4, np.exp(x)[normal], rtol=1e-15, atol=0)
