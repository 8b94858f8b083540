"""The Brunel (2000) network of examples/brunel.py, split across MPI ranks.

    pip install ".[mpi]"                         # mpi4py and the mpich wheel
    mpiexec -n 2 python examples/brunel_mpi.py   # writes brunel_mpi.png
    mpiexec -n 4 python examples/brunel_mpi.py --N 50000 --duration 0.5

The script is the single-process one with backend="mpi": every rank builds the same
objects, connect() creates only the synapses onto the rank's own neurons, and run()
exchanges spikes once per window of 1.5 ms (the delay). The monitors are gathered on
rank 0, which prints the rates and draws the raster; the spikes are the same, bit for
bit, on any number of ranks (and without mpiexec).
"""
from eqsim.parallel.comm import world
from eqsim.units import second

from brunel import build
from _network_common import Timer, arguments, raster, report


def main(argv=None):
    parser = arguments(__doc__, 12500, 1.0)
    parser.add_argument("--g", type=float, default=5.0, help="relative inhibition")
    parser.add_argument("--eta", type=float, default=2.0, help="external drive")
    args = parser.parse_args(argv)
    comm = world()
    with Timer() as t_build:
        net, mons, sizes, rate = build(args.N, args.seed, args.g, args.eta)
    with Timer() as t_run:
        net.run(args.duration * second, backend="mpi")
    for mon in mons.values():
        mon.gather()            # every rank calls it; rank 0 gets all spikes
    if comm.rank != 0:
        return None
    out = report("Brunel (MPI)", mons, sizes, args.duration, ranks=comm.size,
                 build_s=round(t_build.seconds, 3), run_s=round(t_run.seconds, 3),
                 compute_s=round(net.timings["compute"], 3),
                 exchange_s=round(net.timings["exchange"], 3))
    raster(args.out or "brunel_mpi.png", mons,
           f"Brunel 2000 on {comm.size} MPI rank{'s' if comm.size > 1 else ''}")
    return out


if __name__ == "__main__":
    main()
