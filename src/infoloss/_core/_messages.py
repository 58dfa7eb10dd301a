"""The messages of the checks of probabilities, shared by the eager checks
(`infoloss._core._validation`) and the lazy ones of dask arrays (`infoloss._core._lazy_checks`).
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import numpy as np

__all__ = [
    "entry_message",
    "normalizable_message",
    "sum_tolerance",
    "sums_message",
    "unravel",
]


def sum_tolerance(dtype: Any) -> float:
    """How far a row's sum may stray from 1: ``sqrt(eps)`` of the dtype (1.5e-8 in float64)."""
    key = (type(dtype), dtype)  # the type first: dtypes of two libraries are never compared
    try:
        return _TOLERANCES[key]
    except (KeyError, TypeError):  # not seen yet, or not hashable
        tol = math.sqrt(float(np.finfo(_numpy_dtype(dtype)).eps))
    with contextlib.suppress(TypeError):
        _TOLERANCES[key] = tol
    return tol


_TOLERANCES: dict[tuple[type, Any], float] = {}


def _numpy_dtype(dtype: Any) -> Any:
    """The NumPy dtype of the same name, for ``finfo`` on any library's float dtype."""
    name = str(dtype).rsplit(".", 1)[-1]
    try:
        return np.dtype(name)
    except TypeError:
        return np.float32 if "32" in name or "16" in name else np.float64


def unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(flat, shape)) if shape else ()


def _shortest(value: float, dtype: Any) -> str:
    """The shortest text that reads back as ``value`` in ``dtype`` (0.9, not 0.8999999762)."""
    return str(np.dtype(_numpy_dtype(dtype)).type(value))


def entry_message(kind: str, name: str, value: float, index: tuple[int, ...]) -> str:
    """The message for a negative probability or a positive log-probability at ``index``."""
    if kind == "negative":
        return (
            f"`{name}` has negative entries (min {value:.6g} at index {index}); "
            "probabilities must be >= 0"
        )
    return (
        f"`{name}` has positive entries ({value:.6g} at index {index}); log-probabilities "
        "must be <= 0. Pass unnormalised scores as `logits=` instead."
    )


def sums_message(
    name: str, value: float, row: tuple[int, ...], dtype: Any, what: str = "sums to"
) -> str:
    """The message for a distribution whose sum (at ``row`` of the sums) is off 1."""
    where = f"row {row}" if row else "the distribution"
    return (
        f"`{name}` {where} {what} {_shortest(value, dtype)}; each distribution along the "
        f"axis must sum to 1 (tolerance {sum_tolerance(dtype):.2g} for {_numpy_dtype(dtype)}). "
        "Pass `normalize=True` to divide weights by their sum."
    )


def normalizable_message(name: str, value: float, row: tuple[int, ...]) -> str:
    """The message for a row of weights that `normalize=True` cannot divide by its total."""
    return (
        f"`{name}` row {row} has total weight {value:.6g}; `normalize=True` needs a "
        "positive, finite total in every row"
    )
