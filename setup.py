"""Everything about the package is in pyproject.toml; this file only adds one file to the
wheels: ``eqsim-pynn-alias.pth`` at the top of site-packages, so that PyNN users can write
``import pyNN.eqsim`` (PyNN has no backend discovery; see eqsim/pynn_alias.py). The same
way coverage.py and pytest-cov install their .pth files: into build_lib for regular wheels,
appended to the wheel (with its RECORD line) for PEP 660 editable installs.
"""
import base64
import hashlib
import os
import runpy
import zipfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

try:  # setuptools >= 64
    from setuptools.command.editable_wheel import editable_wheel
except ImportError:  # pragma: no cover
    editable_wheel = None

_ALIAS = runpy.run_path(str(Path(__file__).parent / "eqsim" / "pynn_alias.py"))
PTH_NAME, PTH_TEXT = _ALIAS["PTH_NAME"], _ALIAS["pth_line"]().encode()


class BuildPyWithPth(build_py):
    def run(self):
        super().run()
        out = Path(self.build_lib) / PTH_NAME
        out.write_bytes(PTH_TEXT)

    def get_outputs(self, include_bytecode=1):
        return super().get_outputs(include_bytecode) + [str(Path(self.build_lib) / PTH_NAME)]


def _add_to_wheel(wheel: Path) -> None:
    digest = base64.urlsafe_b64encode(hashlib.sha256(PTH_TEXT).digest()).rstrip(b"=")
    record = f"{PTH_NAME},sha256={digest.decode()},{len(PTH_TEXT)}\n".encode()
    tmp = wheel.with_suffix(".tmp")
    with zipfile.ZipFile(wheel) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == PTH_NAME:
                continue
            if item.filename.endswith(".dist-info/RECORD"):
                data += record
            dst.writestr(item, data)
        dst.writestr(PTH_NAME, PTH_TEXT)
    os.replace(tmp, wheel)


cmdclass = {"build_py": BuildPyWithPth}
if editable_wheel is not None:
    class EditableWheelWithPth(editable_wheel):
        def run(self):
            super().run()
            for wheel in Path(self.dist_dir).glob("*.whl"):
                _add_to_wheel(wheel)

    cmdclass["editable_wheel"] = EditableWheelWithPth

setup(cmdclass=cmdclass)
