# Brian2-style CUBA script (Vogels & Abbott 2005 as in Brian2's examples), reduced size.
# Only the import line differs from a Brian2 script.
from eqsim import *

seed(42)
N = 1000
taum = 20*ms
taue = 5*ms
taui = 10*ms
Vt = -50*mV
Vr = -60*mV
El = -49*mV

eqs = '''
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
'''

P = NeuronGroup(N, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms,
                method='exact')
P.v = 'Vr + rand() * (Vt - Vr)'
P.ge = 0*mV
P.gi = 0*mV

we = (60*0.27/10)*mV  # excitatory synaptic weight (voltage)
wi = (-20*4.5/10)*mV  # inhibitory synaptic weight
Ce = Synapses(P, P, on_pre='ge += we')
Ci = Synapses(P, P, on_pre='gi += wi')
Ce.connect('i<800', p=0.08)
Ci.connect('i>=800', p=0.08)

s_mon = SpikeMonitor(P)
run(0.5 * second)
first = s_mon.num_spikes
run(0.5 * second)

import json
print(json.dumps({"spikes": int(s_mon.num_spikes), "first": int(first),
                  "t": float(s_mon.t[-1] / second), "n_exc": len(Ce), "n_inh": len(Ci),
                  "rate": s_mon.num_spikes / N / 1.0}))
