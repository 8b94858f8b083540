"""The state of the PyNN backend: one eqsim Network being built and run (PyNN's
``simulator`` module, as pyNN.nest and pyNN.brian2 have one).

``state`` is the one object PyNN's common code and the standard models talk to: ``dt``
and ``t`` in ms, ``network`` (the eqsim Network), ``add(obj)``, ``min_delay``,
``mpi_rank``, ``num_processes``, ``rng_seed`` and ``segment_counter``.
"""
from __future__ import annotations

import logging

import numpy as np
from pyNN import common

from ..errors import ConfigurationError
from ..parallel.comm import world
from ..runtime.clock import Clock
from ..runtime.groups import NeuronGroup
from ..runtime.monitors import StateMonitor
from ..runtime.network import Network
from ..units import second

name = "eqsim"
logger = logging.getLogger(__name__)

START = "pynn-start"   # the stored state that reset() goes back to
DEFAULT_SEED = 1234567  # setup(rng_seed=...) changes it


class ID(int, common.IDMixin):
    """A cell's global id (PyNN's ID: an int that knows its population)."""

    def __init__(self, n):
        int.__init__(n)
        common.IDMixin.__init__(self)


class State(common.control.BaseState):
    """The network being built, its clock and the run state (PyNN's ``state``)."""

    def __init__(self):
        super().__init__()
        comm = world()
        self.mpi_rank = comm.rank
        self.num_processes = comm.size
        self.network: Network | None = None
        self._dt = 0.1
        self.backend = "c"
        self.threads = 1
        self.rng_seed = DEFAULT_SEED
        self.max_delay = "auto"
        self._min_delay = "auto"
        self.clear()

    # ---- building ---------------------------------------------------------------------
    def clear(self, dt: float | None = None) -> None:
        """Forget the network: a fresh one (setup() calls this); ``dt`` in ms."""
        if dt is not None:
            self._dt = float(dt)
        self.recorders = set()
        self.populations: list = []
        self.projections: list = []
        self.id_counter = 0
        self.n_objects = 0
        self._n_seeded = 0
        self.segment_counter = -1
        self.write_on_end = []
        self.network = Network(name="pynn")
        self._stored_objects = 0
        self.running = False
        self.t_start = 0.0
        self.reset()

    def add(self, obj) -> None:
        """Put an eqsim object into the network; groups and monitors without a clock of
        their own get the PyNN time step."""
        if isinstance(obj, (NeuronGroup, StateMonitor)) and obj.clock is None:
            object.__setattr__(obj, "clock", Clock(self._dt * 1e-3 * second))
        if hasattr(obj, "seed") and obj not in self.network.objects:
            # random numbers drawn at run time (Poisson sources, noise) follow rng_seed
            # and the order of creation: a script gives the same run every time and on
            # any number of MPI ranks (NEST's default seed is fixed too)
            self._n_seeded += 1
            seq = np.random.SeedSequence([self.rng_seed, self._n_seeded])
            object.__setattr__(obj, "seed", int(seq.generate_state(1)[0]))
        self.network.add(obj)

    def next_name(self, kind: str) -> str:
        """A unique eqsim object name (PyNN labels are kept separately)."""
        self.n_objects += 1
        return f"pynn_{kind}{self.n_objects}"

    # ---- time -------------------------------------------------------------------------
    @property
    def dt(self) -> float:
        return self._dt

    @dt.setter
    def dt(self, value: float) -> None:
        self._dt = float(value)

    @property
    def t(self) -> float:
        """Current time in ms."""
        return self.network._step * self._dt

    @property
    def min_delay(self) -> float:
        """ms; "auto": the shortest delay of the projections made so far (else dt)."""
        if self._min_delay == "auto":
            delays = [prj._min_delay_ms() for prj in self.projections if len(prj)]
            return float(min(delays)) if delays else self._dt
        return self._min_delay

    @min_delay.setter
    def min_delay(self, value) -> None:
        self._min_delay = value

    @property
    def run_backend(self) -> str:
        return "mpi" if self.num_processes > 1 else self.backend

    def run(self, simtime: float) -> None:
        """Advance by ``simtime`` ms (a whole number of steps)."""
        steps = int(round(simtime / self._dt))
        if steps <= 0:
            return
        for recorder in self.recorders:
            recorder._finalize()
        if self.network._step == 0:
            # the state that reset() returns to; stored again when objects were added
            self.network.store(START)
        self.running = True
        self.network.run(steps * self._dt * 1e-3 * second, backend=self.run_backend,
                         threads=self.threads, report=None)

    def run_until(self, tstop: float) -> None:
        if tstop > self.t + 1e-9:
            self.run(tstop - self.t)

    def reset(self) -> None:
        """Back to t = 0: state and monitors as stored at the first run; PyNN's
        parameters of cells and synapses (weights, delays included) keep their present
        values (PyNN's reset; NEST keeps weights too)."""
        if self.network is not None and self.network._step > 0 and \
                START in self.network._stored:
            net = self.network
            keep = [(obj, {k: a.copy() for k, a in obj.arrays.items()
                           if a is not None and k in names})
                    for obj, names in self._parameters_of_objects().items()]
            net.restore(START)
            for obj, arrays in keep:
                for k, a in arrays.items():
                    now = obj.arrays.get(k)
                    if now is None or len(now) != len(a):
                        continue
                    if k == "delay":   # through the setter: the delivery index follows
                        if not np.array_equal(np.asarray(now), np.asarray(a)):
                            obj.delay = np.asarray(a, dtype=float) * second
                    elif isinstance(now, np.ndarray) and isinstance(a, np.ndarray):
                        now[...] = a
                    else:
                        obj.arrays[k] = a
            for recorder in self.recorders:
                recorder._after_reset()
        self.running = False
        self.t_start = 0.0
        self.segment_counter += 1

    def _parameters_of_objects(self) -> dict:
        """{eqsim object: names of the arrays a reset keeps}: a population's native
        parameters, a projection's synapse parameters (weight, delay, U, ...); for other
        objects (current sources) every array that is not a differential equation's."""
        out = {id(obj): (obj, set(obj.arrays) - _state_names(obj))
               for obj in self.network.groups + self.network.synapses}
        for pop in self.populations:
            out[id(pop._eqsim_group)] = (pop._eqsim_group, set(pop._native))
        for prj in self.projections:
            names = set(prj.synapse_type.native_parameters.keys()) | {"weight", "delay"}
            for S, _ in prj._parts:
                out[id(S)] = (S, names | {n for n in S._pynn_spec.get("per_synapse", ())
                                          if n in prj.synapse_type.native_parameters.keys()})
        return dict(out.values())


def _state_names(obj) -> set[str]:
    """The variables a reset returns to their initial values: differential equations
    and the bookkeeping of refractoriness and spikes."""
    names = {eq.name for eq in obj.equations.equations if eq.kind == "differential"}
    return names | {"lastspike", "not_refractory", "_spikes", "lastupdate"}


def check_not_running(what: str) -> None:
    """Structure cannot change in the middle of a run in pieces (E841)."""
    if state.running and state.network._step > 0:
        raise ConfigurationError(
            f"cannot create {what} after the simulation has started (t = {state.t} ms)",
            code="E841", hint="create all populations and projections before run(), or "
                              "call reset() first")


state = State()

__all__ = ["ID", "State", "check_not_running", "name", "state"]
