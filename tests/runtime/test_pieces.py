"""Runs in pieces: net.run(d, at=[(t, f), ...]) calls Python between pieces; values
changed there take effect without building or compiling anything again."""
import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import ConfigurationError
from eqsim.units import Hz, mV, ms

from ._runs_model import build


def _same(a, b):
    assert np.array_equal(a["spikes"].i, b["spikes"].i)
    assert np.array_equal(a["spikes"].t_, b["spikes"].t_)
    assert np.array_equal(a["trace"].v_, b["trace"].v_)
    assert np.array_equal(a["trace"].t_, b["trace"].t_)
    assert np.array_equal(np.asarray(a["rate"].rate), np.asarray(b["rate"].rate))


def test_callbacks_that_change_nothing_change_nothing(backend):
    whole = build()
    whole.run(40 * ms, backend=backend)
    pieces, seen = build(), []
    pieces.run(40 * ms, backend=backend, at=[
        (0 * ms, lambda net: seen.append(round(float(net.t / ms), 6))),
        (12.3 * ms, lambda net: seen.append(round(float(net.t / ms), 6))),
        (12.3 * ms, lambda: seen.append("no argument")),
        (40 * ms, [lambda net: seen.append(round(float(net.t / ms), 6))])])
    assert seen == [0.0, 12.3, "no argument", 40.0]
    assert len(whole["spikes"].i) > 20
    _same(whole, pieces)


def _count_builds(monkeypatch):
    calls = []
    original = eq.Network.build

    def counting(self, backend="c"):
        calls.append(backend)
        return original(self, backend)

    monkeypatch.setattr(eq.runtime.network.Network, "build", counting)
    return calls


def test_values_changed_between_pieces_take_effect_without_a_rebuild(monkeypatch):
    builds = _count_builds(monkeypatch)
    net = build()

    def change(net):   # a parameter, synaptic weights, an input's rate
        net["G"].namespace["El"] = -45 * mV
        net["S"].w = 0 * mV
        net["PI"].rate = 0 * Hz

    net.run(60 * ms, at=[(30 * ms, change)])
    assert builds == ["c"]   # one build for the whole run (it is not repeated)
    assert net.build_info.timings.keys() >= {"front", "module"}   # (that one build's)
    # after the change: no input spikes arrive, so v relaxes towards El = -45 mV
    # between spikes (threshold -50 mV: the neurons now fire on their own, regularly)
    t, v = net["trace"].t_, net["trace"].v_[0]
    assert v[np.searchsorted(t, 0.0299)] < -50e-3 + 1e-12
    i, ts = net["spikes"].i, net["spikes"].t_
    late = ts > 0.0305
    assert set(i[late]) == set(range(40))   # every neuron fires within 18.1 ms
    # regular firing: refractory 2 ms + tau*ln((El - reset)/(El - threshold)) = 16.09 ms
    isis = [np.diff(ts[late & (i == k)]) for k in range(40)]
    isis = np.concatenate([x for x in isis if len(x)])
    assert len(isis) > 10
    assert np.allclose(isis, 2e-3 + 10e-3 * np.log(25 / 5), atol=0.11e-3)
    # the same change as a second run (no at=) gives exactly the same result
    other = build()
    other.run(30 * ms)
    change(other)
    other.run(30 * ms)
    _same(net, other)
    assert builds == ["c", "c"]


def test_inputs_changed_between_pieces(backend, monkeypatch):
    """A PoissonGroup's rates and a TimedArray in a namespace (another length) changed
    between pieces: the second piece uses them, without a rebuild, on both backends."""
    builds = _count_builds(monkeypatch)
    G = eq.NeuronGroup(5, "dv/dt = (stim(t) - v)/(1*ms) : volt", method="euler",
                       namespace={"stim": eq.TimedArray([1, 2] * mV, dt=5 * ms)},
                       name="G")
    P = eq.PoissonGroup(200, 0 * Hz, seed=3, name="P")
    spikes = eq.SpikeMonitor(P, name="spikes")
    trace = eq.StateMonitor(G, "v", record=[0], name="trace")
    net = eq.Network(G, P, spikes, trace)

    def change(net):
        net["P"].rates = 500 * Hz
        net["G"].namespace["stim"] = eq.TimedArray([7, 7, 7, -3] * mV, dt=5 * ms)

    net.run(20 * ms, backend=backend, at=[(10 * ms, change)])
    assert builds == [backend]
    assert spikes.t_.min() >= 0.010 and 600 < len(spikes.i) < 1400   # 200 x 500 Hz x 10 ms
    v = trace.v_[0] * 1e3
    assert v[99] == pytest.approx(2, abs=0.05) and v[149] == pytest.approx(7, abs=0.05)
    assert v[-1] == pytest.approx(-3, abs=0.1)   # the old TimedArray held 2 mV


def test_structure_changes_are_rebuilt(monkeypatch):
    builds = _count_builds(monkeypatch)
    net = build()
    extra = eq.SpikeMonitor(net["P"], name="extra")
    net.run(10 * ms, at=[(5 * ms, lambda net: net.add(extra))])
    assert builds == ["c", "c"] and extra.t_.min() >= 0.005
    # what it records is what a monitor there from the start records after 5 ms
    ref = build()
    ref.add(eq.SpikeMonitor(ref["P"], name="extra"))
    ref.run(10 * ms)
    late = ref["extra"].t_ >= 0.005
    assert late.sum() > 0 and np.array_equal(extra.t_, ref["extra"].t_[late])
    assert np.array_equal(extra.i, ref["extra"].i[late])
    _same(net, ref)


@pytest.mark.parametrize("at, code", [
    ({1: print}, "E830"),                       # not a time
    ([(5 * ms, "f")], "E830"),                  # not callable
    ("later", "E830"),                          # not pairs
    ([(5 * mV, print)], "E830"),                # not a time
    ([(11 * ms, print)], "E831"),               # after the end of the run
    ([(-1 * ms, print)], "E831")])              # before its start
def test_bad_at(at, code):
    net = build()
    with pytest.raises(ConfigurationError) as err:
        net.run(10 * ms, at=at)
    assert err.value.code == code
