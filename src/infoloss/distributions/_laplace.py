"""Laplace and LogNormal, and their KL pairs with the Gamma types, Beta and Uniform."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._core import Array, clamp0, inf_like, register_kl, trigamma
from ._base import Distribution, LocationScale, positive
from ._beta import (
    Beta,
    Uniform,
    _minus_mean_log_gamma,
    _xlogx,
)
from ._elementary import expm1mx, kl_div, log_ratio
from ._gamma import (
    Chi2,
    Exponential,
    Gamma,
    _GammaLike,
)
from ._normal import scale_term, scale_textbook
from ._scipy import require_loc_zero, scipy_name
from ._stable import closed_form

__all__ = ["Laplace", "LogNormal"]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


class Laplace(LocationScale):
    r"""Laplace (double exponential) distribution, as ``scipy.stats.laplace(loc, scale)``.

    Parameters
    ----------
    loc : array_like, default 0
        Location (mean and median) :math:`\mu`.
    scale : array_like, default 1
        Scale :math:`b > 0`.
    validate : bool, default True
        Check the parameters (finite ``loc``, ``scale > 0``).

    Notes
    -----
    .. math:: \log p(x) = -|x - \mu| / b - \log 2b, \qquad H = 1 + \log 2b.

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import entropy
    >>> from infoloss import Laplace
    >>> bool(abs(float(entropy(Laplace(1.0, 2.0))) - stats.laplace(1, 2).entropy()) < 1e-12)
    True
    """

    def log_prob(self, x: Any) -> Array:
        xp = self.xp
        return -xp.abs(self._z(x)) - xp.log(2.0 * self.scale)

    @property
    def mean(self) -> Array:
        return self.loc + self.xp.zeros_like(self.scale)

    @property
    def variance(self) -> Array:
        return 2.0 * self.scale * self.scale

    def entropy(self) -> Array:
        return 1.0 + self.xp.log(2.0 * self.scale)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.laplace(v["loc"], v["scale"], size=shape)


class LogNormal(Distribution):
    r"""Log-normal distribution, as ``scipy.stats.lognorm(s, scale=scale)``.

    :math:`\log X \sim N(\log(\mathrm{scale}), s^2)`.

    Parameters
    ----------
    s : array_like
        Standard deviation :math:`s > 0` of :math:`\log X`.
    scale : array_like, default 1
        :math:`e^\mu`, the median of :math:`X` (``> 0``).
    validate : bool, default True
        Check the parameters (``s > 0``, ``scale > 0``).

    Notes
    -----
    .. math:: \log p(x) = -\frac{(\log x - \mu)^2}{2 s^2} - \log s - \log x - \tfrac12\log 2\pi,
              \qquad H = \mu + \tfrac12 + \log s + \tfrac12 \log 2\pi.

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import entropy
    >>> from infoloss import LogNormal
    >>> h = float(entropy(LogNormal(0.5, scale=2.0)))
    >>> bool(abs(h - stats.lognorm(0.5, scale=2).entropy()) < 1e-12)
    True
    """

    params = {"s": positive, "scale": positive}  # noqa: RUF012 - class-level constants
    s: Array
    scale: Array

    def __init__(self, s: Any, scale: Any = 1.0, *, validate: bool = True) -> None:
        self._init({"s": s, "scale": scale}, validate=validate)

    def log_prob(self, x: Any) -> Array:
        xp = self.xp
        x = self._x(x)
        pos = x > 0
        logx = xp.log(xp.where(pos, x, xp.ones_like(x)))
        z = (logx - xp.log(self.scale)) / self.s
        lp = -0.5 * z * z - xp.log(self.s) - logx - _LOG_SQRT_2PI
        return xp.where(pos, lp, -xp.inf * xp.ones_like(lp))

    @property
    def mean(self) -> Array:
        return self.scale * self.xp.exp(0.5 * self.s * self.s)

    @property
    def variance(self) -> Array:
        s2 = self.s * self.s
        return self.scale * self.scale * self.xp.exp(s2) * self.xp.expm1(s2)

    def entropy(self) -> Array:
        xp = self.xp
        return xp.log(self.scale) + 0.5 + xp.log(self.s) + _LOG_SQRT_2PI

    def _mean_log(self) -> Array:
        return self.xp.log(self.scale)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.lognormal(np.log(v["scale"]), v["s"], size=shape)


# ------------------------------------------------------------------------------------- SciPy
@scipy_name("laplace")
def _laplace_from_scipy(params: dict[str, Any]) -> Laplace:
    return Laplace(params["loc"], params["scale"])


@scipy_name("lognorm")
def _lognorm_from_scipy(params: dict[str, Any]) -> LogNormal:
    require_loc_zero("lognorm", params)
    return LogNormal(params["s"], params["scale"])


# ---------------------------------------------------------------------------------------- KL
@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p: Laplace, q: Laplace) -> Array:
    # KL = log(b_q / b_p) + |μ_p - μ_q| / b_q + (b_p / b_q) exp(-|μ_p - μ_q| / b_p) - 1
    # (Gil, Alajaji & Hoseinzadeh, "Rényi divergence measures for commonly used univariate
    # continuous distributions", Information Sciences 249, 2013, Table 3), evaluated as written
    # first (`closed_form`). Where it cancels: with r = b_p / b_q and z = |μ_p - μ_q| / b_p it
    # is (r - 1 - log r) + r (exp(-z) - 1 + z), two terms >= 0 computed without cancellation
    xp = p.xp

    def textbook(mp: Array, bp: Array, mq: Array, bq: Array) -> tuple[Array, Array]:
        d = xp.abs(mp - mq)
        t1 = xp.log(bq / bp)
        t2 = d / bq
        t3 = (bp / bq) * xp.exp(-d / bp)  # off by up to 3 + 2z ulps; t3 z <= t2
        return ((t1 + t2) + t3) - 1.0, (xp.abs(t1) + 3.0 * t2) + (t3 + 2.0)

    def stable(mp: Array, bp: Array, mq: Array, bq: Array) -> Array:
        t1 = kl_div(bq, bp, xp) / bq  # r - 1 - log r
        t2 = (bp / bq) * expm1mx(-xp.abs(mp - mq) / bp, xp)
        return clamp0(t1 + t2, xp)

    return closed_form(textbook, stable, (p.loc, p.scale, q.loc, q.scale), xp)


@register_kl(LogNormal, LogNormal)
def _kl_lognormal_lognormal(p: LogNormal, q: LogNormal) -> Array:
    # KL is invariant under the bijection x -> log x, so it is KL(N(μ_p, s_p²) ‖ N(μ_q, s_q²))
    # = 1/2 (r - 1 - log r + ((μ_p - μ_q) / s_q)²), r = (s_p / s_q)², μ = log(scale)
    # (Bishop, Pattern Recognition and Machine Learning, 2006, ex. 1.30), evaluated as written
    # first (`closed_form`); where it cancels, r - 1 - log r from `scale_term` and
    # μ_p - μ_q = log(scale_p / scale_q) from `log_ratio` (log1p when close)
    xp = p.xp

    def textbook(sp: Array, ap: Array, sq: Array, aq: Array) -> tuple[Array, Array]:
        t1, big = scale_textbook(sp, sq, xp)
        inv = 1.0 / sq
        kl = 0.5 * (t1 + (xp.log(ap / aq) * inv) ** 2)
        # magnitudes: see `scale_textbook`; the log is off by 1 + |log| ulps: adds 1 / s_q²
        return kl, (kl + big) + 0.5 * (inv * inv)

    def stable(sp: Array, ap: Array, sq: Array, aq: Array) -> Array:
        t2 = (log_ratio(ap, aq, xp) / sq) ** 2
        return clamp0(0.5 * (scale_term(sp, sq, xp) + t2), xp)

    return closed_form(textbook, stable, (p.s, p.scale, q.s, q.scale), xp)


@register_kl(LogNormal, Exponential)
@register_kl(LogNormal, Gamma)
@register_kl(LogNormal, Chi2)
def _kl_lognormal_gamma(p: LogNormal, q: _GammaLike) -> Array:
    # KL = -H(P) - E_P[log q(X)], -E_P[log q] = -(k - 1) E[log X] + E[X] / θ + log Γ(k) + k log θ
    # with E[log X] = μ_p and E[X] = scale_p exp(s_p² / 2) (moments of the log-normal)
    return clamp0(-p.entropy() + _minus_mean_log_gamma(q, p._mean_log(), p.mean), p.xp)


def _minus_mean_log_lognormal(q: LogNormal, mean_log: Array, var_log: Array) -> Array:
    """-E_P[log q(X)] for a LogNormal Q, from the mean and variance of log X under P."""
    xp = q.xp
    mu_q = xp.log(q.scale)
    sq = (var_log + (mean_log - mu_q) ** 2) / (2.0 * q.s * q.s)
    return sq + xp.log(q.s) + mean_log + _LOG_SQRT_2PI


@register_kl(Exponential, LogNormal)
@register_kl(Gamma, LogNormal)
@register_kl(Chi2, LogNormal)
def _kl_gamma_lognormal(p: _GammaLike, q: LogNormal) -> Array:
    # KL = -H(P) - E_P[log q(X)], -E_P[log q] = E_P[(log X - μ_q)²] / (2 s_q²) + log s_q
    # + E_P[log X] + log √(2π), with E[log X] = ψ(k) + log θ, Var[log X] = ψ'(k) for X ~ Gamma
    # (log-moments of the Gamma distribution, e.g. Wikipedia "Gamma distribution")
    xp = p.xp
    var_log = trigamma(p._shape(), xp)
    return clamp0(-p.entropy() + _minus_mean_log_lognormal(q, p._mean_log(), var_log), xp)


@register_kl(Beta, LogNormal)
def _kl_beta_lognormal(p: Beta, q: LogNormal) -> Array:
    # As Gamma–LogNormal, with E[log X] = ψ(a) - ψ(a + b), Var[log X] = ψ'(a) - ψ'(a + b)
    # (log-moments of the Beta distribution, e.g. Wikipedia "Beta distribution")
    xp = p.xp
    var_log = trigamma(p.a, xp) - trigamma(p.a + p.b, xp)
    return clamp0(-p.entropy() + _minus_mean_log_lognormal(q, p._mean_log(), var_log), xp)


@register_kl(Uniform, LogNormal)
def _kl_uniform_lognormal(p: Uniform, q: LogNormal) -> Array:
    # KL = -log w_p - E_P[log q(X)] when l_p >= 0, +inf otherwise; E_P[(log X)²] from the
    # antiderivative G(x) = x (log x)² - 2 x log x + 2 x (direct integration)
    xp = p.xp
    inside = p.loc >= 0
    h, lo = p.high, xp.where(inside, p.loc, xp.zeros_like(p.loc))

    def g(x: Array) -> Array:
        pos = x > 0
        lx = xp.log(xp.where(pos, x, xp.ones_like(x)))
        return xp.where(pos, x * lx * lx, xp.zeros_like(x)) - 2.0 * _xlogx(x, xp) + 2.0 * x

    mean_log = p._mean_log()
    var_log = (g(h) - g(lo)) / p.scale - mean_log * mean_log
    kl = clamp0(-p.entropy() + _minus_mean_log_lognormal(q, mean_log, var_log), xp)
    return xp.where(inside, kl, xp.inf * xp.ones_like(kl))


@register_kl(Uniform, Laplace)
@register_kl(Exponential, Laplace)
def _kl_to_laplace(p: Uniform | Exponential, q: Laplace) -> Array:
    # KL = -H(P) + log 2b + E_P|X - μ| / b (the Laplace log density is linear in |x - μ|);
    # E_P|X - μ| by direct integration (the `_mean_abs_dev` methods)
    xp = p.xp
    return clamp0(-p.entropy() + xp.log(2.0 * q.scale) + p._mean_abs_dev(q.loc) / q.scale, xp)


@register_kl(Laplace, Exponential)
@register_kl(Laplace, Gamma)
@register_kl(Laplace, Chi2)
@register_kl(Laplace, Beta)
@register_kl(Laplace, Uniform)
@register_kl(Laplace, LogNormal)
@register_kl(LogNormal, Beta)
@register_kl(LogNormal, Uniform)
def _kl_laplace_lognormal_infinity(p: Distribution, q: Distribution) -> Array:
    # P puts mass where Q's density is 0 (Laplace: x < 0; LogNormal: beyond any bound): +inf
    return inf_like(p, q)
