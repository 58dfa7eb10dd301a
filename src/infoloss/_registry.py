"""The registry: which implementation answers a measure for a given pair of distribution types.

Built like ``torch.distributions.kl``: implementations are registered for a measure and a tuple
of types, and a lookup picks the most specific registered match along the types' MROs (cached).
Registering the same key twice is an error (as in TFP), never a silent override.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["lookup", "register", "registered"]

F = TypeVar("F", bound=Callable[..., Any])
_TABLE: dict[tuple[str, tuple[type, ...]], Callable[..., Any]] = {}


def register(measure: str, *types: type) -> Callable[[F], F]:
    """Decorator: ``fn`` computes ``measure`` (in nats) for arguments of ``types``."""

    def decorate(fn: F) -> F:
        key = (measure, types)
        if key in _TABLE:
            names = ", ".join(t.__name__ for t in types)
            msg = f"{measure} for ({names}) is already registered as {_TABLE[key].__qualname__}"
            raise ValueError(msg)
        _TABLE[key] = fn
        lookup.cache_clear()
        return fn

    return decorate


def registered() -> list[tuple[str, tuple[type, ...]]]:
    """Every registered ``(measure, types)`` key, in registration order."""
    return list(_TABLE)


@functools.cache
def lookup(measure: str, types: tuple[type, ...]) -> Callable[..., Any] | None:
    """The most specific implementation for ``types``, or None.

    A candidate matches when each argument type is a subclass of its registered type; among the
    matches the one whose types sit lowest in the arguments' MROs wins.
    """
    best: tuple[tuple[int, ...], Callable[..., Any]] | None = None
    for (name, reg_types), fn in _TABLE.items():
        if name != measure or len(reg_types) != len(types):
            continue
        if not all(issubclass(t, r) for t, r in zip(types, reg_types, strict=True)):
            continue
        rank = tuple(t.__mro__.index(r) for t, r in zip(types, reg_types, strict=True))
        if best is None or rank < best[0]:
            best = (rank, fn)
    return None if best is None else best[1]
