"""Units: arithmetic, dimension errors, conversion to SI floats."""
import numpy as np
import pytest

from eqsim.errors import DimensionError
from eqsim.units import (DIMENSIONLESS, Hz, Quantity, amp, farad, get_dimension, mV, ms,
                         nA, nS, ohm, pA, pF, second, siemens, volt)


def test_si_values():
    assert float(5 * mV) == pytest.approx(0.005, rel=1e-15)
    assert float(200 * pF) == pytest.approx(2e-10, rel=1e-15)
    assert float(3 * nS) == pytest.approx(3e-9, rel=1e-15)
    assert float(10 * Hz * second) == 10.0


def test_derived_dimensions():
    assert get_dimension(nS * mV) == get_dimension(amp)
    assert get_dimension(volt / amp) == get_dimension(ohm)
    assert get_dimension(pF / nS) == get_dimension(second)
    assert get_dimension(farad * volt / second) == get_dimension(amp)
    assert (1 * ms * Hz) == pytest.approx(1e-3)  # dimensionless -> plain number


def test_arrays_and_reductions():
    v = np.array([1.0, 2.0, 3.0]) * mV
    assert isinstance(v, Quantity)
    assert np.allclose(v / mV, [1, 2, 3])
    assert get_dimension(np.mean(v)) == get_dimension(volt)
    assert float(np.max(v)) == pytest.approx(3e-3)
    assert get_dimension(np.var(v)) == get_dimension(volt) ** 2
    assert get_dimension(v[0]) == get_dimension(volt)
    assert get_dimension(np.concatenate([v, v])) == get_dimension(volt)
    assert np.allclose(np.sqrt(4 * nS * nS) / nS, 2)


@pytest.mark.parametrize("op", [lambda: 1 * mV + 1 * nA, lambda: 1 * mV < 1 * pA,
                                lambda: np.exp(1 * mV), lambda: 1 * mV + 3,
                                lambda: np.concatenate([1 * mV * np.ones(2),
                                                        1 * nA * np.ones(2)])])
def test_mismatches_raise(op):
    with pytest.raises(DimensionError) as err:
        op()
    msg = str(err.value)
    assert " V" in msg or " A" in msg or "1" in msg, msg


def test_mismatch_message_names_both_units():
    with pytest.raises(DimensionError, match="in V and A"):
        1 * mV + 1 * nA


def test_repr_uses_readable_units():
    assert repr(5 * mV) == "5 * mV"
    assert repr(200 * pF) == "200 * pF"
    assert "Hz" in repr(10 * Hz)


def test_dimensionless_results_are_plain():
    x = (5 * mV) / mV
    assert not isinstance(x, Quantity)
    assert x == pytest.approx(5)
    assert get_dimension(3.0) == DIMENSIONLESS


def test_pickle_roundtrip():
    import pickle
    v = np.arange(3) * siemens
    w = pickle.loads(pickle.dumps(v))
    assert get_dimension(w) == get_dimension(siemens)
    assert np.allclose(w / siemens, v / siemens)
