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
    "MEASURE_NAMES",
    "check_log_probs",
    "check_normalizable",
    "check_probs",
    "first_true",
    "flat_item",
    "log_base",
    "raise_bad_sums",
    "raise_negative",
    "sum_tolerance",
    "unravel",
]

MEASURE_NAMES = {  # the measures' names in messages
    "entropy": "entropy",
    "cross_entropy": "cross-entropy",
    "kl_divergence": "KL divergence",
    "js_divergence": "Jensen-Shannon divergence",
}
_NAMED_BASES = {"nats": math.e, "bits": 2.0, "hartleys": 10.0, "bans": 10.0, "dits": 10.0}
_BASE_NAMES = ", ".join(f'"{k}"' for k in _NAMED_BASES)


def log_base(base: object) -> float | None:
    """``log(base)``, the divisor that turns nats into ``base`` units; None for nats.

    ``base`` is None or ``"nats"`` (natural log), ``"bits"`` (2), ``"hartleys"`` / ``"bans"`` /
    ``"dits"`` (10) or a finite real number > 1. A base in (0, 1) would flip the sign of every
    measure (an entropy below 0, a KL below 0), so it is refused with the rest.
    """
    if base is None:
        return None
    if isinstance(base, str):
        if base not in _NAMED_BASES:
            msg = f"`base` must be a number > 1 or one of {_BASE_NAMES}; found {base!r}"
            raise ValueError(msg)
        return None if base == "nats" else math.log(_NAMED_BASES[base])
    if isinstance(base, bool) or not isinstance(base, int | float | np.integer | np.floating):
        msg = f"`base` must be None, a real number > 1 or one of {_BASE_NAMES}; found {base!r}"
        raise TypeError(msg)
    b = float(base)
    if not (math.isfinite(b) and b > 1):
        msg = f"`base` must be a finite number > 1 or one of {_BASE_NAMES}; found {base!r}"
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


def unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.unravel_index(flat, shape)) if shape else ()


def flat_item(x: Array, xp: Namespace, i: int) -> float:
    item = xp.reshape(x, (-1,))[i]
    return float(item.detach() if hasattr(item, "detach") else item)


def _shortest(value: float, dtype: Any) -> str:
    """The shortest text that reads back as ``value`` in ``dtype`` (0.9, not 0.8999999762)."""
    return str(np.dtype(_numpy_dtype(dtype)).type(value))


def first_true(mask: Array, xp: Namespace) -> int:
    """Flat index of the first True of a boolean array (computed where the array lives)."""
    return int(xp.argmax(xp.astype(xp.reshape(mask, (-1,)), xp.int32)))


def raise_negative(x: Array, name: str, xp: Namespace) -> None:
    """Raise the message for negative entries of ``x`` (already known to exist)."""
    flat = xp.reshape(x, (-1,))
    i = int(xp.argmin(xp.where(xp.isnan(flat), xp.full_like(flat, xp.inf), flat)))
    msg = (
        f"`{name}` has negative entries (min {flat_item(x, xp, i):.6g} at index "
        f"{unravel(i, tuple(x.shape))}); probabilities must be >= 0"
    )
    raise ValueError(msg)


def raise_bad_sums(sums: Array, name: str, xp: Namespace, what: str = "sums to") -> None:
    """Raise for the first row whose sum is off by more than the tolerance, if there is one."""
    tol = sum_tolerance(sums.dtype)
    bad = xp.abs(sums - 1.0) > tol  # NaN rows are not flagged: NaN in gives NaN out
    if not bool(xp.any(bad)):
        return
    i = first_true(bad, xp)
    row = unravel(i, tuple(sums.shape))
    where = f"row {row}" if row else "the distribution"
    found = _shortest(flat_item(sums, xp, i), sums.dtype)
    msg = (
        f"`{name}` {where} {what} {found}; each distribution along the "
        f"axis must sum to 1 (tolerance {tol:.2g} for {_numpy_dtype(sums.dtype)}). "
        "Pass `normalize=True` to divide weights by their sum."
    )
    raise ValueError(msg)


def check_probs(p: Array, xp: Namespace, axes: tuple[int, ...], name: str) -> None:
    """Entries >= 0 and sums along ``axes`` equal to 1 (NaN rows pass: NaN in gives NaN out)."""
    if bool(xp.any(p < 0)):
        raise_negative(p, name, xp)
    raise_bad_sums(xp.sum(p, axis=axes), name, xp)


def check_log_probs(lp: Array, xp: Namespace, axes: tuple[int, ...], name: str) -> None:
    """``logsumexp`` along ``axes`` equal to 0, i.e. the probabilities sum to 1."""
    from ._array_api import logsumexp

    positive = lp > sum_tolerance(lp.dtype)  # log_softmax may round a certain outcome up
    if bool(xp.any(positive)):
        i = first_true(positive, xp)
        msg = (
            f"`{name}` has positive entries ({flat_item(lp, xp, i):.6g} at index "
            f"{unravel(i, tuple(lp.shape))}); log-probabilities must be <= 0. "
            "Pass unnormalised scores as `logits=` instead."
        )
        raise ValueError(msg)
    lse = logsumexp(lp, xp, axes)
    raise_bad_sums(xp.exp(lse), name, xp, what="exponentiates and sums to")


def check_normalizable(sums: Array, name: str, xp: Namespace) -> None:
    """For ``normalize=True``: every row must have a positive finite total weight."""
    bad = (sums == 0) | xp.isinf(sums)  # negatives were refused before; NaN rows stay NaN
    if bool(xp.any(bad)):
        i = first_true(bad, xp)
        msg = (
            f"`{name}` row {unravel(i, tuple(sums.shape))} has total weight "
            f"{flat_item(sums, xp, i):.6g}; `normalize=True` needs a positive, finite total "
            "in every row"
        )
        raise ValueError(msg)
