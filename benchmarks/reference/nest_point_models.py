"""Reference runs of NEST 3.10's point models for tests/models/test_nest_models.py.

Run with the NEST virtualenv (never an eqsim dependency):

    /root/.venvs/eqsim-nest/bin/python benchmarks/reference/nest_point_models.py

Writes tests/data/nest_neurons.npz and tests/data/nest_synapses.npz. Each neuron model
runs twice (two neurons: NEST's defaults and a variant with other parameters) under
(a) a step current (I_e changed between Simulate calls at 20 ms and 150 ms) and
(b) Poisson spike trains from spike_generators through static_synapse, excitatory and
inhibitory weights and several delays (some not multiples of the resolution). The input
spike times are drawn here on the 0.1 ms grid and stored, so eqsim replays the same.
A dc_generator drives iaf_psc_alpha (eqsim: I_stim).
stdp_synapse and tsodyks_synapse run on small pre/post pairings (spike_generator ->
parrot_neuron -> plastic synapse -> neuron); a weight_recorder keeps the weight NEST sends
with each presynaptic spike.
"""
import json
import sys
from pathlib import Path

import numpy as np
import nest

DT = 0.1
T_STEP = (20.0, 130.0, 50.0)     # durations of the three phases of protocol (a), ms
T_POISSON = 200.0
OUT = Path(__file__).resolve().parents[2] / "tests" / "data"

# model -> (variant parameters, I_e of phase 2 and 3 in protocol (a), bias I_e in (b),
#           excitatory weight range, inhibitory weight range)
MODELS = {
    "iaf_psc_delta": ({"t_ref": 2.05, "tau_m": 12.0, "C_m": 200.0, "V_reset": -65.0,
                       "E_L": -68.0, "V_min": -72.0},
                      (450.0, 700.0), 300.0, (0.5, 2.0), (-3.0, -1.0)),
    "iaf_psc_exp": ({"t_ref": 2.05, "tau_m": 12.0, "C_m": 200.0, "V_reset": -65.0,
                     "tau_syn_ex": 1.5, "tau_syn_in": 4.0, "V_th": -54.0},
                    (450.0, 700.0), 340.0, (20.0, 80.0), (-150.0, -50.0)),
    "iaf_psc_alpha": ({"t_ref": 2.05, "tau_m": 12.0, "C_m": 200.0, "V_reset": -65.0,
                       "tau_syn_ex": 1.5, "tau_syn_in": 4.0, "V_min": -71.0},
                      (450.0, 700.0), 340.0, (20.0, 80.0), (-150.0, -50.0)),
    "iaf_cond_exp": ({"t_ref": 3.0, "g_L": 20.0, "C_m": 200.0, "V_reset": -65.0,
                      "tau_syn_ex": 1.0, "tau_syn_in": 5.0, "E_in": -80.0},
                     (400.0, 600.0), 330.0, (1.0, 4.0), (-8.0, -2.0)),
    "iaf_cond_alpha": ({"t_ref": 3.0, "g_L": 20.0, "C_m": 200.0, "V_reset": -65.0,
                        "tau_syn_ex": 1.0, "tau_syn_in": 5.0, "E_in": -80.0},
                       (400.0, 600.0), 330.0, (1.0, 4.0), (-8.0, -2.0)),
    "aeif_cond_exp": ({"t_ref": 2.0, "a": 2.0, "b": 40.0, "tau_w": 100.0,
                       "Delta_T": 1.5, "V_peak": -10.0, "tau_syn_ex": 1.0},
                      (700.0, 1000.0), 650.0, (1.0, 4.0), (-8.0, -2.0)),
    "aeif_cond_alpha": ({"t_ref": 2.0, "a": 2.0, "b": 40.0, "tau_w": 100.0,
                         "Delta_T": 1.5, "V_peak": -10.0, "tau_syn_ex": 1.0},
                        (700.0, 1000.0), 650.0, (1.0, 4.0), (-8.0, -2.0)),
    "izhikevich": ({"a": 0.02, "b": 0.2, "c": -50.0, "d": 2.0, "V_m": -70.0,
                    "U_m": -14.0},
                   (10.0, 15.0), 4.0, (2.0, 6.0), (-6.0, -2.0)),
    "hh_psc_alpha": ({"t_ref": 3.0, "g_L": 40.0, "tau_syn_ex": 0.5, "tau_syn_in": 3.0},
                     (700.0, 1500.0), 300.0, (100.0, 300.0), (-400.0, -100.0)),
    "parrot_neuron": ({}, None, None, (1.0, 1.0), (1.0, 1.0)),
}
N_EXC, N_INH, RATE = 12, 4, 25.0      # Poisson sources and their rate (Hz)
DELAYS = (1.0, 1.5, 0.25, 2.3, 0.1)   # ms: 0.25 -> 3 steps (NEST rounds half up)


def reset():
    nest.ResetKernel()
    nest.set(resolution=DT, print_time=False, local_num_threads=1)


def poisson_trains(rng, n, rate, t_stop):
    """Spike steps per source (a Bernoulli draw per step), as times in ms (> 0)."""
    p = rate * DT * 1e-3
    steps = [np.flatnonzero(rng.random(int(t_stop / DT) - 1) < p) + 1 for _ in range(n)]
    return [np.round(s * DT, 10) for s in steps]


def recordables(model):
    return ["V_m"]


def run_step(model, variant, amps):
    reset()
    nrn = nest.Create(model, 2)
    nrn[1].set(variant)
    mm = nest.Create("multimeter", params={"record_from": recordables(model),
                                           "interval": DT})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, nrn)
    nest.Connect(nrn, sr)
    nest.Simulate(T_STEP[0])
    nrn.set(I_e=amps[0])
    nest.Simulate(T_STEP[1])
    nrn.set(I_e=amps[1])
    nest.Simulate(T_STEP[2])
    return collect(mm, sr, nrn)


def collect(mm, sr, nrn):
    ev = mm.get("events")
    senders = np.asarray(ev["senders"])
    out = {}
    ids = list(nrn.tolist())
    for k, gid in enumerate(ids):
        sel = senders == gid
        out[f"t_{k}"] = np.asarray(ev["times"])[sel]
        out[f"V_m_{k}"] = np.asarray(ev["V_m"])[sel]
    sev = sr.get("events")
    s_senders = np.asarray(sev["senders"])
    out["spike_i"] = np.array([ids.index(s) for s in s_senders], dtype=np.int64)
    out["spike_t"] = np.asarray(sev["times"], dtype=float)
    return out


def run_poisson(model, variant, bias, wexc, winh, rng):
    reset()
    trains = poisson_trains(rng, N_EXC + N_INH, RATE, T_POISSON)
    if model == "parrot_neuron":   # no two inputs in one step (NEST sends multiplicity 2)
        seen = set()
        for k, tr in enumerate(trains):
            trains[k] = np.array([t for t in tr if not (round(t / DT) in seen or
                                                        seen.add(round(t / DT)))])
    gens = nest.Create("spike_generator", N_EXC + N_INH)
    for g, tr in zip(gens, trains):
        g.set(spike_times=tr.tolist())
    nrn = nest.Create(model, 2)
    if variant:
        nrn[1].set(variant)
    if bias is not None:
        nrn.set(I_e=bias)
    src, tgt, w, d = [], [], [], []
    for k in range(N_EXC + N_INH):
        for j in range(2):
            lo, hi = wexc if k < N_EXC else winh
            weight = float(np.round(rng.uniform(lo, hi), 3))
            delay = DELAYS[(k + j) % len(DELAYS)]
            nest.Connect(gens[k], nrn[j], syn_spec={"synapse_model": "static_synapse",
                                                    "weight": weight, "delay": delay})
            src.append(k), tgt.append(j), w.append(weight), d.append(delay)
    sr = nest.Create("spike_recorder")
    nest.Connect(nrn, sr)
    mm = None
    if model != "parrot_neuron":
        mm = nest.Create("multimeter", params={"record_from": recordables(model),
                                               "interval": DT})
        nest.Connect(mm, nrn)
    nest.Simulate(T_POISSON)
    if mm is None:
        sev = sr.get("events")
        ids = list(nrn.tolist())
        out = {"spike_i": np.array([ids.index(s) for s in sev["senders"]], np.int64),
               "spike_t": np.asarray(sev["times"], float)}
    else:
        out = collect(mm, sr, nrn)
    out["in_i"] = np.concatenate([np.full(len(tr), k) for k, tr in enumerate(trains)])
    out["in_t"] = np.concatenate(trains)
    out["syn_i"], out["syn_j"] = np.array(src), np.array(tgt)
    out["syn_w"], out["syn_d"] = np.array(w), np.array(d)
    return out


def run_tsodyks():
    """Two parrot-relayed trains onto iaf_psc_exp (subthreshold): depressing and
    facilitating tsodyks_synapse."""
    reset()
    pre_t = np.round(np.concatenate([np.arange(10.0, 200.0, 20.0),
                                     np.arange(400.0, 460.0, 7.3)]), 1)
    gen = nest.Create("spike_generator", params={"spike_times": pre_t.tolist()})
    parrot = nest.Create("parrot_neuron")
    nrn = nest.Create("iaf_psc_exp", 2, params={"tau_syn_ex": 3.0, "V_th": 100.0})
    nest.Connect(gen, parrot)
    syns = [{"U": 0.5, "tau_rec": 800.0, "tau_fac": 0.0, "tau_psc": 3.0,
             "weight": 250.0, "delay": 1.5},
            {"U": 0.1, "tau_rec": 100.0, "tau_fac": 1000.0, "tau_psc": 3.0,
             "weight": 250.0, "delay": 1.0}]
    for j, s in enumerate(syns):
        nest.Connect(parrot, nrn[j], syn_spec={"synapse_model": "tsodyks_synapse", **s})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": DT})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, nrn)
    nest.Connect(nrn, sr)
    nest.Simulate(500.0)
    out = collect(mm, sr, nrn)
    out["pre_t"] = pre_t
    out["params"] = json.dumps(syns)
    return out


def run_stdp():
    """Pre/post pairings: presynaptic parrot 0 fires at pre_t, the postsynaptic
    iaf_psc_alpha is made to fire by strong input at post_drive_t; Δt varies in sign and
    size. Parrot 1 (other stdp parameters, delay 2 ms) fires doublets 0.5-1.5 ms apart,
    closer than its delay. A weight_recorder keeps the weight sent with every
    presynaptic spike."""
    reset()
    base = np.arange(20.0, 480.0, 40.0)
    lags = np.array([5.0, -5.0, 12.0, -12.0, 3.0, -3.0, 25.0, -25.0, 8.0, -8.0, 15.0,
                     -15.0])
    pre_t = np.round(base, 1)
    post_drive_t = np.sort(np.round(base + lags, 1))
    pre2_t = np.sort(np.round(np.concatenate([base + 9.0, base + 9.0 + np.resize(
        [0.5, 1.0, 1.5], base.size)]), 1))
    gen_pre = nest.Create("spike_generator", 2)
    gen_pre[0].set(spike_times=pre_t.tolist())
    gen_pre[1].set(spike_times=pre2_t.tolist())
    gen_post = nest.Create("spike_generator",
                           params={"spike_times": post_drive_t.tolist()})
    parrot = nest.Create("parrot_neuron", 2)
    post = nest.Create("iaf_psc_alpha", params={"tau_minus": 30.0})
    wr = nest.Create("weight_recorder")
    stdp = [{"tau_plus": 16.8, "lambda": 0.05, "alpha": 1.1, "mu_plus": 0.4,
             "mu_minus": 1.0, "Wmax": 200.0, "weight": 60.0, "delay": 1.5},
            {"tau_plus": 25.0, "lambda": 0.03, "alpha": 0.8, "mu_plus": 1.0,
             "mu_minus": 0.5, "Wmax": 150.0, "weight": 40.0, "delay": 2.0}]
    nest.CopyModel("stdp_synapse", "stdp_rec", {"weight_recorder": wr})
    nest.Connect(gen_pre, parrot, "one_to_one")
    for k in range(2):
        nest.Connect(parrot[k], post, syn_spec={"synapse_model": "stdp_rec", **stdp[k]})
    nest.Connect(gen_post, post, syn_spec={"weight": 3000.0, "delay": 1.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": DT})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, post)
    nest.Connect(post, sr)
    nest.Simulate(500.0)
    out = collect(mm, sr, post)
    wev = wr.get("events")
    ids = parrot.tolist()
    out["w_i"] = np.array([ids.index(s) for s in wev["senders"]], np.int64)
    out["w_t"] = np.asarray(wev["times"], float)
    out["w_w"] = np.asarray(wev["weights"], float)
    out["pre_t"], out["pre2_t"], out["post_drive_t"] = pre_t, pre2_t, post_drive_t
    out["params"] = json.dumps(stdp)
    return out


def run_dc():
    """A dc_generator (500 pA in (50, 150] ms, delay 1 ms) onto iaf_psc_alpha."""
    reset()
    nrn = nest.Create("iaf_psc_alpha")
    dc = nest.Create("dc_generator", params={"amplitude": 500.0, "start": 50.0,
                                             "stop": 150.0})
    nest.Connect(dc, nrn, syn_spec={"delay": 1.0})
    mm = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": DT})
    sr = nest.Create("spike_recorder")
    nest.Connect(mm, nrn)
    nest.Connect(nrn, sr)
    nest.Simulate(200.0)
    return collect(mm, sr, nrn)


def main():
    nest.set_verbosity("M_ERROR")
    rng = np.random.default_rng(20261130)
    neurons = {}
    for model, (variant, amps, bias, wexc, winh) in MODELS.items():
        if amps is not None:
            for k, v in run_step(model, variant, amps).items():
                neurons[f"{model}/step/{k}"] = v
        for k, v in run_poisson(model, variant, bias, wexc, winh, rng).items():
            neurons[f"{model}/poisson/{k}"] = v
        print(model, "step spikes:", int(np.size(neurons.get(f"{model}/step/spike_t", []))),
              "poisson spikes:", int(np.size(neurons[f"{model}/poisson/spike_t"])),
              file=sys.stderr)
    neurons["meta"] = json.dumps({"nest": nest.__version__, "dt": DT, "t_step": T_STEP,
                                  "t_poisson": T_POISSON, "variants": {
                                      m: v[0] for m, v in MODELS.items()},
                                  "amps": {m: v[1] for m, v in MODELS.items()},
                                  "bias": {m: v[2] for m, v in MODELS.items()}})
    np.savez_compressed(OUT / "nest_neurons.npz", **neurons)
    synapses = {}
    for name, fn in (("tsodyks", run_tsodyks), ("stdp", run_stdp), ("dc", run_dc)):
        for k, v in fn().items():
            synapses[f"{name}/{k}"] = v
    synapses["meta"] = json.dumps({"nest": nest.__version__, "dt": DT})
    np.savez_compressed(OUT / "nest_synapses.npz", **synapses)
    print("stdp weights sent:", synapses["stdp/w_w"], file=sys.stderr)
    print("stdp post spikes:", synapses["stdp/spike_t"], file=sys.stderr)


if __name__ == "__main__":
    main()
