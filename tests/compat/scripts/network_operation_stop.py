# Brian2's examples/network_operation_stop.py with `from eqsim import *`; the plot at the
# end is replaced by one JSON line
from eqsim import *

N = 10
tau = 10*ms
I = 1.5
target_spikes = 20

G = NeuronGroup(N, 'dv/dt = (I - v)/tau : 1', threshold='v>1', reset='v=0', method='exact')
G.v = 'rand()'

spike_mon = SpikeMonitor(G)
checks = []

@network_operation(dt=1*ms)
def check_spikes():
    checks.append((float(defaultclock.t / ms), spike_mon.num_spikes))
    if spike_mon.num_spikes >= target_spikes:
        print(f"Stopped at t={defaultclock.t} with {spike_mon.num_spikes} spikes")
        stop()

run(100*ms)

import json
print(json.dumps({"t": float(defaultclock.t / ms), "spikes": int(spike_mon.num_spikes),
                  "checks": checks}))
