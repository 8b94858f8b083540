"""White noise: Ornstein-Uhlenbeck membrane, stationary statistics within 3% of theory."""
import numpy as np

import eqsim as eq
from eqsim.units import mV, ms, second


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


def test_named_noise_in_a_subexpression(backend):
    """Brian2 allows named noise (xi_pop) in a subexpression that a differential equation
    uses (Spreizer et al. 2019): it is substituted, so the trajectories equal those of the
    noise written in dv/dt (same seed and name: same normal numbers), and the OU
    process has its stationary variance sigma^2 within 10 % (3 sd)."""
    ns = {"mu": 2.0, "sigma": 0.5, "tau": 10 * ms}
    runs = []
    for model in ("dv/dt = (mu - v)/tau + noise/tau : 1\n"
                  "noise = sigma*sqrt(2*tau)*xi_pop : 1",
                  "dv/dt = (mu - v)/tau + sigma*sqrt(2/tau)*xi_pop : 1"):
        G = eq.NeuronGroup(2000, model, method="euler", seed=9, name="ou", namespace=ns)
        G.v = 2.0
        eq.Network(G).run(60 * ms, backend=backend)
        runs.append(G.v_.copy())
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-12)
    # Euler-Maruyama: variance sigma^2/(1 - dt/(2 tau)) after 6 tau (1 - e^-12 reached)
    var = 0.25 / (1 - 0.1 / 20)
    assert abs(np.var(runs[0]) / var - 1) < 0.10   # 3 sd of a variance of 2000 (3.2 %)
    assert abs(np.mean(runs[0]) - 2.0) < 4 * 0.5 / np.sqrt(2000)


def test_noise_of_a_subexpression_outside_differential_equations_is_e311():
    import pytest
    from eqsim.errors import IntegrationError
    model = "dv/dt = (noise - v)/tau : 1\nnoise = sqrt(tau)*xi_pop : 1"
    G = eq.NeuronGroup(2, model, threshold="noise > 3", reset="v = 0",
                       namespace={"tau": 10 * ms})
    with pytest.raises(IntegrationError) as err:
        eq.Network(G).build("numpy")
    assert err.value.code == "E311" and "threshold" in str(err.value)
    G = eq.NeuronGroup(2, model, namespace={"tau": 10 * ms})
    with pytest.raises(IntegrationError) as err:
        eq.Network(G, eq.StateMonitor(G, "noise", record=True)).build("numpy")
    assert err.value.code == "E311" and "StateMonitor" in str(err.value)


def test_white_noise_in_clock_driven_synapses(backend):
    """xi in a clock-driven synaptic equation (Graupner & Brunel 2012; KeyError 'xi'
    before): an OU process per synapse from 0, variance 1 - exp(-2 t/tau) at t = 3 tau
    within 3 sd (2000 synapses), equal on both backends (checked against numpy). The
    source group's threshold 't > 5*ms' with refractoriness has a loop-invariant
    condition, which the C backend once hoisted into a double (a compile error)."""
    G = eq.NeuronGroup(1, "", threshold="t > 5*ms", refractory=1 * second)
    H = eq.NeuronGroup(2000, "v : 1")
    S = eq.Synapses(G, H, "drho/dt = -rho/tau + sqrt(2/tau)*xi : 1 (clock-driven)",
                    on_pre="rho += 0", method="heun", namespace={"tau": 10 * ms}, seed=4,
                    name="ou_syn")
    S.connect()
    sm = eq.SpikeMonitor(G)
    eq.Network(G, H, S, sm).run(30 * ms, backend=backend)
    rho = S.rho[:]
    var = 1 - np.exp(-6)
    assert abs(np.var(rho) / var - 1) < 3 * np.sqrt(2 / 2000)
    assert abs(np.mean(rho)) < 4 * np.sqrt(var / 2000)
    assert np.array_equal(sm.i[:], [0]) and abs(sm.t_[0] - 5.1e-3) < 1e-9
    _SYN_RHO[backend] = rho
    if len(_SYN_RHO) == 2:
        np.testing.assert_allclose(_SYN_RHO["c"], _SYN_RHO["numpy"], rtol=1e-12)


_SYN_RHO: dict = {}
