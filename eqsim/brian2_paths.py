"""Brian2's module paths under eqsim, for scripts whose other imports say ``brian2.``.

A Brian2 script ported by replacing ``brian2`` with ``eqsim`` in its imports may also
say ``from eqsim.units.constants import zero_celsius``, ``from eqsim.core.functions
import timestep`` or ``from eqsim.devices.device import reinit_devices``. These paths
are registered here as aliases of the eqsim modules that hold those names (nothing is
imported that ``import eqsim`` has not imported already).
"""
from __future__ import annotations

import sys
import types


def _module(name: str, doc: str, **attrs) -> types.ModuleType:
    mod = types.ModuleType(name, doc)
    mod.__dict__.update(attrs)
    mod.__all__ = sorted(attrs)
    return mod


def register() -> None:
    from . import brian2_compat, constants, preferences, units

    devices = _module("eqsim.devices", "Brian2's brian2.devices, for eqsim.",
                      device=preferences.device, set_device=preferences.set_device,
                      get_device=preferences.get_device,
                      all_devices=preferences.all_devices,
                      reinit_devices=preferences.reinit_devices,
                      reset_device=preferences.reset_device,
                      seed=brian2_compat.seed)
    core = _module("eqsim.core", "Brian2's brian2.core, for eqsim.")
    functions = _module("eqsim.core.functions", "brian2.core.functions, for eqsim.",
                        timestep=brian2_compat.timestep)
    core.functions = functions
    devices.device_module = devices
    aliases = {"eqsim.units.constants": constants, "eqsim.devices": devices,
               "eqsim.devices.device": devices, "eqsim.core": core,
               "eqsim.core.functions": functions, "eqsim.units.allunits": units,
               "eqsim.units.stdunits": units}
    for name, module in aliases.items():
        sys.modules.setdefault(name, module)
    units.constants = constants
    units.allunits = units
    units.stdunits = units


__all__ = ["register"]
