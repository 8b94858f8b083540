"""Reference for synapses that use subexpressions of their groups (F_pre, F_post,
Tetzlaff et al. 2015), as Brian2 2.9 computes them.

Run with the Brian2 virtualenv:
    ~/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_side_subexpressions.py
writes tests/data/brian2_side_subexpressions.json, read by
tests/numerics/test_side_subexpressions.py (models in
tests/numerics/side_subexpression_models.py): w of every synapse and I of every neuron
after T_MS of euler steps, and the u traces.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "numerics"))
import side_subexpression_models as M  # noqa: E402

from brian2 import NeuronGroup, Network, Synapses, ms, prefs  # noqa: E402


def main() -> None:
    prefs.codegen.target = "numpy"
    ns = {"Fmax": M.FMAX}
    G = NeuronGroup(M.N, M.GROUP, method="euler", namespace=ns, threshold="u > 0.1",
                    reset="u = 0")
    G.k = M.K
    S = Synapses(G, G, M.SYNAPSES, on_pre=M.ON_PRE, method="euler", namespace=ns)
    S.connect()
    Network(G, S).run(M.T_MS * ms)
    out = {"w": [float(x) for x in S.w[:]], "I": [float(x) for x in G.I[:]],
           "u": [float(x) for x in G.u[:]], "i": [int(x) for x in S.i[:]],
           "j": [int(x) for x in S.j[:]]}
    path = ROOT / "tests" / "data" / "brian2_side_subexpressions.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(out)


if __name__ == "__main__":
    main()
