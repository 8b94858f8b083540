"""Spikes of tests/runtime/compact_delay_models.py from eqsim BEFORE compact delays
(float64 delays, int32 delay steps and int32 global order), for test_compact_delays.py.

    PYTHONPATH=<checkout of eqsim before compact delays> \\
        python benchmarks/reference/compact_delays_reference.py

(run 2026-11-30 with PYTHONPATH=/work/main, main at 915a411)."""
import importlib.util
import os

import numpy as np

import eqsim

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "compact_delay_models", os.path.join(HERE, "..", "..", "tests", "runtime",
                                         "compact_delay_models.py"))
_models = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_models)
spikes = _models.spikes

out = {}
for backend in ("c", "numpy"):
    i, step, _ = spikes(backend)
    out[f"{backend}_i"], out[f"{backend}_step"] = i, step
assert np.array_equal(out["c_i"], out["numpy_i"]) and \
    np.array_equal(out["c_step"], out["numpy_step"])
path = os.path.join(HERE, "..", "..", "tests", "data",
                    "compact_delays_before.npz")
np.savez_compressed(path, i=out["c_i"], step=out["c_step"], eqsim_file=eqsim.__file__)
print(len(out["c_i"]), "spikes from", eqsim.__file__)
