"""Operands to the arguments of the public functions, with categories lined up.

Probabilities are positional, so data compared with them is counted on their categories here;
two sides of data (samples or labelled counts) go to the library as they are, which lines them
up on the union of their categories itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._errors import InputError
from ._inputs import Operand

__all__ = ["Pair", "Sampling", "library_arg", "pair"]

Vector = np.ndarray[Any, Any]


@dataclass(frozen=True)
class Sampling:
    """How samples are read: ``discrete`` overrides the dtype rule; ``bins`` bins them;
    ``resolution`` dequantises continuous ones recorded to a grid; ``support`` is the size of
    the alphabet of categorical data, where known (unseen categories then count)."""

    discrete: bool | None = None
    bins: int | str | None = None
    resolution: float | str | None = None
    support: int | None = None


@dataclass
class Pair:
    """The two library arguments and, for two discrete sides, their aligned histograms."""

    p: Any
    q: Any
    categories: Vector | None = None
    p_weights: Vector | None = None  # counts or probabilities on `categories`
    q_weights: Vector | None = None
    unavailable: str | None = None  # why P and Q cannot be compared (entropies still can)
    mapping: list[str] = field(default_factory=list)  # positions matched to named categories


def is_discrete(op: Operand, how: Sampling) -> bool:
    if op.kind != "samples":
        return op.discrete
    if how.discrete is not None:
        return how.discrete
    return op.discrete or how.bins is not None


def _samples(op: Operand, how: Sampling) -> Any:
    from .. import Samples

    kwargs: dict[str, Any] = {}
    if how.discrete is not None:
        kwargs["discrete"] = how.discrete
    if how.bins is not None:
        kwargs["bins"] = how.bins
    elif how.resolution is not None and not is_discrete(op, how):
        kwargs["resolution"] = how.resolution
    if how.support is not None and is_discrete(op, how):
        kwargs["support"] = how.support
    return Samples(op.values, **kwargs)


def _counts(weights: Vector, categories: Vector | None, support: int | None = None) -> Any:
    from .. import Counts

    return Counts(weights, categories=categories, support=support)


def library_arg(op: Operand, how: Sampling) -> Any:
    """The object a user would pass to `infoloss.entropy` for this operand."""
    if op.kind == "model":
        return op.model
    if op.kind == "samples":
        return _samples(op, how)
    assert op.weights is not None
    return _counts(op.weights, op.categories, how.support) if op.kind == "counts" else op.weights


def _histogram(op: Operand) -> tuple[Vector | None, Vector]:
    """Labels (None: by position) and the counts or probabilities of a discrete operand."""
    if op.kind == "samples":
        assert op.values is not None
        labels, counts = np.unique(op.values, return_counts=True)
        return labels, counts.astype(np.float64)
    assert op.weights is not None
    return op.categories, op.weights


def _label(a: Operand, la: Vector | None, wa: Vector, b: Operand, lb: Vector | None) -> Vector:
    """Labels for a positional side: the other side's, when they number the same."""
    if la is not None:
        return la
    if lb is not None and lb.size == wa.size:
        return lb
    if lb is None:
        return np.arange(wa.size)
    msg = (
        f"mismatched categories: {a.side} gives {wa.size} values by position but {b.side} has "
        f"{lb.size} categories ({_few(lb)}); label {a.side}'s values with a JSON mapping "
        '{"category": value, ...} or a CSV with a category column'
    )
    raise InputError(msg)


def _few(labels: Vector) -> str:
    items = [str(v) for v in labels.tolist()]
    return ", ".join(items) if len(items) <= 6 else ", ".join([*items[:5], "...", items[-1]])


def _mapping(a: Operand, labels: Vector, b: Operand) -> str:
    """``"P's 3 values, given by position, are matched to Q's categories: #1 -> 'blue', ..."``."""
    shown = [f"#{i + 1} -> {v!r}" for i, v in enumerate(labels.tolist()[:8])]
    more = f", ... ({labels.size} in all)" if labels.size > 8 else ""
    return (
        f"{a.side}'s {labels.size} values, given by position, are matched to {b.side}'s "
        f"categories: {', '.join(shown)}{more}"
    )


def _align(
    P: Operand, Q: Operand, mapping: list[str]
) -> tuple[Vector, Vector, Vector, Vector, Vector]:
    """Each side's labels, then the union of categories and both histograms on it."""
    lp, wp = _histogram(P)
    lq, wq = _histogram(Q)
    if lp is None and lq is None and wp.size != wq.size:
        msg = (
            f"mismatched categories: {P.side} has {wp.size} values and {Q.side} has {wq.size}; "
            "lists given by position must have the same length"
        )
        raise InputError(msg)
    named = lp is not None, lq is not None
    lp, lq = _label(P, lp, wp, Q, lq), _label(Q, lq, wq, P, lp)
    for a, labels, b, was_named, other in ((P, lp, Q, *named), (Q, lq, P, *named[::-1])):
        if not was_named and other:
            mapping.append(_mapping(a, labels, b))
    sp, sq = set(lp.tolist()), set(lq.tolist())
    if not sp & sq:
        msg = (
            f"mismatched categories: {P.side} has {_few(lp)} and {Q.side} has {_few(lq)}, "
            "with none in common"
        )
        raise InputError(msg)
    for a, sa, b, sb in ((P, sp, Q, sq), (Q, sq, P, sp)):
        extra = sa - sb
        if extra and b.kind == "probs":
            msg = (
                f"mismatched categories: {a.side} has categor{'y' if len(extra) == 1 else 'ies'} "
                f"{_few(np.array(sorted(extra, key=str)))} that {b.side}'s probabilities do not "
                f"list ({b.side} lists {_few(np.array(sorted(sb, key=str)))})"
            )
            raise InputError(msg)
    first, second = (lq, lp) if Q.kind == "probs" and P.kind != "probs" else (lp, lq)
    seen = set(first.tolist())
    order = list(first.tolist()) + [v for v in second.tolist() if v not in seen]
    index = {v: i for i, v in enumerate(order)}
    ap, aq = np.zeros(len(order)), np.zeros(len(order))
    ap[[index[v] for v in lp.tolist()]] = wp
    aq[[index[v] for v in lq.tolist()]] = wq
    return lp, lq, np.array(order), ap, aq


def _side(op: Operand, labels: Vector, aligned: Vector, positional: bool, how: Sampling) -> Any:
    if op.kind == "probs":
        return aligned
    if positional:  # against probabilities: counts on their categories, by position
        return _counts(aligned, None)
    if op.kind == "samples":
        return _samples(op, how)
    assert op.weights is not None
    return _counts(op.weights, labels)


def dimension(op: Operand) -> int:
    """The number of coordinates of one outcome (1 for scalars and categories)."""
    if op.values is not None and op.values.ndim == 2:
        return int(op.values.shape[1])
    if op.model is not None and hasattr(op.model, "mean"):
        return max(int(np.size(op.model.mean() if callable(op.model.mean) else op.model.mean)), 1)
    return 1


def pair(P: Operand, Q: Operand, how: Sampling) -> Pair:
    """The library arguments for P and Q (checking that their categories agree)."""
    dims = dimension(P), dimension(Q)
    if dims[0] != dims[1]:
        reason = (
            f"P's outcomes have {dims[0]} coordinate(s) and Q's {dims[1]}: they are not "
            "distributions of the same thing"
        )
        return Pair(library_arg(P, how), library_arg(Q, how), unavailable=reason)
    dp, dq = is_discrete(P, how), is_discrete(Q, how)
    if dp != dq:
        what = {True: "discrete", False: "continuous"}
        reason = (
            f"P is {what[dp]} and Q is {what[dq]}: cross-entropy, KL and JS compare "
            "distributions of the same kind of outcome"
        )
        return Pair(library_arg(P, how), library_arg(Q, how), unavailable=reason)
    binned = how.bins is not None and "samples" in (P.kind, Q.kind)
    if not dp or "model" in (P.kind, Q.kind) or binned:
        return Pair(library_arg(P, how), library_arg(Q, how))
    mapping: list[str] = []
    lp, lq, cats, wp, wq = _align(P, Q, mapping)
    positional = "probs" in (P.kind, Q.kind)
    p = _side(P, lp, wp, positional, how)
    q = _side(Q, lq, wq, positional, how)
    return Pair(p, q, cats, wp, wq, mapping=mapping)
