"""The Normal (Gaussian) family."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._array_api import Array
from .._registry import register_kl
from ._base import LocationScale
from ._scipy import scipy_name
from ._special import clamp0
from ._stable import scale_term

__all__ = ["Normal"]

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
    # (e.g. Bishop, Pattern Recognition and Machine Learning, 2006, ex. 1.30); r - 1 - log r
    # from `scale_term`, without the cancellation of its terms near r = 1
    xp = p.xp
    t1 = scale_term(p.scale, q.scale, xp)
    t2 = ((p.loc - q.loc) / q.scale) ** 2
    return clamp0(0.5 * (t1 + t2), xp)
