"""Reference runs of PyNN 0.13's standard models on pyNN.nest (NEST 3.10) for
tests/pynn/test_models.py.

Run with the NEST virtualenv (never an eqsim dependency):

    /root/.venvs/eqsim-nest/bin/python benchmarks/reference/pynn_nest_models.py

Writes tests/data/pynn_nest_models.npz (about 0.5 MB): at dt = 0.1 ms, 200 ms,
(a) every standard neuron type (one cell) with a constant i_offset and SpikeSourceArray
input through StaticSynapse (excitatory and inhibitory, delays 1.0 and 1.5 ms): V and
spike times; (b) TsodyksMarkramSynapse, depressing and facilitating, onto IF_curr_exp
(tau_syn_E = 3 ms, NEST's tau_psc): V; (c) STDPMechanism with SpikePairRule and each
weight dependence, a presynaptic SpikeSourceArray and a postsynaptic cell driven to fire at
given times: the final weights; (d) DCSource, StepCurrentSource and ACSource into passive
IF_curr_exp cells (two sources into one cell): V.
"""
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[2] / "tests" / "data" / "pynn_nest_models.npz"
DT = 0.1
T = 400.0      # the noise statistics use 200-400 ms
KEEP = 2001    # traces are kept (and compared) to 200 ms

# type -> (parameters, excitatory weight, inhibitory weight)
CELLS = {
    "IF_curr_exp": ({"i_offset": 0.8, "tau_refrac": 2.0}, 1.5, -1.0),
    "IF_curr_alpha": ({"i_offset": 0.8, "tau_refrac": 2.0}, 1.5, -1.0),
    "IF_cond_exp": ({"i_offset": 0.8, "tau_refrac": 2.0}, 0.02, 0.02),
    "IF_cond_alpha": ({"i_offset": 0.8, "tau_refrac": 2.0}, 0.02, 0.02),
    # IF_cond_exp_gsfa_grr: pyNN.nest 0.13 cannot create it (KeyError g_r in its
    # variable_map); see docs/pynn_models.md
    "EIF_cond_exp_isfa_ista": ({"i_offset": 0.6, "tau_refrac": 2.0}, 0.01, 0.01),
    "EIF_cond_alpha_isfa_ista": ({"i_offset": 0.6, "tau_refrac": 2.0}, 0.01, 0.01),
    "HH_cond_exp": ({"i_offset": 0.15}, 0.02, 0.02),
    "Izhikevich": ({"i_offset": 0.01}, 5.0, -5.0),
}
# an input that makes Izhikevich cross the threshold in the step it arrives (NEST adds
# it to V_m before the threshold test): weight 120 (mV), no bias current
IZH_KICK = ({"i_offset": 0.0}, 120.0, -5.0)
# IF_cond_exp_gsfa_grr: pyNN.nest runs NEST's iaf_cond_exp_sfa_rr as a native type with
# these parameters, PyNN's (GSFA_PYNN) translated by hand as pyNN.nest would
GSFA_PYNN = ({"i_offset": 1.0, "tau_refrac": 2.0}, 0.02, 0.02)
GSFA_NEST = {"E_L": -65.0, "V_reset": -65.0, "C_m": 1000.0, "g_L": 50.0, "t_ref": 2.0,
             "tau_syn_ex": 5.0, "tau_syn_in": 5.0, "V_th": -50.0, "I_e": 1000.0,
             "E_ex": 0.0, "E_in": -70.0, "tau_sfa": 100.0, "E_sfa": -75.0, "q_sfa": 15.0,
             "tau_rr": 2.0, "E_rr": -75.0, "q_rr": 3000.0}
# IF_curr_delta: pyNN.nest 0.13 cannot record its v (no variable_map), so NEST's
# iaf_psc_delta runs as a native type (weights in mV: pyNN.nest's receptor_scale 1e-3)
DELTA_PYNN = ({"i_offset": 0.8, "tau_refrac": 2.0}, 3.0, -2.0)
DELTA_NEST = {"E_L": -65.0, "V_reset": -65.0, "C_m": 1000.0, "tau_m": 20.0, "t_ref": 2.0,
              "V_th": -50.0, "I_e": 800.0}
EXC_TIMES = [5.0, 12.3, 30.0, 30.5, 31.0, 60.2, 100.0, 140.7, 141.0]
INH_TIMES = [8.0, 50.0, 90.1, 90.4, 120.0, 160.0]

TM = {"depressing": {"U": 0.5, "tau_rec": 800.0, "tau_facil": 0.0},
      "facilitating": {"U": 0.1, "tau_rec": 100.0, "tau_facil": 1000.0}}
TM_TIMES = [10.0 + 25.0 * k for k in range(6)] + [180.0]

PRE_TIMES = [10.0, 40.0, 52.0, 80.0, 81.5, 120.0, 150.0, 170.0]
POST_TIMES = [15.0, 36.0, 55.0, 78.0, 90.0, 118.0, 125.0, 165.0]
STDP_RULE = {"tau_plus": 16.8, "tau_minus": 33.7, "A_plus": 0.05, "A_minus": 0.06}
WDEP = {"additive": ("AdditiveWeightDependence", {"w_min": 0.0, "w_max": 0.8}),
        "multiplicative": ("MultiplicativeWeightDependence", {"w_min": 0.0, "w_max": 0.8}),
        "addpot_multdep": ("AdditivePotentiationMultiplicativeDepression",
                           {"w_min": 0.0, "w_max": 0.8}),
        "gutig": ("GutigWeightDependence", {"w_min": 0.0, "w_max": 0.8})}
STDP_W0 = 0.4
STDP_DELAY = 1.5

NOISE_CELLS = 200
NOISE = {"mean": 0.2, "stdev": 0.5, "dt": 1.0, "start": 20.0, "stop": 1e12}
SOURCES = {"dc": ("DCSource", {"amplitude": 0.5, "start": 20.0, "stop": 80.0}),
           "step": ("StepCurrentSource", {"times": [10.0, 40.0, 70.3],
                                          "amplitudes": [0.4, -0.2, 0.3]}),
           "ac": ("ACSource", {"amplitude": 0.3, "offset": 0.1, "frequency": 40.0,
                               "phase": 30.0, "start": 15.0, "stop": 150.0}),
           "dc0": ("DCSource", {"amplitude": 0.25, "start": 0.0, "stop": 1e12})}


def build(sim, **setup) -> dict:
    """Build and run every setup with the PyNN backend ``sim``; the results as arrays
    (tests/pynn/test_models_pynn.py runs this same function with eqsim.pynn)."""
    out = {}
    sim.setup(timestep=DT, min_delay=DT, **setup)
    exc = sim.Population(1, sim.SpikeSourceArray(spike_times=EXC_TIMES))
    inh = sim.Population(1, sim.SpikeSourceArray(spike_times=INH_TIMES))
    pops = {}
    for name, (params, we, wi) in CELLS.items():
        p = sim.Population(1, getattr(sim, name)(**params))
        p.record(["v", "spikes"])
        sim.Projection(exc, p, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=we, delay=1.0), receptor_type="excitatory")
        sim.Projection(inh, p, sim.AllToAllConnector(),
                       sim.StaticSynapse(weight=wi, delay=1.5), receptor_type="inhibitory")
        pops[name] = p
    native = sim.__name__ == "pyNN.nest"
    params, we, wi = GSFA_PYNN
    p = sim.Population(1, sim.native_cell_type("iaf_cond_exp_sfa_rr")(**GSFA_NEST)
                       if native else sim.IF_cond_exp_gsfa_grr(**params))
    if native:
        p.initialize(V_m=-65.0)
    p.record(["V_m" if native else "v", "spikes"])
    sim.Projection(exc, p, sim.AllToAllConnector(),
                   sim.StaticSynapse(weight=we, delay=1.0), receptor_type="excitatory")
    sim.Projection(inh, p, sim.AllToAllConnector(),
                   sim.StaticSynapse(weight=wi, delay=1.5), receptor_type="inhibitory")
    pops["IF_cond_exp_gsfa_grr"] = p
    params, we, wi = DELTA_PYNN
    p = sim.Population(1, sim.native_cell_type("iaf_psc_delta")(**DELTA_NEST)
                       if native else sim.IF_curr_delta(**params))
    if native:
        p.initialize(V_m=-65.0)
        we, wi = we * 1e-3, wi * 1e-3
    p.record(["V_m" if native else "v", "spikes"])
    sim.Projection(exc, p, sim.AllToAllConnector(),
                   sim.StaticSynapse(weight=we, delay=1.0), receptor_type="excitatory")
    sim.Projection(inh, p, sim.AllToAllConnector(),
                   sim.StaticSynapse(weight=wi, delay=1.5), receptor_type="inhibitory")
    pops["IF_curr_delta"] = p
    params, we, wi = IZH_KICK
    p = sim.Population(1, sim.Izhikevich(**params))
    p.record(["v", "spikes"])
    sim.Projection(exc, p, sim.AllToAllConnector(),
                   sim.StaticSynapse(weight=we, delay=1.0), receptor_type="excitatory")
    sim.Projection(inh, p, sim.AllToAllConnector(),
                   sim.StaticSynapse(weight=wi, delay=1.5), receptor_type="inhibitory")
    pops["Izhikevich_kick"] = p
    # (f) composed neuron models: LIF with three exponential current receptors (NEST:
    # iaf_psc_exp_multisynapse), AdExp with three alpha conductances
    # (aeif_cond_alpha_multisynapse)
    composed = {
        "lif_multi": sim.PointNeuron(
            sim.LIF(tau_m=10.0, v_rest=-60.0, i_offset=1.1, tau_refrac=2.0),
            AMPA=sim.CurrExpPostSynapticResponse(tau_syn=1.0),
            NMDA=sim.CurrExpPostSynapticResponse(tau_syn=20.0),
            GABAA=sim.CurrExpPostSynapticResponse(tau_syn=1.5)),
        "adexp_multi": sim.PointNeuron(
            sim.AdExp(tau_m=10.0, v_rest=-60.0, i_offset=0.5, tau_refrac=2.0),
            AMPA=sim.AlphaPSR(tau_syn=1.0, e_syn=0.0),
            NMDA=sim.AlphaPSR(tau_syn=20.0, e_syn=0.0),
            GABAA=sim.AlphaPSR(tau_syn=1.5, e_syn=-70.0))}
    comp_pops = {}
    for name, ct in composed.items():
        p = sim.Population(1, ct, initial_values={"v": -60.0})
        p.record(["v", "spikes"])
        curr = name == "lif_multi"
        for r, src, w in (("AMPA", exc, 0.5 if curr else 0.01),
                          ("NMDA", exc, 0.2 if curr else 0.004),
                          ("GABAA", inh, -0.8 if curr else 0.02)):
            sim.Projection(src, p, sim.AllToAllConnector(),
                           sim.StaticSynapse(weight=w, delay=1.5), receptor_type=r)
        comp_pops[name] = p
    # (b) Tsodyks-Markram
    tm_src = sim.Population(1, sim.SpikeSourceArray(spike_times=TM_TIMES))
    tm_pops = {}
    for name, params in TM.items():
        p = sim.Population(1, sim.IF_curr_exp(tau_syn_E=3.0, v_thresh=0.0))
        p.record("v")
        sim.Projection(tm_src, p, sim.AllToAllConnector(),
                       sim.TsodyksMarkramSynapse(weight=2.0, delay=1.0, **params),
                       receptor_type="excitatory")
        tm_pops[name] = p
    # (c) STDP: the postsynaptic cell is made to fire at POST_TIMES (one strong input
    # 1 ms before each, delay 1 ms)
    pre = sim.Population(1, sim.SpikeSourceArray(spike_times=PRE_TIMES))
    drive = sim.Population(1, sim.SpikeSourceArray(
        spike_times=[t - 2.0 for t in POST_TIMES]))
    post = sim.Population(1, sim.IF_curr_exp(tau_refrac=2.0, tau_syn_E=0.5))
    post.record("spikes")
    sim.Projection(drive, post, sim.AllToAllConnector(),
                   sim.StaticSynapse(weight=40.0, delay=1.0), receptor_type="excitatory")
    stdp_prj = {}
    for name, (cls, params) in WDEP.items():
        syn = sim.STDPMechanism(
            timing_dependence=sim.SpikePairRule(**STDP_RULE),
            weight_dependence=getattr(sim, cls)(**params),
            weight=STDP_W0, delay=STDP_DELAY)
        stdp_prj[name] = sim.Projection(pre, post, sim.AllToAllConnector(), syn,
                                        receptor_type="excitatory")
    # (e) NoisyCurrentSource into 200 passive cells: the mean and SD of V after 200 ms
    noisy = sim.Population(NOISE_CELLS, sim.IF_curr_exp(v_thresh=1000.0, tau_m=10.0))
    sim.NoisyCurrentSource(**NOISE).inject_into(noisy)
    noisy.record("v")
    # (d) current sources into passive cells
    cs = sim.Population(3, sim.IF_curr_exp(v_thresh=1000.0))
    cs.record("v")
    for name, (cls, params) in SOURCES.items():
        src = getattr(sim, cls)(**params)
        target = {"dc": cs[0:1], "step": cs[1:2], "ac": cs[2:3], "dc0": cs[0:1]}[name]
        src.inject_into(target)
    sim.run(T)
    for name, p in pops.items():
        seg = p.get_data().segments[0]
        v = seg.filter(name="v") or seg.filter(name="V_m")
        out[f"cell_{name}_v"] = np.asarray(v[0].magnitude)[:KEEP, 0]
        spikes = np.asarray(seg.spiketrains[0].magnitude)
        out[f"cell_{name}_spikes"] = spikes[spikes <= (KEEP - 1) * DT + 1e-9]
    for name, p in comp_pops.items():
        seg = p.get_data().segments[0]
        out[f"comp_{name}_v"] = np.asarray(seg.filter(name="v")[0].magnitude)[:KEEP, 0]
        spikes = np.asarray(seg.spiketrains[0].magnitude)
        out[f"comp_{name}_spikes"] = spikes[spikes <= (KEEP - 1) * DT + 1e-9]
    for name, p in tm_pops.items():
        seg = p.get_data().segments[0]
        out[f"tm_{name}_v"] = np.asarray(seg.filter(name="v")[0].magnitude)[:KEEP, 0]
    for name, prj in stdp_prj.items():
        out[f"stdp_{name}_w"] = np.asarray(prj.get("weight", format="array"),
                                           dtype=float).ravel()
    out["stdp_post_spikes"] = np.asarray(post.get_data().segments[0].spiketrains[0].magnitude)
    v = np.asarray(noisy.get_data().segments[0].filter(name="v")[0].magnitude)
    out["noise_v_mean_sd"] = np.array([v[2000:].mean(), v[2000:].std()])
    out["noise_first_change"] = np.array([np.argmax(np.any(v != v[0], axis=1))])
    seg = cs.get_data().segments[0]
    out["cs_v"] = np.asarray(seg.filter(name="v")[0].magnitude)[:KEEP]
    sim.end()
    return out


def main() -> None:
    import pyNN.nest as sim  # here: tests import the setups without NEST
    out = build(sim, spike_precision="on_grid")
    np.savez_compressed(OUT, **out)
    for k, v in out.items():
        print(k, np.shape(v), v[:6] if "spikes" in k or "_w" in k else "")


if __name__ == "__main__":
    main()
