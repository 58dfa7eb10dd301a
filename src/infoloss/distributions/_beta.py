"""The families on bounded intervals: Beta and Uniform, and their KL pairs with Gamma types."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core import Array, Namespace, betaln, clamp0, digamma, inf_like, lgamma, register_kl, xlogy
from ._base import Distribution, LocationScale, positive
from ._dirichlet import kl_concentrations, lgamma_sized
from ._gamma import (
    Chi2,
    Exponential,
    Gamma,
    _GammaLike,
)
from ._scipy import scipy_name
from ._stable import closed_form

__all__ = ["Beta", "Uniform"]


class Beta(Distribution):
    r"""Beta distribution on :math:`[0, 1]`, as ``scipy.stats.beta(a, b)``.

    Parameters
    ----------
    a, b : array_like
        Shapes :math:`a > 0`, :math:`b > 0`.
    validate : bool, default True
        Check the parameters (``a > 0``, ``b > 0``).

    Notes
    -----
    .. math:: \log p(x) = (a-1)\log x + (b-1)\log(1-x) - \log B(a, b),

    .. math:: H = \log B(a, b) - (a-1)\psi(a) - (b-1)\psi(b) + (a+b-2)\psi(a+b).

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import entropy
    >>> from infoloss import Beta
    >>> bool(abs(float(entropy(Beta(2.0, 3.0))) - stats.beta(2, 3).entropy()) < 1e-12)
    True
    """

    params = {"a": positive, "b": positive}  # noqa: RUF012 - class-level constants
    a: Array
    b: Array

    def __init__(self, a: Any, b: Any, *, validate: bool = True) -> None:
        self._init({"a": a, "b": b}, validate=validate)

    def log_prob(self, x: Any) -> Array:
        xp = self.xp
        x = self._x(x)
        inside = (x >= 0) & (x <= 1)
        xs = xp.where(inside, x, xp.zeros_like(x))
        lp = (
            xlogy(self.a - 1.0, xs, xp)
            + xlogy(self.b - 1.0, 1.0 - xs, xp)
            - betaln(self.a, self.b, xp)
        )
        return xp.where(inside, lp, -xp.inf * xp.ones_like(lp))

    @property
    def mean(self) -> Array:
        return self.a / (self.a + self.b)

    @property
    def variance(self) -> Array:
        s = self.a + self.b
        return self.a * self.b / (s * s * (s + 1.0))

    def entropy(self) -> Array:
        # e.g. Wikipedia, "Beta distribution", section "Quantities of information (entropy)"
        xp, a, b = self.xp, self.a, self.b
        return (
            betaln(a, b, xp)
            - (a - 1.0) * digamma(a, xp)
            - (b - 1.0) * digamma(b, xp)
            + (a + b - 2.0) * digamma(a + b, xp)
        )

    def _mean_log(self) -> Array:
        """E[log X] = ψ(a) - ψ(a + b)."""
        return digamma(self.a, self.xp) - digamma(self.a + self.b, self.xp)

    def _mean_log1m(self) -> Array:
        """E[log(1 - X)] = ψ(b) - ψ(a + b)."""
        return digamma(self.b, self.xp) - digamma(self.a + self.b, self.xp)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.beta(v["a"], v["b"], size=shape)


class Uniform(LocationScale):
    r"""Uniform distribution on :math:`[loc, loc + scale]`, as ``scipy.stats.uniform``.

    Parameters
    ----------
    loc : array_like, default 0
        Lower end of the support.
    scale : array_like, default 1
        Width of the support, ``> 0``.
    validate : bool, default True
        Check the parameters (finite ``loc``, ``scale > 0``).

    Notes
    -----
    .. math:: \log p(x) = -\log(\mathrm{scale}) \quad (loc \le x \le loc + scale),
              \qquad H = \log(\mathrm{scale}).

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import entropy
    >>> from infoloss import Uniform
    >>> bool(abs(float(entropy(Uniform(1.0, 3.0))) - stats.uniform(1, 3).entropy()) < 1e-12)
    True
    """

    @property
    def high(self) -> Array:
        """Upper end of the support, ``loc + scale``."""
        return self.loc + self.scale

    def log_prob(self, x: Any) -> Array:
        xp = self.xp
        x = self._x(x)
        inside = (x >= self.loc) & (x <= self.high)
        lp = -xp.log(self.scale) + xp.zeros_like(x)
        return xp.where(inside, lp, -xp.inf * xp.ones_like(lp))

    @property
    def mean(self) -> Array:
        return self.loc + 0.5 * self.scale

    @property
    def variance(self) -> Array:
        return self.scale * self.scale / 12.0

    def entropy(self) -> Array:
        return self.xp.log(self.scale)

    def _mean_log(self) -> Array:
        """E[log X] for ``loc >= 0``: (h log h - l log l) / w - 1 = log h + (l/w) log1p(w/l) - 1.

        The log1p form keeps the precision of narrow intervals (no difference of near-equal
        ``x log x``).
        """
        return _mean_log_interval(self.loc, self.high, self.scale, self.xp)

    def _mean_log1m(self) -> Array:
        """E[log(1 - X)] for ``loc + scale <= 1`` (1 - X is uniform on [1 - h, 1 - l])."""
        return _mean_log_interval(1.0 - self.high, 1.0 - self.loc, self.scale, self.xp)

    def _mean_abs_dev(self, m: Array) -> Array:
        """E|X - m| = [(c - l)(m - (c + l)/2) + (h - c)((h + c)/2 - m)] / w, c = clip(m, l, h)."""
        xp, lo, hi = self.xp, self.loc, self.high
        c = xp.minimum(xp.maximum(m, lo), hi)
        left = (c - lo) * (m - 0.5 * (c + lo))
        right = (hi - c) * (0.5 * (hi + c) - m)
        return (left + right) / self.scale

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.uniform(v["loc"], v["loc"] + v["scale"], size=shape)


def _mean_log_interval(lo: Array, hi: Array, w: Array, xp: Namespace) -> Array:
    """E[log X] for X uniform on [lo, hi], w = hi - lo, lo >= 0 (garbage, not NaN, for lo < 0)."""
    pos = lo > 0
    x = xp.where(pos, lo, xp.ones_like(lo)) / w  # lo / w, with 1 / w standing in where lo <= 0
    # r = x log(1 + 1/x): for x < 1 as x (log1p(x) - log x), so 1/x never overflows; for
    # x >= 1 directly (no cancellation). r -> 0 as lo -> 0.
    small = x < 1
    xs = xp.where(small & (x > 0), x, xp.ones_like(x))  # lo / w may underflow to 0: r = 0
    xl = xp.where(small, xp.ones_like(x), x)
    r = xp.where(small, xs * (xp.log1p(xs) - xp.log(xs)), xl * xp.log1p(1.0 / xl))
    r = xp.where(pos & (x > 0), r, xp.zeros_like(r))
    return xp.log(xp.where(hi > 0, hi, xp.ones_like(hi))) + r - 1.0


def _xlogx(x: Array, xp: Namespace) -> Array:
    """``x log x`` with ``0 log 0 = 0`` (negative ``x`` clipped to 0; finite gradient at 0)."""
    x = xp.where(x > 0, x, xp.zeros_like(x))
    return xlogy(x, x, xp)


# ------------------------------------------------------------------------------------- SciPy
@scipy_name("beta")
def _beta_from_scipy(params: dict[str, Any]) -> Beta:
    loc, scale = np.asarray(params["loc"]), np.asarray(params["scale"])
    if np.any(loc != 0) or np.any(scale != 1):
        msg = (
            f"scipy.stats.beta with loc != 0 or scale != 1 (found loc={params['loc']!r}, "
            f"scale={params['scale']!r}) has no infoloss equivalent: infoloss's Beta lives "
            "on [0, 1]"
        )
        raise ValueError(msg)
    return Beta(params["a"], params["b"])


@scipy_name("uniform")
def _uniform_from_scipy(params: dict[str, Any]) -> Uniform:
    return Uniform(params["loc"], params["scale"])


# ---------------------------------------------------------------------------------------- KL
@register_kl(Beta, Beta)
def _kl_beta_beta(p: Beta, q: Beta) -> Array:
    # KL = log B(a_q, b_q) - log B(a_p, b_p) + (a_p - a_q) ψ(a_p) + (b_p - b_q) ψ(b_p)
    #      + (a_q - a_p + b_q - b_p) ψ(a_p + b_p)
    # (e.g. Wikipedia, "Beta distribution", section "Kullback–Leibler divergence"; it follows
    # from E[log X] = ψ(a) - ψ(a + b), E[log(1 - X)] = ψ(b) - ψ(a + b)), evaluated as written
    # first; where it cancels, the Dirichlet KL with two categories, computed without
    # cancellation by `kl_concentrations` (`closed_form`)
    xp = p.xp

    def textbook(ap: Array, bp: Array, aq: Array, bq: Array) -> tuple[Array, Array]:
        sum_p, sum_q = ap + bp, aq + bq
        (g_ap, s_ap), (g_bp, s_bp) = lgamma_sized(ap, xp), lgamma_sized(bp, xp)
        (g_aq, s_aq), (g_bq, s_bq) = lgamma_sized(aq, xp), lgamma_sized(bq, xp)
        (g_sp, s_sp), (g_sq, s_sq) = lgamma_sized(sum_p, xp), lgamma_sized(sum_q, xp)
        da, db = ap - aq, bp - bq
        d0 = (aq - ap) + (bq - bp)
        psi_a, psi_b, psi_0 = digamma(ap, xp), digamma(bp, xp), digamma(sum_p, xp)
        t_psi = (da * psi_a + db * psi_b) + d0 * psi_0
        kl = (((g_aq + g_bq) - g_sq) - ((g_ap + g_bp) - g_sp)) + t_psi
        size = ((s_ap + s_bp) + (s_sp + s_aq)) + (s_bq + s_sq)
        spread = xp.abs(da) * (xp.abs(psi_a) + 1.0) + xp.abs(db) * (xp.abs(psi_b) + 1.0)
        return kl, (size + spread) + xp.abs(d0) * (xp.abs(psi_0) + 1.0)

    def stable(ap: Array, bp: Array, aq: Array, bq: Array) -> Array:
        return kl_concentrations(xp.stack([ap, bp], axis=-1), xp.stack([aq, bq], axis=-1), xp)

    return closed_form(textbook, stable, (p.a, p.b, q.a, q.b), xp)


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p: Uniform, q: Uniform) -> Array:
    # KL = log(w_q / w_p) when [l_p, h_p] ⊂ [l_q, h_q], +inf otherwise (direct integration:
    # log p - log q is the constant log(w_q / w_p) on P's support), as log1p((w_q - w_p) / w_p)
    # (w_q >= w_p inside, up to the rounding of h - l: no cancellation, never negative)
    xp = p.xp
    inside = (q.loc <= p.loc) & (p.high <= q.high)
    kl = xp.log1p((xp.maximum(q.scale, p.scale) - p.scale) / p.scale)
    return xp.where(inside, kl, xp.inf * xp.ones_like(kl))


@register_kl(Beta, Uniform)
def _kl_beta_uniform(p: Beta, q: Uniform) -> Array:
    # KL = -H(P) + log w_q when [0, 1] ⊂ [l_q, h_q], +inf otherwise (log q is the constant
    # -log w_q on [0, 1])
    xp = p.xp
    inside = (q.loc <= 0) & (q.high >= 1)
    kl = clamp0(xp.log(q.scale) - p.entropy(), xp)
    return xp.where(inside, kl, xp.inf * xp.ones_like(kl))


@register_kl(Uniform, Beta)
def _kl_uniform_beta(p: Uniform, q: Beta) -> Array:
    # KL = -log w_p - (a - 1) E_P[log X] - (b - 1) E_P[log(1 - X)] + log B(a, b) when
    # [l_p, h_p] ⊂ [0, 1], +inf otherwise; E_P[log X] = (F(h) - F(l)) / w, F(x) = x log x - x
    # (direct integration of the Beta log density over the interval)
    xp = p.xp
    inside = (p.loc >= 0) & (p.high <= 1)
    t1 = -xp.log(p.scale)
    t2 = -(q.a - 1.0) * p._mean_log()
    t3 = -(q.b - 1.0) * p._mean_log1m()
    t4 = betaln(q.a, q.b, xp)
    kl = clamp0(t1 + t2 + t3 + t4, xp)
    return xp.where(inside, kl, xp.inf * xp.ones_like(kl))


def _minus_mean_log_gamma(q: _GammaLike, mean_log: Array, mean: Array) -> Array:
    """-E_P[log q(X)] for a Gamma-type Q, from E_P[log X] and E_P[X] (X >= 0 under P)."""
    xp = q.xp
    k, theta = q._shape(), q._scale()
    return -(k - 1.0) * mean_log + mean / theta + lgamma(k, xp) + k * xp.log(theta)


@register_kl(Uniform, Exponential)
@register_kl(Uniform, Gamma)
@register_kl(Uniform, Chi2)
def _kl_uniform_gamma(p: Uniform, q: _GammaLike) -> Array:
    # KL = -log w_p - E_P[log q(X)] when l_p >= 0, +inf otherwise, with
    # -E_P[log q] = -(k - 1) E_P[log X] + E_P[X] / θ + log Γ(k) + k log θ,
    # E_P[X] = l + w / 2, E_P[log X] = (F(h) - F(l)) / w, F(x) = x log x - x (direct integration)
    xp = p.xp
    inside = p.loc >= 0
    kl = clamp0(-xp.log(p.scale) + _minus_mean_log_gamma(q, p._mean_log(), p.mean), xp)
    return xp.where(inside, kl, xp.inf * xp.ones_like(kl))


@register_kl(Beta, Exponential)
@register_kl(Beta, Gamma)
@register_kl(Beta, Chi2)
def _kl_beta_gamma(p: Beta, q: _GammaLike) -> Array:
    # KL = -H(P) - E_P[log q(X)], with E_P[log X] = ψ(a) - ψ(a + b), E_P[X] = a / (a + b)
    # (expectations of the Beta distribution, e.g. Wikipedia "Beta distribution")
    xp = p.xp
    return clamp0(-p.entropy() + _minus_mean_log_gamma(q, p._mean_log(), p.mean), xp)


@register_kl(Exponential, Beta)
@register_kl(Exponential, Uniform)
@register_kl(Gamma, Beta)
@register_kl(Gamma, Uniform)
@register_kl(Chi2, Beta)
@register_kl(Chi2, Uniform)
def _kl_unbounded_bounded(p: Distribution, q: Distribution) -> Array:
    # P has mass on (1, inf) (or beyond any bound), where Q's density is 0: KL = +inf
    return inf_like(p, q)
