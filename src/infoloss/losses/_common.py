"""Shared pieces of `infoloss.losses`: the docstring template, validation and reduction."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import array_api_compat
import numpy as np

from .._core import Array, Namespace, as_float
from .._core import to_output as _to_output
from . import _native

F = TypeVar("F", bound=Callable[..., Any])
_REDUCTIONS = ("mean", "sum", "none")

_COMMON = """\
reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"``: one value per example; ``"sum"``: their total; ``"mean"``: their average
        (a weighted average where a function says so). Never an average over classes, labels
        or the components of one example.
    base : None, float or {"nats", "bits", "hartleys"}, optional
        Logarithm base of the result: None (nats), 2 (bits), 10 (hartleys) or any finite
        number > 1 (a base below 1 would flip the sign of the result: refused).
    validate : bool, default True
        Check the values of the inputs (ranges, sums). ``False`` skips these data-dependent
        checks, for speed and inside ``jax.jit`` / ``torch.compile``; shapes are always
        checked."""


def _doc(fn: F) -> F:
    fn.__doc__ = (fn.__doc__ or "").replace("{common}", _COMMON)
    return fn


def _check_reduction(reduction: object) -> None:
    if not isinstance(reduction, str) or reduction not in _REDUCTIONS:
        msg = f'`reduction` must be one of "mean", "sum", "none"; found {reduction!r}'
        raise ValueError(msg)


def _finish(
    loss: Array, reduction: str, factor: float | None, xp: Namespace, denom: Array | None = None
) -> Any:
    """Reduce the per-example losses and convert nats to the requested base."""
    if reduction == "sum":
        loss = xp.sum(loss)
    elif reduction == "mean":
        total = xp.sum(loss)
        if denom is None:
            count = math.prod(loss.shape)
            loss = total / count if count else xp.full_like(total, xp.nan)
        else:  # no weight left (every target ignored): NaN, as PyTorch, without 0/0 warnings
            none = denom == 0
            loss = xp.where(
                none,
                xp.full_like(total, xp.nan),
                total / xp.where(none, xp.ones_like(denom), denom),
            )
    if factor is not None:
        loss = loss / factor
    return _to_output(loss, xp)


def _in_base(loss: Array, factor: float | None, xp: Namespace) -> Any:
    """An already reduced result (the native fast path's), converted from nats."""
    return _to_output(loss if factor is None else loss / factor, xp)


def _in_range(x: Array, name: str, xp: Namespace, low: float, high: float, what: str) -> None:
    """Raise unless ``low <= x <= high`` everywhere (NaN passes): the extremes (one pass on
    torch), and the elementwise search only where they fail or are NaN (which hides them)."""
    if math.prod(x.shape) == 0:
        return
    lo, hi = _native.extremes(x) if _native.usable(xp, x) else (xp.min(x), xp.max(x))
    if not bool((lo >= low) & (hi <= high)):  # NaN fails here too: then look closer
        _first_bad((x < low) | (x > high), x, name, xp, what)


def _per_example(elem: Array, xp: Namespace) -> Array:
    """Elementwise terms to per-example losses: the last axis holds an example's components."""
    return xp.sum(elem, axis=-1) if elem.ndim >= 2 else elem


def _array(x: Any, name: str, xp: Namespace, like: Array | None) -> Array:
    """``x`` as an array of ``xp``, on the device of ``like`` when it must be converted."""
    if array_api_compat.is_array_api_obj(x):
        return x
    try:
        return xp.asarray(x, device=None if like is None else array_api_compat.device(like))
    except (TypeError, ValueError) as exc:
        msg = f"`{name}` must be an array or a (nested) list of numbers; found {exc}"
        raise TypeError(msg) from None


def _float_like(x: Any, name: str, ref: Array, xp: Namespace) -> Array:
    """``x`` as a floating array; integers and booleans take the floating dtype of ``ref``."""
    a = _array(x, name, xp, ref)
    if xp.isdtype(a.dtype, ("integral", "bool")):
        return xp.astype(a, ref.dtype)
    return as_float(a, name, xp)


def _broadcast(arrays: dict[str, Array], xp: Namespace) -> list[Array]:
    """Broadcast the arrays against each other, or raise naming their shapes."""
    shapes = {name: tuple(a.shape) for name, a in arrays.items()}
    try:
        np.broadcast_shapes(*shapes.values())
    except ValueError:
        found = " and ".join(f"`{n}` {s}" for n, s in shapes.items())
        msg = f"shapes do not broadcast: {found}"
        raise ValueError(msg) from None
    return list(xp.broadcast_arrays(*arrays.values()))


def _same_shape(a: Array, a_name: str, b: Array, b_name: str) -> None:
    if tuple(a.shape) != tuple(b.shape):
        msg = (
            f"`{b_name}` must have the shape of `{a_name}` {tuple(a.shape)}; "
            f"found {tuple(b.shape)}"
        )
        raise ValueError(msg)


def _first_bad(bad: Array, x: Array, name: str, xp: Namespace, expected: str) -> None:
    """Raise for the first True of ``bad`` (if any), quoting the entry of ``x`` there."""
    if not bool(xp.any(bad)):
        return
    flat = xp.reshape(bad, (-1,))
    i = int(xp.argmax(xp.astype(flat, xp.int32)))
    value = xp.reshape(x, (-1,))[i]
    value = value.detach() if hasattr(value, "detach") else value
    index = tuple(int(j) for j in np.unravel_index(i, tuple(x.shape))) if x.ndim else ()
    msg = f"`{name}` must be {expected}; found {float(value):.6g} at index {index}"
    raise ValueError(msg)


def _positive_real(x: object, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating):
        msg = f"`{name}` must be a positive real number; found {x!r}"
        raise TypeError(msg)
    v = float(x)
    if not (math.isfinite(v) and v > 0):
        msg = f"`{name}` must be a positive finite number; found {x!r}"
        raise ValueError(msg)
    return v


def _class_last(x: Array, ax: int, xp: Namespace) -> Array:
    """Move axis ``ax`` to the end."""
    if ax == x.ndim - 1:
        return x
    order = (*(i for i in range(x.ndim) if i != ax), ax)
    return xp.permute_dims(x, order)


def _weighted_sum(w: Array, logp: Array, xp: Namespace) -> Array:
    """``sum_c w_c log p_c`` over the last axis, a term with ``w_c == 0`` counting 0."""
    used = w != 0
    zero = xp.zeros_like(logp)
    terms = xp.where(used, w * xp.where(used, logp, zero), zero)  # no 0 * -inf, even unused
    return xp.sum(terms, axis=-1)
