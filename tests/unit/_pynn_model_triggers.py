"""Triggers of the error codes E856-E861, E863-E865 (eqsim.pynn.standardmodels), merged into
test_error_codes.TRIGGERS. PyNN is optional: without it these are skipped."""
import numpy as np
import pytest


def _m():
    pytest.importorskip("pyNN")
    from tests.pynn import _double
    _double.fresh(0.1)
    from eqsim.pynn.standardmodels import cells, electrodes, synapses
    return _double, cells, synapses, electrodes


def _e856():
    _, C, _, _ = _m()
    C.IF_curr_exp().eqsim_group(2, {"tau_mem": np.ones(2)}, "x")


def _e857():
    d, C, _, _ = _m()
    d.population(C.IF_curr_exp(v_reset=-40.0, v_thresh=-50.0), 2, "x")


def _e858():
    _, C, _, _ = _m()
    C.IF_curr_exp().initial_state("w", np.zeros(2))


def _e859():
    d, C, _, _ = _m()
    d.population(C.SpikeSourceArray(spike_times=[5.0, 3.0]), 1, "x")


def _e860():
    _, C, S, _ = _m()
    S.StaticSynapse(weight=1.0).eqsim_synapse_spec(C.IF_curr_exp(), "NMDA")


def _e861():
    _, _, S, _ = _m()
    S.STDPMechanism(timing_dependence=S.SpikePairRule(),
                    weight_dependence=S.AdditiveWeightDependence(),
                    dendritic_delay_fraction=0.0)


def _e863():
    d, C, _, E = _m()
    G = d.population(C.SpikeSourcePoisson(rate=5.0), 2, "x")
    E.DCSource(amplitude=1.0).inject_into([(G, np.arange(2))])


def _e864():
    d, C, _, E = _m()
    G = d.population(C.IF_curr_exp(), 2, "x")
    E.StepCurrentSource(times=[10.0, 5.0], amplitudes=[1.0, 2.0]).inject_into(
        [(G, np.arange(2))])


def _e865():
    d, C, _, E = _m()
    G = d.population(C.IF_curr_exp(), 2, "x")
    E.NoisyCurrentSource(mean=0.0, stdev=1.0, dt=0.25).inject_into([(G, np.arange(2))])


def _e866():
    d, C, _, _ = _m()
    ct = C.IF_curr_exp(tau_m=20.0)
    G = d.population(ct, 3, "x")
    ct.set_native(G, np.array([0]), {"tau_m": np.array([0.015])})


def _e867():
    _m()
    from pyNN.standardmodels.receptors import CondBetaPostSynapticResponse

    from eqsim.pynn.standardmodels import composed
    composed.PointNeuron(composed.LIF(), AMPA=CondBetaPostSynapticResponse())


PYNN_MODEL_TRIGGERS = {
    # a native parameter the cell type's model does not have
    "E856": lambda tp, mp: _e856(),
    # a value NEST's model refuses (v_reset >= v_thresh), a non-integer gamma shape
    "E857": lambda tp, mp: _e857(),
    # an initial value of a state variable the cell type does not have
    "E858": lambda tp, mp: _e858(),
    # SpikeSourceArray times not sorted, negative, or two in one step
    "E859": lambda tp, mp: _e859(),
    # a receptor type the target cell type does not have
    "E860": lambda tp, mp: _e860(),
    # STDPMechanism with axonal delays or a rule eqsim does not run
    "E861": lambda tp, mp: _e861(),
    # a current source into spike sources
    "E863": lambda tp, mp: _e863(),
    # StepCurrentSource times not increasing, or not one amplitude per time
    "E864": lambda tp, mp: _e864(),
    # NoisyCurrentSource dt not a multiple of the time step
    "E865": lambda tp, mp: _e865(),
    # per-cell values later for a propagator parameter that was homogeneous (shared)
    "E866": lambda tp, mp: _e866(),
    # a PointNeuron with a receptor or neuron component eqsim has no equations for
    "E867": lambda tp, mp: _e867(),
}
