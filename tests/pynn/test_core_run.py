"""eqsim.pynn runs: spike times against the analytic solution, synaptic delay and
amplitude, recording to Neo blocks, reset and segments, on both backends."""
import numpy as np
import pytest

pytest.importorskip("pyNN")
neo = pytest.importorskip("neo")

import eqsim.pynn as sim
from eqsim import EqsimError
from tests.pynn.doubles import IFCurrExpDouble, StaticDouble

TAU_M, CM, V_REST, V_TH, I_OFF, T_REF = 20.0, 1.0, -65.0, -50.0, 1.0, 2.0


def first_spike_ms() -> float:
    """LIF driven by a constant current from rest: t = tau ln(dv_inf / (dv_inf - dth))."""
    v_inf = I_OFF / CM * TAU_M           # nA / nF * ms = mV
    return TAU_M * np.log(v_inf / (v_inf - (V_TH - V_REST)))


def build(backend):
    sim.setup(timestep=0.1, min_delay=0.1, backend=backend)
    drive = sim.Population(3, IFCurrExpDouble(i_offset=I_OFF, tau_refrac=T_REF, tau_m=TAU_M,
                                              v_thresh=V_TH, v_rest=V_REST,
                                              v_reset=V_REST), label="drive")
    target = sim.Population(2, IFCurrExpDouble(tau_syn_E=5.0), label="target")
    prj = sim.Projection(drive[0:1], target, sim.AllToAllConnector(),
                         StaticDouble(weight=np.array([[0.5, 1.0]]), delay=1.5),
                         receptor_type="excitatory")
    drive.record(["spikes", "v"])
    target.record("isyn_exc", sampling_interval=0.5)
    target[1:2].record("v")
    return drive, target, prj


def test_spikes_synapses_and_segments(backend):
    drive, target, prj = build(backend)
    sim.run(40.0)
    sim.run_until(60.0)
    assert sim.get_current_time() == pytest.approx(60.0)
    block = drive.get_data()
    seg = block.segments[0]
    t1 = first_spike_ms()                           # 27.73 ms
    period = t1 + T_REF
    for train in seg.spiketrains:
        times = np.asarray(train.rescale("ms").magnitude)
        # the threshold is crossed within the step that ends at the recorded time
        assert t1 <= times[0] < t1 + 0.1 + 1e-9
        assert len(times) == 2 and times[1] - times[0] == pytest.approx(period, abs=0.2)
    v = seg.filter(name="v")[0]
    assert v.shape == (601, 3) and float(v.sampling_period.rescale("ms")) == 0.1
    assert float(v[0, 0].rescale("mV")) == pytest.approx(V_REST)
    # exact solution of the membrane before the first spike (10 ms)
    expect = V_REST + I_OFF / CM * TAU_M * (1 - np.exp(-10.0 / TAU_M))
    assert float(v[100, 1].rescale("mV")) == pytest.approx(expect, abs=1e-9)
    # the target's synaptic current: weight at spike + delay, then exp(-t/tau_syn)
    isyn = target.get_data("isyn_exc").segments[0].analogsignals[0]
    assert isyn.shape == (121, 2)
    spike = float(seg.spiketrains[0][0].rescale("ms"))
    # spikes carry NEST's stamp (the end of the step that crossed the threshold): the
    # weight arrives at t + delay
    arrive = spike + 1.5
    tt = np.arange(121) * 0.5
    after = (tt > arrive + 0.05) & (tt < arrive + 25)
    model = np.exp(-(tt[after] - arrive) / 5.0)
    got = np.asarray(isyn.magnitude)[after]
    assert np.allclose(got[:, 0], 0.5 * model, rtol=1e-6)
    assert np.allclose(got[:, 1], 1.0 * model, rtol=1e-6)
    assert np.all(np.asarray(isyn.magnitude)[tt < arrive - 0.05] == 0)
    assert drive.get_spike_counts() == {int(c): 2 for c in drive.all_cells}
    assert drive.mean_spike_count() == 2.0
    # reset: a second segment, the same trains (deterministic model), parameters kept
    prj.set(weight=np.array([[2.0, 3.0]]))
    sim.reset()
    assert sim.get_current_time() == 0.0
    sim.run(60.0)
    segs = drive.get_data().segments
    assert len(segs) == 2
    for a, b in zip(segs[0].spiketrains, segs[1].spiketrains):
        assert np.array_equal(a.magnitude, b.magnitude)
    isyn2 = target.get_data("isyn_exc").segments[1].analogsignals[0]
    assert np.allclose(np.asarray(isyn2.magnitude)[after][:, 1], 3.0 * model, rtol=1e-6)


def test_clear_write_and_counts(tmp_path):
    drive, target, prj = build("c")
    sim.run(30.0)
    first = drive.get_data("spikes", clear=True)
    assert sum(len(t) for t in first.segments[0].spiketrains) == 3
    sim.run(30.0)
    rest = drive.get_data("spikes").segments[0]
    assert float(rest.t_start.rescale("ms")) == pytest.approx(30.0)
    assert all(len(t) == 1 for t in rest.spiketrains)
    path = tmp_path / "drive.pkl"
    drive.write_data(str(path))
    back = neo.io.PickleIO(str(path)).read_block()
    assert back.segments[0].spiketrains[0].times[0] == rest.spiketrains[0].times[0]
    sim.end()


def test_errors_of_the_structure():
    with pytest.raises(EqsimError, match="E855"):
        sim.setup(backend="fortran")
    sim.setup()
    pop = sim.Population(2, IFCurrExpDouble(i_offset=1.0))
    pop.record("v")
    sim.run(1.0)
    with pytest.raises(EqsimError, match="E841"):
        sim.Population(2, IFCurrExpDouble())
    sim.reset()
    # a standard cell type without eqsim equations (as another backend's would be)
    with pytest.raises(EqsimError, match="E842"):
        sim.Population(2, type("NoEqsim", (IFCurrExpDouble.__base__,), {
            "translations": IFCurrExpDouble.translations})())


def test_docs_example_runs(tmp_path, monkeypatch):
    """The example at the top of docs/pynn.md runs as written (with the real models)."""
    import re
    from pathlib import Path
    if not sim.list_standard_models():
        pytest.skip("the standard models are not there")
    text = (Path(__file__).resolve().parents[2] / "docs" / "pynn.md").read_text()
    code = re.search(r"```python\n(.*?)```", text, re.DOTALL).group(1)
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(code, "docs/pynn.md", "exec"), scope)
    seg = scope["block"].segments[0]
    assert sum(len(t) for t in seg.spiketrains) > 100
    assert seg.filter(name="v")[0].shape == (10001, 800)
    assert (tmp_path / "exc.pkl").exists()


def test_reset_restores_synaptic_state_keeps_weights():
    """After reset() a Tsodyks-Markram projection starts from its initial resources
    again (the second segment repeats the first), while a weight set in between stays."""
    if not sim.list_standard_models():
        pytest.skip("the standard models are not there")
    sim.setup(timestep=0.1)
    src = sim.Population(1, sim.SpikeSourceArray(spike_times=[5.0, 10.0, 15.0, 20.0]))
    cell = sim.Population(1, sim.IF_curr_exp())
    prj = sim.Projection(src, cell, sim.AllToAllConnector(), sim.TsodyksMarkramSynapse(
        U=0.5, tau_rec=800.0, weight=0.5, delay=1.0), receptor_type="excitatory")
    cell.record("v")
    sim.run(40.0)
    sim.reset()
    sim.run(40.0)
    prj.set(weight=1.0)
    sim.reset()
    sim.run(40.0)
    segs = cell.get_data().segments
    a, b, c = (np.asarray(s.analogsignals[0].magnitude)[:, 0] + 65.0 for s in segs)
    assert a.max() > 0.1 and np.array_equal(a, b)        # depression starts afresh
    assert np.allclose(c, 2 * a, rtol=1e-9, atol=1e-12)   # the new weight is kept
