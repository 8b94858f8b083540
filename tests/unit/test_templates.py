"""The templates render for a network that uses every kernel feature, the C compiles
cleanly with warnings as errors, and the numpy source is valid Python."""
import subprocess

import pytest

import eqsim as eq
from eqsim.units import mV, ms, nS, pA, pF

MODEL = """
dv/dt = (gL*(EL - v) + gL*DeltaT*exp((v - VT)/DeltaT) + I - w)/C
        + sigma*sqrt(2*gL/C)*xi : volt (unless refractory)
dw/dt = (a*(v - EL) - w)/tauw : amp
I : amp
g : 1 (shared)
J = I*2*g : amp
"""
NS = dict(C=281 * pF, gL=30 * nS, EL=-70.6 * mV, VT=-50.4 * mV, DeltaT=2 * mV,
          tauw=144 * ms, a=4 * nS, b=80.5 * pA, Vr=-70.6 * mV, sigma=2 * mV)


@pytest.fixture(scope="module")
def unit():
    G = eq.NeuronGroup(10, MODEL, threshold="v > VT + 5*DeltaT and rand() < 0.99",
                       reset="v = Vr + i*0.1*mV*randn(); w += b", refractory=2 * ms,
                       method="euler", namespace=NS, name="adex")
    H = eq.NeuronGroup(3, "dx/dt = -x/(5*ms) : 1", method="exact", name="plain",
                       dt=0.2 * ms)
    K = eq.NeuronGroup(3, "dy/dt = -y/(5*ms) : 1", method="exact", name="events",
                       events={"low": "y < 0.5"})   # run_regularly, custom events
    K.run_on_event("low", "y = 1 + 0.1*rand()")
    G.run_regularly("w = w*0.5 + b*rand()", dt=1 * ms, when="end")
    objects = [G, H, K, eq.SpikeMonitor(G), eq.StateMonitor(G, ["v", "J"], record=[1, 2]),
               eq.StateMonitor(H, "x", record=True), eq.EventMonitor(K, "low", "y"),
               eq.SpikeMonitor(G, variables=["v", "J"], name="spv")]
    return eq.Network(*objects).build("numpy").unit


@pytest.mark.parametrize("openmp", [["-fopenmp"], ["-Wno-unknown-pragmas"]])
def test_c_source_compiles_without_warnings(unit, tmp_path, openmp):
    """With OpenMP, and without it (then the pragmas are ignored: one thread)."""
    src = tmp_path / "net.c"
    src.write_text(unit.c_source)
    proc = subprocess.run(
        ["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-Wno-unused-variable",
         "-Wno-unused-but-set-variable", "-O2", "-fPIC", "-shared", *openmp, "-o",
         str(tmp_path / "net.so"), str(src), "-lm"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_random_numbers_of_the_update_are_drawn_in_blocks(unit):
    assert "eqsim_randn_block(" in unit.c_source
    assert "eqsim_rand(_key0" in unit.c_source    # threshold: one at a time
    assert "eqsim_randn(_key0" in unit.c_source   # reset: one at a time


def test_numpy_source_is_python(unit):
    compile(unit.numpy_source, "<numpy kernels>", "exec")
    for name in ("update_0", "threshold_0", "reset_0", "update_1", "record_statemonitor"):
        assert f"def {name}(" in unit.numpy_source


SOURCE_SCRIPT = r"""
import hashlib, eqsim as eq
from eqsim.units import mV, ms
model = (
    "dv/dt = (EL - v + 3*mV*sin(w/mV))/tau + 2*mV*xi/sqrt(tau) : volt (unless refractory)\n"
    "dw/dt = (v - w)/(50*ms) + 1*mV*xi_2/sqrt(tau) : volt\n"
    "u = v + w : volt")
G = eq.NeuronGroup(10, model, threshold='v > -50*mV', reset='v = EL; w += 1*mV',
                   refractory=2*ms, namespace={'tau': 10*ms, 'EL': -70*mV}, name='g')
m = eq.StateMonitor(G, ['u', 'v'], record=[0])
unit = eq.Network(G, m).build('numpy').unit
print(hashlib.sha256((unit.c_source + unit.numpy_source).encode()).hexdigest())
"""


def test_same_model_same_source_in_every_process():
    """Byte-stable output (no dependence on hash seeds or set order): the cache hits."""
    from ..conftest import run_python
    digests = set()
    for seed in ("0", "1", "12345"):
        proc = run_python(SOURCE_SCRIPT, {"PYTHONHASHSEED": seed, "EQSIM_NO_CACHE": "1"})
        assert proc.returncode == 0, proc.stderr
        digests.add(proc.stdout.strip())
    assert len(digests) == 1


def test_layout_lists_every_slot(unit):
    keys = [a.key for a in unit.arrays]
    assert "adex/v" in keys and "adex/not_refractory" in keys and "adex/g" in keys
    assert "adex/N" in unit.iparams and "adex/tauw" in unit.dparams
    assert len(set(keys)) == len(keys)
