"""Brian2's generator syntax of ``Synapses.connect``, parsed and expanded with numpy.

``S.connect(j="k for k in range(i-3, i+4) if k != i", skip_if_invalid=True)`` makes, for
every source neuron ``i``, the synapses onto the values of the element expression (here
``k``) for the inner variable running over the iterator. Supported iterators:

* ``range(high)``, ``range(low, high)``, ``range(low, high, step)``;
* ``sample(high, p=...)`` and ``sample(low, high[, step], p=...)``: each value with
  probability p (independently);
* ``sample(..., size=...)``: ``size`` distinct values drawn without replacement.

The bounds, ``p`` and ``size`` may depend on the outer index (``i``, or ``j`` for
``i="... "`` generators) and on the outer group's variables; the element on the inner
variable and the outer index; the ``if`` condition on anything a connect condition may
use plus the inner variable. Everything is vectorised over all outer indices at once:
no Python loop per neuron.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import ConfigurationError

ITERATORS = ("range", "sample")


@dataclass(frozen=True)
class GeneratorExpr:
    """A parsed ``element for inner in iterator(...) if condition``."""

    text: str
    element: str
    inner: str
    iterator: str                 # "range" or "sample"
    low: str
    high: str
    step: str
    p: str | None = None          # sample(..., p=...)
    size: str | None = None       # sample(..., size=...)
    condition: str | None = None


def _bad(text: str, why: str) -> ConfigurationError:
    return ConfigurationError(
        f"cannot read the generator expression '{text}': {why}", code="E731",
        hint="write e.g. 'k for k in range(i-3, i+4) if k != i', "
             "'k for k in sample(N_post, p=0.1)' or 'k for k in sample(N_post, size=5)'")


def is_generator(text: str) -> bool:
    """Does a connect() index string use the generator syntax (``... for ... in ...``)?"""
    try:
        node = ast.parse(f"[{text}]", mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, ast.ListComp)


def parse_generator(text: str) -> GeneratorExpr:
    """Parse a generator expression; every form Brian2 does not define raises E731."""
    try:
        node = ast.parse(f"[{text.strip()}]", mode="eval").body
    except SyntaxError as exc:
        raise _bad(text, f"not valid Python ({exc.msg})") from None
    if not isinstance(node, ast.ListComp):
        raise _bad(text, "it is not of the form 'element for k in iterator(...)'")
    if len(node.generators) != 1:
        raise _bad(text, "only one 'for' is supported")
    comp = node.generators[0]
    if comp.is_async:
        raise _bad(text, "'async for' is not supported")
    if not isinstance(comp.target, ast.Name):
        raise _bad(text, "the loop must run over a single name ('for k in ...')")
    if len(comp.ifs) > 1:
        raise _bad(text, "only one 'if' is supported (combine conditions with 'and')")
    it = comp.iter
    if not (isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and
            it.func.id in ITERATORS):
        raise _bad(text, "the iterator must be range(...) or sample(...)")
    args = [ast.unparse(a) for a in it.args]
    if any(isinstance(a, ast.Starred) for a in it.args):
        raise _bad(text, "starred arguments are not supported")
    kwargs = {kw.arg: ast.unparse(kw.value) for kw in it.keywords}
    if not 1 <= len(args) <= 3:
        raise _bad(text, f"{it.func.id}() takes 1 to 3 positional arguments "
                         f"(high; low, high; or low, high, step), got {len(args)}")
    low, high, step = (("0", args[0], "1") if len(args) == 1 else
                       (args[0], args[1], "1") if len(args) == 2 else tuple(args))
    p = size = None
    if it.func.id == "range":
        if kwargs:
            raise _bad(text, "range() takes no keyword arguments")
    else:
        if set(kwargs) not in ({"p"}, {"size"}):
            raise _bad(text, "sample() needs exactly one keyword argument: p=... "
                             "(each value with probability p) or size=... (a fixed "
                             "number of values)")
        p, size = kwargs.get("p"), kwargs.get("size")
    return GeneratorExpr(text, ast.unparse(node.elt), comp.target.id, it.func.id, low,
                         high, step, p, size,
                         ast.unparse(comp.ifs[0]) if comp.ifs else None)


def _whole(values, what: str, text: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
        raise _bad(text, f"{what} must be whole numbers")
    return arr.astype(np.int64)


# evaluate(expression, {name: values}) -> values over the given entries (numbers or
# arrays, as the Synapses evaluate them: with units checked and group variables)
Evaluate = Callable[[str, dict], np.ndarray]


def expand(gen: GeneratorExpr, outer_name: str, result_name: str, n_outer: int,
           n_result: int,
           evaluate: Evaluate, condition_on_outer: bool, rng: np.random.Generator,
           skip_if_invalid: bool) -> tuple[np.ndarray, np.ndarray]:
    """All (outer, result) index pairs the generator makes, vectorised.

    ``condition_on_outer``: the ``if`` uses only the outer index (and outer variables),
    so it selects outer neurons before the iterator runs (Brian2 then checks the range
    of the results of the selected neurons only); otherwise the results are checked
    against ``range(n_result)`` first (dropped with ``skip_if_invalid``, else E732)
    and the condition is evaluated for the pairs in range.
    """
    text = gen.text
    outer = np.arange(n_outer, dtype=np.int64)
    if gen.condition is not None and condition_on_outer:
        keep = np.broadcast_to(np.asarray(evaluate(gen.condition, {outer_name: outer}),
                                          dtype=bool), outer.shape)
        outer = outer[keep]
    names = {outer_name: outer}
    low = np.broadcast_to(_whole(evaluate(gen.low, names), "the low bound", text),
                          outer.shape)
    high = np.broadcast_to(_whole(evaluate(gen.high, names), "the high bound", text),
                           outer.shape)
    step = np.broadcast_to(_whole(evaluate(gen.step, names), "the step", text),
                           outer.shape)
    if np.any(step == 0):
        raise _bad(text, "the step of the iterator must not be 0")
    counts = np.maximum(0, -((low - high) // step))   # ceil((high - low) / step)
    if gen.size is not None:   # fixed number: check the sizes before drawing
        size = np.broadcast_to(_whole(evaluate(gen.size, names), "size", text),
                               outer.shape).copy()
        if np.any(size < 0):
            if not skip_if_invalid:
                raise ConfigurationError(
                    f"'{text}': sample size {int(size[size < 0][0])} is negative",
                    code="E733", hint="use skip_if_invalid=True to make no synapses then")
            size = np.maximum(size, 0)
        if np.any(size > counts):
            if not skip_if_invalid:
                bad = int(np.flatnonzero(size > counts)[0])
                raise ConfigurationError(
                    f"'{text}': sample size {int(size[bad])} is larger than the "
                    f"{int(counts[bad])} values to choose from (for {outer_name} = "
                    f"{int(outer[bad])})", code="E733",
                    hint="use skip_if_invalid=True to take all values then")
            size = np.minimum(size, counts)
    total = int(counts.sum())
    rows = np.repeat(np.arange(len(outer)), counts)
    starts = np.cumsum(counts) - counts
    position = np.arange(total, dtype=np.int64) - np.repeat(starts, counts)
    inner = low[rows] + position * step[rows]
    if gen.iterator == "sample" and gen.p is not None:
        p = np.broadcast_to(np.asarray(evaluate(gen.p, names), dtype=float), outer.shape)
        chosen = rng.random(total) < p[rows]
        rows, inner = rows[chosen], inner[chosen]
    elif gen.iterator == "sample":
        keys = rng.random(total)
        order = np.lexsort((keys, rows))       # by row, then by random key
        sorted_rows = rows[order]
        rank = np.empty(total, np.int64)       # place of each value in its row's draw
        rank[order] = np.arange(total) - np.searchsorted(sorted_rows, sorted_rows)
        chosen = rank < size[rows]
        rows, inner = rows[chosen], inner[chosen]
    pre = outer[rows]
    result = np.broadcast_to(_whole(evaluate(gen.element, {outer_name: pre,
                                                           gen.inner: inner}),
                                    "the element (target index)", text), pre.shape)
    result = np.array(result)

    def check_range(pre, result, inner):
        ok = (result >= 0) & (result < n_result)
        if not np.all(ok):
            if not skip_if_invalid:
                bad = int(result[~ok][0])
                raise ConfigurationError(
                    f"'{text}' makes the index {bad} for {outer_name} = "
                    f"{int(pre[~ok][0])}, outside 0..{n_result - 1}", code="E732",
                    hint="pass skip_if_invalid=True to leave out such synapses, or bound "
                         "the iterator (e.g. range(max(0, i-3), min(N_post, i+4)))")
            pre, result, inner = pre[ok], result[ok], inner[ok]
        return pre, result, inner

    pre, result, inner = check_range(pre, result, inner)
    if gen.condition is not None and not condition_on_outer:
        keep = np.broadcast_to(np.asarray(evaluate(gen.condition, {
            outer_name: pre, result_name: result, gen.inner: inner}), dtype=bool), pre.shape)
        pre, result = pre[keep], result[keep]
    return pre, result


__all__ = ["GeneratorExpr", "parse_generator", "is_generator", "expand"]
