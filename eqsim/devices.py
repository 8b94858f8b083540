"""Brian2's ``brian2.devices`` names for scripts that import them (``from brian2.devices
import device_module``): the device lives in :mod:`eqsim.preferences`. A script that sets
``device_module.active_device`` (Brian2's standalone multiprocessing example) sets an
attribute eqsim does not read: the device is the one of :func:`set_device`."""
from . import preferences as device_module
from .preferences import Device, all_devices, device, get_device, reinit_devices, set_device

__all__ = ["Device", "all_devices", "device", "device_module", "get_device",
           "reinit_devices", "set_device"]
