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
        return float(self.value)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray[Any, Any]:
        v = self.value
        if hasattr(v, "detach"):
            v = v.detach().cpu()
        return np.asarray(v, dtype=dtype)

    def __repr__(self) -> str:
        if getattr(self.value, "ndim", 0) == 0:
            body = f"{float(self.value):.6g} ± {float(self.stderr):.2g}"
        else:
            body = f"shape {tuple(self.value.shape)}"
        return f"Estimate({body}, method={self.method!r}, n={self.n})"
