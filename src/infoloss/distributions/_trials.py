"""Bernoulli-trial families: Bernoulli, Binomial, Geometric, and the KL pairs among them.

Entropies and KLs without a closed form are the exact sums of `._discrete_base`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core import Array, clamp0, digamma, lgamma, register_kl, xlogy
from ._base import nonnegative_integer, open_unit_interval, unit_interval
from ._bregman import lgamma_bregman
from ._discrete_base import (
    _Discrete,
    _entropy_by_sum,
    _inf_where,
    _integer_in,
    _kl_bern_terms,
    _kl_by_sum,
    _kl_geom_terms,
    _masked,
)
from ._elementary import log_ratio
from ._scipy import require_loc_zero, scipy_name

__all__ = ["Bernoulli", "Binomial", "Geometric"]


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
    >>> from infoloss import Bernoulli
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
    >>> from infoloss import Binomial
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
    >>> from infoloss import Geometric
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


# --------------------------------------------------------------------------------------- KL
@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p: Bernoulli, q: Bernoulli) -> Array:
    # KL = p log(p/q) + (1-p) log((1-p)/(1-q)): the definition summed over {0, 1}
    # (Cover & Thomas, Elements of Information Theory, 2nd ed., 2006, eq. 2.26)
    return _kl_bern_terms(p.p, q.p, p.xp)


@register_kl(Binomial, Binomial)
def _kl_binomial_binomial(p: Binomial, q: Binomial) -> Array:
    # Same n: log P(x)/Q(x) = x log(p/q) + (n-x) log((1-p)/(1-q)) (the binomial coefficients
    # cancel) and E_P[X] = n p, so KL = n KL(Bernoulli(p) || Bernoulli(q)).
    # Different n: +inf where P puts mass above Q's n (n_P > n_Q, p_P > 0); otherwise the exact
    # sum of P(x) log(P(x)/Q(x)) over P's support (truncated where P's mass is below 1e-20),
    # log P(x)/Q(x) from `_binomial_log_ratio` (no cancellation when n_P, n_Q are close) unless
    # Q is a point mass (p_Q = 0 or 1).
    xp = p.xp
    kl_b = _kl_bern_terms(p.p, q.p, xp)
    n0 = p.n == 0
    same = xp.where(n0, xp.zeros_like(kl_b), p.n * xp.where(n0, xp.zeros_like(kl_b), kl_b))
    equal = p.n == q.n
    if bool(xp.all(equal)):
        return clamp0(same, xp)
    inner = (q.p > 0) & (q.p < 1)
    other = _kl_by_sum(p, q, _binomial_log_ratio(p, q))
    if not bool(xp.all(inner)):
        other = xp.where(inner, other, _kl_by_sum(p, q))
    other = _inf_where((p.n > q.n) & (p.p > 0), other, xp)
    return clamp0(xp.where(equal, same, other), xp)


def _binomial_log_ratio(p: Binomial, q: Binomial) -> Any:
    """``x -> log P(x) - log Q(x)`` on ``0 <= x <= min(n, m)``, cancelling nothing when close.

    With ``n, m`` the two ``n``, ``a, b`` the two ``p`` and ``D`` the Bregman divergence of
    log Γ (`lgamma_bregman`): ``log C(n, x) - log C(m, x) = -(m-n) (ψ(n+1) - ψ(n-x+1))
    - D(n+1, m+1) + D(n-x+1, m-x+1)``, and the powers give ``x log(a/b)
    + (n-x) log((1-a)/(1-b)) - (m-n) log(1-b)``. Valid for ``0 < b < 1``.
    """
    xp, n, m, a, b = p.xp, p.n, q.n, p.p, q.p
    dn = m - n
    one = xp.ones_like(a + b)
    bs = xp.where((b > 0) & (b < 1), b, 0.5 * one)  # other b: the caller's other routes

    def log_ratio_at(x: Array) -> Array:
        x = xp.minimum(x, xp.minimum(n, m))  # above: P(x) = 0, or Q(x) = 0 (+inf, the caller)
        t_gamma = -dn * (digamma(n + 1.0, xp) - digamma(n - x + 1.0, xp))
        t_gamma = t_gamma - lgamma_bregman(n + 1.0, m + 1.0, xp, diff=dn)
        t_gamma = t_gamma + lgamma_bregman(n - x + 1.0, m - x + 1.0, xp, diff=dn)
        hit = log_ratio(xp.where(a > 0, a, one), bs, xp)
        miss = log_ratio(
            xp.where(a < 1, 1.0 - a, one), 1.0 - bs, xp, diff=xp.where(a < 1, bs - a, bs)
        )
        t_hit = xp.where(x > 0, x * hit, xp.zeros_like(x))
        t_miss = xp.where(n - x > 0, (n - x) * miss, xp.zeros_like(x))
        return t_gamma + t_hit + t_miss - dn * xp.log1p(-bs)

    return log_ratio_at


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
    return _kl_geom_terms(p.p, q.p, p.xp)
