"""A small stand-in for eqsim.pynn.simulator's ``state`` (pynncore's), so that the model
tests run the contract methods (eqsim_group, eqsim_synapse_spec, inject_into) on a plain
eqsim Network. The real module is used once it exists."""
from __future__ import annotations

import sys
import types

import numpy as np

import eqsim as eq


class _State:
    def __init__(self):
        self.clear()

    def clear(self, dt: float = 0.1) -> None:
        self.dt = dt
        self.min_delay = dt
        self.network = eq.Network()
        self.rng_seed = 1
        self.mpi_rank = 0
        self.num_processes = 1
        self.segment_counter = 0
        self.n = 0

    @property
    def t(self) -> float:
        return self.network.t_ * 1e3 if hasattr(self.network, "t_") else 0.0

    def add(self, obj) -> None:
        from eqsim.runtime.clock import Clock
        from eqsim.runtime.groups import NeuronGroup
        from eqsim.runtime.monitors import StateMonitor
        from eqsim.units import second
        if isinstance(obj, (NeuronGroup, StateMonitor)) and getattr(obj, "clock", 1) is None:
            object.__setattr__(obj, "clock", Clock(self.dt * 1e-3 * second))
        self.network.add(obj)

    def next_name(self, kind: str) -> str:
        self.n += 1
        return f"t_{kind}{self.n}"


def state():
    """The simulator state: pynncore's if present, else this double."""
    try:
        from eqsim.pynn.simulator import state as real
        return real
    except ImportError:
        mod = sys.modules.get("eqsim.pynn.simulator")
        if mod is None:
            mod = types.ModuleType("eqsim.pynn.simulator")
            mod.state = _State()
            sys.modules["eqsim.pynn.simulator"] = mod
            import eqsim.pynn
            eqsim.pynn.simulator = mod
        return mod.state


def fresh(dt: float = 0.1):
    """A fresh network with time step dt (ms) and rng_seed 1, on either state."""
    st = state()
    if isinstance(st, _State):
        st.clear(dt)
    else:
        st.clear()
        st.dt = dt
        st.min_delay = "auto"
    st.rng_seed = 1
    return st


def native(model_type, n: int) -> dict:
    """The SI (native) parameter arrays of a PyNN model instance for n cells."""
    ps = model_type.native_parameters
    ps.shape = (n,)
    ps.evaluate(simplify=False)
    return {k: v for k, v in ps.items()}


def population(celltype, n: int, name: str):
    """What pynncore's Population does with a cell type: the group, PyNN's default
    initial values, added to the network."""
    G = celltype.eqsim_group(n, native(celltype, n), name)
    for var, val in getattr(celltype, "default_initial_values", {}).items():
        if var in getattr(celltype, "state_map", {}):
            target, values = celltype.initial_state(var, np.full(n, float(val)))
            G.arrays[target][...] = values
    state().add(G)
    return G


def projection(pre, post, post_celltype, synapse_type, receptor: str, i, j):
    """What pynncore's Projection does with a synapse type (the contract)."""
    from eqsim.runtime.synapses import Synapses
    from eqsim.units import second
    spec = synapse_type.eqsim_synapse_spec(post_celltype, receptor)
    S = Synapses(pre, post, spec["model"], on_pre=spec["on_pre"], on_post=spec["on_post"],
                 namespace=spec["namespace"], delay=spec["delays"] or None)
    S.connect(i=np.asarray(i, np.int32), j=np.asarray(j, np.int32))
    n = len(S)
    nat = native(synapse_type, n)
    factor = 1e-6 if post_celltype.conductance_based else 1e-9
    S.weight_ = np.asarray(nat["weight"], float) * factor
    S.delay = (np.asarray(nat["delay"], float) * 1e-3 + spec["delay_offset"]) * second
    for name in spec["per_synapse"]:
        v = nat[name] if name in nat else spec["native_defaults"][name]
        v = np.broadcast_to(np.asarray(v, float), (n,)).copy()
        setattr(S, name + "_", v * (factor if name in spec["weight_like"] else 1.0))
    for name, v in spec["native_defaults"].items():
        if name not in spec["per_synapse"]:
            setattr(S, name + "_", np.full(n, float(v)))
    spec["prepare"](S)
    S._pynn_spec = spec
    state().add(S)
    return S
