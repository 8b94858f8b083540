"""Whole networks from the literature that run in one call with their published
parameters (docs/zoo.md):

>>> from eqsim import zoo
>>> from eqsim.units import second
>>> net, monitors = zoo.cuba(N=1000, duration=0.1*second)
>>> sorted(monitors)
['exc', 'inh']

Each function builds the network, runs it for ``duration`` (``None``: build only) and
returns a :class:`ZooNetwork` (network, spike monitors per population, sizes) whose
``rates()`` and ``stats()`` summarise the activity. Extra keywords go to ``Network.run``
(``threads=``, ``backend=``, ``report=``).
"""
from __future__ import annotations

from typing import Any

from ..errors import ConfigurationError
from ._base import ZooNetwork, finish
from .net_brunel2000 import REGIMES as BRUNEL_REGIMES
from .stats import population_stats

__all__ = ["ZooNetwork", "cuba", "coba", "cobahh", "brunel2000", "rs_fs",
           "potjans_diesmann", "population_stats", "BRUNEL_REGIMES"]


def _second(value):
    from ..units import second
    return None if value is None else value * second if isinstance(value, (int, float)) \
        else value


def _brette(model: str, N: int, duration, seed: int, in_degree, run_kwargs) -> ZooNetwork:
    from . import net_brette2007 as brette2007
    net, mons, sizes = brette2007.build(model, N, seed, in_degree)
    return finish(ZooNetwork(net, mons, sizes, model.upper()), _second(duration),
                  run_kwargs)


def cuba(N: int = 4000, duration: Any = 1.0, seed: int = 1,
         in_degree: tuple[int, int] | None = None, **run_kwargs) -> ZooNetwork:
    """CUBA (Brette et al. 2007, benchmark 2; Vogels & Abbott 2005): current-based LIF,
    ~5.6 Hz at N = 4000. ``duration`` in seconds (a number or a Quantity)."""
    return _brette("cuba", N, duration, seed, in_degree, run_kwargs)


def coba(N: int = 4000, duration: Any = 1.0, seed: int = 1,
         in_degree: tuple[int, int] | None = None, **run_kwargs) -> ZooNetwork:
    """COBA (Brette et al. 2007, benchmark 1): conductance-based LIF, ~20 Hz at
    N = 4000."""
    return _brette("coba", N, duration, seed, in_degree, run_kwargs)


def cobahh(N: int = 4000, duration: Any = 1.0, seed: int = 1,
           in_degree: tuple[int, int] | None = None, **run_kwargs) -> ZooNetwork:
    """COBAHH (Brette et al. 2007, benchmark 3): Traub-Miles HH neurons with
    conductance synapses."""
    return _brette("cobahh", N, duration, seed, in_degree, run_kwargs)


def brunel2000(regime: str = "C", N: int = 12500, duration: Any = 1.0, seed: int = 1,
               g: float | None = None, eta: float | None = None,
               **run_kwargs) -> ZooNetwork:
    """Brunel (2000) in one of the regimes of its Fig. 8: 'A' (SR: g = 3, eta = 2),
    'B' (SI fast: g = 6, eta = 4), 'C' (AI: g = 5, eta = 2), 'D' (SI slow: g = 4.5,
    eta = 0.9); ``g``/``eta`` override the regime's values. ``extras['rate']`` is a
    PopulationRateMonitor of all neurons."""
    from . import net_brunel2000 as b
    if regime not in b.REGIMES:
        raise ConfigurationError(f"brunel2000: unknown regime {regime!r}", code="E871",
                                 hint="regimes: " + ", ".join(
                                     f"'{k}' ({v[2]})" for k, v in b.REGIMES.items()))
    g0, eta0, _ = b.REGIMES[regime]
    g, eta = (g0 if g is None else g), (eta0 if eta is None else eta)
    net, mons, sizes, rate = b.build(N, seed, g, eta)
    zoo = ZooNetwork(net, mons, sizes, f"Brunel 2000 {regime}", {"rate": rate, "g": g,
                                                                   "eta": eta})
    return finish(zoo, _second(duration), run_kwargs)


def rs_fs(N: int = 5000, duration: Any = 1.5, seed: int = 1, constant_drive: bool = False,
          **run_kwargs) -> ZooNetwork:
    """The AdExp RS-FS network of neural_network_dynamics (4,000 RS + 1,000 FS cells,
    400 afferent Poisson cells with a transient at 1 s, or a constant 4 Hz)."""
    from . import net_rsfs as rsfs
    net, mons, sizes = rsfs.build(N, seed, constant_drive)
    return finish(ZooNetwork(net, mons, sizes, "RS-FS"), _second(duration), run_kwargs)


def potjans_diesmann(scale: float = 1.0, background: str = "poisson",
                     duration: Any = 1.0, seed: int = 55, k_scale: float | None = None,
                     float32: bool = True, **run_kwargs) -> ZooNetwork:
    """The Potjans & Diesmann (2014) cortical microcircuit (77,169 neurons at scale 1;
    ``scale`` scales neurons and, unless ``k_scale`` is given, in-degrees, with NEST's
    compensation). ``background``: 'poisson' or 'dc'. Monitors: one per population
    (L23E, L23I, L4E, L4I, L5E, L5I, L6E, L6I)."""
    from . import net_potjans_diesmann as pd
    net, mons, sizes = pd.build(scale, background, k_scale, seed, float32=float32)
    zoo = ZooNetwork(net, mons, sizes, "Potjans & Diesmann 2014",
                     {"scale": scale, "background": background})
    return finish(zoo, _second(duration), run_kwargs)
