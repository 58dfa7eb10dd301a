"""The checks of probability arrays held as dask arrays, as part of the task graph.

A dask array is lazy: checking it at once (``bool(xp.any(p < 0))``) would compute it. Inside a
measure's route (`deferred_checks`, entered by every route of `register_route`) the checks of a
dask array are not run but built as tasks: each block reports its worst entry (the most negative
probability, the first log-probability above 0) and each block of the sums along the event axes
its first row off 1. The sums are a dask reduction, so an event axis split across chunks is
summed by combining the blocks' partial sums, lazily (no rechunk). One last task reads those
small reports and raises the `ValueError` the eager check raises, with the same message (the
same index and value). The route's result is passed through that task, so nothing is computed
before ``.compute()`` and a bad input raises there. A route that answers with something other
than a dask array (a model read into memory by a data route) computes the checks before it
returns: never silent.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from typing import Any

import array_api_compat
import numpy as np

from ._array_api import Array

__all__ = ["defer_check", "deferred_checks", "guarded"]

Guard = Any  # a 0-d dask array of bool whose task raises on bad input
_PENDING: contextvars.ContextVar[list[Guard] | None] = contextvars.ContextVar(
    "infoloss_pending_checks", default=None
)


@contextlib.contextmanager
def deferred_checks() -> Iterator[list[Guard]]:
    """Within: the checks of dask arrays are collected as guards instead of run."""
    pending: list[Guard] = []
    token = _PENDING.set(pending)
    try:
        yield pending
    finally:
        _PENDING.reset(token)


def guarded(res: Any, pending: list[Guard]) -> Any:
    """``res`` passed through the guards when it is a dask array; else the guards run now."""
    if not pending:
        return res
    import dask
    import dask.array as da

    if isinstance(res, da.Array):
        return da.map_blocks(_first, res, *pending, dtype=res.dtype, meta=res._meta)
    dask.compute(*pending)
    return res


def _first(block: Any, *oks: Any) -> Any:
    return block


def defer_check(kind: str, x: Array, name: str, **info: Any) -> bool:
    """Collect the check ``kind`` of ``x`` as a guard (True), or False: check eagerly.

    Deferred only for a dask array inside `deferred_checks`.
    """
    pending = _PENDING.get()
    if pending is None or not array_api_compat.is_dask_array(x):
        return False
    pending.append(_GUARDS[kind](x, name, **info))
    return True


# ------------------------------------------------------------------------------ the guards
def _probs_guard(p: Any, name: str, *, axes: tuple[int, ...]) -> Guard:
    sums = p.sum(axis=axes)
    return _verdict(name, "negative", p, _block_reports(p, _lowest), "sums", sums)


def _log_probs_guard(lp: Any, name: str, *, axes: tuple[int, ...], sums: Any) -> Guard:
    from ._messages import sum_tolerance

    above = _block_reports(lp, functools.partial(_above, sum_tolerance(lp.dtype)))
    return _verdict(name, "positive", lp, above, "log_sums", sums)


def _normalizable_guard(sums: Any, name: str) -> Guard:
    return _verdict(name, "normalizable", sums, None, None, sums)


_GUARDS: dict[str, Callable[..., Guard]] = {
    "probs": _probs_guard,
    "log_probs": _log_probs_guard,
    "normalizable": _normalizable_guard,
}


def _verdict(name: str, kind: str, x: Any, entries: Any, sum_kind: str | None, sums: Any) -> Guard:
    """One task: the first failing report, raised with the eager check's message."""
    import dask
    import dask.array as da

    sum_reports = _block_reports(sums, _sum_test(sum_kind or kind, sums.dtype))
    task = dask.delayed(_raise_first, pure=True)(
        name, kind, tuple(x.shape), x.dtype, entries, sum_kind, tuple(sums.shape), sums.dtype,
        sum_reports,
    )  # fmt: skip
    return da.from_delayed(task, shape=(), dtype=bool)


def _block_reports(x: Any, report: Callable[[Any], tuple[float, int] | None]) -> list[Any]:
    """Per block: ``report(block)`` with the block's flat index made global in ``x``."""
    import dask

    starts = [np.cumsum((0, *c))[:-1] for c in x.chunks]
    blocks = x.to_delayed(optimize_graph=False)  # the same keys as the result: read once
    out = []
    for where in np.ndindex(*blocks.shape):
        offset = tuple(int(s[i]) for s, i in zip(starts, where, strict=True))
        out.append(dask.delayed(_global, pure=True)(blocks[where], report, offset, x.shape))
    return out


def _global(
    block: Any, report: Callable[[Any], Any], offset: tuple[int, ...], shape: tuple[int, ...]
) -> tuple[float, int] | None:
    found = report(np.asarray(block))
    if found is None:
        return None
    value, i = found
    local = np.unravel_index(i, block.shape) if block.ndim else ()
    index = tuple(int(a) + o for a, o in zip(local, offset, strict=True))
    return value, int(np.ravel_multi_index(index, shape)) if shape else 0


def _lowest(block: Any) -> tuple[float, int] | None:
    """The most negative entry (its first place), NaN left out; None if none is < 0."""
    if block.size == 0:
        return None
    safe = np.where(np.isnan(block), np.inf, block)
    i = int(np.argmin(safe))
    v = float(safe.flat[i])
    return (v, i) if v < 0 else None


def _first_where(block: Any, mask: Any) -> tuple[float, int] | None:
    if not np.any(mask):
        return None
    i = int(np.argmax(np.reshape(mask, (-1,))))
    return float(np.reshape(block, (-1,))[i]), i


def _above(tol: float, block: Any) -> tuple[float, int] | None:
    """The first log-probability above ``tol`` (log_softmax may round a sure outcome up)."""
    return _first_where(block, block > tol)


def _off_one(tol: float, block: Any) -> tuple[float, int] | None:
    """The first sum off 1 by more than ``tol`` (NaN rows pass: NaN in gives NaN out)."""
    return _first_where(block, np.abs(block - 1.0) > tol)


def _no_total(block: Any) -> tuple[float, int] | None:
    """The first total weight that `normalize=True` cannot divide by (0 or infinite)."""
    return _first_where(block, (block == 0) | np.isinf(block))


def _sum_test(kind: str, dtype: Any) -> Callable[[Any], tuple[float, int] | None]:
    from ._messages import sum_tolerance

    if kind == "normalizable":
        return _no_total
    return functools.partial(_off_one, sum_tolerance(dtype))


def _raise_first(
    name: str,
    kind: str,
    shape: tuple[int, ...],
    dtype: Any,
    entries: list[tuple[float, int] | None] | None,
    sum_kind: str | None,
    sum_shape: tuple[int, ...],
    sum_dtype: Any,
    sum_reports: list[tuple[float, int] | None],
) -> bool:
    from . import _messages as v

    found = [r for r in entries or () if r is not None]
    if found:
        # the most negative entry (first place) / the first entry above 0: as the eager checks
        key: Callable[[Any], Any] = (lambda r: r) if kind == "negative" else (lambda r: r[1])
        value, i = min(found, key=key)
        raise ValueError(v.entry_message(kind, name, value, v.unravel(i, shape)))
    bad = [r for r in sum_reports if r is not None]
    if bad:
        value, i = min(bad, key=lambda r: r[1])
        index = v.unravel(i, sum_shape)
        if sum_kind is None:
            raise ValueError(v.normalizable_message(name, value, index))
        what = "sums to" if sum_kind == "sums" else "exponentiates and sums to"
        raise ValueError(v.sums_message(name, value, index, sum_dtype, what))
    return True
