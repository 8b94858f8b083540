"""Is a PyNN script with a fixed ``setup(rng_seed=...)`` but no ``rng=`` for its connector
and its RandomDistributions reproducible? (docs/pynn.md, "PyNN's Potjans2014 example":
the example builds its projections this way.) Prints digests of the connections and of
the weights and delays; run it twice per simulator and compare:

    python benchmarks/pynn_default_rng_check.py eqsim
    /root/.venvs/eqsim-nest/bin/python benchmarks/pynn_default_rng_check.py nest
"""
import hashlib
import importlib
import sys
from pathlib import Path

import numpy as np

simname = sys.argv[1]
if simname == "eqsim":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import eqsim.pynn  # noqa: F401  (registers pyNN.eqsim)
sim = importlib.import_module("pyNN." + simname)
from pyNN.random import RandomDistribution  # noqa: E402

sim.setup(timestep=0.1, rng_seed=1)
a = sim.Population(100, sim.IF_curr_exp())
b = sim.Population(100, sim.IF_curr_exp())
# as examples/Potjans2014/connectivity.py does: no rng anywhere
prj = sim.Projection(a, b, sim.FixedTotalNumberConnector(2000),
                     sim.StaticSynapse(weight=RandomDistribution("normal_clipped",
                                                                 [0.1, 0.01, 0.0, np.inf]),
                                       delay=RandomDistribution("normal_clipped",
                                                                [1.5, 0.75, 0.1, np.inf])))
conns = np.array(sorted(prj.get(["weight", "delay"], format="list")))


def digest(x):
    return hashlib.sha1(np.ascontiguousarray(x).tobytes()).hexdigest()[:12]


print(f"{simname}: connections {digest(conns[:, :2])}, weights {digest(conns[:, 2])}, "
      f"delays {digest(np.round(conns[:, 3], 1))}")
sim.end()
