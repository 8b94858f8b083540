"""Opening SONATA HDF5 files and reading their datasets, with errors that name the file
and the dataset (h5py in, numpy arrays out)."""
from __future__ import annotations

import os

import numpy as np

from .errors import SonataError, where

MAGIC = 0x0A7A          # SONATA's magic number (2682)
VERSION = (0, 1)        # the version eqsim writes; it reads 0.x


def open_h5(path, what: str = "SONATA file"):
    """Open ``path`` read-only; check SONATA's ``magic`` and ``version`` if present."""
    import h5py
    path = os.fspath(path)
    if not os.path.exists(path):
        raise SonataError(f"{what} {path} does not exist", code="E900",
                          hint="check the path (and the manifest variables in the config)")
    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise SonataError(f"{what} {path} is not a readable HDF5 file ({exc})",
                          code="E901") from exc
    if "magic" in f.attrs:
        magic = np.asarray(f.attrs["magic"]).ravel()
        if magic.size != 1 or int(magic[0]) != MAGIC:
            f.close()
            raise SonataError(f"{what} {path}: attribute 'magic' is {magic.tolist()}, "
                              f"not SONATA's {MAGIC} (0x0A7A)", code="E902")
    if "version" in f.attrs:
        version = np.asarray(f.attrs["version"]).ravel()
        if version.size < 1 or int(version[0]) != VERSION[0]:
            f.close()
            raise SonataError(f"{what} {path}: version {version.tolist()} is not a SONATA "
                              "0.x file eqsim can read", code="E902")
    return f


def dataset(f, name: str, *, required: bool = True, dtype=None, narrow: bool = False,
            constant: bool = False, obj=None):
    """The dataset ``name`` of the open file ``f`` as a numpy array (None if absent and not
    required); ``narrow``: 64-bit ids may come as int32, ``constant``: one value
    everywhere as a read-only broadcast (inflate.read_array)."""
    import h5py
    obj = f.get(name) if obj is None else obj      # (obj: looked up already)
    if obj is None or not isinstance(obj, h5py.Dataset):
        if not required:
            return None
        raise SonataError(f"{where(f.filename, '/' + name.lstrip('/'))}: missing"
                          + (" (a group, not a dataset)" if obj is not None else ""),
                          code="E903")
    from .inflate import read_array
    data = read_array(obj, narrow, constant)
    if data.dtype.kind in "SO":
        data = np.asarray(data.astype(str) if data.dtype.kind == "S" else
                          [x.decode() if isinstance(x, bytes) else x for x in
                           np.atleast_1d(data)], dtype=object)
    elif dtype is not None:
        data = data.astype(dtype, copy=False)
    return data


def attr_str(obj, name: str):
    """A string attribute (bytes decoded), or None."""
    if name not in obj.attrs:
        return None
    value = obj.attrs[name]
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.ravel()[0]
        return value.decode() if isinstance(value, bytes) else str(value)
    return str(value)


def publish(tmp: str, final: str) -> None:
    """Atomically move a finished file into place (a reader never sees half a file)."""
    os.replace(tmp, final)


def temp_name(final: str) -> str:
    d, base = os.path.split(os.path.abspath(final))
    return os.path.join(d, f".{base}.{os.getpid()}.tmp")
