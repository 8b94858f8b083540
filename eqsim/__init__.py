"""eqsim: spiking neural networks from equation strings, compiled to C and cached.

>>> import eqsim as eq
>>> from eqsim.units import ms, mV
>>> G = eq.NeuronGroup(1, "dv/dt = (10*mV - v)/(10*ms) : volt", method="exact")
>>> eq.Network(G).run(10*ms)

``from eqsim import *`` gives what ``from brian2 import *`` gives a script: the classes,
``run``, ``start_scope``, ``seed``, ``defaultclock``, ``store``/``restore`` and the units
(see :mod:`eqsim.brian2_compat`).
"""
import logging as _logging

from numpy import arange, array, cos, exp, linspace, log, mean, ones, pi, sin, sqrt, zeros

from . import units
from ._version import __version__
from .runtime.inputs import TimedArray, step_current
from .brian2_compat import (NeuronGroup, PoissonGroup, PoissonInput, PopulationRateMonitor,
                            SpikeGeneratorGroup, SpikeMonitor, StateMonitor, Synapses,
                            collect, restore, run, seed, start_scope, store)
from .errors import (CodegenError, CompileError, ConfigurationError, DimensionError,
                     EqsimError, EquationError, IntegrationError, SimulationError)
from . import topology
from .inspect import show_code
from .runtime.clock import Clock, defaultclock
from .runtime.groups import linked_var
from .runtime.network import Network
from .trials import Trial, run_trials
from .units import *  # noqa: F401,F403  (mV, ms, nS, ... as in Brian2)

_logging.getLogger("eqsim").addHandler(_logging.NullHandler())

__all__ = ["NeuronGroup", "PoissonGroup", "SpikeGeneratorGroup", "Synapses", "TimedArray",
           "PoissonInput", "step_current",
           "SpikeMonitor", "StateMonitor", "PopulationRateMonitor", "Network", "Clock",
           "defaultclock", "run", "start_scope", "seed", "store", "restore", "collect",
           "run_trials", "Trial", "linked_var",
           "units", "topology", "show_code", "__version__", "EqsimError", "EquationError",
           "DimensionError", "IntegrationError", "CodegenError", "CompileError",
           "SimulationError", "ConfigurationError", "arange", "array", "cos", "exp",
           "linspace", "log", "mean", "ones", "pi", "sin", "sqrt", "zeros",
           *units.__all__]
