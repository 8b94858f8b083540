"""What every zoo network returns, and the wiring the Brette et al. networks share."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import stats as _stats


@dataclass
class ZooNetwork:
    """A network of the zoo with its spike monitors, one per population.

    Unpacks as ``net, monitors = zoo.cuba()``; ``rates()`` and ``stats()`` summarise the
    recorded spikes per population."""

    network: Any
    monitors: dict
    sizes: dict
    name: str
    extras: dict = field(default_factory=dict)

    def __iter__(self):
        return iter((self.network, self.monitors))

    def run(self, duration, **kwargs) -> "ZooNetwork":
        """``network.run(duration, **kwargs)``; returns self."""
        self.network.run(duration, **kwargs)
        return self

    def _window(self, t_start, t_stop) -> tuple[float, float]:
        t0 = float(t_start or 0.0)
        t1 = float(self.network.t_) if t_stop is None else float(t_stop)
        return t0, t1

    def rates(self, t_start=0.0, t_stop=None) -> dict[str, float]:
        """Mean rate (Hz) of each population in [t_start, t_stop) (seconds; default:
        the whole run)."""
        return {k: v["rate_hz"] for k, v in self.stats(t_start, t_stop).items()}

    def stats(self, t_start=0.0, t_stop=None, bin_s: float = 3e-3) -> dict[str, dict]:
        """Rate, CV of ISIs and synchrony (eqsim.zoo.stats) of each population."""
        t0, t1 = self._window(t_start, t_stop)
        return {label: _stats.population_stats(np.asarray(m.t_), np.asarray(m.i),
                                                self.sizes[label], t0, t1, bin_s)
                for label, m in self.monitors.items()}


def finish(zoo: ZooNetwork, duration, run_kwargs: dict) -> ZooNetwork:
    """Run for ``duration`` unless it is None (then only built)."""
    if duration is not None:
        zoo.run(duration, **run_kwargs)
    return zoo


def excitatory_inhibitory(G, n_exc: int, params: dict, seed: int,
                          on_exc: str = "ge += we", on_inh: str = "gi += wi",
                          in_degree: tuple[int, int] | None = None):
    """The Vogels-Abbott wiring: the first n_exc neurons excite, the rest inhibit, each
    pair with p = 0.02 (or, with ``in_degree=(k_exc, k_inh)``, every neuron gets exactly
    that many inputs, sources drawn with repetition); one SpikeMonitor per population.
    Returns (network, monitors, population sizes)."""
    import eqsim as eq
    Se = eq.Synapses(G[:n_exc], G, on_pre=on_exc, namespace=params, name="exc")
    Si = eq.Synapses(G[n_exc:], G, on_pre=on_inh, namespace=params, name="inh")
    if in_degree is None:
        Se.connect(p=0.02, seed=seed + 1)
        Si.connect(p=0.02, seed=seed + 2)
    else:
        Se.connect(in_degree=in_degree[0], seed=seed + 1)
        Si.connect(in_degree=in_degree[1], seed=seed + 2)
    mons = {"exc": eq.SpikeMonitor(G[:n_exc]), "inh": eq.SpikeMonitor(G[n_exc:])}
    sizes = {"exc": n_exc, "inh": G.N - n_exc}
    return eq.Network(G, Se, Si, *mons.values()), mons, sizes
