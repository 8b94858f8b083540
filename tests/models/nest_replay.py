"""Replays the NEST reference protocols (benchmarks/reference/nest_point_models.py) in
eqsim: the same parameters, inputs, weights and delays, through eqsim.models.nest."""
from __future__ import annotations

import json

import numpy as np

import eqsim as eq
from eqsim.models import nest
from eqsim.units import ms

from ..conftest import ROOT

DATA = ROOT / "tests" / "data"


def load(name: str) -> dict:
    with np.load(DATA / name) as f:
        return {k: f[k] for k in f.files}


def _record(G, dt_ms):
    mon = eq.SpikeMonitor(G)
    st = eq.StateMonitor(G, "V_m", record=True) if nest.model_of(G) != "parrot_neuron" \
        else None
    return mon, st


def _result(mon, st, dt_s, every=1):
    # NEST's stamp: the end of the NEST step (0.1 ms) in which the threshold was crossed
    t = nest.to_nest_times(mon.t_, dt_s)
    out = {"spike_i": np.asarray(mon.i), "spike_t": np.ceil(np.round(t / 0.1, 6)) * 0.1}
    if st is not None:
        # NEST's multimeter value at t = k*dt is eqsim's record at step k (start of step)
        out["V_m"] = np.asarray(st.V_m_)[:, every::every] * 1e3
    return out


def run_step(ref: dict, model: str, backend: str, dt_ms: float = 0.1,
             method: str | None = None) -> dict:
    meta = json.loads(str(ref["meta"]))
    variant, amps = meta["variants"][model], meta["amps"][model]
    G = nest.neuron_group(model, 2, _two(model, variant), dt=dt_ms * ms,
                         method=method)
    mon, st = _record(G, dt_ms)
    net = eq.Network(G, mon, st)
    durations = meta["t_step"]
    for k, (dur, amp) in enumerate(zip(durations, [None, *amps])):
        if amp is not None:
            G.I_e_ = amp * 1e-12
        net.run(dur * ms, backend=backend)
    return _result(mon, st, dt_ms * 1e-3, every=int(round(0.1 / dt_ms)))


def _two(model, variant):
    """Per-neuron parameters: neuron 0 NEST's defaults, neuron 1 the variant."""
    defaults = nest.parameters(model)
    return {k: np.array([defaults[k][0], v]) for k, v in variant.items()}


def run_poisson(ref: dict, model: str, backend: str, dt_ms: float = 0.1,
                method: str | None = None) -> dict:
    meta = json.loads(str(ref["meta"]))
    key = f"{model}/poisson/"
    params = _two(model, meta["variants"][model])
    if meta["bias"][model] is not None:
        params["I_e"] = meta["bias"][model]
    G = nest.neuron_group(model, 2, params, dt=dt_ms * ms, method=method)
    n_in = int(ref[key + "in_i"].max()) + 1
    gen = nest.spike_generator(n_in, ref[key + "in_i"], ref[key + "in_t"],
                               dt=dt_ms * ms)
    # NEST's delays on its 0.1 ms grid (a finer eqsim dt would round 0.25 ms otherwise)
    delay = np.floor(ref[key + "syn_d"] / meta["dt"] + 0.5) * meta["dt"]
    S = nest.synapses(gen, G, i=ref[key + "syn_i"], j=ref[key + "syn_j"],
                      weight=ref[key + "syn_w"], delay=delay)
    mon, st = _record(G, dt_ms)
    eq.Network(G, gen, S, mon, *([st] if st is not None else [])).run(
        meta["t_poisson"] * ms, backend=backend)
    return _result(mon, st, dt_ms * 1e-3, every=int(round(0.1 / dt_ms)))


def _relay(trains_ms, dt_ms):
    """spike_generators -> parrot_neurons (NEST's default delay, 1 ms), as the
    reference: one parrot per train."""
    idx = np.concatenate([np.full(len(tr), k) for k, tr in enumerate(trains_ms)])
    gen = nest.spike_generator(len(trains_ms), idx, np.concatenate(trains_ms),
                               dt=dt_ms * ms)
    parrot = nest.neuron_group("parrot_neuron", len(trains_ms), dt=dt_ms * ms)
    k = np.arange(len(trains_ms))
    S = nest.synapses(gen, parrot, i=k, j=k, weight=1.0, delay=1.0)
    return gen, parrot, S


def run_tsodyks(ref: dict, backend: str) -> dict:
    syns = json.loads(str(ref["tsodyks/params"]))
    gen, parrot, S0 = _relay([ref["tsodyks/pre_t"]], 0.1)
    G = nest.neuron_group("iaf_psc_exp", 2, {"tau_syn_ex": 3.0, "V_th": 100.0})
    objs = [gen, parrot, S0, G]
    for k, s in enumerate(syns):
        p = {key: v for key, v in s.items() if key not in ("weight", "delay")}
        objs.append(nest.synapses(parrot, G, "tsodyks_synapse", i=np.array([0]),
                                  j=np.array([k]), weight=s["weight"], delay=s["delay"],
                                  params=p))
    mon, st = _record(G, 0.1)
    eq.Network(*objs, mon, st).run(500 * ms, backend=backend)
    return _result(mon, st, 1e-4)


def run_stdp(ref: dict, backend: str) -> dict:
    """Both stdp connections in one synapses() call (per-connection parameters)."""
    p = json.loads(str(ref["stdp/params"]))
    gen, parrot, S0 = _relay([ref["stdp/pre_t"], ref["stdp/pre2_t"]], 0.1)
    post = nest.neuron_group("iaf_psc_alpha", 1, {"tau_minus": 30.0})
    drive = nest.spike_generator(1, np.zeros(len(ref["stdp/post_drive_t"]), int),
                                 ref["stdp/post_drive_t"])
    D = nest.synapses(drive, post, i=np.array([0]), j=np.array([0]), weight=3000.0,
                      delay=1.0)
    keys = [k for k in p[0] if k not in ("weight", "delay")]
    S = nest.synapses(parrot, post, "stdp_synapse", i=np.array([0, 1]),
                      j=np.array([0, 0]), weight=[q["weight"] for q in p],
                      delay=[q["delay"] for q in p],
                      params={k: np.array([q[k] for q in p]) for k in keys})
    mon, st = _record(post, 0.1)
    sw = eq.StateMonitor(S, ["w_sent"], record=[0, 1])
    pm = eq.SpikeMonitor(parrot)
    eq.Network(gen, parrot, S0, post, drive, D, S, mon, st, sw, pm).run(
        500 * ms, backend=backend)
    out = _result(mon, st, 1e-4)
    # the weight NEST sends with a presynaptic spike stamped T is eqsim's w_sent recorded
    # at the step of time T (set by the plasticity pathway in the step before)
    t_pre = nest.to_nest_times(pm.t_, 1e-4)
    idx = np.round(t_pre / 0.1).astype(int)
    k = np.asarray(pm.i)
    out["w_i"], out["w_t"] = k, t_pre
    out["w_w"] = np.asarray(sw.w_sent_)[k, idx] * 1e12
    return out
