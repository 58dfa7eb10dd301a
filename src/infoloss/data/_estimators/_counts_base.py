"""Shared pieces of the count estimators: types, the NaN guard, the plug-in terms, the warning.

Split out of `infoloss.data._estimators._counts` (which documents the estimators and holds the
tables) so that `_counts_entropy` and `_counts_pairs` can share them.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeAlias

import numpy as np
from scipy import special

from ..._core import InfiniteEstimateWarning

__all__ = ["NAN", "InfiniteEstimateWarning", "Result", "Vector", "stderr_wanted", "value_only"]


Vector: TypeAlias = "np.ndarray[Any, np.dtype[np.float64]]"
Result: TypeAlias = tuple[float, float]
NAN = (float("nan"), float("nan"))

_VALUE_ONLY = contextvars.ContextVar("infoloss_value_only", default=False)


@contextlib.contextmanager
def value_only() -> Iterator[None]:
    """Within it, estimators whose standard error costs many evaluations of the estimate (a
    jackknife, a bootstrap) skip it and report NaN: for the bias diagnostics, which read only
    the values of the estimates on halves and quarters of the data."""
    token = _VALUE_ONLY.set(True)
    try:
        yield
    finally:
        _VALUE_ONLY.reset(token)


def stderr_wanted() -> bool:
    """False inside `value_only`."""
    return not _VALUE_ONLY.get()


# An estimator minus the plug-in, for each multiset of counts of a `_Deletions`.
Correction: TypeAlias = Callable[["_Deletions"], Vector]


def _nan_in(fn: Callable[..., Result]) -> Callable[..., Result]:
    """Aligned shapes checked; NaN in any count vector gives ``(nan, nan)``; Python floats."""

    @functools.wraps(fn)
    def wrapper(*args: Any) -> Result:
        arrays = [a for a in args if isinstance(a, np.ndarray)]
        if len(arrays) == 2 and arrays[0].shape != arrays[1].shape:
            msg = (
                "`p` and `q` counts must be aligned on the same categories; found shapes "
                f"{arrays[0].shape} and {arrays[1].shape}"
            )
            raise ValueError(msg)
        if any(np.isnan(a).any() for a in arrays):
            return NAN
        value, stderr = fn(*args)
        return float(value), float(stderr)

    return wrapper


def _plugin_terms(c: Vector) -> tuple[Vector, Vector, float, float]:
    """p̂ and log p̂ on the observed cells, the plug-in entropy and its delta-method stderr."""
    n = float(c.sum())
    p = c[c > 0] / n
    logp = np.log(p)
    h = float(-(p @ logp))
    se = float(np.sqrt(max(float(p @ (logp + h) ** 2), 0.0) / n))
    return p, logp, h, se


def _psi_minus_log(x: Vector | float) -> Vector:
    """``ψ(x) − log x`` for x > 0, without cancellation for large x.

    Below 20: `scipy.special.digamma` minus the log; from 20 the asymptotic series
    ``−1/(2x) − Σ_k B_2k / (2k x^2k)`` to x⁻¹⁰ (first omitted term 691/(32760 x¹²) < 6e-18).
    """
    x = np.asarray(x, dtype=np.float64)
    small = np.minimum(x, 20.0)
    direct = special.digamma(small) - np.log(small)
    r2 = 1 / np.maximum(x, 20.0) ** 2
    series = -0.5 / np.maximum(x, 20.0) - r2 * (
        1 / 12 - r2 * (1 / 120 - r2 * (1 / 252 - r2 * (1 / 240 - r2 / 132)))
    )
    out: Vector = np.where(x < 20, direct, series)
    return out


def _plugin_loo(c: Vector) -> tuple[Vector, Vector, Vector, float, float]:
    """The plug-in's delete-one changes, by distinct positive count value.

    Returns the distinct values ``v``, the number of observations ``w = v · #cells`` holding
    each, the centred changes ``e_v = D_v − D̄``, the mean change ``D̄`` and the plug-in Ĥ, where
    ``D_v = log(1 − 1/n) + (Ĥ + log p̂_v + u_v) / (n − 1)`` is the change of the plug-in when
    one observation leaves a cell of count v and ``u_v = −(v − 1) log(1 − 1/v)`` (``n log n``
    terms cancelled by hand, ``log1p`` throughout: exact to rounding for counts up to 1e15).
    Needs n ≥ 2.
    """
    n = float(c.sum())
    vals, mult = np.unique(c[c > 0], return_counts=True)
    w = vals * mult
    logp = np.log(vals / n)
    h = float(-(w @ logp) / n)
    u = np.where(vals > 1, -(vals - 1) * np.log1p(-1 / np.maximum(vals, 2.0)), 0.0)
    ubar = float(w @ u / n)
    e = (logp + h + u - ubar) / (n - 1)
    dbar = float(np.log1p(-1 / n) + (ubar + float(w @ (logp + h)) / n) / (n - 1))
    return vals, w, e, dbar, h


class _Deletions:
    """The multisets left by deleting one observation from a cell of each distinct count.

    ``v`` holds the distinct positive counts then each minus one (2D values, some maybe 0);
    deletion r takes one cell from ``v[r]`` to ``v[D + r]``; every multiset totals ``n`` and
    has K cells. `sum` gives ``Σ_cells f(count)`` for each deletion without building the
    D × 2D table of multiplicities: O(D) per feature.
    """

    def __init__(
        self, vals: Vector, mult: Vector, rows: np.ndarray[Any, Any], n: float, k: float
    ) -> None:
        self.v = np.concatenate([vals, vals - 1])
        self.mult, self.rows, self.n, self.k = mult, rows, n, k

    def sum(self, f: Vector) -> Vector:
        """``Σ_cells f`` per deletion; ``f`` per value, shape (2D,) or (2D, q)."""
        d = self.mult.size
        out: Vector = self.mult @ f[:d] - f[self.rows] + f[d + self.rows]
        return out

    def rowsum(self, f: Vector) -> Vector:
        """``Σ_cells f`` per deletion; ``f`` per deletion and value, shape (R, 2D)."""
        d, r = self.mult.size, np.arange(self.rows.size)
        out: Vector = f[:, :d] @ self.mult - f[r, self.rows] + f[r, d + self.rows]
        return out


def _jackknife_dev(
    c: Vector, k: float, correction: Correction | None = None
) -> tuple[Vector, Vector, Vector]:
    """Delete-one changes of an estimator, centred, by distinct positive count value.

    The estimator is the plug-in plus ``correction`` (None: the plug-in itself). It is a
    symmetric function of the multiset of counts, so every deletion from a cell of count v
    gives the same estimate: one evaluation per distinct value, weighted by the observations
    it stands for (corrections that need a full table per deletion are evaluated in chunks
    of rows). The plug-in part of each change is taken from `_plugin_loo`
    (cancellation-free); the corrections are small, so differencing them loses nothing.
    Returns the values, their weights ``w`` (observations) and the centred changes. n ≥ 2.
    """
    n = float(c.sum())
    vals, w, e, _, _ = _plugin_loo(c)
    if correction is not None:
        d = vals.size
        corr = np.empty(d)
        step = max(1, 2**18 // (2 * d))
        for lo in range(0, d, step):
            rows = np.arange(lo, min(d, lo + step))
            corr[rows] = correction(_Deletions(vals, w / vals, rows, n - 1, k))
        e = e + corr - float(w @ corr) / n
    return vals, w, e


def _jackknife_var(c: Vector, k: float, correction: Correction | None = None) -> float:
    """Delete-one jackknife variance ``(n − 1)/n Σ_i (Ĥ_(i) − Ĥ_(·))²`` (Efron & Stein 1981)
    of the plug-in plus ``correction``, from `_jackknife_dev`. NaN when n < 2."""
    n = float(c.sum())
    if n < 2:
        return float("nan")
    _, w, e = _jackknife_dev(c, k, correction)
    return (n - 1) / n * float(w @ e**2)
