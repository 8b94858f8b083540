#!/usr/bin/env python
"""Brian2-drawn networks for eqsim's spike-for-spike agreement test.

Run with the Brian2 virtualenv's python, from the repository root:

    $BRIAN2_VENV/bin/python benchmarks/reference/brian2_drawn_networks.py [--models ...]

For each model (cuba, coba, cobahh, adex) Brian2 2.9 builds the network of
../shared/models/brian2/<model>.py (same equations, parameters, integration method,
threshold, reset and refractory period) with the runtime 'numpy' target (double
precision, numpy's arithmetic, no -ffast-math: Brian2's 'cython' and 'cpp_standalone'
targets compile with -ffast-math by default, which licenses the compiler to reorder
arithmetic), draws everything random -- Bernoulli connectivity, initial state, the
PoissonGroup's spikes (AdExp) -- runs 1 s at dt = 0.1 ms, and writes

    tests/data/brian2_drawn_<model>.npz

holding the drawn network and the spikes Brian2 produced, so that eqsim can load exactly
that network (tests/networks/drawn_networks.py) and must give the same spike trains.

Arrays in each file (np.savez_compressed):
  meta              JSON string: model, sizes, seed, dt, duration, Brian2 version, target
  syn_<name>_count  uint16/uint32 per presynaptic neuron: its number of synapses
  syn_<name>_dj     uint16: postsynaptic indices, per presynaptic neuron in ascending
                    order, stored as differences (first one from 0) -- they compress to a
                    few bits per synapse
  init_<var>        float64: initial values of the state variables Brian2 drew
  final_<var>       float64: their values after the run
  spk_<pop>_i, spk_<pop>_step   the spikes of population <pop> (its own neuron indices,
                    time step numbers t/dt), in the order Brian2's SpikeMonitor has them
  (adex) input spikes of the afferent PoissonGroup as spk_aff_i, spk_aff_step

With --rates K it instead runs seeds 1..K of every model and writes only their excitatory
and inhibitory rates, tests/data/brian2_seed_rates.json (the seed spread that
tests/networks/test_rates_vs_brian2.py derives its tolerance from).

Sizes: CUBA, COBA, COBAHH 4000 neurons (the benchmark size, 3200 exc / 800 inh, p = 0.02);
AdExp RS-FS 5000 neurons as documented (4000 RS / 1000 FS, p = 0.05, 400 afferent Poisson
neurons at a constant 4 Hz with p = 0.5, as in ../shared/models/brian2/adex.py); 1.8 MB.
At 2500 neurons the network is nearly silent (100 spikes in 1 s), too little to compare.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(REPO_ROOT, "tests", "data")
MODELS = ("cuba", "coba", "cobahh", "adex")
SIZES = dict(cuba=4000, coba=4000, cobahh=4000, adex=5000)
SEED = 2026


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def encode_synapses(out, name, i, j, n_pre):
    """Store synapses (i, j) as per-presynaptic counts plus ascending j differences."""
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    order = np.lexsort((j, i))
    i, j = i[order], j[order]
    counts = np.bincount(i, minlength=n_pre)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    dj = np.diff(j, prepend=0)
    dj[starts[counts > 0]] = j[starts[counts > 0]]  # first of each row: absolute
    assert dj.min() >= 0 and dj.max() < 2 ** 16
    out[f"syn_{name}_count"] = counts.astype(np.uint32 if counts.max() >= 2 ** 16
                                             else np.uint16)
    out[f"syn_{name}_dj"] = dj.astype(np.uint16)


def store_spikes(out, name, mon, dt, offset=0):
    i = np.asarray(mon.i[:], dtype=np.int64) - offset
    step = np.rint(np.asarray(mon.t_[:]) / dt).astype(np.int64)
    out[f"spk_{name}_i"] = i.astype(np.uint16)
    out[f"spk_{name}_step"] = step.astype(np.uint16 if step.max(initial=0) < 2 ** 16
                                          else np.uint32)
    return len(i)


def build_vogels_abbott(b2, model, N, out):
    """CUBA, COBA, COBAHH: one group, first 80 % excitatory, two Synapses p = 0.02."""
    from brian2 import (ms, mV, nS, pF, umetre, ufarad, cm, siemens, msiemens,
                        NeuronGroup, Synapses, SpikeMonitor)
    NE = int(round(0.8 * N))
    if model == "cuba":
        params = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV,
                      El=-49 * mV, we=(60 * 0.27 / 10) * mV, wi=(-20 * 4.5 / 10) * mV)
        eqs = """
        dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
        dge/dt = -ge / taue : volt
        dgi/dt = -gi / taui : volt
        """
        G = NeuronGroup(N, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
                        method="exact", namespace=params)
        G.v = "Vr + rand() * (Vt - Vr)"
        G.ge = 0 * mV
        G.gi = 0 * mV
        variables = ("v", "ge", "gi")
    elif model == "coba":
        params = dict(Cm=200 * pF, gl=10 * nS, El=-60 * mV, Ee=0 * mV, Ei=-80 * mV,
                      taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV,
                      we=6 * nS, wi=67 * nS)
        eqs = """
        dv/dt  = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v)) / Cm : volt (unless refractory)
        dge/dt = -ge / taue : siemens
        dgi/dt = -gi / taui : siemens
        """
        G = NeuronGroup(N, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
                        method="euler", namespace=params)
        G.v = "El + (randn()*5 - 5)*mV"
        G.ge = "(randn()*1.5 + 4) * 10.*nS"
        G.gi = "(randn()*12 + 20) * 10.*nS"
        variables = ("v", "ge", "gi")
    else:
        area = 20000 * umetre ** 2
        params = dict(
            Cm=1 * ufarad * cm ** -2 * area, gl=5e-5 * siemens * cm ** -2 * area,
            El=-60 * mV, EK=-90 * mV, ENa=50 * mV,
            g_na=100 * msiemens * cm ** -2 * area, g_kd=30 * msiemens * cm ** -2 * area,
            VT=-63 * mV, taue=5 * ms, taui=10 * ms, Ee=0 * mV, Ei=-80 * mV,
            we=6 * nS, wi=67 * nS)
        eqs = """
        dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v)
                 - g_na*(m*m*m)*h*(v - ENa) - g_kd*(n*n*n*n)*(v - EK)) / Cm : volt
        dm/dt = alpha_m*(1 - m) - beta_m*m : 1
        dn/dt = alpha_n*(1 - n) - beta_n*n : 1
        dh/dt = alpha_h*(1 - h) - beta_h*h : 1
        dge/dt = -ge / taue : siemens
        dgi/dt = -gi / taui : siemens
        alpha_m = 0.32/mV * (13*mV - v + VT) / (exp((13*mV - v + VT)/(4*mV)) - 1.)/ms : Hz
        beta_m  = 0.28/mV * (v - VT - 40*mV) / (exp((v - VT - 40*mV)/(5*mV)) - 1.)/ms : Hz
        alpha_h = 0.128 * exp((17*mV - v + VT)/(18*mV))/ms : Hz
        beta_h  = 4. / (1 + exp((40*mV - v + VT)/(5*mV)))/ms : Hz
        alpha_n = 0.032/mV * (15*mV - v + VT) / (exp((15*mV - v + VT)/(5*mV)) - 1.)/ms : Hz
        beta_n  = 0.5 * exp((10*mV - v + VT)/(40*mV))/ms : Hz
        """
        G = NeuronGroup(N, eqs, threshold="v > -20*mV", refractory=3 * ms,
                        method="exponential_euler", namespace=params)
        G.v = "El + (randn()*5 - 5)*mV"
        G.ge = "(randn()*1.5 + 4) * 10.*nS"
        G.gi = "(randn()*12 + 20) * 10.*nS"
        variables = ("v", "m", "n", "h", "ge", "gi")
    Se = Synapses(G[:NE], G, on_pre="ge += we", namespace=params)
    Si = Synapses(G[NE:], G, on_pre="gi += wi", namespace=params)
    Se.connect(p=0.02)
    Si.connect(p=0.02)
    mon = SpikeMonitor(G)
    objects = [G, Se, Si, mon]

    def collect(dt):
        for var in variables:
            out[f"final_{var}"] = np.array(getattr(G, var + "_")[:], dtype=np.float64)
        encode_synapses(out, "exc", Se.i[:], Se.j[:], NE)
        encode_synapses(out, "inh", Si.i[:], Si.j[:], N - NE)
        n_e = store_spikes(out, "all", mon, dt)
        n_exc = int(np.sum(np.asarray(mon.i[:]) < NE))
        return dict(N=N, N_exc=NE, n_syn_exc=len(Se), n_syn_inh=len(Si), spikes=n_e,
                    spikes_exc=n_exc, spikes_inh=n_e - n_exc)

    def initial():
        for var in variables:
            out[f"init_{var}"] = np.array(getattr(G, var + "_")[:], dtype=np.float64)
    return objects, initial, collect


def build_adex(b2, N, out):
    """The AdExp RS-FS network of ../shared/models/brian2/adex.py (constant 4 Hz drive)."""
    from brian2 import (ms, mV, nS, pF, pA, Hz, NeuronGroup, Synapses, SpikeMonitor,
                        PoissonGroup)
    N_exc = int(round(0.8 * N))
    N_inh = N - N_exc
    N_aff = int(round(0.08 * N))
    common_p = dict(Gl=10 * nS, Cm=200 * pF, El=-70 * mV, Vthre=-50 * mV,
                    Vreset=-70 * mV, Ee=0 * mV, Ei=-80 * mV, Tse=5 * ms,
                    Tsi=5 * ms, Q_exc=1 * nS, Q_inh=4 * nS, Q_aff=1 * nS)
    pops = {"exc": dict(N=N_exc, deltaV=2 * mV, a=0 * nS, b=40 * pA, tauw=500 * ms),
            "inh": dict(N=N_inh, deltaV=0.5 * mV, a=0 * nS, b=0 * pA, tauw=1e9 * ms)}
    eqs = """
    dV/dt = (Gl*(El - V) + Gl*deltaV*exp((V - Vthre)/deltaV)
             + G_exc*(Ee - V) + G_aff*(Ee - V) + G_inh*(Ei - V) - w) / Cm : volt (unless refractory)
    dw/dt = (a*(V - El) - w) / tauw : amp
    dG_exc/dt = -G_exc / Tse : siemens
    dG_aff/dt = -G_aff / Tse : siemens
    dG_inh/dt = -G_inh / Tsi : siemens
    """
    groups = {}
    for name, pp in pops.items():
        ns = dict(common_p, **{k: v for k, v in pp.items() if k != "N"})
        G = NeuronGroup(pp["N"], eqs, method="euler", refractory=5 * ms,
                        threshold="V > Vthre + 5*deltaV", reset="V = Vreset; w += b",
                        namespace=ns)
        G.V = common_p["El"]
        groups[name] = G
    aff = PoissonGroup(N_aff, rates=4 * Hz)
    syns = {}
    for src, var, q, p in (("exc", "G_exc", "Q_exc", 0.05), ("inh", "G_inh", "Q_inh", 0.05),
                           ("aff", "G_aff", "Q_aff", 0.5)):
        for tgt in ("exc", "inh"):
            S = Synapses(aff if src == "aff" else groups[src], groups[tgt],
                         on_pre=f"{var}_post += {q}", namespace=common_p)
            S.connect(p=p)
            syns[f"{src}_{tgt}"] = S
    mons = {name: SpikeMonitor(G) for name, G in groups.items()}
    mons["aff"] = SpikeMonitor(aff)
    objects = [*groups.values(), aff, *syns.values(), *mons.values()]
    n_src = dict(exc=N_exc, inh=N_inh, aff=N_aff)

    def initial():
        for name, G in groups.items():
            for var in ("V", "w", "G_exc", "G_aff", "G_inh"):
                out[f"init_{name}_{var}"] = np.array(getattr(G, var + "_")[:],
                                                       dtype=np.float64)

    def collect(dt):
        for name, G in groups.items():
            for var in ("V", "w", "G_exc", "G_aff", "G_inh"):
                out[f"final_{name}_{var}"] = np.array(getattr(G, var + "_")[:],
                                                      dtype=np.float64)
        info = dict(N=N, N_exc=N_exc, N_inh=N_inh, N_aff=N_aff)
        for key, S in syns.items():
            encode_synapses(out, key, S.i[:], S.j[:], n_src[key.split("_")[0]])
            info[f"n_syn_{key}"] = len(S)
        for name, mon in mons.items():
            info[f"spikes_{name}"] = store_spikes(out, name, mon, dt)
        return info
    return objects, initial, collect


def make(model, seed, duration, out_dir):
    import brian2 as b2
    b2.start_scope()
    b2.BrianLogger.log_level_warn()
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 0.1 * b2.ms
    b2.seed(seed)
    np.random.seed(seed)
    out = {}
    N = SIZES[model]
    if model == "adex":
        objects, initial, collect = build_adex(b2, N, out)
    else:
        objects, initial, collect = build_vogels_abbott(b2, model, N, out)
    net = b2.Network(*objects)
    initial()
    t0 = time.perf_counter()
    net.run(duration * b2.second)
    wall = time.perf_counter() - t0
    dt = float(b2.defaultclock.dt_)
    info = collect(dt)
    meta = dict(model=model, seed=seed, dt_s=dt, duration_s=duration,
                brian2_version=b2.__version__, target="numpy (runtime)",
                numpy_version=np.__version__, wall_run_s=round(wall, 1),
                generated_by="benchmarks/reference/brian2_drawn_networks.py", **info)
    if out_dir is None:
        return info
    out["meta"] = np.array(json.dumps(meta))
    path = os.path.join(out_dir, f"brian2_drawn_{model}.npz")
    np.savez_compressed(path, **out)
    log(f"{model}: {json.dumps(meta)}  -> {path} ({os.path.getsize(path) / 1e6:.2f} MB)")
    return info


def rates(models, seeds, duration, path):
    """Mean excitatory and inhibitory rates of each model for each seed (same networks,
    nothing stored but the rates): the seed-to-seed spread that
    tests/networks/test_rates_vs_brian2.py derives its tolerance from."""
    result = dict(generated_by="benchmarks/reference/brian2_drawn_networks.py --rates",
                  target="numpy (runtime)", duration_s=duration, seeds=list(seeds),
                  sizes={m: SIZES[m] for m in models}, models={})
    for model in models:
        runs = []
        for seed in seeds:
            info = make(model, seed, duration, None)
            if model == "adex":
                exc = info["spikes_exc"] / info["N_exc"] / duration
                inh = info["spikes_inh"] / info["N_inh"] / duration
            else:
                exc = info["spikes_exc"] / info["N_exc"] / duration
                inh = info["spikes_inh"] / (info["N"] - info["N_exc"]) / duration
            runs.append(dict(seed=seed, rate_exc_hz=exc, rate_inh_hz=inh))
            log(f"{model} seed {seed}: exc {exc:.3f} Hz, inh {inh:.3f} Hz")
        result["models"][model] = runs
    result["brian2_version"] = __import__("brian2").__version__
    with open(path, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    log(f"wrote {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", nargs="+", default=list(MODELS), choices=MODELS)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--duration", type=float, default=1.0, help="seconds")
    ap.add_argument("--out-dir", default=OUT_DIR)
    ap.add_argument("--rates", type=int, default=0, metavar="K",
                    help="instead: the rates of seeds 1..K -> brian2_seed_rates.json")
    args = ap.parse_args()
    if args.rates:
        rates(args.models, range(1, args.rates + 1), args.duration,
              os.path.join(args.out_dir, "brian2_seed_rates.json"))
        return
    for model in args.models:
        make(model, args.seed, args.duration, args.out_dir)


if __name__ == "__main__":
    main()
