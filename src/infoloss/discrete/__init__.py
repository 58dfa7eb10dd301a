"""Discrete distributions given as arrays: `Categorical`, its exact formulas and fast kernels.

Imports `infoloss._core` only. Registers the `Categorical` formulas and the route of arrays of
probabilities, the default kind of argument.
"""

from __future__ import annotations

from . import _formulas as formulas
from . import _measures as _measures  # registers the Categorical formulas
from ._categorical import Categorical
from ._route import probabilities_route

__all__ = ["Categorical", "formulas", "probabilities_route"]
