"""Likelihoods of dask draws, chunk by chunk: sums of per-chunk log-probabilities.

Each chunk gives its number of draws, the sum of its log-probabilities and their sum of squared
deviations from the chunk's mean; a tree of tasks combines them (Chan, Golub & LeVeque 1979, the
pairwise update of a variance), so the mean negative log-likelihood and its standard error are
those of all the draws, to rounding, while no chunk is held longer than its own task. The
heavy-tail check reads a seeded subsample of `TAIL_DRAWS` draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ._dask import subsample_indices

__all__ = ["TAIL_DRAWS", "chunked_mean_nll", "nll_by_chunks", "tail_draws"]

TAIL_DRAWS = 100_000  # draws whose NLL the heavy-tail check of dask data reads
_SPLIT_EVERY = 8
Moments = tuple[int, np.ndarray[Any, Any], np.ndarray[Any, Any], int]


def _tree(parts: list[Any], combine: Callable[..., Any]) -> Any:
    import dask

    while len(parts) > 1:
        step = _SPLIT_EVERY
        parts = [dask.delayed(combine)(*parts[i : i + step]) for i in range(0, len(parts), step)]
    return parts[0]


def _blocks(x: Any) -> list[Any]:
    array = x.to_dask_array() if hasattr(x, "to_dask_array") else x
    if array.ndim == 2 and array.numblocks[1] > 1:
        array = array.rechunk({1: -1})
    return list(array.to_delayed().ravel())


def _moments(block: Any, log_prob: Callable[[Any], Any]) -> Moments:
    """(n, sum of log p, sum of squared deviations from the block's mean, infinite draws)."""
    x = np.asarray(block, dtype=np.float64)
    lp = np.asarray(log_prob(x), dtype=np.float64)
    n = int(lp.shape[0])
    total = np.sum(lp, axis=0)
    m2 = np.sum((lp - total / n) ** 2, axis=0) if n else np.zeros_like(total)
    return n, total, m2, int(np.count_nonzero(np.isinf(x)))


def _combine(*parts: Moments) -> Moments:
    n, total, m2, inf = parts[0]
    for nb, tb, m2b, infb in parts[1:]:
        if nb and n:
            delta = tb / nb - total / n
            m2 = m2 + m2b + delta**2 * n * nb / (n + nb)
        elif nb:
            m2 = m2b
        n, total, inf = n + nb, total + tb, inf + infb
    return n, total, m2, inf


def chunked_mean_nll(x: Any, model: Any) -> tuple[Any, Any, Any]:
    """Mean negative log-likelihood of the dask draws `x` under a NumPy `model`, its standard
    error and NumPy, as `infoloss.data._model.mean_nll` gives them for draws in memory."""
    import array_api_compat
    import dask

    if not array_api_compat.is_numpy_namespace(model.xp):
        msg = (
            f"dask draws need a model in NumPy (found a {type(model).__name__} in "
            f"{model.xp.__name__}); give its parameters as NumPy arrays or Python numbers"
        )
        raise TypeError(msg)
    event, batch = len(model.event_shape), len(model.batch_shape)
    shape = tuple(x.shape[1:])
    if event == 0 and shape == (1,):
        shape = ()
    if len(shape) != event or shape != tuple(model.event_shape):
        msg = (
            f"`p` draws of shape {shape} do not fit the events of the model "
            f"{type(model).__name__}, of shape {tuple(model.event_shape)}"
        )
        raise ValueError(msg)

    def log_prob(v: np.ndarray[Any, Any]) -> Any:
        v = v.reshape(v.shape[0], *shape)
        return model.log_prob(v.reshape(v.shape[0], *([1] * batch), *shape))

    parts = [dask.delayed(_moments)(b, log_prob) for b in _blocks(x)]
    n, total, m2, inf = dask.compute(_tree(parts, _combine))[0]
    if inf:
        msg = f"`x` must hold finite draws (NaN gives NaN); found {inf} infinite values"
        raise ValueError(msg)
    mean = -total / n
    se = np.sqrt(m2 / (n - 1)) / math.sqrt(n) if n > 1 else np.full_like(mean, np.inf)
    return mean, se, np


def tail_draws(x: Any, n: int) -> np.ndarray[Any, Any]:
    """A seeded subsample of at most `TAIL_DRAWS` of the `n` dask draws `x`, in memory."""
    array = x.to_dask_array(lengths=True) if hasattr(x, "to_dask_array") else x
    if n <= TAIL_DRAWS:
        return np.asarray(array.compute())
    return np.asarray(array[subsample_indices(n, TAIL_DRAWS)].compute())


def _sum(*parts: Any) -> Any:
    return sum(parts[1:], parts[0])


def nll_by_chunks(nll: Callable[[Any], Any], x: Any) -> Any:
    """``nll(x)`` of dask data as the sum of ``nll(chunk)`` over the chunks: a lazy dask array
    (``.compute()`` runs it)."""
    import dask
    import dask.array as da

    blocks = _blocks(x)
    empty = np.empty((0, *x.shape[1:]), dtype=x.dtype if isinstance(x.dtype, np.dtype) else None)
    meta = np.asarray(nll(empty))  # the result's shape (a batch of models) and dtype
    parts = [dask.delayed(lambda b: np.asarray(nll(b)))(b) for b in blocks]
    return da.from_delayed(_tree(parts, _sum), shape=meta.shape, dtype=meta.dtype)
