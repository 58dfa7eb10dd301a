"""Families with a shape parameter: Weibull, Pareto, StudentT, VonMises.

Also the special functions they need (log-gamma, digamma, exponentially scaled Bessel
functions), dispatched on the array namespace so that they keep PyTorch's autograd and JAX's
tracing: the array API standard has none of them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._core import Array, Namespace, digamma, i0e, lgamma
from ._base import Distribution, positive, real
from ._bregman import one_minus_bessel_ratio
from ._scipy import require_loc_zero, scipy_name

__all__ = ["Pareto", "StudentT", "VonMises", "Weibull"]

EULER_GAMMA = 0.57721566490153286061  # the Euler-Mascheroni constant
_LOG_2PI = math.log(2 * math.pi)


# ------------------------------------------------------------------------ special functions


def _gamma_fn(x: Array, xp: Namespace) -> Array:
    """The Gamma function for ``x > 0``."""
    return xp.exp(lgamma(x, xp))


def _masked(inside: Array, lp: Array, xp: Namespace) -> Array:
    """``lp`` where ``inside``, -inf elsewhere."""
    return xp.where(inside, lp, xp.full_like(lp, -math.inf))


# ---------------------------------------------------------------------------------- Weibull
class Weibull(Distribution):
    r"""Weibull distribution, as ``scipy.stats.weibull_min(c, scale=scale)``.

    Parameters
    ----------
    c : array_like
        Shape :math:`k > 0`.
    scale : array_like, default 1
        Scale :math:`\lambda > 0`.
    validate : bool, default True
        Check the parameters.

    Notes
    -----
    .. math:: \log p(x) = \log\frac{k}{\lambda} + (k - 1)\log\frac{x}{\lambda}
              - \left(\frac{x}{\lambda}\right)^k \ (x \ge 0), \qquad
              H = \gamma\left(1 - \tfrac1k\right) + \log\frac{\lambda}{k} + 1.

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import Weibull
    >>> bool(abs(float(Weibull(2.0, 3.0).entropy()) - stats.weibull_min(2, scale=3).entropy())
    ...      < 1e-12)
    True
    """

    params = {"c": positive, "scale": positive}  # noqa: RUF012 - class-level constants
    c: Array
    scale: Array

    def __init__(self, c: Any, scale: Any = 1.0, *, validate: bool = True) -> None:
        self._init({"c": c, "scale": scale}, validate=validate)

    def log_prob(self, x: Any) -> Array:
        xp, x = self.xp, self._x(x)
        inside = x > 0
        z = xp.where(inside, x, xp.ones_like(x)) / self.scale
        log_c_scale = xp.log(self.c) - xp.log(self.scale)
        lp = log_c_scale + (self.c - 1.0) * xp.log(z) - z**self.c
        # at x = 0 the density is +inf (c < 1), c / scale (c = 1) or 0 (c > 1)
        inf = xp.full_like(lp, math.inf)
        at0 = xp.where(self.c < 1, inf, xp.where(self.c == 1, log_c_scale + 0 * lp, -inf))
        return xp.where(inside, lp, xp.where(x == 0, at0, -inf))

    @property
    def mean(self) -> Array:
        return self.scale * _gamma_fn(1.0 + 1.0 / self.c, self.xp)

    @property
    def variance(self) -> Array:
        xp = self.xp
        g1, g2 = _gamma_fn(1.0 + 1.0 / self.c, xp), _gamma_fn(1.0 + 2.0 / self.c, xp)
        return self.scale**2 * (g2 - g1 * g1)

    def entropy(self) -> Array:
        return EULER_GAMMA * (1.0 - 1.0 / self.c) + self.xp.log(self.scale / self.c) + 1.0

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return np.asarray(v["scale"] * rng.weibull(v["c"], size=shape))


@scipy_name("weibull_min")
def _weibull_from_scipy(params: dict[str, Any]) -> Weibull:
    require_loc_zero("weibull_min", params)
    return Weibull(params["c"], params["scale"])


# ----------------------------------------------------------------------------------- Pareto
class Pareto(Distribution):
    r"""Pareto distribution, as ``scipy.stats.pareto(b, scale=scale)``: support ``x >= scale``.

    Parameters
    ----------
    b : array_like
        Shape (tail index) :math:`b > 0`.
    scale : array_like, default 1
        Scale :math:`s > 0`, the lower end of the support.
    validate : bool, default True
        Check the parameters.

    Notes
    -----
    .. math:: \log p(x) = \log b + b \log s - (b + 1) \log x \ (x \ge s), \qquad
              H = \log\frac{s}{b} + \frac1b + 1.

    The mean is +inf for ``b <= 1`` and the variance +inf for ``b <= 2``, as in SciPy.

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import Pareto
    >>> bool(abs(float(Pareto(3.0, 2.0).entropy()) - stats.pareto(3, scale=2).entropy()) < 1e-12)
    True
    """

    params = {"b": positive, "scale": positive}  # noqa: RUF012 - class-level constants
    b: Array
    scale: Array

    def __init__(self, b: Any, scale: Any = 1.0, *, validate: bool = True) -> None:
        self._init({"b": b, "scale": scale}, validate=validate)

    def log_prob(self, x: Any) -> Array:
        xp, x = self.xp, self._x(x)
        inside = x >= self.scale
        xs = xp.where(inside, x, self.scale)
        lp = xp.log(self.b) + self.b * xp.log(self.scale) - (self.b + 1.0) * xp.log(xs)
        return _masked(inside, lp, xp)

    @property
    def mean(self) -> Array:
        xp, b = self.xp, self.b
        ok = b > 1
        bs = xp.where(ok, b, xp.full_like(b, 2.0))  # safe branch: finite gradients
        return xp.where(ok, bs * self.scale / (bs - 1.0), xp.full_like(b, math.inf))

    @property
    def variance(self) -> Array:
        xp, b = self.xp, self.b
        ok = b > 2
        bs = xp.where(ok, b, xp.full_like(b, 3.0))
        var = self.scale**2 * bs / ((bs - 1.0) ** 2 * (bs - 2.0))
        return xp.where(ok, var, xp.full_like(b, math.inf))

    def entropy(self) -> Array:
        return self.xp.log(self.scale / self.b) + 1.0 / self.b + 1.0

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return np.asarray(v["scale"] * (1.0 + rng.pareto(v["b"], size=shape)))  # NumPy draws Lomax


@scipy_name("pareto")
def _pareto_from_scipy(params: dict[str, Any]) -> Pareto:
    require_loc_zero("pareto", params)
    return Pareto(params["b"], params["scale"])


# --------------------------------------------------------------------------------- StudentT
class StudentT(Distribution):
    r"""Student's t distribution, as ``scipy.stats.t(df, loc, scale)``.

    Parameters
    ----------
    df : array_like
        Degrees of freedom :math:`\nu > 0`.
    loc, scale : array_like, default 0 and 1
        Location and scale :math:`s > 0`.
    validate : bool, default True
        Check the parameters.

    Notes
    -----
    .. math:: \log p(x) = \log\Gamma\tfrac{\nu+1}{2} - \log\Gamma\tfrac{\nu}{2}
              - \tfrac12\log(\nu\pi) - \log s
              - \tfrac{\nu+1}{2}\log\left(1 + \tfrac{z^2}{\nu}\right),
    .. math:: H = \tfrac{\nu+1}{2}\left[\psi\left(\tfrac{\nu+1}{2}\right)
              - \psi\left(\tfrac{\nu}{2}\right)\right]
              + \log\left(\sqrt\nu\, B\left(\tfrac\nu2, \tfrac12\right)\right) + \log s.

    The mean is NaN (undefined, as in PyTorch; SciPy says +inf) for ``df <= 1``; the variance
    is +inf for ``1 < df <= 2`` and NaN for ``df <= 1``, as in SciPy. There is no closed-form
    KL: use ``method="mc"``.

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import StudentT
    >>> bool(abs(float(StudentT(3.0, 1.0, 2.0).entropy()) - stats.t(3, 1, 2).entropy()) < 1e-12)
    True
    """

    params = {"df": positive, "loc": real, "scale": positive}  # noqa: RUF012
    df: Array
    loc: Array
    scale: Array

    def __init__(
        self, df: Any, loc: Any = 0.0, scale: Any = 1.0, *, validate: bool = True
    ) -> None:
        self._init({"df": df, "loc": loc, "scale": scale}, validate=validate)

    def log_prob(self, x: Any) -> Array:
        xp, nu = self.xp, self.df
        z = (self._x(x) - self.loc) / self.scale
        norm = lgamma(0.5 * (nu + 1.0), xp) - lgamma(0.5 * nu, xp)
        norm = norm - 0.5 * xp.log(nu * math.pi) - xp.log(self.scale)
        return norm - 0.5 * (nu + 1.0) * xp.log1p(z * z / nu)

    @property
    def mean(self) -> Array:
        xp = self.xp
        return xp.where(self.df > 1, self.loc, xp.full_like(self.loc, math.nan))

    @property
    def variance(self) -> Array:
        xp, nu = self.xp, self.df
        ok = nu > 2
        nus = xp.where(ok, nu, xp.full_like(nu, 3.0))
        var = self.scale**2 * nus / (nus - 2.0)
        undefined = xp.where(nu > 1, xp.full_like(nu, math.inf), xp.full_like(nu, math.nan))
        return xp.where(ok, var, undefined)

    def entropy(self) -> Array:
        xp, nu = self.xp, self.df
        half_nu, half_nu1 = 0.5 * nu, 0.5 * (nu + 1.0)
        t1 = half_nu1 * (digamma(half_nu1, xp) - digamma(half_nu, xp))
        log_beta = lgamma(half_nu, xp) + 0.5 * math.log(math.pi) - lgamma(half_nu1, xp)
        t2 = 0.5 * xp.log(nu) + log_beta
        return t1 + t2 + xp.log(self.scale) + xp.zeros_like(self.loc)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return np.asarray(v["loc"] + v["scale"] * rng.standard_t(v["df"], size=shape))


@scipy_name("t")
def _studentt_from_scipy(params: dict[str, Any]) -> StudentT:
    return StudentT(params["df"], params["loc"], params["scale"])


# --------------------------------------------------------------------------------- VonMises
class VonMises(Distribution):
    r"""Von Mises distribution on the circle, as ``scipy.stats.vonmises(kappa, loc)``.

    Parameters
    ----------
    kappa : array_like
        Concentration :math:`\kappa > 0`.
    loc : array_like, default 0
        Mean direction :math:`\mu`.
    validate : bool, default True
        Check the parameters.

    Notes
    -----
    .. math:: \log p(x) = \kappa \cos(x - \mu) - \log(2\pi I_0(\kappa)), \qquad
              H = \log(2\pi I_0(\kappa)) - \kappa \frac{I_1(\kappa)}{I_0(\kappa)}.

    The density is that of an angle: `log_prob` is :math:`2\pi`-periodic in ``x`` and draws
    lie in :math:`[\mu - \pi, \mu + \pi)` as SciPy's. `variance` is the circular variance
    :math:`1 - I_1(\kappa)/I_0(\kappa) = 1 - E\cos(x - \mu)` (as in PyTorch), not the variance
    of the angle on a line. Bessel functions are evaluated exponentially scaled (``i0e``,
    ``i1e``), which stays finite for large :math:`\kappa`.

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import VonMises
    >>> bool(abs(float(VonMises(2.0).entropy()) - stats.vonmises(2.0).entropy()) < 1e-10)
    True
    """

    params = {"kappa": positive, "loc": real}  # noqa: RUF012 - class-level constants
    kappa: Array
    loc: Array

    def __init__(self, kappa: Any, loc: Any = 0.0, *, validate: bool = True) -> None:
        self._init({"kappa": kappa, "loc": loc}, validate=validate)

    def _log_norm(self) -> Array:
        """log(2 pi I0(kappa)), from the scaled i0e(k) = exp(-k) I0(k)."""
        return _LOG_2PI + self.xp.log(i0e(self.kappa, self.xp)) + self.kappa

    def log_prob(self, x: Any) -> Array:
        xp = self.xp
        return self.kappa * xp.cos(self._x(x) - self.loc) - self._log_norm()

    @property
    def mean(self) -> Array:
        return self.loc + self.xp.zeros_like(self.kappa)

    @property
    def variance(self) -> Array:
        return one_minus_bessel_ratio(self.kappa, self.xp) + self.xp.zeros_like(self.loc)

    def entropy(self) -> Array:
        # log(2 pi I0) - kappa A = log(2 pi i0e) + kappa (1 - A), A = I1 / I0: no cancellation
        xp, k = self.xp, self.kappa
        h = _LOG_2PI + xp.log(i0e(k, xp)) + k * one_minus_bessel_ratio(k, xp)
        return h + xp.zeros_like(self.loc)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        kappa = np.broadcast_to(v["kappa"], shape)
        return np.asarray(v["loc"] + rng.vonmises(0.0, kappa, size=shape))


@scipy_name("vonmises", "vonmises_line")
def _vonmises_from_scipy(params: dict[str, Any]) -> VonMises:
    if np.any(np.asarray(params.get("scale", 1.0)) != 1):
        msg = (
            f"scipy.stats.vonmises with scale != 1 (found scale={params['scale']!r}) has no "
            "infoloss equivalent: VonMises has no scale parameter"
        )
        raise ValueError(msg)
    return VonMises(params["kappa"], params["loc"])
