"""A summary of what a SONATA reader sees in a population (used to compare eqsim's reader
with BMTK's on files eqsim wrote): numpy only, so the reference script can use it too."""
from __future__ import annotations

import numpy as np

SKIP = {"source_population", "target_population"}   # BMTK's dataframe extras


def _number(x) -> float:
    return float(f"{float(x):.10g}")


def summarize(table: dict) -> dict:
    """{column: summary}: for numbers count, sum, sum of squares, min and max; for other
    values the count of each distinct value. None/NaN are left out (BMTK fills missing
    type columns of merged type tables with NaN)."""
    out = {}
    for name, values in sorted(table.items()):
        if name in SKIP:
            continue
        arr = np.asarray(values)
        if arr.dtype.kind in "iuf":
            a = arr.astype(float)
            a = a[~np.isnan(a)]
            if a.size:
                out[name] = [int(a.size), _number(a.sum()), _number((a * a).sum()),
                             _number(a.min()), _number(a.max())]
            continue
        vals = [v for v in arr.tolist() if v is not None and v == v]
        if vals:
            kinds, counts = np.unique(np.asarray([str(v) for v in vals]),
                                      return_counts=True)
            out[name] = {str(k): int(c) for k, c in zip(kinds, counts)}
    if "source_node_id" in table and "target_node_id" in table:
        s = np.asarray(table["source_node_id"], dtype=np.int64)
        t = np.asarray(table["target_node_id"], dtype=np.int64)
        out["pairs"] = int(np.sum((s + 1) * (t + 7) % 1000003))
    return out
