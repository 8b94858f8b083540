"""One network split across MPI ranks: what each rank owns and the spike exchange.

Every rank owns a contiguous block of every group's neurons (``parallel.partition``) and
the synapses onto them (``Synapses.connect`` builds only those). The rank's compiled loop
runs its own neurons; the steps go in windows of at most ``min_delay + 1`` steps: a call
runs a window and stops after the threshold of its last step, the spikes of the window are
exchanged (one Allgather), queued in global order, and the next call starts with the
second half of that step. A spike emitted in the window is due no earlier than the last
step of the window, so it is queued in time; the queue order (emission step, source) is the
single-process order, so every sum is added in the same order and the spike trains do not
depend on the number of ranks.
"""
from __future__ import annotations

import numpy as np

from ..errors import ConfigurationError
from ..parallel.partition import block, check_ranks
from .groups import group_of, offset_of
from .pathways import delay_key


MAX_WINDOW = 32   # steps; any window up to min-delay + 1 gives the same spikes


def _block_of(g, comm) -> tuple[int, int]:
    """A rank's neurons of group g; a SpatialNeuron is split by whole cells (a cell's
    compartments are solved together: it never spans ranks)."""
    if getattr(g.spec, "spatial", False):
        n = g.N // g.cells
        lo, hi = block(g.cells, comm.size, comm.rank)
        return lo * n, hi * n
    return block(g.N, comm.size, comm.rank)


class RankPlan:
    """The part of a network one rank simulates, and its share of the exchange."""

    def __init__(self, comm, net, unit, dt: float, run_fn):
        from ..build.loader import enqueue_function
        self.comm = comm
        self.groups = net.groups
        self._synapses = net.synapses
        check_ranks(sum(g.N for g in self.groups), comm.size)
        self.ranges = {id(g): _block_of(g, comm) for g in self.groups}
        self._check(net, unit)
        # the bases follow the order in which the groups' thresholds run in a step (the
        # schedule sorts them by name, not by creation): a rank's outbox is then sorted
        # by code, as the compiled driver's merge of the ranks' runs requires
        at = {e["owner"]: k for k, e in enumerate(unit.schedule) if e["kind"] == "threshold"}
        self.exchanged = sorted((g for g in self.groups if f"{g.name}/_x_base" in unit.iparams),
                                key=lambda g: at.get(g.name, len(at)))
        self.bases = np.cumsum([0] + [g.N for g in self.exchanged]).astype(np.int64)
        self.window = self._window(net.synapses, dt, unit)
        self.codes = np.zeros(0, np.int64)
        self.enqueue = enqueue_function(run_fn) if self.exchanged else None
        self.spikes_exchanged = 0
        # the compiled window loop (parallel/windows.py); None: windows run in Python
        from ..parallel.windows import driver_function
        self._driver_fn = driver_function(net.config, comm)
        self.driver = None

    # ---- checks --------------------------------------------------------------------
    def _check(self, net, unit) -> None:
        for S in net.synapses:
            reasons = unit.pathways.get(S.name, {}).get("not_distributable", [])
            if reasons:
                raise ConfigurationError(
                    f"synapses '{S.name}' cannot run on MPI ranks: {'; '.join(reasons)}",
                    code="E761", hint="run them on one process (backend='c')")
        from .synapses import Synapses
        for m in net.state_monitors:
            if isinstance(m.source, Synapses):
                raise ConfigurationError(
                    f"StateMonitor '{m.name}' records synapses, which MPI ranks hold in "
                    "parts; record neuron variables, or run on one process",
                    code="E761")

    def _window(self, synapses, dt: float, unit) -> int:
        """Steps between exchanges: the shortest delay (over all ranks) plus one, at most
        MAX_WINDOW (the outbox holds a window's spikes: 8 bytes per neuron and step)."""
        local = []
        for S in synapses:
            if not unit.pathways.get(S.name, {}).get("pre"):
                continue
            delays = S.arrays[delay_key("pre")]
            if delays is None:
                local.append(int(S.delay_steps(dt)))
            elif len(delays):   # rounding is monotonic: round the shortest only (a
                # per-synapse array of steps took 15 ms of every run() at 2.5 M synapses)
                local.append(int(np.floor(delays.min() / dt + 0.5)))
        shortest = self.comm.allreduce_min(min(local) if local else MAX_WINDOW)
        return int(min(shortest + 1, MAX_WINDOW))

    # ---- what this rank owns -------------------------------------------------------
    def range_of(self, group) -> tuple[int, int]:
        return self.ranges[id(group)]

    def per_neuron(self, g) -> list[str]:
        """Names of g's arrays that hold one value per neuron."""
        shared = {eq.name for eq in g.equations.equations if "shared" in eq.flags}
        return [k for k, a in g.arrays.items() if k not in shared and
                not k.startswith("_gen") and a is not None and a.shape == (g.N,)]

    def bind_group(self, data, g) -> None:
        lo, hi = self.range_of(g)
        for var in self.per_neuron(g):
            key = f"{g.name}/{var}"
            if data.has_array(key):
                data.set_array(key, g.arrays[var][lo:hi])
        data.set_i(f"{g.name}/N", hi - lo)
        data.set_i(f"{g.name}/offset", lo)
        if getattr(g.spec, "spatial", False):   # the trees of the rank's own cells
            g.bind_cells(data, lo, hi)
        if g.spec.generator:   # the generator's table, restricted to owned neurons
            gi, gs = g.arrays["_gen_i"], g.arrays["_gen_step"]
            mine = (gi >= lo) & (gi < hi)
            table = ((gi[mine] - lo).astype(np.int32), np.ascontiguousarray(gs[mine]))
            self._tables = getattr(self, "_tables", {})
            self._tables[id(g)] = table
            data.set_array(f"{g.name}/_gen_i", table[0])
            data.set_array(f"{g.name}/_gen_step", table[1])
            data.set_i(f"{g.name}/_gen_n", len(table[0]))

    def bind_synapses(self, data, S) -> None:
        """Target indices stay those of the whole target group; the rank's arrays start
        at its first owned neuron."""
        lo, _ = self.range_of(group_of(S.target))
        data.set_i(f"{S.name}/_post_off", offset_of(S.target) - lo)

    def bind_monitors(self, data, spike_monitors, state_monitors) -> None:
        for m in spike_monitors:
            lo, hi = self.range_of(m.source)
            data.set_array(f"{m.name}/_counts", m.counts[lo:hi])
        for m in state_monitors:
            lo, hi = self.range_of(m.source)
            positions = np.flatnonzero((m.record >= lo) & (m.record < hi))
            m._set_local(positions, (m.record[positions] - lo).astype(np.int32))
            data.set_i(f"{m.name}/n_indices", len(positions))

    # ---- the exchange --------------------------------------------------------------
    def bind_exchange(self, data) -> None:
        """The outbox the compiled loop writes a window's spike codes into."""
        if not self.exchanged:
            return
        from .poisson_counts import spike_multiplicity   # (several spikes a step)
        cap = self.window * sum(np.diff(self.ranges[id(g)])[0] * spike_multiplicity(g)
                                for g in self.exchanged) + 1
        if len(self.codes) < cap:
            self.codes = np.zeros(cap, np.int64)
        data.set_array("_network/_x_codes", self.codes)
        data.set_i("_network/_x_count", 0)
        data.set_i("_network/_x_width", int(self.bases[-1]))
        for k, g in enumerate(self.exchanged):
            data.set_i(f"{g.name}/_x_base", int(self.bases[k]))

    def bind_driver(self, net, data) -> None:
        """The compiled window loop's state for this run (after bind_exchange)."""
        if self._driver_fn is not None:
            from ..parallel.windows import WindowDriver
            self.driver = WindowDriver(self._driver_fn, self, net, data)

    def needed_sources(self) -> np.ndarray:
        """1 for each exchanged neuron (index among all of them) that a synapse on this
        rank has as its source: the spikes this rank needs."""
        need = np.zeros(int(self.bases[-1]), np.uint8)
        position = {id(g): k for k, g in enumerate(self.exchanged)}
        for S in self._synapses:
            k = position.get(id(group_of(S.source)))
            if k is not None:
                base = int(self.bases[k]) + offset_of(S.source)
                need[base + np.flatnonzero(np.diff(S._rows) > 0)] = 1
        return need

    def owners(self) -> np.ndarray:
        """The rank that owns each exchanged neuron (index among all of them)."""
        owner = np.zeros(int(self.bases[-1]), np.int64)
        for k, g in enumerate(self.exchanged):
            for r in range(self.comm.size):
                lo, hi = block(g.N, self.comm.size, r)
                owner[self.bases[k] + lo:self.bases[k] + hi] = r
        return owner

    def exchange(self, data, synapses, first_step: int) -> None:
        """Share the spikes of the window that began at ``first_step`` (one Allgather)
        and queue them, in the order of their codes: (step, index)."""
        if not self.exchanged:
            return
        n = data.get_i("_network/_x_count")
        every = self.comm.allgather_spikes(self.codes[:n], first_step)
        data.set_i("_network/_x_count", 0)
        if not len(every):
            return
        if self.comm.size > 1:   # each rank's block is sorted; together they are not
            every = np.sort(every)
        self.spikes_exchanged += len(every)
        while True:
            full = self.enqueue(data._ptrs, data.c_args[1], every.ctypes.data, len(every),
                                first_step)
            if full < 0:
                return
            S = synapses[full]
            S._read_back(data)
            S._grow_queue(data, most=len(every))

    def gather_state(self) -> None:
        """Every rank gets every neuron's values (each rank computed its own block)."""
        if self.driver is not None:   # the end of a run: the driver's shared memory
            self.driver.close()
        for g in self.groups:
            lo, hi = self.range_of(g)
            for var in self.per_neuron(g):
                if var == "_spikes":
                    continue
                arr = g.arrays[var]
                arr[...] = self.comm.allgatherv(arr[lo:hi])


__all__ = ["RankPlan"]
