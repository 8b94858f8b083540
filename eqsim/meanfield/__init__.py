"""Mean-field of conductance-based (or current-based) point-neuron networks, derived from
the model's own equations (Zerlaut et al. 2016, 2018; El Boustani & Destexhe 2009):

- :class:`Cell`, :class:`Input` and :func:`cell_form`: the cell and the standard form
  its equations are read in (sympy);
- :func:`moments`: shot-noise moments mu_V, sigma_V, gamma_V, tau_V (numpy or sympy);
- :func:`transfer_function`: a scan of the output rate over a grid of input rates, as
  one compiled network; :func:`fit`: the erfc transfer function and its effective
  threshold polynomial; :class:`TransferFunction` (JSON save/load);
- :class:`RateModel`: the population-rate equations (first or second order), compiled
  by eqsim; ``find_fixed_point`` with stability; ``inputs="renewal"``: the recurrent
  trains as gamma renewal trains with each population's fitted output ISI CV
  (:mod:`eqsim.meanfield.renewal`: sigma_V from their spectrum).

See docs/meanfield.md.
"""
from .fit import MeanFieldWarning, TransferFunction, fit
from .form import Cell, CellForm, Input, cell_form
from .moments import firing_rate, moments
from .rates import FixedPoint, MeanFieldRun, RateModel
from .scan import TFScan, transfer_function

__all__ = [
           "Cell",
           "CellForm",
           "FixedPoint",
           "Input",
           "MeanFieldRun",
           "MeanFieldWarning",
           "RateModel",
           "TFScan",
           "TransferFunction",
           "cell_form",
           "firing_rate",
           "fit",
           "moments",
           "transfer_function",
]
