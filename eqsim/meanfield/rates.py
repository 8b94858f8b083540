"""Population-rate dynamics of the mean-field, generated as eqsim equations and compiled
like any model.

For populations k with fitted transfer functions TF_k (inputs named after the source
populations and the afferent inputs):

- first order: ``T dnu_k/dt = TF_k(nu, nu_aff(t), W_k) - nu_k``;
- adaptation (a cell with ``dw/dt = alpha + beta*v + gamma*w``, ``w += b``) as a mean
  ``dW_k/dt = alpha + beta*mu_V,k + gamma*W_k + b*nu_k`` (di Volo et al. 2019);
- second order (El Boustani & Destexhe 2009), ``order=2``, with the covariances
  ``c_kl`` and the population sizes N_k:
  ``T dnu_k/dt = TF_k - nu_k + 1/2 sum_lm c_lm d2TF_k/dnu_l dnu_m``,
  ``T dc_kl/dt = delta_kl TF_k (1/T - TF_k)/N_k + (TF_k - nu_k)(TF_l - nu_l)
  + sum_m (c_km dTF_l/dnu_m + c_lm dTF_k/dnu_m) - 2 c_kl``.

The right-hand sides are sympy expressions of the same formulas as the numpy
evaluation (:mod:`eqsim.meanfield.moments`; the derivatives by sympy), split by common
subexpressions into ``(constant over dt)`` subexpressions (evaluated once per step, in
order), with every number of the fits a namespace constant: one NeuronGroup of rate
units, one unit per copy (each copy can have its own afferent rates: a sweep is one run).
"""
from __future__ import annotations

import itertools
import logging
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from sympy.printing.str import StrPrinter

from ..errors import ConfigurationError
from ..units import Hz, Quantity, get_dimension, ms, second
from .fit import MeanFieldWarning, TransferFunction
from .form import Adaptation, CellForm, Channel
from .moments import SYM, erfc_approx, firing_rate, moments

_log = logging.getLogger(__name__)


class _Printer(StrPrinter):
    """sympy -> eqsim expression text (floats only, abs, clip, conditions as 0/1)."""

    def _print_Rational(self, expr):
        return repr(float(expr))

    def _print_Integer(self, expr):
        return repr(float(expr))

    def _print_Float(self, expr):
        return repr(float(expr))

    def _print_Abs(self, expr):
        return f"abs({self._print(expr.args[0])})"

    def _print_Function(self, expr):
        name = type(expr).__name__
        args = [self._print(a) for a in expr.args]
        if name == "mf_clip":
            return f"clip({', '.join(args)})"
        if name == "mf_inside":
            return f"(({args[0]} > {args[1]})*({args[0]} < {args[2]}))"
        return super()._print_Function(expr)

    def _print_Pow(self, expr, rational=False):
        base, e = expr.args
        if e == sp.Rational(1, 2):
            return f"sqrt({self._print(base)})"
        if e == -1:
            return f"(1.0/{self.parenthesize(base, 100)})"
        return f"{self.parenthesize(base, 100)}**({self._print(e)})"


def _print(expr) -> str:
    return _Printer().doprint(expr)


def _symbolic_form(form: CellForm, prefix: str, values: dict) -> CellForm:
    """The form with a namespace symbol for every number (values collected)."""
    def s(name, value):
        key = f"{prefix}_{name}"
        values[key] = float(value)
        return sp.Symbol(key, real=True)

    chans = {n: Channel(c.var, s(f"{n}_tau", c.tau), s(f"{n}_B", c.B), s(f"{n}_C", c.C),
                        s(f"{n}_Q", c.Q), s(f"{n}_K", c.K)) for n, c in form.channels.items()}
    adapt = tuple(Adaptation(a.var, s(f"{a.var}_D", a.D), s(f"{a.var}_alpha", a.alpha),
                             s(f"{a.var}_beta", a.beta), s(f"{a.var}_gamma", a.gamma),
                             s(f"{a.var}_b", a.b)) for a in form.adaptation)
    return CellForm(form.name, form.v, s("leak", form.leak), s("drive", form.drive), chans,
                    adapt, form.ignored)


def _forward_derivatives(assign: list, xs: list):
    """First and second derivatives of every assigned symbol with respect to ``xs``, by
    the chain rule along the assignments (forward mode: each step differentiates one
    small expression, never the whole transfer function). Returns the assignments
    with the derivative ones interleaved, D {symbol: {l: symbol}} and
    DD {symbol: {(l, m): symbol}} (l <= m), zeros left out."""
    n = len(xs)
    index = {x: k for k, x in enumerate(xs)}
    D: dict = {}
    DD: dict = {}
    out = []
    names = (sp.Symbol(f"mf_d{k}", real=True) for k in itertools.count())

    def d_of(u, l):
        if u in index:
            return sp.S.One if index[u] == l else sp.S.Zero
        return D.get(u, {}).get(l, sp.S.Zero)

    for sym, e in assign:
        out.append((sym, e))
        deps = sorted((u for u in e.free_symbols if u in index or u in D), key=str)
        if not deps:
            continue
        g = {u: sp.diff(e, u) for u in deps}
        gsym = {}
        for u in deps:
            if g[u] != 0:
                gsym[u] = next(names)
                out.append((gsym[u], g[u]))
        for l in range(n):
            v = sp.Add(*[gsym[u] * d_of(u, l) for u in gsym])
            if v != 0:
                s_ = next(names)
                out.append((s_, v))
                D.setdefault(sym, {})[l] = s_
        h = {}
        for u in gsym:
            for w in deps:
                if str(w) >= str(u) or w not in gsym:
                    hv = sp.diff(g[u], w)
                    if hv != 0:
                        h[(u, w)] = h[(w, u)] = hv
        for l in range(n):
            for m in range(l, n):
                terms = [gsym[u] * DD.get(u, {}).get((l, m), sp.S.Zero) for u in gsym]
                terms += [hv * d_of(u, l) * d_of(w, m) for (u, w), hv in h.items()]
                v = sp.Add(*terms)
                if v != 0:
                    s_ = next(names)
                    out.append((s_, v))
                    DD.setdefault(sym, {})[(l, m)] = s_
    return out, D, DD


def _shared_pieces(assign: list) -> list:
    """Common subexpressions across all assignments (the derivatives repeat pieces of
    the transfer function), each placed after the symbols it uses (topological order,
    otherwise the original order)."""
    syms = [s_ for s_, _ in assign]
    repl, reduced = sp.cse([e for _, e in assign], symbols=sp.numbered_symbols("mf_y"),
                           optimizations=None)
    nodes = list(repl) + list(zip(syms, reduced))
    defined = {s_ for s_, _ in nodes}
    deps = {s_: {u for u in e.free_symbols if u in defined} for s_, e in nodes}
    expr = dict(nodes)
    order, done = [], set()
    pending = [s_ for s_, _ in assign]   # visit in the original order, pieces on demand

    def visit(s_):
        stack = [(s_, iter(sorted(deps[s_], key=str)))]
        while stack:
            node, it = stack[-1]
            for d in it:
                if d not in done:
                    stack.append((d, iter(sorted(deps[d], key=str))))
                    break
            else:
                stack.pop()
                if node not in done:
                    done.add(node)
                    order.append((node, expr[node]))

    for s_ in pending:
        visit(s_)
    return order


@dataclass
class MeanFieldRun:
    """Rates (Hz) of a run: ``t`` (s), ``rates[pop]`` (copies x times, or times with one
    copy), ``W[pop][var]``, ``cov[(k, l)]`` (second order), ``seconds`` (build, run)."""

    t: np.ndarray
    rates: dict
    W: dict = field(default_factory=dict)
    cov: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)


@dataclass
class FixedPoint:
    """A fixed point: ``rates`` {pop: Hz}, ``W`` {pop: {var: value}}, the eigenvalues of
    the Jacobian of the rate dynamics (1/s), ``stable`` (all real parts < 0) and, for
    the second order, ``cov`` {(k, l): Hz^2}; with renewal inputs ``cv`` {pop: the
    output ISI CV}."""

    rates: dict
    W: dict
    eigenvalues: np.ndarray
    stable: bool
    cov: dict = field(default_factory=dict)
    cv: dict = field(default_factory=dict)   # {pop: output ISI CV} (inputs='renewal')


class RateModel:
    """The mean-field of populations {name: TransferFunction}, with ``afferent`` {name:
    rate} (a rate in Hz, one per copy, or a TimedArray of Hz), time constant ``T``;
    ``order=2`` adds the covariances (needs ``sizes`` {pop: number of neurons});
    ``copies`` independent copies (default: the length of the per-copy afferent rates).
    The inputs of each transfer function are named after populations or afferents.
    ``inputs='renewal'``: the trains of each population are gamma renewal trains with
    that population's fitted output ISI CV at its current inputs (afferents stay
    Poisson); sigma_V from their spectrum (:mod:`eqsim.meanfield.renewal`). That
    quadrature has no closed form: ``run`` then integrates in numpy (explicit Euler).
    """

    def __init__(self, populations: dict, afferent: dict | None = None, T=5 * ms,
                 order: int = 1, sizes: dict | None = None, copies: int | None = None,
                 name: str = "meanfield", inputs: str = "poisson"):
        if not populations or not all(isinstance(tf, TransferFunction)
                                      for tf in populations.values()):
            raise ConfigurationError("populations must be {name: TransferFunction}",
                                     code="E929")
        self.populations = dict(populations)
        self.afferent = dict(afferent or {})
        if order not in (1, 2):
            raise ConfigurationError(f"order must be 1 or 2, got {order!r}", code="E929")
        self.order = order
        if inputs not in ("poisson", "renewal"):
            raise ConfigurationError(f"inputs must be 'poisson' or 'renewal', got "
                                     f"{inputs!r}", code="E929")
        self.inputs = inputs
        if inputs == "renewal":
            lacking = [p for p, tf in populations.items()
                       if isinstance(tf, TransferFunction) and tf.cv is None]
            if lacking:
                raise ConfigurationError(
                    f"inputs='renewal' needs the output ISI CV of every population; the "
                    f"transfer function(s) of {', '.join(lacking)} have none", code="E933",
                    hint="fit them from scans that recorded the CV (transfer_function "
                         "does; fit(scan) fits the CV model)")
        if get_dimension(T) != get_dimension(second) or not float(T) > 0:
            raise ConfigurationError("T must be a time > 0 (e.g. 5*ms)", code="E929")
        self.T = float(T)
        self.name = name
        known = set(self.populations) | set(self.afferent)
        for pop, tf in self.populations.items():
            missing = sorted(set(tf.inputs) - known)
            if missing:
                raise ConfigurationError(
                    f"the transfer function of '{pop}' has input(s) {', '.join(missing)} "
                    "that are neither populations nor afferent inputs", code="E929",
                    hint="name each input of a cell after its source population, and "
                         "give afferent={name: rate} for the others")
        self.sizes = dict(sizes or {})
        if order == 2 and set(self.sizes) != set(self.populations):
            raise ConfigurationError("order=2 needs sizes={population: N} for every "
                                     "population", code="E929")
        self._aff = {}
        n_copies = {1}
        for name_, value in self.afferent.items():
            if hasattr(value, "timed_array_ndim"):
                if value.dim != get_dimension(Hz):
                    raise ConfigurationError(f"afferent '{name_}' must be in Hz",
                                             code="E929")
                self._aff[name_] = value
                continue
            arr = np.atleast_1d(np.asarray(value.view(np.ndarray) if isinstance(
                value, Quantity) else value, dtype=float))
            if isinstance(value, Quantity) and get_dimension(value) != get_dimension(Hz):
                raise ConfigurationError(f"afferent '{name_}' must be in Hz", code="E929")
            if arr.ndim != 1 or not np.all(np.isfinite(arr)) or np.any(arr < 0):
                raise ConfigurationError(f"afferent '{name_}' must be finite rates >= 0",
                                         code="E929")
            self._aff[name_] = arr
            n_copies.add(arr.size)
        n_copies.discard(1)
        if len(n_copies) > 1:
            raise ConfigurationError("per-copy afferent rates must have one length",
                                     code="E929")
        self.copies = int(copies or (n_copies.pop() if n_copies else 1))
        self._equations = None

    # ---- the equations ------------------------------------------------------------------
    def equations(self) -> tuple[str, dict]:
        """The model text of the rate units and its namespace."""
        if self._equations is None:
            t0 = time.perf_counter()
            self._equations = self._make_equations()
            _log.debug("mean-field equations in %.2f s", time.perf_counter() - t0)
        return self._equations

    def _symbols(self):
        pops = list(self.populations)
        nu = {p: sp.Symbol(f"nu_{p}", real=True) for p in pops}
        for a in self.afferent:
            nu[a] = sp.Symbol(f"nu_{a}", real=True)
        W = {p: {ad.var: sp.Symbol(f"W_{p}_{ad.var}", real=True)
                 for ad in tf.form.adaptation} for p, tf in self.populations.items()}
        return pops, nu, W

    def _make_equations(self):
        pops, nu, W = self._symbols()
        values: dict = {}
        F, muV, forms = {}, {}, {}
        for p, tf in self.populations.items():
            form = _symbolic_form(tf.form, f"mf_{p}", values)
            forms[p] = form
            coeffs = []
            for k, c in enumerate(tf.coeffs):
                values[f"mf_{p}_P{k}"] = float(c)
                coeffs.append(sp.Symbol(f"mf_{p}_P{k}", real=True))
            clamp = None
            if tf.clamp is not None:
                clamp = []
                for j, (lo, hi) in enumerate(tf.clamp):
                    values[f"mf_{p}_lo{j}"], values[f"mf_{p}_hi{j}"] = lo, hi
                    clamp.append((sp.Symbol(f"mf_{p}_lo{j}", real=True),
                                  sp.Symbol(f"mf_{p}_hi{j}", real=True)))
            m = moments(form, {n: nu[n] for n in form.channels}, W=W[p], xp=SYM)
            norm = {k: float(v) for k, v in tf.norm.items()}
            F[p] = firing_rate(m, coeffs, 1.0 / form.leak, norm, xp=SYM, clamp=clamp)
            muV[p] = m["muV"]
        # the transfer functions and mean potentials as a chain of small assignments
        assign, reduced = sp.cse([F[p] for p in pops] + [muV[p] for p in pops],
                                 symbols=sp.numbered_symbols("mf_x"), optimizations=None)
        assign = list(assign)
        TF = {p: sp.Symbol(f"TF_{p}", real=True) for p in pops}
        MU = {p: sp.Symbol(f"muV_{p}", real=True) for p in pops}
        assign += [(TF[p], reduced[k]) for k, p in enumerate(pops)]
        assign += [(MU[p], reduced[len(pops) + k]) for k, p in enumerate(pops)]
        values["mf_T"] = self.T
        Tsym = sp.Symbol("mf_T", real=True)
        exprs, lhs = [], []
        cov, D, DD = {}, {}, {}
        if self.order == 2:
            for k, l in itertools.combinations_with_replacement(pops, 2):
                cov[(k, l)] = cov[(l, k)] = sp.Symbol(f"c_{k}_{l}", real=True)
            assign, D, DD = _forward_derivatives(assign, [nu[p] for p in pops])
            assign = _shared_pieces(assign)
        for p in pops:
            rhs = TF[p] - nu[p]
            if self.order == 2:
                for a, b in itertools.product(range(len(pops)), range(len(pops))):
                    d2 = DD.get(TF[p], {}).get((min(a, b), max(a, b)), sp.S.Zero)
                    rhs += sp.Rational(1, 2) * cov[(pops[a], pops[b])] * d2
            lhs.append((f"nu_{p}", "T"))
            exprs.append(rhs)
            for ad in forms[p].adaptation:
                lhs.append((f"W_{p}_{ad.var}", "1"))
                exprs.append(ad.alpha + ad.beta * MU[p] + ad.gamma * W[p][ad.var]
                             + ad.b * nu[p])
        if self.order == 2:
            for a, b in itertools.combinations_with_replacement(range(len(pops)), 2):
                k, l = pops[a], pops[b]
                rhs = (TF[k] - nu[k]) * (TF[l] - nu[l]) - 2 * cov[(k, l)]
                if k == l:
                    values[f"mf_N_{k}"] = float(self.sizes[k])
                    rhs += TF[k] * (1 / Tsym - TF[k]) / sp.Symbol(f"mf_N_{k}", real=True)
                for c, m_ in enumerate(pops):
                    rhs += cov[(k, m_)] * D.get(TF[l], {}).get(c, sp.S.Zero) \
                        + cov[(l, m_)] * D.get(TF[k], {}).get(c, sp.S.Zero)
                lhs.append((f"c_{k}_{l}", "T"))
                exprs.append(rhs)
        lines = []
        for a, value in self._aff.items():
            if isinstance(value, np.ndarray):
                lines.append(f"nu_{a} : 1")
            else:
                lines.append(f"nu_{a} = mf_aff_{a}(t)/Hz : 1 (constant over dt)")
        for sym, e in assign:   # erfc -> its closed form (exp, abs, sign) when printed
            e = e.replace(sp.erfc, lambda x: erfc_approx(x, SYM))
            lines.append(f"{sym} = {_print(e)} : 1 (constant over dt)")
        for (var, kind), e in zip(lhs, exprs):
            scale = "mf_T*second" if kind == "T" else "second"
            lines.append(f"d{var}/dt = ({_print(e)})/({scale}) : 1")
        ns = dict(values)
        for a, value in self._aff.items():
            if not isinstance(value, np.ndarray):
                ns[f"mf_aff_{a}"] = value
        return "\n".join(lines), ns

    # ---- running ------------------------------------------------------------------------
    def network(self, init: dict | None = None, record_dt=None, dt=0.1 * ms):
        """(Network, group, monitor) of the rate units (compiled at the first run)."""
        from ..runtime.groups import NeuronGroup
        from ..runtime.monitors import StateMonitor
        from ..runtime.network import Network
        text, ns = self.equations()
        G = NeuronGroup(self.copies, text, method="euler", namespace=ns,
                        name=f"{self.name}_rates", dt=dt)
        for a, value in self._aff.items():
            if isinstance(value, np.ndarray):
                setattr(G, f"nu_{a}", np.broadcast_to(value, (self.copies,)).copy())
        init = dict(init or {})
        for p in self.populations:
            setattr(G, f"nu_{p}", float(init.get(p, 1.0)))
        for p, tf in self.populations.items():
            for ad in tf.form.adaptation:   # stationary adaptation of the initial rate
                r = float(init.get(p, 1.0))
                setattr(G, f"W_{p}_{ad.var}", -(ad.alpha + ad.beta * tf.form.rest
                                                + ad.b * r) / ad.gamma)
        variables = [f"nu_{p}" for p in self.populations]
        variables += [f"W_{p}_{ad.var}" for p, tf in self.populations.items()
                      for ad in tf.form.adaptation]
        if self.order == 2:
            variables += [f"c_{k}_{l}" for k, l in itertools.combinations_with_replacement(
                self.populations, 2)]
        mon = StateMonitor(G, variables, record=True, dt=record_dt,
                           name=f"{self.name}_monitor")
        return Network(G, mon), G, mon

    def run(self, duration, init: dict | None = None, dt=0.1 * ms, record_dt=None,
            backend: str = "c", check: bool = True) -> MeanFieldRun:
        """Integrate the rate equations (compiled) for ``duration``; ``init`` {pop: Hz}.
        Warns (MeanFieldWarning) where the trajectory leaves the fitted range."""
        if self.inputs == "renewal":
            return self._run_numpy(duration, init, dt, record_dt, check)
        t0 = time.perf_counter()
        net, G, mon = self.network(init, record_dt, dt)
        t1 = time.perf_counter()
        net.run(duration, backend=backend)
        t2 = time.perf_counter()

        def arr(name):
            a = np.asarray(getattr(mon, name + "_") if hasattr(mon, name + "_")
                           else getattr(mon, name), dtype=float)
            return a[0] if self.copies == 1 else a

        rates = {p: arr(f"nu_{p}") for p in self.populations}
        W = {p: {ad.var: arr(f"W_{p}_{ad.var}") for ad in tf.form.adaptation}
             for p, tf in self.populations.items()}
        cov = {}
        if self.order == 2:
            for k, l in itertools.combinations_with_replacement(self.populations, 2):
                cov[(k, l)] = arr(f"c_{k}_{l}")
        out = MeanFieldRun(np.asarray(mon.t_, dtype=float), rates, W, cov,
                           {"build": t1 - t0, "run": t2 - t1})
        if check:
            self._check_trajectory(out)
        return out

    def _run_numpy(self, duration, init, dt, record_dt, check) -> MeanFieldRun:
        """The rate equations by explicit Euler in numpy (renewal inputs: sigma_V by
        quadrature, no closed form to compile); one copy after the other."""
        t0 = time.perf_counter()
        h = float(dt)
        n = int(round(float(duration) / h))
        every = max(1, int(round(float(record_dt) / h))) if record_dt is not None else 1
        pops = list(self.populations)
        init = dict(init or {})
        x0 = [float(init.get(p, 1.0)) for p in pops]
        for p, tf in self.populations.items():
            for ad in tf.form.adaptation:   # stationary adaptation of the initial rate
                x0.append(-(ad.alpha + ad.beta * tf.form.rest
                            + ad.b * float(init.get(p, 1.0))) / ad.gamma)
        x0 = np.array(x0)
        if self.order == 2:
            x0 = self._with_cov(x0, {a: float(np.ravel(v)[0]) for a, v in
                                     self._afferent_values().items()})
        steps = np.arange(0, n, every)
        t = steps * h
        out = np.empty((self.copies, steps.size, x0.size))
        for c in range(self.copies):
            x = x0.copy()
            k = 0
            for step in range(n):
                if step % every == 0:
                    out[c, k] = x
                    k += 1
                aff = {}
                for a, value in self._aff.items():
                    if isinstance(value, np.ndarray):
                        aff[a] = float(value[c] if value.size > 1 else value[0])
                    else:
                        aff[a] = float(value._lookup(np.asarray(step * h)))
                x = x + h * self._residual(x, aff, self.order)
                x[:len(pops)] = np.maximum(x[:len(pops)], 0.0)
        one = self.copies == 1
        rates = {p: out[:, :, k][0] if one else out[:, :, k] for k, p in enumerate(pops)}
        W, j = {}, len(pops)
        for p, tf in self.populations.items():
            W[p] = {}
            for ad in tf.form.adaptation:
                W[p][ad.var] = out[:, :, j][0] if one else out[:, :, j]
                j += 1
        cov = {pair: (out[:, :, j + m][0] if one else out[:, :, j + m])
               for m, pair in enumerate(self._pairs())} if self.order == 2 else {}
        run = MeanFieldRun(t, rates, W, cov, {"build": 0.0,
                                              "run": time.perf_counter() - t0})
        if check:
            self._check_trajectory(run)
        return run

    def _afferent_values(self, t=None) -> dict:
        out = {}
        for a, value in self._aff.items():
            if isinstance(value, np.ndarray):
                out[a] = value if value.size > 1 else value[0]
            else:
                tt = np.asarray(0.0 if t is None else t, dtype=float)
                out[a] = np.asarray(value._lookup(tt), dtype=float)
        return out

    def _check_trajectory(self, run: MeanFieldRun) -> None:
        aff = self._afferent_values(run.t)
        allr = dict(run.rates)
        for n, v in aff.items():
            allr[n] = v if np.ndim(v) == 0 or self.copies == 1 else np.asarray(v)[:, None]
        cvs = self.population_cvs(allr, run.W)
        for p, tf in self.populations.items():
            rates = {n: allr[n] for n in tf.inputs}
            Wp = {v: x for v, x in run.W[p].items()}
            m = moments(tf.form, rates, W=Wp if Wp else None,
                        nu_out=run.rates[p], cv=self._cv_of(tf, cvs))
            with warnings.catch_warnings():
                warnings.simplefilter("always", MeanFieldWarning)
                tf.check_range(m, None)

    # ---- renewal inputs -----------------------------------------------------------------
    def _cv_of(self, tf, cvs: dict | None) -> dict | None:
        """{input: CV} of the inputs of ``tf`` that are populations (renewal), or None."""
        if cvs is None:
            return None
        return {n: cvs[n] for n in tf.inputs if n in cvs}

    def population_cvs(self, rates: dict, W: dict, passes: int = 3) -> dict | None:
        """{pop: output ISI CV} at the presynaptic ``rates`` {input: Hz} and adaptation
        ``W`` {pop: {var: value}}: each population's fitted CV at its moments, the
        moments computed with the CVs of the previous pass (from Poisson; ``passes``
        passes: the CVs change by < 1e-3 after the second on the RS-FS fits). None for
        Poisson inputs."""
        if self.inputs != "renewal":
            return None
        cvs = None
        for _ in range(passes):
            new = {}
            for p, tf in self.populations.items():
                m = moments(tf.form, {n: rates[n] for n in tf.inputs},
                            W=W[p] if tf.form.adaptation else {}, cv=self._cv_of(tf, cvs))
                new[p] = tf.output_cv(m)
            cvs = new
        return cvs

    # ---- fixed points -------------------------------------------------------------------
    def _pairs(self) -> list:
        return list(itertools.combinations_with_replacement(self.populations, 2))

    def _residual(self, x, aff, order: int = 1):
        """dX/dt (numpy) for X = (rates..., W..., and with ``order=2`` the covariances
        c_kl, k <= l): the same formulas as the generated equations; the derivatives of
        the transfer functions by central differences."""
        pops = list(self.populations)
        npop = len(pops)
        rates = dict(aff)
        for k, p in enumerate(pops):
            rates[p] = max(x[k], 0.0)
        Ws, j = {}, npop
        for p, tf in self.populations.items():
            Ws[p] = {}
            for ad in tf.form.adaptation:
                Ws[p][ad.var] = x[j]
                j += 1

        def tfs(r):
            out, mus = [], []
            cvs = self.population_cvs(r, Ws)
            for p, tf in self.populations.items():
                m = moments(tf.form, {n: r[n] for n in tf.inputs},
                            W=Ws[p] if tf.form.adaptation else {}, cv=self._cv_of(tf, cvs))
                out.append(firing_rate(m, tf.coeffs, tf.form.tau_m0, tf.norm,
                                       clamp=tf.clamp))
                mus.append(m["muV"])
            return np.array(out, dtype=float), mus

        F, mus = tfs(rates)
        drift = F - np.array([rates[p] for p in pops])
        Wdot = []
        for k, (p, tf) in enumerate(self.populations.items()):
            for ad in tf.form.adaptation:
                Wdot.append(ad.alpha + ad.beta * mus[k] + ad.gamma * Ws[p][ad.var]
                            + ad.b * rates[p])
        if order == 1:
            return np.concatenate([drift / self.T, np.array(Wdot, dtype=float)])
        # second order: D[k, a] = dTF_k/dnu_a, DD[k, a, b] (W held), as in the equations
        c = np.zeros((npop, npop))
        for n, (a, b) in enumerate(self._pairs()):
            ia, ib = pops.index(a), pops.index(b)
            c[ia, ib] = c[ib, ia] = x[j + n]
        h = [1e-2 * max(1.0, rates[p]) for p in pops]

        def shifted(**d):
            r = dict(rates)
            for a, s_ in d.items():
                r[pops[int(a)]] = r[pops[int(a)]] + s_
            return tfs(r)[0]

        D = np.empty((npop, npop))
        DD = np.empty((npop, npop, npop))
        for a in range(npop):
            fp, fm = shifted(**{str(a): h[a]}), shifted(**{str(a): -h[a]})
            D[:, a] = (fp - fm) / (2 * h[a])
            DD[:, a, a] = (fp - 2 * F + fm) / h[a] ** 2
            for b in range(a):
                fpp = shifted(**{str(a): h[a], str(b): h[b]})
                fpm = shifted(**{str(a): h[a], str(b): -h[b]})
                fmp = shifted(**{str(a): -h[a], str(b): h[b]})
                fmm = shifted(**{str(a): -h[a], str(b): -h[b]})
                DD[:, a, b] = DD[:, b, a] = (fpp - fpm - fmp + fmm) / (4 * h[a] * h[b])
        drift2 = drift + 0.5 * np.einsum("ab,kab->k", c, DD)
        cdot = []
        for a, b in self._pairs():
            k, l = pops.index(a), pops.index(b)
            r_ = drift[k] * drift[l] - 2 * c[k, l] + c[k] @ D[l] + c[l] @ D[k]
            if k == l:
                r_ += F[k] * (1 / self.T - F[k]) / float(self.sizes[a])
            cdot.append(r_ / self.T)
        return np.concatenate([drift2 / self.T, np.array(Wdot, dtype=float),
                               np.array(cdot, dtype=float)])

    def _jacobian(self, x, aff, order: int = 1):
        J = np.empty((x.size, x.size))
        nw = len(self._w_slots())
        for k in range(x.size):
            h = 1e-6 * max(1e-12, abs(x[k])) if len(self.populations) <= k < \
                len(self.populations) + nw else 1e-6 * max(1.0, abs(x[k]))
            xp, xm = x.copy(), x.copy()
            xp[k] += h
            xm[k] -= h
            J[:, k] = (self._residual(xp, aff, order) - self._residual(xm, aff, order)) \
                / (2 * h)
        return J

    def _w_slots(self) -> list:
        return [(p, ad.var) for p, tf in self.populations.items()
                for ad in tf.form.adaptation]

    def _newton(self, x, aff, tol, max_iter, order: int = 1):
        """Damped Newton on the residual; None when it fails."""
        npop, nw = len(self.populations), len(self._w_slots())
        scale = np.array([1.0 / self.T] * npop + [max(abs(v), 1e-12) * 1e-3
                                                  for v in x[npop:npop + nw]]
                         + [1.0 / self.T] * (x.size - npop - nw))
        for _ in range(max_iter):
            r = self._residual(x, aff, order)
            if not np.all(np.isfinite(r)):
                return None
            if np.max(np.abs(r / scale)) < tol:
                return x
            J = self._jacobian(x, aff, order)
            try:
                step = np.linalg.solve(J, -r)
            except np.linalg.LinAlgError:
                return None
            lam, norm0 = 1.0, np.linalg.norm(r / scale)
            while lam > 1e-6:
                xn = x + lam * step
                xn[:npop] = np.maximum(xn[:npop], 0.0)
                rn = self._residual(xn, aff, order)
                if np.all(np.isfinite(rn)) and np.linalg.norm(rn / scale) < norm0:
                    break
                lam /= 2
            else:
                return None
            x = xn
        return None

    def _relax(self, x, aff, duration, order: int = 1):
        """Integrate the rate system (numpy, explicit Euler at T/20)."""
        h = self.T / 20
        npop = len(self.populations)
        for _ in range(int(duration / h)):
            x = x + h * self._residual(x, aff, order)
            x[:npop] = np.maximum(x[:npop], 0.0)
        return x

    def _slowest(self) -> float:
        return max([self.T] + [-1.0 / ad.gamma for tf in self.populations.values()
                               for ad in tf.form.adaptation])

    def _with_cov(self, x, aff):
        """x of the first order extended by the covariances' start: the finite-size
        variance F(1/T - F)/(2N) on the diagonal, 0 elsewhere."""
        F = x[:len(self.populations)] + self.T * self._residual(x, aff)[
            :len(self.populations)]
        c0 = [F[list(self.populations).index(a)] * (1 / self.T - F[list(
            self.populations).index(a)]) / (2 * self.sizes[a]) if a == b else 0.0
              for a, b in self._pairs()]
        return np.concatenate([x, np.array(c0, dtype=float)])

    def find_fixed_point(self, guess: dict | None = None, afferent: dict | None = None,
                         tol: float = 1e-9, max_iter: int = 60) -> FixedPoint:
        """A fixed point of the rate equations (damped Newton from ``guess`` {pop: Hz},
        default 1 Hz; if that fails, from where the dynamics relax to), with its
        stability from the eigenvalues of the Jacobian of the dynamics. With
        ``order=2`` the rates, adaptation and covariances (``FixedPoint.cov``) of the
        second-order equations, from the first-order fixed point.
        ``afferent`` {name: Hz} (default: the model's, at t = 0, first copy)."""
        aff = {a: float(np.ravel(v)[0]) for a, v in self._afferent_values().items()}
        for a, v in (afferent or {}).items():
            aff[a] = float(v.view(np.ndarray) if isinstance(v, Quantity) else v)
        pops = list(self.populations)
        guess = dict(guess or {})
        x0 = [float(guess.get(p, 1.0)) for p in pops]
        for p, tf in self.populations.items():
            for ad in tf.form.adaptation:
                x0.append(-(ad.alpha + ad.beta * tf.form.rest + ad.b * x0[pops.index(p)])
                          / ad.gamma)
        x0 = np.array(x0)
        x = self._newton(x0.copy(), aff, tol, max_iter)
        if x is None:
            with np.errstate(all="ignore"):
                relaxed = self._relax(x0.copy(), aff, 5 * self._slowest())
            if np.all(np.isfinite(relaxed)):
                x = self._newton(relaxed, aff, tol, max_iter)
        order = 1
        if x is not None and self.order == 2:   # from the first-order fixed point
            order = 2
            x = self._newton(self._with_cov(x, aff), aff, tol, max_iter, order)
            if x is None:
                with np.errstate(all="ignore"):
                    relaxed = self._relax(self._with_cov(x0.copy(), aff), aff,
                                          5 * self._slowest(), order)
                if np.all(np.isfinite(relaxed)):
                    x = self._newton(relaxed, aff, tol, max_iter, order)
        if x is None:
            raise ConfigurationError("find_fixed_point did not converge", code="E930",
                                     hint="try another guess={pop: rate}, or integrate "
                                          "with run() to see where the rates go")
        ev = np.linalg.eigvals(self._jacobian(x, aff, order))
        rates = {p: float(x[k]) for k, p in enumerate(pops)}
        W, j = {}, len(pops)
        for p, tf in self.populations.items():
            W[p] = {}
            for ad in tf.form.adaptation:
                W[p][ad.var] = float(x[j])
                j += 1
        cov = {pair: float(x[j + n]) for n, pair in enumerate(self._pairs())} \
            if order == 2 else {}
        rin = dict(aff, **rates)
        cvs = self.population_cvs(rin, W)
        for p, tf in self.populations.items():
            tf.check_range(moments(tf.form, {n: rin[n] for n in tf.inputs},
                                   W=W[p] if tf.form.adaptation else {},
                                   cv=self._cv_of(tf, cvs)),
                           {n: rin[n] for n in tf.inputs if n in tf.range})
        return FixedPoint(rates, W, ev, bool(np.all(ev.real < 0)), cov, cvs or {})
