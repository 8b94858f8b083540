"""The one line of ``eqsim-pynn-alias.pth``, which the wheel installs into site-packages so
that ``import pyNN.eqsim`` works without importing eqsim first (PyNN finds backends only
as its own submodules). setup.py writes this line into the .pth file; Python runs it at
startup. It only appends a finder to the end of ``sys.meta_path`` that answers for the
single name ``pyNN.eqsim`` (after every other finder has failed) by importing eqsim.pynn;
nothing else is imported at startup.
"""

FINDER = '''
import sys
class EqsimPyNNAlias:
    """answers the import of pyNN.eqsim with eqsim.pynn"""
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "pyNN.eqsim":
            return None
        import importlib.util
        return importlib.util.spec_from_loader(name, cls)
    @staticmethod
    def create_module(spec):
        return None
    @staticmethod
    def exec_module(module):
        import importlib, sys
        sys.modules[module.__name__] = importlib.import_module("eqsim.pynn")
if not any(getattr(f, "__name__", "") == "EqsimPyNNAlias" for f in sys.meta_path):
    sys.meta_path.append(EqsimPyNNAlias)
'''

PTH_NAME = "eqsim-pynn-alias.pth"


def pth_line() -> str:
    """The .pth file's content: one ``import`` line (Python executes only those)."""
    return f"import sys; exec({FINDER.strip()!r})\n"
