"""What node and edge populations share: groups of property datasets, addressed by
``*_group_id`` / ``*_group_index``, and a type table for what the groups do not hold.

A property of every member is assembled with one scatter per group (a population has a
handful of groups) and one fancy index into the type table: no Python loop per member.
A group's own value wins over the type table's (SONATA's rule).
"""
from __future__ import annotations

import numpy as np

from .errors import SonataError, where
from .h5 import dataset
from .inflate import is_constant
from .types import TypesTable

DYNAMICS = "dynamics_params"


def _merge(parts: list[tuple[np.ndarray, np.ndarray]], n: int) -> np.ndarray:
    """One array of n values from (mask, values) parts; NaN / None where nothing is given."""
    numeric = all(v.dtype.kind in "iuf" for _, v in parts)
    if numeric:
        ints = all(v.dtype.kind in "iu" for _, v in parts)
        covered = np.zeros(n, bool)
        for mask, _ in parts:
            covered |= mask
        if ints and covered.all():
            out = np.zeros(n, dtype=np.result_type(*[v.dtype for _, v in parts]))
        else:
            out = np.full(n, np.nan)
    else:
        out = np.empty(n, dtype=object)
    for mask, values in parts:
        out[mask] = values
    return out


def _increasing(a: np.ndarray, chunk: int = 1 << 20) -> bool:
    """Is ``a`` strictly increasing? (in blocks: no temporary the size of ``a``)"""
    for start in range(0, len(a) - 1, chunk):
        block = a[start:start + chunk + 1]
        if not np.all(block[1:] > block[:-1]):
            return False
    return True


def _lo_hi(a: np.ndarray) -> tuple:
    """(min, max) of a non-empty array as Python numbers (a broadcast of one value, as
    read_array(constant=True) gives, without a pass over it)."""
    if is_constant(a):
        return (a[0].item(),) * 2
    return a.min().item(), a.max().item()


class GroupedTable:
    """Members (nodes or edges) with ``type_ids``, ``group_ids``, ``group_index``, the
    datasets of each group, and a types table. ``kind`` is "node" or "edge"."""

    kind = "node"

    def __init__(self, name: str, path: str, h5prefix: str, type_ids: np.ndarray,
                 group_ids: np.ndarray, group_index: np.ndarray,
                 groups: dict[int, dict[str, np.ndarray]],
                 dynamics: dict[int, dict[str, np.ndarray]], types: TypesTable,
                 own_type_ids: bool = False):
        self.name, self.path, self.h5prefix = name, path, h5prefix
        self._type_ids, self._type_dtype = type_ids, type_ids.dtype
        self.group_ids = group_ids
        self.group_index = group_index
        self.groups = groups
        self.dynamics = dynamics
        self.types = types
        self.size = len(type_ids)
        # own_type_ids: the reader's fresh array may become the type rows (no new array
        # of every member); the type ids are then computed back when asked for
        self._type_rows = types.lookup(type_ids, path, f"{h5prefix}/{self.kind}_type_id",
                                       inplace=own_type_ids)
        if np.may_share_memory(self._type_rows, type_ids):
            self._type_ids = None
        self._check_groups()

    @property
    def type_ids(self) -> np.ndarray:
        """The type id of every member (as the file stores them)."""
        if self._type_ids is None:
            return self.types.ids[self._type_rows].astype(self._type_dtype)
        return self._type_ids

    # -- reading -------------------------------------------------------------------
    @staticmethod
    def read_groups(f, prefix: str, kind: str):
        """The groups (sub-groups named by integers) of a population in an open file."""
        import h5py
        groups: dict[int, dict[str, np.ndarray]] = {}
        dyn: dict[int, dict[str, np.ndarray]] = {}
        for key, obj in f[prefix].items():
            if not isinstance(obj, h5py.Group) or not key.isdigit():
                continue
            cols, dcols = {}, {}
            for name, ds in obj.items():
                if isinstance(ds, h5py.Dataset):
                    cols[name] = dataset(f, f"{prefix}/{key}/{name}",
                                         constant=kind == "edge")
                elif name == DYNAMICS and isinstance(ds, h5py.Group):
                    for pname, pds in ds.items():
                        if isinstance(pds, h5py.Dataset):
                            dcols[pname] = dataset(f, f"{prefix}/{key}/{DYNAMICS}/{pname}",
                                                   constant=kind == "edge")
            groups[int(key)] = cols
            dyn[int(key)] = dcols
        return groups, dyn

    def _check_groups(self) -> None:
        gid_ds = f"{self.h5prefix}/{self.kind}_group_id"
        gix_ds = f"{self.h5prefix}/{self.kind}_group_index"
        known = np.fromiter(self.groups, dtype=np.int64, count=len(self.groups))
        gids = self.group_ids
        # every member in the one group (BMTK's files): two reductions, no masks
        whole = len(known) == 1 and (not gids.size or _lo_hi(gids) == (known[0],) * 2)
        masks = {} if whole else {g: gids == g for g in self.groups}
        bad = None if whole else ~masks[known[0]] if len(masks) == 1 else \
            ~np.isin(gids, known)
        if bad is not None and np.any(bad):
            row = int(np.flatnonzero(bad)[0])
            raise SonataError(f"{where(self.path, gid_ds, row)}: group "
                              f"{int(self.group_ids[row])} does not exist (groups: "
                              f"{sorted(self.groups)})", code="E908")
        if self.group_index.dtype.kind != "u" and np.any(self.group_index < 0):
            row = int(np.flatnonzero(self.group_index < 0)[0])
            raise SonataError(f"{where(self.path, gix_ds, row)}: negative index",
                              code="E908")
        for g, cols in self.groups.items():
            sizes = {name: len(v) for name, v in {**cols, **self.dynamics[g]}.items()}
            if len(set(sizes.values())) > 1:
                raise SonataError(f"{where(self.path, f'{self.h5prefix}/{g}')}: its "
                                  f"datasets differ in length ({sizes})", code="E908")
            mask = None if whole else masks[g]
            size = next(iter(sizes.values())) if sizes else None
            if size is None:
                continue
            if whole and (not self.size or int(self.group_index.max()) < size):
                over = None      # every member in this group, all indices in range
            else:
                over = self.group_index >= size
                if mask is not None:
                    over &= mask
            if over is not None and np.any(over):
                row = int(np.flatnonzero(over)[0])
                raise SonataError(f"{where(self.path, gix_ds, row)}: index "
                                  f"{int(self.group_index[row])} is past the end of group "
                                  f"{g}, which holds {size} rows", code="E908")
            idx = self.group_index if whole else self.group_index[mask]
            if idx.size > 1 and _increasing(idx):
                continue         # increasing (BMTK writes 0, 1, 2, ...): no duplicates
            counts = np.bincount(idx, minlength=size) if idx.size else idx
            if idx.size and counts.max() > 1:
                dup = int(np.argmax(counts > 1))
                same = self.group_index == dup
                row = int(np.flatnonzero(same if mask is None else mask & same)[1])
                raise SonataError(f"{where(self.path, gix_ds, row)}: index {dup} of group "
                                  f"{g} is used by two {self.kind}s", code="E908")

    # -- properties ----------------------------------------------------------------
    def property_names(self) -> list[str]:
        names = set(self.types.columns)
        for cols in self.groups.values():
            names.update(cols)
        return sorted(names)

    def has(self, name: str) -> bool:
        return name in self.types.columns or any(name in c for c in self.groups.values())

    def get(self, name: str, rows: np.ndarray | None = None) -> np.ndarray:
        """The property ``name`` of every member (or of the members ``rows``): from its
        group where the group has the dataset, else from the type table; NaN (numbers) or
        None where neither has it."""
        sel = slice(None) if rows is None else rows
        n = self.size if rows is None else len(rows)
        fast = self._get_one_source(name, sel)
        if fast is not None:
            return fast
        parts = []
        covered = np.zeros(n, bool)
        gids, gix = self.group_ids[sel], self.group_index[sel]
        for g, cols in self.groups.items():
            if name in cols:
                mask = gids == g
                parts.append((mask, cols[name][gix[mask]]))
                covered |= mask
        if name in self.types.columns and not covered.all():
            tvals = self.types.columns[name][self._type_rows[sel]]
            parts.insert(0, (~covered, tvals[~covered]))
        if not parts:
            raise KeyError(name)
        return _merge(parts, n)

    def _get_one_source(self, name: str, sel):
        """get() of a numeric property that one place holds for every member (the type
        table, or the one group): a gather, without the masks and the merge."""
        holders = [g for g, cols in self.groups.items() if name in cols]
        if not holders and name in self.types.columns:
            col = self.types.columns[name]
            return col[self._type_rows[sel]] if col.dtype.kind in "iuf" else None
        if len(holders) == 1 and len(self.groups) == 1:
            values = self.groups[holders[0]][name]
            if values.dtype.kind not in "iuf":
                return None
            return values[self.group_index[sel]]
        return None

    def constant(self, name: str):
        """The value of a numeric property when every member has the same (read from the
        type table's used rows or the one group's dataset, no per-member array), else
        None."""
        if self.size == 0:
            return None
        holders = [g for g, cols in self.groups.items() if name in cols]
        if not holders and name in self.types.columns:
            col = self.types.columns[name]
            if col.dtype.kind not in "iuf":
                return None
            if len(col) and col.min() == col.max():
                return col[0].item()     # every type the same: no look at the members
            values = col[self.types_used()]
        elif len(holders) == 1 and len(self.groups) == 1:
            values = self.groups[holders[0]][name]
            if values.dtype.kind not in "iuf" or len(values) == 0:
                return None
        else:
            return None
        lo, hi = _lo_hi(values)
        return lo if lo == hi else None

    def types_used(self) -> np.ndarray:
        """The rows of the type table that some member has (computed once)."""
        if getattr(self, "_types_used", None) is None:
            counts = np.zeros(len(self.types.ids), np.int64)
            step = 1 << 20     # blocks: bincount's int64 copy of each stays small
            for start in range(0, len(self._type_rows), step):
                counts += np.bincount(self._type_rows[start:start + step],
                                      minlength=len(counts))
            self._types_used = np.flatnonzero(counts)
        return self._types_used

    def type_column(self, name: str, rows: np.ndarray | None = None) -> np.ndarray:
        """A type-table column per member (only the table, not the groups)."""
        sel = slice(None) if rows is None else rows
        return self.types.columns[name][self._type_rows[sel]]

    def dynamics_columns(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """Per-member dynamics_params stored in the h5 groups (for ``rows``), NaN where a
        member's group has no such dataset."""
        out: dict[str, list] = {}
        names = sorted({k for d in self.dynamics.values() for k in d})
        if not names:
            return out
        gids, gix = self.group_ids[rows], self.group_index[rows]
        n = len(gids)
        for name in names:
            parts = []
            for g, cols in self.dynamics.items():
                if name in cols:
                    mask = gids == g
                    if mask.any():
                        parts.append((mask, cols[name][gix[mask]]))
            if parts:
                out[name] = _merge(parts, n)
        return out
