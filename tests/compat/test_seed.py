"""seed() as Brian2 users rely on it (issue 10, point 4): the same cell run twice in one
kernel, or a loop calling seed(42) and building the same network, gives the same spikes;
seed() after creating objects and before run() fixes the run's random numbers; numpy's
global generator is seeded too."""
import json

import numpy as np

import eqsim as eq
from eqsim import Hz, ms

from ..conftest import run_python


def _build():
    G = eq.NeuronGroup(40, "dv/dt = (-v + 0.5*xi*sqrt(10*ms))/(10*ms) : 1",
                       threshold="v > 0.3", reset="v = 0", method="euler")
    G.v = "0.2*rand()"
    S = eq.Synapses(G, G, "w : 1", on_pre="v += w")
    S.connect(p=0.1)
    S.w = "0.05*rand()"
    P = eq.PoissonInput(G, "v", 5, 20 * Hz, 0.05)
    M = eq.SpikeMonitor(G)
    return G, S, P, M


def _spikes(M):
    return list(zip(M.i.tolist(), np.round(M.t / ms, 6).tolist()))


def test_loop_with_seed_gives_the_same_network_and_spikes_every_time():
    runs = []
    for _ in range(3):
        eq.start_scope()
        eq.seed(42)
        G, S, P, M = _build()
        eq.Network(G, S, P, M).run(50 * ms)
        runs.append((S.i.tolist(), S.j.tolist(), np.asarray(S.w).tolist(), _spikes(M)))
    assert len(runs[0][3]) > 20                 # the network fires: the test has teeth
    assert runs[0] == runs[1] == runs[2]
    eq.seed(43)
    G, S, P, M = _build()
    eq.Network(G, S, P, M).run(50 * ms)
    assert _spikes(M) != runs[0][3]


def test_seed_after_creation_fixes_the_run_random_numbers():
    traces = []
    for value in (7, 7, 8):
        eq.start_scope()
        G = eq.NeuronGroup(5, "dv/dt = -v/(10*ms) + xi/sqrt(ms) : 1", method="euler")
        eq.seed(value)               # after the group exists, before the run
        mon = eq.StateMonitor(G, "v", record=True)
        eq.Network(G, mon).run(2 * ms)
        traces.append(np.asarray(mon.v))
    assert np.array_equal(traces[0], traces[1])
    assert not np.array_equal(traces[0], traces[2])
    assert np.std(traces[0][:, -1]) > 0.1      # noise reached every neuron


def test_seed_seeds_numpy_as_brian2_does():
    eq.seed(5)
    assert np.random.rand() == np.random.RandomState(5).rand()


SCRIPT = """
import json
from eqsim import *
seed(11)
G = NeuronGroup(30, 'dv/dt = (1.2 - v)/(10*ms) + 0.3*xi/sqrt(ms) : 1', threshold='v > 1',
                reset='v = 0', method='euler')
G.v = 'rand()'
M = SpikeMonitor(G)
run(30*ms)
print(json.dumps([M.i.tolist(), (M.t/ms).tolist()]))
"""


def test_seed_gives_the_same_spikes_in_a_new_process():
    outs = []
    for _ in range(2):
        proc = run_python(SCRIPT)
        assert proc.returncode == 0, proc.stderr
        outs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert len(outs[0][0]) > 10 and outs[0] == outs[1]


CELL_SEED_FIRST = """
seed(3)
G = NeuronGroup(20, 'dv/dt = (1.1 - v)/(10*ms) + 0.4*xi/sqrt(ms) : 1', threshold='v > 1',
                reset='v = 0', method='euler')
G.v = 'rand()'
M = SpikeMonitor(G)
run(20*ms)
result.append(list(zip(M.i.tolist(), (M.t/ms).tolist())))
"""
CELL_SEED_AFTER = """
G = NeuronGroup(20, 'dv/dt = (1.1 - v)/(10*ms) + 0.4*xi/sqrt(ms) : 1', threshold='v > 1',
                reset='v = 0', method='euler')
M = SpikeMonitor(G)
seed(3)
G.v = 'rand()'
run(20*ms)
result.append(list(zip(M.i.tolist(), (M.t/ms).tolist())))
"""


def test_the_same_jupyter_cell_run_twice_gives_the_same_spikes():
    """Cells executed in one namespace, as a kernel does (no start_scope between)."""
    for cell in (CELL_SEED_FIRST, CELL_SEED_AFTER):
        namespace = {"result": []}
        exec("from eqsim import *", namespace)
        for _ in range(3):
            exec(cell, namespace)
        first, second, third = namespace["result"]
        assert len(first) > 10 and first == second == third
