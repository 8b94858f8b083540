"""Triggers of the error codes E970-E989 (labels, analysis, plots, spike files), merged
into test_error_codes.TRIGGERS."""
import numpy as np

import eqsim as eq
from eqsim.units import ms


def _group(n=4, **kw):
    return eq.NeuronGroup(n, "v : 1", **kw)


def _bad_spike_file(tp, text):
    (tp / "spk_0.txt").write_text(text)
    from eqsim.io import read_spikes
    read_spikes(tp / "spk_*.txt", gid_ranges={"a": range(0, 2)})


def _without(module, mp, call):
    import sys
    mp.setitem(sys.modules, module, None)   # import of it raises ImportError
    call()


def _no_neo(tp, mp):
    from eqsim import analysis
    _without("neo", mp, lambda: analysis.to_neo([]))


def _no_pynwb(tp, mp):
    from eqsim.io import SpikeTrial, write_nwb
    _without("pynwb", mp, lambda: write_nwb(tp / "x.nwb", SpikeTrial([1.0], [0], ["a"])))


def _not_nwb(tp, mp):
    (tp / "x.nwb").write_bytes(b"not an hdf5 file")
    from eqsim.io import read_nwb
    read_nwb(tp / "x.nwb")


def _overlap(tp, mp):
    G = _group(10)
    G[0:5].label = "E"
    G[3:8].label = "I"


EXPERIMENT_TRIGGERS = {
    "E970": lambda tp, mp: _group(label="L2 pyramidal"),
    "E971": _overlap,
    "E972": lambda tp, mp: __import__("eqsim.io", fromlist=["x"]).SpikeTrial(
        [1.0], [0], ["a"]).spikes_of("b"),
    "E973": lambda tp, mp: eq.SpikeMonitor(_group(threshold="v > 1")).gids,
    "E974": lambda tp, mp: eq.topology.place_grid(_group()),
    "E975": lambda tp, mp: _bad_spike_file(tp, "1.0\t0\ta\n2.0\tzero\ta\n"),
    "E976": lambda tp, mp: _bad_spike_file(tp, "1.0\t5\ta\n"),
    "E977": lambda tp, mp: __import__("eqsim.io", fromlist=["x"]).read_spikes(
        tp / "none_*.txt"),
    "E978": lambda tp, mp: __import__("eqsim.io", fromlist=["x"]).SpikeTrial(
        [1.0, 2.0], [0], ["a"]),
    "E980": _no_pynwb,
    "E981": _not_nwb,
    "E983": lambda tp, mp: __import__("eqsim.analysis", fromlist=["x"]).firing_rates(
        {0: np.array([0.1])}, t_stop=5),
    "E984": _no_neo,
    "E985": lambda tp, mp: __import__("eqsim.plot", fromlist=["x"]).raster(
        ({0: np.array([0.1])}), time_unit="minutes"),
}
