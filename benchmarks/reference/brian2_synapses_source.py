"""Reference for Synapses whose source is another Synapses (Stimberg et al. 2018's
astrocyte examples), as Brian2 2.9 computes it.

Run with the Brian2 virtualenv:
    ~/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_synapses_source.py
writes tests/data/brian2_synapses_source.json, read by
tests/numerics/test_synapses_source.py (models in tests/numerics/synapses_source_models.py):
the traces of Y (each source synapse), Y_S and G (each astrocyte).
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "numerics"))
import synapses_source_models as M  # noqa: E402

from brian2 import Network, NeuronGroup, StateMonitor, Synapses, ms, prefs  # noqa: E402


def main() -> None:
    prefs.codegen.target = "numpy"
    src = NeuronGroup(M.N_SOURCE, M.SOURCE, threshold="x > 1", reset="x = 0",
                      method="euler")
    src.x = [0, 0.5]
    tgt = NeuronGroup(M.N_TARGET, "")
    syn = Synapses(src, tgt, M.SYNAPSES, on_pre=M.ON_PRE, method="exact")
    syn.connect()
    astro = NeuronGroup(M.N_ASTRO, M.ASTRO, method="euler")
    reader = Synapses(syn, astro, M.READER)
    reader.connect(p=1)
    m = StateMonitor(astro, ["Y_S", "G"], record=True)
    my = StateMonitor(syn, "Y", record=True)
    Network(src, tgt, syn, astro, reader, m, my).run(M.T_MS * ms)
    out = {"Y": my.Y[:].tolist(), "Y_S": m.Y_S[:].tolist(), "G": m.G[:].tolist(),
           "reader_i": [int(x) for x in reader.i[:]],
           "reader_j": [int(x) for x in reader.j[:]]}
    path = ROOT / "tests" / "data" / "brian2_synapses_source.json"
    path.write_text(json.dumps(out) + "\n")
    print("wrote", path, out["G"][0][-1])


if __name__ == "__main__":
    main()
