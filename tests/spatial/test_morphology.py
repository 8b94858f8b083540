"""Morphologies (no compiler): geometry against the formulas, indexing, trees built in
Python, points and SWC files, coordinates, and the flattened tree of the cable solver."""
from __future__ import annotations

import numpy as np
import pytest

import eqsim as eq
from eqsim.runtime.morphology import flatten
from eqsim.units import um

SWC = """# a soma of 3 points, a dendrite that branches, an axon
1 1 0 0 0 5 -1
2 1 0 5 0 5 1
3 1 0 -5 0 5 1
4 3 10 0 0 1 1
5 3 20 0 0 1 4
6 3 30 5 0 0.5 5
7 3 40 10 0 0.5 6
8 3 30 -5 0 0.5 5
9 2 -10 0 0 0.75 1
10 2 -30 0 0 0.75 9
"""


def test_cylinder_geometry():
    c = eq.Cylinder(diameter=2 * um, length=100 * um, n=4)
    np.testing.assert_allclose(c.length / um, [25] * 4)
    np.testing.assert_allclose(c.area / um ** 2, [np.pi * 2 * 25] * 4)
    np.testing.assert_allclose(c.volume / um ** 3, [np.pi * 25] * 4)
    np.testing.assert_allclose(c.distance / um, [12.5, 37.5, 62.5, 87.5])
    np.testing.assert_allclose(c.r_length_1 / um, [np.pi / 2 * 4 / 25] * 4)
    assert c.end_distance / um == pytest.approx(100)
    assert c.coordinates is None and c.x is None


def test_section_frustums():
    s = eq.Section(diameter=[4, 2] * um, n=1, length=[10] * um)
    d1, d2, L = 4, 2, 10
    assert float(s.area[0] / um ** 2) == pytest.approx(
        np.pi / 2 * (d1 + d2) * np.sqrt((d1 - d2) ** 2 / 4 + L ** 2))
    assert float(s.volume[0] / um ** 3) == pytest.approx(
        np.pi * L * (d1 ** 2 + d1 * d2 + d2 ** 2) / 12)
    assert float(s.diameter[0] / um) == 3
    # start -> midpoint and midpoint -> end conductance terms (Brian2's definitions)
    assert float(s.r_length_1[0] / um) == pytest.approx(np.pi / 2 * 4 * 3 / 10)
    assert float(s.r_length_2[0] / um) == pytest.approx(np.pi / 2 * 3 * 2 / 10)


def test_soma_and_tree():
    m = eq.Soma(diameter=20 * um)
    m.dend = eq.Cylinder(diameter=2 * um, length=100 * um, n=4)
    m.dend.L = eq.Cylinder(diameter=1 * um, length=50 * um, n=2)
    m.dend.R = eq.Cylinder(diameter=1 * um, length=40 * um, n=2)
    m["axon"] = eq.Cylinder(diameter=1 * um, length=10 * um, n=1)
    assert float(m.area[0] / um ** 2) == pytest.approx(np.pi * 400)
    assert m.total_compartments == 1 + 4 + 2 + 2 + 1 and m.total_sections == 5
    assert m.dend["L"] is m.dend.L and m["dend"] is m.dend
    assert m["1L"] is m.dend.L and m["12"] is m.dend.R   # Brian2's path names
    np.testing.assert_allclose(m.dend.L.distance / um, [112.5, 137.5])   # after the soma
    assert list(m.dend.L.indices[:]) == [5, 6] and m.axon.indices[:] == 9
    assert m.dend[30 * um:60 * um].indices[:].tolist() == [2, 3]
    assert int(m.dend[50 * um]) == 3        # the compartment at 50 um
    assert "dend.L" in m.topology()
    with pytest.raises(TypeError):
        len(m)
    del m.dend.R
    assert m.total_compartments == 8


def test_coordinates_and_generated():
    c = eq.Cylinder(diameter=1 * um, x=[0, 10] * um, n=2)
    np.testing.assert_allclose(c.x / um, [2.5, 7.5])
    np.testing.assert_allclose(c.coordinates / um, [[0, 0, 0], [5, 0, 0], [10, 0, 0]])
    c.child = eq.Cylinder(diameter=1 * um, y=[0, 4] * um, n=1)
    np.testing.assert_allclose(c.child.end_x / um, [10])     # relative to the parent's end
    np.testing.assert_allclose(c.child.end_y / um, [4])
    m = eq.Soma(10 * um)
    m.a = eq.Cylinder(diameter=1 * um, length=30 * um, n=3)
    m.b = eq.Cylinder(diameter=1 * um, length=20 * um, n=2)
    g = m.generate_coordinates()
    for sec, orig in ((g.a, m.a), (g.b, m.b)):
        steps = np.diff(sec.coordinates_, axis=0)
        np.testing.assert_allclose(np.linalg.norm(steps, axis=1), orig.length_)
        # starts on the soma's surface
        assert np.linalg.norm(sec.coordinates_[0]) == pytest.approx(5e-6)


def test_swc_file(tmp_path):
    path = tmp_path / "cell.swc"
    path.write_text(SWC)
    m = eq.Morphology.from_file(path)
    assert isinstance(m, eq.Soma) and float(m.diameter[0] / um) == 10   # 3-point soma
    assert sorted(n for n in m.children.names() if not n.isdigit()) == \
        ["L", "R", "axon", "dend"]
    dend = m.dend
    assert dend.n == 2 and dend.type == "dend"
    np.testing.assert_allclose(dend.length / um, [10, 10])
    # the first compartment of a section on the soma takes its own diameter
    np.testing.assert_allclose(dend.start_diameter / um, [2, 2])   # 2 * radius
    assert sorted(dend.children.names()) == ["1", "2", "L", "R", "dend", "dend2"]
    np.testing.assert_allclose(dend.L.length / um, [np.hypot(10, 5), np.hypot(10, 5)])
    assert m.axon.n == 2 and m.total_compartments == 1 + 2 + 2 + 1 + 2
    pts = [(1, "soma", 0, 0, 0, 10, -1), (2, "dend", 10, 0, 0, 1, 1)]
    m2 = eq.Morphology.from_points(pts)
    assert m2.dend.n == 1 and float(m2.dend.length[0] / um) == 10


def test_flat_tree_is_ordered_parents_first():
    m = eq.Soma(diameter=20 * um)
    m.d1 = eq.Cylinder(diameter=2 * um, length=100 * um, n=3)
    m.d1.a = eq.Cylinder(diameter=1 * um, length=50 * um, n=2)
    m.d2 = eq.Section(diameter=[2, 1.5, 1] * um, n=2, length=[10, 10] * um)
    f = flatten(m)
    nodes = len(f.node_parent)
    assert nodes == f.n + m.total_sections + 1
    assert np.all(f.node_parent[1:] < np.arange(1, nodes))
    assert np.all(np.diff(f.comp_node) > 0) and len(f.comp_node) == f.n
    np.testing.assert_allclose(f.area, np.concatenate([m.area_, m.d1.area_, m.d1.a.area_,
                                                       m.d2.area_]))
    # between two compartments of a section: two half compartments in series
    k = f.comp_node[2]
    r1, r2 = m.d1.r_length_1_, m.d1.r_length_2_
    assert f.node_g[k] == pytest.approx(1 / (1 / r2[0] + 1 / r1[1]))
