"""The standard networks (examples/) against Brian2 2.9 runs of the same models at the
same size: mean excitatory and inhibitory rates over 1 s within 10 % of Brian2's.

Reference: tests/data/brian2_network_rates.json, made by
benchmarks/reference/brian2_network_rates.py from ../shared/models/brian2/ (3 seeds of
cpp_standalone each; the tests read the stored numbers and need no Brian2). Only the AdExp
script reports excitatory and inhibitory rates separately; for the others both eqsim
populations are compared with Brian2's overall rate (their populations receive the same
input statistics). Seeds are fixed, so each test is deterministic; like the reference,
eqsim's rate is the mean over 3 seeds (one network realisation moves COBA's and COBAHH's
rate by about 7 %, Brian2's own 3 runs of COBAHH span 32-37 Hz), except for Brunel,
whose rate varies by 0.5 % from seed to seed.
"""
import importlib
import json
import sys

import pytest

from eqsim.units import second

from ..conftest import DATA, ROOT

REF = json.loads((DATA / "brian2_network_rates.json").read_text())["models"]
TOL = 0.10


@pytest.fixture(scope="module", autouse=True)
def _examples_on_path():
    sys.path.insert(0, str(ROOT / "examples"))
    yield
    sys.path.remove(str(ROOT / "examples"))


def _rates(module: str, seeds=(1, 2, 3), **kw) -> dict:
    build = importlib.import_module(module).build
    total: dict = {}
    for seed in seeds:
        net, mons, sizes = build(seed=seed, **kw)[:3]
        net.run(1 * second)
        for label, mon in mons.items():
            total[label] = total.get(label, 0.0) + mon.num_spikes / sizes[label] / len(seeds)
    return total


def _brian2(model: str) -> dict:
    ref = REF[model]
    overall = ref["mean_rate_hz"]
    runs = ref["runs"]
    if runs[0].get("rate_exc_hz") is not None:
        exc = sum(r["rate_exc_hz"] for r in runs) / len(runs)
        inh = sum(r["rate_inh_hz"] for r in runs) / len(runs)
        return {"exc": exc, "inh": inh}
    return {"exc": overall, "inh": overall}


@pytest.mark.parametrize("model, module, kw", [
    ("cuba", "cuba", dict(N=4000)),
    ("coba", "coba", dict(N=4000)),
    ("cobahh", "cobahh", dict(N=4000)),
    ("brunel", "brunel", dict(N=12500, seeds=(1,), g=5.0, eta=2.0)),
    ("adex", "adex_rsfs", dict(N=5000, constant_drive=True)),
])
def test_rates_within_10_percent_of_brian2(model, module, kw):
    ours, theirs = _rates(module, **kw), _brian2(model)
    for pop in ("exc", "inh"):
        assert abs(ours[pop] / theirs[pop] - 1) < TOL, (pop, ours[pop], theirs[pop])
