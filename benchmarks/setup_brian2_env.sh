#!/usr/bin/env bash
# Create a separate virtualenv holding Brian2 (used only to generate reference
# data, e.g. benchmarks/reference/brian2_single_neurons.py). Never installs
# into the system Python.
# Usage: benchmarks/setup_brian2_env.sh [VENV_DIR]
set -euo pipefail
VENV="${1:-${BRIAN2_VENV:-$HOME/.venvs/eqsim-brian2}}"
PYTHON="${PYTHON:-python3.11}"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
"$VENV/bin/python" -m pip install "brian2==2.9.0" "numpy<2.3" "Cython<3.1" setuptools \
    matplotlib scipy   # the examples plot, a few use scipy (brian2_examples.py)
"$VENV/bin/python" -c "import brian2; print('brian2', brian2.__version__, 'in', '$VENV')"
