"""The window loop of backend="mpi" in C: one compiled call per chunk, not per window.

A rank of an MPI run computes a window of steps, exchanges the window's spikes and queues
them. With delays of one step the window is one step long, and a Python driver (a ctypes
call, an mpi4py Allgather and numpy per window, ~50 us) costs more than the step. The
driver in ``codegen_templates/c/windows.c`` does it all in C: it calls the network
module's ``eqsim_run`` and ``eqsim_enqueue`` through function pointers and exchanges
through MPI itself, on the communicator mpi4py gives it (``Comm.py2f`` there,
``MPI_Comm_f2c`` in C). It is compiled, once per MPI installation, against the very
library mpi4py loaded (found in this process's memory map) and the ``mpi.h`` beside it
(``<prefix>/include``, as the ``mpich`` wheel ships it, or ``mpicc -show``, or
``$EQSIM_MPI_INCLUDE``); the header and library enter the cache key. Without them, the
windows run in Python as before and a warning says so. On one process (``backend="mpi"``
without mpiexec) the same driver is built without MPI.

Ranks on one node exchange through shared memory (a segment per rank, no collective);
across nodes through MPI_Allgather, or MPI_Alltoall of only the spikes each rank needs
when that is much less.

``EQSIM_MPI_WINDOWS``: ``auto`` (default: C when possible), ``c`` (C or an error E890),
``mpi`` (C, MPI collectives only), ``python`` (the Python driver). Every rank must use
the same driver: they agree on it.
"""
from __future__ import annotations

import ctypes
import dataclasses
import hashlib
import logging
import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..build.cache import BuildInfo, build_and_load
from ..codegen.templates import template_dir
from ..codegen.unit import RUN_BUFFER_FULL, RUN_DONE, RUN_NOT_FINITE
from ..errors import ConfigurationError, EqsimError

logger = logging.getLogger(__name__)

MODES = ("auto", "c", "mpi", "python")
# the slots of the driver's state array: as the enum in windows.c
(W_STEP, W_PENDING, W_END, W_FINISH, W_WINDOW, W_DONE, W_PHASE, W_NRECV, W_WSTART,
 W_COMM, W_SIZE, W_RANK, W_SLOTS, W_RECENT, W_SEEN, W_SENDCAP, W_RECVCAP, W_NEED,
 W_SID, W_RESUME_SLOT, W_SPLIT_SLOT, W_XFIRST_SLOT, W_XCOUNT_SLOT, W_POS0_SLOT,
 W_POS1_SLOT, W_NBLOCKS, W_NTHREADS, W_MODE, W_WIDTH, W_LAST_STEP,
 W_EXCHANGES, W_ROUNDS, W_BYTES, W_SPIKES, W_WINDOWS, W_NS_COMPUTE, W_NS_EXCHANGE,
 W_SLOTS_MIN, W_SEQ, W_SHM_CAP, W_SHM_WIN, W_SHM_COMM, W_NSTATE) = range(43)
W_QUEUE_FULL, W_NEED_BUFFER, W_OUT_OF_STEP = 10, 11, 12
B_OUTBOX, B_SEND, B_RECV, B_MERGED, B_TMP, B_NEED, B_SHM, B_NBUF = range(8)
SLOTS_START, SLOTS_MIN = 256, 16
HEADER = 3               # count, window's first step, the sender's largest count
NEIGHBOUR_SHARE = 0.5    # Alltoall of needed spikes when ranks need under half of them
NEED_TABLE_MAX = 64 << 20   # bytes of the (rank, neuron) table the Alltoall mode keeps


@dataclass(frozen=True)
class MPIBuild:
    """An MPI to compile against: mpi.h's directory and the library mpi4py loaded."""

    include: str
    library: str
    identity: str   # hash of the headers and of the library's path, size and mtime

    def flags(self) -> tuple[str, ...]:
        lib_dir = os.path.dirname(self.library)
        return ("-DEQSIM_WITH_MPI", f"-DEQSIM_MPI_ID={self.identity}",
                f"-I{self.include}", "-Wl,--no-as-needed", self.library,
                f"-Wl,-rpath,{lib_dir}")


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ConfigurationError(f"EQSIM_MPI_WINDOWS={mode!r} is not a driver of MPI "
                                 "windows", code="E891",
                                 hint="use auto (default), c, mpi or python")
    return mode


def loaded_mpi_library() -> str | None:
    """The MPI library file mpi4py loaded into this process (Linux: from its memory
    map), or None."""
    try:
        from mpi4py import MPI  # noqa: F401  (loads the library)
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if ".so" in line}
    except (ImportError, OSError):
        return None
    libs = sorted(p for p in paths if os.path.basename(p).startswith("libmpi.so") or
                  os.path.basename(p).startswith("libmpi_abi.so"))
    return libs[0] if libs else None


def _flavour(text: str) -> str:
    if "OMPI_MAJOR_VERSION" in text:
        return "openmpi"
    if "MPICH_VERSION" in text or "MPICH_NAME" in text:
        return "mpich"
    return "other"


def _library_flavour() -> str:
    from mpi4py import MPI
    version = MPI.Get_library_version()
    if "Open MPI" in version:
        return "openmpi"
    if "MPICH" in version or "Intel(R) MPI" in version or "MVAPICH" in version:
        return "mpich"
    return "other"


def _mpicc_includes() -> list[str]:
    """The -I directories of the MPI compiler wrapper on PATH (none without one)."""
    for wrapper in ("mpicc",):
        exe = shutil.which(wrapper)
        if exe is None:
            continue
        for flag in ("-show", "--showme:compile"):
            try:
                out = subprocess.run([exe, flag], capture_output=True, text=True,
                                     timeout=20, check=False).stdout
            except (OSError, subprocess.TimeoutExpired):
                continue
            dirs = [a[2:] for a in shlex.split(out) if a.startswith("-I")]
            if dirs:
                return dirs
    return []


@lru_cache(maxsize=8)
def find_mpi(include: str | None = None) -> tuple[MPIBuild | None, str]:
    """The MPI to build the driver against, or None and the reason (once per process
    and include directory)."""
    if include is not None and not (Path(include) / "mpi.h").is_file():
        return None, f"no mpi.h in {include} (EQSIM_MPI_INCLUDE)"
    library = loaded_mpi_library()
    if library is None:
        return None, "mpi4py's MPI library was not found in this process"
    if os.path.basename(library).startswith("libmpi_abi"):
        return None, f"{library} is the MPI standard ABI library (not supported yet)"
    if include is not None:
        candidates = [include]
    else:
        prefix = Path(library).resolve().parent.parent
        candidates = [str(prefix / "include"), *_mpicc_includes()]
    flavour = _library_flavour()
    for d in candidates:
        header = Path(d) / "mpi.h"
        try:
            text = header.read_text(errors="replace")
        except OSError:
            continue
        if _flavour(text) != flavour:
            continue
        h = hashlib.sha256()
        for p in sorted(Path(d).glob("mpi*.h")):
            h.update(p.name.encode() + b"\0" + p.read_bytes())
        st = os.stat(library)
        h.update(f"{os.path.realpath(library)}|{st.st_size}|{st.st_mtime_ns}".encode())
        return MPIBuild(str(Path(d).resolve()), library, h.hexdigest()[:16]), ""
    return None, (f"no mpi.h of {flavour} for {library} in " +
                  (", ".join(candidates) or "(no candidates)"))


def _load(path: Path):
    lib = ctypes.CDLL(str(path))
    fn = lib.eqsim_windows
    fn.restype = ctypes.c_int64
    fn.argtypes = [ctypes.c_void_p] * 8
    fn._eqsim_lib = lib
    return fn


@lru_cache(maxsize=8)
def _build(config, mpi: MPIBuild | None):
    source = (template_dir() / "c" / "windows.c").read_text()
    flags = mpi.flags() if mpi is not None else ()
    cfg = dataclasses.replace(config, extra_cflags=tuple(config.extra_cflags) + flags)
    return build_and_load(source, cfg, BuildInfo(), load_fn=_load)


_WARNED: set = set()


def driver_function(config, comm):
    """The compiled driver for this process (None: run the windows in Python). Collective
    under MPI: every rank gets a driver, or none does."""
    mode = check_mode(config.mpi_windows)
    fn, why = None, "EQSIM_MPI_WINDOWS=python"
    if mode != "python":
        mpi = None
        if comm.size > 1:
            mpi, why = find_mpi(config.mpi_include)
        if comm.size == 1 or mpi is not None:
            try:
                fn = _build(config, mpi)
            except (EqsimError, OSError) as exc:   # gcc failed, or the load: fall back
                fn, why = None, f"the driver did not build: {exc}"
    if comm.size > 1 and comm.allreduce_min(int(fn is not None)) == 0:
        if fn is not None:
            why = "another rank could not build it"
        fn = None
    if fn is None and mode == "c":
        raise ConfigurationError(f"EQSIM_MPI_WINDOWS=c, but the compiled window loop "
                                 f"is not available: {why}", code="E890",
                                 hint="set EQSIM_MPI_INCLUDE to the directory of mpi.h "
                                      "of the MPI mpi4py uses, or EQSIM_MPI_WINDOWS=auto")
    if fn is None and mode == "auto" and comm.rank == 0 and why not in _WARNED:
        _WARNED.add(why)   # once per process and reason, not at every run()
        logger.warning("eqsim: the MPI windows run in Python (slower at short delays): "
                       "%s; set EQSIM_MPI_INCLUDE to the directory of mpi.h", why)
    return fn


class WindowDriver:
    """One run's state of the compiled window loop (the int64 state array and buffers)."""

    def __init__(self, fn, plan, net, data):
        self.fn, self.plan = fn, plan
        comm = plan.comm
        module = net._backend.fn
        self.run_ptr = ctypes.cast(module, ctypes.c_void_p).value
        self.enq_ptr = ctypes.cast(module._eqsim_lib.eqsim_enqueue,
                                   ctypes.c_void_p).value
        st = self.st = np.zeros(W_NSTATE, np.int64)
        slot = data._iidx
        st[W_WINDOW] = plan.window
        st[W_SIZE], st[W_RANK] = comm.size, comm.rank
        st[W_COMM] = comm.comm.py2f() if comm.size > 1 else 0
        st[W_SLOTS], st[W_SLOTS_MIN] = SLOTS_START, SLOTS_MIN
        for w, key in ((W_RESUME_SLOT, "resume"), (W_SPLIT_SLOT, "split"),
                       (W_XFIRST_SLOT, "_x_first"), (W_POS0_SLOT, "pos0"),
                       (W_POS1_SLOT, "pos1")):
            st[w] = slot[f"_network/{key}"]
        st[W_XCOUNT_SLOT] = slot["_network/_x_count"] if plan.exchanged else -1
        st[W_NBLOCKS] = len(data.unit.schedule) + 1
        self.bufs = (ctypes.c_void_p * B_NBUF)()
        self.keep: dict = {}
        width = int(plan.bases[-1]) if plan.exchanged else 0
        st[W_WIDTH] = width
        if plan.exchanged:
            self.keep["outbox"] = data.array("_network/_x_codes")
            self.bufs[B_OUTBOX] = self.keep["outbox"].ctypes.data
            if comm.size == 1:
                self.bufs[B_MERGED] = self.bufs[B_OUTBOX]
        if comm.size > 1 and plan.exchanged and comm.size * width <= NEED_TABLE_MAX:
            need = plan.comm.allgatherv(plan.needed_sources()).reshape(comm.size, width)
            owner = plan.owners()
            # of the spikes a rank gets from the others, the share it needs: all of
            # them go (Allgather), or only those (Alltoall) when that is much less
            others = need[np.arange(comm.size)[:, None] != owner[None, :]]
            if others.mean() < NEIGHBOUR_SHARE:
                st[W_MODE] = 1
                self.keep["need"] = np.ascontiguousarray(need)
                self.bufs[B_NEED] = self.keep["need"].ctypes.data
        if comm.size > 1:
            self._buffers(SLOTS_START)
        if comm.size > 1 and plan.exchanged and st[W_MODE] == 0 and \
                net.config.mpi_windows != "mpi":   # one node: through shared memory
            cap = -comm.allreduce_min(-len(self.keep["outbox"]))
            self.keep["shm"] = np.zeros(comm.size, np.uint64)
            self.bufs[B_SHM] = self.keep["shm"].ctypes.data
            for b in (B_MERGED, B_TMP):   # room for every rank's whole outbox
                self.keep[b] = np.zeros(comm.size * (cap + 2), np.int64)
                self.bufs[b] = self.keep[b].ctypes.data
            opened = fn._eqsim_lib.eqsim_shm_open
            opened.restype = ctypes.c_int64
            opened(ctypes.c_void_p(st.ctypes.data), ctypes.c_void_p(
                ctypes.addressof(self.bufs)), ctypes.c_int64(cap))
        self.mode = {0: "allgather", 1: "alltoall", 2: "shm"}[int(st[W_MODE])]

    def close(self) -> None:
        """Release the shared-memory segments (collective; at the end of a run)."""
        if self.st[W_MODE] == 2:
            self.fn._eqsim_lib.eqsim_shm_close(ctypes.c_void_p(self.st.ctypes.data))

    def _buffers(self, slots: int) -> None:
        k, block = self.plan.comm.size, slots + HEADER
        send = np.zeros((k if self.st[W_MODE] == 1 else 1) * block, np.int64)
        recv = np.zeros(k * block, np.int64)
        merged, tmp = np.zeros(k * block, np.int64), np.zeros(k * block, np.int64)
        self.keep.update(send=send, recv=recv, merged=merged, tmp=tmp)
        for b, a in ((B_SEND, send), (B_RECV, recv), (B_MERGED, merged), (B_TMP, tmp)):
            self.bufs[b] = a.ctypes.data
        self.st[W_SENDCAP], self.st[W_RECVCAP] = len(send), len(recv)

    def run(self, net, data, n: int, drain) -> int:
        """Run n steps from net._step in windows (n = 0: finish the pending step).
        Returns RUN_DONE, or RUN_NOT_FINITE with net._step at the failing step."""
        st, plan = self.st, self.plan
        st[W_STEP], st[W_PENDING] = net._step, int(net._pending)
        st[W_END], st[W_FINISH] = net._step + n, int(n == 0)
        st[W_NTHREADS] = net._backend.threads
        counted = [W_NS_COMPUTE, W_NS_EXCHANGE, W_WINDOWS, W_SPIKES, W_EXCHANGES, W_ROUNDS,
                   W_BYTES]
        before = st[counted].copy()
        ptr_d, ptr_i, ptr_o = data.c_args
        args = (self.run_ptr, self.enq_ptr, ctypes.addressof(data._ptrs),
                ctypes.cast(ptr_d, ctypes.c_void_p), ctypes.cast(ptr_i, ctypes.c_void_p),
                ctypes.cast(ptr_o, ctypes.c_void_p), st.ctypes.data,
                ctypes.addressof(self.bufs))
        while True:
            code = int(self.fn(*args))
            if code == RUN_DONE:
                break
            if code == RUN_BUFFER_FULL:   # a monitor's buffer: Python empties them
                drain()
                for S in net.synapses:
                    S._grow_queue(data)
            elif code == W_QUEUE_FULL:
                S = net.synapses[int(st[W_SID])]
                S._read_back(data)
                S._grow_queue(data, most=int(st[W_NRECV]))
            elif code == W_NEED_BUFFER:
                self._buffers(int(st[W_NEED]))
            elif code == RUN_NOT_FINITE:
                net._step, net._pos = int(st[W_LAST_STEP]), 0
                return code
            else:   # a bug, never a user error: stop loudly
                raise RuntimeError(f"MPI ranks out of step in window {int(st[W_WSTART])}"
                                   if code == W_OUT_OF_STEP else
                                   f"the MPI window loop returned {code}")
        net._step, net._pos, net._pending = int(st[W_STEP]), 0, bool(st[W_PENDING])
        delta = [int(x) for x in st[counted] - before]
        net.timings["compute"] += delta[0] * 1e-9
        net.timings["exchange"] += delta[1] * 1e-9
        net.timings["windows"] += delta[2]
        plan.spikes_exchanged += delta[3]
        comm = plan.comm
        if hasattr(comm, "exchanges"):   # the counters of MPIComm (benchmarks, tests)
            comm.exchanges += delta[4]
            comm.rounds += delta[5]
            comm.bytes_sent += delta[6]
        return RUN_DONE


__all__ = ["MPIBuild", "WindowDriver", "check_mode", "driver_function", "find_mpi"]
