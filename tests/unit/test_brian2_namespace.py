"""``from eqsim import *`` gives a Brian2 script what ``from brian2 import *`` gives it.

Reference numbers come from Brian2 2.9 (tests/data/brian2_namespace.json, written by
benchmarks/reference/brian2_namespace.py); where a value is stated inline it was checked
in Brian2's venv the same way.
"""
import json
import logging

import numpy as np
import pytest

import eqsim
from eqsim.errors import ConfigurationError, DimensionError, EquationError

from ..conftest import ROOT, run_python

REF = json.loads((ROOT / "tests" / "data" / "brian2_namespace.json").read_text())
NS: dict = {}
exec("from eqsim import *", NS)


# ---- the names ------------------------------------------------------------------------

BRIAN2_SCRIPT_NAMES = """
plot figure subplot xlabel ylabel title legend show hist scatter axhline axvline plt np
numpy rand randn randint where full zeros ones linspace arange mean std sum array
concatenate cumsum diff sqrt exp log sin cos pi inf nan e arange isnan clip
ones_like zeros_like dot ptp exprel
NeuronGroup Synapses PoissonGroup SpikeGeneratorGroup PoissonInput TimedArray
SpikeMonitor StateMonitor PopulationRateMonitor Network run start_scope seed store restore
collect defaultclock Clock Equations prefs brian_prefs set_device get_device device
reinit_devices all_devices PreferenceError restore_initial_state BrianLogger get_logger
check_units Quantity Unit have_same_dimensions get_dimensions get_unit is_dimensionless
DimensionMismatchError fail_for_dimension_mismatch get_or_create_dimension in_unit
in_best_unit is_scalar_type timestep zero_celsius avogadro_constant boltzmann_constant
faraday_constant gas_constant electron_mass elementary_charge magnetic_constant
electric_constant molar_mass_constant euler exact exponential_euler heun milstein rk2 rk4
linear
amp ampere volt mV mvolt siemens nS farad pF uF ohm Mohm second ms msecond us hertz Hz kHz
metre meter cm mm um cm2 um2 cmetre2 umeter3 mmetre3 kelvin kilogram gram mole molar
mmolar umolar mM uM nM liter litre mliter coulomb joule watt pascal
""".split()


@pytest.mark.parametrize("name", BRIAN2_SCRIPT_NAMES)
def test_star_import_gives_the_name(name):
    assert name in NS, name


def test_all_is_consistent():
    assert len(eqsim.__all__) == len(set(eqsim.__all__))
    missing = [n for n in eqsim.__all__ if not hasattr(eqsim, n)]
    assert missing == []
    # eqsim's own names win over pylab's: seed is eqsim's, not numpy.random.seed
    assert NS["seed"] is eqsim.seed and NS["Network"] is eqsim.Network
    assert NS["max"] is max and NS["abs"] is abs and NS["round"] is round  # as in pylab
    assert NS["zeros"] is np.zeros and NS["rand"] is np.random.rand
    # pylab's sum is numpy's; it also sums a generator as numpy < 2.4 did
    assert NS["sum"](np.ones((2, 3)), axis=0).tolist() == [2, 2, 2]
    assert NS["sum"](x * 2 for x in range(4)) == 12


def test_import_does_not_load_matplotlib_until_used():
    code = ("import sys, time\nt = time.perf_counter()\nimport eqsim\n"
            "assert 'matplotlib' not in sys.modules\n"
            "from eqsim import *\nassert 'matplotlib' not in sys.modules\n"
            "import matplotlib; matplotlib.use('Agg')\n"
            "fig = figure(); plot([1, 2], [3, 4]); xlabel('t (ms)'); title('x')\n"
            "import matplotlib.pyplot as pyplot\n"
            "assert plt.gcf() is fig is pyplot.gcf()\n"
            "assert plt.subplots is pyplot.subplots\n"
            "assert rcParams['figure.dpi'] == pyplot.rcParams['figure.dpi']\n"
            "close('all'); print('ok')")
    out = run_python(code)
    assert out.returncode == 0, out.stderr
    assert "ok" in out.stdout


def test_np_is_unit_aware_numpy():
    np_ = NS["np"]
    mV = NS["mV"]
    assert np.allclose(np_.linspace(0 * mV, 10 * mV, 5) / mV, REF["linspace_mV"])
    assert np.allclose(np_.arange(0 * NS["ms"], 3 * NS["ms"], 1 * NS["ms"]) / NS["ms"],
                       REF["arange_ms"])
    assert np_.random is np.random and np_.float64 is np.float64


# ---- units and constants --------------------------------------------------------------

def test_every_brian2_unit_name_exists():
    from eqsim.units import UNITS
    missing = [n for n in REF["unit_names"] if n not in UNITS]
    assert missing == [], missing[:20]
    assert len(REF["unit_names"]) == 2067


@pytest.mark.parametrize("name", sorted(REF["units"]))
def test_unit_values_match_brian2(name):
    from eqsim.units import UNITS
    value, dims = REF["units"][name]
    q = UNITS[name]
    assert float(q) == pytest.approx(value, rel=1e-12)
    assert [float(x) for x in q.dim.exponents] == dims


def test_molar_is_mole_per_litre():
    from eqsim.units import UNITS
    assert float(UNITS["molar"]) == 1000.0 and float(UNITS["mM"]) == 1.0   # Brian2's values


@pytest.mark.parametrize("name", sorted(REF["constants"]))
def test_constants_match_brian2(name):
    value, dims = REF["constants"][name]
    q = NS[name]
    assert float(q) == pytest.approx(value, rel=1e-12)
    assert [float(x) for x in q.dim.exponents] == dims


def test_unit_names_work_in_model_strings():
    G = NS["NeuronGroup"](1, "dc/dt = -c/(10*ms) : mmolar\nA : metre2\nI_d : amp/metre**2\n"
                             "g : siemens/metre2\nphi : radian", namespace={})
    G.c = 2 * NS["uM"]
    G.g = 1 * NS["msiemens"] / NS["cm2"]
    assert float(G.c[0]) == pytest.approx(2e-3) and float(G.g[0]) == pytest.approx(10.0)


@pytest.mark.parametrize("expr, text", [
    ("5*mV/ms", "V/s"), ("3*siemens/meter**2", "S/m^2"), ("2*nA", "A"), ("4*Hz", "Hz"),
    ("1*uF/cm**2", "F/m^2"), ("2*joule/kelvin/mole", "J/(K mol)"), ("5*ms**2", "s^2"),
    ("1/mV", "1/V"), ("7*coulomb/mole", "C/mol"), ("3*amp/meter**2", "A/m^2"),
    ("2*ohm*cm", "ohm m"), ("2*nS/ms", "S/s"), ("1/second**0.5", "1/s^(1/2)"),
    ("2*mmolar", "mM"), ("1*volt**2", "V^2")])
def test_dimensions_are_written_as_people_write_them(expr, text):
    q = eval(expr, NS)
    assert str(q.dim) == text
    assert text in repr(q) or str(q.dim) == "A"


def test_error_messages_use_readable_units():
    G = NS["NeuronGroup"](1, "dv/dt = -v/(10*ms) : volt\nr : volt/second", namespace={})
    with pytest.raises(DimensionError, match=r"in V/s"):
        G.r = 3 * NS["mV"]
    with pytest.raises(EquationError, match="write 'volt/second'"):
        NS["NeuronGroup"](1, "x : mV/second", namespace={})
    with pytest.raises(EquationError, match=r"write 'siemens/metre\*\*2'"):
        NS["NeuronGroup"](1, "g : siemens/cmetre2", namespace={})   # as Brian2: base units


def test_declarations_round_trip():
    from eqsim.equations.parse import parse_equations
    for expr in ("5*mV/ms", "3*siemens/meter**2", "2*joule/kelvin/mole", "1/second**0.5",
                 "2*mmolar", "7*coulomb/mole"):
        dim = eval(expr, NS).dim
        parsed = parse_equations(f"x : {dim.declaration}")
        assert parsed["x"].dim == dim, (expr, dim.declaration)


# ---- Brian2's unit helpers and unit-aware functions ------------------------------------

def test_plain_zero_goes_with_any_unit_as_in_brian2():
    v = np.array([1.0, 2.0, 3.0]) * NS["mV"]
    rule = REF["zero_rule"]
    outcomes = {}
    for expr in ("v + 0", "v > 0", "v == 0", "v + 1", "v > 1"):
        try:
            eval(expr, {"v": v})
            outcomes[expr] = True
        except DimensionError:
            outcomes[expr] = False
    assert outcomes == {k: rule[k] for k in outcomes}
    assert NS["have_same_dimensions"](1 * NS["mV"], 0) is rule["same_dims(1*mV, 0)"]
    assert float(sum(v) / NS["mV"]) == REF["sum_builtin_mV"]


def test_plain_zero_in_a_model_string_is_an_error_as_in_brian2():
    # Brian2 2.9: threshold 'v > 0' for v in volt raises DimensionMismatchError
    with pytest.raises(DimensionError):
        NS["NeuronGroup"](1, "dv/dt = -v/(10*ms) : volt", threshold="v > 0", namespace={})


def test_assigning_plain_zero():
    G = NS["NeuronGroup"](3, "dv/dt = -v/(10*ms) : volt", namespace={})
    G.v = 5 * NS["mV"]
    G.v = 0
    assert np.all(G.v_ == 0)
    G.v = np.zeros(3)
    G[1:].v = 0
    with pytest.raises(DimensionError):
        G.v = 1   # Brian2 2.9 raises too


def test_unit_aware_functions_match_brian2():
    mV, ms = NS["mV"], NS["ms"]
    v = np.array([1.0, 2.0, 3.0]) * mV
    assert np.allclose(NS["linspace"](0 * mV, 10 * mV, 5) / mV, REF["linspace_mV"])
    assert np.allclose(NS["arange"](0 * ms, 3 * ms, 1 * ms) / ms, REF["arange_ms"])
    assert np.allclose(NS["where"](v > 1.5 * mV, v, 0 * mV) / mV, REF["where_mV"])
    assert float(NS["mean"](v) / mV) == pytest.approx(REF["mean_mV"])
    assert float(NS["std"](v) / mV) == pytest.approx(REF["std_mV"])
    assert np.allclose(np.clip(v, 1.5 * mV, 2.5 * mV) / mV, [1.5, 2.0, 2.5])
    assert NS["get_dimensions"](np.dot(v, v)) == (mV ** 2).dim
    assert not isinstance(NS["ones_like"](v), NS["Quantity"])   # Brian2: plain ones
    assert np.allclose(NS["Quantity"]([1 * NS["nA"], 0 * NS["uA"]]) / NS["nA"],
                       REF["list_quantity_nA"])
    with pytest.raises(DimensionError):
        NS["Quantity"]([1 * mV, 1 * NS["nA"]])


def test_check_units_decorator():
    check_units, mV, nA = NS["check_units"], NS["mV"], NS["nA"]

    @check_units(v=NS["volt"], I=NS["amp"], result=NS["volt"])
    def f(v, I):
        return v + I * 1 * NS["Mohm"]

    assert float(f(1 * mV, 1 * nA)) == pytest.approx(2e-3)
    with pytest.raises(NS["DimensionMismatchError"]):
        f(1 * nA, 1 * nA)

    @check_units(x=1, result=1)
    def g(x):
        return 2 * x
    assert g(3) == 6
    with pytest.raises(DimensionError):
        g(3 * mV)


def test_dimension_mismatch_error_catches_eqsim_errors():
    with pytest.raises(NS["DimensionMismatchError"]):
        NS["NeuronGroup"](1, "dv/dt = (v + 1*nA)/(10*ms) : volt", namespace={})
    with pytest.raises(NS["DimensionMismatchError"]):
        NS["fail_for_dimension_mismatch"](1 * NS["mV"], 1 * NS["nA"])
    assert NS["fail_for_dimension_mismatch"](1 * NS["mV"], 0)[0] == NS["mV"].dim
    assert NS["get_unit"](NS["mV"].dim) is NS["volt"]
    assert NS["is_dimensionless"](3) and not NS["is_dimensionless"](3 * NS["mV"])


def test_timestep_matches_brian2():
    ms = NS["ms"]
    got = [int(NS["timestep"](t * ms, 0.1 * ms))
           for t in (0.0, 0.05, 0.1, 0.15, 0.2999999, 1.26, -0.1)]
    assert got == REF["timestep"]


# ---- Equations ------------------------------------------------------------------------

def test_equations_rename_and_values():
    Equations, ms = NS["Equations"], NS["ms"]
    eqs = Equations("dv/dt = (I - v)/tau : volt\nI : volt", v="u")
    ref = REF["equations"]["rename"]
    assert [line.split(":")[0] for line in str(eqs).splitlines()] == \
        [line.split(":")[0] for line in ref.splitlines()]
    assert eqs.diff_eq_names == {"u"} and eqs.parameter_names == {"I"}
    eqs = Equations("dv/dt = -v/tau : volt", tau=5 * ms)
    assert str(eqs) == "dv/dt = -v/(0.005*second) : volt"   # Brian2: -v/(5. * msecond)
    assert str(Equations("dv/dt = (E - v)/tau : volt", E="E_L + 1*mV")) == \
        "dv/dt = ((E_L + 1*mV) - v)/tau : volt"
    assert sorted((Equations("dv/dt = -v/tau : volt") + Equations("w : 1")).names) == \
        REF["equations"]["concat_names"]
    both = Equations("dv/dt = -v/tau : volt") + "w : 1"
    assert isinstance(both, Equations) and both.names == {"v", "w"}
    with pytest.raises(EquationError) as err:
        Equations("dv/dt = (I - v)/tau : volt\nI : volt", I=5 * NS["mV"])
    assert err.value.code == "E140"
    with pytest.raises(EquationError) as err:
        Equations("x : 1") + Equations("x : 1")
    assert err.value.code == "E110"


def test_equations_wherever_a_model_string_goes():
    Equations, ms, mV = NS["Equations"], NS["ms"], NS["mV"]
    G = NS["NeuronGroup"](2, Equations("dv/dt = (I - v)/tau : volt", tau=5 * ms) +
                          "I : volt", method="exact", namespace={})
    G.I = 1 * mV
    net = NS["Network"](G)
    net.run(1 * ms, backend="numpy")
    assert float(G.v[0] / mV) == pytest.approx(1 - np.exp(-1 / 5), rel=1e-9)
    S = NS["Synapses"](G, G, Equations("w : volt") + Equations("dx/dt = -x/tau : 1",
                                                               tau=3 * ms),
                       namespace={})
    assert "x" in S.equations and "w" in S.equations


# ---- prefs and devices ----------------------------------------------------------------

@pytest.fixture
def fresh_prefs():
    from eqsim import preferences as prefs_module
    prefs_module.prefs.reset()
    prefs_module.reinit_devices()
    prefs_module._noted.clear()
    yield prefs_module.prefs
    prefs_module.prefs.reset()
    prefs_module.reinit_devices()


def _lif(name="g"):
    return NS["NeuronGroup"](2, "dv/dt = (2*mV - v)/(10*ms) : volt", threshold="v > 1*mV",
                             reset="v = 0*mV", method="exact", namespace={}, name=name)


def test_codegen_target_picks_the_backend(fresh_prefs):
    prefs = fresh_prefs
    prefs.codegen.target = "numpy"
    net = NS["Network"](_lif())
    net.run(0.5 * NS["ms"])
    assert net._backend_name == "numpy"
    assert prefs["codegen.target"] == "numpy"
    prefs["codegen.target"] = "cython"
    from eqsim.preferences import default_backend
    assert default_backend() == "c"
    prefs.codegen.target = "auto"
    assert default_backend() == "c"


def test_prefs_errors_and_notes(fresh_prefs, caplog):
    from eqsim.preferences import PreferenceError
    prefs = fresh_prefs
    with pytest.raises(PreferenceError) as err:
        prefs.codegen.targte = "numpy"
    assert err.value.code == "E801"
    with pytest.raises(PreferenceError):
        prefs["core.no_such_thing"]
    with pytest.raises(PreferenceError) as err:
        prefs.codegen.target = "fortran"
    assert err.value.code == "E802"
    with caplog.at_level(logging.INFO, logger="eqsim.preferences"):
        prefs.core.default_float_dtype = np.float32
        prefs.core.default_float_dtype = np.float32
        prefs.codegen.loop_invariant_optimisations = False
        prefs.codegen.cpp.extra_compile_args_gcc = ["-O3"]
        prefs.logging.file_log = False
    notes = [r for r in caplog.records if r.name == "eqsim.preferences"]
    assert sum("float32" in r.getMessage() for r in notes) == 1   # once
    assert any(r.levelno == logging.WARNING for r in notes)
    assert any("EQSIM_EXTRA_CFLAGS" in r.getMessage() for r in notes)
    assert prefs.codegen.cpp.extra_compile_args_gcc == ["-O3"]   # accepted, kept


def test_standalone_device_runs_compiled_code(fresh_prefs):
    from eqsim import preferences as prefs_module
    NS["set_device"]("cpp_standalone", directory=None, build_on_run=False)
    fresh_prefs.devices.cpp_standalone.openmp_threads = 2
    assert NS["get_device"]().name == "cpp_standalone"
    assert prefs_module.default_backend() == "c" and prefs_module.default_threads() == 2
    NS["device"].build(directory="output", compile=True, run=True, debug=False)
    NS["device"].reinit()
    NS["device"].activate()
    NS["reinit_devices"]()
    assert prefs_module.default_backend() == "c" and prefs_module.default_threads() == 1
    with pytest.raises(ConfigurationError) as err:
        NS["set_device"]("fpga")
    assert err.value.code == "E803"


# ---- whole numbers as floats ----------------------------------------------------------

def test_whole_numbers_given_as_floats():
    G = NS["NeuronGroup"](1e4, "v : 1", namespace={})
    assert G.N == 10000 and NS["NeuronGroup"](np.int64(5), "v : 1").N == 5
    with pytest.raises(ConfigurationError):
        NS["NeuronGroup"](2.5, "v : 1")   # Brian2 truncates to 2; eqsim says so
    S = NS["SpikeGeneratorGroup"](3, np.array([0.0, 2.0]), np.array([1, 2]) * NS["ms"])
    assert S._gen_indices.tolist() == [0, 2]
    with pytest.raises(ConfigurationError):
        NS["SpikeGeneratorGroup"](3, np.array([0.5]), np.array([1]) * NS["ms"])
    T = NS["TimedArray"]([1 * NS["nA"], 0 * NS["uA"]], dt=1 * NS["ms"])
    assert T.dim == NS["nA"].dim
    P = NS["PoissonGroup"](2, [10 * NS["Hz"], 20 * NS["Hz"]])
    assert np.allclose(P.rates / NS["Hz"], [10, 20])


# ---- Jupyter --------------------------------------------------------------------------

def test_html_reprs():
    G = NS["NeuronGroup"](3, "dv/dt = (I - v)/(10*ms) : volt (unless refractory)\nI : volt",
                          threshold="v > 1*mV", reset="v = 0*mV", refractory=2 * NS["ms"],
                          namespace={}, name="exc")
    S = NS["Synapses"](G, G, "w : volt", on_pre="v_post += w", namespace={})
    S.connect(p=1.0)
    mon = NS["StateMonitor"](G, "v", record=True)
    net = NS["Network"](G, S, mon, NS["SpikeMonitor"](G))
    html = G._repr_html_()
    assert "exc" in html and "(I - v)/(10*ms)" in html and "<td>V</td>" in html
    assert "unless refractory" in html and "v &gt; 1*mV" in html
    assert "9" in S._repr_html_() and "v_post += w" in S._repr_html_()
    assert "3 neurons" in mon._repr_html_()
    assert "NeuronGroup" in net._repr_html_() and "Synapses" in net._repr_html_()
    assert "dv/dt" not in repr(G) or len(repr(G)) < 200


def test_tqdm_without_ipywidgets_uses_the_text_bar(monkeypatch):
    import importlib.util
    from eqsim.runtime import progress
    monkeypatch.setattr(progress, "in_jupyter", lambda: True)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "ipywidgets" else real(name, *a))
    cls = progress._tqdm_class()
    assert cls.__module__ == "tqdm.std"


def test_jupyter_progress_bar_and_rich_repr_without_ipywidgets():
    """A real kernel (nbclient), without ipywidgets: the default progress bar is tqdm's
    text bar, no warning is printed, and a group shows as an HTML table."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    import importlib.util
    if importlib.util.find_spec("ipywidgets") is not None:
        pytest.skip("ipywidgets is installed here; this checks the case without it")
    cells = [
        "import sys; sys.path.insert(0, %r)\nfrom eqsim import *\n"
        "prefs.codegen.target = 'numpy'" % str(ROOT),
        "G = NeuronGroup(2, 'dv/dt = (2*mV - v)/(10*ms) : volt', threshold='v > 1*mV',\n"
        "                reset='v = 0*mV', method='exact')\nG",
        "run(20*ms)\nprint(G.v)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [o for cell in nb.cells for o in cell.outputs]
    text = "".join(o.get("text", "") for o in outputs)
    assert "IProgress" not in text and "Warning" not in text, text
    assert "simulating" in text and "100%" in text   # tqdm's text bar on stderr
    html = [o["data"]["text/html"] for o in outputs if "data" in o and
            "text/html" in o["data"]]
    assert html and "neurongroup" in html[0] and "<td>V</td>" in html[0]


def test_brian2_module_paths_under_eqsim():
    # Brian2's examples also import from submodules (Destexhe 1998, coupled oscillators,
    # the float32/64 benchmark): with brian2 -> eqsim in those lines they work too
    code = ("from eqsim.units.constants import zero_celsius, faraday_constant as F\n"
            "from eqsim.core.functions import timestep\n"
            "from eqsim.devices.device import reset_device, reinit_devices\n"
            "from eqsim.units import *\n"
            "from eqsim import run, defaultclock, prefs\n"
            "assert float(zero_celsius) == 273.15 and float(F) == 96485.33289\n"
            "assert timestep(0.3*ms, 0.1*ms) == 3\nreset_device(); reinit_devices()\n"
            "print('ok')")
    out = run_python(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
