"""Standard pictures of a run (matplotlib): each function takes monitors (or a Network)
and returns the matplotlib Figure.

- :func:`raster` — spikes by gid over time, one colour per population label
- :func:`population_rates` — smoothed population rate of each label (or of
  PopulationRateMonitors)
- :func:`vm_traces` — recorded traces of a few neurons
- :func:`rate_histogram` — distribution of the neurons' firing rates per label
- :func:`activity_plot` — all of them in one figure (as neural_network_dynamics's
  ``activity_plots``)

Pass ``ax=`` to draw into an existing Axes. Without it a new figure is made: in a
Jupyter kernel a pyplot figure that is closed at once (so the returned figure shows once,
as the cell's value); in a script that imported pyplot, a pyplot figure (``plt.show()``
shows it); otherwise a plain Figure (headless, nothing global: ``fig.savefig(...)``).
"""
from __future__ import annotations

import sys
import types

import numpy as np

from . import analysis
from .errors import ConfigurationError
from .units import ms
from .runtime.labels import label_of

_TIME_UNITS = {"ms": 1e-3, "s": 1.0, "second": 1.0}


def _new_figure(figsize):
    if "ipykernel" in sys.modules or "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt
        fig = plt.figure(figsize=figsize)
        if "ipykernel" in sys.modules:
            plt.close(fig)   # shown once, as the value returned
        return fig
    from matplotlib.figure import Figure
    return Figure(figsize=figsize)


def _axes(ax, figsize=(8, 3)):
    if ax is not None:
        return ax.figure, ax
    fig = _new_figure(figsize)
    return fig, fig.add_subplot(1, 1, 1)


def _scale(time_unit: str) -> float:
    if time_unit not in _TIME_UNITS:
        raise ConfigurationError(f"time_unit must be 'ms' or 's', got {time_unit!r}",
                                 code="E985")
    return _TIME_UNITS[time_unit]


def label_colors(labels, colors=None) -> dict[str, str]:
    """A colour per label: from ``colors`` ({label: colour}) where given, else
    matplotlib's tab10 cycle in the order the labels come."""
    import matplotlib
    cycle = matplotlib.colormaps["tab10"].colors
    out, k = {}, 0
    for label in dict.fromkeys(labels):
        if colors and label in colors:
            out[label] = colors[label]
        else:
            out[label] = matplotlib.colors.to_hex(cycle[k % len(cycle)])
            k += 1
    return out


def _spike_source(source):
    from .runtime.network import Network
    if isinstance(source, Network):
        mons = [m for m in source.spike_monitors if m._kind != "ratemonitor"]
        if not mons:
            raise ConfigurationError("the network has no SpikeMonitor to plot",
                                     code="E985")
        return mons
    return source


def raster(source, ax=None, colors=None, time_unit: str = "ms", markersize: float = 2,
           legend: bool = True):
    """Spikes as dots, gid (or neuron number) against time, one colour per population
    label (one Line2D per label). ``source``: any spike source of
    :mod:`eqsim.analysis` or a Network."""
    data = analysis.spike_data(_spike_source(source))
    fig, ax = _axes(ax)
    scale = _scale(time_unit)
    labels = data.labels[data.i] if data.t.size else np.zeros(0, str)
    y = data.gids[data.i] if data.t.size else np.zeros(0)
    cmap = label_colors(data.labels.tolist(), colors)
    for label, color in cmap.items():
        on = labels == label
        ax.plot(data.t[on] / scale, y[on], ".", ms=markersize, color=color, label=label,
                linestyle="none")
    ax.set_xlabel(f"time ({time_unit})")
    ax.set_ylabel("gid")
    if data.t_end is not None:
        ax.set_xlim(0, data.t_end / scale)
    if data.N:
        ax.set_ylim(data.gids.min() - 0.5, data.gids.max() + 0.5)
    if legend and len(cmap) > 1:
        ax.legend(loc="upper right", markerscale=4, fontsize="small")
    return fig


def population_rates(source, ax=None, bin_size=0.1 * ms, width=2 * ms,
                     kernel="gaussian", colors=None, time_unit: str = "ms",
                     t_stop=None):
    """The population rate of each label (spikes per neuron per second), binned at
    ``bin_size`` and smoothed (:func:`eqsim.analysis.population_activity`): one line per
    label. PopulationRateMonitors (one or a list) are drawn with their own
    ``smooth_rate``."""
    from .runtime.monitors import PopulationRateMonitor
    fig, ax = _axes(ax)
    scale = _scale(time_unit)
    mons = source if isinstance(source, (list, tuple)) else [source]
    if mons and all(isinstance(m, PopulationRateMonitor) for m in mons):
        cmap = label_colors([label_of(m.source) for m in mons], colors)
        for m in mons:
            rate = m.smooth_rate("gaussian", width) if kernel == "gaussian" and width \
                else m.rate
            ax.plot(m.t_ / scale, np.asarray(rate), color=cmap[label_of(m.source)],
                    label=label_of(m.source))
    else:
        data = analysis.spike_data(_spike_source(source))
        cmap = label_colors(data.labels.tolist(), colors)
        for label, color in cmap.items():
            t, rate = analysis.population_activity(data, bin_size, t_stop=t_stop,
                                                   kernel=kernel, width=width,
                                                   label=label)
            ax.plot(np.asarray(t) / scale, np.asarray(rate), color=color, label=label)
    ax.set_xlabel(f"time ({time_unit})")
    ax.set_ylabel("rate (Hz)")
    if len(cmap) > 1:
        ax.legend(loc="upper right", fontsize="small")
    return fig


def vm_traces(mon, var: str = "v", neurons=None, ax=None, time_unit: str = "ms",
              unit=None, color=None):
    """Traces of ``var`` of some recorded neurons (default: the first three recorded),
    one line each, in ``unit`` (default: mV for voltages)."""
    from .units import get_dimension, mV
    values, dim = analysis._trace(mon, var)
    rows = np.arange(min(3, values.shape[0])) if neurons is None else \
        np.asarray([mon._row(n) for n in np.atleast_1d(neurons)], dtype=np.int64)
    fig, ax = _axes(ax)
    scale = _scale(time_unit)
    if unit is None and dim == get_dimension(mV):
        unit = mV
    factor, name = 1.0, str(dim) if not dim.is_dimensionless else ""
    if unit is not None:
        if get_dimension(unit) != dim:
            raise ConfigurationError(f"unit {unit!r} does not fit {var} (in {dim})",
                                     code="E985")
        factor = float(np.asarray(unit))
        name = "mV" if unit is mV else repr(unit)
    for r in rows:
        ax.plot(mon.t_ / scale, values[r] / factor, lw=1, color=color,
                label=f"neuron {int(mon.record[r] - mon._offset)}")
    ax.set_xlabel(f"time ({time_unit})")
    ax.set_ylabel(f"{var} ({name})" if name else var)
    return fig


def rate_histogram(source, ax=None, t_start=None, t_stop=None, bins=20, colors=None):
    """Histogram of the neurons' firing rates in [t_start, t_stop), one (step-filled)
    histogram per label, over common bins."""
    data = analysis.spike_data(_spike_source(source))
    rates = np.asarray(analysis.firing_rates(data, t_start, t_stop))
    fig, ax = _axes(ax, (4, 3))
    edges = np.histogram_bin_edges(rates, bins=bins)
    cmap = label_colors(data.labels.tolist(), colors)
    for label, color in cmap.items():
        ax.hist(rates[data.labels == label], bins=edges, histtype="stepfilled",
                alpha=0.5, color=color, label=label)
    ax.set_xlabel("rate (Hz)")
    ax.set_ylabel("neurons")
    return fig


def activity_plot(net_or_monitors, var: str = "v", colors=None, time_unit: str = "ms",
                  bin_size=0.1 * ms, width=2 * ms, figsize=(10, 7)):
    """Raster, population rates, Vm traces (when a StateMonitor records ``var``) and
    a rate histogram in one figure. Takes a Network or a list of monitors."""
    from .runtime.monitors import PopulationRateMonitor, SpikeMonitor, StateMonitor
    from .runtime.network import Network
    objs = net_or_monitors.objects if isinstance(net_or_monitors, Network) else (
        net_or_monitors if isinstance(net_or_monitors, (list, tuple))
        else [net_or_monitors])
    spikes = [m for m in objs if isinstance(m, SpikeMonitor) and
              not isinstance(m, PopulationRateMonitor) and m.event == "spike"]
    states = [m for m in objs if isinstance(m, StateMonitor) and var in m.variables]
    if not spikes:
        raise ConfigurationError("activity_plot needs at least one SpikeMonitor",
                                 code="E985")
    fig = _new_figure(figsize)
    rows = 3 if states else 2
    grid = fig.add_gridspec(rows, 2, width_ratios=(4, 1), height_ratios=(
        (2, 1, 1) if states else (2, 1)), hspace=0.35, wspace=0.25)
    ax_r = fig.add_subplot(grid[0, 0])
    raster(spikes, ax=ax_r, colors=colors, time_unit=time_unit)
    ax_p = fig.add_subplot(grid[1, 0], sharex=ax_r)
    population_rates(spikes, ax=ax_p, bin_size=bin_size, width=width, colors=colors,
                     time_unit=time_unit)
    if states:
        ax_v = fig.add_subplot(grid[2, 0], sharex=ax_r)
        for m in states:
            vm_traces(m, var, ax=ax_v, time_unit=time_unit, neurons=None)
    ax_h = fig.add_subplot(grid[0, 1])
    rate_histogram(spikes, ax=ax_h, colors=colors)
    return fig


__all__ = ["raster", "population_rates", "vm_traces", "rate_histogram", "activity_plot",
           "label_colors"]


class _PlotModule(types.ModuleType):
    """``eqsim.plot`` is this module and, called, pylab's ``plot`` (a Brian2 script's
    ``from eqsim import *`` then ``plot(t, v)``)."""

    def __call__(self, *args, **kwargs):
        from .pylab_names import _pyplot_object
        return _pyplot_object("plot")(*args, **kwargs)


sys.modules[__name__].__class__ = _PlotModule
