"""Prints the agreement of eqsim.models.nest with the NEST reference runs (the numbers of
docs/nest_models.md):  python -m tests.models.nest_agreement MODEL[,MODEL...] [dt_ms] [method]"""
import sys, numpy as np
from tests.models.nest_replay import load, run_step, run_poisson
ref = load("nest_neurons.npz")
models = sys.argv[1].split(",")
dt = float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
method = sys.argv[3] if len(sys.argv) > 3 else None
for model in models:
    for proto, fn in (("step", run_step), ("poisson", run_poisson)):
        key = f"{model}/{proto}/"
        if key + "spike_t" not in ref:
            continue
        out = fn(ref, model, "c", dt, method)
        rt, ri = ref[key + "spike_t"], ref[key + "spike_i"]
        msg = []
        for k in range(2):
            a, b = np.sort(rt[ri == k]), np.sort(out["spike_t"][out["spike_i"] == k])
            same = a.size == b.size
            dmax = np.max(np.abs(a - b)) if same and a.size else None
            msg.append(f"n{k}: nest {a.size} eqsim {b.size} maxdt {dmax}")
            if "V_m" in out and key + f"V_m_{k}" in ref:
                v_ref = ref[key + f"V_m_{k}"]
                v = out["V_m"][k][:v_ref.size]
                err = np.abs(v - v_ref[:v.size])
                rel = err / np.abs(v_ref[:v.size])
                msg.append(f"  V max abs {err.max():.3g} mV, rel {rel.max():.3g}, median abs {np.median(err):.3g}")
                if not same or (dmax and dmax > 1e-9):
                    print("   nest", a[:12]); print("   eqsim", b[:12])
        print(model, proto, "; ".join(msg))
