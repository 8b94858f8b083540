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
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("pyNN")
pytest.importorskip("neo")

PYNN_VERSION = "0.13.0"
MIRROR = Path("/work/.mirror/NeuralEnsemble+PyNN/repo")
PACKAGE = "pynn_system_scenarios"

# scenario -> why it cannot pass on eqsim.pynn (docs/pynn.md, "Scenarios")
KNOWN: dict[str, str] = {
    "test_SpikeSourcePoissonRefractory": "SpikeSourcePoissonRefractory is not among the "
                                         "standard types eqsim.pynn provides",
    "test_simple_stochastic_synapse": "SimpleStochasticSynapse is not provided",
    "test_issue259": "spike_precision='off_grid': eqsim's spikes lie on the time grid",
}
# scenario -> what fails today in the standard models (branch pynnmodels): expected to
# fail (strict: a fix makes the test fail until it is taken off this list)
PENDING: dict[str, str] = {}
SLOW: set[str] = set()   # all run in a few seconds


def _cache() -> Path:
    env = os.environ.get("EQSIM_PYNN_SRC")
    return Path(env) if env else Path.home() / ".cache" / "eqsim" / "pynn-src"


def scenarios_root() -> Path:
    """A folder holding the package PACKAGE (PyNN's scenarios), made once."""
    root = _cache() / f"pynn-{PYNN_VERSION}"
    if (root / PACKAGE / "fixtures.py").exists():
        return root
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        dest = Path(tmp) / PACKAGE
        dest.mkdir()
        prefix = "test/system/scenarios/"
        if MIRROR.exists():
            files = subprocess.run(["git", "-C", str(MIRROR), "ls-tree", "--name-only",
                                    PYNN_VERSION, prefix], capture_output=True, text=True)
            for name in files.stdout.split():
                body = subprocess.run(["git", "-C", str(MIRROR), "show",
                                       f"{PYNN_VERSION}:{name}"], capture_output=True)
                (dest / Path(name).name).write_bytes(body.stdout)
        else:
            proc = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                                   "--no-binary", "PyNN", f"PyNN=={PYNN_VERSION}", "-d",
                                   tmp], capture_output=True, text=True, timeout=600)
            sdists = list(Path(tmp).glob("*.tar.gz"))
            if proc.returncode != 0 or not sdists:
                pytest.skip("PyNN's sdist could not be downloaded: "
                            + (proc.stderr or proc.stdout).strip()[-200:])
            with tarfile.open(sdists[0]) as tar:
                for m in tar.getmembers():
                    if prefix in m.name and m.isfile():
                        f = tar.extractfile(m)
                        (dest / Path(m.name).name).write_bytes(f.read())
        if not (dest / "fixtures.py").exists():
            pytest.skip("PyNN's scenarios not found in its sources")
        os.replace(dest, root / PACKAGE)
    return root


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
    fn(sim)
