"""setup/run/reset/end and the state queries of eqsim.pynn (PyNN's control functions)."""
from __future__ import annotations

from pyNN import common
from pyNN.common.control import DEFAULT_MIN_DELAY, DEFAULT_TIMESTEP
from pyNN.recording import get_io

from ..errors import ConfigurationError
from . import simulator

BACKENDS = ("c", "numpy")


def setup(timestep: float = DEFAULT_TIMESTEP, min_delay=DEFAULT_MIN_DELAY,
          **extra_params) -> int:
    """Start a new network: ``timestep`` and ``min_delay`` in ms. eqsim's own options:
    ``backend`` ("c", the default, or "numpy"), ``threads`` (OpenMP threads of the C
    backend), ``rng_seed`` (seeds of random inputs), ``max_delay`` (ms). Other
    simulators' options (``spike_precision``, ``verbosity``...) are accepted and
    ignored. Under ``mpiexec`` the network runs on every rank (each owns a block of
    every population). Returns the MPI rank."""
    common.setup(timestep, min_delay, **extra_params)
    backend = extra_params.get("backend", "c")
    if backend not in BACKENDS:
        raise ConfigurationError(f"setup(backend={backend!r}): eqsim.pynn runs on "
                                 f"{' or '.join(map(repr, BACKENDS))}", code="E855")
    state = simulator.state
    state.clear()
    state.dt = timestep
    state.min_delay = min_delay
    state.max_delay = extra_params.get("max_delay", "auto")
    if state.max_delay == "auto":
        state.max_delay = float("inf")
    state.backend = backend
    state.threads = int(extra_params.get("threads", 1))
    state.rng_seed = int(extra_params.get("rng_seed") or simulator.DEFAULT_SEED)
    return state.mpi_rank


def end(compatible_output: bool = True) -> None:
    """Write the data asked for with ``record(..., to_file=...)``."""
    for population, variables, filename in simulator.state.write_on_end:
        population.write_data(get_io(filename), variables)
    simulator.state.write_on_end = []


run, run_until = common.build_run(simulator)
run_for = run
reset = common.build_reset(simulator)
initialize = common.initialize
get_current_time, get_time_step, get_min_delay, get_max_delay, num_processes, rank = \
    common.build_state_queries(simulator)

__all__ = [
    "end",
    "get_current_time",
    "get_max_delay",
    "get_min_delay",
    "get_time_step",
    "initialize",
    "num_processes",
    "rank",
    "reset",
    "run",
    "run_for",
    "run_until",
    "setup",
]
