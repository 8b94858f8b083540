"""The compatibility harness itself: the import swap, the monitor collector, the comparison.

Fast and offline (no Brian2 sources needed): the example and tutorial tests rely on these.
"""
import json
import os
import subprocess
import sys
import textwrap

from .example_child import swap_imports
from .run_example import CHILD, ROOT, cause, compare, verdict


def test_swap_imports_every_form_the_examples_use():
    src = textwrap.dedent("""\
        from brian2 import *
        from brian2 import (NeuronGroup,
                            run)
        import brian2 as b2
        import brian2
        from brian2.units import ms, mV
        from brian2.units.constants import zero_celsius
        def f():
            from brian2.devices import device_module
        import brian2tools
        x = 'from brian2 import *'
        """)
    out = swap_imports(src).splitlines()
    assert out[0] == "from eqsim import *"
    assert out[1] == "from eqsim import (NeuronGroup,"
    assert out[3] == "import eqsim as b2"
    assert out[4] == "import eqsim as brian2"
    assert out[5] == "from eqsim.units import ms, mV"            # eqsim has eqsim.units
    assert out[6] == "from eqsim.units.constants import zero_celsius"   # eqsim has it too
    assert out[8] == "    from eqsim import device_module"
    assert out[9] == "import brian2tools"              # another package: untouched
    assert out[10] == "x = 'from brian2 import *'"               # not an import statement


SCRIPT = """\
from eqsim import *
G = NeuronGroup(3, 'dv/dt = (2 - v)/(10*ms) : 1', threshold='v > 1', reset='v = 0',
                method='exact')
G.v = [0, 0.5, 0.9]
spikes = SpikeMonitor(G)
rate = PopulationRateMonitor(G)
trace = StateMonitor(G, 'v', record=[0, 2])
mons = [spikes]
run(50*ms)
raise ValueError('after the run')
"""


def test_child_collects_monitors_and_reports_the_failing_line(tmp_path):
    script = tmp_path / "toy.py"
    script.write_text(SCRIPT)
    out = tmp_path / "out.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(CHILD), str(script), str(out), "eqsim"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env=env)
    assert proc.returncode == 0, proc.stderr
    res = json.loads(out.read_text())
    assert res["status"] == "raised" and res["error_type"] == "ValueError"
    assert res["error_lineno"] == 10 and res["error_source"].startswith("raise ValueError")
    mons = res["monitors"]
    assert set(mons) == {"spikes", "rate", "trace"}       # mons[0] is spikes, kept once
    s = mons["spikes"]
    # v -> 2 - (2 - v0) exp(-t/10ms) crosses 1 at t = 10 ms ln(2 - v0): 6.93, 4.05, 0.95
    # ms, then every 6.93 ms (+1 step: the reset sets 0 at the crossing step)
    assert s["kind"] == "SpikeMonitor" and s["n_neurons"] == 3 and len(s["counts"]) == 3
    assert [i for i, _ in s["first"][:3]] == [2, 1, 0]
    assert abs(s["first"][0][1] - 1e-3) < 2e-4
    assert s["num_spikes"] == sum(s["counts"]) and 18 <= s["num_spikes"] <= 24
    assert mons["rate"]["kind"] == "PopulationRateMonitor"
    assert abs(mons["rate"]["mean_rate"] - s["num_spikes"] / 3 / 0.05) < 1e-6
    v = mons["trace"]["variables"]["v"]
    assert v["shape"] == [2, 500] and v["rows"] == [0, 1] and v["samples"][1][0] == 0.9
    assert 0 <= v["min"] and v["max"] <= 1.0 + 1e-12


def _spk(counts, sha):
    return {"kind": "SpikeMonitor", "n_neurons": len(counts), "num_spikes": sum(counts),
            "counts_sha1": sha, "counts": counts}


def test_compare_exact_and_statistical():
    ref = {"status": "ran", "monitors": {
        "M": _spk([10, 20], "a"),
        "R": {"kind": "PopulationRateMonitor", "mean_rate": 15.0},
        "S": {"kind": "StateMonitor", "variables": {"v": {
            "shape": [1, 3], "samples": [[0.0, -0.05, -0.07]], "mean": -0.05,
            "min": -0.07, "max": 0.0}}}}}
    same = json.loads(json.dumps(ref))
    assert compare(same, ref, exact=True) == []
    assert verdict(same, ref) == "identical"
    near = json.loads(json.dumps(ref))
    near["monitors"]["M"] = _spk([11, 20], "b")
    near["monitors"]["R"]["mean_rate"] = 15.5
    near["monitors"]["S"]["variables"]["v"]["mean"] = -0.051
    assert compare(near, ref, exact=False, rtol=0.05) == []
    problems = compare(near, ref, exact=True)
    assert any("spike counts differ" in p for p in problems)
    assert any("mean rate" in p for p in problems)
    assert compare(near, ref, exact=False, rtol=0.01)     # 31 vs 30 spikes: 3 %
    assert verdict(near, ref).startswith("differs")
    failed = {"status": "raised", "error_type": "NameError",
              "error_message": "name 'plot' is not defined", "monitors": same["monitors"]}
    assert compare(failed, ref) and cause(failed) == "missing name `plot`"
    assert verdict(failed, ref) == "raised; so far identical"
    assert cause({"status": "raised", "error_type": "EquationError",
                  "error_message": "[E109] unknown flag"}) == "eqsim E109: unknown flag"


def test_missing_tutorials_say_where_to_put_them(tmp_path, monkeypatch):
    from . import brian2_sources as sources
    monkeypatch.setenv("EQSIM_BRIAN2_SRC", str(tmp_path / "cache"))
    monkeypatch.setenv("EQSIM_BRIAN2_TUTORIALS", str(tmp_path / "none"))
    monkeypatch.setattr(sources, "MIRROR", tmp_path / "no-mirror")
    monkeypatch.setattr(sources, "ROOT", tmp_path / "checkout")
    try:
        sources.tutorials_dir()
    except sources.Brian2SourceUnavailable as exc:
        assert "not in its PyPI sdist" in str(exc) and "shared/brian2-tutorials" in str(exc)
    else:
        raise AssertionError("no error without tutorials")
    folder = tmp_path / "none" / "tutorials"       # the layout of Brian2's repository
    folder.mkdir(parents=True)
    for t in sources.TUTORIALS:
        (folder / t).write_text("{}")
    assert sources.tutorials_dir() == folder


def test_compare_uses_the_mean_of_brian2_repeats_when_stored():
    ref = {"status": "ran", "monitors": {"M": _spk([50, 50], "a")},
           "spread": {"M.num_spikes": [90.0, 5.0, 5]}}
    eq = {"status": "ran", "monitors": {"M": _spk([45, 46], "b")}}
    assert compare(eq, ref, rtol=0.02) == []          # 91 vs the mean 90
    del ref["spread"]
    assert compare(eq, ref, rtol=0.02)                # 91 vs the single run's 100


def test_spread_tolerance_is_k_sd_of_one_run_against_the_mean_of_n():
    from .run_example import spread_tolerance
    # sd 5 over 4 runs: one run minus the mean has sd 5 * sqrt(1 + 1/4) = 5.59
    assert abs(spread_tolerance([90.0, 5.0, 4], k=4) - 4 * 5 * 1.25 ** 0.5) < 1e-12
    ref = {"status": "ran", "monitors": {
        "M": _spk([50, 50], "a"),
        "S": {"kind": "StateMonitor", "variables": {"v": {
            "shape": [1, 3], "samples": [[0.0, 0.5, 1.0]], "mean": 0.5, "std": 0.4,
            "min": 0.0, "max": 1.0}}}},
        "spread": {"M.num_spikes": [90.0, 5.0, 4], "S.v.mean": [0.5, 0.01, 4],
                   "S.v.std": [0.4, 0.0, 4]}}

    def eq(spikes, mean, std=0.4):
        return {"status": "ran", "monitors": {
            "M": _spk([spikes - 50, 50], "b"),
            "S": {"kind": "StateMonitor", "variables": {"v": {
                "shape": [1, 3], "samples": [[0.0, 0.5, 1.0]], "mean": mean, "std": std,
                "min": 0.0, "max": 1.0}}}}}
    # 110 spikes: 22 % off the mean (far past rtol), but only 3.6 sd of the difference
    assert compare(eq(110, 0.5), ref, rtol=0.02, spread_k=4) == []
    assert compare(eq(110, 0.5), ref, rtol=0.02)                  # without: differs
    problems = compare(eq(113, 0.5), ref, rtol=0.02, spread_k=4)  # 4.1 sd: differs
    assert len(problems) == 1 and "4.6 sd of Brian2's seed spread" in problems[0]
    # a trace mean 0.045 off (4.5 sd, 4.0 sd of the difference): agrees; 0.05 does not
    assert compare(eq(90, 0.5 + 0.044), ref, rtol=0.02, spread_k=4) == []
    assert compare(eq(90, 0.5 + 0.05), ref, rtol=0.02, spread_k=4)
    # a number that did not vary between Brian2's runs falls back to rtol
    assert compare(eq(90, 0.5, std=0.41), ref, rtol=0.02, spread_k=4) == []
    assert compare(eq(90, 0.5, std=0.43), ref, rtol=0.02, spread_k=4)


PLOTTING = """\
import numpy as np
import matplotlib.pyplot as plt
def simulate():      # records inside a function: nothing in the globals
    return np.linspace(0, 1, 11), np.linspace(0, 1, 11) ** 2
t, v = simulate()
plt.plot(t, v)
plt.figure()
plt.subplot(1, 2, 2)
plt.imshow(np.arange(6.0).reshape(2, 3))
plt.show()
"""


def test_child_compares_what_a_script_without_monitors_drew(tmp_path):
    script = tmp_path / "plots.py"
    script.write_text(PLOTTING)
    out = tmp_path / "out.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(CHILD), str(script), str(out), "eqsim"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env=env)
    assert proc.returncode == 0, proc.stderr
    mons = json.loads(out.read_text())["monitors"]
    assert set(mons) == {"figure1.ax0.line0", "figure2.ax0.image0"}
    y = mons["figure1.ax0.line0"]["variables"]["y"]
    assert mons["figure1.ax0.line0"]["kind"] == "Plot" and y["shape"] == [1, 11]
    assert abs(y["mean"] - 0.35) < 1e-12 and y["samples"][0][-1] == 1.0
    image = mons["figure2.ax0.image0"]["variables"]["array"]
    assert image["shape"] == [2, 3] and image["samples"] == [[0.0, 1.0, 2.0],
                                                             [3.0, 4.0, 5.0]]
    ref = {"status": "ran", "monitors": json.loads(json.dumps(mons))}
    assert verdict({"status": "ran", "monitors": mons}, ref) == "identical"
    ref["monitors"]["figure1.ax0.line0"]["variables"]["y"]["samples"][0][-1] = 1.1
    assert compare({"status": "ran", "monitors": mons}, ref, exact=True)


def test_rows_that_vary_between_brian2_runs_are_compared_as_a_number():
    def result(rows):
        return {"status": "ran", "monitors": {"S": {"kind": "StateMonitor", "variables": {
            "x": {"shape": [rows, 10], "samples": [[0.5] * 6] * 3, "mean": 0.5,
                  "std": 0.1, "min": 0.0, "max": 1.0}}}}}
    ref = {**result(16243), "spread": {"S.x.rows": [16000.0, 120.0, 8]}}
    assert compare(result(15888), ref, rtol=0.02, spread_k=4) == []       # 0.9 sd
    assert compare(result(15000), ref, rtol=0.02, spread_k=4)             # 8 sd
    assert compare(result(15888), ref, rtol=0.02)                          # no spread_k
    assert compare(result(15888), ref, exact=True)
