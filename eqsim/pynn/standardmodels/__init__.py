"""PyNN's standard cell types, synapse types and current sources on eqsim.

Each class subclasses PyNN's own standard model (``pyNN.standardmodels``), translates its
parameters to SI values under eqsim's (NEST's) names, and builds the eqsim objects that
run it: ``cells`` (``eqsim_group``), ``synapses`` (``eqsim_synapse_spec``) and
``electrodes`` (``inject_into``). The neuron models are NEST's, as pyNN.nest maps them
(docs/pynn_models.md), so that eqsim.pynn gives pyNN.nest's answers.
"""
