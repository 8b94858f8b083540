"""Triggers of the error codes E830-E849 (runs in pieces, HDF5 run files, scans), merged
into test_error_codes.TRIGGERS."""
import os

import eqsim as eq
from eqsim.units import Hz, mV, ms


def _net():
    P = eq.PoissonGroup(2, 10 * Hz, name="P")
    return eq.Network(P, eq.SpikeMonitor(P, name="spikes"))


def _build(seed, rate):
    P = eq.PoissonGroup(2, rate, seed=seed, name="P")
    return eq.Network(P, eq.SpikeMonitor(P, name="spikes"))


def _dies_in_a_worker(parent):
    def build_fn(seed, rate):
        if os.getpid() != parent:
            os._exit(3)
        return _build(seed, rate)
    return build_fn


def _failing(seed, rate):
    raise ValueError("broken model")


RUNS_TRIGGERS = {
    "E830": lambda tp, mp: _net().run(1 * ms, at=[(0.5 * mV, print)]),
    "E831": lambda tp, mp: _net().run(1 * ms, at=[(2 * ms, print)]),
    "E832": lambda tp, mp: _net().save_hdf5(tp / "missing" / "run.h5"),
    "E833": lambda tp, mp: (tp / "x.h5").write_text("text") and eq.load_hdf5(tp / "x.h5"),
    "E834": lambda tp, mp: eq.scan(_build, {"rate": []}, out_dir=tp),
    "E835": lambda tp, mp: eq.scan(_build, {"rate": [1 * Hz]}, processes=0, out_dir=tp),
    "E836": lambda tp, mp: [eq.scan(_build, {"rate": [r * Hz]}, processes=1, out_dir=tp,
                                    duration=1 * ms) for r in (1, 2)],
    "E837": lambda tp, mp: eq.scan_results(tp),
    "E838": lambda tp, mp: eq.scan(_dies_in_a_worker(os.getpid()),
                                   {"rate": [1 * Hz, 2 * Hz, 3 * Hz]}, processes=2,
                                   out_dir=tp, duration=1 * ms),
    "E839": lambda tp, mp: eq.scan(_failing, {"rate": [1 * Hz]}, processes=1, out_dir=tp,
                                   duration=1 * ms),
    "E840": lambda tp, mp: eq.scan(_build, {"rate": [1 * Hz]}, processes=1, out_dir=tp,
                                   duration=1 * ms, table="xlsx"),
}
