"""Population labels, global ids and positions (issue 12, point 1)."""
import numpy as np
import pytest

import eqsim as eq
from eqsim import topology
from eqsim.errors import EqsimError
from eqsim.units import Hz, meter, ms, um

# replayed spikes: exact, known times and indices
SRC_I = np.array([0, 3, 1, 2, 4, 0])
SRC_T = np.array([1.0, 1.0, 2.0, 3.0, 3.0, 5.0]) * ms
CELL_I = np.array([0, 5, 7, 9, 2, 7])
CELL_T = np.array([0.5, 1.5, 2.5, 2.5, 4.0, 6.0]) * ms


def _net(backend):
    src = eq.SpikeGeneratorGroup(5, SRC_I, SRC_T, label="drive")
    cells = eq.SpikeGeneratorGroup(10, CELL_I, CELL_T, name="cells")
    cells[0:6].label = "E"
    eq.Subgroup(cells, 6, 10, label="I")
    silent = eq.NeuronGroup(3, "v : 1", name="silent")
    m_src, m_cells, m_i = (eq.SpikeMonitor(src), eq.SpikeMonitor(cells),
                           eq.SpikeMonitor(cells[6:10]))
    net = eq.Network(silent, src, cells, m_src, m_cells, m_i)
    net.run(8 * ms, backend=backend)
    return net, m_src, m_cells, m_i


def test_gid_ranges_are_contiguous_in_the_order_groups_were_added():
    a = eq.NeuronGroup(3, "v : 1", name="a")
    b = eq.NeuronGroup(4, "v : 1", label="L2_basket")
    c = eq.PoissonGroup(2, 5 * Hz, name="c", label="evdist1")
    net = eq.Network(b, a, c)
    assert net.gid_ranges == {"L2_basket": range(0, 4), "a": range(4, 7),
                              "evdist1": range(7, 9)}
    assert (a.label, b.label, c.label) == ("a", "L2_basket", "evdist1")
    c.label = "evprox1"   # labels can be changed; the ranges follow
    assert list(net.gid_ranges) == ["L2_basket", "a", "evprox1"]


def test_subgroup_labels_default_to_the_name_and_are_kept_by_the_parent():
    G = eq.NeuronGroup(10, "v : 1", name="G")
    assert G[2:5].label == "G[2:5]"
    G[0:8].label = "E"
    assert G[0:8].label == "E"          # a new Subgroup object of the same slice
    assert G[0:7].label == "G[0:7]"
    net = eq.Network(G)
    assert net.gid_ranges == {"G": range(0, 10), "E": range(0, 8)}
    G[0:8].label = "exc"                # relabelling the same slice replaces it
    assert net.gid_ranges == {"G": range(0, 10), "exc": range(0, 8)}


def test_monitors_report_gid_and_label_of_each_spike(backend):
    net, m_src, m_cells, m_i = _net(backend)
    assert net.gid_ranges == {"silent": range(0, 3), "drive": range(3, 8),
                              "cells": range(8, 18), "E": range(8, 14),
                              "I": range(14, 18)}
    order = np.lexsort((SRC_I, SRC_T))
    assert m_src.gids.tolist() == (SRC_I[order] + 3).tolist()
    assert set(m_src.labels.tolist()) == {"drive"}
    order = np.lexsort((CELL_I, CELL_T))
    expected_i = CELL_I[order]
    assert m_cells.i.tolist() == expected_i.tolist()
    assert m_cells.gids.tolist() == (expected_i + 8).tolist()
    assert m_cells.labels.tolist() == ["E" if k < 6 else "I" for k in expected_i]
    # a monitor of the subgroup: indices from 0, gids and labels as the parent's
    assert m_i.i.tolist() == [k - 6 for k in expected_i if k >= 6]
    assert m_i.gids.tolist() == [k + 8 for k in expected_i if k >= 6]
    assert set(m_i.labels.tolist()) == {"I"}
    assert m_cells.neuron_gids.tolist() == list(range(8, 18))
    assert m_cells.neuron_labels.tolist() == ["E"] * 6 + ["I"] * 4


def test_spikes_filtered_by_label(backend):
    net, m_src, m_cells, m_i = _net(backend)
    t, gids = m_cells.spikes_of("I")
    assert gids.tolist() == [15, 17, 15] and np.allclose(t / ms, [2.5, 2.5, 6.0])
    t, gids = m_cells.spikes_of("cells")       # the group's label: all its spikes
    assert len(gids) == len(CELL_I)
    by = m_cells.spikes_by_label()
    assert sorted(by) == ["E", "I"]
    assert sorted(by["E"][1].tolist()) == sorted((CELL_I[CELL_I < 6] + 8).tolist())
    assert len(by["E"][1]) + len(by["I"][1]) == len(CELL_I)
    with pytest.raises(EqsimError, match="E972") as err:
        m_cells.spikes_of("L5_pyramidal")
    assert "labels: cells, E, I" in str(err.value)


def test_label_errors():
    G = eq.NeuronGroup(10, "v : 1", name="G")
    with pytest.raises(EqsimError, match="E970"):
        G.label = "two words"
    G[0:5].label = "E"
    with pytest.raises(EqsimError, match="E971"):
        G[3:8].label = "I"                      # overlaps E
    with pytest.raises(EqsimError, match="E971"):
        G[6:8].label = "E"                      # E is taken
    H = eq.NeuronGroup(2, "v : 1", label="E")   # the same label as G's subgroup
    with pytest.raises(EqsimError, match="E971"):
        eq.Network(G, H).gid_ranges
    src = eq.NeuronGroup(2, "v : 1", threshold="v > 1")
    m = eq.SpikeMonitor(src)
    with pytest.raises(EqsimError, match="E973"):
        m.gids                                   # its group is in no network yet
    assert m.neuron_labels.tolist() == ["neurongroup"] * 2   # labels need no network
    with pytest.raises(EqsimError, match="E973"):
        eq.PopulationRateMonitor(src).labels       # a rate monitor has no spikes of neurons


def test_positions_on_a_grid_and_at_random():
    G = eq.NeuronGroup(6, "v : 1\nx : meter\ny : meter\nz : meter")
    topology.place_grid(G, shape=(3, 2), spacing=10 * um)
    assert np.allclose(G.x / um, [0, 10, 20, 0, 10, 20])
    assert np.allclose(G.y / um, [0, 0, 0, 10, 10, 10])
    assert np.all(G.z == 0 * meter)
    topology.place_grid(G[3:6], shape=(1, 1, 3), spacing=(1 * um), origin=(5, 5, 5) * um)
    assert np.allclose(G.z[3:] / um, [5, 6, 7]) and np.allclose(G.x[3:] / um, 5)
    topology.place_random(G, extent=np.array([100, 50, 0]) * um, seed=4)
    x, y = np.asarray(G.x / um), np.asarray(G.y / um)
    expected = np.random.default_rng(4).random((6, 3))
    assert np.allclose(x, 100 * expected[:, 0]) and np.allclose(y, 50 * expected[:, 1])
    d = topology.distances(G[:2], G[:3])
    assert d.shape == (2, 3) and np.isclose(float(d[0, 1] / um), np.hypot(
        x[0] - x[1], y[0] - y[1]))
    pos = topology.grid_positions(10)             # the squarest grid: 4 x 3
    assert pos.shape == (10, 3) and pos[:, 0].max() == 3 and pos[:, 1].max() == 2
    with pytest.raises(EqsimError, match="E974"):
        topology.place_grid(eq.NeuronGroup(4, "v : 1"))
    with pytest.raises(EqsimError, match="E974"):
        topology.grid_positions(10, shape=(3, 3))


def test_a_network_with_a_repeated_label_still_runs():
    a = eq.PoissonGroup(2, 10 * Hz, label="drive", seed=1)
    b = eq.PoissonGroup(3, 500 * Hz, label="drive", seed=2)
    m = eq.SpikeMonitor(b)
    net = eq.Network(a, b, m)
    net.run(20 * ms, backend="numpy")
    assert len(m.gids) > 5 and set(m.gids.tolist()) <= {2, 3, 4}   # numbered anyway
    with pytest.raises(EqsimError, match="E971"):
        net.gid_ranges                               # but the ranges are ambiguous


def test_a_model_variable_called_label_keeps_brian2s_meaning():
    """Brian2 scripts use ``label`` as a variable (Wang 2002: ``label : integer``,
    ``popE1.label = 0``): the variable takes the attribute on the group and its
    subgroups; the population label is the one given with ``label=``."""
    from eqsim.runtime.labels import label_of
    G = eq.NeuronGroup(6, "v : 1\nlabel : integer (constant)", label="E")
    G[:2].label = 0
    G[2:4].label = 1
    G[4:].label = 2
    assert G.label[:].tolist() == [0, 0, 1, 1, 2, 2]
    assert G[2:4].label[:].tolist() == [1, 1]
    assert label_of(G) == "E"
    H = eq.NeuronGroup(4, "v : 1", label="I")
    H[:2].label = "I1"
    assert (H.label, H[:2].label, label_of(H[:2])) == ("I", "I1", "I1")
