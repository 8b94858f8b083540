"""A postsynaptic variable written without its suffix, then read with it in the same
synaptic code (``x += 1`` then ``w = x_post``; Brian2's Clopath et al. 2010 examples do
this in on_post). The statements run in order on one variable: the read sees the new
value, as in Brian2 2.9's numpy target. Brian2's Cython target (its default) reads the
value loaded before the code ran, and Brian2 warns that such a block "may not be
well-defined" (tests/data/brian2_post_alias.json, made by
benchmarks/reference/brian2_post_alias.py)."""
import json

import numpy as np

import eqsim as eq
from eqsim.units import ms

from ..conftest import DATA

REF = json.loads((DATA / "brian2_post_alias.json").read_text())


def test_a_suffixless_write_is_seen_by_a_later_post_read_as_in_brian2_numpy(backend):
    G = eq.NeuronGroup(2, "v : 1", threshold="i == 0 and t < 0.05*ms", reset="",
                       namespace={})
    H = eq.NeuronGroup(1, "x : 1\ny : 1", namespace={})
    S = eq.Synapses(G, H, "w : 1\nw2 : 1\nw3 : 1", on_pre=REF["on_pre"], namespace={})
    S.connect()
    H.x = 10
    H.y = 20
    eq.Network(G, H, S).run(0.1 * ms, backend=backend)
    got = {"w": S.w[:], "w2": S.w2[:], "w3": S.w3[:], "x": H.x[:], "y": H.y[:]}
    for key, want in REF["numpy"].items():
        np.testing.assert_array_equal(np.asarray(got[key], dtype=float), want, err_msg=key)
    # Brian2's Cython target differs exactly in the two cross-alias reads
    assert REF["cython"]["w"] == [10.0, 0.0] and REF["cython"]["w2"] == [20.0, 0.0]
    assert REF["cython"]["x"] == REF["numpy"]["x"] and REF["cython"]["w3"] == [11.0, 0.0]
