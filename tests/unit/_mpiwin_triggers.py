"""Triggers of the error codes E890-E899 (the compiled window loop of backend="mpi"),
merged into test_error_codes.TRIGGERS."""
from types import SimpleNamespace

import eqsim as eq
from eqsim.config import Config
from eqsim.parallel.windows import driver_function
from eqsim.units import ms


def _two_ranks():
    """Stands for rank 0 of 2 (driver_function's only collective is this min)."""
    return SimpleNamespace(size=2, rank=0, allreduce_min=lambda value: value)


def _compiled_windows_without_headers(tmp_path):
    config = Config(cache_dir=tmp_path, mpi_windows="c", mpi_include=str(tmp_path))
    driver_function(config, _two_ranks())


def _unknown_driver(tmp_path):
    G = eq.NeuronGroup(2, "dv/dt = -v/(10*ms) : 1", method="exact")
    eq.Network(G, config=Config(cache_dir=tmp_path, mpi_windows="fast")).run(
        1 * ms, backend="mpi")


MPIWIN_TRIGGERS = {
    "E890": lambda tp, mp: _compiled_windows_without_headers(tp),
    "E891": lambda tp, mp: _unknown_driver(tp),
}
