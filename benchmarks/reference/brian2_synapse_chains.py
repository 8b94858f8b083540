"""Reference for the Brian2 features of Stimberg et al. 2018's and other examples that
eqsim mirrors (docs/brian2.md, "Synapses from and onto synapses" and after): Synapses whose
source is another Synapses, (summed) variables into Synapses, PoissonInput onto a
subgroup, PopulationRateMonitor of a subgroup, postsynaptic variables recorded through
Synapses.

Run with the Brian2 virtualenv:
    ~/.venvs/eqsim-brian2/bin/python benchmarks/reference/brian2_synapse_chains.py
writes tests/data/brian2_synapse_chains.json, read by tests/runtime/test_synapse_chains.py,
which repeats every script here with eqsim (deterministic scripts only).
"""
import json
from pathlib import Path

import numpy as np
from brian2 import (NeuronGroup, Network, SpikeGeneratorGroup, StateMonitor, Synapses,
                    ms, prefs)


def synapses_source() -> dict:
    """Synapses read as the source of other synapses (a summed variable into an
    'astrocyte' group) and a summed variable from the astrocytes into the synapses, as
    in Stimberg et al. 2018 (example 4); two connect() calls, so that Brian2's synapse
    numbers (creation order) differ from an order sorted by source."""
    src = SpikeGeneratorGroup(3, [0, 1, 2, 0], [1, 2, 3, 5] * ms)
    tgt = NeuronGroup(3, "")
    syn = Synapses(src, tgt, """dY/dt = -Y/(5*ms) : 1 (clock-driven)
                                G : 1""", on_pre="Y += 1 + G", method="exact")
    syn.connect(j="i")
    syn.connect(j="i")
    astro = NeuronGroup(3, """dA/dt = (Ysum - A)/(2*ms) : 1
                              Ysum : 1""", method="euler")
    s2a = Synapses(syn, astro, "Ysum_post = Y_pre : 1 (summed)")
    s2a.connect(j="i if i < 3")
    a2s = Synapses(astro, syn, "G_post = (1 + i)*A_pre : 1 (summed)")
    a2s.connect(j="i")
    a2s.connect(j="i + 3 if i < 2")
    M = StateMonitor(syn, ["Y", "G"], record=True)
    Ma = StateMonitor(astro, ["A", "Ysum"], record=True)
    net = Network(src, tgt, syn, astro, s2a, a2s, M, Ma)
    net.run(10 * ms)
    return {"syn_pairs": [[int(a), int(b)] for a, b in zip(syn.i[:], syn.j[:])],
            "s2a": [[int(a), int(b)] for a, b in zip(s2a.i[:], s2a.j[:])],
            "a2s": [[int(a), int(b)] for a, b in zip(a2s.i[:], a2s.j[:])],
            "Y": M.Y[:].tolist(), "G": M.G[:].tolist(), "A": Ma.A[:].tolist(),
            "Ysum": Ma.Ysum[:].tolist()}


def main() -> None:
    prefs.codegen.target = "numpy"
    out = {"synapses_source": synapses_source()}
    path = (Path(__file__).resolve().parents[2] / "tests" / "data" /
            "brian2_synapse_chains.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", path)


if __name__ == "__main__":
    main()
