"""Namespace values are runtime data: read again, with their units checked, at every run."""
from __future__ import annotations

from typing import Mapping

import numpy as np

from ..errors import ConfigurationError, DimensionError
from ..units import get_dimension


def constant_values(externals, namespace: Mapping, where: str) -> dict[str, float]:
    """SI values of the namespace constants a model uses (``where``: "group 'exc'")."""
    out: dict[str, float] = {}
    for ext in externals:
        if ext.kind != "constant" or ext.name.startswith("_"):
            continue
        if ext.name not in namespace:
            raise ConfigurationError(f"'{ext.name}' was removed from the namespace of "
                                     f"{where}", code="E706")
        value = namespace[ext.name]
        if get_dimension(value) != ext.dim:
            raise DimensionError(f"namespace value '{ext.name}' of {where} changed units "
                                 f"from {ext.dim} to {get_dimension(value)}", code="E207")
        out[ext.name] = float(np.asarray(value))
    return out
