"""Reference runs of PyNN 0.13.0's own Potjans2014 example on pyNN.nest (NEST 3.10) for
tests/pynn/test_potjans2014.py: the same folder, the same patches (N_scaling = K_scaling =
0.1, 1 s) as the test applies for eqsim, one run per seed.

Run with the dev interpreter (it starts the example under the NEST virtualenv, never an
eqsim dependency):

    python benchmarks/reference/pynn_potjans2014_nest.py

Writes tests/data/pynn_potjans2014_nest.json (rates over 0.2-1 s per population and seed).
"""
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.pynn.test_potjans2014 import SCALE, T_SIM, T_SKIP, run_example

NEST_PYTHON = "/root/.venvs/eqsim-nest/bin/python"
OUT = ROOT / "tests" / "data" / "pynn_potjans2014_nest.json"
SEEDS = [1, 2, 3]


def main() -> None:
    runs = []
    for seed in SEEDS:
        t0 = time.time()
        with tempfile.TemporaryDirectory() as tmp:
            rates, _ = run_example(Path(tmp), "nest", seed, python=NEST_PYTHON)
        runs.append({"seed": seed, "rates_hz": rates, "wall_s": round(time.time() - t0, 1)})
        print(seed, runs[-1])
    OUT.write_text(json.dumps({
        "generated_by": "benchmarks/reference/pynn_potjans2014_nest.py",
        "source": "PyNN 0.13.0 examples/Potjans2014 on pyNN.nest, NEST 3.10",
        "scale": SCALE, "t_sim_ms": T_SIM, "t_skip_ms": T_SKIP, "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
