"""eqsim.pynn (placeholder in branch pynnmodels until pynncore's package lands)."""
