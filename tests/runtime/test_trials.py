"""run_trials: independent trials in worker processes, one compiled module for all."""
from __future__ import annotations

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import ConfigurationError, SimulationError
from eqsim.units import Hz, ms, mV


def build(seed: int) -> eq.Network:
    """Poisson drive onto noisy LIF neurons: spikes depend on the seed."""
    P = eq.PoissonGroup(100, 40 * Hz, seed=seed, name="drive")
    G = eq.NeuronGroup(50, "dv/dt = (-v + 2*mV*sqrt(10*ms)*xi)/(10*ms) : volt",
                       threshold="v > 2*mV", reset="v = 0*mV", method="euler",
                       seed=seed + 1000, name="cells")
    S = eq.Synapses(P, G, on_pre="v_post += 0.8*mV", delay=1 * ms, name="syn")
    S.connect(p=0.2, seed=seed)
    return eq.Network(P, G, S, eq.SpikeMonitor(G, name="spikes"),
                      eq.StateMonitor(G, "v", record=[0, 7], name="trace"),
                      eq.PopulationRateMonitor(G, name="rate"))


def reference(seed: int) -> dict:
    net = build(seed)
    net.run(60 * ms)
    mons = {m.name: m for m in net.objects}
    return {"i": mons["spikes"].i, "t": mons["spikes"].t_, "v": mons["trace"].v_,
            "rate": np.asarray(mons["rate"].rate)}


def test_trials_in_workers_equal_trials_run_here():
    trials = eq.run_trials(build, seeds=[3, 4, 5], processes=2, duration=60 * ms)
    assert [t.seed for t in trials] == [3, 4, 5]
    for trial in trials:
        want = reference(trial.seed)
        got = trial.monitors
        assert np.array_equal(got["spikes"].i, want["i"])
        assert np.array_equal(got["spikes"].t, want["t"])
        assert np.array_equal(got["trace"].v, want["v"])
        assert np.array_equal(got["rate"].rate, want["rate"])
        assert got["spikes"].count.sum() == len(want["i"]) > 20
    assert not np.array_equal(trials[0].monitors["spikes"].i, trials[1].monitors["spikes"].i)


def test_build_fn_that_runs_itself_and_a_closure(tmp_path):
    """Without duration, build_fn runs the network; closures work (fork)."""
    runs = []

    def build_and_run(seed):
        net = build(seed)
        net.run(30 * ms)
        runs.append(seed)
        return net

    trials = eq.run_trials(build_and_run, seeds=[7, 8, 9], processes=2)
    assert [t.seed for t in trials] == [7, 8, 9]
    assert runs == [7]    # the first trial ran in this process, the others in workers
    assert np.all(trials[2].monitors["spikes"].t < 0.030)


def test_one_module_is_compiled_for_all_trials(tmp_path, monkeypatch):
    monkeypatch.setenv("EQSIM_CACHE_DIR", str(tmp_path / "cache"))
    eq.run_trials(build, seeds=[1, 2, 3], processes=3, duration=10 * ms)
    modules = list((tmp_path / "cache" / "modules").rglob("module.so"))
    assert len(modules) == 1


def test_a_failing_trial_names_its_seed():
    def flaky(seed):
        if seed == 12:
            raise ValueError("no parameters for this seed")
        return build(seed)

    with pytest.raises(SimulationError, match="seed 12 failed.*no parameters") as err:
        eq.run_trials(flaky, seeds=[11, 12], processes=2, duration=5 * ms)
    assert err.value.code == "E765"


@pytest.mark.parametrize("kwargs", [dict(build_fn=3, seeds=[1]),
                                    dict(build_fn=build, seeds=[]),
                                    dict(build_fn=build, seeds=[1.5]),
                                    dict(build_fn=build, seeds=[1], processes=0),
                                    dict(build_fn=lambda s: "network", seeds=[1])])
def test_bad_arguments(kwargs):
    with pytest.raises(ConfigurationError) as err:
        eq.run_trials(duration=1 * ms, **kwargs)
    assert err.value.code == "E764"
