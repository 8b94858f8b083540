"""Names of network objects: given by the user, or assigned by the Network
(``neurongroup``, ``neurongroup_1``, ...) when it is first built."""
from __future__ import annotations

from ..errors import ConfigurationError


def check_name(name) -> str | None:
    """A user-given name must be an identifier not starting with '_' (or None)."""
    if name is None:
        return None
    if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
        raise ConfigurationError(f"name must be an identifier not starting with '_', "
                                 f"got {name!r}", code="E703")
    return name


class Named:
    """Mixin: ``name`` is the given name, else the kind until a Network assigns one."""

    _kind = "object"
    _name: str | None = None

    @property
    def name(self) -> str:
        return self._name or self._kind

    def _set_name(self, name: str) -> None:
        self._name = name


class NameLookupError(ConfigurationError, KeyError):
    """``net['name']`` found no object of that name (a KeyError, as in Brian2)."""

    def __str__(self) -> str:   # KeyError would show the message in quotes
        return self._format()


def find_by_name(objects, name):
    """The object called ``name`` among ``objects`` or their run_regularly / event code
    (Brian2's ``net['name']``)."""
    if not isinstance(name, str):
        raise ConfigurationError(f"a Network is indexed by an object's name, got "
                                 f"{type(name).__name__}", code="E130",
                                 hint="e.g. net['neurons']")
    for obj in objects:
        if obj.name == name:
            return obj
        for code in getattr(obj, "_codes", ()):
            if code.name == name:
                return code
    raise NameLookupError(f"the network has no object named '{name}'", code="E130",
                          hint="names: " + ", ".join(sorted(o.name for o in objects)))
