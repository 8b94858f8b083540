"""sympy -> C and sympy -> numpy, with the same arithmetic in both.

Both printers share sympy's structural printing of sums and products, print integer
powers as products and floats with all 17 digits, and know eqsim's own functions
(``exprel``, ``int``, ``clip``, random numbers, Brian2's ``timestep``). Anything they
cannot print raises :class:`~eqsim.errors.CodegenError` instead of emitting bad code.
"""
from __future__ import annotations

import math

import sympy as sp
from sympy.printing.c import C99CodePrinter
from sympy.printing.pycode import PythonCodePrinter

from ..errors import CodegenError

C_KEYWORDS = frozenset("""auto break case char const continue default do double else enum
extern float for goto if inline int long register restrict return short signed sizeof
static struct switch typedef union unsigned void volatile while _Bool _Complex
_Imaginary bool true false NULL""".split())

_C_FUNCS = {"exp": "eqsim_exp", "log": "log", "sin": "sin", "cos": "cos", "tan": "tan",
            "tanh": "tanh", "sinh": "sinh", "cosh": "cosh", "asin": "asin",
            "acos": "acos", "atan": "atan", "floor": "floor", "ceiling": "ceil",
            "Abs": "fabs", "expm1_": "eqsim_expm1", "log1p_": "log1p", "exprel_": "eqsim_exprel",
            "sign": "eqsim_sign", "mod_": "eqsim_mod",
            "floordiv_": "eqsim_floordiv"}
_NP_FUNCS = {"exp": "_exp", "log": "np.log", "sin": "np.sin", "cos": "np.cos",
             "tan": "np.tan", "tanh": "np.tanh", "sinh": "np.sinh", "cosh": "np.cosh",
             "asin": "np.arcsin", "acos": "np.arccos", "atan": "np.arctan",
             "floor": "np.floor", "ceiling": "np.ceil", "Abs": "np.abs",
             "expm1_": "_expm1", "log1p_": "np.log1p", "exprel_": "_exprel",
             "sign": "np.sign", "mod_": "np.mod",
             "floordiv_": "np.floor_divide"}


def c_name(name: str) -> str:
    """The C identifier of a model name (C keywords get a prefix)."""
    return f"u_{name}" if name in C_KEYWORDS else name


def _float_literal(value: float) -> str:
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INFINITY" if value > 0 else "(-INFINITY)"
    text = repr(float(value))
    return text if any(c in text for c in ".eE") else text + ".0"


class _SharedRules:
    """Printing rules both targets share (mixin over a sympy code printer)."""

    def _print_Float(self, expr):
        return self._float(float(expr))

    def _print_Integer(self, expr):
        return self._float(float(int(expr)))

    def _print_Rational(self, expr):
        return f"({self._float(float(expr.p))}/{self._float(float(expr.q))})"

    def _print_Half(self, expr):
        return self._print_Rational(expr)

    def _print_Pow(self, expr):
        base, exp = expr.args
        b = self.parenthesize(base, 1000)
        if exp.is_Integer and 0 < abs(int(exp)) <= 8:
            n = abs(int(exp))
            prod = "*".join([b] * n)
            return f"({prod})" if exp > 0 else f"({self._float(1.0)}/({prod}))"
        if exp == sp.Rational(1, 2):
            return f"{self._sqrt}({self._print(base)})"
        if exp == sp.Rational(-1, 2):
            return f"({self._float(1.0)}/{self._sqrt}({self._print(base)}))"
        return f"{self._pow}({self._print(base)}, {self._print(exp)})"

    def _print_Exp1(self, expr):
        return self._float(math.e)

    def _print_Pi(self, expr):
        return self._float(math.pi)

    def _print_Infinity(self, expr):
        return self._float(math.inf)

    def _print_NegativeInfinity(self, expr):
        return self._float(-math.inf)

    def _print_Symbol(self, expr):
        return self._symbol(expr.name)

    def _print_Function(self, expr):
        name = type(expr).__name__
        table = self._funcs
        if name in table:
            args = ", ".join(self._print(a) for a in expr.args)
            return f"{table[name]}({args})"
        raise CodegenError(f"cannot print the function '{name}' as {self.language}",
                           code="E401")

    def emptyPrinter(self, expr):
        raise CodegenError(f"cannot print {type(expr).__name__} ({expr}) as "
                           f"{self.language}", code="E401")


class CPrinter(_SharedRules, C99CodePrinter):
    """sympy -> C99 expressions."""

    language = "C"
    _funcs = _C_FUNCS
    _sqrt, _pow = "sqrt", "pow"

    def __init__(self, symbol_map: dict[str, str] | None = None,
                 random_blocks: bool = False):
        super().__init__({"strict": False})
        self.symbol_map = symbol_map or {}
        self.random_blocks = random_blocks

    def _float(self, value: float) -> str:
        return _float_literal(value)

    def _symbol(self, name: str) -> str:
        return self.symbol_map.get(name, c_name(name))

    def _print_Piecewise(self, expr):
        parts = list(expr.args)
        if parts[-1][1] != sp.true:
            raise CodegenError("a conditional expression needs an 'otherwise' branch",
                               code="E402")
        out = self._print(parts[-1][0])
        for value, cond in reversed(parts[:-1]):
            out = f"(({self._print(cond)}) ? ({self._print(value)}) : ({out}))"
        return out

    def _print_Relational(self, expr):
        op = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "!=": "!="}[
            expr.rel_op]
        return f"({self._print(expr.lhs)} {op} {self._print(expr.rhs)})"

    def _print_And(self, expr):
        return "(" + " && ".join(self._print(a) for a in expr.args) + ")"

    def _print_Or(self, expr):
        return "(" + " || ".join(self._print(a) for a in expr.args) + ")"

    def _print_Not(self, expr):
        return f"(!{self._print(expr.args[0])})"

    def _print_BooleanTrue(self, expr):
        return "1"

    def _print_BooleanFalse(self, expr):
        return "0"

    def _print_bool_to_float(self, expr):
        return f"(({self._print(expr.args[0])}) ? 1.0 : 0.0)"

    def _print_int_(self, expr):
        return f"((double)(int64_t)({self._print(expr.args[0])}))"

    def _print_clip_(self, expr):
        x, lo, hi = (self._print(a) for a in expr.args)
        return f"eqsim_fmin(eqsim_fmax({x}, {lo}), {hi})"

    def _print_rand_(self, expr):
        if self.random_blocks:  # drawn for a block of neurons before the loop body
            return f"{random_block_name(expr)}[_j]"
        return f"eqsim_rand(_key0, _key1, _rng_index, _step, {int(expr.args[0])}u)"

    def _print_randn_(self, expr):
        if self.random_blocks:
            return f"{random_block_name(expr)}[_j]"
        return f"eqsim_randn(_key0, _key1, _rng_index, _step, {int(expr.args[0])}u)"

    def _print_shared_rand_(self, expr):   # global index 0: the same on every MPI rank
        return f"eqsim_rand(_key0, _key1, 0, _step, {int(expr.args[0])}u)"

    def _print_shared_randn_(self, expr):
        return f"eqsim_randn(_key0, _key1, 0, _step, {int(expr.args[0])}u)"

    def _print_timestep_(self, expr):
        return f"eqsim_timestep({self._print(expr.args[0])})"

    def _print_timed_(self, expr):
        k = int(expr.args[0])
        i = self._print(expr.args[2]) if len(expr.args) == 3 else "0.0"
        return (f"eqsim_timed(_ta{k}, _ta{k}_n, _ta{k}_cols, _ta{k}_dt, "
                f"{self._print(expr.args[1])}, {i})")


class NumpyPrinter(_SharedRules, PythonCodePrinter):
    """sympy -> numpy expressions over arrays (the reference backend)."""

    language = "numpy"
    _funcs = _NP_FUNCS
    _sqrt, _pow = "np.sqrt", "np.power"

    def __init__(self, symbol_map: dict[str, str] | None = None):
        super().__init__({"strict": False})
        self.symbol_map = symbol_map or {}

    def _float(self, value: float) -> str:
        if math.isnan(value):
            return "np.nan"
        if math.isinf(value):
            return "np.inf" if value > 0 else "(-np.inf)"
        return repr(float(value))

    def _symbol(self, name: str) -> str:
        return self.symbol_map.get(name, name)

    def _print_Piecewise(self, expr):
        parts = list(expr.args)
        out = self._print(parts[-1][0])
        for value, cond in reversed(parts[:-1]):
            out = f"np.where({self._print(cond)}, {self._print(value)}, {out})"
        return out

    def _print_Relational(self, expr):
        fn = {"<": "np.less", "<=": "np.less_equal", ">": "np.greater",
              ">=": "np.greater_equal", "==": "np.equal", "!=": "np.not_equal"}[
            expr.rel_op]
        return f"{fn}({self._print(expr.lhs)}, {self._print(expr.rhs)})"

    def _print_And(self, expr):
        return self._nested("np.logical_and", expr.args)

    def _print_Or(self, expr):
        return self._nested("np.logical_or", expr.args)

    def _nested(self, fn, args):
        # pairwise, not fn.reduce([...]): a loop-invariant (scalar) operand next to a
        # per-neuron array must broadcast ('i == 0 and t < 5*ms')
        out = self._print(args[-1])
        for a in reversed(args[:-1]):
            out = f"{fn}({self._print(a)}, {out})"
        return out

    def _print_Not(self, expr):
        return f"np.logical_not({self._print(expr.args[0])})"

    def _print_BooleanTrue(self, expr):
        return "True"

    def _print_BooleanFalse(self, expr):
        return "False"

    def _print_bool_to_float(self, expr):
        return f"np.where({self._print(expr.args[0])}, 1.0, 0.0)"

    def _print_int_(self, expr):
        return f"np.trunc({self._print(expr.args[0])})"

    def _print_clip_(self, expr):
        x, lo, hi = (self._print(a) for a in expr.args)
        return f"np.fmin(np.fmax({x}, {lo}), {hi})"

    def _print_rand_(self, expr):
        return f"_rand({int(expr.args[0])})"

    def _print_randn_(self, expr):
        return f"_randn({int(expr.args[0])})"

    def _print_shared_rand_(self, expr):
        return f"float(np.ravel(_uniform(_S.seed, _S.object_id, 0, _step, {int(expr.args[0])}))[0])"

    def _print_shared_randn_(self, expr):
        return f"float(np.ravel(_normal(_S.seed, _S.object_id, 0, _step, {int(expr.args[0])}))[0])"

    def _print_timestep_(self, expr):
        return f"_timestep({self._print(expr.args[0])})"

    def _print_timed_(self, expr):
        args = ", ".join(self._print(a) for a in expr.args[1:])
        return f"_S.timed[{int(expr.args[0])}]({args})"


def random_block_name(call) -> str:
    """The C buffer holding one block of the numbers of a rand_()/randn_() call site."""
    return f"_{type(call).__name__[:-1]}_block{int(call.args[0])}"


def print_c(expr, symbol_map: dict[str, str] | None = None,
            random_blocks: bool = False) -> str:
    return CPrinter(symbol_map, random_blocks).doprint(expr)


def print_numpy(expr, symbol_map: dict[str, str] | None = None) -> str:
    return NumpyPrinter(symbol_map).doprint(expr)


# sympy's printers define _print_exp, _print_sqrt, ... of their own; route every function
# in our tables through _print_Function so that both targets use exactly these names.
for _printer in (CPrinter, NumpyPrinter):
    for _name in _printer._funcs:
        setattr(_printer, f"_print_{_name}", _SharedRules._print_Function)
