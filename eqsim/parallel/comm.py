"""The processes a network runs on: one (SerialComm) or the ranks of an MPI job (MPIComm).

:func:`world` answers which. A process started by ``mpiexec -n K`` (K > 1) gets an
MPIComm over mpi4py's COMM_WORLD; mpi4py is imported only then, so a plain ``python``
run never loads MPI. Every MPIComm method is collective: all ranks call it in the same
order. An MPIComm also turns an uncaught exception on any rank into an abort of the
whole job (the message and the rank number are printed first), so a failure never
leaves the other ranks waiting in a collective.
"""
from __future__ import annotations

import os
import secrets
import sys
import traceback

import numpy as np

from ..errors import ConfigurationError

# set by mpiexec / srun of MPICH, Open MPI, Intel MPI and Slurm
_SIZE_VARIABLES = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS",
                   "SLURM_NTASKS")


class SerialComm:
    """One process: every collective is the identity."""

    rank = 0
    size = 1

    def allgather_spikes(self, local: np.ndarray, tag: int = 0) -> np.ndarray:
        return local

    def allgatherv(self, local: np.ndarray) -> np.ndarray:
        return local

    def gatherv(self, local: np.ndarray, root: int = 0) -> list[np.ndarray] | None:
        return [local]

    def allreduce_sum(self, value):
        return value

    def allreduce_min(self, value):
        return value

    def barrier(self) -> None:
        pass

    def __repr__(self) -> str:
        return "SerialComm()"


class MPIComm:
    """The ranks of an MPI job, through mpi4py."""

    SPIKE_SLOTS_MIN = 16

    def __init__(self, comm):
        self.comm = comm
        self.rank = comm.Get_rank()
        self.size = comm.Get_size()
        self._slots = 256   # spikes per rank in one fixed-size exchange (adapts)
        self.exchanges = 0                   # counters for benchmarks and tests
        self.rounds = 0
        self.bytes_sent = 0
        _abort_on_exception(comm)

    def allgather_spikes(self, local: np.ndarray, tag: int = 0) -> np.ndarray:
        """Every rank's spikes (int64 codes), in rank order: one Allgather of fixed-size
        blocks (a count, a tag, then the codes), as NEST does; if a rank has more than
        fit, all ranks see it in the counts and repeat with blocks that fit (then kept).
        ``tag`` (the window's first step) must be the same on every rank."""
        from mpi4py import MPI
        self.exchanges += 1
        while True:
            self.rounds += 1
            n = len(local)
            send = np.zeros(self._slots + 2, np.int64)
            send[0], send[1] = n, tag
            send[2:2 + min(n, self._slots)] = local[:self._slots]
            recv = np.empty(self.size * (self._slots + 2), np.int64)
            self.comm.Allgather([send, MPI.INT64_T], [recv, MPI.INT64_T])
            self.bytes_sent += send.nbytes
            blocks = recv.reshape(self.size, self._slots + 2)
            if (blocks[:, 1] != tag).any():   # a bug, never a user error: stop loudly
                raise RuntimeError(f"MPI ranks out of step: windows start at steps "
                                   f"{blocks[:, 1].tolist()}")
            counts = blocks[:, 0]
            most = int(counts.max())
            if most <= self._slots:
                self._fit(most)
                return np.concatenate([blocks[r, 2:2 + counts[r]] for r in range(self.size)])
            self._slots = max(2 * self._slots, most + most // 2)

    def _fit(self, most: int) -> None:
        """Shrink the blocks when the last 64 exchanges used a quarter of them or less
        (every rank sees the same counts, so all shrink together)."""
        self._recent = max(getattr(self, "_recent", 0), most)
        self._seen = getattr(self, "_seen", 0) + 1
        if self._seen >= 64:
            if 4 * self._recent < self._slots:
                self._slots = max(self.SPIKE_SLOTS_MIN, 2 * self._recent)
            self._recent, self._seen = 0, 0

    def allgatherv(self, local: np.ndarray) -> np.ndarray:
        """The concatenation of every rank's ``local`` (1-D, same dtype), on every rank."""
        local = np.ascontiguousarray(local)
        counts = np.array(self.comm.allgather(len(local)), dtype=np.int64)
        out = np.empty(int(counts.sum()), local.dtype)
        self.comm.Allgatherv(local, [out, counts])
        return out

    def gatherv(self, local: np.ndarray, root: int = 0) -> list[np.ndarray] | None:
        """Each rank's array, on ``root`` (None elsewhere)."""
        local = np.ascontiguousarray(local)
        counts = self.comm.gather(len(local), root=root)
        if self.rank != root:
            self.comm.Gatherv(local, None, root=root)
            return None
        out = np.empty(int(sum(counts)), local.dtype)
        self.comm.Gatherv(local, [out, counts], root=root)
        return np.split(out, np.cumsum(counts)[:-1])

    def allreduce_sum(self, value):
        return self.comm.allreduce(value)

    def allreduce_min(self, value):
        from mpi4py import MPI
        return self.comm.allreduce(value, op=MPI.MIN)

    def barrier(self) -> None:
        self.comm.Barrier()

    def __repr__(self) -> str:
        return f"MPIComm(rank {self.rank} of {self.size})"


def _abort_on_exception(comm) -> None:
    """An uncaught exception on one rank prints it (with the rank) and aborts every rank:
    without this the others would wait in their next collective for ever."""
    previous = sys.excepthook
    if getattr(previous, "_eqsim_abort", False):
        return
    rank, size = comm.Get_rank(), comm.Get_size()

    def hook(kind, value, tb):
        message = "".join(traceback.format_exception(kind, value, tb))
        sys.stderr.write(f"eqsim: rank {rank} of {size} failed, aborting all ranks:\n"
                         f"{message}")
        sys.stderr.flush()
        comm.Abort(1)

    hook._eqsim_abort = True
    sys.excepthook = hook


def launched_by_mpi() -> int:
    """The number of ranks mpiexec (or srun) started, from its environment; 1 if none."""
    for var in _SIZE_VARIABLES:
        value = os.environ.get(var, "")
        if value.isdigit() and int(value) > 1:
            return int(value)
    return 1


_WORLD = None


def world():
    """This process's communicator: an MPIComm under ``mpiexec -n K`` (K > 1), else a
    SerialComm. The same object on every call."""
    global _WORLD
    if _WORLD is None:
        if launched_by_mpi() > 1:
            try:
                from mpi4py import MPI
            except ImportError as err:
                raise ConfigurationError(
                    "this process was started by mpiexec, but mpi4py is not installed",
                    code="E762", hint='pip install "eqsim[mpi]" (mpi4py and the mpich '
                                      "wheel), or mpi4py built against your MPI") from err
            _WORLD = MPIComm(MPI.COMM_WORLD) if MPI.COMM_WORLD.Get_size() > 1 \
                else SerialComm()
        else:
            _WORLD = SerialComm()
    return _WORLD


_SEEDS = {"base": None, "count": 0}


def fresh_seed() -> int:
    """A seed for an object created without one: random on one process; under MPI the
    same on every rank (a sequence from a seed of rank 0), since every rank creates the
    same objects in the same order and must draw the same connectivity and values."""
    w = world()
    if w.size == 1:
        return secrets.randbits(32)
    if _SEEDS["base"] is None:
        _SEEDS["base"] = w.comm.bcast(secrets.randbits(63) if w.rank == 0 else None)
    _SEEDS["count"] += 1
    return int(np.random.SeedSequence([_SEEDS["base"], _SEEDS["count"]]
                                      ).generate_state(1)[0])


def local_range(n: int) -> tuple[int, int]:
    """The block [lo, hi) of a group of n neurons that this process owns."""
    from .partition import block
    w = world()
    return block(n, w.size, w.rank)


__all__ = ["SerialComm", "MPIComm", "world", "local_range", "launched_by_mpi",
           "fresh_seed"]
