"""PyNN's own system scenarios (test/system/scenarios of PyNN 0.13.0) against eqsim.pynn,
run as PyNN's test_nest.py runs them: each scenario function called with the backend
module as ``sim``.

The scenarios are PyNN's code, never vendored: they are read from PyNN's sdist on PyPI
(``pip download --no-deps --no-binary PyNN PyNN==0.13.0``, cached in
``$EQSIM_PYNN_SRC`` or ``~/.cache/eqsim/pynn-src``), or from a bare git mirror of
NeuralEnsemble/PyNN at /work/.mirror/NeuralEnsemble+PyNN/repo (tag 0.13.0).
Scenarios that NEST runs are collected; those that cannot pass on eqsim are listed in
KNOWN (and in docs/pynn.md) with the reason.
"""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import pytest

from tests.pynn.pynn_source import pynn_source_dir

pytest.importorskip("pyNN")
pytest.importorskip("neo")

PACKAGE = "pynn_system_scenarios"

# scenario -> why it cannot pass on eqsim.pynn (docs/pynn.md, "Scenarios")
KNOWN: dict[str, str] = {
    "test_issue259": "spike_precision='off_grid': eqsim's spikes lie on the time grid",
}
# scenario -> what fails today in the standard models (branch pynnmodels): expected to
# fail (strict: a fix makes the test fail until it is taken off this list)
PENDING: dict[str, str] = {}
SLOW: set[str] = set()   # all run in a few seconds


def scenarios_root() -> Path:
    """A folder holding the package PACKAGE (PyNN's scenarios), made once."""
    return pynn_source_dir("test/system/scenarios/", PACKAGE, "fixtures.py")


def collect() -> list[tuple[str, str]]:
    """(module, function) of every scenario PyNN runs on NEST."""
    try:
        root = scenarios_root()
    except BaseException as exc:   # noqa: BLE001  (a skip, or no network)
        return [("unavailable", str(exc)[:80])]
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    out = []
    for path in sorted((root / PACKAGE).glob("test_*.py")):
        try:
            module = importlib.import_module(f"{PACKAGE}.{path.stem}")
        except Exception:   # noqa: BLE001  (needs a package we lack: reported by name)
            out.append((path.stem, "<import>"))
            continue
        for name, fn in vars(module).items():
            if not name.startswith("test_") or not callable(fn):
                continue
            sims = [p.id for mark in getattr(fn, "pytestmark", [])
                    if mark.name == "parametrize" for p in mark.args[1]
                    if hasattr(p, "id")]
            if "nest" in sims:
                out.append((path.stem, name))
    return out


def _models_present(sim) -> bool:
    return bool(sim.list_standard_models())


@pytest.mark.parametrize("module,name", collect())
def test_pynn_scenario(module, name, request, tmp_path, monkeypatch):
    import eqsim.pynn as sim
    if module == "unavailable":
        if os.environ.get("EQSIM_COMPAT_REQUIRE_SOURCES"):   # CI reaches PyPI
            pytest.fail(f"PyNN's scenarios could not be had: {name}")
        pytest.skip(f"PyNN's scenarios are not available here: {name}")
    if not _models_present(sim):
        pytest.skip("the standard models (eqsim/pynn/standardmodels) are not there yet")
    if name in KNOWN:
        pytest.skip(KNOWN[name])
    if name in SLOW and not os.environ.get("EQSIM_PYNN_SLOW_SCENARIOS"):
        pytest.skip("slow scenario: EQSIM_PYNN_SLOW_SCENARIOS=1 runs it")
    if name in PENDING:
        request.node.add_marker(pytest.mark.xfail(reason=PENDING[name], strict=True))
    if name == "<import>":
        pytest.fail(f"{module} does not import")
    fn = getattr(importlib.import_module(f"{PACKAGE}.{module}"), name)
    monkeypatch.chdir(tmp_path)   # some scenarios write files (Results/...)
    _seed_unseeded_rngs(monkeypatch)
    fn(sim)


def _seed_unseeded_rngs(monkeypatch) -> None:
    """PyNN's RandomDistribution without an rng makes ``NumpyRNG()``, seeded from the
    operating system, so a statistical scenario (scenario3's t-test at p < 0.01) could fail
    at random in CI; here every unseeded NumpyRNG of a scenario gets the next of a fixed
    sequence of seeds, so each scenario draws the same numbers in every run."""
    from itertools import count

    import pyNN.random
    seeds = count(20251130)
    init = pyNN.random.NumpyRNG.__init__

    def seeded(self, seed=None, parallel_safe=True):
        init(self, next(seeds) if seed is None else seed, parallel_safe)
    monkeypatch.setattr(pyNN.random.NumpyRNG, "__init__", seeded)
