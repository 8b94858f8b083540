"""The cost of the PyNN layer: one Brunel-like network (N_E + N_I current-based LIF
cells with exponential synapses, fixed in-degree 10 % of each population, 1.5 ms
delays, a constant drive) built and run

* as a PyNN script on eqsim.pynn            (``--sim eqsim.pynn``, default)
* written natively in eqsim                 (``--sim eqsim``)
* as the same PyNN script on pyNN.nest      (``--sim nest``: run with the NEST venv's python)
* as the same PyNN script on pyNN.brian2    (``--sim brian2``: the Brian2 venv's python)

Each run prints one JSON line: build and run seconds, spike count. A warm compile cache
is measured (``--repeat 2`` reports the second run). Example::

    python benchmarks/pynn_overhead.py --n 10000 --t 1000 --repeat 2
    /root/.venvs/eqsim-nest/bin/python benchmarks/pynn_overhead.py --sim nest --n 10000

eqsim.pynn's IF_curr_exp is NEST's iaf_psc_exp (eqsim/pynn/standardmodels), which the
native version builds with eqsim.models.nest.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

P = dict(tau_m=20.0, cm=0.25, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0,
         tau_refrac=2.0, tau_syn_E=0.5, tau_syn_I=0.5, i_offset=0.38)   # ms, nF, mV, nA
W_E, G, DELAY, EPS = 0.025, 5.0, 1.5, 0.1


def pynn_script(sim, n: int, t: float, cell=None, static=None) -> dict:
    n_e, n_i = int(0.8 * n), n - int(0.8 * n)
    t0, c0 = time.perf_counter(), time.process_time()
    sim.setup(timestep=0.1, min_delay=0.1)
    cell = cell or sim.IF_curr_exp
    static = static or sim.StaticSynapse
    rng = sim.NumpyRNG(seed=2)
    exc = sim.Population(n_e, cell(**P), label="E")
    inh = sim.Population(n_i, cell(**P), label="I")
    allc = exc + inh
    allc.initialize(v=sim.RandomDistribution("uniform", (-65.0, -50.0), rng=rng))
    ce, ci = int(EPS * n_e), int(EPS * n_i)
    sim.Projection(exc, allc, sim.FixedNumberPreConnector(ce, rng=rng),
                   static(weight=W_E, delay=DELAY), receptor_type="excitatory")
    sim.Projection(inh, allc, sim.FixedNumberPreConnector(ci, rng=rng),
                   static(weight=-G * W_E, delay=DELAY), receptor_type="inhibitory")
    exc.record("spikes")
    inh.record("spikes")
    t1, c1 = time.perf_counter(), time.process_time()
    sim.run(t)
    # the spikes as Neo data; counted from the trains' arrays (iterating 10,000 Neo
    # SpikeTrain objects would add about 3 s of Neo's own work, on any backend)
    n_spikes = sum(len(p.get_data("spikes").segments[0].spiketrains.multiplexed[1])
                   for p in (exc, inh))
    t2, c2 = time.perf_counter(), time.process_time()
    sim.end()
    return {"build_s": t1 - t0, "run_s": t2 - t1, "build_cpu_s": c1 - c0,
            "run_cpu_s": c2 - c1, "spikes": int(n_spikes)}


def native(n: int, t: float) -> dict:
    """The same network in eqsim's own API: NEST's iaf_psc_exp (eqsim.models.nest, the
    model eqsim.pynn's IF_curr_exp runs, with its homogeneous parameters shared as
    eqsim.pynn makes them), fixed in-degree connect(), one delay."""
    import eqsim as eq
    from eqsim.models.nest import neuron_group
    from eqsim.units import ms, pA, second
    n_e = int(0.8 * n)
    t0, c0 = time.perf_counter(), time.process_time()
    params = {"tau_m": P["tau_m"], "C_m": P["cm"] * 1e3, "E_L": P["v_rest"],
              "V_reset": P["v_reset"], "V_th": P["v_thresh"], "t_ref": P["tau_refrac"],
              "tau_syn_ex": P["tau_syn_E"], "tau_syn_in": P["tau_syn_I"],
              "I_e": P["i_offset"] * 1e3,
              "V_m": np.random.default_rng(2).uniform(-65.0, -50.0, n)}
    g = neuron_group("iaf_psc_exp", n, params, name="all", shared=True)
    exc, inh = g[:n_e], g[n_e:]
    se = eq.Synapses(exc, g, "w : amp", on_pre="I_syn_ex_post += w", delay=DELAY * ms,
                     name="se")
    se.connect(in_degree=int(EPS * n_e), multapses=False, seed=3)
    se.w = W_E * 1e3 * pA
    si = eq.Synapses(inh, g, "w : amp", on_pre="I_syn_in_post += w", delay=DELAY * ms,
                     name="si")
    si.connect(in_degree=int(EPS * (n - n_e)), multapses=False, seed=4)
    si.w = -G * W_E * 1e3 * pA
    mon = eq.SpikeMonitor(g)
    net = eq.Network(g, se, si, mon)
    t1, c1 = time.perf_counter(), time.process_time()
    net.run(t * 1e-3 * second, report=None)
    i, _ = mon.i, mon.t_   # the data read back, as get_data() does
    t2, c2 = time.perf_counter(), time.process_time()
    return {"build_s": t1 - t0, "run_s": t2 - t1, "build_cpu_s": c1 - c0,
            "run_cpu_s": c2 - c1, "spikes": len(i)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", default="eqsim.pynn",
                    choices=["eqsim.pynn", "eqsim", "nest", "brian2"])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--t", type=float, default=1000.0)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    sys.path.insert(0, ROOT)
    for k in range(args.repeat):
        if args.sim == "eqsim":
            out = native(args.n, args.t)
        elif args.sim == "eqsim.pynn":
            import eqsim.pynn as sim
            cell = static = None
            if not sim.list_standard_models():
                from tests.pynn.doubles import IFCurrExpDouble, StaticDouble
                cell, static = IFCurrExpDouble, StaticDouble
            out = pynn_script(sim, args.n, args.t, cell, static)
        else:
            import importlib
            out = pynn_script(importlib.import_module(f"pyNN.{args.sim}"), args.n, args.t)
        out.update(sim=args.sim, n=args.n, t_ms=args.t, repeat=k)
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
