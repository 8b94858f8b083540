"""FixedTotalNumberConnector with a NumpyRNG: exactly PyNN's connections, draw for draw.

The reference is PyNN's own ``FixedTotalNumberConnector.connect`` run on a stand-in
projection (one process), its per-target source lists captured; eqsim.pynn's connector
must give the same pairs in the same order and leave the rng where PyNN leaves it.
"""
from types import SimpleNamespace

import numpy as np
import pytest

pytest.importorskip("pyNN")
pytest.importorskip("neo")

from pyNN import connectors as pynn_connectors
from pyNN.random import NumpyRNG, RandomDistribution

import eqsim.pynn as sim
from eqsim.pynn import numpy_stream
from eqsim.pynn.projections import Projection
from tests.pynn.doubles import IFCurrExpDouble, StaticDouble


class _Captured(pynn_connectors.FixedTotalNumberConnector):
    """PyNN's connector; the connections it would make are kept instead of made."""

    def _standard_connect(self, projection, build_source_masks, distance_map=None):
        self.columns = [np.asarray(x, dtype=np.int64) for x in build_source_masks()]


def pynn_pairs(n, n_pre, n_post, rng):
    """(i, j) as PyNN connects them: target after target, sources in draw order."""
    post = type("Post", (), {"size": n_post, "_mask_local": np.ones(n_post, bool),
                             "__len__": lambda self: n_post})()
    prj = SimpleNamespace(pre=SimpleNamespace(size=n_pre), post=post,
                          _simulator=SimpleNamespace(
                              state=SimpleNamespace(mpi_rank=0, num_processes=1)))
    c = _Captured(n, rng=rng)
    c.connect(prj)
    i = np.concatenate([col for col in c.columns] + [np.zeros(0, np.int64)])
    j = np.repeat(np.arange(n_post), [col.size for col in c.columns])
    return i, j


@pytest.fixture
def drawn(monkeypatch):
    """The (i, j) arrays eqsim.pynn's connectors hand to the projection, in order."""
    seen = []
    original = Projection._connect_pairs

    def spy(self, i, j, *args, **kwargs):
        seen.append((np.asarray(i).copy(), np.asarray(j).copy()))
        return original(self, i, j, *args, **kwargs)

    monkeypatch.setattr(Projection, "_connect_pairs", spy)
    return seen


def eqsim_pairs(drawn, pre, post, connector):
    drawn.clear()
    prj = sim.Projection(pre, post, connector, StaticDouble(weight=0.1))
    i = np.concatenate([d[0] for d in drawn])
    j = np.concatenate([d[1] for d in drawn])
    assert len(prj) == i.size
    return i, j


@pytest.mark.parametrize("use_c", [True, False])
@pytest.mark.parametrize("n_pre,n_post,n,seed", [
    (40, 30, 300, 8), (1, 17, 50, 3), (17, 1, 50, 4), (64, 129, 2000, 5),
    (3, 1000, 5000, 151985012), (1000, 3, 1234, 2), (1, 1, 7, 1), (25, 25, 0, 6)])
def test_same_connections_and_rng_state_as_pynn(drawn, use_c, n_pre, n_post, n, seed,
                                                monkeypatch):
    monkeypatch.setattr(numpy_stream, "USE_C", use_c)
    monkeypatch.setattr(numpy_stream, "CHUNK", 97)          # many chunks
    monkeypatch.setattr(numpy_stream, "NUMPY_CHUNK", 61)
    sim.setup(timestep=0.1)
    a = sim.Population(n_pre, IFCurrExpDouble())
    b = sim.Population(n_post, IFCurrExpDouble())
    ours_rng, ref_rng = NumpyRNG(seed), NumpyRNG(seed)
    i, j = eqsim_pairs(drawn, a, b, sim.FixedTotalNumberConnector(n, rng=ours_rng))
    ri, rj = pynn_pairs(n, n_pre, n_post, ref_rng)
    assert i.size == n
    assert np.array_equal(i, ri) and np.array_equal(j, rj)
    # the generator continues as after PyNN's draws
    assert np.array_equal(ours_rng.next(5), ref_rng.next(5))
    assert ours_rng.rng.randint(0, 1000) == ref_rng.rng.randint(0, 1000)


def test_default_rng_views_and_large_counts(drawn):
    """The default rng (PyNN's fixed seed), projections between views, and a count that
    takes many chunks of raw words; a second projection sharing an rng continues its
    stream as PyNN's would."""
    sim.setup(timestep=0.1)
    a = sim.Population(300, IFCurrExpDouble())
    b = sim.Population(200, IFCurrExpDouble())
    pre, post = a[50:250], b[::2]
    i, j = eqsim_pairs(drawn, pre, post, sim.FixedTotalNumberConnector(60000))
    ri, rj = pynn_pairs(60000, 200, 100, None)   # None: PyNN's default NumpyRNG
    assert np.array_equal(i, ri) and np.array_equal(j, rj)
    shared, ref = NumpyRNG(11), NumpyRNG(11)
    for n in (500, 800):
        i, j = eqsim_pairs(drawn, a, post, sim.FixedTotalNumberConnector(n, rng=shared))
        ri, rj = pynn_pairs(n, 300, 100, ref)
        assert np.array_equal(i, ri) and np.array_equal(j, rj)
    assert shared.next() == ref.next()


@pytest.mark.parametrize("use_c", [True, False])
def test_no_self_connections_follow_pynn_until_a_self_pair(drawn, use_c, monkeypatch):
    """PyNN ignores allow_self_connections here; eqsim.pynn drops a drawn self-pair and
    draws on, so its list is PyNN's stream without the self-pairs."""
    monkeypatch.setattr(numpy_stream, "USE_C", use_c)
    sim.setup(timestep=0.1)
    a = sim.Population(6, IFCurrExpDouble())
    i, j = eqsim_pairs(drawn, a, a, sim.FixedTotalNumberConnector(
        200, allow_self_connections=False, rng=NumpyRNG(4)))
    assert i.size == 200 and not np.any(i == j)
    # PyNN's stream of pairs (long enough), self-pairs removed, first 200, by target
    rs = np.random.RandomState(4)
    rs.binomial(200, 1.0)
    stream = [(rs.randint(0, 6), rs.choice(np.arange(6), size=1)[0]) for _ in range(600)]
    kept = np.array([p for p in stream if p[0] != p[1]][:200])
    order = np.argsort(kept[:, 1], kind="stable")
    assert np.array_equal(i, kept[order, 0]) and np.array_equal(j, kept[order, 1])
    assert np.any(np.array(stream)[:, 0] == np.array(stream)[:, 1])   # some were dropped


def test_n_from_a_distribution_and_other_rngs(drawn):
    """n drawn once from a RandomDistribution, then PyNN's draw with that n; an rng that
    is not a NumpyRNG keeps eqsim.pynn's own (vectorised) draw."""
    sim.setup(timestep=0.1)
    a = sim.Population(30, IFCurrExpDouble())
    dist = RandomDistribution("poisson", lambda_=100, rng=NumpyRNG(2))
    # (PyNN's constructor checks the sign on 100 values first)
    n = int(RandomDistribution("poisson", lambda_=100, rng=NumpyRNG(2)).next(101)[100])
    i, j = eqsim_pairs(drawn, a, a, sim.FixedTotalNumberConnector(dist, rng=NumpyRNG(3)))
    ri, rj = pynn_pairs(n, 30, 30, NumpyRNG(3))
    assert np.array_equal(i, ri) and np.array_equal(j, rj)

    class Other(NumpyRNG):
        pass

    assert numpy_stream.is_legacy_mt(NumpyRNG(1))
    i, j = eqsim_pairs(drawn, a, a, sim.FixedTotalNumberConnector(100, rng=Other(3)))
    assert i.size == 100


def test_numpy_randint_is_masked_rejection():
    """The property the module rests on: legacy randint(0, high) = next 32-bit word masked,
    redrawn while above high - 1; high == 1 draws nothing; choice(a, 1) = randint."""
    for high in (1, 2, 3, 7, 100, 77169, 2**31 + 5):
        rs = np.random.RandomState(151985012)
        gen = np.random.MT19937()
        gen.state = rs._bit_generator.state
        got = rs.randint(0, high, size=200)
        words = gen.random_raw(4000)
        v = words & np.uint64(numpy_stream._mask(high - 1))
        v = v[v <= high - 1]
        assert np.array_equal(got, 0 * got if high == 1 else v[:200])
        rs, rs2 = np.random.RandomState(5), np.random.RandomState(5)
        assert [rs.choice(np.arange(high % 1000 + 1), size=1)[0] for _ in range(20)] == \
            [rs2.randint(0, high % 1000 + 1, size=1)[0] for _ in range(20)]
    rs, rs2 = np.random.RandomState(9), np.random.RandomState(9)
    rs.randint(0, 1, size=50)
    assert rs.randint(0, 2**20) == rs2.randint(0, 2**20)   # high == 1: no word drawn
