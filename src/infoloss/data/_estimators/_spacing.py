"""Spacing (order-statistic) estimators of the differential entropy of 1-D continuous samples.

The value comes from `scipy.stats.differential_entropy` with the same method name; this module
adds the checks (one dimension, enough points, no zero spacing) and a standard error, and has
the signature of the kNN estimators in `infoloss.data._estimators._knn`: ``(x, k, rng)`` with `x`
of shape ``(n, 1)``, `k` the half-window ``m`` (None: SciPy's ``round(sqrt(n) + 0.5)``) and
`rng` unused (these estimators are deterministic).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.stats

__all__ = ["SPACING_ENTROPY"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def _window(n: int, k: int | None) -> int:
    m = math.floor(math.sqrt(n) + 0.5) if k is None else k
    if isinstance(m, bool) or not isinstance(m, int | np.integer) or m < 1:
        msg = f"`k` (the spacing half-window) must be a positive integer; found {k!r}"
        raise ValueError(msg)
    if 2 * m >= n:
        msg = f"`k` (the spacing half-window) must be below n / 2 = {n / 2:g}; found {m}"
        raise ValueError(msg)
    return int(m)


def _sorted_1d(x: FloatArray) -> FloatArray:
    if x.ndim != 2 or x.shape[1] != 1:
        msg = (
            "spacing entropy estimators need 1-D samples (shape (n,) or (n, 1)); "
            f"`p` has shape {x.shape}: use method='kl' or 'bsy' for vectors"
        )
        raise ValueError(msg)
    return np.sort(x[:, 0])


def _log_spacings(s: FloatArray, m: int) -> FloatArray:
    """Per-point Vasicek terms log(n / (2m) · (X_(i+m) − X_(i−m))), indices clamped at the ends.

    They average to the Vasicek estimate; their spread estimates Var(log f(X)).
    """
    n = s.size
    i = np.arange(n)
    spacing = s[np.minimum(i + m, n - 1)] - s[np.maximum(i - m, 0)]
    n_zero = int(np.count_nonzero(spacing <= 0))
    if n_zero:
        msg = (
            f"`p` has {n_zero} points whose {2 * m}-point spacing is 0 (repeated values), so "
            "log 0 would enter the spacing estimate; for discrete data use "
            "Samples(x, discrete=True), otherwise add noise below the data's resolution or "
            "pass a larger `k`"
        )
        raise ValueError(msg)
    out: FloatArray = np.log(n / (2 * m) * spacing)
    return out


def _make(method: str) -> Callable[[FloatArray, int | None, Any], tuple[float, float]]:
    def estimate(x: FloatArray, k: int | None, rng: Any = None) -> tuple[float, float]:
        s = _sorted_1d(np.asarray(x, dtype=np.float64).reshape(len(x), -1))
        if np.isnan(s[-1]):  # np.sort puts NaN last
            return math.nan, math.nan
        m = _window(s.size, k)
        # by a power of two (exact): SciPy's Correa sums squares, which overflow at 1e160
        e = int(np.frexp(max(abs(s[0]), abs(s[-1])))[1])
        s = np.ldexp(s, -e)
        terms = _log_spacings(s, m)
        value = float(
            scipy.stats.differential_entropy(s, window_length=m, method=method.replace("_", " "))
        )
        stderr = float(np.std(terms, ddof=1) / math.sqrt(s.size))
        return value + e * math.log(2.0), stderr

    estimate.__name__ = f"_entropy_{method}"
    estimate.__doc__ = f"""{method.replace("_", " ").title()} spacing estimate of H in nats.

    The value is ``scipy.stats.differential_entropy(x, window_length=k, method={method!r})``;
    the standard error is the standard deviation of the per-point log-spacings
    ``log(n / (2k) (X_(i+k) − X_(i−k)))`` over sqrt(n), since these estimators attain the
    asymptotic variance Var(log f(X)) / n.
    """
    return estimate


#: Entropy estimators for 1-D continuous samples; see `scipy.stats.differential_entropy` for
#: the formulas and references (Vasicek 1976; van Es 1992; Ebrahimi, Pflughoeft & Soofi 1994;
#: Correa 1995).
SPACING_ENTROPY: dict[str, Callable[[FloatArray, int | None, Any], tuple[float, float]]] = {
    name: _make(name) for name in ("vasicek", "van_es", "ebrahimi", "correa")
}
