"""Brian2's own example scripts, run under eqsim with only the import swapped, against the
numbers Brian2 2.9 produced for the same scripts (tests/data/brian2_examples.json, made by
benchmarks/reference/brian2_examples.py).

The scripts come from Brian2's PyPI sdist (tests/compat/brian2_sources.py downloads it once
into a cache); they run as written, never shortened, so this file holds the examples that
finish in seconds. The others are listed in docs/brian2.md with their status and are run
with ``python -m tests.compat.run_example NAME``.

Tolerances, per example (``Expect``):

* ``exact`` — the example draws no random numbers (or none that reach the compared
  numbers): spike counts per neuron are identical and recorded traces agree to
  ``state_rtol`` of the variable's range (C and Cython round differently in the last bits;
  a neuron that crosses threshold one step apart would show up here).
* otherwise eqsim's random numbers are not Brian2's, so totals (spikes, mean rates, trace
  means) are compared within ``rtol``, a bound justified in ``why`` by the spread between
  seeds.

An example whose tolerance is set but which still waits for a feature of issue 10 carries
``pending="..."``: a strict xfail, so the day it passes the test fails until the line is
removed, and the list only grows. ``needs`` names what the script takes from
``from eqsim import *`` beyond eqsim's own classes (by default ``NAMESPACE``: pylab's
``plot``, ``figure``, ..., Brian2's ``Equations``, ``set_device``, ``prefs``): while the
eqsim under test lacks them the example is a strict xfail (it must fail then);
``needs=()`` for scripts that run without them.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from . import brian2_sources as sources
from .run_example import REFERENCE, compare, eqsim_has, load_reference, run_example


# names that `from brian2 import *` brings (pylab's and Brian2's own) and these scripts
# use; eqsim gains them with issue 10, part 1
NAMESPACE = ("plot", "figure", "subplot", "xlabel", "show", "np", "plt", "Equations",
             "set_device", "prefs")


@dataclass(frozen=True)
class Expect:
    exact: bool
    why: str
    rtol: float = 0.05
    state_rtol: float | None = None
    monitors: tuple[str, ...] | None = None   # None: every monitor Brian2's run left
    slow: bool = False                        # over ~20 s under eqsim
    timeout: float = 180
    pending: str | None = None                # what it waits for: a strict xfail until then
    needs: tuple[str, ...] = NAMESPACE        # names `from eqsim import *` must give


SUPPORTED: dict[str, Expect] = {
    # deterministic: no random numbers anywhere
    "IF_curve_LIF.py": Expect(exact=True, why="1000 LIF neurons driven by constant inputs"),
    "frompapers/Brette_2004.py": Expect(
        exact=True, why="2000 neurons with sinusoidal input (Euler), 10 s"),
    "frompapers/Brette_Gerstner_2005.py": Expect(exact=True,
                                                 why="one AdEx neuron, step input"),
    "frompapers/Hindmarsh_Rose_1984.py": Expect(exact=True, why="one bursting neuron"),
    "frompapers/Rothman_Manis_2003.py": Expect(
        exact=True, why="one Hodgkin-Huxley-type cell (exponential Euler), current pulse"),
    "synapses/gapjunctions.py": Expect(
        exact=True, why="10 neurons coupled by gap junctions (summed variable)"),
    "IF_curve_Hodgkin_Huxley.py": Expect(
        exact=True, why="HH neurons (exponential Euler), one constant current each"),
    "frompapers/Izhikevich_2007.py": Expect(
        exact=True, why="dopamine-modulated STDP: a Synapses whose target is a Synapses, "
                        "deterministic stimulation"),
    "frompapers/Morris_Lecar_1981.py": Expect(
        exact=True, why="17 Morris-Lecar neurons (exponential Euler), one current each; "
                        "the script asks for cpp_standalone"),
    "frompapers/Stimberg_et_al_2019/example_3_bisection.py": Expect(
        exact=True, why="100 HH axons (rk4, dt 0.01 ms): thresholds found by bisection "
                        "over repeated 20 ms runs (store/restore)"),
    "frompapers/Wang_Buszaki_1996.py": Expect(
        exact=True, why="one Wang-Buzsaki interneuron, exponential Euler with the "
                        "instantaneous m_inf(v)**3 term"),
    "synapses/continuous_interaction.py": Expect(
        exact=True, why="2 neurons coupled by continuous (summed) synapses"),
    # random: eqsim's draws are not Brian2's. Compared with the mean of 5 Brian2 runs
    # (stored as `spread`); "sd" is one run's standard deviation, eqsim / Brian2, measured
    # with `python -m tests.compat.run_example --repeat 5 NAME` and
    # `benchmarks/reference/brian2_examples.py --repeat 4 NAME`; each bound is at least
    # 3 sd of the difference sqrt(sd_eqsim**2 + sd_brian2**2/5)
    "advanced/Ornstein_Uhlenbeck.py": Expect(
        exact=False, rtol=0.15, needs=(),
        why="two OU processes over 10 s (tau 1 s and 0.1 s, from y = 1); the slow one "
            "spans only 10 correlation times: the mean of all samples has sd 0.033 / "
            "0.026, the standard deviation 0.021 / 0.008 (range 1)"),
    "frompapers/Jansen_Rit_1995_single_column.py": Expect(
        exact=False, rtol=0.01, needs=(),
        why="one column driven by uniform noise (numpy, unseeded): means and standard "
            "deviations have sd <= 0.1 % of each variable's range; eqsim's standard "
            "deviations of y1 and y2 are 2.5-3 % below Brian2's (about 3 standard errors "
            "over 5 runs each), 0.2 % of the range"),
    "phase_locking.py": Expect(
        exact=False, rtol=0.02,
        why="random initial v only; the neurons lock to the input: spikes sd 0.13 % / "
            "0.08 %, trace mean sd 0.003 / 0.006 (range 1)"),
    "CUBA.py": Expect(
        exact=False, rtol=0.15,
        why="4000 neurons, random initial v and connections (unseeded): total spikes "
            "22400 +- 900 / 22900 +- 890"),
    "frompapers/Brunel_Hakim_1999.py": Expect(
        exact=False, rtol=0.08,
        why="5000 noise-driven neurons, sparse random network: spikes and rate sd "
            "2.3 % / 1.2 %"),
    "frompapers/Sturzl_et_al_2000.py": Expect(
        exact=False, rtol=0.12,
        why="random wave phases and noisy receptors: command-neuron spikes sd 3.7 % / "
            "2.3 %, leg spikes 1.3 % / 1.2 % (its inhibition uses (j - i) % N_post)"),
    "COBAHH.py": Expect(
        exact=False, rtol=0.16,
        why="4000 HH neurons, random initial state and connections (unseeded); the traces "
            "of a few neurons: mean sd 0.0020 / 0.0026 V, standard deviation 0.0039 / "
            "0.0042 V (range 0.084 V)"),
    "synapses/licklider.py": Expect(
        exact=False, rtol=0.03,
        why="noisy coincidence detectors (xi): total spikes 2537 +- 13 / 2548 +- 37"),
    "frompapers/Spreizer_et_al_2019/Spreizer_et_al_2019.py": Expect(
        exact=False, rtol=0.05, needs=(),
        why="400 neurons on a grid, named noise xi_pop in a subexpression, seeded "
            "(b2.seed(8)): total spikes over seeds 8, 1, 2, 3 under eqsim 20898, 20864, "
            "21280, 20865 (sd 1 %) / Brian2 20943"),
    "frompapers/Izhikevich_2003.py": Expect(
        exact=False, rtol=0.10, needs=(),
        why="1000 Izhikevich neurons, random weights (unseeded) and noise set by "
            "run_regularly on two subgroups: spikes 9448 +- 214 (2.3 %, 4 eqsim runs) / "
            "Brian2 9628; the trace of neuron 0: mean sd 0.2 %, standard deviation sd "
            "0.8 % of its range"),
    "standalone/standalone_multiplerun.py": Expect(
        exact=False, rtol=0.25, needs=(),
        why="set_device(build_on_run=False), then 15 device.run(run_args={G.tau: ...}); "
            "the monitor holds the last run's spikes (100 Poisson inputs, unseeded): "
            "60 +- 3.4 (5.6 %, 4 eqsim runs) / Brian2 62"),
    "frompapers/Stimberg_et_al_2019/example_3_bisection_standalone.py": Expect(
        exact=True,
        why="100 HH axons, thresholds found by bisection over 10 device.run(run_args="
            "{neurons.v: v0}) of one recorded 20 ms run (set_device(build_on_run=False)); "
            "deterministic"),
    "synapses/synapses.py": Expect(
        exact=False, rtol=0.15,
        why="random delays (randn) shape one trace: its mean has sd 0.034 / 0.039, its "
            "standard deviation 0.001 / 0.003 (range 0.97)"),
}


def _reference(name: str) -> dict:
    if not REFERENCE.exists():
        pytest.skip(f"{REFERENCE.name} missing: "
                    "run benchmarks/reference/brian2_examples.py")
    ref = load_reference()["examples"].get(name)
    if ref is None or ref.get("status") != "ran":
        pytest.fail(f"{name}: no Brian2 reference run ({ref and ref.get('status')})")
    return ref


def _sources_or_skip():
    try:
        return sources.examples_dir()
    except sources.Brian2SourceUnavailable as exc:
        if os.environ.get("EQSIM_COMPAT_REQUIRE_SOURCES"):   # CI reaches PyPI: never skip
            pytest.fail(str(exc))
        pytest.skip(str(exc))


def test_reference_has_every_non_compartmental_example():
    _sources_or_skip()
    if not REFERENCE.exists():
        pytest.skip(f"{REFERENCE.name} missing")
    assert set(load_reference()["examples"]) == set(sources.list_examples())


_HAS: dict[tuple[str, ...], bool] = {}


def _param(name: str, expect: Expect):
    marks = [pytest.mark.slow] if expect.slow else []
    if expect.pending:   # strict: once it passes the test fails until `pending` is removed
        marks.append(pytest.mark.xfail(strict=True, reason=expect.pending))
    if expect.needs:
        if expect.needs not in _HAS:
            _HAS[expect.needs] = eqsim_has(*expect.needs)
        if not _HAS[expect.needs]:   # strict: it must fail while the names are missing
            marks.append(pytest.mark.xfail(
                strict=True, reason="`from eqsim import *` lacks " + ", ".join(expect.needs)))
    return pytest.param(name, marks=marks)


@pytest.mark.parametrize("name", [_param(n, e) for n, e in SUPPORTED.items()])
def test_example_agrees_with_brian2(name):
    _sources_or_skip()
    expect = SUPPORTED[name]
    ref = _reference(name)
    result = run_example(name, timeout=expect.timeout)
    assert result["status"] == "ran", (
        f"{result['status']}: {result.get('error_type')}: {result.get('error_message')} "
        f"(line {result.get('error_lineno')}: {result.get('error_source')})\n"
        + "\n".join(result.get("stderr_tail", [])))
    problems = compare(result, ref, exact=expect.exact, rtol=expect.rtol,
                       state_rtol=expect.state_rtol, monitors=expect.monitors)
    assert not problems, "\n".join(problems)
