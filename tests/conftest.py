"""Shared fixtures: every test session gets its own empty compile cache."""
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
BACKENDS = ["c", "numpy"]


@pytest.fixture(scope="session", autouse=True)
def _cache_dir(tmp_path_factory):
    """Keep generated code out of the user's cache and the source tree."""
    path = tmp_path_factory.mktemp("eqsim-cache")
    old = os.environ.get("EQSIM_CACHE_DIR")
    os.environ["EQSIM_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("EQSIM_CACHE_DIR", None)
    else:
        os.environ["EQSIM_CACHE_DIR"] = old


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


def run_python(code: str, env_extra: dict | None = None, timeout: float = 300):
    """Run code in a fresh interpreter (for cache tests); returns CompletedProcess."""
    import subprocess
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=timeout, cwd=str(ROOT))
