"""Discrete families: Bernoulli, Binomial, Geometric, Poisson, NegativeBinomial, Multinomial.

The families live in `._trials` (Bernoulli, Binomial, Geometric) and `._counting` (Poisson,
NegativeBinomial, Multinomial), on the shared machinery of `._discrete_base` (the `_Discrete`
base, summation windows, exact sums); this module re-exports them and registers the KL pairs
across the two groups.
"""

from __future__ import annotations

from typing import Any

from .._core import Array, Namespace, clamp0, register_kl, xlogy
from ._base import Distribution
from ._counting import Multinomial, NegativeBinomial, Poisson
from ._discrete_base import _inf_where, _kl_by_sum
from ._trials import Bernoulli, Binomial, Geometric

__all__ = ["Bernoulli", "Binomial", "Geometric", "Multinomial", "NegativeBinomial", "Poisson"]


# --------------------------------------------------------------------------------------- KL
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
