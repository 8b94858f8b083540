"""Spike delivery with per-synapse delays: Brunel's network (examples/brunel.py, 12,500
neurons, 15.6 million synapses) with each synapse's delay drawn from whole steps of
0.1 ms (normal, mean 1.5 ms, s.d. 0.75 ms, >= 0.1 ms) instead of 1.5 ms for all.

    PYTHONPATH=<eqsim checkout> python benchmarks/delay_delivery.py [--sorted] \\
        [--duration 0.2]

--sorted draws the delays sorted within each source's synapses (no delivery order
needed). Prints one JSON line: CPU time of the loop (after a 1 ms run that builds and
loads), the spike count, and the eqsim used."""
import argparse
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=0.2, help="seconds of model time")
    p.add_argument("--sorted", action="store_true")
    args = p.parse_args(argv)
    sys.path.insert(0, os.path.join(HERE, "..", "examples"))
    import brunel

    import eqsim as eq
    from eqsim.units import ms, second
    net, mons, _sizes, _ = brunel.build(12500, 4242, 5.0, 2.0)
    rng = np.random.default_rng(1)
    for S in net.synapses:
        steps = np.maximum(1, np.rint(rng.normal(15, 7.5, len(S)))).astype(np.int64)
        if args.sorted:
            pre = np.repeat(np.arange(len(S._rows) - 1), np.diff(S._rows))
            steps = steps[np.lexsort((steps, pre))]
        S.delay = steps * 1e-4 * second
    net.run(1 * ms)
    c0 = time.process_time()
    net.run(args.duration * second - 1 * ms)
    cpu = time.process_time() - c0
    out = {"cpu_run_s": cpu, "spikes": int(sum(m.num_spikes for m in mons.values())),
           "sorted": args.sorted, "synapses": int(sum(len(S) for S in net.synapses)),
           "eqsim_file": eq.__file__}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
