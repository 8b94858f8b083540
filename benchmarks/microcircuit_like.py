"""A stand-in for the Potjans & Diesmann (2014) microcircuit, for MPI benchmarks.

Eight populations with the paper's sizes and connection probabilities (scaled), exponential
current synapses (tau_syn 0.5 ms) onto LIF neurons (tau_m 10 ms, C 250 pF, threshold
15 mV above rest, 2 ms refractory), normally distributed weights (PSP 0.15 mV, g = -4,
L4E -> L2/3E doubled, 10 % s.d.) and per-synapse delays (1.5 ms excitatory, 0.75 ms
inhibitory, 50 % s.d., at least one time step: the minimum delay is one step), Poisson
background (K_ext sources at 8 Hz, PoissonInput) and NEST's compensation of downscaled
in-degrees (weights x 1/sqrt(k), the lost mean recurrent input as a DC current). Used where eqsim.zoo.potjans_diesmann is not available;
it is not that model (own random draws, the background unscaled).

    build(scale=0.1, seed=1) -> (net, monitors, sizes)
"""
from __future__ import annotations

import math

import numpy as np

import eqsim as eq
from eqsim.units import Hz, ms, mV, pA, pF

N_FULL = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])
P = np.array([   # connection probabilities, row = target, column = source
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443]])
K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])
RATES_FULL = np.array([0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829])  # Hz
NAMES = ("L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I")
TAU_M, TAU_S, C_M = 10.0, 0.5, 250.0   # ms, ms, pF

MODEL = """
dv/dt = -v/tau_m + (I_syn + I_e)/C_m : volt (unless refractory)
dI_syn/dt = -I_syn/tau_s : amp
I_e : amp
"""


def psc_per_psp() -> float:
    """pA of current amplitude per mV of PSP peak (exponential current, leaky membrane)."""
    a = TAU_M * TAU_S / (TAU_M - TAU_S)
    peak = math.log(TAU_M / TAU_S) * a
    mv_per_pa = a / C_M * (math.exp(-peak / TAU_M) - math.exp(-peak / TAU_S))
    return 1.0 / mv_per_pa


def build(scale: float = 0.1, seed: int = 1):
    k = scale
    n = np.maximum(np.round(N_FULL * scale).astype(int), 1)
    w0 = 0.15 * psc_per_psp()                               # pA
    w = np.tile(np.where(np.arange(8) % 2 == 0, w0, -4 * w0), (8, 1))
    w[0, 2] *= 2                                            # L4E -> L2/3E
    syn_full = np.log(1 - P) / np.log(1 - 1 / np.outer(N_FULL, N_FULL))
    indegree_full = syn_full / N_FULL[:, None]
    dc = 1e-3 * TAU_S * (1 - math.sqrt(k)) * (indegree_full * w * RATES_FULL).sum(1)
    w = w / math.sqrt(k)
    n_syn = np.round(syn_full * scale * k).astype(np.int64)
    first = np.concatenate([[0], np.cumsum(n)])
    rng = np.random.default_rng(seed)
    ns = dict(tau_m=TAU_M * ms, tau_s=TAU_S * ms, C_m=C_M * pF)
    G = eq.NeuronGroup(int(n.sum()), MODEL, threshold="v > 15*mV", reset="v = 0*mV",
                       refractory=2 * ms, method="exact", namespace=ns, name="pd",
                       seed=seed)
    pop = np.repeat(np.arange(8), n)
    G.I_e = dc[pop] * pA
    G.v = np.clip(rng.normal(0.0, 5.0, len(pop)), -20, 14.9) * mV
    net = eq.Network(G)
    for a in range(8):   # the background: K_ext Poisson sources at 8 Hz per neuron
        net.add(eq.PoissonInput(G[first[a]:first[a + 1]], "I_syn", int(K_EXT[a]), 8 * Hz,
                                weight=w0 * pA, name=f"background_{NAMES[a]}",
                                seed=seed + 20 + a))
    for b in range(8):   # one Synapses per source population: sign and delay of b
        pre, post = [], []
        for a in range(8):
            m = int(n_syn[a, b])
            pre.append(rng.integers(0, n[b], m))
            post.append(first[a] + rng.integers(0, n[a], m))
        S = eq.Synapses(G[first[b]:first[b + 1]], G, "w : amp", on_pre="I_syn_post += w",
                        name=f"from_{NAMES[b]}", seed=seed + 1 + b,
                        namespace=dict(w_l23e=w[0, b] * pA, w_rest=w[1, b] * pA,
                                       n_l23e=int(n[0]),
                                       d_mean=(1.5 if b % 2 == 0 else 0.75) * ms))
        S.connect(i=np.concatenate(pre), j=np.concatenate(post))
        S.w = "(w_l23e*(j < n_l23e) + w_rest*(j >= n_l23e))*(1 + 0.1*randn())"
        S.delay = "clip(d_mean*(1 + 0.5*randn()), 0.1*ms, 10*ms)"
        net.add(S)
    mons = {NAMES[b]: eq.SpikeMonitor(G[first[b]:first[b + 1]], name=f"spikes_{NAMES[b]}")
            for b in range(8)}
    net.add(*mons.values())
    return net, mons, dict(zip(NAMES, (int(x) for x in n)))
