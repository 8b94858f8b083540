"""Multicompartment models run by both eqsim (tests/spatial) and Brian2 2.9
(benchmarks/reference/brian2_spatial.py makes tests/data/brian2_spatial.json).

Each ``build_*`` takes the simulator's module (``eqsim`` or ``brian2``), makes its objects
and returns them with a ``run`` function, so that both sides run the same statements.
"""
from __future__ import annotations

import numpy as np

HH = """
Im = gl * (El-v) + gNa * m**3 * h * (ENa-v) + gK * n**4 * (EK-v) : amp/meter**2
I : amp (point current)
dm/dt = alpham * (1-m) - betam * m : 1
dn/dt = alphan * (1-n) - betan * n : 1
dh/dt = alphah * (1-h) - betah * h : 1
alpham = (0.1/mV) * 10*mV/exprel((-v+25*mV)/(10*mV))/ms : Hz
betam = 4 * exp(-v/(18*mV))/ms : Hz
alphah = 0.07 * exp(-v/(20*mV))/ms : Hz
betah = 1/(exp((-v+30*mV) / (10*mV)) + 1)/ms : Hz
alphan = (0.01/mV) * 10*mV/exprel((-v+10*mV)/(10*mV))/ms : Hz
betan = 0.125*exp(-v/(80*mV))/ms : Hz
gNa : siemens/meter**2
"""


def hh_axon(b, n: int = 200, length_cm: float = 2.0):
    """Hodgkin & Huxley's squid axon (radius 238 um, 6.3 degC kinetics), 100 um
    compartments, stimulated at one end: Brian2's hh_with_spikes, shortened."""
    ms, mV, um, cm, uA, amp = b.ms, b.mV, b.um, b.cm, b.uA, b.amp
    ns = dict(El=10.613 * mV, ENa=115 * mV, EK=-12 * mV, gl=0.3 * b.msiemens / cm ** 2,
              gK=36 * b.msiemens / cm ** 2)
    morpho = b.Cylinder(length=length_cm * cm, diameter=2 * 238 * um, n=n, type="axon")
    neuron = b.SpatialNeuron(morphology=morpho, model=HH, method="exponential_euler",
                             refractory="m > 0.4", threshold="m > 0.5",
                             Cm=1 * b.uF / cm ** 2, Ri=35.4 * b.ohm * cm, namespace=ns,
                             dt=0.01 * ms)
    neuron.v = 0 * mV
    neuron.h = 0.596
    neuron.m = 0.0529
    neuron.n = 0.3177
    neuron.I = 0 * amp
    neuron.gNa = 120 * b.msiemens / cm ** 2
    spikes = b.SpikeMonitor(neuron)
    mon = b.StateMonitor(neuron, ["v", "m"], record=[0, n // 2, n - 1], dt=0.1 * ms)
    net = b.Network(neuron, spikes, mon)

    def run(**kw):
        net.run(0.5 * ms, **kw)
        neuron.I[0] = 1 * uA
        net.run(3 * ms, **kw)
        neuron.I = 0 * amp
        net.run(4.5 * ms, **kw)
    return neuron, spikes, mon, run


BALL = """
Im = gL*(EL-v) + gNa*m*h*(ENa-v) + gK*n*(EK-v) + gs*(Es-v) : amp/meter**2
dm/dt = (minf-m)/(0.3*ms) : 1
dh/dt = (hinf-h)/(3*ms) : 1
dn/dt = (ninf-n)/(5*ms) : 1
dgs/dt = -gs/(2*ms) : siemens/meter**2
minf = 1/(1+exp((va-v)/ka)) : 1
hinf = 1/(1+exp((v-vi)/ki)) : 1
ninf = 1/(1+exp((vk-v)/kk)) : 1
I : amp (point current)
gNa : siemens/meter**2
gK : siemens/meter**2
"""


def branched(b):
    """A soma with an axon (a spike initiation zone), a tapering dendrite (Section) with
    two daughter branches, a synapse onto one branch and a current into the soma."""
    ms, mV, um, cm, nA, amp = b.ms, b.mV, b.um, b.cm, b.nA, b.amp
    gL = 1e-4 * b.siemens / cm ** 2
    ns = dict(gL=gL, EL=-70 * mV, ENa=50 * mV, ka=6 * mV, ki=6 * mV, va=-30 * mV,
              vi=-50 * mV, EK=-90 * mV, vk=-20 * mV, kk=8 * mV, Es=0 * mV)
    morpho = b.Soma(30 * um)
    morpho.axon = b.Cylinder(diameter=1 * um, length=300 * um, n=30)
    morpho.dend = b.Section(diameter=[4, 3.5, 3, 2.5, 2] * um, n=4,
                            length=[20, 20, 20, 20] * um)
    morpho.dend.L = b.Cylinder(diameter=1.2 * um, length=100 * um, n=10)
    morpho.dend.R = b.Cylinder(diameter=0.8 * um, length=80 * um, n=8)
    neuron = b.SpatialNeuron(morphology=morpho, model=BALL, Cm=1 * b.uF / cm ** 2,
                             Ri=100 * b.ohm * cm, method="exponential_euler",
                             threshold="v > -20*mV", refractory="v > -40*mV",
                             threshold_location=morpho.axon[45 * um],
                             namespace=ns, dt=0.025 * ms)
    neuron.v = -65 * mV
    neuron.I = 0 * amp
    neuron.axon[30 * um:60 * um].gNa = 700 * gL
    neuron.axon[30 * um:60 * um].gK = 700 * gL
    inp = b.SpikeGeneratorGroup(1, [0, 0, 0], [2, 2.5, 3] * ms, dt=0.025 * ms)
    syn = b.Synapses(inp, neuron, on_pre="gs += 0.2*siemens/meter**2")
    syn.connect(i=0, j=int(morpho.dend.L[60 * um]._indices()))
    spikes = b.SpikeMonitor(neuron)
    rec = [0, int(morpho.axon[45 * um]._indices()), int(morpho.dend[30 * um]._indices()),
           int(morpho.dend.L[60 * um]._indices()), int(morpho.dend.R[70 * um]._indices())]
    mon = b.StateMonitor(neuron, ["v", "Ic"], record=rec, dt=0.1 * ms)
    net = b.Network(neuron, inp, syn, spikes, mon)

    def run(**kw):
        net.run(5 * ms, **kw)
        neuron.main.I = 0.4 * nA
        net.run(10 * ms, **kw)
        neuron.I = 0 * amp
        net.run(10 * ms, **kw)
    return neuron, spikes, mon, run


def synthetic_swc(seed: int = 7) -> str:
    """An SWC text of a made-up cell: a 3-point soma, two branching basal dendrites
    (type 3), an apical dendrite (4) with a tuft, an axon (2) and a stretch of a custom
    type (7); radii shrink along the branches. Deterministic (numpy's PCG64)."""
    import numpy as np
    rng = np.random.default_rng(seed)
    lines = ["# synthetic cell for eqsim's tests (tests/spatial/spatial_models.py)",
             "1 1 0 0 0 6 -1", "2 1 0 6 0 6 1", "3 1 0 -6 0 6 1"]
    count = [3]

    def add(kind, xyz, r, parent):
        count[0] += 1
        lines.append(f"{count[0]} {kind} {xyz[0]:.3f} {xyz[1]:.3f} {xyz[2]:.3f} "
                     f"{r:.3f} {parent}")
        return count[0]

    def branch(kind, start, direction, r, parent, points, depth):
        pos = np.array(start, dtype=float)
        for _ in range(points):
            step = direction * rng.uniform(6, 14) + rng.normal(0, 2, 3)
            pos = pos + step
            r = max(0.15, r * rng.uniform(0.85, 0.97))
            parent = add(kind, pos, r, parent)
        if depth > 0:
            for turn in (-0.6, 0.6):
                d = direction + turn * np.cross(direction, [0, 0, 1.0])
                branch(kind, pos, d / np.linalg.norm(d), r * 0.8, parent,
                       int(rng.integers(2, 5)), depth - 1)
        return parent

    branch(3, (8, 2, 0), np.array([1.0, 0.3, 0]), 1.2, 1, 4, 2)
    branch(3, (-8, 2, 0), np.array([-1.0, 0.4, 0.1]), 1.0, 1, 3, 1)
    branch(4, (0, 8, 0), np.array([0.1, 1.0, 0.2]), 2.0, 1, 6, 1)
    last = branch(2, (0, -8, 0), np.array([0.0, -1.0, 0.0]), 0.6, 1, 5, 0)
    branch(7, lines[-1].split()[2:5], np.array([0.0, -1.0, 0.3]), 0.5, last, 3, 0)
    return "\n".join(lines) + "\n"


def swc_cell(b, path):
    """The synthetic SWC cell, passive, a current into the tip of the first basal
    dendrite for 2 ms: v at the soma, at that tip and at the axon's end."""
    ms, mV, cm, nA, amp = b.ms, b.mV, b.cm, b.nA, b.amp
    morpho = b.Morphology.from_file(str(path))
    neuron = b.SpatialNeuron(morpho, "Im = gL*(EL - v) : amp/meter**2\n"
                                     "I : amp (point current)",
                             namespace={"gL": 1e-4 * b.siemens / cm ** 2, "EL": -70 * mV},
                             Cm=1 * b.uF / cm ** 2, Ri=150 * b.ohm * cm,
                             method="exponential_euler", dt=0.025 * ms)
    neuron.v = -70 * mV
    tip = int(morpho.dend.L.L._indices()[-1]) if morpho.dend.L.L.n > 1 else \
        int(morpho.dend.L.L._indices())
    axon_end = int(np.atleast_1d(morpho.axon._indices())[-1])
    mon = b.StateMonitor(neuron, "v", record=[0, tip, axon_end], dt=0.1 * ms)
    net = b.Network(neuron, mon)

    def run(**kw):
        neuron.I[tip] = 0.1 * nA
        net.run(2 * ms, **kw)
        neuron.I = 0 * amp
        net.run(3 * ms, **kw)
    return neuron, morpho, mon, run


def swc_active_cell(b, path):
    """The synthetic SWC cell with Hodgkin-Huxley channels (rates of Traub & Miles as in
    Brian2's COBAHH, resting near -65 mV): Na and K dense in the soma and axon, sparse in
    the dendrites; 0.3 nA into the soma for 15 ms: spikes at the soma and the axon's end,
    v at the soma, a basal tip and the axon's end."""
    ms, mV, cm, nA, amp = b.ms, b.mV, b.cm, b.nA, b.amp
    morpho = b.Morphology.from_file(str(path))
    eqs = """
    Im = gL*(EL - v) + gNa*m**3*h*(ENa - v) + gK*n**4*(EK - v) : amp/meter**2
    I : amp (point current)
    dm/dt = 0.32*(mV**-1)*4*mV/exprel((13*mV - v + VT)/(4*mV))/ms*(1 - m)
            - 0.28*(mV**-1)*5*mV/exprel((v - VT - 40*mV)/(5*mV))/ms*m : 1
    dn/dt = 0.032*(mV**-1)*5*mV/exprel((15*mV - v + VT)/(5*mV))/ms*(1 - n)
            - 0.5*exp((10*mV - v + VT)/(40*mV))/ms*n : 1
    dh/dt = 0.128*exp((17*mV - v + VT)/(18*mV))/ms*(1 - h)
            - 4/(1 + exp((40*mV - v + VT)/(5*mV)))/ms*h : 1
    gNa : siemens/meter**2
    gK : siemens/meter**2
    """
    ms_cm2 = b.msiemens / cm ** 2
    ns = {"gL": 0.05 * ms_cm2, "EL": -65 * mV, "ENa": 50 * mV, "EK": -90 * mV,
          "VT": -63 * mV}
    soma = 0
    axon_end = int(np.atleast_1d(morpho.axon._indices())[-1])
    tip = int(np.atleast_1d(morpho.dend.L.L._indices())[-1])
    neuron = b.SpatialNeuron(morpho, eqs, namespace=ns, Cm=1 * b.uF / cm ** 2,
                             Ri=100 * b.ohm * cm, method="exponential_euler",
                             threshold="v > -20*mV", refractory="v > -40*mV",
                             dt=0.025 * ms)
    neuron.v = -65 * mV
    neuron.m = 0.0
    neuron.h = 1.0
    neuron.n = 0.0
    neuron.gNa = 10 * ms_cm2
    neuron.gK = 3 * ms_cm2
    neuron.main.gNa = 100 * ms_cm2         # the soma
    neuron.main.gK = 30 * ms_cm2
    neuron.axon.gNa = 150 * ms_cm2         # the axon and the custom-type stretch after it
    neuron.axon.gK = 40 * ms_cm2
    spikes = b.SpikeMonitor(neuron)
    mon = b.StateMonitor(neuron, "v", record=[soma, tip, axon_end], dt=0.1 * ms)
    net = b.Network(neuron, spikes, mon)

    def run(**kw):
        net.run(2 * ms, **kw)
        neuron.I[soma] = 0.3 * nA
        net.run(15 * ms, **kw)
        neuron.I = 0 * amp
        net.run(3 * ms, **kw)
    return neuron, spikes, mon, run
