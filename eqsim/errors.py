"""Errors raised by eqsim, each with a short code and, where known, a source location.

Every error a user can meet is an :class:`EqsimError`. The message says what was wrong,
where (model name, line, column, with a caret under the offending text) and what would
fix it. ``docs/errors.md`` lists every code.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SourceLocation:
    """Where in a user string something went wrong (1-based line and column)."""

    text: str
    line: int = 1
    column: int = 1
    length: int = 1
    where: str = ""  # e.g. "model of group 'exc'", "threshold of 'exc'"

    def render(self) -> str:
        lines = self.text.splitlines() or [""]
        lineno = min(max(self.line, 1), len(lines))
        src = lines[lineno - 1]
        caret = " " * max(self.column - 1, 0) + "^" * max(self.length, 1)
        head = f"  in {self.where}, " if self.where else "  at "
        return f"{head}line {lineno}, column {self.column}:\n    {src}\n    {caret}"


class EqsimError(Exception):
    """Base class of all eqsim errors. ``code`` identifies the rule that failed."""

    code = "E000"

    def __init__(self, message: str, location: SourceLocation | None = None,
                 hint: str | None = None, code: str | None = None):
        if code is not None:
            self.code = code
        self.message = message
        self.location = location
        self.hint = hint
        super().__init__(self._format())

    def _format(self) -> str:
        out = f"[{self.code}] {self.message}"
        if self.location is not None:
            out += "\n" + self.location.render()
        if self.hint:
            out += f"\n  hint: {self.hint}"
        return out


class EquationError(EqsimError):
    """A model string could not be parsed or refers to something that does not exist."""

    code = "E100"


class DimensionError(EqsimError):
    """Units of two terms, or of an equation's two sides, do not match."""

    code = "E200"


class IntegrationError(EqsimError):
    """The chosen integration method cannot integrate the equations."""

    code = "E300"


class CodegenError(EqsimError):
    """An expression cannot be printed as C or numpy code."""

    code = "E400"


class CompileError(EqsimError):
    """gcc failed; the generated source and the build log are kept on disk."""

    code = "E500"


class CacheError(EqsimError):
    """The compile cache could not be used."""

    code = "E510"


class SimulationError(EqsimError):
    """Something went wrong during a run (NaN/Inf state, buffer problems, ...)."""

    code = "E600"


class ConfigurationError(EqsimError):
    """Bad arguments to a group, monitor or network."""

    code = "E700"


class EquationErrors(EquationError):
    """Several problems found in one model; all of them are listed."""

    def __init__(self, errors: list[EqsimError]):
        self.errors = list(errors)
        msg = f"{len(self.errors)} problems:\n" + "\n".join(
            str(e) for e in self.errors)
        super().__init__(msg, code=self.errors[0].code)
