"""NEST's point models by name, with NEST's parameter names, units and defaults.

>>> from eqsim.models import nest
>>> G = nest.neuron_group("iaf_psc_alpha", 3, {"I_e": 376.0, "tau_m": [10., 12., 15.]})
>>> G.V_m
[-70. -70. -70.] * mV
>>> nest.target_kind(G)
'psc'

Parameters are plain floats in NEST's units (mV, pA, nS, pF, ms) or per-neuron arrays;
the groups hold them in SI like any eqsim group (``G.tau_m``). Weights of
:func:`synapses` are in NEST's units for the target model (pA onto ``iaf_psc_*`` current
models, nS onto conductance models — negative ones onto the inhibitory conductance — mV
onto ``iaf_psc_delta`` and ``izhikevich``), delays in ms rounded to steps as NEST rounds
them. See docs/nest_models.md.

Spike times: NEST stamps a spike with the *end* of the step in which the threshold was
crossed, eqsim (as Brian2) with its start; a NEST time is the eqsim time plus ``dt``
(:func:`to_nest_times`). To replay spike times recorded by or written for NEST, build the
generator with :func:`spike_generator`, which takes NEST's times.
"""
from __future__ import annotations

from .api import (NEST_NEURON_MODELS, NEST_SYNAPSE_MODELS, model_of, neuron_group,
                  parameters, spike_generator, synapses, target_kind, to_nest_times,
                  weight_unit)

__all__ = ["NEST_NEURON_MODELS", "NEST_SYNAPSE_MODELS", "neuron_group", "synapses",
           "target_kind", "weight_unit", "model_of", "parameters", "spike_generator",
           "to_nest_times"]
