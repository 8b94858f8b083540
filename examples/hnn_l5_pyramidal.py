"""The layer 5 pyramidal cell of Jones et al. 2009 as HNN-core 0.6 defines it, written as
eqsim equations, and its somatic response to current steps.

Geometry (section lengths, diameters, connectivity, NEURON's ``nseg`` rule) and channel
densities are HNN-core's published defaults (``hnn_core/params_default.py``,
``hnn_core/cells_default.py``); the kinetics are those of HNN-core's mod files (hh2, ca,
cad, kca, km, cat, ar), rewritten here as equations, with their Q10 factors at HNN-core's
37 degC. See docs/spatial.md ("The HNN-core L5 pyramidal cell").

    python examples/hnn_l5_pyramidal.py --out l5.png   # 3 steps: spike times, a plot
"""
from __future__ import annotations

import numpy as np

from eqsim import (Cylinder, Network, SpatialNeuron, SpikeMonitor, StateMonitor, amp, cm,
                   mV, ms, nA, ohm, siemens, uF, um)

CELSIUS = 37.0                    # HNN-core's net._params["celsius"]
FARADAY = 96485.33212             # C/mol (NEURON 8's CODATA 2018 constants)
R_GAS = 8.314462618               # J/(mol K)

# HNN-core 0.6 get_L5Pyr_params_default(): (length um, diameter um)
GEOMETRY = {
    "soma": (39.0, 28.9), "apical_trunk": (102.0, 10.2), "apical_1": (680.0, 7.48),
    "apical_2": (680.0, 4.93), "apical_tuft": (425.0, 3.4), "apical_oblique": (255.0, 5.1),
    "basal_1": (85.0, 6.8), "basal_2": (255.0, 8.5), "basal_3": (255.0, 8.5),
}
# cells_default._cell_L5Pyr: initial v (mV) by section (h.finitialize() keeps them)
V_INIT = {"soma": -72.0, "apical_trunk": -72.0, "apical_1": -71.32, "apical_2": -69.08,
          "apical_tuft": -67.30, "apical_oblique": -72.0, "basal_1": -72.0,
          "basal_2": -72.0, "basal_3": -72.0}
# densities: soma / dendrites (S/cm2 for hh2 and cat, pS/um2 for ca, kca, km; as the mods)
SOMA = dict(gkbar=0.01, gnabar=0.16, el=-65.0, gl=4.26e-5, gca=60.0, kca=2e-4, km=200.0,
            cat=2e-4)
DEND = dict(gkbar=0.01, gnabar=0.14, el=-71.0, gl=4.26e-5, gca=60.0, kca=2e-4, km=200.0,
            cat=2e-4)
TAUR_CAD = 20.0                   # ms, soma and dendrites
CM, RA = 0.85, 200.0              # uF/cm2, ohm*cm everywhere


def nseg(length_um: float) -> int:
    """HNN-core's compartments per section (cell._get_nseg): L/50, odd, 1 up to 100 um."""
    if length_um <= 100.0:
        return 1
    n = int(length_um / 50.0)
    return n + 1 if n % 2 == 0 else n


# Kinetics of HNN-core's mod files; vm is v in mV, rates in 1/ms. Currents inward positive.
MODEL = """
Im = gnabar*m**3*h*(ENa - v) + gkbar*n**4*(EK - v) + gl*(el - v)
     + 1e-4*siemens/cm**2*tadj*(gca*mca**2*hca*(eca - v) + (gkca*nkca + gkm*nkm)*(EK - v))
     + gcat*mcat**2*hcat*(ECAT - v) + gar*mar*(EAR - v) : amp/meter**2
I : amp (point current)
vm = v/mV : 1
eca = RT2F*log(CAO/ca) : volt
ica = 1e-4*siemens/cm**2*tadj*gca*mca**2*hca*(v - eca) : amp/meter**2
# hh2 (q10 = 3**((celsius - 6.3 - 30.7)/10))
dm/dt = q10hh*(am*(1 - m) - bm*m)/ms : 1
dh/dt = q10hh*(ah*(1 - h) - bh*h)/ms : 1
dn/dt = q10hh*(an*(1 - n) - bn*n)/ms : 1
am = 0.1*10/exprel(-(vm + 40)/10) : 1
bm = 4*exp(-(vm + 65)/18) : 1
ah = 0.07*exp(-(vm + 65)/20) : 1
bh = 1/(exp(-(vm + 35)/10) + 1) : 1
an = 0.01*10/exprel(-(vm + 55)/10) : 1
bn = 0.125*exp(-(vm + 65)/80) : 1
# ca (HVA, tadj = 2.3**((celsius - 23 - 30.7)/10), also scales the conductance)
dmca/dt = tadj*(aca*(1 - mca) - bca*mca)/ms : 1
dhca/dt = tadj*(ahca*(1 - hca) - bhca*hca)/ms : 1
aca = 0.055*3.8/exprel((-27 - vm)/3.8) : 1
bca = 0.94*exp((-75 - vm)/17) : 1
ahca = 0.000457*exp((-13 - vm)/50) : 1
bhca = 0.0065/(exp((-vm - 15)/28) + 1) : 1
# cad: shell of depth 0.1 um, pump to cainf with taur (inward ica only)
dca/dt = clip(-ica/(2*FARADAY*DEPTH), 0*mmolar/ms, 1e30*mmolar/ms) + (CAINF - ca)/taur : mmolar
# kca (Ca-activated K) and km (muscarinic K), same tadj
dnkca/dt = tadj*(0.01*(ca/mmolar)*(1 - nkca) - 0.02*nkca)/ms : 1
dnkm/dt = tadj*(akm*(1 - nkm) - bkm*nkm)/ms : 1
akm = 0.001*9/exprel(-(vm + 30)/9) : 1
bkm = 0.001*9/exprel((vm + 30)/9) : 1
# cat (T-type, no temperature factor, nonspecific current to 125 mV)
dmcat/dt = (mcatinf - mcat)/(mcattau*ms) : 1
dhcat/dt = (hcatinf - hcat)/(hcattau*ms) : 1
mcatinf = 1/(1 + exp((-vm - 56)/6.2)) : 1
mcattau = 0.204 + 0.333/(exp((vm + 15.8)/18.2) + exp((-vm - 131)/16.7)) : 1
hcatinf = 1/(1 + exp((vm + 80)/4)) : 1
hcattau = int(vm < -81)*0.333*exp((vm + 466)/66.6) + int(vm >= -81)*(9.32 + 0.333*exp((-vm - 21)/10.5)) : 1
# ar (h current, to -35 mV)
dmar/dt = (marinf - mar)/(martau*ms) : 1
marinf = 1/(1 + exp((vm + 75)/5.5)) : 1
martau = 1/(exp(-14.6 - 0.086*vm) + exp(-1.87 + 0.07*vm)) : 1
gnabar : siemens/meter**2
gkbar : siemens/meter**2
gl : siemens/meter**2
el : volt
gca : 1
gkca : 1
gkm : 1
gcat : siemens/meter**2
gar : siemens/meter**2
taur : second
q10hh : 1 (constant)
tadj : 1 (constant)
RT2F : volt (constant)
"""


def namespace() -> dict:
    """Constants of the mod files (NEURON's default ena, ek and cao)."""
    from eqsim import mmolar, mol, second
    return dict(ENa=50 * mV, EK=-77 * mV, ECAT=125 * mV, EAR=-35 * mV, CAO=2.0 * mmolar,
                FARADAY=FARADAY * amp * second / mol, DEPTH=0.1 * um, CAINF=1e-4 * mmolar)


def temperature_factors(celsius) -> dict:
    """The mods' temperature terms: hh2's q10 = 3**((celsius - 6.3 - 30.7)/10); ca, km
    and kca's tadj = 2.3**((celsius - 23 - 30.7)/10); RT/2F of eca's Nernst potential."""
    from eqsim import volt
    celsius = np.asarray(celsius, dtype=float)
    return dict(q10hh=3.0 ** ((celsius - 6.3 - 30.7) / 10),
                tadj=2.3 ** ((celsius - 23 - 30.7) / 10),
                RT2F=R_GAS * (celsius + 273.15) / (2 * FARADAY) * volt)


def morphology():
    """HNN-core's L5 tree. NEURON attaches basal_1 to soma(0) and apical_trunk to
    soma(1); eqsim attaches children at a section's end, so the tree is rooted at the
    tip of basal_2 and the uniform cylinders basal_2 and basal_1 are traversed backwards
    (electrically the same). Returns the morphology and each section's object."""
    def cyl(name):
        length, diam = GEOMETRY[name]
        return Cylinder(diameter=diam * um, length=length * um, n=nseg(length), type="dend")
    s = {name: cyl(name) for name in GEOMETRY}
    root = s["basal_2"]
    root.basal_3 = s["basal_3"]
    root.basal_1 = s["basal_1"]
    s["basal_1"].soma = s["soma"]
    s["soma"].apical_trunk = s["apical_trunk"]
    s["apical_trunk"].apical_1 = s["apical_1"]
    s["apical_trunk"].apical_oblique = s["apical_oblique"]
    s["apical_1"].apical_2 = s["apical_2"]
    s["apical_2"].apical_tuft = s["apical_tuft"]
    return root, s


def ar_distance(name: str, n: int) -> np.ndarray:
    """HNN-core's distance (um) of each compartment centre from soma(0), used for
    gbar_ar = 1e-6*exp(3e-3*x) (cells_default: _exp_g_at_dist)."""
    L = GEOMETRY[name][0]
    start = {"soma": 0.0, "basal_1": 0.0, "basal_2": 85.0, "basal_3": 85.0,
             "apical_trunk": 39.0, "apical_1": 141.0, "apical_oblique": 141.0,
             "apical_2": 821.0, "apical_tuft": 1501.0}[name]
    return start + (np.arange(n) + 0.5) / n * L


def build(currents_nA, dt=0.025, celsius=CELSIUS):
    """One SpatialNeuron with a copy of the cell per current amplitude (``celsius``: one
    temperature, or one per cell). Returns the neuron, the soma's compartment index, the
    section slices and the compartments per cell."""
    root, secs = morphology()
    k = len(currents_nA)
    slices = _slices(root, secs)
    neuron = SpatialNeuron(root, MODEL, Cm=CM * uF / cm ** 2, Ri=RA * ohm * cm,
                           method="exponential_euler", threshold="v > 0*mV",
                           refractory="v > 0*mV", threshold_location=slices["soma"].start,
                           namespace=namespace(), dt=dt * ms, cells=k)
    ncomp = root.total_compartments
    S = siemens / cm ** 2
    for name, sl in slices.items():
        p = SOMA if name == "soma" else DEND
        idx = (np.arange(k)[:, None] * ncomp + np.arange(sl.start, sl.stop)[None, :]).ravel()
        n = sl.stop - sl.start
        gar = 1e-6 if name == "soma" else 1e-6 * np.exp(3e-3 * ar_distance(name, n))
        vals = dict(gnabar=p["gnabar"] * S, gkbar=p["gkbar"] * S, gl=p["gl"] * S,
                    el=p["el"] * mV, gca=p["gca"], gkca=p["kca"], gkm=p["km"],
                    gcat=p["cat"] * S, gar=np.tile(gar, k) * S, taur=TAUR_CAD * ms,
                    v=V_INIT[name] * mV)
        for var, val in vals.items():
            getattr(neuron, var)[idx] = val
    celsius = np.broadcast_to(np.asarray(celsius, dtype=float), (k,))
    for var, val in temperature_factors(np.repeat(celsius, ncomp)).items():
        setattr(neuron, var, val)
    _initial_state(neuron)
    return neuron, slices["soma"].start, slices, ncomp


def _slices(root, secs) -> dict:
    """Index range of each named section: walk the tree depth first as eqsim numbers it."""
    by_id = {id(s): n for n, s in secs.items()}
    out, k = {}, 0

    def walk(sec):
        nonlocal k
        out[by_id[id(sec)]] = slice(k, k + sec.n)
        k += sec.n
        for child in sec.children:
            walk(child)
    walk(root)
    return out


def _initial_state(neuron) -> None:
    """NEURON's INITIAL blocks at the initial v: gates at steady state (cai = cainf for
    kca), except cat's m = 0 and ar's m = 0.25 (as the mod files set them)."""
    neuron.ca = "CAINF"
    neuron.m = "am/(am + bm)"
    neuron.h = "ah/(ah + bh)"
    neuron.n = "an/(an + bn)"
    neuron.mca = "aca/(aca + bca)"
    neuron.hca = "ahca/(ahca + bhca)"
    neuron.nkm = "akm/(akm + bkm)"
    neuron.nkca = "0.01*(ca/mmolar)/(0.01*(ca/mmolar) + 0.02)"
    neuron.mcat = 0
    neuron.hcat = "hcatinf"
    neuron.mar = 0.25


REVERSED = ("basal_2", "basal_1")   # traversed from NEURON's 1 end to its 0 end


def compartment(slices: dict, section: str, x: float) -> int:
    """The compartment (within a cell) holding NEURON's location ``section(x)``."""
    sl = slices[section]
    n = sl.stop - sl.start
    k = min(int(x * n), n - 1)
    return sl.start + (n - 1 - k if section in REVERSED else k)


def run_steps(currents_nA=(0.1, 0.5, 1.0), t_on=100.0, t_off=400.0, t_stop=500.0,
              dt=0.025, record_dt=0.25, celsius=CELSIUS, backend=None, sites=None):
    """Steps of ``currents_nA`` into the soma from t_on to t_off (ms). Returns
    (t in ms, soma v in mV per step, spike times in ms per step), and with ``sites``
    (``{name: (section, x)}``) a fourth item: ``{name: v in mV per step}`` there."""
    neuron, soma, slices, ncomp = build(currents_nA, dt=dt, celsius=celsius)
    k = len(currents_nA)
    soma_idx = [c * ncomp + soma for c in range(k)]
    sites = sites or {}
    where = {name: [c * ncomp + compartment(slices, *loc) for c in range(k)]
             for name, loc in sites.items()}
    mon = StateMonitor(neuron, "v", record=soma_idx + sum(where.values(), []),
                       dt=record_dt * ms)
    spikes = SpikeMonitor(neuron)
    net = Network(neuron, mon, spikes)
    kw = {} if backend is None else {"backend": backend}
    net.run(t_on * ms, **kw)
    for c, a in enumerate(currents_nA):
        neuron.I[soma_idx[c]] = a * nA
    net.run((t_off - t_on) * ms, **kw)
    neuron.I = 0 * amp
    net.run((t_stop - t_off) * ms, **kw)
    i, t = np.asarray(spikes.i), np.asarray(spikes.t / ms)
    trains = [np.sort(t[i == s]) for s in soma_idx]
    v = np.asarray(mon.v / mV)
    if not sites:
        return np.asarray(mon.t / ms), v, trains
    extra = {name: v[k * (j + 1):k * (j + 2)] for j, name in enumerate(sites)}
    return np.asarray(mon.t / ms), v[:k], trains, extra


def main() -> None:
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=500.0,
                        help="ms; the step lasts from 20%% to 80%% of it (default 500)")
    parser.add_argument("--currents", type=float, nargs="+", default=[0.1, 0.5, 1.0],
                        help="step amplitudes in nA, one cell each")
    parser.add_argument("--out", default="hnn_l5_pyramidal.png")
    args = parser.parse_args()
    d = args.duration
    t, v, trains = run_steps(args.currents, t_on=0.2 * d, t_off=0.8 * d, t_stop=d)
    for a, tr in zip(args.currents, trains):
        print(f"{a:g} nA: {len(tr)} spikes at {np.round(tr, 3).tolist()} ms")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 4))
    for a, vv in zip(args.currents, v):
        ax.plot(t, vv, lw=0.8, label=f"{a:g} nA")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("soma V_m (mV)")
    ax.set_title("HNN-core L5 pyramidal cell (eqsim)")
    ax.legend()
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
