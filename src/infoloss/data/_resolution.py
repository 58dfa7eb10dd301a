"""Continuous draws recorded to a grid (rounded values): the grid found, and dequantised.

Heights to 0.01 cm, ratings 1.0 ... 5.0, prices to the cent: such draws repeat values, and a
nearest-neighbour estimator then meets zero distances. ``Samples(x, resolution=w)`` says the
draws were recorded to a grid of width ``w`` (per coordinate, or ``"auto"`` to find it) and the
estimators see them dequantised: each draw plus independent uniform noise over its grid cell,
``x + w (U - 1/2)``, seeded (one call, one answer). The dequantised variable ``Y`` has the
piecewise-constant density ``p_k / w`` on cell k, so exactly

    h(Y) = H(cells) + Σ_j log w_j,

the discrete entropy of the recorded values plus the log-volume of a cell; and ``h(Y) >= h(X)``
for the underlying X, with ``h(Y) - h(X) ≈ Σ_j w_j² J_j / 24`` (J_j the Fisher information of a
shift along coordinate j; averaging a density over cells raises its entropy): 4e-4 nats for
N(0, 1) recorded to 0.1, 0.04 to whole numbers. Estimating on the grid instead
(``Samples(x, discrete=True)``) gives H(cells), which the relation above turns into h(Y).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["DEQUANTIZE_SEED", "dequantized", "find_grid", "resolution_of"]

DEQUANTIZE_SEED = 0x0DE9
_MAX_DIVISOR = 10  # the grid may be finer than the smallest gap seen: w0 / 2 ... w0 / 10
_TOL = 1e-6  # gaps within this many grid widths of a whole number are on the grid


def find_grid(column: np.ndarray[Any, Any]) -> float | None:
    """The widest ``w`` such that every distinct value of `column` is ``a + w·k`` for whole k
    (the smallest gap between distinct values, or a tenth of it at the finest), or None when
    there is none (continuous values) or fewer than two distinct values."""
    u = np.unique(column[np.isfinite(column)])
    if u.size < 2:
        return None
    gaps = np.diff(u)
    w0 = float(gaps.min())
    # rounding of the recorded decimals: a few ulps of the largest value, in widths
    slack = _TOL + 64 * np.finfo(np.float64).eps * float(np.max(np.abs(u))) / w0
    for m in range(1, _MAX_DIVISOR + 1):
        ratio = gaps / (w0 / m)
        if float(np.max(np.abs(ratio - np.round(ratio)))) <= slack * m:
            return w0 / m
    return None


def resolution_of(resolution: Any, arr: np.ndarray[Any, Any]) -> np.ndarray[Any, Any] | None:
    """The grid widths, one per coordinate, from the `resolution` argument of `Samples`."""
    if resolution is None:
        return None
    d = 1 if arr.ndim == 1 else arr.shape[1]
    values = np.asarray(arr, dtype=np.float64).reshape(arr.shape[0], d)
    if isinstance(resolution, str):
        if resolution != "auto":
            msg = (
                "`resolution` must be a positive number, one per dimension, or 'auto'; found "
                f"{resolution!r}"
            )
            raise ValueError(msg)
        found = [find_grid(values[:, j]) for j in range(d)]
        missing = [j for j, w in enumerate(found) if w is None]
        if missing:
            msg = (
                f"`resolution`='auto' found no recording grid in dimension(s) {missing}: their "
                "values are not on a common grid a + w·k (give the width, e.g. resolution=0.1, "
                "if it is known)"
            )
            raise ValueError(msg)
        return np.asarray(found, dtype=np.float64)
    try:
        w: np.ndarray[Any, Any] = np.broadcast_to(
            np.asarray(resolution, dtype=np.float64), (d,)
        ).copy()
    except (TypeError, ValueError):
        msg = (
            f"`resolution` must be a positive number or one per dimension ({d}); found "
            f"{resolution!r}"
        )
        raise ValueError(msg) from None
    if not (np.isfinite(w).all() and (w > 0).all()):
        msg = f"`resolution` must be finite and > 0; found {resolution!r}"
        raise ValueError(msg)
    return w


def dequantized(
    values: np.ndarray[Any, Any], widths: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """``values + widths (U - 1/2)``, U uniform on [0, 1)^d, seeded with `DEQUANTIZE_SEED`."""
    rng = np.random.default_rng(DEQUANTIZE_SEED)
    out: np.ndarray[Any, Any] = values + widths * (rng.random(values.shape) - 0.5)
    return out
