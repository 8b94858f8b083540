"""Private test doubles of the standard models (the real ones are pynnmodels' work,
eqsim/pynn/standardmodels): an IF_curr_exp-like cell and a static synapse that follow
the contract in docs/pynn.md, enough to test the structure (populations, projections,
connectors, recording)."""
import numpy as np
from pyNN.standardmodels import build_translations, cells, synapses

from eqsim.pynn import simulator
from eqsim.runtime.groups import NeuronGroup

MODEL = """
dv/dt = (v_rest - v)/tau_m + (isyn_exc + isyn_inh + i_offset + i_inj)/c_m : volt (unless refractory)
disyn_exc/dt = -isyn_exc/tau_syn_E : amp
disyn_inh/dt = -isyn_inh/tau_syn_I : amp
v_rest : volt
v_reset : volt
v_thresh : volt
tau_m : second
tau_refrac : second
tau_syn_E : second
tau_syn_I : second
c_m : farad
i_offset : amp
i_inj : amp
"""


class IFCurrExpDouble(cells.IF_curr_exp):
    translations = build_translations(
        ("v_rest", "v_rest", 1e-3), ("v_reset", "v_reset", 1e-3),
        ("v_thresh", "v_thresh", 1e-3), ("tau_m", "tau_m", 1e-3),
        ("tau_refrac", "tau_refrac", 1e-3), ("tau_syn_E", "tau_syn_E", 1e-3),
        ("tau_syn_I", "tau_syn_I", 1e-3), ("cm", "c_m", 1e-9),
        ("i_offset", "i_offset", 1e-9))
    receptor_targets = {"excitatory": "isyn_exc", "inhibitory": "isyn_inh"}
    conductance_based = False
    recordable = ["spikes", "v", "isyn_exc", "isyn_inh"]
    recordable_map = {"v": ("v", 1e3), "isyn_exc": ("isyn_exc", 1e9),
                      "isyn_inh": ("isyn_inh", 1e9)}

    def eqsim_group(self, size, native, name):
        g = NeuronGroup(size, MODEL, threshold="v > v_thresh", reset="v = v_reset",
                        refractory="tau_refrac", method="exact", name=name, namespace={})
        self.set_native(g, np.arange(size), native)
        return g

    def set_native(self, group, index, native):
        for key, values in native.items():
            group.arrays[key][index] = values

    def initial_state(self, variable, values):
        return variable, values * (1e-3 if variable == "v" else 1e-9)


class StaticDouble(synapses.StaticSynapse):
    translations = build_translations(("weight", "weight"), ("delay", "delay"))

    def _get_minimum_delay(self):
        return simulator.state.min_delay

    def eqsim_synapse_spec(self, post_cell_type, receptor_type):
        target = post_cell_type.receptor_targets[receptor_type]
        return dict(model="weight : amp", on_pre=f"{target}_post += weight",
                    on_post=None, namespace={}, per_synapse=["weight"],
                    native_defaults={})
