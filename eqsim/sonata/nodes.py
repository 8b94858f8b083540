"""Node populations: ``nodes.h5`` (``/nodes/<population>/...``) + ``node_types.csv``."""
from __future__ import annotations

import numpy as np

from .errors import SonataError, where
from .h5 import dataset, open_h5
from .population import GroupedTable
from .types import TypesTable


class NodePopulation(GroupedTable):
    """One node population: ``node_ids``, ``type_ids``, groups and the type table.

    ``get(name)`` gives a property of every node (``x``, ``pop_name``,
    ``model_template``, ...); ``positions()`` the (n, 3) array of x, y, z where known;
    ``index_of(node_ids)`` the row of each node id.
    """

    kind = "node"

    def __init__(self, name, path, node_ids, **kw):
        super().__init__(name, path, **kw)
        self.node_ids = node_ids
        self._implicit = bool(np.array_equal(node_ids, np.arange(len(node_ids))))
        if not self._implicit:
            uniq = np.unique(node_ids)
            if uniq.size != node_ids.size:
                _, first = np.unique(node_ids, return_index=True)
                dup = np.setdiff1d(np.arange(node_ids.size), first)[0]
                raise SonataError(f"{where(path, f'/nodes/{name}/node_id', dup)}: node id "
                                  f"{int(node_ids[dup])} appears twice", code="E908")
            self._order = np.argsort(node_ids, kind="stable")

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return (f"NodePopulation({self.name!r}, {self.size} nodes, "
                f"{len(self.groups)} group(s), {len(self.types.ids)} type(s))")

    def index_of(self, node_ids, what: str = "", row_offset: int = 0) -> np.ndarray:
        """Rows of ``node_ids`` in this population; ids that do not exist are an error
        (``what`` names the file and dataset that referred to them)."""
        ids = np.asarray(node_ids)
        if ids.dtype != np.int32:         # int32 ids (read narrowed) are kept as they are
            ids = ids.astype(np.int64, copy=False)
        if self._implicit:
            rows = ids
            checked = self.__dict__.setdefault("_checked", [])
            if any(a is ids for a in checked):
                return rows      # this very array was checked before (edges: twice)
            if not ids.size or (int(ids.min()) >= 0 and int(ids.max()) < self.size):
                if ids is node_ids and ids.size > 1 << 16:
                    checked.append(ids)   # a large array of the caller's (edge ids)
                    del checked[:-4]      # (the last few: old edge arrays not kept)
                return rows      # two reductions, no temporary of every id
            bad = (ids < 0) | (ids >= self.size)
        else:
            sorted_ids = self.node_ids[self._order]
            pos = np.searchsorted(sorted_ids, ids)
            pos_c = np.minimum(pos, self.size - 1)
            bad = sorted_ids[pos_c] != ids
            rows = self._order[pos_c]
        if np.any(bad):
            k = int(np.flatnonzero(bad)[0])
            raise SonataError(f"{what or 'node ids'}, row {k + row_offset}: node "
                              f"{int(ids[k])} does not exist in population '{self.name}' "
                              f"({self.size} nodes, {self.path})", code="E909")
        return rows

    def positions(self) -> np.ndarray | None:
        if not all(self.has(c) for c in ("x", "y", "z")):
            return None
        return np.column_stack([np.asarray(self.get(c), dtype=float) for c in "xyz"])

    def model_types(self) -> np.ndarray:
        if not self.has("model_type"):
            raise SonataError(f"{self.path}: population '{self.name}' has no model_type "
                              f"(neither in its groups nor in {self.types.path})",
                              code="E910")
        return self.get("model_type")

    def to_dict(self) -> dict[str, np.ndarray]:
        """Every property of every node, with node_id and node_type_id."""
        out = {"node_id": self.node_ids, "node_type_id": self.type_ids}
        for name in self.property_names():
            out[name] = self.get(name)
        return out


def read_node_file(path, types_path, populations=None) -> dict[str, NodePopulation]:
    """The node populations of one nodes.h5 (all, or those named)."""
    types = TypesTable.read(types_path, "node_type_id")
    out = {}
    with open_h5(path, "nodes file") as f:
        if "nodes" not in f:
            raise SonataError(f"{where(path, '/nodes')}: missing (not a SONATA nodes file)",
                              code="E903")
        for name in f["nodes"]:
            if populations is not None and name not in populations:
                continue
            pre = f"/nodes/{name}"
            type_ids = dataset(f, f"{pre}/node_type_id").astype(np.int64)
            n = len(type_ids)
            node_ids = dataset(f, f"{pre}/node_id", required=False)
            node_ids = np.arange(n, dtype=np.int64) if node_ids is None else \
                node_ids.astype(np.int64)
            gid = dataset(f, f"{pre}/node_group_id").astype(np.int64)
            gix = dataset(f, f"{pre}/node_group_index").astype(np.int64)
            for ds, arr in (("node_id", node_ids), ("node_group_id", gid),
                            ("node_group_index", gix)):
                if len(arr) != n:
                    raise SonataError(f"{where(path, f'{pre}/{ds}')}: {len(arr)} rows, but "
                                      f"node_type_id has {n}", code="E908")
            groups, dyn = GroupedTable.read_groups(f, pre, "node")
            out[name] = NodePopulation(name, str(path), node_ids, h5prefix=pre,
                                       type_ids=type_ids, group_ids=gid, group_index=gix,
                                       groups=groups, dynamics=dyn, types=types)
    return out
