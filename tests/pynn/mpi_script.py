"""A PyNN script run by tests/pynn/test_core_mpi.py on one process and under mpiexec:
writes (on rank 0) the spikes, a membrane trace and the weights, gathered as PyNN
gathers them, to the .npz file named on the command line."""
import sys

import numpy as np

import eqsim.pynn as sim
from tests.pynn.doubles import IFCurrExpDouble, StaticDouble


def main(out: str) -> None:
    sim.setup(timestep=0.1, min_delay=0.5)
    rng = sim.NumpyRNG(seed=5)
    exc = sim.Population(60, IFCurrExpDouble(i_offset=0.9, tau_refrac=2.0), label="E")
    inh = sim.Population(21, IFCurrExpDouble(i_offset=0.8), label="I")
    exc.initialize(v=sim.RandomDistribution("uniform", (-65.0, -50.0), rng=rng))
    ee = sim.Projection(exc, exc + inh, sim.FixedProbabilityConnector(0.2, rng=rng),
                        StaticDouble(weight=sim.RandomDistribution("uniform", (0.1, 0.3),
                                                                   rng=rng), delay=0.5),
                        receptor_type="excitatory")
    sim.Projection(inh, exc, sim.FixedNumberPreConnector(5, rng=rng),
                   StaticDouble(weight=-0.4, delay=1.0), receptor_type="inhibitory")
    if sim.list_standard_models():   # Poisson input: random numbers at run time
        noise = sim.Population(10, sim.SpikeSourcePoisson(rate=200.0), label="noise")
        sim.Projection(noise, exc, sim.FixedProbabilityConnector(0.3, rng=rng),
                       StaticDouble(weight=0.5, delay=0.5), receptor_type="excitatory")
    exc.record("spikes")
    exc[::10].record("v")
    sim.run(80.0)
    block = exc.get_data()
    weights = ee.get("weight", format="list", gather=True)
    n = ee.size()
    if sim.rank() == 0:
        seg = block.segments[0]
        ids = np.concatenate([np.full(len(s), s.annotations["source_index"])
                              for s in seg.spiketrains])
        times = np.concatenate([s.magnitude for s in seg.spiketrains])
        order = np.lexsort((ids, times))
        v = seg.filter(name="v")[0]
        np.savez(out, ids=ids[order], times=times[order], size=n,
                 v=np.asarray(v.magnitude), v_channels=np.asarray(
                     v.array_annotations["channel_index"]),
                 weights=np.array(sorted(weights)))
    sim.end()


if __name__ == "__main__":
    main(sys.argv[1])
