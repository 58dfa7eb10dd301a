"""The Gamma families: Exponential, Gamma and Chi2 (special functions from `_core`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._core import Array, Namespace, clamp0, digamma, known_false, lgamma, register_kl, xlogy
from ._base import Distribution, positive
from ._bregman import lgamma_bregman_rest
from ._elementary import kl_div
from ._scipy import require_loc_zero, scipy_name
from ._stable import closed_form

__all__ = ["Chi2", "Exponential", "Gamma"]


# ------------------------------------------------------------------------- special functions


# ------------------------------------------------------------------------------- the family
_EULER = 0.57721566490153286061  # -ψ(1), the Euler–Mascheroni constant


class _GammaLike(Distribution):
    """Shared code of the Gamma-type families: density ``x^(k-1) e^(-x/θ) / (Γ(k) θ^k)``."""

    def _shape(self) -> Array:
        raise NotImplementedError

    def _scale(self) -> Array:
        raise NotImplementedError

    def log_prob(self, x: Any) -> Array:
        xp = self.xp
        x = self._x(x)
        k, theta = self._shape(), self._scale()
        inside = x >= 0
        xs = xp.where(inside, x, xp.zeros_like(x))
        lp = xlogy(k - 1.0, xs, xp) - xs / theta - lgamma(k, xp) - k * xp.log(theta)
        return xp.where(inside, lp, -xp.inf * xp.ones_like(lp))

    @property
    def mean(self) -> Array:
        return self._shape() * self._scale()

    @property
    def variance(self) -> Array:
        return self._shape() * self._scale() ** 2

    def entropy(self) -> Array:
        # H = k + log θ + log Γ(k) + (1 - k) ψ(k)  (e.g. Wikipedia, "Gamma distribution")
        xp, k = self.xp, self._shape()
        return k + xp.log(self._scale()) + lgamma(k, xp) + (1.0 - k) * digamma(k, xp)

    def _mean_log(self) -> Array:
        """E[log X] = ψ(k) + log θ."""
        return digamma(self._shape(), self.xp) + self.xp.log(self._scale())


class Exponential(_GammaLike):
    r"""Exponential distribution, as ``scipy.stats.expon(scale=scale)``.

    Parameters
    ----------
    scale : array_like, default 1
        Scale :math:`\theta > 0` (the mean; the rate is :math:`1/\theta`).
    validate : bool, default True
        Check the parameters (``scale > 0``).

    Notes
    -----
    .. math:: \log p(x) = -\log\theta - x/\theta \quad (x \ge 0), \qquad H = 1 + \log\theta.

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import entropy
    >>> from infoloss import Exponential
    >>> bool(abs(float(entropy(Exponential(2.0))) - stats.expon(scale=2).entropy()) < 1e-12)
    True
    """

    params = {"scale": positive}  # noqa: RUF012 - class-level constants
    scale: Array

    def __init__(self, scale: Any = 1.0, *, validate: bool = True) -> None:
        self._init({"scale": scale}, validate=validate)

    def _shape(self) -> Array:
        return self.xp.ones_like(self.scale)

    def _scale(self) -> Array:
        return self.scale

    def log_prob(self, x: Any) -> Array:
        xp = self.xp
        x = self._x(x)
        lp = -xp.log(self.scale) - xp.where(x >= 0, x, xp.zeros_like(x)) / self.scale
        return xp.where(x >= 0, lp, -xp.inf * xp.ones_like(lp))

    def entropy(self) -> Array:
        return 1.0 + self.xp.log(self.scale)

    def _mean_log(self) -> Array:
        return self.xp.log(self.scale) - _EULER

    def _mean_abs_dev(self, m: Array) -> Array:
        """E|X - m| = θ - m + 2 E[(m - X)⁺] = θ - m + 2 (m⁺ + θ expm1(-m⁺/θ))."""
        xp, theta = self.xp, self.scale
        mp = xp.maximum(m, xp.zeros_like(m))
        return theta - m + 2.0 * (mp + theta * xp.expm1(-mp / theta))

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.exponential(v["scale"], size=shape)


class Gamma(_GammaLike):
    r"""Gamma distribution, as ``scipy.stats.gamma(a, scale=scale)``.

    Parameters
    ----------
    a : array_like
        Shape :math:`k > 0`.
    scale : array_like, default 1
        Scale :math:`\theta > 0` (the inverse of the rate).
    validate : bool, default True
        Check the parameters (``a > 0``, ``scale > 0``).

    Notes
    -----
    .. math:: \log p(x) = (k-1)\log x - x/\theta - \log\Gamma(k) - k\log\theta,
              \qquad H = k + \log\theta + \log\Gamma(k) + (1-k)\,\psi(k).

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import entropy
    >>> from infoloss import Gamma
    >>> h = float(entropy(Gamma(2.0, scale=3.0)))
    >>> bool(abs(h - stats.gamma(2, scale=3).entropy()) < 1e-12)
    True
    """

    params = {"a": positive, "scale": positive}  # noqa: RUF012 - class-level constants
    a: Array
    scale: Array

    def __init__(self, a: Any, scale: Any = 1.0, *, validate: bool = True) -> None:
        self._init({"a": a, "scale": scale}, validate=validate)

    def _shape(self) -> Array:
        return self.a

    def _scale(self) -> Array:
        return self.scale

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.gamma(v["a"], v["scale"], size=shape)


class Chi2(_GammaLike):
    r"""Chi-squared distribution with ``df`` degrees of freedom, as ``scipy.stats.chi2(df)``.

    The Gamma distribution with shape ``df / 2`` and scale 2.

    Parameters
    ----------
    df : array_like
        Degrees of freedom :math:`\nu > 0` (need not be an integer, as in SciPy).
    validate : bool, default True
        Check the parameters (``df > 0``).

    Notes
    -----
    .. math:: H = \tfrac\nu2 + \log 2 + \log\Gamma(\tfrac\nu2) + (1-\tfrac\nu2)\,\psi(\tfrac\nu2).

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import entropy
    >>> from infoloss import Chi2
    >>> bool(abs(float(entropy(Chi2(3.0))) - stats.chi2(3).entropy()) < 1e-12)
    True
    """

    params = {"df": positive}  # noqa: RUF012 - class-level constants
    df: Array

    def __init__(self, df: Any, *, validate: bool = True) -> None:
        self._init({"df": df}, validate=validate)

    def _shape(self) -> Array:
        return 0.5 * self.df

    def _scale(self) -> Array:
        return 2.0 * self.xp.ones_like(self.df)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.chisquare(v["df"], size=shape)


# ------------------------------------------------------------------------------------- SciPy
@scipy_name("expon")
def _expon_from_scipy(params: dict[str, Any]) -> Exponential:
    require_loc_zero("expon", params)
    return Exponential(params["scale"])


@scipy_name("gamma")
def _gamma_from_scipy(params: dict[str, Any]) -> Gamma:
    require_loc_zero("gamma", params)
    return Gamma(params["a"], params["scale"])


@scipy_name("chi2")
def _chi2_from_scipy(params: dict[str, Any]) -> Distribution:
    require_loc_zero("chi2", params)
    if np.all(np.asarray(params["scale"]) == 1):
        return Chi2(params["df"])
    # chi2(df, scale=s) is gamma(df / 2, scale=2 s): the same distribution
    return Gamma(0.5 * np.asarray(params["df"]), 2.0 * np.asarray(params["scale"]))


# ---------------------------------------------------------------------------------------- KL
@register_kl(Exponential, Exponential)
@register_kl(Exponential, Gamma)
@register_kl(Exponential, Chi2)
@register_kl(Gamma, Exponential)
@register_kl(Gamma, Gamma)
@register_kl(Gamma, Chi2)
@register_kl(Chi2, Exponential)
@register_kl(Chi2, Gamma)
@register_kl(Chi2, Chi2)
def _kl_gamma_gamma(p: _GammaLike, q: _GammaLike) -> Array:
    # Shapes k, scales θ (every pair is a special case of Gamma–Gamma):
    # KL = (k_p - k_q) ψ(k_p) - log Γ(k_p) + log Γ(k_q) + k_q log(θ_q / θ_p) + k_p (θ_p/θ_q - 1)
    # (Penny, "KL divergences of Normal, Gamma, Dirichlet and Wishart densities", 2001, eq. 3,
    # written with scales instead of rates), evaluated first (`closed_form`). Its terms cancel
    # near p == q (and, for large shapes, along equal means even when far apart); there the
    # stable form: splitting log Γ(k) as Stirling's (k - 1/2) log k - k + const plus the rest,
    # the Stirling part of the shape terms joins the scale terms into k_q φ(m_p / m_q),
    # φ(t) = t - 1 - log t, m = k θ the means, so KL = kl_div(k_q, k_q m_p / m_q) + R(k_p, k_q),
    # R = `lgamma_bregman_rest` (the Bregman divergence of log Γ less kl_div(k_q, k_p)): two
    # terms >= 0, nothing cancels. k_q m_p / m_q - k_q = k_p (θ_p - θ_q) / θ_q - (k_q - k_p) is
    # passed exactly. Between two Exponentials (k = 1) it is r - 1 - log r, r = θ_p / θ_q.
    xp = p.xp
    if isinstance(p, Exponential) and isinstance(q, Exponential):
        return _kl_exponential(p.scale, q.scale, xp)

    def textbook(kp: Array, tp: Array, kq: Array, tq: Array) -> tuple[Array, Array]:
        dk = kp - kq
        t1 = dk * digamma(kp, xp)
        g_q, g_p = lgamma(kq, xp), lgamma(kp, xp)
        t3 = kq * xp.log(tq / tp)  # off by up to k_q ulps (the rounding of θ_q / θ_p)
        t4 = kp * ((tp - tq) / tq)
        kl = t1 + (g_q - g_p) + t3 + t4
        # log Γ and ψ are off by an ulp or so absolute near 1 and 2 and ψ's root: floors
        floors = xp.abs(dk) + 2.0 * xp.astype(dk != 0, kl.dtype)
        size = xp.abs(t1) + xp.abs(g_q) + xp.abs(g_p) + kq + xp.abs(t3) + xp.abs(t4)
        return kl, size + floors

    def stable(kp: Array, tp: Array, kq: Array, tq: Array) -> Array:
        dk = kq - kp
        t_mean = kl_div(kq, kp * (tp / tq), xp, diff=kp * ((tp - tq) / tq) - dk)
        if known_false(xp.any(dk != 0), xp):  # equal shapes (Exponential, ...): R = 0
            return clamp0(t_mean, xp)
        return clamp0(t_mean + lgamma_bregman_rest(kp, kq, xp, diff=dk), xp)

    params = (p._shape(), p._scale(), q._shape(), q._scale())
    return closed_form(textbook, stable, params, xp)


def _kl_exponential(tp: Array, tq: Array, xp: Namespace) -> Array:
    """``r - 1 - log r``, ``r = θ_p / θ_q``: as written, and as ``kl_div(θ_q, θ_p) / θ_q`` where
    that cancels (`closed_form`; the sum of the terms' magnitudes as in `scale_textbook`)."""

    def textbook(tp: Array, tq: Array) -> tuple[Array, Array]:
        r = tp / tq
        kl = (r - 1.0) - xp.log(r)
        return kl, kl + 2.0 * xp.clip(r, min=1.0)

    def stable(tp: Array, tq: Array) -> Array:
        return kl_div(tq, tp, xp) / tq

    return closed_form(textbook, stable, (tp, tq), xp)
