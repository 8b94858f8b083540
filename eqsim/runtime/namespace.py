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


def timed_arrays(externals, namespace: Mapping, where: str) -> list:
    """(name, TimedArray) of the TimedArrays a model uses, in the order its code numbers
    them; E706 if a name no longer holds the TimedArray the code was built for."""
    out = []
    for ext in externals:
        if ext.kind != "function":
            continue
        value = namespace.get(ext.name)
        if getattr(value, "timed_array_ndim", None) != ext.value or \
                value.dim != ext.dim:
            raise ConfigurationError(
                f"'{ext.name}' in the namespace of {where} is no longer the "
                f"{ext.value}-D TimedArray in {ext.dim} the model was built with",
                code="E706")
        out.append((ext.name, value))
    return out
