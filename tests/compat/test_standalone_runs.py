"""Brian2's standalone pattern ``set_device('cpp_standalone', build_on_run=False)``, then
``run()``, ``device.build(run=False)`` and several ``device.run(run_args={G.tau: ...})``
(examples standalone/standalone_multiplerun.py and standalone_multiple_processes.py,
which stopped with E601 at t = 0 when run() ran at once with tau = 0): each
``device.run`` is a new simulation from the state before the recorded run, with the
given values, as each run of Brian2's compiled program is."""
import pickle

import numpy as np
import pytest

import eqsim as b2
from eqsim import preferences
from eqsim.errors import ConfigurationError

MODEL = "dv/dt = (2 - v)/tau : 1\ntau : second (constant)"


@pytest.fixture
def standalone():
    preferences.reinit_devices()
    b2.start_scope()
    b2.set_device("cpp_standalone", build_on_run=False)
    yield b2.get_device()
    preferences.reinit_devices()


def _direct(tau):
    """The same model run at once on the runtime device: the reference."""
    G = b2.NeuronGroup(3, MODEL, threshold="v > 1", reset="v = 0", method="euler",
                       namespace={})
    G.tau = tau
    M = b2.SpikeMonitor(G)
    b2.Network(G, M).run(50 * b2.ms)
    return M.count[:].tolist()


def test_runs_are_recorded_then_made_with_run_args(standalone):
    G = b2.NeuronGroup(3, MODEL, threshold="v > 1", reset="v = 0", method="euler",
                       namespace={}, name="lif")
    M = b2.SpikeMonitor(G)
    net = b2.Network(G, M)
    net.run(50 * b2.ms)              # recorded: tau is still 0 here
    assert net.t_ == 0 and M.num_spikes == 0
    standalone.build(run=False)
    counts = {}
    for tau in (2, 5, 3):
        standalone.run(run_args={G.tau: [tau, 2 * tau, 3 * tau] * b2.ms})
        counts[tau] = M.count[:].tolist()
        assert abs(net.t_ - 0.05) < 1e-12
    assert net["lif"] is G
    pickled = pickle.loads(pickle.dumps((net, standalone)))   # multiprocessing's way
    pickled[1].run(run_args={pickled[0]["lif"].tau: [2, 4, 6] * b2.ms})
    preferences.reinit_devices()
    for tau, got in counts.items():
        assert got == _direct([tau, 2 * tau, 3 * tau] * b2.ms) and sum(got) > 0
    assert pickled[0]["spikemonitor"].count[:].tolist() == counts[2]


def test_build_runs_what_was_recorded(standalone):
    G = b2.NeuronGroup(3, MODEL, threshold="v > 1", reset="v = 0", method="euler",
                       namespace={})
    G.tau = 5 * b2.ms
    M = b2.SpikeMonitor(G)
    b2.run(50 * b2.ms)
    assert M.num_spikes == 0
    standalone.build()
    assert M.num_spikes > 0
    with pytest.raises(ConfigurationError) as err:
        standalone.run(run_args={"tau": 1})
    assert err.value.code == "E133"


DRIVE = 2.0   # a constant of the script's namespace, read by the model below


class _Wrapper:
    """Brian2's standalone_multiple_processes.py: the objects are made inside a method, so
    their namespace is the method's locals over this module's globals (which hold modules:
    pickle cannot take those)."""

    def __init__(self):
        G = b2.NeuronGroup(3, "dv/dt = (DRIVE - v)/tau : 1\ntau : second (constant)",
                           threshold="v > 1", reset="v = 0", method="euler", name="cell")
        M = b2.SpikeMonitor(G, name="spikes")
        self.net = b2.Network(G, M)
        self.net.run(50 * b2.ms)
        self.device = b2.get_device()
        self.device.build(run=False, directory=None)

    def do_run(self, tau):
        self.device.run(run_args={self.net["cell"].tau: tau}, results_directory="unused")
        return self.net["spikes"].count[:].tolist()


def test_device_made_in_a_function_pickles_with_its_constants(standalone):
    global DRIVE
    sim = _Wrapper()
    copy = pickle.loads(pickle.dumps(sim))       # what Pool.map(sim.do_run, ...) sends
    DRIVE = 5.0   # changed after the recorded run(): the replay uses the value it had
    try:
        taus = [2, 4, 6] * b2.ms
        got, here = copy.do_run(taus), sim.do_run(taus)
    finally:
        DRIVE = 2.0
    preferences.reinit_devices()
    assert got == here == _direct(taus) and sum(got) > 0
