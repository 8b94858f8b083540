"""Speed of multicompartment cells: eqsim vs Brian2 2.9 (cpp_standalone) and NEURON 8.2,
per compartment-step.

The cell is Hodgkin & Huxley's axon of Brian2's examples (HH channels in every
compartment, exponential Euler, dt = 0.01 ms) with ``n`` compartments, simulated for
``T`` ms after a spike was started at one end. eqsim: the run phase of ``Network.run``
after a first short run built and compiled the network. Brian2: ``cpp_standalone``,
the CPU time of its compiled program (``device.run()`` after ``device.build(run=False)``:
compilation excluded; the program's start and its writing of results included). eqsim's
figure is the CPU time of the run phase too (``time.process_time``): CPU times, best of
``--repeat``, are steadier than wall times on a shared machine.

    python benchmarks/spatial_speed.py                 # both, n = 1000, T = 100 ms
    python benchmarks/spatial_speed.py --n 100 --T 50 --only eqsim

Brian2 runs in its own virtualenv ($EQSIM_BRIAN2_PYTHON, default
/root/.venvs/eqsim-brian2/bin/python), NEURON in $EQSIM_NEURON_PYTHON (default
/root/.venvs/eqsim-hnn/bin/python, made by benchmarks/setup_hnn_env.sh): its own ``hh``
mechanism on the same section, ``nseg = n``, fixed dt 0.01 ms, CPU time of
``h.continuerun`` after ``h.finitialize``. Prints one line per simulator and a markdown row.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BRIAN2_PYTHON = os.environ.get("EQSIM_BRIAN2_PYTHON", "/root/.venvs/eqsim-brian2/bin/python")
NEURON_PYTHON = os.environ.get("EQSIM_NEURON_PYTHON", "/root/.venvs/eqsim-hnn/bin/python")

# NEURON: the same axon (10 cm, 476 um, Ri 35.4 ohm*cm, Cm 1 uF/cm2) with NEURON's own
# hh mechanism (the same HH 1952 channels; NEURON shifts v by -65 mV and keeps its rate
# tables), nseg = n, fixed step dt = 0.01 ms (secondorder 0: backward Euler, as eqsim)
NEURON_CELL = '''
import json, sys, time
from neuron import h
h.load_file("stdrun.hoc")
n, T, repeat, cells = {n}, {T}, {repeat}, {cells}
axons, stims = [], []
for c in range(cells):
    axon = h.Section(name=f"axon{{c}}")
    axon.L, axon.diam, axon.nseg, axon.Ra, axon.cm = 1e5, 476.0, n, 35.4, 1.0
    axon.insert("hh")
    stim = h.IClamp(axon(0.5 / n))
    stim.delay, stim.dur, stim.amp = 0, 3, 1000.0       # 1 uA
    axons.append(axon)
    stims.append(stim)
axon = axons[0]
h.celsius = 6.3
h.dt, h.secondorder = 0.01, 0
best = float("inf")
for _ in range(repeat):
    h.finitialize(-65)
    c0 = time.process_time()
    h.continuerun(T)
    best = min(best, time.process_time() - c0)
print(json.dumps({{"run_s": best, "run_wall_s": best, "v_end": axon(0.5).v * 1e-3}}))
'''

CELL = '''
import time, json, sys
{imports}
n, T, repeat, cells = {n}, {T}, {repeat}, {cells}
morpho = Cylinder(length=10*cm, diameter=2*238*um, n=n, type='axon')
ns = dict(El=10.613*mV, ENa=115*mV, EK=-12*mV, gl=0.3*msiemens/cm**2,
          gK=36*msiemens/cm**2)
eqs = """
Im = gl * (El-v) + gNa * m**3 * h * (ENa-v) + gK * n**4 * (EK-v) : amp/meter**2
I : amp (point current)
dm/dt = alpham * (1-m) - betam * m : 1
dn/dt = alphan * (1-n) - betan * n : 1
dh/dt = alphah * (1-h) - betah * h : 1
alpham = (0.1/mV) * 10*mV/exprel((-v+25*mV)/(10*mV))/ms : Hz
betam = 4 * exp(-v/(18*mV))/ms : Hz
alphah = 0.07 * exp(-v/(20*mV))/ms : Hz
betah = 1/(exp((-v+30*mV) / (10*mV)) + 1)/ms : Hz
alphan = (0.01/mV) * 10*mV/exprel((-v+10*mV)/(10*mV))/ms : Hz
betan = 0.125*exp(-v/(80*mV))/ms : Hz
gNa : siemens/meter**2
"""
{make}
for neuron in neurons:
    neuron.v = 0*mV; neuron.h = 0.596; neuron.m = 0.0529; neuron.n = 0.3177
    neuron.gNa = 120*msiemens/cm**2
    neuron.I[np.arange(0, neuron.N, n)] = 1*uA    # compartment 0 of every cell
{body}
'''

# eqsim: one group of `cells` copies (cells=); Brian2: one SpatialNeuron per cell
EQSIM_MAKE = '''
import numpy as np
neurons = [SpatialNeuron(morphology=morpho, model=eqs, method="exponential_euler",
                         Cm=1*uF/cm**2, Ri=35.4*ohm*cm, namespace=ns, dt=0.01*ms,
                         cells=cells)]
'''
BRIAN2_MAKE = '''
import numpy as np
neurons = [SpatialNeuron(morphology=morpho, model=eqs, method="exponential_euler",
                         Cm=1*uF/cm**2, Ri=35.4*ohm*cm, namespace=ns, dt=0.01*ms)
           for _ in range(cells)]
'''

EQSIM_BODY = '''
neuron = neurons[0]
net = Network(*neurons)
net.run(0.1*ms)                      # build and compile
best, wall = float("inf"), float("inf")
for _ in range(repeat):
    t0, c0 = time.perf_counter(), time.process_time()
    net.run(T*ms)
    best = min(best, time.process_time() - c0)
    wall = min(wall, time.perf_counter() - t0)
print(json.dumps({"run_s": best, "run_wall_s": wall, "v_end": float(neuron.v[n//2])}))
'''

BRIAN2_BODY = '''
import resource
neuron = neurons[0]
net = Network(*neurons)
net.run(T*ms)
device.build(directory=sys.argv[1], compile=True, run=False)
best = float("inf")
for _ in range(repeat):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    device.run()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    best = min(best, r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
print(json.dumps({"run_s": best, "run_wall_s": device._last_run_time,
                  "v_end": float(neuron.v[n//2])}))
'''


def run_one(side: str, n: int, T: float, repeat: int, cells: int = 1) -> dict:
    if side == "neuron":
        cmd = [NEURON_PYTHON, "-c", NEURON_CELL.format(n=n, T=T, repeat=repeat,
                                                       cells=cells)]
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
    elif side == "eqsim":
        code = CELL.format(imports="from eqsim import *", n=n, T=T, repeat=repeat,
                           cells=cells, make=EQSIM_MAKE, body=EQSIM_BODY)
        cmd = [sys.executable, "-c", code]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
    else:   # brian2
        code = CELL.format(imports="from brian2 import *\nset_device('cpp_standalone', "
                                   "build_on_run=False)", n=n, T=T, repeat=repeat,
                           cells=cells, make=BRIAN2_MAKE, body=BRIAN2_BODY)
        cmd = [BRIAN2_PYTHON, "-c", code]
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory() as work:
        t0 = time.perf_counter()
        out = subprocess.run(cmd + [work], capture_output=True, text=True, env=env,
                             cwd=work)
        wall = time.perf_counter() - t0
    if out.returncode:
        raise RuntimeError(f"{side} failed:\n{out.stderr[-2000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    steps = round(T / 0.01)
    result.update(side=side, n=n, cells=cells, T_ms=T, wall_s=wall,
                  ns_per_compartment_step=result["run_s"] / (n * cells * steps) * 1e9)
    return result


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--T", type=float, default=100.0)
    p.add_argument("--repeat", type=int, default=3, help="best of k runs")
    p.add_argument("--cells", type=int, default=1, help="cells of n compartments each")
    p.add_argument("--brian2-cells", type=int, default=None,
                   help="Brian2 only: fewer cells (one SpatialNeuron each, so its code "
                        "generation and compilation grow with the number of cells)")
    p.add_argument("--only", choices=("eqsim", "brian2", "neuron"))
    args = p.parse_args(argv)
    rows = []
    for side in ("eqsim", "brian2", "neuron"):
        if args.only and side != args.only:
            continue
        cells = args.brian2_cells if side == "brian2" and args.brian2_cells else args.cells
        r = run_one(side, args.n, args.T, args.repeat, cells)
        rows.append(r)
        print(f"{side:7s} n={r['n']} cells={r['cells']} T={r['T_ms']} ms: run {r['run_s']:.3f} s CPU "
              f"({r['run_wall_s']:.3f} s wall), "
              f"{r['ns_per_compartment_step']:.1f} ns per compartment-step "
              f"(v mid {r['v_end']:.6g} V; process wall {r['wall_s']:.1f} s)")
    print("| n | T (ms) | " + " | ".join(f"{r['side']} (ns/comp-step)" for r in rows) + " |")
    print(f"| {args.n} | {args.T:g} | " + " | ".join(
        f"{r['ns_per_compartment_step']:.1f}" for r in rows) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
