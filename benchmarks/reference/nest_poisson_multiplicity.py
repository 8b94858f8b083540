"""What NEST 3.10 does with the several spikes a poisson_generator sends in one step
(docs/running.md, "Poisson counts per step"): a 5 kHz generator drives a parrot_neuron
(as pyNN.nest's SpikeSourcePoisson is built) for 100 ms at dt = 0.1 ms.

- the spike_recorder on the parrot: one entry per spike (several at one time);
- a static synapse onto a non-leaky iaf_psc_delta (weight 1 mV): V = the spike count;
- a tsodyks2_synapse (U = 0.5, tau_rec = 1 us: full recovery between steps, none within
  a step): V compared with the k spikes of a step taken one after the other
  (0.5 + 0.25 + ...) and with one event of weight 0.5*k.

    /root/.venvs/eqsim-nest/bin/python benchmarks/reference/nest_poisson_multiplicity.py
"""
import nest
import numpy as np

nest.set_verbosity("M_ERROR")
nest.ResetKernel()
nest.resolution = 0.1
pg = nest.Create("poisson_generator", params={"rate": 5000.0})
par = nest.Create("parrot_neuron")
sr = nest.Create("spike_recorder")
nest.Connect(pg, par)
nest.Connect(par, sr)
flat = {"V_th": 1e9, "tau_m": 1e12, "E_L": 0.0, "V_m": 0.0, "V_reset": 0.0, "C_m": 1.0}
static = nest.Create("iaf_psc_delta", params=flat)
tm = nest.Create("iaf_psc_delta", params=flat)
nest.Connect(par, static, syn_spec={"weight": 1.0, "delay": 0.1})
nest.Connect(par, tm, syn_spec={"synapse_model": "tsodyks2_synapse", "weight": 1.0,
                                "delay": 0.1, "U": 0.5, "u": 0.5, "tau_rec": 0.001,
                                "tau_fac": 0.0})
nest.Simulate(100.1)   # (the spikes of the step at 100 ms arrive at 100.1 ms)
t = sr.get("events")["times"]
t = t[t < 100.0 + 1e-9]
_, k = np.unique(t, return_counts=True)
print(f"recorded {t.size} spikes at {k.size} distinct times; steps with k spikes: "
      f"{dict(enumerate(np.bincount(k)))}")
print(f"static synapse: V = {static.get('V_m'):.3f} (spikes: {k.sum()})")
one_by_one = sum(sum(0.5 ** (j + 1) for j in range(n)) for n in k)
print(f"tsodyks2_synapse: V = {tm.get('V_m'):.3f}; k spikes one after the other: "
      f"{one_by_one:.3f}; one event of weight 0.5*k: {0.5 * k.sum():.3f}")
