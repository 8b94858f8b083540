"""Brian2's ``method_options=`` on NeuronGroup and Synapses: accepted with the keys the
method takes (exact: ``simplify``, which means nothing in eqsim: it never simplifies, so
that a model always gives the same source), E313 otherwise as Brian2's KeyError."""
import numpy as np
import pytest

from eqsim.errors import ConfigurationError

NS: dict = {}
exec("from eqsim import *", NS)
MODEL = "dv/dt = -v/(10*ms) : 1"


def test_method_options_accepted_where_brian2_accepts_them():
    NeuronGroup, ms = NS["NeuronGroup"], NS["ms"]
    G = NeuronGroup(2, MODEL, method="exact", method_options={"simplify": False},
                    namespace={})
    H = NeuronGroup(2, MODEL, method="exact", namespace={})
    S = NS["Synapses"](G, G, "w : 1", method_options={}, namespace={})
    assert G.method_options == {"simplify": False} and S.method_options == {}
    G.v = H.v = 1
    NS["Network"](G, H).run(1 * ms, backend="numpy")
    assert np.array_equal(G.v[:], H.v[:]) and G.v[0] == pytest.approx(np.exp(-0.1))


@pytest.mark.parametrize("kw", [dict(method="euler", method_options={"simplify": True}),
                                dict(method_options={"absolute_error": 1e-3}),
                                dict(method="exact", method_options=[("simplify", 1)])])
def test_options_the_method_does_not_take_are_e313(kw):
    with pytest.raises(ConfigurationError) as err:
        NS["NeuronGroup"](2, MODEL, namespace={}, **kw)
    assert err.value.code == "E313"
