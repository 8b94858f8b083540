"""Brian2's frompapers/Stimberg_et_al_2018/example_2_gchi_astrocyte.py with the import
swapped: two astrocytes integrated with method='milstein', fed by a Synapses whose source
is another Synapses (``Y_S_post = Y_S_pre : mmolar (summed)``). The first astrocyte has
zero noise, so its traces are deterministic: every sample the runner keeps of C,
Gamma_A, I and h over the 30 s equals Brian2 2.9's to 1e-9 (relative to the variable's
range). The second is noisy (eqsim's random numbers are not Brian2's): its traces stay
within the deterministic one's range, as Brian2's do."""
import numpy as np

from .run_example import run_example
from .test_brian2_examples import _reference, _sources_or_skip

NAME = "frompapers/Stimberg_et_al_2018/example_2_gchi_astrocyte.py"


def test_deterministic_astrocyte_equals_brian2():
    _sources_or_skip()
    ref = _reference(NAME)["monitors"]["astro_mon"]["variables"]
    result = run_example(NAME, timeout=300)
    assert result["status"] == "ran", result.get("error_message")
    got = result["monitors"]["astro_mon"]["variables"]
    for var in ("C", "Gamma_A", "I", "h"):
        scale = ref[var]["max"] - ref[var]["min"]
        assert got[var]["cols"] == ref[var]["cols"]
        np.testing.assert_allclose(got[var]["samples"][0], ref[var]["samples"][0],
                                   rtol=0, atol=1e-9 * scale, err_msg=var)
        assert ref[var]["min"] - 0.5 * scale <= np.min(got[var]["samples"][1])
        assert np.max(got[var]["samples"][1]) <= ref[var]["max"] + 0.5 * scale
