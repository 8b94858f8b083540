"""Reference numbers for tests/compat/test_example_cores.py: the deterministic cores of
Brian2 examples that draw random numbers (tests/compat/example_cores.py), run by Brian2 2.9
(numpy target, the cores are small):

    /root/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_example_cores.py

writes tests/data/brian2_example_cores.json.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "compat"))

import brian2  # noqa: E402
from example_cores import CORES, DT_MS, DURATION_MS  # noqa: E402

OUT = ROOT / "tests" / "data" / "brian2_example_cores.json"


def main() -> None:
    brian2.prefs.codegen.target = "numpy"
    out = {"meta": {"brian2": brian2.__version__, "codegen_target": "numpy",
                    "made_by": "benchmarks/reference/brian2_example_cores.py"}}
    only = sys.argv[1:]   # update some entries
    if only and OUT.exists():
        out = json.loads(OUT.read_text())
    for name, core in CORES.items():
        if only and name not in only:
            continue
        brian2.start_scope()
        brian2.defaultclock.dt = DT_MS.get(name, 0.1) * brian2.ms
        objects, read = core(brian2)
        brian2.Network(*objects).run(DURATION_MS[name] * brian2.ms)
        out[name] = read()
        print(name, {k: len(v) for k, v in out[name].items()}, flush=True)
    OUT.write_text(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
