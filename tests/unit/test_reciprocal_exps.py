"""rewrite.share_reciprocal_exps: exp(-a) as 1/exp(a) where both occur (no compiler)."""
import sympy as sp

from eqsim.integration.rewrite import optimise, share_reciprocal_exps

v, VT = sp.symbols("v VT", real=True)


def test_pairs_share_one_exponential():
    a = 200 * VT - 200 * v
    exprs = [3 / (sp.exp(a) - 1), 2 / (1 + sp.exp(-a)) + sp.exp(-v)]
    shared, out = share_reciprocal_exps(exprs)
    assert len(shared) == 1
    sym, e = shared[0]
    assert e in (sp.exp(a), sp.exp(-a))
    assert sum(len(x.atoms(sp.exp)) for x in out) == 1   # only exp(-v) is left
    back = [x.subs(sym, e) for x in out]
    for x, y in zip(back, exprs):
        assert abs(float((x - y).subs({v: -0.06, VT: -0.063}))) < 1e-12


def test_nothing_to_share_leaves_expressions_alone():
    exprs = [sp.exp(v) + sp.exp(2 * v)]
    assert share_reciprocal_exps(exprs) == ([], exprs)


def test_optimise_prints_one_exponential_for_the_pair():
    a = 25 * VT - 25 * v
    _, vectors = optimise([("x", sp.exp(a) * v + sp.exp(-a))], {"v"})
    assert sum(len(e.atoms(sp.exp)) for _, e in vectors) == 1
