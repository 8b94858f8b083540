"""Triggers of E804-E805 (PoissonCountGroup, eqsim/runtime/poisson_counts.py)."""
import numpy as np


def _e804():
    from eqsim.runtime.poisson_counts import PoissonCountGroup
    from eqsim.units import Hz
    PoissonCountGroup(3, np.array([1.0, -2.0, 3.0]) * Hz)


def _e805():
    import eqsim as eq
    from eqsim.runtime.poisson_counts import PoissonCountGroup
    from eqsim.units import Hz, ms
    G = PoissonCountGroup(3, 10 * Hz, active="rand() < 0.5")
    eq.Network(G).run(0.1 * ms, backend="numpy")


COUNT_TRIGGERS = {
    "E804": lambda tp, mp: _e804(),
    "E805": lambda tp, mp: _e805(),
}
