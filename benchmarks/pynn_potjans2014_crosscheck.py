"""Where does eqsim.pynn's run of PyNN's Potjans2014 example differ from pyNN.nest's: in
the network that is built, or in how it is simulated? (docs/pynn.md, "PyNN's Potjans2014
example".) Step 1 runs the example on eqsim.pynn exactly as tests/pynn/test_potjans2014.py
does and saves the network eqsim built (every cell's parameters and initial V, every
source's rate, every synapse's source, target, weight and delay in steps) just before the
run; step 2 builds that same network in NEST 3.10 directly (poisson_generator + parrot_neuron
for each source, as pyNN.nest does; iaf_psc_exp cells) and simulates it.

    python benchmarks/pynn_potjans2014_crosscheck.py dump SEED OUT.npz
    /root/.venvs/eqsim-nest/bin/python benchmarks/pynn_potjans2014_crosscheck.py dump_nest SEED NEST.npz
    /root/.venvs/eqsim-nest/bin/python benchmarks/pynn_potjans2014_crosscheck.py rerun NEST.npz
    /root/.venvs/eqsim-nest/bin/python benchmarks/pynn_potjans2014_crosscheck.py rerun_shuffled NEST.npz
    (nest, nest_ps, rerun, rerun_ps, rerun_shuffled take a third argument: NEST's rng_seed,
    default 1)
    /root/.venvs/eqsim-nest/bin/python benchmarks/pynn_potjans2014_crosscheck.py nest OUT.npz
    /root/.venvs/eqsim-nest/bin/python benchmarks/pynn_potjans2014_crosscheck.py nest_ps OUT.npz
"""
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
T_SIM, T_SKIP, DT = 1000.0, 200.0, 0.1


def dump(seed: int, out: str) -> None:
    sys.path.insert(0, str(ROOT))
    import shutil

    from eqsim.pynn import simulator
    from eqsim.runtime.poisson_counts import PoissonCountGroup
    from tests.pynn.test_potjans2014 import RUNNER, patches
    from tests.pynn.pynn_source import pynn_source_dir

    src = pynn_source_dir("examples/Potjans2014/", "potjans2014", "microcircuit.py")
    tmp = Path(tempfile.mkdtemp())
    example = tmp / "Potjans2014"
    shutil.copytree(src / "potjans2014", example)
    for name, old, new in patches("eqsim", seed):
        p = example / name
        p.write_text(p.read_text().replace(old, new))
    (example / "results").mkdir()
    saved = {}
    real_run = simulator.state.__class__.run

    def run_and_dump(self, simtime):
        if not saved:   # the network as built, before the first step
            net = self.network
            for g in net.groups:
                if isinstance(g, PoissonCountGroup):
                    saved[f"src/{g.name}/rates"] = g.arrays["rates"].copy()
                elif "V_m" in g.arrays:
                    for k in ("V_m", "I_syn_ex", "I_syn_in", "V_th", "V_reset", "E_L",
                              "tau_m", "C_m", "t_ref", "tau_syn_ex", "tau_syn_in", "I_e"):
                        saved[f"cell/{g.name}/{k}"] = np.broadcast_to(
                            g.arrays[k], (g.N,)).copy()
            for S in net.synapses:
                key = f"syn/{S.name}/{S.source.name}/{S.target.name}"
                saved[key + "/i"] = S._pre_indices().copy()
                saved[key + "/j"] = np.asarray(S.arrays["_post"]).copy()
                saved[key + "/w"] = np.asarray(S.arrays["weight"]).copy()
                steps = S.delay_steps(DT * 1e-3)
                offset = S._pynn_spec.get("delay_offset", 0.0) / (DT * 1e-3)
                saved[key + "/delay_ms"] = (np.broadcast_to(steps, (len(S),)) -
                                            round(offset)) * DT
            np.savez_compressed(out, **saved)
        return real_run(self, simtime)

    simulator.state.__class__.run = run_and_dump
    os.chdir(example)
    sys.argv = ["-c", "eqsim"]
    exec(compile(RUNNER, "<runner>", "exec"), {"__name__": "__main__"})   # the test's runner
    print("eqsim.pynn:", _rates_from_files(example / "results"))


def _rates_from_files(results: Path) -> dict:
    from tests.pynn.test_potjans2014 import _N_FULL, POPS, SCALE
    out = {}
    for layer, pop in POPS:
        n = int(_N_FULL[layer + pop] * SCALE)
        s = np.loadtxt(results / f"spikes_{layer}_{pop}_0.txt", ndmin=2)
        t = s[:, 0] if s.size else np.empty(0)
        out[layer + pop] = round(float(np.count_nonzero(t >= T_SKIP)) / n /
                                 ((T_SIM - T_SKIP) / 1e3), 3)
    return out


def nest_run(path: str, precise: bool = False, seed: int = 1) -> None:
    """On the time grid (iaf_psc_exp, poisson_generator, parrot_neuron), or with precise
    spike times as pyNN.nest's default spike_precision='off_grid' makes them
    (iaf_psc_exp_ps, poisson_generator_ps, parrot_neuron_ps)."""
    import nest
    ps = "_ps" if precise else ""
    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.resolution = DT
    nest.rng_seed = seed
    data = np.load(path)
    nodes, recorders = {}, {}
    for key in data.files:
        kind, name, var = key.split("/")[0], key.split("/")[1], key.split("/")[-1]
        if kind == "cell" and var == "V_m":
            p = {k: data[f"cell/{name}/{k}"] for k in ("V_th", "V_reset", "E_L", "V_m")}
            n = p["V_m"].size
            pop = nest.Create("iaf_psc_exp" + ps, n)
            pop.set({"V_th": p["V_th"] * 1e3, "V_reset": p["V_reset"] * 1e3,
                     "E_L": p["E_L"] * 1e3, "V_m": p["V_m"] * 1e3,
                     "tau_m": data[f"cell/{name}/tau_m"] * 1e3,
                     "C_m": data[f"cell/{name}/C_m"] * 1e12,
                     "t_ref": data[f"cell/{name}/t_ref"] * 1e3,
                     "tau_syn_ex": data[f"cell/{name}/tau_syn_ex"] * 1e3,
                     "tau_syn_in": data[f"cell/{name}/tau_syn_in"] * 1e3,
                     "I_e": data[f"cell/{name}/I_e"] * 1e12})
            nodes[name] = pop
            rec = nest.Create("spike_recorder")
            nest.Connect(pop, rec)
            recorders[name] = rec
        elif kind == "src":
            rates = data[key]
            gen = nest.Create("poisson_generator" + ps, rates.size)
            gen.set({"rate": rates})
            par = nest.Create("parrot_neuron" + ps, rates.size)
            nest.Connect(gen, par, "one_to_one")
            nodes[name] = par
    for key in data.files:
        if key.startswith("syn/") and key.endswith("/i"):
            base = key[:-2]
            _, _, sname, tname = base.split("/")
            i, j = data[base + "/i"], data[base + "/j"]
            if i.size == 0:
                continue
            w = np.ascontiguousarray(data[base + "/w"] * 1e12, float)          # pA
            d = np.ascontiguousarray(np.maximum(data[base + "/delay_ms"], DT), float)
            src, tgt = nodes[sname], nodes[tname]
            nest.Connect(np.asarray(src.tolist(), np.int64)[i],
                         np.asarray(tgt.tolist(), np.int64)[j],
                         "one_to_one", {"synapse_model": "static_synapse",
                                        "weight": w, "delay": d})
    t0 = time.time()
    nest.Simulate(T_SIM)
    rates = {}
    for name, rec in recorders.items():
        t = rec.get("events")["times"]
        rates[name] = round(float(np.count_nonzero(t >= T_SKIP)) / len(nodes[name]) /
                            ((T_SIM - T_SKIP) / 1e3), 3)
    print(f"NEST{ps} on eqsim's network ({time.time() - t0:.0f} s):", rates)


def dump_nest(seed: int, out: str) -> None:
    """The network pyNN.nest builds for the same patched example (NEST's own nodes and
    connections, read just before the run; the run itself is skipped)."""
    sys.path.insert(0, str(ROOT))
    import shutil

    import importlib
    import types

    import nest
    import pyNN.nest.simulator as nsim
    if importlib.util.find_spec("pytest") is None:   # (the NEST venv has none)
        stub = types.ModuleType("pytest")
        stub.importorskip = importlib.import_module
        stub.skip = types.SimpleNamespace(Exception=RuntimeError)
        stub.fixture = lambda *a, **k: (a[0] if a and callable(a[0]) else (lambda f: f))
        sys.modules["pytest"] = stub
    from tests.pynn.test_potjans2014 import RUNNER, patches
    from tests.pynn.pynn_source import pynn_source_dir

    src = pynn_source_dir("examples/Potjans2014/", "potjans2014", "microcircuit.py")
    example = Path(tempfile.mkdtemp()) / "Potjans2014"
    shutil.copytree(src / "potjans2014", example)
    for name, old, new in patches("nest", seed):
        p = example / name
        p.write_text(p.read_text().replace(old, new))
    (example / "results").mkdir()

    def dump_and_stop(self, simtime):
        saved = {}
        ids = np.arange(1, nest.GetKernelStatus("network_size") + 1)
        nodes = nest.NodeCollection(ids.tolist())
        models = np.array(nodes.get("model"))
        saved["ids"], saved["models"] = ids, models.astype("U32")
        cells = nest.NodeCollection(ids[np.char.startswith(models, "iaf_psc_exp")].tolist())
        for k in ("V_m", "I_e", "V_th", "V_reset", "E_L", "tau_m", "C_m", "t_ref",
                  "tau_syn_ex", "tau_syn_in"):
            saved["cell_" + k] = np.asarray(cells.get(k), float)
        saved["cell_ids"] = np.asarray(cells.tolist())
        gens = nest.NodeCollection(ids[np.char.startswith(models, "poisson")].tolist())
        saved["gen_rate"] = np.asarray(gens.get("rate"), float)
        conns = nest.GetConnections()
        c = conns.get(["source", "target", "weight", "delay"])
        for k, v in c.items():
            saved["conn_" + k] = np.asarray(v)
        np.savez_compressed(out, **saved)
        print("dumped", len(saved["conn_source"]), "connections")
        raise SystemExit(0)

    type(nsim.state).run = dump_and_stop
    os.chdir(example)
    sys.argv = ["-c", "nest"]
    exec(compile(RUNNER, "<runner>", "exec"), {"__name__": "__main__"})


def nest_rerun(path: str, precise: bool = False, seed: int = 1,
               shuffle: bool = False) -> None:
    """pyNN.nest's own network (from ``dump_nest``) rebuilt node by node in NEST and
    simulated on the time grid (precise=False) or with precise spike times. ``shuffle``:
    the targets of each projection (source population -> target population) renumbered
    by a permutation of its own, which keeps every projection's in-degrees but removes
    their correlation across projections."""
    import nest
    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.resolution = DT
    nest.rng_seed = seed
    data = np.load(path)
    models = [str(m) for m in data["models"]]
    swap = (lambda m: m) if precise else (lambda m: m[:-3] if m.endswith("_ps") else m)
    keep = np.array([m not in ("multimeter", "spike_recorder") for m in models])
    new_id = np.zeros(len(models) + 1, np.int64)
    for k, m in enumerate(models):   # the same nodes in the same order (recorders aside)
        if keep[k]:
            new_id[k + 1] = nest.Create(swap(m)).tolist()[0]
    cells = nest.NodeCollection(new_id[data["cell_ids"]].tolist())
    for key in ("V_m", "I_e", "V_th", "V_reset", "E_L", "tau_m", "C_m", "t_ref",
                "tau_syn_ex", "tau_syn_in"):
        cells.set({key: data["cell_" + key]})
    gens = [k + 1 for k, m in enumerate(models) if m.startswith("poisson")]
    nest.NodeCollection(new_id[gens].tolist()).set({"rate": data["gen_rate"]})
    # (GetConnections lists no generator -> parrot connection: the k-th generator drives
    # the k-th parrot, one to one, as pyNN.nest creates them)
    parrots = [k + 1 for k, m in enumerate(models) if m.startswith("parrot")]
    nest.Connect(nest.NodeCollection(new_id[gens].tolist()),
                 nest.NodeCollection(new_id[parrots].tolist()), "one_to_one")
    src, tgt = data["conn_source"], data["conn_target"].copy()
    if shuffle:
        ids = data["cell_ids"]
        starts = np.concatenate([[0], np.flatnonzero(np.diff(ids) != 1) + 1, [ids.size]])
        pops = [(ids[a], ids[b - 1]) for a, b in zip(starts[:-1], starts[1:])]
        rng = np.random.default_rng(seed)
        for s_lo, s_hi in pops:
            for t_lo, t_hi in pops:
                m = (src >= s_lo) & (src <= s_hi) & (tgt >= t_lo) & (tgt <= t_hi)
                perm = rng.permutation(t_hi - t_lo + 1)
                tgt[m] = t_lo + perm[tgt[m] - t_lo]
    ok = keep[src - 1] & keep[tgt - 1]
    nest.Connect(new_id[src[ok]], new_id[tgt[ok]], "one_to_one",
                 {"synapse_model": "static_synapse",
                  "weight": np.ascontiguousarray(data["conn_weight"][ok], float),
                  "delay": np.ascontiguousarray(data["conn_delay"][ok], float)})
    rec = nest.Create("spike_recorder")
    nest.Connect(cells, rec)
    t0 = time.time()
    nest.Simulate(T_SIM)
    ev = rec.get("events")
    pos = np.searchsorted(new_id[data["cell_ids"]], ev["senders"])
    late = ev["times"] >= T_SKIP
    bounds = np.flatnonzero(np.diff(data["cell_ids"]) != 1) + 1   # populations: id runs
    edges = np.concatenate([[0], bounds, [data["cell_ids"].size]])
    rates = [round(float(np.count_nonzero(late & (pos >= a) & (pos < b))) / (b - a) /
                   ((T_SIM - T_SKIP) / 1e3), 3) for a, b in zip(edges[:-1], edges[1:])]
    print(f"NEST{'_ps' if precise else ''} on pyNN.nest's network"
          f"{' (targets shuffled per projection)' if shuffle else ''} "
          f"({time.time() - t0:.0f} s):", rates)


if __name__ == "__main__":
    if sys.argv[1] in ("rerun", "rerun_ps", "rerun_shuffled"):
        nest_rerun(sys.argv[2], precise=sys.argv[1] == "rerun_ps",
                   seed=int(sys.argv[3]) if len(sys.argv) > 3 else 1,
                   shuffle=sys.argv[1] == "rerun_shuffled")
    elif sys.argv[1] == "dump_nest":
        dump_nest(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "dump":
        dump(int(sys.argv[2]), sys.argv[3])
    else:   # "nest" (on the grid) or "nest_ps" (precise spike times)
        nest_run(sys.argv[2], precise=sys.argv[1] == "nest_ps",
                 seed=int(sys.argv[3]) if len(sys.argv) > 3 else 1)
