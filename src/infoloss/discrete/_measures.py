"""Registry entries for `Categorical`: the fast NumPy kernels or the generic formulas."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core import LN2, TRACER_ERRORS, Array, is_numpy, raise_bad_sums, raise_negative, register
from . import _formulas, _native, _numpy_kernels
from ._categorical import Categorical

__all__: list[str] = []


def _layout(
    dists: tuple[Categorical, ...],
) -> tuple[int, tuple[int, ...], list[tuple[str, Array]]]:
    """Event axes moved last; checks that event shapes agree and batch shapes broadcast."""
    k = len(dists[0]._axes)
    forms = [d._event_last() for d in dists]
    if any(len(d._axes) != k or d.event_shape != dists[0].event_shape for d in dists):
        found = "; ".join(
            f"`{d._name}` has event shape {d.event_shape} along axis {d._axes}" for d in dists
        )
        msg = f"the distributions must have the same outcomes (event shape); found: {found}"
        raise ValueError(msg)
    try:
        batch = np.broadcast_shapes(*(d.batch_shape for d in dists))
    except ValueError:
        found = " and ".join(f"`{d._name}` {tuple(d._value.shape)}" for d in dists)
        msg = f"shapes do not broadcast: {found} (batch shapes {[d.batch_shape for d in dists]})"
        raise ValueError(msg) from None
    return k, batch, forms


def _measure(name: str, *dists: Categorical) -> Array:
    raw = [(d._form, d._value, d._axes) for d in dists]
    fast = _native.logits_pair(name, raw)  # PyTorch CPU, two logits: torch ops alone
    if fast is not None:
        return fast
    # log(0) = -inf and 0 * inf = NaN are expected and handled: no NumPy warnings (which
    # array_api_strict would raise too, as it runs on NumPy)
    try:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return _measure_quiet(name, *dists)
    except TypeError as exc:  # jax.jit: the checks need values that tracing does not have
        if type(exc).__name__ in TRACER_ERRORS:
            msg = (
                "the inputs are traced (jax.jit or similar), so their values cannot be checked: "
                "pass validate=False (the formula is then applied to the numbers as given)"
            )
            raise TypeError(msg) from exc
        raise


def _measure_quiet(name: str, *dists: Categorical) -> Array:
    k, batch, forms = _layout(dists)
    xp = dists[0].xp
    if is_numpy(xp) and all(f == "probs" for f, _ in forms):
        out = _numpy_measure(name, dists, [x for _, x in forms], batch, k)
        if out is not None:
            return out
    for d in dists:
        d._check()
    fast = _native.log_space_pair(name, forms, k)  # PyTorch CPU, log space: one fused op
    if fast is not None:
        return fast
    fn = getattr(_formulas, name)
    return fn(*forms, xp, k)


@register("entropy", Categorical)
def _entropy(P: Categorical) -> Array:
    return _measure("entropy", P)


@register("cross_entropy", Categorical, Categorical)
def _cross_entropy(P: Categorical, Q: Categorical) -> Array:
    return _measure("cross_entropy", P, Q)


@register("kl_divergence", Categorical, Categorical)
def _kl_divergence(P: Categorical, Q: Categorical) -> Array:
    return _measure("kl_divergence", P, Q)


@register("js_divergence", Categorical, Categorical)
def _js_divergence(P: Categorical, Q: Categorical) -> Array:
    return _measure("js_divergence", P, Q)


# --------------------------------------------------------------------------- the NumPy route
def _as_rows(x: np.ndarray[Any, Any], full: tuple[int, ...], k: int) -> Any:
    """``x`` broadcast to ``full`` and viewed as (rows, outcomes) without a copy, or None."""
    if x.shape != full:
        x = np.broadcast_to(x, full)
    n_out = int(np.prod(full[len(full) - k :]))
    shape2 = (int(np.prod(full[: len(full) - k])), n_out)
    if x.shape == shape2:
        return x
    try:
        return np.reshape(x, shape2, copy=False)
    except (ValueError, TypeError):  # needs a copy (or NumPy < 2.1): take the generic route
        return None


def _numpy_measure(
    name: str, dists: tuple[Categorical, ...], xs: list[Array], batch: tuple[int, ...], k: int
) -> Array | None:
    dtype = np.result_type(*(x.dtype for x in xs))
    if dtype not in (np.float32, np.float64):
        return None
    full = batch + dists[0].event_shape
    rows = [_as_rows(x.astype(dtype, copy=False), full, k) for x in xs]
    if any(r is None for r in rows):
        return None
    checks = [not d._checked for d in dists]
    for i, (d, x) in enumerate(zip(dists, xs, strict=True)):
        if checks[i] and x.shape != full:  # broadcast: check the small original, not each copy
            d._check()
            checks[i] = False
    p2, q2 = rows[0], rows[1] if len(rows) > 1 else None
    check_pair = (checks[0], len(checks) > 1 and checks[1])
    raw, sums, mins = _numpy_kernels.run(name, p2, q2, check_pair)
    for i, d in enumerate(dists):
        if checks[i]:
            if (mins[i] < 0).any():
                raise_negative(d._value, d._name, np)
            raise_bad_sums(sums[i].astype(dtype).reshape(batch), d._name, np)
            d._checked = True
    res = _finish(name, raw)
    nan_rows = np.isnan(sums[0]) | np.isnan(sums[1]) if len(dists) > 1 else np.isnan(sums[0])
    redo = ~np.isfinite(res) & ~nan_rows
    if redo.any():  # 0 * log 0 in cross-entropy, or p / q overflowing: the exact generic formula
        fn = getattr(_formulas, name)
        sub = [("probs", r[redo]) for r in rows]
        res[redo] = fn(*sub, np, 1)
    res[nan_rows] = np.nan
    return res.reshape(batch)


def _finish(name: str, raw: Any) -> Any:
    """Sign, factor and round-off clamps of the raw kernel sums."""
    if name in ("entropy", "cross_entropy"):
        return 0.0 - raw
    if name == "kl_divergence":
        return np.maximum(raw, 0.0, out=raw)
    raw *= 0.5
    return np.clip(raw, 0.0, LN2, out=raw)
