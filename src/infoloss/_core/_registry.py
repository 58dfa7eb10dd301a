"""The registries: which code answers a measure for a given tuple of argument types.

Built like ``torch.distributions.kl``: functions are registered for a measure and a tuple of
types, and a lookup picks the most specific registered match along the types' MROs (cached).
Registering the same key twice is an error (as in TFP), never a silent override.

Two registries share this mechanism:

- `FORMULAS`: exact formulas between distributions, ``fn(p[, q]) -> nats``: the closed forms
  between parametric families (`register_kl`) and the `Categorical` entries.
- `ROUTES`: how the public measures answer for a tuple of argument *kinds* (`Categorical` for
  arrays of probabilities, `Distribution`, `Samples`, `Counts`, ...), ``fn(measure, args,
  options) -> (result in nats, array namespace)``. Each room registers its routes; adding a kind
  of argument, or a route between two kinds, is one registration.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

__all__ = [
    "FORMULAS",
    "MEASURES",
    "ROUTES",
    "Options",
    "Registry",
    "kind_of",
    "kl_pairs",
    "lookup",
    "refuse_data_options",
    "register",
    "register_kind",
    "register_kl",
    "register_route",
    "registered",
]

F = TypeVar("F", bound=Callable[..., Any])
Key = tuple[str, tuple[type, ...]]

MEASURES = ("entropy", "cross_entropy", "kl_divergence", "js_divergence")
"""The measures computed by the registries (JS distance is the square root of JS)."""


class Registry(Mapping[Key, Callable[..., Any]]):
    """Functions keyed by ``(measure, types)``; `lookup` takes the most specific match.

    Examples
    --------
    >>> r = Registry("demo")
    >>> @r.register("entropy", int)
    ... def _ints(x):
    ...     return "an int"
    >>> r.lookup("entropy", (bool,)).__name__  # bool is a subclass of int
    '_ints'
    >>> r.lookup("entropy", (str,)) is None
    True
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._table: dict[Key, Callable[..., Any]] = {}
        self._cache: dict[Key, Callable[..., Any] | None] = {}

    def __getitem__(self, key: Key) -> Callable[..., Any]:
        return self._table[key]

    def __iter__(self) -> Iterator[Key]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def register(self, measure: str, *types: type) -> Callable[[F], F]:
        """Decorator: ``fn`` answers ``measure`` for arguments of ``types``."""

        def decorate(fn: F) -> F:
            key = (measure, types)
            if key in self._table:
                names = ", ".join(t.__name__ for t in types)
                msg = (
                    f"{measure} for ({names}) is already registered as "
                    f"{self._table[key].__qualname__}"
                )
                raise ValueError(msg)
            self._table[key] = fn
            self._cache.clear()
            return fn

        return decorate

    def lookup(self, measure: str, types: tuple[type, ...]) -> Callable[..., Any] | None:
        """The most specific function for ``types``, or None.

        A candidate matches when each argument type is a subclass of its registered type; among
        the matches the one whose types sit lowest in the arguments' MROs wins.
        """
        key = (measure, types)
        if key not in self._cache:
            self._cache[key] = self._best(measure, types)
        return self._cache[key]

    def _best(self, measure: str, types: tuple[type, ...]) -> Callable[..., Any] | None:
        best: tuple[tuple[int, ...], Callable[..., Any]] | None = None
        for (name, reg_types), fn in self._table.items():
            if name != measure or len(reg_types) != len(types):
                continue
            if not all(issubclass(t, r) for t, r in zip(types, reg_types, strict=True)):
                continue
            rank = tuple(t.__mro__.index(r) for t, r in zip(types, reg_types, strict=True))
            if best is None or rank < best[0]:
                best = (rank, fn)
        return None if best is None else best[1]

    def types(self) -> set[type]:
        """Every type that appears in a registered key."""
        return {t for _, types in self._table for t in types}


FORMULAS = Registry("formulas")
ROUTES = Registry("routes")


def register(measure: str, *types: type) -> Callable[[F], F]:
    """Decorator: ``fn`` computes ``measure`` (in nats) exactly for distributions of ``types``."""
    return FORMULAS.register(measure, *types)


def lookup(measure: str, types: tuple[type, ...]) -> Callable[..., Any] | None:
    """The most specific exact formula for distributions of ``types``, or None."""
    return FORMULAS.lookup(measure, types)


def registered() -> list[Key]:
    """Every registered ``(measure, types)`` key of `FORMULAS`, in registration order."""
    return list(FORMULAS)


def register_kl(type_p: type, type_q: type) -> Callable[[F], F]:
    """Decorator: register a closed form of KL(P‖Q) for distributions of these two types.

    The function takes ``(p, q)`` and returns KL in nats with the broadcast batch shape.
    Registering a pair twice is an error. Lookups take the most specific registered pair.

    Examples
    --------
    >>> from infoloss import Normal, kl_divergence, register_kl
    >>> class Standard(Normal):
    ...     pass
    >>> @register_kl(Standard, Standard)
    ... def _kl_standard(p, q):
    ...     return 0.5 * ((p.loc - q.loc) / q.scale) ** 2
    >>> float(kl_divergence(Standard(0, 1), Standard(1, 1)))
    0.5
    """
    return register("kl_divergence", type_p, type_q)


def kl_pairs() -> list[tuple[str, str]]:
    """The pairs of families whose KL divergence infoloss computes exactly (closed forms).

    Examples
    --------
    >>> from infoloss import kl_pairs
    >>> ("Normal", "Normal") in kl_pairs()
    True
    """
    return [
        (types[0].__name__, types[1].__name__)
        for measure, types in FORMULAS
        if measure == "kl_divergence" and len(types) == 2
    ]


# ---------------------------------------------------------------------------------- routes
@dataclasses.dataclass(frozen=True)
class Options:
    """The keyword arguments of the public measures, handed to every route unchanged.

    Each route uses those that apply to its kinds and refuses, with a message, those that
    cannot apply (``k`` between two distributions, say).
    """

    axis: object = -1
    keepdims: bool = False
    validate: bool = True
    normalize: bool = False
    method: str | None = None
    n: int = 10_000
    rng: Any = None
    k: int | None = None
    pseudocount: float = 0.0


def refuse_data_options(opts: Options) -> None:
    """Between distributions (exact or Monte Carlo) the estimators' options cannot apply."""
    if opts.k is not None or opts.pseudocount:
        option = "k" if opts.k is not None else "pseudocount"
        msg = (
            f"`{option}` applies to estimates from data (Samples, Counts); the arguments here "
            "are distributions, computed exactly or by Monte Carlo"
        )
        raise ValueError(msg)


def register_route(*kinds: type, measures: tuple[str, ...] = MEASURES) -> Callable[[F], F]:
    """Decorator: ``fn(measure, args, options)`` answers `measures` for arguments of `kinds`.

    One-argument kinds register the entropy only; ``fn`` returns ``(nats, namespace)``, the
    result as an array or `Estimate` and the array library it is in.
    """
    if len(kinds) == 1:
        measures = tuple(m for m in measures if m == "entropy")
    else:
        measures = tuple(m for m in measures if m != "entropy")

    def decorate(fn: F) -> F:
        checked = _checked_lazily(fn)
        for m in measures:
            ROUTES.register(m, *kinds)(checked)
        _known.clear()
        return fn

    return decorate


def _checked_lazily(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` with the checks of dask arrays built into its result's graph (`deferred_checks`)."""
    from ._lazy_checks import deferred_checks, guarded

    @functools.wraps(fn)
    def route(measure: str, args: tuple[Any, ...], opts: Any) -> tuple[Any, Any]:
        with deferred_checks() as pending:
            res, xp = fn(measure, args, opts)
        return guarded(res, pending), xp

    return route


_ADAPTERS: list[tuple[Callable[[object], bool], type]] = []


def register_kind(kind: type, recognise: Callable[[object], bool] | None = None) -> None:
    """Arguments that `recognise` accepts take the routes of `kind` (None: any argument of no
    other kind, as arrays and lists are read as probabilities: one default kind)."""
    if recognise is None:
        if any(r is _anything for r, _ in _ADAPTERS):
            msg = "a default kind is already registered"
            raise ValueError(msg)
        _ADAPTERS.append((_anything, kind))
    else:
        _ADAPTERS.insert(0, (recognise, kind))
    _known.clear()


def _anything(x: object) -> bool:
    return True


_known: dict[type, bool] = {}


def kind_of(x: object) -> type:
    """The type whose routes answer for `x`: its own type where routes know it (or a base
    of it), else the kind of the first adapter that recognises it."""
    t = type(x)
    if t not in _known:
        _known[t] = any(issubclass(t, k) for k in ROUTES.types() if k is not object)
    if _known[t]:
        return t
    for recognise, kind in _ADAPTERS:
        if recognise(x):
            return kind
    msg = f"no kind of argument is registered for {t.__name__}"  # pragma: no cover
    raise TypeError(msg)  # pragma: no cover
