"""The pylab names ``from brian2 import *`` gives a script, for ``from eqsim import *``.

Brian2 star-imports pylab (numpy, numpy.fft, numpy.random, numpy.linalg and
matplotlib.pyplot), so Brian2 scripts call ``plot``, ``figure``, ``rand``, ``zeros``,
``linspace`` ... unqualified. The numpy names here are numpy's own objects (numpy is
imported anyway). The matplotlib names are small stand-ins that import matplotlib on
first use: importing pyplot costs 0.3-0.7 s, which a script that never plots (and
``import eqsim``) should not pay. ``plt``, ``mpl``, ``cm`` and ``mlab`` are stand-ins
for the modules in the same way.

As in pylab, ``abs``, ``max``, ``min``, ``round``, ``pow``, ``bool`` and ``bytes`` stay
Python's built-ins; ``np`` and ``numpy`` are :mod:`eqsim.numpy_` (numpy with Brian2's
unit-aware ``linspace``, ``arange``, ``where`` ...).
"""
from __future__ import annotations

import builtins
import datetime
import importlib
import types

import numpy
import numpy.fft
import numpy.linalg
import numpy.random

# What ``from pylab import *`` takes from matplotlib (matplotlib 3.11; a name that an
# older matplotlib lacks raises AttributeError when used, not when imported).
MATPLOTLIB_NAMES = tuple("""
    Annotation Arrow Artist AutoLocator AxLine Axes BackendFilter Button Circle
    Colorizer ColorizingArtist Colormap DateFormatter DateLocator DayLocator Figure
    FigureBase FigureCanvasBase FigureManagerBase FixedFormatter FixedLocator
    FormatStrFormatter Formatter FuncFormatter GridSpec HourLocator IndexLocator
    Line2D LinearLocator Locator LogFormatter LogFormatterExponent
    LogFormatterMathtext LogLocator MaxNLocator MinuteLocator MonthLocator
    MouseButton MultipleLocator Normalize NullFormatter NullLocator PolarAxes
    Polygon RRuleLocator Rectangle ScalarFormatter SecondLocator Slider Subplot
    SubplotSpec Text TickHelper WeekdayLocator Widget YearLocator acorr
    angle_spectrum annotate arrow autoscale autumn axes axhline axhspan axis axline
    axvline axvspan backend_registry bar bar_label barbs barh bone box boxplot
    broken_barh cla clabel clf clim close cohere color_sequences colorbar colormaps
    connect contour contourf cool copper csd cycler date2num datestr2num delaxes detrend
    detrend_linear detrend_mean detrend_none disconnect drange draw draw_all
    draw_if_interactive ecdf errorbar eventplot figaspect figimage figlegend
    fignum_exists figtext figure fill fill_between fill_betweenx findobj flag
    flatten gca gcf gci get get_backend get_cmap get_current_fig_manager
    get_figlabels get_fignums get_plot_commands get_scale_names getp ginput gray
    grid grouped_bar hexbin hist hist2d hlines hot hsv imread imsave imshow inferno
    install_repl_displayhook interactive ioff ion isinteractive jet legend
    locator_params loglog magma magnitude_spectrum margins matshow minorticks_off
    minorticks_on new_figure_manager nipy_spectral num2date pause pcolor pcolormesh
    phase_spectrum pie pie_label pink plasma plot polar prism psd quiver quiverkey
    rc rcParams rcParamsDefault rcParamsOrig rc_context rcdefaults rgrids savefig
    sca scatter sci semilogx semilogy set_cmap set_loglevel setp show silent_list
    specgram spring spy stackplot stairs stem step streamplot style subplot subplot2grid
    subplot_mosaic subplot_tool subplots subplots_adjust summer suptitle
    switch_backend table text thetagrids tick_params ticklabel_format tight_layout
    title tricontour tricontourf tripcolor triplot twinx twiny
    uninstall_repl_displayhook violinplot viridis vlines waitforbuttonpress
    window_hanning window_none winter xcorr xkcd xlabel xlim xscale xticks ylabel
    ylim yscale yticks
""".split())
_BUILTINS = ("abs", "bool", "bytes", "max", "min", "pow", "round")
# names Brian2 removes from the pylab namespace, and numpy's test runner
_DROPPED = frozenset({"f", "x", "rate", "test"})


def _pyplot_object(name: str):
    try:
        pyplot = importlib.import_module("matplotlib.pyplot")
    except ImportError as exc:
        raise ImportError(f"'{name}' is matplotlib's; install matplotlib "
                          "(pip install matplotlib) to plot") from exc
    if hasattr(pyplot, name):
        return getattr(pyplot, name)
    return getattr(importlib.import_module("matplotlib.pylab"), name)


class LazyObject:
    """Stands for ``matplotlib.pyplot.<name>``; imports matplotlib when first used."""

    __slots__ = ("_name", "_target")

    def __init__(self, name: str):
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_target", None)

    def _resolve(self):
        target = object.__getattribute__(self, "_target")
        if target is None:
            target = _pyplot_object(object.__getattribute__(self, "_name"))
            object.__setattr__(self, "_target", target)
        return target

    def __call__(self, *args, **kwargs):
        return self._resolve()(*args, **kwargs)

    def __getattr__(self, attr):
        return getattr(self._resolve(), attr)

    def __setattr__(self, attr, value):
        setattr(self._resolve(), attr, value)

    def __getitem__(self, key):
        return self._resolve()[key]

    def __setitem__(self, key, value):
        self._resolve()[key] = value

    def __iter__(self):
        return iter(self._resolve())

    def __contains__(self, item):
        return item in self._resolve()

    def __enter__(self):
        return self._resolve().__enter__()

    def __exit__(self, *exc):
        return self._resolve().__exit__(*exc)

    def __instancecheck__(self, obj):
        return isinstance(obj, self._resolve())

    def __repr__(self) -> str:
        name = object.__getattribute__(self, "_name")
        if object.__getattribute__(self, "_target") is None:
            return f"<matplotlib.pyplot.{name} (imported on first use)>"
        return repr(self._resolve())

    @property
    def __doc__(self):
        return self._resolve().__doc__

    @property
    def __wrapped__(self):
        return self._resolve()


class LazyModule(types.ModuleType):
    """A module imported on first attribute access (``plt.plot``, ``ma.masked``)."""

    def __init__(self, name: str, module: str):
        super().__init__(name)
        self.__dict__["_eqsim_module"] = module

    def _load(self):
        try:
            return importlib.import_module(self.__dict__["_eqsim_module"])
        except ImportError as exc:
            raise ImportError(f"{self.__dict__['_eqsim_module']} is not installed "
                              "(pip install matplotlib)") from exc

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        return getattr(self._load(), attr)

    def __setattr__(self, attr, value):
        setattr(self._load(), attr, value)

    def __dir__(self):
        return dir(self._load())

    def __repr__(self) -> str:
        return f"<module '{self.__dict__['_eqsim_module']}' (imported on first use)>"


def _numpy_names() -> dict:
    """numpy's star names as ``from pylab import *`` leaves them (numpy.random's
    ``power``/``random`` and numpy.fft's ``fft`` win over numpy's, as in pylab)."""
    out: dict = {}
    for module in (numpy, numpy.fft, numpy.random, numpy.linalg):
        loaded = module.__dict__
        for name in module.__all__:
            if name in _DROPPED or name not in loaded:
                continue   # lazily loaded numpy submodules (testing, f2py...) stay unloaded
            value = loaded[name]
            if isinstance(value, types.ModuleType) and name != "linalg":
                continue
            out[name] = value
    return out


def star_names() -> dict:
    """Every pylab name Brian2 scripts get, name -> object (or stand-in)."""
    numpy_ = importlib.import_module("eqsim.numpy_")
    names = _numpy_names()
    for name in MATPLOTLIB_NAMES:
        names.setdefault(name, LazyObject(name))
    for name in _BUILTINS:
        names[name] = getattr(builtins, name)
    names["datetime"] = datetime
    names["ma"] = LazyModule("ma", "numpy.ma")
    names["plt"] = LazyModule("plt", "matplotlib.pyplot")
    names["mpl"] = LazyModule("mpl", "matplotlib")
    names["matplotlib"] = LazyModule("matplotlib", "matplotlib")   # pyplot has it too
    names["cm"] = LazyModule("cm", "matplotlib.cm")
    names["mlab"] = LazyModule("mlab", "matplotlib.mlab")
    names["np"] = numpy_
    names["numpy"] = numpy_
    names["sum"] = _sum
    names["in1d"] = numpy_.in1d
    return names


def _sum(a, *args, **kwargs):
    """pylab's ``sum`` (numpy's), which before numpy 2.4 also summed a generator (as
    Python's ``sum``, with a DeprecationWarning): Brian2 2.9's examples do
    ``sum(t for name, t in ...)``; numpy 2.4 raises there."""
    if isinstance(a, types.GeneratorType):
        return numpy.sum(numpy.array(list(a)), *args, **kwargs) if args or kwargs \
            else builtins.sum(a)
    return numpy.sum(a, *args, **kwargs)


__all__ = ["star_names", "MATPLOTLIB_NAMES", "LazyObject", "LazyModule"]
