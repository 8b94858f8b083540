"""Load a network that Brian2 drew (tests/data/brian2_drawn_<model>.npz, made by
benchmarks/reference/brian2_drawn_networks.py) into eqsim: the same equations, parameters,
integration method, threshold, reset and refractory period as the Brian2 script, and
exactly Brian2's synapses, initial state and (AdExp) afferent Poisson spikes, the latter
replayed by a SpikeGeneratorGroup.

``build(model)`` returns ``(network, monitors, reference)``: the eqsim Network, its
SpikeMonitors by population, and Brian2's spikes by population as (indices, steps).
"""
from __future__ import annotations

import json

import numpy as np

import eqsim as eq
from eqsim.units import cm, mV, ms, msiemens, nS, pA, pF, second, siemens, ufarad, umetre

from ..conftest import DATA

MODELS = ("cuba", "coba", "cobahh", "adex")

CUBA = dict(
    params=dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV,
                El=-49 * mV, we=(60 * 0.27 / 10) * mV, wi=(-20 * 4.5 / 10) * mV),
    eqs="""
dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
dge/dt = -ge / taue : volt
dgi/dt = -gi / taui : volt
""",
    kw=dict(threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="exact"),
    variables=("v", "ge", "gi"))

COBA = dict(
    params=dict(Cm=200 * pF, gl=10 * nS, El=-60 * mV, Ee=0 * mV, Ei=-80 * mV,
                taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV, we=6 * nS, wi=67 * nS),
    eqs="""
dv/dt  = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v)) / Cm : volt (unless refractory)
dge/dt = -ge / taue : siemens
dgi/dt = -gi / taui : siemens
""",
    kw=dict(threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="euler"),
    variables=("v", "ge", "gi"))

_AREA = 20000 * umetre ** 2
COBAHH = dict(
    params=dict(Cm=1 * ufarad * cm ** -2 * _AREA, gl=5e-5 * siemens * cm ** -2 * _AREA,
                El=-60 * mV, EK=-90 * mV, ENa=50 * mV,
                g_na=100 * msiemens * cm ** -2 * _AREA,
                g_kd=30 * msiemens * cm ** -2 * _AREA,
                VT=-63 * mV, taue=5 * ms, taui=10 * ms, Ee=0 * mV, Ei=-80 * mV,
                we=6 * nS, wi=67 * nS),
    eqs="""
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
""",
    kw=dict(threshold="v > -20*mV", refractory=3 * ms, method="exponential_euler"),
    variables=("v", "m", "n", "h", "ge", "gi"))

VOGELS_ABBOTT = dict(cuba=CUBA, coba=COBA, cobahh=COBAHH)

ADEX_COMMON = dict(Gl=10 * nS, Cm=200 * pF, El=-70 * mV, Vthre=-50 * mV, Vreset=-70 * mV,
                   Ee=0 * mV, Ei=-80 * mV, Tse=5 * ms, Tsi=5 * ms, Q_exc=1 * nS,
                   Q_inh=4 * nS, Q_aff=1 * nS)
ADEX_POPS = {"exc": dict(deltaV=2 * mV, a=0 * nS, b=40 * pA, tauw=500 * ms),
             "inh": dict(deltaV=0.5 * mV, a=0 * nS, b=0 * pA, tauw=1e9 * ms)}
ADEX_EQS = """
dV/dt = (Gl*(El - V) + Gl*deltaV*exp((V - Vthre)/deltaV)
         + G_exc*(Ee - V) + G_aff*(Ee - V) + G_inh*(Ei - V) - w) / Cm : volt (unless refractory)
dw/dt = (a*(V - El) - w) / tauw : amp
dG_exc/dt = -G_exc / Tse : siemens
dG_aff/dt = -G_aff / Tse : siemens
dG_inh/dt = -G_inh / Tsi : siemens
"""


def load(model: str) -> tuple[dict, dict]:
    """The stored arrays of one model and its metadata."""
    with np.load(DATA / f"brian2_drawn_{model}.npz") as f:
        data = {k: f[k] for k in f.files}
    return data, json.loads(str(data["meta"]))


def synapses_of(data: dict, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Decode (i, j) of one Synapses object (counts per source + ascending j steps)."""
    counts = data[f"syn_{name}_count"].astype(np.int64)
    dj = data[f"syn_{name}_dj"].astype(np.int64)
    i = np.repeat(np.arange(counts.size), counts)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))[counts > 0]
    # running sum restarted at every row: subtract the row's running total before it
    csum = np.cumsum(dj)
    offset = np.repeat(csum[starts] - dj[starts], counts[counts > 0])
    return i, csum - offset


def spikes_of(data: dict, name: str) -> tuple[np.ndarray, np.ndarray]:
    return (data[f"spk_{name}_i"].astype(np.int64),
            data[f"spk_{name}_step"].astype(np.int64))


def build(model: str):
    data, meta = load(model)
    if model == "adex":
        return _build_adex(data, meta)
    spec = VOGELS_ABBOTT[model]
    N, NE = meta["N"], meta["N_exc"]
    G = eq.NeuronGroup(N, spec["eqs"], namespace=spec["params"], name=model, **spec["kw"])
    for var in spec["variables"]:
        setattr(G, var + "_", data[f"init_{var}"])
    Se = eq.Synapses(G[:NE], G, on_pre="ge += we", namespace=spec["params"], name="exc")
    i, j = synapses_of(data, "exc")
    Se.connect(i=i, j=j)
    Si = eq.Synapses(G[NE:], G, on_pre="gi += wi", namespace=spec["params"], name="inh")
    i, j = synapses_of(data, "inh")
    Si.connect(i=i, j=j)
    mon = eq.SpikeMonitor(G)
    net = eq.Network(G, Se, Si, mon)
    return net, {"all": mon}, {"all": spikes_of(data, "all")}


def _build_adex(data: dict, meta: dict):
    sizes = {"exc": meta["N_exc"], "inh": meta["N_inh"]}
    groups = {}
    for label, pop in ADEX_POPS.items():
        G = eq.NeuronGroup(sizes[label], ADEX_EQS, threshold="V > Vthre + 5*deltaV",
                           reset="V = Vreset; w += b", refractory=5 * ms, method="euler",
                           namespace=dict(ADEX_COMMON, **pop), name=label)
        for var in ("V", "w", "G_exc", "G_aff", "G_inh"):
            setattr(G, var + "_", data[f"init_{label}_{var}"])
        groups[label] = G
    dt = meta["dt_s"]
    aff_i, aff_step = spikes_of(data, "aff")
    aff = eq.SpikeGeneratorGroup(meta["N_aff"], aff_i, aff_step * dt * second,
                                 name="aff")
    sources = dict(groups, aff=aff)
    synapses = []
    for src, var, q in (("exc", "G_exc", "Q_exc"), ("inh", "G_inh", "Q_inh"),
                        ("aff", "G_aff", "Q_aff")):
        for tgt in ("exc", "inh"):
            S = eq.Synapses(sources[src], groups[tgt], on_pre=f"{var}_post += {q}",
                            namespace=ADEX_COMMON, name=f"{src}_{tgt}")
            i, j = synapses_of(data, f"{src}_{tgt}")
            S.connect(i=i, j=j)
            synapses.append(S)
    mons = {label: eq.SpikeMonitor(G) for label, G in groups.items()}
    net = eq.Network(*groups.values(), aff, *synapses, *mons.values())
    return net, mons, {label: spikes_of(data, label) for label in groups}


def final_states(model: str, net) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every state variable after the run: {name: (eqsim's values, Brian2's values)}."""
    data, _ = load(model)
    groups = {obj.name: obj for obj in net.objects}
    out = {}
    for key in sorted(k for k in data if k.startswith("final_")):
        if model == "adex":
            _, label, var = key.split("_", 2)
        else:
            label, var = model, key[len("final_"):]
        out[key[len("final_"):]] = (getattr(groups[label], var + "_"), data[key])
    return out
