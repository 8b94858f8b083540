"""Reference for Python's ``%`` and ``//`` in model strings, as Brian2 2.9 computes them.

Run with the Brian2 virtualenv (benchmarks/setup_brian2_env.sh):
    ~/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_operators.py
writes tests/data/brian2_operators.json, read by tests/numerics/test_operators.py.
The model is the one in that test: subexpressions, an initialiser and a connection
condition using % and // on negative numbers (where C's fmod and Python's % differ).
"""
import json
from pathlib import Path

from brian2 import NeuronGroup, Synapses, mV, ms, prefs, run

MODEL = """
a = (i - 5) % 8 : 1
b = (i - 5) // 3 : 1
c = (i*0.75 - 6.1) % 2.5 : 1
d = (i*0.75 - 6.1) // 2.5 : 1
g = (i - 8) % -3 : 1
f = v % (3*mV) : volt
dv/dt = (-(i - 8)*mV - v)/(10*ms) : volt
x : 1
"""
INIT_X = "(i - 5) % 8 + (i - 5)//4"
CONDITION = "(j - i) % N_post < 3"


def main() -> None:
    prefs.codegen.target = "numpy"
    G = NeuronGroup(16, MODEL, threshold="v > 100*volt")
    G.x = INIT_X
    S = Synapses(G, G)
    S.connect(CONDITION)
    run(1 * ms)
    out = {k: [float(z) for z in getattr(G, k)[:]] for k in "abcdgx"}
    out["f_mV"] = [float(z) for z in G.f[:] / mV]
    out["pairs"] = sorted([[int(a), int(b)] for a, b in zip(S.i[:], S.j[:])])
    path = Path(__file__).resolve().parents[2] / "tests" / "data" / "brian2_operators.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
