"""Location-scale and scale families: Cauchy, Gumbel, Logistic, HalfNormal, Rayleigh.

Also the KL pairs between these and the shape families of `_shape` (Weibull, Pareto,
StudentT): Rayleigh–Weibull in closed form, and +inf where P's support is not inside Q's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._core import Array, clamp0, inf_like, lgamma, register_kl
from ._base import LocationScale, Scale
from ._bregman import lgamma_bregman
from ._elementary import expm1mx, kl_div
from ._normal import scale_kl
from ._scipy import require_loc_zero, scipy_name
from ._shape import EULER_GAMMA, Pareto, StudentT, Weibull, _masked
from ._shape_kl import _kl_weibull_weibull
from ._stable import closed_form

__all__ = ["Cauchy", "Gumbel", "HalfNormal", "Logistic", "Rayleigh"]

_LOG_PI = math.log(math.pi)


# ----------------------------------------------------------------------------------- Cauchy
class Cauchy(LocationScale):
    r"""Cauchy distribution, as ``scipy.stats.cauchy(loc, scale)``.

    Parameters
    ----------
    loc : array_like, default 0
        Location (median) :math:`m`.
    scale : array_like, default 1
        Half width at half maximum :math:`\gamma > 0`.
    validate : bool, default True
        Check the parameters.

    Notes
    -----
    .. math:: \log p(x) = -\log\pi - \log\gamma - \log\left(1 + \frac{(x - m)^2}{\gamma^2}\right),
              \qquad H = \log(4\pi\gamma).

    The mean and variance are undefined: NaN, as in SciPy.

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import Cauchy
    >>> bool(abs(float(Cauchy(1.0, 2.0).entropy()) - stats.cauchy(1, 2).entropy()) < 1e-12)
    True
    """

    def log_prob(self, x: Any) -> Array:
        z = self._z(x)
        return -_LOG_PI - self.xp.log(self.scale) - self.xp.log1p(z * z)

    @property
    def mean(self) -> Array:
        return self.xp.full_like(self.loc, math.nan)

    @property
    def variance(self) -> Array:
        return self.xp.full_like(self.loc, math.nan)

    def entropy(self) -> Array:
        return math.log(4 * math.pi) + self.xp.log(self.scale) + self.xp.zeros_like(self.loc)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return np.asarray(v["loc"] + v["scale"] * rng.standard_cauchy(size=shape))


@scipy_name("cauchy")
def _cauchy_from_scipy(params: dict[str, Any]) -> Cauchy:
    return Cauchy(params["loc"], params["scale"])


@register_kl(Cauchy, Cauchy)
def _kl_cauchy_cauchy(p: Cauchy, q: Cauchy) -> Array:
    # F. Chyzak and F. Nielsen, "A closed-form formula for the Kullback-Leibler divergence
    # between Cauchy distributions", arXiv:1905.10965 (2019):
    # KL = log((g_p + g_q)^2 + (m_p - m_q)^2) - log(4 g_p g_q)
    #    = log1p(((g_p - g_q)^2 + (m_p - m_q)^2) / (4 g_p g_q)), as log1p of a sum of squares
    # (no cancellation near p == q), each scaled by g_q first (no overflow for large scales).
    xp = p.xp
    t1 = ((p.scale - q.scale) / q.scale) ** 2
    t2 = ((p.loc - q.loc) / q.scale) ** 2
    return clamp0(xp.log1p((t1 + t2) * (0.25 * q.scale / p.scale)), xp)


# ----------------------------------------------------------------------------------- Gumbel
class Gumbel(LocationScale):
    r"""Gumbel (maximum) distribution, as ``scipy.stats.gumbel_r(loc, scale)``.

    Parameters
    ----------
    loc : array_like, default 0
        Location (mode) :math:`\mu`.
    scale : array_like, default 1
        Scale :math:`\beta > 0`.
    validate : bool, default True
        Check the parameters.

    Notes
    -----
    .. math:: \log p(x) = -\log\beta - z - e^{-z}, \quad z = \frac{x - \mu}{\beta}, \qquad
              H = \log\beta + \gamma + 1.

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import Gumbel
    >>> bool(abs(float(Gumbel(1.0, 2.0).entropy()) - stats.gumbel_r(1, 2).entropy()) < 1e-12)
    True
    """

    def log_prob(self, x: Any) -> Array:
        z = self._z(x)
        return -self.xp.log(self.scale) - z - self.xp.exp(-z)

    @property
    def mean(self) -> Array:
        return self.loc + EULER_GAMMA * self.scale

    @property
    def variance(self) -> Array:
        return math.pi**2 / 6 * self.scale**2 + self.xp.zeros_like(self.loc)

    def entropy(self) -> Array:
        return self.xp.log(self.scale) + EULER_GAMMA + 1.0 + self.xp.zeros_like(self.loc)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.gumbel(v["loc"], v["scale"], size=shape)


@scipy_name("gumbel_r")
def _gumbel_from_scipy(params: dict[str, Any]) -> Gumbel:
    return Gumbel(params["loc"], params["scale"])


@register_kl(Gumbel, Gumbel)
def _kl_gumbel_gumbel(p: Gumbel, q: Gumbel) -> Array:
    # Derived with z = (x - mu_p) / b_p standard Gumbel: E[z] = gamma, E[exp(-t z)] =
    # Gamma(1 + t) (exp(-z) ~ Exponential(1)). With r = b_p / b_q:
    # KL = log(1 / r) - gamma - 1 + (mu_p - mu_q) / b_q + gamma r
    #      + exp((mu_q - mu_p) / b_q) Gamma(1 + r)   (the same formula as torch's kl.py),
    # evaluated first (`closed_form`). Near p == q its terms cancel; with e = r - 1,
    # log Gamma(2 + e) = (1 - gamma) e + D (D = `lgamma_bregman(2, 2 + e)`, psi(2) = 1 - gamma)
    # and X = -d + (1 - gamma) e + D it is KL = (exp(X) - 1 - X) + (e - log1p(e)) + D: three
    # terms >= 0, none cancelling.
    xp = p.xp

    def textbook(mp: Array, bp: Array, mq: Array, bq: Array) -> tuple[Array, Array]:
        r = bp / bq
        d = (mp - mq) / bq
        log_r, lg = xp.log(r), lgamma(1.0 + r, xp)
        t_exp = xp.exp(lg - d)
        kl = ((EULER_GAMMA * r - log_r) + d) + (t_exp - (EULER_GAMMA + 1.0))
        # exp's argument is off by |d| + |lg| + 1 (log Γ near 2) + (1 + r) ψ(1 + r) ulps
        arg = xp.abs(d) + xp.abs(lg) + (1.0 + r) * (EULER_GAMMA + r) + 2.0
        return kl, (xp.abs(log_r) + xp.abs(d)) + (EULER_GAMMA * r + t_exp * arg) + 3.0

    def stable(mp: Array, bp: Array, mq: Array, bq: Array) -> Array:
        e = (bp - bq) / bq
        d = (mp - mq) / bq
        t_gamma = lgamma_bregman(2.0 + xp.zeros_like(e), 2.0 + e, xp, diff=e)
        t_exp = expm1mx(-d + (1.0 - EULER_GAMMA) * e + t_gamma, xp)
        t_scale = kl_div(bq, bp, xp) / bq  # e - log1p(e)
        return clamp0(t_exp + t_scale + t_gamma, xp)

    return closed_form(textbook, stable, (p.loc, p.scale, q.loc, q.scale), xp)


# --------------------------------------------------------------------------------- Logistic
class Logistic(LocationScale):
    r"""Logistic distribution, as ``scipy.stats.logistic(loc, scale)``.

    Parameters
    ----------
    loc : array_like, default 0
        Location (mean) :math:`\mu`.
    scale : array_like, default 1
        Scale :math:`s > 0`.
    validate : bool, default True
        Check the parameters.

    Notes
    -----
    .. math:: \log p(x) = -\log s - |z| - 2\log(1 + e^{-|z|}), \quad z = \frac{x - \mu}{s},
              \qquad H = \log s + 2.

    No closed-form KL between two logistic distributions is registered: use ``method="mc"``.

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import Logistic
    >>> bool(abs(float(Logistic(1.0, 2.0).entropy()) - stats.logistic(1, 2).entropy()) < 1e-12)
    True
    """

    def log_prob(self, x: Any) -> Array:
        xp = self.xp
        a = xp.abs(self._z(x))  # the density is symmetric in z
        return -xp.log(self.scale) - a - 2.0 * xp.log1p(xp.exp(-a))

    @property
    def mean(self) -> Array:
        return self.loc + self.xp.zeros_like(self.scale)

    @property
    def variance(self) -> Array:
        return math.pi**2 / 3 * self.scale**2 + self.xp.zeros_like(self.loc)

    def entropy(self) -> Array:
        return self.xp.log(self.scale) + 2.0 + self.xp.zeros_like(self.loc)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.logistic(v["loc"], v["scale"], size=shape)


@scipy_name("logistic")
def _logistic_from_scipy(params: dict[str, Any]) -> Logistic:
    return Logistic(params["loc"], params["scale"])


# ------------------------------------------------------------------------------- HalfNormal
class HalfNormal(Scale):
    r"""Half-normal distribution :math:`|N(0, \sigma^2)|`, as ``scipy.stats.halfnorm(scale=...)``.

    Parameters
    ----------
    scale : array_like, default 1
        Scale :math:`\sigma > 0`.
    validate : bool, default True
        Check the parameters.

    Notes
    -----
    .. math:: \log p(x) = \tfrac12\log\tfrac{2}{\pi} - \log\sigma - \frac{x^2}{2\sigma^2}
              \ (x \ge 0), \qquad H = \tfrac12\log\frac{\pi e \sigma^2}{2}.

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import HalfNormal
    >>> bool(abs(float(HalfNormal(2.0).entropy()) - stats.halfnorm(scale=2).entropy()) < 1e-12)
    True
    """

    def log_prob(self, x: Any) -> Array:
        xp, x = self.xp, self._x(x)
        inside = x >= 0
        z = xp.where(inside, x, xp.zeros_like(x)) / self.scale
        lp = 0.5 * math.log(2 / math.pi) - xp.log(self.scale) - 0.5 * z * z
        return _masked(inside, lp, xp)

    @property
    def mean(self) -> Array:
        return math.sqrt(2 / math.pi) * self.scale

    @property
    def variance(self) -> Array:
        return (1.0 - 2 / math.pi) * self.scale**2

    def entropy(self) -> Array:
        return 0.5 * math.log(math.pi / 2) + 0.5 + self.xp.log(self.scale)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return np.asarray(v["scale"] * np.abs(rng.standard_normal(size=shape)))


@scipy_name("halfnorm")
def _halfnormal_from_scipy(params: dict[str, Any]) -> HalfNormal:
    require_loc_zero("halfnorm", params)
    return HalfNormal(params["scale"])


@register_kl(HalfNormal, HalfNormal)
def _kl_halfnormal_halfnormal(p: HalfNormal, q: HalfNormal) -> Array:
    # Both are Normal(0, sigma) folded at 0, so the KL is that of the Normals with loc 0
    # (Bishop, PRML, 2006, ex. 1.30): KL = 1/2 (r - 1 - log r), r = (sigma_p / sigma_q)^2
    # (`scale_kl`: as written, and from `scale_term` where that cancels near r = 1).
    return scale_kl(p.scale, q.scale, p.xp, factor=0.5)


# --------------------------------------------------------------------------------- Rayleigh
class Rayleigh(Scale):
    r"""Rayleigh distribution, as ``scipy.stats.rayleigh(scale=...)``.

    Parameters
    ----------
    scale : array_like, default 1
        Scale :math:`\sigma > 0`.
    validate : bool, default True
        Check the parameters.

    Notes
    -----
    .. math:: \log p(x) = \log x - 2\log\sigma - \frac{x^2}{2\sigma^2} \ (x \ge 0), \qquad
              H = 1 + \log\frac{\sigma}{\sqrt2} + \frac{\gamma}{2}.

    Rayleigh(sigma) is Weibull(2, sigma sqrt(2)).

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import Rayleigh
    >>> bool(abs(float(Rayleigh(2.0).entropy()) - stats.rayleigh(scale=2).entropy()) < 1e-12)
    True
    """

    def log_prob(self, x: Any) -> Array:
        xp, x = self.xp, self._x(x)
        inside = x > 0  # the density is 0 at x = 0 too
        xs = xp.where(inside, x, xp.ones_like(x))
        z = xs / self.scale
        lp = xp.log(xs) - 2.0 * xp.log(self.scale) - 0.5 * z * z
        return _masked(inside, lp, xp)

    @property
    def mean(self) -> Array:
        return math.sqrt(math.pi / 2) * self.scale

    @property
    def variance(self) -> Array:
        return (4.0 - math.pi) / 2 * self.scale**2

    def entropy(self) -> Array:
        return 1.0 + self.xp.log(self.scale) - 0.5 * math.log(2) + 0.5 * EULER_GAMMA

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.rayleigh(v["scale"], size=shape)

    def _as_weibull(self) -> Weibull:
        two = 2.0 + self.xp.zeros_like(self.scale)
        return Weibull(two, self.scale * math.sqrt(2), validate=False)


@scipy_name("rayleigh")
def _rayleigh_from_scipy(params: dict[str, Any]) -> Rayleigh:
    require_loc_zero("rayleigh", params)
    return Rayleigh(params["scale"])


@register_kl(Rayleigh, Rayleigh)
def _kl_rayleigh_rayleigh(p: Rayleigh, q: Rayleigh) -> Array:
    # Derived from E_p[x^2] = 2 sigma_p^2 (the log x terms cancel):
    # KL = 2 log(sigma_q / sigma_p) + sigma_p^2 / sigma_q^2 - 1, i.e. r - 1 - log r with
    # r = (sigma_p / sigma_q)^2 (`scale_kl`: from `scale_term` where it cancels near r = 1).
    return scale_kl(p.scale, q.scale, p.xp, factor=1.0)


@register_kl(Rayleigh, Weibull)
def _kl_rayleigh_weibull(p: Rayleigh, q: Weibull) -> Array:
    # Rayleigh(sigma) = Weibull(2, sigma sqrt 2): Bauckhage's Weibull-Weibull formula.
    return _kl_weibull_weibull(p._as_weibull(), q)


@register_kl(Weibull, Rayleigh)
def _kl_weibull_rayleigh(p: Weibull, q: Rayleigh) -> Array:
    return _kl_weibull_weibull(p, q._as_weibull())


# Support mismatch: P's support is not inside Q's, so KL(P||Q) = +inf.
_REAL_LINE = (Cauchy, Gumbel, Logistic, StudentT)  # support: all of R
_HALF_LINE = (HalfNormal, Rayleigh, Weibull)  # support: [0, inf)
_INF_PAIRS = [(p, q) for p in _REAL_LINE for q in (*_HALF_LINE, Pareto)] + [
    (p, Pareto)
    for p in _HALF_LINE  # Pareto's support is [scale, inf)
]
for _p, _q in _INF_PAIRS:
    register_kl(_p, _q)(inf_like)
