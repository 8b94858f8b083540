"""Reference for method='milstein' (docs/integration.md), as Brian2 2.9 computes it.

Run with the Brian2 virtualenv (benchmarks/setup_brian2_env.sh):
    ~/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_milstein.py
writes tests/data/brian2_milstein.json, read by tests/numerics/test_milstein.py, which runs
the same models (tests/numerics/milstein_models.py):

- code: Brian2's abstract code of one Milstein step for the geometric Brownian motion
  and for two coupled variables with diagonal noise (the test evaluates it with eqsim's
  normal numbers and compares with eqsim's step);
- gbm: GBM_PATHS paths of the geometric Brownian motion with Brian2's numpy target, its
  Wiener increments re-drawn from the same numpy seed: the mean absolute error at T of
  the Milstein solution against the exact one (Stratonovich: see
  milstein_models.py), for each dt, and the mean and variance
  of X(T) at the first dt.
"""
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "numerics"))
import milstein_models as M  # noqa: E402

import brian2  # noqa: E402
from brian2 import (Equations, Network, NeuronGroup, ms, prefs, second)  # noqa: E402
from brian2.stateupdaters.explicit import milstein  # noqa: E402

SEED = 4321


def gbm(dt_ms: float) -> dict:
    brian2.start_scope()
    np.random.seed(SEED)
    G = NeuronGroup(M.GBM_PATHS, M.GBM, method="milstein", dt=dt_ms * ms,
                    namespace={"mu": M.GBM_MU / second, "sigma": M.GBM_SIGMA / second})
    G.X = 1
    Network(G).run(M.GBM_T_S * second)
    # the numpy target draws randn(N) once per step: the same numbers again
    np.random.seed(SEED)
    steps = int(round(M.GBM_T_S * 1e3 / dt_ms))
    dW = np.sqrt(dt_ms * 1e-3) * np.random.randn(steps, M.GBM_PATHS)
    W = dW.sum(axis=0)
    exact = np.exp(M.GBM_MU * M.GBM_T_S + M.GBM_SIGMA * W)   # Stratonovich
    X = np.asarray(G.X[:])
    return {"dt_ms": dt_ms, "mean_abs_error": float(np.mean(np.abs(X - exact))),
            "mean": float(np.mean(X)), "var": float(np.var(X))}


def main() -> None:
    prefs.codegen.target = "numpy"
    out = {"code": {"gbm": str(milstein(Equations(M.GBM))),
                    "pair": str(milstein(Equations(M.PAIR)))},
           "gbm": [gbm(dt) for dt in M.GBM_DTS_MS], "seed": SEED,
           "brian2": brian2.__version__}
    path = ROOT / "tests" / "data" / "brian2_milstein.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps(out["gbm"], indent=1))
    print("wrote", path)


if __name__ == "__main__":
    main()
