# start_scope, store/restore and defaultclock in the Brian2 style.
from eqsim import *
import json

out = {}
defaultclock.dt = 0.05*ms
tau = 10*ms
G = NeuronGroup(1, 'dv/dt = (1 - v)/tau : 1', method='exact')
run(10*ms)
out["v1"] = float(G.v[0])
store()
run(10*ms)
out["v2"] = float(G.v[0])
restore()
run(10*ms)
out["v2_again"] = float(G.v[0])

start_scope()
tau = 5*ms
H = NeuronGroup(1, 'dv/dt = (1 - v)/tau : 1', method='exact')
M = StateMonitor(H, 'v', record=0)
run(1*ms)
out["samples"] = len(M.t)          # G is out of scope: only H runs, dt = 0.05 ms
out["G_untouched"] = float(G.v[0])
print(json.dumps(out))
