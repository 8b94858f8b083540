"""Reference numbers for tests/compat/test_standalone_names.py, made with Brian2 2.9:

    /root/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_standalone_names.py

writes tests/data/brian2_standalone_names.json: ``device.run(run_args={G.v: ...})`` on a
cpp_standalone device (the simulation run again from its start with those values), the
class name of the device, ``TimedArray.dt`` / ``.values``, ``magic_network.t``; with
``build_on_run=False``, runs made only at ``device.build()`` / ``device.run()``.
"""
import json
from pathlib import Path

import numpy as np
from brian2 import (NeuronGroup, SpikeMonitor, TimedArray, device, get_device, Hz,
                    magic_network, ms, run, set_device, start_scope)
from brian2.devices.device import reinit_devices

OUT = Path(__file__).resolve().parents[2] / "tests" / "data" / "brian2_standalone_names.json"


def main():
    out = {"device_before": type(get_device()).__name__}
    ta = TimedArray([1, 2, 3] * Hz, dt=10 * ms)
    out["timed_dt"] = ta.dt
    out["timed_values"] = ta.values.tolist()
    out["timed_values_type"] = type(ta.values).__name__
    set_device("cpp_standalone", build_on_run=False, directory=None)
    out["device_standalone"] = type(get_device()).__name__
    G = NeuronGroup(3, "dv/dt = (1.5 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                    method="exact", name="g")
    G.v = 0
    S = SpikeMonitor(G, name="s")
    run(20 * ms)
    device.build(run=False, directory=None)
    out["runs"] = []
    for v0 in ([0, 0.5, 0.9], [0.99, 0.0, 0.0]):
        device.run(run_args={G.v: np.array(v0)})
        out["runs"].append({"v0": v0, "count": S.count[:].tolist(),
                            "t": (S.t / ms).tolist(), "i": S.i[:].tolist(),
                            "v_end": G.v[:].tolist()})
    out["magic_t_ms"] = float(magic_network.t / ms)
    out["multirun"] = multirun()
    out["two_runs"] = two_runs()
    return out


def multirun():
    """Brian2's standalone_multiplerun.py pattern: tau is 0 until run_args give it."""
    reinit_devices()
    set_device("cpp_standalone", build_on_run=False, directory=None)
    start_scope()
    G = NeuronGroup(3, "dv/dt = (I - v)/tau : 1\ntau : second\nI : 1", threshold="v > 1",
                    reset="v = 0", method="exact", name="g")
    G.I = 1.5
    S = SpikeMonitor(G, name="s")
    run(20 * ms)
    device.build(run=False, directory=None)
    out = []
    for tau in (5, 10):
        device.run(run_args={G.tau: tau * ms})
        out.append({"count": S.count[:].tolist(), "v": G.v[:].tolist()})
    return out


def two_runs():
    """Two runs with an assignment between them, built once."""
    reinit_devices()
    set_device("cpp_standalone", build_on_run=False, directory=None)
    start_scope()
    H = NeuronGroup(2, "dv/dt = (I - v)/(10*ms) : 1\nI : 1", threshold="v > 1",
                    reset="v = 0", method="exact", name="h")
    H.I = 1.5
    M = SpikeMonitor(H, name="m")
    run(20 * ms)
    H.I = [2.0, 0.5]
    run(20 * ms)
    device.build(directory=None)
    return {"count": M.count[:].tolist(), "v": H.v[:].tolist(), "t": (M.t / ms).tolist()}


if __name__ == "__main__":
    data = main()
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(json.dumps(data))
