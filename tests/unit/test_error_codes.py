"""Every error code in eqsim has a trigger here, and docs/errors.md lists every code."""
import re
import stat

import numpy as np
import pytest
import sympy as sp

import eqsim as eq
from eqsim.codegen.printer import print_c
from eqsim.errors import EqsimError
from eqsim.parallel.partition import check_ranks
from eqsim.units import mV, ms, nA

from ..conftest import ROOT
from ..sonata.error_triggers import SONATA_TRIGGERS
from ._experiment_triggers import EXPERIMENT_TRIGGERS
from ._runs_triggers import RUNS_TRIGGERS
from ._pynn_triggers import PYNN_TRIGGERS
from ._drive_triggers import DRIVE_TRIGGERS
from ._spatial_triggers import SPATIAL_TRIGGERS
from ._meanfield_triggers import MEANFIELD_TRIGGERS
from ._zoo_triggers import ZOO_TRIGGERS
from ._pynn_model_triggers import PYNN_MODEL_TRIGGERS
from ._mpiwin_triggers import MPIWIN_TRIGGERS
from ._count_triggers import COUNT_TRIGGERS

M = "dv/dt = -v/tau : volt"
NS = {"tau": 10 * ms}


def _nest():
    from eqsim.models import nest
    return nest


def group(model=M, **kw):
    kw.setdefault("namespace", NS)
    return eq.NeuronGroup(2, model, **kw)


def run(*objects, **kw):
    eq.Network(*objects).run(1 * ms, **kw)


def _linked_in_synapses():
    src = group(threshold="v > 1*mV")
    tgt = group("u : volt (linked)\nx : volt")
    tgt.u = eq.linked_var(src, "v")
    S = eq.Synapses(src, tgt, on_pre="x_post += u_post")
    S.connect(j="i")
    run(src, tgt, S)


def _stale_synaptic_subgroup():
    S = eq.Synapses(spiking(), spiking(), on_pre="v_post += 1*mV")
    S.connect(j="i")
    sub = S[0, :]
    S.connect(i=0, j=1)
    return S.indices[sub]


def _run_args_not_a_variable():
    from eqsim import preferences
    preferences.set_device("cpp_standalone", build_on_run=False)
    try:
        G = group()
        net = eq.Network(G)
        net.run(0.1 * ms)
        preferences.device.run(run_args={"v": 1})
    finally:
        preferences.reinit_devices()


def _gcc_that_cannot_start(tmp_path, monkeypatch):
    fake = tmp_path / "fakecc"
    fake.write_bytes(b"\x00\x01not a program")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("EQSIM_CC", str(fake))
    monkeypatch.setenv("EQSIM_CACHE_DIR", str(tmp_path / "c"))
    run(group(M.replace("10", "11")))


def _stale_synapses_target():
    G = group(threshold="v > 10*mV")
    S = eq.Synapses(G, G, "w : 1", on_pre="v_post += w*mV")
    S.connect(i=0, j=1)
    R = eq.Synapses(G, S, on_pre="w_post += 1")
    R.connect()
    S.connect(i=0, j=0)   # renumbers the synapses R acts on
    run(G, S, R, backend="numpy")


def _stale_synapses_source():
    G = group("v : volt")
    S = eq.Synapses(G, G, "w : 1")
    S.connect(i=0, j=1)
    R = eq.Synapses(S, G, "v_post = w_pre*mV : volt (summed)")
    R.connect()
    S.connect(i=1, j=0)   # renumbers the synapses R reads
    run(G, S, R, backend="numpy")


def _write_synapse_indices():
    G = group("v : volt")
    S = eq.Synapses(G, G)
    S.connect()
    S.j[0, :] = 1


def _threshold_after_propagation_on_ranks(tp, mp):
    G = group(threshold="v > 1*mV")
    S = eq.Synapses(G, G, on_pre="v_post += 1*mV")
    S.connect(i=[0], j=[1])
    G.thresholder["spike"].when = "end"
    eq.Network(G, S).build("mpi")


class _FakeRank:
    """What world() returns on rank 0 of a 2-rank MPI job (no MPI needed)."""
    rank, size = 0, 2


def _mpi_without_mpi4py(tmp_path, monkeypatch):
    import sys
    from eqsim.parallel import comm
    monkeypatch.setenv("PMI_SIZE", "2")
    monkeypatch.setattr(comm, "_WORLD", None)
    monkeypatch.setitem(sys.modules, "mpi4py", None)   # import mpi4py fails
    comm.world()


def _single_process_run_on_a_rank(tmp_path, monkeypatch):
    from eqsim.runtime import network
    G = group(threshold="v > 10*mV")
    S = eq.Synapses(G, G, on_pre="v_post += 1*mV")
    S.connect()
    monkeypatch.setattr(network, "world", lambda: _FakeRank())
    run(G, S)


def _pre_variables_on_ranks():
    G = group(threshold="v > 10*mV")
    S = eq.Synapses(G, G, on_pre="v_post += v_pre")
    S.connect()
    run(G, S, backend="mpi")


def _sympy_failure(tmp_path, monkeypatch):
    def boom(self, *a, **k):
        raise ValueError("simulated failure")
    monkeypatch.setattr(sp.Matrix, "exp", boom)
    monkeypatch.setenv("EQSIM_CACHE_DIR", str(tmp_path / "c"))
    # coupled both ways (not triangular): only sympy's matrix exponential solves it
    G = group("dv/dt = (w - v)/tau : volt\ndw/dt = (v - w)/(3*ms) : volt", method="exact")
    eq.Network(G).build("numpy")


def _no_cache_dir(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("EQSIM_CACHE_DIR", str(blocker / "sub"))
    run(group(M.replace("tau", "(12*ms)"), namespace={}))


def _namespace_entry_removed(tmp_path, monkeypatch):
    ns = {"tau": 10 * ms}
    G = group(namespace=ns)
    net = eq.Network(G)
    net.run(1 * ms)
    del ns["tau"]
    net.run(1 * ms)


def _namespace_units_changed(tmp_path, monkeypatch):
    ns = {"tau": 10 * ms}
    G = group(namespace=ns)
    net = eq.Network(G)
    net.run(1 * ms)
    ns["tau"] = 10 * mV
    net.run(1 * ms)


def _blow_up(tmp_path, monkeypatch):
    G = group("dv/dt = v*v/(mV*ms) : volt", method="euler", namespace={})
    G.v = 5 * mV
    eq.Network(G).run(5 * ms)


def spiking(extra=""):
    return group(M + ("\n" + extra if extra else ""), threshold="v > 1*mV",
                 reset="v = 0*mV")


def run_syn(model, **kw):
    G = spiking()
    S = eq.Synapses(G, G, model, namespace=NS, **kw)
    S.connect(j="i")
    run(G, S)


def _negative_delay(tmp_path, monkeypatch):
    S = eq.Synapses(spiking(), spiking(), on_pre="v += 1*mV")
    S.connect()
    S.delay = "-1*ms + 0*ms*i"


def _magic_mix():
    eq.start_scope()
    G = eq.NeuronGroup(1, "dv/dt = -v/(10*ms) : 1")
    eq.run(0.1 * ms)
    H = eq.NeuronGroup(1, "dv/dt = -v/(10*ms) : 1")   # noqa: F841 (collected by run)
    eq.run(0.1 * ms)


def _delays_beyond_compiled_types():
    """The guard between the delivery index and the code made for it (Network makes
    them agree: the delays are counted in steps of the network's dt for both)."""
    from eqsim.runtime.compact_delays import check_fits
    index = {"delay_steps": np.zeros(3, np.uint16), "order": None}
    check_fits(index, "per_synapse/uint8_t/-", "s")


TRIGGERS = {
    "E101": lambda tp, mp: group("dv/dt = (1 + : volt"),
    "E102": lambda tp, mp: group("dv/dt = " + "-" * 200 + "v/tau : volt"),
    "E103": lambda tp, mp: group("dv/dt = v.real/tau : volt"),
    "E104": lambda tp, mp: group("dv/dt = foo(v)/tau : volt"),
    "E105": lambda tp, mp: group("dv/dt = exp(v/mV, 2)*mV/tau : volt"),
    "E106": lambda tp, mp: group(threshold="v > 0*mV", reset="v > 3*mV"),
    "E107": lambda tp, mp: group("dv/dt = -v/taux : volt"),
    "E108": lambda tp, mp: group("dv/dt = -v/tau : mV"),
    "E109": lambda tp, mp: group("dv/dt = -v/tau : volt (unless bored)"),
    "E110": lambda tp, mp: group("v : volt\nv : volt"),
    "E111": lambda tp, mp: group("N : 1"),
    "E112": lambda tp, mp: group("dv/dt = -v/tau"),
    "E113": lambda tp, mp: group("a = b : 1\nb = a : 1"),
    "E114": lambda tp, mp: group("n = xi*sqrt(ms) : 1"),
    "E115": lambda tp, mp: group(threshold="v"),
    "E116": lambda tp, mp: group(threshold="v > 0*mV", reset="tau = 1*ms"),
    "E117": lambda tp, mp: group(namespace={"tau": "10 ms"}),
    "E201": lambda tp, mp: group("dv/dt = (v + 1*nA)/tau : volt"),
    "E202": lambda tp, mp: group("dv/dt = exp(v)/tau : volt"),
    "E203": lambda tp, mp: group("dv/dt = v**(v/mV)/tau : volt"),
    "E204": lambda tp, mp: setattr(group(), "v", 1 * nA),
    "E205": lambda tp, mp: group("dv/dt = -v : volt"),
    "E206": lambda tp, mp: group(threshold="v > 0*mV", refractory=3 * mV),
    "E207": _namespace_units_changed,
    "E301": lambda tp, mp: group(method="leapfrog"),
    "E302": lambda tp, mp: run(group("dv/dt = -v/tau + xi*xi*mV : volt")),
    "E303": _sympy_failure,
    "E304": lambda tp, mp: run(group("dv/dt = -v/tau + mV*xi/sqrt(tau) : volt",
                                     method="rk4")),
    "E305": lambda tp, mp: run(group("dv/dt = -v*v/(tau*mV) : volt", method="exact")),
    "E306": lambda tp, mp: run(group("dv/dt = -v/tau + v*xi/sqrt(tau) : volt",
                                     method="euler_maruyama")),
    "E310": lambda tp, mp: run(group("dv/dt = -v/tau + (xi_a + xi_b)*mV/sqrt(tau) : volt",
                                     method="milstein")),
    "E311": lambda tp, mp: run(group("dv/dt = (n - v)/tau : volt\nn = xi_p*mV*sqrt(ms) : volt",
                                     threshold="n > 1*mV")),
    "E312": lambda tp, mp: exec("from eqsim import *\nstart_scope()\n"
                                "G = NeuronGroup(1, 'dv/dt = late/(10*ms) : 1')\n"
                                "run(1*ms, backend='numpy')", {}),
    "E313": lambda tp, mp: exec("from eqsim import *\nNeuronGroup(1, 'v : 1', method='euler', "
                                "method_options={'simplify': True})", {}),
    "E401": lambda tp, mp: print_c(sp.Function("mystery")(sp.Symbol("x"))),
    "E402": lambda tp, mp: print_c(sp.Piecewise((1, sp.Symbol("x") > 0))),
    "E501": lambda tp, mp: (mp.setenv("EQSIM_CC", "no-such-cc"), run(group(
        M.replace("tau", "(17*ms)"), namespace={}))),
    "E502": _gcc_that_cannot_start,
    "E503": lambda tp, mp: (mp.setenv("EQSIM_EXTRA_CFLAGS", "-include /no/such.h"),
                            mp.setenv("EQSIM_CACHE_DIR", str(tp / "c")),
                            run(group())),
    "E511": _no_cache_dir,
    "E601": _blow_up,
    "E730": lambda tp, mp: eq.PoissonGroup(3, 5 * mV),
    "E118": lambda tp, mp: eq.Synapses(spiking(), spiking(), "v : volt",
                                       on_pre="v_post += v"),
    "E119": lambda tp, mp: eq.Synapses(spiking(), spiking(), "g_post = 1*mV : volt (summed)"),
    "E308": lambda tp, mp: run_syn("dx/dt = -x*x/tau : 1 (event-driven)", on_pre="x += 1"),
    "E740": lambda tp, mp: eq.Synapses(spiking(), spiking()).connect(i=[0, 1, 2], j=[0, 1]),
    "E741": lambda tp, mp: eq.Synapses(spiking(), spiking()).connect(p=1.5),
    "E742": lambda tp, mp: __import__("eqsim.runtime.connect", fromlist=["x"]).ring_lattice(
        5, 3),
    "E743": lambda tp, mp: eq.Synapses(group(), group(), on_pre="v += 1*mV"),
    "E744": lambda tp, mp: eq.Synapses(spiking(), spiking()).connect("i + j"),
    "E745": _negative_delay,
    "E707": lambda tp, mp: group()[::2],
    "E712": lambda tp, mp: eq.PopulationRateMonitor(spiking()).smooth_rate(),
    "E746": lambda tp, mp: eq.SpikeGeneratorGroup(2, [0, 1], [1 * ms]),
    "E209": lambda tp, mp: group("dv/dt = -v/tau : volt\nk = v // mV : 1"),
    "E208": lambda tp, mp: group("dv/dt = (f(t, i) - v)/tau : volt",
                                 namespace={"tau": 10 * ms,
                                            "f": eq.TimedArray([1, 2] * mV, 1 * ms)}),
    "E120": lambda tp, mp: group("dn/dt = 1/ms : integer"),
    "E121": lambda tp, mp: group("u : volt (linked, shared)"),
    "E122": lambda tp, mp: run(group("u : volt (linked)")),
    "E123": lambda tp, mp: group("a : 1\nm = 2*a : 1 (shared)"),
    "E124": lambda tp, mp: group("m = rand() : 1 (shared)"),
    "E125": lambda tp, mp: _linked_in_synapses(),
    "E126": lambda tp, mp: group("dv/dt = -v/tau : volt\nx : 1 (shared)").run_regularly(
        "v = 0*mV\nx = 1"),
    "E127": lambda tp, mp: group("dv/dt = -v/tau : volt\nx : 1 (shared)").run_regularly(
        "x = v/mV"),
    "E128": lambda tp, mp: eq.Synapses(spiking(), spiking("x : 1 (shared)"),
                                       on_pre="x_post += 1"),
    "E130": lambda tp, mp: eq.Network(group(name="g"))["h"],
    "E131": lambda tp, mp: _stale_synaptic_subgroup(),
    "E132": lambda tp, mp: (eq.reinit_devices(), eq.device.run()),
    "E133": lambda tp, mp: _run_args_not_a_variable(),
    "E747": lambda tp, mp: eq.TimedArray([], 1 * ms),
    "E748": lambda tp, mp: eq.PoissonInput(group(), "u", 10, 5 * eq.units.Hz, 1 * mV),
    "E701": lambda tp, mp: eq.Network(group()).run(-1 * ms),
    "E702": lambda tp, mp: eq.NeuronGroup(-1, M),
    "E703": lambda tp, mp: eq.NeuronGroup(1, M, name="1st", namespace=NS),
    "E704": lambda tp, mp: setattr(group(), "u", 3),
    "E705": lambda tp, mp: setattr(group(), "v", np.ones(5) * mV),
    "E706": _namespace_entry_removed,
    "E710": lambda tp, mp: eq.SpikeMonitor(group()),
    "E711": lambda tp, mp: eq.StateMonitor(group(), "w"),
    "E720": lambda tp, mp: eq.Network("not an object"),
    "E721": lambda tp, mp: run(eq.NeuronGroup(1, "v : 1", name="a"),
                               eq.NeuronGroup(1, "v : 1", name="a")),
    "E722": lambda tp, mp: run(eq.StateMonitor(group(), "v")),
    "E723": lambda tp, mp: run(),
    "E724": lambda tp, mp: run(eq.NeuronGroup(1, "v : 1", dt=0.1 * ms),
                               eq.NeuronGroup(1, "v : 1", dt=0.15 * ms)),
    "E725": lambda tp, mp: run(group(), backend="fortran"),
    "E726": lambda tp, mp: eq.Network(group()).restore("nothing"),
    "E727": lambda tp, mp: run(group(), report="loud"),
    "E749": lambda tp, mp: eq.Network(group()).run(1 * ms, threads=0),
    "E880": lambda tp, mp: _delays_beyond_compiled_types(),
    "E750": lambda tp, mp: eq.Synapses(group(threshold="v > 10*mV"), model="w : 1",
                                       on_pre="v_post += w*mV", dtype={"w": "int32"}),
    "E731": lambda tp, mp: eq.Synapses(group(threshold="v > 10*mV")).connect(
        j="k for k in zip(i)"),
    "E732": lambda tp, mp: eq.Synapses(group(threshold="v > 10*mV")).connect(
        j="k for k in range(i-1, i+2)"),
    "E733": lambda tp, mp: eq.Synapses(group(threshold="v > 10*mV")).connect(
        j="k for k in sample(N_post, size=3)"),
    "E734": lambda tp, mp: group().v.__setitem__("v + 1*mV", 1 * mV),
    "E735": lambda tp, mp: group().v[:1].__setitem__("i > 0", 1 * mV),
    "E737": lambda tp, mp: eq.Synapses(group(threshold="v > 10*mV"),
                                       on_pre={"up": "v_post += 1*mV"},
                                       delay={"down": 1 * ms}),
    "E738": lambda tp, mp: eq.Synapses(group(threshold="v > 10*mV"),
                                       on_post={"back": "v_pre += 1*mV"},
                                       delay={"back": 1 * ms}),
    "E751": lambda tp, mp: eq.Synapses(group(threshold="v > 10*mV"),
                                       eq.Synapses(group(threshold="v > 10*mV")),
                                       on_post="v_pre += 1*mV"),
    "E752": lambda tp, mp: _stale_synapses_target(),
    "E753": lambda tp, mp: eq.Synapses(eq.Synapses(group(threshold="v > 10*mV")),
                                       group(), on_pre="v_post += 1*mV"),
    "E754": lambda tp, mp: _stale_synapses_source(),
    "E755": lambda tp, mp: _write_synapse_indices(),
    "E756": lambda tp, mp: run(g := group(), eq.Synapses(g, g, "x : 1 (linked)")),
    "E760": lambda tp, mp: check_ranks(3, 4),
    "E761": lambda tp, mp: _pre_variables_on_ranks(),
    "E762": _mpi_without_mpi4py,
    "E763": _single_process_run_on_a_rank,
    "E764": lambda tp, mp: eq.run_trials(lambda seed: group(), seeds=[1], duration=1 * ms),
    "E766": lambda tp, mp: _magic_mix(),
    "E765": lambda tp, mp: eq.run_trials(lambda seed: 1 / 0, seeds=[1], duration=1 * ms),
    "E140": lambda tp, mp: eq.Equations("dv/dt = -v/tau : volt", v=5 * mV),
    "E141": lambda tp, mp: eq.Equations("dv/dt = -v/tau : volt", tau=[1, 2] * ms),
    "E210": lambda tp, mp: eq.units.Quantity([1 * mV, 1 * nA]),
    "E801": lambda tp, mp: setattr(eq.prefs.codegen, "targte", "numpy"),
    "E802": lambda tp, mp: setattr(eq.prefs.codegen, "target", "fortran"),
    "E803": lambda tp, mp: eq.set_device("fpga"),
    "E770": lambda tp, mp: setattr(eq.Network(group()), "schedule", ["start", "end"]),
    "E771": lambda tp, mp: run(eq.StateMonitor(g := group(), "v", when="later"), g),
    "E772": lambda tp, mp: group(order="first"),
    "E773": _threshold_after_propagation_on_ranks,
    "E774": lambda tp, mp: group().run_regularly(42),
    "E775": lambda tp, mp: group(events={"spike": "v > 1*mV"}),
    "E776": lambda tp, mp: group().run_on_event("up", "v = 0*mV"),
    "E777": lambda tp, mp: eq.EventMonitor(group(), "up"),
    "E778": lambda tp, mp: eq.network_operation(3),
    "E779": lambda tp, mp: eq.Network(group(), eq.network_operation(lambda: None)).build(
        "mpi"),
    "E940": lambda tp, mp: _nest().neuron_group("iaf_psc_alfa", 1),
    "E941": lambda tp, mp: _nest().neuron_group("iaf_psc_alpha", 1, {"tau_mem": 10.0}),
    "E942": lambda tp, mp: _nest().neuron_group("iaf_psc_alpha", 1, {"V_reset": -50.0}),
    "E943": lambda tp, mp: _nest().synapses(g := _nest().neuron_group("iaf_psc_alpha", 1),
                                            g, "stdp_hom", i=[0], j=[0], weight=1.0,
                                            delay=1.0),
    "E944": lambda tp, mp: _nest().synapses(g := _nest().neuron_group("iaf_psc_alpha", 1),
                                            g, i=[0], j=[0], weight=1.0, delay=0.01),
    "E945": lambda tp, mp: _nest().target_kind(group()),
    "E946": lambda tp, mp: _nest().synapses(g := _nest().neuron_group("parrot_neuron", 1),
                                            g, "stdp_synapse", i=[0], j=[0], weight=1.0,
                                            delay=1.0),
}
TRIGGERS.update(SONATA_TRIGGERS)   # E900-E939: SONATA files, tests/sonata/

TRIGGERS.update(EXPERIMENT_TRIGGERS)   # E970-E989: labels, analysis, plots, spike files
TRIGGERS.update(DRIVE_TRIGGERS)   # E990-E998: eqsim.drives
TRIGGERS.update(SPATIAL_TRIGGERS)   # E947-E969: SpatialNeuron and morphologies
TRIGGERS.update(MEANFIELD_TRIGGERS)   # E923-E935: eqsim.meanfield

TRIGGERS.update(RUNS_TRIGGERS)   # E830-E849: runs in pieces, HDF5 run files, scans
TRIGGERS.update(ZOO_TRIGGERS)   # E870-E879: eqsim.zoo
TRIGGERS.update(PYNN_TRIGGERS)   # E841-E855: eqsim.pynn (skipped without PyNN)
TRIGGERS.update(PYNN_MODEL_TRIGGERS)   # E856-E865: eqsim.pynn.standardmodels (no E862)
TRIGGERS.update(MPIWIN_TRIGGERS)   # E890-E899: the compiled MPI window loop
TRIGGERS.update(COUNT_TRIGGERS)   # E804-E805: PoissonCountGroup


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_code_is_triggered(code, tmp_path, monkeypatch):
    with pytest.raises(EqsimError) as err:
        TRIGGERS[code](tmp_path, monkeypatch)
    codes = {err.value.code} | {e.code for e in getattr(err.value, "errors", [])}
    assert code in codes, str(err.value)
    assert f"[{err.value.code}]" in str(err.value)


def test_every_code_in_the_source_is_triggered_and_documented():
    source = "\n".join(p.read_text() for p in (ROOT / "eqsim").rglob("*.py"))
    used = set(re.findall(r'code="(E\d+)"', source))
    docs = set(re.findall(r"^\| (E\d+) \|", (ROOT / "docs" / "errors.md").read_text(),
                          re.M))
    assert used <= set(TRIGGERS), sorted(used - set(TRIGGERS))
    assert used <= docs, sorted(used - docs)
