"""Reference: a postsynaptic variable written without its suffix and then read with it in
the same synaptic code (``x += 1`` then ``w = x_post``), as Brian2's
examples/frompapers/Clopath_et_al_2010_*.py do in on_post (``v_lowpass2 += 10*mV``, then
``v_lowpass2_post`` in the weight update). Brian2 2.9's targets disagree: numpy reads the
new value, Cython the value loaded before the code ran.

    /root/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_post_alias.py

writes tests/data/brian2_post_alias.json (tests/runtime/test_post_alias.py).
"""
import json
from pathlib import Path

from brian2 import NeuronGroup, Synapses, ms, prefs, run, start_scope

OUT = Path(__file__).resolve().parents[2] / "tests" / "data" / "brian2_post_alias.json"
ON_PRE = "x += 1\nw = x_post\ny_post += 1\nw2 = y\nw3 = x"


def main() -> None:
    out = {"on_pre": ON_PRE}
    for target in ("numpy", "cython"):
        start_scope()
        prefs.codegen.target = target
        G = NeuronGroup(2, "v : 1", threshold="i == 0 and t < 0.05*ms", reset="")
        H = NeuronGroup(1, "x : 1\ny : 1")
        S = Synapses(G, H, "w : 1\nw2 : 1\nw3 : 1", on_pre=ON_PRE)
        S.connect()
        H.x = 10
        H.y = 20
        run(0.1 * ms)
        out[target] = {"w": S.w[:].tolist(), "w2": S.w2[:].tolist(),
                       "w3": S.w3[:].tolist(), "x": H.x[:].tolist(), "y": H.y[:].tolist()}
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(out)


if __name__ == "__main__":
    main()
