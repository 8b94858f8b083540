"""The single cell of a mean-field, and the standard form read from its equations.

A :class:`Cell` is a point-neuron model as the user writes it for a NeuronGroup, plus its
synaptic inputs (:class:`Input`: the variable a presynaptic spike increments, the quantal
increment ``Q`` and the number ``K`` of presynaptic cells). :func:`cell_form` reads, with
sympy, what the shot-noise moments need (Zerlaut et al. 2018) from the equations:

- the membrane variable ``v`` (the one the threshold tests);
- its subthreshold linear part ``dv/dt = drive - leak*v + sum_k g_k*(B_k + C_k*v)
  + sum_m D_m*w_m`` (terms nonlinear in ``v``, such as the exponential spike current of
  the AdExp, are left out and listed in ``ignored``);
- each input variable ``g_k`` decaying as ``dg_k/dt = -g_k/tau_k``: a conductance when
  ``C_k != 0`` (reversal ``E_k = -B_k/C_k``), a current when ``C_k == 0``;
- each other state variable (adaptation) linear, ``dw/dt = alpha + beta*v + gamma*w``,
  with its spike-triggered jump ``w += b`` from the reset.

All numbers are SI floats; per unit of capacitance (the equations are dv/dt), so that
the capacitance never has to be named.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from ..equations.expressions import SympyContext, parse_statements, to_sympy
from ..equations.parse import DIFFERENTIAL, PARAMETER, SUBEXPRESSION
from ..errors import ConfigurationError, EquationError
from ..units import Quantity, get_dimension, ms

_ZERO_MS = 0 * ms


@dataclass(frozen=True)
class Input:
    """A synaptic input of a cell: each presynaptic spike adds ``Q`` to ``var``; ``K``
    presynaptic cells (the in-degree), each firing at the rate given for this input."""

    var: str
    Q: Any
    K: float


class Cell:
    """A point neuron as for a NeuronGroup (model, threshold, reset, refractory, method,
    namespace), with its synaptic ``inputs`` ({name: Input}); ``init``: initial values
    ({variable: value}; the membrane starts at its resting potential otherwise).

    >>> from eqsim.units import mV, ms, nS, pF
    >>> cell = Cell('''dv/dt = (gL*(EL - v) + ge*(Ee - v))/C : volt
    ...                dge/dt = -ge/tau_e : siemens''', threshold="v > -50*mV",
    ...             reset="v = -65*mV", namespace=dict(gL=10*nS, EL=-70*mV, Ee=0*mV,
    ...             C=200*pF, tau_e=5*ms), inputs={"exc": Input("ge", 1*nS, 100)})
    >>> round(cell_form(cell).channels["exc"].E * 1e3, 3)
    0.0
    """

    def __init__(self, model: str, threshold: str | None, reset: str | None = None,
                 refractory=_ZERO_MS, method: str = "euler",
                 namespace: Mapping[str, Any] | None = None,
                 inputs: Mapping[str, Input] | None = None, init: Mapping | None = None,
                 name: str = "cell"):
        self.model, self.threshold, self.reset = model, threshold, reset
        self.refractory, self.method = refractory, method
        self.namespace = dict(namespace or {})
        self.inputs = dict(inputs or {})
        self.init = dict(init or {})
        self.name = name

    def group(self, N: int, extra: str = "", name: str | None = None, seed: int = 1):
        """A NeuronGroup of N such cells (with ``extra`` model lines)."""
        from ..runtime.groups import NeuronGroup
        G = NeuronGroup(N, self.model + ("\n" + extra if extra else ""),
                        threshold=self.threshold, reset=self.reset,
                        refractory=self.refractory, method=self.method,
                        namespace=self.namespace, name=name or self.name, seed=seed)
        for var, value in self.init.items():
            setattr(G, var, value)
        return G

    def __repr__(self) -> str:
        return f"Cell({self.name!r}, inputs={sorted(self.inputs)})"


@dataclass(frozen=True)
class Channel:
    """One input in numbers (SI): ``tau`` decay, ``B + C*v`` its effect per unit of the
    variable on dv/dt, ``Q`` increment, ``K`` presynaptic cells."""

    var: str
    tau: float
    B: float
    C: float
    Q: float
    K: float

    @property
    def kind(self) -> str:
        return "conductance" if self.C != 0 else "current"

    @property
    def E(self) -> float:
        """Reversal potential of a conductance input (V)."""
        return -self.B / self.C if self.C != 0 else float("nan")


@dataclass(frozen=True)
class Adaptation:
    """``dw/dt = alpha + beta*v + gamma*w``, ``w += b`` per spike, entering dv/dt as
    ``D*w``."""

    var: str
    D: float
    alpha: float
    beta: float
    gamma: float
    b: float


@dataclass(frozen=True)
class CellForm:
    """The numbers of a cell in the standard form (module docstring)."""

    name: str
    v: str
    leak: float           # 1/s
    drive: float          # V/s
    channels: dict = field(default_factory=dict)     # {input name: Channel}
    adaptation: tuple = ()                           # Adaptation, ...
    ignored: tuple = ()                              # terms of dv/dt left out (text)

    @property
    def tau_m0(self) -> float:
        return 1.0 / self.leak

    @property
    def rest(self) -> float:
        """Resting potential without input and adaptation (V)."""
        return self.drive / self.leak

    def to_dict(self) -> dict:
        return {"name": self.name, "v": self.v, "leak": self.leak, "drive": self.drive,
                "channels": {k: vars(c) if not hasattr(c, "__dataclass_fields__") else
                             {f: getattr(c, f) for f in c.__dataclass_fields__}
                             for k, c in self.channels.items()},
                "adaptation": [{f: getattr(a, f) for f in a.__dataclass_fields__}
                               for a in self.adaptation],
                "ignored": list(self.ignored)}

    @classmethod
    def from_dict(cls, d: dict) -> CellForm:
        return cls(d["name"], d["v"], float(d["leak"]), float(d["drive"]),
                   {k: Channel(**c) for k, c in d["channels"].items()},
                   tuple(Adaptation(**a) for a in d["adaptation"]), tuple(d["ignored"]))


def _not_standard(cell: Cell, what: str, hint: str | None = None) -> EquationError:
    return EquationError(f"cell '{cell.name}' is not in the standard mean-field form: "
                         f"{what}", code="E924", hint=hint or (
                             "the mean-field needs dv/dt linear in each input variable "
                             "(g*(E - v) or I), inputs decaying as dg/dt = -g/tau, and "
                             "other variables linear (dw/dt = (a*(v - EL) - w)/tau_w)"))


def _si(value) -> float:
    if isinstance(value, Quantity):
        return float(value.view(np.ndarray))
    return float(np.asarray(value))


def cell_form(cell: Cell) -> CellForm:
    """Read the standard form of ``cell`` from its equations (sympy); errors E923 (no
    threshold), E925 (no inputs), E924 (not in the standard form), E926 (bad Input)."""
    if not cell.threshold or not str(cell.threshold).strip():
        raise ConfigurationError(f"cell '{cell.name}' has no threshold: a mean-field "
                                 "needs spiking cells", code="E923",
                                 hint="give threshold='v > Vthre' (and a reset)")
    if not cell.inputs:
        raise ConfigurationError(f"cell '{cell.name}' has no synaptic inputs",
                                 code="E925", hint="inputs={'exc': Input('ge', Q=1*nS, "
                                 "K=200), ...}: the variable each spike increments")
    group = cell.group(1, name="mf_form")   # validates names and units
    eqs = group.equations
    resolve = group._resolver()
    states = list(eqs.diff_names)
    params = [e.name for e in eqs.of_kind(PARAMETER)]
    symbols: dict = {n: sp.Symbol(n, real=True) for n in states}
    # parameters declared in the model: their (uniform) values
    for n in params:
        vals = np.asarray(group.arrays[n], dtype=float)
        symbols[n] = sp.Float(float(vals[0]))

    def name_value(n):
        info = resolve(n)
        if info is None:
            raise _not_standard(cell, f"unknown name '{n}'")
        if info.kind == "constant":
            return sp.Float(_si(cell.namespace[n]))
        if info.kind == "unit":
            return sp.Float(info.value)
        raise _not_standard(cell, f"'{n}' ({info.kind}) cannot enter a mean-field",
                            "the subthreshold equations may use t-independent names only")

    subs = {e.name: e for e in eqs.of_kind(SUBEXPRESSION)}

    class _Lookup(dict):
        def __missing__(self, n):
            if n in subs:
                value = to_sympy(subs[n].expr, SympyContext(self))
            else:
                value = name_value(n)
            self[n] = value
            return value

    table = _Lookup(symbols)
    rhs = {e.name: to_sympy(e.expr, SympyContext(table)) for e in eqs.of_kind(DIFFERENTIAL)}
    for n, expr in rhs.items():
        if expr.has(sp.Function) and any(f.func.__name__ in ("rand_", "randn_")
                                         for f in expr.atoms(sp.Function)):
            raise _not_standard(cell, f"d{n}/dt has random numbers")
    # the membrane: the differential variable the threshold tests
    node_names = {n for n in _names(cell.threshold)}
    v_candidates = [n for n in states if n in node_names]
    if len(v_candidates) != 1:
        raise _not_standard(cell, f"the threshold '{cell.threshold}' must test one "
                            f"differential variable (found {v_candidates or 'none'})")
    v = v_candidates[0]
    V = symbols[v]
    # inputs
    in_vars = {}
    for name, inp in cell.inputs.items():
        if not isinstance(inp, Input):
            raise ConfigurationError(f"input '{name}' of cell '{cell.name}' must be an "
                                     f"Input(var, Q, K), got {inp!r}", code="E926")
        if inp.var not in states or inp.var == v:
            raise _not_standard(cell, f"input '{name}' names '{inp.var}', which is not "
                                "a differential variable of the model (other than "
                                f"{v})", f"differential variables: {', '.join(states)}")
        if get_dimension(inp.Q) != eqs[inp.var].dim:
            raise ConfigurationError(f"Q of input '{name}' is in {get_dimension(inp.Q)}, "
                                     f"{inp.var} in {eqs[inp.var].dim}", code="E926")
        K = float(inp.K)
        if not np.isfinite(K) or K <= 0 or not np.isfinite(_si(inp.Q)):
            raise ConfigurationError(f"input '{name}': K must be > 0 and Q finite",
                                     code="E926")
        in_vars.setdefault(inp.var, []).append(name)
    # decay of each input variable: dg/dt = -g/tau exactly
    taus = {}
    for var in in_vars:
        g = symbols[var]
        f = sp.expand(rhs[var])
        rate = sp.diff(f, g)
        if sp.expand(f - rate * g) != 0 or rate.free_symbols or not float(rate) < 0:
            raise _not_standard(cell, f"d{var}/dt = {rhs[var]} is not -{var}/tau "
                                "(an exponentially decaying input)")
        taus[var] = -1.0 / float(rate)
    # dv/dt: linear part
    f = sp.expand(rhs[v])
    kept, ignored = [], []
    others = [s for s in states if s != v]
    for term in sp.Add.make_args(f):
        poly_ok = term.is_polynomial(V, *[symbols[s] for s in others])
        deg_v = sp.degree(term, V) if poly_ok else None
        if not poly_ok or deg_v > 1:
            if any(term.has(symbols[s]) for s in others):
                raise _not_standard(cell, f"the term {term} of d{v}/dt mixes "
                                    "input or adaptation variables nonlinearly")
            ignored.append(str(term))
            continue
        kept.append(term)
    lin = sp.Add(*kept)
    zero = {symbols[s]: 0 for s in others}
    base = lin.subs(zero)
    A1 = sp.diff(base, V)
    A0 = base.subs(V, 0)
    if A1.free_symbols or A0.free_symbols or not float(A1) < 0:
        raise _not_standard(cell, f"d{v}/dt has no leak (-{v}/tau_m) in its linear part")
    channels = {}
    for var, names in in_vars.items():
        g = symbols[var]
        coeff = sp.expand(sp.diff(lin, g))
        if coeff.free_symbols - {V}:
            raise _not_standard(cell, f"{var} enters d{v}/dt as {var}*({coeff}), which "
                                "depends on other variables")
        if coeff == 0:
            raise ConfigurationError(f"input variable {var} does not enter d{v}/dt: the "
                                     f"cell '{cell.name}' has no conductance or current "
                                     "synapse there", code="E925")
        C = float(sp.diff(coeff, V))
        B = float(coeff.subs(V, 0))
        for name in names:
            inp = cell.inputs[name]
            channels[name] = Channel(var, taus[var], B, C, _si(inp.Q), float(inp.K))
    # adaptation: every other state variable entering dv/dt
    jumps = _reset_jumps(cell)
    adaptation = []
    for w in others:
        if w in in_vars:
            continue
        W = symbols[w]
        D = sp.diff(lin, W)
        if D == 0 and not rhs[v].has(W):
            continue
        fw0 = sp.expand(rhs[w])
        if w not in jumps and fw0.free_symbols <= {W} and sp.expand(fw0 - sp.diff(
                fw0, W) * W) == 0:
            ignored.append(f"{w} (no input: stays 0)")   # e.g. a synapse not used here
            continue
        if D.free_symbols:
            raise _not_standard(cell, f"{w} enters d{v}/dt as {w}*({D}): an adaptation "
                                "variable must enter as a current")
        fw = sp.expand(rhs[w])
        if not fw.is_polynomial(V, W) or sp.degree(fw, V) > 1 or sp.degree(fw, W) > 1 \
                or (fw.free_symbols - {V, W}):
            raise _not_standard(cell, f"d{w}/dt = {rhs[w]} is not linear in {v} and {w}")
        gamma = float(sp.diff(fw, W))
        if not gamma < 0:
            raise _not_standard(cell, f"d{w}/dt does not relax ({w} has no -{w}/tau)")
        ad = Adaptation(w, float(D), float(fw.subs({V: 0, W: 0})), float(sp.diff(fw, V)),
                        gamma, jumps.get(w, 0.0))
        if ad.alpha == 0 and ad.beta == 0 and ad.b == 0:
            ignored.append(f"{w} (no drive: stays 0)")   # e.g. the FS cell's w (b = a = 0)
            continue
        adaptation.append(ad)
    return CellForm(cell.name, v, -float(A1), float(A0), channels, tuple(adaptation),
                    tuple(ignored))


def _names(text: str) -> list[str]:
    from ..equations.expressions import names_in, parse_expression
    return names_in(parse_expression(text)[0])


def _reset_jumps(cell: Cell) -> dict:
    """{w: b} for the reset's ``w += b`` statements with constant b (SI)."""
    if not cell.reset:
        return {}
    out = {}
    for target, op, node, _snip, _t in parse_statements(cell.reset, "reset"):
        if op not in ("+=", "-="):
            continue
        try:
            value = float(_constant(node, cell))
        except (KeyError, TypeError, ValueError):
            continue
        out[target] = out.get(target, 0.0) + (value if op == "+=" else -value)
    return out


def _constant(node, cell: Cell) -> float:
    from ..equations.expressions import evaluate
    from ..units import UNITS

    def values(n):
        if n in cell.namespace:
            return _si(cell.namespace[n])
        if n in UNITS:
            return float(UNITS[n])
        raise KeyError(n)
    return float(np.asarray(evaluate(node, values, None)))
