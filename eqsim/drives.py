"""External drives, as HNN-core gives them, and afferent input, as neural_network_dynamics
gives it: spike times made here (vectorised numpy, one seed per drive), delivered by a
compiled SpikeGeneratorGroup and Synapses (or a PoissonInput) underneath.

Drives (each returns a :class:`Drive`, a list of the objects it made: pass it to
``Network(...)`` or ``net.add(...)``):

- :func:`evoked`: each drive cell fires ``numspikes`` spikes at times ~ N(mu, sigma);
- :func:`poisson`: Poisson spikes at a rate (one per target label) from tstart to tstop;
- :func:`bursty`: bursts at ``burst_rate`` (jittered by ``burst_std``), ``numspikes``
  spikes ``spike_isi`` apart in each;
- :func:`spike_train`: given spikes ({id: times}, [(time, id), ...], a SpikeMonitor, a
  :class:`eqsim.io.SpikeTrial`, SONATA spikes or a spike file), ids remapped to 0..n-1;
- :func:`afferent`: a rate on the time grid (array or TimedArray) as an independent
  Poisson train per target neuron at ``p*n_aff*F(t)`` (a compiled PoissonInput) or as
  ``n_aff`` shared afferent cells with a fixed in-degree; extra spikes on top.

Connections as in HNN-core: ``cell_specific=True`` gives one drive cell per target neuron
(one-to-one), else ``n_drive_cells`` shared cells (all-to-all); ``weights`` per target
label and receptor variable (``{"L2_pyr": {"g_ampa": 1*nS, "g_nmda": 0.5*nS}}``, or
HNN's ``weights_ampa``/``weights_nmda`` with ``receptors``), ``delays`` and
``probability`` one value or one per label, ``conn_seed`` for the connections and
``seed`` for the spike times. With ``space_constant`` λ, a connection onto a neuron at
distance d (in x, y) from ``origin`` has weight ``w*exp(-(d/λ)**2)`` and delay
``delay/exp(-(d/λ)**2)``.

>>> import eqsim as eq
>>> from eqsim import drives
>>> from eqsim.units import ms, nS
>>> G = eq.NeuronGroup(4, "dg/dt = -g/(5*ms) : siemens", label="E")
>>> d = drives.evoked(G, mu=20*ms, sigma=2*ms, numspikes=2, weights={"E": {"g": 1*nS}},
...                   seed=1)
>>> d.n_cells, len(d.times)
(4, 8)
>>> eq.Network(G, d).run(30*ms)
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from .equations.expressions import SECOND
from .errors import ConfigurationError
from .runtime.groups import NeuronGroup, Subgroup
from .runtime.inputs import PoissonGroup, PoissonInput, SpikeGeneratorGroup, TimedArray
from .runtime.labels import group_label, segments
from .runtime.synapses import Synapses
from .units import Hz, Quantity, as_quantity, get_dimension, second

_log = logging.getLogger(__name__)
HNN_RECEPTORS = {"ampa": "g_ampa", "nmda": "g_nmda"}
MAX_DELAY_S = 10.0   # a longer delay from the distance fall-off is an error (E996)


class Drive(list):
    """The objects a drive made (its SpikeGeneratorGroup first, then one Synapses per
    targeted population), with what it was made of:

    ``name``, ``kind``; ``n_cells`` drive cells; ``times`` (Quantity) and ``cells`` (drive
    cell of each spike); ``ids`` (for a spike-train drive: the original id of each drive
    cell, so that ``id_map = {ids[k]: k}``); ``connections[label]`` = (drive cell,
    target neuron in its population, {variable: weights}, delays in s) of every
    connection; ``generator`` and ``synapses`` ({label: Synapses}).
    """

    def __init__(self, name, kind, n_cells, cells, times_s, ids=None):
        super().__init__()
        self.name, self.kind, self.n_cells = name, kind, int(n_cells)
        self.cells = np.asarray(cells, dtype=np.int64)
        self.times = Quantity(np.asarray(times_s, dtype=float), SECOND)
        self.ids = None if ids is None else np.asarray(ids)
        self.connections: dict = {}
        self.generator = None
        self.synapses: dict = {}

    @property
    def id_map(self) -> dict:
        """{original id: drive cell} (spike-train drives; else the identity)."""
        ids = np.arange(self.n_cells) if self.ids is None else self.ids
        return {k.item() if hasattr(k, "item") else k: n for n, k in enumerate(ids)}

    def spike_times(self, cell: int) -> Quantity:
        """The sorted spike times of one drive cell."""
        return Quantity(np.sort(self.times.view(np.ndarray)[self.cells == cell]), SECOND)

    def __repr__(self) -> str:
        return (f"Drive({self.name!r}, {self.kind}, {self.n_cells} cells, "
                f"{len(self.cells)} spikes, targets {sorted(self.connections)})")

    def __eq__(self, other):   # a Drive is a list for Network.add; compare by identity
        return self is other

    __hash__ = object.__hash__


# ---- targets --------------------------------------------------------------------------
@dataclass(frozen=True)
class _Target:
    label: str
    group: object          # NeuronGroup or Subgroup
    size: int


def _targets(targets) -> list[_Target]:
    """The labelled populations of a group, subgroup, list of them or Network, finest
    labels first (a group's labelled subgroups are separate populations)."""
    from .runtime.network import Network
    if isinstance(targets, Network):
        targets = [g for g in targets.groups
                   if not isinstance(g, (SpikeGeneratorGroup, PoissonGroup))]
    if isinstance(targets, (NeuronGroup, Subgroup)):
        targets = [targets]
    out = []
    for g in targets if isinstance(targets, (list, tuple)) else [targets]:
        if isinstance(g, Subgroup):
            out.append(_Target(_sub_label(g), g, len(g)))
        elif isinstance(g, NeuronGroup):
            bounds, names = segments(g)
            if len(names) == 1:
                out.append(_Target(names[0], g, g.N))
            else:
                out += [_Target(n, g[int(a):int(b)], int(b - a))
                        for n, a, b in zip(names, bounds[:-1], bounds[1:])]
        else:
            raise ConfigurationError(f"a drive targets NeuronGroups, subgroups or a "
                                     f"Network, not {type(g).__name__}", code="E992")
    if not out:
        raise ConfigurationError("the drive has no target population", code="E992",
                                 hint="pass the groups (or the Network) to drive")
    return out


def _sub_label(sub) -> str:
    from .runtime.labels import subgroup_label
    return subgroup_label(sub)


def _per_label(value, labels: list[str], what: str, known: list[str]) -> dict:
    """One value for every label, or a dict {label: value} naming only known labels."""
    if isinstance(value, dict):
        bad = sorted(set(value) - set(known))
        if bad:
            raise ConfigurationError(f"{what} names the label(s) {', '.join(bad)}, which "
                                     "the drive's targets do not have", code="E990",
                                     hint="labels: " + ", ".join(known))
        missing = [lab for lab in labels if lab not in value]
        if missing:
            raise ConfigurationError(f"{what} gives no value for {', '.join(missing)}",
                                     code="E990", hint="give one value for all, or one "
                                     "per targeted label")
        return {lab: value[lab] for lab in labels}
    return {lab: value for lab in labels}


def _weights(weights, weights_ampa, weights_nmda, receptors, known) -> dict:
    """{label: {variable: weight}} from ``weights`` and HNN's ampa/nmda dicts."""
    out: dict = {}
    for lab, per in (weights or {}).items():
        if not isinstance(per, dict):
            raise ConfigurationError(f"weights['{lab}'] must be a dict {{variable: "
                                     "weight}}", code="E991",
                                     hint="e.g. weights={'E': {'g_ampa': 1*nS}}")
        out.setdefault(lab, {}).update(per)
    for receptor, table in (("ampa", weights_ampa), ("nmda", weights_nmda)):
        for lab, w in (table or {}).items():
            if receptor not in receptors:
                raise ConfigurationError(f"no variable for the receptor '{receptor}'",
                                         code="E991", hint="receptors={'ampa': 'g_ampa', "
                                         "'nmda': 'g_nmda'}")
            out.setdefault(lab, {})[receptors[receptor]] = w
    bad = sorted(set(out) - set(known))
    if bad:
        raise ConfigurationError(f"weights name the label(s) {', '.join(bad)}, which the "
                                 "drive's targets do not have", code="E990",
                                 hint="labels: " + ", ".join(known))
    if not out:
        raise ConfigurationError("the drive has no weights: it would drive nothing",
                                 code="E992", hint="give weights={label: {variable: "
                                 "weight}} (or weights_ampa={label: weight})")
    return out


def _check_weight(t: _Target, var: str, w):
    group = t.group.parent if isinstance(t.group, Subgroup) else t.group
    eqs = {e.name: e for e in group.equations.equations}
    if var not in eqs or eqs[var].kind == "subexpression":
        raise ConfigurationError(f"population '{t.label}' (group '{group.name}') has no "
                                 f"variable '{var}' to receive the drive", code="E991",
                                 hint="variables: " + ", ".join(
                                     n for n, e in eqs.items() if e.kind != "subexpression"))
    if get_dimension(w) != eqs[var].dim:
        raise ConfigurationError(f"the weight onto {t.label}.{var} is in "
                                 f"{get_dimension(w)}, the variable in {eqs[var].dim}",
                                 code="E991")
    value = float(np.asarray(w.view(np.ndarray) if isinstance(w, Quantity) else w))
    if not np.isfinite(value):
        raise ConfigurationError(f"the weight onto {t.label}.{var} is not finite",
                                 code="E991")
    return value, eqs[var].dim


# ---- times ----------------------------------------------------------------------------
def _time(value, what: str, allow_negative: bool = False) -> float:
    if not isinstance(value, Quantity) or get_dimension(value) != SECOND or \
            np.ndim(value) != 0:
        raise ConfigurationError(f"{what} must be one time with a unit, got {value!r}",
                                 code="E993", hint="e.g. 20*ms")
    v = float(value)
    if not np.isfinite(v) or (v < 0 and not allow_negative):
        raise ConfigurationError(f"{what} must be a finite time >= 0, got {value!r}",
                                 code="E993")
    return v


def _count(value, what: str, minimum: int = 1) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < minimum:
        raise ConfigurationError(f"{what} must be a whole number >= {minimum}, got "
                                 f"{value!r}", code="E993")
    return int(value)


def _rate(value, what: str) -> float:
    if not isinstance(value, Quantity) or get_dimension(value) != get_dimension(Hz) \
            or np.ndim(value) != 0 or not float(value) > 0 or not np.isfinite(float(value)):
        raise ConfigurationError(f"{what} must be one rate > 0 with a unit, got "
                                 f"{value!r}", code="E993", hint="e.g. 10*Hz")
    return float(value)


# ---- the common builder ---------------------------------------------------------------
def _n_cells(cell_specific, n_drive_cells, n_targets) -> int:
    if cell_specific:
        if n_drive_cells not in (None, "n_cells", n_targets):
            raise ConfigurationError(f"cell_specific=True gives one drive cell per target "
                                     f"neuron ({n_targets}); n_drive_cells="
                                     f"{n_drive_cells!r} contradicts it", code="E994",
                                     hint="leave n_drive_cells out, or use "
                                          "cell_specific=False")
        return n_targets
    if n_drive_cells in (None, "n_cells"):
        return 1
    if isinstance(n_drive_cells, (bool, np.bool_)) or \
            not isinstance(n_drive_cells, (int, np.integer)) or n_drive_cells < 1:
        raise ConfigurationError(f"n_drive_cells must be a whole number >= 1, got "
                                 f"{n_drive_cells!r}", code="E994")
    return int(n_drive_cells)


def _positions(group) -> np.ndarray:
    base = group.parent if isinstance(group, Subgroup) else group
    names = base.equations.names
    if not {"x", "y"} <= set(names):
        raise ConfigurationError(f"group '{base.name}' has no positions x, y for the "
                                 "drive's space_constant", code="E996",
                                 hint="declare 'x : meter', 'y : meter' and place the "
                                      "neurons (eqsim.topology.place_grid)")
    lo, hi = (group.start, group.stop) if isinstance(group, Subgroup) else (0, base.N)
    return np.stack([np.asarray(getattr(base, c + "_"), dtype=float)[lo:hi]
                     for c in "xy"], axis=1), base.equations["x"].dim


def _length(value, dim, what: str) -> float:
    if get_dimension(value) != dim:
        raise ConfigurationError(f"{what} is in {get_dimension(value)}, the positions "
                                 f"x, y in {dim}", code="E996")
    v = np.asarray(value.view(np.ndarray) if isinstance(value, Quantity) else value,
                   dtype=float)
    return v


def _build(drive: Drive, targets, weights, weights_ampa, weights_nmda, receptors, delays,
           probability, cell_specific, n_drive_cells, space_constant, origin, conn_seed,
           dt) -> Drive:
    """Connections and the compiled objects of a drive whose cells and times are set."""
    tlist = _targets(targets)
    known = [t.label for t in tlist]
    table = _weights(weights, weights_ampa, weights_nmda, receptors, known)
    used = [t for t in tlist if t.label in table]
    labels = [t.label for t in used]
    delays = _per_label(delays, labels, "delays", known)
    probability = _per_label(probability, labels, "probability", known)
    n_targets = sum(t.size for t in used)
    if drive.n_cells != (n_targets if cell_specific else drive.n_cells):
        raise ConfigurationError(f"a cell-specific spike-train drive needs one train per "
                                 f"target neuron ({n_targets}), got {drive.n_cells}",
                                 code="E994", hint="use cell_specific=False (all-to-all)")
    rng = np.random.default_rng(conn_seed)
    if space_constant is not None:
        pos = {t.label: _positions(t.group) for t in used}
        dim = next(iter(pos.values()))[1]
        lam = float(_length(space_constant, dim, "space_constant"))
        if not lam > 0:
            raise ConfigurationError("space_constant must be > 0", code="E996")
        if origin is None:
            origin_xy = np.concatenate([p for p, _ in pos.values()]).mean(axis=0)
        else:
            origin_xy = np.resize(_length(origin, dim, "origin").ravel(), 2)
    if dt is None:
        dt = (used[0].group.parent if isinstance(used[0].group, Subgroup)
              else used[0].group).dt_
    # two spikes of one drive cell in one step go to separate channels of the generator
    steps = np.floor((drive.times.view(np.ndarray) + 1e-3 * dt) / dt).astype(np.int64)
    order = np.lexsort((steps, drive.cells))
    c_sorted, s_sorted = drive.cells[order], steps[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (c_sorted[1:] != c_sorted[:-1]) | (s_sorted[1:] != s_sorted[:-1])
    run_start = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    channel = np.empty(len(order), dtype=np.int64)
    channel[order] = np.arange(len(order)) - run_start
    n_channels = int(channel.max()) + 1 if len(order) else 1
    gen = SpikeGeneratorGroup(drive.n_cells * n_channels,
                              drive.cells + channel * drive.n_cells,
                              Quantity(drive.times.view(np.ndarray), SECOND), dt=dt * second,
                              name=drive.name, label=drive.name)
    drive.generator = gen
    drive.append(gen)
    offset = 0
    for t in used:
        d0 = _time(delays[t.label], f"the delay onto {t.label}", allow_negative=False)
        p = probability[t.label]
        if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, float, np.number)) \
                or not 0 <= p <= 1:
            raise ConfigurationError(f"the connection probability onto {t.label} must be "
                                     f"a number in [0, 1], got {p!r}", code="E998")
        if cell_specific:
            i = np.arange(offset, offset + t.size)
            j = np.arange(t.size)
        else:
            i = np.repeat(np.arange(drive.n_cells), t.size)
            j = np.tile(np.arange(t.size), drive.n_cells)
        offset += t.size
        if p < 1:
            keep = rng.random(len(i)) < p
            i, j = i[keep], j[keep]
        factor = np.ones(len(j))
        if space_constant is not None:
            xy = pos[t.label][0][j]
            factor = np.exp(-((np.hypot(*(xy - origin_xy).T) / lam) ** 2))
            if len(j) and d0 / factor.min() > MAX_DELAY_S:
                far = float(np.hypot(*(xy - origin_xy).T).max())
                raise ConfigurationError(
                    f"with space_constant {lam:g} the delay onto the farthest neuron of "
                    f"{t.label} (distance {far:g}) grows to {d0 / factor.min():.3g} s",
                    code="E996", hint="use a larger space_constant (the delay is "
                    "delay/exp(-(d/space_constant)**2)), or drive fewer, nearer neurons")
        ws = {}
        dims = {}
        for var, w in sorted(table[t.label].items()):
            value, dims[var] = _check_weight(t, var, w)
            ws[var] = value * factor
        dl = d0 / factor
        drive.connections[t.label] = (i, j, ws, dl)
        if not len(i):
            continue
        model = "\n".join(f"w_{v} : 1" for v in ws)
        on_pre = "; ".join(f"{v}_post += w_{v}*wunit_{v}" for v in ws)
        S = Synapses(gen, t.group, model, on_pre=on_pre, name=f"{drive.name}_{t.label}",
                     namespace={f"wunit_{v}": Quantity(1.0, dims[v]) for v in ws})
        S.connect(i=np.concatenate([i + k * drive.n_cells for k in range(n_channels)]),
                  j=np.tile(j, n_channels))
        for v, arr in ws.items():
            setattr(S, f"w_{v}", np.tile(arr, n_channels))
        S.delay = Quantity(np.tile(dl, n_channels), SECOND)
        drive.synapses[t.label] = S
        drive.append(S)
    if not drive.synapses:
        raise ConfigurationError(f"drive '{drive.name}' connects to no neuron "
                                 "(probability 0 or empty targets)", code="E992")
    return drive


def _name(name, kind):
    return f"{kind}_drive" if name is None else name


_CONNECT_DOC = """
    Connections: ``targets`` (groups, subgroups or a Network), ``weights`` ({label:
    {variable: weight}}) or ``weights_ampa``/``weights_nmda`` ({label: weight}, onto
    ``receptors['ampa']``/``['nmda']``), ``delays`` and ``probability`` (one, or one
    per label), ``cell_specific``/``n_drive_cells``, ``space_constant`` and ``origin``
    (Gaussian fall-off with distance), ``conn_seed``; ``seed`` draws the times."""


def evoked(targets, mu, sigma, numspikes: int = 1, *, weights=None, weights_ampa=None,
           weights_nmda=None, receptors=HNN_RECEPTORS, delays=0.1e-3 * second,
           probability=1.0, cell_specific: bool = True, n_drive_cells=None,
           space_constant=None, origin=None, seed: int = 2, conn_seed: int = 3,
           tstop=None, name: str | None = None, dt=None) -> Drive:
    """Each drive cell fires ``numspikes`` spikes at times ~ N(mu, sigma) (times < 0,
    or > tstop, are dropped, as HNN-core drops them)."""
    mu_s, sig = _time(mu, "mu"), _time(sigma, "sigma")
    numspikes = _count(numspikes, "numspikes")
    n = _n_cells(cell_specific, n_drive_cells, _n_targets(targets, weights, weights_ampa,
                                                          weights_nmda, receptors))
    rng = np.random.default_rng(seed)
    times = rng.normal(mu_s, sig, (n, numspikes)).ravel()
    cells = np.repeat(np.arange(n), numspikes)
    keep = _window(times, 0.0, None if tstop is None else _time(tstop, "tstop"))
    drive = Drive(_name(name, "evoked"), "evoked", n, cells[keep], times[keep])
    return _build(drive, targets, weights, weights_ampa, weights_nmda, receptors, delays,
                  probability, cell_specific, n_drive_cells, space_constant, origin,
                  conn_seed, _dt(dt))


def poisson(targets, rate, tstart=0.0 * second, tstop=None, *, weights=None,
            weights_ampa=None, weights_nmda=None, receptors=HNN_RECEPTORS,
            delays=0.1e-3 * second, probability=1.0, cell_specific: bool = True,
            n_drive_cells=None, space_constant=None, origin=None, seed: int = 2,
            conn_seed: int = 3, name: str | None = None, dt=None) -> Drive:
    """Each drive cell fires a Poisson train at ``rate`` from ``tstart`` to ``tstop``.
    ``rate`` is one rate, or {label: rate} with ``cell_specific`` (each drive cell at
    the rate of its target's label)."""
    t0 = _time(tstart, "tstart")
    if tstop is None:
        raise ConfigurationError("a Poisson drive needs tstop", code="E993",
                                 hint="e.g. tstop=500*ms")
    t1 = _time(tstop, "tstop")
    if t1 < t0:
        raise ConfigurationError("tstop is before tstart", code="E993")
    tlist = _targets(targets)
    table = _weights(weights, weights_ampa, weights_nmda, receptors,
                     [t.label for t in tlist])
    used = [t for t in tlist if t.label in table]
    n = _n_cells(cell_specific, n_drive_cells, sum(t.size for t in used))
    if isinstance(rate, dict):
        if not cell_specific:
            raise ConfigurationError("rates per label need cell_specific=True (a shared "
                                     "drive cell has one rate)", code="E993")
        per = _per_label(rate, [t.label for t in used], "rate", [t.label for t in tlist])
        rates = np.concatenate([np.full(t.size, _rate(per[t.label], f"rate of {t.label}"))
                                for t in used])
    else:
        rates = np.full(n, _rate(rate, "rate"))
    rng = np.random.default_rng(seed)
    counts = rng.poisson(rates * (t1 - t0))
    cells = np.repeat(np.arange(n), counts)
    times = t0 + (t1 - t0) * rng.random(int(counts.sum()))
    drive = Drive(_name(name, "poisson"), "poisson", n, cells, times)
    return _build(drive, targets, weights, weights_ampa, weights_nmda, receptors, delays,
                  probability, cell_specific, n_drive_cells, space_constant, origin,
                  conn_seed, _dt(dt))


def bursty(targets, burst_rate, tstart=0.0 * second, tstop=None, *, tstart_std=0 * second,
           burst_std=0 * second, numspikes: int = 2, spike_isi=10e-3 * second,
           weights=None, weights_ampa=None, weights_nmda=None, receptors=HNN_RECEPTORS,
           delays=0.1e-3 * second, probability=1.0, cell_specific: bool = True,
           n_drive_cells=None, space_constant=None, origin=None, seed: int = 2,
           conn_seed: int = 3, name: str | None = None, dt=None) -> Drive:
    """Bursts every 1/burst_rate from ``tstart`` (itself jittered once, for all cells,
    by ``tstart_std``) to ``tstop``; each drive cell jitters each burst centre by
    N(0, burst_std) and fires ``numspikes`` spikes ``spike_isi`` apart around it
    (HNN-core's bursty drive). Spikes outside [0, tstop] are dropped."""
    f = _rate(burst_rate, "burst_rate")
    t0, t0_std = _time(tstart, "tstart"), _time(tstart_std, "tstart_std")
    if tstop is None:
        raise ConfigurationError("a bursty drive needs tstop", code="E993")
    t1 = _time(tstop, "tstop")
    jitter, isi = _time(burst_std, "burst_std"), _time(spike_isi, "spike_isi")
    numspikes = _count(numspikes, "numspikes")
    if (numspikes - 1) * isi > 1.0 / f:
        raise ConfigurationError(f"a burst ({(numspikes - 1) * isi * 1e3:g} ms) is longer "
                                 f"than the burst period ({1e3 / f:g} ms)", code="E993",
                                 hint="lower spike_isi, numspikes or burst_rate")
    if t1 < t0:
        raise ConfigurationError("tstop is before tstart", code="E993")
    n = _n_cells(cell_specific, n_drive_cells, _n_targets(targets, weights, weights_ampa,
                                                          weights_nmda, receptors))
    rng = np.random.default_rng(seed)
    start = t0 + (rng.normal(0.0, t0_std) if t0_std > 0 else 0.0)
    centres = np.arange(start, t1, 1.0 / f)
    jittered = centres[None, :] + rng.normal(0.0, 1.0, (n, centres.size)) * jitter
    offsets = (np.arange(numspikes) - (numspikes - 1) / 2) * isi
    times = (jittered[:, :, None] + offsets[None, None, :]).ravel()
    cells = np.repeat(np.arange(n), centres.size * numspikes)
    keep = _window(times, 0.0, t1)
    drive = Drive(_name(name, "bursty"), "bursty", n, cells[keep], times[keep])
    return _build(drive, targets, weights, weights_ampa, weights_nmda, receptors, delays,
                  probability, cell_specific, n_drive_cells, space_constant, origin,
                  conn_seed, _dt(dt))


def spike_train(targets, source, *, select=None, weights=None, weights_ampa=None,
                weights_nmda=None, receptors=HNN_RECEPTORS, delays=0.1e-3 * second,
                probability=1.0, cell_specific: bool = False, space_constant=None,
                origin=None, conn_seed: int = 3, name: str | None = None,
                dt=None) -> Drive:
    """Replay given spikes. ``source``: {id: times}, [(time, id), ...], a SpikeMonitor
    (ids: its gids), an :class:`eqsim.io.SpikeTrial` (gids), SONATA
    :class:`~eqsim.sonata.spikes.SpikeTrains` (ids: ``population:node_id``), or a path
    (``*.h5``: SONATA spikes; else HNN-core spike files, a glob takes the first match).
    ``select``: keep only spikes of these labels (types / populations). The ids that
    occur become drive cells 0..n-1 in sorted order (``drive.ids``, ``drive.id_map``)."""
    ids_per_spike, times = _spikes_of(source, select)
    ids, cells = np.unique(ids_per_spike, return_inverse=True)
    drive = Drive(_name(name, "spike_train"), "spike_train", max(len(ids), 0), cells,
                  times, ids=ids)
    if drive.n_cells == 0:
        raise ConfigurationError("the spike-train drive has no spikes", code="E995",
                                 hint="check the source and select=")
    return _build(drive, targets, weights, weights_ampa, weights_nmda, receptors, delays,
                  probability, cell_specific, None if cell_specific else drive.n_cells,
                  space_constant, origin, conn_seed, _dt(dt))


def _spikes_of(source, select):
    """(id of each spike, time in s of each spike) from any supported source."""
    from .io.spikefiles import SpikeTrial, read_spikes
    from .runtime.monitors import SpikeMonitor
    from .sonata.spikes import SpikeTrains
    labels = None
    if isinstance(source, (str,)) or hasattr(source, "__fspath__"):
        path = str(source)
        if path.endswith((".h5", ".hdf5")):
            from .sonata.spikes import read_spikes_h5
            source = read_spikes_h5(path)
        else:
            source = read_spikes(path)[0]
    if isinstance(source, SpikeMonitor):
        ids, t, labels = np.asarray(source.gids), np.asarray(source.t_, float), \
            np.asarray(source.labels)
    elif isinstance(source, SpikeTrial):
        ids, labels = source.gids, source.types
        t = source.seconds if source.seconds is not None else source.times_ms * 1e-3
    elif isinstance(source, SpikeTrains):
        parts = [(np.char.add(f"{pop}:", ids.astype(str)), ts * 1e-3, np.full(len(ids), pop))
                 for pop, (ids, ts) in sorted(source.populations.items())]
        ids = np.concatenate([p[0] for p in parts]) if parts else np.array([], str)
        t = np.concatenate([p[1] for p in parts]) if parts else np.array([])
        labels = np.concatenate([p[2] for p in parts]) if parts else np.array([], str)
    elif isinstance(source, dict):
        ids, t = [], []
        for k, v in source.items():
            v = as_quantity(v)
            if not isinstance(v, Quantity) or get_dimension(v) != SECOND:
                raise ConfigurationError(f"the spike times of id {k!r} need a time unit",
                                         code="E995", hint="e.g. {0: [10, 20]*ms}")
            arr = np.atleast_1d(np.asarray(v.view(np.ndarray), dtype=float))
            ids.append(np.full(arr.size, k))
            t.append(arr)
        ids = np.concatenate(ids) if ids else np.array([], np.int64)
        t = np.concatenate(t) if t else np.array([])
    elif isinstance(source, (list, tuple)):
        if not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in source):
            raise ConfigurationError("a spike list must hold (time, id) pairs",
                                     code="E995", hint="e.g. [(10*ms, 0), (12*ms, 3)]")
        tq = as_quantity([p[0] for p in source]) if source else Quantity([], SECOND)
        if not isinstance(tq, Quantity) or get_dimension(tq) != SECOND:
            raise ConfigurationError("the times of a spike list need a time unit",
                                     code="E995", hint="e.g. [(10*ms, 0), (12*ms, 3)]")
        t = np.asarray(tq.view(np.ndarray), dtype=float)
        ids = np.asarray([p[1] for p in source])
    else:
        raise ConfigurationError(f"cannot take spikes from a {type(source).__name__}",
                                 code="E995", hint="give {id: times}, [(time, id)], a "
                                 "SpikeMonitor, a SpikeTrial, SpikeTrains or a path")
    t = np.asarray(t, dtype=float)
    if t.size and (not np.all(np.isfinite(t)) or t.min() < 0):
        raise ConfigurationError("spike times must be finite and >= 0", code="E995")
    if select is not None:
        if labels is None:
            raise ConfigurationError("select= needs a source with labels (a SpikeMonitor, "
                                     "a SpikeTrial or SpikeTrains)", code="E995")
        select = [select] if isinstance(select, str) else list(select)
        bad = sorted(set(select) - set(np.unique(labels).tolist()))
        if bad:
            raise ConfigurationError(f"the spikes have no label {', '.join(bad)}",
                                     code="E990", hint="labels: " + ", ".join(
                                         sorted(set(np.unique(labels).tolist()))))
        keep = np.isin(labels, select)
        ids, t = ids[keep], t[keep]
    return ids, t


def afferent(targets, rate, var: str, weight, *, n_aff: int, p: float, dt=None,
             shared: bool = False, extra=None, seed: int = 2, conn_seed: int = 3,
             name: str | None = None) -> Drive:
    """Afferent input as neural_network_dynamics builds it.

    ``rate`` F(t): a TimedArray, or an array of rates (Hz) on the time grid of step
    ``dt`` (held after its end). Without ``shared``, every target neuron receives its own
    Poisson train at ``p*n_aff*F(t)`` (a compiled PoissonInput: each step,
    Binomial(n_aff, p*F(t)*dt) spikes, nothing generated in Python); with ``shared``,
    ``n_aff`` afferent Poisson cells at F(t) each reach ``int(p*n_aff)`` randomly chosen
    targets per target (a fixed in-degree, drawn without replacement with
    ``conn_seed``). Each spike adds ``weight`` to ``var``. ``extra``: spikes injected on
    top, {target neuron: times} or [(time, neuron)], numbered across the targets.
    """
    n_aff = _count(n_aff, "n_aff")
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, (int, float, np.number)) \
            or not 0 < p <= 1:
        raise ConfigurationError(f"p must be a probability in (0, 1], got {p!r}",
                                 code="E998")
    ta = _timed_rate(rate, dt)
    tlist = _targets(targets)
    name = _name(name, "afferent")
    drive = Drive(name, "afferent", n_aff if shared else 0, [], [])
    for t in tlist:
        _check_weight(t, var, weight)
    w = weight
    if not shared:
        scaled = TimedArray(Quantity(ta.values * p, get_dimension(Hz)), ta.dt_ * second)
        for t in tlist:
            P = PoissonInput(t.group, var, n_aff, scaled, w, name=f"{name}_{t.label}",
                             seed=seed + len(drive))
            drive.append(P)
            drive.synapses[t.label] = P
    else:
        G = PoissonGroup(n_aff, "F_aff(t)", name=name, seed=seed, label=name,
                         namespace={"F_aff": ta})
        drive.generator = G
        drive.append(G)
        k = int(p * n_aff)
        rng = np.random.default_rng(conn_seed)
        for t in tlist:
            if k == 0:
                continue
            pick = np.argpartition(rng.random((t.size, n_aff)), k - 1, axis=1)[:, :k]
            S = Synapses(G, t.group, on_pre=f"{var}_post += w_aff",
                         name=f"{name}_{t.label}", namespace={"w_aff": w})
            S.connect(i=pick.ravel(), j=np.repeat(np.arange(t.size), k))
            drive.synapses[t.label] = S
            drive.append(S)
            drive.connections[t.label] = (pick.ravel(), np.repeat(np.arange(t.size), k),
                                          {}, None)
    if extra is not None:
        ids, times = _spikes_of(extra, None)
        n_t = sum(t.size for t in tlist)
        ids = np.asarray(ids)
        if ids.size and (not np.issubdtype(ids.dtype, np.integer) or ids.min() < 0
                         or ids.max() >= n_t):
            raise ConfigurationError(f"extra spikes name neurons outside 0..{n_t - 1}",
                                     code="E995")
        if ids.size:
            extra_drive = Drive(f"{name}_extra", "spike_train", n_t, ids, times)
            _build(extra_drive, [t.group for t in tlist],
                   {t.label: {var: w} for t in tlist}, None, None, {}, 0.0 * second, 1.0,
                   True, None, None, None, conn_seed, None)
            drive.extend(extra_drive)
            drive.extra = extra_drive
    return drive


def _timed_rate(rate, dt) -> TimedArray:
    if isinstance(rate, TimedArray):
        if rate.dim != get_dimension(Hz) or rate.timed_array_ndim != 1:
            raise ConfigurationError("the afferent rate must be a 1-D TimedArray in Hz",
                                     code="E997")
        return rate
    if dt is None:
        raise ConfigurationError("a rate array needs the dt of its time grid", code="E997",
                                 hint="afferent(..., rate=F*Hz, dt=0.1*ms)")
    rate = as_quantity(rate)
    if get_dimension(rate) != get_dimension(Hz) or np.ndim(rate) != 1:
        raise ConfigurationError("the afferent rate must be a 1-D array of rates in Hz "
                                 "on the time grid", code="E997", hint="e.g. F*Hz")
    values = np.asarray(rate.view(np.ndarray), dtype=float)
    if values.size == 0 or not np.all(np.isfinite(values)) or np.any(values < 0):
        raise ConfigurationError("the afferent rate must be finite and >= 0", code="E997")
    return TimedArray(rate, dt)


def _dt(dt):
    if dt is None:
        return None
    if not isinstance(dt, Quantity) or get_dimension(dt) != SECOND or not float(dt) > 0:
        raise ConfigurationError(f"dt must be a positive time, got {dt!r}", code="E993")
    return float(dt)


def _window(times, lo, hi):
    keep = times >= lo
    if hi is not None:
        keep &= times <= hi
    return keep


def _n_targets(targets, weights, weights_ampa, weights_nmda, receptors=HNN_RECEPTORS):
    tlist = _targets(targets)
    table = _weights(weights, weights_ampa, weights_nmda, receptors,
                     [t.label for t in tlist])
    return sum(t.size for t in tlist if t.label in table)


evoked.__doc__ += _CONNECT_DOC
poisson.__doc__ += _CONNECT_DOC
bursty.__doc__ += _CONNECT_DOC
spike_train.__doc__ += _CONNECT_DOC

__all__ = ["Drive", "evoked", "poisson", "bursty", "spike_train", "afferent"]
