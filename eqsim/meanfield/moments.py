"""Shot-noise moments of the membrane potential (Zerlaut et al. 2018) and the erfc
transfer function, written once for numpy arrays and for sympy symbols (``xp``), so that
the numbers evaluated here and the rate equations compiled by eqsim are the same formula.

For a cell in the standard form (:mod:`eqsim.meanfield.form`) receiving, on input k,
``K_k`` Poisson trains at ``nu_k`` of increments ``Q_k`` decaying with ``tau_k``:

- mean input ``mu_g_k = K_k*nu_k*Q_k*tau_k``; total conductance (per unit capacitance)
  ``mu_G = leak - sum_k C_k*mu_g_k``, effective membrane time ``tau_m = 1/mu_G``;
- ``mu_V = (drive + sum_k B_k*mu_g_k + sum_m D_m*W_m)/mu_G`` (adaptation ``W_m``: a state
  of the rate equations, or its stationary value ``-(alpha + beta*mu_V + b*nu_out)/gamma``);
- one event of input k gives the PSP ``a_k*tau_k*tau_m/(tau_k - tau_m)*(exp(-t/tau_k) -
  exp(-t/tau_m))`` with ``a_k = (B_k + C_k*mu_V)*Q_k`` (i.e. ``Q_k*(E_k - mu_V)/C_m``);
  Campbell's theorem gives the cumulants from the PSP integrals
  ``sigma_V^2 = sum K*nu*(a*tau_k*tau_m)^2/(2*(tau_k + tau_m))``,
  ``gamma_V = sum K*nu*2*(a*tau_k*tau_m)^3/(3*(tau_k + 2*tau_m)*(2*tau_k + tau_m))/sigma_V^3``
  and ``tau_V = sum K*nu*(a*tau_k*tau_m)^2 / sum K*nu*(a*tau_k*tau_m)^2/(tau_k + tau_m)``.

The transfer function is ``nu_out = erfc((V_eff - mu_V)/(sqrt(2)*sigma_V))/(2*tau_V)``
with the effective threshold ``V_eff`` a second-order polynomial of the normalised
``mu_V``, ``sigma_V`` and ``tau_V/tau_m0`` (10 coefficients, :data:`TERMS`).
"""
from __future__ import annotations

import math
import types

import numpy as np
import sympy as sp

from ..errors import ConfigurationError
from .renewal import check_cv, renewal_excess

SIGMA_FLOOR2 = 1e-12        # V^2 added to sigma_V^2: sigma_V >= 1 uV, never 0/0
TAU_EPS = 1e-30             # keeps tau_V = tau_m without input, never 0/0
# the normalisation of Zerlaut et al. 2018 (mu_V0, d_mu_V0, sigma_V0, d_sigma_V0 in V;
# tau_V/tau_m0 around 0.5 with a spread of 1)
NORM = {"mu0": -60e-3, "dmu": 10e-3, "s0": 4e-3, "ds": 6e-3, "t0": 0.5, "dt": 1.0}
TERMS = ("1", "mu", "sigma", "tau", "mu^2", "sigma^2", "tau^2", "mu*sigma", "mu*tau",
         "sigma*tau")

# numerical recipes' erfc (Chebyshev fit, |relative error| < 1.2e-7 everywhere): only
# exp, abs and sign, so that the compiled rate equations need no special function
_ERFC_C = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807,
           -1.13520398, 1.48851587, -0.82215223, 0.17087277)



class mf_inside(sp.Function):
    """1 where lo < x < hi, else 0 (the derivative of :class:`mf_clip`)."""
    nargs = 3

    def fdiff(self, argindex=1):
        return sp.S.Zero


class mf_clip(sp.Function):
    """x clipped to [lo, hi], with its derivative for the second-order equations."""
    nargs = 3

    def fdiff(self, argindex=1):
        return mf_inside(*self.args) if argindex == 1 else sp.S.Zero


NP = types.SimpleNamespace(exp=np.exp, sqrt=np.sqrt, abs=np.abs, sign=np.sign,
                           erfc=None, clip=np.clip, sympy=False)
SYM = types.SimpleNamespace(exp=sp.exp, sqrt=sp.sqrt, abs=sp.Abs, sign=sp.sign,
                            erfc=sp.erfc, clip=mf_clip, sympy=True)


def erfc_approx(x, xp=NP):
    """erfc(x) to 1.2e-7 relative error with exp, abs and sign only."""
    z = xp.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = _ERFC_C[-1]
    for c in _ERFC_C[-2:0:-1]:
        poly = c + t * poly
    r = t * xp.exp(-z * z + _ERFC_C[0] + t * poly)
    return 1.0 + xp.sign(x) * (r - 1.0)


def erfc(x, xp=NP):
    """erfc for xp: sympy's (differentiable; replaced by :func:`erfc_approx` when
    printed) or the approximation for numpy."""
    return xp.erfc(x) if xp.sympy else erfc_approx(x, xp)


def erfcinv(y: np.ndarray) -> np.ndarray:
    """Inverse of :func:`erfc_approx` on (0, 2), by bisection (vectorised, 1e-12)."""
    y = np.asarray(y, dtype=float)
    lo, hi = np.full(y.shape, -9.0), np.full(y.shape, 9.0)
    for _ in range(56):
        mid = 0.5 * (lo + hi)
        above = erfc_approx(mid) > y          # erfc decreases: the root is right of mid
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return 0.5 * (lo + hi)


def psp_integrals(n: int):
    """The n-th PSP integral, int_0^inf (a*tk*tm/(tk - tm)*(exp(-t/tk) - exp(-t/tm)))^n dt,
    derived with sympy term by term (each exp(-r*t) integrates to 1/r); tests compare it
    with the closed forms used here. Returns (expression, (a, tau_k, tau_m))."""
    a, tk, tm, t = sp.symbols("a tau_k tau_m t", positive=True)
    x, y = sp.symbols("x y")   # exp(-t/tau_k), exp(-t/tau_m)
    poly = sp.Poly(sp.expand((x - y) ** n), x, y)
    total = sp.S.Zero
    for (i, j), c in poly.terms():   # x**i*y**j = exp(-(i/tau_k + j/tau_m)*t)
        total += c / (i / tk + j / tm)
    total *= (a * tk * tm / (tk - tm)) ** n
    return sp.factor(sp.simplify(total)), (a, tk, tm)


def _mean_input(form, rates):
    mu_g = {}
    for name, ch in form.channels.items():
        mu_g[name] = ch.K * rates[name] * ch.Q * ch.tau
    return mu_g


def moments(form, rates: dict, W: dict | None = None, nu_out=0.0, xp=NP,
            cv: dict | None = None, q_scale=1.0) -> dict:
    """mu_V, sigma_V, gamma_V, tau_V (and mu_G, tau_m, W) of ``form`` for the presynaptic
    ``rates`` {input: rate in Hz} (arrays broadcast; sympy symbols with ``xp=SYM``).
    ``W`` {adaptation variable: value}; without it, the stationary adaptation for the
    output rate ``nu_out``. Every input of the form must have a rate.
    ``cv`` {input: ISI CV} (numpy only): those inputs are gamma renewal trains and
    sigma_V takes their spectrum (:mod:`eqsim.meanfield.renewal`); the others, and
    mu_V, gamma_V and tau_V, are the Poisson (shot-noise) values. ``q_scale``: every
    increment Q times this factor (a scan's noise axis; broadcast)."""
    mu_g = _mean_input(form, rates)
    qs = None if np.isscalar(q_scale) and q_scale == 1.0 else q_scale
    if qs is not None:
        mu_g = {n: v * qs for n, v in mu_g.items()}
    muG = form.leak
    num = form.drive
    for name, ch in form.channels.items():
        muG = muG - ch.C * mu_g[name]
        num = num + ch.B * mu_g[name]
    W_out = {}
    if W is not None:
        for ad in form.adaptation:
            num = num + ad.D * W[ad.var]
        muV = num / muG
        W_out = dict(W)
    else:
        # stationary W = -(alpha + beta*muV + b*nu)/gamma: solve the linear equation
        den = muG
        for ad in form.adaptation:
            num = num - ad.D * (ad.alpha + ad.b * nu_out) / ad.gamma
            den = den + ad.D * ad.beta / ad.gamma
        muV = num / den
        for ad in form.adaptation:
            W_out[ad.var] = -(ad.alpha + ad.beta * muV + ad.b * nu_out) / ad.gamma
    tau_m = 1.0 / muG
    s2 = g3 = tnum = tden = 0.0
    cv = renewal_inputs(form, cv, xp)
    for name, ch in form.channels.items():
        a = (ch.B + ch.C * muV) * ch.Q
        if qs is not None:
            a = a * qs
        n = ch.K * rates[name]
        x2 = (a * ch.tau * tau_m) ** 2
        s2 = s2 + n * x2 / (2.0 * (ch.tau + tau_m))
        if name in cv:   # non-Poisson input: the excess of its spectrum
            s2 = s2 + n * x2 * renewal_excess(rates[name], cv[name], ch.tau, tau_m)
        g3 = g3 + n * 2.0 * (a * ch.tau * tau_m) ** 3 / (
            3.0 * (ch.tau + 2.0 * tau_m) * (2.0 * ch.tau + tau_m))
        tnum = tnum + n * x2
        tden = tden + n * x2 / (ch.tau + tau_m)
    sV = xp.sqrt(s2 + SIGMA_FLOOR2)
    tauV = (tnum + TAU_EPS * tau_m) / (tden + TAU_EPS)
    return {"muV": muV, "sV": sV, "gV": g3 / sV ** 3, "tauV": tauV, "muG": muG,
            "tau_m": tau_m, "W": W_out}


def renewal_inputs(form, cv: dict | None, xp=NP) -> dict:
    """{input: CV array} of the renewal inputs (checked: E932, E934); {} for Poisson."""
    if not cv:
        return {}
    if xp.sympy:
        raise ConfigurationError("renewal (non-Poisson) inputs have no closed form for "
                                 "the compiled rate equations", code="E934",
                                 hint="evaluate with numpy (RateModel integrates them "
                                      "in numpy)")
    unknown = sorted(set(cv) - set(form.channels))
    if unknown:
        raise ConfigurationError(f"cell '{form.name}' has no input(s) {unknown} to give "
                                 "a CV", code="E933", hint="inputs: " + ", ".join(
                                     form.channels))
    return {n: check_cv(v, f"CV of input '{n}'") for n, v in cv.items()}


def normalised(m: dict, tau_m0, norm: dict = NORM):
    """The three normalised moments (x, y, z) of the effective-threshold polynomial."""
    return ((m["muV"] - norm["mu0"]) / norm["dmu"], (m["sV"] - norm["s0"]) / norm["ds"],
            (m["tauV"] / tau_m0 - norm["t0"]) / norm["dt"])


def poly_terms(x, y, z) -> list:
    """The 10 terms of the second-order polynomial, in the order of :data:`TERMS`."""
    one = 1.0 + 0.0 * x
    return [one, x, y, z, x * x, y * y, z * z, x * y, x * z, y * z]


def v_eff(m: dict, coeffs, tau_m0, norm: dict = NORM, clamp=None, xp=NP):
    """The effective threshold; with ``clamp`` ((lo, hi) for x, y, z) the normalised
    moments are held at the edges of the fitted range (no wild extrapolation)."""
    x, y, z = normalised(m, tau_m0, norm)
    if clamp is not None:
        x, y, z = (xp.clip(u, lo, hi) for u, (lo, hi) in zip((x, y, z), clamp))
    out = 0.0
    for c, term in zip(coeffs, poly_terms(x, y, z)):
        out = out + c * term
    return out


def firing_rate(m: dict, coeffs, tau_m0, norm: dict = NORM, xp=NP, clamp=None):
    """The erfc transfer function of the moments ``m`` (Hz)."""
    V = v_eff(m, coeffs, tau_m0, norm, clamp, xp)
    return erfc((V - m["muV"]) / (math.sqrt(2.0) * m["sV"]), xp) / (2.0 * m["tauV"])


def threshold_from_rate(m: dict, nu_out) -> np.ndarray:
    """The effective threshold that gives ``nu_out`` for the moments ``m`` (the inverse
    of the erfc; nu_out in (0, 1/tau_V))."""
    return m["muV"] + math.sqrt(2.0) * m["sV"] * erfcinv(2.0 * m["tauV"] * nu_out)


def clamp_of(rng: dict, norm: dict = NORM, pad: float = 0.0):
    """((lo, hi) of x, y, z): the fitted range {'muV', 'sV', 'tauN'} normalised."""
    out = []
    for key, c0, d in (("muV", "mu0", "dmu"), ("sV", "s0", "ds"), ("tauN", "t0", "dt")):
        lo, hi = rng[key]
        w = pad * (hi - lo)
        out.append(((lo - w - norm[c0]) / norm[d], (hi + w - norm[c0]) / norm[d]))
    return tuple(out)
