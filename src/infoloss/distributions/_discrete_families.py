"""Discrete families: Bernoulli, Binomial, Geometric, Poisson, NegativeBinomial, Multinomial.

Log masses are written with `xlogy` (``0 log 0 = 0``) and `lgamma`, private helpers that
dispatch on the array namespace (SciPy for NumPy, PyTorch's and JAX's own functions, a NumPy
round trip for other libraries). Entropies without a finite closed form (Poisson, Binomial,
NegativeBinomial, Multinomial) are exact sums over the support, truncated where the mass left
out on each side is below `_TAIL` (1e-20, far below float64 resolution of the result); the
window is found in NumPy from SciPy's ``cdf``/``sf`` and the sum is taken in the parameters'
namespace, so it is batched and differentiable. Memory is O(window width x batch size).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._array_api import Array, Namespace
from .._registry import register_kl
from ._base import (
    Distribution,
    nonnegative,
    nonnegative_integer,
    open_unit_interval,
    positive,
    unit_interval,
)
from ._scipy import require_loc_zero, scipy_name
from ._special import clamp0, lgamma, xlogy

__all__ = ["Bernoulli", "Binomial", "Geometric", "Multinomial", "NegativeBinomial", "Poisson"]

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


def _kl_by_sum(p: _Discrete, q: Distribution) -> Array:
    """``sum_x p(x) (log p(x) - log q(x))`` over ``p``'s window; +inf where q(x) = 0 < p(x)."""
    xp = p.xp
    x = _grid(p, tuple(np.broadcast_shapes(p.batch_shape, q.batch_shape)))
    lp, lq = p.log_prob(x), q.log_prob(x)
    finq = lq > -xp.inf
    diff = xp.where(finq, lp - xp.where(finq, lq, xp.zeros_like(lq)), xp.full_like(lq, xp.inf))
    fin = lp > -xp.inf
    kl = _sum_terms(lp, xp.where(fin, diff, xp.zeros_like(diff)), xp)
    return clamp0(_nan_where(p, kl), xp)


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


# --------------------------------------------------------------------------------- families
class Bernoulli(_Discrete):
    r"""Bernoulli distribution on {0, 1}, as ``scipy.stats.bernoulli(p)``.

    Parameters
    ----------
    p : array_like
        Probability of 1, in [0, 1].
    validate : bool, default True
        Check ``0 <= p <= 1``.

    Notes
    -----
    .. math:: \log P(x) = x \log p + (1 - x) \log(1 - p), \qquad
              H = -p \log p - (1 - p) \log(1 - p).

    Examples
    --------
    >>> from scipy import stats
    >>> bool(abs(float(Bernoulli(0.3).entropy()) - stats.bernoulli(0.3).entropy()) < 1e-12)
    True
    """

    params = {"p": unit_interval}  # noqa: RUF012 - class-level constants
    _scipy = "bernoulli"
    p: Array

    def __init__(self, p: Any, *, validate: bool = True) -> None:
        self._init({"p": p}, validate=validate)

    def _support(self, v: dict[str, Any]) -> tuple[Any, Any]:
        return 0.0, 1.0

    def log_prob(self, x: Any) -> Array:
        xp, x = self.xp, self._x(x)
        ok = _integer_in(x, 0.0, 1.0, xp)
        x = xp.where(ok, x, xp.zeros_like(x))
        return _masked(ok, xlogy(x, self.p, xp) + xlogy(1.0 - x, 1.0 - self.p, xp), xp)

    @property
    def mean(self) -> Array:
        return self.p

    @property
    def variance(self) -> Array:
        return self.p * (1.0 - self.p)

    def entropy(self) -> Array:
        xp, p = self.xp, self.p
        return -xlogy(p, p, xp) - xlogy(1.0 - p, 1.0 - p, xp)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.binomial(1, v["p"], size=shape)


class Binomial(_Discrete):
    r"""Binomial distribution: successes in ``n`` trials, as ``scipy.stats.binom(n, p)``.

    Parameters
    ----------
    n : array_like
        Number of trials, a non-negative integer.
    p : array_like
        Success probability, in [0, 1].
    validate : bool, default True
        Check the parameters.

    Notes
    -----
    .. math:: \log P(x) = \log \binom{n}{x} + x \log p + (n - x) \log(1 - p).

    The entropy has no finite closed form: it is the exact sum over the support, truncated
    where the mass left out is below 1e-20 on each side.

    Examples
    --------
    >>> from scipy import stats
    >>> h = float(Binomial(10, 0.3).entropy())
    >>> bool(abs(h - stats.binom(10, 0.3).entropy()) < 1e-12)
    True
    """

    params = {"n": nonnegative_integer, "p": unit_interval}  # noqa: RUF012
    _scipy = "binom"
    n: Array
    p: Array

    def __init__(self, n: Any, p: Any, *, validate: bool = True) -> None:
        self._init({"n": n, "p": p}, validate=validate)

    def _support(self, v: dict[str, Any]) -> tuple[Any, Any]:
        return 0.0, v["n"]

    def log_prob(self, x: Any) -> Array:
        xp, x, n, p = self.xp, self._x(x), self.n, self.p
        ok = _integer_in(x, 0.0, n, xp)
        x = xp.where(ok, x, xp.zeros_like(x))
        comb = lgamma(n + 1.0, xp) - lgamma(x + 1.0, xp) - lgamma(n - x + 1.0, xp)
        return _masked(ok, comb + xlogy(x, p, xp) + xlogy(n - x, 1.0 - p, xp), xp)

    @property
    def mean(self) -> Array:
        return self.n * self.p

    @property
    def variance(self) -> Array:
        return self.n * self.p * (1.0 - self.p)

    def entropy(self) -> Array:
        return _entropy_by_sum(self)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.binomial(v["n"].astype(np.int64), v["p"], size=shape)


class Geometric(_Discrete):
    r"""Geometric distribution: the trial of the first success, as ``scipy.stats.geom(p)``.

    Support 1, 2, ... (PyTorch's ``Geometric`` counts failures, support 0, 1, ...).

    Parameters
    ----------
    p : array_like
        Success probability, in (0, 1].
    validate : bool, default True
        Check ``0 < p <= 1``.

    Notes
    -----
    .. math:: \log P(x) = (x - 1) \log(1 - p) + \log p, \qquad
              H = \frac{-(1 - p) \log(1 - p) - p \log p}{p}.

    Examples
    --------
    >>> from scipy import stats
    >>> bool(abs(float(Geometric(0.2).entropy()) - stats.geom(0.2).entropy()) < 1e-12)
    True
    """

    params = {"p": open_unit_interval}  # noqa: RUF012
    _scipy = "geom"
    p: Array

    def __init__(self, p: Any, *, validate: bool = True) -> None:
        self._init({"p": p}, validate=validate)

    def _support(self, v: dict[str, Any]) -> tuple[Any, Any]:
        return 1.0, np.inf

    def log_prob(self, x: Any) -> Array:
        xp, x = self.xp, self._x(x)
        ok = _integer_in(x, 1.0, xp.inf, xp)
        x = xp.where(ok, x, xp.ones_like(x))
        return _masked(ok, xlogy(x - 1.0, 1.0 - self.p, xp) + xp.log(self.p), xp)

    @property
    def mean(self) -> Array:
        return 1.0 / self.p

    @property
    def variance(self) -> Array:
        return (1.0 - self.p) / (self.p * self.p)

    def entropy(self) -> Array:
        xp, p = self.xp, self.p
        return (-xlogy(1.0 - p, 1.0 - p, xp) - xlogy(p, p, xp)) / p

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.geometric(v["p"], size=shape)


class Poisson(_Discrete):
    r"""Poisson distribution, as ``scipy.stats.poisson(mu)``.

    Parameters
    ----------
    mu : array_like
        Mean, >= 0 (``mu = 0`` is the point mass at 0).
    validate : bool, default True
        Check ``mu >= 0``.

    Notes
    -----
    .. math:: \log P(x) = x \log \mu - \mu - \log x!

    The entropy has no finite closed form: it is the exact sum over the support, truncated
    where the mass left out is below 1e-20 on each side.

    Examples
    --------
    >>> from scipy import stats
    >>> bool(abs(float(Poisson(3.0).entropy()) - stats.poisson(3.0).entropy()) < 1e-12)
    True
    """

    params = {"mu": nonnegative}  # noqa: RUF012
    _scipy = "poisson"
    mu: Array

    def __init__(self, mu: Any, *, validate: bool = True) -> None:
        self._init({"mu": mu}, validate=validate)

    def log_prob(self, x: Any) -> Array:
        xp, x = self.xp, self._x(x)
        ok = _integer_in(x, 0.0, xp.inf, xp)
        x = xp.where(ok, x, xp.zeros_like(x))
        return _masked(ok, xlogy(x, self.mu, xp) - self.mu - lgamma(x + 1.0, xp), xp)

    @property
    def mean(self) -> Array:
        return self.mu

    @property
    def variance(self) -> Array:
        return self.mu

    def entropy(self) -> Array:
        return _entropy_by_sum(self)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.poisson(v["mu"], size=shape)


class NegativeBinomial(_Discrete):
    r"""Negative binomial: failures before the ``n``-th success, as ``scipy.stats.nbinom(n, p)``.

    Parameters
    ----------
    n : array_like
        Number of successes, > 0 (real values allowed, as in SciPy).
    p : array_like
        Success probability, in (0, 1].
    validate : bool, default True
        Check the parameters.

    Notes
    -----
    .. math:: \log P(x) = \log\Gamma(x + n) - \log\Gamma(n) - \log x! + n \log p
              + x \log(1 - p).

    The entropy has no finite closed form: it is the exact sum over the support, truncated
    where the mass left out is below 1e-20 on each side.

    Examples
    --------
    >>> from scipy import stats
    >>> h = float(NegativeBinomial(3, 0.4).entropy())
    >>> bool(abs(h - stats.nbinom(3, 0.4).entropy()) < 1e-10)
    True
    """

    params = {"n": positive, "p": open_unit_interval}  # noqa: RUF012
    _scipy = "nbinom"
    n: Array
    p: Array

    def __init__(self, n: Any, p: Any, *, validate: bool = True) -> None:
        self._init({"n": n, "p": p}, validate=validate)

    def log_prob(self, x: Any) -> Array:
        xp, x, n, p = self.xp, self._x(x), self.n, self.p
        ok = _integer_in(x, 0.0, xp.inf, xp)
        x = xp.where(ok, x, xp.zeros_like(x))
        comb = lgamma(x + n, xp) - lgamma(n, xp) - lgamma(x + 1.0, xp)
        return _masked(ok, comb + n * xp.log(p) + xlogy(x, 1.0 - p, xp), xp)

    @property
    def mean(self) -> Array:
        return self.n * (1.0 - self.p) / self.p

    @property
    def variance(self) -> Array:
        return self.n * (1.0 - self.p) / (self.p * self.p)

    def entropy(self) -> Array:
        return _entropy_by_sum(self)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.negative_binomial(v["n"], v["p"], size=shape)


class Multinomial(Distribution):
    r"""Multinomial distribution: counts of ``k`` outcomes in ``n`` trials.

    As ``scipy.stats.multinomial(n, p)``; events are vectors of length ``k`` (the last axis
    of ``p``), the batch shape is that of ``n`` broadcast with ``p``'s leading axes.

    Parameters
    ----------
    n : array_like
        Number of trials, a non-negative integer.
    p : array_like
        Outcome probabilities along the last axis, in [0, 1], summing to 1.
    validate : bool, default True
        Check the parameters (sums within ``sqrt(eps)`` of 1).

    Notes
    -----
    .. math:: \log P(x) = \log n! - \sum_i \log x_i! + \sum_i x_i \log p_i,
              \qquad \sum_i x_i = n.

    The entropy is exact through the binomial marginals (as SciPy computes it):
    :math:`H = -\log n! - n \sum_i p_i \log p_i + \sum_i E[\log X_i!]`,
    :math:`X_i \sim \mathrm{Binomial}(n, p_i)`, each expectation a truncated sum.

    Examples
    --------
    >>> from scipy import stats
    >>> h = float(Multinomial(5, [0.2, 0.3, 0.5]).entropy())
    >>> bool(abs(h - stats.multinomial(5, [0.2, 0.3, 0.5]).entropy()) < 1e-12)
    True
    """

    params = {"n": nonnegative_integer, "p": unit_interval}  # noqa: RUF012
    event_params = {"p": 1}  # noqa: RUF012
    event_ndim = 1
    discrete = True
    n: Array
    p: Array

    def __init__(self, n: Any, p: Any, *, validate: bool = True) -> None:
        self._init({"n": n, "p": p}, validate=validate)

    def _validate(self) -> None:
        xp = self.xp
        total = xp.sum(self.p, axis=-1)
        tol = math.sqrt(float(xp.finfo(self.dtype).eps))
        bad = xp.abs(total - 1.0) > tol
        if bool(xp.any(bad)):
            flat = xp.reshape(bad, (-1,))
            i = int(xp.argmax(xp.astype(flat, xp.int32)))
            where = f" at batch index {np.unravel_index(i, total.shape)}" if total.ndim else ""
            value = float(xp.reshape(total, (-1,))[i])
            msg = f"`p` of Multinomial must sum to 1 along its last axis; found {value:.6g}{where}"
            raise ValueError(msg)

    @property
    def event_shape(self) -> tuple[int, ...]:
        return (int(self.p.shape[-1]),)

    def _n(self) -> Array:
        return self.xp.expand_dims(self.n, axis=-1)

    def log_prob(self, x: Any) -> Array:
        xp, x, n = self.xp, self._x(x), self.n
        ok = xp.all(_integer_in(x, 0.0, xp.inf, xp), axis=-1)
        ok = ok & (xp.sum(x, axis=-1) == n)
        x = xp.where(xp.expand_dims(ok, axis=-1), x, xp.zeros_like(x))
        terms = xlogy(x, self.p, xp) - lgamma(x + 1.0, xp)
        return _masked(ok, lgamma(n + 1.0, xp) + xp.sum(terms, axis=-1), xp)

    @property
    def mean(self) -> Array:
        return self._n() * self.p

    @property
    def variance(self) -> Array:
        return self._n() * self.p * (1.0 - self.p)

    def entropy(self) -> Array:
        xp, n, p = self.xp, self.n, self.p
        marg = Binomial(self._n(), p, validate=False)  # batch (*batch, k)
        x = _grid(marg, marg.batch_shape)
        log_fact = _sum_terms(marg.log_prob(x), lgamma(x + 1.0, xp), xp)
        t1 = -lgamma(n + 1.0, xp)
        t2 = -n * xp.sum(xlogy(p, p, xp), axis=-1)
        return t1 + t2 + xp.sum(log_fact, axis=-1)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        p = v["p"] / np.sum(v["p"], axis=-1, keepdims=True)
        return rng.multinomial(v["n"].astype(np.int64), p, size=shape)


# ------------------------------------------------------------------------------------ SciPy
@scipy_name("bernoulli")
def _from_scipy_bernoulli(params: dict[str, Any]) -> Bernoulli:
    require_loc_zero("bernoulli", params)
    return Bernoulli(params["p"])


@scipy_name("binom")
def _from_scipy_binom(params: dict[str, Any]) -> Binomial:
    require_loc_zero("binom", params)
    return Binomial(params["n"], params["p"])


@scipy_name("geom")
def _from_scipy_geom(params: dict[str, Any]) -> Geometric:
    require_loc_zero("geom", params)
    return Geometric(params["p"])


@scipy_name("poisson")
def _from_scipy_poisson(params: dict[str, Any]) -> Poisson:
    require_loc_zero("poisson", params)
    return Poisson(params["mu"])


@scipy_name("nbinom")
def _from_scipy_nbinom(params: dict[str, Any]) -> NegativeBinomial:
    require_loc_zero("nbinom", params)
    return NegativeBinomial(params["n"], params["p"])


@scipy_name("multinomial")
def _from_scipy_multinomial(params: dict[str, Any]) -> Multinomial:
    frozen = params["frozen"]
    return Multinomial(np.asarray(frozen.n), np.asarray(frozen.p))


# --------------------------------------------------------------------------------------- KL
def _kl_bern_terms(a: Array, b: Array, xp: Namespace) -> Array:
    """``a log(a/b) + (1-a) log((1-a)/(1-b))``: KL between Bernoulli(a) and Bernoulli(b)."""
    t1 = xlogy(a, a, xp) - xlogy(a, b, xp)
    t2 = xlogy(1.0 - a, 1.0 - a, xp) - xlogy(1.0 - a, 1.0 - b, xp)
    return t1 + t2


def _kl_geom_terms(a: Array, b: Array, xp: Namespace) -> Array:
    """``log(a/b) + ((1-a)/a) log((1-a)/(1-b))``: KL between geometric laws of probs a, b."""
    t1 = xp.log(a) - xp.log(b)
    t2 = (xlogy(1.0 - a, 1.0 - a, xp) - xlogy(1.0 - a, 1.0 - b, xp)) / a
    return t1 + t2


def _inf_where(mask: Array, kl: Array, xp: Namespace) -> Array:
    return xp.where(mask, xp.full_like(kl, xp.inf), kl)


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p: Bernoulli, q: Bernoulli) -> Array:
    # KL = p log(p/q) + (1-p) log((1-p)/(1-q)): the definition summed over {0, 1}
    # (Cover & Thomas, Elements of Information Theory, 2nd ed., 2006, eq. 2.26)
    return clamp0(_kl_bern_terms(p.p, q.p, p.xp), p.xp)


@register_kl(Binomial, Binomial)
def _kl_binomial_binomial(p: Binomial, q: Binomial) -> Array:
    # Same n: log P(x)/Q(x) = x log(p/q) + (n-x) log((1-p)/(1-q)) (the binomial coefficients
    # cancel) and E_P[X] = n p, so KL = n KL(Bernoulli(p) || Bernoulli(q)).
    # Different n: +inf where P puts mass above Q's n (n_P > n_Q, p_P > 0); otherwise the exact
    # sum of P(x) log(P(x)/Q(x)) over P's support (truncated where P's mass is below 1e-20).
    xp = p.xp
    kl_b = _kl_bern_terms(p.p, q.p, xp)
    n0 = p.n == 0
    same = xp.where(n0, xp.zeros_like(kl_b), p.n * xp.where(n0, xp.zeros_like(kl_b), kl_b))
    equal = p.n == q.n
    if bool(xp.all(equal)):
        return clamp0(same, xp)
    other = _inf_where((p.n > q.n) & (p.p > 0), _kl_by_sum(p, q), xp)
    return clamp0(xp.where(equal, same, other), xp)


def _as_binomial(d: Bernoulli | Binomial) -> Binomial:
    if isinstance(d, Binomial):
        return d
    return Binomial(d.xp.ones_like(d.p), d.p, validate=False)


@register_kl(Bernoulli, Binomial)
@register_kl(Binomial, Bernoulli)
def _kl_bernoulli_binomial(p: Bernoulli | Binomial, q: Bernoulli | Binomial) -> Array:
    # Bernoulli(p) is Binomial(1, p): the Binomial-Binomial KL above.
    return _kl_binomial_binomial(_as_binomial(p), _as_binomial(q))


@register_kl(Geometric, Geometric)
def _kl_geometric_geometric(p: Geometric, q: Geometric) -> Array:
    # log P(x)/Q(x) = log(p/q) + (x-1) log((1-p)/(1-q)) and E_P[X - 1] = (1-p)/p, so
    # KL = log(p/q) + ((1-p)/p) log((1-p)/(1-q)) (derived from the pmf; the same value as
    # PyTorch's failure-count Geometric, KL being invariant under the shift x -> x - 1)
    return clamp0(_kl_geom_terms(p.p, q.p, p.xp), p.xp)


@register_kl(Poisson, Poisson)
def _kl_poisson_poisson(p: Poisson, q: Poisson) -> Array:
    # log P(x)/Q(x) = x log(mu_p/mu_q) - mu_p + mu_q and E_P[X] = mu_p, so
    # KL = mu_p log(mu_p/mu_q) - mu_p + mu_q (e.g. Cover & Thomas 2006; PyTorch's kl.py)
    xp = p.xp
    t1 = xlogy(p.mu, p.mu, xp) - xlogy(p.mu, q.mu, xp)
    t2 = q.mu - p.mu
    return clamp0(t1 + t2, xp)


@register_kl(NegativeBinomial, NegativeBinomial)
def _kl_nbinom_nbinom(p: NegativeBinomial, q: NegativeBinomial) -> Array:
    # Same n: log P(x)/Q(x) = n log(p/q) + x log((1-p)/(1-q)) (the Gamma terms cancel) and
    # E_P[X] = n (1-p)/p, so KL = n [log(p/q) + ((1-p)/p) log((1-p)/(1-q))], n times the
    # geometric KL. Different n: the exact sum over P's support (truncated below 1e-20), +inf
    # where Q is the point mass at 0 (p_Q = 1) and P is not.
    xp = p.xp
    same = p.n * _kl_geom_terms(p.p, q.p, xp)
    equal = p.n == q.n
    if bool(xp.all(equal)):
        return clamp0(same, xp)
    other = _inf_where((q.p == 1) & (p.p < 1), _kl_by_sum(p, q), xp)
    return clamp0(xp.where(equal, same, other), xp)


@register_kl(Multinomial, Multinomial)
def _kl_multinomial_multinomial(p: Multinomial, q: Multinomial) -> Array:
    # Same n: log P(x)/Q(x) = sum_i x_i log(p_i/q_i) and E_P[X_i] = n p_i, so
    # KL = n sum_i p_i log(p_i/q_i). Different n: the supports {sum x = n} are disjoint: +inf.
    xp = p.xp
    if p.event_shape != q.event_shape:
        msg = (
            f"`p` of the two Multinomials must have the same number of outcomes; found "
            f"{p.event_shape[0]} and {q.event_shape[0]}"
        )
        raise ValueError(msg)
    kl_c = xp.sum(xlogy(p.p, p.p, xp) - xlogy(p.p, q.p, xp), axis=-1)
    n0 = p.n == 0
    kl = xp.where(n0, xp.zeros_like(kl_c), p.n * xp.where(n0, xp.zeros_like(kl_c), kl_c))
    return clamp0(_inf_where(p.n != q.n, kl, xp), xp)


@register_kl(Bernoulli, Poisson)
def _kl_bernoulli_poisson(p: Bernoulli, q: Poisson) -> Array:
    # Sum over {0, 1}: KL = (1-p) log(1-p) + p log p - [(1-p)(-mu) + p (log mu - mu)]
    #                     = -H(p) + mu - p log mu   (derived from the pmfs; also PyTorch's)
    xp = p.xp
    neg_h = xlogy(p.p, p.p, xp) + xlogy(1.0 - p.p, 1.0 - p.p, xp)
    return clamp0(neg_h + q.mu - xlogy(p.p, q.mu, xp), xp)


@register_kl(Binomial, Poisson)
def _kl_binomial_poisson(p: Binomial, q: Poisson) -> Array:
    # No closed form (E_P[log X!]): the exact sum over P's support (truncated below 1e-20);
    # +inf where Q is the point mass at 0 (mu = 0) and P is not (n > 0 and p > 0).
    xp = p.xp
    return _inf_where((q.mu == 0) & (p.n > 0) & (p.p > 0), _kl_by_sum(p, q), xp)


@register_kl(Geometric, Poisson)
def _kl_geometric_poisson(p: Geometric, q: Poisson) -> Array:
    # No closed form (E_P[log X!]): the exact sum over P's support (truncated below 1e-20);
    # +inf where mu = 0 (Q is the point mass at 0, where P has no mass).
    return _inf_where(q.mu == 0, _kl_by_sum(p, q), p.xp)


# Support mismatch: P has mass where Q has none, so KL = +inf, except where P is a point mass
# inside Q's support, where KL = -log Q(x0) (PyTorch registers these pairs as +inf outright).
def _point_or_inf(point: Array, x0: Any, q: Distribution, xp: Namespace) -> Array:
    kl = -q.log_prob(x0)
    return xp.where(point, kl, xp.full_like(kl, xp.inf))


@register_kl(Poisson, Bernoulli)
@register_kl(Poisson, Binomial)
def _kl_poisson_bounded(p: Poisson, q: Bernoulli | Binomial) -> Array:
    # Poisson(mu > 0) has mass on every x >= 0; Poisson(0) is the point mass at 0.
    return _point_or_inf(p.mu == 0, 0.0, q, p.xp)


@register_kl(NegativeBinomial, Bernoulli)
@register_kl(NegativeBinomial, Binomial)
def _kl_nbinom_bounded(p: NegativeBinomial, q: Bernoulli | Binomial) -> Array:
    # NegativeBinomial(n, p < 1) has mass on every x >= 0; p = 1 is the point mass at 0.
    return _point_or_inf(p.p == 1, 0.0, q, p.xp)


@register_kl(Geometric, Bernoulli)
@register_kl(Geometric, Binomial)
def _kl_geometric_bounded(p: Geometric, q: Bernoulli | Binomial) -> Array:
    # Geometric(p < 1) has mass on every x >= 1; p = 1 is the point mass at 1.
    return _point_or_inf(p.p == 1, 1.0, q, p.xp)


@register_kl(Bernoulli, Geometric)
def _kl_bernoulli_geometric(p: Bernoulli, q: Geometric) -> Array:
    # Geometric has no mass at 0: +inf unless p = 1 (the point mass at 1).
    return _point_or_inf(p.p == 1, 1.0, q, p.xp)


@register_kl(Binomial, Geometric)
def _kl_binomial_geometric(p: Binomial, q: Geometric) -> Array:
    # Geometric has no mass at 0: +inf unless p = 1 (the point mass at n; n = 0 gives +inf).
    return _point_or_inf(p.p == 1, p.n, q, p.xp)


@register_kl(Poisson, Geometric)
@register_kl(NegativeBinomial, Geometric)
def _kl_zero_mass_geometric(p: Poisson | NegativeBinomial, q: Geometric) -> Array:
    # P(0) > 0 always (exp(-mu), p^n) and Geometric has no mass at 0: +inf.
    return _point_or_inf(p.xp.zeros_like(p.mean) > 0, 1.0, q, p.xp)
