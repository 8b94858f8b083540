# Brian2-style Brunel (2000) sparse network, reduced size: excitatory and inhibitory
# populations as subgroups, delays, external PoissonInput, PopulationRateMonitor.
from eqsim import *
import json

seed(7)
N_E = 800
N_I = 200
N = N_E + N_I
epsilon = 0.1
C_E = epsilon * N_E
tau = 20*ms
theta = 20*mV
V_r = 10*mV
tau_rp = 2*ms
J = 0.2*mV
D = 1.5*ms
g = 5
nu_thr = theta / (J * C_E * tau)
nu_ext = 2 * nu_thr

neurons = NeuronGroup(N, 'dv/dt = -v/tau : volt (unless refractory)',
                      threshold='v > theta', reset='v = V_r', refractory=tau_rp,
                      method='exact')
excitatory_synapses = Synapses(neurons[:N_E], target=neurons, on_pre='v += J', delay=D)
excitatory_synapses.connect(p=epsilon)
inhibitory_synapses = Synapses(neurons[N_E:], target=neurons, on_pre='v += -g*J', delay=D)
inhibitory_synapses.connect(p=epsilon)
external_poisson_input = PoissonInput(target=neurons, target_var='v', N=C_E, rate=nu_ext,
                                      weight=J)
rate_monitor = PopulationRateMonitor(neurons)
spike_monitor = SpikeMonitor(neurons[:50])
run(300*ms)
print(json.dumps({"rate": float(mean(rate_monitor.rate[1000:]) / Hz),
                  "recorded": int(spike_monitor.num_spikes),
                  "max_i": int(spike_monitor.i.max()),
                  "nu_ext": float(nu_ext / Hz)}))
