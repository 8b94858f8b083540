"""The examples in docstrings run (numpydoc habit: examples that are tested)."""
import doctest
import importlib

import pytest

MODULES = ["eqsim.units", "eqsim.equations.parse", "eqsim.runtime.groups",
           "eqsim.runtime.network", "eqsim.runtime.synapses", "eqsim.runtime.inputs",
           "eqsim.topology", "eqsim.drives", "eqsim", "eqsim.scan",
           "eqsim.runtime.morphology", "eqsim.runtime.spatialneuron", "eqsim.meanfield.form"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
