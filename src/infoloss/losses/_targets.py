"""The target side of `softmax_cross_entropy`: validation, and the guarded per-example loss.

Class-index targets need only two numbers per example from the logits: the target's
log-probability and, with label smoothing, the weighted sum of all the log-probabilities. On
NumPy input the compiled core computes them in one pass over each row (`infoloss.discrete.
softmax_rows`); elsewhere, and for the rows the limit rules govern, they come from the full
``log_softmax``.
"""

from __future__ import annotations

import math
from typing import Any

import array_api_compat
import numpy as np

from .._core import Array, Namespace, is_numpy, log_softmax, raise_negative, sum_tolerance
from ..discrete import formulas, row_sums_and_minima, softmax_rows
from . import _jax, _native
from ._common import _class_last, _first_bad, _float_like, _same_shape, _weighted_sum


def _check_smoothing(label_smoothing: object) -> float:
    ok = isinstance(label_smoothing, int | float | np.integer | np.floating)
    if isinstance(label_smoothing, bool) or not ok:
        msg = f"`label_smoothing` must be a real number in [0, 1]; found {label_smoothing!r}"
        raise TypeError(msg)
    eps = float(label_smoothing)  # type: ignore[arg-type]
    if not 0.0 <= eps <= 1.0:
        msg = f"`label_smoothing` must be in [0, 1]; found {label_smoothing!r}"
        raise ValueError(msg)
    return eps


def _class_weight(weight: Any, n: int, ref: Array, xp: Namespace, validate: bool) -> Array:
    w = _float_like(weight, "weight", ref, xp)
    if tuple(w.shape) != (n,):
        msg = f"`weight` must have one entry per class, shape ({n},); found {tuple(w.shape)}"
        raise ValueError(msg)
    if validate and n:
        lo, hi = _native.extremes(w) if _native.usable(xp, w) else (xp.min(w), xp.max(w))
        # compared as arrays: under jax.grad the extremes of a traced weight have no float
        if not bool((lo >= 0) & (hi < math.inf)):  # NaN: look closer (it passes)
            _first_bad((w < 0) | xp.isinf(w), w, "weight", xp, "finite and >= 0")
    return w


def _index_targets(
    t: Array, n: int, ignore_index: int | None, xp: Namespace, validate: bool
) -> tuple[Array, Array | None, Array | None]:
    """Integer targets in the index dtype, with the masks of the ignored and the invalid ones
    (invalid: out of range and not ignored; an error when validating, NaN otherwise); None for
    a mask known to be empty (no `ignore_index`; validated targets), which spares its passes."""
    index = _index_dtype(t, xp)
    if t.dtype != index:
        t = xp.astype(t, index)
    ignored = None if ignore_index is None else t == ignore_index
    invalid = (t < 0) | (t >= n)  # NaN below when not validated: never clipped
    if ignored is not None:
        invalid = invalid & ~ignored
    if validate:
        what = f"class indices in [0, {n})" + (
            f" or `ignore_index` {ignore_index}" if ignore_index is not None else ""
        )
        _first_bad(invalid, t, "target", xp, what)
        return t, ignored, None
    return t, ignored, invalid


def _index_loss(
    z: Array,
    ax: int,
    t: Array,
    ignored: Array | None,
    invalid: Array | None,
    w: Array | None,
    eps: float,
    xp: Namespace,
) -> tuple[Array, Array | None]:
    """Per-example loss and the denominator of "mean" for integer class targets (None: the
    number of examples). A mask of None is empty."""
    n = z.shape[ax]
    skip = ignored if invalid is None else invalid if ignored is None else ignored | invalid
    safe = t if skip is None else xp.where(skip, xp.zeros_like(t), t)  # gather in range
    log_py, smooth = _target_terms(z, ax, safe, w, eps, xp)
    if w is None:
        w_y = None
        loss = -log_py
    else:
        w_y = xp.reshape(xp.take(w, xp.reshape(safe, (-1,)), axis=0), tuple(safe.shape))
        used = w_y != 0  # a class of weight 0 counts 0, even where its probability is 0
        zero = xp.zeros_like(w_y)
        loss = xp.where(used, -w_y * xp.where(used, log_py, zero), zero)
    if smooth is not None:
        loss = (1.0 - eps) * loss + (eps / n) * -smooth
    if invalid is not None:
        loss = xp.where(invalid, xp.full_like(loss, xp.nan), loss)
    if ignored is None:
        return loss, None if w_y is None else xp.sum(w_y)
    zero = xp.zeros_like(loss)
    kept = xp.where(ignored, zero, xp.ones_like(loss) if w_y is None else w_y)
    return xp.where(ignored, zero, loss), xp.sum(kept)


def _target_terms(
    z: Array, ax: int, safe: Array, w: Array | None, eps: float, xp: Namespace
) -> tuple[Array, Array | None]:
    """``log q_y`` of each example and, with smoothing, ``sum_c w_c log q_c``."""
    if is_numpy(xp):
        got = _numpy_terms(z, ax, safe, w, eps > 0)
        if got is not None:
            return got

    def guarded(zl: Array, t: Array, w: Array | None) -> tuple[Array, Array | None]:
        logp = log_softmax(zl, xp, (zl.ndim - 1,))  # +inf: the limit
        return _terms_of(logp, t, w, eps > 0, xp)

    zl = _class_last(z, ax, xp)
    if _jax.usable(xp, z, w):  # one compiled pass; the guarded route where a row needs it
        return _jax.index_terms(zl, safe, w, eps > 0, guarded)
    return guarded(zl, safe, w)


def _terms_of(
    logp: Array, safe: Array, w: Array | None, smooth: bool, xp: Namespace
) -> tuple[Array, Array | None]:
    log_py = _gather(logp, safe, xp)
    if not smooth:
        return log_py, None
    return log_py, _weighted_sum(xp.ones_like(logp) if w is None else w, logp, xp)


def _numpy_terms(
    z: Array, ax: int, safe: Array, w: Array | None, smooth: bool
) -> tuple[Array, Array | None] | None:
    """The two terms from the compiled core's per-row pass (max, sum of exp, the target's
    logit, the weighted sum of the shifted logits); None where it does not apply."""
    zl = _class_last(z, ax, np)
    n = zl.shape[-1]
    z2 = np.ascontiguousarray(zl).reshape(-1, n)  # a copy only for another class axis
    got = softmax_rows(z2, np.reshape(safe, (-1,)), w, smooth)
    if got is None:
        return None
    m, s, zt, ws = got
    with np.errstate(invalid="ignore", divide="ignore"):
        log_s = np.log(s)
        log_py = (zt - m) - log_s
        wsum = float(n) if w is None else float(np.sum(w, dtype=np.float64))
        wl = None if ws is None else ws - log_s * wsum
    limits = ~(np.isfinite(m) & np.isfinite(s))  # +inf, only -inf or NaN: the rules of log_softmax
    if limits.any():
        rows = log_softmax(z2[limits], np, (1,))
        lp, lw = _terms_of(rows, np.reshape(safe, (-1,))[limits], w, smooth, np)
        log_py[limits] = lp
        if wl is not None:
            wl[limits] = lw
    shape = tuple(safe.shape)
    out = np.reshape(log_py.astype(z.dtype, copy=False), shape)
    return out, None if wl is None else np.reshape(wl.astype(z.dtype, copy=False), shape)


def _index_dtype(t: Array, xp: Namespace) -> Any:
    """The library's default index dtype (int64; int32 for JAX without 64-bit mode, where
    asking for int64 warns on every call, review M10)."""
    if is_numpy(xp) or array_api_compat.is_torch_namespace(xp):
        return xp.int64  # on every device
    info = getattr(xp, "__array_namespace_info__", None)
    if info is None:  # pragma: no cover - libraries predating the 2023.12 standard
        return xp.int64
    return info().default_dtypes(device=array_api_compat.device(t))["indexing"]


def _gather(logp: Array, t: Array, xp: Namespace) -> Array:
    """``logp[..., t]`` along the last axis: a gather, or a one-hot sum where there is none."""
    if hasattr(xp, "take_along_axis"):
        return xp.take_along_axis(logp, t[..., None], axis=-1)[..., 0]
    n = logp.shape[-1]  # pragma: no cover - libraries predating the 2024.12 standard
    onehot = t[..., None] == xp.arange(n, dtype=t.dtype, device=array_api_compat.device(t))
    return _weighted_sum(xp.astype(onehot, logp.dtype), logp, xp)  # pragma: no cover


def _check_prob_target(z: Array, t: Array, ax: int, xp: Namespace, validate: bool) -> None:
    """Probability (soft) targets: a floating array of the shape of `z`, checked if asked:
    entries >= 0 and rows summing to 1 (NaN rows pass), in one pass where the compiled core
    can read the rows."""
    if not xp.isdtype(t.dtype, "real floating"):
        msg = (
            "`target` must hold integer class indices or floating class probabilities; "
            f"found dtype {t.dtype}"
        )
        raise TypeError(msg)
    _same_shape(z, "logits", t, "target")
    if not validate or math.prod(t.shape) == 0:
        return
    tl = _class_last(t, ax, xp)
    fused = _sums_and_minima(tl, xp)
    if fused is not None:
        sums, mins = fused
        if (mins < 0).any():
            raise_negative(t, "target", xp)  # the index as the caller laid the target out
        if not np.abs(sums - 1.0).max() <= sum_tolerance(t.dtype):  # NaN: look closer
            _check_sums(np.reshape(sums, tuple(tl.shape[:-1])), t.dtype, np)
        return
    low = xp.min(t)  # one reduction; NaN hides a negative entry: then look at each
    if bool(low < 0) or (bool(xp.isnan(low)) and bool(xp.any(t < 0))):
        raise_negative(t, "target", xp)
    _check_sums(xp.sum(tl, axis=-1), t.dtype, xp)


def _sums_and_minima(tl: Array, xp: Namespace) -> tuple[Any, Any] | None:
    """Row sums and minima (classes last) from the compiled core, for NumPy arrays and CPU
    tensors it can read without a copy; None otherwise."""
    if is_numpy(xp):
        a = tl
    elif _native.usable(xp, tl):
        try:
            a = tl.detach().numpy()
        except (TypeError, RuntimeError):  # a dtype NumPy lacks (bfloat16)
            return None
    else:
        return None
    try:
        a2 = np.reshape(a, (-1, a.shape[-1]), copy=False)
    except (ValueError, TypeError):  # not one block of rows: the reductions of the library
        return None
    return row_sums_and_minima(a2)


def _prob_loss(
    t: Array, ax: int, logp: Array, w: Array | None, eps: float, xp: Namespace
) -> Array:
    """Per-example loss for probability (soft) targets laid out as the logits, classes on
    ``ax``; ``logp`` holds the log-probabilities, classes last."""
    p = _class_last(t, ax, xp)
    if eps > 0:
        p = (1.0 - eps) * p + eps / logp.shape[-1]
    if w is not None:
        p = p * w
    return formulas.cross_entropy(("probs", p), ("log_probs", logp), xp, 1)


def _check_sums(sums: Array, dtype: Any, xp: Namespace) -> None:
    """Each row of probability targets sums to 1 within the tolerance of `dtype`."""
    tol = sum_tolerance(dtype)
    bad = xp.abs(sums - 1.0) > tol
    if bool(xp.any(bad)):
        i = int(xp.argmax(xp.astype(xp.reshape(bad, (-1,)), xp.int32)))
        total = xp.reshape(sums, (-1,))[i]
        total = total.detach() if hasattr(total, "detach") else total
        row = tuple(int(j) for j in np.unravel_index(i, tuple(sums.shape))) if sums.ndim else ()
        msg = (
            f"`target` probabilities must sum to 1 along the class axis (tolerance {tol:.2g}); "
            f"found a sum of {float(total):.10g} at example {row}"
        )
        raise ValueError(msg)
