#!/usr/bin/env python
"""Brian2 2.9 reference runs of the multicompartment models of tests/spatial.

Run with the Brian2 virtualenv's python, from the repository root:

    /root/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_spatial.py

Runs the models of tests/spatial/spatial_models.py (the same statements eqsim's tests
run) with Brian2's numpy target (plain IEEE double, reproducible) and writes spike times,
the conduction velocity and sampled traces to tests/data/brian2_spatial.json; writes the
synthetic SWC file tests/data/spatial_cell.swc and stores the geometry Brian2 reads from it
(per compartment), a passive run on it and an active (Hodgkin-Huxley) one.
"""
import json
import os
import sys

import numpy as np

import brian2

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "spatial"))
import spatial_models  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "brian2_spatial.json")
SWC = os.path.join(ROOT, "tests", "data", "spatial_cell.swc")   # written here too


def velocity(spikes, neuron, lo: int, hi: int) -> float:
    """Slope of distance against spike time (m/s) over compartments [lo, hi)."""
    i, t = np.asarray(spikes.i), np.asarray(spikes.t / brian2.second)
    keep = (i >= lo) & (i < hi)
    return float(np.polyfit(t[keep], np.asarray(neuron.distance / brian2.meter)[i[keep]],
                            1)[0])


def summary(neuron, spikes, mon, variables) -> dict:
    return {"spike_i": np.asarray(spikes.i).tolist(),
            "spike_t_ms": np.round(np.asarray(spikes.t / brian2.ms), 9).tolist(),
            "record": np.asarray(mon.record).tolist(),
            "t_ms": np.round(np.asarray(mon.t / brian2.ms), 9).tolist(),
            **{v: np.asarray(getattr(mon, v)).tolist() for v in variables}}


def main() -> None:
    brian2.prefs.codegen.target = "numpy"
    out = {"meta": {"brian2": brian2.__version__, "target": "numpy",
                    "made_by": "benchmarks/reference/brian2_spatial.py"}}
    brian2.start_scope()
    neuron, spikes, mon, run = spatial_models.hh_axon(brian2)
    run()
    out["hh_axon"] = summary(neuron, spikes, mon, ["v", "m"])
    out["hh_axon"]["velocity_m_s"] = velocity(spikes, neuron, 50, 150)
    brian2.start_scope()
    neuron, spikes, mon, run = spatial_models.branched(brian2)
    run()
    out["branched"] = summary(neuron, spikes, mon, ["v", "Ic"])
    with open(SWC, "w") as f:
        f.write(spatial_models.synthetic_swc())
    brian2.start_scope()
    neuron, morpho, mon, run = spatial_models.swc_cell(brian2, SWC)
    geometry = {k: np.asarray(getattr(neuron, k + "_")).tolist() for k in
                ("area", "length", "distance", "diameter", "r_length_1", "r_length_2",
                 "x", "y", "z")}
    run()
    out["swc_cell"] = {"n": int(neuron.N), "geometry": geometry,
                       "sections": morpho.topology().__str__(),
                       "record": np.asarray(mon.record).tolist(),
                       "v": np.asarray(mon.v).tolist()}
    brian2.start_scope()
    neuron, spikes, mon, run = spatial_models.swc_active_cell(brian2, SWC)
    run()
    out["swc_active"] = summary(neuron, spikes, mon, ["v"])
    with open(OUT, "w") as f:
        json.dump(out, f)
    print("wrote", OUT, "velocity", out["hh_axon"]["velocity_m_s"],
          "spikes", len(out["hh_axon"]["spike_i"]), len(out["branched"]["spike_i"]))


if __name__ == "__main__":
    main()
