"""Speed gaps of the generated C loop (docs/benchmarks.md, "Two gaps in the generated
loop"): small cases that show one cost each, and spike digests for A/B comparisons.

    python benchmarks/loop_gaps.py l5 --refractory cond      # HNN's L5 cell, 1 cell
    python benchmarks/loop_gaps.py l5 --refractory none      # (no refractory)
    python benchmarks/loop_gaps.py l5 --refractory nothreshold
    python benchmarks/loop_gaps.py hh --refractory cond      # Traub-Miles HH, 4000 neurons
    python benchmarks/loop_gaps.py clip                      # a model with clip(), 20000
    python benchmarks/loop_gaps.py digest cuba               # sha256 of the spikes (i, t)
    THREADS=2 python benchmarks/loop_gaps.py digest pd0.1    # microcircuit at scale 0.1

Each prints one JSON line; timings are CPU seconds (``time.process_time``) of a run after
a first short run built the network, best of 3. Run from a worktree root with
``PYTHONPATH=<root>`` to compare two trees.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import sys
import time
from pathlib import Path

# the tree to measure: the working directory's when it holds one (A/B runs this script
# from each tree's root), else this script's
ROOT = Path.cwd() if (Path.cwd() / "eqsim").is_dir() else Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "examples"), str(ROOT / "benchmarks")]

import numpy as np  # noqa: E402

import eqsim as eq  # noqa: E402
from eqsim.units import ms, mV, nA, second  # noqa: E402


def _digest(arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(np.asarray(a)).tobytes())
    return h.hexdigest()[:16]


def _best(build, steps_run, repeat=3):
    """(best CPU seconds of the timed run, objects of the last build)."""
    best, out = float("inf"), None
    for _ in range(repeat):
        net, out = build()
        net.run(1 * ms)
        c0 = time.process_time()
        net.run(steps_run)
        best = min(best, time.process_time() - c0)
    return best, out


def l5(refractory: str, cells: int) -> dict:
    import hnn_l5_pyramidal as l5m
    original = l5m.SpatialNeuron

    def spatial(*a, **k):
        if refractory in ("none", "nothreshold"):
            k.pop("refractory", None)
        if refractory == "nothreshold":
            k.pop("threshold", None)
            k.pop("threshold_location", None)
        return original(*a, **k)

    def build():
        neuron, soma, _, ncomp = l5m.build([0.5] * cells, dt=0.025)
        neuron.I[[c * ncomp + soma for c in range(cells)]] = 0.5 * nA
        return eq.Network(neuron), (neuron, ncomp)

    l5m.SpatialNeuron = spatial
    try:
        cpu, (neuron, ncomp) = _best(build, 190 * ms)
    finally:
        l5m.SpatialNeuron = original
    steps = int(round(190 / 0.025))
    return {"case": "l5", "refractory": refractory, "cells": cells,
            "ns_per_compartment_step": round(cpu / (cells * ncomp * steps) * 1e9, 1),
            "v": _digest([neuron.v_])}


def hh(refractory: str, N: int = 4000) -> dict:
    from eqsim import models
    from eqsim.units import cm, msiemens, siemens, ufarad, umetre
    area = 20000 * umetre ** 2
    ns = dict(Cm=1 * ufarad * cm ** -2 * area, gl=5e-5 * siemens * cm ** -2 * area,
              El=-60 * mV, EK=-90 * mV, ENa=50 * mV, g_na=100 * msiemens * cm ** -2 * area,
              g_kd=30 * msiemens * cm ** -2 * area, VT=-63 * mV)
    kw = {"cond": {"refractory": "v > -20*mV"}, "time": {"refractory": 3 * ms},
          "none": {}}[refractory]

    def build():
        G = eq.NeuronGroup(N, models.HH_TRAUB_MILES, threshold="v > -20*mV",
                           method="exponential_euler", namespace=ns, name="hh", **kw)
        G.v, G.h, G.I = ns["El"], 1, "-0.5*nA + 2.5*nA*i/(N - 1)"
        sm = eq.SpikeMonitor(G)
        return eq.Network(G, sm), sm

    cpu, sm = _best(build, 199 * ms)
    return {"case": "hh", "refractory": refractory, "N": N,
            "ns_per_neuron_step": round(cpu / (N * 1990) * 1e9, 2),
            "spikes": int(sm.num_spikes), "digest": _digest([sm.i, sm.t])}


def clip(N: int = 20000) -> dict:
    def build():
        G = eq.NeuronGroup(N, """dv/dt = (clip(I - v, -5*mV, 5*mV) + 0.1*(w - v))/(10*ms) : volt
                                 dw/dt = (v - w)/(50*ms) : volt
                                 I : volt""", threshold="v > 10*mV", reset="v = 0*mV",
                           method="euler")
        G.I = "20*mV*i/N"
        sm = eq.SpikeMonitor(G)
        return eq.Network(G, sm), (G, sm)

    cpu, (G, sm) = _best(build, 199 * ms)
    return {"case": "clip", "N": N, "ns_per_neuron_step": round(cpu / (N * 1990) * 1e9, 2),
            "spikes": int(sm.num_spikes), "digest": _digest([sm.i, sm.t, G.v_])}


def digest(what: str, duration: float, threads: int) -> dict:
    kw = {"threads": threads} if threads != 1 else {}
    if what.startswith("pd"):
        from eqsim import zoo
        z = zoo.potjans_diesmann(scale=float(what[2:]), duration=None)
        net, mons = z.network, z.monitors
        net.run(duration * second, **kw)
    else:
        import eqsim_networks as en
        args = en.parse_args(["--model", what])
        eq.defaultclock.dt = args.dt * ms
        example = importlib.import_module(en.EXAMPLE.get(what, what))
        net, mons, _ = en.build(args, example)
        net.run(duration * second, **kw)
    arrays = [a for k in sorted(mons) for a in (mons[k].i, mons[k].t)]
    return {"case": "digest", "model": what, "threads": threads, "duration_s": duration,
            "spikes": int(sum(int(m.num_spikes) for m in mons.values())),
            "digest": _digest(arrays)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("case", choices=["l5", "hh", "clip", "digest"])
    p.add_argument("model", nargs="?", default="cuba",
                   help="digest: cuba, coba, cobahh, brunel, adex or pd<scale>")
    p.add_argument("--refractory", default="cond",
                   help="l5: cond, none, nothreshold; hh: cond, time, none")
    p.add_argument("--cells", type=int, default=1)
    p.add_argument("--duration", type=float, default=0.3, help="digest: seconds")
    args = p.parse_args(argv)
    threads = int(os.environ.get("THREADS", "1"))
    if args.case == "l5":
        out = l5(args.refractory, args.cells)
    elif args.case == "hh":
        out = hh(args.refractory)
    elif args.case == "clip":
        out = clip()
    else:
        out = digest(args.model, args.duration, threads)
    out["eqsim"] = eq.__file__
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
