"""Time to compile and load one trivial kernel: Cython extension vs gcc + ctypes.

The kernel is the same loop in both (v[k] += dt*(-v[k]/tau) over an array). Cython:
cython (.pyx -> .c, a few thousand lines of CPython glue), gcc with the Python and numpy
headers, import. eqsim's way: gcc on a 10-line C file, ctypes.CDLL. Each is built
in a fresh temporary directory (no cache), repeated, median reported.
Needs Cython (run it with a Python that has it, e.g. Brian2's venv):

    /root/.venvs/eqsim-brian2/bin/python benchmarks/cython_vs_ctypes.py
"""
import ctypes
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time

PYX = """
def step(double[::1] v, double dt, double tau):
    cdef Py_ssize_t k
    for k in range(v.shape[0]):
        v[k] += dt*(-v[k]/tau)
"""
C = """
void step(double *v, long n, double dt, double tau) {
    for (long k = 0; k < n; k++) v[k] += dt*(-v[k]/tau);
}
"""
FLAGS = ["-O3", "-march=native", "-fPIC", "-shared"]


def cython_once(tag: str) -> dict:
    with tempfile.TemporaryDirectory() as d:
        name = f"k_{tag}"
        pyx = os.path.join(d, name + ".pyx")
        open(pyx, "w").write(PYX)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cython", "-3", pyx], check=True)
        t1 = time.perf_counter()
        so = os.path.join(d, name + sysconfig.get_config_var("EXT_SUFFIX"))
        subprocess.run(["gcc", *FLAGS, "-I" + sysconfig.get_paths()["include"],
                        os.path.join(d, name + ".c"), "-o", so], check=True)
        t2 = time.perf_counter()
        spec = importlib.util.spec_from_file_location(name, so)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        t3 = time.perf_counter()
        lines = sum(1 for _ in open(os.path.join(d, name + ".c")))
        return {"cython": t1 - t0, "gcc": t2 - t1, "load": t3 - t2, "total": t3 - t0,
                "c_lines": lines}


def ctypes_once(tag: str) -> dict:
    with tempfile.TemporaryDirectory() as d:
        c = os.path.join(d, f"k_{tag}.c")
        open(c, "w").write(C)
        so = c[:-2] + ".so"
        t0 = time.perf_counter()
        subprocess.run(["gcc", *FLAGS, c, "-o", so], check=True)
        t1 = time.perf_counter()
        lib = ctypes.CDLL(so)
        lib.step.argtypes = [ctypes.c_void_p, ctypes.c_long, ctypes.c_double,
                             ctypes.c_double]
        t2 = time.perf_counter()
        return {"gcc": t1 - t0, "load": t2 - t1, "total": t2 - t0, "c_lines": 4}


def main(repeats: int = 5) -> None:
    out = {}
    for label, fn in (("cython", cython_once), ("ctypes", ctypes_once)):
        runs = [fn(f"{label}{k}") for k in range(repeats)]
        out[label] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    import Cython
    gcc = subprocess.run(["gcc", "-dumpfullversion"], capture_output=True, text=True)
    out["versions"] = {"python": sys.version.split()[0], "cython": Cython.__version__,
                       "gcc": gcc.stdout.strip()}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
