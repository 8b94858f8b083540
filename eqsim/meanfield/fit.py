"""Fitting the semi-analytic transfer function (Zerlaut et al. 2016, 2018) to a scan.

1. From each scanned point with an output rate in (0, 1/(2*tau_V)), the effective
   threshold that the erfc formula needs to give that rate (the inverse of the erfc);
   the 10 coefficients of its second-order polynomial in the normalised mu_V, sigma_V,
   tau_V/tau_m0 by linear least squares (numpy);
2. then (``refine=True``) Levenberg-Marquardt iterations on the output rates themselves
   (Hz, every grid point), starting from the linear solution.

The moments of the fit use the stationary adaptation of the measured output rate.
A :class:`TransferFunction` holds the cell's form (numbers), the coefficients, the
normalisation and the fitted range; it is saved to and loaded from JSON.
"""
from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ConfigurationError
from .form import CellForm
from .renewal import CV_MAX
from .moments import (
    NORM,
    TERMS,
    clamp_of,
    firing_rate,
    moments,
    normalised,
    poly_terms,
    threshold_from_rate,
)

FORMAT = "eqsim.meanfield.TransferFunction/1"


class MeanFieldWarning(UserWarning):
    """The mean-field is used outside the range its transfer function was fitted on."""


@dataclass
class TransferFunction:
    """A fitted transfer function ``rate(inputs)``; ``mae_hz`` (mean absolute error over
    the scan's grid), ``range`` {'muV'|'sV'|'tauN': (lo, hi), input: (lo, hi) Hz}."""

    form: CellForm
    coeffs: np.ndarray
    norm: dict = field(default_factory=lambda: dict(NORM))
    range: dict = field(default_factory=dict)
    mae_hz: float = float("nan")
    info: dict = field(default_factory=dict)
    cv: dict | None = None   # the output ISI CV model (fit_cv), or None

    def output_cv(self, m: dict) -> np.ndarray:
        """The ISI CV of the cell's output at the moments ``m`` (the fitted CV model;
        E933 without one)."""
        if self.cv is None:
            raise ConfigurationError(f"the transfer function of '{self.form.name}' has no "
                                     "ISI CV model (a renewal mean-field needs one)",
                                     code="E933", hint="fit it from a scan that recorded "
                                     "the CV (transfer_function records it; fit(scan))")
        return cv_model(m, self.cv, self.form.tau_m0, self.norm)

    @property
    def clamp(self):
        """The fitted range of the normalised moments (the polynomial is held there)."""
        return clamp_of(self.range, self.norm) if "muV" in self.range else None

    @property
    def inputs(self) -> list:
        return list(self.form.channels)

    def moments(self, rates: dict, W=None, nu_out=0.0, cv: dict | None = None) -> dict:
        """The moments for ``rates``; ``cv`` {input: ISI CV}: those inputs are gamma
        renewal trains (:func:`eqsim.meanfield.moments`)."""
        return moments(self.form, _arrays(rates, self.form), W, nu_out, cv=cv)

    def __call__(self, rates: dict, W: dict | None = None, nu_out=0.0,
                 check: bool = True, cv: dict | None = None) -> np.ndarray:
        """The output rate (Hz) for presynaptic ``rates`` {input: Hz (float/array)}, with
        the adaptation ``W`` or its stationary value at ``nu_out``; ``cv`` {input: ISI
        CV} for renewal (non-Poisson) inputs."""
        m = self.moments(rates, W, nu_out, cv)
        out = firing_rate(m, self.coeffs, self.form.tau_m0, self.norm, clamp=self.clamp)
        if check:
            self.check_range(m, rates)
        return _finite(out, "the transfer function")

    def stationary(self, rates: dict, check: bool = True,
                   cv: dict | None = None) -> np.ndarray:
        """The self-consistent output rate nu = TF(rates, W(nu)) with the stationary
        adaptation (bisection; the rate falls as the adaptation grows); ``cv`` as in
        ``__call__``."""
        rates = _arrays(rates, self.form)
        if not self.form.adaptation:
            return self(rates, check=check, cv=cv)
        shape = np.broadcast(*rates.values()).shape
        lo, hi = np.zeros(shape), np.full(shape, 1e3)
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            above = self(rates, nu_out=mid, check=False, cv=cv) > mid
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
        out = 0.5 * (lo + hi)
        if check:
            self.check_range(self.moments(rates, nu_out=out, cv=cv), rates)
        return out

    def check_range(self, m: dict, rates: dict | None = None, margin: float = 0.05) -> bool:
        """Warn (MeanFieldWarning) where moments or input rates leave the fitted range;
        True when everything is inside."""
        problems = []
        vals = {"muV": m["muV"], "sV": m["sV"], "tauN": m["tauV"] / self.form.tau_m0}
        for key, (unit, scale) in {"muV": ("mV", 1e3), "sV": ("mV", 1e3),
                                   "tauN": ("", 1.0)}.items():
            if key not in self.range:
                continue
            lo, hi = self.range[key]
            pad = margin * (hi - lo)
            v = np.asarray(vals[key], dtype=float)
            if np.any(v < lo - pad) or np.any(v > hi + pad):
                problems.append(f"{key} in [{v.min() * scale:.3g}, {v.max() * scale:.3g}]"
                                f"{unit}, fitted on [{lo * scale:.3g}, {hi * scale:.3g}]{unit}")
        for name, value in (rates or {}).items():
            if name in self.range:
                lo, hi = self.range[name]
                v = np.asarray(value, dtype=float)
                if np.any(v < lo - margin * (hi - lo)) or np.any(v > hi + margin * (hi - lo)):
                    problems.append(f"input '{name}' at [{v.min():.3g}, {v.max():.3g}] Hz, "
                                    f"fitted on [{lo:.3g}, {hi:.3g}] Hz")
        if problems:
            warnings.warn(f"transfer function of '{self.form.name}' used outside its fitted "
                          "range: " + "; ".join(problems), MeanFieldWarning, stacklevel=3)
        return not problems

    # ---- JSON ---------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {"format": FORMAT, "form": self.form.to_dict(),
                "coeffs": [float(c) for c in self.coeffs], "terms": list(TERMS),
                "norm": dict(self.norm),
                "range": {k: [float(a), float(b)] for k, (a, b) in self.range.items()},
                "mae_hz": float(self.mae_hz), "info": self.info,
                "cv": self.cv}

    def save(self, path) -> Path:
        from ..atomic import atomic_write
        path = Path(path)
        atomic_write(path, json.dumps(self.to_dict(), indent=1))
        return path

    @classmethod
    def from_dict(cls, d: dict) -> TransferFunction:
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise ConfigurationError("not a saved transfer function (format "
                                     f"{d.get('format') if isinstance(d, dict) else d!r})",
                                     code="E928", hint=f"expected format {FORMAT}")
        try:
            coeffs = np.asarray(d["coeffs"], dtype=float)
            tf = cls(CellForm.from_dict(d["form"]), coeffs, dict(d["norm"]),
                     {k: tuple(v) for k, v in d["range"].items()}, float(d["mae_hz"]),
                     dict(d.get("info", {})), _cv_from_dict(d.get("cv")))
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigurationError(f"saved transfer function is incomplete: {exc}",
                                     code="E928") from exc
        if coeffs.shape != (len(TERMS),) or not np.all(np.isfinite(coeffs)):
            raise ConfigurationError(f"a transfer function has {len(TERMS)} finite "
                                     "coefficients", code="E928")
        return tf

    @classmethod
    def load(cls, path) -> TransferFunction:
        try:
            d = json.loads(Path(path).read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigurationError(f"cannot read a transfer function from {path}: {exc}",
                                     code="E928") from exc
        return cls.from_dict(d)


def _cv_from_dict(d):
    if d is None:
        return None
    out = {"coeffs": [float(c) for c in d["coeffs"]],
           "clamp": [[float(a), float(b)] for a, b in d["clamp"]],
           "cv_range": [float(a) for a in d["cv_range"]],
           "mae": float(d["mae"]), "points": int(d["points"])}
    if len(out["coeffs"]) != len(TERMS) or not np.all(np.isfinite(out["coeffs"])) or \
            len(out["clamp"]) != 3:
        raise ValueError("the CV model needs 10 finite coefficients and 3 ranges")
    return out


def cv_model(m: dict, cvfit: dict, tau_m0, norm: dict = NORM) -> np.ndarray:
    """The fitted output CV at the moments ``m``: the second-order polynomial of the
    normalised moments (held inside the range the CV was measured on), clipped to
    the measured CVs' range and to (0.01, CV_MAX]."""
    x, y, z = normalised(m, tau_m0, norm)
    x, y, z = (np.clip(u, lo, hi) for u, (lo, hi) in zip((x, y, z), cvfit["clamp"]))
    out = 0.0
    for c, term in zip(cvfit["coeffs"], poly_terms(x, y, z)):
        out = out + c * term
    lo, hi = cvfit["cv_range"]
    return np.clip(out, max(lo, 0.01), min(hi, CV_MAX))


def fit_cv(scan, tau_m0: float, norm: dict = NORM, min_points: int = 10) -> dict | None:
    """The output ISI CV of the scan as a second-order polynomial of the normalised
    moments (the same terms as the effective threshold; least squares weighted by the
    square root of each point's number of ISIs), from the points with a CV. None when
    the scan has no CV or fewer than ``min_points`` points with one."""
    if getattr(scan, "cv", None) is None:
        return None
    cv = np.asarray(scan.cv, dtype=float).ravel()
    ok = np.isfinite(cv)
    if np.count_nonzero(ok) < min_points:
        return None
    rates = {n: np.asarray(v, dtype=float).ravel()[ok] for n, v in scan.rates.items()}
    nu = np.asarray(scan.mean, dtype=float).ravel()[ok]
    qs = _q_scale(scan)
    m = moments(scan.form, rates, nu_out=nu, q_scale=qs if np.isscalar(qs) else qs[ok])
    x, y, z = normalised(m, tau_m0, norm)
    w = np.sqrt(np.asarray(scan.n_isi, dtype=float).ravel()[ok])
    X = np.stack(poly_terms(x, y, z), axis=1)
    coeffs, *_ = np.linalg.lstsq(X * w[:, None], cv[ok] * w, rcond=None)
    fitd = {"coeffs": [float(c) for c in coeffs],
            "clamp": [[float(u.min()), float(u.max())] for u in (x, y, z)],
            "cv_range": [float(cv[ok].min()), float(cv[ok].max())],
            "points": int(np.count_nonzero(ok))}
    fitd["mae"] = float(np.mean(np.abs(cv_model(m, fitd, tau_m0, norm) - cv[ok])))
    return fitd


def _arrays(rates: dict, form: CellForm) -> dict:
    missing = [n for n in form.channels if n not in rates]
    extra = [n for n in rates if n not in form.channels]
    if missing or extra:
        raise ConfigurationError(f"cell '{form.name}' needs a rate for each input "
                                 f"{sorted(form.channels)}; missing {missing}, unknown "
                                 f"{extra}", code="E929")
    out = {}
    for n, v in rates.items():
        a = np.asarray(v.view(np.ndarray) if hasattr(v, "dim") else v, dtype=float)
        if not np.all(np.isfinite(a)) or np.any(a < 0):
            raise ConfigurationError(f"rate of input '{n}' must be finite and >= 0",
                                     code="E929")
        out[n] = a
    return out


def _finite(x, what: str) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        raise ConfigurationError(f"{what} gave a value that is not finite (NaN/inf)",
                                 code="E931", hint="the inputs make the membrane's total "
                                 "conductance <= 0, or coefficients are not finite")
    return x


def fit(scan, *, rate_max: float | None = None, rate_min: float = 1e-3,
        refine: bool = True, floor_hz: float | None = 1.0,
        norm: dict | None = None, min_points: int = 10) -> TransferFunction:
    """Fit the transfer function to a :class:`~eqsim.meanfield.scan.TFScan` (module
    docstring). The refinement weighs each point's error by 1/(rate + ``floor_hz``)
    (relative errors above ~1 Hz: the low rates of asynchronous states count as
    much as the high ones; ``floor_hz=None``: plain errors in Hz). Points outside (``rate_min``, ``rate_max``) Hz are left out of the
    linear step (the refinement uses every point)."""
    form = scan.form
    norm = dict(norm or NORM)
    rates = {n: np.asarray(v, dtype=float).ravel() for n, v in scan.rates.items()}
    nu = np.asarray(scan.mean, dtype=float).ravel()
    qs = _q_scale(scan)
    m = moments(form, rates, nu_out=nu, q_scale=qs)
    tau_m0 = form.tau_m0
    ok = (nu > rate_min) & (2 * m["tauV"] * nu < 1)
    if rate_max is not None:
        ok &= nu < rate_max
    if np.count_nonzero(ok) < min_points:
        raise ConfigurationError(f"the scan of '{form.name}' has {np.count_nonzero(ok)} "
                                 f"points with an output rate > 0; the fit needs "
                                 f"{min_points}", code="E927",
                                 hint="scan higher excitatory rates, or longer")
    v_eff = threshold_from_rate({k: v[ok] if np.ndim(v) else v for k, v in m.items()
                                 if k != "W"}, nu[ok])
    x, y, z = normalised({k: m[k][ok] for k in ("muV", "sV", "tauV")}, tau_m0, norm)
    X = np.stack(poly_terms(x, y, z), axis=1)
    rng = {"muV": (float(m["muV"].min()), float(m["muV"].max())),
           "sV": (float(m["sV"].min()), float(m["sV"].max())),
           "tauN": (float((m["tauV"] / tau_m0).min()), float((m["tauV"] / tau_m0).max()))}
    clamp = clamp_of(rng, norm)
    coeffs, *_ = np.linalg.lstsq(X, v_eff, rcond=None)
    linear = coeffs
    linear_mae = _mae(form, rates, nu, coeffs, norm, clamp, qs)
    if refine:
        coeffs = _levenberg_marquardt(form, rates, nu, coeffs, norm, clamp, floor_hz, qs=qs)
    mae = _mae(form, rates, nu, coeffs, norm, clamp, qs)
    if refine and mae > linear_mae:
        coeffs, mae = linear, linear_mae
    for n in rates:
        if n in scan.axes:   # the nominal rates (with a noise axis, nu/s was simulated)
            rng[n] = (float(np.min(scan.axes[n])), float(np.max(scan.axes[n])))
    info = {"points": int(nu.size), "points_linear": int(np.count_nonzero(ok)),
            "mae_linear_hz": float(linear_mae), "seeds": scan.n_seeds,
            "duration_s": scan.duration_s, "scan_seconds": scan.seconds,
            "max_rate_hz": float(nu.max()),
            "noise_axis": [float(v) for v in scan.axes["noise"]] if "noise" in scan.axes
            else None}
    return TransferFunction(form, coeffs, norm, rng, float(mae), info,
                            fit_cv(scan, tau_m0, norm))


def _q_scale(scan):
    qs = getattr(scan, "q_scale", None)
    return 1.0 if qs is None else np.asarray(qs, dtype=float).ravel()


def _predict(form, rates, nu, coeffs, norm, clamp, qs=1.0):
    m = moments(form, rates, nu_out=nu, q_scale=qs)
    return firing_rate(m, coeffs, form.tau_m0, norm, clamp=clamp)


def _mae(form, rates, nu, coeffs, norm, clamp, qs=1.0) -> float:
    return float(np.mean(np.abs(_predict(form, rates, nu, coeffs, norm, clamp, qs) - nu)))


def _levenberg_marquardt(form, rates, nu, coeffs, norm, clamp, floor_hz=None,
                         iterations: int = 60, qs=1.0):
    """Least squares on the rates over every point (errors in Hz, or relative to
    rate + floor_hz); a numerical Jacobian."""
    c = np.array(coeffs, dtype=float)
    wgt = 1.0 if floor_hz is None else 1.0 / (nu + floor_hz)
    r = (_predict(form, rates, nu, c, norm, clamp, qs) - nu) * wgt
    cost = float(r @ r)
    lam = 1e-3
    for _ in range(iterations):
        J = np.empty((nu.size, c.size))
        for k in range(c.size):
            h = 1e-6
            dc = c.copy()
            dc[k] += h
            J[:, k] = ((_predict(form, rates, nu, dc, norm, clamp, qs) - nu) * wgt - r) / h
        A = J.T @ J
        g = J.T @ r
        improved = False
        for _ in range(10):
            step = np.linalg.solve(A + lam * np.diag(np.diag(A) + 1e-12), -g)
            c_new = c + step
            r_new = (_predict(form, rates, nu, c_new, norm, clamp, qs) - nu) * wgt
            cost_new = float(r_new @ r_new)
            if np.isfinite(cost_new) and cost_new < cost:
                c, r, cost, lam, improved = c_new, r_new, cost_new, lam / 3, True
                break
            lam *= 4
        if not improved or np.max(np.abs(step)) < 1e-9:
            break
    return c
