"""Edge populations: ``edges.h5`` (``/edges/<population>/...``) + ``edge_types.csv``."""
from __future__ import annotations

import numpy as np

from .errors import SonataError, where
from .h5 import attr_str, dataset, open_h5
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


def read_edge_file(path, types_path, populations=None) -> dict[str, EdgePopulation]:
    """The edge populations of one edges.h5 (all, or those named)."""
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
            src = dataset(f, f"{pre}/source_node_id").astype(np.int64)
            tgt = dataset(f, f"{pre}/target_node_id").astype(np.int64)
            pops = []
            for ds in ("source_node_id", "target_node_id"):
                pop = attr_str(f[f"{pre}/{ds}"], "node_population")
                if pop is None:
                    raise SonataError(f"{where(path, f'{pre}/{ds}')}: no attribute "
                                      "'node_population' (which nodes the ids refer to)",
                                      code="E903")
                pops.append(pop)
            type_ids = dataset(f, f"{pre}/edge_type_id").astype(np.int64)
            gid = dataset(f, f"{pre}/edge_group_id").astype(np.int64)
            gix = dataset(f, f"{pre}/edge_group_index").astype(np.int64)
            n = len(src)
            for ds, arr in (("target_node_id", tgt), ("edge_type_id", type_ids),
                            ("edge_group_id", gid), ("edge_group_index", gix)):
                if len(arr) != n:
                    raise SonataError(f"{where(path, f'{pre}/{ds}')}: {len(arr)} rows, but "
                                      f"source_node_id has {n}", code="E908")
            groups, dyn = GroupedTable.read_groups(f, pre, "edge")
            out[name] = EdgePopulation(name, str(path), src, tgt, pops[0], pops[1],
                                       h5prefix=pre, type_ids=type_ids, group_ids=gid,
                                       group_index=gix, groups=groups, dynamics=dyn,
                                       types=types)
    return out
