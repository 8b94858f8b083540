"""Unit declarations after ':' keep their dimension in every form Brian2 accepts.

A compound declaration such as ``siemens/meter**2`` used to be read as dimensionless
(the unit was dropped when the declaration was evaluated): assignments of the wrong
unit then went through and equations were checked against the wrong dimension."""
import pytest

import eqsim as eq
from eqsim.errors import DimensionError, EquationError
from eqsim.equations.parse import parse_equations
from eqsim.units import DIMENSIONLESS, UNITS, get_dimension

U = UNITS
FORMS = {
    "volt": U["volt"],
    "volt/second": U["volt"] / U["second"],
    "1/second": 1 / U["second"],
    "second**-1": 1 / U["second"],
    "siemens/meter**2": U["siemens"] / U["metre"] ** 2,
    "siemens/metre2": U["siemens"] / U["metre"] ** 2,
    "farad/meter**2": U["farad"] / U["metre"] ** 2,
    "amp*second": U["amp"] * U["second"],
    "(volt/second)**2": (U["volt"] / U["second"]) ** 2,
    "volt**0.5": U["volt"] ** 0.5,
    "volt*second**-0.5": U["volt"] * U["second"] ** -0.5,
    "meter**-3*mole": U["mole"] / U["metre"] ** 3,
    "ohm*meter": U["ohm"] * U["metre"],
    "1": 1.0,
}


@pytest.mark.parametrize("text", FORMS)
def test_declared_dimension(text):
    eqs = parse_equations(f"x : {text}")
    assert eqs["x"].dim == get_dimension(FORMS[text])


def test_compound_units_are_checked_in_equations_and_assignments():
    G = eq.NeuronGroup(2, """
        dv/dt = slope : volt
        slope : volt/second
        gbar : siemens/meter**2
        rate : 1/second
        """, namespace={})
    G.slope = 2 * U["volt"] / U["second"]
    G.gbar = 3 * U["msiemens"] / U["cmetre2"]
    assert float(G.gbar[0]) == pytest.approx(30.0)
    G.rate = 5 * U["Hz"]
    for name, bad in (("slope", 1 * U["volt"]), ("gbar", 1 * U["nS"]), ("rate", 5.0)):
        with pytest.raises(DimensionError):
            setattr(G, name, bad)
    eq.Network(G).run(1 * U["ms"])
    assert float(G.v[0]) == pytest.approx(2e-3, rel=1e-9)


def test_wrong_compound_unit_in_an_equation_is_reported():
    with pytest.raises(DimensionError, match="E2"):
        # v is in volt/second, so dv/dt needs volt/second**2 and '-v/tau' is right ...
        eq.NeuronGroup(1, "dv/dt = -v/tau : volt/second\ntau : second", namespace={})
        # ... but '-v' alone is not
        eq.NeuronGroup(1, "dv/dt = -v : volt/second", namespace={})


def test_scaled_compound_unit_is_refused():
    with pytest.raises(EquationError, match="E108"):
        parse_equations("g : msiemens/cm**2")
    assert parse_equations("g : 1").equations[0].dim == DIMENSIONLESS
