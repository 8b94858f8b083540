"""eqsim as a PyNN 0.13 backend: ``import eqsim.pynn as sim`` or ``import pyNN.eqsim as sim``
(the installed ``eqsim-pynn-alias.pth`` answers that name: eqsim/pynn_alias.py).

Built on pyNN.common's Population, PopulationView, Assembly and Projection, as PyNN's own
backends are; every population is one eqsim group, every projection one eqsim Synapses
object per pair of groups, connectors produce whole index arrays (docs/pynn.md).
The standard cell and synapse types and current sources live in
eqsim/pynn/standardmodels (docs/pynn_models.md).
"""
import sys as _sys

import pyNN as _pyNN
from pyNN import errors, random, space  # noqa: F401
from pyNN.network import Network  # noqa: F401
from pyNN.random import GSLRNG, NumpyRNG, RandomDistribution  # noqa: F401
from pyNN.space import Space  # noqa: F401
from pyNN.standardmodels import StandardCellType as _StandardCellType

from . import simulator
from .connectors import *
from .connectors import FixedProbabilityConnector as _FixedProbability
from .control import (  # noqa: F401
    end,
    get_current_time,
    get_max_delay,
    get_min_delay,
    get_time_step,
    initialize,
    num_processes,
    rank,
    reset,
    run,
    run_for,
    run_until,
    setup,
)
from .populations import Assembly, Population, PopulationView  # noqa: F401
from .projections import Projection

try:   # the standard models (cells, synapses, current sources)
    from .standardmodels.cells import *
    from .standardmodels.electrodes import *
    from .standardmodels.synapses import *
except ModuleNotFoundError as _err:   # not there yet: structure only
    if _err.name is None or not _err.name.startswith(__name__ + ".standardmodels"):
        raise

from pyNN import common as _common

create = _common.build_create(Population)
set = _common.set
record = _common.build_record(simulator)


def connect(pre, post, weight=0.0, delay=None, receptor_type=None, p=1, rng=None):
    """PyNN's procedural connect(): a FixedProbabilityConnector with StaticSynapse."""
    from .standardmodels.synapses import StaticSynapse
    return _common.build_connect(Projection, _FixedProbability, StaticSynapse)(
        pre, post, weight, delay, receptor_type, p, rng)


def record_v(source, filename):
    return record(["v"], source, filename)


def record_gsyn(source, filename):
    return record(["gsyn_exc", "gsyn_inh"], source, filename)


def list_standard_models() -> list[str]:
    """The standard cell types this backend has."""
    return [name for name, obj in globals().items() if isinstance(obj, type) and
            issubclass(obj, _StandardCellType) and obj is not _StandardCellType]


# the same module under PyNN's name (also where the .pth of eqsim/pynn_alias.py is absent)
_sys.modules.setdefault("pyNN.eqsim", _sys.modules[__name__])
_pyNN.eqsim = _sys.modules[__name__]
