"""Physical units at the API boundary.

``5*mV`` is a :class:`Quantity`: a numpy array (0-d for scalars) holding the SI value,
with a :class:`Dimension`. Arithmetic checks dimensions; a mismatch raises
:class:`~eqsim.errors.DimensionError` naming both units. Results without dimension come
back as plain numpy values, so ``v / mV`` is an ordinary array. The runtime only ever sees
SI floats (``float(5*mV) == 0.005``).

As in Brian2, a plain zero (the number ``0`` or an array of zeros without units) goes
with any unit: ``v + 0``, ``v > 0``, ``sum(list_of_voltages)`` and ``G.v = 0`` work.

Why not pint: importing pint's registry takes about 0.5 s here and each array operation
about 23 µs; this module imports in a few milliseconds after numpy and costs about 10 µs
per operation (docs/units.md has the measurements). The equation parser needs dimensions
only, and Brian2 users expect Brian2's unit names (``mvolt``, ``nS``, ``Hz``).
"""
from __future__ import annotations

import functools
import inspect
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np

from .errors import DimensionError

_BASE_NAMES = ("m", "kg", "s", "A", "K", "mol", "cd")

#: Brian2's name for the error of mismatched units; it *is* eqsim's DimensionError, so
#: ``except DimensionMismatchError`` catches every dimension error eqsim raises.
DimensionMismatchError = DimensionError


class Dimension:
    """Exponents of the seven SI base units (metre, kilogram, second, amp, kelvin,
    mole, candela); immutable and interned by value.

    ``str(dim)`` writes it as a person would (``V/s``, ``S/m^2``, ``J/(mol K)``);
    ``dim.declaration`` as a model string declares it (``volt/second``).
    """

    __slots__ = ("exponents", "_hash")

    def __init__(self, exponents=(0,) * 7):
        exps = tuple(e if type(e) is int or type(e) is Fraction
                     else Fraction(e).limit_denominator(1000) for e in exponents)
        exps = tuple(int(e) if type(e) is Fraction and e.denominator == 1 else e
                     for e in exps)
        if len(exps) != 7:
            raise ValueError("a Dimension has seven exponents")
        object.__setattr__(self, "exponents", exps)
        object.__setattr__(self, "_hash", hash(exps))

    def __setattr__(self, key, value):
        raise AttributeError("Dimension is immutable")

    def __reduce__(self):   # pickled by its exponents (multiprocessing sends groups)
        return (Dimension, (self.exponents,))

    def __eq__(self, other):
        return isinstance(other, Dimension) and self.exponents == other.exponents

    def __hash__(self):
        return self._hash

    def __mul__(self, other: "Dimension") -> "Dimension":
        if not any(other.exponents):
            return self
        if not any(self.exponents):
            return other
        return _combine(self.exponents, other.exponents, 1)

    def __truediv__(self, other: "Dimension") -> "Dimension":
        if not any(other.exponents):
            return self
        return _combine(self.exponents, other.exponents, -1)

    def __pow__(self, power) -> "Dimension":
        return _power(self.exponents, power)

    @property
    def is_dimensionless(self) -> bool:
        return not any(self.exponents)

    def __str__(self) -> str:
        return _display(self.exponents, False)

    @property
    def declaration(self) -> str:
        """How a model string declares this dimension: ``volt``, ``siemens/metre**2``."""
        return _display(self.exponents, True)

    def __repr__(self) -> str:
        return f"Dimension({self})"

    def key(self) -> str:
        """A stable text form (used in cache keys)."""
        return ",".join(str(e) for e in self.exponents)


DIMENSIONLESS = Dimension()


@lru_cache(maxsize=4096)
def _combine(a: tuple, b: tuple, sign: int) -> Dimension:
    return Dimension(x + sign * y for x, y in zip(a, b))


@lru_cache(maxsize=4096)
def _power(a: tuple, power) -> Dimension:
    p = Fraction(power).limit_denominator(1000)
    return Dimension(x * p for x in a)


def _dim(m=0, kg=0, s=0, A=0, K=0, mol=0, cd=0) -> Dimension:
    return Dimension((m, kg, s, A, K, mol, cd))


# ---- writing dimensions as people do -----------------------------------------------------
# (symbol, model-string name, dimension); the order is the preference among equal choices.
_NAMED = (
    ("V", "volt", _dim(m=2, kg=1, s=-3, A=-1)),
    ("S", "siemens", _dim(m=-2, kg=-1, s=3, A=2)),
    ("F", "farad", _dim(m=-2, kg=-1, s=4, A=2)),
    ("ohm", "ohm", _dim(m=2, kg=1, s=-3, A=-2)),
    ("C", "coulomb", _dim(s=1, A=1)),
    ("J", "joule", _dim(m=2, kg=1, s=-2)),
    ("W", "watt", _dim(m=2, kg=1, s=-3)),
    ("N", "newton", _dim(m=1, kg=1, s=-2)),
    ("Pa", "pascal", _dim(m=-1, kg=1, s=-2)),
    ("T", "tesla", _dim(kg=1, s=-2, A=-1)),
    ("Wb", "weber", _dim(m=2, kg=1, s=-2, A=-1)),
    ("H", "henry", _dim(m=2, kg=1, s=-2, A=-2)),
)
_HEADS = 9   # V ... Pa may head a compound unit (V/s, S/m^2); T, Wb, H only alone
_BASE_LONG = ("metre", "kilogram", "second", "amp", "kelvin", "mole", "candle")
# whole dimensions with a name of their own (value 1 in SI)
_EXACT = {d: (sym, long) for sym, long, d in _NAMED}
_EXACT[_dim(s=-1)] = ("Hz", "hertz")
_EXACT[_dim(m=-3, mol=1)] = ("mM", "mmolar")       # 1 mM = 1 mol/m^3


def _power_text(name: str, e, code: bool) -> str:
    if e == 1:
        return name
    if code:
        return f"{name}**{e}" if type(e) is int else f"{name}**({e})"
    return f"{name}^{e}" if type(e) is int else f"{name}^({e})"


def _join(factors: list[tuple[str, Any]], code: bool) -> str:
    num = [_power_text(n, e, code) for n, e in factors if e > 0]
    den = [_power_text(n, -e, code) for n, e in factors if e < 0]
    sep = "*" if code else " "
    top = sep.join(num) or "1"
    if not den:
        return top
    bottom = sep.join(den)
    return f"{top}/({bottom})" if len(den) > 1 else f"{top}/{bottom}"


@lru_cache(maxsize=1024)
def _display(exponents: tuple, code: bool) -> str:
    """A dimension as a named unit times/over as few base units as possible."""
    if not any(exponents):
        return "1"
    dim = Dimension(exponents)
    if dim in _EXACT:
        return _EXACT[dim][1 if code else 0]
    names = _BASE_LONG if code else _BASE_NAMES
    best: tuple[float, list] | None = None
    heads = [(None, 0)] + [(k, e) for k in range(_HEADS) for e in (1, -1, 2, -2)]
    for k, e in heads:
        rest = exponents if k is None else tuple(
            x - e * y for x, y in zip(exponents, _NAMED[k][2].exponents))
        factors = [] if k is None else [(_NAMED[k][1 if code else 0], e)]
        factors += [(n, x) for n, x in zip(names, rest) if x]
        cost = len(factors) + 0.1 * sum(abs(x) - 1 for _, x in factors) + \
            (0.01 if k is not None else 0) + (0.02 if e < 0 else 0)
        if best is None or cost < best[0] - 1e-9:
            best = (cost, factors)
    return _join(best[1], code)


def get_dimension(obj: Any) -> Dimension:
    """The dimension of a Quantity, or DIMENSIONLESS for plain numbers and arrays."""
    return getattr(obj, "dim", DIMENSIONLESS)


def _mismatch(ufunc_name: str, first: Dimension, d: Dimension):
    return DimensionError(
        f"cannot {ufunc_name} quantities in {first} and {d}",
        hint="convert both to the same dimension (e.g. 5*mV and 0.002*volt both "
             "work; 5*mV and 1*nA do not)", code="E201")


def _same(ufunc_name: str, dims: list[Dimension], inputs=None) -> Dimension:
    first = dims[0]
    for d in dims[1:]:
        if d != first:
            break
    else:
        return first
    if inputs is not None:
        # Brian2's rule: a plain zero (no units, every value 0) goes with any unit
        kept = [d for d, x in zip(dims, inputs)
                if not (d.is_dimensionless and _is_zero(x))]
        if not kept:
            return DIMENSIONLESS
        if all(d == kept[0] for d in kept):
            return kept[0]
    bad = next(d for d in dims[1:] if d != first)
    raise _mismatch(ufunc_name, first, bad)


def _is_zero(x) -> bool:
    try:
        return bool(np.all(np.asarray(x) == 0))
    except (TypeError, ValueError):
        return False


def _is_plain_inf(d: Dimension, x) -> bool:
    if not d.is_dimensionless or np.ndim(x) != 0 or isinstance(x, str):
        return False
    try:
        return bool(np.isinf(np.asarray(x, dtype=float)))
    except (TypeError, ValueError):
        return False


def is_plain_zero(x) -> bool:
    """A value without units whose every entry is 0: Brian2 lets it stand for any unit."""
    return get_dimension(x).is_dimensionless and not isinstance(x, str) and _is_zero(x)


def _require_dimensionless(ufunc_name: str, dims: list[Dimension]) -> Dimension:
    for d in dims:
        if not d.is_dimensionless:
            raise DimensionError(f"{ufunc_name} needs a dimensionless argument, got {d}",
                                 code="E202")
    return DIMENSIONLESS


_SAME = {"add", "subtract", "maximum", "minimum", "fmax", "fmin", "hypot", "remainder",
         "fmod", "mod", "negative", "positive", "absolute", "fabs", "rint", "floor",
         "ceil", "trunc", "conjugate", "copysign", "nextafter", "spacing"}
_COMPARE = {"less", "less_equal", "greater", "greater_equal", "equal", "not_equal"}
_BOOL = {"isnan", "isinf", "isfinite", "signbit", "sign"}


def _result_dim(ufunc, method: str, inputs) -> Dimension | None:
    """Dimension of a ufunc result; None means 'a plain result without dimension'."""
    name = ufunc.__name__
    dims = [get_dimension(x) for x in inputs]
    if method == "reduce" or method == "accumulate" or method == "reduceat":
        if name in ("add", "maximum", "minimum", "fmax", "fmin"):
            return dims[0]
        return _require_dimensionless(f"{name}.{method}", dims[:1])
    if name in _SAME:
        return _same(name, dims, inputs)
    if name in _COMPARE:
        # Brian2's rule: a plain scalar infinity compares with any unit (as 0 does)
        kept = [(d, x) for d, x in zip(dims, inputs) if not _is_plain_inf(d, x)]
        if len(kept) > 1:
            _same(f"compare ({name})", [d for d, _ in kept], [x for _, x in kept])
        return None
    if name in _BOOL:
        return None
    if name == "multiply":
        return dims[0] * dims[1]
    if name in ("divide", "true_divide", "floor_divide"):
        return dims[0] / dims[1]
    if name == "reciprocal":
        return DIMENSIONLESS / dims[0]
    if name == "sqrt":
        return dims[0] ** Fraction(1, 2)
    if name == "cbrt":
        return dims[0] ** Fraction(1, 3)
    if name == "square":
        return dims[0] ** 2
    if name in ("power", "float_power"):
        if not dims[1].is_dimensionless:
            raise DimensionError(f"an exponent must be dimensionless, got {dims[1]}",
                                 code="E203")
        if dims[0].is_dimensionless:
            return DIMENSIONLESS
        exponent = np.asarray(inputs[1])
        if exponent.size != 1:
            raise DimensionError("a quantity with units can only be raised to a single "
                                 "power, not an array of powers", code="E203")
        return dims[0] ** float(exponent.reshape(-1)[0])
    return _require_dimensionless(name, dims)


def _wrap(value, dim: Dimension | None):
    if dim is None or dim.is_dimensionless:
        if isinstance(value, np.ndarray) and value.ndim == 0:
            return value[()]
        return value
    return Quantity(value, dim)


def _raw(x):
    return np.asarray(x.view(np.ndarray)) if isinstance(x, Quantity) else x


class Quantity(np.ndarray):
    """A numpy array of SI values with a physical dimension.

    ``Quantity([1*mV, 2*mV])`` (a list of quantities of one unit) is an array in volt;
    ``Quantity(values, dim)`` attaches a :class:`Dimension` to SI values.
    """

    dim: Dimension

    def __new__(cls, value, dim: Dimension | None = None, copy: bool = False):
        if dim is None:
            value = as_quantity(value)
            dim = get_dimension(value)
        if isinstance(value, Quantity):
            if value.dim != dim and not value.dim.is_dimensionless:
                raise DimensionError(f"cannot reinterpret {value.dim} as {dim}")
            value = value.view(np.ndarray)
        arr = np.array(value, dtype=np.float64, copy=copy) if copy else np.asarray(
            value, dtype=np.float64)
        obj = arr.view(cls)
        obj.dim = dim
        return obj

    def __array_finalize__(self, obj):
        self.dim = getattr(obj, "dim", DIMENSIONLESS)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        dim = _result_dim(ufunc, method, inputs)
        raw = [x.view(np.ndarray) if isinstance(x, Quantity) else x for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, Quantity) else o
                                  for o in kwargs["out"])
        result = getattr(ufunc, method)(*raw, **kwargs)
        return _wrap(result, dim)

    def __array_function__(self, func, types, args, kwargs):
        name = func.__name__
        if name in ("concatenate", "hstack", "vstack", "stack", "append"):
            seq = args[0] if name != "append" else args[:2]
            dims = [get_dimension(x) for x in seq]
            dim = _same(name, dims, list(seq))
            raw_seq = [_raw(x) for x in seq]
            if name == "append":
                result = func(*raw_seq, *args[2:], **kwargs)
            else:
                result = func(raw_seq, *args[1:], **kwargs)
            return _wrap(result, dim)
        if name == "clip":
            values = list(args[:3])
            for key in ("a_min", "a_max", "min", "max"):
                if key in kwargs:
                    values.append(kwargs.pop(key))
            dim = _same(name, [get_dimension(x) for x in values if x is not None],
                        [x for x in values if x is not None])
            result = func(*[_raw(x) for x in values[:3]], *args[3:], **kwargs) \
                if len(values) == 3 else func(_raw(values[0]), *[_raw(x) for x in
                                                                 values[1:]], **kwargs)
            return _wrap(result, dim)
        if name == "linspace" and len(args) >= 2:
            n = 2
            values = list(args[:n])
            dim = _same(name, [get_dimension(x) for x in values if x is not None],
                        [x for x in values if x is not None])
            result = func(*[_raw(x) for x in values], *args[n:], **kwargs)
            if isinstance(result, tuple):   # linspace(..., retstep=True)
                return tuple(_wrap(r, dim) for r in result)
            return _wrap(result, dim)
        if name == "where" and len(args) == 3:
            dim = _same(name, [get_dimension(x) for x in args[1:]], list(args[1:]))
            return _wrap(func(_raw(args[0]), _raw(args[1]), _raw(args[2])), dim)
        if name == "interp" and len(args) >= 3:
            _same(name, [get_dimension(args[0]), get_dimension(args[1])], list(args[:2]))
            return _wrap(func(_raw(args[0]), _raw(args[1]), _raw(args[2]), *args[3:],
                              **kwargs), get_dimension(args[2]))
        if name in ("dot", "inner", "outer", "vdot", "matmul", "cross") and len(args) >= 2:
            dim = get_dimension(args[0]) * get_dimension(args[1])
            return _wrap(func(_raw(args[0]), _raw(args[1]), *args[2:], **kwargs), dim)
        if name == "trace":
            return _wrap(func(_raw(args[0]), *args[1:], **kwargs), get_dimension(args[0]))
        if name in ("histogram", "histogram_bin_edges"):   # Brian2: the values in SI
            def plain(v):
                return type(v)(plain(x) for x in v) if isinstance(v, (tuple, list)) \
                    else _raw(v)
            return func(*[plain(x) for x in args],
                        **{k: plain(v) for k, v in kwargs.items()})
        if name in ("isclose", "allclose"):
            a, b = args[0], args[1]
            dim = _same(name, [get_dimension(a), get_dimension(b)], [a, b])
            extra = dict(kwargs)
            atol = extra.pop("atol", None)
            if atol is not None and not dim.is_dimensionless:
                _same(name, [dim, get_dimension(atol)], [a, atol])
            # a default absolute tolerance (1e-8) is read in the arrays' SI unit
            if atol is not None:
                extra["atol"] = _raw(atol)
            return func(_raw(a), _raw(b), *args[2:], **extra)
        return super().__array_function__(func, types, args, kwargs)

    def __getitem__(self, key):
        item = super().__getitem__(key)
        if isinstance(item, Quantity):
            return item
        return Quantity(item, self.dim)

    def __iter__(self):
        for k in range(len(self)):
            yield self[k]

    def __float__(self) -> float:
        return float(self.view(np.ndarray))

    # -- unit helpers -------------------------------------------------------
    def in_unit(self, unit: "Quantity"):
        """The value expressed in ``unit`` as a plain float or array."""
        if get_dimension(unit) != self.dim:
            raise DimensionError(f"cannot express {self.dim} in {get_dimension(unit)}")
        return self.view(np.ndarray) / np.asarray(unit)

    @property
    def magnitude(self):
        """The SI value as a plain float or array."""
        v = self.view(np.ndarray)
        return float(v) if v.ndim == 0 else v

    @property
    def dimensions(self) -> Dimension:
        """Brian2's name for ``dim``."""
        return self.dim

    @property
    def is_dimensionless(self) -> bool:
        return self.dim.is_dimensionless

    def has_same_dimensions(self, other) -> bool:
        return have_same_dimensions(self, other)

    def get_best_unit(self) -> "Quantity":
        """The unit ``repr`` shows this quantity in (``mV`` for -65 mV)."""
        factor, name = display_unit(self)
        return UNITS.get(name, Quantity(factor, self.dim))

    def in_best_unit(self, precision: int = 6) -> str:
        """A string such as ``'-65. mV'`` (Brian2's ``in_best_unit``)."""
        factor, name = display_unit(self)
        value = self.view(np.ndarray) / factor
        text = f"{float(value):.{precision}g}" if value.ndim == 0 else \
            np.array2string(value, precision=precision)
        return f"{text} {name}"

    def __repr__(self) -> str:
        unit, name = display_unit(self)
        value = self.view(np.ndarray) / float(unit)
        if value.ndim == 0:
            return f"{float(value):g} * {name}"
        return f"{np.array2string(value, precision=6)} * {name}"

    __str__ = __repr__

    def __reduce__(self):
        return (_rebuild, (self.view(np.ndarray).copy(), self.dim.exponents))


def _rebuild(value, exponents):
    return Quantity(value, Dimension(exponents))


def _leaves(value):
    if isinstance(value, (list, tuple)):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def as_quantity(value: Any) -> Any:
    """A (nested) list or tuple of quantities of one dimension as one Quantity array
    (``[I_e, 0*uA]``, ``[[1*mV], [2*mV]]``); plain zeros may be mixed in (``[1*nA, 0]``).
    Anything else is returned unchanged."""
    if not isinstance(value, (list, tuple)) or not value:
        return value
    leaves = list(_leaves(value))
    dims = {v.dim for v in leaves if isinstance(v, Quantity) and not v.dim.is_dimensionless}
    if not dims:
        return value
    if len(dims) > 1:
        names = " and ".join(sorted(str(d) for d in dims))
        raise DimensionError(f"a list mixes quantities in {names}",
                             hint="give all values in one unit", code="E210")
    dim = dims.pop()
    for v in leaves:
        if not isinstance(v, Quantity) and not _is_zero(v):
            raise DimensionError(
                f"a list mixes quantities in {dim} with the plain number {v!r}",
                hint=f"multiply the number by a unit of {dim} (a plain 0 is fine)",
                code="E210")

    def strip(v):
        if isinstance(v, (list, tuple)):
            return [strip(x) for x in v]
        return np.asarray(v.view(np.ndarray) if isinstance(v, Quantity) else v, float)
    return Quantity(np.array(strip(value), dtype=float), dim)


def _require_units(value: Any, dim: Dimension, what: str) -> None:
    got = get_dimension(value)
    if got != dim and not (got.is_dimensionless and _is_zero(value)):
        raise DimensionError(f"{what} must be in {dim}, got a value in {got}",
                             hint=f"multiply the number by a unit of {dim}", code="E204")


def check_units(*args, **au):
    """Brian2's decorator, or eqsim's check of one value.

    As a decorator, ``@check_units(v=volt, I=amp, result=volt)`` checks the units of the
    named arguments (a unit, ``1`` for dimensionless, ``bool``, a string naming another
    argument whose units it must share, or None for no check) and of the result.
    Called as ``check_units(value, dim, what)`` it raises a DimensionError naming
    ``what`` unless ``value`` has dimension ``dim``.
    """
    if len(args) == 3 and isinstance(args[1], Dimension) and not au:
        _require_units(*args)
        return None
    if args:
        raise TypeError("use check_units(name=unit, ...) as a decorator")

    def decorator(fn):
        signature = inspect.signature(fn)

        def expected(spec, bound) -> Dimension | None:
            if spec is None or spec is bool:
                return None
            if isinstance(spec, str):
                return get_dimension(bound.arguments.get(spec))
            return get_dimension(spec)

        @functools.wraps(fn)
        def wrapper(*a, **kw):
            bound = signature.bind(*a, **kw)
            for name, spec in au.items():
                if name == "result" or name not in bound.arguments:
                    continue
                value = bound.arguments[name]
                if value is None:
                    continue
                if spec is bool:
                    if not isinstance(value, (bool, np.bool_)):
                        raise TypeError(f"argument '{name}' of {fn.__name__} must be a "
                                        f"boolean, got {value!r}")
                    continue
                want = expected(spec, bound)
                if want is not None and not isinstance(value, str):
                    _require_units(value, want, f"argument '{name}' of {fn.__name__}")
            result = fn(*a, **kw)
            spec = au.get("result")
            if spec is not None and spec is not bool:
                want = spec(*[get_dimension(x) for x in a]) if callable(spec) and \
                    not isinstance(spec, Quantity) else expected(spec, bound)
                if isinstance(want, Quantity):
                    want = want.dim
                if want is not None:
                    _require_units(result, want, f"the result of {fn.__name__}")
            return result

        wrapper._orig_func = fn
        return wrapper

    return decorator


# ---- Brian2's unit helpers ---------------------------------------------------------------

def get_dimensions(obj: Any) -> Dimension:
    """Brian2's name: the dimension of ``obj`` (DIMENSIONLESS for plain numbers)."""
    if isinstance(obj, Dimension):
        return obj
    if isinstance(obj, (list, tuple)):
        return get_dimension(as_quantity(obj))
    return get_dimension(obj)


def is_dimensionless(obj: Any) -> bool:
    """True for plain numbers and arrays and quantities without units."""
    return get_dimensions(obj).is_dimensionless


def have_same_dimensions(obj1: Any, obj2: Any) -> bool:
    """Do two values (or Dimensions) have the same units? (a plain 0 has none)."""
    return get_dimensions(obj1) == get_dimensions(obj2)


def fail_for_dimension_mismatch(obj1: Any, obj2: Any = None,
                                error_message: str | None = None,
                                **error_quantities) -> tuple[Dimension, Dimension]:
    """Raise DimensionMismatchError unless both have the same units (obj2=None:
    unless obj1 is dimensionless); a plain zero matches anything, as in Brian2.
    Returns both dimensions."""
    d1 = get_dimensions(obj1)
    d2 = DIMENSIONLESS if obj2 is None else get_dimensions(obj2)
    if d1 == d2 or (d1.is_dimensionless and _is_zero(obj1)) or \
            (obj2 is not None and d2.is_dimensionless and _is_zero(obj2)):
        return d1, d2
    message = error_message or "dimensions do not match"
    if error_quantities:
        try:
            message = message.format(**{k: repr(v) for k, v in error_quantities.items()})
        except (KeyError, IndexError):
            pass
    raise DimensionMismatchError(f"{message} (units are {d1} and {d2})", code="E201")


def in_unit(x, unit, precision: int | None = None) -> str:
    """Brian2's ``in_unit``: ``x`` written in ``unit`` as text, e.g. ``'5. mV'``."""
    fail_for_dimension_mismatch(x, unit, "cannot express {x} in {u}", x=x, u=unit)
    value = np.asarray(_raw(x)) / float(_raw(unit))
    name = next((k for k in _SHORT_FIRST if k in UNITS and UNITS[k] is unit), None) or \
        next((k for k, u in UNITS.items() if u is unit), repr(unit))
    text = np.array2string(value, precision=precision) if value.ndim else \
        (f"{float(value):.{precision}g}" if precision else f"{float(value)!r}")
    return f"{text} {name}"


def in_best_unit(x, precision: int = 6) -> str:
    """Brian2's ``in_best_unit``: text in the unit ``repr`` would choose."""
    if not isinstance(x, Quantity):
        return str(x)
    return x.in_best_unit(precision)


#: Brian2's class of named units; in eqsim a unit is a Quantity of value 1 (or 1e-3...)
Unit = Quantity


def get_or_create_dimension(*args, **kwds) -> Dimension:
    """A Dimension from seven exponents or from keywords (``m=1, kg=1, s=-2``; Brian2's
    long names ``length``, ``mass``, ``time``, ``current``, ``temperature``,
    ``substance``, ``luminosity`` work too)."""
    if args:
        exps = args[0] if len(args) == 1 else args
        if isinstance(exps, dict):
            kwds, exps = dict(exps), None
        if exps is not None:
            return Dimension(tuple(exps))
    order = ("m", "kg", "s", "A", "K", "mol", "cd")
    long = ("length", "mass", "time", "current", "temperature", "substance", "luminosity")
    exps = [0] * 7
    for key, value in kwds.items():
        if key in order:
            exps[order.index(key)] = value
        elif key in long:
            exps[long.index(key)] = value
        else:
            raise TypeError(f"unknown base dimension {key!r}")
    return Dimension(tuple(exps))


def is_scalar_type(obj) -> bool:
    """A single number or 0-d quantity (Brian2's ``is_scalar_type``)."""
    return np.ndim(obj) == 0 and not isinstance(obj, str)


# ---- the unit registry -------------------------------------------------------------------

# Every prefix Brian2 has; the unit names are generated from rules (all names Brian2
# knows, plus eqsim's short names), not copied.
PREFIXES = {"y": 1e-24, "z": 1e-21, "a": 1e-18, "f": 1e-15, "p": 1e-12, "n": 1e-9,
            "u": 1e-6, "m": 1e-3, "c": 1e-2, "d": 1e-1, "da": 1e1, "h": 1e2, "k": 1e3,
            "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18, "Z": 1e21, "Y": 1e24}
# name: (value of the unprefixed unit in SI, dimension, takes prefixes, has x2/x3 forms)
_DEFINED = {
    "metre": (1.0, _dim(m=1)), "meter": (1.0, _dim(m=1)),
    "kilogram": (1.0, _dim(kg=1)), "kilogramme": (1.0, _dim(kg=1)),
    "gram": (1e-3, _dim(kg=1)), "gramme": (1e-3, _dim(kg=1)),
    "second": (1.0, _dim(s=1)),
    "amp": (1.0, _dim(A=1)), "ampere": (1.0, _dim(A=1)),
    "kelvin": (1.0, _dim(K=1)),
    "mole": (1.0, _dim(mol=1)), "mol": (1.0, _dim(mol=1)),
    "candle": (1.0, _dim(cd=1)),
    "radian": (1.0, DIMENSIONLESS), "steradian": (1.0, DIMENSIONLESS),
    "hertz": (1.0, _dim(s=-1)), "becquerel": (1.0, _dim(s=-1)),
    "newton": (1.0, _dim(m=1, kg=1, s=-2)), "pascal": (1.0, _dim(m=-1, kg=1, s=-2)),
    "joule": (1.0, _dim(m=2, kg=1, s=-2)), "watt": (1.0, _dim(m=2, kg=1, s=-3)),
    "coulomb": (1.0, _dim(s=1, A=1)), "volt": (1.0, _dim(m=2, kg=1, s=-3, A=-1)),
    "farad": (1.0, _dim(m=-2, kg=-1, s=4, A=2)), "ohm": (1.0, _dim(m=2, kg=1, s=-3, A=-2)),
    "siemens": (1.0, _dim(m=-2, kg=-1, s=3, A=2)),
    "weber": (1.0, _dim(m=2, kg=1, s=-2, A=-1)),
    "tesla": (1.0, _dim(kg=1, s=-2, A=-1)), "henry": (1.0, _dim(m=2, kg=1, s=-2, A=-2)),
    "lumen": (1.0, _dim(cd=1)), "lux": (1.0, _dim(m=-2, cd=1)),
    "gray": (1.0, _dim(m=2, s=-2)), "sievert": (1.0, _dim(m=2, s=-2)),
    "katal": (1.0, _dim(s=-1, mol=1)),
    "liter": (1e-3, _dim(m=3)), "litre": (1e-3, _dim(m=3)),
    "molar": (1e3, _dim(m=-3, mol=1)),       # mol per litre
}
_NO_PREFIX = {"kelvin", "kilogram", "kilogramme"}
_NO_POWERS = {"liter", "litre"}
# the names ``from brian2 import *`` gives (others are reachable as eqsim.units.NAME and
# in model strings): these units with the prefixes p n u m k M G T
_EXPORTED_BASES = ("amp", "coulomb", "farad", "gram", "gramme", "hertz", "joule", "liter",
                   "litre", "metre", "meter", "molar", "mole", "ohm", "pascal", "second",
                   "siemens", "volt", "watt")
_EXPORTED_PREFIXES = ("", "p", "n", "u", "m", "k", "M", "G", "T")
# Brian2's short names (mV, nS, ...) and eqsim's older ones, all exported
_SHORT = {"V": "volt", "A": "amp", "S": "siemens", "F": "farad", "s": "second",
          "C": "coulomb", "J": "joule", "W": "watt", "M": "molar", "g": "gram",
          "m": "metre", "ohm": "ohm", "Hz": "hertz", "mol": "mole"}
_SHORT_PREFIXES = ("f", "p", "n", "u", "m", "c", "k", "M", "G")

def _make_unit(value: float, dim: Dimension) -> Quantity:
    q = np.array(value, dtype=np.float64).view(Quantity)
    q.dim = dim
    q.flags.writeable = False
    return q


class _UnitTable(dict):
    """name -> unit Quantity. The ~2200 names are known at import; a Quantity is made
    the first time a name is used (most of Brian2's names, ``Ymolar3``, never are), which
    keeps ``import eqsim`` fast."""

    def __init__(self):
        super().__init__()
        self._spec: dict[str, tuple[float, Dimension]] = {}

    def __missing__(self, name: str) -> Quantity:
        value, dim = self._spec[name]          # KeyError for unknown names
        q = _make_unit(value, dim)
        dict.__setitem__(self, name, q)
        return q

    def __contains__(self, name) -> bool:
        return name in self._spec

    def get(self, name, default=None):
        return self[name] if name in self._spec else default

    def __iter__(self):
        return iter(self._spec)

    def __len__(self) -> int:
        return len(self._spec)

    def _materialize(self) -> None:
        for name in self._spec:
            if not dict.__contains__(self, name):
                self.__missing__(name)

    def keys(self):
        return self._spec.keys()

    def items(self):
        self._materialize()
        return {k: dict.__getitem__(self, k) for k in self._spec}.items()

    def values(self):
        return [v for _, v in self.items()]


UNITS: dict[str, "Quantity"] = _UnitTable()
_EXPORTED: list[str] = []


def _register(name: str, value: float, dim: Dimension, export: bool = False) -> None:
    if name not in UNITS._spec:
        UNITS._spec[name] = (value, dim)
    if export and name not in _EXPORTED_SET:
        _EXPORTED.append(name)
        _EXPORTED_SET.add(name)


_EXPORTED_SET: set[str] = set()


def _build_registry() -> None:
    for long, (value, dim) in _DEFINED.items():
        prefixes = [""] + ([] if long in _NO_PREFIX else list(PREFIXES))
        for p in prefixes:
            f = PREFIXES.get(p, 1.0) * value
            export = (p in _EXPORTED_PREFIXES and long in _EXPORTED_BASES) or \
                (p == "c" and long in ("metre", "meter")) or \
                (not p and long in ("kelvin", "kilogram"))
            _register(p + long, f, dim, export)
            if long not in _NO_POWERS:
                for n in (2, 3):
                    _register(f"{p}{long}{n}", f ** n, dim ** n)
    # short names: mV, nS, pF, ms, kHz, mM... (never single letters)
    for short, long in _SHORT.items():
        value, dim = _DEFINED[long]
        if short == "Hz":
            _register(short, value, dim, True)
        for p in _SHORT_PREFIXES:
            if long == "gram" and p == "k":
                continue
            _register(p + short, PREFIXES[p] * value, dim, True)
    _register("kg", 1.0, _dim(kg=1), True)
    _register("candela", 1.0, _dim(cd=1), True)
    for p in ("f", "p", "n", "u", "m", "c", "k", "M", "G"):
        _register(p + "candela", PREFIXES[p], _dim(cd=1), True)
        _register(p + "kilogram", PREFIXES[p], _dim(kg=1), True)
        _register(p + "kelvin", PREFIXES[p], _dim(K=1), True)
    # squared/cubed lengths under their short names (cm2, um3, ...), and the older
    # exported square/cube names (metre2, cmetre3, ...)
    for p in ("", "c", "m", "u"):
        for n in (2, 3):
            if p:
                _register(f"{p}m{n}", PREFIXES[p] ** n, _dim(m=n), True)
            for base in ("metre", "meter"):
                _register(f"{p}{base}{n}", PREFIXES.get(p, 1.0) ** n, _dim(m=n), True)


_build_registry()
del _build_registry
_SHORT_FIRST = ("mV", "mA", "uA", "nA", "pA", "pF", "uF", "nF", "nS", "uS", "mS", "ms",
                "us", "Hz", "kHz", "MHz", "cm", "cm2", "cm3", "mm", "mm2", "mm3", "um",
                "um2", "um3", "mM", "uM", "nM")

# display: a named dimension is shown with a prefix (mV, nA, kHz); compound ones in SI
_DISPLAY_NAMES = {_dim(s=-1): ("Hz", 1.0), _dim(s=1): ("s", 1.0), _dim(m=1): ("m", 1.0),
                  _dim(kg=1): ("g", 1e-3), _dim(m=-3, mol=1): ("M", 1e3),
                  _dim(mol=1): ("mol", 1.0), _dim(K=1): ("K", 1.0)}
for _sym, _long, _d in _NAMED:
    if _sym in ("V", "A", "S", "F", "C", "J", "W", "ohm"):
        _DISPLAY_NAMES[_d] = (_sym, 1.0)
_DISPLAY_NAMES[_dim(A=1)] = ("A", 1.0)
_DISPLAY_PREFIXES = (("G", 1e9), ("M", 1e6), ("k", 1e3), ("", 1.0), ("m", 1e-3),
                     ("u", 1e-6), ("n", 1e-9), ("p", 1e-12))


def display_unit(q: Quantity) -> tuple[float, str]:
    """A readable unit for printing ``q``: e.g. (1e-3, 'mV') for membrane potentials."""
    entry = _DISPLAY_NAMES.get(q.dim)
    if entry is None:
        return 1.0, str(q.dim)
    name, base = entry
    values = np.abs(q.view(np.ndarray))
    nonzero = values[np.isfinite(values) & (values > 0)]
    scale = float(nonzero.max()) if nonzero.size else 1.0
    usable = [(p, f * base) for p, f in _DISPLAY_PREFIXES
              if (p + name) in UNITS or (not p and base == 1.0)]
    if not usable:
        return 1.0, str(q.dim)
    for p, f in usable:
        if scale >= f * 0.9999:
            return f, p + name
    p, f = usable[-1]
    return f, p + name


def get_unit(x: Any) -> Quantity | None:
    """The unit called ``x`` (``'mV'``, ``'nsiemens'``...; None if there is none), or,
    as in Brian2, the SI unit of a Dimension or quantity (``get_unit(v.dim)`` is volt)."""
    if isinstance(x, str):
        return UNITS.get(x)
    dim = get_dimensions(x)
    if dim.is_dimensionless:
        return Quantity(1.0, DIMENSIONLESS)
    exact = _EXACT.get(dim)
    if exact is not None and exact[1] in UNITS:
        return UNITS[exact[1]]
    for long in _BASE_LONG:
        if long in UNITS and UNITS[long].dim == dim:
            return UNITS[long]
    return Quantity(1.0, dim)


# ---- Brian2's unit-aware versions of numpy functions ------------------------------------

def linspace(start, stop, num: int = 50, endpoint: bool = True, retstep: bool = False,
             dtype=None):
    """numpy.linspace keeping the unit of start and stop (which must share it)."""
    return np.linspace(as_quantity(start), as_quantity(stop), num, endpoint, retstep,
                       dtype) if isinstance(start, Quantity) or isinstance(stop, Quantity) \
        else np.linspace(start, stop, num, endpoint, retstep, dtype)


def arange(*args, **kwargs):
    """numpy.arange keeping the unit of its arguments (``arange(0*ms, 5*ms, 1*ms)``)."""
    names = ("start", "stop", "step")
    values = dict(zip(names, args))
    values.update({k: kwargs.pop(k) for k in names if k in kwargs})
    given = [values[k] for k in names if values.get(k) is not None]
    dims = [get_dimension(v) for v in given]
    dim = _same("arange", dims, given)
    if len(args) == 1 and not kwargs.get("stop"):
        result = np.arange(_raw(given[0]), **kwargs)
    else:
        result = np.arange(*[_raw(values.get(k)) for k in names if k in values], **kwargs)
    return _wrap(result, dim)


def where(condition, *args):
    """numpy.where keeping the unit of its two choices (which must share it)."""
    if not args:
        return np.where(_raw(condition))
    x, y = args
    dim = _same("where", [get_dimension(x), get_dimension(y)], [x, y])
    return _wrap(np.where(_raw(condition), _raw(x), _raw(y)), dim)


def ones_like(a, *args, **kwargs):
    """Brian2's ones_like: plain ones (no unit) shaped like ``a``."""
    return np.ones_like(_raw(a), *args, **kwargs)


def zeros_like(a, *args, **kwargs):
    """Brian2's zeros_like: plain zeros (no unit) shaped like ``a``."""
    return np.zeros_like(_raw(a), *args, **kwargs)


def dot(a, b, out=None):
    """numpy.dot; the result's unit is the product of the units."""
    return np.dot(a, b) if out is None else np.dot(a, b, out)


def ptp(a, axis=None, keepdims: bool = False):
    """Peak to peak (max - min), in the unit of ``a``."""
    return np.max(a, axis=axis, keepdims=keepdims) - np.min(a, axis=axis,
                                                            keepdims=keepdims)


def exprel(x):
    """(exp(x) - 1)/x, 1 at x = 0 (dimensionless)."""
    _require_dimensionless("exprel", [get_dimension(x)])
    x = np.asarray(_raw(x), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(x == 0, 1.0, np.expm1(x) / np.where(x == 0, 1.0, x))
    return out[()] if out.ndim == 0 else out


UNIT_SAFE_FUNCTIONS = ("linspace", "arange", "where", "ones_like", "zeros_like", "dot",
                       "ptp", "exprel")

# The units scripts use are module attributes (``from eqsim.units import mV, ms``); the
# other names Brian2 knows (``Ymolar3``...) are made when first asked for.
globals().update({name: UNITS[name] for name in _EXPORTED})
ALL_UNIT_NAMES = tuple(sorted(set(UNITS) - {"gray"}))


def __getattr__(name: str):
    if name in UNITS:
        return UNITS[name]
    raise AttributeError(f"module 'eqsim.units' has no attribute {name!r}")

__all__ = ["Quantity", "Dimension", "DIMENSIONLESS", "get_dimension", "get_unit",
           "check_units", "UNITS", "DimensionMismatchError", "get_dimensions",
           "is_dimensionless", "have_same_dimensions", "fail_for_dimension_mismatch",
           "in_unit", "in_best_unit", "Unit", "get_or_create_dimension",
           "is_scalar_type", *UNIT_SAFE_FUNCTIONS, *_EXPORTED]
# ``from eqsim import *`` also gives every other unit name Brian2 knows (ALL_UNIT_NAMES),
# except 'gray', which Brian2 scripts get as pylab's colour map function
