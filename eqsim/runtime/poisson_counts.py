"""PoissonCountGroup: Poisson processes sampled exactly on the time grid, as NEST's
poisson_generator is: in every step a neuron emits k ~ Poisson(rates*dt) spikes, and k
may exceed one.

Brian2's PoissonGroup (``rand() < rates*dt``) fires at most once a step, so its count per
step is Bernoulli: the mean is right but the variance is lower by the factor
``1 - rates*dt`` (13 % at 1.3 kHz and dt = 0.1 ms). A PoissonCountGroup puts a neuron that
draws k spikes k times into the step's spike list; every consumer of spike lists (the
spike queue of each pathway, with or without delays, threads and MPI ranks; spike and
rate monitors) treats each entry as one spike, so a target receives the weight k times,
through its synapse model, one event after the other.

The count is found by inversion of the Poisson CDF from ``exp(-mean)`` with one uniform
number per neuron and step (stream ``COUNT_STREAM`` of the group's counter-based
generator), at most ``kcap`` spikes, where ``kcap`` is the smallest count whose upper tail
at the largest mean is below 2**-60 (a uniform number has 53 bits, so the cap never
changes a draw in practice). The C twin is ``eqsim_poisson_count`` in common.h.j2.
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Mapping

import numpy as np

from ..rng import COUNT_STREAM, poisson_counts  # noqa: F401 (re-exported)
from ..errors import ConfigurationError
from ..units import Hz, Quantity, as_quantity, get_dimension
from .groups import NeuronGroup, group_of

#: the largest mean count per step (rates*dt) a group may have
MEAN_MAX = 100.0
_TAIL = 2.0 ** -60


def poisson_cap(mean: float) -> int:
    """The smallest k with P(Poisson(mean) > k) below 2**-60 (at least 1)."""
    if mean <= 0:
        return 1
    k = int(math.floor(mean))
    log_pmf = lambda j: -mean + j * math.log(mean) - math.lgamma(j + 1)   # noqa: E731
    while True:   # past the mode the terms fall at least geometrically (ratio mean/(j+1))
        ratio = mean / (k + 2)
        if ratio < 1 and math.exp(log_pmf(k + 1)) / (1 - ratio) < _TAIL:
            return max(1, k)
        k += 1


def spike_multiplicity(group) -> int:
    """The most spikes one neuron of ``group`` (or of a subgroup's parent) emits in a
    step: 1, or a PoissonCountGroup's cap. Buffers for a step's spikes hold N times this."""
    g = group_of(group)
    return g.count_cap() if isinstance(g, PoissonCountGroup) else 1


class PoissonCountGroup(NeuronGroup):
    """N independent Poisson spike trains with exact counts per step (NEST's
    poisson_generator): in each step neuron i emits k ~ Poisson(rates[i]*dt) spikes.

    ``rates`` is a rate or one rate per neuron (Hz), stored in the variable ``rates``
    (change it between runs). ``active`` (optional) is a condition over the variables of
    ``model`` and ``t``; a neuron emits nothing while it is false (e.g. a time window).
    A neuron with k spikes in a step appears k times in the step's spike list: synapses
    receive k events, monitors record k spikes at that time.

    >>> from eqsim.units import Hz
    >>> G = PoissonCountGroup(100, 2000*Hz)
    """

    _kind = "poissoncountgroup"

    def __init__(self, N: int, rates, dt: Quantity | None = None, name: str | None = None,
                 seed: int | None = None, model: str = "", active: str | None = None,
                 namespace: Mapping[str, Any] | None = None, label: str | None = None):
        mean = "rates*dt" if active is None else f"rates*dt*int({active})"
        super().__init__(N, "rates : Hz\n" + model, threshold=f"{mean} > 0", dt=dt,
                         name=name, seed=seed, namespace=namespace, label=label)
        self.spec = replace(self.spec, counts=True)
        rates = as_quantity(rates)
        values = np.asarray(rates.view(np.ndarray) if isinstance(rates, Quantity)
                            else rates, dtype=float)
        if get_dimension(rates) != get_dimension(Hz):
            raise ConfigurationError(f"rates of PoissonCountGroup must be in Hz, got "
                                     f"{get_dimension(rates)}", code="E804")
        self.arrays["rates"][:] = values
        self.check_rates()

    def check_rates(self) -> float:
        """The largest mean count per step, after checking the rates (E804)."""
        r = self.arrays["rates"]
        if not np.all(np.isfinite(r)) or np.any(r < 0):
            raise ConfigurationError(f"PoissonCountGroup '{self.name}': rates must be "
                                     "finite and >= 0", code="E804")
        mean = float(np.max(r, initial=0.0)) * self.dt_
        if mean > MEAN_MAX:
            raise ConfigurationError(
                f"PoissonCountGroup '{self.name}': rates*dt reaches {mean:g}, more than "
                f"{MEAN_MAX:g} spikes per step", code="E804",
                hint="use a smaller dt or split the source")
        return mean

    def count_cap(self) -> int:
        """The most spikes one neuron emits in a step at the current rates."""
        return poisson_cap(self.check_rates())

    def _bind_counts(self, data) -> None:
        """Before a run: the cap and a spike buffer of N times it (the rates may have
        changed since the last run)."""
        kcap = self.count_cap()
        if len(self.arrays["_spikes"]) < self.N * kcap:
            self.arrays["_spikes"] = np.zeros(self.N * kcap, np.int32)
        data.set_array(f"{self.name}/_spikes", self.arrays["_spikes"])
        data.set_i(f"{self.name}/_kcap", kcap)

    def __repr__(self) -> str:
        return f"PoissonCountGroup({self.N}, name={self.name!r})"


__all__ = ["PoissonCountGroup", "poisson_cap", "poisson_counts", "spike_multiplicity"]
