"""Edge populations: ``edges.h5`` (``/edges/<population>/...``) + ``edge_types.csv``."""
from __future__ import annotations

import numpy as np

from .errors import SonataError, where
from .h5 import attr_str, dataset, open_h5
from .inflate import read_array
from .population import GroupedTable
from .types import TypesTable


class EdgePopulation(GroupedTable):
    """One edge population: ``source_ids`` / ``target_ids`` (node ids of the
    ``source_population`` / ``target_population``), type ids, groups and the type table."""

    kind = "edge"

    def __init__(self, name, path, source_ids, target_ids, source_population,
                 target_population, **kw):
        super().__init__(name, path, **kw)
        self.source_ids, self.target_ids = source_ids, target_ids
        self.source_population = source_population
        self.target_population = target_population

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return (f"EdgePopulation({self.name!r}, {self.source_population} -> "
                f"{self.target_population}, {self.size} edges)")

    def to_dict(self) -> dict[str, np.ndarray]:
        out = {"source_node_id": self.source_ids, "target_node_id": self.target_ids,
               "edge_type_id": self.type_ids}
        for name in self.property_names():
            out[name] = self.get(name)
        return out


def _as_int64(a: np.ndarray) -> np.ndarray:
    """Integers as int64, or int32 as read (ids narrowed by read_array): BMTK's uint64
    ids are viewed, not copied (an id past 2**63 turns negative and is reported as a
    node that does not exist)."""
    if a.dtype == np.uint64:
        return a.view(np.int64)
    if a.dtype == np.int32:
        return a
    return a.astype(np.int64, copy=False)


def _as_index(a: np.ndarray) -> np.ndarray:
    """Type ids, group ids and group indices: 8 to 32-bit integers (BMTK writes uint16
    and uint32) are kept as they are, not widened to int64 (a copy of every edge)."""
    if a.dtype.kind in "iu" and a.dtype.itemsize <= 4:
        return a
    return _as_int64(a)


def _read_rows(ds, rows: np.ndarray | None, narrow: bool = False,
               constant: bool = False) -> np.ndarray:
    """Rows of a 1-d dataset: all (None), or the given sorted rows, read as contiguous
    runs (one run per target block in files sorted by target, as BMTK writes them) or,
    when scattered, as the hull that holds them."""
    if rows is None:
        return read_array(ds, narrow, constant)
    if rows.size == 0:
        return ds[0:0]
    cuts = np.flatnonzero(np.diff(rows) != 1) + 1
    if cuts.size < 64:
        starts = np.r_[rows[0], rows[cuts]]
        stops = np.r_[rows[cuts - 1] + 1, rows[-1] + 1] if cuts.size else [rows[-1] + 1]
        return np.concatenate([ds[a:b] for a, b in zip(starts, stops)])
    lo = int(rows[0])
    return ds[lo:int(rows[-1]) + 1][rows - lo]


def _partial_groups(f, pre: str, gid: np.ndarray, gix: np.ndarray, path: str):
    """The groups' datasets at the rows ``gix`` of each group (read as the hull of those
    rows), and the group indices renumbered into what was read."""
    import h5py
    groups, dyn = {}, {}
    new_gix = np.zeros_like(gix)
    for key, obj in f[pre].items():
        if not isinstance(obj, h5py.Group) or not key.isdigit():
            continue
        g = int(key)
        mask = gid == g
        idx = gix[mask]
        lo = int(idx.min()) if idx.size else 0
        hi = int(idx.max()) + 1 if idx.size else 0
        new_gix[mask] = idx - lo
        cols, dcols = {}, {}
        for name, ds in obj.items():
            if isinstance(ds, h5py.Dataset):
                if hi > ds.shape[0]:
                    raise SonataError(f"{where(path, f'{pre}/edge_group_index')}: index "
                                      f"{hi - 1} is past the end of group {g}, which "
                                      f"holds {ds.shape[0]} rows", code="E908")
                cols[name] = ds[lo:hi]
            elif name == "dynamics_params" and isinstance(ds, h5py.Group):
                for pname, pds in ds.items():
                    if isinstance(pds, h5py.Dataset):
                        dcols[pname] = pds[lo:hi]
        groups[g], dyn[g] = cols, dcols
    return groups, dyn, new_gix


def read_edge_file(path, types_path, populations=None, select=None
                   ) -> dict[str, EdgePopulation]:
    """The edge populations of one edges.h5 (all, or those named).

    ``select(name, source_population, target_population, target_ids)`` may return a
    boolean mask of the edges to keep (an MPI rank's own): then only those rows of every
    dataset are read (``edge_rows`` of the population holds their row numbers)."""
    import h5py
    types = TypesTable.read(types_path, "edge_type_id")
    out = {}
    with open_h5(path, "edges file") as f:
        if "edges" not in f:
            raise SonataError(f"{where(path, '/edges')}: missing (not a SONATA edges file)",
                              code="E903")
        for name in f["edges"]:
            if populations is not None and name not in populations:
                continue
            pre = f"/edges/{name}"
            g = f[pre]
            dsets = {}      # each dataset looked up once (h5py's lookups by name add up)
            for ds in ("target_node_id", "source_node_id", "edge_type_id",
                       "edge_group_id", "edge_group_index"):
                obj = g.get(ds)
                if not isinstance(obj, h5py.Dataset):
                    raise SonataError(f"{where(path, f'{pre}/{ds}')}: missing"
                                      + (" (a group, not a dataset)" if obj is not None
                                         else ""), code="E903")
                dsets[ds] = obj
            tgt = _as_int64(dataset(f, f"{pre}/target_node_id", narrow=True,
                                    obj=dsets["target_node_id"]))
            pops = []
            for ds in ("source_node_id", "target_node_id"):
                pop = attr_str(dsets[ds], "node_population")
                if pop is None:
                    raise SonataError(f"{where(path, f'{pre}/{ds}')}: no attribute "
                                      "'node_population' (which nodes the ids refer to)",
                                      code="E903")
                pops.append(pop)
            n = len(tgt)
            for ds in ("source_node_id", "edge_type_id", "edge_group_id",
                       "edge_group_index"):
                if dsets[ds].shape[0] != n:
                    raise SonataError(f"{where(path, f'{pre}/{ds}')}: "
                                      f"{dsets[ds].shape[0]} rows, but "
                                      f"target_node_id has {n}", code="E908")
            rows = None
            if select is not None:
                mask = select(name, pops[0], pops[1], tgt)
                if mask is not None:
                    rows = np.flatnonzero(mask)
                    tgt = tgt[rows]

            src = _as_int64(_read_rows(dsets["source_node_id"], rows, narrow=True))
            type_ids, gid, gix = (_as_index(_read_rows(dsets[ds], rows,
                                                       constant=ds == "edge_group_id"))
                                  for ds in ("edge_type_id", "edge_group_id",
                                             "edge_group_index"))
            if rows is None:
                groups, dyn = GroupedTable.read_groups(f, pre, "edge")
            else:
                groups, dyn, gix = _partial_groups(f, pre, gid, gix, str(path))
            pop = EdgePopulation(name, str(path), src, tgt, pops[0], pops[1],
                                 h5prefix=pre, type_ids=type_ids, group_ids=gid,
                                 group_index=gix, groups=groups, dynamics=dyn,
                                 types=types, own_type_ids=True)
            pop.edge_rows = rows
            out[name] = pop
    return out
