"""Discrete distributions given as arrays: `Categorical`, its exact formulas and fast kernels.

Imports `infoloss._core` only. Registers the `Categorical` formulas and the route of arrays of
probabilities, the default kind of argument. `softmax_rows` and `row_sums_and_minima` lend the
compiled core's per-row passes to `infoloss.losses`, `nearest_sorted` its 1-D neighbour search
to `infoloss.data`.
"""

from __future__ import annotations

from . import _formulas as formulas
from . import _measures as _measures  # registers the Categorical formulas
from ._categorical import Categorical
from ._numpy_kernels import nearest_sorted, row_sums_and_minima, softmax_rows
from ._route import probabilities_route

__all__ = [
    "Categorical",
    "formulas",
    "nearest_sorted",
    "probabilities_route",
    "row_sums_and_minima",
    "softmax_rows",
]
