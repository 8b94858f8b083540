"""Triggers of the error codes E990-E998 (eqsim.drives), merged into
test_error_codes.TRIGGERS."""
import numpy as np

import eqsim as eq
from eqsim import drives
from eqsim.units import Hz, ms, nS, um


def _g(n=4, label="E"):
    return eq.NeuronGroup(n, "dg_ampa/dt = -g_ampa/(5*ms) : siemens", label=label)


def _ev(**kw):
    args = dict(mu=10 * ms, sigma=1 * ms, weights_ampa={"E": 1 * nS})
    args.update(kw)
    return drives.evoked(args.pop("targets", _g()), **args)


DRIVE_TRIGGERS = {
    # a label the targets do not have (weights, delays, select)
    "E990": lambda tp, mp: _ev(weights_ampa={"L5_pyramidal": 1 * nS}),
    # a receptor variable the target lacks, or a weight in the wrong unit
    "E991": lambda tp, mp: _ev(weights={"E": {"g_nmda": 1 * nS}}),
    # a drive onto nothing: no weights
    "E992": lambda tp, mp: _ev(weights_ampa={}),
    # bad timing: sigma without a unit, a burst longer than its period
    "E993": lambda tp, mp: drives.bursty(_g(), 50 * Hz, tstop=100 * ms, numspikes=5,
                                         spike_isi=10 * ms, weights_ampa={"E": 1 * nS}),
    # cell_specific with a contradicting number of drive cells
    "E994": lambda tp, mp: _ev(n_drive_cells=2),
    # a spike-train source that is not spikes (times without units)
    "E995": lambda tp, mp: drives.spike_train(_g(), {0: [1.0, 2.0]},
                                              weights_ampa={"E": 1 * nS}),
    # a space constant onto a group without positions
    "E996": lambda tp, mp: _ev(space_constant=100 * um),
    # an afferent rate that is not a 1-D array of rates
    "E997": lambda tp, mp: drives.afferent(_g(), np.ones((3, 2)) * Hz, "g_ampa", 1 * nS,
                                           n_aff=10, p=0.5, dt=1 * ms),
    # a connection probability outside [0, 1]
    "E998": lambda tp, mp: _ev(probability=1.5),
}
