"""Spikes as NWB units (through pynwb, an optional extra: ``pip install eqsim[nwb]``).

One file holds one trial: one unit per neuron that spiked (or per gid of
``gid_ranges`` with ``all_units=True``), with its spike times in seconds and two extra
columns, ``gid`` and ``label``. :func:`read_nwb` gives the trial back exactly (times as
stored, gids, labels).
"""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone

import numpy as np

from ..atomic import atomic_path
from ..errors import ConfigurationError
from .spikefiles import SpikeTrial, _as_trials


def _pynwb():
    try:
        import pynwb
    except ImportError as exc:
        raise ConfigurationError("NWB files need the pynwb package", code="E980",
                                 hint="pip install 'eqsim[nwb]'") from exc
    return pynwb


def write_nwb(path, trial, session_description: str = "eqsim simulation",
              identifier: str | None = None, session_start_time: datetime | None = None,
              all_units: bool = False) -> str:
    """Write one trial (a SpikeTrial, a Network or its SpikeMonitors) as the units table
    of an NWB file; returns the path. The file is written under a temporary name and
    renamed."""
    pynwb = _pynwb()
    from hdmf.common import VectorData, VectorIndex
    from pynwb.misc import Units
    items = _as_trials(trial)
    if len(items) != 1:
        raise ConfigurationError(f"an NWB file holds one trial, got {len(items)}",
                                 code="E978", hint="write one file per trial")
    trial = items[0]
    t = trial.t_
    order = np.lexsort((t, trial.gids))
    gids, t, types = trial.gids[order], t[order], trial.types[order]
    unit_gids, first = np.unique(gids, return_index=True)
    unit_labels = types[first]
    if all_units and trial.gid_ranges:
        from ..runtime.labels import finest_labels
        every = np.unique(np.concatenate([np.arange(r.start, r.stop, dtype=np.int64)
                                          for r in trial.gid_ranges.values()]))
        unit_gids, unit_labels = every, finest_labels(every, trial.gid_ranges)
    ends = np.searchsorted(gids, unit_gids, side="right")
    times = VectorData(name="spike_times", description="spike times (s)", data=t)
    index = VectorIndex(name="spike_times_index", data=ends.astype(np.int64),
                        target=times)
    gid_col = VectorData(name="gid", description="global id of the neuron (eqsim)",
                         data=unit_gids.astype(np.int64))
    label_col = VectorData(name="label", description="population label (eqsim)",
                           data=np.asarray(unit_labels, dtype=str).tolist())
    units = Units(name="units", description="spikes recorded by eqsim",
                  id=np.arange(len(unit_gids)).tolist(),
                  columns=[times, index, gid_col, label_col])
    nwb = pynwb.NWBFile(session_description=session_description,
                        identifier=identifier or str(uuid.uuid4()),
                        session_start_time=session_start_time or
                        datetime.now(timezone.utc))
    nwb.units = units
    path = os.fspath(path)
    with atomic_path(os.path.abspath(path), suffix=".nwb") as tmp, \
            pynwb.NWBHDF5IO(tmp, "w") as io:
        io.write(nwb)
    return path


def read_nwb(path, gid_ranges=None) -> SpikeTrial:
    """The spikes of an NWB file's units table as a SpikeTrial (times in seconds as
    stored; sorted by time, then gid). Units without a ``gid`` column get their unit id
    as gid and without ``label`` the label 'unit'. With ``gid_ranges`` every gid must
    lie in one of them."""
    pynwb = _pynwb()
    path = os.fspath(path)
    try:
        io = pynwb.NWBHDF5IO(path, "r")
        nwb = io.read()
    except Exception as exc:   # h5py/hdmf raise many kinds
        raise ConfigurationError(f"{path}: cannot read it as an NWB file ({exc})",
                                 code="E981") from exc
    try:
        units = nwb.units
        if units is None or "spike_times" not in units.colnames:
            raise ConfigurationError(f"{path}: the NWB file has no units with spike "
                                     "times", code="E981")
        flat = np.asarray(units["spike_times"].target.data[:], dtype=float)
        ends = np.asarray(units["spike_times"].data[:], dtype=np.int64)
        ids = np.asarray(units.id.data[:], dtype=np.int64)
        gids = np.asarray(units["gid"].data[:], dtype=np.int64) if "gid" in \
            units.colnames else ids
        labels = np.asarray([x.decode() if isinstance(x, bytes) else str(x) for x in
                             units["label"].data[:]]) if "label" in units.colnames \
            else np.full(len(ids), "unit")
    finally:
        io.close()
    counts = np.diff(np.concatenate([[0], ends]))
    spike_gids = np.repeat(gids, counts)
    spike_labels = np.repeat(labels, counts)
    if gid_ranges is not None:
        from ..runtime.labels import finest_labels
        from ..runtime.network import Network
        if isinstance(gid_ranges, Network):
            gid_ranges = gid_ranges.gid_ranges
        finest = finest_labels(gids, gid_ranges)
        if (finest == "").any():
            bad = int(gids[np.flatnonzero(finest == "")[0]])
            raise ConfigurationError(f"{path}: the unit with gid {bad} is in no "
                                     "population of gid_ranges", code="E976")
    order = np.lexsort((spike_gids, flat))
    t = flat[order]
    return SpikeTrial(t * 1e3, spike_gids[order], spike_labels[order], gid_ranges, path, t)


__all__ = ["write_nwb", "read_nwb"]
