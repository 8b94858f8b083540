"""Synapses: per-synapse state, connectivity (sorted by presynaptic neuron), delays."""
from __future__ import annotations

import inspect
import re
import itertools
import numbers
import secrets
from dataclasses import replace
from typing import Any, Mapping

import numpy as np

from .. import rng
from ..equations.expressions import (BOOLEAN, SECOND, Snippet, evaluate, infer_dimension,
                                     parse_expression, uses_function)
from ..equations.parse import SUBEXPRESSION, SYNAPSE_FLAGS, parse_equations
from ..equations.scalar_code import check_synapse_shared_writes
from ..equations.specs import SynapseSpec
from ..equations.validate import NameInfo, SynapseResolver, check_synapse_model
from ..errors import ConfigurationError, DimensionError
from ..parallel.comm import fresh_seed, local_range
from ..parallel.partition import clip
from ..units import (DIMENSIONLESS, Dimension, Quantity, as_quantity, get_dimension,
                     is_plain_zero)
from . import compact_delays
from . import connect as gen
from . import indexing
from . import pathways as pw
from .generator_syntax import expand, is_generator, parse_generator
from .clock import as_time
from .groups import NeuronGroup, Subgroup, group_of, offset_of
from .namespace import constant_values, timed_arrays
from .naming import Named, check_name

_INIT_STEP = 1 << 61  # random numbers of synapse initialisers and p(i, j)


_STRUCTURES = itertools.count(1)
_PROCESS = secrets.randbits(62)


def _new_structure() -> tuple[int, int]:
    """A token for one connectivity; unique across objects and processes, so that a state
    stored by another process (``restore(filename=...)``) always rebuilds the indices."""
    return _PROCESS, next(_STRUCTURES)


def _events_by_side(on_event, pre_code, post_code, name: str):
    """``on_event={'pathway': 'event'}`` as {'pre': ..., 'post': ...} for the checks of
    runtime/events.py: the event of the plain pathway of each side, else of the first."""
    if not isinstance(on_event, dict):
        return on_event
    sides: dict[str, str] = {}
    for side, codes in (("pre", pre_code or {}), ("post", post_code or {})):
        for path in ([side] if side in codes else []) + sorted(codes):
            if path in on_event:
                sides.setdefault(side, on_event[path])
    return sides


def _events_of_pathways(on_event, pre_code, post_code, source, target) -> dict:
    """The event that triggers each pathway (Brian2: ``on_event`` names one event for
    every pathway, or maps pathway names to events; 'spike' otherwise)."""
    out = {}
    for codes, group in ((pre_code or {}, source), (post_code or {}, target)):
        for path in codes:
            event = on_event if isinstance(on_event, str) else (
                on_event.get(path, "spike") if isinstance(on_event, dict) else "spike")
            known = getattr(group_of(group), "events", {}) if event != "spike" else {}
            if isinstance(on_event, str) and event not in known and group is target:
                event = "spike"   # a single name applies where it exists (events.py)
            if event != "spike" and event not in known:
                raise ConfigurationError(f"on_event: group '{group_of(group).name}' has no "
                                         f"event '{event}' (pathway '{path}')", code="E775")
            out[path] = event
    return out


def _is_sorted(a: np.ndarray, chunk: int = 1 << 22) -> bool:
    """Is ``a`` non-decreasing? (in chunks, without a full-size temporary)"""
    for start in range(0, len(a) - 1, chunk):
        block = a[start:start + chunk + 1]
        if np.any(block[1:] < block[:-1]):
            return False
    return True


def _group_variables(group: NeuronGroup) -> dict[str, Dimension]:
    out = {eq.name: eq.dim for eq in group.equations.equations if eq.kind != SUBEXPRESSION}
    if "lastspike" in group.arrays:
        out["lastspike"] = SECOND
    return out


def _side_subexpressions(group, suffix: str) -> dict:
    """The subexpressions of a NeuronGroup as synapses may use them (Brian2 allows
    ``F_pre`` for a subexpression ``F`` of the source): their dimension and their text
    with the group's names suffixed (``u`` -> ``u_pre``; ``i`` -> ``j`` on the target
    side). Their external names are resolved in the synapses' namespace."""
    import ast
    import copy
    g = group_of(group)
    if not isinstance(g, NeuronGroup):
        return {}
    rename = {eq.name: eq.name + suffix for eq in g.equations.equations}
    if "lastspike" in g.arrays:
        rename["lastspike"] = "lastspike" + suffix
    rename.update(i="i" if suffix == "_pre" else "j", N="N" + suffix)
    out = {}
    for eq in g.equations.of_kind(SUBEXPRESSION):
        if "constant over dt" in eq.flags:
            continue   # stored: a variable of the group
        tree = copy.deepcopy(eq.expr)
        calls = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and id(node) not in calls and node.id in rename:
                node.id = rename[node.id]
        out[eq.name + suffix] = (eq.dim, ast.unparse(tree))
    return out


_NO_INDEX = np.zeros(1, np.int32)   # bound where the code never reads the source index


def _float32_variables(dtype, variables: list[str], where: str) -> tuple[str, ...]:
    """The variables that ``dtype=`` (one dtype for all, or {variable: dtype}) stores in
    single precision; they are computed in double precision and rounded when stored."""
    if dtype is None:
        return ()
    chosen = dict(dtype) if isinstance(dtype, Mapping) else dict.fromkeys(variables, dtype)
    out = []
    for var, dt in chosen.items():
        if var not in variables:
            raise ConfigurationError(f"dtype for '{var}' in synapses '{where}': no such "
                                     "per-synapse variable", code="E750",
                                     hint=f"the variables are {', '.join(variables) or 'none'}")
        try:
            kind = np.dtype(dt)
        except TypeError:
            kind = None
        if kind not in (np.dtype(np.float32), np.dtype(np.float64)):
            raise ConfigurationError(f"dtype {dt!r} for '{var}' in synapses '{where}': "
                                     "only float64 (the default) and float32",
                                     code="E750")
        if kind == np.float32:
            out.append(var)
    return tuple(sorted(out))


def _repeat_rank(i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """For each synapse, how many earlier synapses join the same pair (0 for most)."""
    order = np.lexsort((j, i))
    si, sj = i[order], j[order]
    start = np.r_[True, (si[1:] != si[:-1]) | (sj[1:] != sj[:-1])]
    first = np.maximum.accumulate(np.where(start, np.arange(len(si)), 0))
    rank = np.empty(len(si), np.int64)
    rank[order] = np.arange(len(si)) - first
    return rank


_COUNT_NAMES = ("N_incoming", "N_outgoing")


def _with_counts(model, codes: list[str]):
    """The model with ``N_incoming : 1`` / ``N_outgoing : 1`` declared when its text or
    its statements use them (Brian2's synapse counts in generated code): per-synapse
    parameters that eqsim fills after every connect()."""
    if not isinstance(model, str):
        return model
    text = "\n".join([model, *codes])
    for name in _COUNT_NAMES:
        if re.search(rf"\b{name}\b", text) and not re.search(rf"^\s*{name}\s*:", model,
                                                             re.M):
            model = f"{model}\n{name} : 1"
    return model


class _MoreNames:
    """A resolver that also knows names of runtime expressions only: the synapse counts
    and the inner variable of a generator (dimensionless numbers)."""

    def __init__(self, base, names: tuple[str, ...]):
        self._base, self._names = base, names

    def __call__(self, name: str):
        if name in self._names:
            return NameInfo("variable", DIMENSIONLESS)
        return self._base(name)

    def __getattr__(self, attr):
        return getattr(self._base, attr)


def _check_synapses_target(target, on_post) -> None:
    """A Synapses object as the target of another one (Brian2: a modulator's spikes act
    on the synaptic variables, e.g. dopamine on an eligibility trace)."""
    if on_post is not None:
        raise ConfigurationError(f"on_post needs spikes of the target, but the target "
                                 f"'{target.name}' is a Synapses object", code="E751")
    if target._spec.float32:
        raise ConfigurationError(
            f"the target synapses '{target.name}' store "
            f"{', '.join(target._spec.float32)} in float32; synapses acting on them need "
            "float64 variables", code="E751", hint="drop dtype= from the target")


def _check_synapses_source(source, on_pre) -> None:
    """A Synapses object as the source of another one (Brian2: its per-synapse variables
    read as ``x_pre``, e.g. by a (summed) variable); it emits no spikes."""
    from .synapse_chains import check_synapses_source
    check_synapses_source(source, on_pre)


class Synapses(Named):
    """Connections from a source group to a target group (Brian2's Synapses).

    >>> from eqsim.units import ms, mV
    >>> G = NeuronGroup(3, "dv/dt = -v/(10*ms) : volt", threshold="v > 1*mV",
    ...                 reset="v = 0*mV")
    >>> S = Synapses(G, G, "w : volt", on_pre="v_post += w", delay=1*ms)
    >>> S.connect(i=[0, 1], j=[1, 2])
    >>> S.w = "0.5*mV*(i + 1)"
    >>> S.w
    [0.5 1. ] * mV
    """

    _kind = "synapses"
    can_spike = False        # as the target of other synapses: it emits no spikes

    def __init__(self, source: NeuronGroup, target: NeuronGroup | None = None,
                 model: str = "", on_pre: str | Mapping | None = None,
                 on_post: str | Mapping | None = None,
                 delay: Quantity | Mapping | None = None, method: str = "auto",
                 namespace: Mapping[str, Any] | None = None, name: str | None = None,
                 seed: int | None = None, dtype: Any = None, on_event=None,
                 order: int = 0):
        object.__setattr__(self, "_ready", False)
        target = source if target is None else target
        # pathways: a plain string is the pathway "pre" (or "post"); a dict names several
        self._pre_code, self._post_code, delays = pw.normalise(
            on_pre, on_post, delay, f"synapses '{name or self._kind}'")
        on_pre = self._pre_code.get("pre") if self._pre_code else None
        on_post = self._post_code.get("post") if self._post_code else None
        delay = delays.get("pre")
        from .events import synapse_events   # on_event=, order= (runtime/events.py)
        synapse_events(self, source, target, _events_by_side(
            on_event, self._pre_code, self._post_code, name or self._kind), order)
        self._pathway_events = _events_of_pathways(on_event, self._pre_code,
                                                   self._post_code, source, target)
        for what, g in (("source", source), ("target", target)):
            if what == "target" and isinstance(g, Synapses):
                _check_synapses_target(g, self._post_code or None)   # on another Synapses
                continue
            if what == "source" and isinstance(g, Synapses):
                _check_synapses_source(g, self._pre_code or None)    # from another one
                continue
            if not isinstance(g, (NeuronGroup, Subgroup)):
                raise ConfigurationError(f"the {what} of Synapses must be a group, got "
                                         f"{type(g).__name__}", code="E743")
        if not source.can_spike and self._pre_code and self._pre_event == "spike":
            raise ConfigurationError(f"on_pre needs spikes, but the source group "
                                     f"'{source.name}' has no threshold", code="E743")
        if not target.can_spike and self._post_code and self._post_event == "spike":
            raise ConfigurationError(f"on_post needs spikes, but the target group "
                                     f"'{target.name}' has no threshold", code="E743")
        self.source, self.target = source, target
        self._name = check_name(name)
        self.namespace = namespace if namespace is not None else {}
        label = self._name or self._kind
        model = _with_counts(model, [*self._pre_code.values(),
                                     *self._post_code.values()])
        self.equations = parse_equations(model, where=f"model of synapses '{label}'",
                                         flags=SYNAPSE_FLAGS)
        self._pre_dims = _group_variables(source)
        self._post_dims = _group_variables(target)
        pre_writable = {v for v in self._pre_dims if v != "lastspike"}
        post_writable = {v for v in self._post_dims if v != "lastspike"}
        side = {**_side_subexpressions(source, "_pre"),
                **_side_subexpressions(target, "_post")}
        self._spec = check_synapse_model(
            label, self.equations, on_pre, on_post, "scalar", method, self.namespace,
            group_of(source).name, group_of(target).name, self._pre_dims,
            self._post_dims, pre_writable,
            post_writable, side)
        check_synapse_shared_writes(   # Brian2: on_pre/on_post write no (shared) variable
            self._pre_code, self._post_code, self.equations, group_of(source).equations,
            group_of(target).equations, f"synapses '{label}'")
        extra = pw.extra_names(self._pre_code, self._post_code)
        if extra:   # each named pathway's code checked as on_pre is
            externals = set(self._spec.externals)
            codes = []
            for path, kind in extra:
                code = (self._pre_code if kind == "pre" else self._post_code)[path]
                externals |= set(check_synapse_model(
                    f"{label}.{path}", self.equations, code, None, "scalar", method,
                    self.namespace, group_of(source).name, group_of(target).name,
                    self._pre_dims, self._post_dims, pre_writable,
                    post_writable, side).externals)
                codes.append((path, kind, code, "scalar" if kind == "pre" else "none"))
            self._spec = replace(self._spec, pathways=tuple(codes), externals=tuple(
                sorted(externals, key=lambda e: e.name)))
        variables = [eq.name for eq in self.equations.equations if eq.kind != SUBEXPRESSION]
        self._spec = replace(self._spec, float32=_float32_variables(dtype, variables, label))
        self.seed = int(seed) if seed is not None else fresh_seed()
        self._connect_calls = 0
        self._init_calls = 0
        self._structure = _new_structure()   # renewed when connectivity or delays change
        self._scalar_delay = 0.0 if delay is None else as_time(delay, "delay",
                                                               allow_zero=True)
        self._delay_given = delay is not None
        self._pw_scalar = {path: as_time(delays[path], f"delay of pathway '{path}'",
                                         allow_zero=True) if path in delays else 0.0
                           for path, kind in extra if kind == "pre"}
        self._pw_state: dict[str, dict] = {}   # queue and delivery index per pathway
        # synapses are kept sorted by source neuron, so the source index of each one is
        # not stored: _rows[i]:_rows[i+1] are the synapses of source neuron i (CSR)
        self._rows = np.zeros(source.N + 1, np.int64)
        self.arrays: dict[str, np.ndarray] = {"_post": np.zeros(0, np.int32)}
        for var in variables:
            self.arrays[var] = np.zeros(0, np.float32 if var in self._spec.float32
                                        else np.float64)
        if any("event-driven" in eq.flags for eq in self.equations.equations):
            self.arrays["lastupdate"] = np.zeros(0)
        self.arrays["delay"] = None  # per-synapse delays once assigned
        for path in self._pw_scalar:
            self.arrays[pw.delay_key(path)] = None
        object.__setattr__(self, "_ready", True)

    # ---- names and spec --------------------------------------------------------------
    @property
    def spec(self) -> SynapseSpec:
        kind = self._delay_kind("pre") if self.arrays["delay"] is not None else "scalar"
        paths = tuple((path, k, code, "none" if k == "post" else self._delay_kind(path) if
                       self.arrays[pw.delay_key(path)] is not None else "scalar")
                      for path, k, code, _ in self._spec.pathways)
        return replace(self._spec, name=self.name, source=group_of(self.source).name,
                       target=group_of(self.target).name, delay_kind=kind,
                       pathways=paths)

    def __len__(self) -> int:
        return int(self.arrays["_post"].shape[0])

    @property
    def dt_(self) -> float:
        """The time step of the synapses: their source group's (the first group of a
        chain of Synapses)."""
        from .synapse_chains import root_group
        return root_group(self).dt_

    @property
    def t_(self) -> float:
        from .synapse_chains import root_group
        return root_group(self).t_

    @property
    def N(self) -> int:
        return len(self)

    @property
    def i(self) -> np.ndarray:
        """Presynaptic index of each synapse (``S.i[k]``; ``S.i[2, :]``, ``S.i['j > 3']``
        index by source and target as for other variables)."""
        return indexing.view(self, "i", self._pre_indices(), None)

    def _pre_indices(self) -> np.ndarray:
        """The source index of every synapse, expanded from the row pointer."""
        return np.repeat(np.arange(len(self._rows) - 1, dtype=np.int32),
                         np.diff(self._rows))

    @property
    def j(self) -> np.ndarray:
        """Postsynaptic index of each synapse (``S.j[i, :]``: the targets of source
        neuron i, as in Brian2)."""
        return indexing.view(self, "j", self.arrays["_post"].copy(), None)

    # ---- connect ---------------------------------------------------------------------
    def connect(self, condition: str | bool | None = None, i=None, j=None, p=1.0,
                n: int = 1, *, in_degree: int | None = None,
                out_degree: int | None = None, total: int | None = None,
                matrix=None, autapses: bool = True, multapses: bool = True,
                seed: int | None = None, skip_if_invalid: bool = False,
                namespace: Mapping[str, Any] | None = None, level: int = 0) -> None:
        """Create synapses (Brian2's connect, plus NEST's degree rules).

        ``condition``: a string over i, j and pre/post variables, or True (all to all);
        ``i``/``j``: explicit arrays (or ``j="i"`` for one-to-one); ``p``: probability,
        a number or an expression; ``n``: synapses per chosen pair; ``in_degree``,
        ``out_degree``, ``total``: fixed numbers; ``matrix``: dense or scipy.sparse
        (n_pre, n_post), its non-zero entries become synapses (values -> ``S.matrix_values``);
        ``seed``: makes the random choices reproducible.

        Brian2's generator syntax is understood too (``j="k for k in range(i-3, i+4)"``,
        ``sample(N_post, p=0.1)``, ``sample(N_post, size=5)``, ``j="i+1"``), and
        ``skip_if_invalid=True`` leaves out pairs whose indices fall outside the
        groups; ``n`` may be an expression over i, j (synapses per pair).
        ``namespace``: extra names for this call's expressions (Brian2's; ``level`` is
        accepted and ignored)."""
        if namespace:
            saved = self.namespace
            self.namespace = {**saved, **namespace}
            try:
                return self.connect(condition, i, j, p, n, in_degree=in_degree,
                                    out_degree=out_degree, total=total, matrix=matrix,
                                    autapses=autapses, multapses=multapses, seed=seed,
                                    skip_if_invalid=skip_if_invalid)
            finally:
                self.namespace = saved
        n_pre, n_post = self.source.N, self.target.N
        call = self._connect_calls
        self._connect_calls += 1
        base = (self.seed if seed is None else int(seed), call)
        cols = self._local_targets()
        if not isinstance(n, (numbers.Integral, str)) or (not isinstance(n, str) and
                                                          n < 0):
            raise ConfigurationError("n (synapses per pair) must be an integer >= 0 or "
                                     "an expression", code="E741")
        self.matrix_values = None
        if matrix is not None:
            i_arr, j_arr, values = gen.from_matrix(matrix)
            self._check_shape(matrix)
            mine = (j_arr >= cols[0]) & (j_arr < cols[1])
            i_arr, j_arr, values = i_arr[mine], j_arr[mine], values[mine]
            self.matrix_values = values
        elif in_degree is not None:
            i_arr, j_arr = gen.fixed_in_degree(n_pre, n_post, int(in_degree), base,
                                               autapses, multapses, cols)
        elif out_degree is not None:
            i_arr, j_arr = gen.fixed_out_degree(n_pre, n_post, int(out_degree), base,
                                                autapses, multapses, cols)
        elif total is not None:
            i_arr, j_arr = gen.fixed_total_number(n_pre, n_post, int(total), base,
                                                  autapses, cols)
        elif isinstance(j, str) and j.strip() == "i" and i is None:
            if n_pre > n_post:   # Brian2: j = i must be a target index for every i
                raise ConfigurationError(
                    f"one-to-one (j='i') needs groups of the same size (or more targets "
                    f"than sources), got {n_pre} and {n_post}", code="E740")
            i_arr = j_arr = np.arange(cols[0], min(cols[1], n_pre), dtype=np.int32)
        elif isinstance(i, str) or isinstance(j, str):
            i_arr, j_arr = self._from_generator(i, j, p, condition, base,
                                                skip_if_invalid, cols)
        elif i is not None or j is not None:
            i_arr, j_arr = self._explicit(i, j, skip_if_invalid)
            if j_arr.size and (j_arr.min() < cols[0] or j_arr.max() >= cols[1]):
                mine = (j_arr >= cols[0]) & (j_arr < cols[1])   # (no copy if all are)
                i_arr, j_arr = i_arr[mine], j_arr[mine]
        else:
            i_arr, j_arr = self._generated(condition, p, base, autapses, cols)
        if isinstance(n, str):
            i_arr, j_arr = self._repeated(n, i_arr, j_arr)
        elif n != 1:
            i_arr, j_arr = np.repeat(i_arr, n), np.repeat(j_arr, n)
        if isinstance(self.source, Synapses) or isinstance(self.target, Synapses):
            from .synapse_chains import storage_of   # Brian2's synapse numbers -> arrays
            i_arr, j_arr = storage_of(self.source, i_arr), storage_of(self.target, j_arr)
        self._add(i_arr, j_arr)
        if isinstance(self.target, Synapses):   # numbers of the target's synapses
            self._target_structure = self.target._structure
        if isinstance(self.source, Synapses):   # ... and of the source's
            self._source_structure = self.source._structure

    def _local_targets(self) -> tuple[int, int]:
        """The targets (indices in the target group or slice) whose synapses this process
        builds: all of them, or this MPI rank's block."""
        lo, hi = local_range(group_of(self.target).N)
        start = offset_of(self.target)
        return clip(lo, hi, start, start + self.target.N)

    def _check_shape(self, matrix) -> None:
        shape = matrix.shape
        if tuple(shape) != (self.source.N, self.target.N):
            raise ConfigurationError(
                f"connectivity matrix has shape {tuple(shape)}, expected "
                f"({self.source.N}, {self.target.N}) (sources, targets)", code="E740")

    def _explicit(self, i, j, skip_if_invalid: bool = False):
        if i is None or j is None:
            raise ConfigurationError("connect(i=..., j=...) needs both arrays",
                                     code="E740")
        i_arr = np.atleast_1d(np.asarray(i))
        j_arr = np.atleast_1d(np.asarray(j))
        for name, arr in (("i", i_arr), ("j", j_arr)):
            if arr.size and np.issubdtype(arr.dtype, np.floating) and np.all(
                    np.isfinite(arr)) and np.all(arr == np.round(arr)):
                continue   # whole numbers given as floats (e.g. read from a file)
            if arr.size and not np.issubdtype(arr.dtype, np.integer):
                raise ConfigurationError(f"connect: {name} must hold integer indices",
                                         code="E740")
        if not (i_arr.dtype == j_arr.dtype == np.int32):   # int32: checked as it is
            i_arr, j_arr = i_arr.astype(np.int64), j_arr.astype(np.int64)
        if i_arr.size == 1 and j_arr.size > 1:
            i_arr = np.full(j_arr.shape, i_arr[0])
        if j_arr.size == 1 and i_arr.size > 1:
            j_arr = np.full(i_arr.shape, j_arr[0])
        if i_arr.shape != j_arr.shape:
            raise ConfigurationError(
                f"connect: i has {i_arr.size} entries but j has {j_arr.size}; they must "
                "have the same length", code="E740")
        if skip_if_invalid:
            ok = (i_arr >= 0) & (i_arr < self.source.N) & (j_arr >= 0) & (
                j_arr < self.target.N)
            i_arr, j_arr = i_arr[ok], j_arr[ok]
        for name, arr, size, group in (("i", i_arr, self.source.N, self.source),
                                       ("j", j_arr, self.target.N, self.target)):
            if not arr.size or (arr.min() >= 0 and arr.max() < size):
                continue   # in range: two reductions, no temporaries
            bad = arr[(arr < 0) | (arr >= size)]
            if bad.size:
                raise ConfigurationError(
                    f"connect: index {name}={int(bad[0])} is out of range for group "
                    f"'{group.name}' of {size} neurons", code="E740")
        # i is not kept (only the row pointer made from it): no copy; j is kept, so it
        # is copied unless the caller hands its array over (``_adopt_j``, set by
        # eqsim.models.nest.synapses for arrays made by SONATA's loader)
        return i_arr.astype(np.int32, copy=False), j_arr.astype(
            np.int32, copy=not self.__dict__.get("_adopt_j", False))

    def _resolver(self, extra: tuple[str, ...] = ()) -> SynapseResolver:
        base = SynapseResolver(self.equations, self.namespace,
                               f"synapses '{self.name}'", self._pre_dims, self._post_dims)
        return _MoreNames(base, _COUNT_NAMES + tuple(extra))

    def _pair_values(self, i_idx: np.ndarray, j_idx: np.ndarray, syn: np.ndarray | None,
                     extra: Mapping[str, np.ndarray] | None = None):
        """A value lookup for expressions over synapses or candidate pairs."""
        resolve = self._resolver(tuple(extra or ()))
        from .synapse_chains import storage_of

        def values(name):
            if extra and name in extra:
                return np.asarray(extra[name], dtype=float)
            if name in _COUNT_NAMES:   # of the synapses made so far
                counts = self._counts(name)
                return (counts[storage_of(self.target, j_idx)] if name == "N_incoming" else
                        counts[storage_of(self.source, i_idx)]).astype(float)
            if name == "i":
                return i_idx.astype(float)
            if name == "j":
                return j_idx.astype(float)
            if name == "N_pre":
                return float(self.source.N)
            if name == "N_post":
                return float(self.target.N)
            if name in ("t", "dt"):
                return self.source.t_ if name == "t" else self.source.dt_
            if syn is not None and name in self.arrays and self.arrays[name] is not None:
                return self.arrays[name][syn]
            info = resolve(name)
            if info is None:
                raise ConfigurationError(f"unknown name '{name}'", code="E107")
            if info.kind == "pre":   # (i, j: Brian2's numbers of synapses as groups)
                base = name[:-4]
                return self.source.arrays[base][storage_of(self.source, i_idx)]
            if info.kind == "post":
                base = name[:-5] if name.endswith("_post") else name
                return self.target.arrays[base][storage_of(self.target, j_idx)]
            if info.kind == "constant":
                return float(np.asarray(self.namespace[name]))
            return info.value
        return values

    def _expression(self, text: str, what: str, want, i_idx, j_idx, syn=None,
                    call: int | None = None, extra: Mapping[str, np.ndarray] | None = None):
        node, snip = parse_expression(Snippet.whole(text, f"{what} of synapses "
                                                          f"'{self.name}'"))
        got = infer_dimension(node, snip, self._resolver(tuple(extra or ())))
        if want is BOOLEAN:
            if got is not BOOLEAN:
                raise ConfigurationError(f"{what} must be a condition, '{text}' is not",
                                         code="E744")
        elif got is BOOLEAN:
            if not want.is_dimensionless:
                raise DimensionError(f"{what} must be in {want}, '{text}' is a condition",
                                     code="E204")
        elif got != want:
            raise DimensionError(f"{what} '{text}' is in {got}, it must be in {want}",
                                 snip.location(0, len(snip.text)), code="E204")
        obj = rng.object_id(self.name)
        if uses_function(node, {"rand", "randn"}):
            if call is None:   # each initialiser gets new numbers
                call = self._init_calls
                self._init_calls += 1
            # keyed by the pair (and the rank among repeated pairs), not by the position
            # of a synapse in this process's arrays: the same numbers on any MPI split
            repeat = 0 if syn is None else _repeat_rank(i_idx, j_idx)
            steps = (np.uint64(_INIT_STEP + (call << 48)) + (np.asarray(repeat, np.uint64)
                     << np.uint64(32)) + np.asarray(i_idx, np.uint64))

        def random(kind, site):
            fn = rng.uniform if kind == "rand" else rng.normal
            return fn(self.seed, obj, np.asarray(j_idx, np.int64), steps, site)

        with np.errstate(all="ignore"):
            return evaluate(node, self._pair_values(i_idx, j_idx, syn, extra), random)

    # ---- generator syntax, n per pair ------------------------------------------------
    def _from_generator(self, i, j, p, condition, base, skip_if_invalid, cols):
        """connect(j="k for k in ...") (over sources) or connect(i="...") (over targets);
        a plain expression ("i+1", "i+1 if i < 5") is one value per outer index."""
        if condition is not None:
            raise ConfigurationError("connect: a condition cannot be combined with a "
                                     "generator expression for i or j", code="E731",
                                     hint="put the condition in the generator's 'if'")
        if isinstance(i, str) and isinstance(j, str) or \
                (isinstance(i, str) and j is not None) or \
                (isinstance(j, str) and i is not None):
            raise ConfigurationError("connect: a generator expression for one index "
                                     "cannot be combined with the other index",
                                     code="E731")
        if isinstance(p, str) or float(p) != 1:
            raise ConfigurationError("connect: p cannot be combined with a generator "
                                     "expression", code="E731",
                                     hint="use sample(..., p=...) inside the generator")
        over_pre = isinstance(j, str)
        text = j if over_pre else i
        if not is_generator(text):   # Brian2: "expr" or "expr if cond", one value each
            head, _, cond = text.partition(" if ")
            text = f"{head} for _ in range(1)" + (f" if {cond}" if cond else "")
        g = parse_generator(text)
        outer, result = ("i", "j") if over_pre else ("j", "i")
        n_outer, n_result = ((self.source.N, self.target.N) if over_pre else
                             (self.target.N, self.source.N))
        result_side = "post" if over_pre else "pre"
        call = self._init_calls
        self._init_calls += 1

        def evaluate_(expr: str, names: dict) -> np.ndarray:
            size = len(next(iter(names.values())))
            zeros = np.zeros(size, np.int64)
            i_idx, j_idx = names.get("i", zeros), names.get("j", zeros)
            extra = {k: v for k, v in names.items() if k not in ("i", "j")}
            want = BOOLEAN if expr == g.condition else DIMENSIONLESS
            return self._expression(expr, f"generator '{g.text}'", want, i_idx, j_idx,
                                    call=call, extra=extra)

        on_outer = True
        if g.condition is not None:
            from ..equations.expressions import names_in
            resolve = self._resolver((g.inner,))
            for name in names_in(parse_expression(g.condition)[0]):
                info = resolve(name)
                if name in (result, g.inner) or (info is not None and
                                                 info.kind == result_side):
                    on_outer = False
        rng_ = np.random.default_rng([*base, 0x6E6])
        a, b = expand(g, outer, result, n_outer, n_result, evaluate_, on_outer, rng_,
                      skip_if_invalid)
        i_arr, j_arr = (a, b) if over_pre else (b, a)
        mine = (j_arr >= cols[0]) & (j_arr < cols[1])
        return i_arr[mine].astype(np.int32), j_arr[mine].astype(np.int32)

    def _repeated(self, n: str, i_arr: np.ndarray, j_arr: np.ndarray):
        """connect(..., n="expression"): that many synapses for each pair."""
        counts = np.broadcast_to(self._expression(n, "n", DIMENSIONLESS, i_arr, j_arr),
                                 i_arr.shape)
        if np.any(counts < 0) or np.any(counts != np.round(counts)):
            raise ConfigurationError(f"connect: n='{n}' must give whole numbers >= 0",
                                     code="E741")
        counts = counts.astype(np.int64)
        return np.repeat(i_arr, counts), np.repeat(j_arr, counts)

    # ---- counts and indexing ---------------------------------------------------------
    def _counts(self, name: str) -> np.ndarray:
        """Synapses per target neuron (N_incoming) or per source neuron (N_outgoing)."""
        if name == "N_outgoing":
            return np.diff(self._rows)
        return np.bincount(self.arrays["_post"], minlength=self.target.N)

    @property
    def N_incoming(self) -> np.ndarray:
        """For each synapse, the number of synapses onto its target neuron."""
        return self._counts("N_incoming")[self.arrays["_post"]]

    @property
    def N_outgoing(self) -> np.ndarray:
        """For each synapse, the number of synapses from its source neuron."""
        return np.repeat(np.diff(self._rows), np.diff(self._rows))

    @property
    def N_incoming_post(self) -> np.ndarray:
        """Synapses onto each target neuron (Brian2's N_incoming_post)."""
        return self._counts("N_incoming")

    @property
    def N_outgoing_pre(self) -> np.ndarray:
        """Synapses from each source neuron (Brian2's N_outgoing_pre)."""
        return self._counts("N_outgoing")

    @property
    def indices(self) -> indexing.SynapticIndices:
        """``S.indices[i, j]``, ``S.indices['i > j']``, ``S.indices[:10]``: synapse
        numbers (positions in this object's arrays, sorted by source neuron)."""
        return indexing.SynapticIndices(self)

    def _indices_for(self, key) -> np.ndarray:
        return indexing.synapse_indices(self, key)

    def __getitem__(self, key) -> indexing.SynapticSubgroup:
        """``S['i == 0']``, ``S[i, j]``, ``S[:10]``: those synapses (Brian2's
        SynapticSubgroup, e.g. for ``StateMonitor(S, 'w', record=S[0, :])``)."""
        return indexing.SynapticSubgroup(self, key)

    def _condition_mask(self, text: str) -> np.ndarray:
        syn = np.arange(len(self))
        return np.broadcast_to(self._expression(text, "index", BOOLEAN,
                                                *self._ij_numbers(), syn), syn.shape)

    def _ij_numbers(self) -> tuple[np.ndarray, np.ndarray]:
        """i and j of every stored synapse as expressions see them (a Synapses source or
        target: Brian2's numbers of its synapses)."""
        from .synapse_chains import numbers_of
        return (numbers_of(self.source, self._pre_indices()),
                numbers_of(self.target, self.arrays["_post"]))

    def _set_indexed(self, var: str, idx: np.ndarray, value) -> None:
        """``S.w[key] = value`` for the synapses ``idx``; a string is evaluated for every
        synapse (random numbers drawn for all) and the chosen ones kept."""
        if var in ("i", "j"):
            raise ConfigurationError(f"synapses '{self.name}': {var} (the source/target "
                                     "index of each synapse) cannot be changed",
                                     code="E755", hint="make new synapses with connect()")
        delay = var == "delay" or var.startswith("_delay_")   # of a pathway
        dim = SECOND if delay or var == "lastupdate" else self.equations[var].dim
        if isinstance(value, str):
            values = self._values_for(value, dim, f"{self.name}.{var}")[idx]
        else:
            values = indexing.dimension_checked(value, dim, f"{self.name}.{var}")
        if delay:
            path = "pre" if var == "delay" else var[len("_delay_"):]
            full = np.array(self._pathway_delay_view(path).view(np.ndarray), copy=True)
            full[idx] = values
            self._set_pathway_delay(path, Quantity(full, SECOND))
            return
        self.arrays[var][idx] = values

    def _generated(self, condition, p, base, autapses, cols):
        n_pre, n_post = self.source.N, self.target.N
        if condition is None or condition is True:
            cond = None
        elif condition is False:
            return np.zeros(0, np.int32), np.zeros(0, np.int32)
        elif isinstance(condition, str):
            cond = condition
        else:
            raise ConfigurationError("condition must be a string or True", code="E744")
        if isinstance(p, str):
            p_text = p
        else:
            p_value = float(p)
            if not 0 <= p_value <= 1:
                raise ConfigurationError(f"p must be between 0 and 1, got {p_value}",
                                         code="E741")
            p_text = None
        if cond is None and p_text is None:
            return gen.bernoulli_pairs(n_pre, n_post, p_value, base, autapses, cols)
        side = self._one_sided(cond) if p_text is None else None
        if side is not None:
            return self._one_sided_pairs(cond, side, p_value, base, autapses, cols)

        call_c, call_p = self._init_calls, self._init_calls + 1   # for every chunk
        self._init_calls += 2

        def keep(i_idx, j_idx, gen_rng):
            mask = np.ones(i_idx.shape, dtype=bool)
            if not autapses:
                mask &= i_idx != j_idx
            if cond is not None:
                mask &= np.broadcast_to(self._expression(
                    cond, "condition", BOOLEAN, i_idx, j_idx, call=call_c), i_idx.shape)
            if p_text is not None:
                prob = np.broadcast_to(self._expression(p_text, "p", DIMENSIONLESS,
                                                        i_idx, j_idx, call=call_p),
                                       i_idx.shape)
                mask &= gen_rng.random(i_idx.shape) < prob
            elif p_value < 1:
                mask &= gen_rng.random(i_idx.shape) < p_value
            return mask

        return gen.filtered_pairs(n_pre, n_post, keep, base, cols)

    def _one_sided(self, cond: str) -> str | None:
        """'pre' or 'post' when a condition uses only source (i, x_pre) or only target
        (j, x_post) names; then it selects rows or columns, not pairs."""
        from ..equations.expressions import names_in
        node, _ = parse_expression(cond)
        resolve = self._resolver()
        kinds = set()
        for name in names_in(node):
            info = resolve(name)
            if name == "i" or (info is not None and info.kind == "pre"):
                kinds.add("pre")
            elif name == "j" or (info is not None and info.kind == "post"):
                kinds.add("post")
            elif info is None or info.kind not in ("constant", "unit", "special"):
                return None
            elif name in ("t", "dt"):
                return None
        return kinds.pop() if len(kinds) == 1 else None

    def _one_sided_pairs(self, cond: str, side: str, p: float, base, autapses, cols):
        """Bernoulli(p) pairs among the rows (or columns) the condition selects: the cost
        follows the number of synapses, not of pairs."""
        n_pre, n_post = self.source.N, self.target.N
        if side == "pre":
            idx = np.arange(n_pre)
            keep = np.broadcast_to(self._expression(cond, "condition", BOOLEAN, idx,
                                                    np.zeros(n_pre, int)), (n_pre,))
            rows = np.flatnonzero(keep)
            r, j = gen.bernoulli_pairs(len(rows), n_post, p, base, cols=cols)
            i = rows[r]
        else:
            idx = np.arange(n_post)
            keep = np.broadcast_to(self._expression(cond, "condition", BOOLEAN,
                                                    np.zeros(n_post, int), idx), (n_post,))
            chosen = np.flatnonzero(keep)
            local = tuple(np.searchsorted(chosen, cols).tolist())
            i, c = gen.bernoulli_pairs(n_pre, len(chosen), p, base, cols=local)
            j = chosen[c]
        if not autapses:
            mask = i != j
            i, j = i[mask], j[mask]
        return i.astype(np.int32), j.astype(np.int32)

    def _connect_rows(self, rows: np.ndarray, j: np.ndarray) -> None:
        """``connect(i=i, j=j)`` for sources ``i`` sorted, given as their row pointer
        (the synapses of source k are ``rows[k]:rows[k + 1]``, int64, ``N_pre + 1``):
        no array of the sources is made. ``j`` (int32) is checked and kept. The first
        connect of whole groups on one process only; anything else expands ``i``."""
        rows = np.asarray(rows)
        whole = isinstance(self.source, NeuronGroup) and isinstance(self.target, NeuronGroup)
        if len(self) or not whole or self._local_targets() != (0, self.target.N) or \
                j.dtype != np.int32 or rows.dtype != np.int64 or \
                rows.shape != (self.source.N + 1,):
            i = np.repeat(np.arange(len(rows) - 1, dtype=np.int32), np.diff(rows))
            return self.connect(i=i, j=j)
        if rows[0] != 0 or rows[-1] != len(j) or (len(rows) > 1 and np.any(
                rows[1:] < rows[:-1])):
            raise ConfigurationError("connect: the row pointer of the sources must rise "
                                     f"from 0 to the number of targets ({len(j)})",
                                     code="E740")
        if j.size and (j.min() < 0 or j.max() >= self.target.N):
            bad = int(j[(j < 0) | (j >= self.target.N)][0])
            raise ConfigurationError(f"connect: index j={bad} is out of range for group "
                                     f"'{self.target.name}' of {self.target.N} neurons",
                                     code="E740")
        if not self.__dict__.get("_adopt_j", False):
            j = j.copy()          # kept: a copy unless the caller hands it over
        self._connect_calls += 1
        self.matrix_values = None
        self._add(None, j, rows=rows.copy())

    def _add(self, i_arr: np.ndarray | None, j_arr: np.ndarray,
             rows: np.ndarray | None = None) -> None:
        """Append synapses, keeping all arrays sorted by presynaptic index (stable);
        ``rows``: instead of ``i_arr``, the row pointer of sorted sources (first add)."""
        self._structure = _new_structure()
        if rows is not None:
            added, order = len(j_arr), None
            self._rows = rows
        else:
            i_arr = i_arr.astype(np.int32, copy=False)
            added = len(i_arr)
            pre = np.concatenate([self._pre_indices(), i_arr]) if len(self) else i_arr
            del i_arr
            order = None if _is_sorted(pre) else np.argsort(pre, kind="stable")
            if order is not None and len(order) < 2 ** 31:
                order = order.astype(np.int32)   # (4 bytes a synapse while arrays move)
            # the row pointer from the counts per source: no sorted copy of pre
            if order is None and len(self._rows) < 2 ** 31:   # sorted: a binary search
                self._rows = np.searchsorted(pre, np.arange(len(self._rows),
                                                            dtype=pre.dtype))
                self._rows = self._rows.astype(np.int64, copy=False)
            else:
                self._rows = np.zeros(len(self._rows), np.int64)
                np.cumsum(np.bincount(pre, minlength=len(self._rows) - 1),
                          out=self._rows[1:])
            del pre
        for key, arr in list(self.arrays.items()):
            if arr is None or key == "_number":   # (Brian2's numbers: below)
                continue
            if not len(arr) and key != "_post":   # all new and all equal: no reordering
                self.arrays[key] = (np.full(added, self._scalar_delay) if key == "delay"
                                    else np.full(added, self._pw_scalar[key[7:]])
                                    if key.startswith("_delay_")
                                    else np.zeros(added, dtype=arr.dtype))
                continue
            if key == "_post":
                j_arr = j_arr.astype(np.int32, copy=False)
                new = np.concatenate([arr, j_arr]) if len(arr) else j_arr
            elif key == "delay":
                new = np.concatenate([arr, np.full(added, self._scalar_delay)])
            elif key.startswith("_delay_"):   # a named pathway's per-synapse delays
                new = np.concatenate([arr, np.full(added, self._pw_scalar[key[7:]])])
            else:
                new = np.concatenate([arr, np.zeros(added, dtype=arr.dtype)]) if len(
                    arr) else np.zeros(added, dtype=arr.dtype)
            self.arrays[key] = new if order is None else new[order]
        from .synapse_chains import number_synapses
        number_synapses(self, added, order)
        for name in _COUNT_NAMES:   # declared because the code uses them: kept current
            if self.arrays.get(name) is not None:
                self.arrays[name][...] = getattr(self, name)

    # ---- variables -------------------------------------------------------------------
    def __getattr__(self, name: str):
        if name.startswith("_") or not self.__dict__.get("_ready", False):
            raise AttributeError(name)
        arrays = self.__dict__["arrays"]
        plain = name.endswith("_") and name[:-1] in arrays
        var = name[:-1] if plain else name
        if var == "delay":
            self._check_pre_pathway()
            values = arrays["delay"] if arrays["delay"] is not None else np.full(
                len(self), self._scalar_delay)
            values = np.asarray(values)   # (delays kept as whole steps: in seconds)
            return values if plain else indexing.view(self, "delay", values, SECOND)
        if var in arrays and not var.startswith("_"):
            dim = SECOND if var == "lastupdate" else self.equations[var].dim
            return arrays[var] if plain else indexing.view(self, var, arrays[var], dim)
        for kind, codes in (("pre", self.__dict__["_pre_code"]),
                            ("post", self.__dict__["_post_code"])):
            if name in codes:   # S.up, S.pre: a pathway (its delays)
                return pw.SynapticPathway(self, name, kind)
        for suffix, dims, group, index in (
                ("_pre", "_pre_dims", "source", self._pre_indices),
                ("_post", "_post_dims", "target", lambda: self.arrays["_post"])):
            base = name[:-len(suffix)]
            if name.endswith(suffix) and base in self.__dict__[dims]:
                # S.v_post: the target's v at each synapse (a copy, as in Brian2)
                values = self.__dict__[group].arrays[base][index()]
                dim = self.__dict__[dims][base]
                return values if dim.is_dimensionless else Quantity(values, dim)
        raise AttributeError(f"synapses '{self.name}' have no variable '{name}'")

    def __setattr__(self, name: str, value) -> None:
        if not self.__dict__.get("_ready", False) or name.startswith("_") or \
                name in self.__dict__ or name in type(self).__dict__ or \
                name in ("namespace", "equations", "seed", "arrays", "source",
                         "target", "matrix_values"):
            object.__setattr__(self, name, value)
            return
        plain = name.endswith("_") and (name[:-1] in self.arrays)
        var = name[:-1] if plain else name
        from .groups import LinkedVariable
        if isinstance(value, LinkedVariable):   # S.G = linked_var(group, 'G')
            from .synapse_links import link_synapse_variable
            link_synapse_variable(self, name, value)
            return
        if var == "delay":
            self._check_pre_pathway()
            self._assign_delay(value)
            return
        if var in self.arrays and not var.startswith("_"):
            self._assign(var, value, plain)
            return
        raise ConfigurationError(f"synapses '{self.name}' have no variable '{name}'",
                                 code="E704", hint="variables: " + ", ".join(
                                     k for k in self.arrays if not k.startswith("_")))

    def _values_for(self, value, dim: Dimension, what: str, plain: bool = False):
        n = len(self)
        if isinstance(value, str):
            syn = np.arange(n)
            result = self._expression(value, what, dim, *self._ij_numbers(), syn)
        elif callable(value):
            args = [self._pre_indices(), self.arrays["_post"].copy()]
            try:
                wants_edges = len(inspect.signature(value).parameters) >= 3
            except (TypeError, ValueError):
                wants_edges = False
            if wants_edges:  # f(i, j, edges): edges["w"], edges["delay"], ... with units
                args.append({k: getattr(self, k) for k in self.arrays
                             if not k.startswith("_") and (self.arrays[k] is not None or
                                                           k == "delay")})
            result = value(*args)
            if not plain and get_dimension(result) != dim:
                raise DimensionError(f"the function for {what} returned values in "
                                     f"{get_dimension(result)}, expected {dim}",
                                     code="E204")
        else:
            value = as_quantity(value)
            if not plain and get_dimension(value) != dim and not is_plain_zero(value):
                raise DimensionError(
                    f"cannot assign a value in {get_dimension(value)} to {what}, which is "
                    f"in {dim}", code="E204")
            result = value
        result = np.asarray(result.view(np.ndarray) if isinstance(result, Quantity)
                            else result, dtype=float)
        try:
            return np.broadcast_to(result, (n,)).copy()
        except ValueError:
            raise ConfigurationError(
                f"cannot assign {result.size} values to {what} of {n} synapses",
                code="E705") from None

    def _assign(self, var: str, value, plain: bool) -> None:
        if plain and type(value) is np.ndarray and value.shape == (len(self),):
            self.arrays[var][...] = value   # S.w_ = one SI value per synapse: no copies
            return
        dim = SECOND if var == "lastupdate" else self.equations[var].dim
        self.arrays[var][...] = self._values_for(value, dim, f"{self.name}.{var}", plain)

    def _assign_delay(self, value) -> None:
        if isinstance(value, Quantity) and value.dim == SECOND and \
                value.shape == (len(self),) and value.dtype == np.float64:
            values = value.view(np.ndarray)   # packed below, or copied: no copy first
            borrowed = True
        else:
            values = self._values_for(value, SECOND, f"{self.name}.delay")
            borrowed = False
        if np.any(values < 0) or not np.all(np.isfinite(values)):
            bad = values[(values < 0) | ~np.isfinite(values)][0]
            raise ConfigurationError(f"delays must be finite and >= 0, got {bad} s in "
                                     f"synapses '{self.name}'", code="E745")
        packed = compact_delays.pack(values, self.dt_)
        self.arrays["delay"] = values.copy() if packed is values and borrowed else packed
        self._structure = _new_structure()

    def delay_steps(self, dt: float, path: str = "pre") -> np.ndarray | int:
        """Delays in time steps, rounded to the nearest step (as Brian2 does)."""
        key = pw.delay_key(path)
        if self.arrays[key] is None:
            scalar = self._scalar_delay if path == "pre" else self._pw_scalar[path]
            return int(np.floor(scalar / dt + 0.5))
        if isinstance(self.arrays[key], compact_delays.StepDelays):
            return self.arrays[key].steps_at(dt).astype(np.int32)
        return np.floor(self.arrays[key] / dt + 0.5).astype(np.int32)

    def _delivery(self, path: str, dt: float) -> dict:
        """The delivery index of a pathway with per-synapse delays at time step dt
        (compact_delays.delivery_index), kept until the connectivity or delays change."""
        cache = self.__dict__.setdefault("_delivery_cache", {})
        version = (self._structure, dt)
        if path not in cache or cache[path][0] != version:
            delays = self.arrays[pw.delay_key(path)]
            steps = (delays.steps_at(dt) if isinstance(delays, compact_delays.StepDelays)
                     else self.delay_steps(dt, path))   # (narrow, as stored: no copy)
            cache[path] = (version, compact_delays.delivery_index(self._rows, steps))
        return cache[path][1]

    def _delay_kind(self, path: str) -> str:
        """per_synapse/<delay type>/<order type>: the types the delivery code reads."""
        # the network's time step (Network._prepare), else the synapses' own
        dt = self.__dict__.get("_delivery_dt") or self.dt_
        return compact_delays.delay_kind(self._delivery(path, dt))

    def constant_values(self) -> dict[str, float]:
        return constant_values(self.spec.externals, self.namespace,
                               f"synapses '{self.name}'")

    def timed_arrays(self) -> list:
        """The TimedArrays the synapses' code uses, in the order the code numbers them."""
        return timed_arrays(self._spec.externals, self.namespace,
                            f"synapses '{self.name}'")

    # ---- runtime binding (used by Network) ------------------------------------------

    def _bind(self, data, dt: float, need_pre: bool = True) -> None:
        """Point the run data at this object's arrays; build the delivery indices.
        need_pre: the code reads the source index of synapses outside the spike delivery
        (else the expanded index is not kept: 4 bytes per synapse less)."""
        name = self.name
        if need_pre:
            if getattr(self, "_pre_version", None) != self._structure:
                self._pre_cache = self._pre_indices()
                self._pre_version = self._structure
            data.set_array(f"{name}/_pre", self._pre_cache)
        else:
            self._pre_cache = self._pre_version = None
            data.set_array(f"{name}/_pre", _NO_INDEX)
        data.set_array(f"{name}/_post", self.arrays["_post"])
        if isinstance(self.target, Synapses):
            self._bind_synapses_target(data)
        if isinstance(self.source, Synapses):
            from .synapse_chains import bind_synapses_source
            bind_synapses_source(self, data)
        for var in self._spec_variables():
            data.set_array(f"{name}/{var}", self.arrays[var])
        for cname, value in self.constant_values().items():
            data.set_d(f"{name}/{cname}", value)
        for tname, ta in self.timed_arrays():
            data.set_array(f"{name}/_ta_{tname}", ta.flat)
            data.set_i(f"{name}/_ta_{tname}_n", ta.n)
            data.set_i(f"{name}/_ta_{tname}_cols", ta.cols)
            data.set_d(f"{name}/_ta_{tname}_dt", ta.dt_)
        data.set_i(f"{name}/N", len(self))
        data.set_i(f"{name}/_pre_off", offset_of(self.source))
        data.set_i(f"{name}/_pre_n", self.source.N)
        data.set_i(f"{name}/_post_off", offset_of(self.target))
        data.set_i(f"{name}/_post_n", self.target.N)
        k0, k1 = rng.keys(self.seed, rng.object_id(name))
        data.set_i(f"{name}/key0", k0)
        data.set_i(f"{name}/key1", k1)
        # the delivery indices depend on the connectivity and delays only
        for path, prefix in self._pre_pathways():
            self._bind_queue(data, dt, path, prefix)
        for path, prefix in self._post_pathways():
            self._bind_post_index(data, dt, prefix)

    def _bind_queue(self, data, dt: float, path: str, prefix: str) -> None:
        """The spike queue and delivery index (delays sorted per source) of one
        pathway driven by presynaptic spikes."""
        name = self.name
        if not data.has_array(f"{name}/{prefix}_pre_ptr"):
            return
        st = self._pw_state.setdefault(path, {"queue": None, "version": None,
                                               "restored": False})
        version = (self._structure, dt)
        if st["version"] != version:
            index = {"ptr": self._rows}
            if self.arrays[pw.delay_key(path)] is not None:
                index.update(self._delivery(path, dt))
                compiled = {p: kind for p, _, _, kind in self.spec.pathways}
                compact_delays.check_fits(index, compiled.get(path, self.spec.delay_kind),
                                          name)
            else:
                index["delay"] = self.delay_steps(dt, path)
            q = st["queue"]
            if not st["restored"] and q is not None and q["head"] > q["tail"]:
                import logging
                logging.getLogger(__name__).warning(
                    "synapses '%s' changed between runs: spikes in flight are dropped",
                    name)
            if not st["restored"]:
                st["queue"] = None
            st["restored"] = False
            st["index"], st["version"] = index, version
        if st["queue"] is None:
            from .poisson_counts import spike_multiplicity   # (several spikes a step)
            cap = max(1024, 4 * group_of(self.source).N * spike_multiplicity(self.source))
            st["queue"] = {"pre": np.zeros(cap, np.int32), "step": np.zeros(cap, np.int64),
                           "cur": np.zeros(cap, np.int64), "head": 0, "tail": 0}
        index, q, key = st["index"], st["queue"], f"{name}/{prefix}"
        data.set_array(f"{key}_pre_ptr", index["ptr"])
        if data.has_array(f"{key}_delay_steps"):
            if index["order"] is not None:
                data.set_array(f"{key}_order", index["order"])
            data.set_array(f"{key}_delay_steps", index["delay_steps"])
        data.set_i(f"{key}_delay_steps", int(index.get("delay", 0)))
        data.set_array(f"{key}_q_pre", q["pre"])
        data.set_array(f"{key}_q_step", q["step"])
        data.set_array(f"{key}_q_cur", q["cur"])
        data.set_i(f"{key}_q_head", q["head"])
        data.set_i(f"{key}_q_tail", q["tail"])
        data.set_i(f"{key}_q_cap", len(q["pre"]))

    def _bind_post_index(self, data, dt: float, prefix: str) -> None:
        """Synapses grouped by target neuron, for pathways driven by its spikes."""
        name = self.name
        if not data.has_array(f"{name}/{prefix}_post_ptr"):
            return
        version = (self._structure, dt)
        if getattr(self, "_post_version", None) != version:
            post = self.arrays["_post"]
            order = np.argsort(post, kind="stable").astype(np.int32)
            self._post_index = (np.searchsorted(post[order], np.arange(self.target.N + 1)
                                                ).astype(np.int64), order)
            self._post_version = version
        data.set_array(f"{name}/{prefix}_post_ptr", self._post_index[0])
        data.set_array(f"{name}/{prefix}_post_order", self._post_index[1])

    @property
    def _queue(self):
        """The spike queue of the pathway "pre" (None before a run)."""
        return self._pw_state.get("pre", {}).get("queue")

    # ---- pathways (see pathways.py) ---------------------------------------------------
    def _check_pre_pathway(self) -> None:
        """S.delay is the delay of the pathway "pre" (Brian2), if there are named ones."""
        if self._pre_code and "pre" not in self._pre_code:
            raise ConfigurationError(
                f"synapses '{self.name}' have no pathway 'pre', so 'delay' means "
                "nothing", code="E737", hint="use the pathway's delay: " + ", ".join(
                    f"S.{p}.delay" for p in sorted(self._pre_code)))

    def _pathway_delay_view(self, path: str):
        if path == "pre" or path in self._post_code:
            if path in self._post_code:
                return indexing.view(self, "_none", np.zeros(len(self)), SECOND)
            return self.delay
        key = pw.delay_key(path)
        values = self.arrays[key] if self.arrays[key] is not None else np.full(
            len(self), self._pw_scalar[path])
        return indexing.view(self, key, np.asarray(values), SECOND)   # (StepDelays: s)

    def _set_pathway_delay(self, path: str, value) -> None:
        if path in self._post_code:
            raise ConfigurationError(f"pathway '{path}' of synapses '{self.name}' is "
                                     "triggered by postsynaptic spikes; eqsim delivers "
                                     "those without delay", code="E738")
        if path == "pre":
            self._assign_delay(value)
            return
        values = self._values_for(value, SECOND, f"{self.name}.{path}.delay")
        if np.any(values < 0) or not np.all(np.isfinite(values)):
            raise ConfigurationError(f"delays must be finite and >= 0 in pathway "
                                     f"'{path}' of synapses '{self.name}'", code="E745")
        self.arrays[pw.delay_key(path)] = compact_delays.pack(values, self.dt_)
        self._structure = _new_structure()

    def _pre_pathways(self) -> list[tuple[str, str]]:
        """(name, key prefix) of the pathways driven by the source's spikes, in order."""
        return [(p, pw.prefix(p)) for p in sorted(self._pre_code)]

    def _post_pathways(self) -> list[tuple[str, str]]:
        return [(p, pw.prefix(p)) for p in sorted(self._post_code)]

    def _bind_synapses_target(self, data) -> None:
        """Synapses acting on synapses: the target's arrays, under this object's keys."""
        target = self.target
        if len(self) and getattr(self, "_target_structure", None) != target._structure:
            raise ConfigurationError(
                f"the synapses of '{target.name}' changed after '{self.name}' was "
                f"connected to them, so the synapse numbers '{self.name}' uses are stale",
                code="E752", hint=f"connect '{target.name}' first, then '{self.name}'")
        for var in target._spec_variables():
            key = f"{self.name}/_tgt/{var}"
            if data.has_array(key):
                data.set_array(key, target.arrays[var])
        if f"{self.name}/_tgt_N" in data.unit.iparams:   # a (summed) variable's targets
            data.set_i(f"{self.name}/_tgt_N", len(target))

    def _spec_variables(self) -> list[str]:
        return [k for k, v in self.arrays.items() if v is not None and not k.startswith("_")
                and k != "delay"]


    def _read_back(self, data) -> None:
        for path, prefix in self._pre_pathways():
            q = self._pw_state.get(path, {}).get("queue")
            key = f"{self.name}/{prefix}"
            if q is not None and data.has_array(f"{key}_q_pre"):
                q["head"] = data.get_i(f"{key}_q_head")
                q["tail"] = data.get_i(f"{key}_q_tail")

    def _grow_queue(self, data, most: int | None = None) -> None:
        """Double the spike queues if the next step (or ``most`` new events) might not
        fit; keeps events in order."""
        if most is None:
            from .poisson_counts import spike_multiplicity
            # spikes one step may add (the C check uses this)
            most = group_of(self.source).N * spike_multiplicity(self.source)
        for path, prefix in self._pre_pathways():
            st = self._pw_state.get(path)
            q = st and st["queue"]
            if q is None:
                continue
            cap = len(q["pre"])
            live = q["head"] - q["tail"]
            if live + most <= cap:
                continue
            new_cap = max(2 * cap, live + 2 * most)
            idx = np.arange(q["tail"], q["head"]) % cap
            new = {"pre": np.zeros(new_cap, np.int32), "step": np.zeros(new_cap, np.int64),
                   "cur": np.zeros(new_cap, np.int64), "head": live, "tail": 0}
            for k in ("pre", "step", "cur"):
                new[k][:live] = q[k][idx]
            st["queue"] = new
            key = f"{self.name}/{prefix}"
            data.set_array(f"{key}_q_pre", new["pre"])
            data.set_array(f"{key}_q_step", new["step"])
            data.set_array(f"{key}_q_cur", new["cur"])
            data.set_i(f"{key}_q_head", live)
            data.set_i(f"{key}_q_tail", 0)
            data.set_i(f"{key}_q_cap", new_cap)

    def _state(self):
        queues = {path: {k: (v.copy() if isinstance(v, np.ndarray) else v)
                         for k, v in st["queue"].items()}
                  for path, st in self._pw_state.items() if st.get("queue") is not None}
        return ({k: (None if v is None else v.copy()) for k, v in self.arrays.items()},
                queues, self._structure, self._rows.copy())

    def _restore(self, state) -> None:
        arrays, queues, structure, rows = state
        changed = structure != self._structure
        if changed:   # rebuild the indices for the restored connectivity; the stored
            self._rows = rows.copy()   # queues belong to it
            self._post_version = None
        self._structure = structure
        for k, v in arrays.items():
            if v is None or self.arrays.get(k) is None or len(v) != len(self.arrays[k]) \
                    or not isinstance(v, np.ndarray) or \
                    not isinstance(self.arrays[k], np.ndarray):   # (StepDelays)
                self.arrays[k] = None if v is None else v.copy()
            else:
                self.arrays[k][...] = v
        for path, _ in self._pre_pathways():
            st = self._pw_state.setdefault(path, {"queue": None, "version": None,
                                                   "restored": False})
            if changed:
                st["version"], st["restored"] = None, True
            q = queues.get(path)
            st["queue"] = None if q is None else {
                k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in q.items()}

    def gather(self, *variables: str, root: int = 0) -> dict[str, np.ndarray] | None:
        """After an MPI run: the synapses of every rank on rank ``root`` (all ranks must
        call it), as plain arrays ``{"i": ..., "j": ..., var: ...}`` in SI units, sorted
        by (i, j) (repeated pairs in the order they were created). Other ranks get None.
        On one process: this process's synapses, in the same order.

        >>> from eqsim.units import mV
        >>> G = NeuronGroup(3, "v : volt", threshold="v > 1*mV")
        >>> S = Synapses(G, G, "w : volt", on_pre="v_post += w")
        >>> S.connect(i=[2, 0], j=[0, 1])
        >>> S.w = "i*mV"
        >>> S.gather("w")["w"]
        array([0.   , 0.002])
        """
        from ..parallel.comm import world
        for var in variables:
            if var != "delay" and (var not in self.arrays or self.arrays[var] is None or
                                   var.startswith("_")):
                known = self._spec_variables() + ["delay"]
                raise ConfigurationError(f"gather: synapses '{self.name}' have no "
                                         f"variable '{var}'", code="E704",
                                         hint="variables: " + ", ".join(known))
        comm = world()
        local = {"i": self._pre_indices().astype(np.int64),
                 "j": self.arrays["_post"].astype(np.int64)}
        for v in variables:
            values = self.arrays[v]
            local[v] = (np.full(len(self), self._scalar_delay) if values is None
                        else np.asarray(values, np.float64))   # one delay for all
        parts = {k: comm.gatherv(a, root) for k, a in local.items()}
        if comm.rank != root:
            return None
        out = {k: np.concatenate(p) for k, p in parts.items()}
        order = np.lexsort((out["j"], out["i"]))   # stable: repeated pairs keep their order
        return {k: a[order] for k, a in out.items()}

    @property
    def summed_updaters(self):
        """Brian2's ``S.summed_updaters['v_post'].when = ...``: where a summed variable
        is computed in the schedule."""
        from .events import _PartMap
        from .schedule import summed_part
        return _PartMap(self, summed_part)

    def __repr__(self) -> str:
        return (f"Synapses({self.source.name} -> {self.target.name}, {len(self)} "
                f"synapses, name={self.name!r})")

    def _repr_html_(self) -> str:
        from .reprs import html
        return html(self)

