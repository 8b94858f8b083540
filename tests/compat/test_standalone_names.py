"""Names Brian2 scripts use beyond the classes: ``device.run(run_args=...)`` on a
standalone device, the device's class name, ``reset_device``, ``magic_network``,
``profile=True`` / ``profiling_info``, ``codegen``, ``TimedArray.dt`` / ``.values``;
against Brian2 2.9 on the same script (tests/data/brian2_standalone_names.json, made by
benchmarks/reference/brian2_standalone_names.py)."""
import json

import numpy as np
import pytest

from eqsim.errors import ConfigurationError
from tests.conftest import DATA

REF = json.loads((DATA / "brian2_standalone_names.json").read_text())
NS: dict = {}
exec("from eqsim import *", NS)


@pytest.fixture
def runtime_device():
    from eqsim import preferences
    preferences.reinit_devices()
    NS["start_scope"]()
    yield preferences
    preferences.reinit_devices()


def test_device_run_with_run_args_as_brian2_standalone(runtime_device):
    ms = NS["ms"]
    assert type(NS["get_device"]()).__name__ == REF["device_before"]
    NS["set_device"]("cpp_standalone", build_on_run=False, directory=None)
    assert type(NS["get_device"]()).__name__ == REF["device_standalone"]
    G = NS["NeuronGroup"](3, "dv/dt = (1.5 - v)/(10*ms) : 1", threshold="v > 1",
                          reset="v = 0", method="exact", name="g")
    G.v = 0
    S = NS["SpikeMonitor"](G, name="s")
    NS["run"](20 * ms)
    NS["device"].build(run=False, directory=None)
    for ref in REF["runs"]:
        NS["device"].run(run_args={G.v: np.array(ref["v0"])})
        assert S.count[:].tolist() == ref["count"]
        assert S.i[:].tolist() == ref["i"]
        assert np.allclose(S.t / ms, ref["t"], atol=1e-9)
        assert np.allclose(G.v[:], ref["v_end"], rtol=1e-9)
    assert float(NS["magic_network"].t / ms) == REF["magic_t_ms"]
    with pytest.raises(ConfigurationError) as e:
        NS["device"].run(run_args={"g.v": 0})
    assert e.value.code == "E133"
    with pytest.raises(ConfigurationError) as e:
        NS["device"].apply_run_args()
    assert e.value.code == "E132"
    NS["reset_device"]()
    assert type(NS["get_device"]()).__name__ == "RuntimeDevice"
    with pytest.raises(ConfigurationError) as e:
        NS["device"].run()
    assert e.value.code == "E132"


def test_magic_network_profiling_and_codegen(runtime_device):
    ms = NS["ms"]
    assert float(NS["magic_network"].t / ms) == 0.0
    G = NS["NeuronGroup"](2, "dv/dt = -v/(10*ms) : 1", method="exact")
    NS["run"](1 * ms, profile=True)
    NS["run"](1 * ms)
    info = NS["magic_network"].profiling_info
    assert len(info) == 1 and info[0][1] > 0   # one compiled loop per profiled run
    assert float(NS["magic_network"].t / ms) == pytest.approx(2.0)
    assert NS["magic_network"]["neurongroup"] is G
    # Brian2's star import gives its module brian2.codegen: setting an attribute on it
    # changes no preference there, nor here
    NS["codegen"].target = "numpy"
    assert NS["prefs"]["codegen.target"] == "auto"


def test_timed_array_dt_and_values():
    ta = NS["TimedArray"]([1, 2, 3] * NS["Hz"], dt=10 * NS["ms"])
    assert ta.dt == REF["timed_dt"] and isinstance(ta.dt, float)
    assert ta.values.tolist() == REF["timed_values"]
    assert type(ta.values).__name__ == REF["timed_values_type"]


def _multirun():
    NS["set_device"]("cpp_standalone", build_on_run=False, directory=None)
    G = NS["NeuronGroup"](3, "dv/dt = (I - v)/tau : 1\ntau : second\nI : 1",
                          threshold="v > 1", reset="v = 0", method="exact", name="g")
    G.I = 1.5
    S = NS["SpikeMonitor"](G, name="s")
    NS["run"](20 * NS["ms"])   # deferred: tau is 0 until run_args give it
    NS["device"].build(run=False, directory=None)
    out = []
    for tau in (5, 10):
        NS["device"].run(run_args={G.tau: tau * NS["ms"]})
        out.append((S.count[:].tolist(), np.array(G.v[:])))
    return out


def _two_runs():
    NS["set_device"]("cpp_standalone", build_on_run=False, directory=None)
    NS["start_scope"]()
    H = NS["NeuronGroup"](2, "dv/dt = (I - v)/(10*ms) : 1\nI : 1", threshold="v > 1",
                          reset="v = 0", method="exact", name="h")
    H.I = 1.5
    M = NS["SpikeMonitor"](H, name="m")
    NS["run"](20 * NS["ms"])
    H.I = [2.0, 0.5]   # made between the two runs when the device builds
    NS["run"](20 * NS["ms"])
    assert M.num_spikes == 0   # nothing has run yet (build_on_run=False)
    NS["device"].build(directory=None)
    return M.count[:].tolist(), np.asarray(H.v[:]), np.asarray(M.t / NS["ms"])


def test_build_on_run_false_defers_runs_as_brian2(runtime_device):
    """Brian2's standalone_multiplerun.py pattern (a parameter that is 0 until run_args
    give it: running at run() would divide by zero) and two runs with an assignment
    between them, made at device.build()."""
    for (count, v), ref in zip(_multirun(), REF["multirun"]):
        assert count == ref["count"] and np.allclose(v, ref["v"], rtol=1e-9)
    runtime_device.reinit_devices()
    count, v, t = _two_runs()
    ref = REF["two_runs"]
    assert count == ref["count"] and np.allclose(v, ref["v"], rtol=1e-9)
    assert np.allclose(t, ref["t"], atol=1e-9)
