#!/usr/bin/env bash
# Create a separate virtualenv holding NEST 3.10 and BMTK 1.2 (PointNet), used only to make
# reference data (benchmarks/reference/nest_*.py, bmtk_*.py) and to run the SONATA
# benchmarks side by side with eqsim. Never installs into the system Python; neither tool is
# an eqsim dependency.
# Usage: benchmarks/setup_nest_env.sh [VENV_DIR]
set -euo pipefail
VENV="${1:-${NEST_VENV:-$HOME/.venvs/eqsim-nest}}"
PYTHON="${PYTHON:-python3.11}"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
"$VENV/bin/python" -m pip install "nest-simulator==3.10.*" "bmtk==1.2.*" h5py pandas "numpy<2.4"
"$VENV/bin/python" -c "import nest, bmtk; print('nest', nest.__version__, 'bmtk', bmtk.__version__, 'in', '$VENV')"
