"""benchmarks/suite.py end to end with eqsim only, at a tiny size; Brian2 and NEST are
pointed at interpreters that do not exist and must be skipped with a reason."""
import importlib
import json
import subprocess
import sys

import numpy as np
import pytest

from ..conftest import ROOT

N = 200


@pytest.fixture(scope="module")
def suite_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("suite")
    missing = str(out / "no-venv" / "bin" / "python")
    cmd = [sys.executable, str(ROOT / "benchmarks" / "suite.py"), "--models", "cuba",
           "--scaling", "cuba", "--sizes", str(N), "--duration", "0.02", "--repeats", "1",
           "--simulators", "eqsim,brian2,nest", "--brian2-python", missing,
           "--nest-python", missing, "--timeout", "120",
           "--out-json", str(out / "suite.json"), "--out-md", str(out / "suite.md"),
           "--out-png", str(out / "scaling.png")]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=out,
                       check=False)
    assert r.returncode == 0, r.stderr[-3000:]
    return out, json.loads((out / "suite.json").read_text())


@pytest.fixture
def suite_module(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    return importlib.import_module("suite")


def test_every_eqsim_run_succeeds(suite_run):
    _, doc = suite_run
    runs = doc["runs"]
    assert {(r["config"], r["conn"]) for r in runs} == {
        (c, w) for c in ("eqsim-cold", "eqsim-warm") for w in ("p", "indegree")}
    for r in runs:
        assert r["error"] is None and r["returncode"] == 0
        res = r["result"]
        assert res["simulator"] == "eqsim" and res["model"] == "CUBA" and res["N"] == N
        assert res["spikes"] > 0 and res["rate_exc_hz"] > 0 and res["rate_inh_hz"] > 0
        assert res["wall_run_s"] > 0 and res["wall_to_first_step_s"] > 0
        assert res["compiled"] == (r["config"] == "eqsim-cold")
        assert res["module_cache_hit"] == (r["config"] == "eqsim-warm")
        if r["conn"] == "indegree":
            assert res["n_synapses"] == 80 * N
        assert r["command"].startswith(sys.executable)


def test_medians_and_ratios(suite_run):
    _, doc = suite_run
    assert doc["ratio_reference"] == "eqsim-warm"
    med = {(s["conn"], s["config"]): s for s in doc["medians"]}
    assert len(med) == 4
    for s in med.values():
        assert s["n_runs"] == 1 and s["spikes"] > 0 and s["run_s"] > 0
        assert s["ns_per_neuron_step"] > 0 and s["ns_per_event"] > 0
        assert s["run_ratio_to_ref"] > 0
    assert med["p", "eqsim-warm"]["run_ratio_to_ref"] == 1.0
    assert med["p", "eqsim-cold"]["prepare_s"] > med["p", "eqsim-warm"]["prepare_s"]


def test_missing_simulators_are_skipped_with_a_reason(suite_run):
    out, doc = suite_run
    skipped = {s["config"]: s["reason"] for s in doc["skipped"]}
    assert set(skipped) == {"brian2-cpp_standalone", "brian2-runtime", "nest"}
    assert all("no-venv" in reason for reason in skipped.values())
    md = (out / "suite.md").read_text()
    assert "## Skipped" in md and "no usable NEST" in md


def test_markdown_and_plot(suite_run):
    out, _ = suite_run
    md = (out / "suite.md").read_text()
    assert "## CUBA, Bernoulli p = 0.02" in md
    assert "scaling series" in md and "ns / neuron-step" in md
    assert f"| {N} | eqsim-warm | 1 |" in md and "1.00×" in md
    png = (out / "scaling.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


def test_simulator_aliases(suite_module):
    assert suite_module.parse_configs("nest,eqsim") == ["eqsim-cold", "eqsim-warm", "nest"]
    assert suite_module.parse_configs("brian2") == ["brian2-cpp_standalone",
                                                    "brian2-runtime"]
    with pytest.raises(ValueError, match="unknown simulator"):
        suite_module.parse_configs("eqsim,neuron")


def test_fixed_in_degree_is_exact(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    networks = importlib.import_module("eqsim_networks")
    args = networks.parse_args(["--model", "cuba", "--N", "300", "--conn", "indegree"])
    net, _, sizes = networks.build(args, None)   # eqsim.zoo's CUBA, fixed in-degrees
    assert sizes == {"exc": 240, "inh": 60}
    exc, inh = net.synapses
    assert set(np.bincount(exc.j, minlength=300)) == {networks.IN_DEGREE_EXC}
    assert set(np.bincount(inh.j, minlength=300)) == {networks.IN_DEGREE_INH}
    assert exc.i.max() < 240 and inh.i.max() < 60
