"""Names a model uses before the script defines them (Brian2 resolves names at run
time): Vogels et al. 2011 sets ``eta = 0`` after making the Synapses that use it, runs,
sets ``eta = 1e-2`` and runs again. eqsim checks such a name as a dimensionless number
when the object is made and reads it at each run, where the object was made or where
``run()`` is called; E312 if it is missing at run time or has units."""
import numpy as np
import pytest

import eqsim
from eqsim.errors import ConfigurationError, EquationError

NS: dict = {}
exec("from eqsim import *", NS)


def _script(body: str) -> dict:
    ns = dict(NS)
    NS["start_scope"]()
    exec(body, ns)
    return ns


def test_name_defined_after_the_object_is_read_at_each_run(backend):
    ns = _script(f"""
G = NeuronGroup(2, "dv/dt = (eta - v)/(10*ms) : 1", method="euler")
eta = 0
run(5*ms, backend="{backend}")
v1 = G.v[:].copy()
eta = 2
run(5*ms, backend="{backend}")
""")
    assert ns["v1"].tolist() == [0, 0]
    np.testing.assert_allclose(ns["G"].v[:], 2 * (1 - 0.99 ** 50), rtol=1e-12)


def test_in_a_function_the_name_comes_from_run_s_caller():
    def simulate():
        G = NS["NeuronGroup"](1, "dv/dt = (eta - v)/(10*ms) : 1", method="euler")
        eta = 1   # noqa: F841  (read by run(), as Brian2 does)
        NS["run"](1 * NS["ms"], backend="numpy")
        return G.v[0]
    NS["start_scope"]()
    assert simulate() == pytest.approx(1 - 0.99 ** 10, rel=1e-12)


def test_late_name_missing_or_with_units_is_e312():
    with pytest.raises(ConfigurationError) as err:
        _script('G = NeuronGroup(1, "dv/dt = zeta/(10*ms) : 1")\nrun(1*ms, backend="numpy")')
    assert err.value.code == "E312" and "not defined" in str(err.value)
    with pytest.raises(ConfigurationError) as err:
        _script('G = NeuronGroup(1, "dv/dt = zeta/(10*ms) : 1")\nzeta = 1*mV\n'
                'run(1*ms, backend="numpy")')
    assert err.value.code == "E312" and "in V" in str(err.value)


def test_late_names_are_only_for_the_callers_namespace():
    with pytest.raises(EquationError) as err:   # an explicit namespace is complete
        eqsim.NeuronGroup(1, "dv/dt = zeta/(10*ms) : 1", namespace={})
    assert err.value.code == "E107"


def test_pickled_object_keeps_its_late_names():
    import pickle
    ns = _script('G = NeuronGroup(2, "dv/dt = (eta - v)/(10*ms) : 1", method="euler")')
    H = pickle.loads(pickle.dumps(ns["G"]))
    assert H._late_names == ("eta",)
    with pytest.raises(ConfigurationError) as err:   # not the placeholder, silently
        NS["Network"](H).run(1 * NS["ms"], backend="numpy")
    assert err.value.code == "E312"
