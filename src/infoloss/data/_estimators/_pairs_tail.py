"""The upper tail index of per-draw terms (the NLL of data under a model), for `_model`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["tail_index"]


def tail_index(nll: np.ndarray[Any, Any], weights: np.ndarray[Any, Any] | None = None) -> float:
    """The moment estimator of the upper tail index γ of `nll` (NaN when it cannot be formed).

    Dekkers, Einmahl & de Haan (1989), "A moment estimator for the index of an extreme-value
    distribution", Ann. Statist. 17, 1833–1855: with ``L_j = log Y_(j) − log Y_(k+1)`` over the
    k largest excesses ``Y = nll − median`` and ``M_r`` the mean of ``L^r``,
    ``γ̂ = M₁ + 1 − ½ (1 − M₁²/M₂)^(−1)``; unlike Hill's it is consistent for γ = 0 too
    (exponential-type tails, such as the NLL of normal data under a normal model).
    k = ⌊n^0.7⌋ (against 2 sqrt(n): at n = 1000 the index of t_3 draws' NLL under N(0, 1),
    γ = 2/3, exceeds 0.4 in 0.995 of 400 replicates instead of 0.948, and that of normal draws
    in none; a power law needs no small k, a normal NLL's exponential tail tolerates a large
    one); NaN for n < 100, or when the k + 1 largest hold at most k/2 distinct
    values or ``Y_(k+1)`` is 0 (ties: a discrete NLL with a light tail, such as Poisson data
    under a Poisson model, whose few values the estimator would misread).
    Weights are multiplicities (counts of each value).
    """
    x = np.asarray(nll, dtype=np.float64)
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64)
    keep = (w > 0) & np.isfinite(x)
    x, w = x[keep], w[keep]
    n = float(w.sum())
    if n < 100:
        return math.nan
    order = np.argsort(x)[::-1]
    x, w = x[order], w[order]
    cum = np.cumsum(w)
    k = int(n**0.7)
    median = x[np.searchsorted(cum, n / 2)]
    head = int(np.searchsorted(cum, k + 1)) + 1  # the distinct values holding the top k + 1
    top = np.repeat(x[:head], w[:head].astype(np.int64))[: k + 1] - median
    if top.size < k + 1 or top[k] <= 0 or np.unique(top).size <= k // 2:
        return math.nan  # too few distinct values in the tail (discrete data): no index
    logs = np.log(top[:k]) - np.log(top[k])
    m1, m2 = float(logs.mean()), float((logs**2).mean())
    return m1 + 1 - 0.5 / (1 - m1 * m1 / m2) if m2 > 0 else math.nan
