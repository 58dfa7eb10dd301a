"""Checks of user input and their messages.

Every message names the argument in backticks and says what was expected and what was found.
The checks never change the data: a bad input raises, it is not clipped or renormalised.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._array_api import Array, Namespace

__all__ = [
    "check_log_probs",
    "check_probs",
    "log_base",
    "sum_tolerance",
]

_NAMED_BASES = {"nats": math.e, "bits": 2.0, "hartleys": 10.0, "bans": 10.0, "dits": 10.0}


def log_base(base: object) -> float | None:
    """``log(base)``, the divisor that turns nats into ``base`` units; None for nats.

    ``base`` is None or ``"nats"`` (natural log), ``"bits"`` (2), ``"hartleys"`` (10) or any
    positive finite real number other than 1.
    """
    if base is None:
        return None
    if isinstance(base, str):
        if base not in _NAMED_BASES:
            names = ", ".join(f'"{k}"' for k in _NAMED_BASES)
            msg = f"`base` must be a positive number or one of {names}; found {base!r}"
            raise ValueError(msg)
        return None if base == "nats" else math.log(_NAMED_BASES[base])
    if isinstance(base, bool) or not isinstance(base, int | float | np.integer | np.floating):
        msg = f"`base` must be None, a positive real number or a unit name; found {base!r}"
        raise TypeError(msg)
    b = float(base)
    if not (math.isfinite(b) and b > 0 and b != 1):
        msg = f"`base` must be a positive finite number other than 1; found {base!r}"
        raise ValueError(msg)
    return None if b == math.e else math.log(b)


def sum_tolerance(dtype: Any) -> float:
    """How far a row's sum may stray from 1: ``sqrt(eps)`` of the dtype (1.5e-8 in float64)."""
    return math.sqrt(float(np.finfo(_numpy_dtype(dtype)).eps))


def _numpy_dtype(dtype: Any) -> Any:
    """The NumPy dtype of the same name, for ``finfo`` on any library's float dtype."""
    name = str(dtype).rsplit(".", 1)[-1]
    try:
        return np.dtype(name)
    except TypeError:
        return np.float32 if "32" in name or "16" in name else np.float64


def _index(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(flat, shape)) if shape else ()


def _to_numpy(x: Array) -> np.ndarray[Any, Any]:
    """Copy a small reduced array to NumPy, for error messages only."""
    if hasattr(x, "detach"):
        x = x.detach()
    if hasattr(x, "cpu"):
        x = x.cpu()
    return np.asarray(x)


def raise_negative(x: Array, name: str) -> None:
    """Raise the message for negative entries of ``x`` (already known to exist)."""
    xn = _to_numpy(x)
    flat = int(np.nanargmin(xn))
    msg = (
        f"`{name}` has negative entries (min {xn.flat[flat]:.6g} at index "
        f"{_index(flat, xn.shape)}); probabilities must be >= 0"
    )
    raise ValueError(msg)


def raise_bad_sums(sums: Array, name: str, dtype: Any, what: str = "sums to") -> None:
    """Raise for the first row whose sum is off by more than the tolerance, if there is one."""
    tol = sum_tolerance(dtype)
    s = _to_numpy(sums)
    with np.errstate(invalid="ignore"):
        bad = np.abs(s - 1.0) > tol  # NaN rows are not flagged: NaN in gives NaN out
    if not bad.any():
        return
    flat = int(np.argmax(bad))
    row = _index(flat, s.shape)
    where = f"row {row}" if row else "the distribution"
    msg = (
        f"`{name}` {where} {what} {float(s.flat[flat]):.10g}; each distribution along the axis "
        f"must sum to 1 (tolerance {tol:.2g} for {_numpy_dtype(dtype)}). "
        "Pass `normalize=True` to divide weights by their sum."
    )
    raise ValueError(msg)


def check_probs(p: Array, xp: Namespace, axes: tuple[int, ...], name: str) -> None:
    """Entries >= 0 and sums along ``axes`` equal to 1 (NaN rows pass: NaN in gives NaN out)."""
    if bool(xp.any(p < 0)):
        raise_negative(p, name)
    raise_bad_sums(xp.sum(p, axis=axes), name, p.dtype)


def check_log_probs(lp: Array, xp: Namespace, axes: tuple[int, ...], name: str) -> None:
    """``logsumexp`` along ``axes`` equal to 0, i.e. the probabilities sum to 1."""
    from ._array_api import logsumexp

    if bool(xp.any(lp > 0)):
        xn = _to_numpy(lp)
        flat = int(np.nanargmax(xn))
        msg = (
            f"`{name}` has positive entries (max {xn.flat[flat]:.6g} at index "
            f"{_index(flat, xn.shape)}); log-probabilities must be <= 0. "
            "Pass unnormalised scores as `logits=` instead."
        )
        raise ValueError(msg)
    raise_bad_sums(
        xp.exp(logsumexp(lp, xp, axes)), name, lp.dtype, what="exponentiates and sums to"
    )


def check_normalizable(sums: Array, name: str) -> None:
    """For ``normalize=True``: every row must have a positive finite total weight."""
    s = _to_numpy(sums)
    with np.errstate(invalid="ignore"):
        bad = ~(s > 0) & ~np.isnan(s) | np.isinf(s)
    if bad.any():
        flat = int(np.argmax(bad))
        msg = (
            f"`{name}` row {_index(flat, s.shape)} has total weight {float(s.flat[flat]):.6g}; "
            "`normalize=True` needs a positive, finite total in every row"
        )
        raise ValueError(msg)
