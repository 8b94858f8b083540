"""Node and edge type tables (``*_node_types.csv``, ``*_edge_types.csv``).

The files are space separated with a header row; a value may be quoted (``"['basal',
'apical']"``), ``NULL`` means "no value for this type". Values are read as int, float,
Python literal (lists, tuples, dicts) or string. A table has one row per type (a few
dozen at most), so reading it row by row is fine; per-node and per-edge values are then
taken from it with one vectorised lookup.
"""
from __future__ import annotations

import ast
import csv
import os
from dataclasses import dataclass, field

import numpy as np

from .errors import SonataError, where

NULL = "NULL"


def parse_value(text: str):
    """One CSV cell: None for NULL, else int, float, a Python literal, or the string."""
    if text == NULL or text == "":
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        pass
    if text[:1] in "[({" or text in ("True", "False"):
        try:
            return ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
    return text


def column_array(values: list) -> np.ndarray:
    """A column as a numeric array when every value is a number (None -> NaN for floats),
    else as an object array."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                       for v in present):
        if len(present) == len(values):
            return np.asarray(values, dtype=np.int64)
        return np.asarray([np.nan if v is None else v for v in values], dtype=float)
    if present and all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                       for v in present):
        return np.asarray([np.nan if v is None else v for v in values], dtype=float)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


@dataclass
class TypesTable:
    """A type table: ``ids`` (the type id of each row) and ``columns`` (name -> one value
    per row). ``lookup(type_ids)`` gives the row of each type id."""

    path: str
    id_column: str
    ids: np.ndarray
    columns: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def read(cls, path, id_column: str) -> TypesTable:
        path = os.fspath(path)
        if not os.path.exists(path):
            raise SonataError(f"type table {path} does not exist", code="E900")
        try:
            with open(path, newline="") as f:
                rows = [r for r in csv.reader(f, delimiter=" ", quotechar='"',
                                              skipinitialspace=True) if r]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise SonataError(f"type table {path} cannot be read ({exc})",
                              code="E900") from exc
        if not rows:
            raise SonataError(f"type table {path} is empty (no header row)", code="E906")
        header = rows[0]
        if id_column not in header:
            raise SonataError(f"{where(path, row=0)}: the header has no column "
                              f"'{id_column}' (columns: {' '.join(header)})", code="E906")
        for k, r in enumerate(rows[1:], start=1):
            if len(r) != len(header):
                raise SonataError(f"{where(path, row=k)}: {len(r)} values for "
                                  f"{len(header)} columns ({' '.join(r)!r})", code="E906",
                                  hint="values with spaces must be quoted")
        cells = {name: [parse_value(r[c]) for r in rows[1:]]
                 for c, name in enumerate(header)}
        ids = cells.pop(id_column)
        for k, v in enumerate(ids, start=1):
            if not isinstance(v, int):
                raise SonataError(f"{where(path, row=k)}: {id_column} {v!r} is not an "
                                  "integer", code="E906")
        ids_arr = np.asarray(ids, dtype=np.int64)
        uniq, counts = np.unique(ids_arr, return_counts=True)
        if np.any(counts > 1):
            dup = int(uniq[counts > 1][0])
            raise SonataError(f"{path}: {id_column} {dup} appears "
                              f"{int(counts[counts > 1][0])} times", code="E906")
        return cls(path, id_column, ids_arr,
                   {name: column_array(vals) for name, vals in cells.items()})

    def lookup(self, type_ids: np.ndarray, h5path: str, dataset: str,
               inplace: bool = False) -> np.ndarray:
        """The row of each type id; an id missing from the table is an error naming the
        h5 file, its dataset and the first row that has it. ``inplace``: the rows may be
        written over ``type_ids`` (32-bit ids; the caller's array then holds rows)."""
        type_ids = np.asarray(type_ids)
        if type_ids.dtype.kind not in "iu" or type_ids.dtype.itemsize > 4:
            type_ids = type_ids.astype(np.int64)
        k = len(self.ids)
        if k and type_ids.dtype.kind in "iu" and np.array_equal(
                self.ids, np.arange(self.ids[0], self.ids[0] + k)) and \
                0 <= self.ids[0] and self.ids[0] + k < 1 << 31:
            # consecutive ids in table order (BMTK's 100, 101, ...): row = id - first,
            # one subtraction (no index table, no int64 copy of the ids)
            lo, hi = (int(type_ids.min()), int(type_ids.max())) if type_ids.size else (0, 0)
            if not type_ids.size or (lo >= self.ids[0] and hi < self.ids[0] + k):
                src = type_ids.view(np.int32) if type_ids.dtype == np.uint32 else type_ids
                out = src if inplace and src.dtype == np.int32 and \
                    src.flags.writeable and src.flags.c_contiguous else None
                return np.subtract(src, np.int32(self.ids[0]), out=out, dtype=np.int32,
                                   casting="unsafe")
        if len(self.ids) and 0 <= self.ids.min() and self.ids.max() < 1 << 20:
            # a table indexed by the id (one gather per member, not a binary search);
            # ids outside it land on the last entry, -1
            lut = np.full(int(self.ids.max()) + 2, -1, dtype=np.int32)
            lut[self.ids] = np.arange(len(self.ids))
            if type_ids.size and type_ids.dtype.kind == "u" and type_ids.max() < len(lut):
                rows = lut[type_ids]     # every id inside the table: no clipped copy
            else:
                rows = lut[np.minimum(type_ids, len(lut) - 1) if type_ids.dtype.kind == "u"
                           else np.clip(type_ids, -1, len(lut) - 1)]
            if rows.size and rows.min() < 0:
                row = int(np.flatnonzero(rows < 0)[0])
                raise SonataError(f"{where(h5path, dataset, row)}: {self.id_column} "
                                  f"{int(type_ids[row])} is not in {self.path}",
                                  code="E907")
            return rows
        order = np.argsort(self.ids)
        sorted_ids = self.ids[order]
        pos = np.searchsorted(sorted_ids, type_ids)
        pos_c = np.minimum(pos, max(len(sorted_ids) - 1, 0))
        ok = (pos < len(sorted_ids)) & (sorted_ids[pos_c] == type_ids) if len(
            sorted_ids) else np.zeros(type_ids.shape, bool)
        if not np.all(ok):
            row = int(np.flatnonzero(~ok)[0])
            raise SonataError(f"{where(h5path, dataset, row)}: {self.id_column} "
                              f"{int(type_ids[row])} is not in {self.path}", code="E907")
        return order[pos_c]

    def __contains__(self, name: str) -> bool:
        return name in self.columns
