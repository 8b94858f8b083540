"""The expression whitelist: syntax errors with positions, injection attempts refused,
and (hypothesis) arbitrary text never escapes as anything but an EqsimError."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eqsim.equations.expressions import Snippet, parse_expression, parse_statements
from eqsim.equations.parse import parse_equations
from eqsim.errors import EqsimError, EquationError

INJECTIONS = [
    "__import__('os').system('true')",
    "v.__class__",
    "(lambda: 1)()",
    "[x for x in range(3)]",
    "{x: 1 for x in v}",
    "open('/etc/passwd')",
    "v[0]",
    "'text'",
    "f'{v}'",
    "v if v > 0 else 0",
    "(x := 3)",
    "exp(x=1)",
    "exp(*v)",
    "eval('1')",
    "v.real",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_attempts_are_refused(text):
    with pytest.raises(EquationError) as err:
        parse_expression(text)
    assert err.value.code in ("E101", "E103", "E104")


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_in_model_is_refused(text):
    with pytest.raises(EqsimError):
        parse_equations(f"dv/dt = {text} : 1")


def test_syntax_error_has_line_and_column():
    model = "dv/dt = -v/tau : volt\ndw/dt = (a*(v - EL) - w/tauw : amp\n"
    with pytest.raises(EquationError) as err:
        parse_equations(model)
    loc = err.value.location
    assert loc.line == 2
    assert "line 2" in str(err.value)
    assert "^" in str(err.value)


def test_caret_points_at_the_bad_term():
    with pytest.raises(EquationError) as err:
        parse_expression(Snippet.whole("1 + v.attr", "test"))
    assert err.value.location.column == 5
    assert err.value.location.length == len("v.attr")


def test_unknown_function_lists_the_known_ones():
    import eqsim as eq
    with pytest.raises(EquationError, match="unknown function 'expo'") as err:
        eq.NeuronGroup(1, "dv/dt = expo(v)/second : 1")
    assert "exp" in err.value.hint and "TimedArray" in err.value.hint
    with pytest.raises(EquationError, match="unknown function '__import__'"):
        parse_expression("__import__(v)")


def test_chained_comparison_refused():
    with pytest.raises(EquationError, match="single comparisons"):
        parse_expression("a < b < c")


def test_statements():
    out = parse_statements("v = EL; w += b\nx -= 1", "reset")
    assert [(t, op) for t, op, *_ in out] == [("v", "="), ("w", "+="), ("x", "-=")]
    with pytest.raises(EquationError, match="x = expr"):
        parse_statements("v == 3", "reset")
    with pytest.raises(EquationError):
        parse_statements("v.x = 3", "reset")
    with pytest.raises(EquationError):
        parse_statements("import os", "reset")


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_gives_only_eqsim_errors(text):
    try:
        parse_equations(text)
    except EqsimError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="dvt/=:()+-*.,# xiexp01volt\n_", max_size=60))
def test_model_like_text_gives_only_eqsim_errors(text):
    try:
        parse_equations(text)
    except EqsimError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_expression_text(text):
    try:
        parse_expression(text)
    except EqsimError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="dvwt/=:()+-*.,# xiexpmV01volt\n_<>", max_size=70),
       st.sampled_from([None, "v > 1", "v >", "w > 0*mV"]))
def test_neuron_group_construction_gives_only_eqsim_errors(text, threshold):
    import eqsim as eq
    try:
        eq.NeuronGroup(2, text, threshold=threshold)
    except EqsimError:
        pass
