"""Shot noise from renewal (non-Poisson) presynaptic trains: the variance of the
membrane under trains with gamma-distributed inter-spike intervals.

A linear filter ``h`` driven by ``K`` independent stationary trains of spectrum
``S(w)`` has the variance ``K * int |H(w)|^2 S(w) dw/2pi`` (Wiener-Khinchin; Campbell's
theorem is the Poisson case ``S = nu``). For a renewal train of rate ``nu`` and ISI
characteristic function ``phi(w) = E[exp(i w T)]`` the spectrum (without the d.c.
delta) is ``S(w) = nu*Re[(1 + phi)/(1 - phi)]`` (Stratonovich 1967; Cox & Lewis 1966;
e.g. Lindner, Schimansky-Geier & Longtin 2002), i.e. ``S = nu*(1 + R(w))`` with
``R = Re[2 phi/(1 - phi)]``: ``R = 0`` for Poisson, ``R(0) = CV^2 - 1``. For gamma
ISIs of shape ``k = 1/CV^2`` and mean ``1/nu``, ``phi(w) = (1 - i w/(k nu))^(-k)``.

The PSP of one input (``mu_V``-frozen driving force, :mod:`eqsim.meanfield.moments`)
has ``|H(w)|^2 = (a tau_k tau_m)^2/((1 + w^2 tau_k^2)(1 + w^2 tau_m^2))``, so

    sigma_V^2 = sum_k K_k nu_k (a_k tau_k tau_m)^2 (1/(2 (tau_k + tau_m)) + J_k),
    J_k = (1/pi) int_0^inf R(w) / ((1 + w^2 tau_k^2)(1 + w^2 tau_m^2)) dw,

``J_k`` by Gauss-Legendre quadrature in ``u = w/nu`` (the ISI spectrum's own scale:
harmonics at ``u = 2 pi n``) on [0, 2 pi U] and, for the tail, in ``theta`` with
``w = W + tan(theta)/tau_min``; vectorised over any broadcast shape of rates and CVs.
``J = 0`` exactly at CV = 1 (the Poisson moments, unchanged).
"""
from __future__ import annotations

import numpy as np

from ..errors import ConfigurationError

CV_MAX = 2.0          # gamma ISIs with CV above 2 are left out (bursty, not this model)
HARMONICS = 24        # [0, 2 pi HARMONICS] in u = w/nu: R is below 1e-8 beyond it for CV >= 0.2
N_LOW, N_TAIL = 240, 80   # vs 480, 160: < 2e-6 of the Poisson term for CV >= 0.2


def _nodes():
    x, w = np.polynomial.legendre.leggauss(N_LOW)
    u = (x + 1.0) * np.pi * HARMONICS          # [0, 2 pi HARMONICS]
    wu = w * np.pi * HARMONICS
    y, wy = np.polynomial.legendre.leggauss(N_TAIL)
    th = (y + 1.0) * np.pi / 4.0               # (0, pi/2)
    wth = wy * np.pi / 4.0
    return u, wu, th, wth


_U, _WU, _TH, _WTH = _nodes()


def check_cv(cv, what: str = "CV") -> np.ndarray:
    """The CVs as an array, or E932 where one is not in (0, CV_MAX]."""
    a = np.asarray(cv, dtype=float)
    if not np.all(np.isfinite(a)) or np.any(a <= 0) or np.any(a > CV_MAX):
        bad = a[~(np.isfinite(a) & (a > 0) & (a <= CV_MAX))].ravel()[:3]
        raise ConfigurationError(f"{what} must be in (0, {CV_MAX:g}] (the ISI CV of the "
                                 f"gamma renewal model), got {bad}", code="E932",
                                 hint="CV = 1 is Poisson; regular trains have CV < 1")
    return a


def gamma_phi(w, nu, cv):
    """Characteristic function E[exp(i w T)] of gamma ISIs with mean 1/nu and CV cv."""
    k = 1.0 / np.asarray(cv, dtype=float) ** 2
    return (1.0 - 1j * np.asarray(w) / (k * np.asarray(nu))) ** (-k)


def excess(phi):
    """R = Re[2 phi/(1 - phi)]: the renewal spectrum over nu, minus 1."""
    return (2.0 * phi / (1.0 - phi)).real


def gamma_spectrum(w, nu, cv):
    """Spectrum (Hz) of a gamma renewal train at angular frequency w (rad/s), w > 0."""
    return np.asarray(nu) * (1.0 + excess(gamma_phi(w, nu, cv)))


def renewal_excess(nu, cv, tau_k, tau_m):
    """J (s) of the module docstring: the excess of the PSP-filtered spectrum of gamma
    trains over Poisson, per train and unit rate. Broadcasts ``nu`` (Hz, > 0), ``cv``,
    ``tau_k`` and ``tau_m`` (s); 0 where cv == 1 or nu == 0."""
    nu, cv, tk, tm = np.broadcast_arrays(*(np.asarray(v, dtype=float)
                                           for v in (nu, cv, tau_k, tau_m)))
    shape = nu.shape
    nu, cv, tk, tm = (v.reshape(-1, 1) for v in (nu, cv, tk, tm))
    live = (nu > 0) & (cv != 1.0)
    nu_ = np.where(live, nu, 1.0)
    cv_ = np.where(live, cv, 1.0)
    k = 1.0 / cv_ ** 2

    def filt(w):
        return 1.0 / ((1.0 + (w * tk) ** 2) * (1.0 + (w * tm) ** 2))

    def R(u):   # u = w/nu; phi = (1 - i u/k)^(-k)
        with np.errstate(invalid="ignore", divide="ignore"):
            phi = (1.0 - 1j * u / k) ** (-k)
            return excess(phi)

    low = np.sum(_WU * R(_U[None, :]) * filt(nu_ * _U[None, :]), axis=1) * nu_[:, 0]
    W = 2 * np.pi * HARMONICS * nu_
    tmin = np.minimum(tk, tm)
    wt = W + np.tan(_TH)[None, :] / tmin
    jac = 1.0 / (tmin * np.cos(_TH)[None, :] ** 2)
    tail = np.sum(_WTH * jac * R(wt / nu_) * filt(wt), axis=1)
    out = np.where(live[:, 0], (low + tail) / np.pi, 0.0)
    return out.reshape(shape)
