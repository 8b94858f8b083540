"""SONATA membrane reports: ``/report/<population>/data`` (times x cells) and
``mapping/{node_ids, index_pointer, element_ids, element_pos, time}``, as BMTK writes
them (one element, the soma, per point cell)."""
from __future__ import annotations

import os

import numpy as np

from .errors import SonataError
from .h5 import MAGIC, VERSION, dataset, open_h5, publish, temp_name

REPORT_MODULES = ("membrane_report", "multimeter_report", "multimeter")


def write_report(path, population_data: dict, variable: str, units: str,
                 tstart: float, dt: float) -> None:
    """``population_data[pop] = (node_ids, data)`` with data of shape (times, cells), in
    the variable's NEST unit; time in ms. Written atomically."""
    import h5py
    path = os.fspath(path)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = temp_name(path)
    try:
        with h5py.File(tmp, "w") as f:
            f.attrs["magic"] = np.uint32(MAGIC)
            f.attrs["version"] = np.asarray(VERSION, dtype=np.uint32)
            for pop, (node_ids, data) in population_data.items():
                g = f.create_group(f"report/{pop}")
                n_t = data.shape[0]
                d = g.create_dataset("data", data=np.asarray(data, dtype=np.float64))
                d.attrs["variable"] = variable
                d.attrs["units"] = units
                m = g.create_group("mapping")
                m.create_dataset("node_ids", data=np.asarray(node_ids, dtype=np.uint64))
                m.create_dataset("index_pointer",
                                 data=np.arange(len(node_ids) + 1, dtype=np.uint64))
                m.create_dataset("element_ids", data=np.zeros(len(node_ids), np.uint32))
                m.create_dataset("element_pos", data=np.zeros(len(node_ids)))
                t = m.create_dataset("time", data=np.array(
                    [tstart, tstart + n_t * dt, dt], dtype=np.float64))
                t.attrs["units"] = "ms"
        publish(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def read_report(path) -> dict:
    """``{pop: {"node_ids", "data", "time" (ms of each row), "variable"}}``."""
    out = {}
    with open_h5(path, "report file") as f:
        if "report" not in f:
            raise SonataError(f"{path}: no /report group (not a SONATA report)",
                              code="E918")
        for pop in f["report"]:
            pre = f"report/{pop}"
            data = dataset(f, f"{pre}/data")
            t0, t1, dt = dataset(f, f"{pre}/mapping/time")[:3]
            n = data.shape[0]
            out[pop] = {"node_ids": dataset(f, f"{pre}/mapping/node_ids").astype(np.int64),
                        "data": data, "time": t0 + dt * np.arange(n),
                        "variable": f[f"{pre}/data"].attrs.get("variable")}
    return out
