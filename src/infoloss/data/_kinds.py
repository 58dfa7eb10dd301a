"""What data arguments have in common: `Data`, the base of `Samples` and `Counts`."""

from __future__ import annotations

from typing import Any

import array_api_compat
import numpy as np

from .._core import Namespace

__all__ = ["Data", "namespace_of"]


class Data:
    """The base of `Samples` and `Counts`: data as an argument of the measures."""

    __slots__ = ()


def namespace_of(x: Any) -> Namespace:
    """The array library of `x` (NumPy for lists, pandas and NumPy arrays)."""
    if array_api_compat.is_array_api_obj(x) and not isinstance(x, np.ndarray | np.generic):
        return array_api_compat.array_namespace(x)
    return np
