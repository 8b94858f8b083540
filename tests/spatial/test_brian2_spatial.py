"""SpatialNeuron against Brian2 2.9 on the same models (tests/spatial/spatial_models.py;
reference: tests/data/brian2_spatial.json from benchmarks/reference/brian2_spatial.py,
Brian2's numpy target), on both backends.

* ``hh_axon``: Hodgkin & Huxley's squid axon, 200 compartments, a spike travelling 2 cm.
  Spikes (compartment, step) identical; conduction velocity within 1e-9 relative; v and
  m traces within 1e-6 of their range (C and numpy round differently in the last bits,
  and the tree solver eliminates in another order than Brian2's section-wise scheme).
* ``branched``: soma, axon with a spike initiation zone (threshold_location), a tapering
  Section with two daughters, a synapse onto a dendrite compartment, a current into the
  soma: the same spike, v and Ic traces at five compartments within 1e-5 of the range
  (the largest differences, 7e-7 of v's range and 1.6e-6 of Ic's, are at the spike's
  peak in the axon, where rounding differences grow fastest).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import eqsim
from eqsim.units import meter, ms, second

from . import spatial_models

REF = json.loads((Path(__file__).parents[1] / "data" / "brian2_spatial.json").read_text())


def _close(ours, ref, rtol=1e-6):
    ours, ref = np.asarray(ours), np.asarray(ref)
    assert ours.shape == ref.shape
    span = np.ptp(ref) or 1.0
    err = np.max(np.abs(ours - ref)) / span
    assert err < rtol, err


def _check(mon, spikes, ref, variables, rtol=1e-6):
    np.testing.assert_array_equal(np.asarray(spikes.i), ref["spike_i"])
    np.testing.assert_allclose(np.asarray(spikes.t / ms), ref["spike_t_ms"], atol=1e-9)
    np.testing.assert_allclose(np.asarray(mon.t / ms), ref["t_ms"], atol=1e-9)
    for v in variables:
        _close(getattr(mon, v), ref[v], rtol)


def test_hh_axon_vs_brian2():
    """(C only: 800 steps of a 200-deep tree take 12 s with numpy's level-by-level
    solve; the numpy backend is compared with Brian2 on the branched cell below.)"""
    neuron, spikes, mon, run = spatial_models.hh_axon(eqsim)
    run(backend="c")
    ref = REF["hh_axon"]
    _check(mon, spikes, ref, ["v", "m"])
    i, t = np.asarray(spikes.i), np.asarray(spikes.t / second)
    keep = (i >= 50) & (i < 150)
    speed = np.polyfit(t[keep], np.asarray(neuron.distance / meter)[i[keep]], 1)[0]
    assert speed == pytest.approx(ref["velocity_m_s"], rel=1e-9)
    assert 12 < speed < 13.5   # m/s: HH's axon at 6.3 degC (kinetics without temperature factor)


def test_branched_vs_brian2(backend):
    neuron, spikes, mon, run = spatial_models.branched(eqsim)
    run(backend=backend)
    ref = REF["branched"]
    assert list(mon.record) == ref["record"]
    _check(mon, spikes, ref, ["v", "Ic"], rtol=1e-5)
    assert len(ref["spike_i"]) >= 1 and set(ref["spike_i"]) == {ref["record"][1]}


def test_hh_velocity_as_hodgkin_huxley_1952():
    """Hodgkin & Huxley (1952, part V) computed 18.8 m/s for their axon (radius 238 um,
    Ri 35.4 ohm*cm) at 18.5 degC: the rates of the 6.3 degC model times 3**(12.2/10).
    50 um compartments, dt 5 us: 18.71 m/s (25 um / 2.5 us gives 18.75)."""
    from eqsim.units import amp, cm, msiemens, mV, ohm, uA, uF, um
    phi = 3 ** ((18.5 - 6.3) / 10)
    ns = dict(El=10.613 * mV, ENa=115 * mV, EK=-12 * mV, gl=0.3 * msiemens / cm ** 2,
              gK=36 * msiemens / cm ** 2, phi=phi)
    n = 600
    neuron = eqsim.SpatialNeuron(
        eqsim.Cylinder(length=3 * cm, diameter=2 * 238 * um, n=n),
        spatial_models.HH.replace("/ms : Hz", "*phi/ms : Hz"), method="exponential_euler",
        refractory="m > 0.4", threshold="m > 0.5", Cm=1 * uF / cm ** 2,
        Ri=35.4 * ohm * cm, namespace=ns, dt=0.005 * ms)
    neuron.v = 0 * mV
    neuron.h, neuron.m, neuron.n = 0.596, 0.0529, 0.3177
    neuron.gNa = 120 * msiemens / cm ** 2
    spikes = eqsim.SpikeMonitor(neuron)
    net = eqsim.Network(neuron, spikes)
    neuron.I[0] = 2 * uA
    net.run(0.5 * ms)
    neuron.I = 0 * amp
    net.run(3 * ms)
    i, t = np.asarray(spikes.i), np.asarray(spikes.t / second)
    keep = (i > n // 4) & (i < 3 * n // 4)
    assert len(i) == n   # one spike per compartment
    speed = np.polyfit(t[keep], np.asarray(neuron.distance / meter)[i[keep]], 1)[0]
    assert speed == pytest.approx(18.8, rel=0.01)


def test_swc_cell_vs_brian2(backend):
    """A synthetic SWC file (3-point soma, branching dendrites, apical tuft, axon, a custom
    type; tests/data/spatial_cell.swc): the geometry per compartment as Brian2 reads it
    (to 1e-12), the same topology, and a passive run within 1e-6 of v's range."""
    path = Path(__file__).parents[1] / "data" / "spatial_cell.swc"
    assert path.read_text() == spatial_models.synthetic_swc()
    ref = REF["swc_cell"]
    neuron, morpho, mon, run = spatial_models.swc_cell(eqsim, path)
    assert neuron.N == ref["n"]

    def paths(topology):   # the sections' names in order, and their compartment counts
        return [(line.split()[-1], line.count("-")) for line in topology.splitlines()]
    assert paths(morpho.topology()) == paths(ref["sections"])
    for k, values in ref["geometry"].items():
        np.testing.assert_allclose(np.asarray(getattr(neuron, k + "_")), values,
                                   rtol=1e-12, atol=1e-18, err_msg=k)
    run(backend=backend)
    assert list(mon.record) == ref["record"]
    _close(mon.v, ref["v"], 1e-6)


def test_swc_active_cell_vs_brian2(backend):
    """The same SWC file with Hodgkin-Huxley channels (dense in soma and axon, sparse in
    the dendrites), a step into the soma: the same 208 spikes (4 per compartment, at the
    same steps) and v within 1e-6 of its range at the soma, a dendritic tip and the axon's
    end, as Brian2 2.9."""
    path = Path(__file__).parents[1] / "data" / "spatial_cell.swc"
    neuron, spikes, mon, run = spatial_models.swc_active_cell(eqsim, path)
    run(backend=backend)
    ref = REF["swc_active"]
    assert len(ref["spike_i"]) == 208
    _check(mon, spikes, ref, ["v"])
