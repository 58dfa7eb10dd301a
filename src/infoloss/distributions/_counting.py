"""Counting families: Poisson, NegativeBinomial, Multinomial, and the KL pairs within each.

Entropies and KLs without a closed form are the exact sums of `._discrete_base`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._core import Array, clamp0, digamma, lgamma, register_kl, xlogy
from ._base import (
    Distribution,
    nonnegative,
    nonnegative_integer,
    open_unit_interval,
    positive,
    unit_interval,
)
from ._bregman import lgamma_bregman
from ._discrete_base import (
    _Discrete,
    _entropy_by_sum,
    _grid,
    _inf_where,
    _integer_in,
    _kl_by_sum,
    _kl_geom_terms,
    _masked,
    _sum_terms,
)
from ._elementary import kl_div, log_ratio
from ._scipy import require_loc_zero, scipy_name
from ._stable import closed_form
from ._trials import Binomial

__all__ = ["Multinomial", "NegativeBinomial", "Poisson"]


# --------------------------------------------------------------------------------- families
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
    >>> from infoloss import Poisson
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
    >>> from infoloss import NegativeBinomial
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
    >>> from infoloss import Multinomial
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
@register_kl(Poisson, Poisson)
def _kl_poisson_poisson(p: Poisson, q: Poisson) -> Array:
    # log P(x)/Q(x) = x log(mu_p/mu_q) - mu_p + mu_q and E_P[X] = mu_p, so
    # KL = mu_p log(mu_p/mu_q) - mu_p + mu_q (e.g. Cover & Thomas 2006; PyTorch's kl.py),
    # evaluated as written first; where it cancels (and at mu_p = 0), it is kl_div(mu_p, mu_q)
    # = -mu_p log1pmx((mu_q - mu_p) / mu_p) near mu_p == mu_q: no cancellation (`closed_form`)
    xp = p.xp

    def textbook(mp: Array, mq: Array) -> tuple[Array, Array]:
        t1 = mp * xp.log(mp / mq)  # off by mu_p (1 + |log|) ulps
        t2 = mq - mp
        return t1 + t2, (mp + xp.abs(t1)) + xp.abs(t2)

    def stable(mp: Array, mq: Array) -> Array:
        return clamp0(kl_div(mp, mq, xp), xp)

    return closed_form(textbook, stable, (p.mu, q.mu), xp, safe=(1.0, 1.0))


@register_kl(NegativeBinomial, NegativeBinomial)
def _kl_nbinom_nbinom(p: NegativeBinomial, q: NegativeBinomial) -> Array:
    # Same n: log P(x)/Q(x) = n log(p/q) + x log((1-p)/(1-q)) (the Gamma terms cancel) and
    # E_P[X] = n (1-p)/p, so KL = n [log(p/q) + ((1-p)/p) log((1-p)/(1-q))], n times the
    # geometric KL. Different n: the exact sum over P's support (truncated below 1e-20), +inf
    # where Q is the point mass at 0 (p_Q = 1) and P is not; log P(x)/Q(x) from
    # `_nbinom_log_ratio`, without cancellation when n_P and n_Q are close.
    xp = p.xp
    same = p.n * _kl_geom_terms(p.p, q.p, xp)
    equal = p.n == q.n
    if bool(xp.all(equal)):
        return clamp0(same, xp)
    other = _inf_where((q.p == 1) & (p.p < 1), _kl_by_sum(p, q, _nbinom_log_ratio(p, q)), xp)
    return clamp0(xp.where(equal, same, other), xp)


def _nbinom_log_ratio(p: NegativeBinomial, q: NegativeBinomial) -> Any:
    """``x -> log P(x) - log Q(x)``, written so that close parameters cancel nothing.

    With ``n, m`` the two ``n``, ``a, b`` the two ``p`` and ``D`` the Bregman divergence of
    log Γ (`lgamma_bregman`): ``log Γ(x+n)/Γ(n) - log Γ(x+m)/Γ(m) = -(m-n) (ψ(x+n) - ψ(n))
    - D(x+n, x+m) + D(n, m)``, and ``n log a - m log b = n log(a/b) - (m-n) log b``.
    """
    xp, n, m, a, b = p.xp, p.n, q.n, p.p, q.p
    dn = m - n
    ok = (a < 1) & (b < 1)  # else x = 0 only (a = 1), or +inf set by the caller (b = 1)
    one = xp.ones_like(a + b)

    def log_ratio_at(x: Array) -> Array:
        t_gamma = -dn * (digamma(x + n, xp) - digamma(n, xp))
        t_gamma = t_gamma - lgamma_bregman(x + n, x + m, xp, diff=dn)
        t_gamma = t_gamma + lgamma_bregman(n, m, xp, diff=dn)
        diff = xp.where(ok, b - a, xp.zeros_like(one))
        fail = log_ratio(xp.where(ok, 1.0 - a, one), xp.where(ok, 1.0 - b, one), xp, diff=diff)
        t_fail = xp.where(ok & (x > 0), x * fail, xp.zeros_like(x))
        return t_gamma + n * log_ratio(a, b, xp) - dn * xp.log(b) + t_fail

    return log_ratio_at


@register_kl(Multinomial, Multinomial)
def _kl_multinomial_multinomial(p: Multinomial, q: Multinomial) -> Array:
    # Same n: log P(x)/Q(x) = sum_i x_i log(p_i/q_i) and E_P[X_i] = n p_i, so
    # KL = n sum_i p_i log(p_i/q_i). Different n: the supports {sum x = n} are disjoint: +inf.
    # Evaluated as written first; where it cancels (or some p_i = 0), from
    # sum_i p_i log(p_i/q_i) = sum_i kl_div(p_i, q_i) + sum_i (p_i - q_i): terms >= 0 (no
    # cancellation near p == q) and the difference of the sums, 0 for normalised p and q
    # (exact when the differences p_i - q_i add up without rounding, as near p == q).
    xp = p.xp
    if p.event_shape != q.event_shape:
        msg = (
            f"`p` of the two Multinomials must have the same number of outcomes; found "
            f"{p.event_shape[0]} and {q.event_shape[0]}"
        )
        raise ValueError(msg)

    def textbook(a: Array, b: Array) -> tuple[Array, Array]:
        t = a * xp.log(a / b)  # off by a (1 + |log|) ulps; NaN at a = 0: the stable form
        return xp.sum(t, axis=-1), xp.sum(a + xp.abs(t), axis=-1)

    def stable(a: Array, b: Array) -> Array:
        return xp.sum(kl_div(a, b, xp), axis=-1) + xp.sum(a - b, axis=-1)

    kl_c = closed_form(textbook, stable, (p.p, q.p), xp, event_ndims=(1, 1), safe=(0.5, 0.5))
    n0 = p.n == 0
    kl = xp.where(n0, xp.zeros_like(kl_c), p.n * xp.where(n0, xp.zeros_like(kl_c), kl_c))
    return clamp0(_inf_where(p.n != q.n, kl, xp), xp)
