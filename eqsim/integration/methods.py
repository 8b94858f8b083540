"""Integration methods described as data (Brian2's habit).

An explicit method is a list of steps written over the state vector ``x``, the time ``t``,
the step ``dt``, the drift ``f(x, t)`` and the noise increment ``G(x, t)`` (the sum over
noise sources of ``g_k(x, t) * sqrt(dt) * N(0, 1)``, with the *same* normal numbers every
time ``G`` appears within a step). The last step defines ``x_new``.

A description may instead name one noise source at a time, as Brian2's do: ``g(x, t)`` is
the coefficient of one source and ``dW`` its increment ``sqrt(dt)*N(0, 1)``. Then every
intermediate step is made once per (variable, noise source), and in ``x_new`` the terms
with ``g`` or ``dW`` are summed over the sources, as are the intermediate results the
other terms use (Brian2's ``ExplicitStateUpdater`` rule). ``diagonal`` methods need each
equation to have at most one noise source and each source to be in at most one equation.
:mod:`eqsim.integration.discretize` applies a description to a system of equations.

``exact`` and ``exponential_euler`` are not explicit schemes; they are solved with sympy
in ``discretize``.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExplicitMethod:
    name: str
    steps: tuple[tuple[str, str], ...]
    stochastic: bool = False          # accepts white noise (xi)
    multiplicative: bool = False      # noise coefficient may depend on the state
    order: int = 1
    diagonal: bool = False            # one noise source per equation, used in one only

    def __str__(self) -> str:
        return "; ".join(f"{n} = {e}" for n, e in self.steps)


EXPLICIT_METHODS: dict[str, ExplicitMethod] = {
    "euler": ExplicitMethod("euler", (("x_new", "x + dt*f(x, t) + G(x, t)"),),
                            stochastic=True),
    "euler_maruyama": ExplicitMethod(
        "euler_maruyama", (("x_new", "x + dt*f(x, t) + G(x, t)"),), stochastic=True),
    "rk2": ExplicitMethod("rk2", (("k", "dt*f(x, t)"),
                                  ("x_new", "x + dt*f(x + k/2, t + dt/2)")), order=2),
    "rk4": ExplicitMethod("rk4", (
        ("k1", "dt*f(x, t)"),
        ("k2", "dt*f(x + k1/2, t + dt/2)"),
        ("k3", "dt*f(x + k2/2, t + dt/2)"),
        ("k4", "dt*f(x + k3, t + dt)"),
        ("x_new", "x + (k1 + 2*k2 + 2*k3 + k4)/6")), order=4),
    # two rk4 steps of dt/2 per time step: stiffer models (Hodgkin-Huxley, NEST's
    # hh_psc_alpha at 0.1 ms) stay stable while thresholds are tested on the dt grid
    "rk4x2": ExplicitMethod("rk4x2", (
        ("k1", "dt/2*f(x, t)"),
        ("k2", "dt/2*f(x + k1/2, t + dt/4)"),
        ("k3", "dt/2*f(x + k2/2, t + dt/4)"),
        ("k4", "dt/2*f(x + k3, t + dt/2)"),
        ("x_h", "x + (k1 + 2*k2 + 2*k3 + k4)/6"),
        ("k5", "dt/2*f(x_h, t + dt/2)"),
        ("k6", "dt/2*f(x_h + k5/2, t + 3*dt/4)"),
        ("k7", "dt/2*f(x_h + k6/2, t + 3*dt/4)"),
        ("k8", "dt/2*f(x_h + k7, t + dt)"),
        ("x_new", "x_h + (k5 + 2*k6 + 2*k7 + k8)/6")), order=4),
    # stochastic Heun (Stratonovich), also for multiplicative noise
    "heun": ExplicitMethod("heun", (
        ("x_s", "x + dt*f(x, t) + G(x, t)"),
        ("x_new", "x + dt*(f(x, t) + f(x_s, t + dt))/2 + (G(x, t) + G(x_s, t + dt))/2")),
        stochastic=True, multiplicative=True, order=1),
    # Brian2's derivative-free Milstein (Ito; Kloeden & Platen): strong order 1 for
    # diagonal noise; the finite difference of g over the support point replaces g*g'
    "milstein": ExplicitMethod("milstein", (
        ("x_support", "x + dt*f(x, t) + sqrt(dt)*g(x, t)"),
        ("g_support", "g(x_support, t)"),
        ("k", "(g_support - g(x, t))*dW**2/(2*sqrt(dt))"),
        ("x_new", "x + dt*f(x, t) + g(x, t)*dW + k")),
        stochastic=True, multiplicative=True, diagonal=True, order=1),
}

# What method="auto" tries, in order: the first that applies is used.
AUTO_ORDER_DETERMINISTIC = ("exact", "exponential_euler", "rk4")
AUTO_ORDER_ADDITIVE_NOISE = ("euler_maruyama",)
AUTO_ORDER_MULTIPLICATIVE_NOISE = ("heun",)
