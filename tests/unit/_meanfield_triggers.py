"""Triggers of the error codes E923-E935 (eqsim.meanfield), merged into
test_error_codes.TRIGGERS."""
import json

import numpy as np

from eqsim import meanfield as mf
from eqsim.meanfield.moments import SYM
from eqsim.units import Hz, ms, mV, nS, pF

COBA = """
dv/dt = (gL*(EL - v) + ge*(Ee - v))/C : volt
dge/dt = -ge/tau_e : siemens
"""
NS = dict(gL=10 * nS, EL=-65 * mV, Ee=0 * mV, C=200 * pF, tau_e=5 * ms)
IN = {"exc": mf.Input("ge", 1 * nS, 100)}


def _cell(model=COBA, threshold="v > -50*mV", inputs=IN):
    return mf.Cell(model, threshold, namespace=NS, inputs=inputs)


def _tf(coeffs=None):
    form = mf.cell_form(_cell())
    return mf.TransferFunction(form, np.zeros(10) if coeffs is None else coeffs)


def _bad_json(tp):
    path = tp / "tf.json"
    path.write_text(json.dumps({"format": "something else"}))
    return mf.TransferFunction.load(path)


def _too_few_points():
    form = mf.cell_form(_cell())
    zeros = np.zeros((3, 3))
    scan = mf.TFScan({"exc": zeros}, zeros, zeros, {"exc": np.zeros(3)}, form, 1, 1.0)
    return mf.fit(scan)


MEANFIELD_TRIGGERS = {
    # a cell without a threshold
    "E923": lambda tp, mp: mf.cell_form(_cell(threshold=None)),
    # the input does not decay exponentially
    "E924": lambda tp, mp: mf.cell_form(_cell(COBA.replace("-ge/tau_e",
                                                           "-ge**2/(tau_e*nS)"))),
    # no synaptic inputs
    "E925": lambda tp, mp: mf.cell_form(_cell(inputs={})),
    # scan rates without a unit
    "E926": lambda tp, mp: mf.transfer_function(_cell(), {"exc": np.arange(3.0)}),
    "E927": lambda tp, mp: _too_few_points(),
    "E928": lambda tp, mp: _bad_json(tp),
    # an input named after no population and no afferent
    "E929": lambda tp, mp: mf.RateModel({"e": _tf()}),
    # a fixed point cannot be found (non-finite coefficients make every residual NaN)
    "E930": lambda tp, mp: mf.RateModel({"exc": _tf(np.full(10, np.nan))})
    .find_fixed_point(),
    # the transfer function never returns NaN silently
    "E931": lambda tp, mp: _tf(np.full(10, np.nan))({"exc": 5.0}),
    # renewal inputs: a CV outside (0, 2]
    "E932": lambda tp, mp: mf.moments(mf.cell_form(_cell()), {"exc": 5.0}, cv={"exc": 3.0}),
    # renewal inputs without CV data (a transfer function without a CV model)
    "E933": lambda tp, mp: mf.RateModel({"exc": _tf()}, inputs="renewal"),
    # renewal inputs have no closed form for the compiled (sympy) equations
    "E934": lambda tp, mp: mf.moments(mf.cell_form(_cell()), {"exc": 5.0}, xp=SYM,
                                      cv={"exc": 0.5}),
    # a scan's noise axis with a factor <= 0
    "E935": lambda tp, mp: mf.transfer_function(_cell(), {"exc": np.arange(3.0) * Hz},
                                                noise=[0.0, 1.0]),
}
