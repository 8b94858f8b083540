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
    out = {"spike_i": np.asarray(mon.i), "spike_t": nest.to_nest_times(mon.t_, dt_s)}
    if st is not None:
        # NEST's multimeter value at t = k*dt is eqsim's record at step k (start of step)
        out["V_m"] = np.asarray(st.V_m_)[:, every::every] * 1e3
    return out


def run_step(ref: dict, model: str, backend: str, dt_ms: float = 0.1) -> dict:
    meta = json.loads(str(ref["meta"]))
    variant, amps = meta["variants"][model], meta["amps"][model]
    G = nest.neuron_group(model, 2, _two(model, variant), dt=dt_ms * ms)
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


def run_poisson(ref: dict, model: str, backend: str, dt_ms: float = 0.1) -> dict:
    meta = json.loads(str(ref["meta"]))
    key = f"{model}/poisson/"
    params = _two(model, meta["variants"][model])
    if meta["bias"][model] is not None:
        params["I_e"] = meta["bias"][model]
    G = nest.neuron_group(model, 2, params, dt=dt_ms * ms)
    n_in = int(ref[key + "in_i"].max()) + 1
    gen = nest.spike_generator(n_in, ref[key + "in_i"], ref[key + "in_t"],
                               dt=dt_ms * ms)
    S = nest.synapses(gen, G, i=ref[key + "syn_i"], j=ref[key + "syn_j"],
                      weight=ref[key + "syn_w"], delay=ref[key + "syn_d"])
    mon, st = _record(G, dt_ms)
    eq.Network(G, gen, S, mon, *([st] if st is not None else [])).run(
        meta["t_poisson"] * ms, backend=backend)
    return _result(mon, st, dt_ms * 1e-3, every=int(round(0.1 / dt_ms)))
