"""Triggers of E841-E855 (eqsim.pynn, tests/pynn/); skipped without PyNN."""
import numpy as np
import pytest


def _sim():
    pytest.importorskip("pyNN")
    pytest.importorskip("neo")
    import eqsim.pynn as sim
    from tests.pynn.doubles import IFCurrExpDouble, StaticDouble
    sim.setup()
    return sim, IFCurrExpDouble, StaticDouble


def _after_run():
    sim, Cell, _ = _sim()
    sim.Population(1, Cell())
    sim.run(0.2)
    sim.Population(1, Cell())


def _no_eqsim_cell():
    sim, Cell, _ = _sim()
    sim.Population(1, type("NoEqsim", (Cell.__base__,), {"translations": Cell.translations})())


def _record_more():
    sim, Cell, _ = _sim()
    p = sim.Population(3, Cell())
    p[0:1].record("v")
    sim.run(0.2)
    p.record("v")


def _not_recorded():
    sim, Cell, _ = _sim()
    p = sim.Population(3, Cell())
    p[0:1].record("v")
    sim.run(0.2)
    from pyNN.recording import Variable
    p.recorder._get_all_signals(Variable("v", None, None), [int(p[2])])


def _no_spec():
    sim, Cell, Static = _sim()
    from pyNN.standardmodels import synapses
    kind = type("NoSpec", (synapses.StaticSynapse,), {
        "translations": Static.translations, "_get_minimum_delay": lambda self: 0.1})
    p = sim.Population(2, Cell())
    sim.Projection(p, p, sim.AllToAllConnector(), kind())


def _with_units():
    sim, Cell, _ = _sim()
    from eqsim.units import ms
    sim.Population(1, Cell(tau_m=20 * ms))


def _pairs(connector, n_pre=3, n_post=3, same=False, view=False):
    sim, Cell, Static = _sim()
    a = sim.Population(n_pre, Cell())
    b = a if same else sim.Population(n_post, Cell())
    sim.Projection(a[0:2] if view else a, b, connector(sim), Static(weight=0.1))


def _clone():
    sim, Cell, Static = _sim()
    a, b = sim.Population(2, Cell()), sim.Population(2, Cell())
    ref = sim.Projection(a, b, sim.AllToAllConnector(), Static(weight=0.1))
    sim.Projection(b, a, sim.CloneConnector(ref), Static(weight=0.1))


PYNN_TRIGGERS = {
    "E841": lambda tp, mp: _after_run(),
    "E842": lambda tp, mp: _no_eqsim_cell(),
    "E843": lambda tp, mp: _record_more(),
    "E844": lambda tp, mp: _not_recorded(),
    "E845": lambda tp, mp: _no_spec(),
    "E846": lambda tp, mp: _with_units(),
    "E847": lambda tp, mp: _pairs(lambda sim: sim.FixedProbabilityConnector(
        0.5, allow_self_connections="NoMutual"), same=True, view=True),
    "E848": lambda tp, mp: _pairs(lambda sim: sim.FixedNumberPreConnector(
        1, allow_self_connections=False), n_pre=1, same=True),
    "E849": lambda tp, mp: _pairs(lambda sim: sim.OneToOneConnector(), n_post=4),
    "E850": lambda tp, mp: _pairs(lambda sim: sim.FixedProbabilityConnector(1.5)),
    "E851": lambda tp, mp: _pairs(lambda sim: sim.FixedTotalNumberConnector(
        10, with_replacement=False)),
    "E852": lambda tp, mp: _pairs(lambda sim: sim.ArrayConnector(np.ones((2, 3), bool))),
    "E853": lambda tp, mp: _pairs(lambda sim: sim.FromListConnector([(0, 3)])),
    "E854": lambda tp, mp: _clone(),
    "E855": lambda tp, mp: _sim()[0].setup(backend="gpu"),
}
