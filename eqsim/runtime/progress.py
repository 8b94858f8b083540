"""Progress reports during Network.run: text lines, a tqdm bar, or a user callable."""
from __future__ import annotations

import sys

from ..errors import ConfigurationError


def in_jupyter() -> bool:
    ipython = sys.modules.get("IPython")  # never import IPython just to ask
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class _Null:
    def update(self, elapsed: float, fraction: float) -> None:
        pass

    def close(self) -> None:
        pass


class _Text(_Null):
    def __init__(self, stream, period: float, duration: float, start: float):
        self.stream, self.period, self.duration, self.start = stream, period, duration, start
        self._last = -1e9

    def update(self, elapsed, fraction):
        if elapsed - self._last < self.period and fraction < 1:
            return
        self._last = elapsed
        remaining = elapsed * (1 - fraction) / fraction if fraction > 0 else float("nan")
        self.stream.write(f"{fraction * self.duration:.4g} s simulated "
                          f"({fraction:.0%}) in {elapsed:.2f} s, estimated "
                          f"{remaining:.2f} s remaining.\n")
        self.stream.flush()


def _tqdm_class():
    """tqdm's notebook widget where ipywidgets is installed, else its text bar: tqdm.auto
    without ipywidgets prints a warning in Jupyter and falls back anyway."""
    if in_jupyter():
        import importlib.util
        if importlib.util.find_spec("ipywidgets") is not None:
            from tqdm.notebook import tqdm
            return tqdm
    from tqdm.std import tqdm
    return tqdm


class _Tqdm(_Null):
    def __init__(self, duration: float):
        tqdm = _tqdm_class()
        self.bar = tqdm(total=1000, unit="‰", desc="simulating",
                        bar_format="{l_bar}{bar}| {elapsed}<{remaining}")
        self._done = 0

    def update(self, elapsed, fraction):
        target = int(round(fraction * 1000))
        if target > self._done:
            self.bar.update(target - self._done)
            self._done = target

    def close(self):
        self.bar.close()


class _Callable(_Null):
    def __init__(self, fn, duration: float, start: float):
        self.fn, self.duration, self.start = fn, duration, start

    def update(self, elapsed, fraction):
        self.fn(elapsed, fraction, self.start, self.duration)


def make_reporter(report, period, duration: float, start: float):
    """The reporter for ``Network.run(report=...)``."""
    if report is None:
        report = "tqdm" if in_jupyter() else None
    if report is None:
        return _Null()
    seconds = 10.0 if period is None else float(period)
    if callable(report):
        return _Callable(report, duration, start)
    if report in ("text", "stdout"):
        return _Text(sys.stdout, seconds, duration, start)
    if report == "stderr":
        return _Text(sys.stderr, seconds, duration, start)
    if report == "tqdm":
        return _Tqdm(duration)
    raise ConfigurationError(f"unknown report={report!r}", code="E727",
                             hint="use None, 'text', 'stderr', 'tqdm' or a function")


__all__ = ["make_reporter", "in_jupyter"]
