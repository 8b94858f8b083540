"""Print the agreement of eqsim.pynn's standard models with pyNN.nest (the table of
docs/pynn_models.md): ``python -m tests.pynn.pynn_agreement [c|numpy]``."""
from __future__ import annotations

import sys

import numpy as np

from tests.conftest import DATA
from tests.pynn.test_models import NUMPY_CELLS, _build


def main(backend: str = "c") -> None:
    got = _build(backend, NUMPY_CELLS if backend == "numpy" else None)
    ref = np.load(DATA / "pynn_nest_models.npz")
    print(f"{'quantity':36s} {'max |diff|':>11s} {'median':>9s}  spikes (eqsim/NEST, same?)")
    for key in sorted(got):
        if key.endswith("_spikes"):
            continue
        g, r = np.asarray(got[key]), ref[key]
        if g.ndim == 2 and r.ndim == 1:
            g = g[:, 0]
        n = min(len(g), len(r))
        d = np.abs(g[:n] - r[:n])
        sk = key[:-2] + "_spikes" if key.endswith("_v") else None
        spikes = ""
        if sk and sk in got:
            same = got[sk].size == ref[sk].size and np.allclose(got[sk], ref[sk], atol=1e-9)
            spikes = f"{got[sk].size}/{ref[sk].size} {'same' if same else 'differ'}"
        print(f"{key:36s} {d.max():11.2g} {np.median(d):9.2g}  {spikes}")


if __name__ == "__main__":
    main(*sys.argv[1:])
