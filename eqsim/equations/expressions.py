"""User expressions: parsed by Python's ``ast`` against a whitelist, never evaluated.

An expression string goes through :func:`parse_expression` (syntax and whitelist),
:func:`infer_dimension` (units, with the offending term named), and then either
:func:`to_sympy` (for integration and code generation) or :func:`evaluate` (numpy values,
used to initialise variables from strings such as ``"EL + 5*mV*rand()"``). sympy is only
imported by :func:`to_sympy`, so a warm start never loads it.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

import numpy as np

from ..errors import DimensionError, EquationError, SourceLocation
from ..units import DIMENSIONLESS, Dimension

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
NOISE_RE = re.compile(r"^xi(_\w+)?$")
NOISE_DIM = Dimension((0, 0, Fraction(-1, 2), 0, 0, 0, 0))
SECOND = Dimension((0, 0, 1, 0, 0, 0, 0))
MAX_DEPTH = 60

# name -> (number of arguments, rule): "dimensionless" (argument and result have no
# units), "same" (result has the argument's units), "sqrt", "int", "random", "clip"
FUNCTIONS: dict[str, tuple[int, str]] = {
    "exp": (1, "dimensionless"), "log": (1, "dimensionless"),
    "log10": (1, "dimensionless"), "expm1": (1, "dimensionless"),
    "log1p": (1, "dimensionless"), "exprel": (1, "dimensionless"),
    "sin": (1, "dimensionless"), "cos": (1, "dimensionless"),
    "tan": (1, "dimensionless"), "tanh": (1, "dimensionless"),
    "sinh": (1, "dimensionless"), "cosh": (1, "dimensionless"),
    "arcsin": (1, "dimensionless"), "arccos": (1, "dimensionless"),
    "arctan": (1, "dimensionless"),
    "sqrt": (1, "sqrt"), "abs": (1, "same"), "floor": (1, "same"),
    "ceil": (1, "same"), "sign": (1, "sign"), "int": (1, "int"),
    "clip": (3, "clip"), "rand": (0, "random"), "randn": (0, "random"),
}
CONSTANTS = {"pi": np.pi, "e": np.e, "inf": np.inf}
RESERVED = frozenset({"t", "dt", "i", "N", "lastspike", "not_refractory", "True",
                      "False", *FUNCTIONS, *CONSTANTS})

_ALLOWED_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.Mod, ast.FloorDiv)
_ALLOWED_CMP = (ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq)
_OP_TEXT = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
            ast.Mod: "%", ast.FloorDiv: "//"}


class Boolean:
    """Marker 'dimension' of conditions (``v > 10*mV``, ``a and b``)."""

    def __repr__(self):
        return "boolean"


BOOLEAN = Boolean()


@dataclass(frozen=True)
class Snippet:
    """A piece of a user string with the map back to the full text, for error carets."""

    text: str
    source: str = ""
    where: str = ""
    positions: tuple[tuple[int, int], ...] = ()  # (line, column) of each char of text

    @staticmethod
    def whole(text: str, where: str = "") -> "Snippet":
        pos, line, col = [], 1, 1
        for ch in text:
            pos.append((line, col))
            if ch == "\n":
                line, col = line + 1, 1
            else:
                col += 1
        return Snippet(text, text, where, tuple(pos))

    def location(self, offset: int = 0, length: int = 1) -> SourceLocation:
        if self.positions:
            offset = min(max(offset, 0), len(self.positions) - 1)
            line, col = self.positions[offset]
        else:
            line, col = 1, offset + 1
        return SourceLocation(self.source or self.text, line, col, max(length, 1),
                              self.where)

    def node_location(self, node: ast.AST) -> SourceLocation:
        start = getattr(node, "col_offset", 0) or 0
        end = getattr(node, "end_col_offset", None)
        if getattr(node, "lineno", 1) != getattr(node, "end_lineno", 1) or end is None:
            end = start + 1
        return self.location(start, end - start)

    def segment(self, node: ast.AST) -> str:
        """The source text of ``node`` (statements are parsed from multi-line text, so
        only the columns of a node refer to this snippet)."""
        if "\n" not in self.text and getattr(node, "end_col_offset", None) is not None \
                and node.lineno == node.end_lineno:
            return self.text[node.col_offset:node.end_col_offset]
        return ast.unparse(node)


def _syntax_error(snippet: Snippet, exc: BaseException, what: str) -> EquationError:
    if isinstance(exc, SyntaxError) and exc.offset is not None:
        lineno = exc.lineno or 1
        lines = snippet.text.split("\n")
        offset = sum(len(x) + 1 for x in lines[:lineno - 1]) + exc.offset - 1
        loc = snippet.location(offset)
        reason = exc.msg
    else:
        loc = snippet.location(0)
        reason = str(exc) or type(exc).__name__
    return EquationError(f"cannot parse {what}: {reason}", loc, code="E101",
                         hint="eqsim expressions use Python syntax: a*b, a**2, exp(x), "
                              "v > -50*mV, cond1 and cond2")


def _check_node(node: ast.AST, snippet: Snippet, depth: int = 0) -> None:
    """Raise EquationError unless every node is on the whitelist."""
    if depth > MAX_DEPTH:
        raise EquationError("expression is nested too deeply", snippet.node_location(node),
                            code="E102")
    if isinstance(node, ast.Expression):
        _check_node(node.body, snippet, depth + 1)
        return
    if isinstance(node, ast.BinOp) and isinstance(node.op, _ALLOWED_BINOPS):
        _check_node(node.left, snippet, depth + 1)
        _check_node(node.right, snippet, depth + 1)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd,
                                                              ast.Not)):
        _check_node(node.operand, snippet, depth + 1)
        return
    if isinstance(node, ast.BoolOp):
        for v in node.values:
            _check_node(v, snippet, depth + 1)
        return
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1 or not isinstance(node.ops[0], _ALLOWED_CMP):
            raise EquationError("only single comparisons (<, <=, >, >=, ==, !=) are "
                                "allowed", snippet.node_location(node), code="E103",
                                hint="write 'a < b and b < c' instead of 'a < b < c'")
        _check_node(node.left, snippet, depth + 1)
        _check_node(node.comparators[0], snippet, depth + 1)
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise EquationError("only plain function calls such as exp(x) are allowed",
                                snippet.node_location(node), code="E103")
        fname = node.func.id
        if fname not in FUNCTIONS and (not NAME_RE.match(fname) or fname.startswith("_")):
            raise EquationError(f"unknown function '{fname}'",
                                snippet.node_location(node.func), code="E104",
                                hint="available: " + ", ".join(sorted(FUNCTIONS)))
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise EquationError(f"{fname}() takes positional arguments only",
                                snippet.node_location(node), code="E103")
        # other names may be TimedArrays of the namespace: checked by infer_dimension
        nargs = FUNCTIONS[fname][0] if fname in FUNCTIONS else len(node.args)
        if len(node.args) != nargs:
            raise EquationError(f"{fname}() takes {nargs} argument(s), got "
                                f"{len(node.args)}", snippet.node_location(node),
                                code="E105")
        for a in node.args:
            _check_node(a, snippet, depth + 1)
        return
    if isinstance(node, ast.Name):
        if not NAME_RE.match(node.id) or node.id.startswith("__"):
            raise EquationError(f"'{node.id}' is not an allowed name",
                                snippet.node_location(node), code="E103")
        return
    if isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
        return
    kind = type(node).__name__
    what = {"Attribute": "attribute access", "Lambda": "lambda functions",
            "ListComp": "comprehensions", "GeneratorExp": "comprehensions",
            "SetComp": "comprehensions", "DictComp": "comprehensions",
            "Subscript": "indexing", "Constant": "this literal",
            "NamedExpr": "assignment expressions", "IfExp": "if-else expressions",
            "JoinedStr": "f-strings"}.get(kind, f"'{kind}' syntax")
    raise EquationError(f"{what} is not allowed in model expressions",
                        snippet.node_location(node), code="E103",
                        hint="expressions may use numbers, names, + - * / ** %, "
                             "comparisons, and/or/not and the functions " +
                             ", ".join(sorted(FUNCTIONS)))


def parse_expression(text: str | Snippet, what: str = "expression") -> tuple[ast.expr,
                                                                               Snippet]:
    """Parse one expression; return its AST (whitelisted) and the snippet it came from."""
    snippet = text if isinstance(text, Snippet) else Snippet.whole(text)
    src = snippet.text
    if not src.strip():
        raise EquationError(f"{what} is empty", snippet.location(0), code="E101")
    flat = src.replace("\n", " ").replace("\t", " ")
    if flat != flat.lstrip():
        pad = len(flat) - len(flat.lstrip())
        flat = flat.lstrip()
        snippet = Snippet(flat, snippet.source, snippet.where, snippet.positions[pad:])
    snippet = Snippet(flat.rstrip(), snippet.source, snippet.where, snippet.positions)
    try:
        tree = ast.parse(snippet.text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise _syntax_error(snippet, exc, what) from None
    _check_node(tree, snippet)
    return tree.body, snippet


def parse_statements(text: str, where: str) -> list[tuple[str, str, ast.expr, Snippet,
                                                          ast.AST]]:
    """Parse statements such as ``"v = EL; w += b"``.

    Returns (target, operator, value AST, snippet, target node) per statement; the
    operator is one of ``=``, ``+=``, ``-=``, ``*=``, ``/=``.
    """
    snippet = Snippet.whole(text, where)
    lines = text.split("\n")
    try:
        tree = ast.parse("\n".join(line.strip() for line in lines), mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise _syntax_error(snippet, exc, where) from None
    result = []
    for stmt in tree.body:
        line_text = lines[stmt.lineno - 1]
        indent = len(line_text) - len(line_text.lstrip())
        line_start = sum(len(x) + 1 for x in lines[:stmt.lineno - 1]) + indent
        sub = Snippet(line_text.strip(), snippet.source, where,
                      snippet.positions[line_start:line_start + len(line_text.strip())])
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, op, value = stmt.targets[0], "=", stmt.value
        elif isinstance(stmt, ast.AugAssign) and isinstance(
                stmt.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            target, op, value = stmt.target, _OP_TEXT[type(stmt.op)] + "=", stmt.value
        else:
            raise EquationError("each statement must look like 'x = expr' or 'x += expr'",
                                sub.node_location(stmt), code="E106")
        if not isinstance(target, ast.Name):
            raise EquationError("the left-hand side must be a variable name",
                                sub.node_location(target), code="E106")
        if stmt.end_lineno != stmt.lineno:
            raise EquationError("a statement must fit on one line",
                                sub.node_location(stmt), code="E106")
        _check_node(value, sub)
        result.append((target.id, op, value, sub, target))
    if not result:
        raise EquationError(f"{where} contains no statement", snippet.location(0),
                            code="E106")
    return result


# ---- names ------------------------------------------------------------------------------

@dataclass(frozen=True)
class NameInfo:
    """What a name in an expression refers to."""

    kind: str            # "variable", "subexpression", "constant", "unit", "noise", "index"
    dim: Dimension
    value: Any = None    # SI float for constants and units
    integer: bool = False


Resolver = Callable[[str], "NameInfo | None"]


def _unknown_name(name: str, node: ast.AST, snippet: Snippet) -> EquationError:
    return EquationError(f"unknown name '{name}'", snippet.node_location(node),
                         code="E107",
                         hint="define it in the model (e.g. 'x : volt'), pass it in "
                              "namespace={...}, or check the spelling")


# ---- dimensions -------------------------------------------------------------------------

def _constant_number(node: ast.AST) -> float | None:
    """The value of a literal exponent such as 2, -1, 0.5 or 1/3; None otherwise."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        v = _constant_number(node.operand)
        if v is None:
            return None
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.Mult,
                                                            ast.Add, ast.Sub)):
        a, b = _constant_number(node.left), _constant_number(node.right)
        if a is None or b is None:
            return None
        if isinstance(node.op, ast.Div):
            return a / b if b else None
        return a * b if isinstance(node.op, ast.Mult) else (
            a + b if isinstance(node.op, ast.Add) else a - b)
    return None


def infer_dimension(node: ast.AST, snippet: Snippet, resolve: Resolver
                    ) -> Dimension | Boolean:
    """The dimension of an expression; raises DimensionError naming the bad term."""

    def dim_text(d):
        return "a condition (true/false)" if d is BOOLEAN else str(d)

    def mismatch(what, left, right, dl, dr):
        return DimensionError(
            f"{what}: '{snippet.segment(left)}' is in {dim_text(dl)} but "
            f"'{snippet.segment(right)}' is in {dim_text(dr)}",
            snippet.node_location(right), code="E201",
            hint="both sides must have the same units; multiply plain numbers by a unit "
                 "(e.g. 0*mV)")

    def numeric(n):
        d = visit(n)
        if d is BOOLEAN:
            return DIMENSIONLESS
        return d

    def visit(n) -> Dimension | Boolean:
        if isinstance(n, ast.Constant):
            return BOOLEAN if isinstance(n.value, bool) else DIMENSIONLESS
        if isinstance(n, ast.Name):
            info = resolve(n.id)
            if info is None:
                raise _unknown_name(n.id, n, snippet)
            return info.dim
        if isinstance(n, ast.UnaryOp):
            if isinstance(n.op, ast.Not):
                visit(n.operand)
                return BOOLEAN
            return numeric(n.operand)
        if isinstance(n, ast.BoolOp):
            for v in n.values:
                visit(v)
            return BOOLEAN
        if isinstance(n, ast.Compare):
            dl, dr = numeric(n.left), numeric(n.comparators[0])
            if dl != dr:
                raise mismatch("cannot compare", n.left, n.comparators[0], dl, dr)
            return BOOLEAN
        if isinstance(n, ast.BinOp):
            dl = numeric(n.left)
            if isinstance(n.op, ast.Pow):
                dr = numeric(n.right)
                if not dr.is_dimensionless:
                    raise DimensionError(f"the exponent '{snippet.segment(n.right)}' must "
                                         f"be dimensionless, it is in {dr}",
                                         snippet.node_location(n.right), code="E203")
                if dl.is_dimensionless:
                    return DIMENSIONLESS
                power = _constant_number(n.right)
                if power is None:
                    raise DimensionError(
                        f"'{snippet.segment(n.left)}' has units ({dl}), so its exponent "
                        "must be a number, not an expression",
                        snippet.node_location(n.right), code="E203")
                return dl ** power
            dr = numeric(n.right)
            if isinstance(n.op, ast.FloorDiv):
                if not (dl.is_dimensionless and dr.is_dimensionless):
                    bad = n.left if not dl.is_dimensionless else n.right
                    raise DimensionError(
                        f"floor division needs dimensionless values, but "
                        f"'{snippet.segment(bad)}' is in "
                        f"{dl if bad is n.left else dr}", snippet.node_location(bad),
                        code="E209", hint="divide by a unit first, e.g. (t/ms)//10")
                return DIMENSIONLESS
            if isinstance(n.op, (ast.Add, ast.Sub, ast.Mod)):
                if dl != dr:
                    verb = {ast.Add: "cannot add", ast.Sub: "cannot subtract",
                            ast.Mod: "cannot take the remainder of"}[type(n.op)]
                    raise mismatch(verb, n.left, n.right, dl, dr)
                return dl
            if isinstance(n.op, ast.Mult):
                return dl * dr
            return dl / dr
        if isinstance(n, ast.Call):
            fname = n.func.id
            dims = [numeric(a) for a in n.args]
            if fname not in FUNCTIONS:
                info = resolve(fname)
                if info is None or info.kind != "function":
                    raise EquationError(
                        f"unknown function '{fname}'", snippet.node_location(n.func),
                        code="E104", hint="available: " + ", ".join(sorted(FUNCTIONS)) +
                        ", or a TimedArray passed in the namespace")
                ndim = info.value
                if len(n.args) != ndim or dims[0] != SECOND or (
                        ndim == 2 and not dims[1].is_dimensionless):
                    usage = f"{fname}(t)" if ndim == 1 else f"{fname}(t, i)"
                    raise DimensionError(
                        f"the TimedArray '{fname}' is called as {usage}: a time"
                        + ("" if ndim == 1 else " and a neuron index"),
                        snippet.node_location(n), code="E208")
                return info.dim
            rule = FUNCTIONS[fname][1]
            if rule == "random":
                return DIMENSIONLESS
            if rule in ("dimensionless", "int"):
                if not dims[0].is_dimensionless:
                    raise DimensionError(
                        f"{fname}() needs a dimensionless argument, but "
                        f"'{snippet.segment(n.args[0])}' is in {dims[0]}",
                        snippet.node_location(n.args[0]), code="E202",
                        hint="divide by a unit, e.g. exp(v/mV) or exp((v - VT)/DeltaT)")
                return DIMENSIONLESS
            if rule == "sqrt":
                return dims[0] ** Fraction(1, 2)
            if rule == "sign":
                return DIMENSIONLESS
            if rule == "clip":
                for a, d in zip(n.args[1:], dims[1:]):
                    if d != dims[0]:
                        raise mismatch("clip() bounds must have the units of its value",
                                       n.args[0], a, dims[0], d)
                return dims[0]
            return dims[0]
        raise EquationError("unsupported syntax", snippet.node_location(n), code="E103")

    return visit(node)


def names_in(node: ast.AST) -> list[str]:
    """Names used in an expression, in order of first appearance (functions excluded)."""
    funcs = {id(n.func) for n in ast.walk(node) if isinstance(n, ast.Call)}
    seen: dict[str, None] = {}
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and id(n) not in funcs:
            seen.setdefault(n.id, None)
    return list(seen)


def uses_function(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Call) and n.func.id in names for n in ast.walk(node))


def is_condition(node: ast.AST) -> bool:
    """True for expressions whose value is a boolean (comparisons, and/or/not)."""
    return isinstance(node, (ast.Compare, ast.BoolOp)) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)) or (
        isinstance(node, ast.Constant) and isinstance(node.value, bool))


# ---- sympy ------------------------------------------------------------------------------

@dataclass
class SympyContext:
    """Maps names to sympy objects while converting; numbers the random-number sites."""

    symbols: dict[str, Any]
    next_stream: int = 0
    streams: list[tuple[int, str]] = field(default_factory=list)


def to_sympy(node: ast.AST, ctx: SympyContext):
    """Convert a whitelisted AST to a sympy expression (names via ``ctx.symbols``)."""
    import sympy as sp

    from . import sympy_functions as sf

    def visit(n):
        if isinstance(n, ast.Constant):
            if isinstance(n.value, bool):
                return sp.true if n.value else sp.false
            if isinstance(n.value, int):
                return sp.Integer(n.value)
            return sp.Float(float(n.value))
        if isinstance(n, ast.Name):
            return ctx.symbols[n.id]
        if isinstance(n, ast.UnaryOp):
            v = visit(n.operand)
            if isinstance(n.op, ast.USub):
                return -v
            if isinstance(n.op, ast.Not):
                return sp.Not(v)
            return v
        if isinstance(n, ast.BoolOp):
            vals = [visit(v) for v in n.values]
            return sp.And(*vals) if isinstance(n.op, ast.And) else sp.Or(*vals)
        if isinstance(n, ast.Compare):
            left, right = visit(n.left), visit(n.comparators[0])
            op = n.ops[0]
            cls = {ast.Lt: sp.StrictLessThan, ast.LtE: sp.LessThan,
                   ast.Gt: sp.StrictGreaterThan, ast.GtE: sp.GreaterThan,
                   ast.Eq: sp.Eq, ast.NotEq: sp.Ne}[type(op)]
            return cls(left, right, evaluate=False)
        if isinstance(n, ast.BinOp):
            a, b = _as_number(visit(n.left)), _as_number(visit(n.right))
            if isinstance(n.op, ast.Add):
                return a + b
            if isinstance(n.op, ast.Sub):
                return a - b
            if isinstance(n.op, ast.Mult):
                return a * b
            if isinstance(n.op, ast.Div):
                return a / b
            if isinstance(n.op, ast.Mod):
                return sf.mod_(a, b)
            if isinstance(n.op, ast.FloorDiv):
                return sf.floordiv_(a, b)
            return a ** b
        if isinstance(n, ast.Call):
            fname = n.func.id
            args = [_as_number(visit(a)) for a in n.args]
            if fname not in FUNCTIONS:   # a TimedArray: ctx.symbols holds its maker
                return ctx.symbols[fname](*args)
            if fname in ("rand", "randn"):
                stream = ctx.next_stream
                ctx.next_stream += 1
                ctx.streams.append((stream, fname))
                fn = sf.rand_ if fname == "rand" else sf.randn_
                return fn(sp.Integer(stream))
            return sf.SYMPY_FUNCTIONS[fname](*args)
        raise TypeError(type(n).__name__)

    def _as_number(v):
        if isinstance(v, sp.logic.boolalg.Boolean) and not isinstance(v, sp.Symbol):
            return sf.bool_to_float(v)
        return v

    return visit(node)


# ---- numpy evaluation (initial values) --------------------------------------------------

def exprel_np(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(x == 0, 1.0, np.expm1(x) / np.where(x == 0, 1.0, x))
    return out


NUMPY_FUNCTIONS: dict[str, Callable] = {
    "exp": np.exp, "log": np.log, "log10": np.log10, "expm1": np.expm1,
    "log1p": np.log1p, "exprel": exprel_np, "sin": np.sin, "cos": np.cos,
    "tan": np.tan, "tanh": np.tanh, "sinh": np.sinh, "cosh": np.cosh,
    "arcsin": np.arcsin, "arccos": np.arccos, "arctan": np.arctan, "sqrt": np.sqrt,
    "abs": np.abs, "floor": np.floor, "ceil": np.ceil, "sign": np.sign,
    "int": lambda x: np.trunc(np.asarray(x, dtype=float)), "clip": np.clip,
}


def evaluate(node: ast.AST, values: Callable[[str], Any],
             random: Callable[[str, int], np.ndarray]) -> Any:
    """Evaluate a whitelisted expression with numpy. ``values(name)`` gives SI values,
    ``random(kind, site)`` gives one draw per neuron for the ``site``-th random call."""
    site = [0]

    def visit(n):
        if isinstance(n, ast.Constant):
            return n.value
        if isinstance(n, ast.Name):
            return values(n.id)
        if isinstance(n, ast.UnaryOp):
            v = visit(n.operand)
            if isinstance(n.op, ast.USub):
                return -np.asarray(v, dtype=float)
            if isinstance(n.op, ast.Not):
                return np.logical_not(v)
            return v
        if isinstance(n, ast.BoolOp):
            vals = [visit(v) for v in n.values]
            fn = np.logical_and if isinstance(n.op, ast.And) else np.logical_or
            out = vals[0]
            for v in vals[1:]:
                out = fn(out, v)
            return out
        if isinstance(n, ast.Compare):
            a, b = visit(n.left), visit(n.comparators[0])
            return {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater,
                    ast.GtE: np.greater_equal, ast.Eq: np.equal,
                    ast.NotEq: np.not_equal}[type(n.ops[0])](a, b)
        if isinstance(n, ast.BinOp):
            a = np.asarray(visit(n.left), dtype=float)
            b = np.asarray(visit(n.right), dtype=float)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                if isinstance(n.op, ast.Add):
                    return a + b
                if isinstance(n.op, ast.Sub):
                    return a - b
                if isinstance(n.op, ast.Mult):
                    return a * b
                if isinstance(n.op, ast.Div):
                    return a / b
                if isinstance(n.op, ast.Mod):
                    return np.mod(a, b)
                if isinstance(n.op, ast.FloorDiv):
                    return np.floor_divide(a, b)
                return a ** b
        if isinstance(n, ast.Call):
            fname = n.func.id
            if fname not in FUNCTIONS:   # a TimedArray
                return values(fname)(*[np.asarray(visit(a), dtype=float)
                                       for a in n.args])
            if fname in ("rand", "randn"):
                k = site[0]
                site[0] += 1
                return random(fname, k)
            args = [np.asarray(visit(a), dtype=float) for a in n.args]
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                return NUMPY_FUNCTIONS[fname](*args)
        raise TypeError(type(n).__name__)

    return visit(node)
