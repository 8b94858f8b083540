"""Brian2's ``prefs`` and devices, for scripts that set them.

``prefs.codegen.target`` picks the backend of ``run()`` and ``Network.run`` when they
are called without ``backend=``: ``'numpy'`` runs eqsim's numpy backend; ``'cython'``,
``'auto'`` (the default) and ``'cpp'`` run the compiled C backend.
``prefs.devices.cpp_standalone.openmp_threads`` gives the OpenMP threads (0 means one);
``prefs.logging.console_log_level`` sets the level of the ``eqsim`` logger.
Every other preference Brian2 has is accepted and noted once in the log (it has no
effect in eqsim, and the note says why); a name Brian2 does not have raises
:class:`PreferenceError` (E801), as in Brian2.

``set_device('cpp_standalone')`` (or ``'cuda_standalone'``, ``'genn'``) makes runs use
the compiled C backend; each ``run()`` executes at once, so ``device.build()`` has
nothing left to do. ``set_device('runtime')`` goes back to the preferences.

This module holds process-wide settings, like :mod:`eqsim.brian2_compat`; the plain
``eqsim.runtime`` classes never read it.
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np

from .errors import ConfigurationError

logger = logging.getLogger("eqsim.preferences")


class PreferenceError(ConfigurationError):
    """An unknown preference name or an invalid value (Brian2's PreferenceError)."""

    code = "E801"


_HONOURED = "honoured"
_CFLAGS_NOTE = ("eqsim compiles with its own gcc flags (never -ffast-math); set "
                "EQSIM_EXTRA_CFLAGS or EQSIM_CFLAGS to change them")
_CYTHON_NOTE = "eqsim compiles C through ctypes, not Cython; its cache is EQSIM_CACHE_DIR"
_STANDALONE_NOTE = "eqsim's standalone device runs in-process (no make, no ./main)"
_LOG_NOTE = "eqsim logs through the standard 'eqsim' logger; configure it with logging"
# Brian2 2.9's preference names, their defaults and what eqsim does with them
_DEFAULTS: dict[str, tuple[Any, str]] = {
    "GSL.directory": (None, "eqsim has no GSL integrators"),
    "codegen.cpp.compiler": ("", "set EQSIM_CC to choose the C compiler"),
    "codegen.cpp.define_macros": ([], _CFLAGS_NOTE),
    "codegen.cpp.extra_compile_args": (None, _CFLAGS_NOTE),
    "codegen.cpp.extra_compile_args_gcc": (
        ["-w", "-O3", "-ffast-math", "-fno-finite-math-only", "-march=native",
         "-std=c++11"], _CFLAGS_NOTE),
    "codegen.cpp.extra_compile_args_msvc": (["/Ox", "/w", "", "/MP"], _CFLAGS_NOTE),
    "codegen.cpp.extra_link_args": ([], _CFLAGS_NOTE),
    "codegen.cpp.headers": ([], _CFLAGS_NOTE),
    "codegen.cpp.include_dirs": ([], _CFLAGS_NOTE),
    "codegen.cpp.libraries": ([], _CFLAGS_NOTE),
    "codegen.cpp.library_dirs": ([], _CFLAGS_NOTE),
    "codegen.cpp.msvc_architecture": ("", "eqsim builds with gcc only"),
    "codegen.cpp.msvc_vars_location": ("", "eqsim builds with gcc only"),
    "codegen.cpp.runtime_library_dirs": ([], _CFLAGS_NOTE),
    "codegen.generators.cpp.flush_denormals": (False, _CFLAGS_NOTE),
    "codegen.generators.cpp.restrict_keyword": ("__restrict", _CFLAGS_NOTE),
    "codegen.loop_invariant_optimisations": (
        True, "eqsim always moves loop-invariant terms out of its loops (common "
              "subexpressions are computed once per step)"),
    "codegen.max_cache_dir_size": (1000, _CYTHON_NOTE),
    "codegen.runtime.cython.cache_dir": (None, _CYTHON_NOTE),
    "codegen.runtime.cython.delete_source_files": (True, _CYTHON_NOTE),
    "codegen.runtime.cython.multiprocess_safe": (True, _CYTHON_NOTE),
    "codegen.runtime.numpy.discard_units": (False, "eqsim's numpy backend computes in SI "
                                                   "values; units are checked once, "
                                                   "before the run"),
    "codegen.string_expression_target": ("numpy", "eqsim evaluates string assignments "
                                                  "with numpy"),
    "codegen.target": ("auto", _HONOURED),
    "core.default_float_dtype": (np.float64, _HONOURED),
    "core.default_integer_dtype": (np.int32, "eqsim's integer variables are int32"),
    "core.network.default_schedule": (
        ["start", "groups", "thresholds", "synapses", "resets", "end"],
        "eqsim runs Brian2's default schedule"),
    "core.outdated_dependency_error": (True, "not applicable"),
    "core.stop_on_keyboard_interrupt": (True, "eqsim always stops cleanly on Ctrl-C"),
    "devices.cpp_standalone.extra_make_args_unix": (["-j"], _STANDALONE_NOTE),
    "devices.cpp_standalone.extra_make_args_windows": ([], _STANDALONE_NOTE),
    "devices.cpp_standalone.make_cmd_unix": ("make", _STANDALONE_NOTE),
    "devices.cpp_standalone.openmp_spatialneuron_strategy": (None, "eqsim has no "
                                                                   "SpatialNeuron yet"),
    "devices.cpp_standalone.openmp_threads": (0, _HONOURED),
    "devices.cpp_standalone.run_cmd_unix": ("./main", _STANDALONE_NOTE),
    "devices.cpp_standalone.run_environment_variables": ({"LD_BIND_NOW": "1"},
                                                         _STANDALONE_NOTE),
    "legacy.refractory_timing": (False, "eqsim has Brian2's current refractory timing"),
    "logging.console_log_level": ("INFO", _HONOURED),
    "logging.delete_log_on_exit": (True, _LOG_NOTE),
    "logging.display_brian_error_message": (True, _LOG_NOTE),
    "logging.file_log": (True, _LOG_NOTE),
    "logging.file_log_level": ("DEBUG", _LOG_NOTE),
    "logging.file_log_max_size": (10000000, _LOG_NOTE),
    "logging.save_script": (True, _LOG_NOTE),
    "logging.std_redirection": (True, _LOG_NOTE),
    "logging.std_redirection_to_file": (True, _LOG_NOTE),
}
TARGETS = {"numpy": "numpy", "cython": "c", "auto": "c", "cpp": "c", "c": "c",
           "weave": "c"}
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_noted: set[str] = set()


def _note_once(name: str, message: str, level: int = logging.INFO) -> None:
    if name not in _noted:
        _noted.add(name)
        logger.log(level, "prefs.%s: %s", name, message)


def _check(name: str, value: Any) -> Any:
    """Validate a value; returns what is stored."""
    if name == "codegen.target":
        if not isinstance(value, str) or value not in TARGETS:
            raise PreferenceError(f"prefs.codegen.target = {value!r} is not a target eqsim "
                                  "knows", code="E802",
                                  hint="use 'numpy' (eqsim's numpy backend) or 'cython' / "
                                       "'auto' (compiled C)")
        if value in ("cython", "weave", "cpp"):
            _note_once(name + "=" + value, f"'{value}' runs eqsim's compiled C backend "
                       "(gcc + ctypes)")
    elif name == "core.default_float_dtype":
        dtype = np.dtype(value)
        if dtype == np.float32:
            _note_once(name, "eqsim computes in float64; float32 is ignored (state "
                       "variables stay float64)", logging.WARNING)
        elif dtype != np.float64:
            raise PreferenceError(f"prefs.core.default_float_dtype = {value!r} is not a "
                                  "float type", code="E802", hint="use float64")
    elif name == "devices.cpp_standalone.openmp_threads":
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or \
                not 0 <= value <= 1024:
            raise PreferenceError(f"openmp_threads = {value!r} is not a whole number from "
                                  "0 to 1024", code="E802")
        value = int(value)
    elif name == "logging.console_log_level":
        if str(value).upper() not in _LEVELS:
            raise PreferenceError(f"logging.console_log_level = {value!r} is not one of "
                                  f"{', '.join(_LEVELS)}", code="E802")
        logging.getLogger("eqsim").setLevel(str(value).upper())
    else:
        _note_once(name, f"accepted, no effect in eqsim: {_DEFAULTS[name][1]}")
    return value


def _unknown(name: str) -> PreferenceError:
    close = [k for k in _DEFAULTS if k.rsplit(".", 1)[-1] == name.rsplit(".", 1)[-1]]
    sections = sorted({k.split(".")[0] for k in _DEFAULTS})
    hint = f"did you mean {close[0]}?" if close else \
        "Brian2's preference names start with " + ", ".join(sections)
    return PreferenceError(f"preference '{name}' is unregistered (no such preference in "
                           "Brian2 or eqsim)", hint=hint, code="E801")


class _Category:
    """``prefs.codegen``, ``prefs.codegen.cpp``...: attribute access by dotted name."""

    def __init__(self, root: "Preferences", path: str):
        object.__setattr__(self, "_root", root)
        object.__setattr__(self, "_path", path)

    def _full(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._root[self._full(name)]

    def __setattr__(self, name: str, value) -> None:
        self._root[self._full(name)] = value

    def __getitem__(self, name: str):
        return self._root[self._full(name)]

    def __setitem__(self, name: str, value) -> None:
        self._root[self._full(name)] = value

    def __dir__(self):
        prefix = self._full("")
        return sorted({k[len(prefix):].split(".")[0] for k in _DEFAULTS
                       if k.startswith(prefix)})

    def __repr__(self) -> str:
        prefix = self._full("")
        return "\n".join(f"{k} = {self._root[k]!r}" for k in sorted(_DEFAULTS)
                         if k.startswith(prefix))


class Preferences(_Category):
    """The process-wide preferences (Brian2's ``prefs``)."""

    def __init__(self):
        super().__init__(self, "")
        object.__setattr__(self, "_values", {k: v for k, (v, _) in _DEFAULTS.items()})

    def __getitem__(self, name: str):
        if name in self._values:
            return self._values[name]
        prefix = name + "."
        if any(k.startswith(prefix) for k in _DEFAULTS):
            return _Category(self, name)
        raise _unknown(name)

    def __setitem__(self, name: str, value) -> None:
        if name not in _DEFAULTS:
            raise _unknown(name)
        self._values[name] = _check(name, value)

    def __contains__(self, name: str) -> bool:
        return name in self._values

    def keys(self):
        return self._values.keys()

    def get(self, name: str, default=None):
        return self._values.get(name, default)

    def reset(self) -> None:
        """Back to Brian2's defaults (eqsim's behaviour)."""
        self._values.update({k: v for k, (v, _) in _DEFAULTS.items()})

    # Brian2 API that scripts call; nothing to load or validate later in eqsim
    def load_preferences(self) -> None:
        pass

    def do_validation(self) -> None:
        pass

    def read_preference_file(self, file) -> None:
        """Read ``name = value`` lines (Brian2's preference file format)."""
        import ast
        text = file.read() if hasattr(file, "read") else open(file).read()
        section = ""
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
                continue
            key, _, value = line.partition("=")
            key = key.strip()
            self[f"{section}.{key}" if section else key] = ast.literal_eval(value.strip())


prefs = Preferences()
brian_prefs = prefs


# ---- devices ------------------------------------------------------------------------

_DEVICES = {"runtime": None, "cpp_standalone": "c", "cuda_standalone": "c", "genn": "c"}


class Device:
    """The current device (Brian2's ``device``): 'runtime' or a standalone device, which
    eqsim runs with its compiled C backend, each run at once.

    A standalone device also remembers its runs, so that ``device.run(run_args={G.v:
    values})`` can run the simulation again from its start as Brian2's standalone
    binary does: the state just before the first run is restored, the ``run_args``
    values are assigned, and the same runs are made again."""

    def __init__(self, name: str = "runtime"):
        self.name = name
        self.options: dict = {}
        self.has_been_run = False
        self.build_on_run = True
        self._runs: list = []        # (network, duration, keyword arguments, assignments)
        self._snapshots: dict = {}   # id(network) -> its arrays after its last run
        self._pending = False        # runs deferred by build_on_run=False
        self._replaying = False

    @property
    def backend(self) -> str | None:
        return _DEVICES[self.name]

    def build(self, directory: str | None = None, compile: bool = True, run: bool = True,
              debug: bool = False, clean: bool = False, **kwargs) -> None:
        """Make the runs that ``run()`` deferred (``build_on_run=False``), unless
        ``run=False``; with ``build_on_run=True`` each run was made when called."""
        if self.name == "runtime":
            raise ConfigurationError("device.build() is for a standalone device; with the "
                                     "runtime device every run() executes directly",
                                     code="E803", hint="remove device.build(), or call "
                                                       "set_device('cpp_standalone') first")
        if run and self._pending:
            self._replay([])
        logger.debug("device.build(): every run() has executed")

    def reinit(self) -> None:
        self.has_been_run = False
        self._runs, self._snapshots, self._pending = [], {}, False

    def _record_run(self, net, duration, kwargs: dict) -> bool:
        """Called before each run of ``run()`` / ``Network.run`` from eqsim's Brian2 face:
        on a standalone device, remember it, the state before the network's first run and
        what Python assigned since its previous one. Returns whether to run now (False:
        ``build_on_run=False`` defers it to ``device.build()`` / ``device.run()``, as
        Brian2's standalone device does)."""
        if self.backend is None or self._replaying:
            return True
        if id(net) not in self._snapshots:
            net.store("_eqsim_device_start")
            changes = []
        else:
            changes = _assigned_since(self._snapshots[id(net)])
        self._runs.append((net, duration, dict(kwargs), changes, _constants_now(net)))
        self.has_been_run = True
        if self.build_on_run:
            return True
        self._snapshots[id(net)] = _snapshot(net)
        self._pending = True
        return False

    def _after_run(self, net) -> None:
        if self.backend is not None and not self._replaying:
            self._snapshots[id(net)] = _snapshot(net)

    def run(self, directory=None, results_directory=None, with_output: bool = True,
            run_args=None) -> None:
        """Brian2's standalone ``device.run(run_args={G.v: values, ...})``: run the
        simulation again from its start, with those values assigned just before the
        first run (E132 on the runtime device or before any run; E133 for a key that is
        not a group's variable). ``directory`` and ``results_directory`` are accepted
        and unused: the results stay in memory, in the monitors."""
        if self.backend is None or not self._runs:
            raise ConfigurationError(
                "device.run() runs a standalone simulation again: "
                + ("set_device('cpp_standalone') first" if self.backend is None else
                   "nothing has run yet"), code="E132",
                hint="call run(...) and device.build(run=False) before device.run()")
        assignments = []
        for key, value in (run_args or {}).items():
            owner, var = getattr(key, "_owner", None), getattr(key, "_var", None)
            if owner is None or var is None:
                raise ConfigurationError(
                    f"run_args key {key!r} is not a variable of a group (e.g. G.v)",
                    code="E133", hint="write run_args={group.variable: value}")
            assignments.append((owner, var, value))
        self._replay(assignments)

    def _replay(self, assignments: list) -> None:
        """All runs from the start: restore the state before each network's first run,
        assign the run_args, then each run after the assignments made before it."""
        nets = []
        for net, *_ in self._runs:
            if not any(n is net for n in nets):
                nets.append(net)
        for net in nets:
            net.restore("_eqsim_device_start", restore_random_state=True)
        for owner, var, value in assignments:
            setattr(owner, var, value)
        self._replaying = True
        try:
            for net, duration, kwargs, changes, constants in self._runs:
                for obj, key, idx, values in changes:
                    obj.arrays[key].reshape(-1)[idx] = values
                for obj, values in constants:   # the script's constants of that run()
                    obj.namespace.maps.insert(0, values)
                try:
                    _plain_run(net, duration, kwargs)
                finally:
                    for obj, _ in constants:
                        obj.namespace.maps.pop(0)
        finally:
            self._replaying = False
        self._pending = False
        for net in nets:
            self._snapshots[id(net)] = _snapshot(net)

    def apply_run_args(self) -> None:
        """Brian2 applies ``run_args`` here when asked; eqsim assigns them just before
        the first run only (E132)."""
        raise ConfigurationError(
            "device.apply_run_args() is not supported: eqsim's device.run(run_args=...) "
            "assigns the values just before the first run", code="E132",
            hint="set the variables that depend on them in the run_args too")

    def activate(self, build_on_run: bool = True, **kwargs) -> None:
        self.build_on_run = build_on_run
        self.options.update(kwargs)

    def delete(self, code: bool = True, data: bool = True, directory: bool = True,
               force: bool = False) -> None:
        pass

    def __repr__(self) -> str:
        return f"<eqsim device {self.name!r}>"


def _snapshot(net) -> list:
    """Copies of the arrays of a network's groups and synapses."""
    return [(obj, key, a.copy()) for obj in net.groups + net.synapses
            for key, a in obj.arrays.items() if isinstance(a, np.ndarray)]


def _constants_now(net) -> list:
    """(object, {name: value}) of the constants each object of ``net`` takes from a
    script's namespace (a ChainMap over the caller's frame), as they are at this run()
    call: a replayed run uses them even if the script changed them later (Brian2
    resolves them when run() is called). The object, not its namespace, is kept: a
    pickled device (multiprocessing, as in Brian2's standalone_multiple_processes.py)
    then holds the objects' own picklable namespaces, not the script's modules."""
    from collections import ChainMap
    out = []
    for obj in net.objects:
        ns = getattr(obj, "namespace", None)
        spec = getattr(obj, "_spec", None) or getattr(obj, "spec", None)
        if not isinstance(ns, ChainMap) or spec is None:
            continue
        externals = list(getattr(spec, "externals", ())) + [
            e for c in getattr(obj, "_codes", ()) for e in c.externals]
        values = {e.name: ns[e.name] for e in externals
                  if e.kind == "constant" and e.name in ns}
        if values:
            out.append((obj, values))
    return out


def _assigned_since(snapshot: list) -> list:
    """What Python assigned since ``snapshot``: (object, array, flat indices, values)."""
    out = []
    for obj, key, old in snapshot:
        new = obj.arrays.get(key)
        if new is None or new.shape != old.shape:
            raise ConfigurationError(
                f"'{obj.name}' changed size between two runs on a standalone device",
                code="E132", hint="create all synapses before the first run()")
        diff = np.flatnonzero((new != old) & ~(np.isnan(new) & np.isnan(old))
                              if new.dtype.kind == "f" else new != old)
        if diff.size:
            out.append((obj, key, diff, new.reshape(-1)[diff].copy()))
    return out


def _plain_run(net, duration, kwargs: dict) -> None:
    from .runtime.network import Network
    Network.run(net, duration, **kwargs)


class RuntimeDevice(Device):
    """The runtime device (``type(get_device()).__name__`` as in Brian2)."""


class CPPStandaloneDevice(Device):
    """A standalone device ('cpp_standalone', 'cuda_standalone', 'genn')."""


device = RuntimeDevice()
all_devices = {name: name for name in _DEVICES}


def set_device(name, build_on_run: bool = True, **options) -> None:
    """Choose the device: 'runtime' (default) or 'cpp_standalone' (eqsim's compiled C)."""
    key = getattr(name, "name", name)
    if key not in _DEVICES:
        raise ConfigurationError(f"unknown device {name!r}", code="E803",
                                 hint="use 'runtime' or 'cpp_standalone'")
    device.name = key
    device.build_on_run = build_on_run
    device.options = dict(options)
    device.has_been_run = False
    device.reinit()
    device.__class__ = RuntimeDevice if key == "runtime" else CPPStandaloneDevice
    if key != "runtime":
        _note_once(f"device {key}", f"set_device('{key}'): runs use eqsim's compiled C "
                   "backend, each at once (no project directory is written)")


def get_device() -> Device:
    return device


def reinit_devices() -> None:
    """Brian2's reinit_devices(): back to a fresh runtime device."""
    set_device("runtime")


def reset_device(device=None) -> None:
    """Brian2's reset_device(): back to the runtime device (or to ``device``)."""
    set_device(device or "runtime")


def default_backend() -> str:
    """The backend a run without ``backend=`` uses: the device's, else the target's."""
    return device.backend or TARGETS[prefs["codegen.target"]]


def default_threads() -> int:
    """OpenMP threads of a run without ``threads=`` (Brian2 uses openmp_threads only
    on a standalone device)."""
    if device.backend is None:
        return 1
    return max(1, int(prefs["devices.cpp_standalone.openmp_threads"]))


class BrianLogger:
    """Brian2's logging switches (``BrianLogger.log_level_debug()``), acting on the
    ``eqsim`` logger; add a handler (``logging.basicConfig()``) to see the messages."""

    @staticmethod
    def _level(level: str) -> None:
        logging.getLogger("eqsim").setLevel(level)

    @staticmethod
    def log_level_debug() -> None:
        BrianLogger._level("DEBUG")

    @staticmethod
    def log_level_info() -> None:
        BrianLogger._level("INFO")

    @staticmethod
    def log_level_warn() -> None:
        BrianLogger._level("WARNING")

    @staticmethod
    def log_level_error() -> None:
        BrianLogger._level("ERROR")

    @staticmethod
    def suppress_hierarchy(name: str, filter_log_file: bool = False) -> None:
        logging.getLogger(name.replace("brian2", "eqsim", 1)).setLevel(logging.ERROR)

    @staticmethod
    def suppress_name(name: str, filter_log_file: bool = False) -> None:
        BrianLogger.suppress_hierarchy(name)


def get_logger(name: str = "eqsim") -> logging.Logger:
    """Brian2's ``get_logger``: a logger under ``eqsim``."""
    return logging.getLogger(name if name.startswith("eqsim") else f"eqsim.{name}")


__all__ = ["BrianLogger", "get_logger", "prefs", "brian_prefs", "PreferenceError",
           "Preferences", "set_device",
           "get_device", "device", "all_devices", "reinit_devices", "Device",
           "default_backend", "default_threads", "reset_device", "RuntimeDevice",
           "CPPStandaloneDevice"]
