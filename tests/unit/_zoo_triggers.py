"""Triggers of the error codes E870-E879 (eqsim.zoo), merged into
test_error_codes.TRIGGERS."""
from eqsim import zoo

ZOO_TRIGGERS = {
    "E870": lambda tp, mp: zoo.potjans_diesmann(scale=0.01, background="noise",
                                                duration=None),
    "E871": lambda tp, mp: zoo.brunel2000("E", duration=None),
}
