"""The Normal (Gaussian) family, and the scale part ``r - 1 - log r`` of its KL divergence
(shared with the LogNormal, HalfNormal, Rayleigh and diagonal multivariate normal laws)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._core import Array, Namespace, clamp0, register_kl
from ._base import LocationScale
from ._elementary import kl_div
from ._scipy import scipy_name
from ._stable import closed_form

__all__ = ["Normal", "scale_kl", "scale_term", "scale_textbook"]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


class Normal(LocationScale):
    r"""Normal distribution :math:`N(\mu, \sigma^2)`, as ``scipy.stats.norm(loc, scale)``.

    Parameters
    ----------
    loc : array_like, default 0
        Mean :math:`\mu`.
    scale : array_like, default 1
        Standard deviation :math:`\sigma > 0`.
    validate : bool, default True
        Check the parameters (``scale > 0``, finite ``loc``).

    Notes
    -----
    .. math:: \log p(x) = -\frac{(x - \mu)^2}{2\sigma^2} - \log \sigma - \tfrac12 \log 2\pi,
              \qquad H = \tfrac12 \log(2 \pi e \sigma^2).

    Examples
    --------
    >>> from scipy import stats
    >>> from infoloss import Normal, entropy
    >>> bool(abs(float(entropy(Normal(0, 2))) - stats.norm(0, 2).entropy()) < 1e-12)
    True
    """

    def log_prob(self, x: Any) -> Array:
        z = self._z(x)
        return -0.5 * z * z - self.xp.log(self.scale) - _LOG_SQRT_2PI

    @property
    def mean(self) -> Array:
        return self.loc + self.xp.zeros_like(self.scale)

    @property
    def variance(self) -> Array:
        return self.scale * self.scale + self.xp.zeros_like(self.loc)

    def entropy(self) -> Array:
        return 0.5 + _LOG_SQRT_2PI + self.xp.log(self.scale) + self.xp.zeros_like(self.loc)

    def _sample(
        self, shape: tuple[int, ...], rng: np.random.Generator, v: dict[str, Any]
    ) -> np.ndarray[Any, Any]:
        return rng.normal(v["loc"], v["scale"], size=shape)


@scipy_name("norm")
def _from_scipy(params: dict[str, Any]) -> Normal:
    return Normal(params["loc"], params["scale"])


@register_kl(Normal, Normal)
def _kl_normal_normal(p: Normal, q: Normal) -> Array:
    # KL = 1/2 (r - 1 - log r + ((mu_p - mu_q) / sigma_q)^2), r = (sigma_p / sigma_q)^2
    # (e.g. Bishop, Pattern Recognition and Machine Learning, 2006, ex. 1.30), evaluated as
    # written first (`closed_form`); where r - 1 - log r cancels (r near 1 and a small mean
    # term), from `scale_term` instead
    xp = p.xp

    def textbook(mp: Array, sp: Array, mq: Array, sq: Array) -> tuple[Array, Array]:
        t1, big = scale_textbook(sp, sq, xp)
        kl = 0.5 * (t1 + ((mp - mq) / sq) ** 2)
        return kl, kl + big  # the terms' magnitudes: see `scale_textbook`

    def stable(mp: Array, sp: Array, mq: Array, sq: Array) -> Array:
        return clamp0(0.5 * (scale_term(sp, sq, xp) + ((mp - mq) / sq) ** 2), xp)

    return closed_form(textbook, stable, (p.loc, p.scale, q.loc, q.scale), xp)


# ------------------------------------------------------------ the scale part of the KL
def scale_textbook(sp: Array, sq: Array, xp: Namespace) -> tuple[Array, Array]:
    """``r - 1 - log r`` (>= 0) for ``r = (sp / sq)²`` as written, and ``max(1, r)``: the sum of
    the magnitudes of its terms is ``r + 1 + |log r| <= (r - 1 - log r) + 2 max(1, r)`` (as
    ``1 + log r <= r``), a bound for `closed_form` in two operations instead of four.
    `scale_term` is the same without cancellation near ``r = 1``."""
    r = (sp / sq) ** 2
    return (r - 1.0) - xp.log(r), xp.clip(r, min=1.0)


def scale_kl(sp: Array, sq: Array, xp: Namespace, *, factor: float) -> Array:
    """``factor (r - 1 - log r)``, ``r = (sp / sq)²`` (the KL of the HalfNormal and Rayleigh
    families): as written, and from `scale_term` where that cancels (`closed_form`)."""

    def textbook(sp: Array, sq: Array) -> tuple[Array, Array]:
        # with w = (sp - sq) / sq: r - 1 = w (2 + w) and log r = 2 log1p(w), each within a few
        # ulps (log1p's argument near -1 aside: its error 2 |w| / (1 + w) ulps is below
        # 2 |sp - sq| / sp), so only the difference cancels, by a first-order factor
        diff = sp - sq
        w = diff / sq
        t_r, t_log = w * (2.0 + w), 2.0 * xp.log1p(w)
        size = xp.abs(t_r + t_log) + 4.0 * (xp.abs(diff) / sp)
        return factor * (t_r - t_log), factor * size

    def stable(sp: Array, sq: Array) -> Array:
        return factor * scale_term(sp, sq, xp)

    return closed_form(textbook, stable, (sp, sq), xp)


def scale_term(sp: Array, sq: Array, xp: Namespace) -> Array:
    """``r - 1 - log r`` (>= 0) for ``r = (sp / sq)²``: twice the KL divergence between zero-mean
    normals of scales ``sp`` and ``sq``. With ``d = (sp - sq) / sq`` it is
    ``d² + 2 (d - log1p(d)) = d² + 2 kl_div(sq, sp) / sq``: two non-negative terms."""
    d = (sp - sq) / sq
    return d * d + 2.0 * kl_div(sq, sp, xp, diff=sp - sq) / sq
