"""Checks of user input and their messages.

Every message names the argument in backticks and says what was expected and what was found.
The checks never change the data: a bad input raises, it is not clipped or renormalised.
"""

from __future__ import annotations

import math

import array_api_compat
import numpy as np

from ._array_api import Array, Namespace
from ._lazy_checks import defer_check
from ._messages import (
    entry_message,
    normalizable_message,
    sum_tolerance,
    sums_message,
    unravel,
)

__all__ = [
    "MEASURE_NAMES",
    "check_log_probs",
    "check_normalizable",
    "check_probs",
    "entry_message",
    "first_true",
    "flat_item",
    "log_base",
    "normalizable_message",
    "raise_bad_sums",
    "raise_negative",
    "sum_tolerance",
    "sums_message",
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


def flat_item(x: Array, xp: Namespace, i: int) -> float:
    item = xp.reshape(x, (-1,))[i]
    return float(item.detach() if hasattr(item, "detach") else item)


def first_true(mask: Array, xp: Namespace) -> int:
    """Flat index of the first True of a boolean array (computed where the array lives)."""
    return int(xp.argmax(xp.astype(xp.reshape(mask, (-1,)), xp.int32)))


def raise_negative(x: Array, name: str, xp: Namespace) -> None:
    """Raise the message for negative entries of ``x`` (already known to exist)."""
    flat = xp.reshape(x, (-1,))
    i = int(xp.argmin(xp.where(xp.isnan(flat), xp.full_like(flat, xp.inf), flat)))
    value = flat_item(x, xp, i)
    raise ValueError(entry_message("negative", name, value, unravel(i, tuple(x.shape))))


def raise_bad_sums(sums: Array, name: str, xp: Namespace, what: str = "sums to") -> None:
    """Raise for the first row whose sum is off by more than the tolerance, if there is one."""
    tol = sum_tolerance(sums.dtype)
    bad = xp.abs(sums - 1.0) > tol  # NaN rows are not flagged: NaN in gives NaN out
    if not bool(xp.any(bad)):
        return
    i = first_true(bad, xp)
    row = unravel(i, tuple(sums.shape))
    msg = sums_message(name, flat_item(sums, xp, i), row, sums.dtype, what)
    raise ValueError(msg)


def check_probs(p: Array, xp: Namespace, axes: tuple[int, ...], name: str) -> None:
    """Entries >= 0 and sums along ``axes`` equal to 1 (NaN rows pass: NaN in gives NaN out).

    A dask array inside a measure is not computed: the check becomes tasks of the result's
    graph and raises at ``.compute()`` (`infoloss._core._lazy_checks`).
    """
    if defer_check("probs", p, name, axes=axes):
        return
    if bool(xp.any(p < 0)):
        raise_negative(p, name, xp)
    raise_bad_sums(xp.sum(p, axis=axes), name, xp)


def check_log_probs(lp: Array, xp: Namespace, axes: tuple[int, ...], name: str) -> None:
    """``logsumexp`` along ``axes`` equal to 0, i.e. the probabilities sum to 1."""
    from ._array_api import logsumexp

    if array_api_compat.is_dask_array(lp):
        sums = xp.exp(logsumexp(lp, xp, axes))  # lazy: built, not computed
        if defer_check("log_probs", lp, name, axes=axes, sums=sums):
            return
    positive = lp > sum_tolerance(lp.dtype)  # log_softmax may round a certain outcome up
    if bool(xp.any(positive)):
        i = first_true(positive, xp)
        value = flat_item(lp, xp, i)
        raise ValueError(entry_message("positive", name, value, unravel(i, tuple(lp.shape))))
    lse = logsumexp(lp, xp, axes)
    raise_bad_sums(xp.exp(lse), name, xp, what="exponentiates and sums to")


def check_normalizable(sums: Array, name: str, xp: Namespace) -> None:
    """For ``normalize=True``: every row must have a positive finite total weight."""
    if defer_check("normalizable", sums, name):
        return
    bad = (sums == 0) | xp.isinf(sums)  # negatives were refused before; NaN rows stay NaN
    if bool(xp.any(bad)):
        i = first_true(bad, xp)
        row = unravel(i, tuple(sums.shape))
        raise ValueError(normalizable_message(name, flat_item(sums, xp, i), row))
