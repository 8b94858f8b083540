"""Projection on eqsim: the connections as index arrays, one eqsim Synapses object per
(source group, target group) pair.

Connectors (eqsim/pynn/connectors.py) hand whole arrays of (pre, post) indices to
``Projection._connect_pairs``; the synapse parameters (numbers, arrays, random
distributions, distance or index expressions) are evaluated once for all connections.
PyNN's generic connectors, which call ``_convergent_connect`` once per target, also
work: their pieces are collected and built in one go. ``get`` and ``set`` read and write
the eqsim arrays directly.

Units: a synapse type's translations keep ``weight`` in PyNN units (nA or uS, by the
target's ``conductance_based``) and ``delay`` in ms; they are scaled to SI here. Every
other native parameter is already SI (docs/pynn.md, the models' contract).
"""
from __future__ import annotations

import logging

import numpy as np
from pyNN import common
from pyNN.parameters import LazyArray, ParameterSpace
from pyNN.random import RandomDistribution
from pyNN.space import Space
from pyNN.standardmodels import StandardSynapseType

from ..runtime.synapses import Synapses
from ..units import second
from . import simulator
from .errors import PyNNConnectionError, check_plain_numbers

logger = logging.getLogger(__name__)


def evaluate_at(value, i: np.ndarray, j: np.ndarray) -> np.ndarray | float:
    """A parameter of a (pre, post)-shaped LazyArray at the pairs (i, j), as one array
    (or a number when it is the same for all). Random distributions draw one number per
    connection, in connection order."""
    if not isinstance(value, LazyArray):
        arr = np.asarray(value)
        return arr[i, j] if arr.ndim == 2 else value
    if value.is_homogeneous:
        return value.evaluate(simplify=True)
    base = value.base_value
    if isinstance(base, RandomDistribution):
        drawn = LazyArray(np.asarray(base.next(i.size), float) if i.size else
                          np.zeros(0), shape=(i.size,))
        drawn.operations = list(value.operations)
        return drawn.evaluate(simplify=False)
    if i.size == 0:
        return np.zeros(0)
    if not callable(base):
        return np.asarray(value[i, j], dtype=float)
    # a function of distance or index: evaluated on dense blocks of targets (as PyNN's
    # maps are), of which the connections' entries are taken
    n_pre = value.shape[0]
    out = np.empty(i.size)
    order = np.argsort(j, kind="stable")
    js = j[order]
    step = max(1, (1 << 21) // max(n_pre, 1))
    for c0 in range(int(js[0]), int(js[-1]) + 1, step):
        lo, hi = np.searchsorted(js, [c0, c0 + step])
        if lo == hi:
            continue
        c1 = int(js[hi - 1]) + 1
        block = np.asarray(value[:, c0:c1], dtype=float)
        block = np.broadcast_to(block, (n_pre, c1 - c0)) if block.size == 1 else \
            block.reshape(n_pre, c1 - c0)
        sel = order[lo:hi]
        out[sel] = block[i[sel], j[sel] - c0]
    return out


class Connection(common.Connection):
    """One connection (for iteration and ``prj[k]``); reads and writes the arrays."""

    def __init__(self, projection, k: int):
        self.projection = projection
        self.k = k

    @property
    def presynaptic_index(self) -> int:
        return int(self.projection._i[self.k])

    @property
    def postsynaptic_index(self) -> int:
        return int(self.projection._j[self.k])

    def _get(self, name):
        return self.projection._pynn_values(name)[self.k]

    def _set(self, name, value):
        ps = ParameterSpace({name: value}, shape=(1,),
                            schema=self.projection.synapse_type.get_schema())
        ps = self.projection.synapse_type.translate(ps)
        ps.evaluate()
        for native_name, v in ps.items():
            native = self.projection._native_values(native_name).copy()
            native[self.k] = np.asarray(v)[0]
            self.projection._write(native_name, native)
            if native_name == "delay":
                self.projection._prepare()

    weight = property(lambda self: self._get("weight"), lambda self, w: self._set("weight", w))
    delay = property(lambda self: self._get("delay"), lambda self, d: self._set("delay", d))

    def as_tuple(self, *names):
        return tuple(getattr(self, name) for name in names)


def _index_map(cells) -> tuple[list, np.ndarray, np.ndarray]:
    """For each cell of a Population/View/Assembly (in PyNN's order): which of its eqsim
    groups (a number into the returned list) and which index in that group."""
    groups, gid, gidx = [], [], []
    for group, idx in cells._eqsim_targets():
        if not any(g is group for g in groups):
            groups.append(group)
        k = next(n for n, g in enumerate(groups) if g is group)
        gid.append(np.full(idx.size, k, np.int32))
        gidx.append(idx)
    return groups, np.concatenate(gid), np.concatenate(gidx).astype(np.int64)


def stable_order(key: np.ndarray, key_max: int, major: np.ndarray | None = None,
                 major_count: int = 1) -> np.ndarray:
    """The permutation that sorts by (major, key) keeping the given order among equals,
    as an LSD radix sort: one numpy stable sort (a radix sort) per 16-bit digit, O(n)."""
    order = None
    digits = [(key, int(key_max))]
    if major is not None:
        digits.append((major, int(major_count) - 1))
    for values, top in digits:
        shift = 0
        while True:
            part = values if order is None else values[order]
            digit = part.astype(np.uint16) if top <= 0xFFFF else \
                ((part.astype(np.int64) >> shift) & 0xFFFF).astype(np.uint16)
            step = np.argsort(digit, kind="stable")
            order = step if order is None else order[step]
            shift += 16
            if top >> shift == 0:
                break
    return order if order is not None else np.arange(key.size)


def _column(pieces: list) -> np.ndarray | float:
    """One value per connection from (size, value or array) pieces; a number when all
    pieces give the same number."""
    scalars = {float(v) for n, v in pieces if np.ndim(v) == 0}
    if len(scalars) == 1 and all(np.ndim(v) == 0 for _, v in pieces):
        return scalars.pop()
    if not pieces:
        return np.zeros(0)
    return np.concatenate([np.broadcast_to(np.asarray(v, float), (n,)) for n, v in pieces])


def _celltypes(cells) -> list:
    return [p.celltype for p in getattr(cells, "populations", [cells])]


class Projection(common.Projection):
    __doc__ = common.Projection.__doc__
    _simulator = simulator

    @property
    def _static_synapse_class(self):
        from .standardmodels.synapses import StaticSynapse
        return StaticSynapse

    def __init__(self, presynaptic_population, postsynaptic_population, connector,
                 synapse_type=None, source=None, receptor_type=None, space=Space(),
                 label=None):
        simulator.check_not_running("a Projection")
        common.Projection.__init__(self, presynaptic_population, postsynaptic_population,
                                   connector, synapse_type, source, receptor_type, space,
                                   label)
        if not isinstance(self.synapse_type, StandardSynapseType) or not hasattr(
                self.synapse_type, "eqsim_synapse_spec"):
            raise PyNNConnectionError(
                f"eqsim.pynn cannot make synapses of type "
                f"{type(self.synapse_type).__name__}", code="E845",
                hint="use eqsim.pynn's synapse types (sim.StaticSynapse, ...)")
        # (PyNN refuses assemblies that mix conductance- and current-based cells)
        conductance = getattr(_celltypes(self.post)[0], "conductance_based", False)
        self._weight_scale = 1e-6 if conductance else 1e-9
        check_plain_numbers(self.synapse_type.parameter_space, self.synapse_type,
                            type(self.synapse_type).__name__)
        self._pieces: list[tuple[np.ndarray, np.ndarray, dict]] = []
        self._i = np.zeros(0, np.int64)
        self._j = np.zeros(0, np.int64)
        self._parts: list[tuple[Synapses, slice]] = []
        connector.connect(self)
        self._build()
        simulator.state.projections.append(self)

    # ---- making connections ----------------------------------------------------------
    def _connect_pairs(self, i, j, parameters: dict | None = None, distance_map=None,
                       connector=None) -> None:
        """Add connections (i[k] -> j[k], projection indices). ``parameters``: native
        values given by the connector (FromList columns); the others come from the
        synapse type, evaluated at every pair."""
        i = np.asarray(i, np.int64).ravel()
        j = np.asarray(j, np.int64).ravel()
        values = dict(parameters or {})
        space = None
        for name in self.synapse_type.native_parameters.keys():
            if name in values:
                continue
            if space is None:
                space = self._parameter_maps(connector, distance_map)
            values[name] = evaluate_at(space[name], i, j)
        if connector is None or getattr(connector, "safe", True):
            self._check(values)
        self._pieces.append((i, j, values))

    def _parameter_maps(self, connector, distance_map):
        from pyNN.connectors import Connector
        helper = connector if connector is not None else Connector()
        return helper._parameters_from_synapse_type(self, distance_map)

    def _check(self, values: dict) -> None:
        syn = self.synapse_type
        for pynn_name, check in getattr(syn, "parameter_checks", {}).items():
            native = syn.translations.get(pynn_name, {}).get("translated_name")
            if native in values:
                v = values[native]
                check(np.asarray(v) if np.ndim(v) else v, self)

    def _convergent_connect(self, presynaptic_indices, postsynaptic_index,
                            location_selector=None, **connection_parameters):
        """PyNN's per-target interface (generic or user connectors)."""
        connection_parameters.pop("dendritic_delay_fraction", None)
        i = np.asarray(presynaptic_indices, np.int64).ravel()
        j = np.full(i.size, int(postsynaptic_index), np.int64)
        values = {k: (np.broadcast_to(np.asarray(v, float), i.shape).copy()
                      if np.ndim(v) else v) for k, v in connection_parameters.items()}
        self._pieces.append((i, j, values))

    def _build(self) -> None:
        """Make the eqsim Synapses from the collected pieces (called once)."""
        names = list(self.synapse_type.native_parameters.keys())
        pieces, self._pieces = self._pieces, []
        i = np.concatenate([p[0] for p in pieces]) if pieces else np.zeros(0, np.int64)
        j = np.concatenate([p[1] for p in pieces]) if pieces else np.zeros(0, np.int64)
        cols = {name: _column([(p[0].size, p[2].get(name, np.nan)) for p in pieces])
                for name in names}
        local = self.post._mask_local[j] if j.size else np.zeros(0, bool)
        if not local.all():   # an MPI rank keeps the connections onto its cells
            i, j = i[local], j[local]
            cols = {k: (v[local] if np.ndim(v) else v) for k, v in cols.items()}
        pre_groups, pre_gid, pre_gidx = _index_map(self.pre)
        post_groups, post_gid, post_gidx = _index_map(self.post)
        spec_cache = {}
        order_all, parts, start = [], [], 0
        i = i.astype(np.int32, copy=False)   # half the memory traffic of int64
        j = j.astype(np.int32, copy=False)
        identity = len(pre_groups) == 1 and np.array_equal(
            pre_gidx, np.arange(pre_gidx.size))
        gi_all = i if identity else pre_gidx[i].astype(np.int32)
        if len(post_groups) == 1 and np.array_equal(post_gidx, np.arange(post_gidx.size)):
            post_gidx = None   # a whole population: its own indices
        if len(pre_groups) == len(post_groups) == 1:
            pair_key = None   # eqsim keeps synapses sorted by source: one stable sort
            order = stable_order(gi_all, self.pre.size)
            bounds = [(0, 0, i.size)]
        else:   # ... by (group pair, source)
            kind = np.uint8 if len(pre_groups) * len(post_groups) < 256 else np.int64
            pair_key = (pre_gid.astype(kind)[i] * kind(len(post_groups)) +
                        post_gid.astype(kind)[j])
            order = stable_order(gi_all, self.pre.size, pair_key,
                                 len(pre_groups) * len(post_groups))
            counts = np.bincount(pair_key, minlength=len(pre_groups) * len(post_groups))
            edges = np.concatenate([[0], np.cumsum(counts)])
            bounds = [(k, edges[k], edges[k + 1]) for k in range(counts.size) if counts[k]]
        for key, lo, hi in bounds:
            a, b = divmod(int(key), len(post_groups))
            sel = order[lo:hi]
            gi = gi_all[sel]
            gj = j[sel] if post_gidx is None else post_gidx[j[sel]].astype(np.int32)
            post_type = _populations_of_group(self.post, post_groups[b]).celltype
            S = self._make_synapses(pre_groups[a], post_groups[b], post_type, spec_cache,
                                    cols.get("delay"))
            S.connect(i=gi, j=gj)
            order_all.append(sel)
            parts.append((S, slice(start, start + sel.size), gj))
            start += sel.size
        order = np.concatenate(order_all) if order_all else np.zeros(0, np.int64)
        self._i, self._j = i[order], j[order]
        self._parts = [(S, sl) for S, sl, _ in parts]
        for name, col in cols.items():
            if name == "delay" and np.ndim(col) == 0 and not np.isnan(col):
                continue   # one delay for all: given to the Synapses (no queue per synapse)
            col = col[order] if np.ndim(col) else col
            if name == "delay" and np.any(np.isnan(col)):
                col = np.where(np.isnan(col), simulator.state.min_delay, col)
            self._write(name, col)
        for S, sl, gj in parts:
            self._fill_post_parameters(S, sl, gj)
            self._fill_defaults(S, cols)
        self._prepare()

    def _fill_defaults(self, S, cols: dict) -> None:
        """Per-synapse variables the synapse type did not give values for: its
        ``native_defaults`` (internal state such as x, y, u of Tsodyks-Markram)."""
        spec = S._pynn_spec
        for name, value in spec.get("native_defaults", {}).items():
            if name not in cols and S.arrays.get(name) is not None:
                S.arrays[name][...] = value * self._weight_factor(S, name)

    def _prepare(self) -> None:
        """The synapse type's hook that derives internal state from the delays."""
        for S, _ in self._parts:
            hook = S._pynn_spec.get("prepare")
            if hook is not None:
                hook(S)

    def _make_synapses(self, pre_group, post_group, post_type, cache,
                       delay=None) -> Synapses:
        key = id(post_type)
        if key not in cache:
            cache[key] = self.synapse_type.eqsim_synapse_spec(post_type, self.receptor_type)
        spec = cache[key]
        scalar = delay is not None and np.ndim(delay) == 0 and not np.isnan(delay)
        delays = dict(spec.get("delays") or {})
        if scalar:
            d = (float(delay) * 1e-3 + spec.get("delay_offset", 0.0)) * second
            if delays or isinstance(spec["on_pre"], dict):
                delays["pre"] = d
            else:
                delays = d
        S = Synapses(pre_group, post_group, model=spec["model"], on_pre=spec["on_pre"],
                     on_post=spec.get("on_post"), namespace=dict(spec.get("namespace", {})),
                     delay=delays or None, name=simulator.state.next_name("proj"))
        S._pynn_spec = spec
        simulator.state.add(S)
        return S

    def _fill_post_parameters(self, S, sl, gj) -> None:
        """Per-synapse copies of target-cell parameters a synapse model needs
        (``post_parameters`` of the spec, e.g. the synaptic time constant of
        Tsodyks-Markram synapses)."""
        for var, native_name in S._pynn_spec.get("post_parameters", {}).items():
            post = _populations_of_group(self.post, S.target)
            S.arrays[var][...] = post._native[native_name][gj]

    # ---- reading and writing the arrays ----------------------------------------------
    def _weight_factor(self, S, native_name: str) -> float:
        """SI per native unit of a per-synapse variable: the weight unit (nA or uS) for
        the weight and the synapse type's ``weight_like`` variables, else 1 (SI)."""
        if native_name == "weight" or native_name in S._pynn_spec.get("weight_like", ()):
            return self._weight_scale
        return 1.0

    def _native_values(self, native_name: str) -> np.ndarray:
        """A native parameter of every (local) connection, in PyNN's units for weight
        and delay (the synapse type's native units)."""
        out = np.empty(self._i.size)
        for S, sl in self._parts:
            if native_name == "delay":
                offset = S._pynn_spec.get("delay_offset", 0.0)
                out[sl] = (S.delay_ - offset) * 1e3
            elif native_name in S.arrays and S.arrays[native_name] is not None:
                out[sl] = S.arrays[native_name] / self._weight_factor(S, native_name)
            else:
                out[sl] = np.nan
        return out

    def _write(self, native_name: str, values) -> None:
        values = np.broadcast_to(np.asarray(values, float), self._i.shape)
        for S, sl in self._parts:
            if native_name == "delay":
                offset = S._pynn_spec.get("delay_offset", 0.0)
                S.delay = (values[sl] * 1e-3 + offset) * second
            elif native_name in S.arrays and S.arrays[native_name] is not None:
                S.arrays[native_name][...] = values[sl] * self._weight_factor(S, native_name)
            elif native_name != "dendritic_delay_fraction":
                logger.debug("synapses '%s' have no variable '%s'", S.name, native_name)

    def _pynn_values(self, pynn_name: str) -> np.ndarray:
        """A parameter of every connection in PyNN units (reverse translation)."""
        syn = self.synapse_type
        natives = syn.get_native_names(pynn_name)
        ps = ParameterSpace({n: self._native_values(n) for n in natives},
                            shape=(self._i.size,))
        ps = syn.reverse_translate(ps)
        ps.evaluate(simplify=False)
        return np.asarray(ps[pynn_name], dtype=float)

    def _values_of_native(self, native_name: str) -> np.ndarray:
        pynn_name = self._pynn_name(native_name)
        return self._pynn_values(pynn_name) if pynn_name else \
            self._native_values(native_name)

    def _pynn_name(self, native_name: str) -> str | None:
        for pynn_name, tr in self.synapse_type.translations.items():
            if tr["translated_name"] == native_name:
                return pynn_name
        return None

    def _min_delay_ms(self) -> float:
        """The shortest delay (ms, as PyNN gives delays)."""
        return float(min((S._scalar_delay if S.arrays["delay"] is None else
                          S.arrays["delay"].min()) - S._pynn_spec.get("delay_offset", 0.0)
                         for S, sl in self._parts if sl.stop > sl.start) * 1e3)

    def __len__(self) -> int:
        return int(self._i.size)

    def __getitem__(self, k: int) -> Connection:
        if not -len(self) <= k < len(self):
            raise IndexError(f"projection has {len(self)} local connections")
        return Connection(self, k % len(self))

    @property
    def connections(self):
        return (Connection(self, k) for k in range(len(self)))

    def _get_attributes_as_list(self, names):
        cols = []
        for name in names:
            if name == "presynaptic_index":
                cols.append(self._i.tolist())
            elif name == "postsynaptic_index":
                cols.append(self._j.tolist())
            else:
                cols.append(self._values_of_native(name).tolist())
        return list(zip(*cols))

    def _get_attributes_as_arrays(self, names, multiple_synapses="sum"):
        out = []
        shape = (self.pre.size, self.post.size)
        i, j = self._i, self._j
        for name in names:
            values = self._values_of_native(name)
            if multiple_synapses == "sum":
                arr = np.zeros(shape)
                np.add.at(arr, (i, j), values)
            elif multiple_synapses == "min":
                arr = np.full(shape, np.inf)
                np.minimum.at(arr, (i, j), values)
            elif multiple_synapses == "max":
                arr = np.full(shape, -np.inf)
                np.maximum.at(arr, (i, j), values)
            else:
                arr = np.zeros(shape)
                if multiple_synapses == "last":
                    arr[i, j] = values
                else:   # "first": the earliest connection written last
                    arr[i[::-1], j[::-1]] = values[::-1]
            mask = np.ones(shape, bool)
            mask[i, j] = False
            arr[mask] = np.nan
            out.append(arr)
        return out

    def _set_attributes(self, parameter_space) -> None:
        """``parameter_space``: native values over (pre, post), as PyNN's set() makes it."""
        check_plain_numbers(parameter_space, self.synapse_type, f"{self.label}.set()")
        for name, value in parameter_space.items():
            values = evaluate_at(value, self._i, self._j)
            if name == "weight" and np.ndim(values):
                self._check({"weight": np.asarray(values)})
            self._write(name, values)
            if name == "delay":
                self._prepare()

    def _set_initial_value_array(self, variable, value) -> None:
        values = np.broadcast_to(np.asarray(value.evaluate(simplify=False), float),
                                 self._i.shape)
        for S, sl in self._parts:
            S.arrays[variable][...] = values[sl]

    def _value_list_to_array(self, attributes):
        """A list or 1-D array of one value per connection (in ``get(format='list')``
        order), as well as PyNN's 2-D arrays."""
        out = {}
        for name, value in attributes.items():
            if isinstance(value, (list, np.ndarray)) and np.ndim(value) == 1:
                arr = np.full(self.shape, np.nan)
                arr[self._i, self._j] = value
                out[name] = arr
            else:
                out[name] = value
        return out


def _populations_of_group(cells, group):
    for p in getattr(cells, "populations", [cells]):
        root = p.grandparent if hasattr(p, "grandparent") else p
        if root._eqsim_group is group:
            return root
    raise LookupError(group.name)


__all__ = ["Connection", "Projection", "evaluate_at"]
