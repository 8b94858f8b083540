"""The standard networks (examples/) against Brian2 2.9 runs of the same models at the
same size: mean excitatory and inhibitory rates over 1 s within 10 % of Brian2's.

Reference: tests/data/brian2_network_rates.json, made by
benchmarks/reference/brian2_network_rates.py from ../shared/models/brian2/ (3 seeds of
cpp_standalone each; the tests read the stored numbers and need no Brian2). Only the AdExp
script reports excitatory and inhibitory rates separately; for the others both eqsim
populations are compared with Brian2's overall rate (their populations receive the same
input statistics). Seeds are fixed, so each test is deterministic.
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


def _rates(module: str, **kw) -> dict:
    build = importlib.import_module(module).build
    net, mons, sizes = build(**kw)[:3]
    net.run(1 * second)
    return {label: mon.num_spikes / sizes[label] for label, mon in mons.items()}


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
    ("cuba", "cuba", dict(N=4000, seed=1)),
    ("coba", "coba", dict(N=4000, seed=1)),
    ("cobahh", "cobahh", dict(N=4000, seed=1)),
    ("brunel", "brunel", dict(N=12500, seed=1, g=5.0, eta=2.0)),
    ("adex", "adex_rsfs", dict(N=5000, seed=1, constant_drive=True)),
])
def test_rates_within_10_percent_of_brian2(model, module, kw):
    ours, theirs = _rates(module, **kw), _brian2(model)
    for pop in ("exc", "inh"):
        assert abs(ours[pop] / theirs[pop] - 1) < TOL, (pop, ours[pop], theirs[pop])
