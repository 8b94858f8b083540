#!/usr/bin/env python
"""HNN-core 0.6's L5 pyramidal cell run alone in NEURON 8: somatic current steps.

Run with the HNN virtualenv (benchmarks/setup_hnn_env.sh), from the repository root:

    /root/.venvs/eqsim-hnn/bin/python benchmarks/reference/hnn_l5_pyramidal.py

Builds ``hnn_core.cells_default.pyramidal("L5_pyramidal")`` (HNN-core's own geometry,
nseg, mechanisms, densities and initial voltages), sets HNN-core's temperature (37 degC)
and time step (0.025 ms), and injects one step per run into soma(0.5) from 100 to 400 ms
(0.1 nA: subthreshold; 0.5 and 1.0 nA: spiking), 500 ms in all. Runs twice: as HNN-core
runs it (the mod files' rate TABLEs, linearly interpolated, on) and with the tables off
(``usetable_<mech> = 0``: the rate functions exactly as written, which is what eqsim's
equations compute). Writes tests/data/hnn_l5_pyramidal.json: the soma V_m every 0.25 ms,
spike times (first step with v > 0 mV after v <= 0 mV), V_m in the middle of the apical
tuft and near the tip of basal_2 in the subthreshold run (every 0.25 ms; all V_m rounded
to 1e-4 mV), the per-segment geometry and the
gbar_ar values NEURON holds. A last run (1.0 nA, tables off) at 32 degC checks the
mods' temperature factors (at 37 degC hh2's q10 is exactly 1).
"""
import json
import os

import hnn_core
import numpy as np
from hnn_core.cells_default import pyramidal
from hnn_core.network_builder import load_custom_mechanisms
from neuron import h

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "data", "hnn_l5_pyramidal.json")
CURRENTS_NA = [0.1, 0.5, 1.0]
T_ON, T_OFF, T_STOP, DT, REC_DT = 100.0, 400.0, 500.0, 0.025, 0.25
CELSIUS = 37.0                                     # hnn_core params_default "celsius"
SITES = {"tuft": ("apical_tuft", 0.5), "basal_tip": ("basal_2", 0.9)}   # dendritic V_m
OTHER_CELSIUS = 32.0                               # a second temperature: the Q10s at work
TABLE_MECHS = ["hh2", "ca", "km", "cat", "ar"]     # the mods with a TABLE statement


def run_all(cell, use_tables: bool, celsius: float = CELSIUS,
            currents=tuple(CURRENTS_NA)) -> list:
    soma = cell._nrn_sections["soma"]
    for mech in TABLE_MECHS:
        setattr(h, "usetable_" + mech, 1 if use_tables else 0)
    out = []
    for amp in currents:
        clamp = h.IClamp(soma(0.5))
        clamp.delay, clamp.dur, clamp.amp = T_ON, T_OFF - T_ON, amp
        v = h.Vector().record(soma(0.5)._ref_v)
        dend = {name: h.Vector().record(cell._nrn_sections[sec](x)._ref_v)
                for name, (sec, x) in SITES.items()}
        t = h.Vector().record(h._ref_t)
        h.dt = DT
        h.celsius = celsius
        for name, sec in cell._nrn_sections.items():   # HNN-core's per-section v0, as
            sec.v = cell.sections[name].v0             # its build sets before each run
        h.finitialize()             # keeps that v; INITIAL blocks at it
        h.continuerun(T_STOP)
        v, t = np.array(v), np.array(t)
        up = np.flatnonzero((v[1:] > 0) & (v[:-1] <= 0)) + 1
        step = int(round(REC_DT / DT))
        out.append({"amp_nA": amp, "spikes_ms": np.round(t[up], 6).tolist(),
                    "v_mV": np.round(v[::step], 4).tolist(),
                    **{f"{name}_v_mV": np.round(np.array(vec)[::step], 4).tolist()
                       for name, vec in dend.items() if amp == CURRENTS_NA[0]}})
        del clamp
    return out


def main() -> None:
    load_custom_mechanisms(net_verbose=False)
    h.load_file("stdrun.hoc")
    cell = pyramidal("L5_pyramidal", gid=0)
    cell.build()
    secs = cell._nrn_sections
    geometry = {name: {"L": sec.L, "diam": sec.diam, "nseg": sec.nseg, "Ra": sec.Ra,
                       "cm": sec.cm, "parent": (sec.parentseg().sec.name().split("_", 1)[1],
                                                sec.parentseg().x)
                       if sec.parentseg() is not None else None,
                       "gbar_ar": [seg.gbar_ar for seg in sec],
                       "v0": [seg.v for seg in sec]}
                for name, sec in secs.items()}
    tables = run_all(cell, True)
    exact = run_all(cell, False)
    cooler = run_all(cell, False, celsius=OTHER_CELSIUS, currents=(1.0,))
    data = {"meta": {"tool": f"hnn-core {hnn_core.__version__}, NEURON {h.nrnversion(1)}",
                     "script": "benchmarks/reference/hnn_l5_pyramidal.py",
                     "celsius": CELSIUS, "dt_ms": DT, "record_dt_ms": REC_DT,
                     "t_on_ms": T_ON, "t_off_ms": T_OFF, "t_stop_ms": T_STOP,
                     "spike_rule": "time of the first step with v > 0 mV",
                     "ena": secs["soma"].ena, "ek": secs["soma"].ek,
                     "cao": h.cao0_ca_ion},
            "geometry": geometry, "tables_on": tables, "tables_off": exact,
            f"celsius_{OTHER_CELSIUS:g}_tables_off": cooler}
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))
    for a, b in zip(tables, exact):
        print(a["amp_nA"], "nA: tables on", a["spikes_ms"], "off", b["spikes_ms"])
    print(OTHER_CELSIUS, "degC, 1.0 nA, tables off", cooler[0]["spikes_ms"])
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
