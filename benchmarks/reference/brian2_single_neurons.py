#!/usr/bin/env python
"""Brian2 reference spike times for eqsim's single-neuron tests.

Run with the Brian2 virtualenv's python (see benchmarks/setup_brian2_env.sh),
from the repository root:

    $BRIAN2_VENV/bin/python benchmarks/reference/brian2_single_neurons.py

Writes tests/data/brian2_single_neurons.json (override with --out). Models:

* adex_step       -- AdEx (Brette & Gerstner 2005), current step, euler
* hh_traub_miles  -- Traub-Miles HH (COBAHH benchmark, no synapses), 4 currents,
                     exponential_euler
* izhikevich_rs   -- Izhikevich (2003) regular spiking, euler
* izhikevich_fs   -- Izhikevich (2003) fast spiking, euler

Everything is deterministic (no random numbers); defaultclock.dt = 0.1 ms.

Code generation target: numpy by default. Brian's cython target compiles with
-ffast-math -march=native, so its rounding (FMA contraction, reassociation)
depends on the compiler and CPU; the numpy target evaluates Brian's generated
expressions in plain IEEE double in a fixed order, which is reproducible and
which another simulator can match. With cython the izhikevich_fs train drifts
from spike 47 on (the FS model under Euler at dt = 0.1 ms amplifies rounding:
a 1e-12 change of v(0) already moves spikes from about #45 on); all other
trains are identical between the two targets.

Spike time convention (Brian): a step updates the state from t to t + dt, the
threshold is then tested, and a spike is stamped with t (the step's start).
"""
import argparse
import json
import os
import sys

import brian2
from brian2 import (
    NeuronGroup,
    Network,
    SpikeMonitor,
    cm,
    defaultclock,
    prefs,
    start_scope,
    ms,
    mV,
    nA,
    nS,
    pF,
    siemens,
    msiemens,
    ufarad,
    umetre,
)

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO_ROOT, "tests", "data", "brian2_single_neurons.json")
DT_MS = 0.1

# HH injected currents (nA), one per neuron.
HH_I_NA = [0.1, 0.3, 0.6, 1.2]


def spike_dict(mon, n):
    trains = mon.spike_trains()
    return {str(i): [round(float(t / ms), 6) for t in trains[i]] for i in range(n)}


def adex_step():
    start_scope()
    defaultclock.dt = DT_MS * ms
    C = 281*pF; gL = 30*nS; EL = -70.6*mV; VT = -50.4*mV; DeltaT = 2*mV
    tauw = 144*ms; a = 4*nS; b = 0.0805*nA; Vr = -70.6*mV; Vcut = VT + 5*DeltaT
    eqs = """
    dvm/dt = (gL*(EL - vm) + gL*DeltaT*exp((vm - VT)/DeltaT) + I - w)/C : volt
    dw/dt = (a*(vm - EL) - w)/tauw : amp
    I : amp
    """
    namespace = dict(C=C, gL=gL, EL=EL, VT=VT, DeltaT=DeltaT, tauw=tauw, a=a,
                     b=b, Vr=Vr, Vcut=Vcut)
    G = NeuronGroup(1, eqs, threshold="vm > Vcut", reset="vm = Vr; w += b",
                    method="euler", namespace=namespace)
    G.vm = EL
    M = SpikeMonitor(G)
    net = Network(G, M)
    G.I = 0*nA
    net.run(20*ms)
    G.I = 1*nA
    net.run(400*ms)
    G.I = 0*nA
    net.run(80*ms)
    return {
        "dt_ms": DT_MS,
        "method": "euler",
        "spike_times_ms": spike_dict(M, 1),
        "description": (
            "AdEx (Brette & Gerstner 2005), 1 neuron, vm(0)=EL, w(0)=0; "
            "I=0 for 0-20 ms, I=1 nA for 20-420 ms, I=0 for 420-500 ms "
            "(three consecutive run() calls of one Network). "
            "threshold vm > Vcut (Vcut = VT + 5*DeltaT), reset vm = Vr; w += b."
        ),
        "params": {
            "C": float(C), "gL": float(gL), "EL": float(EL), "VT": float(VT),
            "DeltaT": float(DeltaT), "tauw": float(tauw), "a": float(a),
            "b": float(b), "Vr": float(Vr), "Vcut": float(Vcut),
            "I_step": float(1*nA), "t_on": 0.020, "t_off": 0.420, "t_end": 0.500,
            "vm0": float(EL), "w0": 0.0,
        },
    }


def hh_traub_miles():
    start_scope()
    defaultclock.dt = DT_MS * ms
    area = 20000*umetre**2
    Cm = 1*ufarad*cm**-2*area; gl = 5e-5*siemens*cm**-2*area
    El = -60*mV; EK = -90*mV; ENa = 50*mV
    g_na = 100*msiemens*cm**-2*area; g_kd = 30*msiemens*cm**-2*area; VT = -63*mV
    eqs = """
    dv/dt = (gl*(El - v) - g_na*(m*m*m)*h*(v - ENa) - g_kd*(n*n*n*n)*(v - EK) + I) / Cm : volt
    dm/dt = alpha_m*(1 - m) - beta_m*m : 1
    dn/dt = alpha_n*(1 - n) - beta_n*n : 1
    dh/dt = alpha_h*(1 - h) - beta_h*h : 1
    alpha_m = 0.32/mV * (13*mV - v + VT) / (exp((13*mV - v + VT)/(4*mV)) - 1.)/ms : Hz
    beta_m  = 0.28/mV * (v - VT - 40*mV) / (exp((v - VT - 40*mV)/(5*mV)) - 1.)/ms : Hz
    alpha_h = 0.128 * exp((17*mV - v + VT)/(18*mV))/ms : Hz
    beta_h  = 4. / (1 + exp((40*mV - v + VT)/(5*mV)))/ms : Hz
    alpha_n = 0.032/mV * (15*mV - v + VT) / (exp((15*mV - v + VT)/(5*mV)) - 1.)/ms : Hz
    beta_n  = 0.5 * exp((10*mV - v + VT)/(40*mV))/ms : Hz
    I : amp
    """
    namespace = dict(Cm=Cm, gl=gl, El=El, EK=EK, ENa=ENa, g_na=g_na,
                     g_kd=g_kd, VT=VT)
    n_neurons = len(HH_I_NA)
    G = NeuronGroup(n_neurons, eqs, threshold="v > -20*mV", refractory=3*ms,
                    method="exponential_euler", namespace=namespace)
    G.v = El; G.m = 0; G.n = 0; G.h = 1
    G.I = HH_I_NA*nA
    M = SpikeMonitor(G)
    net = Network(G, M)
    net.run(300*ms)
    return {
        "dt_ms": DT_MS,
        "method": "exponential_euler",
        "spike_times_ms": spike_dict(M, n_neurons),
        "description": (
            "Traub-Miles HH as in the COBAHH benchmark (Brette et al. 2007) "
            "without synapses; 4 neurons with constant injected current I_nA, "
            "v(0)=El, m(0)=0, n(0)=0, h(0)=1; threshold v > -20 mV, "
            "refractory 3 ms (threshold blocked only, dynamics continue); "
            "run 300 ms."
        ),
        "I_nA": list(HH_I_NA),
        "params": {
            "area": float(area), "Cm": float(Cm), "gl": float(gl),
            "El": float(El), "EK": float(EK), "ENa": float(ENa),
            "g_na": float(g_na), "g_kd": float(g_kd), "VT": float(VT),
            "v_threshold": float(-20*mV), "refractory": 0.003,
            "I": [float(i*nA) for i in HH_I_NA], "t_end": 0.300,
        },
    }


def izhikevich(label, a_, b_, c_, d_):
    start_scope()
    defaultclock.dt = DT_MS * ms
    eqs = """
    dv/dt = (0.04*v**2 + 5*v + 140 - u + I)/ms : 1
    du/dt = a*(b*v - u)/ms : 1
    a : 1
    b : 1
    c : 1
    d : 1
    I : 1
    """
    G = NeuronGroup(1, eqs, threshold="v >= 30", reset="v = c; u += d",
                    method="euler", namespace={})
    G.a = a_; G.b = b_; G.c = c_; G.d = d_
    G.v = -65
    G.u = b_*(-65)
    G.I = 10
    M = SpikeMonitor(G)
    net = Network(G, M)
    net.run(500*ms)
    return {
        "dt_ms": DT_MS,
        "method": "euler",
        "spike_times_ms": spike_dict(M, 1),
        "description": (
            f"Izhikevich (2003) {label}, dimensionless v, u (time in ms); "
            "v(0)=-65, u(0)=b*v(0), constant I=10; threshold v >= 30, "
            "reset v = c; u += d; run 500 ms."
        ),
        "params": {"a": a_, "b": b_, "c": c_, "d": d_, "I": 10.0, "v0": -65.0,
                   "u0": b_*(-65.0), "t_end_ms": 500.0},
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=DEFAULT_OUT, help="output JSON path")
    p.add_argument("--target", default="numpy", choices=["numpy", "cython"],
                   help="Brian2 runtime code generation target (default numpy, "
                        "see module docstring)")
    args = p.parse_args(argv)

    prefs.codegen.target = args.target
    models = {
        "adex_step": adex_step(),
        "hh_traub_miles": hh_traub_miles(),
        "izhikevich_rs": izhikevich("regular spiking (RS)", 0.02, 0.2, -65.0, 8.0),
        "izhikevich_fs": izhikevich("fast spiking (FS)", 0.1, 0.2, -65.0, 2.0),
    }
    out = {
        "brian2_version": brian2.__version__,
        "generated_by": "benchmarks/reference/brian2_single_neurons.py",
        "codegen_target": args.target,
        "models": models,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")

    print(f"brian2 {brian2.__version__}, target {args.target}, wrote {args.out}")
    for name, m in models.items():
        for i, ts in m["spike_times_ms"].items():
            isi = [b - a for a, b in zip(ts, ts[1:])]
            extra = ""
            if len(isi) >= 2:
                extra = f", first ISI {isi[0]:.1f} ms, last ISI {isi[-1]:.1f} ms"
            first = f", first spike {ts[0]:.1f} ms" if ts else ""
            print(f"  {name:16s} neuron {i}: {len(ts):4d} spikes{first}{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
