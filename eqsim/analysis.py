"""Standard measures of network activity (numpy only, no Python loop over neurons).

Spike measures take a *spike source*: a SpikeMonitor, a list of them (neurons numbered
in list order), a dict ``{id: times}``, a tuple ``(times, indices)`` (times as a time
Quantity or plain seconds) or a spike-file trial (:class:`eqsim.io.SpikeTrial`). Each
takes ``label=`` to restrict it to one population (monitors and trials know labels).
Time arguments (``t_start``, ``bin_size``, ``width``) are time quantities (``10*ms``).

- rates: :func:`firing_rates` (per neuron), :func:`population_rates` ({label: rate}),
  :func:`population_activity` (binned, smoothed with a Gaussian or box kernel)
- irregularity and variability: :func:`isi_cv`, :func:`fano_factor`
- correlation and synchrony: :func:`spike_count_correlation`, :func:`mean_correlation`,
  :func:`synchrony_chi` (Golomb 2007)
- spike-train distance: :func:`victor_purpura`, :func:`victor_purpura_matrix`
- membrane potential and currents: :func:`vm_stats`, :func:`ei_currents`,
  :func:`ei_balance`
- :func:`to_neo`: monitors as a Neo Block, for Elephant (``pip install eqsim[neo]``)

>>> import numpy as np
>>> from eqsim.units import ms, second
>>> regular = {0: 0.05 + 0.1 * np.arange(10)}     # one neuron, 10 Hz, times in s
>>> round(float(isi_cv(regular)[0]), 12)
0.0
>>> round(float(firing_rates(regular, t_stop=1 * second)[0]), 6)
10.0
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .equations.expressions import SECOND
from .errors import ConfigurationError
from .units import Hz, Quantity, get_dimension

HZ = get_dimension(Hz)


# ---- spike sources ------------------------------------------------------------------
@dataclass(frozen=True)
class SpikeData:
    """Spikes as flat arrays: ``t`` (s), ``i`` (0..N-1), ``N`` neurons, the ``gids`` and
    ``labels`` of those N neurons, and the end of the recording ``t_end`` (s) if known."""

    t: np.ndarray
    i: np.ndarray
    N: int
    gids: np.ndarray
    labels: np.ndarray
    t_end: float | None = None

    def select(self, label: str | None) -> "SpikeData":
        """Only the neurons labelled ``label`` (renumbered 0..n-1)."""
        if label is None:
            return self
        keep = self.labels == label
        if not keep.any():
            raise ConfigurationError(f"no neurons labelled '{label}'", code="E983",
                                     hint="labels: " + ", ".join(dict.fromkeys(
                                         self.labels.tolist())))
        new_index = np.cumsum(keep) - 1
        on = keep[self.i]
        return SpikeData(self.t[on], new_index[self.i[on]], int(keep.sum()),
                         self.gids[keep], self.labels[keep], self.t_end)


def _plain_seconds(times) -> np.ndarray:
    if isinstance(times, Quantity):
        if get_dimension(times) != SECOND:
            raise ConfigurationError(f"spike times must be times, got "
                                     f"{get_dimension(times)}", code="E983")
        return np.asarray(times.view(np.ndarray), dtype=float).ravel()
    return np.asarray(times, dtype=float).ravel()


def spike_data(source, N: int | None = None) -> SpikeData:
    """Any spike source (see the module's docstring) as :class:`SpikeData`."""
    if isinstance(source, SpikeData):
        return source
    from .runtime.monitors import SpikeMonitor
    if isinstance(source, SpikeMonitor):
        source = [source]
    if isinstance(source, (list, tuple)) and source and \
            all(isinstance(m, SpikeMonitor) for m in source):
        return _from_monitors(list(source))
    if hasattr(source, "times_ms") and hasattr(source, "gids"):   # eqsim.io.SpikeTrial
        return _from_trial(source)
    if isinstance(source, dict):
        ids = sorted(source)
        lengths = [len(np.atleast_1d(_plain_seconds(source[k]))) for k in ids]
        t = np.concatenate([_plain_seconds(source[k]) for k in ids]) if ids else \
            np.zeros(0)
        i = np.repeat(np.arange(len(ids)), lengths)
        n = len(ids) if N is None else int(N)
        return SpikeData(t, i.astype(np.int64), n, np.asarray(ids if N is None else
                                                              np.arange(n)),
                         np.full(n, "all"), None)
    if isinstance(source, tuple) and len(source) == 2:
        t, i = _plain_seconds(source[0]), np.asarray(source[1]).ravel()
        if t.shape != i.shape:
            raise ConfigurationError(f"{t.size} spike times but {i.size} indices",
                                     code="E983")
        if i.size and (not np.issubdtype(i.dtype, np.integer) or i.min() < 0):
            raise ConfigurationError("spike indices must be whole numbers >= 0",
                                     code="E983")
        n = int(i.max()) + 1 if N is None and i.size else int(N or 0)
        if i.size and i.max() >= n:
            raise ConfigurationError(f"index {int(i.max())} >= N = {n}", code="E983")
        return SpikeData(t, i.astype(np.int64), n, np.arange(n), np.full(n, "all"), None)
    raise ConfigurationError(f"cannot read spikes from a {type(source).__name__}",
                             code="E983", hint="give a SpikeMonitor, a list of them, a "
                             "dict {id: times}, a tuple (times, indices) or a SpikeTrial")


def _from_monitors(monitors) -> SpikeData:
    ts, is_, gids, labels, offset, ends = [], [], [], [], 0, []
    for m in monitors:
        if getattr(m, "_kind", "") == "ratemonitor":
            raise ConfigurationError("a PopulationRateMonitor has no spikes of neurons; "
                                     "use a SpikeMonitor", code="E983")
        ts.append(m.t_)
        is_.append(m.i.astype(np.int64) + offset)
        try:
            gids.append(m.neuron_gids)
        except ConfigurationError:   # not in a Network: numbered in list order
            gids.append(np.arange(m.N) + offset)
        labels.append(m.neuron_labels)
        ends.append(m.source.t_)
        offset += m.N
    return SpikeData(np.concatenate(ts), np.concatenate(is_), offset,
                     np.concatenate(gids), np.concatenate(labels).astype(str),
                     max(ends) if ends else None)


def _from_trial(trial) -> SpikeData:
    gids = np.asarray(trial.gids, dtype=np.int64)
    ranges = getattr(trial, "gid_ranges", None)
    if ranges:
        all_gids = np.concatenate([np.arange(r.start, r.stop) for r in ranges.values()])
        names = np.concatenate([np.full(len(r), k) for k, r in ranges.items()])
        all_gids, first = np.unique(all_gids, return_index=True)
        labels = names[first]
    else:
        all_gids, first = np.unique(gids, return_index=True)
        labels = np.asarray(trial.types)[first] if len(gids) else np.zeros(0, str)
    index = np.searchsorted(all_gids, gids)
    return SpikeData(np.asarray(trial.times_ms, dtype=float) * 1e-3, index, len(all_gids),
                     all_gids, np.asarray(labels).astype(str), None)


def _time(value, what: str, allow_zero: bool = True) -> float:
    if isinstance(value, Quantity) and get_dimension(value) == SECOND:
        out = float(value)
    elif not isinstance(value, Quantity) and np.ndim(value) == 0 and \
            float(value) == 0 and allow_zero:
        out = 0.0
    else:
        raise ConfigurationError(f"{what} must be a time (e.g. 5*ms), got {value!r}",
                                 code="E983")
    if not np.isfinite(out) or out < 0 or (out == 0 and not allow_zero):
        raise ConfigurationError(f"{what} must be a positive time, got {value!r}",
                                 code="E983")
    return out


def _window(data: SpikeData, t_start, t_stop) -> tuple[float, float]:
    a = 0.0 if t_start is None else _time(t_start, "t_start")
    if t_stop is None:
        if data.t_end is None:
            raise ConfigurationError("give t_stop= (the end of the recording is not "
                                     "known for this spike source)", code="E983")
        b = data.t_end
    else:
        b = _time(t_stop, "t_stop")
    if b <= a:
        raise ConfigurationError(f"the window [{a} s, {b} s) is empty", code="E983")
    return a, b


def binned_counts(source, bin_size, t_start=None, t_stop=None, label: str | None = None):
    """Spike counts per neuron in bins of ``bin_size`` from t_start: ``(edges in s,
    counts (N, bins))``. Bins are [a, a + bin_size); the last one may be cut by t_stop."""
    data = spike_data(source).select(label)
    a, b = _window(data, t_start, t_stop)
    width = _time(bin_size, "bin_size", allow_zero=False)
    n_bins = int(np.ceil((b - a) / width - 1e-9))
    edges = a + np.arange(n_bins + 1) * width
    edges[-1] = min(edges[-1], b)
    on = (data.t >= a) & (data.t < b)
    k = np.minimum(((data.t[on] - a) / width).astype(np.int64), n_bins - 1)
    counts = np.bincount(data.i[on] * n_bins + k, minlength=data.N * n_bins)
    return edges, counts.reshape(data.N, n_bins)


# ---- rates --------------------------------------------------------------------------
def firing_rates(source, t_start=None, t_stop=None, label: str | None = None) -> Quantity:
    """Rate of each neuron in [t_start, t_stop) (spikes / duration)."""
    data = spike_data(source).select(label)
    a, b = _window(data, t_start, t_stop)
    on = (data.t >= a) & (data.t < b)
    return Quantity(np.bincount(data.i[on], minlength=data.N) / (b - a), HZ)


def population_rates(source, t_start=None, t_stop=None) -> dict[str, Quantity]:
    """Mean rate per neuron of each population in [t_start, t_stop): {label: rate}.
    Labels are the finest ones (a labelled subgroup's, else its group's)."""
    data = spike_data(source)
    rates = firing_rates(data, t_start, t_stop).view(np.ndarray)
    return {label: Quantity(float(rates[data.labels == label].mean()), HZ)
            for label in dict.fromkeys(data.labels.tolist())}


def population_activity(source, bin_size, t_start=None, t_stop=None, kernel="gaussian",
                        width=None, label: str | None = None):
    """The population rate (spikes per neuron per second) in bins of ``bin_size``,
    smoothed by a ``"gaussian"`` kernel (``width`` = its standard deviation, cut at 4
    widths), a ``"box"`` kernel (``width`` = its length), or not (``kernel=None``).
    Near the ends the kernel is renormalised over the part inside the window, so a
    constant rate stays constant. Returns (bin centres as times, rates)."""
    edges, counts = binned_counts(source, bin_size, t_start, t_stop, label)
    widths = np.diff(edges)
    n = counts.shape[0]
    rate = counts.sum(axis=0) / (max(n, 1) * widths)
    if kernel is not None:
        step = _time(bin_size, "bin_size", allow_zero=False)
        w = _time(width, "width", allow_zero=False) if width is not None else None
        if w is None:
            raise ConfigurationError("a smoothing kernel needs width= (a time)",
                                     code="E983")
        if kernel == "gaussian":
            half = int(np.ceil(4 * w / step))
            x = np.arange(-half, half + 1) * step
            k = np.exp(-0.5 * (x / w) ** 2)
        elif kernel == "box":
            m = max(1, int(round(w / step)))
            k = np.ones(m + (1 - m % 2))   # odd length: centred
        else:
            raise ConfigurationError(f"unknown kernel {kernel!r}", code="E983",
                                     hint="use 'gaussian', 'box' or None")
        mass = np.convolve(np.ones_like(rate), k, mode="same")
        rate = np.convolve(rate, k, mode="same") / mass
    centres = 0.5 * (edges[1:] + edges[:-1])
    return Quantity(centres, SECOND), Quantity(rate, HZ)


# ---- irregularity and variability ---------------------------------------------------
def isi_cv(source, label: str | None = None, min_spikes: int = 3) -> np.ndarray:
    """Coefficient of variation (std/mean, ddof 0, as Elephant's ``cv``) of the
    inter-spike intervals of each neuron; NaN for neurons with fewer than
    ``min_spikes`` spikes."""
    data = spike_data(source).select(label)
    order = np.lexsort((data.t, data.i))
    i, t = data.i[order], data.t[order]
    same = i[1:] == i[:-1]
    isi, owner = np.diff(t)[same], i[1:][same]
    n = np.bincount(owner, minlength=data.N).astype(float)
    s1 = np.bincount(owner, isi, minlength=data.N)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s1 / n
        dev = isi - mean[owner]
        var = np.bincount(owner, dev * dev, minlength=data.N) / n
        cv = np.sqrt(var) / mean
    counts = np.bincount(i, minlength=data.N)
    cv[counts < max(min_spikes, 2)] = np.nan
    return cv


def fano_factor(source, bin_size, t_start=None, t_stop=None,
                label: str | None = None) -> np.ndarray:
    """Fano factor (variance / mean, ddof 0) of each neuron's spike counts in bins of
    ``bin_size``; NaN for silent neurons. A partial last bin is dropped."""
    edges, counts = binned_counts(source, bin_size, t_start, t_stop, label)
    width = _time(bin_size, "bin_size", allow_zero=False)
    full = np.diff(edges) > width * (1 - 1e-9)
    counts = counts[:, full]
    mean = counts.mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(mean > 0, counts.var(axis=1) / mean, np.nan)


# ---- correlation and synchrony ------------------------------------------------------
def spike_count_correlation(source, bin_size, t_start=None, t_stop=None,
                            label: str | None = None) -> np.ndarray:
    """Pearson correlation matrix (N x N) of the neurons' spike counts in bins of
    ``bin_size``; rows and columns of neurons with constant counts are NaN."""
    _, counts = binned_counts(source, bin_size, t_start, t_stop, label)
    x = counts - counts.mean(axis=1, keepdims=True)
    norm = np.sqrt((x * x).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        c = (x @ x.T) / np.outer(norm, norm)
    return c


def mean_correlation(matrix: np.ndarray) -> float:
    """Mean of the off-diagonal entries of a correlation matrix (NaNs ignored)."""
    m = np.asarray(matrix, dtype=float)
    off = m[~np.eye(m.shape[0], dtype=bool)]
    off = off[np.isfinite(off)]
    return float(off.mean()) if off.size else float("nan")


def synchrony_chi(signals) -> float:
    """Golomb's synchrony measure chi (Golomb 2007, Scholarpedia 2:1347): the standard
    deviation of the population mean signal over time divided by the root mean square
    of the neurons' own standard deviations. ``signals`` is (neurons, times): membrane
    potentials (``statemon.v``) or smoothed spike trains. 1 for identical signals,
    about 1/sqrt(N) for independent ones."""
    x = np.asarray(signals.view(np.ndarray) if isinstance(signals, Quantity)
                   else signals, dtype=float)
    if x.ndim != 2 or x.shape[0] < 1 or x.shape[1] < 2:
        raise ConfigurationError(f"synchrony_chi needs (neurons, times) values with at "
                                 f"least 2 times, got shape {x.shape}", code="E983")
    pop_var = x.mean(axis=0).var()
    own_var = x.var(axis=1).mean()
    return float(np.sqrt(pop_var / own_var)) if own_var > 0 else float("nan")


# ---- spike-train distance -----------------------------------------------------------
def _train(times) -> np.ndarray:
    return np.sort(_plain_seconds(times))


def victor_purpura(a, b, q) -> float:
    """Victor–Purpura distance between two spike trains (times as quantities or plain
    seconds) with cost ``q`` per unit of shift (a rate, e.g. ``200*Hz``: moving a spike
    by 1/q costs as much as deleting it). Dynamic programme of O(n·m) cells, one
    vectorised row at a time: within a row D[i, j] = min_l (E[l] + j - l), a running
    minimum.
    """
    q = _rate(q)
    ta, tb = _train(a), _train(b)
    n, m = len(ta), len(tb)
    if n == 0 or m == 0:
        return float(n + m)
    cols = np.arange(m + 1, dtype=float)
    prev = cols.copy()                      # D[0, j] = j
    for k in range(1, n + 1):
        shift = q * np.abs(ta[k - 1] - tb)
        e = np.empty(m + 1)
        e[0] = k                            # D[k, 0] = k
        e[1:] = np.minimum(prev[1:] + 1, prev[:-1] + shift)
        prev = np.minimum.accumulate(e - cols) + cols
    return float(prev[-1])


def victor_purpura_matrix(trains, q) -> np.ndarray:
    """Victor–Purpura distances between every pair of spike trains (a list, or a dict
    {id: times} in key order, or any spike source: one train per neuron)."""
    if isinstance(trains, dict):
        trains = [trains[k] for k in sorted(trains)]
    elif not isinstance(trains, list):
        data = spike_data(trains)
        order = np.lexsort((data.t, data.i))
        bounds = np.searchsorted(data.i[order], np.arange(data.N + 1))
        trains = [data.t[order[bounds[k]:bounds[k + 1]]] for k in range(data.N)]
    n = len(trains)
    out = np.zeros((n, n))
    for x in range(n):
        for y in range(x + 1, n):
            out[x, y] = out[y, x] = victor_purpura(trains[x], trains[y], q)
    return out


def _rate(q) -> float:
    if isinstance(q, Quantity) and get_dimension(q) == HZ and float(q) >= 0:
        return float(q)
    raise ConfigurationError(f"the cost q must be a rate >= 0 (e.g. 100*Hz), got {q!r}",
                             code="E983")


# ---- membrane potential and currents ------------------------------------------------
def _trace(mon, var: str, t_start=None, t_stop=None):
    """(values (neurons, times) in SI, dimension) of a recorded variable in a window."""
    from .runtime.monitors import StateMonitor
    if not isinstance(mon, StateMonitor):
        raise ConfigurationError(f"needs a StateMonitor, got {type(mon).__name__}",
                                 code="E983")
    if var not in mon.variables:
        raise ConfigurationError(f"StateMonitor '{mon.name}' does not record '{var}'",
                                 code="E983", hint="it records: " +
                                 ", ".join(mon.variables))
    values = getattr(mon, var)
    dim = get_dimension(values)
    t = mon.t_
    keep = np.ones(t.shape, dtype=bool)
    if t_start is not None:
        keep &= t >= _time(t_start, "t_start")
    if t_stop is not None:
        keep &= t < _time(t_stop, "t_stop")
    values = np.asarray(values.view(np.ndarray) if isinstance(values, Quantity)
                        else values, dtype=float)
    return values[:, keep], dim


def vm_stats(mon, var: str = "v", t_start=None, t_stop=None) -> dict:
    """Mean, standard deviation and skewness (the biased moment ratio m3/m2^1.5, as
    scipy.stats.skew) over time of each recorded neuron's ``var`` (of a StateMonitor,
    or of an array (neurons, times) given instead):
    ``{"mean": ..., "std": ..., "skewness": ...}`` (mean and std with the variable's
    unit)."""
    if isinstance(mon, np.ndarray):   # values (neurons, times) given directly
        if t_start is not None or t_stop is not None:
            raise ConfigurationError("a time window needs a StateMonitor", code="E983")
        dim = get_dimension(mon)
        x = np.atleast_2d(np.asarray(mon.view(np.ndarray) if isinstance(mon, Quantity)
                                     else mon, dtype=float))
    else:
        x, dim = _trace(mon, var, t_start, t_stop)
    mean = x.mean(axis=1)
    dev = x - mean[:, None]
    m2 = (dev ** 2).mean(axis=1)
    m3 = (dev ** 3).mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        skew = np.where(m2 > 0, m3 / m2 ** 1.5, np.nan)

    def wrap(v):
        return v if dim.is_dimensionless else Quantity(v, dim)
    return {"mean": wrap(mean), "std": wrap(np.sqrt(m2)), "skewness": skew}


def ei_currents(mon, e: str = "ge", i: str = "gi", v: str = "v", E_e=None, E_i=None,
                t_start=None, t_stop=None):
    """Excitatory and inhibitory currents (neurons, times) from a StateMonitor: with
    reversal potentials ``E_e``/``E_i`` given, ``e`` and ``i`` are conductances and the
    currents are g_e*(E_e - v), g_i*(E_i - v); without, ``e`` and ``i`` are recorded
    currents. Positive = depolarising. Returns (I_E, I_I)."""
    out = []
    for name, rev in ((e, E_e), (i, E_i)):
        g, dim = _trace(mon, name, t_start, t_stop)
        if rev is None:
            out.append(Quantity(g, dim) if not dim.is_dimensionless else g)
            continue
        vm, vdim = _trace(mon, v, t_start, t_stop)
        if get_dimension(rev) != vdim:
            raise ConfigurationError(f"the reversal potential {rev!r} and '{v}' have "
                                     "different units", code="E983")
        value = float(np.asarray(rev))
        out.append(Quantity(g * (value - vm), dim * vdim))
    return tuple(out)


def ei_balance(I_E, I_I) -> dict:
    """How well inhibition balances excitation, per neuron: ``mean_E``, ``mean_I`` (time
    means), ``ratio`` = -mean_I/mean_E (1: balanced on average), ``net`` = mean of
    I_E + I_I, and ``correlation`` = Pearson correlation over time of I_E and -I_I (1:
    inhibition tracks excitation, a "detailed" balance)."""
    dim = get_dimension(I_E)
    e = np.atleast_2d(np.asarray(I_E.view(np.ndarray) if isinstance(I_E, Quantity)
                                 else I_E, dtype=float))
    i = np.atleast_2d(np.asarray(I_I.view(np.ndarray) if isinstance(I_I, Quantity)
                                 else I_I, dtype=float))
    if e.shape != i.shape or get_dimension(I_I) != dim:
        raise ConfigurationError("I_E and I_I need the same shape and unit", code="E983")
    me, mi = e.mean(axis=1), i.mean(axis=1)
    de, di = e - me[:, None], -(i - mi[:, None])
    se, si = np.sqrt((de * de).mean(axis=1)), np.sqrt((di * di).mean(axis=1))
    flat = (se <= 1e-9 * np.abs(me)) | (si <= 1e-9 * np.abs(mi)) | (se * si == 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.where(flat, np.nan, (de * di).mean(axis=1) / (se * si))
        ratio = -mi / me

    def wrap(x):
        return x if dim.is_dimensionless else Quantity(x, dim)
    return {"mean_E": wrap(me), "mean_I": wrap(mi), "ratio": ratio,
            "net": wrap(me + mi), "correlation": corr}


# ---- Neo ----------------------------------------------------------------------------
def to_neo(monitors, t_stop=None, name: str = "eqsim"):
    """Monitors as a ``neo.Block`` with one Segment: one ``SpikeTrain`` per neuron of each
    SpikeMonitor (annotated with ``gid``, ``label`` and ``index``), one
    ``AnalogSignal`` per recorded variable of each StateMonitor (neurons as channels,
    annotated with ``variable`` and ``indices``). Needs neo (``pip install eqsim[neo]``).
    """
    try:
        import neo
        import quantities as pq
    except ImportError as exc:
        raise ConfigurationError("to_neo() needs the neo package", code="E984",
                                 hint="pip install 'eqsim[neo]'") from exc
    from .runtime.monitors import StateMonitor, SpikeMonitor
    if not isinstance(monitors, (list, tuple)):
        monitors = [monitors]
    block = neo.Block(name=name)
    seg = neo.Segment(name="run")
    block.segments.append(seg)
    for mon in monitors:
        if isinstance(mon, SpikeMonitor) and getattr(mon, "_kind", "") != "ratemonitor":
            data = spike_data(mon)
            end = _time(t_stop, "t_stop") if t_stop is not None else mon.source.t_
            if data.t.size:
                end = max(end, float(data.t.max()))
            order = np.lexsort((data.t, data.i))
            bounds = np.searchsorted(data.i[order], np.arange(data.N + 1))
            for k in range(data.N):
                train = neo.SpikeTrain(data.t[order[bounds[k]:bounds[k + 1]]] * pq.s,
                                       t_start=0 * pq.s, t_stop=end * pq.s)
                train.annotate(gid=int(data.gids[k]), label=str(data.labels[k]),
                               index=k, monitor=mon.name)
                seg.spiketrains.append(train)
        elif isinstance(mon, StateMonitor):
            t = mon.t_
            for var in mon.variables:
                values, dim = _trace(mon, var)
                unit = pq.dimensionless if dim.is_dimensionless else \
                    pq.Quantity(1.0, _pq_unit(dim, pq))
                period = float(np.median(np.diff(t))) if len(t) > 1 else mon.dt_
                sig = neo.AnalogSignal(values.T * unit, sampling_period=period * pq.s,
                                       t_start=(t[0] if len(t) else 0.0) * pq.s,
                                       name=f"{mon.name}.{var}")
                sig.annotate(variable=var, indices=(mon.record - mon._offset).tolist(),
                             monitor=mon.name)
                seg.analogsignals.append(sig)
        else:
            raise ConfigurationError(f"to_neo() takes SpikeMonitors and StateMonitors, "
                                     f"got {type(mon).__name__}", code="E984")
    return block


def _pq_unit(dim, pq):
    """The quantities unit of an eqsim dimension: V, A, S, s or Hz by name, else the
    product of SI base units."""
    from .units import amp, siemens, volt
    for unit, name in ((volt, "V"), (amp, "A"), (siemens, "S"), (Hz, "Hz")):
        if get_dimension(unit) == dim:
            return getattr(pq, name)
    out = pq.dimensionless
    for name, power in zip(("m", "kg", "s", "A", "K", "mol", "cd"), dim.exponents):
        if power:
            out = out * getattr(pq, name) ** float(power)
    return out


__all__ = ["SpikeData", "spike_data", "binned_counts", "firing_rates",
           "population_rates", "population_activity", "isi_cv", "fano_factor",
           "spike_count_correlation", "mean_correlation", "synchrony_chi",
           "victor_purpura", "victor_purpura_matrix", "vm_stats", "ei_currents",
           "ei_balance", "to_neo"]
