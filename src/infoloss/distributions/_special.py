"""Special functions and small helpers shared by the families, for any array namespace.

The array API standard has no ``lgamma`` or ``digamma``: these dispatch on the namespace
(``scipy.special`` for NumPy, ``torch.special`` for PyTorch, keeping autograd,
``jax.scipy.special`` for JAX, ``cupyx.scipy.special`` for CuPy, and a NumPy round trip for any
other library, e.g. array_api_strict).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import array_api_compat
import numpy as np

from .._array_api import Array, Namespace

__all__ = ["clamp0", "inf_like", "special"]


def special(name: str, xp: Namespace) -> Callable[..., Array]:
    """``scipy.special.<name>`` for the arrays of ``xp`` (gammaln, digamma, i0e, erfc, ...)."""
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

    def round_trip(*args: Any) -> Array:  # e.g. array_api_strict: no autograd to keep
        x = args[-1]
        vals = [a if isinstance(a, int | float) else np.from_dlpack(a) for a in args]
        return xp.asarray(sfn(*vals), device=array_api_compat.device(x))

    return round_trip


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
