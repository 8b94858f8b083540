"""Time of ONE transfer-function point (RS cell of adex_rsfs.md, 4 seeds, 1.5 s warm-up +
1 s) as a separate Brian2 simulation, as neural_network_dynamics scans a transfer
function (one simulation per grid point). Run with the Brian2 venv:

    /root/.venvs/eqsim-brian2/bin/python benchmarks/meanfield_brian2_tf_point.py

Prints the seconds per point (the first includes Brian2's code generation) for
docs/meanfield.md and docs/benchmarks.md."""
import time

from brian2 import (NeuronGroup, Network, PoissonInput, SpikeMonitor, Hz, ms, mV, nS, pA,
                    pF, prefs, second)

prefs.codegen.target = "cython"
MODEL = """
dV/dt = (Gl*(El - V) + Gl*deltaV*exp((V - Vthre)/deltaV) + G_exc*(Ee - V)
         + G_inh*(Ei - V) - w)/Cm : volt (unless refractory)
dw/dt = (a*(V - El) - w)/tauw : amp
dG_exc/dt = -G_exc/Tse : siemens
dG_inh/dt = -G_inh/Tsi : siemens
"""
ns = dict(Gl=10 * nS, Cm=200 * pF, El=-70 * mV, Vthre=-50 * mV, Vreset=-70 * mV,
          Ee=0 * mV, Ei=-80 * mV, Tse=5 * ms, Tsi=5 * ms, deltaV=2 * mV, a=0 * nS,
          b=40 * pA, tauw=500 * ms)
times = []
for k, (fe, fi) in enumerate([(5.0, 5.0), (10.0, 10.0), (15.0, 20.0)]):
    t0 = time.perf_counter()
    G = NeuronGroup(4, MODEL, threshold="V > Vthre + 5*deltaV", reset="V = Vreset; w += b",
                    refractory=5 * ms, method="euler", namespace=ns)
    G.V = -70 * mV
    pe = PoissonInput(G, "G_exc", 200, fe * Hz, weight=1 * nS)
    pi = PoissonInput(G, "G_inh", 50, fi * Hz, weight=4 * nS)
    M = SpikeMonitor(G)
    net = Network(G, pe, pi, M)
    net.run(2.5 * second, namespace=ns)
    times.append(time.perf_counter() - t0)
    print(f"point {k}: {times[-1]:.2f} s, {M.num_spikes} spikes")
print(f"seconds per point after the first: {sum(times[1:]) / len(times[1:]):.2f}")
