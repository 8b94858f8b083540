"""SonataError: bad SONATA input, each message naming the file, the dataset and the row.

Codes E900-E939 (docs/errors.md). A reader never defaults a missing value silently: a
weight, a delay or a model parameter that is not in the files is an error, not 1.0 or 0.
"""
from __future__ import annotations

from ..errors import EqsimError


class SonataError(EqsimError):
    """A SONATA file, config or spike file that eqsim cannot use as it stands."""

    code = "E900"


def where(path, dataset: str | None = None, row=None) -> str:
    """'file.h5, dataset /nodes/v1/node_type_id, row 12' (the parts that are known)."""
    out = str(path)
    if dataset:
        out += f", dataset {dataset}"
    if row is not None:
        out += f", row {int(row)}"
    return out
