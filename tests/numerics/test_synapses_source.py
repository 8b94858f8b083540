"""Synapses whose source is another Synapses: a summed variable of astrocytes reads the
clock-driven variable of each source synapse as ``Y_pre`` (Stimberg et al. 2018's
astrocyte examples stopped with E743), against Brian2 2.9 on the same script
(tests/data/brian2_synapses_source.json from
benchmarks/reference/brian2_synapses_source.py): traces to 1e-12, on both backends."""
import json

import numpy as np
import pytest

import eqsim as eq
from eqsim.errors import ConfigurationError
from eqsim.units import ms

from ..conftest import DATA
from . import synapses_source_models as M

REF = json.loads((DATA / "brian2_synapses_source.json").read_text())


def _network():
    src = eq.NeuronGroup(M.N_SOURCE, M.SOURCE, threshold="x > 1", reset="x = 0",
                         method="euler", namespace={})
    src.x = [0, 0.5]
    tgt = eq.NeuronGroup(M.N_TARGET, "")
    syn = eq.Synapses(src, tgt, M.SYNAPSES, on_pre=M.ON_PRE, method="exact", namespace={})
    syn.connect()
    astro = eq.NeuronGroup(M.N_ASTRO, M.ASTRO, method="euler", namespace={})
    reader = eq.Synapses(syn, astro, M.READER, namespace={})
    reader.connect(p=1)
    return src, tgt, syn, astro, reader


def test_summed_variable_reads_source_synapses_as_brian2(backend):
    src, tgt, syn, astro, reader = _network()
    m = eq.StateMonitor(astro, ["Y_S", "G"], record=True)
    my = eq.StateMonitor(syn, "Y", record=True)
    eq.Network(src, tgt, syn, astro, reader, m, my).run(M.T_MS * ms, backend=backend)
    assert reader.i[:].tolist() == REF["reader_i"]
    assert reader.j[:].tolist() == REF["reader_j"]
    np.testing.assert_allclose(my.Y, REF["Y"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(m.Y_S, REF["Y_S"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(m.G, REF["G"], rtol=1e-12, atol=1e-15)
    assert np.max(REF["Y_S"]) > 1


def test_source_synapses_changed_after_connect_is_e754():
    src, tgt, syn, astro, reader = _network()
    syn.connect(i=0, j=0)   # new synapses: the reader's numbers are stale
    with pytest.raises(ConfigurationError) as err:
        eq.Network(src, tgt, syn, astro, reader).run(1 * ms, backend="numpy")
    assert err.value.code == "E754"
