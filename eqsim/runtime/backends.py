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

_DTYPES = {"double": np.float64, "int32_t": np.int32, "int64_t": np.int64,
           "uint8_t": np.uint8}


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

    def has_array(self, key: str) -> bool:
        return key in self._aidx

    def set_array(self, key: str, array: np.ndarray) -> None:
        k = self._aidx[key]
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

    def run(self, data: RunData, step: int, n: int) -> int:
        ptr_d = data.dp.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
        ptr_i = data.ip.ctypes.data_as(ctypes.POINTER(ctypes.c_int64))
        ptr_o = data.out.ctypes.data_as(ctypes.POINTER(ctypes.c_int64))
        return int(self.fn(data._ptrs, ptr_d, ptr_i, step, n, ptr_o))


class NumpyBackend:
    """Runs the same statements with numpy, one Python iteration per step (reference)."""

    name = "numpy"

    def __init__(self, unit: SourceUnit, groups: list, state_monitors: list,
                 spike_monitors: list):
        namespace: dict = {}
        code = compile(unit.numpy_source, "<eqsim numpy kernels>", "exec")
        exec(code, namespace)  # our own generated code, never a user string
        self.ns = namespace
        self.groups = groups
        self.state_monitors = state_monitors
        self.spike_monitors = spike_monitors

    def _group_state(self, data: RunData, gid: int, g) -> SimpleNamespace:
        name = g.name
        consts = {key.split("/", 1)[1]: data.get_d(key) for key in data.unit.dparams
                  if key.startswith(name + "/") and key != f"{name}/dt"}
        arrays = {a.key.split("/", 1)[1]: data.arrays[k]
                  for k, a in enumerate(data.unit.arrays) if a.key.startswith(name + "/")}
        from .. import rng
        return SimpleNamespace(
            N=data.get_i(f"{name}/N"), dt=data.get_d(f"{name}/dt"),
            offset=data.get_i(f"{name}/offset"), seed=g.seed,
            object_id=rng.object_id(name), constants=consts, arrays=arrays)

    def run(self, data: RunData, step: int, n: int) -> int:
        ns = self.ns
        states = [self._group_state(data, gid, g) for gid, g in enumerate(self.groups)]
        every = [data.get_i(f"{g.name}/every") for g in self.groups]
        dt_base = data.get_d("_network/dt")
        for s in range(step, step + n):
            t = s * dt_base
            data.out[0] = s - step
            for m in self.spike_monitors:
                cap = data.get_i(f"{m.name}/capacity")
                if data.get_i(f"{m.name}/count") + m.source.N > cap:
                    return RUN_BUFFER_FULL
            for m in self.state_monitors:
                m_every = data.get_i(f"{m.name}/every")
                if s % m_every == 0 and data.get_i(f"{m.name}/count") >= data.get_i(
                        f"{m.name}/capacity"):
                    return RUN_BUFFER_FULL
            for m in self.state_monitors:
                if s % data.get_i(f"{m.name}/every"):
                    continue
                gid = self.groups.index(m.source)
                row = data.get_i(f"{m.name}/count")
                idx = data.array(f"{m.name}/_indices")
                with np.errstate(all="ignore"):
                    values = ns[f"record_{m.name}"](states[gid], t, s, idx)
                for v, vals in values.items():
                    data.array(f"{m.name}/{v}").reshape(-1, len(idx))[row] = vals
                data.set_i(f"{m.name}/count", row + 1)
            for gid, g in enumerate(self.groups):
                if s % every[gid]:
                    continue
                with np.errstate(all="ignore"):
                    bad = ns[f"update_{gid}"](states[gid], t, s)
                if bad is not None:
                    data.out[1:5] = (gid, bad[0], bad[1], s)
                    return RUN_NOT_FINITE
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
                    if m.source is g:
                        c = data.get_i(f"{m.name}/count")
                        data.array(f"{m.name}/_i")[c:c + len(spk)] = spk + states[
                            gid].offset
                        data.array(f"{m.name}/_step")[c:c + len(spk)] = s
                        np.add.at(data.array(f"{m.name}/_counts"), spk, 1)
                        data.set_i(f"{m.name}/count", c + len(spk))
            for gid, g in enumerate(self.groups):
                spk = spikes.get(gid)
                if spk is None or not len(spk) or f"reset_{gid}" not in ns:
                    continue
                with np.errstate(all="ignore"):
                    ns[f"reset_{gid}"](states[gid], t, s, spk)
        data.out[0] = n
        return RUN_DONE
