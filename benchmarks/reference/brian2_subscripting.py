"""Reference numbers for tests/runtime/test_subscripting.py, made with Brian2 2.9 (numpy
target):

    /root/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_subscripting.py

writes tests/data/brian2_subscripting.json: ``S['i == 1']``, ``S[1, :]``, ``S[:, 2]``
(SynapticSubgroup) read through ``S.w[...]`` and used as ``record=`` of a StateMonitor,
and ``net['name']`` lookups (which object, or the exception).
"""
import json
from pathlib import Path

from brian2 import (Network, NeuronGroup, SpikeMonitor, StateMonitor, Synapses, ms, prefs,
                    start_scope)

prefs.codegen.target = "numpy"
OUT = Path(__file__).resolve().parents[2] / "tests" / "data" / "brian2_subscripting.json"


def main():
    start_scope()
    G = NeuronGroup(4, "dv/dt = (2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0",
                    method="exact", name="neurons")
    G.v = "i*0.2"
    S = Synapses(G, G, "w : 1", on_pre="v_post += w*0.01", name="syn")
    S.connect()
    S.w = "i + 10*j"
    out = {"len_i1": len(S["i == 1"]),
           "w_i1": S.w[S["i == 1"]].tolist(), "w_row1": S.w[S[1, :]].tolist(),
           "w_col2": S.w[S[:, 2]].tolist(), "w_first3": S.w[S[:3]].tolist()}
    M = StateMonitor(S, "w", record=S[1, :], name="m")
    sp = SpikeMonitor(G, name="spk")
    net = Network(G, S, M, sp)
    out["lookup"] = [net["neurons"] is G, net["spk"] is sp, net["syn"] is S,
                     net["m"] is M]
    net.run(5 * ms)
    out["m_shape"] = list(M.w.shape)
    out["m_last"] = M.w[:, -1].tolist()
    out["v"] = G.v[:].tolist()
    out["spikes"] = int(sp.num_spikes)
    try:
        net["nope"]
    except Exception as exc:
        out["missing"] = type(exc).__name__
    sub = S["i == 1"]
    S.connect(i=0, j=0)
    try:
        S.w[sub]
    except Exception as exc:
        out["stale"] = type(exc).__name__
    return out


if __name__ == "__main__":
    data = main()
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(json.dumps(data))
