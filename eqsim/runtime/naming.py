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
