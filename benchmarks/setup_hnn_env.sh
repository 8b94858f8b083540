#!/usr/bin/env bash
# Create a separate virtualenv holding NEURON (from PyPI) and HNN-core, used only for
# benchmarks (benchmarks/spatial_speed.py) and reference data; neither is an eqsim
# dependency. Never installs into the system Python.
# Usage: benchmarks/setup_hnn_env.sh [VENV_DIR]
set -euo pipefail
VENV="${1:-${HNN_VENV:-$HOME/.venvs/eqsim-hnn}}"
PYTHON="${PYTHON:-python3.11}"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
"$VENV/bin/python" -m pip install "NEURON==8.2.*" "hnn-core==0.6.*"
"$VENV/bin/python" -c "import neuron, hnn_core; print('NEURON', neuron.__version__, 'hnn-core', hnn_core.__version__, 'in', '$VENV')"
