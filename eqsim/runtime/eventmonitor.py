"""What SpikeMonitor and EventMonitor add for custom events and recorded values:
the event monitored, the variables recorded at each event (``.v``, ``values('v')``,
``all_values()``) and the monitor's place in the schedule.

A plain SpikeMonitor (spikes only, default slot) is recorded inside the threshold block
of the compiled loop, as before; one that records values, monitors a custom event or has
its own ``when``/``order`` is a block of its own in the schedule.
"""
from __future__ import annotations

import numpy as np

from ..equations.expressions import SECOND
from ..errors import ConfigurationError
from ..units import DIMENSIONLESS, Quantity


class RecordsAtEvents:
    """Mixin of SpikeMonitor: values recorded at events, and the monitor's slot."""

    def _init_recorded(self, variables, when, order) -> None:
        from .schedule import check_order, check_when
        if variables is None:
            variables = ()
        elif isinstance(variables, str):
            variables = (variables,)
        known = set(self.source.variables())
        for v in variables:
            if v not in known:
                raise ConfigurationError(
                    f"{type(self).__name__}: group '{self.source.name}' has no variable "
                    f"'{v}'", code="E777", hint="variables: " + ", ".join(sorted(known)))
        self.record_variables = tuple(variables)
        if when is None and order is not None:
            raise ConfigurationError("order= of a monitor needs when= as well",
                                     code="E777")
        self._when = None if when is None else check_when(when, "a monitor")
        self._order = None if order is None else check_order(order, "a monitor")
        self._v_chunks: dict[str, list[np.ndarray]] = {v: [] for v in variables}

    def _slot(self) -> tuple[str, int]:
        """(when, order): Brian2's default is right after the event's check."""
        if self._when is not None:
            return self._when, self._order or 0
        if self.event == "spike":
            return "thresholds", self.source.order + 1
        from .events import event_part
        part = event_part(self.source, self.event)
        return part.when, part.order + 1

    def _own_slot(self) -> bool:
        default = ("thresholds", self.source.order + 1)
        part = self.__dict__.get("_part")
        slot = (part.when, part.order) if part is not None else self._slot()
        return self.event != "spike" or bool(self.record_variables) or slot != default

    @property
    def when(self) -> str:
        from .schedule import parts_of
        return parts_of(self)[0].when

    @property
    def order(self) -> int:
        from .schedule import parts_of
        return parts_of(self)[0].order

    def _variable_buffers(self, bufs: dict, cap: int) -> None:
        for v in self.record_variables:
            if v not in bufs or len(bufs[v]) != cap:
                bufs[v] = np.zeros(cap)

    def _collect_values(self, buffers: dict, n: int, keep) -> None:
        for v in self.record_variables:
            self._v_chunks[v].append(buffers[v][:n][keep].copy())

    def _recorded(self, var: str) -> np.ndarray:
        chunks = self._v_chunks[var]
        return np.concatenate(chunks) if chunks else np.zeros(0)

    def _dim(self, var: str):
        if var == "lastspike":
            return SECOND
        if var == "not_refractory":
            return DIMENSIONLESS
        return self.source.equations[var].dim

    def _with_unit(self, var: str, values: np.ndarray):
        dim = self._dim(var)
        return values if dim == DIMENSIONLESS else Quantity(values, dim)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        variables = self.__dict__.get("record_variables", ())
        if name in variables:
            return self._with_unit(name, self._recorded(name))
        if name.endswith("_") and name[:-1] in variables:
            return self._recorded(name[:-1])
        raise AttributeError(f"{type(self).__name__} '{self.name}' has no attribute "
                             f"'{name}'" + (f" (it records {', '.join(variables)})"
                                            if variables else ""))

    def values(self, var: str) -> dict:
        """The values of ``var`` at each event of each neuron: {index: values}."""
        if var not in self.record_variables:
            raise ConfigurationError(f"{type(self).__name__} '{self.name}' does not "
                                     f"record '{var}'", code="E777",
                                     hint="record it with variables=[...]")
        i = self.i
        vals = self._recorded(var)
        order = np.argsort(i, kind="stable")
        bounds = np.searchsorted(i[order], np.arange(self.N + 1))
        return {k: self._with_unit(var, vals[order[bounds[k]:bounds[k + 1]]])
                for k in range(self.N)}

    def all_values(self) -> dict:
        """{'t': {index: times}, var: {index: values}, ...} for every recorded variable."""
        out = {"t": self.spike_trains()}
        for v in self.record_variables:
            out[v] = self.values(v)
        return out

    @property
    def num_events(self) -> int:
        return self.num_spikes

    def event_trains(self) -> dict:
        return self.spike_trains()


__all__ = ["RecordsAtEvents"]
