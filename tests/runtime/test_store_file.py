"""store(name, filename) / restore(name, filename) across processes (Brian2's API), and
Network.remove."""
import json

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import ConfigurationError
from eqsim.units import ms

from ..conftest import run_python

BUILD = """
import json, sys
import numpy as np
import eqsim as eq
from eqsim.units import ms
seed = int(sys.argv[-1]) if len(sys.argv) > 1 else 1
G = eq.NeuronGroup(30, "dv/dt = (1.2 - v)/(10*ms) + 0.2*xi/sqrt(ms) : 1", threshold="v>1",
                   reset="v=0", method="euler", name="g", seed=SEED)
S = eq.Synapses(G, G, "w:1", on_pre="v += w", delay=2*ms, name="s", seed=SEED)
S.connect(p=0.2)
S.w = "0.1*rand()"
M = eq.SpikeMonitor(G, name="m")
net = eq.Network(G, S, M)
"""


def test_a_state_stored_in_a_file_continues_identically_in_another_process(tmp_path):
    path = str(tmp_path / "state.pkl")
    first = run_python(BUILD.replace("SEED", "1") + f"""
net.run(20*ms)
net.store("half", {path!r})
net.run(20*ms)
print(json.dumps([M.i.tolist(), M.t_.tolist(), np.asarray(G.v).tolist(), len(S)]))
""")
    assert first.returncode == 0, first.stderr
    # another process builds the network with other seeds (other synapses and noise)
    second = run_python(BUILD.replace("SEED", "2") + f"""
n_before = len(S)
net.restore("half", {path!r}, restore_random_state=True)
assert abs(float(net.t/ms) - 20) < 1e-9
net.run(20*ms)
print(json.dumps([M.i.tolist(), M.t_.tolist(), np.asarray(G.v).tolist(), len(S)]))
""")
    assert second.returncode == 0, second.stderr
    a = json.loads(first.stdout.strip().splitlines()[-1])
    b = json.loads(second.stdout.strip().splitlines()[-1])
    assert len(a[0]) > 20          # spikes before and after the stored time
    assert a == b                  # spikes (incl. those in flight), state, synapses


def test_restore_names_what_is_missing(tmp_path):
    G = eq.NeuronGroup(2, "dv/dt = -v/(10*ms) : 1", name="a")
    net = eq.Network(G)
    net.store("x", str(tmp_path / "s.pkl"))
    H = eq.NeuronGroup(2, "dv/dt = -v/(10*ms) : 1", name="b")
    with pytest.raises(ConfigurationError, match="E726.*nothing for b"):
        eq.Network(H).restore("x", str(tmp_path / "s.pkl"))
    with pytest.raises(ConfigurationError, match="E726.*no stored state called 'y'"):
        net.restore("y", str(tmp_path / "s.pkl"))
    G.v = 1.0
    net.store("z", str(tmp_path / "s.pkl"))      # a second name in the same file
    G.v = 0.0
    net.restore("z", str(tmp_path / "s.pkl"))
    assert np.all(np.asarray(G.v) == 1.0)
    net.restore("x", str(tmp_path / "s.pkl"))
    assert np.all(np.asarray(G.v) == 0.0)


def test_network_remove_takes_objects_and_lists():
    G = eq.NeuronGroup(2, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="v = 0")
    M = eq.StateMonitor(G, "v", record=True)
    N = eq.SpikeMonitor(G)
    net = eq.Network(G, M, N)
    net.run(1 * ms)
    net.remove([M, N])
    net.run(1 * ms)
    assert len(M.t) == 10 and net.objects == [G]
    with pytest.raises(ConfigurationError, match="E720"):
        net.remove(M)
