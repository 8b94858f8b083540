"""Diagnostic for docs/pynn.md ("PyNN's Potjans2014 example"): 400 IF_curr_exp cells (the
microcircuit's parameters), each driven by its own SpikeSourcePoisson at 2,320 Hz (L6E's
merged background at K_scaling = 0.1) with weight 0.0878/sqrt(0.1) nA, 5 s; prints the mean
rate over 0.2-5 s (with its standard error over the 400 cells) and the mean and s.d. of V
of 50 cells. pyNN.nest runs with its default spike_precision='off_grid' (precise models:
iaf_psc_exp_ps, poisson_generator_ps); add spike_precision='on_grid' to setup() by hand
for NEST's grid models.

    python benchmarks/pynn_poisson_count_check.py eqsim [dt_ms]
    /root/.venvs/eqsim-nest/bin/python benchmarks/pynn_poisson_count_check.py nest [dt_ms]
"""
import importlib
import sys
from pathlib import Path

import numpy as np

simname = sys.argv[1]
dt = float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
if simname == "eqsim":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import eqsim.pynn  # noqa: F401  (registers pyNN.eqsim)
sim = importlib.import_module("pyNN." + simname)

N, T = 400, 5000.0
sim.setup(timestep=dt, rng_seed=3)
cells = sim.Population(N, sim.IF_curr_exp(cm=0.25, tau_m=10.0, tau_refrac=2.0,
                                          tau_syn_E=0.5, tau_syn_I=0.5, v_reset=-65.0,
                                          v_rest=-65.0, v_thresh=-50.0, i_offset=0.0))
cells.initialize(v=-58.0)
src = sim.Population(N, sim.SpikeSourcePoisson(rate=2320.0))
sim.Projection(src, cells, sim.OneToOneConnector(),
               sim.StaticSynapse(weight=0.0878 / np.sqrt(0.1), delay=1.0),
               receptor_type="excitatory")
cells.record("spikes")
cells[0:50].record("v")
sim.run(T)
seg = cells.get_data().segments[0]
per_cell = np.array([np.count_nonzero(st.magnitude > 200.0) for st in seg.spiketrains])
per_cell = per_cell / ((T - 200.0) / 1e3)
v = np.asarray(seg.analogsignals[0].magnitude)[round(200.0 / dt):]
print(f"{simname} dt={dt} ms: rate {per_cell.mean():.2f} Hz "
      f"(s.e. {per_cell.std(ddof=1) / np.sqrt(N):.2f} over cells), "
      f"V mean {v.mean():.2f} mV, V s.d. {v.std():.2f} mV")
