"""eqsim.pynn's connectors: PyNN's meaning of every connector, from whole index arrays.

Nothing here runs a network (no compiler): the connections are read back with
Projection.get.
"""
import numpy as np
import pytest

pytest.importorskip("pyNN")
pytest.importorskip("neo")

from pyNN import errors as pynn_errors
from pyNN.space import Grid2D, Line

import eqsim.pynn as sim
from eqsim import EqsimError
from tests.pynn.doubles import IFCurrExpDouble, StaticDouble


@pytest.fixture
def pops():
    sim.setup(timestep=0.1)
    a = sim.Population(40, IFCurrExpDouble(), label="a")
    b = sim.Population(30, IFCurrExpDouble(), label="b")
    return a, b


def pairs(prj):
    out = prj.get("weight", format="list")
    return np.array([(i, j) for i, j, _ in out], dtype=int).reshape(-1, 2)


def test_all_to_all_and_self_connections(pops):
    a, _ = pops
    full = sim.Projection(a, a, sim.AllToAllConnector(), StaticDouble(weight=0.1))
    assert len(full) == 40 * 40
    no_self = sim.Projection(a, a, sim.AllToAllConnector(allow_self_connections=False),
                             StaticDouble(weight=0.1))
    p = pairs(no_self)
    assert len(p) == 40 * 39 and not np.any(p[:, 0] == p[:, 1])
    # a view onto its parent: "self" means the same cell, not the same index
    view = a[10:20]
    v = pairs(sim.Projection(view, a, sim.AllToAllConnector(allow_self_connections=False),
                             StaticDouble(weight=0.1)))
    assert len(v) == 10 * 39
    assert not np.any(view.index_in_grandparent(v[:, 0]) == v[:, 1])


def test_one_to_one(pops):
    a, _ = pops
    c = sim.Population(40, IFCurrExpDouble())
    p = pairs(sim.Projection(a, c, sim.OneToOneConnector(), StaticDouble(weight=0.2)))
    assert np.array_equal(p[:, 0], np.arange(40)) and np.array_equal(p[:, 1], np.arange(40))


def test_fixed_probability_counts_and_seed(pops):
    a, b = pops
    prj = sim.Projection(a, b, sim.FixedProbabilityConnector(0.2, rng=sim.NumpyRNG(7)),
                         StaticDouble(weight=0.1))
    n, p = 40 * 30, 0.2
    assert abs(len(prj) - n * p) < 5 * np.sqrt(n * p * (1 - p))
    again = sim.Projection(a, b, sim.FixedProbabilityConnector(0.2, rng=sim.NumpyRNG(7)),
                           StaticDouble(weight=0.1))
    assert np.array_equal(pairs(prj), pairs(again))
    # no autapses when they are not allowed, in a large enough sample to meet some
    big = sim.Projection(a, a, sim.FixedProbabilityConnector(
        0.9, allow_self_connections=False, rng=sim.NumpyRNG(1)), StaticDouble(weight=0.1))
    q = pairs(big)
    assert len(q) > 1000 and not np.any(q[:, 0] == q[:, 1])


def test_fixed_number_pre_and_post(pops):
    a, b = pops
    pre = pairs(sim.Projection(a, b, sim.FixedNumberPreConnector(7, rng=sim.NumpyRNG(2)),
                               StaticDouble(weight=0.1)))
    assert np.array_equal(np.bincount(pre[:, 1], minlength=30), np.full(30, 7))
    assert len(np.unique(pre, axis=0)) == len(pre)       # without replacement
    post = pairs(sim.Projection(a, b, sim.FixedNumberPostConnector(
        5, rng=sim.NumpyRNG(3)), StaticDouble(weight=0.1)))
    assert np.array_equal(np.bincount(post[:, 0], minlength=40), np.full(40, 5))
    assert len(np.unique(post, axis=0)) == len(post)
    # more than the pool: every source once, then the rest drawn (PyNN's full sets)
    many = pairs(sim.Projection(a, a, sim.FixedNumberPreConnector(
        45, allow_self_connections=False, rng=sim.NumpyRNG(4)), StaticDouble(weight=0.1)))
    assert np.array_equal(np.bincount(many[:, 1], minlength=40), np.full(40, 45))
    assert not np.any(many[:, 0] == many[:, 1])
    for t in range(40):
        srcs = many[many[:, 1] == t, 0]
        assert set(srcs) == set(range(40)) - {t}
    # with replacement, a number drawn per target
    n = sim.RandomDistribution("binomial", (20, 0.5), rng=sim.NumpyRNG(5))
    var = pairs(sim.Projection(a, b, sim.FixedNumberPreConnector(
        n, with_replacement=True, rng=sim.NumpyRNG(6)), StaticDouble(weight=0.1)))
    counts = np.bincount(var[:, 1], minlength=30)
    assert counts.min() >= 0 and abs(counts.mean() - 10) < 2 and counts.std() > 0


def test_fixed_total_number(pops):
    a, b = pops
    prj = sim.Projection(a, b, sim.FixedTotalNumberConnector(
        300, with_replacement=False, rng=sim.NumpyRNG(8)), StaticDouble(weight=0.1))
    p = pairs(prj)
    assert len(p) == 300 and len(np.unique(p, axis=0)) == 300
    dense = pairs(sim.Projection(a, a, sim.FixedTotalNumberConnector(
        40 * 39, with_replacement=False, allow_self_connections=False,
        rng=sim.NumpyRNG(9)), StaticDouble(weight=0.1)))
    assert len(np.unique(dense, axis=0)) == 40 * 39 and not np.any(dense[:, 0] == dense[:, 1])


def test_distance_and_index_based(pops):
    sim.setup()
    line_a = sim.Population(20, IFCurrExpDouble(), structure=Line(dx=1.0))
    grid = sim.Population(16, IFCurrExpDouble(), structure=Grid2D(dx=1.0, dy=1.0))
    p = pairs(sim.Projection(line_a, line_a, sim.DistanceDependentProbabilityConnector(
        "d < 2.5", allow_self_connections=False), StaticDouble(weight=0.1)))
    expect = {(i, j) for i in range(20) for j in range(20) if 0 < abs(i - j) < 2.5}
    assert set(map(tuple, p)) == expect
    # probability exp(-d): about sum over pairs of exp(-d)
    d = np.hypot(*(grid.positions[:2, :, None] - grid.positions[:2, None, :]))
    prj = sim.Projection(grid, grid, sim.DistanceDependentProbabilityConnector(
        "exp(-d)", rng=sim.NumpyRNG(3)), StaticDouble(weight=0.1))
    mean = np.exp(-d).sum()
    assert abs(len(prj) - mean) < 5 * np.sqrt(mean)
    # weights as a function of distance, evaluated per connection
    wd = sim.Projection(line_a, line_a, sim.AllToAllConnector(),
                        StaticDouble(weight="0.1*d + 0.01"))
    w = wd.get("weight", format="array")
    assert np.allclose(w, 0.1 * np.abs(np.subtract.outer(np.arange(20), np.arange(20)))
                       + 0.01)

    from pyNN.core import IndexBasedExpression

    class NextOne(IndexBasedExpression):
        def __call__(self, i, j):
            return (j == i + 1).astype(float)

    ib = pairs(sim.Projection(line_a, line_a, sim.IndexBasedProbabilityConnector(NextOne()),
                              StaticDouble(weight=0.1)))
    assert set(map(tuple, ib)) == {(i, i + 1) for i in range(19)}


def test_from_list_file_array_clone(pops, tmp_path):
    a, b = pops
    conns = [(0, 1, 0.5, 1.0), (3, 2, 0.25, 2.0), (3, 2, 0.75, 3.0), (39, 29, 0.1, 0.5)]
    prj = sim.Projection(a, b, sim.FromListConnector(conns), StaticDouble())
    got = sorted(prj.get(["weight", "delay"], format="list"))
    assert np.allclose(got, sorted(conns))
    w = prj.get("weight", format="array")   # the repeated pair is summed by default
    assert w[3, 2] == pytest.approx(1.0) and np.isnan(w[0, 0])
    assert prj.get("weight", format="array", multiple_synapses="max")[3, 2] == 0.75
    path = tmp_path / "conns.txt"
    prj.save("all", str(path), format="list")
    again = sim.Projection(a, b, sim.FromFileConnector(str(path)), StaticDouble())
    assert np.allclose(sorted(again.get(["weight", "delay"], format="list")), sorted(conns))
    mask = np.zeros((40, 30), bool)
    mask[[1, 2, 5], [0, 0, 9]] = True
    arr = pairs(sim.Projection(a, b, sim.ArrayConnector(mask), StaticDouble(weight=0.1)))
    assert set(map(tuple, arr)) == {(1, 0), (2, 0), (5, 9)}
    ref = sim.Projection(a, b, sim.FixedProbabilityConnector(0.1, rng=sim.NumpyRNG(5)),
                         StaticDouble(weight=0.1))
    clone = sim.Projection(a, b, sim.CloneConnector(ref), StaticDouble(weight=0.3))
    assert set(map(tuple, pairs(clone))) == set(map(tuple, pairs(ref)))
    assert np.allclose(clone.get("weight", format="list", with_address=False), 0.3)


def test_small_world():
    sim.setup()
    ring = sim.Population(30, IFCurrExpDouble(), structure=Line(dx=1.0))
    lattice = pairs(sim.Projection(ring, ring, sim.SmallWorldConnector(
        degree=2.5, rewiring=0.0, allow_self_connections=False), StaticDouble(weight=0.1)))
    assert set(map(tuple, lattice)) == {(i, j) for i in range(30) for j in range(30)
                                        if 0 < abs(i - j) < 2.5}
    rewired = pairs(sim.Projection(ring, ring, sim.SmallWorldConnector(
        degree=2.5, rewiring=0.5, allow_self_connections=False, rng=sim.NumpyRNG(1)),
        StaticDouble(weight=0.1)))
    assert len(rewired) == len(lattice)                       # targets keep their in-degree
    assert np.array_equal(np.bincount(rewired[:, 1]), np.bincount(lattice[:, 1]))
    moved = len(set(map(tuple, rewired)) - set(map(tuple, lattice)))
    assert 0.3 * len(lattice) < moved < 0.7 * len(lattice)
    assert not np.any(rewired[:, 0] == rewired[:, 1])


def test_parameters_random_and_set(pops):
    a, b = pops
    rd = sim.RandomDistribution("normal", mu=1.0, sigma=0.1, rng=sim.NumpyRNG(11))
    prj = sim.Projection(a, b, sim.AllToAllConnector(),
                         StaticDouble(weight=rd, delay=sim.RandomDistribution(
                             "uniform", (0.5, 1.5), rng=sim.NumpyRNG(12))))
    w = np.array(prj.get("weight", format="list", with_address=False))
    d = np.array(prj.get("delay", format="list", with_address=False))
    assert abs(w.mean() - 1.0) < 0.01 and abs(w.std() - 0.1) < 0.01
    assert 0.5 <= d.min() and d.max() <= 1.5 and abs(d.mean() - 1.0) < 0.02
    # eqsim holds them in SI: nA -> A and ms -> s
    S = prj._parts[0][0]
    assert np.allclose(np.sort(S.arrays["weight"]), np.sort(w) * 1e-9)
    prj.set(weight=0.3)
    assert np.allclose(prj.get("weight", format="array"), 0.3)
    target = np.arange(40 * 30, dtype=float).reshape(40, 30) / 1e3
    prj.set(weight=target)
    assert np.allclose(prj.get("weight", format="array"), target)
    prj.set(delay=2.0)
    assert np.allclose(S.delay_, 2e-3)
    assert prj.size() == 1200 and prj[5].weight == pytest.approx(
        prj.get("weight", format="list", with_address=False)[5])


def test_population_parameters_and_views(pops):
    a, _ = pops
    a.set(tau_m=np.linspace(10, 20, 40))
    assert np.allclose(a.get("tau_m"), np.linspace(10, 20, 40))
    assert np.allclose(a._eqsim_group.arrays["tau_m"], np.linspace(10, 20, 40) * 1e-3)
    v = a[5:10]
    v.set(i_offset=0.5)
    assert np.allclose(a.get("i_offset")[5:10], 0.5) and a.get("i_offset")[4] == 0
    assert np.allclose(a._eqsim_group.arrays["i_offset"][5:10], 0.5e-9)
    a.initialize(v=sim.RandomDistribution("uniform", (-70, -60), rng=sim.NumpyRNG(3)))
    vm = a._eqsim_group.arrays["v"]
    assert vm.min() >= -0.070 and vm.max() <= -0.060 and vm.std() > 0
    c = sim.Population(4, IFCurrExpDouble())
    asm = a[0:3] + c[1:3]
    assert [(g.name, list(idx)) for g, idx in asm._eqsim_targets()] == [
        (a._eqsim_name, [0, 1, 2]), (c._eqsim_name, [1, 2])]
    assert a.get("tau_syn_E") == 5.0   # homogeneous: one number, as PyNN gives it
    # random cell parameters, at creation and with set()
    rd = sim.RandomDistribution("normal", (20.0, 2.0), rng=sim.NumpyRNG(4))
    d = sim.Population(500, IFCurrExpDouble(tau_m=rd))
    tau = d.get("tau_m")
    assert abs(tau.mean() - 20.0) < 0.3 and abs(tau.std() - 2.0) < 0.3
    assert np.allclose(d._eqsim_group.arrays["tau_m"], tau * 1e-3)
    d[::2].set(cm=sim.RandomDistribution("uniform", (0.5, 1.5), rng=sim.NumpyRNG(5)))
    cm = d.get("cm")
    assert np.all(cm[1::2] == 1.0) and 0.5 <= cm[::2].min() and cm[::2].max() <= 1.5
    assert cm[::2].std() > 0.2


def test_assembly_projection(pops):
    a, b = pops
    asm = sim.Assembly(a, b)
    prj = sim.Projection(asm, b, sim.FixedProbabilityConnector(0.3, rng=sim.NumpyRNG(4)),
                         StaticDouble(weight=0.1))
    p = pairs(prj)
    assert p[:, 0].max() >= 40                        # sources from both populations
    assert len(prj._parts) == 2                       # one eqsim Synapses per group pair
    assert np.allclose(prj.get("weight", format="array")[tuple(p.T)], 0.1)


def test_errors(pops):
    a, b = pops
    with pytest.raises(pynn_errors.ConnectionError) as err:
        sim.Projection(a, b, sim.OneToOneConnector(), StaticDouble())
    assert isinstance(err.value, EqsimError) and err.value.code == "E849"
    with pytest.raises(pynn_errors.ConnectionError, match="E851"):
        sim.Projection(a, b, sim.FixedTotalNumberConnector(40 * 30 + 1,
                                                           with_replacement=False),
                       StaticDouble())
    with pytest.raises(pynn_errors.ConnectionError, match="E853"):
        sim.Projection(a, b, sim.FromListConnector([(0, 30, 0.1, 1.0)]), StaticDouble())
    with pytest.raises(pynn_errors.ConnectionError):   # PyNN's own check of the sign
        sim.Projection(a, b, sim.AllToAllConnector(), StaticDouble(weight=-1.0),
                       receptor_type="excitatory")
    with pytest.raises(pynn_errors.NonExistentParameterError):
        sim.Population(3, IFCurrExpDouble(tau_n=3.0))
    with pytest.raises(pynn_errors.NonExistentParameterError):
        a.set(foo=1.0)
    with pytest.raises(pynn_errors.InvalidParameterValueError):
        IFCurrExpDouble(tau_m="fast")
    with pytest.raises(pynn_errors.RecordingError):
        a.record("gsyn_exc")
    with pytest.raises(pynn_errors.ConnectionError, match="E848"):
        one = sim.Population(1, IFCurrExpDouble())
        sim.Projection(one, one, sim.FixedNumberPreConnector(
            1, allow_self_connections=False), StaticDouble())


def test_values_with_units_are_refused(pops):
    """A quantity would be scaled twice by PyNN's translation (20 ms -> 0.02 ms)."""
    import quantities as pq

    from eqsim.units import ms, mV
    a, b = pops
    with pytest.raises(pynn_errors.InvalidParameterValueError, match="E846"):
        sim.Population(2, IFCurrExpDouble(tau_m=20 * ms))
    with pytest.raises(pynn_errors.InvalidParameterValueError, match="E846"):
        a.set(v_thresh=-50 * pq.mV)
    with pytest.raises(pynn_errors.InvalidParameterValueError, match="E846"):
        a.initialize(v=-65 * mV)
    with pytest.raises(pynn_errors.InvalidParameterValueError, match="E846"):
        sim.Projection(a, b, sim.AllToAllConnector(), StaticDouble(weight=0.1,
                                                                   delay=1 * ms))
