"""Triggers of the SpatialNeuron / morphology error codes E947-E969 (see
tests/unit/test_error_codes.py)."""
import eqsim as eq
from eqsim.units import cm, mV, ms, siemens, um

PASSIVE = "Im = gL*(EL - v) : amp/meter**2"
NS = {"gL": 1e-4 * siemens / cm ** 2, "EL": -70 * mV}


def _cable(model=PASSIVE, **kw):
    kw.setdefault("namespace", NS)
    return eq.SpatialNeuron(eq.Cylinder(diameter=1 * um, length=10 * um, n=2), model, **kw)


def _swc(tmp_path, text: str):
    path = tmp_path / "cell.swc"
    path.write_text(text)
    return eq.Morphology.from_file(path)


def _cycle():
    a = eq.Cylinder(diameter=1 * um, length=10 * um)
    a.child = eq.Cylinder(diameter=1 * um, length=10 * um)
    a.child.back = a


def _undifferentiable():
    neuron = _cable("Im = gL*(EL - floor(v/mV)*mV) : amp/meter**2")
    eq.Network(neuron).run(0.1 * ms)


SPATIAL_TRIGGERS = {
    "E947": lambda tp, mp: eq.Cylinder(diameter=1 * ms, length=10 * um),
    "E948": lambda tp, mp: eq.Cylinder(diameter=1 * um, length=0 * um),
    "E949": lambda tp, mp: eq.Cylinder(diameter=1 * um, length=10 * um, n=0),
    "E950": lambda tp, mp: _cycle(),
    "E951": lambda tp, mp: _swc(tp, "1 1 0 0 0 5\n"),
    "E952": lambda tp, mp: _swc(tp, "1 1 0 0 0 5 -1\n2 3 10 0 0 1 7\n"),
    "E953": lambda tp, mp: _swc(tp, "1 -2 0 0 0 5 -1\n"),
    "E954": lambda tp, mp: _swc(tp, "1 1 0 0 0 5 -1\n1 3 10 0 0 1 1\n"),
    "E955": lambda tp, mp: _cable("I : amp (point current)"),
    "E956": lambda tp, mp: _cable("Im = gL*(EL - v)*area : amp"),
    "E957": lambda tp, mp: _cable(PASSIVE + "\ndiameter : meter"),
    "E958": lambda tp, mp: _cable(PASSIVE + "\nI : amp/meter**2 (point current)"),
    "E959": lambda tp, mp: _undifferentiable(),
    "E960": lambda tp, mp: _cable(threshold="v > 0*mV", threshold_location=[0, 1]),
    "E962": lambda tp, mp: _cable(cells=0),
}
