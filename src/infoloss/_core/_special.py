"""Special functions and small helpers shared by the families and the losses, for any namespace.

The array API standard has no ``lgamma`` or ``digamma``: `special` dispatches on the namespace
(``scipy.special`` for NumPy, ``torch.special`` for PyTorch, keeping autograd,
``jax.scipy.special`` for JAX, ``cupyx.scipy.special`` for CuPy, and a NumPy round trip for any
other library, e.g. array_api_strict, which has no autograd to keep).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import array_api_compat
import numpy as np

from ._array_api import Array, Namespace

__all__ = [
    "betaln",
    "clamp0",
    "digamma",
    "i0e",
    "i1e",
    "inf_like",
    "lgamma",
    "special",
    "trigamma",
    "xlogy",
]


def special(name: str, xp: Namespace) -> Callable[..., Array]:
    """``scipy.special.<name>`` for the arrays of ``xp`` (gammaln, digamma, i0e, erf, ...)."""
    if array_api_compat.is_torch_namespace(xp):
        import torch

        fn: Callable[..., Array] = getattr(torch.special, name)
        return fn
    if array_api_compat.is_jax_namespace(xp):
        import jax.scipy.special as jsp

        fn = getattr(jsp, name)
        return fn
    from scipy import special as sc

    sfn = getattr(sc, name)
    if array_api_compat.is_numpy_namespace(xp):
        return lambda *args: xp.asarray(sfn(*args))
    if array_api_compat.is_cupy_namespace(xp):  # pragma: no cover - needs a GPU
        import importlib

        fn = getattr(importlib.import_module("cupyx.scipy.special"), name)
        return fn

    def round_trip(*args: Any) -> Array:
        x = args[-1]
        vals = [a if isinstance(a, int | float) else np.asarray(a) for a in args]
        return xp.asarray(sfn(*vals), dtype=x.dtype, device=array_api_compat.device(x))

    return round_trip


def lgamma(x: Array, xp: Namespace) -> Array:
    """``log |Γ(x)|``."""
    return special("gammaln", xp)(x)


def digamma(x: Array, xp: Namespace) -> Array:
    """``ψ(x) = d/dx log Γ(x)``."""
    return special("digamma", xp)(x)


def i0e(x: Array, xp: Namespace) -> Array:
    """Exponentially scaled modified Bessel function ``exp(-|x|) I0(x)``."""
    return special("i0e", xp)(x)


def i1e(x: Array, xp: Namespace) -> Array:
    """Exponentially scaled modified Bessel function ``exp(-|x|) I1(x)``."""
    return special("i1e", xp)(x)


def trigamma(x: Array, xp: Namespace) -> Array:
    """``ψ'(x)``, the derivative of the digamma function."""
    if array_api_compat.is_torch_namespace(xp):
        # torch.polygamma(1, x) is off by up to ~5e-10 (relative) in float64: sum it instead
        return _trigamma_series(x, xp)
    return special("polygamma", xp)(1, x)


def _trigamma_series(x: Array, xp: Namespace) -> Array:
    """ψ'(x) for x > 0 in array-API operations (differentiable by any autograd).

    ψ'(x) = Σ_{k<10} 1/(x+k)² + ψ'(x+10), and for y >= 10 the asymptotic series
    ψ'(y) ~ 1/y + 1/(2y²) + Σ_k B_2k / y^(2k+1) (Abramowitz & Stegun 6.4.12), truncated after
    B_14: the next term is below 1e-17 relative.
    """
    head = xp.zeros_like(x)
    for k in range(10):
        head = head + 1.0 / ((x + k) * (x + k))
    y = x + 10.0
    z = 1.0 / (y * y)
    bern = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)
    tail = xp.zeros_like(x)
    for b in reversed(bern):
        tail = (tail + b) * z
    return head + 1.0 / y + 0.5 * z + tail / y


def betaln(a: Array, b: Array, xp: Namespace) -> Array:
    """``log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a + b)``."""
    return lgamma(a, xp) + lgamma(b, xp) - lgamma(a + b, xp)


def xlogy(c: Array, x: Array, xp: Namespace) -> Array:
    """``c * log(x)`` with ``0 * log 0 = 0`` and ``c * log 0 = -inf * sign(c)``, as SciPy's.

    Written with the "double where", so gradients stay finite at ``x = 0``; ``x < 0`` gives NaN
    (except for ``c = 0``).
    """
    pos = x > 0
    safe = xp.where(pos, x, xp.ones_like(x))
    nan = xp.full_like(c, xp.nan)
    at0 = xp.where(c < 0, xp.full_like(c, xp.inf), nan)  # NaN c stays NaN
    at0 = xp.where(c > 0, xp.full_like(c, -xp.inf), at0)
    at0 = xp.where(c == 0, xp.zeros_like(c), at0)
    out = xp.where(pos, c * xp.log(safe), at0)
    out = xp.where((x < 0) | xp.isnan(x), xp.full_like(out, xp.nan), out)
    return xp.where((c == 0) & ~xp.isnan(x), xp.zeros_like(out), out)  # SciPy: 0 log y = 0


def clamp0(x: Array, xp: Namespace) -> Array:
    """``max(x, 0)`` against round-off below zero (NaN stays NaN); one pass on NumPy."""
    if array_api_compat.is_numpy_namespace(xp):
        return np.maximum(x, 0.0)
    return xp.where(x < 0, xp.zeros_like(x), x)


def inf_like(p: Any, q: Any) -> Array:
    """+inf with the broadcast batch shape of ``p`` and ``q`` (support mismatch)."""
    xp = p.xp
    shape = tuple(np.broadcast_shapes(p.batch_shape, q.batch_shape))
    dtype = xp.result_type(p.dtype, q.dtype)
    return xp.full(shape, xp.inf, dtype=dtype, device=p.device)
