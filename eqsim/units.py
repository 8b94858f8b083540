"""Physical units at the API boundary.

``5*mV`` is a :class:`Quantity`: a numpy array (0-d for scalars) holding the SI value,
with a :class:`Dimension`. Arithmetic checks dimensions; a mismatch raises
:class:`~eqsim.errors.DimensionError` naming both units. Results without dimension come
back as plain numpy values, so ``v / mV`` is an ordinary array. The runtime only ever sees
SI floats (``float(5*mV) == 0.005``).

Why not pint: importing pint's registry takes about 0.5 s here and each array operation
about 23 µs; this module imports in a few milliseconds after numpy and costs about 10 µs
per operation (docs/units.md has the measurements). The equation parser needs dimensions
only, and Brian2 users expect Brian2's unit names (``mvolt``, ``nS``, ``Hz``).
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np

from .errors import DimensionError

_BASE_NAMES = ("m", "kg", "s", "A", "K", "mol", "cd")


class Dimension:
    """Exponents of the seven SI base units (metre, kilogram, second, amp, kelvin,
    mole, candela); immutable and interned by value."""

    __slots__ = ("exponents", "_hash")

    def __init__(self, exponents=(0,) * 7):
        exps = tuple(e if type(e) is int or type(e) is Fraction
                     else Fraction(e).limit_denominator(1000) for e in exponents)
        if len(exps) != 7:
            raise ValueError("a Dimension has seven exponents")
        object.__setattr__(self, "exponents", exps)
        object.__setattr__(self, "_hash", hash(exps))

    def __setattr__(self, key, value):
        raise AttributeError("Dimension is immutable")

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
        if self.is_dimensionless:
            return "1"
        if self in _DIM_NAMES:
            return _DIM_NAMES[self]
        parts = []
        for name, e in zip(_BASE_NAMES, self.exponents):
            if e == 1:
                parts.append(name)
            elif e:
                parts.append(f"{name}^{e}")
        return " ".join(parts)

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


def get_dimension(obj: Any) -> Dimension:
    """The dimension of a Quantity, or DIMENSIONLESS for plain numbers and arrays."""
    return getattr(obj, "dim", DIMENSIONLESS)


def _same(ufunc_name: str, dims: list[Dimension]) -> Dimension:
    first = dims[0]
    for d in dims[1:]:
        if d != first:
            raise DimensionError(
                f"cannot {ufunc_name} quantities in {first} and {d}",
                hint="convert both to the same dimension (e.g. 5*mV and 0.002*volt both "
                     "work; 5*mV and 1*nA do not)", code="E201")
    return first


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
        return _same(name, dims)
    if name in _COMPARE:
        _same(f"compare ({name})", dims)
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


class Quantity(np.ndarray):
    """A numpy array of SI values with a physical dimension."""

    dim: Dimension

    def __new__(cls, value, dim: Dimension = DIMENSIONLESS, copy: bool = False):
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
            dim = _same(name, dims)
            raw_seq = [np.asarray(x.view(np.ndarray)) if isinstance(x, Quantity) else x
                       for x in seq]
            if name == "append":
                result = func(*raw_seq, *args[2:], **kwargs)
            else:
                result = func(raw_seq, *args[1:], **kwargs)
            return _wrap(result, dim)
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


def as_quantity(value: Any) -> Any:
    """A list or tuple of quantities of one dimension as one Quantity array."""
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Quantity)
                                                          for v in value):
        dims = {v.dim for v in value}
        if len(dims) == 1:
            return Quantity(np.array([float(v) for v in value]), dims.pop())
    return value


def check_units(value: Any, dim: Dimension, what: str) -> None:
    """Raise a DimensionError naming ``what`` unless ``value`` has dimension ``dim``."""
    got = get_dimension(value)
    if got != dim:
        raise DimensionError(f"{what} must be in {dim}, got a value in {got}",
                             hint=f"multiply the number by a unit of {dim}", code="E204")


# ---- the unit registry -------------------------------------------------------------------

def _dim(m=0, kg=0, s=0, A=0, K=0, mol=0, cd=0) -> Dimension:
    return Dimension((m, kg, s, A, K, mol, cd))


_BASE_UNITS = {
    # long name, short name, dimension
    "metre": ("m", _dim(m=1)),
    "kilogram": ("kg", _dim(kg=1)),
    "second": ("s", _dim(s=1)),
    "amp": ("A", _dim(A=1)),
    "kelvin": ("K", _dim(K=1)),
    "mole": ("mol", _dim(mol=1)),
    "candela": ("cd", _dim(cd=1)),
    "volt": ("V", _dim(m=2, kg=1, s=-3, A=-1)),
    "siemens": ("S", _dim(m=-2, kg=-1, s=3, A=2)),
    "farad": ("F", _dim(m=-2, kg=-1, s=4, A=2)),
    "ohm": ("ohm", _dim(m=2, kg=1, s=-3, A=-2)),
    "hertz": ("Hz", _dim(s=-1)),
    "coulomb": ("C", _dim(s=1, A=1)),
    "joule": ("J", _dim(m=2, kg=1, s=-2)),
    "watt": ("W", _dim(m=2, kg=1, s=-3)),
    "newton": ("N", _dim(m=1, kg=1, s=-2)),
    "pascal": ("Pa", _dim(m=-1, kg=1, s=-2)),
    "molar": ("M", _dim(m=-3, mol=1)),
    "gram": ("g", _dim(kg=1)),
}
_PREFIXES = {"p": 1e-12, "n": 1e-9, "u": 1e-6, "m": 1e-3, "c": 1e-2, "k": 1e3,
             "M": 1e6, "G": 1e9, "f": 1e-15}

_DIM_NAMES = {d: name for name, (_, d) in _BASE_UNITS.items()
              if name not in ("hertz", "gram", "molar")}
_DIM_NAMES[_dim(s=-1)] = "Hz"
_DIM_NAMES[_dim(s=Fraction(-1, 2))] = "second^-1/2"

UNITS: dict[str, Quantity] = {}


def _register(name: str, value: float, dim: Dimension) -> None:
    q = Quantity(value, dim)
    q.flags.writeable = False
    UNITS[name] = q


def _build_registry() -> None:
    for long, (short, dim) in _BASE_UNITS.items():
        base = 1e-3 if long == "gram" else 1.0
        _register(long, base, dim)
        if long == "metre":
            _register("meter", 1.0, dim)
        for p, f in _PREFIXES.items():
            if long == "gram" and p == "k":
                continue
            _register(p + long, base * f, dim)
            if long == "metre":
                _register(p + "meter", f, dim)
            # short prefixed names: mV, nS, pF, ms, Hz... but never single letters
            if short in ("V", "A", "S", "F", "s", "C", "J", "W", "M", "g", "m", "ohm",
                         "Hz", "mol"):
                _register(p + short, base * f, dim)
    _register("Hz", 1.0, _dim(s=-1))
    # squared/cubed lengths, as Brian2 names them
    for p, f in (("", 1.0), ("c", 1e-2), ("m", 1e-3), ("u", 1e-6)):
        for n in (2, 3):
            for base in ("metre", "meter"):
                _register(f"{p}{base}{n}", f ** n, _dim(m=n))
            if p:
                _register(f"{p}m{n}", f ** n, _dim(m=n))
    _register("kg", 1.0, _dim(kg=1))


_build_registry()
del _build_registry

_DISPLAY_NAMES = {_dim(s=-1): "Hz", _dim(s=1): "s", _dim(m=1): "metre"}
for _long, (_short, _d) in _BASE_UNITS.items():
    if _short in ("V", "A", "S", "F", "C", "J", "W", "ohm"):
        _DISPLAY_NAMES[_d] = _short
_DISPLAY_PREFIXES = (("G", 1e9), ("M", 1e6), ("k", 1e3), ("", 1.0), ("m", 1e-3),
                     ("u", 1e-6), ("n", 1e-9), ("p", 1e-12))


def display_unit(q: Quantity) -> tuple[float, str]:
    """A readable unit for printing ``q``: e.g. (1e-3, 'mV') for membrane potentials."""
    name = _DISPLAY_NAMES.get(q.dim)
    if name is None:
        return 1.0, str(q.dim)
    values = np.abs(q.view(np.ndarray))
    nonzero = values[np.isfinite(values) & (values > 0)]
    scale = float(nonzero.max()) if nonzero.size else 1.0
    usable = [(p, f) for p, f in _DISPLAY_PREFIXES if (p + name) in UNITS or not p]
    for p, f in usable:
        if scale >= f * 0.9999:
            return f, p + name
    p, f = usable[-1]
    return f, p + name


def get_unit(name: str) -> Quantity | None:
    """The unit called ``name`` (``'mV'``, ``'nsiemens'``...), or None."""
    return UNITS.get(name)


# Export every unit as a module attribute: ``from eqsim.units import mV, ms``.
globals().update(UNITS)

__all__ = ["Quantity", "Dimension", "DIMENSIONLESS", "get_dimension", "get_unit",
           "check_units", "UNITS", *sorted(UNITS)]
