"""Spike sources: PoissonGroup (constant, per-neuron or time-varying rates) and
SpikeGeneratorGroup (replay of given spikes)."""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ..errors import ConfigurationError
from dataclasses import replace

from ..equations.expressions import SECOND
from ..parallel.comm import fresh_seed
from ..units import Hz, Quantity, as_quantity, check_units, get_dimension, second
from .clock import as_time
from .groups import NeuronGroup
from .naming import Named, check_name

HZ_DIM = get_dimension(Hz)


class PoissonGroup(NeuronGroup):
    """N independent Poisson spike trains (Brian2's PoissonGroup).

    ``rates`` is a rate (``10*Hz``), an array of per-neuron rates, or a string expression
    in ``t`` and ``i`` (``"5*Hz + 5*Hz*sin(2*pi*t/second)"``). A neuron spikes in a step
    when ``rand() < rates*dt``, so rates must stay well below 1/dt.
    """

    _kind = "poissongroup"

    def __init__(self, N: int, rates, dt: Quantity | None = None, name: str | None = None,
                 seed: int | None = None, namespace: Mapping[str, Any] | None = None,
                 label: str | None = None):
        rates = as_quantity(rates)   # [10*Hz, 20*Hz] keeps its unit
        if isinstance(rates, str):
            model = f"rates = {rates} : Hz"
        else:
            model = "rates : Hz"
        super().__init__(N, model, threshold="rand() < rates*dt", dt=dt, name=name,
                         seed=seed, namespace=namespace, label=label)
        if not isinstance(rates, str):
            if get_dimension(rates) != HZ_DIM:
                raise ConfigurationError(
                    f"rates of PoissonGroup must be in Hz, got {get_dimension(rates)}",
                    code="E730", hint="e.g. rates=10*Hz or rates=np.ones(N)*5*Hz")
            values = np.asarray(rates.view(np.ndarray) if isinstance(rates, Quantity)
                                else rates, dtype=float)
            if np.any(values < 0) or not np.all(np.isfinite(values)):
                raise ConfigurationError("rates of PoissonGroup must be finite and >= 0",
                                         code="E730")
            self.rates = rates

    def __repr__(self) -> str:
        return f"PoissonGroup({self.N}, name={self.name!r})"


class SpikeGeneratorGroup(NeuronGroup):
    """Replays given spikes: neuron ``indices[k]`` fires at ``times[k]`` (Brian2's
    SpikeGeneratorGroup). With ``period`` > 0 the pattern repeats every period.

    A time falls into the step that contains it (Brian2's ``int((t + 1e-3*dt)/dt)``:
    1.35 ms goes to the step of 1.3 ms at dt = 0.1 ms); two spikes of one neuron in the same
    step are an error. Build one from a monitor with ``from_monitor`` or from a file
    written by ``SpikeMonitor.save`` with ``from_file``.
    """

    _kind = "spikegeneratorgroup"

    def __init__(self, N: int, indices, times, period=None, dt: Quantity | None = None,
                 name: str | None = None, label: str | None = None):
        super().__init__(N, "", dt=dt, name=name, label=label)
        self.spec = replace(self.spec, generator=True)
        self.set_spikes(indices, times, period)

    def set_spikes(self, indices, times, period=None) -> None:
        """Replace the spikes (and period) to replay."""
        idx = np.atleast_1d(np.asarray(indices))
        if idx.size and np.issubdtype(idx.dtype, np.floating) and \
                np.all(np.isfinite(idx)) and np.all(idx == np.round(idx)):
            idx = idx.astype(np.int64)   # whole numbers given as floats (array([0., 1.]))
        if idx.size and not np.issubdtype(idx.dtype, np.integer):
            raise ConfigurationError("SpikeGeneratorGroup: indices must be whole numbers, "
                                     f"got {idx[~np.isclose(idx, np.round(idx))][:3]}"
                                     if np.issubdtype(idx.dtype, np.floating) else
                                     "SpikeGeneratorGroup: indices must be integers",
                                     code="E746")
        times = as_quantity(times)
        check_units(times, SECOND, "times of SpikeGeneratorGroup")
        t = np.atleast_1d(np.asarray(times.view(np.ndarray) if isinstance(times, Quantity)
                                     else times, dtype=float))
        if idx.shape != t.shape:
            raise ConfigurationError(
                f"SpikeGeneratorGroup: {idx.size} indices but {t.size} times",
                code="E746")
        if idx.size and (idx.min() < 0 or idx.max() >= self.N):
            bad = int(idx[(idx < 0) | (idx >= self.N)][0])
            raise ConfigurationError(f"SpikeGeneratorGroup: index {bad} is out of range "
                                     f"for {self.N} neurons", code="E746")
        if t.size and (np.any(t < 0) or not np.all(np.isfinite(t))):
            raise ConfigurationError("SpikeGeneratorGroup: times must be finite and >= 0",
                                     code="E746")
        per = 0.0 if period is None else float(np.asarray(period))
        if period is not None:
            check_units(period, SECOND, "period of SpikeGeneratorGroup")
            if per < 0 or (per > 0 and t.size and t.max() >= per):
                raise ConfigurationError(
                    "SpikeGeneratorGroup: the period must be 0 or longer than every "
                    "spike time", code="E746")
        self._gen_indices, self._gen_times, self._gen_period = idx.astype(np.int32), t, per

    def _prepare_table(self) -> tuple[int, int]:
        """Spikes as (step, index) sorted by step, for the group's dt."""
        dt = self.dt_
        # the step that contains the time, as Brian2 bins them (a thousandth of a step
        # of slack, so that k*dt computed in floating point stays in step k)
        steps = np.floor((self._gen_times + 1e-3 * dt) / dt).astype(np.int64)
        order = np.lexsort((self._gen_indices, steps))
        steps, idx = steps[order], self._gen_indices[order]
        same = (steps[1:] == steps[:-1]) & (idx[1:] == idx[:-1])
        if np.any(same):
            k = int(np.flatnonzero(same)[0])
            raise ConfigurationError(
                f"SpikeGeneratorGroup '{self.name}': neuron {int(idx[k])} has two spikes "
                f"in the time step at {steps[k] * dt * 1e3:g} ms", code="E746",
                hint="use a smaller dt or remove one of the spikes")
        period_steps = int(round(self._gen_period / dt)) if self._gen_period else 0
        self.arrays["_gen_i"] = np.ascontiguousarray(idx, dtype=np.int32)
        self.arrays["_gen_step"] = np.ascontiguousarray(steps, dtype=np.int64)
        return len(steps), period_steps

    @classmethod
    def from_monitor(cls, monitor, N: int | None = None, name: str | None = None,
                     **kw) -> "SpikeGeneratorGroup":
        """Replay what a SpikeMonitor recorded."""
        return cls(N if N is not None else monitor.source.N, monitor.i, monitor.t,
                   name=name, **kw)

    @classmethod
    def from_file(cls, path, name: str | None = None, **kw) -> "SpikeGeneratorGroup":
        """Replay spikes saved by ``SpikeMonitor.save(path)`` (an .npz file)."""
        with np.load(path) as data:
            return cls(int(data["N"]), data["i"], data["t"] * second, name=name, **kw)

    def __repr__(self) -> str:
        return (f"SpikeGeneratorGroup({self.N}, {len(self._gen_indices)} spikes, "
                f"name={self.name!r})")


class TimedArray:
    """Values over time, usable in equations as ``f(t)`` (1-D values) or ``f(t, i)``
    (2-D values: one column per neuron), as Brian2's TimedArray.

    The value at time t is ``values[int(t/dt + 0.001)]`` — each value holds for one
    ``dt`` — and the last value holds after the end. Pass it in ``namespace=``.
    """

    def __init__(self, values, dt):
        values = as_quantity(values)   # [50*Hz, 0*Hz] keeps its unit
        arr = np.asarray(values.view(np.ndarray) if isinstance(values, Quantity)
                         else values, dtype=float)
        if arr.ndim not in (1, 2) or arr.shape[0] == 0:
            raise ConfigurationError("TimedArray values must be a non-empty 1-D array "
                                     "(time) or 2-D array (time, neuron)", code="E747")
        if not np.all(np.isfinite(arr)):
            raise ConfigurationError("TimedArray values must be finite", code="E747")
        self.dim = get_dimension(values)
        self.timed_array_ndim = arr.ndim
        self.dt_ = as_time(dt, "dt of TimedArray")
        self.values = arr
        self.flat = np.ascontiguousarray(arr.reshape(arr.shape[0], -1).ravel())
        self.n = arr.shape[0]
        self.cols = 1 if arr.ndim == 1 else arr.shape[1]

    @property
    def dt(self) -> float:
        """The time step of the values in seconds, a plain float (as Brian2's ``.dt``)."""
        return self.dt_

    def _lookup(self, t, i=0.0):
        """Plain SI values, computed exactly as the generated C does."""
        k = np.clip(np.trunc(np.asarray(t, dtype=float) / self.dt_ + 1e-3), 0,
                    self.n - 1).astype(np.int64)
        return self.flat[k * self.cols + np.asarray(i).astype(np.int64)]

    def __call__(self, t, i=None):
        check_units(t, SECOND, "the time given to a TimedArray")
        value = self._lookup(float(np.asarray(t)) if np.ndim(t) == 0 else
                             np.asarray(t), 0 if i is None else i)
        return Quantity(value, self.dim) if not self.dim.is_dimensionless else value

    def __repr__(self) -> str:
        return f"TimedArray(shape={self.values.shape}, dt={self.dt_:g} s)"


class PoissonInput(Named):
    """N independent Poisson sources at ``rate`` onto every neuron of ``target``, each
    adding ``weight`` to ``target_var`` when it fires, without creating synapses (Brian2's
    PoissonInput). Each step every target neuron receives Binomial(N, rate*dt)*weight;
    for N*p > 5 and N*(1-p) > 5 the binomial is drawn from its normal approximation,
    as Brian2 does."""

    _kind = "poissoninput"

    def __init__(self, target: NeuronGroup, target_var: str, N: int, rate, weight,
                 name: str | None = None, seed: int | None = None):
        from .groups import Subgroup
        self._range = None   # (start, stop) of a subgroup target in its parent group
        if isinstance(target, Subgroup):   # Brian2 allows it: the parent's slice
            self._range = (target.start, target.stop)
            target = target.parent
        if not isinstance(target, NeuronGroup):
            raise ConfigurationError("PoissonInput needs a NeuronGroup as its target",
                                     code="E748")
        variables = {eq.name: eq for eq in target.equations.equations}
        if target_var not in variables or variables[target_var].kind == "subexpression":
            raise ConfigurationError(
                f"PoissonInput: group '{target.name}' has no variable '{target_var}'",
                code="E748", hint="variables: " + ", ".join(
                    n for n, e in variables.items() if e.kind != "subexpression"))
        if isinstance(N, (bool, np.bool_)) or not isinstance(N, (int, np.integer, float)) \
                or N < 0 or N != int(N):
            raise ConfigurationError("PoissonInput: N must be a whole number >= 0",
                                     code="E748")
        if isinstance(rate, TimedArray):   # a rate that varies with t (eqsim extension)
            if rate.dim != HZ_DIM or rate.timed_array_ndim != 1 or np.any(rate.values < 0):
                raise ConfigurationError("PoissonInput: a TimedArray rate must hold rates "
                                         ">= 0 in Hz, one per time step (1-D)",
                                         code="E748")
        elif get_dimension(rate) != HZ_DIM or float(np.asarray(rate)) < 0:
            raise ConfigurationError("PoissonInput: rate must be a rate >= 0 (e.g. 5*Hz)",
                                     code="E748")
        dim = variables[target_var].dim
        if isinstance(weight, str):   # Brian2 style: weight="J", read at every run
            from ..equations.expressions import (Snippet, infer_dimension, names_in,
                                                 parse_expression)
            node, snip = parse_expression(Snippet.whole(weight, f"weight of PoissonInput "
                                                                f"onto {target.name}"))
            resolve = target._resolver()
            got = infer_dimension(node, snip, resolve)
            if got != dim:
                raise ConfigurationError(f"PoissonInput weight '{weight}' is in {got}, "
                                         f"{target.name}.{target_var} is in {dim}",
                                         code="E748")
            if any(resolve(n).kind in ("variable", "subexpression", "index")
                   for n in names_in(node) if n not in ("t", "dt")):
                raise ConfigurationError("PoissonInput weights may use constants and units "
                                         "(and t, TimedArrays of t) only, not per-neuron "
                                         "variables", code="E748")
        else:
            check_units(weight, dim, f"weight of PoissonInput onto "
                                     f"{target.name}.{target_var}")
        self.target, self.target_var, self.N = target, target_var, int(N)
        self.rate, self.weight = rate, weight
        self._name = check_name(name)
        self.seed = int(seed) if seed is not None else fresh_seed()

    @property
    def spec(self):
        from ..equations.specs import PoissonInputSpec
        # Brian2 applies a PoissonInput with its state-update code, so a variable marked
        # (unless refractory) receives nothing while its neuron is refractory (synaptic
        # writes are masked the same way, codegen/emit_synapses.py)
        flags = {eq.name: eq.flags for eq in self.target.equations.equations}
        clamped = ("unless refractory" in flags[self.target_var]
                   and "not_refractory" in self.target.arrays)
        return PoissonInputSpec(self.name, self.target.name, self.target_var, clamped)

    def _varying_weight(self) -> bool:
        """A string weight that uses t (e.g. 'stimulus(t)' of a TimedArray): Brian2
        evaluates it at every step."""
        if not isinstance(self.weight, str):
            return False
        from ..equations.expressions import names_in, parse_expression
        return "t" in names_in(parse_expression(self.weight)[0])

    def _bind_weights(self, data, step0: int, n: int, dt: float) -> None:
        """Before a compiled call of ``n`` steps from ``step0``: a weight that changes
        with t, evaluated (vectorised) for every step from step0 - 1 (an MPI window may
        resume one step early) to step0 + n; the generated code reads it by step."""
        varying = self._varying_weight()
        data.set_i(f"{self.name}/_wvary", int(varying))
        data.set_i(f"{self.name}/_wbase", step0 - 1)
        self._bind_rates(data, step0, n, dt)
        if not varying:
            data.set_array(f"{self.name}/_weights", np.zeros(1))
            return
        from ..equations.expressions import evaluate, parse_expression
        node, _ = parse_expression(self.weight)
        times = np.maximum(np.arange(step0 - 1, step0 + n + 1), 0) * dt
        resolve, namespace = self.target._resolver(), self.target.namespace

        def values(name):
            if name == "t":
                return times
            if name == "dt":
                return self.target.dt_
            info = resolve(name)
            if info.kind == "constant":
                return float(np.asarray(namespace[name]))
            if info.kind == "function":
                return namespace[name]._lookup
            return info.value

        with np.errstate(all="ignore"):
            weights = np.broadcast_to(np.asarray(evaluate(node, values, None), float),
                                      times.shape).copy()
        data.set_array(f"{self.name}/_weights", weights)

    def _bind_rates(self, data, step0: int, n: int, dt: float) -> None:
        """A TimedArray rate: (p, (1 - p)**N, approx) for every step from step0 - 1 to
        step0 + n, made here so that both backends read the same numbers."""
        varying = isinstance(self.rate, TimedArray)
        data.set_i(f"{self.name}/_pvary", int(varying))
        if not varying:
            data.set_array(f"{self.name}/_rates", np.zeros(3))
            return
        times = np.maximum(np.arange(step0 - 1, step0 + n + 1), 0) * dt
        p = self.rate._lookup(times) * self.target.dt_
        if np.any(p > 1):
            raise ConfigurationError(f"PoissonInput '{self.name}': rate*dt reaches "
                                     f"{p.max():g} > 1; use a smaller dt or split the "
                                     "input", code="E748")
        table = np.empty((p.size, 3))
        table[:, 0] = p
        table[:, 1] = np.power(1.0 - p, float(self.N))
        table[:, 2] = (self.N * p > 5) & (self.N * (1 - p) > 5)
        data.set_array(f"{self.name}/_rates", table.ravel())

    def neuron_range(self) -> tuple[int, int]:
        """The target neurons (start, stop) in the target group: all, or a subgroup's."""
        return self._range if self._range is not None else (0, self.target.N)

    def weight_value(self) -> float:
        """The weight in SI units (a string weight is evaluated now, as in Brian2)."""
        if isinstance(self.weight, str):
            from ..equations.expressions import Snippet, parse_expression
            node, snip = parse_expression(Snippet.whole(self.weight))
            return float(self.target._evaluate(node, snip, None, raw=True)[0])
        return float(np.asarray(self.weight))

    def parameters(self) -> tuple[float, float, bool]:
        """(p, (1 - p)**N, use the normal approximation) for the target's dt."""
        rate = self.rate.values.max() if isinstance(self.rate, TimedArray) else self.rate
        p = float(np.asarray(rate)) * self.target.dt_
        if p > 1:
            raise ConfigurationError(f"PoissonInput '{self.name}': rate*dt = {p:g} > 1; "
                                     "use a smaller dt or split the input", code="E748")
        approx = self.N * p > 5 and self.N * (1 - p) > 5
        return p, (1 - p) ** self.N, approx

    def __repr__(self) -> str:
        return (f"PoissonInput({self.target.name}.{self.target_var}, N={self.N}, "
                f"name={self.name!r})")


def step_current(times, amplitudes, dt=None) -> TimedArray:
    """A piecewise-constant current as a TimedArray: ``amplitudes[k]`` from ``times[k]``
    on (0 before ``times[0]``). Use it as ``I = I_step(t) : amp`` with ``I_step`` in the
    namespace. ``dt`` (default: the smallest gap between the times) sets the resolution.

    >>> from eqsim.units import ms, nA
    >>> I = step_current([10, 30]*ms, [1, 0]*nA)
    >>> [float(I(t*ms)/nA) for t in (5, 15, 35)]
    [0.0, 1.0, 0.0]
    """
    times, amplitudes = as_quantity(times), as_quantity(amplitudes)
    check_units(times, SECOND, "times of step_current")
    t = np.atleast_1d(np.asarray(times, dtype=float))
    a = np.atleast_1d(np.asarray(amplitudes.view(np.ndarray) if isinstance(
        amplitudes, Quantity) else amplitudes, dtype=float))
    if t.shape != a.shape or t.size == 0 or np.any(np.diff(t) <= 0) or t[0] < 0:
        raise ConfigurationError("step_current needs increasing times >= 0 and one "
                                 "amplitude per time", code="E747")
    if dt is None:
        gaps = np.diff(np.concatenate([[0.0], t]))
        step = float(np.min(gaps[gaps > 0])) if np.any(gaps > 0) else float(t[0] or 1.0)
    else:
        step = as_time(dt, "dt of step_current")
    edges = np.round(t / step).astype(int)
    values = np.zeros(edges[-1] + 1)
    for start, amp in zip(edges, a):
        values[start:] = amp
    return TimedArray(Quantity(values, get_dimension(amplitudes)), step * second)
