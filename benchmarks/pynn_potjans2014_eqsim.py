"""PyNN 0.13.0's Potjans2014 example on eqsim.pynn for several seeds, exactly as
tests/pynn/test_potjans2014.py runs it (same patches, N_scaling = K_scaling = 0.1, 1 s),
against the stored pyNN.nest runs (tests/data/pynn_potjans2014_nest.json); the table of
docs/pynn.md, "PyNN's Potjans2014 example":

    python benchmarks/pynn_potjans2014_eqsim.py [seed ...]      (default: 1 2 3 4 5)
"""
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.pynn.test_potjans2014 import _nest_rates, run_example  # noqa: E402


def main() -> None:
    seeds = [int(s) for s in sys.argv[1:]] or [1, 2, 3, 4, 5]
    runs = []
    for seed in seeds:
        t0 = time.time()
        with tempfile.TemporaryDirectory() as tmp:
            rates, _ = run_example(Path(tmp), "eqsim", seed)
        runs.append(rates)
        print(f"seed {seed} ({time.time() - t0:.0f} s):",
              {k: round(v, 3) for k, v in rates.items()}, flush=True)
    nest = _nest_rates()
    print("\n| population | eqsim.pynn (Hz) | pyNN.nest (Hz) | eqsim / pyNN.nest - 1 | "
          "worst seed |")
    print("|---|---|---|---|---|")
    for pop in runs[0]:
        mine = np.array([r[pop] for r in runs])
        ref = np.array(nest[pop])
        worst = mine[np.argmax(np.abs(mine / ref.mean() - 1))] / ref.mean() - 1
        print(f"| {pop} | {mine.mean():.3f} ± {mine.std(ddof=1) if len(mine) > 1 else 0:.3f} "
              f"| {ref.mean():.3f} ± {ref.std(ddof=1):.3f} | {mine.mean() / ref.mean() - 1:+.1%} "
              f"| {worst:+.1%} |")


if __name__ == "__main__":
    main()
