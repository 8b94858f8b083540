#!/usr/bin/env bash
# Create a separate virtualenv holding NEST (used only by the NEST reference
# scripts in benchmarks/nest/). Never installs into the system Python.
# Usage: benchmarks/setup_nest_env.sh [VENV_DIR]
set -euo pipefail
VENV="${1:-${NEST_VENV:-/work/venvs/nest}}"
PYTHON="${PYTHON:-python3.11}"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
"$VENV/bin/python" -m pip install "nest-simulator==3.10.0" numpy
# PYNEST_QUIET suppresses the start-up banner; the check runs a tiny network.
PYNEST_QUIET=1 "$VENV/bin/python" - <<'EOF'
import nest
nest.verbosity = nest.VerbosityLevel.ERROR
n = nest.Create("iaf_psc_alpha", 10, params={"I_e": 400.0})
sr = nest.Create("spike_recorder")
nest.Connect(n, sr)
nest.Simulate(100.0)
assert sr.n_events > 0, "NEST smoke test produced no spikes"
print("nest", nest.__version__, "OK:", sr.n_events, "spikes in 100 ms")
EOF
echo "NEST venv: $VENV"
