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
from eqsim.zoo.net_potjans_diesmann import CONN_PROBS as P   # the paper's tables
from eqsim.zoo.net_potjans_diesmann import FULL_MEAN_RATES as RATES_FULL
from eqsim.zoo.net_potjans_diesmann import K_EXT, N_FULL
from eqsim.zoo.net_potjans_diesmann import POPULATIONS as NAMES

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
