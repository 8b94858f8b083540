"""PyNN's composed neuron models: ``PointNeuron(LIF() | AdExp(), AMPA=..., GABAA=...)``
with one post-synaptic response per receptor type, as NEST's *_multisynapse models
(iaf_psc_exp_multisynapse, aeif_cond_alpha_multisynapse, ...) that pyNN.nest maps them to.

The equations are generated per receptor (``I_syn_AMPA``, ``g_GABAA``, ...); parameters
are flat native names (``AMPA.tau_syn`` -> ``tau_syn_AMPA`` in SI).
"""
from __future__ import annotations

from typing import ClassVar

import numpy as np
from pyNN.parameters import ParameterSpace
from pyNN.standardmodels import build_translations, cells, receptors

from ...errors import ConfigurationError
from ...models.nest.neurons import REFRACTORY
from ...runtime.groups import NeuronGroup

__all__ = [
    "LIF",
    "AdExp",
    "AlphaPSR",
    "CondAlphaPostSynapticResponse",
    "CondExpPostSynapticResponse",
    "CurrExpPostSynapticResponse",
    "ExpPSR",
    "PointNeuron",
]

_MV, _MS, _NF, _NA = 1e-3, 1e-3, 1e-9, 1e-9


class LIF(cells.LIF):
    __doc__ = cells.LIF.__doc__
    translations = build_translations(
        ('v_rest', 'E_L', _MV), ('v_reset', 'V_reset', _MV), ('cm', 'C_m', _NF),
        ('tau_m', 'tau_m', _MS), ('tau_refrac', 't_ref', _MS),
        ('v_thresh', 'V_th', _MV), ('i_offset', 'I_e', _NA))
    # NEST's iaf_psc_exp_multisynapse / iaf_cond_*_multisynapse membrane
    membrane: ClassVar[dict] = {
        "curr": "dV_m/dt = (E_L - V_m)/tau_m + (I_syn + I_e + i_inj)/C_m : volt "
                "(unless refractory)\n",
        "cond": "dV_m/dt = (g_L*(E_L - V_m) + I_syn + I_e + i_inj)/C_m : volt "
                "(unless refractory)\ng_L = C_m/tau_m : siemens\n"}
    params: ClassVar[dict] = {"E_L": "volt", "V_reset": "volt", "C_m": "farad",
                              "tau_m": "second", "t_ref": "second", "V_th": "volt",
                              "I_e": "amp"}
    threshold = "V_m >= V_th"
    reset = "V_m = V_reset"
    state_map: ClassVar[dict] = {"v": ("V_m", _MV)}
    recordable_map: ClassVar[dict] = {"v": ("V_m", 1e3)}


class AdExp(cells.AdExp):
    __doc__ = cells.AdExp.__doc__
    translations = build_translations(
        ('cm', 'C_m', _NF), ('tau_refrac', 't_ref', _MS), ('v_spike', 'V_peak', _MV),
        ('v_reset', 'V_reset', _MV), ('v_rest', 'E_L', _MV),
        ('tau_m', 'g_L', "cm/tau_m*1e-6", "C_m/g_L*1e3"), ('i_offset', 'I_e', _NA),
        ('a', 'a', 1e-9), ('b', 'b', _NA), ('delta_T', 'Delta_T', _MV),
        ('tau_w', 'tau_w', _MS), ('v_thresh', 'V_th', _MV))
    # NEST's aeif_cond_alpha_multisynapse: V capped at V_peak in the right-hand side
    _V = """dV_m/dt = (-g_L*(V_eff - E_L) + g_L*Delta_T*exp((V_eff - V_th)/Delta_T) + I_syn - w + I_e + i_inj)/C_m : volt (unless refractory)
V_eff = clip(V_m, -inf*mV, V_peak) : volt
dw/dt = (a*(V_eff - E_L) - w)/tau_w : amp
"""
    membrane: ClassVar[dict] = {"cond": _V, "curr": _V}
    params: ClassVar[dict] = {"C_m": "farad", "t_ref": "second", "V_peak": "volt",
                              "V_reset": "volt", "E_L": "volt", "g_L": "siemens",
                              "I_e": "amp", "a": "siemens", "b": "amp",
                              "Delta_T": "volt", "tau_w": "second", "V_th": "volt"}
    threshold = "V_m >= V_peak"
    reset = "V_m = V_reset; w += b"
    state_map: ClassVar[dict] = {"v": ("V_m", _MV), "w": ("w", _NA)}
    recordable_map: ClassVar[dict] = {"v": ("V_m", 1e3), "w": ("w", 1e9)}


def _psr_translations(*items):
    return build_translations(('locations', 'locations'), *items)


class CurrExpPostSynapticResponse(receptors.CurrExpPostSynapticResponse):
    __doc__ = receptors.CurrExpPostSynapticResponse.__doc__
    translations = _psr_translations(('tau_syn', 'tau_syn', _MS))
    kind = "curr_exp"
    recordable: ClassVar[list] = ["isyn"]


class CondExpPostSynapticResponse(receptors.CondExpPostSynapticResponse):
    __doc__ = receptors.CondExpPostSynapticResponse.__doc__
    translations = _psr_translations(('e_syn', 'E_rev', _MV), ('tau_syn', 'tau_syn', _MS))
    kind = "cond_exp"
    recordable: ClassVar[list] = ["gsyn"]


class CondAlphaPostSynapticResponse(receptors.CondAlphaPostSynapticResponse):
    __doc__ = receptors.CondAlphaPostSynapticResponse.__doc__
    translations = _psr_translations(('e_syn', 'E_rev', _MV), ('tau_syn', 'tau_syn', _MS))
    kind = "cond_alpha"
    recordable: ClassVar[list] = ["gsyn"]


ExpPSR = CondExpPostSynapticResponse
AlphaPSR = CondAlphaPostSynapticResponse


def _receptor_code(r: str, kind: str) -> tuple[str, str, str]:
    """(equations, current term, variable a spike adds the weight to) of receptor r."""
    if kind == "curr_exp":
        return (f"dI_syn_{r}/dt = -I_syn_{r}/tau_syn_{r} : amp\n", f"I_syn_{r}",
                f"I_syn_{r}")
    if kind == "cond_exp":
        return (f"dg_{r}/dt = -g_{r}/tau_syn_{r} : siemens\n",
                f"g_{r}*(E_rev_{r} - V_syn)", f"g_{r}")
    # alpha: a weight w peaks at w after tau_syn (NEST's normalisation)
    return (f"dg_{r}/dt = (e*x_{r} - g_{r})/tau_syn_{r} : siemens\n"
            f"dx_{r}/dt = -x_{r}/tau_syn_{r} : siemens\n",
            f"g_{r}*(E_rev_{r} - V_syn)", f"x_{r}")


class PointNeuron(cells.PointNeuron):
    __doc__ = cells.PointNeuron.__doc__

    def __init__(self, neuron, **post_synaptic_receptors):
        for name, psr in post_synaptic_receptors.items():
            if not hasattr(psr, "kind"):
                raise ConfigurationError(
                    f"PointNeuron: receptor '{name}' ({type(psr).__name__}) has no eqsim "
                    "equations", code="E867",
                    hint="CurrExpPostSynapticResponse, CondExpPostSynapticResponse "
                         "(ExpPSR), CondAlphaPostSynapticResponse (AlphaPSR)")
            if not name.isidentifier():
                raise ConfigurationError(f"PointNeuron: receptor name {name!r} must be "
                                         "a name", code="E867")
        if not hasattr(neuron, "membrane"):
            raise ConfigurationError(f"PointNeuron: {type(neuron).__name__} has no eqsim "
                                     "equations (LIF or AdExp)", code="E867")
        super().__init__(neuron, **post_synaptic_receptors)
        _ = self.conductance_based   # PyNN refuses mixed current/conductance receptors

    # ---- parameters: flat native names "<receptor>.<native name>" --------------------
    @property
    def native_parameters(self) -> ParameterSpace:
        ps = self.neuron.native_parameters
        extra = {}
        for r, psr in self.post_synaptic_receptors.items():
            for k, v in psr.native_parameters.items():
                if k != "locations":
                    extra[f"{r}.{k}"] = v
        ps.update(**extra)
        return ps

    def get_native_names(self, *names):
        out = []
        for name in names or list(self.neuron.translations) + [
                f"{r}.{k}" for r, psr in self.post_synaptic_receptors.items()
                for k in psr.translations if k != "locations"]:
            if "." in name:
                r, k = name.split(".", 1)
                psr = self.post_synaptic_receptors[r]
                out.append(f"{r}.{psr.translations[k]['translated_name']}")
            else:
                out.extend(self.neuron.get_native_names(name))
        return out

    def reverse_translate(self, native_parameters) -> ParameterSpace:
        neuron = {k: v for k, v in native_parameters.items() if "." not in k}
        std = self.neuron.reverse_translate(ParameterSpace(
            neuron, shape=native_parameters.shape)) if neuron else ParameterSpace({})
        out = dict(std.items()) if neuron else {}
        for r, psr in self.post_synaptic_receptors.items():
            mine = {k.split(".", 1)[1]: v for k, v in native_parameters.items()
                    if k.startswith(r + ".")}
            for pname, tr in psr.translations.items():
                if tr["translated_name"] in mine:
                    if callable(tr["reverse_transform"]):
                        out[f"{r}.{pname}"] = tr["reverse_transform"](**mine)
                    else:
                        out[f"{r}.{pname}"] = mine[tr["translated_name"]]
        return ParameterSpace(out, shape=native_parameters.shape)

    # ---- the contract -----------------------------------------------------------------
    @property
    def _kind(self) -> str:
        return "cond" if self.conductance_based else "curr"

    @property
    def receptor_targets(self) -> dict[str, str]:
        return {r: _receptor_code(r, psr.kind)[2]
                for r, psr in self.post_synaptic_receptors.items()}

    @property
    def recordable_map(self) -> dict[str, tuple[str, float]]:
        out = dict(self.neuron.recordable_map)
        for r, psr in self.post_synaptic_receptors.items():
            out[f"{r}.isyn" if psr.kind == "curr_exp" else f"{r}.gsyn"] = (
                f"I_syn_{r}", 1e9) if psr.kind == "curr_exp" else (f"g_{r}", 1e6)
        return out

    @property
    def state_map(self) -> dict[str, tuple[str, float]]:
        out = dict(self.neuron.state_map)
        for r, psr in self.post_synaptic_receptors.items():
            out[f"{r}.isyn" if psr.kind == "curr_exp" else f"{r}.gsyn"] = (
                f"I_syn_{r}", _NA) if psr.kind == "curr_exp" else (f"g_{r}", 1e-6)
        return out

    def initial_state(self, variable: str, values):
        if variable not in self.state_map:
            raise ConfigurationError(f"PointNeuron has no state variable {variable!r}",
                                     code="E858", hint=", ".join(sorted(self.state_map)))
        var, factor = self.state_map[variable]
        return var, np.asarray(values, float) * factor

    def eqsim_group(self, size: int, native: dict, name: str) -> NeuronGroup:
        eqs = self.neuron.membrane[self._kind]
        terms, decl = [], []
        for r, psr in self.post_synaptic_receptors.items():
            code, term, _ = _receptor_code(r, psr.kind)
            eqs += code
            terms.append(term)
            decl.append(f"tau_syn_{r} : second\n")
            if psr.kind != "curr_exp":
                decl.append(f"E_rev_{r} : volt\n")
        eqs += f"I_syn = {' + '.join(terms) or '0*amp'} : amp\n"
        if self._kind == "cond":
            eqs += "V_syn = clip(V_m, -inf*mV, V_th) : volt\n" if "V_peak" not in \
                self.neuron.params else "V_syn = V_eff : volt\n"
        eqs += "i_inj : amp\n" + "".join(f"{k} : {u}\n" for k, u in
                                          self.neuron.params.items()) + "".join(decl)
        method = "exact" if self._kind == "curr" and "V_peak" not in self.neuron.params \
            else "rk4"
        G = NeuronGroup(size, eqs, threshold=self.neuron.threshold,
                        reset=self.neuron.reset, refractory=REFRACTORY, method=method,
                        namespace={}, name=name)
        G._pynn_celltype = self
        for k, v in native.items():
            var = k.replace(".", "_") if "." not in k else \
                f"{k.split('.', 1)[1]}_{k.split('.', 1)[0]}"
            if var not in G.arrays:
                raise ConfigurationError(f"PointNeuron: no native parameter {k!r}",
                                         code="E856")
            G.arrays[var][...] = np.asarray(v, float)
        return G

    def set_native(self, group, index, native: dict) -> None:
        for k, v in native.items():
            var = k if "." not in k else f"{k.split('.', 1)[1]}_{k.split('.', 1)[0]}"
            if var not in group.arrays:
                raise ConfigurationError(f"PointNeuron: no native parameter {k!r}",
                                         code="E856")
            group.arrays[var][index] = np.asarray(v, float)
