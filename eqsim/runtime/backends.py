"""Executors of generated code: the compiled C loop and the numpy reference loop.

Both take the same :class:`RunData` (arrays, doubles and integers at the positions the
:class:`~eqsim.codegen.unit.SourceUnit` lists) and honour the same contract as
``eqsim_run`` in ``codegen_templates/c/network.c.j2``: run up to ``n`` steps, stop early
when a monitor buffer is full (code 1) or a value is not finite (code 2), and report the
number of completed steps in ``out[0]``.
"""
from __future__ import annotations

import ctypes
from types import SimpleNamespace

import numpy as np

from ..codegen.unit import RUN_BUFFER_FULL, RUN_DONE, RUN_NOT_FINITE, SourceUnit
from .groups import group_of

_DTYPES = {"double": np.float64, "float": np.float32, "int32_t": np.int32,
           "int64_t": np.int64, "uint8_t": np.uint8}


class RunData:
    """Arrays and parameters bound to the slots of a SourceUnit."""

    def __init__(self, unit: SourceUnit):
        self.unit = unit
        self.arrays: list[np.ndarray | None] = [None] * len(unit.arrays)
        self.dp = np.zeros(len(unit.dparams))
        self.ip = np.zeros(len(unit.iparams), dtype=np.int64)
        self.out = np.zeros(8, dtype=np.int64)
        self._aidx = {a.key: k for k, a in enumerate(unit.arrays)}
        self._didx = {key: k for k, key in enumerate(unit.dparams)}
        self._iidx = {key: k for k, key in enumerate(unit.iparams)}
        self._ptrs = (ctypes.c_void_p * max(len(unit.arrays), 1))()
        # the parameter arrays live as long as this object: their C pointers, once
        self.c_args = (self.dp.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                       self.ip.ctypes.data_as(ctypes.POINTER(ctypes.c_int64)),
                       self.out.ctypes.data_as(ctypes.POINTER(ctypes.c_int64)))

    def has_array(self, key: str) -> bool:
        return key in self._aidx

    def set_array(self, key: str, array: np.ndarray) -> None:
        k = self._aidx[key]
        if self.arrays[k] is array:   # bound already (the MPI loop rebinds per window)
            return
        want = _DTYPES[self.unit.arrays[k].ctype]
        if array.dtype != want or not array.flags.c_contiguous:
            raise TypeError(f"array {key} must be a contiguous {want.__name__} array")
        self.arrays[k] = array
        self._ptrs[k] = array.ctypes.data

    def array(self, key: str) -> np.ndarray:
        return self.arrays[self._aidx[key]]

    def set_d(self, key: str, value: float) -> None:
        self.dp[self._didx[key]] = value

    def set_i(self, key: str, value: int) -> None:
        self.ip[self._iidx[key]] = value

    def get_i(self, key: str) -> int:
        return int(self.ip[self._iidx[key]])

    def get_d(self, key: str) -> float:
        return float(self.dp[self._didx[key]])

    def missing(self) -> list[str]:
        return [a.key for a, arr in zip(self.unit.arrays, self.arrays) if arr is None]


class CBackend:
    """Runs steps in the compiled module: one ctypes call per chunk."""

    name = "c"

    def __init__(self, fn):
        self.fn = fn
        self.threads = 1

    def run(self, data: RunData, step: int, n: int) -> int:
        ptr_d, ptr_i, ptr_o = data.c_args
        return int(self.fn(data._ptrs, ptr_d, ptr_i, step, n, ptr_o, self.threads))


class NumpyBackend:
    """Runs the same statements with numpy, one Python iteration per step (reference)."""

    name = "numpy"
    threads = 1   # the reference runs in one thread (results do not depend on threads)

    def __init__(self, unit: SourceUnit, groups: list, state_monitors: list,
                 spike_monitors: list, synapses: list = (), poisson_inputs: list = ()):
        namespace: dict = {}
        code = compile(unit.numpy_source, "<eqsim numpy kernels>", "exec")
        exec(code, namespace)  # our own generated code, never a user string
        self.ns = namespace
        self.groups = groups
        self.state_monitors = state_monitors
        self.spike_monitors = spike_monitors
        self.synapses = list(synapses)
        self.poisson_inputs = list(poisson_inputs)
        self.pathway_flags = [unit.pathways.get(S.name, {}) for S in self.synapses]

    def _group_state(self, data: RunData, gid: int, g) -> SimpleNamespace:
        name = g.name
        consts = {key.split("/", 1)[1]: data.get_d(key) for key in data.unit.dparams
                  if key.startswith(name + "/") and key != f"{name}/dt" and
                  "/_ta_" not in key}
        arrays = {a.key.split("/", 1)[1]: data.arrays[k]
                  for k, a in enumerate(data.unit.arrays) if a.key.startswith(name + "/")}
        from .. import rng
        return SimpleNamespace(
            timed=[ta._lookup for _, ta in g.timed_arrays()],
            every=data.get_i(f"{name}/every"),
            gen_period=data.get_i(f"{name}/_gen_period") if g.spec.generator else 0,
            N=data.get_i(f"{name}/N"), dt=data.get_d(f"{name}/dt"),
            offset=data.get_i(f"{name}/offset"), seed=g.seed,
            object_id=rng.object_id(name), constants=consts, arrays=arrays)

    def _synapse_state(self, data: RunData, S) -> SimpleNamespace:
        from .. import rng
        name = S.name
        syn = {a.key.split("/", 1)[1]: data.arrays[k] for k, a in enumerate(data.unit.arrays)
               if a.key.startswith(name + "/") and not a.key.split("/", 1)[1].startswith("_")}
        consts = {key.split("/", 1)[1]: data.get_d(key) for key in data.unit.dparams
                  if key.startswith(name + "/")}
        return SimpleNamespace(
            syn=syn, pre=S.source.arrays, post=S.target.arrays,
            pre_off=data.get_i(f"{name}/_pre_off"), post_off=data.get_i(f"{name}/_post_off"),
            syn_pre=data.array(f"{name}/_pre"), syn_post=data.array(f"{name}/_post"),
            constants=consts, dt=S.source.dt_, N_pre=S.source.N, N_post=S.target.N,
            timed=[ta._lookup for _, ta in S.timed_arrays()],
            seed=S.seed, object_id=rng.object_id(name))

    def _apply(self, fn, state, t, step, syn, fast: bool, writes_pre: bool) -> None:
        """Run a pathway's statements for the synapses ``syn`` in the order given, with
        the result of running them one synapse after the other (as the C loop does)."""
        if not len(syn):
            return
        ipre, jpost = state.syn_pre[syn], state.syn_post[syn]
        with np.errstate(all="ignore"):
            if fast:
                fn(state, t, step, syn, ipre, jpost)
                return
            if writes_pre:
                for k in range(len(syn)):
                    fn(state, t, step, syn[k:k + 1], ipre[k:k + 1], jpost[k:k + 1])
                return
            # rounds: the r-th synapse onto each target neuron goes in round r
            order = np.argsort(jpost, kind="stable")
            sorted_j = jpost[order]
            starts = np.flatnonzero(np.r_[True, sorted_j[1:] != sorted_j[:-1]])
            rank_sorted = np.arange(len(syn)) - np.repeat(starts, np.diff(np.r_[starts,
                                                                                len(syn)]))
            rank = np.empty(len(syn), dtype=np.int64)
            rank[order] = rank_sorted
            for r in range(int(rank.max()) + 1):
                sel = np.flatnonzero(rank == r)
                fn(state, t, step, syn[sel], ipre[sel], jpost[sel])

    def _paths(self, sid: int, kind: str) -> list[dict]:
        """The pathways of synapses ``sid`` driven by ``kind`` spikes, in order."""
        return [p for p in self.pathway_flags[sid].get("paths", ()) if p["kind"] == kind]

    def _deliver_pre(self, data: RunData, S, state, sid: int, t: float, step: int,
                     spikes, path: dict | None = None) -> None:
        path = path or {"prefix": "", "fn": "pre", "flags": self.pathway_flags[sid]["pre"]}
        name = S.name + "/" + path["prefix"]   # the run data of this pathway
        ptr = data.array(f"{name}_pre_ptr")
        q_pre, q_step = data.array(f"{name}_q_pre"), data.array(f"{name}_q_step")
        q_cur = data.array(f"{name}_q_cur")
        cap = data.get_i(f"{name}_q_cap")
        head, tail = data.get_i(f"{name}_q_head"), data.get_i(f"{name}_q_tail")
        local = [] if spikes is None else spikes - state.pre_off
        for pre in (p for p in local if 0 <= p < S.source.N):
            e = head % cap
            q_pre[e], q_step[e], q_cur[e] = pre, step, ptr[pre]
            head += 1
        per_synapse = data.has_array(f"{name}_order")
        if per_synapse:
            order, delay = data.array(f"{name}_order"), data.array(f"{name}_delay_steps")
        else:
            D = data.get_i(f"{name}_delay_steps")
        delivered = []
        for e in range(tail, head):
            slot = e % cap
            age = step - q_step[slot]
            cur, end = int(q_cur[slot]), int(ptr[q_pre[slot] + 1])
            if per_synapse:
                block = order[cur:end]
                n = int(np.searchsorted(delay[block], age, side="right"))
                delivered.append(block[:n])
                cur += n
            elif age >= D:
                delivered.append(np.arange(cur, end))
                cur = end
            q_cur[slot] = cur
        while tail < head and q_cur[tail % cap] >= ptr[q_pre[tail % cap] + 1]:
            tail += 1
        data.set_i(f"{name}_q_head", head)
        data.set_i(f"{name}_q_tail", tail)
        if delivered:
            syn = np.concatenate(delivered).astype(np.int64)
            self._apply(self.ns[f"syn_{path['fn']}_{sid}"], state, t, step, syn,
                        *path["flags"])

    def _deliver_post(self, data: RunData, S, state, sid: int, t: float, step: int,
                      spikes, path: dict | None = None) -> None:
        path = path or {"prefix": "", "fn": "post", "flags": self.pathway_flags[sid]["post"]}
        name = S.name + "/" + path["prefix"]
        ptr, order = data.array(f"{name}_post_ptr"), data.array(f"{name}_post_order")
        local = spikes - state.post_off
        syn = [order[ptr[j]:ptr[j + 1]] for j in local if 0 <= j < S.target.N]
        if syn:
            self._apply(self.ns[f"syn_{path['fn']}_{sid}"], state, t, step,
                        np.concatenate(syn).astype(np.int64), False, path["flags"][1])

    def _still_not_finite(self, data: RunData, gids: list, states
                          ) -> tuple[int, int, int] | None:
        """(group, variable number, neuron) of the first value written by an update that
        is not finite after the resets (an overflow that a reset replaced is fine)."""
        for gid in gids:
            names = data.unit.written[self.groups[gid].name]
            bad = np.zeros(len(states[gid].arrays[names[0]]), dtype=bool)
            for name in names:
                bad |= ~np.isfinite(states[gid].arrays[name])
            if bad.any():
                k = int(np.argmax(bad))
                j = next(j for j, name in enumerate(names)
                         if not np.isfinite(states[gid].arrays[name][k]))
                return gid, j, k
        return None

    def run(self, data: RunData, step: int, n: int) -> int:
        ns = self.ns
        states = [self._group_state(data, gid, g) for gid, g in enumerate(self.groups)]
        sstates = [self._synapse_state(data, S) for S in self.synapses]
        every = [data.get_i(f"{g.name}/every") for g in self.groups]
        dt_base = data.get_d("_network/dt")
        for s in range(step, step + n):
            t = s * dt_base
            data.out[0] = s - step
            for m in self.spike_monitors:
                cap = data.get_i(f"{m.name}/capacity")
                need = 1 if m.spec.rate else m.source.N
                if data.get_i(f"{m.name}/count") + need > cap:
                    return RUN_BUFFER_FULL
            for sid, S in enumerate(self.synapses):
                for path in self._paths(sid, "pre"):
                    key = f"{S.name}/{path['prefix']}"
                    if data.get_i(f"{key}_q_head") - data.get_i(f"{key}_q_tail") + \
                            group_of(S.source).N > data.get_i(f"{key}_q_cap"):
                        return RUN_BUFFER_FULL
            for m in self.state_monitors:
                m_every = data.get_i(f"{m.name}/every")
                if s % m_every == 0 and data.get_i(f"{m.name}/count") >= data.get_i(
                        f"{m.name}/capacity"):
                    return RUN_BUFFER_FULL
            for m in self.state_monitors:
                if s % data.get_i(f"{m.name}/every"):
                    continue
                row = data.get_i(f"{m.name}/count")
                idx = data.array(f"{m.name}/_indices")
                if not len(idx):   # record=False: nothing to store
                    data.set_i(f"{m.name}/count", row + 1)
                    continue
                if m.source in self.groups:
                    state = states[self.groups.index(m.source)]
                else:
                    state = sstates[self.synapses.index(m.source)]
                with np.errstate(all="ignore"):
                    values = ns[f"record_{m.name}"](state, t, s, idx)
                for v, vals in values.items():
                    data.array(f"{m.name}/{v}").reshape(-1, len(idx))[row] = vals
                data.set_i(f"{m.name}/count", row + 1)
            for sid, S in enumerate(self.synapses):
                if f"syn_update_{sid}" in ns and not s % every[self.groups.index(
                        group_of(S.source))]:
                    with np.errstate(all="ignore"):
                        ns[f"syn_update_{sid}"](sstates[sid], t, s)
                k = 0
                while f"summed_{sid}_{k}" in ns:
                    with np.errstate(all="ignore"):
                        ns[f"summed_{sid}_{k}"](sstates[sid], t, s)
                    k += 1
            not_finite = []
            for gid, g in enumerate(self.groups):
                if s % every[gid]:
                    continue
                with np.errstate(all="ignore"):
                    bad = ns[f"update_{gid}"](states[gid], t, s)
                if bad is not None:   # checked again after the resets
                    not_finite.append(gid)
            spikes = {}
            for gid, g in enumerate(self.groups):
                if s % every[gid] or f"threshold_{gid}" not in ns:
                    data.set_i(f"{g.name}/nspikes", 0)
                    spikes[gid] = None
                    continue
                with np.errstate(all="ignore"):
                    spk = ns[f"threshold_{gid}"](states[gid], t, s)
                spikes[gid] = spk
                data.set_i(f"{g.name}/nspikes", len(spk))
                data.array(f"{g.name}/_spikes")[:len(spk)] = spk
                for m in self.spike_monitors:
                    if m.source is g and m.spec.rate:
                        c = data.get_i(f"{m.name}/count")
                        data.array(f"{m.name}/_i")[c] = len(spk)
                        data.array(f"{m.name}/_step")[c] = s
                        data.set_i(f"{m.name}/count", c + 1)
                    elif m.source is g:
                        c = data.get_i(f"{m.name}/count")
                        data.array(f"{m.name}/_i")[c:c + len(spk)] = spk + states[
                            gid].offset
                        data.array(f"{m.name}/_step")[c:c + len(spk)] = s
                        np.add.at(data.array(f"{m.name}/_counts"), spk, 1)
                        data.set_i(f"{m.name}/count", c + len(spk))
            for sid, S in enumerate(self.synapses):
                src = self.groups.index(group_of(S.source))
                for path in self._paths(sid, "pre"):   # in Brian2's order
                    if not s % every[src]:
                        self._deliver_pre(data, S, sstates[sid], sid, t, s,
                                          spikes.get(src), path)
                for path in self._paths(sid, "post"):
                    tgt = self.groups.index(group_of(S.target))
                    if spikes.get(tgt) is not None:
                        self._deliver_post(data, S, sstates[sid], sid, t, s, spikes[tgt],
                                           path)
            for p in self.poisson_inputs:
                if s % every[self.groups.index(p.target)]:
                    continue
                from .. import rng as _rng
                name = p.name
                k0 = np.arange(p.target.N)
                counts = _rng.binomial(p.seed, _rng.object_id(name), k0, s,
                                       data.get_i(f"{name}/n"), data.get_d(f"{name}/p"),
                                       data.get_d(f"{name}/q0"),
                                       bool(data.get_i(f"{name}/approx")))
                p.target.arrays[p.target_var] += data.get_d(f"{name}/weight") * counts
            for gid, g in enumerate(self.groups):
                spk = spikes.get(gid)
                if spk is None or not len(spk) or f"reset_{gid}" not in ns:
                    continue
                with np.errstate(all="ignore"):
                    ns[f"reset_{gid}"](states[gid], t, s, spk)
            if not_finite:
                bad = self._still_not_finite(data, not_finite, states)
                if bad is not None:
                    data.out[1:5] = (*bad, s)
                    return RUN_NOT_FINITE
        data.out[0] = n
        return RUN_DONE
