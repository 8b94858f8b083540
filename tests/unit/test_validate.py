"""One rule, one pair: each invalid model raises the error code of its rule, naming the
term and both units; the matching valid model passes."""
import pytest

import eqsim as eq
from eqsim.errors import ConfigurationError, DimensionError, EqsimError, EquationError
from eqsim.units import mV, ms, nA, nS, pF

NS = {"tau": 10 * ms, "EL": -70 * mV, "C": 200 * pF, "gL": 10 * nS, "I0": 1 * nA}

# (rule code, invalid model kwargs, text the message must contain, valid counterpart)
CASES = [
    ("E101", dict(model="dv/dt = (EL - v/tau : volt"), "cannot parse",
     dict(model="dv/dt = (EL - v)/tau : volt")),
    ("E107", dict(model="dv/dt = (EL - v)/tua : volt"), "unknown name 'tua'",
     dict(model="dv/dt = (EL - v)/tau : volt")),
    ("E201", dict(model="dv/dt = (EL - v + I0)/tau : volt"),
     "'I0' is in amp", dict(model="dv/dt = (EL - v + I0/gL)/tau : volt")),
    ("E205", dict(model="dv/dt = (EL - v) : volt"), "should be in",
     dict(model="dv/dt = (EL - v)/tau : volt")),
    ("E202", dict(model="dv/dt = exp(v)/tau : volt"), "needs a dimensionless argument",
     dict(model="dv/dt = exp(v/mV)*mV/tau : volt")),
    ("E109", dict(model="dv/dt = -v/tau : volt (unless refactory)"), "unknown flag",
     dict(model="dv/dt = -v/tau : volt (unless refractory)")),
    ("E108", dict(model="dv/dt = -v/tau : mV"), "base units",
     dict(model="dv/dt = -v/tau : volt")),
    ("E108", dict(model="dv/dt = -v/tau : vlt"), "'vlt' is not a unit",
     dict(model="dv/dt = -v/tau : volt")),
    ("E110", dict(model="v : volt\nv : volt"), "defined twice", dict(model="v : volt")),
    ("E111", dict(model="dt : second"), "reserved", dict(model="tdelay : second")),
    ("E111", dict(model="mV : volt"), "a unit", dict(model="mv : volt")),
    ("E112", dict(model="dv/dt = -v/tau"), "': unit'",
     dict(model="dv/dt = -v/tau : volt")),
    ("E113", dict(model="a = b : 1\nb = a : 1\ndv/dt = a/tau : 1"), "cycle",
     dict(model="a = 1 : 1\nb = a : 1\ndv/dt = b/tau : 1")),
    ("E114", dict(model="n = xi*sqrt(ms) : 1\ndv/dt = n/tau : 1"), "white noise",
     dict(model="dv/dt = xi/sqrt(tau) : 1")),
    ("E115", dict(model="dv/dt = -v/tau : volt", threshold="v + 1*mV"), "condition",
     dict(model="dv/dt = -v/tau : volt", threshold="v > 1*mV")),
    ("E107", dict(model="dv/dt = -v/tau : volt", threshold="u > 1*mV"),
     "unknown name 'u'", dict(model="dv/dt = -v/tau : volt", threshold="v > 1*mV")),
    ("E201", dict(model="dv/dt = -v/tau : volt", threshold="v > 1*nA"),
     "cannot compare", dict(model="dv/dt = -v/tau : volt", threshold="v > 1*mV")),
    ("E116", dict(model="dv/dt = -v/tau : volt", threshold="v > 1*mV", reset="u = 0"),
     "cannot assign", dict(model="dv/dt = -v/tau : volt", threshold="v > 1*mV",
                           reset="v = 0*mV")),
    ("E205", dict(model="dv/dt = -v/tau : volt", threshold="v > 1*mV", reset="v = 0"),
     "should be in volt", dict(model="dv/dt = -v/tau : volt", threshold="v > 1*mV",
                               reset="v = EL")),
    ("E206", dict(model="dv/dt = -v/tau : volt", threshold="v > 1*mV",
                  refractory=5 * mV), "must be a time",
     dict(model="dv/dt = -v/tau : volt", threshold="v > 1*mV", refractory=5 * ms)),
    ("E301", dict(model="dv/dt = -v/tau : volt", method="rk5"), "unknown integration",
     dict(model="dv/dt = -v/tau : volt", method="rk4")),
    ("E203", dict(model="dv/dt = v**(v/mV)/tau/mV : volt"), "exponent",
     dict(model="dv/dt = (v/mV)**(v/mV)*mV/tau : volt")),
]


@pytest.mark.parametrize("code, bad, text, good", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_invalid_and_valid_pairs(code, bad, text, good):
    with pytest.raises(EqsimError) as err:
        eq.NeuronGroup(3, namespace=NS, name="g", **bad)
    assert err.value.code == code, str(err.value)
    assert text in str(err.value)
    eq.NeuronGroup(3, namespace=NS, name="g", **good)


def test_dimension_error_names_term_and_both_units():
    with pytest.raises(DimensionError) as err:
        eq.NeuronGroup(1, "dv/dt = (gL*(EL - v) + I0 + v)/C : volt", namespace=NS)
    msg = str(err.value)
    assert "amp" in msg and "volt" in msg and "'v'" in msg
    assert "^" in msg and "line 1" in msg


def test_all_problems_reported_at_once():
    model = "dv/dt = -v/tua : volt\ndw/dt = -w/tau : volt (foo)\nx : blah"
    with pytest.raises(EquationError) as err:
        eq.NeuronGroup(1, model, namespace=NS)
    msg = str(err.value)
    assert "3 problems" in msg or "problems" in msg
    assert "foo" in msg and "blah" in msg


def test_namespace_array_is_refused():
    import numpy as np
    with pytest.raises(ConfigurationError, match="scalars"):
        eq.NeuronGroup(2, "dv/dt = -v/tau : 1", namespace={"tau": np.ones(2) * ms})


def test_bad_N_and_name():
    with pytest.raises(ConfigurationError, match="positive integer"):
        eq.NeuronGroup(2.5, "v : 1")
    with pytest.raises(ConfigurationError, match="between 1"):
        eq.NeuronGroup(0, "v : 1")
    with pytest.raises(ConfigurationError, match="identifier"):
        eq.NeuronGroup(1, "v : 1", name="my group")
