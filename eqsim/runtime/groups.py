"""NeuronGroup: state arrays (one numpy array per variable) and their user interface."""
from __future__ import annotations

import numbers
from dataclasses import replace
from typing import Any, Mapping

import numpy as np

from .. import rng
from ..equations.expressions import (BOOLEAN, SECOND, Snippet, evaluate, infer_dimension,
                                     parse_expression, uses_function)
from ..equations.parse import PARAMETER, SUBEXPRESSION, parse_equations
from ..equations.specs import REFRACTORY_NONE, NeuronSpec
from ..equations.validate import Resolver, check_neuron_model
from ..errors import ConfigurationError, DimensionError
from ..parallel.comm import fresh_seed
from ..units import (DIMENSIONLESS, Dimension, Quantity, as_quantity, get_dimension,
                     is_plain_zero)
from . import indexing
from .aligned import aligned_full
from .clock import Clock, as_time, defaultclock
from .namespace import constant_values, timed_arrays
from .naming import Named, check_name
from . import labels

LASTSPIKE_INIT = -1e4  # seconds; Brian2's initial value (never refractory at t = 0)
_INIT_STEP = 1 << 62   # random numbers of string initialisers use steps from here on


def _check_N(N) -> int:
    if isinstance(N, numbers.Real) and not isinstance(N, (bool, np.bool_)) and \
            not isinstance(N, numbers.Integral) and float(N).is_integer():
        N = int(N)   # N = 1e4, NeuronGroup(10000.0, ...) as Brian2 accepts
    if isinstance(N, (bool, np.bool_)) or not isinstance(N, (numbers.Integral,)):
        raise ConfigurationError(f"N must be a positive integer, got {N!r}", code="E702")
    if N < 1 or N > 2 ** 31 - 1:
        raise ConfigurationError(f"N must be between 1 and 2**31 - 1, got {N}",
                                 code="E702")
    return int(N)


class LinkedVariable:
    """What :func:`linked_var` returns: a source array (the group's own, not a copy), its
    dimension and optional indices."""

    def __init__(self, array: np.ndarray, dim, index=None, label: str = ""):
        self.array, self.dim, self.index, self.label = array, dim, index, label
        self.source = None   # (group, name) when linked by name (Synapses need it)


def _root(array) -> np.ndarray:
    """The array that owns the memory of a view (``G.v`` is a view of G's array)."""
    while isinstance(getattr(array, "base", None), np.ndarray) and \
            array.base.dtype == array.dtype:   # (not the bytes under an aligned array)
        array = array.base
    return array


def linked_var(source, name: str | None = None, index=None) -> LinkedVariable:
    """Brian2's ``linked_var``: ``G2.v = linked_var(G1, 'v')`` or
    ``linked_var(G1.v)``, with ``index=`` (one index into G1 per neuron of G2) when the
    sizes differ. The target declares ``v : volt (linked)``; its compiled code reads G1's
    array in place, so it always sees G1's current values.

    >>> from eqsim.units import ms, mV
    >>> G1 = NeuronGroup(2, "dv/dt = -v/(10*ms) : volt", namespace={})
    >>> G2 = NeuronGroup(3, "v : volt (linked)", namespace={})
    >>> G1.v = [1, 2]*mV
    >>> G2.v = linked_var(G1, "v", index=[1, 0, 1])
    >>> G2.v
    [2. 1. 2.] * mV
    """
    if name is not None:
        group = group_of(source)
        if (name not in group.arrays or name.startswith("_")) and not (
                name in group.equations and group.equations[name].kind == "subexpression"):
            raise ConfigurationError(f"group '{group.name}' has no variable '{name}' to "
                                     "link to", code="E122")
        if name not in group.arrays:   # a subexpression: Synapses can link to it
            link = LinkedVariable(None, group.equations[name].dim, index,
                                  f"{group.name}.{name}")
        else:
            array = group.arrays[name]
            if isinstance(source, Subgroup):
                array = array[source.start:source.stop]
            link = LinkedVariable(array, group._dimension_of(name), index,
                                  f"{group.name}.{name}")
        link.source = (source, name)
        return link
    if not isinstance(source, np.ndarray):
        raise ConfigurationError("linked_var() takes a group and a variable name, or a "
                                 "group's variable such as G.v", code="E122")
    owner, var = getattr(source, "_owner", None), getattr(source, "_var", None)
    if isinstance(owner, (NeuronGroup, Subgroup)) and var in group_of(owner).arrays:
        return linked_var(owner, var, index)     # G.v knows its group and variable
    array = source.view(np.ndarray)
    root = _root(array)
    if root.dtype != np.float64 or root.ndim != 1 or root.size != array.size or \
            not np.shares_memory(root, array):
        raise ConfigurationError("linked_var(G.v) needs the variable of a group itself "
                                 "(not a computed array or a copy)", code="E122",
                                 hint="or write linked_var(G, 'v')")
    return LinkedVariable(root, get_dimension(source), index)


def typed_values(values, dtype: str):
    """Values stored in a variable declared ``integer`` (truncated towards zero, as
    Brian2's int32 arrays do) or ``boolean`` (1 or 0); stored as float64."""
    if dtype == "integer":
        return np.trunc(np.asarray(values, dtype=float)) + 0.0   # + 0.0: no -0
    if dtype == "boolean":
        return (np.asarray(values) != 0).astype(float)
    return values


def typed_view(arr: np.ndarray, dtype: str) -> np.ndarray:
    """An ``integer`` variable read as int32, a ``boolean`` one as bool (Brian2's types):
    a read-only copy; assign with ``G.n = ...`` (or ``G.n_`` for the stored floats)."""
    out = arr.astype(np.int32 if dtype == "integer" else bool)
    out.flags.writeable = False
    return out


class NeuronGroup(Named):
    """A group of N neurons with the same model equations (Brian2's NeuronGroup).

    >>> from eqsim.units import ms, mV
    >>> G = NeuronGroup(3, "dv/dt = -v/tau : volt", namespace={"tau": 10*ms})
    >>> G.v = "i*mV"
    >>> G.v
    [0. 1. 2.] * mV
    """

    _kind = "neurongroup"

    def __init__(self, N: int, model: str, threshold: str | None = None,
                 reset: str | None = None, refractory: Any = False,
                 method: str = "auto", namespace: Mapping[str, Any] | None = None,
                 dt: Quantity | None = None, name: str | None = None,
                 seed: int | None = None, events: Mapping[str, str] | None = None,
                 order: int = 0, label: str | None = None):
        object.__setattr__(self, "_ready", False)
        labels.set_group_label(self, label)   # population label (runtime/labels.py)
        self.N = _check_N(N)
        self._name = check_name(name)
        # the caller's dict itself: values are read again at every run (as in Brian2)
        self.namespace = namespace if namespace is not None else {}
        label = self._name or self._kind
        self.equations = parse_equations(model, where=f"model of group '{label}'")
        if isinstance(reset, str) and not reset.strip():
            reset = None   # Brian2: an empty reset string resets nothing
        self.spec: NeuronSpec = check_neuron_model(
            label, self.equations, threshold, reset, refractory, method, self.namespace)
        self._refractory_value = refractory if self.spec.refractory == "_refractory" \
            else None
        self.clock = Clock(dt, name=f"clock of {label}") if dt is not None else None
        self.seed = int(seed) if seed is not None else fresh_seed()
        self._init_calls = 0
        self.t_ = 0.0   # updated by the Network after each run
        self.arrays: dict[str, np.ndarray] = {}
        for eq in self.equations.equations:
            if eq.kind == SUBEXPRESSION and "constant over dt" not in eq.flags:
                continue   # (constant over dt) ones are stored, as in Brian2
            size = 1 if "shared" in eq.flags else self.N
            self.arrays[eq.name] = aligned_full(size, 0.0)
        if self.spec.refractory_kind != REFRACTORY_NONE:
            self.arrays["lastspike"] = aligned_full(self.N, LASTSPIKE_INIT)
            self.arrays["not_refractory"] = aligned_full(self.N, 1, np.uint8)
        self.arrays["_spikes"] = aligned_full(self.N, 0, np.int32)
        from .schedule import check_order
        self.order = check_order(order, f"group '{label}'")
        self._codes: list = []   # custom events, run_on_event, run_regularly (events.py)
        self.events: dict[str, str] = {}
        from .events import add_events
        add_events(self, events)
        object.__setattr__(self, "_ready", True)

    # ---- schedule and code besides the model (runtime/events.py) ----------------------
    def run_regularly(self, code: str, dt=None, when: str = "start", order: int = 0,
                      name: str | None = None):
        """Run statements on every neuron every ``dt`` (compiled, in slot ``when``)."""
        from .events import run_regularly
        return run_regularly(self, code, dt, when, order, name)

    def run_on_event(self, event: str, code: str, when: str = "after_resets",
                     order: int | None = None):
        """Run statements on the neurons that had ``event`` (compiled)."""
        from .events import run_on_event
        return run_on_event(self, event, code, when, order)

    def set_event_schedule(self, event: str, when: str = "after_thresholds",
                           order: int | None = None) -> None:
        """Move the check of an event's condition to another slot."""
        from .events import event_part
        part = event_part(self, event)
        part.when = when
        part.order = self.order if order is None else order

    @property
    def state_updater(self):
        """The state update's place in the schedule (``.when``, ``.order``)."""
        from .schedule import parts_of
        return parts_of(self)[0]

    @property
    def thresholder(self):
        """``G.thresholder['spike']``: where an event's condition is checked."""
        from .events import _PartMap, event_part
        return _PartMap(self, event_part)

    @property
    def resetter(self):
        """``G.resetter['spike']``: where the code of an event runs."""
        from .events import _PartMap, reset_part
        return _PartMap(self, reset_part)

    # ---- naming (a Network names unnamed objects) ------------------------------------
    @property
    def label(self) -> str:
        """Population label (spike files, gid_ranges, plots); default: the name. A model
        variable called ``label`` (Brian2 scripts, e.g. Wang 2002's ``label : integer``)
        takes the attribute: the population label is then given with ``label=``."""
        if self._has_label_variable():
            return self.__getattr__("label")
        return labels.group_label(self)

    @label.setter
    def label(self, value: str) -> None:
        labels.set_group_label(self, value)

    def _has_label_variable(self) -> bool:
        equations = self.__dict__.get("equations")
        return equations is not None and "label" in equations

    def _set_name(self, name: str) -> None:
        self._name = name
        self.spec = replace(self.spec, name=name)

    @property
    def can_spike(self) -> bool:
        """Does this group emit spikes (a threshold, or a table of spikes)?"""
        return self.spec.threshold is not None or self.spec.generator

    @property
    def dt_(self) -> float:
        return (self.clock or defaultclock).dt_

    @property
    def dt(self) -> Quantity:
        return Quantity(self.dt_, SECOND)

    # ---- variables -------------------------------------------------------------------
    def _dimension_of(self, name: str) -> Dimension:
        if name in ("lastspike",):
            return SECOND
        return self.equations[name].dim

    def variables(self) -> list[str]:
        """Names of the model's variables and subexpressions."""
        extra = ["lastspike", "not_refractory"] if "lastspike" in self.arrays else []
        return list(self.equations.names) + extra

    def __getattr__(self, name: str):
        if name.startswith("_") or not self.__dict__.get("_ready", False):
            raise AttributeError(name)
        arrays = self.__dict__.get("arrays", {})
        if f"_link_{name[:-1]}" in arrays and name.endswith("_"):
            return arrays[name[:-1]][arrays[f"_link_{name[:-1]}"]]
        if name.endswith("_") and name[:-1] in self.__dict__.get("arrays", {}):
            return self.arrays[name[:-1]]  # Brian2's v_: plain SI values
        if f"_link_{name}" in arrays:   # a linked variable: the source's current values
            values = arrays[name][arrays[f"_link_{name}"]]
            dim = self._dimension_of(name)
            return Quantity(values, dim) if not dim.is_dimensionless else values
        if name in arrays:
            if name == "not_refractory":
                return arrays[name].astype(bool)
            if name in self.equations and self.equations[name].dtype != "float":
                return typed_view(arrays[name], self.equations[name].dtype)
            # a view that also takes Brian2's string indices (G.v['i > 5'] = ...)
            return indexing.view(self, name, arrays[name], self._dimension_of(name))
        if name in self.equations:
            eq = self.equations[name]
            if eq.dtype != "float":
                return typed_view(typed_values(self._evaluate(
                    eq.expr, eq.snippet, eq.dim, raw=True), eq.dtype), eq.dtype)
            return self._evaluate(eq.expr, eq.snippet, eq.dim)
        raise AttributeError(f"group '{self.name}' has no variable '{name}' (it has: "
                             f"{', '.join(self.variables())})")

    def __setattr__(self, name: str, value) -> None:
        if name == "label" and self._has_label_variable():
            pass   # the model's variable called label, set as any other
        elif not self.__dict__.get("_ready", False) or name.startswith("_") or \
                name in self.__dict__ or name in type(self).__dict__ or \
                name in ("N", "namespace", "equations", "spec", "clock", "seed",
                         "arrays", "t_", "label"):
            object.__setattr__(self, name, value)
            return
        if isinstance(value, LinkedVariable):
            self._link(name, value)
            return
        base = name[:-1] if name.endswith("_") and name not in self.equations else name
        if base in self.equations and "linked" in self.equations[base].flags:
            name = base
            raise ConfigurationError(
                f"{self.name}.{name} is a linked variable: set the variable it is "
                "linked to, or link it", code="E122",
                hint=f"{self.name}.{name} = linked_var(source_group, '{name}')")
        if name.endswith("_") and name[:-1] in self.arrays:
            self._assign(name[:-1], value, plain=True)
            return
        if name in self.arrays:
            self._assign(name, value)
            return
        if name in self.equations:
            raise ConfigurationError(f"'{name}' of group '{self.name}' is a "
                                     "subexpression and cannot be assigned", code="E704")
        raise ConfigurationError(f"group '{self.name}' has no variable '{name}'",
                                 code="E704", hint="variables: " +
                                 ", ".join(self.variables()))

    def _link(self, name: str, link: "LinkedVariable") -> None:
        """``G.v = linked_var(H, 'v', index=...)``: G's v reads H's array in place."""
        if name not in self.equations or "linked" not in self.equations[name].flags:
            raise ConfigurationError(
                f"'{name}' of group '{self.name}' is not declared (linked)", code="E122",
                hint=f"declare it as '{name} : <unit> (linked)' in the model")
        source = link.array
        if source is None:
            raise ConfigurationError(
                f"{self.name}.{name} is linked to the subexpression {link.label}: a "
                "group's linked variable needs a variable with values", code="E122",
                hint="link the variables the subexpression uses, or repeat it")
        dim = self._dimension_of(name)
        if link.dim is not None and link.dim != dim:
            raise DimensionError(f"cannot link {self.name}.{name} (in {dim}) to a "
                                 f"variable in {link.dim}", code="E204")
        if link.index is None:
            if source.shape[0] not in (1, self.N):
                raise ConfigurationError(
                    f"{self.name}.{name} ({self.N} values) is linked to a variable with "
                    f"{source.shape[0]} values", code="E122",
                    hint="pass index= (one source index per neuron), as in Brian2")
            index = np.arange(self.N) if source.shape[0] == self.N else \
                np.zeros(self.N, dtype=np.int32)
        else:
            index = np.asarray(link.index)
            if index.shape != (self.N,) or not np.all(np.isfinite(index)) or \
                    not np.array_equal(index, np.round(index)) or index.min() < 0 or \
                    index.max() >= source.shape[0]:
                raise ConfigurationError(
                    f"index= of the link of {self.name}.{name} must hold {self.N} whole "
                    f"numbers in [0, {source.shape[0]})", code="E122")
        self.arrays[name] = source          # the same memory: no copy at any step
        self.arrays[f"_link_{name}"] = np.ascontiguousarray(index, dtype=np.int32)

    def _check_links(self) -> None:
        for eq in self.equations.of_kind(PARAMETER):
            if "linked" in eq.flags and f"_link_{eq.name}" not in self.arrays:
                raise ConfigurationError(
                    f"the linked variable '{eq.name}' of group '{self.name}' was never "
                    "linked", code="E122",
                    hint=f"{self.name}.{eq.name} = linked_var(source_group, "
                         f"'{eq.name}')")

    def _assign(self, name: str, value, plain: bool = False) -> None:
        target = self.arrays[name]
        dim = DIMENSIONLESS if name == "not_refractory" else self._dimension_of(name)
        if isinstance(value, str):
            node, snip = parse_expression(
                Snippet.whole(value, f"value assigned to {self.name}.{name}"))
            got = infer_dimension(node, snip, self._resolver())
            if got is BOOLEAN:
                got = DIMENSIONLESS
            if got != dim:
                raise DimensionError(
                    f"'{value}' is in {got}, but {self.name}.{name} is in {dim}",
                    snip.location(0, len(snip.text)), code="E204")
            result = self._evaluate(node, snip, dim, raw=True)
        else:
            value = as_quantity(value)   # [1*mV, 2*mV] keeps its unit
            if not plain and get_dimension(value) != dim and not is_plain_zero(value):
                raise DimensionError(
                    f"cannot assign a value in {get_dimension(value)} to "
                    f"{self.name}.{name}, which is in {dim}", code="E204",
                    hint=f"multiply by a unit of {dim}" if not dim.is_dimensionless
                    else "assign a plain number")
            result = np.asarray(value.view(np.ndarray) if isinstance(value, Quantity)
                                else value, dtype=float)
        if name in self.equations:
            result = typed_values(result, self.equations[name].dtype)
        try:
            target[...] = np.broadcast_to(result, target.shape)
        except ValueError:
            raise ConfigurationError(
                f"cannot assign {np.shape(result)} values to {self.name}.{name}, which "
                f"has {target.shape[0]}", code="E705") from None

    # ---- string expressions on the state ---------------------------------------------
    def _resolver(self) -> Resolver:
        return Resolver(self.equations, self.namespace, f"group '{self.name}'")

    def _evaluate(self, node, snippet, dim, raw: bool = False):
        """Evaluate an expression over all neurons with numpy (initialisers, reads)."""
        resolve = self._resolver()
        infer_dimension(node, snippet, resolve)
        index = np.arange(self.N)
        subs = {eq.name: eq for eq in self.equations.of_kind(SUBEXPRESSION)}
        call = self._init_calls
        if uses_function(node, {"rand", "randn"}):
            self._init_calls += 1  # each initialiser with random numbers gets new ones
        obj = rng.object_id(self.name)

        def random(kind, site):
            step = _INIT_STEP + call
            fn = rng.uniform if kind == "rand" else rng.normal
            return fn(self.seed, obj, index, step, site)

        def values(name):
            if f"_link_{name}" in self.arrays:   # a linked variable
                return self.arrays[name][self.arrays[f"_link_{name}"]]
            if name in self.arrays:
                return self.arrays[name]  # shared variables broadcast from shape (1,)
            if name in subs:
                return evaluate(subs[name].expr, values, random)
            if name == "i":
                return index.astype(float)
            if name == "N":
                return float(self.N)
            if name == "t":
                return self.t_
            if name == "dt":
                return self.dt_
            info = resolve(name)
            if info.kind == "constant":
                return float(np.asarray(self.namespace[name]))
            if info.kind == "function":
                return self.namespace[name]._lookup
            return info.value

        with np.errstate(all="ignore"):
            result = np.broadcast_to(np.asarray(evaluate(node, values, random),
                                                dtype=float), (self.N,)).copy()
        if raw:
            return result
        return Quantity(result, dim) if not dim.is_dimensionless else result

    def _indices_for(self, key) -> np.ndarray:
        return indexing.group_indices(self, key)

    def _set_indexed(self, var: str, idx: np.ndarray, value) -> None:
        indexing.group_set(self, var, idx, value)

    def timed_arrays(self) -> list:
        """The TimedArrays the model uses, in the order the generated code numbers them."""
        return timed_arrays(self.spec.externals, self.namespace, f"group '{self.name}'")

    def constant_values(self) -> dict[str, float]:
        """Current SI values of the runtime constants (namespace values, refractory)."""
        self._check_links()   # called as a run binds the group's data
        out = constant_values(self.spec.externals, self.namespace, f"group '{self.name}'")
        if any(e.name == "_refractory" for e in self.spec.externals):
            out["_refractory"] = as_time(self._refractory_value,
                                         f"refractory of '{self.name}'", allow_zero=True)
        return out

    def __len__(self) -> int:
        return self.N

    def __getitem__(self, key) -> "Subgroup":
        """A contiguous subgroup, ``G[:3200]``."""
        return _subgroup(self, key)

    def __repr__(self) -> str:
        return f"NeuronGroup({self.N}, name={self.name!r}, method={self.spec.method!r})"

    def _repr_html_(self) -> str:
        from .reprs import html
        return html(self)


__all__ = ["NeuronGroup", "LASTSPIKE_INIT", "linked_var", "LinkedVariable"]


class Subgroup:
    """A contiguous slice of a group, ``G[100:200]``: a source or target of Synapses, a
    monitor's source, and a view for reading and writing variables. Indices inside it
    start at 0 (as in Brian2)."""

    def __init__(self, parent: NeuronGroup, start: int, stop: int,
                 label: str | None = None):
        self.parent, self.start, self.stop = parent, start, stop
        if label is not None:
            labels.register_sublabel(parent, start, stop, label)

    @property
    def label(self) -> str:
        """Population label: the one given to this slice of the parent, else the name (a
        model variable called ``label`` takes the attribute, as in the parent)."""
        if self.parent._has_label_variable():
            return self.__getattr__("label")
        return labels.subgroup_label(self)

    @label.setter
    def label(self, value: str) -> None:
        labels.register_sublabel(self.parent, self.start, self.stop, value)

    @property
    def N(self) -> int:
        return self.stop - self.start

    def __len__(self) -> int:
        return self.N

    @property
    def name(self) -> str:
        return f"{self.parent.name}[{self.start}:{self.stop}]"

    @property
    def arrays(self) -> dict[str, np.ndarray]:
        return {k: (v[self.start:self.stop] if v.shape[0] == self.parent.N else v)
                for k, v in self.parent.arrays.items() if not k.startswith("_")}

    def __getattr__(self, name: str):
        if name.startswith("_") or name in ("parent", "start", "stop"):
            raise AttributeError(name)
        if name in ("equations", "spec", "can_spike", "namespace", "dt_", "dt", "seed",
                    "t_", "clock"):
            return getattr(self.parent, name)
        value = getattr(self.parent, name)
        return value[self.start:self.stop]

    def __setattr__(self, name: str, value) -> None:
        if name in ("parent", "start", "stop") or (
                name == "label" and not self.parent._has_label_variable()):
            object.__setattr__(self, name, value)
            return
        current = getattr(self.parent, name)
        if isinstance(value, str):
            full = self.parent._evaluate(*parse_expression(Snippet.whole(
                value, f"value assigned to {self.name}.{name}")),
                self.parent._dimension_of(name), raw=True)
            new = np.array(self.parent.arrays[name], copy=True)
            new[self.start:self.stop] = np.asarray(full)[self.start:self.stop] \
                if np.ndim(full) else full
            setattr(self.parent, name + "_", new)
            return
        new = np.array(current.view(np.ndarray) if isinstance(current, Quantity)
                       else current, dtype=float, copy=True)
        dim = get_dimension(current)
        value = as_quantity(value)
        if get_dimension(value) != dim and not is_plain_zero(value):
            raise DimensionError(f"cannot assign a value in {get_dimension(value)} to "
                                 f"{self.name}.{name}, which is in {dim}", code="E204")
        new[self.start:self.stop] = np.asarray(value.view(np.ndarray) if isinstance(
            value, Quantity) else value, dtype=float)
        setattr(self.parent, name + "_", new)

    def run_regularly(self, code: str, dt=None, when: str = "start", order: int = 0,
                      name: str | None = None):
        """Statements run on this subgroup's neurons every ``dt`` (compiled)."""
        from .events import run_regularly
        return run_regularly(self, code, dt, when, order, name)

    def __repr__(self) -> str:
        return f"Subgroup({self.name})"


def _subgroup(self, key) -> Subgroup:
    if isinstance(key, (int, np.integer)):
        k = int(key) + (self.N if key < 0 else 0)
        key = slice(k, k + 1)
    if not isinstance(key, slice) or key.step not in (None, 1):
        raise ConfigurationError("subgroups are contiguous slices such as G[:100]",
                                 code="E707")
    start, stop, _ = key.indices(self.N)
    if stop <= start:
        raise ConfigurationError(f"the subgroup {key} of '{self.name}' is empty",
                                 code="E707")
    return Subgroup(self, start, stop)




def group_of(obj) -> NeuronGroup:
    """The NeuronGroup behind a group or subgroup."""
    return obj.parent if isinstance(obj, Subgroup) else obj


def offset_of(obj) -> int:
    return obj.start if isinstance(obj, Subgroup) else 0
