"""eqsim.plot: the figures' contents (artists, data, limits), not pixels (issue 12,
point 9). Headless: no pyplot backend is needed."""
import numpy as np
import pytest
from matplotlib.figure import Figure

import eqsim as eq
from eqsim import plot
from eqsim.errors import EqsimError
from eqsim.units import Hz, mV, ms


@pytest.fixture(scope="module")
def run():
    """Two labelled populations of a group, a Poisson drive, Vm of 3 neurons (numpy
    backend: nothing to compile)."""
    P = eq.PoissonGroup(20, 100 * Hz, seed=2, label="drive")
    G = eq.NeuronGroup(10, "dv/dt = (I - v)/(10*ms) : volt\nI : volt", threshold="v > 10*mV",
                       reset="v = 0*mV", method="exact", name="cells")
    G.I = "(8 + 2*i)*mV"
    G[:6].label = "E"
    G[6:].label = "I"
    mp, mg = eq.SpikeMonitor(P), eq.SpikeMonitor(G)
    sm = eq.StateMonitor(G, "v", record=[0, 7, 9])
    rm = eq.PopulationRateMonitor(P)
    net = eq.Network(P, G, mp, mg, sm, rm)
    net.run(200 * ms, backend="numpy")
    return net, mp, mg, sm, rm


def _line(ax, label):
    return next(line for line in ax.lines if line.get_label() == label)


def test_raster_one_colour_per_label(run):
    net, mp, mg, sm, rm = run
    fig = plot.raster([mp, mg])
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.lines] == ["drive", "E", "I"]
    assert len({line.get_color() for line in ax.lines}) == 3
    drive = _line(ax, "drive")
    x, y = drive.get_data()
    assert len(x) == mp.num_spikes and np.array_equal(np.sort(y), np.sort(mp.gids))
    e = _line(ax, "E")
    assert len(e.get_xdata()) == np.sum(mg.i < 6)
    assert set(_line(ax, "I").get_ydata()) <= set(range(26, 30))
    assert ax.get_xlim() == (0.0, 200.0)
    assert ax.get_ylim() == (-0.5, 29.5)
    assert ax.get_legend() is not None
    # the same from the network, and into given axes
    fig2 = Figure()
    ax2 = fig2.add_subplot()
    assert plot.raster(net, ax=ax2, time_unit="s") is fig2
    assert ax2.get_xlim() == (0.0, 0.2)


def test_population_rates_lines_per_label(run):
    net, mp, mg, sm, rm = run
    fig = plot.population_rates(mp, bin_size=1 * ms, width=10 * ms)
    (ax,) = fig.axes
    (line,) = ax.lines
    x, y = line.get_data()
    assert len(x) == 200 and np.isclose(x[0], 0.5)
    # the mean of the smoothed rate is the mean rate (edge-renormalised kernel: close)
    assert abs(np.mean(y) - mp.num_spikes / 20 / 0.2) < 5
    fig = plot.population_rates(mg, bin_size=1 * ms, width=5 * ms)
    assert [line.get_label() for line in fig.axes[0].lines] == ["E", "I"]
    fig = plot.population_rates(rm, width=5 * ms)     # a PopulationRateMonitor
    (line,) = fig.axes[0].lines
    assert np.allclose(line.get_ydata(), rm.smooth_rate("gaussian", 5 * ms) / Hz)


def test_vm_traces(run):
    net, mp, mg, sm, rm = run
    fig = plot.vm_traces(sm)
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.lines] == ["neuron 0", "neuron 7",
                                                       "neuron 9"]
    assert np.allclose(ax.lines[1].get_ydata(), sm.v[1] / mV)
    assert ax.get_ylabel() == "v (mV)"
    fig = plot.vm_traces(sm, neurons=[9])
    assert len(fig.axes[0].lines) == 1
    assert np.allclose(fig.axes[0].lines[0].get_ydata(), sm.v[2] / mV)


def test_rate_histogram(run):
    net, mp, mg, sm, rm = run
    fig = plot.rate_histogram([mp, mg], t_stop=200 * ms, bins=10)
    (ax,) = fig.axes
    assert len(ax.patches) == 3              # one step-filled polygon per label
    assert ax.get_xlabel() == "rate (Hz)"
    # the neurons of each label are all counted: heights sum to the population size
    heights = [p.get_path().vertices[:, 1].max() for p in ax.patches]
    assert max(heights) <= 20


def test_activity_plot(run):
    net, mp, mg, sm, rm = run
    fig = plot.activity_plot(net)
    assert len(fig.axes) == 4                 # raster, rates, Vm, histogram
    raster_ax, rates_ax, vm_ax, hist_ax = fig.axes
    assert [line.get_label() for line in raster_ax.lines] == ["drive", "E", "I"]
    assert len(rates_ax.lines) == 3 and len(vm_ax.lines) == 3
    assert len(hist_ax.patches) == 3
    assert rates_ax.get_shared_x_axes().joined(raster_ax, rates_ax)
    fig = plot.activity_plot([mg])            # without a StateMonitor: 3 axes
    assert len(fig.axes) == 3
    fig.savefig(__import__("io").BytesIO(), format="png")   # renders headless


def test_plot_errors(run):
    net, mp, mg, sm, rm = run
    with pytest.raises(EqsimError, match="E985"):
        plot.activity_plot([sm])
    with pytest.raises(EqsimError, match="E985"):
        plot.raster(mp, time_unit="hours")


def test_called_eqsim_plot_is_pylabs_plot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure()
    (line,) = eq.plot([1, 2], [3, 5])        # Brian2 scripts: plot(t/ms, v/mV)
    assert line.get_ydata().tolist() == [3, 5] and line.figure is fig
    plt.close(fig)


def test_in_a_jupyter_kernel_each_figure_shows_once(tmp_path):
    """The returned figure is the cell's value: one PNG per cell, not two."""
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    import json
    import os
    import sys

    import nbformat
    from nbclient import NotebookClient

    from ..conftest import ROOT
    spec = tmp_path / "jupyter" / "kernels" / "eqsim-plot-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "eqsim-plot-test", "language": "python",
        "env": {"PYTHONPATH": str(ROOT), "EQSIM_CACHE_DIR": os.environ["EQSIM_CACHE_DIR"],
                "MPLBACKEND": "module://matplotlib_inline.backend_inline"}}))
    cells = [
        "import eqsim as eq\nfrom eqsim import plot\nfrom eqsim.units import Hz, ms\n"
        "P = eq.PoissonGroup(20, 50*Hz, seed=1)\nM = eq.SpikeMonitor(P)\n"
        "net = eq.Network(P, M)\nnet.run(100*ms, backend='numpy')",
        "plot.raster(M)",
        "plot.activity_plot(net)",
        "import matplotlib.pyplot as plt\nfig = plot.rate_histogram(M, t_stop=100*ms)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(tmp_path / "jupyter")
    try:
        NotebookClient(nb, timeout=120, kernel_name="eqsim-plot-test",
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        if old is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = old
    pngs = [sum("image/png" in o.get("data", {}) for o in c.outputs) for c in nb.cells]
    assert pngs == [0, 1, 1, 0]     # assigned, not shown: nothing left for the cell end


def test_the_docs_figure_script_runs_at_a_small_size(tmp_path):
    """docs/img/make_analysis_figures.py (the pictures of docs/analysis.md)."""
    import importlib.util
    import json

    from ..conftest import ROOT
    spec = importlib.util.spec_from_file_location(
        "make_analysis_figures", ROOT / "docs" / "img" / "make_analysis_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["--N", "400", "--duration", "0.2", "--out", str(tmp_path)])
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "activity_plot.png", "analysis_numbers.json", "currents.png", "raster.png"]
    numbers = json.loads((tmp_path / "analysis_numbers.json").read_text())
    assert set(numbers["rates_hz"]) == {"E", "I"} and numbers["spikes"] > 0
