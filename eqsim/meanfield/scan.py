"""Transfer-function scans: the output rate of a single cell under Poisson input over a
grid of presynaptic rates, as ONE compiled network.

Every grid point and seed is one neuron of one NeuronGroup (the user's model). Each
input gets, per neuron and time step, a Poisson number of spikes of mean
``K*nu*dt`` (one uniform number per neuron and step, compared with the Poisson CDF
levels of that neuron, which are per-neuron parameters computed here): a compiled
``run_regularly`` adds ``Q`` times that number to the input variable. Spikes are counted
by a SpikeMonitor after a warm-up (3 adaptation time constants); its spike times give
the ISI CV of each grid point (the ISIs of its seeds pooled; NaN with fewer than
``MIN_ISI``), the regularity of the cell's output that a renewal mean-field needs.
"""
from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import ConfigurationError
from ..units import Hz, Quantity, get_dimension, ms, second
from .form import Cell, CellForm, cell_form

_log = logging.getLogger(__name__)
TAIL = 1e-12   # P(more spikes in one step than the CDF levels cover) per neuron and step
MIN_ISI = 20   # ISIs a grid point needs for its CV


@dataclass
class TFScan:
    """A transfer-function scan: ``rates`` {input: grid of presynaptic rates (Hz)},
    ``mean`` and ``std`` of the output rate over seeds (Hz), each of shape ``shape``;
    ``axes`` {scanned input: its values (Hz)}; the cell's ``form``; ``seconds``
    {'build': , 'run': } wall-clock times; ``cv`` the ISI CV of the output (NaN where
    fewer than MIN_ISI intervals) and ``n_isi`` their number, per grid point (None for
    a scan made without them)."""

    rates: dict
    mean: np.ndarray
    std: np.ndarray
    axes: dict
    form: CellForm
    n_seeds: int
    duration_s: float
    seconds: dict = field(default_factory=dict)
    cv: np.ndarray | None = None
    n_isi: np.ndarray | None = None
    q_scale: np.ndarray | None = None   # the noise axis: Q*s at nu/s (None: s = 1)

    @property
    def shape(self) -> tuple:
        return self.mean.shape


def _rate_values(value, what: str) -> np.ndarray:
    if not isinstance(value, Quantity) or get_dimension(value) != get_dimension(Hz):
        raise ConfigurationError(f"{what} must be rates with a unit (Hz), got {value!r}",
                                 code="E926", hint="e.g. np.linspace(0, 20, 20)*Hz")
    arr = np.atleast_1d(np.asarray(value.view(np.ndarray), dtype=float))
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ConfigurationError(f"{what} must be a 1-D list of finite rates >= 0",
                                 code="E926")
    return arr


def _levels(lam: np.ndarray) -> np.ndarray:
    """Poisson CDF levels P(n <= j), j = 0..k-1, for each mean lam (rows), with k such
    that P(n >= k) < TAIL at the largest mean."""
    lmax = float(lam.max(initial=0.0))
    if lmax > 5:
        raise ConfigurationError(f"a Poisson input brings {lmax:.3g} spikes per time step "
                                 "on average: use a smaller dt", code="E926")
    k, term, cdf = 0, math.exp(-lmax), 0.0
    while True:
        cdf += term
        k += 1
        term *= lmax / k
        if 1.0 - cdf < TAIL or k > 60:
            break
    out = np.empty((lam.size, k))
    p = np.exp(-lam)
    acc = np.zeros(lam.size)
    for j in range(k):
        acc = acc + p
        out[:, j] = acc
        p = p * lam / (j + 1)
    return out


def transfer_function(cell: Cell, inputs: dict, *, fixed: dict | None = None,
                      seeds: int = 4, duration=2 * second, warmup=None, dt=0.1 * ms,
                      backend: str = "c", seed: int = 1, noise=None) -> TFScan:
    """Scan the output rate of ``cell`` over the grid of presynaptic rates ``inputs``
    ({input name: 1-D rates in Hz}; the grid is their outer product, ``ij`` order).
    Inputs not scanned take their rate from ``fixed`` ({name: rate}, default 0 Hz).
    ``seeds`` neurons per grid point; ``duration`` counted after ``warmup`` (default:
    3 times the slowest adaptation time constant, at least 200 ms).
    ``noise`` (1-D factors s > 0, e.g. (0.6, 1, 1.5)): a last grid axis on which every
    input has increments Q*s at the rate nu/s: the same mean conductances and mu_V,
    tau_V, with sigma_V^2 times s, so that the fit sees sigma_V vary at fixed mu_V
    (``scan.rates`` hold nu/s, ``scan.q_scale`` s per point).
    """
    from ..runtime.monitors import SpikeMonitor
    from ..runtime.network import Network

    t_start = time.perf_counter()
    form = cell_form(cell)
    fixed = dict(fixed or {})
    if not isinstance(inputs, dict) or not inputs:
        raise ConfigurationError("inputs must be {input name: rates}", code="E926")
    unknown = sorted((set(inputs) | set(fixed)) - set(form.channels))
    if unknown:
        raise ConfigurationError(f"cell '{cell.name}' has no input(s) {', '.join(unknown)}",
                                 code="E926", hint="inputs: " + ", ".join(form.channels))
    if isinstance(seeds, bool) or not isinstance(seeds, (int, np.integer)) or seeds < 1:
        raise ConfigurationError("seeds must be a whole number >= 1", code="E926")
    axes = {name: _rate_values(v, f"rates of input '{name}'") for name, v in inputs.items()}
    if noise is not None:
        noise = np.atleast_1d(np.asarray(noise, dtype=float))
        if noise.ndim != 1 or noise.size == 0 or not np.all(np.isfinite(noise)) or \
                np.any(noise <= 0):
            raise ConfigurationError("noise must be a 1-D list of factors > 0",
                                     code="E935", hint="e.g. noise=(0.6, 1, 1.5)")
    grids = np.meshgrid(*axes.values(), *([noise] if noise is not None else []),
                        indexing="ij")
    shape = grids[0].shape
    npts = grids[0].size
    q_scale = grids[-1].ravel() if noise is not None else np.ones(npts)
    per_neuron = {}
    for name in form.channels:
        if name in axes:
            vals = grids[list(axes).index(name)].ravel()
        else:
            vals = np.full(npts, float(_rate_values(fixed.get(name, 0 * Hz),
                                                    f"fixed rate of '{name}'")[0]))
        per_neuron[name] = np.repeat(vals / q_scale, seeds)
    dur_s = float(duration)
    if warmup is None:
        slow = max([-1.0 / a.gamma for a in form.adaptation] + [0.0])
        warm_s = min(max(0.2, 3.0 * slow), 3.0)
    else:
        warm_s = float(warmup)
    G = poisson_group(cell, form, per_neuron, dt, name=f"tf_{cell.name}", seed=seed,
                      q_scale=np.repeat(q_scale, seeds) if noise is not None else None)
    mon = SpikeMonitor(G, record=True, name=f"tf_{cell.name}_spikes")
    net = Network(G, mon)
    t_built = time.perf_counter()
    net.run(warm_s * second, backend=backend)
    before = mon.counts.copy()
    net.run(dur_s * second, backend=backend)
    t_run = time.perf_counter()
    counts = (mon.counts - before).reshape(npts, seeds) / dur_s
    mean = counts.mean(axis=1).reshape(shape)
    std = (counts.std(axis=1, ddof=1) if seeds > 1 else np.zeros(npts)).reshape(shape)
    rates = {name: per_neuron[name][::seeds].reshape(shape) for name in form.channels}
    cv, n_isi = isi_cv(np.asarray(mon.i), np.asarray(mon.t_), warm_s - 0.5 * float(dt),
                       npts, seeds)
    secs = {"build": t_built - t_start, "run": t_run - t_built}
    _log.info("transfer-function scan of %s: %d points x %d seeds, %.2f s", cell.name,
              npts, seeds, t_run - t_start)
    out = TFScan(rates, mean, std, axes, form, int(seeds), dur_s, secs,
                 cv.reshape(shape), n_isi.reshape(shape))
    if noise is not None:
        out.axes = dict(axes, noise=noise)
        out.q_scale = q_scale.reshape(shape)
    return out


def isi_cv(i: np.ndarray, t: np.ndarray, t0: float, npts: int, seeds: int):
    """ISI CV per grid point (neurons ``p*seeds .. p*seeds + seeds - 1``) from the spikes
    (i, t) after ``t0``, the intervals of the seeds pooled; (cv, number of ISIs), cv NaN
    with fewer than MIN_ISI intervals. Vectorised (one sort)."""
    keep = t >= t0
    i, t = np.asarray(i, dtype=np.int64)[keep], np.asarray(t, dtype=float)[keep]
    order = np.lexsort((t, i))
    i, t = i[order], t[order]
    same = i[1:] == i[:-1]
    isi = np.diff(t)[same]
    pt = i[1:][same] // seeds
    n = np.bincount(pt, minlength=npts).astype(float)
    s1 = np.bincount(pt, isi, minlength=npts)
    s2 = np.bincount(pt, isi * isi, minlength=npts)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / n
        var = s2 / n - mean ** 2
        cv = np.sqrt(np.maximum(var, 0.0) * n / np.maximum(n - 1, 1)) / mean
    cv = np.where(n >= MIN_ISI, cv, np.nan)
    return cv, n.astype(np.int64)


def poisson_group(cell: Cell, form: CellForm, rates: dict, dt=0.1 * ms,
                  name: str = "mf_cell", seed: int = 1, q_scale=None):
    """A NeuronGroup of the cell, one neuron per entry of the per-neuron ``rates``
    {input: Hz array}, each input a compiled Poisson drive of K trains at that rate
    (increments Q, times the per-neuron ``q_scale`` if given); the membrane starts at
    rest (then ``cell.init``)."""
    from ..runtime.groups import NeuronGroup
    dt_s = float(dt)
    N = len(next(iter(rates.values())))
    extra, code, levels = [], [], {}
    ns = dict(cell.namespace)
    for name_, ch in form.channels.items():
        lam = np.asarray(rates.get(name_, np.zeros(N)), dtype=float) * ch.K * dt_s
        if not np.any(lam > 0):
            continue
        lv = _levels(lam)
        levels[name_] = lv
        extra.append(f"mf_u_{name_} : 1")
        extra += [f"mf_c_{name_}_{j} : 1" for j in range(lv.shape[1])]
        ns[f"mf_Q_{name_}"] = cell.inputs[name_].Q
        count = " + ".join(f"(mf_u_{name_} > mf_c_{name_}_{j})"
                           for j in range(lv.shape[1]))
        scale = "mf_s*" if q_scale is not None else ""
        code += [f"mf_u_{name_} = rand()", f"{ch.var} += {scale}mf_Q_{name_}*({count})"]
    if not code:
        raise ConfigurationError("every input rate of the scan is 0 Hz", code="E926")
    if q_scale is not None:
        extra.append("mf_s : 1")
    G = NeuronGroup(N, cell.model + "\n" + "\n".join(extra), threshold=cell.threshold,
                    reset=cell.reset, refractory=cell.refractory, method=cell.method,
                    namespace=ns, name=name, seed=seed, dt=dt)
    setattr(G, form.v, form.rest * _unit_of(G, form.v))
    for var, value in cell.init.items():
        setattr(G, var, value)
    if q_scale is not None:
        G.mf_s = np.asarray(q_scale, dtype=float)
    for name_, lv in levels.items():
        for j in range(lv.shape[1]):
            setattr(G, f"mf_c_{name_}_{j}", lv[:, j])
    G.run_regularly("\n".join(code), when="start")
    return G


def _unit_of(G, var: str):
    from ..units import Quantity as Q
    return Q(1.0, G.equations[var].dim)
