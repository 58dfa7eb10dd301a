"""The Dirichlet distribution on the simplex (``event_ndim = 1``) and its KL."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._core import Array, Namespace, clamp0, digamma, lgamma, register_kl
from ._base import Distribution, positive
from ._bregman import lgamma_bregman_rest
from ._elementary import kl_div
from ._multivariate_base import _event_size
from ._scipy import scipy_name
from ._stable import closed_form

__all__ = ["Dirichlet", "kl_concentrations", "lgamma_sized"]


# -------------------------------------------------------------------------------- Dirichlet
class Dirichlet(Distribution):
    r"""Dirichlet distribution on the simplex, as ``scipy.stats.dirichlet(alpha)``.

    Parameters
    ----------
    alpha : array_like, shape (..., k)
        Concentrations :math:`\alpha_j > 0`; leading dimensions are batch dimensions.
    validate : bool, default True
        Check the parameters (``alpha > 0`` and finite).

    Notes
    -----
    With :math:`\alpha_0 = \sum_j \alpha_j` and
    :math:`\log B(\alpha) = \sum_j \log\Gamma(\alpha_j) - \log\Gamma(\alpha_0)`:

    .. math:: \log p(x) = \sum_j (\alpha_j - 1) \log x_j - \log B(\alpha), \qquad
              H = \log B(\alpha) + (\alpha_0 - k)\psi(\alpha_0)
              - \sum_j (\alpha_j - 1)\psi(\alpha_j).

    ``log_prob`` is ``-inf`` off the simplex (negative entries, or a sum away from 1).

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import Dirichlet
    >>> h = float(Dirichlet([1.0, 2.0, 3.0]).entropy())
    >>> bool(abs(h - stats.dirichlet([1.0, 2.0, 3.0]).entropy()) < 1e-12)
    True
    """

    params = {"alpha": positive}  # noqa: RUF012 - class-level constants
    event_params = {"alpha": 1}  # noqa: RUF012
    event_ndim = 1
    alpha: Array

    def __init__(self, alpha: Any, *, validate: bool = True) -> None:
        self._init({"alpha": alpha}, validate=validate)

    @property
    def event_shape(self) -> tuple[int, ...]:
        return (int(self.alpha.shape[-1]),)

    def _alpha0(self) -> Array:
        return self.xp.sum(self.alpha, axis=-1)

    def _log_beta(self) -> Array:
        xp = self.xp
        return xp.sum(lgamma(self.alpha, xp), axis=-1) - lgamma(self._alpha0(), xp)

    def log_prob(self, x: Any) -> Array:
        xp, a, k = self.xp, self.alpha, self.event_shape[0]
        x = self._x(x)
        if x.ndim < 1 or x.shape[-1] != k:
            msg = f"`x` must have last dimension {k} (the event size); found shape {x.shape}"
            raise ValueError(msg)
        ones = xp.ones_like(x)
        # double where: log(1) = 0 where x_j < 0 (off the support) or 0·log 0 (alpha_j = 1)
        safe = xp.where((x < 0) | ((x == 0) & (a == 1)), ones, x)
        lp = xp.sum((a - 1.0) * xp.log(safe), axis=-1) - self._log_beta()
        tol = max(1e-9, 100 * float(xp.finfo(x.dtype).eps))
        inside = xp.all(x >= 0, axis=-1) & (xp.abs(xp.sum(x, axis=-1) - 1.0) <= tol)
        return xp.where(inside, lp, xp.full_like(lp, -math.inf))

    @property
    def mean(self) -> Array:
        return self.alpha / self._alpha0()[..., None]

    @property
    def variance(self) -> Array:
        a0 = self._alpha0()[..., None]
        return self.alpha * (a0 - self.alpha) / (a0 * a0 * (a0 + 1.0))

    def entropy(self) -> Array:
        xp, a = self.xp, self.alpha
        a0, k = self._alpha0(), self.event_shape[0]
        t_spread = (a0 - k) * digamma(a0, xp)
        t_each = xp.sum((a - 1.0) * digamma(a, xp), axis=-1)
        return self._log_beta() + t_spread - t_each

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        # Gamma(a) = Gamma(a + 1) · U^(1/a) (Marsaglia & Tsang 2000), in log space so that
        # small concentrations do not underflow to 0/0; normalising the gammas gives Dirichlet.
        a = np.broadcast_to(v["alpha"], (*shape, v["alpha"].shape[-1]))
        log_g = np.log(rng.standard_gamma(a + 1.0)) + np.log1p(-rng.random(a.shape)) / a
        log_g -= log_g.max(axis=-1, keepdims=True)
        g = np.exp(log_g)
        out: np.ndarray[Any, Any] = g / g.sum(axis=-1, keepdims=True)
        return out


@scipy_name("dirichlet")
def _dirichlet_from_scipy(params: dict[str, Any]) -> Dirichlet:
    return Dirichlet(np.asarray(params["frozen"].alpha, dtype=float))


@register_kl(Dirichlet, Dirichlet)
def _kl_dirichlet_dirichlet(p: Dirichlet, q: Dirichlet) -> Array:
    # KL = log Γ(a0) - log Γ(b0) + Σ_j [log Γ(b_j) - log Γ(a_j)] + Σ_j (a_j - b_j)(ψ(a_j) - ψ(a0))
    # with a0 = Σ a_j, b0 = Σ b_j (Penny, "KL-divergences of Normal, Gamma, Dirichlet and
    # Wishart densities", 2001, eq. 19): E_p[log x_j] = ψ(a_j) - ψ(a0). Evaluated as written
    # first; where it cancels, without cancellation by `kl_concentrations` (`closed_form`).
    _event_size(p, q, "number of categories")
    xp = p.xp

    def textbook(a: Array, b: Array) -> tuple[Array, Array]:
        a0, b0 = xp.sum(a, axis=-1), xp.sum(b, axis=-1)
        (ga, sa), (gb, sb) = lgamma_sized(a, xp), lgamma_sized(b, xp)
        (ga0, sa0), (gb0, sb0) = lgamma_sized(a0, xp), lgamma_sized(b0, xp)
        psi_a, psi_a0 = digamma(a, xp), digamma(a0, xp)[..., None]
        d = a - b
        t_cross = xp.sum(d * (psi_a - psi_a0), axis=-1)
        kl = ((ga0 - xp.sum(ga, axis=-1)) - (gb0 - xp.sum(gb, axis=-1))) + t_cross
        spread = xp.abs(d) * ((xp.abs(psi_a) + xp.abs(psi_a0)) + 2.0)  # ψ: 1-ulp floors
        size = (sa0 + sb0) + xp.sum((sa + sb) + spread, axis=-1)
        return kl, size

    def stable(a: Array, b: Array) -> Array:
        return kl_concentrations(a, b, xp)

    return closed_form(textbook, stable, (p.alpha, q.alpha), xp, event_ndims=(1, 1))


def lgamma_sized(x: Array, xp: Namespace) -> tuple[Array, Array]:
    """``log Γ(x)`` and its magnitude for `closed_form`: ``|log Γ(x)|``, plus 1 below 2.5,
    where SciPy's ``gammaln`` is off by up to ~3 ulps absolute (it is 0 at 1 and 2)."""
    g = lgamma(x, xp)
    return g, xp.abs(g) + xp.astype(x < 2.5, g.dtype)


def kl_concentrations(a: Array, b: Array, xp: Namespace) -> Array:
    """KL(Dirichlet(a) ‖ Dirichlet(b)) along the last axis, accurate however close ``a`` and ``b``.

    The KL is the Bregman divergence of ``F(a) = Σ_j log Γ(a_j) - log Γ(a0)``: with ``D`` that
    of ``log Γ``, ``KL = Σ_j D(b_j, a_j) - D(b0, a0)``. Each ``D`` is Stirling's part
    ``kl_div(b, a)`` plus ``R`` (`lgamma_bregman_rest`); the Stirling parts, ``x log x - x`` being
    homogeneous of degree 1, add up to ``b0 KL(b / b0 ‖ a / a0) = Σ_j kl_div(b_j, b0 a_j / a0)``
    (two categorical laws, ``b0 a_j / a0 - b_j = a_j δ0 / a0 - δ_j`` with ``δ = b - a``), so

    ``KL = Σ_j kl_div(b_j, b0 a_j / a0) + Σ_j R(a_j, δ_j) - R(a0, δ0)``,

    a first sum of terms >= 0 that is the whole KL for large concentrations (where the
    first-order terms of the textbook formula cancel by a factor ``a0``), and a second of
    relative size ``1 / a0`` whose difference is harmless.
    """
    d = b - a
    a0, b0, d0 = xp.sum(a, axis=-1), xp.sum(b, axis=-1), xp.sum(d, axis=-1)
    frac = a / a0[..., None]
    t_mean = xp.sum(kl_div(b, b0[..., None] * frac, xp, diff=frac * d0[..., None] - d), axis=-1)
    rest = lgamma_bregman_rest(  # the k components and the totals in one call
        xp.concat([a, a0[..., None]], axis=-1),
        xp.concat([b, b0[..., None]], axis=-1),
        xp,
        diff=xp.concat([d, d0[..., None]], axis=-1),
    )
    t_each, t_total = xp.sum(rest[..., :-1], axis=-1), rest[..., -1]
    return clamp0(t_mean + t_each - t_total, xp)
