"""Population, PopulationView and Assembly on eqsim (subclasses of pyNN.common's).

A Population is one eqsim group made by its cell type (``celltype.eqsim_group``, the
standard models' side of docs/pynn.md's contract). Its parameters are kept here too, as
native (SI) arrays, so that ``get`` reads them back without asking the group; ``set``
writes both. Every operation works on whole index arrays: no loop over cells.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np
from pyNN import common
from pyNN.parameters import ParameterSpace, simplify
from pyNN.standardmodels import StandardCellType

from ..errors import ConfigurationError
from ..parallel.comm import local_range
from . import simulator
from .errors import check_plain_numbers
from .recording import Recorder


def _clean(value):
    """A value read back through SI and PyNN's reverse translation, rounded to 13
    significant digits: the round trip (ms -> s -> ms) leaves 1e-16 relative noise
    (2345 read back as 2344.9999999999995)."""
    arr = np.asarray(value)
    if arr.dtype.kind != "f":
        return value
    mag = np.floor(np.log10(np.abs(np.where(np.isfinite(arr) & (arr != 0), arr, 1.0))))
    scale = 10.0 ** (12 - mag)
    out = np.where(np.isfinite(arr) & (arr != 0), np.round(arr * scale) / scale, arr)
    return out if arr.ndim else float(out)


def _check_celltype(celltype) -> None:
    if not (isinstance(celltype, StandardCellType) and hasattr(celltype, "eqsim_group")):
        raise ConfigurationError(
            f"eqsim.pynn cannot simulate cells of type {type(celltype).__name__}",
            code="E842", hint="use the standard cell types of eqsim.pynn "
                              "(sim.IF_cond_exp, sim.SpikeSourcePoisson, ...): "
                              "types from another backend (pyNN.nest...) do not carry "
                              "eqsim equations")


class _EqsimCells:
    """What Population, PopulationView and Assembly share: the eqsim groups and indices
    of their cells (``_eqsim_targets``, used by current sources and projections)."""

    def _eqsim_targets(self) -> list[tuple]:
        """[(eqsim group, int64 indices of this object's cells in that group)]."""
        root = self.grandparent if hasattr(self, "grandparent") else self
        return [(root._eqsim_group, self._root_indices())]


class _ParameterAccess(_EqsimCells):
    """get/set/initialize through the native parameter arrays of the root Population."""

    def _root(self):
        return self.grandparent if hasattr(self, "grandparent") else self

    def _root_indices(self) -> np.ndarray:
        if hasattr(self, "grandparent"):
            return np.asarray(self.index_in_grandparent(np.arange(self.size)), np.int64)
        return np.arange(self.size, dtype=np.int64)

    def _get_parameters(self, *names):
        celltype = self.celltype
        if celltype.computed_parameters_include(names):
            native_names = celltype.get_native_names()
        else:
            native_names = celltype.get_native_names(*names)
        ps = celltype.reverse_translate(self._get_native_parameters(*native_names))
        ps.evaluate(simplify=True)
        for name, value in ps.items():
            ps[name] = _clean(value)
        return ps

    def _get_native_parameters(self, *names):
        root = self._root()
        idx = self._root_indices()
        values = {}
        for name in names:
            arr = root._native[name][idx]
            values[name] = arr if arr.dtype == object else simplify(arr)
        return ParameterSpace(values, shape=(self.size,))

    def _set_parameters(self, parameter_space) -> None:
        """``parameter_space`` holds native (translated) values for this object's cells."""
        root = self._root()
        idx = self._root_indices()
        check_plain_numbers(parameter_space, root.celltype, f"{root.label}.set()")
        parameter_space.evaluate(simplify=False)
        native = {}
        for name, value in parameter_space.items():
            arr = np.asarray(value)
            if arr.dtype != object and root._native[name].dtype != object:
                arr = np.broadcast_to(arr.astype(float), (idx.size,))
            root._native[name][idx] = arr
            native[name] = root._native[name][idx]
        root.celltype.set_native(root._eqsim_group, idx, native)

    def _set_initial_value_array(self, variable, value) -> None:
        root = self._root()
        idx = self._root_indices()
        check_plain_numbers({variable: value}, root.celltype, f"{root.label}.initialize()")
        values = np.asarray(value.evaluate(simplify=False), dtype=float)
        values = np.broadcast_to(values, (idx.size,))
        var, si = root.celltype.initial_state(variable, values)
        root._eqsim_group.arrays[var][idx] = si


class Assembly(common.Assembly, _EqsimCells):
    __doc__ = common.Assembly.__doc__
    _simulator = simulator

    def _eqsim_targets(self) -> list[tuple]:
        return [t for p in self.populations for t in p._eqsim_targets()]


class PopulationView(_ParameterAccess, common.PopulationView):
    __doc__ = common.PopulationView.__doc__
    _assembly_class = Assembly
    _simulator = simulator

    def __init__(self, parent, selector, label=None):
        super().__init__(parent, selector, label)
        self._initial_values = {}

    @property
    def initial_values(self):
        """Initial values given to this view (PyNN keeps the population's elsewhere)."""
        return self._initial_values

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)


class Population(_ParameterAccess, common.Population):
    __doc__ = common.Population.__doc__
    _simulator = simulator
    _recorder_class = Recorder
    _assembly_class = Assembly

    def __init__(self, size, cellclass, cellparams=None, structure=None,
                 initial_values={}, label=None):
        simulator.check_not_running("a Population")
        super().__init__(size, cellclass, cellparams, structure, initial_values, label)

    def _create_cells(self) -> None:
        _check_celltype(self.celltype)
        state = simulator.state
        first = state.id_counter
        self.all_cells = np.array([simulator.ID(k) for k in range(first, first + self.size)],
                                  dtype=simulator.ID)
        lo, hi = local_range(self.size)
        self._mask_local = np.zeros(self.size, bool)
        self._mask_local[lo:hi] = True
        check_plain_numbers(self.celltype.parameter_space, self.celltype,
                            type(self.celltype).__name__)
        ps = self.celltype.native_parameters
        ps.shape = (self.size,)
        ps.evaluate(simplify=False)
        self._native = {}
        for name, value in ps.items():
            arr = np.asarray(value)
            if arr.dtype != object:
                arr = np.array(np.broadcast_to(arr.astype(float), (self.size,)))
            self._native[name] = arr
        self._eqsim_name = state.next_name("pop")
        self._eqsim_group = self.celltype.eqsim_group(self.size, dict(self._native),
                                                      self._eqsim_name)
        state.add(self._eqsim_group)
        for cell in self.all_cells:
            cell.parent = self
        state.id_counter += self.size
        state.populations.append(self)

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)


def eqsim_targets_of(cells) -> list[tuple]:
    """[(eqsim group, indices)] of a Population, PopulationView, Assembly or an iterable
    of IDs (what ``ID.inject`` hands to a current source: ``[cell]``)."""
    if hasattr(cells, "_eqsim_targets"):
        return cells._eqsim_targets()
    ids = list(cells)
    out: dict = {}
    for cell in ids:   # a list the user wrote: one entry per cell named
        root = cell.parent.grandparent if hasattr(cell.parent, "grandparent") \
            else cell.parent
        out.setdefault(id(root), (root, []))[1].append(root.id_to_index(cell))
    return [(root._eqsim_group, np.asarray(idx, np.int64)) for root, idx in out.values()]


def eqsim_targets_by_group(cells) -> dict:
    """{group: indices} of a Population, PopulationView or Assembly (merged per group)."""
    out: dict = defaultdict(list)
    for group, idx in cells._eqsim_targets():
        out[group].append(idx)
    return {g: np.concatenate(v) for g, v in out.items()}


__all__ = [
    "Assembly",
    "Population",
    "PopulationView",
    "eqsim_targets_by_group",
    "eqsim_targets_of",
]
