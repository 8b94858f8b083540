"""run(threads=k): the same results, bit for bit, for any number of threads."""
import dataclasses

import numpy as np
import pytest

import eqsim as eq
from eqsim.config import get_config
from eqsim.units import Hz, ms, mV

# split even the smallest loops among the threads, so that every parallel path runs
SPLIT_ALL = ("-DEQSIM_PAR_NEURONS=1", "-DEQSIM_PAR_SCAN=1", "-DEQSIM_PAR_EVENTS=1")


def network(config):
    """Noise, refractoriness, homogeneous and per-synapse delays (rows stored by delay or
    not), PoissonInput, STDP
    (writes presynaptic traces: delivered by one thread), clock-driven synapses and a
    summed variable, subgroups."""
    from eqsim.models import STDP
    G = eq.NeuronGroup(300, """
        dv/dt = (-v + ge - gi + I_gap)/(10*ms) + 2*mV*sqrt(2/(10*ms))*xi : volt (unless refractory)
        dge/dt = -ge/(5*ms) : volt
        dgi/dt = -gi/(10*ms) : volt
        I_gap : volt""", threshold="v > 10*mV", reset="v = 0*mV", refractory=2 * ms,
        method="euler", seed=3, name="g")
    G.v = "10*mV*rand()"
    P = eq.PoissonInput(G, "ge", 40, 30 * Hz, 1.5 * mV, seed=4, name="pin")
    exc = eq.Synapses(G[:240], G, "w : volt", on_pre="ge_post += w", delay=1 * ms,
                      name="exc", seed=8)
    exc.connect(p=0.1, seed=5)
    exc.w = "1*mV + 1*mV*rand()"
    inh = eq.Synapses(G[240:], G, on_pre="gi += 3*mV", name="inh", seed=10)
    inh.connect(p=0.2, seed=6)
    inh.delay = "0.5*ms + 2*ms*rand()"
    stdp = dict(STDP, namespace=dict(taupre=20 * ms, taupost=20 * ms, dApre=0.01,
                                     dApost=-0.0105, wmax=1.0))
    stdp["on_pre"] = "ge_post += w*mV\n" + stdp["on_pre"]
    plastic = eq.Synapses(G[:100], G[100:200], name="stdp", seed=9, **stdp)
    plastic.connect(p=0.2, seed=7)
    plastic.w = 0.5
    gap = eq.Synapses(G[:50], G[:50], """dc/dt = -c/(20*ms) : 1 (clock-driven)
                                          I_gap_post = 0.1*c*(v_pre - v_post) : volt (summed)""",
                      on_pre="c += 1", name="gap")
    gap.connect(p=0.1, seed=11)
    # per-synapse delays with every source's row stored by delay (no order array, as
    # the microcircuit's): split by target neuron as well
    byd = eq.Synapses(G[200:], G, on_pre="ge += 0.5*mV", name="bydelay")
    byd.connect(i=np.repeat(np.arange(100), 8), j=(np.arange(800) * 37) % 300)
    byd.delay = np.tile(np.arange(8) * 0.3, 100) * ms
    mon = eq.SpikeMonitor(G, name="spk")
    trace = eq.StateMonitor(G, ["v", "ge"], record=[0, 150, 299], name="tr")
    net = eq.Network(G, P, exc, inh, plastic, gap, byd, mon, trace, config=config)
    return net, mon, trace, plastic


@pytest.mark.parametrize("split_all", [False, True])
def test_results_do_not_depend_on_threads(split_all):
    config = get_config()
    if split_all:
        config = dataclasses.replace(config, extra_cflags=config.extra_cflags + SPLIT_ALL)
    results = []
    for threads in (1, 2, 3):
        net, mon, trace, plastic = network(config)
        net.run(150 * ms, threads=threads)
        results.append((mon.i.copy(), mon.t_.copy(), trace.v_.copy(), plastic.w.copy()))
    assert len(results[0][0]) > 500
    for other in results[1:]:
        for a, b in zip(results[0], other):
            assert np.array_equal(a, b)


@pytest.mark.parametrize("threads", [0, -1, 2.0, "2", True])
def test_bad_thread_counts(threads):
    G = eq.NeuronGroup(2, "dv/dt = -v/(10*ms) : volt")
    with pytest.raises(eq.ConfigurationError, match="threads") as err:
        eq.Network(G).run(1 * ms, threads=threads)
    assert err.value.code == "E749"

