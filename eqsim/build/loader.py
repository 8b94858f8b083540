"""Load a compiled module with ctypes and describe its entry point."""
from __future__ import annotations

import ctypes
from pathlib import Path

ENTRY = "eqsim_run"
ENQUEUE = "eqsim_enqueue"   # MPI modules only


def load(path: Path):
    """Open the shared library and return its ``eqsim_run`` function (ctypes)."""
    lib = ctypes.CDLL(str(path))
    fn = getattr(lib, ENTRY)
    fn.restype = ctypes.c_int64
    fn.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_double),
                   ctypes.POINTER(ctypes.c_int64), ctypes.c_int64, ctypes.c_int64,
                   ctypes.POINTER(ctypes.c_int64), ctypes.c_int64]
    fn._eqsim_lib = lib  # keep the library alive as long as the function
    return fn


def enqueue_function(run_fn):
    """The ``eqsim_enqueue`` function of the module ``run_fn`` came from (MPI modules)."""
    fn = getattr(run_fn._eqsim_lib, ENQUEUE)
    fn.restype = ctypes.c_int64
    fn.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_int64),
                   ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64]
    return fn
