"""The one way an estimator is chosen by name: unknown names list the valid ones."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

__all__ = ["choose"]

T = TypeVar("T")


def choose(method: str, table: Mapping[str, T], what: str) -> T:
    """The estimator called `method` in `table`; a ValueError names the valid ones.

    `what` says what is being estimated from what, e.g. ``"entropy from counts"``.
    """
    try:
        return table[method]
    except (KeyError, TypeError):
        valid = ", ".join(repr(k) for k in table)
        msg = f"`method` {method!r} is not an estimator of {what}; valid: {valid}"
        raise ValueError(msg) from None
