"""Reference data for tests/unit/test_brian2_namespace.py, from Brian2 itself.

    /root/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_namespace.py

Writes tests/data/brian2_namespace.json: every unit name Brian2 knows (with value and
dimension for a sample), its physical constants, results of its unit-aware functions,
``timestep``, ``Equations`` substitution, and which dimension checks accept a plain 0.
"""
import json
import pathlib

import numpy as np
from brian2 import (DimensionMismatchError, Equations, Quantity, arange, get_dimensions,
                    have_same_dimensions, linspace, mV, ms, nA, uA, where)
import brian2.units.allunits as allunits
import brian2.units.constants as constants
from brian2.core.functions import timestep

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "data" / "brian2_namespace.json"


def dims(q):
    return [float(x) for x in get_dimensions(q)._dims]


def main():
    names = sorted(k for k in dir(allunits) if isinstance(getattr(allunits, k), Quantity)
                   and k != "unit")
    sample = names[::37] + ["molar", "mmolar", "liter", "gram", "cmetre2", "umeter3",
                            "radian", "lux", "katal", "daamp", "hmetre", "Ymolar3"]
    units = {k: [float(getattr(allunits, k)), dims(getattr(allunits, k))] for k in sample}
    consts = {k: [float(getattr(constants, k)), dims(getattr(constants, k))]
              for k in ("avogadro_constant", "boltzmann_constant", "electric_constant",
                        "electron_mass", "elementary_charge", "faraday_constant",
                        "gas_constant", "magnetic_constant", "molar_mass_constant",
                        "zero_celsius")}
    v = np.array([1.0, 2.0, 3.0]) * mV

    def ok(fn):
        try:
            fn()
            return True
        except DimensionMismatchError:
            return False
    out = {
        "unit_names": names,
        "units": units,
        "constants": consts,
        "linspace_mV": list(np.asarray(linspace(0 * mV, 10 * mV, 5) / mV)),
        "arange_ms": list(np.asarray(arange(0 * ms, 3 * ms, 1 * ms) / ms)),
        "where_mV": list(np.asarray(where(v > 1.5 * mV, v, 0 * mV) / mV)),
        "mean_mV": float(np.mean(v) / mV), "std_mV": float(np.std(v) / mV),
        "sum_builtin_mV": float(sum(v) / mV),
        "list_quantity_nA": list(np.asarray(Quantity([1 * nA, 0 * uA]) / nA)),
        "timestep": [int(timestep(t * ms, 0.1 * ms)) for t in
                     (0.0, 0.05, 0.1, 0.15, 0.2999999, 1.26, -0.1)],
        "zero_rule": {"v + 0": ok(lambda: v + 0), "v > 0": ok(lambda: v > 0),
                      "v == 0": ok(lambda: v == 0), "v + 1": ok(lambda: v + 1),
                      "v > 1": ok(lambda: v > 1),
                      "same_dims(1*mV, 0)": bool(have_same_dimensions(1 * mV, 0))},
        "equations": {
            "rename": str(Equations("dv/dt = (I - v)/tau : volt\nI : volt", v="u")),
            "concat_names": sorted((Equations("dv/dt = -v/tau : volt") +
                                    Equations("w : 1")).names),
            "value": str(Equations("dv/dt = -v/tau : volt", tau=5 * ms)),
        },
    }
    OUT.write_text(json.dumps(out, indent=0, sort_keys=True))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
