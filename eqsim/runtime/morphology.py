"""Neuron morphologies (Brian2's API): trees of unbranched sections made of compartments.

``Soma`` (a sphere, one compartment), ``Cylinder`` (constant diameter) and ``Section``
(a chain of truncated cones, a diameter per compartment boundary) are linked into a tree
in Python (``morpho.dendrite = Cylinder(...)``) or read from points / an SWC file.
Geometry is data here; :func:`flatten` gives the arrays a SpatialNeuron stores (one value
per compartment, in depth-first order: a section, then the subtrees of its children).

>>> from eqsim.units import um
>>> morpho = Soma(diameter=20*um)
>>> morpho.dend = Cylinder(diameter=2*um, length=100*um, n=4)
>>> morpho.total_compartments, morpho.dend.distance
(5, [12.5 37.5 62.5 87.5] * um)
"""
from __future__ import annotations

import numbers
import os

import numpy as np

from ..errors import ConfigurationError
from ..units import Quantity, get_dimension, is_plain_zero

__all__ = ["Morphology", "Soma", "Section", "Cylinder", "SubMorphology", "flatten",
           "FlatMorphology"]

_UM = 1e-6
SWC_TYPES = {1: "soma", 2: "axon", 3: "dend", 4: "apic"}   # names given to sections


def _length_dim():
    from ..units import meter
    return get_dimension(meter)


def _meters(value, what: str, shape=None) -> np.ndarray | None:
    """SI values (float array) of a length given in a unit of length; None stays None."""
    if value is None:
        return None
    if get_dimension(value) != _length_dim() and not (is_plain_zero(value)):
        raise ConfigurationError(f"{what} must be a length (e.g. 10*um), got {value!r}",
                                 code="E947")
    arr = np.array(np.asarray(value, dtype=float), dtype=float)
    if shape is not None and arr.shape != shape:
        raise ConfigurationError(f"{what} must have shape {shape}, got {arr.shape}",
                                 code="E947")
    return arr


def _q(values) -> Quantity:
    return Quantity(np.asarray(values, dtype=float), _length_dim())


def _check_n(n) -> int:
    if isinstance(n, str):
        raise ConfigurationError(
            f"n is the number of compartments, got the string {n!r}", code="E949",
            hint="to read a file use Morphology.from_file(filename)")
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Real) or \
            int(n) != n or n < 1:
        raise ConfigurationError(f"the number of compartments n must be a whole number "
                                 f">= 1, got {n!r}", code="E949")
    return int(n)


def _check_positive(values: np.ndarray, what: str, section: str) -> None:
    bad = np.flatnonzero(~(values > 0) | ~np.isfinite(values))
    if len(bad):
        raise ConfigurationError(
            f"{what} of {section} must be positive and finite: number {bad[0]} is "
            f"{values[bad[0]]:g} m", code="E948",
            hint="a compartment of zero length or diameter has no axial conductance")


class _Children:
    """The subtrees of a section, by name (given and automatic "1", "2", ...); iterates
    over the subtrees in the order they were added."""

    def __init__(self, owner: "Morphology"):
        self._owner = owner
        self._list: list[Morphology] = []
        self._by_name: dict[str, Morphology] = {}
        self._given: dict[int, str | None] = {}

    def __iter__(self):
        return iter(self._list)

    def __len__(self) -> int:
        return len(self._list)

    def __contains__(self, name) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> "Morphology":
        return self._by_name[name]

    def name(self, child: "Morphology") -> str | None:
        return self._given.get(id(child))

    def names(self) -> list[str]:
        return list(self._by_name)

    def add(self, name: str | None, child: "Morphology", automatic_name: bool = False):
        if not isinstance(child, Morphology):
            raise ConfigurationError(f"a subtree must be a Soma, Cylinder or Section, got "
                                     f"{type(child).__name__}", code="E950")
        node = self._owner
        while node is not None:   # attaching an ancestor (or itself) makes a cycle
            if node is child:
                raise ConfigurationError(
                    f"attaching '{name}' would make the morphology cyclic (the section is "
                    "already above this point of the tree)", code="E950",
                    hint="use a new section, or section.copy_section()")
            node = node._parent
        if child._parent is not None and child._parent is not node and \
                child._parent is not self._owner:
            raise ConfigurationError(
                f"the section attached as '{name}' already belongs to another tree "
                "(each section has one parent)", code="E950",
                hint="attach a copy: section.copy_section()")
        if name is not None and name in self._by_name and self._by_name[name] is not child:
            if not automatic_name:
                raise ConfigurationError(f"the name '{name}' is already used for a "
                                         "subtree", code="E950")
            base, k = name, 1
            while name in self._by_name:
                k += 1
                name = f"{base}{k}"
        if all(c is not child for c in self._list):
            self._list.append(child)
            self._by_name[str(len(self._list))] = child
            self._given[id(child)] = name
        if name is not None:
            self._by_name[name] = child
        child._parent = self._owner

    def remove(self, name: str) -> None:
        if name not in self._by_name:
            raise ConfigurationError(f"the subtree '{name}' does not exist", code="E950")
        child = self._by_name[name]
        self._list = [c for c in self._list if c is not child]
        self._by_name = {k: v for k, v in self._by_name.items() if v is not child}
        child._parent = None

    def __repr__(self) -> str:
        return f"<{len(self._list)} children: " + ", ".join(
            str(self.name(c)) for c in self._list) + ">"


class _IndexWrapper:
    def __init__(self, morpho):
        self._m = morpho

    def __getitem__(self, item):
        return self._m._indices(item)


class Morphology:
    """Base of the sections of a morphology tree (make a Soma, Cylinder or Section)."""

    _ATTRS = ("_n", "type", "_children", "_parent", "indices")

    def __init__(self, n: int, type: str | None = None):
        object.__setattr__(self, "_n", _check_n(n))
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "_children", _Children(self))
        object.__setattr__(self, "_parent", None)
        object.__setattr__(self, "indices", _IndexWrapper(self))

    # ---- tree -------------------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of compartments of this section."""
        return self._n

    def __len__(self):
        raise TypeError("the length of a Morphology is ambiguous: use .n (compartments of "
                        "this section) or .total_compartments")

    def __bool__(self) -> bool:
        return True

    @property
    def children(self) -> _Children:
        return self._children

    @property
    def parent(self) -> "Morphology | None":
        return self._parent

    @property
    def total_compartments(self) -> int:
        return self.n + sum(c.total_compartments for c in self._children)

    @property
    def total_sections(self) -> int:
        return 1 + sum(c.total_sections for c in self._children)

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, Morphology) and not name.startswith("_"):
            self[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except ConfigurationError:
            raise AttributeError(f"the section has no subtree or attribute '{name}'") \
                from None

    def __delattr__(self, name: str) -> None:
        del self[name]

    def __setitem__(self, name, child) -> None:
        name = str(name)
        if len(name) > 1 and all(c in "LR123456789" for c in name):
            self._children[name[0]][name[1:]] = child
        else:
            self._children.add(name, child)

    def __delitem__(self, name) -> None:
        name = str(name)
        if len(name) > 1 and all(c in "LR123456789" for c in name):
            del self._children[name[0]][name[1:]]
        else:
            self._children.remove(name)

    def __getitem__(self, item):
        """A subtree by name (``'axon'``, ``'L'``, ``'LRL'``, ``'12'``), or compartments of
        this section: ``[5]``, ``[2:4]``, ``[10*um]`` (the compartment there),
        ``[10*um:30*um]`` (those that overlap the range)."""
        if isinstance(item, str):
            if item in self._children:
                return self._children[item]
            if len(item) > 1 and all(c in "LR123456789" for c in item) and \
                    item[0] in self._children:
                return self._children[item[0]][item[1:]]
            raise ConfigurationError(f"the subtree '{item}' does not exist (subtrees: "
                                     f"{', '.join(self._children.names()) or 'none'})",
                                     code="E950")
        if isinstance(item, slice):
            return SubMorphology(self, *self._slice(item))
        if isinstance(item, Quantity) or (not isinstance(item, numbers.Integral) and
                                          get_dimension(item) == _length_dim()):
            pos = np.concatenate([[0.0], np.cumsum(self.length_)])
            x = float(np.asarray(item))
            if x < 0 or x > (1 + 1e-12) * pos[-1]:
                raise IndexError(f"{item} is outside the section (0 to {pos[-1]:g} m)")
            near = np.abs(x - pos)
            i = int(np.argmin(near)) if near.min() < 1e-12 * pos[-1] else \
                int(np.searchsorted(pos, x)) - 1
            i = min(i, self.n - 1)
            return SubMorphology(self, i, i + 1)
        if isinstance(item, numbers.Integral):
            i = int(item) + (self.n if item < 0 else 0)
            if not 0 <= i < self.n:
                raise IndexError(f"compartment {item} of a section of {self.n}")
            return SubMorphology(self, i, i + 1)
        raise TypeError(f"cannot index a morphology with {type(item).__name__}")

    def _slice(self, item: slice) -> tuple[int, int]:
        ends = [item.start, item.stop]
        if all(e is None or isinstance(e, numbers.Integral) for e in ends):
            i, j, step = item.indices(self.n)
            if step != 1:
                raise TypeError("only contiguous compartments can be selected")
            return i, j
        if item.step is not None:
            raise TypeError("a slice by length takes no step")
        pos = np.cumsum(self.length_)
        i, j = 0, self.n
        if item.start is not None:
            x = float(np.asarray(_meters(item.start, "the start of the slice")))
            near = np.abs(x - pos)
            i = int(np.argmin(near)) + 1 if near.min() < 1e-12 * pos[-1] else \
                int(np.searchsorted(pos, x))
        if item.stop is not None:
            x = float(np.asarray(_meters(item.stop, "the end of the slice")))
            near = np.abs(x - pos)
            j = int(np.argmin(near)) + 1 if near.min() < 1e-12 * pos[-1] else \
                int(np.searchsorted(pos, x)) + 1
        return i, min(j, self.n)

    def _root(self) -> "Morphology":
        node = self
        while node._parent is not None:
            node = node._parent
        return node

    def _start_index(self) -> int:
        """Index of this section's first compartment in the whole tree (depth first)."""
        counter = [0]

        def walk(node):
            if node is self:
                return True
            counter[0] += node.n
            return any(walk(c) for c in node._children)

        walk(self._root())
        return counter[0]

    def _indices(self, item=None):
        if item is not None and item != slice(None):
            return self[item]._indices()
        start = self._start_index()
        return start if self.n == 1 and item is None else np.arange(start, start + self.n)

    def topology(self) -> str:
        """A text picture of the tree (as NEURON's ``topology()``)."""
        lines = []

        def walk(node, indent, path):
            mark = "( )" if isinstance(node, Soma) else "-" * max(1, node.n) + "|"
            lines.append(" " * indent + ("`" if node._parent else "") + mark + "  " +
                         (path or "[root]"))
            for c in node._children:
                walk(c, indent + 2 + len(mark), f"{path}.{node._children.name(c)}")

        walk(self, 0, "")
        return "\n".join(lines) + "\n"

    def generate_coordinates(self, section_randomness: float = 0.0,
                             compartment_randomness: float = 0.0,
                             overwrite_existing: bool = False, seed: int | None = None):
        """A copy of the tree with coordinates for the sections that have none (for
        plots; the electrical properties do not change): children leave their parent at
        angles spread around its direction, optionally turned at random (degrees)."""
        rng = np.random.default_rng(seed)

        def direction(parent_dir, k, m, spread):
            angle = (np.pi / 4) * ((k + 0.5) / m - 0.5) * 2 if m > 1 else 0.0
            c, s = np.cos(angle), np.sin(angle)
            d = np.array([c * parent_dir[0] - s * parent_dir[1],
                          s * parent_dir[0] + c * parent_dir[1], parent_dir[2]])
            if spread:
                d = d + rng.normal(0, np.deg2rad(spread), 3)
            return d / np.linalg.norm(d)

        def build(node, parent_dir):
            if isinstance(node, Soma):
                new = Soma(node.diameter[0], x=_q(node.x_[0] if node.x_ is not None
                                                   else 0.0),
                           y=_q(node.y_[0] if node.y_ is not None else 0.0),
                           z=_q(node.z_[0] if node.z_ is not None else 0.0),
                           type=node.type)
                d = parent_dir
            elif node._x is not None and not overwrite_existing:
                new = node.copy_section()
                pts = node._points()
                d = pts[-1] - pts[0]
                d = d / np.linalg.norm(d) if np.linalg.norm(d) > 0 else parent_dir
            else:
                k = list(node._parent._children).index(node) if node._parent else 0
                m = len(node._parent._children) if node._parent else 1
                d = direction(parent_dir, k, m, section_randomness)
                steps = [d * length for length in node.length_]
                if compartment_randomness:
                    steps = [np.linalg.norm(s) * direction(d, 0, 1, compartment_randomness)
                             for s in steps]
                pts = np.vstack([np.zeros(3), np.cumsum(steps, axis=0)])
                if node._parent is not None and isinstance(node._parent, Soma):
                    pts += d * node._parent.diameter_[0] / 2   # start on the sphere
                new = Section(diameter=_q(node._diameters()), n=node.n,
                              x=_q(pts[:, 0]), y=_q(pts[:, 1]), z=_q(pts[:, 2]),
                              type=node.type)
            for c in node._children:
                new._children.add(node._children.name(c), build(c, d))
            return new

        return build(self, np.array([1.0, 0.0, 0.0]))

    # ---- geometry (per compartment; the ``_`` forms are plain SI floats) --------------
    def _geometry(self, name: str) -> Quantity:
        return _q(getattr(self, name + "_"))

    length = property(lambda self: self._geometry("length"),
                      doc="Length of each compartment.")
    diameter = property(lambda self: self._geometry("diameter"),
                        doc="Diameter at the middle of each compartment.")
    distance = property(lambda self: self._geometry("distance"),
                        doc="Path distance from the root to each compartment's midpoint.")

    @property
    def area(self) -> Quantity:
        """Membrane area of each compartment (no end disks)."""
        from ..units import meter
        return Quantity(self.area_, get_dimension(meter ** 2))

    @property
    def volume(self) -> Quantity:
        from ..units import meter
        return Quantity(self.volume_, get_dimension(meter ** 3))

    @property
    def r_length_1(self) -> Quantity:
        """Geometry term of the axial conductance start -> midpoint (divide by Ri)."""
        return self._geometry("r_length_1")

    @property
    def r_length_2(self) -> Quantity:
        """Geometry term of the axial conductance midpoint -> end (divide by Ri)."""
        return self._geometry("r_length_2")

    @property
    def end_distance(self) -> Quantity:
        return _q(self.end_distance_)

    def _parent_end(self) -> np.ndarray | None:
        """End point of the parent's last compartment (None without coordinates)."""
        p = self._parent
        if p is None:
            return None
        pts = p._end_points()
        return None if pts is None else pts[-1]

    for _axis, _k in (("x", 0), ("y", 1), ("z", 2)):
        locals()[f"start_{_axis}_"] = property(
            lambda self, k=_k: None if self._start_points() is None
            else self._start_points()[:, k])
        locals()[f"end_{_axis}_"] = property(
            lambda self, k=_k: None if self._end_points() is None
            else self._end_points()[:, k])
        locals()[f"{_axis}_"] = property(
            lambda self, k=_k: None if self._start_points() is None
            else 0.5 * (self._start_points()[:, k] + self._end_points()[:, k]))
        for _pre in ("start_", "end_", ""):
            locals()[f"{_pre}{_axis}"] = property(
                lambda self, nm=f"{_pre}{_axis}_": None if getattr(self, nm) is None
                else _q(getattr(self, nm)))
    del _axis, _k, _pre

    @property
    def coordinates_(self) -> np.ndarray | None:
        """(n+1, 3) points: the start of the first compartment, then each end (SI)."""
        s, e = self._start_points(), self._end_points()
        return None if s is None else np.vstack([s[:1], e])

    @property
    def coordinates(self) -> Quantity | None:
        c = self.coordinates_
        return None if c is None else _q(c)

    def copy_section(self) -> "Morphology":
        raise NotImplementedError

    def _label(self) -> str:
        p = self._parent
        if p is None:
            return f"the root section ({type(self).__name__})"
        return f"section '{p._children.name(self)}'"

    # ---- reading ----------------------------------------------------------------------
    @staticmethod
    def from_points(points, spherical_soma: bool = True, _source: str | None = None,
                    _lines: dict | None = None) -> "Morphology":
        """A tree from points ``(index, type, x, y, z, diameter, parent)`` in um (SWC
        order: each parent before its children; parent -1 for the root)."""
        return _from_points(points, spherical_soma, _source, _lines or {})

    @staticmethod
    def from_swc_file(filename, spherical_soma: bool = True) -> "Morphology":
        """Read an SWC file: ``index type x y z radius parent`` per line, ``#`` comments.
        Types 1-4 name sections soma/axon/dend/apic; other whole numbers >= 0 are kept
        unnamed (SWC's custom types)."""
        points, lines = [], {}
        name = os.fspath(filename)
        with open(name) as f:
            for lineno, line in enumerate(f, 1):
                line = line.split("#", 1)[0].strip()
                if not line:
                    continue
                parts = line.split()
                where = f"{name}, line {lineno}"
                if len(parts) != 7:
                    raise ConfigurationError(
                        f"{where}: an SWC line has 7 values (index type x y z radius "
                        f"parent), this one has {len(parts)}", code="E951")
                try:
                    index, kind, parent = int(parts[0]), int(parts[1]), int(parts[6])
                    x, y, z, r = (float(v) for v in parts[2:6])
                except ValueError:
                    raise ConfigurationError(
                        f"{where}: index, type and parent must be whole numbers and x, y, "
                        f"z, radius numbers: {line!r}", code="E951") from None
                if kind < 0:
                    raise ConfigurationError(
                        f"{where}: unknown SWC type {kind} (types are whole numbers >= 0: "
                        "1 soma, 2 axon, 3 dendrite, 4 apical dendrite, 0 and 5+ others)",
                        code="E953")
                points.append((index, SWC_TYPES.get(kind), x, y, z, 2 * r, parent))
                lines[index] = where
        if not points:
            raise ConfigurationError(f"{name}: no points in the SWC file", code="E951")
        return _from_points(points, spherical_soma, name, lines)

    @staticmethod
    def from_file(filename, spherical_soma: bool = True) -> "Morphology":
        """Read a morphology file (SWC, by its extension)."""
        if os.path.splitext(os.fspath(filename))[1].lower() != ".swc":
            raise ConfigurationError(f"cannot read '{filename}': only SWC files (.swc) are "
                                     "supported", code="E951")
        return Morphology.from_swc_file(filename, spherical_soma)


class SubMorphology:
    """Some contiguous compartments of one section (``morpho.dend[10*um:30*um]``). Usable
    as an index: ``neuron.I[morpho.dend[50*um]] = 1*nA`` (one compartment)."""

    def __init__(self, section: Morphology, i: int, j: int):
        if j <= i:
            raise IndexError(f"no compartments selected ({i} to {j})")
        self._section, self._i, self._j = section, i, j
        self.indices = _IndexWrapper(self)

    @property
    def n(self) -> int:
        return self._j - self._i

    def __len__(self) -> int:
        return self.n

    def _indices(self, item=None):
        start = self._section._start_index() + self._i
        if item is None and self.n == 1:
            return start
        return np.arange(start, start + self.n)

    def __index__(self) -> int:
        if self.n != 1:
            raise TypeError(f"{self.n} compartments are no single index")
        return int(self._indices())

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._indices(), dtype=dtype)   # one compartment: a 0-d array

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self._section, name)
        if isinstance(value, np.ndarray):
            return value[self._i:self._j]
        raise AttributeError(name)

    def __repr__(self) -> str:
        return f"<compartments {self._i}:{self._j} of {self._section!r}>"


class Soma(Morphology):
    """A spherical, isopotential soma (one compartment; area pi*d**2)."""

    def __init__(self, diameter, x=None, y=None, z=None, type: str = "soma"):
        Morphology.__init__(self, 1, type)
        d = _meters(diameter, "the diameter of a Soma")
        if d.size != 1:
            raise ConfigurationError("the diameter of a Soma is one value", code="E947")
        _check_positive(d.reshape(1), "the diameter", "a Soma")
        object.__setattr__(self, "diameter_", d.reshape(1))
        pos = [_meters(c, "a coordinate of a Soma") for c in (x, y, z)]
        if any(p is not None for p in pos):
            pos = [np.zeros(1) if p is None else p.reshape(1) for p in pos]
            object.__setattr__(self, "_x", np.array([p[0] for p in pos]))
        else:
            object.__setattr__(self, "_x", None)

    def __repr__(self) -> str:
        return f"Soma(diameter={self.diameter[0]!r})"

    def copy_section(self) -> "Soma":
        c = None if self._x is None else [_q(v) for v in self._x]
        return Soma(_q(self.diameter_[0]), *(c or (None, None, None)), type=self.type)

    length_ = property(lambda self: self.diameter_.copy())
    area_ = property(lambda self: np.pi * self.diameter_ ** 2)
    volume_ = property(lambda self: np.pi * self.diameter_ ** 3 / 6)
    # very large axial conductance: the soma is at the potential of its connections
    r_length_1_ = property(lambda self: np.ones(1))
    r_length_2_ = property(lambda self: np.ones(1))

    @property
    def distance_(self) -> np.ndarray:
        return self._parent.distance_[-1:].copy() if self._parent is not None \
            else np.zeros(1)

    @property
    def end_distance_(self) -> float:
        return self._parent.end_distance_ if self._parent is not None else 0.0

    def _start_points(self):
        return None if self._x is None else self._x.reshape(1, 3)

    _end_points = _start_points

    def _diameters(self):
        return np.repeat(self.diameter_, 2)


class Section(Morphology):
    """An unbranched section of ``n`` truncated cones: ``diameter`` has n+1 values (at
    the start and at each compartment's end); give ``length`` (n values) or coordinates
    ``x``/``y``/``z`` (n+1 points, relative to the parent's end point)."""

    def __init__(self, diameter, n: int = 1, length=None, x=None, y=None, z=None,
                 type: str | None = None):
        Morphology.__init__(self, n, type)
        n = self._n
        d = _meters(diameter, "the diameter of a Section")
        if d.shape != (n + 1,):
            raise ConfigurationError(f"a Section of {n} compartments takes {n + 1} "
                                     f"diameters (start and ends), got {d.size}",
                                     code="E947")
        self._init_shape(d, n, length, x, y, z)

    def _init_shape(self, d, n, length, x, y, z):
        object.__setattr__(self, "_d", d)
        coords = [_meters(c, f"the coordinate {a}") for a, c in zip("xyz", (x, y, z))]
        if length is not None and any(c is not None for c in coords):
            raise ConfigurationError("give either the length or coordinates of a section,"
                                     " not both", code="E947")
        if length is None:
            if all(c is None for c in coords):
                raise ConfigurationError("a section needs a length or x/y/z coordinates",
                                         code="E947")
            for a, c in zip("xyz", coords):
                if c is not None and c.shape != (n + 1,):
                    raise ConfigurationError(f"{a} must hold {n + 1} points for {n} "
                                             f"compartments, got {c.size}", code="E947")
            pts = np.column_stack([np.zeros(n + 1) if c is None else c for c in coords])
            object.__setattr__(self, "_x", pts)
            object.__setattr__(self, "_len", np.sqrt(np.sum(np.diff(pts, axis=0) ** 2, 1)))
        else:
            object.__setattr__(self, "_x", None)
            object.__setattr__(self, "_len", self._lengths(length, n))
        _check_positive(self._d, "the diameters", "a section")
        _check_positive(self._len, "the compartment lengths", "a section")

    @staticmethod
    def _lengths(length, n):
        values = _meters(length, "the length of a Section")
        if values.shape != (n,):
            raise ConfigurationError(f"a Section of {n} compartments takes {n} lengths, "
                                     f"got {values.size}", code="E947")
        return values

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n={self.n}, length={self.length_.sum():g} m)"

    def copy_section(self) -> "Section":
        kw = {"length": _q(self._len)} if self._x is None else \
            {a: _q(self._x[:, k]) for k, a in enumerate("xyz")}
        return Section(_q(self._d), self.n, type=self.type, **kw)

    def _diameters(self):
        return self._d

    start_diameter_ = property(lambda self: self._d[:-1].copy())
    end_diameter_ = property(lambda self: self._d[1:].copy())
    start_diameter = property(lambda self: _q(self.start_diameter_))
    end_diameter = property(lambda self: _q(self.end_diameter_))
    length_ = property(lambda self: self._len.copy())
    diameter_ = property(lambda self: 0.5 * (self._d[:-1] + self._d[1:]))

    @property
    def area_(self) -> np.ndarray:
        d1, d2 = self._d[:-1], self._d[1:]
        return np.pi / 2 * (d1 + d2) * np.sqrt((d1 - d2) ** 2 / 4 + self._len ** 2)

    @property
    def volume_(self) -> np.ndarray:
        d1, d2 = self._d[:-1], self._d[1:]
        return np.pi * self._len * (d1 ** 2 + d1 * d2 + d2 ** 2) / 12

    @property
    def r_length_1_(self) -> np.ndarray:
        d1, dm = self._d[:-1], 0.5 * (self._d[:-1] + self._d[1:])
        return np.pi / 2 * d1 * dm / self._len

    @property
    def r_length_2_(self) -> np.ndarray:
        dm, d2 = 0.5 * (self._d[:-1] + self._d[1:]), self._d[1:]
        return np.pi / 2 * dm * d2 / self._len

    @property
    def distance_(self) -> np.ndarray:
        base = self._parent.end_distance_ if self._parent is not None else 0.0
        return base + np.cumsum(self._len) - 0.5 * self._len

    @property
    def end_distance_(self) -> float:
        base = self._parent.end_distance_ if self._parent is not None else 0.0
        return float(base + self._len.sum())

    def _points(self):
        if self._x is None:
            return None
        origin = self._parent_end()
        return self._x + (origin if origin is not None else 0.0)

    def _start_points(self):
        p = self._points()
        return None if p is None else p[:-1]

    def _end_points(self):
        p = self._points()
        return None if p is None else p[1:]


class Cylinder(Section):
    """A section of constant diameter: ``length`` (total) or ``x``/``y``/``z`` (start and
    end point, relative to the parent's end), split into ``n`` equal compartments."""

    def __init__(self, diameter, n: int = 1, length=None, x=None, y=None, z=None,
                 type: str | None = None):
        Morphology.__init__(self, n, type)
        n = self._n
        d = _meters(diameter, "the diameter of a Cylinder")
        if d.size != 1:
            raise ConfigurationError("the diameter of a Cylinder is one value (use "
                                     "Section for varying diameters)", code="E947")
        if length is not None:
            total = _meters(length, "the length of a Cylinder")
            if total.size != 1:
                raise ConfigurationError("the length of a Cylinder is one value (its total"
                                         " length)", code="E947")
            length = _q(np.full(n, float(total.reshape(-1)[0]) / n))
        coords = []
        for a, c in zip("xyz", (x, y, z)):
            v = _meters(c, f"the coordinate {a} of a Cylinder")
            if v is not None and v.shape != (2,):
                raise ConfigurationError(f"{a} of a Cylinder holds 2 values (start and "
                                         "end point)", code="E947")
            coords.append(None if v is None else _q(np.linspace(v[0], v[1], n + 1)))
        self._init_shape(np.full(n + 1, float(d.reshape(-1)[0])), n, length, *coords)

    def copy_section(self) -> "Cylinder":
        if self._x is None:
            return Cylinder(_q(self._d[0]), self.n, length=_q(self._len.sum()),
                            type=self.type)
        return Cylinder(_q(self._d[0]), self.n, type=self.type,
                        **{a: _q(self._x[[0, -1], k]) for k, a in enumerate("xyz")})

    # exact cylinder formulas (the same values as the cone ones, without rounding)
    area_ = property(lambda self: np.pi * self._d[1:] * self._len)
    volume_ = property(lambda self: np.pi * (self._d[1:] / 2) ** 2 * self._len)
    r_length_1_ = property(lambda self: np.pi / 2 * self._d[1:] ** 2 / self._len)
    r_length_2_ = r_length_1_
    diameter_ = property(lambda self: self._d[1:].copy())


# ---- points and SWC ---------------------------------------------------------------------
class _Point:
    __slots__ = ("index", "kind", "xyz", "diameter", "parent", "children")

    def __init__(self, index, kind, xyz, diameter, parent):
        self.index, self.kind, self.xyz = index, kind, xyz
        self.diameter, self.parent, self.children = diameter, parent, []


def _from_points(points, spherical_soma: bool, source: str | None,
                 lines: dict) -> Morphology:
    def where(index):
        return lines.get(index, f"{source or 'points'}, point {index}")

    nodes: dict = {}
    root = None
    for k, p in enumerate(points):
        if len(p) != 7:
            raise ConfigurationError(f"point {k}: each point has 7 values (index, type, x, "
                                     f"y, z, diameter, parent), got {len(p)}", code="E951")
        index, kind, x, y, z, diameter, parent = p
        if index in nodes:
            raise ConfigurationError(f"{where(index)}: the index {index} is used twice",
                                     code="E954")
        if parent == index:
            raise ConfigurationError(f"{where(index)}: point {index} is its own parent (a "
                                     "cycle)", code="E950")
        if not diameter > 0:
            raise ConfigurationError(f"{where(index)}: the radius/diameter of point {index} "
                                     f"is {diameter}, it must be positive", code="E948")
        if parent == -1 or parent is None:
            if root is not None:
                raise ConfigurationError(
                    f"{where(index)}: a second root point (parent -1): the morphology is "
                    f"disconnected (the first root is point {root.index})", code="E952",
                    hint="a morphology is one tree: every point but the first needs a "
                         "parent")
            parent_node = None
        elif parent not in nodes:
            raise ConfigurationError(
                f"{where(index)}: parent {parent} of point {index} is missing (not defined "
                "before it): the morphology is disconnected or out of order", code="E952")
        else:
            parent_node = nodes[parent]
        node = _Point(index, kind, np.array([x, y, z], dtype=float) * _UM,
                      float(diameter) * _UM, parent_node)
        nodes[index] = node
        if parent_node is None:
            root = node
        else:
            parent_node.children.append(node)
    if root is None:
        raise ConfigurationError(f"{source or 'points'}: no root point (parent -1)",
                                 code="E952")
    if spherical_soma:
        _three_point_soma(root, where)
    sections: list[tuple[Morphology, Morphology | None]] = []
    _make_sections(root, None, spherical_soma, sections, where)
    for parent in {id(p): p for _, p in sections if p is not None}.values():
        kids = list(parent._children)
        for k, child in enumerate(kids):   # Brian2's extra names: L/R, or 1, 2, 3, ...
            extra = ("L" if k == 0 else "R") if len(kids) <= 2 else str(k + 1)
            if extra not in parent._children:
                parent._children._by_name[extra] = child
    return sections[0][0]


def _three_point_soma(root: _Point, where) -> None:
    """A soma of three points (centre and two points one radius away) becomes one
    sphere, as Brian2 and neuromorpho.org's convention do."""
    somas = [c for c in root.children if c.kind == "soma" and not c.children]
    if root.kind != "soma" or len(somas) != 2:
        return
    r = root.diameter / 2
    for c in somas:
        if abs(c.diameter - root.diameter) > 1e-15 or \
                abs(np.linalg.norm(c.xyz - root.xyz) - r) > 0.1 * _UM:
            raise ConfigurationError(
                f"{where(c.index)}: a 3-point soma needs the same diameter at its three "
                "points and the outer two one radius from the first", code="E954")
    root.children = [c for c in root.children if c not in somas]


def _make_sections(start: _Point, parent: Morphology | None, spherical_soma: bool,
                   out: list, where) -> None:
    chain = [start]
    node = start
    while len(node.children) == 1 and node.children[0].kind == node.kind:
        node = node.children[0]
        chain.append(node)
    if spherical_soma and len(chain) == 1 and start.kind == "soma":
        x, y, z = (_q(v) for v in start.xyz)
        section = Soma(_q(start.diameter), x=x, y=y, z=z)
    else:
        prev = start.parent
        if prev is not None:
            first_d = chain[0].diameter if prev.kind == "soma" else prev.diameter
            pts = [prev.xyz] + [c.xyz for c in chain]
            diam = [first_d] + [c.diameter for c in chain]
            origin = prev.xyz
        else:
            if len(chain) < 2:
                raise ConfigurationError(
                    f"{where(start.index)}: the root point alone makes no section (a "
                    "single non-soma root point has no length)", code="E948")
            pts = [c.xyz for c in chain]
            diam = [c.diameter for c in chain]
            origin = np.zeros(3)
        pts = np.array(pts) - origin
        steps = np.sqrt(np.sum(np.diff(pts, axis=0) ** 2, axis=1))
        bad = np.flatnonzero(~(steps > 0))
        if len(bad):
            idx = chain[bad[0] + (0 if prev is not None else 1)].index
            raise ConfigurationError(
                f"{where(idx)}: point {idx} is at the same place as its parent: a "
                "compartment of zero length", code="E948",
                hint="remove the duplicated point from the file")
        section = Section(diameter=_q(diam), n=len(pts) - 1, x=_q(pts[:, 0]),
                          y=_q(pts[:, 1]), z=_q(pts[:, 2]), type=start.kind)
    if parent is not None:
        parent._children.add(start.kind, section, automatic_name=True)
    out.append((section, parent))
    for child in node.children:
        _make_sections(child, section, spherical_soma, out, where)


# ---- flattening: arrays per compartment, and the tree the cable solver walks ------------
class FlatMorphology:
    """The tree as arrays. Compartments are numbered depth first (a section's
    compartments, then its children's subtrees). The cable solver's tree has one node per
    compartment and one per section end point (plus the root's start point): nodes are
    numbered so that a parent comes before its children."""

    def __init__(self, morpho: Morphology):
        self.n = morpho.total_compartments
        names = ("length_", "distance_", "area_", "diameter_", "volume_", "r_length_1_",
                 "r_length_2_")
        cols = {k: [] for k in names}
        coords, sections = [], []
        self.has_coordinates = False
        # node 0: the start point of the root section; then per section its compartments
        # and its end point (arrays per section, concatenated: no loop per compartment)
        parents, gs, comps, depths = [[-1]], [[0.0]], [[-1]], [[0]]
        count = [1]
        node_depth = {0: 0}

        def walk(sec: Morphology, start_node: int, offset: int) -> int:
            for k in names:
                cols[k].append(np.asarray(getattr(sec, k), dtype=float))
            if sec._start_points() is not None:
                self.has_coordinates = True
                coords.append(np.vstack([sec.x_, sec.y_, sec.z_]).T)
            else:
                coords.append(np.full((sec.n, 3), np.nan))
            sections.append((sec, offset, offset + sec.n))
            r1, r2 = np.asarray(sec.r_length_1_), np.asarray(sec.r_length_2_)
            n, base = sec.n, count[0]
            parents.append(np.concatenate([[start_node], np.arange(base, base + n)]))
            comps.append(np.concatenate([np.arange(offset, offset + n), [-1]]))
            # conductance/Ri to the previous node: from the section's start point, between
            # two midpoints (two half compartments in series), to the end point
            gs.append(np.concatenate([r1[:1], 1.0 / (1.0 / r2[:-1] + 1.0 / r1[1:]),
                                      r2[-1:]]))
            first_depth = node_depth[start_node] + 1
            depths.append(first_depth + np.arange(n + 1))
            end = base + n
            node_depth[end] = first_depth + n
            count[0] = end + 1
            offset += n
            for child in sec._children:
                offset = walk(child, end, offset)
            return offset

        walk(morpho, 0, 0)
        for k in names:
            setattr(self, k.rstrip("_"), np.concatenate(cols[k]))
        xyz = np.vstack(coords)
        self.x, self.y, self.z = (xyz[:, k] for k in range(3)) if self.has_coordinates \
            else (None, None, None)
        self.sections = sections
        self.node_parent = np.concatenate(parents).astype(np.int32)
        self.node_g = np.concatenate(gs).astype(float)   # times 1/Ri: conductances
        self.node_comp = np.concatenate(comps).astype(np.int32)
        self.comp_node = np.flatnonzero(self.node_comp >= 0).astype(np.int32)
        self.node_depth = np.concatenate(depths).astype(np.int32)


def flatten(morpho: Morphology) -> FlatMorphology:
    """The arrays of a morphology (see :class:`FlatMorphology`)."""
    if not isinstance(morpho, Morphology):
        raise ConfigurationError(f"a SpatialNeuron needs a Morphology (Soma, Cylinder, "
                                 f"Section, or Morphology.from_file), got "
                                 f"{type(morpho).__name__}", code="E950")
    return FlatMorphology(morpho)
