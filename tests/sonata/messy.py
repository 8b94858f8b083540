"""A generated SONATA network that is hard on a fast loader: several node and edge
populations, edges in random order (not sorted by target nor by source), two edge groups
(weights per edge in one, from the type table in the other), nsyns > 1, per-type delays,
node ids that are not 0..n-1, and every storage layout h5py writes: gzip in small chunks
with a partial last chunk, gzip + shuffle, uncompressed chunks, contiguous, int64 ids."""
from __future__ import annotations

import json
from pathlib import Path

import h5py
import numpy as np

LAYOUTS = {   # edge population -> dataset creation keywords
    "a_to_a": {"chunks": (997,), "compression": "gzip"},
    "a_to_b": {},                                                 # contiguous
    "b_to_a": {"chunks": (512,), "compression": "gzip", "shuffle": True},
    "ext_to_a": {"chunks": (700,)},                               # chunked, no filter
    "ext_to_b": {"chunks": (64,), "compression": "gzip", "compression_opts": 1},
    "b_to_b": {"chunks": (1000,), "compression": "gzip"},
    "b_to_b_typed": {"chunks": (333,), "compression": "gzip"},    # weights in its group
}


def _attrs(f) -> None:
    f.attrs["magic"] = np.uint32(0x0A7A)
    f.attrs["version"] = np.array([0, 1], np.uint32)


def write_messy(d: Path, seed: int = 7, n_a: int = 300, n_b: int = 120, n_ext: int = 40,
                edges_per_target: int = 30) -> Path:
    """Write the network into ``d``; returns its config.json."""
    rng = np.random.default_rng(seed)
    net, comp = d / "network", d / "components"
    net.mkdir(parents=True, exist_ok=True)
    (comp / "cells").mkdir(parents=True, exist_ok=True)
    (comp / "syn").mkdir(parents=True, exist_ok=True)
    (comp / "cells" / "exc.json").write_text(json.dumps({"I_e": 250.0}))
    (comp / "cells" / "inh.json").write_text(json.dumps({"I_e": 150.0, "tau_m": 8.0}))
    (comp / "syn" / "static.json").write_text("{}")
    node_ids = {"a": rng.permutation(n_a) * 3 + 5,        # not 0..n-1, not sorted
                "b": np.arange(n_b), "ext": np.arange(n_ext)}
    with h5py.File(net / "nodes.h5", "w") as f:
        _attrs(f)
        for pop, n, types in (("a", n_a, rng.choice([1, 2], n_a)),
                              ("b", n_b, np.full(n_b, 3)), ("ext", n_ext, np.full(n_ext, 9))):
            g = f.create_group(f"nodes/{pop}")
            g["node_id"] = node_ids[pop].astype(np.uint64)
            g["node_type_id"] = types.astype(np.uint64)
            gid = (np.arange(n) % 2).astype(np.uint32) if pop == "a" else np.zeros(n, np.uint32)
            gix = np.zeros(n, np.uint64)
            for k in (0, 1):
                gix[gid == k] = np.arange(int(np.sum(gid == k)))
            g["node_group_id"], g["node_group_index"] = gid, gix
            for k in np.unique(gid):
                m = int(np.sum(gid == k))
                g[f"{k}/x"] = rng.uniform(0, 100, m)
    (net / "node_types.csv").write_text(
        "node_type_id model_type model_template dynamics_params\n"
        "1 point_process nest:iaf_psc_alpha exc.json\n"
        "2 point_process nest:iaf_psc_exp inh.json\n"
        "3 point_process nest:iaf_psc_alpha exc.json\n"
        "9 virtual NULL NULL\n")
    (net / "edge_types.csv").write_text(
        "edge_type_id syn_weight delay model_template dynamics_params\n"
        "10 15.0 1.5 static_synapse static.json\n"
        "11 -40.0 2.3 static_synapse static.json\n"
        "12 NULL 1.0 nest:static_synapse static.json\n"
        "13 30.0 0.8 static_synapse static.json\n")

    def population(f, name, src_pop, tgt_pop, order, one_group=False, nsyns=None,
                   group_weight=False):
        tgt_rows = np.repeat(np.arange(len(node_ids[tgt_pop])), edges_per_target)
        src_rows = rng.integers(0, len(node_ids[src_pop]), tgt_rows.size)
        n = tgt_rows.size
        types = rng.choice([10, 11, 12], n) if src_pop != "ext" else np.full(n, 13)
        if order == "random":
            perm = rng.permutation(n)
        elif order == "source":
            perm = np.argsort(src_rows, kind="stable")
        else:
            perm = np.arange(n)
        src_rows, tgt_rows, types = src_rows[perm], tgt_rows[perm], types[perm]
        if one_group:       # one group: syn_weight per edge in it, or from the types
            types = rng.choice([10, 11, 12] if group_weight else [10, 11], n)
        gid = (types == 12).astype(np.uint16)   # group 1: weight per edge (type has NULL)
        if one_group:
            gid[:] = 0
        gix = np.zeros(n, np.uint32)
        for k in (0, 1):
            gix[gid == k] = rng.permutation(int(np.sum(gid == k)))   # scattered rows
        kw = LAYOUTS[name]
        g = f.create_group(f"edges/{name}")
        id_dtype = np.int64 if name == "b_to_a" else np.uint64
        for ds, data in (("source_node_id", node_ids[src_pop][src_rows].astype(id_dtype)),
                         ("target_node_id", node_ids[tgt_pop][tgt_rows].astype(id_dtype)),
                         ("edge_type_id", types.astype(np.uint32)),
                         ("edge_group_id", gid), ("edge_group_index", gix)):
            g.create_dataset(ds, data=data, **kw)
        g["source_node_id"].attrs["node_population"] = src_pop
        g["target_node_id"].attrs["node_population"] = tgt_pop
        for k in (0, 1):
            m = int(np.sum(gid == k))
            if m == 0:
                continue
            kw_k = dict(kw, chunks=(min(kw["chunks"][0], m),)) if "chunks" in kw else kw
            g.create_dataset(f"{k}/nsyns", data=(rng.integers(1, 4, m) if nsyns is None
                                                 else np.full(m, nsyns)).astype(np.uint32),
                             **kw_k)
            if k == 1 or group_weight:
                g.create_dataset(f"{k}/syn_weight", data=rng.uniform(5, 25, m), **kw_k)

    with h5py.File(net / "edges.h5", "w") as f:
        _attrs(f)
        population(f, "a_to_a", "a", "a", "random")
        population(f, "a_to_b", "a", "b", "source")
        population(f, "b_to_a", "b", "a", "target")
        population(f, "b_to_b", "b", "b", "random", one_group=True, nsyns=2)
        population(f, "b_to_b_typed", "b", "b", "random", one_group=True, nsyns=1,
                   group_weight=True)
    with h5py.File(net / "ext_edges.h5", "w") as f:
        _attrs(f)
        population(f, "ext_to_a", "ext", "a", "random")
        population(f, "ext_to_b", "ext", "b", "target", nsyns=3)
    counts = rng.poisson(30, n_ext)
    with h5py.File(d / "ext_spikes.h5", "w") as f:
        _attrs(f)
        f["spikes/ext/node_ids"] = np.repeat(np.arange(n_ext), counts).astype(np.uint64)
        f["spikes/ext/timestamps"] = rng.uniform(0.1, 200.0, counts.sum())
    cfg = {"manifest": {"$D": "${configdir}"},
           "components": {"point_neuron_models_dir": "$D/components/cells",
                          "synaptic_models_dir": "$D/components/syn"},
           "networks": {"nodes": [{"nodes_file": "$D/network/nodes.h5",
                                   "node_types_file": "$D/network/node_types.csv"}],
                        "edges": [{"edges_file": f"$D/network/{e}.h5",
                                   "edge_types_file": "$D/network/edge_types.csv"}
                                  for e in ("edges", "ext_edges")]},
           "run": {"tstop": 200.0, "dt": 0.1},
           "inputs": {"ext": {"input_type": "spikes", "module": "sonata",
                              "input_file": "$D/ext_spikes.h5", "node_set": "ext"}}}
    (d / "config.json").write_text(json.dumps(cfg))
    return d / "config.json"
