"""SpatialNeuron: a multicompartment neuron (Brian2's API) as a group of compartments.

The model is written per unit area: the membrane current ``Im = ... : amp/meter**2``
(positive inward, as in Brian2), currents injected at a point ``I : amp (point
current)``, channel gates as differential equations. Each compartment is one "neuron" of
the group, with the morphology's ``length``, ``distance``, ``area``, ``diameter``,
``volume`` (and ``x``, ``y``, ``z`` if the morphology has coordinates) as constants, and
``Cm`` (per compartment) and ``Ri`` (one value) set by the user. ``v`` is not integrated
by the group's method: every step the gates are updated first, then the cable step
(codegen_templates, 'cable' blocks) solves the cable equation for v implicitly on the
whole tree with Hines' elimination (O(compartments) per step).

>>> from eqsim.units import um, mV, ms, uF, cm, ohm, siemens
>>> from eqsim.runtime.morphology import Cylinder, Soma
>>> morpho = Soma(30*um)
>>> morpho.dend = Cylinder(diameter=1*um, length=100*um, n=10)
>>> neuron = SpatialNeuron(morpho, "Im = gL*(EL - v) : amp/meter**2",
...                        namespace={"gL": 1e-4*siemens/cm**2, "EL": -70*mV},
...                        Cm=1*uF/cm**2, Ri=100*ohm*cm)
>>> neuron.v = -60*mV
>>> len(neuron), neuron.dend.v[:2]
(11, [-60. -60.] * mV)
"""
from __future__ import annotations

import numbers
from dataclasses import replace
from typing import Any, Mapping

import numpy as np

from ..equations.parse import (DIFFERENTIAL, PARAMETER, SUBEXPRESSION, Equation,
                               parse_equations)
from ..errors import ConfigurationError, EquationError
from ..units import Quantity, get_dimension
from .groups import NeuronGroup, Subgroup
from .morphology import Morphology, SubMorphology, flatten

SPATIAL_FLAGS = {
    DIFFERENTIAL: ("unless refractory", "point current"),
    SUBEXPRESSION: ("shared", "constant over dt", "point current"),
    PARAMETER: ("constant", "shared", "linked", "point current"),
}
# what the SpatialNeuron adds to every model (per compartment unless shared)
GEOMETRY = ("length", "distance", "area", "diameter", "volume", "r_length_1",
            "r_length_2")
_ADDED = """
v : volt
Ic : amp/meter**2
Cm : farad/meter**2 (constant)
Ri : ohm*meter (constant, shared)
length : meter (constant)
distance : meter (constant)
area : meter**2 (constant)
diameter : meter (constant)
volume : meter**3 (constant)
r_length_1 : meter (constant)
r_length_2 : meter (constant)
"""
_COORDS = "\nx : meter (constant)\ny : meter (constant)\nz : meter (constant)\n"
DEFAULT_METHOD = ("exact", "exponential_euler", "rk2", "heun")   # Brian2's choice


def _current_dims():
    """The dimensions of amp and amp/meter**2."""
    from ..units import amp, meter
    return get_dimension(amp), get_dimension(amp / meter ** 2)


def _line(eq: Equation, flags: tuple[str, ...], expr: str | None = None) -> str:
    rhs = expr if expr is not None else (eq.expr_text or "")
    rhs = " ".join(rhs.split())   # one line (continuations were inside brackets)
    tail = f" : {eq.unit_text}" + (f" ({', '.join(flags)})" if flags else "")
    if eq.kind == DIFFERENTIAL:
        return f"d{eq.name}/dt = {rhs}{tail}"
    if eq.kind == SUBEXPRESSION:
        return f"{eq.name} = {rhs}{tail}"
    return f"{eq.name}{tail}"


def spatial_model(model: str, coordinates: bool, where: str) -> str:
    """The group model of a SpatialNeuron: the user's equations with the point currents
    added to ``Im`` (divided by the compartment's area) and the variables of the
    morphology and the cable (``v``, ``Ic``, ``Cm``, ``Ri``, geometry)."""
    from ..equations.user_equations import Equations as UserEquations
    if isinstance(model, UserEquations):
        model = str(model)
    eqs = parse_equations(model, where, flags=SPATIAL_FLAGS)
    if "Im" not in eqs or eqs["Im"].kind != SUBEXPRESSION:
        raise EquationError(
            f"{where} has no membrane current: a SpatialNeuron needs the subexpression "
            "'Im = ... : amp/meter**2' (the current through the membrane per unit area, "
            "positive inward)", code="E955",
            hint="e.g. 'Im = gL*(EL - v) : amp/meter**2'")
    im = eqs["Im"]
    if im.flags:
        raise EquationError(f"the membrane current Im of {where} takes no flags "
                            f"(got {', '.join(im.flags)})", code="E956")
    amp_dim, density_dim = _current_dims()
    if im.dim != density_dim:
        raise EquationError(f"the membrane current Im of {where} must be in amp/meter**2 "
                            f"(a current per unit area), it is in {im.dim}", code="E956",
                            hint="declare currents at a point as 'I : amp (point "
                                 "current)'")
    own = set(GEOMETRY) | {"v", "Ic", "Cm", "Ri", "x", "y", "z"}
    clash = [n for n in eqs.names if n in own and not (n in "xyz" and not coordinates)]
    if clash:
        raise EquationError(f"'{clash[0]}' of {where} is a variable the SpatialNeuron "
                            "defines itself (v, Ic, Cm, Ri and the geometry: "
                            f"{', '.join(GEOMETRY)}, x, y, z)", code="E957",
                            hint="rename it in the model")
    lines, points = [], []
    for eq in eqs.equations:
        if eq.name == "Im":
            continue
        if "point current" in eq.flags:
            if eq.dim != amp_dim:
                raise EquationError(f"the point current '{eq.name}' of {where} must be "
                                    f"in amp, it is in {eq.dim}", code="E958")
            points.append(eq.name)
        lines.append(_line(eq, tuple(f for f in eq.flags if f != "point current")))
    im_text = f"({' '.join((im.expr_text or '').split())})" + "".join(
        f" + {p}/area" for p in points)
    lines.append(_line(im, (), im_text))
    return "\n".join(lines) + _ADDED + (_COORDS if coordinates else "")


class SpatialNeuron(NeuronGroup):
    """A neuron with a morphology: one compartment per element of the group (Brian2's
    SpatialNeuron). ``neuron.dend`` is the subtree 'dend' (a subgroup), ``neuron.main``
    the root section alone, ``neuron[10*um:50*um]`` compartments by distance along the
    root section."""

    _kind = "spatialneuron"

    def __init__(self, morphology: Morphology, model: str, threshold: str | None = None,
                 refractory: Any = False, reset: str | None = None,
                 events: Mapping[str, str] | None = None, threshold_location=None,
                 dt: Quantity | None = None, clock=None, order: int = 0,
                 Cm: Any = None, Ri: Any = None, name: str | None = None,
                 dtype=None, namespace: Mapping[str, Any] | None = None,
                 method: Any = DEFAULT_METHOD, seed: int | None = None, cells: int = 1):
        from ..units import cm, ohm, uF
        flat = flatten(morphology)
        if isinstance(cells, (bool, np.bool_)) or not isinstance(cells, numbers.Integral) \
                or cells < 1:
            raise ConfigurationError(f"cells must be a whole number >= 1, got {cells!r}",
                                     code="E962")
        cells = int(cells)
        where = f"model of SpatialNeuron '{name or 'spatialneuron'}'"
        text = spatial_model(model, flat.has_coordinates, where)
        if threshold is not None and threshold_location is not None:
            loc = threshold_location
            if isinstance(loc, (Morphology, SubMorphology)):
                loc = loc._indices()
            if np.ndim(loc) != 0:
                raise ConfigurationError("threshold_location is one compartment",
                                         code="E960")
            at = f"i % {flat.n}" if cells > 1 else "i"   # (in every cell)
            threshold = f"({threshold}) and ({at} == {int(loc)})"
        if clock is not None and dt is None:
            dt = clock.dt
        NeuronGroup.__init__(self, flat.n * cells, text, threshold=threshold, reset=reset,
                             refractory=refractory, method=method, namespace=namespace,
                             dt=dt, name=name, seed=seed, events=events, order=order)
        object.__setattr__(self, "spec", replace(self.spec, spatial=True))
        object.__setattr__(self, "morphology", morphology)
        object.__setattr__(self, "flat_morphology", flat)
        object.__setattr__(self, "user_model", model)
        object.__setattr__(self, "cells", cells)
        for k in GEOMETRY:
            self.arrays[k][:] = np.tile(getattr(flat, k), cells)
        if flat.has_coordinates:
            for k in "xyz":
                self.arrays[k][:] = np.tile(getattr(flat, k), cells)
        self._set_tree(flat, cells)
        self.Cm = Cm if Cm is not None else 0.9 * uF / cm ** 2
        self.Ri = Ri if Ri is not None else 150 * ohm * cm

    def _set_tree(self, flat, cells: int) -> None:
        """The arrays of the tree solver (see morphology.FlatMorphology): one tree per
        cell, cell after cell; a cell's root is its own parent, with no conductance, so
        the elimination leaves it alone."""
        m1 = len(flat.node_parent)
        shift = (np.arange(cells) * m1)[:, None]
        parent = flat.node_parent[None, :] + shift
        parent[:, 0] = shift[:, 0]
        depth = np.tile(flat.node_depth, cells)
        order = np.argsort(depth, kind="stable").astype(np.int32)
        levels = np.searchsorted(depth[order],
                                 np.arange(depth.max() + 2)).astype(np.int32)
        m = m1 * cells
        a = self.arrays
        a["_cab_parent"] = parent.reshape(-1).astype(np.int32)
        a["_cab_g"] = np.zeros(m)
        a["_cab_node"] = (flat.comp_node[None, :] + shift).reshape(-1).astype(np.int32)
        a["_cab_d"], a["_cab_b"] = np.zeros(m), np.zeros(m)
        a["_cab_order"], a["_cab_levels"] = order, levels
        a["_cab_sizes"] = np.array([m, len(levels) - 1], dtype=np.int32)

    def bind_cells(self, data, lo: int, hi: int) -> None:
        """Point the cable step of ``data`` at the trees of compartments [lo, hi) only
        (whole cells: an MPI rank's share); node indices become local."""
        n, m1 = self.flat_morphology.n, len(self.flat_morphology.node_parent)
        c0, c1 = lo // n, hi // n
        a, s0, s1 = self.arrays, c0 * m1, c1 * m1
        depth = np.tile(self.flat_morphology.node_depth, c1 - c0)
        order = np.argsort(depth, kind="stable").astype(np.int32)
        levels = np.searchsorted(depth[order], np.arange(
            (depth.max() if depth.size else -1) + 2)).astype(np.int32)
        local = {"_cab_parent": (a["_cab_parent"][s0:s1] - s0).astype(np.int32),
                 "_cab_node": (a["_cab_node"][lo:hi] - s0).astype(np.int32),
                 "_cab_g": a["_cab_g"][s0:s1], "_cab_d": a["_cab_d"][s0:s1],
                 "_cab_b": a["_cab_b"][s0:s1], "_cab_order": order,
                 "_cab_levels": levels,
                 "_cab_sizes": np.array([s1 - s0, max(len(levels) - 1, 0)], np.int32)}
        object.__setattr__(self, "_local_cable", local)   # (kept alive while bound)
        for key, arr in local.items():
            data.set_array(f"{self.name}/{key}", arr)

    def constant_values(self) -> dict[str, float]:
        """Runtime constants, and the axial conductances from the current ``Ri``."""
        ri = float(self.arrays["Ri"][0])
        if not ri > 0:
            raise ConfigurationError(f"Ri of SpatialNeuron '{self.name}' must be positive, "
                                     f"it is {ri:g} ohm*m", code="E960")
        cm = self.arrays["Cm"]
        if not np.all(cm > 0):
            raise ConfigurationError(f"Cm of SpatialNeuron '{self.name}' must be positive "
                                     "in every compartment", code="E960")
        g = self.flat_morphology.node_g / ri
        g[0] = 0.0   # (the root: no parent)
        self.arrays["_cab_g"][:] = np.tile(g, self.cells)
        return super().constant_values()

    @property
    def diffusion_state_updater(self):
        """The cable step's place in the schedule (Brian2's name; ``.when``, ``.order``:
        by default 'groups', order 1, after the gates)."""
        from .schedule import parts_of
        return next(p for p in parts_of(self) if p.name.endswith("_spatialstateupdater"))

    # ---- Brian2's derived quantities ---------------------------------------------------
    def _gtot(self) -> np.ndarray:
        """-dIm/dv per compartment, at the current state (a central difference over
        2 uV: exact for currents linear in v, up to rounding)."""
        v = self.arrays["v"]
        saved = v.copy()
        eq = self.equations["Im"]
        try:
            v[:] = saved + 1e-6
            up = self._evaluate(eq.expr, eq.snippet, eq.dim, raw=True)
            v[:] = saved - 1e-6
            down = self._evaluate(eq.expr, eq.snippet, eq.dim, raw=True)
        finally:
            v[:] = saved
        return -(up - down) / 2e-6

    @property
    def time_constant(self) -> Quantity:
        """Membrane time constant Cm/gtot of each compartment."""
        from ..units import second
        return Quantity(self.arrays["Cm"] / self._gtot(), get_dimension(second))

    @property
    def space_constant(self) -> Quantity:
        """Electrotonic length constant of each compartment (Brian2's formula)."""
        from ..units import meter
        a = self.arrays
        ri = float(a["Ri"][0])
        value = (2 / np.pi) ** (1 / 3) * (a["area"] / (1 / a["r_length_1"] +
                                                      1 / a["r_length_2"])) \
            ** (1 / 6) / (2 * np.sqrt(ri * self._gtot()))
        return Quantity(value, get_dimension(meter))

    # ---- selecting compartments -------------------------------------------------------
    def __getattr__(self, name: str):
        if not name.startswith("_") and self.__dict__.get("_ready", False):
            sub = _subtree(self, self.__dict__.get("morphology"), 0, name)
            if sub is not None:
                if self.cells > 1:
                    raise ConfigurationError(
                        f"SpatialNeuron '{self.name}' has {self.cells} cells: choose one "
                        f"first, e.g. {self.name}.cell(0).{name}", code="E962")
                return sub
        return NeuronGroup.__getattr__(self, name)

    def __getitem__(self, key):
        by_place = not isinstance(key, (numbers.Integral, slice)) or (
            isinstance(key, slice) and any(isinstance(e, Quantity)
                                           for e in (key.start, key.stop)))
        if self.cells > 1 and by_place:
            raise ConfigurationError(
                f"SpatialNeuron '{self.name}' has {self.cells} cells: choose one first, "
                f"e.g. {self.name}.cell(0)[...]", code="E962")
        return _segment(self, self.morphology, 0, key)

    def cell(self, k: int) -> "SpatialSubgroup":
        """The compartments of cell ``k`` (with ``cells=``): a subgroup that takes
        section names (``neuron.cell(3).dend.v``) and distances as the neuron does."""
        if not isinstance(k, numbers.Integral) or not 0 <= k < self.cells:
            raise ConfigurationError(f"cell {k!r} of SpatialNeuron '{self.name}', which "
                                     f"has {self.cells}", code="E962")
        n = self.flat_morphology.n
        return SpatialSubgroup(self, int(k) * n, (int(k) + 1) * n, self.morphology,
                               int(k) * n)

    def _indices_for(self, key):
        return NeuronGroup._indices_for(self, _as_index(key))

    def __repr__(self) -> str:
        return (f"SpatialNeuron({self.N} compartments, name={self.name!r}, "
                f"method={self.spec.method!r})")


def _as_index(key):
    if isinstance(key, (SubMorphology, Morphology)):
        idx = key._indices()
        return int(idx) if np.ndim(idx) == 0 else np.asarray(idx)
    return key


def _subtree_stop(morpho: Morphology) -> int:
    return morpho._start_index() + morpho.total_compartments


def _subtree(neuron: SpatialNeuron, morpho, offset: int, name: str):
    """``neuron.main`` (this section), ``neuron.dend`` (a subtree), or None; ``offset``:
    the first compartment of the cell (with ``cells=``)."""
    if morpho is None:
        return None
    if name == "main":
        start = morpho._start_index() + offset
        return SpatialSubgroup(neuron, start, start + morpho.n, morpho, offset)
    if name in morpho.children or (len(name) > 1 and all(c in "LR123456789"
                                                         for c in name)
                                   and name[0] in morpho.children):
        sub = morpho[name]
        start = sub._start_index() + offset
        return SpatialSubgroup(neuron, start, _subtree_stop(sub) + offset, sub, offset)
    return None


def _segment(neuron: SpatialNeuron, morpho: Morphology, offset: int, key) -> Subgroup:
    """Compartments of a section by index or by distance (a plain Subgroup); ``offset``:
    the start of ``neuron`` when it is a subgroup."""
    from .groups import _subgroup
    root = neuron.parent if isinstance(neuron, Subgroup) else neuron
    cell = getattr(neuron, "cell_offset", 0)
    if isinstance(key, slice) and any(isinstance(e, Quantity) for e in (key.start,
                                                                       key.stop)):
        idx = morpho[key]._indices()
        idx = np.atleast_1d(idx) + cell
        return Subgroup(root, int(idx[0]), int(idx[-1]) + 1)
    if isinstance(key, Quantity):
        i = int(morpho[key]._indices()) + cell
        return Subgroup(root, i, i + 1)
    if isinstance(key, (SubMorphology, Morphology)):
        idx = np.atleast_1d(key._indices()) + cell
        return Subgroup(root, int(idx[0]), int(idx[-1]) + 1)
    if isinstance(key, numbers.Integral) or isinstance(key, slice):
        if offset:
            n = neuron.stop - neuron.start if isinstance(neuron, Subgroup) else neuron.N
            start, stop, _ = (slice(key, key + 1) if isinstance(key, numbers.Integral)
                              else key).indices(n)
            return Subgroup(neuron.parent, offset + start, offset + stop)
        return _subgroup(neuron, key)
    raise TypeError(f"cannot select compartments with {type(key).__name__}")


class SpatialSubgroup(Subgroup):
    """A subtree of a SpatialNeuron (``neuron.dend``): its compartments, and its own
    subtrees by name (``neuron.dend.L``, ``neuron.dend.main``)."""

    def __init__(self, parent: SpatialNeuron, start: int, stop: int,
                 morphology: Morphology, cell_offset: int = 0):
        Subgroup.__init__(self, parent, start, stop)
        object.__setattr__(self, "morphology", morphology)
        object.__setattr__(self, "cell_offset", cell_offset)

    def __getattr__(self, name: str):
        if not name.startswith("_") and name not in ("parent", "start", "stop",
                                                     "morphology", "cell_offset"):
            sub = _subtree(self.parent, self.__dict__.get("morphology"),
                           self.__dict__.get("cell_offset", 0), name)
            if sub is not None:
                return sub
        return Subgroup.__getattr__(self, name)

    def __setattr__(self, name: str, value) -> None:
        if name in ("morphology", "cell_offset"):
            object.__setattr__(self, name, value)
        else:
            Subgroup.__setattr__(self, name, value)

    def __getitem__(self, key):
        return _segment(self, self.morphology, self.start, key)


__all__ = ["SpatialNeuron", "SpatialSubgroup", "spatial_model"]
