"""Compact per-synapse delays (runtime/compact_delays.py): the same spikes as before on
both backends, and the narrow storage is really used.

The reference (tests/data/compact_delays_before.npz) is the spike train of
compact_delay_models.py from eqsim before this change (float64 delays, int32 steps,
int32 order; benchmarks/reference/compact_delays_reference.py): 3,365 spikes."""
import numpy as np
import pytest

from eqsim.runtime.compact_delays import StepDelays, delivery_index, pack

from ..conftest import DATA
from . import compact_delay_models


@pytest.fixture(scope="module")
def runs():
    return {b: compact_delay_models.spikes(b) for b in ("c", "numpy")}


@pytest.mark.parametrize("backend", ["c", "numpy"])
def test_spikes_identical_to_before(runs, backend):
    ref = np.load(DATA / "compact_delays_before.npz")
    i, step, _ = runs[backend]
    assert len(ref["i"]) > 3000
    assert np.array_equal(i, ref["i"]) and np.array_equal(step, ref["step"])


def test_storage_is_narrow(runs):
    S = runs["c"][2]
    expect = {"random_steps": ("uint8", "uint8"), "long_steps": ("uint16", "uint8"),
              "sorted_steps": ("uint8", None), "off_grid": ("uint8", "uint8")}
    for name, (dtype, otype) in expect.items():
        index = S[name]._pw_state["pre"]["index"]
        assert index["delay_steps"].dtype == np.dtype(dtype), name
        assert (index["order"] is None if otype is None
                else index["order"].dtype == np.dtype(otype)), name
    for name in ("random_steps", "long_steps", "sorted_steps"):
        assert isinstance(S[name].arrays["delay"], StepDelays), name
    assert S["random_steps"].arrays["delay"].steps.dtype == np.uint8
    assert S["long_steps"].arrays["delay"].steps.dtype == np.uint16
    assert isinstance(S["off_grid"].arrays["delay"], np.ndarray)   # kept in seconds


def test_delays_read_back_bit_for_bit():
    dt = 1e-4
    values = np.random.default_rng(1).integers(0, 300, 10_000) * dt
    packed = pack(values, dt)
    assert isinstance(packed, StepDelays) and packed.steps.dtype == np.uint16
    assert np.array_equal(np.asarray(packed), values)
    assert np.array_equal(packed[5:9], values[5:9])
    off = values + 1e-9
    assert pack(off, dt) is off


def test_delivery_index_orders_each_row_by_delay():
    rows = np.array([0, 4, 4, 7])
    steps = np.array([3, 1, 2, 1, 5, 0, 5], np.int32)
    index = delivery_index(rows, steps)
    assert index["delay_steps"].tolist() == [1, 1, 2, 3, 0, 5, 5]
    assert index["order"].tolist() == [1, 3, 2, 0, 1, 0, 2]   # offsets in the row
    assert delivery_index(rows, np.array([0, 1, 1, 2, 0, 0, 9]))["order"] is None


def test_delivery_index_in_blocks_equals_one_lexsort():
    """Random rows (empty ones too), delays and block sizes: the blocked index is the
    stable sort by (source, delay)."""
    rng = np.random.default_rng(0)
    for trial in range(300):
        lengths = rng.integers(0, 40, rng.integers(1, 30))
        rows = np.concatenate([[0], np.cumsum(lengths)])
        pre = np.repeat(np.arange(len(lengths)), lengths)
        steps = rng.integers(0, rng.integers(1, 300), rows[-1]).astype(np.int32)
        if trial % 3 == 0:
            steps = steps[np.lexsort((steps, pre))]
        index = delivery_index(rows, steps, chunk=int(rng.integers(1, 50)))
        want = np.lexsort((steps, pre))
        got = (np.arange(rows[-1]) if index["order"] is None
               else rows[pre] + index["order"].astype(np.int64))
        assert np.array_equal(got, want), trial
        assert np.array_equal(index["delay_steps"], steps[want]), trial


@pytest.mark.parametrize("backend", ["c", "numpy"])
def test_delays_counted_in_the_networks_steps(backend):
    """A source on a 1 ms clock in a network stepping 0.1 ms: a 30 ms delay is 300 steps
    of the network (uint16, where 30 steps of the source's clock would fit uint8)."""
    import eqsim as eq
    from eqsim.units import ms, second
    src = eq.NeuronGroup(1, "v : volt", threshold="t > 1.5*ms and t < 2.5*ms", dt=1 * ms,
                         name="src")
    tgt = eq.NeuronGroup(2, "x : 1", dt=0.1 * ms, name="tgt")
    S = eq.Synapses(src, tgt, on_pre="x_post += 1", name="s")
    S.connect()
    S.delay = np.array([30e-3, 7e-3]) * second
    mon = eq.StateMonitor(tgt, "x", record=True, name="m")
    eq.Network(src, tgt, S, mon).run(40 * ms, backend=backend)
    assert S._pw_state["pre"]["index"]["delay_steps"].dtype == np.uint16
    x = np.asarray(mon.x)
    first = [int(np.argmax(x[k] > 0)) for k in range(2)]   # first step with x > 0
    # the spike at step 20 (2 ms), + 300 / 70 steps, seen by the monitor a step later
    assert first == [321, 91]


def test_delay_steps_stay_int32_for_callers():
    """Writers (SONATA) compute with S.delay_steps(): int32, whatever the storage
    (a uint8 result overflowed in `steps * 100`)."""
    import eqsim as eq
    from eqsim.units import second
    G = eq.NeuronGroup(3, "v : 1", threshold="v > 1", name="g3")
    S = eq.Synapses(G, G, on_pre="v += 1", name="s3")
    S.connect()
    S.delay = np.arange(len(S)) * 30 * 1e-4 * second
    assert isinstance(S.arrays["delay"], StepDelays)
    steps = S.delay_steps(1e-4)
    assert steps.dtype == np.int32 and steps.tolist() == list(range(0, 270, 30))
