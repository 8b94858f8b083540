"""Philox4x32-10 against the Random123 known-answer vectors, in numpy and in the C header
the kernels include; distributions of the derived uniform and normal numbers."""
import ctypes
import subprocess

import numpy as np
import pytest

from eqsim import rng
from eqsim.codegen.templates import render

# Random123 kat_vectors: philox4x32 10 rounds (counter, key) -> output
KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF,) * 4, (0xFFFFFFFF,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6,
                                            0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]


@pytest.mark.parametrize("ctr, key, expected", KAT)
def test_numpy_philox_known_answers(ctr, key, expected):
    out = rng.philox4x32(*ctr, *key)
    assert tuple(int(x) for x in out) == expected


@pytest.fixture(scope="module")
def c_philox(tmp_path_factory):
    d = tmp_path_factory.mktemp("philox")
    src = d / "kat.c"
    src.write_text(render("c/common.h.j2", **rng.c_tables()) + """
void kat(uint32_t *c, uint32_t k0, uint32_t k1) { eqsim_philox(c, k0, k1); }
double uni(uint32_t k0, uint32_t k1, int64_t i, int64_t s, uint32_t st) {
    return eqsim_rand(k0, k1, i, s, st); }
double nrm(uint32_t k0, uint32_t k1, int64_t i, int64_t s, uint32_t st) {
    return eqsim_randn(k0, k1, i, s, st); }
""")
    so = d / "kat.so"
    subprocess.run(["gcc", "-O2", "-ffp-contract=off", "-shared", "-fPIC", "-o", str(so),
                    str(src), "-lm"], check=True)
    lib = ctypes.CDLL(str(so))
    lib.uni.restype = lib.nrm.restype = ctypes.c_double
    for f in (lib.uni, lib.nrm):
        f.argtypes = [ctypes.c_uint32, ctypes.c_uint32, ctypes.c_int64, ctypes.c_int64,
                      ctypes.c_uint32]
    return lib


@pytest.mark.parametrize("ctr, key, expected", KAT)
def test_c_philox_known_answers(c_philox, ctr, key, expected):
    c = (ctypes.c_uint32 * 4)(*ctr)
    c_philox.kat(c, *key)
    assert tuple(c) == expected


def test_c_and_numpy_draw_the_same_numbers(c_philox):
    k0, k1 = rng.keys(12345, rng.object_id("exc"))
    idx = np.arange(0, 5000, 7)
    for step, stream in [(0, 0), (17, 3), (2**33 + 5, 1)]:
        u = rng.uniform(12345, rng.object_id("exc"), idx, step, stream)
        n = rng.normal(12345, rng.object_id("exc"), idx, step, stream)
        uc = [c_philox.uni(k0, k1, int(i), step, stream) for i in idx]
        nc = [c_philox.nrm(k0, k1, int(i), step, stream) for i in idx]
        assert np.array_equal(u, uc)
        assert np.allclose(n, nc, rtol=1e-14, atol=1e-14)


def test_ziggurat_tail_and_wedge_paths_agree_with_c(c_philox):
    """Enough draws that tail (|x| > 3.44) and wedge rejections happen many times."""
    k0, k1 = rng.keys(7, 99)
    idx = np.arange(300_000)
    n = rng.normal(7, 99, idx, 3, 2)
    assert np.sum(np.abs(n) > rng.ZIG_R) > 50
    sel = np.flatnonzero(np.abs(n) > rng.ZIG_R)[:200]
    sel = np.concatenate([sel, np.arange(2000)])
    nc = np.array([c_philox.nrm(k0, k1, int(i), 3, 2) for i in sel])
    assert np.allclose(n[sel], nc, rtol=1e-14, atol=1e-14)


def test_distributions():
    idx = np.arange(200_000)
    u = rng.uniform(1, 2, idx, 5, 0)
    assert u.min() >= 0 and u.max() < 1
    assert abs(u.mean() - 0.5) < 5 * np.sqrt(1 / 12 / len(u))
    n = rng.normal(1, 2, idx, 5, 0)
    assert abs(n.mean()) < 5 / np.sqrt(len(n)) and abs(n.var() - 1) < 0.02
    # the normal distribution's shape: tail fractions and fourth moment
    from math import erf, sqrt
    for z in (1.0, 2.0, 3.0, 3.5):
        expected = 1 - erf(z / sqrt(2))
        se = sqrt(expected * (1 - expected) / len(n))
        assert abs(np.mean(np.abs(n) > z) - expected) < 5 * se
    assert abs(np.mean(n ** 4) - 3) < 0.1
    hist, _ = np.histogram(u, bins=20, range=(0, 1))
    expected = len(u) / 20
    assert ((hist - expected) ** 2 / expected).sum() < 45  # chi2, 19 dof, p ~ 1e-3
    # different streams, steps, indices and seeds are uncorrelated
    for other in (rng.uniform(1, 2, idx, 6, 0), rng.uniform(1, 2, idx, 5, 1),
                  rng.uniform(2, 2, idx, 5, 0), rng.uniform(1, 2, idx + 1, 5, 0)):
        assert abs(np.corrcoef(u, other)[0, 1]) < 0.01


@pytest.mark.parametrize("kind", ["uniform", "normal"])
def test_steps_ahead_hands_out_the_numbers_of_each_step(kind):
    """The numpy kernels draw whole small groups several steps at a time: bit for bit the
    numbers of one call per step, also after a jump back, a restart, another seed or
    stream, and for groups too large to draw ahead."""
    from eqsim.rng import StepsAhead, normal, uniform
    fn = uniform if kind == "uniform" else normal
    StepsAhead._blocks.clear()
    for seed, obj, offset, n in [(7, 11, 0, 1), (2**40 + 3, 5, 10, 3),
                                 (7, 11, 0, StepsAhead.ENTRIES // 4)]:
        steps = list(range(0, 300)) + [5, 6, 7, 1000, 1001, 299, 300]
        for stream in (0, 1):
            for s in steps:
                got = StepsAhead.draw(kind, seed, obj, offset, n, s, stream)
                want = fn(seed, obj, offset + np.arange(n), s, stream)
                assert np.array_equal(got, want), (seed, n, s, stream)
    # in order, blocks grow: 8, 16, 32, ... steps per vectorised call
    for s in range(500):
        StepsAhead.draw(kind, 9, 9, 0, 1, s, 0)
    first, block = StepsAhead._blocks[(kind, 9, 9, 0, 1, 0)]
    assert (first, len(block)) == (248, 256)
    # handed-out rows are copies: a kernel writing into one does not change the next draw
    a = StepsAhead.draw(kind, 3, 3, 0, 2, 0, 0)
    a[:] = 99.0
    assert np.array_equal(StepsAhead.draw(kind, 3, 3, 0, 2, 0, 0), fn(3, 3, np.arange(2), 0, 0))
