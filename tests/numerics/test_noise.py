"""White noise: Ornstein-Uhlenbeck membrane, stationary statistics within 3% of theory."""
import numpy as np

import eqsim as eq
from eqsim.units import mV, ms


def test_ornstein_uhlenbeck_stationary_statistics(backend):
    mu, sigma, tau = 10 * mV, 4 * mV, 10 * ms
    G = eq.NeuronGroup(1000, "dv/dt = (mu - v)/tau + sigma*sqrt(2/tau)*xi : volt",
                       method="euler_maruyama", seed=7,
                       namespace={"mu": mu, "sigma": sigma, "tau": tau})
    G.v = mu
    net = eq.Network(G)
    net.run(100 * ms, backend=backend)          # burn-in: 10 tau
    mon = eq.StateMonitor(G, "v", record=True, dt=1 * ms)
    net.add(mon)
    net.run(400 * ms, backend=backend)
    v = mon.v_
    # Euler-Maruyama's stationary variance is sigma^2/(1 - dt/(2 tau)) (+0.5 % here)
    assert abs(np.mean(v) / float(mu) - 1) < 0.03
    assert abs(np.var(v) / float(sigma) ** 2 - 1) < 0.03


def test_auto_picks_euler_maruyama_for_additive_noise():
    G = eq.NeuronGroup(1, "dv/dt = -v/tau + sqrt(2/tau)*xi : 1", namespace={"tau": 10 * ms},
                       method="auto")
    products = eq.Network(G).build("numpy")
    assert products.unit.methods[G.name] == "euler_maruyama"


def test_multiplicative_noise_uses_heun():
    G = eq.NeuronGroup(1, "dv/dt = -v/tau + v*sqrt(1/tau)*xi : 1",
                       namespace={"tau": 10 * ms})
    assert eq.Network(G).build("numpy").unit.methods[G.name] == "heun"
