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
from .poisson_counts import spike_multiplicity

_DTYPES = {"double": np.float64, "float": np.float32, "int32_t": np.int32,
           "int64_t": np.int64, "uint8_t": np.uint8, "uint16_t": np.uint16}


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
            kcap=data.get_i(f"{name}/_kcap") if g.spec.counts else 0,
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
            constants=consts, dt=_clock_dt(S.source), N_pre=S.source.N,
            N_post=S.target.N,
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
        per_synapse = data.has_array(f"{name}_delay_steps")
        if per_synapse:   # delays in delivery order; offsets in the row (or None: sorted)
            order = data.array(f"{name}_order") if data.has_array(f"{name}_order") else None
            delay = data.array(f"{name}_delay_steps")
        else:
            D = data.get_i(f"{name}_delay_steps")
        delivered = []
        for e in range(tail, head):
            slot = e % cap
            age = step - q_step[slot]
            cur, end = int(q_cur[slot]), int(ptr[q_pre[slot] + 1])
            if per_synapse:
                n = int(np.searchsorted(delay[cur:end], age, side="right"))
                block = (np.arange(cur, cur + n) if order is None else
                         ptr[q_pre[slot]] + order[cur:cur + n].astype(np.int64))
                delivered.append(block)
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
        """The steps [step, step + n), each block in the order of the unit's schedule;
        the first step starts at block ``_network/pos0``, the last one stops before
        block ``_network/pos1`` (as the C loop does)."""
        states = [self._group_state(data, gid, g) for gid, g in enumerate(self.groups)]
        sstates = [self._synapse_state(data, S) for S in self.synapses]
        every = [data.get_i(f"{g.name}/every") for g in self.groups]
        dt_base = data.get_d("_network/dt")
        pos0, pos1 = data.get_i("_network/pos0"), data.get_i("_network/pos1")
        schedule = data.unit.schedule
        run = _StepRunner(self, data, states, sstates, every)
        for s in range(step, step + n):
            t = s * dt_base
            data.out[0] = s - step
            if run.buffers_full(s):
                return RUN_BUFFER_FULL
            for pos, e in enumerate(schedule):
                if (s == step and pos < pos0) or (s == step + n - 1 and pos >= pos1):
                    continue
                code = getattr(run, e["kind"])(e, t, s)
                if code is not None:
                    return code
            if run.not_finite:   # an update wrote inf/NaN: still there after the resets?
                bad = self._still_not_finite(data, run.not_finite, states)
                run.not_finite = []
                if bad is not None:
                    data.out[1:5] = (*bad, s)
                    return RUN_NOT_FINITE
        data.out[0] = n
        return RUN_DONE


class _StepRunner:
    """The blocks of a step for the numpy reference, one method per kind of block of
    the schedule (codegen/emit_schedule.py); each mirrors its block in network.c.j2."""

    def __init__(self, backend: NumpyBackend, data: RunData, states, sstates, every):
        self.b, self.data, self.ns = backend, data, backend.ns
        self.states, self.sstates, self.every = states, sstates, every
        self.gid = {g.name: k for k, g in enumerate(backend.groups)}
        self.sid = {S.name: k for k, S in enumerate(backend.synapses)}
        self.smon = {m.name: m for m in backend.state_monitors}
        self.spmon = {m.name: m for m in backend.spike_monitors}
        self.pin = {p.name: p for p in backend.poisson_inputs}
        self.codes = {c.name: c for g in backend.groups for c in getattr(g, "_codes", ())}
        self.not_finite: list[int] = []   # groups whose update wrote inf/NaN this step

    def _on_step(self, gid: int, s: int) -> bool:
        return not s % self.every[gid]

    def _spikes(self, name: str, event: str = "spike"):
        data = self.data
        if event == "spike":
            return data.array(f"{name}/_spikes")[:data.get_i(f"{name}/nspikes")]
        return data.array(f"{name}/_events_{event}")[:data.get_i(f"{name}/_n_{event}")]

    def buffers_full(self, s: int) -> bool:
        data, b = self.data, self.b
        for m in b.spike_monitors:
            cap = data.get_i(f"{m.name}/capacity")
            need = 1 if m.spec.rate else m.source.N * spike_multiplicity(m.source)
            if data.get_i(f"{m.name}/count") + need > cap:
                return True
        for sid, S in enumerate(b.synapses):
            for path in b._paths(sid, "pre"):
                key = f"{S.name}/{path['prefix']}"
                if data.get_i(f"{key}_q_head") - data.get_i(f"{key}_q_tail") + \
                        group_of(S.source).N * spike_multiplicity(S.source) > \
                        data.get_i(f"{key}_q_cap"):
                    return True
        for m in b.state_monitors:
            m_every = data.get_i(f"{m.name}/every")
            if s % m_every == 0 and data.get_i(f"{m.name}/count") >= data.get_i(
                    f"{m.name}/capacity"):
                return True
        return False

    def statemon(self, e, t, s):
        data, m = self.data, self.smon[e["owner"]]
        if s % data.get_i(f"{m.name}/every"):
            return
        row = data.get_i(f"{m.name}/count")
        idx = data.array(f"{m.name}/_indices")
        if not len(idx):   # record=False: nothing to store
            data.set_i(f"{m.name}/count", row + 1)
            return
        if m.source.name in self.gid:
            state = self.states[self.gid[m.source.name]]
        else:
            state = self.sstates[self.sid[m.source.name]]
        with np.errstate(all="ignore"):
            values = self.ns[f"record_{m.name}"](state, t, s, idx)
        for v, vals in values.items():
            data.array(f"{m.name}/{v}").reshape(-1, len(idx))[row] = vals
        data.set_i(f"{m.name}/count", row + 1)

    def syn_update(self, e, t, s):
        sid = self.sid[e["owner"]]
        S = self.b.synapses[sid]
        from .synapse_chains import root_group   # the clock of a chain of Synapses
        if not s % self.every[self.gid[group_of(root_group(S)).name]]:
            with np.errstate(all="ignore"):
                self.ns[f"syn_update_{sid}"](self.sstates[sid], t, s)

    def summed(self, e, t, s):
        sid = self.sid[e["owner"]]
        with np.errstate(all="ignore"):
            self.ns[f"summed_{sid}_{e['index']}"](self.sstates[sid], t, s)

    def update(self, e, t, s):
        gid = self.gid[e["owner"]]
        if not self._on_step(gid, s):
            return
        with np.errstate(all="ignore"):
            bad = self.ns[f"update_{gid}"](self.states[gid], t, s)
        if bad is not None:   # checked after the resets of the step (NumpyBackend.run)
            self.not_finite.append(gid)

    def cable(self, e, t, s):
        gid = self.gid[e["owner"]]
        if self._on_step(gid, s):
            with np.errstate(all="ignore"):
                self.ns[f"cable_{gid}"](self.states[gid], t, s)

    def threshold(self, e, t, s):
        data, gid = self.data, self.gid[e["owner"]]
        g = self.b.groups[gid]
        if not self._on_step(gid, s):
            data.set_i(f"{g.name}/nspikes", 0)
            return
        with np.errstate(all="ignore"):
            spk = self.ns[f"threshold_{gid}"](self.states[gid], t, s)
        data.set_i(f"{g.name}/nspikes", len(spk))
        data.array(f"{g.name}/_spikes")[:len(spk)] = spk
        for m in self.b.spike_monitors:
            if m.source is not g or m.spec.own_slot:
                continue
            c = data.get_i(f"{m.name}/count")
            if m.spec.rate:   # spikes of the neurons [lo, hi) (a subgroup's, or all)
                lo, hi = data.get_i(f"{m.name}/_lo"), data.get_i(f"{m.name}/_hi")
                glob = spk + self.states[gid].offset
                data.array(f"{m.name}/_i")[c] = np.count_nonzero((glob >= lo) & (glob < hi))
                data.array(f"{m.name}/_step")[c] = s
                data.set_i(f"{m.name}/count", c + 1)
            else:
                data.array(f"{m.name}/_i")[c:c + len(spk)] = spk + self.states[gid].offset
                data.array(f"{m.name}/_step")[c:c + len(spk)] = s
                np.add.at(data.array(f"{m.name}/_counts"), spk, 1)
                data.set_i(f"{m.name}/count", c + len(spk))

    def _path(self, sid: int, kind: str, name: str) -> dict:
        return next(p for p in self.b._paths(sid, kind) if p["name"] == name)

    def pre(self, e, t, s):
        sid = self.sid[e["owner"]]
        S = self.b.synapses[sid]
        src = group_of(S.source)
        if self._on_step(self.gid[src.name], s):
            event = getattr(S, "_pathway_events", {}).get(
                e["path"], getattr(S, "_pre_event", "spike"))
            self.b._deliver_pre(self.data, S, self.sstates[sid], sid, t, s,
                                self._spikes(src.name, event),
                                self._path(sid, "pre", e["path"]))

    def post(self, e, t, s):
        sid = self.sid[e["owner"]]
        S = self.b.synapses[sid]
        tgt = group_of(S.target)
        if tgt.name in self.gid and self._on_step(self.gid[tgt.name], s):
            event = getattr(S, "_pathway_events", {}).get(
                e["path"], getattr(S, "_post_event", "spike"))
            self.b._deliver_post(self.data, S, self.sstates[sid], sid, t, s,
                                 self._spikes(tgt.name, event),
                                 self._path(sid, "post", e["path"]))

    def poisson(self, e, t, s):
        from .. import rng as _rng
        data, p = self.data, self.pin[e["owner"]]
        if s % self.every[self.gid[p.target.name]]:
            return
        name = p.name
        start, stop = data.get_i(f"{name}/start"), data.get_i(f"{name}/stop")
        k0 = np.arange(start, stop)   # (a subgroup's neurons; numpy runs on one process)
        if data.get_i(f"{name}/_pvary"):   # a rate that varies with t: this step's
            prob, q0, approx = data.array(f"{name}/_rates")[
                3 * (s - data.get_i(f"{name}/_wbase")):][:3]
        else:
            prob, q0 = data.get_d(f"{name}/p"), data.get_d(f"{name}/q0")
            approx = data.get_i(f"{name}/approx")
        counts = _rng.binomial(p.seed, _rng.object_id(name), k0, s,
                               data.get_i(f"{name}/n"), float(prob), float(q0), bool(approx))
        weight = (data.array(f"{name}/_weights")[s - data.get_i(f"{name}/_wbase")]
                  if data.get_i(f"{name}/_wvary") else data.get_d(f"{name}/weight"))
        added = weight * counts
        target = p.target.arrays[p.target_var][start:stop]
        if p.spec.unless_refractory:   # refractory neurons keep their value (Brian2)
            free = p.target.arrays["not_refractory"][start:stop].astype(bool)
            target[free] += added[free]
        else:
            target += added

    def reset(self, e, t, s):
        gid = self.gid[e["owner"]]
        if not self._on_step(gid, s):
            return
        spk = self._spikes(e["owner"])
        if len(spk):
            with np.errstate(all="ignore"):
                self.ns[f"reset_{gid}"](self.states[gid], t, s, spk)

    def _constants(self, name: str) -> dict:
        data = self.data
        return {key.split("/", 1)[1]: data.get_d(key) for key in data.unit.dparams
                if key.startswith(name + "/")}

    def regular(self, e, t, s):
        gid = self.gid[e["owner"]]
        if s % self.data.get_i(f"{e['name']}/every"):
            return
        idx = np.arange(self.states[gid].N, dtype=np.int64)
        with np.errstate(all="ignore"):
            self.ns["CODES"][e["name"]](self.states[gid], self._constants(e["name"]), t, s,
                                        idx)

    def on_event(self, e, t, s):
        gid = self.gid[e["owner"]]
        if not self._on_step(gid, s):
            return
        event = self.codes[e["name"]].event
        idx = self._spikes(e["owner"], event).astype(np.int64)
        if len(idx):
            with np.errstate(all="ignore"):
                self.ns["CODES"][e["name"]](self.states[gid], self._constants(e["name"]),
                                            t, s, idx)

    def event(self, e, t, s):
        data, gid = self.data, self.gid[e["owner"]]
        event = self.codes[e["name"]].event
        if not self._on_step(gid, s):
            data.set_i(f"{e['owner']}/_n_{event}", 0)
            return
        with np.errstate(all="ignore"):
            idx = self.ns["EVENTS"][e["name"]](self.states[gid], self._constants(e["name"]),
                                               t, s)
        data.array(f"{e['owner']}/_events_{event}")[:len(idx)] = idx
        data.set_i(f"{e['owner']}/_n_{event}", len(idx))

    def eventmon(self, e, t, s):
        data, m = self.data, self.spmon[e["owner"]]
        gid = self.gid[m.source.name]
        if not self._on_step(gid, s):
            return
        idx = self._spikes(m.source.name, m.spec.event).astype(np.int64)
        c = data.get_i(f"{m.name}/count")
        data.array(f"{m.name}/_i")[c:c + len(idx)] = idx + self.states[gid].offset
        data.array(f"{m.name}/_step")[c:c + len(idx)] = s
        np.add.at(data.array(f"{m.name}/_counts"), idx, 1)
        if m.spec.variables and len(idx):
            with np.errstate(all="ignore"):
                values = self.ns["EVENTMONS"][m.name](self.states[gid], t, s, idx)
            for v, vals in values.items():
                data.array(f"{m.name}/{v}")[c:c + len(idx)] = vals
        data.set_i(f"{m.name}/count", c + len(idx))

    def split(self, e, t, s):
        return None


def _clock_dt(source) -> float:
    """The step of a synapses' source: a group's, or for synapses reading other synapses
    (``Y_pre``) the step of the group those come from."""
    from .synapses import Synapses
    while isinstance(source, Synapses):
        source = source.source
    return source.dt_
