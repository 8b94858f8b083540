"""Start-up cost of ``import eqsim`` and ``from eqsim import *`` in fresh processes.

    python benchmarks/import_time.py [repeats]

Prints the median CPU time (``time.process_time``, less disturbed by other load on a
shared machine than wall time) and wall time of each, with numpy's own import for
scale. Bytecode is written first, as in an installed package.
"""
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNIPPET = ("import time; w = time.perf_counter(); c = time.process_time(); {stmt}; "
           "print(time.process_time() - c, time.perf_counter() - w, "
           "'matplotlib' in __import__('sys').modules)")


def measure(stmt: str, repeats: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cpu, wall, mpl = [], [], False
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", SNIPPET.format(stmt=stmt)], env=env,
                             capture_output=True, text=True, check=True, cwd=str(ROOT))
        c, w, m = out.stdout.split()
        cpu.append(float(c))
        wall.append(float(w))
        mpl = mpl or m == "True"
    return {"cpu_ms": round(1e3 * statistics.median(cpu), 1),
            "wall_ms": round(1e3 * statistics.median(wall), 1), "imports_matplotlib": mpl}


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    measure("from eqsim import *", 1)   # write bytecode
    print(json.dumps({stmt: measure(stmt, repeats) for stmt in
                      ("import numpy", "import eqsim", "from eqsim import *")}, indent=1))


if __name__ == "__main__":
    main()
