"""eqsim: spiking neural networks from equation strings, compiled to C and cached.

>>> import eqsim as eq
>>> from eqsim.units import ms, mV
>>> G = eq.NeuronGroup(1, "dv/dt = (10*mV - v)/(10*ms) : volt", method="exact")
>>> eq.Network(G).run(10*ms)

``from eqsim import *`` gives what ``from brian2 import *`` gives a script: the classes,
``run``, ``start_scope``, ``seed``, ``defaultclock``, ``store``/``restore``, ``Equations``,
``prefs``, ``set_device``, the units and constants (see :mod:`eqsim.brian2_compat`), and
the pylab names (numpy's, and matplotlib's imported on first use: :mod:`eqsim.pylab_names`).
"""
import logging as _logging

from numpy import arange, array, cos, exp, linspace, log, mean, ones, pi, sin, sqrt, zeros

from . import units
from ._version import __version__
from .runtime.inputs import TimedArray, step_current
from .brian2_compat import (NeuronGroup, PoissonGroup, PoissonInput, PopulationRateMonitor,
                            SpikeGeneratorGroup, SpikeMonitor, StateMonitor, Synapses,
                            collect, restore, run, seed, start_scope, store,
                            EventMonitor, NetworkOperation, network_operation, stop,
                            scheduling_summary, profiling_summary)
from .errors import (CodegenError, CompileError, ConfigurationError, DimensionError,
                     EqsimError, EquationError, IntegrationError, SimulationError)
from . import topology
from .inspect import show_code
from .runtime.clock import Clock, defaultclock
from .runtime.groups import linked_var
from .brian2_compat import (Network, euler, exact, exponential_euler, heun, linear,
                            milstein, restore_initial_state, rk2, rk4, timestep)
from .runtime.groups import Subgroup
from .brian2_compat import SpatialNeuron
from .runtime.morphology import Cylinder, Morphology, Section, Soma
from .equations.user_equations import Equations
from .preferences import (BrianLogger, PreferenceError, all_devices, brian_prefs, device,
                    get_device, get_logger, prefs, reinit_devices, set_device)
from .preferences import reset_device
from . import codegen   # noqa: F401  (Brian2's star import gives its module brian2.codegen)
from .brian2_compat import magic_network
from .constants import *  # noqa: F401,F403  (zero_celsius, faraday_constant, ...)
from . import constants as _constants
from .brian2_paths import register as _register_brian2_paths
from .trials import Trial, run_trials
from .scan import scan, scan_results   # eager: the function, not the submodule, is eqsim.scan
from .units import *  # noqa: F401,F403  (mV, ms, nS, ... as in Brian2)

_logging.getLogger("eqsim").addHandler(_logging.NullHandler())
_register_brian2_paths()   # eqsim.units.constants, eqsim.core.functions, eqsim.devices...

__all__ = ["NeuronGroup", "PoissonGroup", "SpikeGeneratorGroup", "Synapses", "TimedArray",
           "PoissonInput", "step_current",
           "SpikeMonitor", "StateMonitor", "PopulationRateMonitor", "Network", "Clock",
           "EventMonitor", "NetworkOperation", "network_operation", "stop",
           "scheduling_summary", "profiling_summary",
           "defaultclock", "run", "start_scope", "seed", "store", "restore", "collect",
           "run_trials", "Trial", "linked_var", "load_hdf5", "scan", "scan_results",
           "units", "topology", "show_code", "__version__", "EqsimError", "EquationError",
           "DimensionError", "IntegrationError", "CodegenError", "CompileError",
           "SimulationError", "ConfigurationError", "arange", "array", "cos", "exp",
           "linspace", "log", "mean", "ones", "pi", "sin", "sqrt", "zeros",
           "Equations", "prefs", "brian_prefs", "PreferenceError", "set_device",
           "get_device", "device", "all_devices", "reinit_devices", "timestep",
           "restore_initial_state", "BrianLogger", "get_logger", "Subgroup", "euler",
           "exact", "exponential_euler", "heun", "milstein", "rk2", "rk4", "linear",
           "reset_device", "magic_network", "codegen",
           "SpatialNeuron", "Morphology", "Soma", "Cylinder", "Section",
           *_constants.__all__, *units.__all__]
_OWN_ALL = __all__
del __all__   # made on first use (below): it names numpy.random's functions

# Brian2's star import also brings pylab (numpy, and matplotlib imported on first use):
# those names are looked up here only when asked for, so ``import eqsim`` stays light
# and eqsim's own names (above) win over pylab's.
_PYLAB: dict | None = None
_NUMPY_DUNDERS = ("__array_namespace_info__",)


def _pylab() -> dict:
    global _PYLAB
    if _PYLAB is None:
        _PYLAB = {}   # while being filled: submodule imports find nothing here
        from .pylab_names import star_names
        _PYLAB = star_names()
    return _PYLAB


_LAZY = {"load_hdf5": ".io.hdf5"}   # h5py and eqsim.io: 12 ms of `import eqsim`


def __getattr__(name: str):
    if name == "__all__":
        globals()["__all__"] = _all_names()
        return globals()["__all__"]
    if name in units.UNITS and name != "gray":
        return units.UNITS[name]
    if name in _LAZY:   # imported on first use: `import eqsim` stays quick
        import importlib
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    if name == "plot":   # the submodule eqsim.plot, which called is pylab's plot()
        import importlib
        return importlib.import_module(".plot", __name__)
    if not name.startswith("__") or name in _NUMPY_DUNDERS:
        names = _pylab()
        if name in names:
            return names[name]
    raise AttributeError(f"module 'eqsim' has no attribute {name!r}")


def _all_names() -> list[str]:
    """eqsim's own names, every unit name Brian2 knows, then pylab's (``from brian2
    import *`` gives all three)."""
    from .pylab_names import MATPLOTLIB_NAMES, _numpy_names
    pylab = (*_numpy_names(), *MATPLOTLIB_NAMES, "abs", "bool", "bytes", "max", "min",
             "pow", "round", "datetime", "ma", "plt", "mpl", "cm", "mlab", "np", "numpy",
             "matplotlib")
    return list(dict.fromkeys((*_OWN_ALL, *units.ALL_UNIT_NAMES, *pylab)))
