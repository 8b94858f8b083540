"""Cost of one neuron update in eqsim's compiled loop, in ns (100,000 AdExp neurons).

    python benchmarks/neuron_update_cost.py            # prints one JSON line per variant

Variants: the AdExp model with white noise (one normal number and one exp() per neuron
and step), and without the noise term. Each runs 0.1 ms first (code generation, cache),
then times 50 ms of model time (500 steps).
"""
import json
import time

import eqsim as eq
from eqsim.units import ms, mV, nA, nS, pA, pF, second

PARAMS = dict(C=281 * pF, gL=30 * nS, EL=-70.6 * mV, VT=-50.4 * mV, DeltaT=2 * mV,
              tauw=144 * ms, a=4 * nS, b=80.5 * pA, Vr=-70.6 * mV, sigma=2 * mV,
              tau_m=281 * pF / (30 * nS))
NOISE = " + sigma*sqrt(2/tau_m)*xi"
MODEL = """dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) + I - w)/C{noise} : volt (unless refractory)
dw/dt = (a*(v - EL) - w)/tauw : amp
I : amp"""


def measure(noise: bool, N: int = 100_000, duration=50 * ms) -> dict:
    G = eq.NeuronGroup(N, MODEL.format(noise=NOISE if noise else ""),
                       threshold="v > VT + 5*DeltaT", reset="v = Vr; w += b",
                       refractory=2 * ms, method="euler", namespace=PARAMS, seed=1,
                       name="adex_noise" if noise else "adex")
    G.v = "EL + 5*mV*rand()"
    G.I = "0.5*nA + 0.3*nA*rand()"
    spikes = eq.SpikeMonitor(G)
    net = eq.Network(G, spikes)
    net.run(0.1 * ms)
    t0 = time.perf_counter()
    net.run(duration)
    seconds = time.perf_counter() - t0
    steps = int(round(float(duration / ms) * 10))
    return {"model": "AdExp" + (" + noise" if noise else ""), "N": N,
            "ns_per_neuron_update": round(seconds / steps / N * 1e9, 1),
            "rate_hz": round(spikes.num_spikes / N / float((duration + 0.1 * ms) / second),
                             2)}


if __name__ == "__main__":
    for noise in (True, False):
        print(json.dumps(measure(noise)), flush=True)
