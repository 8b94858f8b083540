"""Spike sources: PoissonGroup (constant, per-neuron or time-varying rates)."""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ..errors import ConfigurationError
from ..units import Hz, Quantity, get_dimension
from .groups import NeuronGroup

HZ_DIM = get_dimension(Hz)


class PoissonGroup(NeuronGroup):
    """N independent Poisson spike trains (Brian2's PoissonGroup).

    ``rates`` is a rate (``10*Hz``), an array of per-neuron rates, or a string expression
    in ``t`` and ``i`` (``"5*Hz + 5*Hz*sin(2*pi*t/second)"``). A neuron spikes in a step
    when ``rand() < rates*dt``, so rates must stay well below 1/dt.
    """

    _kind = "poissongroup"

    def __init__(self, N: int, rates, dt: Quantity | None = None, name: str | None = None,
                 seed: int | None = None, namespace: Mapping[str, Any] | None = None):
        if isinstance(rates, str):
            model = f"rates = {rates} : Hz"
        else:
            model = "rates : Hz"
        super().__init__(N, model, threshold="rand() < rates*dt", dt=dt, name=name,
                         seed=seed, namespace=namespace)
        if not isinstance(rates, str):
            if get_dimension(rates) != HZ_DIM:
                raise ConfigurationError(
                    f"rates of PoissonGroup must be in Hz, got {get_dimension(rates)}",
                    code="E730", hint="e.g. rates=10*Hz or rates=np.ones(N)*5*Hz")
            values = np.asarray(rates.view(np.ndarray) if isinstance(rates, Quantity)
                                else rates, dtype=float)
            if np.any(values < 0) or not np.all(np.isfinite(values)):
                raise ConfigurationError("rates of PoissonGroup must be finite and >= 0",
                                         code="E730")
            self.rates = rates

    def __repr__(self) -> str:
        return f"PoissonGroup({self.N}, name={self.name!r})"
