# Brian2's examples/frompapers/Nicola_Clopath_2017.py (FORCE training of LIF neurons to
# produce a 5 Hz sine), made small (200 neurons, 0.2 s, training from 50 to 150 ms) with
# `from eqsim import *`: a network_operation every step writes the (shared) readout z
# from Python, another one trains the decoders every 2.5 ms. The plots are replaced by
# one JSON line. FORCE_TARGET picks prefs.codegen.target ('numpy' or 'cython').
import json
import os

import numpy as np

from eqsim import *

prefs.codegen.target = os.environ.get("FORCE_TARGET", "numpy")
np.random.seed(1)
td, tr, tm, tref = 20*ms, 2*ms, 10*ms, 2*ms
vreset, vpeak = -65, -40
BIAS = vpeak
defaultclock.dt = 0.05*ms
T, imin, icrit, step = 0.2*second, 50*ms, 150*ms, 2.5*ms
Q, G, p, N = 10, 0.04, 0.1, 200
alpha = defaultclock.dt/second*0.1
Pinv = np.eye(N)*alpha


def zx(t):
    return np.sin(2*np.pi*5*Hz*t)


neurons = NeuronGroup(N, """
                      dv/dt = (-v + BIAS + IPSC + E*z)/tm: 1 (unless refractory)
                      dIPSC/dt = -IPSC/tr + h : 1
                      dh/dt = -h/td : 1/second
                      dr/dt = -r/tr + hr : 1
                      dhr/dt = -hr/td : 1/second
                      BPhi : 1
                      z : 1 (shared)
                      E : 1
                      """, method="euler", threshold="v>=vpeak",
                      reset="v=vreset; hr += 1/(tr*td)*second", refractory=tref)
neurons.E = (2*np.random.uniform(size=N)-1)*Q
neurons.v = vreset + np.random.uniform(size=N)*(30-vreset)
synapses = Synapses(neurons, neurons, "w : second", on_pre="h += w/(tr*td)")
synapses.connect()
omega = G*(np.random.normal(size=(N, N))*(np.random.uniform(size=(N, N)) < p))/(np.sqrt(N)*p)
synapses.w = omega.flatten()*second
spikemon = SpikeMonitor(neurons)
statemon_z = StateMonitor(neurons, "z", record=[0])


@network_operation(dt=defaultclock.dt)
def readout(t):
    neurons.z = np.dot(neurons.BPhi, neurons.r)


@network_operation(dt=step)
def train(t):
    global Pinv
    if t > imin and t < icrit:
        cd = Pinv@neurons.r
        err = neurons.z - zx(t)
        neurons.BPhi -= cd*err
        Pinv -= np.outer(cd, cd)/(1 + np.dot(neurons.r, cd))


run(T)
z = np.asarray(statemon_z.z[0])
print(json.dumps({"spikes": int(spikemon.num_spikes), "z": z[::100].tolist(),
                  "z_last": float(z[-1]), "n_z": int(len(z)),
                  "BPhi": np.asarray(neurons.BPhi[:10]).tolist(),
                  "counts": np.asarray(spikemon.count[:20]).tolist()}))
