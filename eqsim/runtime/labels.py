"""Population labels and global ids (gids), as HNN-core numbers its cells.

Every group has a ``label`` (default: its name); a subgroup given a label
(``Subgroup(G, 0, 80, label="E")`` or ``G[:80].label = "E"``) is registered in its parent,
so that ``G[:80]`` made again later has the same label. A Network numbers the neurons of
its groups contiguously, in the order the groups were added: ``net.gid_ranges`` is
``{label: range}``; the range of a labelled subgroup lies inside its group's range.

A SpikeMonitor then reports each spike as (t, gid, label): ``mon.gids``, ``mon.labels``,
``mon.spikes_of("E")`` and ``mon.spikes_by_label()``. Each gid has one *finest* label: its
subgroup's label where one covers it, else its group's.
"""
from __future__ import annotations

import numpy as np

from ..equations.expressions import SECOND
from ..errors import ConfigurationError
from ..units import Quantity


def check_label(label) -> str | None:
    """A label is a non-empty string without white space (it is a column of spike files)."""
    if label is None:
        return None
    if not isinstance(label, str) or not label or any(c.isspace() for c in label):
        raise ConfigurationError(f"a label must be a non-empty string without spaces, "
                                 f"tabs or newlines, got {label!r}", code="E970",
                                 hint="e.g. label='L2_pyramidal'")
    return label


def group_label(group) -> str:
    """The label of a NeuronGroup: the one given, else its name."""
    return group.__dict__.get("_label") or group.name


def set_group_label(group, label) -> None:
    object.__setattr__(group, "_label", check_label(label))


def sublabels(group) -> dict[str, tuple[int, int]]:
    """{label: (start, stop)} of the labelled subgroups of a group (its own dict)."""
    table = group.__dict__.get("_sublabels")
    if table is None:
        table = {}
        object.__setattr__(group, "_sublabels", table)
    return table


def register_sublabel(parent, start: int, stop: int, label) -> None:
    """Label the neurons start..stop-1 of ``parent``; a new label of the same slice
    replaces the old one; overlapping slices with different labels are an error."""
    label = check_label(label)
    table = sublabels(parent)
    for old, (a, b) in list(table.items()):
        if (a, b) == (start, stop):
            del table[old]
        elif old == label:
            raise ConfigurationError(
                f"the label '{label}' is already given to {parent.name}[{a}:{b}]",
                code="E971", hint="give each subgroup its own label")
        elif a < stop and start < b:
            raise ConfigurationError(
                f"{parent.name}[{start}:{stop}] overlaps the subgroup labelled '{old}' "
                f"({parent.name}[{a}:{b}]); labelled subgroups must not overlap",
                code="E971")
    table[label] = (start, stop)


def label_of(group) -> str:
    """The population label of a group or subgroup (never a model variable that happens
    to be called ``label``)."""
    return subgroup_label(group) if "parent" in group.__dict__ else group_label(group)


def subgroup_label(sub) -> str:
    own = sub.__dict__.get("_label")
    if own:
        return own
    for label, span in sublabels(sub.parent).items():
        if span == (sub.start, sub.stop):
            return label
    return sub.name


def segments(group) -> tuple[np.ndarray, list[str]]:
    """The finest labels of a group's neurons as (bounds, labels): neurons
    bounds[k]..bounds[k+1]-1 have labels[k]."""
    spans = sorted(sublabels(group).items(), key=lambda kv: kv[1])
    bounds, names, pos = [0], [], 0
    for label, (a, b) in spans:
        if a > pos:
            names.append(group_label(group))
            bounds.append(a)
        names.append(label)
        bounds.append(b)
        pos = b
    if pos < group.N:
        names.append(group_label(group))
        bounds.append(group.N)
    return np.asarray(bounds, dtype=np.int64), names


def assign_gids(groups, check: bool = True) -> dict[str, range]:
    """Give each group its first gid (``_gid_offset``), contiguously in the given order,
    and return {label: range of gids}. With ``check``, labels must be unique in the
    network (a build only numbers the neurons: two groups with one label still run)."""
    out: dict[str, range] = {}
    offset = 0

    def add(label, rng, what):
        if label in out and check:
            raise ConfigurationError(f"two populations in the network are labelled "
                                     f"'{label}' (the second is {what})", code="E971",
                                     hint="give each group and subgroup its own label=")
        out[label] = rng

    for g in groups:
        object.__setattr__(g, "_gid_offset", offset)
        add(group_label(g), range(offset, offset + g.N), f"group '{g.name}'")
        for label, (a, b) in sorted(sublabels(g).items(), key=lambda kv: kv[1]):
            add(label, range(offset + a, offset + b), f"{g.name}[{a}:{b}]")
        offset += g.N
    return out


class LabelledSpikes:
    """Mixin of SpikeMonitor: each spike as (t, gid, label)."""

    def _check_spikes(self) -> None:
        if getattr(self, "_kind", "") == "ratemonitor":
            raise ConfigurationError("a PopulationRateMonitor keeps rates, not spikes of "
                                     "neurons: it has no gids or labels", code="E973")

    def _gid_base(self) -> int:
        self._check_spikes()
        offset = self.source.__dict__.get("_gid_offset")
        if offset is None:
            raise ConfigurationError(
                f"the group '{self.source.name}' of this monitor is not in a Network yet, "
                "so its neurons have no gids", code="E973",
                hint="gids are given when a Network is built or run, or by "
                     "net.gid_ranges")
        return offset + (self._range[0] if self._range is not None else 0)

    @property
    def gids(self) -> np.ndarray:
        """Global id of the neuron of each spike (its index plus its group's first
        gid in the network)."""
        return self.i.astype(np.int64) + self._gid_base()

    @property
    def neuron_gids(self) -> np.ndarray:
        """Global ids of the monitored neurons (``N`` of them)."""
        return np.arange(self.N, dtype=np.int64) + self._gid_base()

    def _segments(self) -> tuple[np.ndarray, list[str]]:
        """Finest labels over the monitored neurons (indices as in ``.i``)."""
        bounds, names = segments(self.source)
        first = self._range[0] if self._range is not None else 0
        bounds = np.clip(bounds - first, 0, self.N)
        keep = np.flatnonzero(bounds[1:] > bounds[:-1])
        return np.concatenate([[0], bounds[1:][keep]]), [names[k] for k in keep]

    @property
    def neuron_labels(self) -> np.ndarray:
        """The (finest) label of each monitored neuron."""
        bounds, names = self._segments()
        return np.repeat(np.asarray(names, dtype=object), np.diff(bounds)).astype(str)

    @property
    def labels(self) -> np.ndarray:
        """The (finest) label of the neuron of each spike."""
        self._check_spikes()
        bounds, names = self._segments()
        which = np.searchsorted(bounds, self.i, side="right") - 1
        return np.asarray(names, dtype=str)[which] if len(names) else \
            np.zeros(0, dtype=str)

    def label_ranges(self) -> dict[str, range]:
        """{label: range of indices ``i``} of this monitor's neurons: its group's label
        (all of them) and each labelled subgroup's (those that overlap)."""
        self._check_spikes()
        first = self._range[0] if self._range is not None else 0
        out = {group_label(self.source): range(0, self.N)}
        for label, (a, b) in sublabels(self.source).items():
            a, b = max(a - first, 0), min(b - first, self.N)
            if b > a:
                out[label] = range(a, b)
        return out

    def spikes_of(self, label: str) -> tuple[Quantity, np.ndarray]:
        """(times, gids) of the spikes of the neurons labelled ``label`` (a group's or a
        subgroup's label)."""
        ranges = self.label_ranges()
        if label not in ranges:
            raise ConfigurationError(
                f"monitor '{self.name}' has no neurons labelled '{label}'", code="E972",
                hint="labels: " + ", ".join(ranges))
        r = ranges[label]
        i = self.i
        keep = (i >= r.start) & (i < r.stop)
        return Quantity(self.t_[keep], SECOND), self.gids[keep]

    def spikes_by_label(self) -> dict[str, tuple[Quantity, np.ndarray]]:
        """{finest label: (times, gids)}: every spike under exactly one label."""
        labels, t, gids = self.labels, self.t_, self.gids
        _, names = self._segments()
        return {name: (Quantity(t[labels == name], SECOND), gids[labels == name])
                for name in names}


def group_gid_ranges(group) -> dict[str, range]:
    """{label: gids} of one group and its labelled subgroups, from the first gid its
    network gave it."""
    offset = group.__dict__.get("_gid_offset")
    if offset is None:
        raise ConfigurationError(f"the group '{group.name}' is not in a Network yet, so "
                                 "its neurons have no gids", code="E973",
                                 hint="gids are given when a Network is built or run")
    out = {group_label(group): range(offset, offset + group.N)}
    for label, (a, b) in sorted(sublabels(group).items(), key=lambda kv: kv[1]):
        out[label] = range(offset + a, offset + b)
    return out


def finest_labels(gids: np.ndarray, gid_ranges: dict[str, range]) -> np.ndarray:
    """The finest label of each gid (the shortest range that holds it; '' for none)."""
    gids = np.asarray(gids, dtype=np.int64)
    out = np.full(gids.shape, "", dtype=object)
    best = np.full(gids.shape, np.iinfo(np.int64).max)
    for label, r in gid_ranges.items():
        inside = (gids >= r.start) & (gids < r.stop) & (len(r) < best)
        out[inside] = label
        best[inside] = len(r)
    return out.astype(str)
