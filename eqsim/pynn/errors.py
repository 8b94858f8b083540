"""Errors of the PyNN backend: PyNN's own types where PyNN has one, each also an
EqsimError with a code, so that ``except pyNN.errors.ConnectionError`` and
``except eqsim.EqsimError`` both catch them."""
from __future__ import annotations

from pyNN import errors as pynn_errors

from ..errors import ConfigurationError


class PyNNConnectionError(pynn_errors.ConnectionError, ConfigurationError):
    """A connector that cannot be satisfied, or a projection between wrong objects."""

    def __init__(self, message: str, code: str, hint: str | None = None):
        ConfigurationError.__init__(self, message, hint=hint, code=code)


class PyNNInvalidParameterValueError(pynn_errors.InvalidParameterValueError,
                                     ConfigurationError):
    """A parameter value PyNN's schema accepts but the model cannot use."""

    def __init__(self, message: str, code: str, hint: str | None = None):
        ConfigurationError.__init__(self, message, hint=hint, code=code)


class PyNNRecordingError(pynn_errors.RecordingError, ConfigurationError):
    """Asking for data that was not recorded."""

    def __init__(self, message: str, code: str, hint: str | None = None):
        ConfigurationError.__init__(self, message, hint=hint, code=code)

    def __str__(self) -> str:   # eqsim's message, not PyNN's template
        return self._format()


def check_plain_numbers(parameter_space, model, what: str) -> None:
    """PyNN's parameters are plain numbers in PyNN's units (mV, ms, nA, uS, nF, Hz): a
    value with units attached (eqsim's ``20*ms``, a ``quantities`` quantity) would be
    scaled twice, so it is refused (E846)."""
    import quantities as pq

    from ..units import Quantity
    for name, value in parameter_space.items():
        base = getattr(value, "base_value", value)
        if isinstance(base, (Quantity, pq.Quantity)):
            unit = getattr(model, "units", {}).get(name, "PyNN's unit")
            raise PyNNInvalidParameterValueError(
                f"{what}: parameter '{name}' was given with units ({base!r}); PyNN "
                f"parameters are plain numbers in PyNN's units", code="E846",
                hint=f"give {name} as a number in {unit}")


__all__ = ["PyNNConnectionError", "PyNNInvalidParameterValueError", "PyNNRecordingError", "check_plain_numbers"]
