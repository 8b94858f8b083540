"""Spike files in HNN-core's text format: one file per trial, one spike per line,
``time_ms<TAB>gid<TAB>type``, read back with a glob.

>>> import tempfile, os
>>> trial = SpikeTrial([1.5, 2.25], [0, 12], ["L2_basket", "L5_pyramidal"])
>>> folder = tempfile.mkdtemp()
>>> paths = write_spikes(os.path.join(folder, "spk_%d.txt"), [trial, trial])
>>> [os.path.basename(p) for p in paths]
['spk_0.txt', 'spk_1.txt']
>>> open(paths[0]).read()
'1.500\\t0\\tL2_basket\\n2.250\\t12\\tL5_pyramidal\\n'
>>> back = read_spikes(os.path.join(folder, "spk_*.txt"))
>>> len(back), back[1].times_ms.tolist(), back[1].gids.tolist()
(2, [1.5, 2.25], [0, 12])
"""
from __future__ import annotations

import glob as _glob
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..atomic import atomic_path
from ..equations.expressions import SECOND
from ..errors import ConfigurationError
from ..units import Quantity


@dataclass(frozen=True, eq=False)
class SpikeTrial:
    """The spikes of one trial: times in ms (as HNN-core writes them), global ids and
    type (population label) of each spike; optionally the network's ``gid_ranges``
    and the file it came from. ``t`` gives the times in seconds (exactly as recorded
    when the trial came from monitors or an NWB file)."""

    times_ms: np.ndarray
    gids: np.ndarray
    types: np.ndarray
    gid_ranges: dict | None = None
    path: str | None = None
    seconds: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self):
        t = np.asarray(self.times_ms, dtype=float).ravel()
        g = np.asarray(self.gids).ravel()
        if g.size and not np.issubdtype(g.dtype, np.integer):
            if not (np.issubdtype(g.dtype, np.floating) and np.all(g == np.round(g))):
                raise ConfigurationError("gids must be whole numbers", code="E978")
        types = np.asarray(self.types, dtype=str).ravel()
        if not (t.shape == g.shape == types.shape):
            raise ConfigurationError(f"a trial needs as many times ({t.size}), gids "
                                     f"({g.size}) and types ({types.size})", code="E978")
        object.__setattr__(self, "times_ms", t)
        object.__setattr__(self, "gids", g.astype(np.int64))
        object.__setattr__(self, "types", types)
        if self.gid_ranges is not None:
            object.__setattr__(self, "gid_ranges", dict(self.gid_ranges))

    @classmethod
    def from_monitors(cls, source) -> "SpikeTrial":
        """The spikes of a Network's SpikeMonitors (or of a list of monitors, or one),
        sorted by time then gid, with the network's gid_ranges."""
        from ..runtime.labels import group_gid_ranges
        from ..runtime.monitors import SpikeMonitor
        from ..runtime.network import Network
        if isinstance(source, Network):
            ranges = source.gid_ranges
            monitors = [m for m in source.spike_monitors if m._kind != "ratemonitor"
                        and m.event == "spike"]
        else:
            monitors = [source] if isinstance(source, SpikeMonitor) else list(source)
            ranges = {}
            for m in monitors:
                ranges.update(group_gid_ranges(m.source))
        if not monitors:
            raise ConfigurationError("no SpikeMonitor to take spikes from", code="E978")
        t = np.concatenate([m.t_ for m in monitors])
        gids = np.concatenate([m.gids for m in monitors])
        types = np.concatenate([m.labels for m in monitors]).astype(str)
        order = np.lexsort((gids, t))
        return cls(t[order] * 1e3, gids[order], types[order], ranges, None, t[order])

    @property
    def t_(self) -> np.ndarray:
        """Spike times in seconds."""
        return self.seconds if self.seconds is not None else self.times_ms * 1e-3

    @property
    def t(self) -> Quantity:
        return Quantity(self.t_, SECOND)

    def __len__(self) -> int:
        return len(self.gids)

    def spikes_of(self, label: str) -> "SpikeTrial":
        """The spikes of one population: its gid range if known, else its type."""
        if self.gid_ranges and label in self.gid_ranges:
            r = self.gid_ranges[label]
            keep = (self.gids >= r.start) & (self.gids < r.stop)
        elif label in set(self.types.tolist()):
            keep = self.types == label
        else:
            known = list(self.gid_ranges or dict.fromkeys(self.types.tolist()))
            raise ConfigurationError(f"no population labelled '{label}' in this trial",
                                     code="E972", hint="labels: " + ", ".join(known))
        return SpikeTrial(self.times_ms[keep], self.gids[keep], self.types[keep],
                          self.gid_ranges, self.path,
                          None if self.seconds is None else self.seconds[keep])


def _as_trials(trials) -> list[SpikeTrial]:
    from ..runtime.monitors import SpikeMonitor
    from ..runtime.network import Network
    if isinstance(trials, SpikeTrial):
        return [trials]
    if isinstance(trials, (Network, SpikeMonitor)):
        return [SpikeTrial.from_monitors(trials)]
    trials = list(trials)
    if trials and all(isinstance(m, SpikeMonitor) for m in trials):
        return [SpikeTrial.from_monitors(trials)]
    out = []
    for t in trials:
        if isinstance(t, SpikeTrial):
            out.append(t)
        elif isinstance(t, (Network, SpikeMonitor)) or (
                isinstance(t, (list, tuple)) and t and isinstance(t[0], SpikeMonitor)):
            out.append(SpikeTrial.from_monitors(t))
        else:
            raise ConfigurationError(f"cannot write a {type(t).__name__} as a trial",
                                     code="E978", hint="give SpikeTrials, monitors or a "
                                     "Network (one per trial)")
    return out


def trial_paths(fname, n: int) -> list[str]:
    """File names of n trials: ``fname % k`` ('spk_%d.txt'), ``fname.format(k)``
    ('spk_{}.txt' or 'spk_{0}.txt'); a name without a placeholder is used as it is for
    one trial and gets '_k' before its suffix for several."""
    fname = os.fspath(fname)
    if re.search(r"%(\d*)d", fname):
        return [fname % k for k in range(n)]
    if re.search(r"\{(0|\d*:?[^{}]*)\}", fname):
        return [fname.format(k) for k in range(n)]
    if n == 1:
        return [fname]
    stem, suffix = os.path.splitext(fname)
    return [f"{stem}_{k}{suffix}" for k in range(n)]


def _lines(trial: SpikeTrial, decimals: int | None) -> str:
    if not len(trial):
        return ""
    if decimals is None:
        times = trial.times_ms.astype(str)   # shortest text that reads back exactly
    else:
        times = np.char.mod(f"%.{int(decimals)}f", trial.times_ms)
    bad = [x for x in dict.fromkeys(trial.types.tolist()) if not x or
           any(c.isspace() for c in x)]
    if bad:
        raise ConfigurationError(f"the type {bad[0]!r} cannot be written in a spike file "
                                 "(empty or with white space)", code="E978")
    rows = np.char.add(np.char.add(np.char.add(np.char.add(times, "\t"),
                                               trial.gids.astype(str)), "\t"), trial.types)
    return "\n".join(rows.tolist()) + "\n"


def write_spikes(fname, trials, decimals: int | None = 3) -> list[str]:
    """Write one spike file per trial in HNN-core's format and return their paths.

    ``trials``: a SpikeTrial, a Network or SpikeMonitor(s) (one trial), or a list of
    trials. ``decimals``: digits after the point of the times in ms (3, as HNN-core
    writes); ``None`` writes the shortest text that reads back to the same float.
    Each file is written to a temporary name and renamed, so a reader never sees half a
    file.
    """
    items = _as_trials(trials)
    paths = trial_paths(fname, len(items))
    for path, trial in zip(paths, items):
        text = _lines(trial, decimals)
        with atomic_path(os.path.abspath(path)) as tmp, open(tmp, "w") as f:
            f.write(text)
    return paths


def _natural_key(path: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", path)]


def read_spikes(pattern, gid_ranges=None) -> list[SpikeTrial]:
    """Read the spike files matching a glob pattern ('out/spk_*.txt'), one trial each,
    in natural order of their names (spk_2 before spk_10; HNN-core sorts as text).

    ``gid_ranges`` ({label: range} or a Network): every gid must lie in one of them and a
    type given in a file must be a label whose range holds the gid; files with two
    columns (time, gid: legacy HNN) get their types from it. Malformed lines, unknown
    gids and types that do not match raise an error naming the file and line.
    """
    from ..runtime.network import Network
    if isinstance(gid_ranges, Network):
        gid_ranges = gid_ranges.gid_ranges
    paths = sorted(_glob.glob(os.fspath(pattern)), key=_natural_key)
    if not paths:
        raise ConfigurationError(f"no spike files match {os.fspath(pattern)!r}",
                                 code="E977", hint="check the folder and the pattern, "
                                 "e.g. 'out/spk_*.txt'")
    return [read_spike_file(p, gid_ranges) for p in paths]


def read_spike_file(path, gid_ranges=None) -> SpikeTrial:
    """Read one spike file (see :func:`read_spikes`)."""
    path = os.fspath(path)
    text = Path(path).read_text()
    raw = text.splitlines()
    numbers = np.arange(1, len(raw) + 1)
    lines = np.asarray(raw, dtype=str) if raw else np.zeros(0, dtype=str)
    if lines.size:   # blank lines and '#' comments are skipped, as numpy.loadtxt does
        stripped = np.char.strip(lines)
        keep = (stripped != "") & ~np.char.startswith(stripped, "#")
    else:
        keep = np.zeros(0, dtype=bool)
    lines, numbers = lines[keep], numbers[keep]
    if not lines.size:
        return SpikeTrial(np.zeros(0), np.zeros(0, np.int64), np.zeros(0, str),
                          gid_ranges, path)
    fields = np.char.split(lines)
    width = np.fromiter(map(len, fields), dtype=np.int64, count=len(fields))
    allowed = (3,) if gid_ranges is None else (2, 3)
    odd = ~np.isin(width, allowed) | (width != width[0])
    if odd.any():
        k = int(np.flatnonzero(odd)[0])
        want = "time, gid and type" if gid_ranges is None or width[0] == 3 else \
            "time and gid"
        raise _bad_line(path, numbers[k], raw[numbers[k] - 1],
                        f"expected {want} separated by tabs, found {width[k]} field(s)",
                        "legacy files without types need gid_ranges=" if width[k] == 2
                        else None)
    cols = np.array(fields.tolist(), dtype=str)
    times = _parse_times(cols[:, 0], path, numbers, raw)
    gid_text = cols[:, 1]
    not_int = ~np.char.isdigit(gid_text)
    if not_int.any():
        k = int(np.flatnonzero(not_int)[0])
        raise _bad_line(path, numbers[k], raw[numbers[k] - 1],
                        f"the gid {str(gid_text[k])!r} is not a whole number >= 0")
    gids = gid_text.astype(np.int64)
    types = cols[:, 2] if cols.shape[1] == 3 else None
    if gid_ranges is not None:
        types = _check_ids(path, numbers, raw, gids, types, gid_ranges)
    return SpikeTrial(times, gids, types, gid_ranges, path)


def _parse_times(text: np.ndarray, path, numbers, raw) -> np.ndarray:
    try:
        times = text.astype(float)
    except ValueError:
        for k, s in enumerate(text.tolist()):   # only to find the line to report
            try:
                float(s)
            except ValueError:
                raise _bad_line(path, numbers[k], raw[numbers[k] - 1],
                                f"the time {s!r} is not a number") from None
        raise
    bad = ~np.isfinite(times) | (times < 0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise _bad_line(path, numbers[k], raw[numbers[k] - 1],
                        f"the time {str(text[k])!r} is not a finite time >= 0")
    return times


def _check_ids(path, numbers, raw, gids, types, gid_ranges) -> np.ndarray:
    """Every gid in a range; a given type must be a label whose range holds the gid.
    Returns the types (the finest labels where the file has none)."""
    from ..runtime.labels import finest_labels
    finest = finest_labels(gids, gid_ranges)
    unknown = finest == ""
    if unknown.any():
        k = int(np.flatnonzero(unknown)[0])
        spans = ", ".join(f"{lab}: {r.start}-{r.stop - 1}" for lab, r in
                          gid_ranges.items())
        raise _bad_line(path, numbers[k], raw[numbers[k] - 1],
                        f"the gid {int(gids[k])} is in no population of gid_ranges",
                        f"gid_ranges: {spans}", code="E976")
    if types is None:
        return finest
    ok = types == finest
    for label, r in gid_ranges.items():
        ok |= (types == label) & (gids >= r.start) & (gids < r.stop)
    if not ok.all():
        k = int(np.flatnonzero(~ok)[0])
        why = (f"the type '{types[k]}' is not a label of gid_ranges"
               if types[k] not in gid_ranges else
               f"the gid {int(gids[k])} is not in the range of '{types[k]}' "
               f"({gid_ranges[types[k]].start}-{gid_ranges[types[k]].stop - 1}); it is "
               f"'{finest[k]}'")
        raise _bad_line(path, numbers[k], raw[numbers[k] - 1], why, code="E976")
    return types


def _bad_line(path, line: int, text: str, why: str, hint: str | None = None,
              code: str = "E975") -> ConfigurationError:
    return ConfigurationError(f"{path}, line {int(line)}: {why}\n    {text!r}", code=code,
                              hint=hint or "each line is time_ms<TAB>gid<TAB>type, as "
                              "HNN-core writes")


__all__ = ["SpikeTrial", "write_spikes", "read_spikes", "read_spike_file", "trial_paths"]
