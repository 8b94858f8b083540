"""Reference for the equation features of docs/equations.md, as Brian2 2.9 computes them.

Run with the Brian2 virtualenv (benchmarks/setup_brian2_env.sh):
    ~/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_equation_features.py
writes tests/data/brian2_equation_features.json, read by
tests/numerics/test_equation_features.py, which runs the same models (the strings and
parameters below are imported from there, so they cannot drift apart):

- adex_rk4: AdExp integrated with rk4 at dt = 0.01 ms; v overflows to inf in the
  update of a spike and is reset (spike times over 200 ms);
- wang_buzsaki: Wang & Buzsaki (1996)'s interneuron with exponential_euler, the
  instantaneous m(v)**3 in dv/dt (spike times, v every 10 steps);
- types: integer and boolean variables, int(), floor(), //, % on negative numbers;
- held: a (constant over dt) subexpression under rk4, a (shared) parameter and
  subexpression (v and the stored subexpression every step);
- refractory: lastspike, not_refractory, refractory as a variable, an expression and a
  condition (spike times, final values);
- linked: linked variables with and without index= (traces).
"""
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "numerics"))
import equation_feature_models as M  # noqa: E402  (plain strings and numbers only)

from brian2 import (NeuronGroup, Network, SpikeMonitor, StateMonitor, defaultclock,  # noqa
                    linked_var, ms, mV, prefs, second)
import brian2


def _ns(d):
    """Model parameters (value, unit name) -> Brian2 quantities."""
    return {k: v * getattr(brian2, u) for k, (v, u) in d.items()}


def adex_rk4():
    defaultclock.dt = M.ADEX_DT_MS * ms
    G = NeuronGroup(1, M.ADEX, threshold=M.ADEX_THRESHOLD, reset=M.ADEX_RESET,
                    method="rk4", namespace=_ns(M.ADEX_PARAMS))
    G.v = M.ADEX_PARAMS["EL"][0] * mV
    sm = SpikeMonitor(G)
    Network(G, sm).run(M.ADEX_T_MS * ms)
    return {"spikes_ms": [float(x) for x in sm.t / ms]}


def wang_buzsaki():
    defaultclock.dt = M.WB_DT_MS * ms
    G = NeuronGroup(1, M.WB, threshold=M.WB_THRESHOLD, refractory=M.WB_THRESHOLD,
                    method="exponential_euler", namespace=_ns(M.WB_PARAMS))
    G.v = -70 * mV
    G.h = 1
    st = StateMonitor(G, "v", record=0, dt=M.WB_RECORD_EVERY * defaultclock.dt)
    sm = SpikeMonitor(G)
    Network(G, st, sm).run(M.WB_T_MS * ms)
    return {"spikes_ms": [float(x) for x in sm.t / ms],
            "v_mV": [float(x) for x in st.v[0] / mV]}


def types():
    defaultclock.dt = 0.1 * ms
    G = NeuronGroup(6, M.TYPES, threshold="v > 1", reset=M.TYPES_RESET, method="euler")
    G.n = M.TYPES_INIT_N
    G.fl = M.TYPES_INIT_FL
    out = {"before": {k: [float(x) for x in getattr(G, k)[:]] for k in M.TYPES_READ},
           "dtypes": {k: str(getattr(G, k)[:].dtype) for k in ("n", "fl")}}
    Network(G).run(M.TYPES_T_MS * ms)
    out["after"] = {k: [float(x) for x in getattr(G, k)[:]] for k in ("n", "fl", "v")}
    H = NeuronGroup(6, "n : integer")
    assigned = {}
    for value in M.TYPES_ASSIGN:
        H.n = value
        assigned[str(value)] = [int(x) for x in H.n[:]]
    out["assigned"] = assigned
    return out


def held():
    defaultclock.dt = M.HELD_DT_MS * ms
    G = NeuronGroup(3, M.HELD, method="rk4", threshold=M.HELD_THRESHOLD,
                    reset=M.HELD_RESET)
    G.rate = M.HELD_RATE_HZ * brian2.Hz
    st = StateMonitor(G, ["v", "I", "w"], record=True)
    sm = SpikeMonitor(G)
    Network(G, st, sm).run(M.HELD_T_MS * ms)
    return {"v_mV": (st.v / mV).tolist(), "I_nA": (st.I / brian2.nA).tolist(),
            "w": st.w[:].tolist(), "spike_i": [int(x) for x in sm.i],
            "spike_ms": [float(x) for x in sm.t / ms]}


def refractory():
    defaultclock.dt = M.REF_DT_MS * ms
    out = {}
    for key, ref in M.REF_FORMS.items():
        G = NeuronGroup(4, M.REF, threshold="v > 1", reset="v = 0", refractory=ref,
                        method="euler")
        G.ref = "(i + 1)*ms"
        sm = SpikeMonitor(G)
        st = StateMonitor(G, ["x", "since"], record=True)
        Network(G, sm, st).run(M.REF_T_MS * ms)
        out[key] = {"spike_i": [int(x) for x in sm.i],
                    "spike_ms": [float(x) for x in sm.t / ms],
                    "lastspike_ms": [float(x) for x in G.lastspike / ms],
                    "not_refractory": [bool(x) for x in G.not_refractory[:]],
                    "x": (st.x[:]).tolist(), "since_ms": (st.since / ms).tolist()}
    return out


def linked():
    defaultclock.dt = M.LINK_DT_MS * ms
    G1 = NeuronGroup(4, M.LINK_SOURCE, threshold="v > 1", reset="v = 0", method="euler",
                     name="a_source")
    G2 = NeuronGroup(3, M.LINK_TARGET, method="euler", name="b_target")
    G2.v = linked_var(G1, "v", index=np.array(M.LINK_INDEX))
    G3 = NeuronGroup(4, M.LINK_TARGET, method="euler", name="c_target")
    G3.v = linked_var(G1.v)
    st2 = StateMonitor(G2, ["x", "v"], record=True)
    st3 = StateMonitor(G3, ["x"], record=True)
    Network(G1, G2, G3, st2, st3).run(M.LINK_T_MS * ms)
    return {"x2": st2.x[:].tolist(), "v2": st2.v[:].tolist(), "x3": st3.x[:].tolist()}


def main() -> None:
    prefs.codegen.target = "numpy"
    out = {}
    for fn in (adex_rk4, wang_buzsaki, types, held, refractory, linked):
        brian2.start_scope()
        out[fn.__name__] = fn()
        print(fn.__name__, "done")
    path = ROOT / "tests" / "data" / "brian2_equation_features.json"
    path.write_text(json.dumps(out) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
