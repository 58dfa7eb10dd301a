"""`Estimate`: a value that came from sampling, with its standard error and its route."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._array_api import Array

__all__ = ["Estimate"]


class Estimate:
    """A Monte Carlo (or other statistical) estimate of an information measure.

    Converts with ``float()`` (when it holds one value) and ``np.asarray``; ``.value`` is the
    estimate in the inputs' array library, ``.stderr`` its standard error (same shape),
    ``.method`` the route taken and ``.n`` the number of draws.

    Examples
    --------
    >>> from infoloss import Normal, kl_divergence
    >>> est = kl_divergence(Normal(0, 1), Normal(1, 2), method="mc", n=100_000, rng=0)
    >>> exact = float(kl_divergence(Normal(0, 1), Normal(1, 2)))
    >>> abs(float(est) - exact) < 4 * float(est.stderr)
    True
    >>> est.method
    'mc'
    """

    __slots__ = ("method", "n", "stderr", "value")

    def __init__(self, value: Array, stderr: Array, method: str, n: int) -> None:
        self.value, self.stderr, self.method, self.n = value, stderr, method, n

    def __float__(self) -> float:
        return float(_plain(self.value))

    def __format__(self, spec: str) -> str:
        """Format the value like a float: ``f"{est:.3f}"`` (one value only)."""
        if getattr(self.value, "ndim", 0) == 0:
            return format(float(self), spec)
        return format(str(self), spec)

    def interval(self, confidence: float = 0.95) -> tuple[Array, Array]:
        """A two-sided confidence interval ``(low, high)``, by the normal approximation.

        ``value ± z * stderr`` with ``z`` the standard normal quantile of
        ``(1 + confidence) / 2`` (1.96 for 95%): the estimators' sampling distributions are
        asymptotically normal; for small samples read it as a rough guide.

        Examples
        --------
        >>> from infoloss import Normal, entropy
        >>> est = entropy(Normal(0, 1), method="mc", n=10_000, rng=0)
        >>> low, high = est.interval(0.95)
        >>> bool(low < float(entropy(Normal(0, 1))) < high)
        True
        """
        if not (isinstance(confidence, float | int) and 0 < confidence < 1):
            msg = f"`confidence` must be a number in (0, 1); found {confidence!r}"
            raise ValueError(msg)
        from scipy.special import ndtri

        z = float(ndtri(0.5 + confidence / 2))
        return self.value - z * self.stderr, self.value + z * self.stderr

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray[Any, Any]:
        return np.asarray(_plain(self.value), dtype=dtype)

    def __repr__(self) -> str:
        if getattr(self.value, "ndim", 0) == 0:
            body = f"{float(_plain(self.value)):.6g} ± {float(_plain(self.stderr)):.2g}"
        else:
            body = f"shape {tuple(self.value.shape)}"
        return f"Estimate({body}, method={self.method!r}, n={self.n})"


def _plain(v: Any) -> Any:
    """A torch tensor off the autograd graph and the device; anything else as it is."""
    return v.detach().cpu() if hasattr(v, "detach") else v
