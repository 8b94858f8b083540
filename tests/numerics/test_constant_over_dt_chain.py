"""A (constant over dt) subexpression that uses another one reads this step's value, as
Brian2 2.9 evaluates them in order (values below from Brian2's numpy target: x = t/ms,
y = 2*x + 1, dv/dt = (y - v)/ms, euler, dt = 0.1 ms). The mean-field's rate equations
are chains of such subexpressions (eqsim/meanfield/rates.py)."""
import numpy as np

from eqsim.runtime.groups import NeuronGroup
from eqsim.runtime.monitors import StateMonitor
from eqsim.runtime.network import Network
from eqsim.units import ms

BRIAN2 = {"x": [0.0, 0.1, 0.2, 0.3, 0.4], "y": [1.0, 1.2, 1.4, 1.6, 1.8],
          "v": [0.0, 0.1, 0.21, 0.329, 0.4561]}


def test_chained_constant_over_dt_subexpressions(backend):
    G = NeuronGroup(1, """dv/dt = (y - v)/ms : 1
                          x = t/ms : 1 (constant over dt)
                          y = 2*x + 1 : 1 (constant over dt)""", method="euler",
                    namespace={}, name="chain")
    M = StateMonitor(G, ["x", "y", "v"], record=0, name="chain_mon")
    Network(G, M).run(0.5 * ms, backend=backend)
    for var, want in BRIAN2.items():
        got = np.asarray(getattr(M, var + "_"))[0]
        assert np.allclose(got, want, rtol=1e-12, atol=1e-12), (var, got)
