"""eqsim: spiking neural networks from equation strings, compiled to C and cached.

>>> import eqsim as eq
>>> from eqsim.units import ms, mV
>>> G = eq.NeuronGroup(1, "dv/dt = (10*mV - v)/(10*ms) : volt", method="exact")
>>> eq.Network(G).run(10*ms)
"""
import logging as _logging

from . import units
from ._version import __version__
from .errors import (CodegenError, CompileError, ConfigurationError, DimensionError,
                     EqsimError, EquationError, IntegrationError, SimulationError)
from .runtime.clock import Clock, defaultclock
from .runtime.groups import NeuronGroup
from .runtime.inputs import PoissonGroup, SpikeGeneratorGroup
from .runtime.monitors import PopulationRateMonitor, SpikeMonitor, StateMonitor
from .runtime.network import Network
from .runtime.synapses import Synapses
from .inspect import show_code

_logging.getLogger("eqsim").addHandler(_logging.NullHandler())

__all__ = ["PopulationRateMonitor", "NeuronGroup", "PoissonGroup", "SpikeGeneratorGroup", "Synapses", "Network", "SpikeMonitor", "StateMonitor", "Clock",
           "defaultclock", "units", "show_code", "__version__", "EqsimError",
           "EquationError", "DimensionError", "IntegrationError", "CodegenError",
           "CompileError", "SimulationError", "ConfigurationError"]
