"""What the wheel ships: every subpackage of eqsim listed in pyproject.toml (a missing one is
absent from a non-editable install, which no import from the source tree would notice), and
the .pth line that makes ``import pyNN.eqsim`` work without importing eqsim first."""
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_every_subpackage_is_listed_in_pyproject():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts)
               for p in (ROOT / "eqsim").rglob("__init__.py")}
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - on_disk == {"eqsim.codegen_templates"}
    assert config["package-dir"] == {"eqsim.codegen_templates": "codegen_templates"}


def _run(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=str(ROOT / "tests"), timeout=300)


def test_pth_line_makes_pynn_eqsim_importable():
    pytest.importorskip("pyNN")
    from eqsim.pynn_alias import pth_line
    # what site.py does with an "import" line of a .pth file, then a user's first import
    code = (f"exec({pth_line()!r})\n"
            "import sys\n"
            "assert 'eqsim' not in sys.modules\n"
            "import pyNN.eqsim as sim\n"
            "import eqsim.pynn, pyNN\n"
            "assert sim is eqsim.pynn is pyNN.eqsim is sys.modules['pyNN.eqsim']\n"
            "sim.setup(timestep=0.1)\n"
            "p = sim.Population(3, sim.IF_curr_exp(i_offset=1.0))\n"
            "p.record('spikes')\n"
            "sim.run(100.0)\n"
            "print(sum(len(s) for s in p.get_data().segments[0].spiketrains))\n")
    result = _run(code)
    assert result.returncode == 0, result.stderr
    # I = 1 nA on IF_curr_exp (tau_m 20 ms, C_m 1 nF, 15 mV to threshold, 2 ms refractory):
    # first spike at 20 ln(20/5) = 27.7 ms, then every 29.7 ms -> 3 spikes each by 100 ms
    assert int(result.stdout.split()[-1]) == 9


def test_pth_line_leaves_other_imports_alone():
    from eqsim.pynn_alias import pth_line
    result = _run(f"exec({pth_line()!r})\nexec({pth_line()!r})\nimport sys\n"
                  "names = [getattr(f, '__name__', '') for f in sys.meta_path]\n"
                  "assert names.count('EqsimPyNNAlias') == 1 and names[-1] == 'EqsimPyNNAlias'\n"
                  "import json, email.mime.text\n"
                  "try:\n    import pyNN.nonexistent\nexcept ModuleNotFoundError:\n    pass\n"
                  "else:\n    raise AssertionError\n"
                  "assert 'eqsim' not in sys.modules\n")
    assert result.returncode == 0, result.stderr


def test_installed_environment_has_the_pth_file():
    """CI installs eqsim from scratch (.ci/run): there the .pth must be in site-packages."""
    pth = Path(sysconfig.get_paths()["purelib"]) / "eqsim-pynn-alias.pth"
    if not pth.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{pth} missing after installing eqsim")
        pytest.skip("eqsim installed before the .pth existed (reinstall to get it)")
    from eqsim.pynn_alias import pth_line
    assert pth.read_text() == pth_line()
