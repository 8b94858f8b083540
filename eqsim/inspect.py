"""Look at what eqsim generates: ``show_code(net)`` prints the C source."""
from __future__ import annotations


def show_code(net, backend: str = "c", file=None) -> str:
    """Print (and return) the generated source of a Network (C or numpy)."""
    products = net.build(backend)
    text = products.unit.c_source if backend == "c" else products.unit.numpy_source
    print(text, file=file)
    return text
