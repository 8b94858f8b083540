"""Reference numbers for tests/compat/test_brian2_scripts.py::test_force_training_script,
made with Brian2 2.9 (numpy target):

    /root/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_force_training.py

runs tests/compat/scripts/force_training.py (a small Nicola & Clopath 2017: network
operations every step writing a shared variable, decoders trained from Python) with its
import changed back to Brian2, and writes its JSON line to
tests/data/brian2_force_training.json. The script draws its random numbers with numpy
(seeded) before the run, so Brian2 and eqsim simulate the same network.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "compat" / "scripts" / "force_training.py"
OUT = ROOT / "tests" / "data" / "brian2_force_training.json"

if __name__ == "__main__":
    code = SCRIPT.read_text().replace("from eqsim import *", "from brian2 import *")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "FORCE_TARGET": "numpy"}, check=True)
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(json.dumps(data)[:300])
