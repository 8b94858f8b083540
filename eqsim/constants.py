"""Physical constants as Brian2 has them (``brian2.units.constants``, CODATA 2014).

>>> from eqsim.constants import faraday_constant, gas_constant, zero_celsius
>>> zero_celsius
273.15 * K
"""
import numpy as np

from .units import (DIMENSIONLESS, Quantity, coulomb, farad, gram, joule, kelvin, kilogram,
                    metre, mole, newton, amp)

avogadro_constant = Quantity(6.022140857e23, (DIMENSIONLESS / mole.dim))
boltzmann_constant = 1.38064852e-23 * joule / kelvin
electric_constant = 8.854187817e-12 * farad / metre
electron_mass = 9.10938356e-31 * kilogram
elementary_charge = 1.6021766208e-19 * coulomb
faraday_constant = 96485.33289 * coulomb / mole
gas_constant = 8.3144598 * joule / mole / kelvin
magnetic_constant = 4 * np.pi * 1e-7 * newton / amp ** 2
molar_mass_constant = 1 * gram / mole
zero_celsius = 273.15 * kelvin

CONSTANTS = ("avogadro_constant", "boltzmann_constant", "electric_constant",
             "electron_mass", "elementary_charge", "faraday_constant", "gas_constant",
             "magnetic_constant", "molar_mass_constant", "zero_celsius")
__all__ = list(CONSTANTS)
