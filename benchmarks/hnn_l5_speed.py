"""Speed of HNN-core's L5 pyramidal cell (55 compartments, 7 mechanisms): eqsim
(examples/hnn_l5_pyramidal.py, ``cells`` copies in one group) vs HNN-core's own cell in
NEURON 8.2 (``cells`` cells built by hnn_core; with the mods' rate tables on, as HNN-core
runs them, and off, the rate functions evaluated as eqsim does).

Each cell gets 0.5 nA into the soma from 10 ms on; dt = 0.025 ms, 37 degC, ``T`` ms.
Figures: CPU time (``time.process_time``) of the run phase, best of ``--repeat``
(eqsim: after a first short run built and compiled the network; NEURON:
``h.continuerun`` after ``h.finitialize``), per compartment-step.

    python benchmarks/hnn_l5_speed.py --cells 1 --T 500
    python benchmarks/hnn_l5_speed.py --cells 100 --T 100

NEURON runs in $EQSIM_NEURON_PYTHON (default /root/.venvs/eqsim-hnn/bin/python, made by
benchmarks/setup_hnn_env.sh).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NEURON_PYTHON = os.environ.get("EQSIM_NEURON_PYTHON", "/root/.venvs/eqsim-hnn/bin/python")
DT = 0.025

NEURON_CODE = '''
import json, time
from neuron import h
from hnn_core.cells_default import pyramidal
from hnn_core.network_builder import load_custom_mechanisms
load_custom_mechanisms(net_verbose=False)
h.load_file("stdrun.hoc")
cells, T, repeat = {cells}, {T}, {repeat}
built, clamps = [], []
for c in range(cells):
    cell = pyramidal("L5_pyramidal", gid=c)
    cell.build()
    clamp = h.IClamp(cell._nrn_sections["soma"](0.5))
    clamp.delay, clamp.dur, clamp.amp = 10.0, 1e9, 0.5
    built.append(cell)
    clamps.append(clamp)
h.celsius, h.dt = 37.0, {dt}
for mech in ["hh2", "ca", "km", "cat", "ar"]:
    setattr(h, "usetable_" + mech, {tables})
ncomp = sum(sec.nseg for sec in built[0]._nrn_sections.values())
best = float("inf")
for _ in range(repeat):
    for cell in built:
        for name, sec in cell._nrn_sections.items():
            sec.v = cell.sections[name].v0
    h.finitialize()
    c0 = time.process_time()
    h.continuerun(T)
    best = min(best, time.process_time() - c0)
print(json.dumps({{"cpu_s": best, "ncomp": ncomp}}))
'''


def run_eqsim(cells: int, T: float, repeat: int) -> dict:
    sys.path[:0] = [str(ROOT), str(ROOT / "examples")]
    import hnn_l5_pyramidal as l5

    from eqsim import Network, ms, nA
    best = float("inf")
    for _ in range(repeat):
        neuron, soma, _, ncomp = l5.build([0.5] * cells, dt=DT)
        net = Network(neuron)
        net.run(10 * ms)                    # builds and compiles (cached after the first)
        neuron.I[[c * ncomp + soma for c in range(cells)]] = 0.5 * nA
        c0 = time.process_time()
        net.run((T - 10) * ms)
        best = min(best, (time.process_time() - c0) * T / (T - 10))
    return {"cpu_s": best, "ncomp": ncomp}


def run_neuron(cells: int, T: float, repeat: int, tables: bool = True) -> dict:
    code = NEURON_CODE.format(cells=cells, T=T, repeat=repeat, dt=DT, tables=int(tables))
    out = subprocess.run([NEURON_PYTHON, "-c", code], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=1)
    parser.add_argument("--T", type=float, default=500.0, help="ms")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["eqsim", "neuron", "neuron-notables"])
    args = parser.parse_args(argv)
    steps = int(round(args.T / DT))
    rows = {}
    for side, fn in (("eqsim", run_eqsim), ("neuron", run_neuron),
                     ("neuron-notables", lambda *a: run_neuron(*a, tables=False))):
        if args.only in (None, side):
            r = fn(args.cells, args.T, args.repeat)
            r["ns_per_compartment_step"] = r["cpu_s"] / (args.cells * r["ncomp"] * steps) * 1e9
            rows[side] = r
            print(f"{side}: {r['cpu_s']:.3f} s CPU, {r['ns_per_compartment_step']:.1f} ns "
                  f"per compartment-step ({args.cells} x {r['ncomp']} compartments, "
                  f"{steps} steps)")
    if len(rows) == 3:
        e, n, m = (rows[k]["ns_per_compartment_step"] for k in
                   ("eqsim", "neuron", "neuron-notables"))
        print(f"| {args.cells} x {rows['eqsim']['ncomp']} | {args.T:g} | {e:.0f} | {n:.0f} | "
              f"{m:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
