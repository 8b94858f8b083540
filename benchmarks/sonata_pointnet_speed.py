#!/usr/bin/env python
"""Load and run BMTK-built SONATA networks in eqsim and in BMTK PointNet (NEST), side by
side: load time, run time, peak memory (issue 11, point 6).

    python benchmarks/sonata_pointnet_speed.py --sizes 1000 10000 100000 --indegree 100 \\
        --repeats 3 --workdir /tmp/sonatabench
    python benchmarks/sonata_pointnet_speed.py --sizes 100000 --indegree 1000 \\
        --simulators eqsim --repeats 2 --out benchmarks/results/sonata_speed_1e8.json

The network of size N: population ``v1`` of N ``nest:iaf_psc_alpha`` cells (80 %
excitatory, 20 % inhibitory; NEST's default parameters), a fixed in-degree K from v1
(0.8 K excitatory sources at 20 pA, 0.2 K inhibitory at -100 pA, all distinct, delay
1.5 ms; weights and delays in the edge type table as BMTK's builder writes them) and 20
inputs per cell from 200 virtual Poisson cells (``ext``, 20 Hz, 100 pA, 1.0 ms); 1 s at
dt = 0.1 ms. The files are written by BMTK's NetworkBuilder (``--writer bmtk``, NEST +
BMTK virtualenv $NEST_PYTHON, default /root/.venvs/eqsim-nest/bin/python) or, for sizes
where the builder is too slow (its ``all_to_one`` rule is called once per target with
every source), by :func:`write_direct` (``--writer direct``): the same datasets, dtypes,
type tables, sorting (by target) and gzip compression as the builder's files, without
the optional ``indices/`` group. ``--writer auto`` (default): BMTK up to 10,000 nodes.

Each measurement runs in a fresh process (``--child``), the simulators alternating:
``import`` (the simulator's modules: ``bmtk.simulator.pointnet``, which imports NEST;
``eqsim.sonata`` with eqsim's NEST model library), ``load`` (config -> every neuron and connection
made and the simulation ready: PointNet = ``PointNetwork.from_config`` +
``PointSimulator.from_config``, one thread; eqsim = ``sonata.load`` + ``build`` +
``Network`` + ``run(0 ms)``, which loads the compiled module from the cache and binds
the data), ``run`` (the simulation and ``output/spikes.h5``: PointNet ``sim.run()``,
eqsim ``net.run`` + ``write_spikes_h5``), peak RSS (``ru_maxrss`` of the process) and
the CPU time (user + system) of load and run besides their wall time: on a shared
machine the CPU time is the steadier number. eqsim's module is compiled once by an
unrecorded first run per size. The load average before each process is recorded.
Results: ``--out`` (default benchmarks/results/sonata_speed.json).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEST_PYTHON = os.environ.get("NEST_PYTHON", "/root/.venvs/eqsim-nest/bin/python")
N_EXT, EXT_PER_CELL, EXT_RATE = 200, 20, 20.0
TYPES = {"e": (100, 20.0), "i": (101, -100.0)}   # edge type id, syn_weight (pA)


def _write_common(directory: str, seed: int) -> None:
    """components/, the virtual cells' spikes and config.json (the same for both
    writers)."""
    import h5py
    import numpy as np
    rng = np.random.default_rng(seed + 1000)
    comp = os.path.join(directory, "components")
    os.makedirs(os.path.join(comp, "point_neuron_models"), exist_ok=True)
    os.makedirs(os.path.join(comp, "synaptic_models"), exist_ok=True)
    for name, params in (("point_neuron_models/exc.json", {"I_e": 0.0}),
                         ("point_neuron_models/inh.json", {"I_e": 0.0}),
                         ("synaptic_models/static.json", {})):
        with open(os.path.join(comp, name), "w") as f:
            json.dump(params, f)
    counts = rng.poisson(EXT_RATE, N_EXT)
    ids = np.repeat(np.arange(N_EXT), counts)
    ts = rng.uniform(0.1, 1000.0, ids.size)
    with h5py.File(os.path.join(directory, "ext_spikes.h5"), "w") as f:
        f.attrs["magic"] = np.uint32(0x0A7A)
        f.attrs["version"] = np.array([0, 1], np.uint32)
        f["spikes/ext/node_ids"] = ids
        f["spikes/ext/timestamps"] = ts
        f["spikes/ext/timestamps"].attrs["units"] = "ms"
    cfg = {"manifest": {"$BASE_DIR": "${configdir}"},
           "components": {"point_neuron_models_dir": "$BASE_DIR/components/point_neuron_models",
                          "synaptic_models_dir": "$BASE_DIR/components/synaptic_models"},
           "networks": {"nodes": [{"nodes_file": f"$BASE_DIR/network/{p}_nodes.h5",
                                   "node_types_file": f"$BASE_DIR/network/{p}_node_types.csv"}
                                  for p in ("v1", "ext")],
                        "edges": [{"edges_file": f"$BASE_DIR/network/{p}_v1_edges.h5",
                                   "edge_types_file": f"$BASE_DIR/network/{p}_v1_edge_types.csv"}
                                  for p in ("v1", "ext")]},
           "run": {"tstop": 1000.0, "dt": 0.1},
           "inputs": {"ext": {"input_type": "spikes", "module": "sonata",
                              "input_file": "$BASE_DIR/ext_spikes.h5", "node_set": "ext"}},
           "output": {"output_dir": "$BASE_DIR/output", "spikes_file": "spikes.h5"}}
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)


def build_bmtk(directory: str, n: int, k: int, seed: int = 1) -> None:
    """The network written by BMTK's NetworkBuilder (run with $NEST_PYTHON)."""
    import numpy as np
    from bmtk.builder import NetworkBuilder
    rng = np.random.default_rng(seed)
    net = NetworkBuilder("v1")
    n_exc = int(0.8 * n)
    net.add_nodes(N=n_exc, ei="e", model_type="point_process",
                  model_template="nest:iaf_psc_alpha", dynamics_params="exc.json")
    net.add_nodes(N=n - n_exc, ei="i", model_type="point_process",
                  model_template="nest:iaf_psc_alpha", dynamics_params="inh.json")

    def fixed_indegree(count):
        def rule(sources, target):
            m = len(sources)
            out = np.zeros(m, dtype=int)
            out[rng.choice(m, size=min(m, count), replace=False)] = 1
            return out
        return rule

    for ei, count in (("e", int(round(0.8 * k))), ("i", k - int(round(0.8 * k)))):
        net.add_edges(source={"ei": ei}, target=net.nodes(), iterator="all_to_one",
                      connection_rule=fixed_indegree(count), syn_weight=TYPES[ei][1],
                      delay=1.5, dynamics_params="static.json",
                      model_template="static_synapse")
    net.build()
    ext = NetworkBuilder("ext")
    ext.add_nodes(N=N_EXT, model_type="virtual")
    ext.add_edges(source=ext.nodes(), target=net.nodes(), iterator="all_to_one",
                  connection_rule=fixed_indegree(EXT_PER_CELL), syn_weight=100.0,
                  delay=1.0, dynamics_params="static.json", model_template="static_synapse")
    ext.build()
    for b in (net, ext):
        b.save_nodes(output_dir=os.path.join(directory, "network"))
        b.save_edges(output_dir=os.path.join(directory, "network"))
    _write_common(directory, seed)


def _distinct(rng, rows: int, k: int, lo: int, hi: int):
    """``rows`` sorted sets of ``k`` distinct integers in [lo, hi) (draws with
    replacement from hi - lo - k + 1 values, sorted, plus 0..k-1: vectorised)."""
    import numpy as np
    x = np.sort(rng.integers(0, hi - lo - k + 1, size=(rows, k)), axis=1)
    return x + np.arange(k) + lo


def write_direct(directory: str, n: int, k: int, seed: int = 1,
                 block_edges: int = 20_000_000) -> None:
    """The same network as :func:`build_bmtk`, written with h5py in the layout BMTK's
    builder writes (datasets, dtypes, chunking by h5py's guess, gzip; edges sorted by
    target, sources ascending within a target), without ``indices/``, a block of targets
    at a time (memory stays ~ block_edges * 40 bytes)."""
    import h5py
    import numpy as np
    rng = np.random.default_rng(seed)
    net_dir = os.path.join(directory, "network")
    os.makedirs(net_dir, exist_ok=True)
    n_exc = int(0.8 * n)
    k_e = int(round(0.8 * k))
    k_i = k - k_e
    with open(os.path.join(net_dir, "v1_node_types.csv"), "w") as f:
        f.write("node_type_id ei model_template model_type dynamics_params\n"
                "100 e nest:iaf_psc_alpha point_process exc.json\n"
                "101 i nest:iaf_psc_alpha point_process inh.json\n")
    with open(os.path.join(net_dir, "ext_node_types.csv"), "w") as f:
        f.write("node_type_id model_type\n100 virtual\n")
    with open(os.path.join(net_dir, "v1_v1_edge_types.csv"), "w") as f:
        f.write("edge_type_id target_query source_query model_template delay "
                "dynamics_params syn_weight\n"
                "100 * ei=='e' static_synapse 1.5 static.json 20.0\n"
                "101 * ei=='i' static_synapse 1.5 static.json -100.0\n")
    with open(os.path.join(net_dir, "ext_v1_edge_types.csv"), "w") as f:
        f.write("edge_type_id target_query source_query model_template delay "
                "dynamics_params syn_weight\n"
                "100 * * static_synapse 1.0 static.json 100.0\n")

    def nodes(pop, count, type_ids):
        with h5py.File(os.path.join(net_dir, f"{pop}_nodes.h5"), "w") as f:
            g = f.create_group(f"nodes/{pop}")
            g.create_group("0")
            kw = dict(chunks=True, compression="gzip")
            g.create_dataset("node_group_id", data=np.zeros(count, np.uint32), **kw)
            g.create_dataset("node_group_index", data=np.arange(count, dtype=np.uint64),
                             **kw)
            g.create_dataset("node_id", data=np.arange(count, dtype=np.uint64), **kw)
            g.create_dataset("node_type_id", data=type_ids.astype(np.uint64), **kw)
    nodes("v1", n, np.where(np.arange(n) < n_exc, 100, 101))
    nodes("ext", N_EXT, np.full(N_EXT, 100))

    def edges(name, source_pop, per_target, draw):
        total = n * per_target
        with h5py.File(os.path.join(net_dir, f"{source_pop}_v1_edges.h5"), "w") as f:
            g = f.create_group(f"edges/{source_pop}_to_v1")
            kw = dict(chunks=True, compression="gzip")
            ds = {key: g.create_dataset(key, shape=(total,), dtype=dt, **kw)
                  for key, dt in (("source_node_id", np.uint64),
                                  ("target_node_id", np.uint64),
                                  ("edge_type_id", np.uint32),
                                  ("edge_group_id", np.uint16),
                                  ("edge_group_index", np.uint32),
                                  ("0/nsyns", np.uint32))}
            ds["source_node_id"].attrs["node_population"] = source_pop
            ds["target_node_id"].attrs["node_population"] = "v1"
            step = max(1, block_edges // per_target)
            for t0 in range(0, n, step):
                t1 = min(n, t0 + step)
                src, types = draw(t1 - t0)
                a, b = t0 * per_target, t1 * per_target
                ds["source_node_id"][a:b] = src.ravel()
                ds["target_node_id"][a:b] = np.repeat(np.arange(t0, t1, dtype=np.uint64),
                                                      per_target)
                ds["edge_type_id"][a:b] = types.ravel()
                ds["edge_group_id"][a:b] = 0
                ds["edge_group_index"][a:b] = np.arange(a, b, dtype=np.uint32)
                ds["0/nsyns"][a:b] = 1

    def draw_v1(rows):
        src = np.concatenate([_distinct(rng, rows, k_e, 0, n_exc),
                              _distinct(rng, rows, k_i, n_exc, n)], axis=1)
        types = np.broadcast_to(np.r_[np.full(k_e, 100), np.full(k_i, 101)], src.shape)
        return src, types

    def draw_ext(rows):
        src = _distinct(rng, rows, EXT_PER_CELL, 0, N_EXT)
        return src, np.full(src.shape, 100)
    edges("v1_to_v1", "v1", k, draw_v1)
    edges("ext_to_v1", "ext", EXT_PER_CELL, draw_ext)
    _write_common(directory, seed)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_pointnet(directory: str) -> dict:
    t0, c0 = time.perf_counter(), _cpu()
    from bmtk.simulator import pointnet
    import h5py
    t1, c1 = time.perf_counter(), _cpu()
    os.chdir(directory)
    configure = pointnet.Config.from_json("config.json")
    configure.build_env()
    network = pointnet.PointNetwork.from_config(configure)
    ca = _cpu()
    sim = pointnet.PointSimulator.from_config(configure, network, n_thread=1)
    t2, c2 = time.perf_counter(), _cpu()
    sim.run()
    t3, c3 = time.perf_counter(), _cpu()
    with h5py.File(os.path.join("output", "spikes.h5")) as f:
        n = len(f["spikes/v1/timestamps"]) if "spikes/v1" in f else 0
    import nest
    return {"import_s": t1 - t0, "load_s": t2 - t1, "run_s": t3 - t2,
            "load_cpu_s": c2 - c1, "run_cpu_s": c3 - c2, "peak_mb": _peak_mb(),
            "spikes": n, "connections": int(nest.GetKernelStatus("num_connections")),
            # CPU seconds of the load's stages: config + PointNetwork.from_config (its
            # node and edge tables), PointSimulator.from_config (NEST's Create, Connect)
            "load_stages_cpu_s": {"network_from_config": ca - c1,
                                  "simulator_from_config": c2 - ca}}


def run_eqsim(directory: str) -> dict:
    t0, c0 = time.perf_counter(), _cpu()
    sys.path.insert(0, ROOT)
    import h5py  # noqa: F401  (PointNet's import of bmtk imports it too)
    from eqsim import sonata
    from eqsim.sonata.run import _add_monitors, _collect_spikes
    from eqsim.sonata.spikes import write_spikes_h5
    from eqsim.runtime.network import Network
    from eqsim.units import ms
    import eqsim.models.nest  # noqa: F401  (the NEST model library, as PointNet's nest)
    import numpy.ma  # noqa: F401  (np.unique imports it on first use; PointNet's pandas
    #                  imports it at import)
    t1, c1 = time.perf_counter(), _cpu()
    circuit = sonata.load(os.path.join(directory, "config.json"))
    ca = _cpu()
    built = sonata.build(circuit)
    cb = _cpu()
    _add_monitors(built, circuit)
    net = Network(*built.objects())
    tp = time.perf_counter()
    net.run(0 * ms)            # the compiled module from the cache, the data bound
    t2, c2 = time.perf_counter(), _cpu()
    net.run(circuit.config.tstop * ms)
    out = os.path.join(directory, "output_eqsim")
    os.makedirs(out, exist_ok=True)
    write_spikes_h5(os.path.join(out, "spikes.h5"), _collect_spikes(built, circuit),
                    "time")
    t3, c3 = time.perf_counter(), _cpu()
    n = sum(len(m.i) for m in built.spike_monitors.values())
    return {"import_s": t1 - t0, "load_s": t2 - t1, "run_s": t3 - t2,
            "load_cpu_s": c2 - c1, "run_cpu_s": c3 - c2, "peak_mb": _peak_mb(),
            "spikes": n, "connections": int(sum(len(S) for S in built.synapses)),
            "prepare_s": t2 - tp,
            # CPU seconds of the load's stages: sonata.load (files read and checked),
            # sonata.build (groups and synapses), Network + run(0 ms) (module, binding)
            "load_stages_cpu_s": {"sonata_load": ca - c1, "build": cb - ca,
                                  "network_run0": c2 - cb}}


def _child(kind: str, directory: str, nice: int) -> dict:
    python = NEST_PYTHON if kind == "pointnet" else sys.executable
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    # bytecode on both sides, as installed packages have it (pip compiles BMTK's and
    # NEST's; without this a PYTHONDONTWRITEBYTECODE environment compiles eqsim's
    # modules from source in every process, its lazily imported ones inside the load)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    load = os.getloadavg()[0]
    out = subprocess.run(([] if not nice else ["nice", "-n", str(nice)])
                         + [python, os.path.abspath(__file__), "--child", kind, directory],
                         capture_output=True, text=True, cwd=ROOT, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{out.stderr[-3000:]}")
    row = json.loads(out.stdout.strip().splitlines()[-1])
    row["loadavg_before"] = load
    row["loadavg_after"] = os.getloadavg()[0]
    return row


def prepare(workdir: str, n: int, k: int, writer: str) -> tuple[str, str, float]:
    """The network's folder (written once, then reused), the writer, seconds to write."""
    if writer == "auto":
        writer = "bmtk" if n <= 10_000 else "direct"
    d = os.path.join(workdir, f"n{n}_k{k}_{writer}")
    if os.path.exists(os.path.join(d, "config.json")):
        return d, writer, float("nan")
    os.makedirs(d, exist_ok=True)
    t0 = time.perf_counter()
    subprocess.run([NEST_PYTHON if writer == "bmtk" else sys.executable,
                    os.path.abspath(__file__), "--build", writer, d, str(n), str(k)],
                   check=True, cwd=ROOT)
    return d, writer, time.perf_counter() - t0


def _median(xs):
    xs = sorted(xs)
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else 0.5 * (xs[m - 1] + xs[m])


def table(paths: list[str]) -> str:
    """Markdown rows (medians) from result files, for docs/benchmarks.md."""
    out = ["| nodes | edges (writer) | load: eqsim / PointNet (CPU) | ratio CPU (wall) | "
           "run: eqsim / PointNet (CPU) | ratio CPU (wall) | peak RSS eqsim / PointNet | "
           "spikes eqsim / PointNet | load avg |", "|---" * 9 + "|"]
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for row in data["sizes"]:
            m = row["median"]
            e, p = m.get("eqsim"), m.get("pointnet")
            runs = row["runs"]
            spikes = " / ".join(str(sorted({r["spikes"] for r in runs[s]})) .strip("[]")
                                for s in ("eqsim", "pointnet") if runs.get(s))
            la = [r["loadavg_before"] for s in runs for r in runs[s]]
            cells = [f"{row['nodes']:,}", f"{row['edges']:,} ({row['writer']})"]
            if e and p:
                cells += [f"{e['load_cpu_s']:.3g} s / {p['load_cpu_s']:.3g} s",
                          f"**{p['load_cpu_s'] / e['load_cpu_s']:.1f}×** "
                          f"({p['load_s'] / e['load_s']:.1f}×)",
                          f"{e['run_cpu_s']:.3g} s / {p['run_cpu_s']:.3g} s",
                          f"**{p['run_cpu_s'] / e['run_cpu_s']:.1f}×** "
                          f"({p['run_s'] / e['run_s']:.1f}×)",
                          f"{e['peak_mb'] / 1024:.2f} / {p['peak_mb'] / 1024:.2f} GB"]
            else:
                cells += [f"{e['load_cpu_s']:.3g} s (wall {e['load_s']:.3g} s) / –", "–",
                          f"{e['run_cpu_s']:.3g} s (wall {e['run_s']:.3g} s) / –", "–",
                          f"{e['peak_mb'] / 1024:.2f} GB / –"]
            cells += [spikes, f"{min(la):.1f}–{max(la):.1f}"]
            out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def stages_table(paths: list[str]) -> str:
    """Markdown rows: the CPU seconds of each load stage (medians), both simulators."""
    out = ["| nodes | eqsim: sonata.load / build / Network + run(0) | PointNet: "
           "PointNetwork.from_config / PointSimulator.from_config |", "|---" * 3 + "|"]
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for row in data["sizes"]:
            cells = [f"{row['nodes']:,} ({row['edges']:,} edges)"]
            for sim in ("eqsim", "pointnet"):
                runs = [r["load_stages_cpu_s"] for r in row["runs"].get(sim, [])
                        if "load_stages_cpu_s" in r]
                cells.append(" / ".join(f"{_median([r[k] for r in runs]):.3g} s"
                                        for k in runs[0]) if runs else "–")
            out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--indegree", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--simulators", nargs="+", default=["eqsim", "pointnet"])
    ap.add_argument("--writer", choices=("auto", "bmtk", "direct"), default="auto")
    ap.add_argument("--workdir", default=os.path.join(os.environ.get("TMPDIR", "/tmp"),
                                                      "eqsim_sonata_bench"))
    ap.add_argument("--no-first-run", action="store_true",
                    help="skip eqsim's unrecorded first run (its module is cached already)")
    ap.add_argument("--nice", type=int, default=0, help="niceness of the measured runs")
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results",
                                                  "sonata_speed.json"))
    ap.add_argument("--table", nargs="+", help="print the docs table of result files")
    ap.add_argument("--stages", nargs="+", help="print the load stages of result files")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--build", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.table:
        print(table(args.table))
        return 0
    if args.stages:
        print(stages_table(args.stages))
        return 0
    if args.build:
        writer, d, n, k = args.build
        (build_bmtk if writer == "bmtk" else write_direct)(d, int(n), int(k))
        return 0
    if args.child:
        kind, directory = args.child
        print(json.dumps(run_pointnet(directory) if kind == "pointnet" else
                         run_eqsim(directory)))
        return 0
    results = []
    for n in args.sizes:
        d, writer, t_write = prepare(args.workdir, n, args.indegree, args.writer)
        k_e = int(round(0.8 * args.indegree))   # (a rule takes at most every source)
        per_cell = (min(k_e, int(0.8 * n)) + min(args.indegree - k_e, n - int(0.8 * n))
                    + min(EXT_PER_CELL, N_EXT))
        row = {"nodes": n, "indegree": args.indegree, "edges": n * per_cell,
               "writer": writer, "write_s": t_write, "runs": {s: [] for s in
                                                              args.simulators}}
        if "eqsim" in args.simulators and not args.no_first_run:
            t0 = time.perf_counter()
            _child("eqsim", d, 0)        # compiles (or finds) the module: not recorded
            row["eqsim_first_run_s"] = time.perf_counter() - t0
        for r in range(args.repeats):    # alternating, the first simulator alternating too
            order = args.simulators if r % 2 == 0 else args.simulators[::-1]
            for sim in order:
                res = _child(sim, d, args.nice)
                row["runs"][sim].append(res)
                print(f"N={n} K={args.indegree} {sim:8s} load {res['load_s']:.3f} s "
                      f"(cpu {res['load_cpu_s']:.3f}) run {res['run_s']:.3f} s (cpu "
                      f"{res['run_cpu_s']:.3f}) peak {res['peak_mb']:.0f} MB spikes "
                      f"{res['spikes']} conns {res['connections']} load avg "
                      f"{res['loadavg_before']:.1f}", flush=True)
        med = {s: {key: _median([x[key] for x in runs]) for key in
                   ("load_s", "run_s", "load_cpu_s", "run_cpu_s", "peak_mb")}
               for s, runs in row["runs"].items() if runs}
        row["median"] = med
        if "eqsim" in med and "pointnet" in med:
            e, p = med["eqsim"], med["pointnet"]
            row["ratio_pointnet_over_eqsim"] = {key: p[key] / e[key] for key in e}
            print("  ratios PointNet/eqsim (medians): " + ", ".join(
                f"{key} {v:.1f}x" for key, v in row["ratio_pointnet_over_eqsim"].items()),
                flush=True)
        results.append(row)
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump({"machine": {"cpus": os.cpu_count(), "nice": args.nice},
                       "sizes": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
