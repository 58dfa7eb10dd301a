"""Shared pieces of the count estimators: types, the NaN guard, the plug-in terms, the warning.

Split out of `infoloss._estimators._counts` (which documents the estimators and holds the
tables) so that `_counts_entropy` and `_counts_pairs` can share them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeAlias

import numpy as np

__all__ = ["NAN", "InfiniteEstimateWarning", "Result", "Vector"]

Vector: TypeAlias = "np.ndarray[Any, np.dtype[np.float64]]"
Result: TypeAlias = tuple[float, float]
NAN = (float("nan"), float("nan"))


class InfiniteEstimateWarning(RuntimeWarning):
    """A plug-in estimate is +inf because a category seen in P has zero count in Q."""


def _nan_in(fn: Callable[..., Result]) -> Callable[..., Result]:
    """Aligned shapes checked; NaN in any count vector gives ``(nan, nan)``; Python floats."""

    @functools.wraps(fn)
    def wrapper(*args: Any) -> Result:
        arrays = [a for a in args if isinstance(a, np.ndarray)]
        if len(arrays) == 2 and arrays[0].shape != arrays[1].shape:
            msg = (
                "`p` and `q` counts must be aligned on the same categories; found shapes "
                f"{arrays[0].shape} and {arrays[1].shape}"
            )
            raise ValueError(msg)
        if any(np.isnan(a).any() for a in arrays):
            return NAN
        value, stderr = fn(*args)
        return float(value), float(stderr)

    return wrapper


def _plugin_terms(c: Vector) -> tuple[Vector, Vector, float, float]:
    """p̂ and log p̂ on the observed cells, the plug-in entropy and its delta-method stderr."""
    n = float(c.sum())
    p = c[c > 0] / n
    logp = np.log(p)
    h = float(-(p @ logp))
    se = float(np.sqrt(max(float(p @ (logp + h) ** 2), 0.0) / n))
    return p, logp, h, se
