"""Shared machinery of the scalar discrete families: the `_Discrete` base and exact sums.

Log masses are written with `xlogy` (``0 log 0 = 0``) and `lgamma`, private helpers that
dispatch on the array namespace (SciPy for NumPy, PyTorch's and JAX's own functions, a NumPy
round trip for other libraries). Entropies without a finite closed form (Poisson, Binomial,
NegativeBinomial, Multinomial) are exact sums over the support, truncated where the mass left
out on each side is below `_TAIL` (1e-20, far below float64 resolution of the result); the
window is found in NumPy from SciPy's ``cdf``/``sf`` and the sum is taken in the parameters'
namespace, so it is batched and differentiable. Memory is O(window width x batch size).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._core import Array, Namespace, clamp0
from ._base import Distribution
from ._elementary import expm1mx, kl_div
from ._stable import closed_form

_TAIL = 1e-20
"""Mass left out on each side of the summation window (see the module docstring)."""


# ------------------------------------------------------------------------- special functions


def _integer_in(x: Array, lo: Array | float, hi: Array | float, xp: Namespace) -> Array:
    """True where ``x`` is an integer in ``[lo, hi]``."""
    return (x == xp.floor(x)) & (x >= lo) & (x <= hi)


def _masked(ok: Array, value: Array, xp: Namespace) -> Array:
    return xp.where(ok, value, xp.full_like(value, -xp.inf))


# --------------------------------------------------------------------- summation over support
def _window(
    dist: Any, args: tuple[Any, ...], mean: Any, sd: Any, lo_sup: Any, hi_sup: Any
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Integer bounds ``[lo, hi]`` with ``P(X < lo) < _TAIL`` and ``P(X > hi) < _TAIL``.

    ``dist`` is the SciPy distribution (its ``cdf`` and ``sf`` are accurate in the tails);
    found by doubling then bisection, vectorised over the batch. NaN parameters give ``[0, 0]``.
    """
    shape = np.broadcast_shapes(*(np.shape(a) for a in (*args, mean, sd, lo_sup, hi_sup)))
    args = tuple(np.broadcast_to(a, shape) for a in args)
    lo_sup = np.broadcast_to(np.asarray(lo_sup, dtype=float), shape)
    hi_sup = np.broadcast_to(np.asarray(hi_sup, dtype=float), shape)
    valid = np.isfinite(mean) & np.isfinite(sd)
    for a in args:
        valid &= ~np.isnan(a)
    mid = np.where(valid, np.clip(np.floor(np.where(valid, mean, 0)), lo_sup, hi_sup), lo_sup)
    safe = tuple(np.where(valid, a, 0.5) for a in args)  # SciPy-valid filler for NaN entries

    hi, step = mid.copy(), np.where(valid, np.maximum(10 * np.nan_to_num(sd), 10), 0)
    for _ in range(200):  # doubling until the upper tail is small
        more = ~(dist.sf(hi, *safe) < _TAIL) & (hi < hi_sup) & valid
        if not more.any():
            break
        hi = np.where(more, np.minimum(hi + step, hi_sup), hi)
        step = 2 * step
    a, b = mid - 1, hi  # sf(b) < _TAIL (or b is the top of the support)
    for _ in range(200):
        go = b - a > 1
        if not go.any():
            break
        m = np.floor((a + b) / 2)
        ok = dist.sf(m, *safe) < _TAIL
        b, a = np.where(go & ok, m, b), np.where(go & ~ok, m, a)
    hi = b
    a, b = lo_sup - 1, mid  # cdf(a) = 0 < _TAIL
    for _ in range(200):
        go = b - a > 1
        if not go.any():
            break
        m = np.floor((a + b) / 2)
        ok = dist.cdf(m, *safe) < _TAIL
        a, b = np.where(go & ok, m, a), np.where(go & ~ok, m, b)
    lo = a + 1
    return np.where(valid, lo, 0.0), np.where(valid, np.maximum(hi, lo), 0.0)


def _grid(d: _Discrete, batch: tuple[int, ...]) -> Array:
    """Support points ``lo + j`` (``j < width``) of ``d``: shape ``(width, *batch)``."""
    lo, hi = (np.broadcast_to(b, batch) for b in d._bounds())
    width = int(np.max(hi - lo, initial=0)) + 1
    x = lo + np.arange(width, dtype=float).reshape((width,) + (1,) * len(batch))
    return d.xp.asarray(x, dtype=d.dtype, device=d.device)


def _sum_terms(lp: Array, value: Array, xp: Namespace) -> Array:
    """``sum_x p(x) value(x)`` over axis 0, with terms where ``p(x) = 0`` counted as 0."""
    fin = lp > -xp.inf
    lps = xp.where(fin, lp, xp.zeros_like(lp))
    val = xp.where(fin, value, xp.zeros_like(value))
    return xp.sum(xp.where(fin, xp.exp(lps) * val, xp.zeros_like(lp)), axis=0)


def _nan_where(d: Distribution, out: Array) -> Array:
    """NaN where a parameter of ``d`` is NaN (the summation window would hide it)."""
    xp = d.xp
    bad = xp.zeros(d.batch_shape, dtype=xp.bool, device=d.device)
    for k in d.params:
        bad = bad | xp.isnan(getattr(d, k))
    return xp.where(bad, xp.full_like(out, xp.nan), out)


def _entropy_by_sum(d: _Discrete) -> Array:
    xp = d.xp
    lp = d.log_prob(_grid(d, d.batch_shape))
    lps = xp.where(lp > -xp.inf, lp, xp.zeros_like(lp))  # p log p = 0 where p = 0
    return _nan_where(d, -xp.sum(xp.exp(lps) * lps, axis=0))


_CLOSE = 0.5  # max |log p/q| over p's window below which `_kl_by_sum` sums p (e^-r - 1 + r)


def _kl_by_sum(
    p: _Discrete, q: Distribution, log_ratio: Callable[[Array], Array] | None = None
) -> Array:
    """``sum_x p(x) (log p(x) - log q(x))`` over ``p``'s window; +inf where q(x) = 0 < p(x).

    ``log_ratio(x)``, where given, is ``r = log p(x) - log q(x)`` computed by the family
    without cancellation, on p's window where ``q(x) > 0``. Then, where ``|r| < 1/2`` on the
    whole window (p and q close), the sum is taken as ``Σ p (e^-r - 1 + r)``, equal to
    ``Σ p r`` over the whole support (``Σ p e^-r = Σ q = 1 = Σ p``): its terms are >= 0 and of
    second order in r, where ``Σ p r`` adds first-order terms of both signs that cancel; the
    window leaves out ``P(out) max r² / 2``, not ``P(out) max |r|`` (the KL being ~ E[r²] / 2,
    the relative truncation error stays ~1e-20). Elsewhere ``Σ_w p r``.
    """
    xp = p.xp
    batch = tuple(np.broadcast_shapes(p.batch_shape, q.batch_shape))
    if log_ratio is not None:
        return clamp0(_nan_where(p, _kl_close_sum(p, batch, log_ratio)), xp)
    x = _grid(p, batch)
    lp, lq = p.log_prob(x), q.log_prob(x)
    finq = lq > -xp.inf
    diff = xp.where(finq, lp - xp.where(finq, lq, xp.zeros_like(lq)), xp.full_like(lq, xp.inf))
    fin = lp > -xp.inf
    kl = _sum_terms(lp, xp.where(fin, diff, xp.zeros_like(diff)), xp)
    return clamp0(_nan_where(p, kl), xp)


def _kl_close_sum(p: _Discrete, batch: tuple[int, ...], log_ratio: Callable[..., Array]) -> Array:
    xp = p.xp
    x = _grid(p, batch)
    lp = p.log_prob(x)
    r = xp.where(lp > -xp.inf, log_ratio(x), xp.zeros_like(lp))
    close = xp.max(xp.abs(r), axis=0) < _CLOSE
    return xp.where(close, _sum_terms(lp, expm1mx(-r, xp), xp), _sum_terms(lp, r, xp))


class _Discrete(Distribution):
    """Scalar-event discrete family with a SciPy twin (used for summation windows)."""

    discrete = True
    _scipy: str = ""

    def _scipy_args(self, v: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(v[k] for k in self.params)

    def _support(self, v: dict[str, Any]) -> tuple[Any, Any]:
        return 0.0, np.inf

    def _bounds(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        from scipy import stats

        v = self._numpy_values()
        dist = getattr(stats, self._scipy)
        args = self._scipy_args(v)
        mean, var = dist.stats(*args, moments="mv")
        with np.errstate(invalid="ignore"):
            sd = np.sqrt(var)
        lo, hi = self._support(v)
        return _window(dist, args, mean, sd, lo, hi)


# --------------------------------------------------------------------------------- KL terms
def _kl_bern_terms(a: Array, b: Array, xp: Namespace) -> Array:
    """``a log(a/b) + (1-a) log((1-a)/(1-b))``: KL between Bernoulli(a) and Bernoulli(b).

    Evaluated as written first (`closed_form`). Where that cancels (and at the edges, ``0 log 0``)
    it is ``kl_div(a, b) + kl_div(1 - a, 1 - b)`` (the ``-a + b`` and ``-(1-a) + (1-b)`` of
    `kl_div` cancel exactly), two terms >= 0 computed from ``b - a`` (passed exactly to the
    second): no cancellation near ``a == b``.
    """

    def textbook(a: Array, b: Array) -> tuple[Array, Array]:
        t1 = a * xp.log(a / b)
        t2 = (1.0 - a) * xp.log((1.0 - a) / (1.0 - b))  # 1 - a, 1 - b: off by an ulp of 1
        return t1 + t2, (xp.abs(t1) + xp.abs(t2)) + 3.0

    def stable(a: Array, b: Array) -> Array:
        return clamp0(kl_div(a, b, xp) + kl_div(1.0 - a, 1.0 - b, xp, diff=a - b), xp)

    return closed_form(textbook, stable, (a, b), xp, safe=(0.5, 0.5))


def _kl_geom_terms(a: Array, b: Array, xp: Namespace) -> Array:
    """``log(a/b) + ((1-a)/a) log((1-a)/(1-b))``: KL between geometric laws of probs a, b.

    It is the Bernoulli KL divided by ``a``: `_kl_bern_terms` / ``a``, without cancellation.
    """
    return _kl_bern_terms(a, b, xp) / a


def _inf_where(mask: Array, kl: Array, xp: Namespace) -> Array:
    return xp.where(mask, xp.full_like(kl, xp.inf), kl)
