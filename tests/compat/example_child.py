"""Run one Brian2 example script in this process and write what it produced as JSON.

Usage: ``python example_child.py SCRIPT OUT.json eqsim|brian2 [pylab]``

Self-contained (standard library and numpy only) because it also runs under Brian2's own
virtualenv, where eqsim is not installed. With ``eqsim`` the script's imports of brian2 are
swapped (:func:`swap_imports`); with ``brian2`` the script runs exactly as written. Either
way matplotlib draws on the Agg backend and ``show()`` does nothing. ``pylab`` (a diagnosis
aid, never used for the comparison tests) supplies the pylab and numpy names that
``from brian2 import *`` brings before the script runs.

After the script ends (or raises) every monitor reachable from its globals — directly, or in
a list, tuple or dict held by a global — is summarised by :func:`collect` into small numbers
that the two simulators can be compared on. A script that leaves no monitor there (it
records inside a function, or only computes values) is compared on what it drew:
:func:`plotted` summarises the data of every line and image of its open figures.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import sys
import time
import traceback
import types

_FROM = re.compile(r"^([ \t]*)from[ \t]+brian2((?:\.\w+)*)([ \t]+import\b)", re.M)
_IMPORT_AS = re.compile(r"^([ \t]*)import[ \t]+brian2((?:\.\w+)*)[ \t]+as[ \t]+(\w+)", re.M)
_IMPORT = re.compile(r"^([ \t]*)import[ \t]+brian2[ \t]*$", re.M)


def _eqsim_module(sub: str) -> str:
    """``.units.constants`` -> ``eqsim.units.constants`` if eqsim has it, else ``eqsim``."""
    if not sub:
        return "eqsim"
    try:
        if importlib.util.find_spec("eqsim" + sub) is not None:
            return "eqsim" + sub
    except (ImportError, AttributeError, ValueError):
        pass
    return "eqsim"


def swap_imports(source: str) -> str:
    """The one change a user makes: ``brian2`` becomes ``eqsim`` in import statements.

    ``from brian2 import *`` -> ``from eqsim import *``; ``import brian2 as b2`` ->
    ``import eqsim as b2``; ``import brian2`` -> ``import eqsim as brian2``;
    ``from brian2.units.constants import x`` -> from the same eqsim submodule when eqsim has
    one, otherwise from ``eqsim`` itself (eqsim's public names all live at the top).
    """
    source = _FROM.sub(lambda m: f"{m[1]}from {_eqsim_module(m[2])}{m[3]}", source)
    source = _IMPORT_AS.sub(lambda m: f"{m[1]}import {_eqsim_module(m[2])} as {m[3]}",
                            source)
    return _IMPORT.sub(lambda m: f"{m[1]}import eqsim as brian2", source)


# ---------------------------------------------------------------------------- collecting
_KINDS = ("PopulationRateMonitor", "StateMonitor", "SpikeMonitor", "EventMonitor")
_FRACTIONS = (0.0, 0.1, 0.25, 0.5, 0.75, 1.0)


def _kind(obj) -> str | None:
    if isinstance(obj, type):
        return None
    mod = getattr(type(obj), "__module__", None)
    if not isinstance(mod, str) or not mod.startswith(("brian2", "eqsim")):
        return None
    names = {getattr(c, "__name__", "") for c in type(obj).__mro__}
    for kind in _KINDS:
        if kind in names:
            return kind
    return None


def _plain(x):
    import numpy as np
    return np.asarray(x, dtype=float)


def _num(x: float):
    x = float(x)
    return x if x == x and abs(x) != float("inf") else repr(x)   # JSON-safe nan/inf


def _spikes(mon) -> dict:
    import numpy as np
    count = np.asarray(mon.count, dtype=np.int64)
    i = np.asarray(mon.i, dtype=np.int64)
    t = np.asarray(getattr(mon, "t_", None) if hasattr(mon, "t_") else _plain(mon.t),
                   dtype=float)
    order = np.lexsort((i, t))[:10]
    out = {"num_spikes": int(count.sum()), "n_neurons": int(count.size),
           "active": int((count > 0).sum()), "max_count": int(count.max(initial=0)),
           "counts_sha1": hashlib.sha1(count.tobytes()).hexdigest()[:16],
           "recorded": int(i.size),
           "first": [[int(i[k]), round(float(t[k]), 9)] for k in order],
           "t_last": _num(t.max()) if t.size else None}
    if count.size <= 1000:
        out["counts"] = count.tolist()
    return out


def _rate(mon) -> dict:
    import numpy as np
    rate = np.asarray(getattr(mon, "rate_", None) if hasattr(mon, "rate_")
                      else _plain(mon.rate), dtype=float)
    return {"mean_rate": _num(rate.mean()) if rate.size else None, "n_t": int(rate.size),
            "num_spikes": int(getattr(mon, "num_spikes", -1))}


def _state(mon) -> dict:
    import numpy as np
    names = getattr(mon, "record_variables", None)
    if names is None:
        names = getattr(mon, "variables", ())
    t = np.asarray(mon.t_ if hasattr(mon, "t_") else _plain(mon.t), dtype=float)
    out = {"n_t": int(t.size), "t_last": _num(t[-1]) if t.size else None, "variables": {}}
    for name in sorted(names):
        try:
            values = getattr(mon, name + "_")
        except Exception:
            values = getattr(mon, name)
        v = np.asarray(values, dtype=float)
        if v.ndim == 1:
            v = v[None, :]
        if v.size == 0:
            out["variables"][name] = {"shape": list(v.shape)}
            continue
        out["variables"][name] = _values(v)
    return out


def _values(v) -> dict:
    """Shape, a few samples (3 rows x 6 columns) and statistics of a 2-d array."""
    import numpy as np
    n, m = v.shape
    rows = sorted({0, n // 2, n - 1})
    cols = sorted({int(round(f * (m - 1))) for f in _FRACTIONS})
    finite = v[np.isfinite(v)]
    return {"shape": [n, m], "rows": rows, "cols": cols,
            "samples": [[_num(v[r, c]) for c in cols] for r in rows],
            "mean": _num(finite.mean()) if finite.size else None,
            "std": _num(finite.std()) if finite.size else None,
            "min": _num(finite.min()) if finite.size else None,
            "max": _num(finite.max()) if finite.size else None}


_MAX_PLOTS = 200


def plotted(plt) -> dict:
    """What a script drew, for scripts that leave no monitor to compare: the x and y data
    of every line and the array of every image in the open figures, keyed
    ``figure<number>.ax<index>.line<index>`` (``.image<index>``), kind ``Plot``."""
    import numpy as np
    out: dict = {}
    for num in plt.get_fignums():
        fig = plt.figure(num)
        for a, ax in enumerate(fig.axes):
            items = [(f"line{k}", {"x": line.get_xdata(), "y": line.get_ydata()})
                     for k, line in enumerate(ax.get_lines())]
            items += [(f"image{k}", {"array": im.get_array()})
                      for k, im in enumerate(ax.get_images())]
            for label, arrays in items:
                if len(out) >= _MAX_PLOTS:
                    return out
                key = f"figure{num}.ax{a}.{label}"
                try:
                    values = {}
                    for name, x in arrays.items():
                        v = np.asarray(x, dtype=float)
                        v = v.reshape(1, -1) if v.ndim < 2 else v.reshape(v.shape[0], -1)
                        values[name] = _values(v) if v.size else {"shape": list(v.shape)}
                    out[key] = {"kind": "Plot", "n_t": int(v.size), "variables": values}
                except Exception as exc:   # noqa: BLE001 - e.g. dates or categories
                    out[key] = {"kind": "Plot",
                                "error": f"{type(exc).__name__}: {exc}"[:200]}
    return out


def _summary(obj, kind: str) -> dict:
    if kind == "PopulationRateMonitor":
        data = _rate(obj)
    elif kind == "StateMonitor":
        data = _state(obj)
    else:
        data = _spikes(obj)
    data["kind"] = kind
    return data


def collect(namespace: dict) -> dict:
    """Summaries of the monitors reachable from a script's globals, keyed by their names."""
    found: dict[str, tuple] = {}
    seen: set[int] = set()
    plain, nested = [], []   # a monitor named by a global keeps that name
    for name, value in sorted(namespace.items()):
        if name.startswith("_"):
            continue
        if isinstance(value, (list, tuple)) and len(value) <= 50:
            nested += [(f"{name}[{k}]", v) for k, v in enumerate(value)]
        elif isinstance(value, dict) and len(value) <= 50:
            nested += [(f"{name}[{k!r}]", v) for k, v in value.items()]
        else:
            plain.append((name, value))
    for key, obj in plain + nested:
        kind = _kind(obj)
        if kind and id(obj) not in seen:
            seen.add(id(obj))
            found[key] = (obj, kind)
    out = {}
    for key, (obj, kind) in found.items():
        try:
            out[key] = _summary(obj, kind)
        except Exception as exc:   # a monitor that cannot be read is itself a finding
            out[key] = {"kind": kind, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return out


# ---------------------------------------------------------------------------- running
def _error_line(exc: BaseException, script: str, lines: list[str]):
    """Line number and text in the script where the exception passed last."""
    for frame, lineno in reversed(list(traceback.walk_tb(exc.__traceback__))):
        if os.path.abspath(frame.f_code.co_filename) == script:
            text = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
            return lineno, text
    return None, ""


def shift_seeds(side: str, shift: int) -> None:
    """Make the seeds a script sets differ by ``shift`` (``$EQSIM_COMPAT_SEED_SHIFT``).

    For measuring the seed-to-seed spread of a script that seeds its random numbers
    (``seed(5)``, ``np.random.seed(5)``): repeated runs would otherwise be identical.
    ``numpy.random.seed(s)`` and the simulator's ``seed(s)`` become ``seed(s + shift)``;
    an unseeded call stays unseeded.
    """
    import numpy as np

    def shifted(original):
        def seed(value=None, *args, **kwargs):
            if value is not None:
                value = int(value) + shift
            return original(value, *args, **kwargs)
        return seed
    np.random.seed = shifted(np.random.seed)
    module = importlib.import_module("eqsim" if side == "eqsim" else "brian2")
    module.seed = shifted(module.seed)


def main(argv: list[str]) -> int:
    script, out_path, side = os.path.abspath(argv[0]), argv[1], argv[2]
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.show = lambda *args, **kwargs: None
    with open(script, encoding="utf-8") as fh:
        source = fh.read()
    if side == "eqsim":
        source = swap_imports(source)
        folder = os.path.dirname(script)   # a temporary copy: helper modules swapped too
        for helper in os.listdir(folder):
            path = os.path.join(folder, helper)
            if helper.endswith(".py") and path != script:
                with open(path, encoding="utf-8") as fh:
                    text = fh.read()
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(swap_imports(text))
    lines = source.splitlines()
    if os.environ.get("EQSIM_COMPAT_SEED_SHIFT"):
        shift_seeds(side, int(os.environ["EQSIM_COMPAT_SEED_SHIFT"]))
    if side == "brian2" and os.environ.get("EQSIM_COMPAT_BRIAN2_TARGET"):
        # another code generation target than Brian2's default (a script that sets its
        # own still wins): Brian2's targets do not always agree with each other
        importlib.import_module("brian2").prefs.codegen.target = \
            os.environ["EQSIM_COMPAT_BRIAN2_TARGET"]
    if os.environ.get("EQSIM_COMPAT_SEED"):   # as if the script began with seed(n)
        importlib.import_module("eqsim" if side == "eqsim" else "brian2").seed(
            int(os.environ["EQSIM_COMPAT_SEED"]))
    sys.argv = [script]
    sys.path.insert(0, os.path.dirname(script))
    module = types.ModuleType("__main__")   # a real __main__, so multiprocessing can pickle
    module.__file__ = script
    sys.modules["__main__"] = module
    namespace = module.__dict__
    if len(argv) > 3 and argv[3] == "pylab":
        # diagnosis only: what `from brian2 import *` adds from pylab/numpy, supplied by
        # hand (the script's own import then overrides them, as in Brian2)
        exec("from pylab import *\nimport numpy as np\nimport matplotlib.pyplot as plt",
             namespace)
    result: dict = {"side": side, "status": "ran"}
    start = time.perf_counter()
    try:
        exec(compile(source, script, "exec"), namespace)
    except SystemExit as exc:
        if exc.code not in (None, 0):
            result.update(status="raised", error_type="SystemExit",
                          error_message=str(exc.code))
    except BaseException as exc:   # noqa: BLE001 - the script's failure is the result
        lineno, text = _error_line(exc, script, lines)
        message = str(exc).strip().splitlines()
        result.update(status="raised", error_type=type(exc).__name__,
                      error_message=(message[0] if message else "")[:400],
                      error_full=str(exc)[:2000], error_lineno=lineno,
                      error_source=text[:200])
    result["wall_s"] = round(time.perf_counter() - start, 3)
    try:
        result["monitors"] = collect(namespace)
        if not result["monitors"]:   # nothing recorded in the globals: what it drew
            result["monitors"] = plotted(plt)
    except Exception as exc:   # noqa: BLE001 - report, never lose the run's status
        result["monitors"] = {}
        result["collect_error"] = f"{type(exc).__name__}: {exc}"[:300]
    plt.close("all")
    tmp = out_path + ".part"
    with open(tmp, "w") as fh:
        json.dump(result, fh)
    os.replace(tmp, out_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
