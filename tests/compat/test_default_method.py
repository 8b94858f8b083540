"""A Brian2 script that names no integration method gets Brian2's choice: the first of
exact, euler, heun that applies (Brian2 2.9 logs 'using method ...' for these models:
exact, euler, heun, euler, euler — checked in its virtualenv). eqsim's own
method="auto" keeps preferring exponential_euler and rk4 to euler."""
import pytest

import eqsim as eq
from eqsim import ms
from eqsim.errors import ConfigurationError

MODELS = {   # model -> Brian2 2.9's choice when no method is given
    "dv/dt = (1-v)/(10*ms) : 1": "exact",
    "dv/dt = (1-v**2)/(10*ms) : 1": "euler",
    "dv/dt = -v/(10*ms) + v*xi/sqrt(ms) : 1": "heun",
    "dv/dt = -v/(10*ms) + xi/sqrt(ms) : 1": "euler",
}


def test_no_method_gives_brian2s_choice_and_auto_stays_eqsims():
    eq.start_scope()
    groups = {m: eq.NeuronGroup(2, m) for m in MODELS}
    G = next(iter(groups.values()))
    S = eq.Synapses(G, G, "dw/dt = -w/(5*ms) + (1-w**2)/(50*ms) : 1 (clock-driven)")
    S.connect()
    auto = eq.NeuronGroup(2, "dv/dt = (1-v**2)/(10*ms) : 1", method="auto")
    listed = eq.NeuronGroup(2, "dv/dt = (1-v**2)/(10*ms) : 1", method=("exact", "rk2"))
    net = eq.Network(*groups.values(), S, auto, listed)
    net.run(0.1 * ms)
    methods = net.build().unit.methods
    for model, g in groups.items():
        assert methods[g.name] == MODELS[model], model
    assert methods[S.name] == "euler"
    assert methods[auto.name] == "rk4" and methods[listed.name] == "rk2"


def test_a_bad_method_in_a_list_is_named():
    with pytest.raises(ConfigurationError, match="E301.*'rk5'"):
        eq.NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", method=("exact", "rk5"))
