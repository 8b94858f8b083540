"""SpatialNeuron as a group: the tree solver against a dense solve on generated
morphologies, parameters from the geometry, subtrees, synapses onto compartments."""
from __future__ import annotations

import numpy as np
import pytest

import eqsim as eq
from eqsim.units import cm, mV, ms, nA, ohm, siemens, uF, um

PASSIVE = """
Im = gL*(EL - v) : amp/meter**2
I : amp (point current)
"""
NS = {"gL": 1e-4 * siemens / cm ** 2, "EL": -70 * mV}


def random_morphology(seed: int, sections: int = 12):
    """A random tree: a soma, then cylinders and tapering sections attached to random
    earlier sections (by name), random lengths, diameters and compartment counts."""
    rng = np.random.default_rng(seed)
    root = eq.Soma(diameter=rng.uniform(10, 30) * um)
    secs = [root]
    for k in range(sections):
        n = int(rng.integers(1, 6))
        if rng.random() < 0.5:
            sec = eq.Cylinder(diameter=rng.uniform(0.5, 3) * um,
                              length=rng.uniform(20, 200) * um, n=n)
        else:
            sec = eq.Section(diameter=rng.uniform(0.5, 3, n + 1) * um, n=n,
                             length=rng.uniform(5, 50, n) * um)
        parent = secs[int(rng.integers(0, len(secs)))]
        setattr(parent, f"s{k}", sec)
        secs.append(sec)
    return root, secs


def dense_step(secs, v, cm_, ri, dt, g, e, i_inj, area):
    """One backward Euler step of the cable equation, solved densely: compartments and
    section end points as unknowns, conductances from each section's geometry (Brian2's
    definitions: r_length/Ri per half compartment; a soma's internal ones 1 m/Ri)."""
    starts, k = {}, 0
    order = [secs[0]]
    while order:                      # depth first: a section, then its subtrees
        s = order.pop(0)
        starts[id(s)] = k
        k += s.n
        order[:0] = list(s.children)
    n = k
    ends = {id(s): n + j for j, s in enumerate(secs)}   # end point of each section
    root_start = n + len(secs)
    m = root_start + 1
    A = np.zeros((m, m))
    b = np.zeros(m)

    def couple(a, c, gab):
        A[a, a] += gab
        A[c, c] += gab
        A[a, c] -= gab
        A[c, a] -= gab

    for s in secs:
        first = starts[id(s)]
        r1, r2 = np.asarray(s.r_length_1_), np.asarray(s.r_length_2_)
        start = root_start if s.parent is None else ends[id(s.parent)]
        couple(start, first, r1[0] / ri)
        for c in range(1, s.n):
            couple(first + c - 1, first + c, 1 / (ri * (1 / r2[c - 1] + 1 / r1[c])))
        couple(first + s.n - 1, ends[id(s)], r2[-1] / ri)
    for c in range(n):
        A[c, c] += area[c] * (cm_ / dt + g)
        b[c] = area[c] * (cm_ / dt * v[c] + g * e) + i_inj[c]
    return np.linalg.solve(A, b)[:n]


@pytest.mark.parametrize("seed", [1, 2])
def test_tree_solver_against_dense_solve(seed, backend):
    root, secs = random_morphology(seed)
    neuron = eq.SpatialNeuron(root, PASSIVE, namespace=NS, Cm=1 * uF / cm ** 2,
                              Ri=120 * ohm * cm, dt=0.1 * ms)
    rng = np.random.default_rng(seed + 10)
    v0 = rng.uniform(-0.08, -0.05, neuron.N)
    neuron.v = v0 * 1000 * mV
    inj = np.zeros(neuron.N)
    inj[[0, neuron.N - 1]] = [0.1e-9, -0.05e-9]
    neuron.I = inj * 1e9 * nA
    eq.Network(neuron).run(0.1 * ms, backend=backend)   # one step
    expected = dense_step(secs, v0, 0.01, 1.2, 1e-4, 1.0, -0.07, inj,
                          np.asarray(neuron.area))
    # (the soma's internal conductance, 1 m/Ri ~ 1 S against ~1e-9 S elsewhere, makes
    # the system ill-conditioned: the two solves differ by rounding up to 1e-9)
    np.testing.assert_allclose(np.asarray(neuron.v), expected, rtol=1e-8)
    assert not np.allclose(np.asarray(neuron.v), v0, rtol=1e-4)   # v did move
    # the numbering: each section's compartments, then its subtrees
    assert int(neuron.distance.argmin()) == 0


def test_parameters_from_geometry_and_subtrees():
    morpho = eq.Soma(20 * um)
    morpho.dend = eq.Cylinder(diameter=2 * um, length=200 * um, n=20)
    morpho.dend.L = eq.Cylinder(diameter=1 * um, length=100 * um, n=10)
    morpho.axon = eq.Cylinder(diameter=1 * um, x=[0, 50] * um, n=5)
    model = PASSIVE + "gmax : siemens/meter**2"
    neuron = eq.SpatialNeuron(morpho, model, namespace=NS)
    neuron.gmax = "10*siemens/meter**2*exp(-distance/(100*um))"
    np.testing.assert_allclose(neuron.gmax_, 10 * np.exp(-np.asarray(neuron.distance)
                                                          / 1e-4))
    neuron.gmax["diameter < 1.5*um"] = 0 * siemens / meter2()
    assert np.all(neuron.dend.L.gmax_ == 0) and np.all(neuron.axon.gmax_ == 0)
    assert neuron.dend.N == 30 and neuron.dend.main.N == 20 and neuron.main.N == 1
    assert neuron.dend.L.start == 21 and neuron.axon.start == 31
    np.testing.assert_allclose(neuron.axon.x / um, [5, 15, 25, 35, 45])  # coordinates
    sub = neuron.dend[50 * um:100 * um]
    assert (sub.start, sub.stop) == (neuron.dend.start + 5, neuron.dend.start + 10)
    assert neuron.dend.L[10 * um].start == 22
    neuron.v = -65 * mV
    neuron.dend.L.v = -60 * mV
    assert np.all(neuron.v_[21:31] == -0.06) and neuron.v_[0] == -0.065


def meter2():
    from eqsim.units import meter
    return meter ** 2


def test_synapses_onto_a_subtree_and_threshold_location(backend):
    morpho = eq.Soma(20 * um)
    morpho.dend = eq.Cylinder(diameter=1 * um, length=200 * um, n=20)
    model = """
    Im = gL*(EL - v) + gs*(Es - v) : amp/meter**2
    dgs/dt = -gs/(3*ms) : siemens/meter**2
    """
    neuron = eq.SpatialNeuron(morpho, model, namespace={**NS, "Es": 0 * mV},
                              threshold="v > -69*mV", refractory=5 * ms,
                              threshold_location=morpho.dend[150 * um],
                              Cm=1 * uF / cm ** 2, Ri=100 * ohm * cm)
    neuron.v = -70 * mV
    inp = eq.SpikeGeneratorGroup(1, [0], [1] * ms)
    syn = eq.Synapses(inp, neuron.dend, on_pre="gs_post += 50*siemens/meter**2")
    syn.connect(i=0, j=15)                       # compartment 15 of the subtree
    mon = eq.StateMonitor(neuron, "v", record=True)
    spikes = eq.SpikeMonitor(neuron)
    eq.Network(neuron, inp, syn, mon, spikes).run(5 * ms, backend=backend)
    peak = np.asarray(mon.v).max(axis=1)
    assert int(peak.argmax()) == 16              # neuron index 1 + 15
    assert np.all(np.diff(peak[:17]) > 0)        # attenuates towards the soma
    assert set(np.asarray(spikes.i)) == {int(morpho.dend[150 * um])}
    assert spikes.num_spikes == 1


def test_threads_give_the_same_result():
    """The gates are updated by all threads, the cable step by one (an OpenMP single
    block): any number of threads gives the same numbers."""
    results = []
    for threads in (1, 2):
        root, _ = random_morphology(3, sections=6)
        neuron = eq.SpatialNeuron(root, PASSIVE + "dw/dt = (v/mV + 70 - w)/(2*ms) : 1",
                                  namespace=NS, dt=0.05 * ms)
        neuron.v = "-70*mV + i*0.5*mV"
        neuron.I[0] = 0.05 * nA
        eq.Network(neuron).run(2 * ms, threads=threads)
        results.append((neuron.v_.copy(), np.asarray(neuron.w).copy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])


def test_many_cells_in_one_group(backend):
    """``cells=3``: three copies of a morphology, solved as three trees in one group,
    give each cell what the same cell alone gives (an eqsim extension of Brian2's API)."""
    root, _ = random_morphology(5, sections=5)
    model = PASSIVE + "dw/dt = (v/mV + 70 - w)/(2*ms) : 1"
    many = eq.SpatialNeuron(root, model, namespace=NS, cells=3, dt=0.05 * ms,
                            threshold="v > -60*mV", refractory="v > -65*mV",
                            threshold_location=root[0])
    n = many.N // 3
    assert many.N == 3 * root.total_compartments
    currents = [0.3, 0.0, -0.1]
    for c, amp in enumerate(currents):
        many.cell(c).main.I = amp * nA
    many.v = -70 * mV
    spikes = eq.SpikeMonitor(many)
    eq.Network(many, spikes).run(3 * ms, backend=backend)
    for c, amp in enumerate(currents):
        one = eq.SpatialNeuron(root, model, namespace=NS, dt=0.05 * ms)
        one.main.I = amp * nA
        one.v = -70 * mV
        eq.Network(one).run(3 * ms, backend=backend)
        # (to rounding: a cell's root is solved with 1/d where the single cell divides)
        np.testing.assert_allclose(many.v_[c * n:(c + 1) * n], one.v_, rtol=1e-12)
        np.testing.assert_allclose(np.asarray(many.w)[c * n:(c + 1) * n],
                                   np.asarray(one.w), rtol=1e-9, atol=1e-12)
    assert set(np.asarray(spikes.i)) == {0}      # only cell 0, at its soma
    sec = list(root.children)[0]
    name = root.children.name(sec)
    assert getattr(many.cell(2), name).start == 2 * n + sec._start_index()
    with pytest.raises(eq.EqsimError, match="E962"):
        getattr(many, name)
