"""The deterministic cores of Brian2 examples that draw random numbers
(tests/compat/example_cores.py: Poisson input replayed, noise replaced by a sine), against
Brian2 2.9 on the same networks (tests/data/brian2_example_cores.json, made by
benchmarks/reference/brian2_example_cores.py), on both backends.

The examples themselves agree with Brian2 only within the spread of their seeds
(tests/compat/status.py); these cores show that what is left once the random numbers are
the same is identical: spike and event times equal, recorded values within 1e-9 of their
range (C and Brian2's numpy round differently in the last bits).
"""
import json

import numpy as np
import pytest

import eqsim

from ..conftest import DATA
from .example_cores import CORES, DT_MS, DURATION_MS

REF = json.loads((DATA / "brian2_example_cores.json").read_text())


# the longest cores run on the compiled backend only (their features run on both
# backends in tests/runtime: pathway events, summed variables of clock-driven synapses)
COMPILED_ONLY = {"custom_events": "tests/runtime/test_pathway_events.py",
                 "tsodyks_uziel_markram": "tests/runtime/test_schedule.py"}


@pytest.mark.parametrize("name", sorted(CORES))
def test_example_core_is_identical_to_brian2(name, backend):
    if backend == "numpy" and name in COMPILED_ONLY:
        pytest.skip(f"slow on numpy; its features on both backends: {COMPILED_ONLY[name]}")
    objects, read = CORES[name](eqsim)
    previous = eqsim.defaultclock.dt
    eqsim.defaultclock.dt = DT_MS.get(name, 0.1) * eqsim.ms
    try:
        eqsim.Network(*objects).run(DURATION_MS[name] * eqsim.ms, backend=backend)
    finally:
        eqsim.defaultclock.dt = previous
    got, ref = read(), REF[name]
    assert set(got) == set(ref)
    assert max(len(ref.get(k, [])) for k in ("spike_t", "gspike_t", "exc_first_t",
                                             "first_t")) >= 5
    for key, want in ref.items():
        have = got[key]
        assert len(have) == len(want), \
            f"{name}.{key}: {len(have)} values, Brian2 {len(want)}"
        if key.endswith(("_t", "_i", "counts")):   # times (ms), indices, spike counts
            np.testing.assert_allclose(have, want, rtol=0, atol=1e-6,
                                       err_msg=f"{name}.{key}")
        else:
            scale = max(np.abs(want).max(initial=0.0), 1e-300)
            np.testing.assert_allclose(have, want, rtol=0, atol=1e-9 * scale,
                                       err_msg=f"{name}.{key}")
