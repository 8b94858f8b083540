"""Brian2's indexing of variables: ``G.v['i > 5']``, ``S.w['i > j'] = '...'``,
``S.w[0, :]`` (by source and target index), ``S.indices[...]``.

A group's or synapses' variable is returned as an array view (a :class:`Quantity` when it
has a unit) that remembers its owner and variable, so that string and (pre, post) keys
can be understood; every other key behaves as numpy indexing of the stored values.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..errors import ConfigurationError, DimensionError
from ..units import DIMENSIONLESS, Quantity, get_dimension


def _owner_key(key) -> bool:
    """Keys that numpy would not understand on a 1-D array: strings and (i, j) pairs
    (a tuple with None or ... is numpy's, e.g. matplotlib's ``v[:, None]``)."""
    return isinstance(key, str) or (isinstance(key, tuple) and len(key) >= 2 and not any(
        k is None or k is Ellipsis for k in key))


class _OwnedMixin:
    """Shared behaviour of the views (owner and variable name, set only on the view the
    owner returns; slices and results of arithmetic have no owner)."""

    _owner = None
    _var = None

    def __hash__(self):
        """A variable read from its owner (``G.tau``) can be a dict key, as Brian2's
        ``device.run(run_args={G.tau: 5*ms})`` uses it; other arrays cannot."""
        if self._owner is None:
            raise TypeError(f"unhashable type: '{type(self).__name__}'")
        return hash((id(self._owner), self._var))

    def _resolve(self, key) -> np.ndarray:
        owner = self._owner
        if owner is None:
            raise ConfigurationError(
                f"index {key!r}: string and (i, j) indices work on a variable read "
                "directly from its group or synapses (e.g. G.v['i > 5'])", code="E735")
        return owner._indices_for(key)

    def _get(self, key):
        if _owner_key(key):
            idx = self._resolve(key)
            return self._plain()[idx] if self.dim_or_none() is None else Quantity(
                self._plain()[idx], self.dim)
        return None

    def _set(self, key, value) -> bool:
        owner = self._owner
        if owner is None and _owner_key(key):
            self._resolve(key)   # raises: no owner to understand the key
        if owner is not None and (_owner_key(key) or str(self._var).startswith(
                ("delay", "_delay_"))):   # delays may need a per-synapse array first
            idx = (self._resolve(key) if _owner_key(key)
                   else np.arange(len(self))[key])
            owner._set_indexed(self._var, np.atleast_1d(idx), value)
            return True
        if isinstance(value, str):
            raise ConfigurationError(
                f"a string value ('{value}') can only be assigned to a variable read "
                "directly from its group or synapses", code="E735")
        want = self.dim_or_none() or DIMENSIONLESS
        if isinstance(value, Quantity) and value.dim != want and not (
                value.dim.is_dimensionless and want.is_dimensionless):
            raise DimensionError(f"cannot assign a value in {value.dim} to "
                                 f"{self._var or 'a variable'} in {want}", code="E204")
        return False


class IndexedQuantity(_OwnedMixin, Quantity):
    """A variable with a unit, as ``G.v`` returns it."""

    def __array_finalize__(self, obj):
        super().__array_finalize__(obj)
        self._owner = None
        self._var = None

    def dim_or_none(self):
        return self.dim

    def _plain(self) -> np.ndarray:
        return self.view(np.ndarray)

    def __getitem__(self, key):
        got = self._get(key)
        return super().__getitem__(key) if got is None else got

    def __setitem__(self, key, value):
        if not self._set(key, value):
            super().__setitem__(key, value.view(np.ndarray) if isinstance(
                value, Quantity) else value)

    def __hash__(self) -> int:   # a dict key, as Brian2's views (run_args={G.v: ...})
        return id(self)

    def __reduce__(self):   # pickles as a plain Quantity
        return (Quantity, (np.asarray(self.view(np.ndarray)), self.dim))


class IndexedArray(_OwnedMixin, np.ndarray):
    """A dimensionless variable, as ``G.x`` returns it (a numpy array otherwise)."""

    def __array_finalize__(self, obj):
        self._owner = None
        self._var = None

    def dim_or_none(self):
        return None

    def _plain(self) -> np.ndarray:
        return self.view(np.ndarray)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        raw = [x.view(np.ndarray) if isinstance(x, IndexedArray) else x for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, IndexedArray) else o
                                  for o in kwargs["out"])
        return getattr(ufunc, method)(*raw, **kwargs)

    def __getitem__(self, key):
        got = self._get(key)
        if got is not None:
            return got
        item = self.view(np.ndarray)[key]
        return item

    def __setitem__(self, key, value):
        if not self._set(key, value):
            self.view(np.ndarray)[key] = value

    def __repr__(self) -> str:
        return repr(self.view(np.ndarray))

    def __hash__(self) -> int:   # a dict key, as Brian2's views (run_args={G.v: ...})
        return id(self)

    def __reduce__(self):
        return (np.asarray, (np.asarray(self.view(np.ndarray)),))


def view(owner, var: str, array: np.ndarray, dim):
    """The array of ``owner.var`` as a view that understands owner indices."""
    if dim is None or dim.is_dimensionless:
        out = np.asarray(array).view(IndexedArray)
    else:
        out = np.asarray(array, dtype=np.float64).view(IndexedQuantity)
        out.dim = dim
    out._owner, out._var = owner, var
    return out


def _select(values: np.ndarray, key, size: int, what: str) -> np.ndarray:
    """Which entries of ``values`` (indices of one side) the key selects."""
    if isinstance(key, slice):
        if key == slice(None):
            return np.ones(values.shape, bool)
        chosen = np.arange(size)[key]
        return np.isin(values, chosen)
    if isinstance(key, (numbers.Integral, np.integer)):
        return values == int(key)
    arr = np.asarray(key)
    if arr.dtype == bool:
        if arr.shape != (size,):
            raise ConfigurationError(f"a boolean index for {what} must have {size} "
                                     f"entries, got {arr.size}", code="E734")
        return arr[values]
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ConfigurationError(f"indices for {what} must be integers", code="E734")
    return np.isin(values, arr.astype(np.int64))


def synapse_indices(S, key) -> np.ndarray:
    """Synapse numbers (positions in the synapses' arrays) that ``key`` selects:
    a string condition, (i, j) or (i, j, k) by source/target index (ints, slices,
    arrays; k numbers repeated pairs), or plain synapse numbers."""
    n = len(S)
    if isinstance(key, str):
        mask = S._condition_mask(key)
        return np.flatnonzero(mask)
    if isinstance(key, tuple):
        if not 2 <= len(key) <= 3:
            raise ConfigurationError(
                f"synapse index {key!r}: use S.w[i, j] or S.w[i, j, k] (source index, "
                "target index, number of the synapse among those of the same pair)",
                code="E734")
        pre, post = S._pre_indices(), S.arrays["_post"]
        mask = _select(pre, key[0], S.source.N, "the source") & _select(
            post, key[1], S.target.N, "the target")
        if len(key) == 3:
            from .synapses import _repeat_rank
            mask &= _select(_repeat_rank(pre, post), key[2], max(n, 1),
                            "the synapse number")
        return np.flatnonzero(mask)
    if key is Ellipsis:
        return np.arange(n)
    arr = np.asarray(key) if not isinstance(key, slice) else None
    if arr is not None and arr.dtype == bool:
        if arr.shape != (n,):
            raise ConfigurationError(f"a boolean index must have {n} entries, got "
                                     f"{arr.size}", code="E734")
        return np.flatnonzero(arr)
    try:
        return np.atleast_1d(np.arange(n)[key])
    except (IndexError, TypeError) as exc:
        raise ConfigurationError(f"synapse index {key!r}: {exc}", code="E734") from None


class SynapticIndices:
    """``S.indices[...]``: synapse numbers by (i, j), condition string, or slice."""

    def __init__(self, synapses):
        self._synapses = synapses

    def __getitem__(self, key) -> np.ndarray:
        return synapse_indices(self._synapses, key)

    def __call__(self, key=Ellipsis) -> np.ndarray:
        return synapse_indices(self._synapses, key)


def dimension_checked(value, dim, what: str) -> np.ndarray:
    """The SI values of ``value`` after checking that they are in ``dim``."""
    got = get_dimension(value)
    if got != dim and not (np.all(np.asarray(value) == 0)):
        raise DimensionError(f"cannot assign a value in {got} to {what}, which is in "
                             f"{dim}", code="E204")
    return np.asarray(value.view(np.ndarray) if isinstance(value, Quantity) else value,
                      dtype=float)


__all__ = ["view", "IndexedQuantity", "IndexedArray", "SynapticIndices",
           "synapse_indices", "dimension_checked"]


# ---- neuron groups ----------------------------------------------------------------------

def group_indices(G, key) -> np.ndarray:
    """Neurons of group ``G`` that a string condition selects (``G.v['i > 5']``)."""
    if not isinstance(key, str):
        raise ConfigurationError(f"index {key!r} of group '{G.name}': a group's variables "
                                 "take one index (int, slice, array or condition string)",
                                 code="E734")
    from ..equations.expressions import BOOLEAN, Snippet, infer_dimension, parse_expression
    node, snip = parse_expression(Snippet.whole(key, f"index of group '{G.name}'"))
    if infer_dimension(node, snip, G._resolver()) is not BOOLEAN:
        raise ConfigurationError(f"the index '{key}' of group '{G.name}' is not a "
                                 "condition", code="E734",
                                 hint="write a condition such as 'i > 5' or 'v > -60*mV'")
    return np.flatnonzero(G._evaluate(node, snip, DIMENSIONLESS, raw=True) != 0)


def group_set(G, var: str, idx: np.ndarray, value) -> None:
    """``G.v[idx] = value`` where value may be a string expression (evaluated for the
    chosen neurons; random numbers are drawn for every neuron and the chosen ones kept)."""
    arr = G.arrays[var]
    if isinstance(value, str):
        scratch = arr.copy()
        G.arrays[var] = scratch
        try:
            G._assign(var, value)
        finally:
            G.arrays[var] = arr
        arr[idx] = scratch[idx]
        return
    dim = DIMENSIONLESS if var == "not_refractory" else G._dimension_of(var)
    arr[idx] = dimension_checked(value, dim, f"{G.name}.{var}")


class SynapticSubgroup:
    """``S[key]`` (Brian2's): the synapses ``key`` selects (``S['i == 0']``,
    ``S[3, :]``, ``S[:10]``), usable where synapse indices are (``record=`` of a
    StateMonitor, ``S.w[S['i == 0']]``). It holds the synapse numbers of the moment it
    was made: adding synapses afterwards makes it invalid (E131), as in Brian2."""

    def __init__(self, synapses, key):
        self.synapses = synapses
        self._stored = np.asarray(synapses._indices_for(key), dtype=np.int64)
        self._n_synapses = len(synapses)

    def _indices(self) -> np.ndarray:
        if len(self.synapses) != self._n_synapses:
            raise ConfigurationError(
                f"synapses were added to '{self.synapses.name}' after this subgroup was "
                "made: its indices are out of date", code="E131",
                hint="index the synapses again (S[...]) after connect()")
        return self._stored

    def __array__(self, dtype=None, copy=None):
        idx = self._indices()
        return idx if dtype is None else idx.astype(dtype)

    def __len__(self) -> int:
        return len(self._stored)

    def __iter__(self):
        return iter(self._indices().tolist())

    def __repr__(self) -> str:
        return (f"<SynapticSubgroup, storing {len(self._stored)} indices of "
                f"{self.synapses.name}>")
