"""Array-namespace plumbing: namespace lookup, dtype rules and stable log-space helpers.

Every public function calls :func:`namespace` first and works through the returned ``xp`` only,
so results come back in the caller's array library, on the caller's device, in the caller's
floating dtype.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, TypeAlias

import array_api_compat
import numpy as np

Array: TypeAlias = Any
"""Any array-API array (NumPy, PyTorch, JAX, CuPy, array_api_strict, ...)."""

Namespace: TypeAlias = Any

__all__ = [
    "Array",
    "Namespace",
    "as_float",
    "default_float",
    "is_numpy",
    "log_softmax",
    "logsumexp",
    "namespace",
    "normalize_axis",
    "softplus",
    "to_output",
]


def _is_array(x: object) -> bool:
    return bool(array_api_compat.is_array_api_obj(x))


def namespace(*xs: object, names: Sequence[str]) -> Namespace:
    """The one array namespace of ``xs``; Python lists and scalars count as NumPy.

    Raises a `TypeError` naming the arguments when they come from different libraries.
    """
    arrays = [(name, x) for name, x in zip(names, xs, strict=True) if _is_array(x)]
    if not arrays:
        return array_api_compat.array_namespace(np.empty(0))
    try:
        return array_api_compat.array_namespace(*(x for _, x in arrays))
    except TypeError:
        found = ", ".join(
            f"`{name}` is a {type(x).__module__}.{type(x).__name__}" for name, x in arrays
        )
        msg = f"inputs must come from one array library; found: {found}"
        raise TypeError(msg) from None


def is_numpy(xp: Namespace) -> bool:
    return bool(array_api_compat.is_numpy_namespace(xp))


def default_float(xp: Namespace, device: Any = None) -> Any:
    """The library's default real floating dtype (float64 for NumPy, float32 for PyTorch)."""
    try:
        return xp.__array_namespace_info__().default_dtypes(device=device)["real floating"]
    except (AttributeError, TypeError):  # pragma: no cover - libraries without inspection API
        return xp.float64


def _dtype_kind(xp: Namespace, dtype: Any) -> str:
    try:
        for kind in ("real floating", "complex floating", "integral", "bool"):
            if xp.isdtype(dtype, kind):
                return kind
    except (TypeError, ValueError):
        pass
    return "other"


def as_float(x: Any, name: str, xp: Namespace, device: Any = None) -> Array:
    """``x`` as a real floating array of ``xp``; integers and booleans take the default float.

    Raises a `TypeError` for complex or non-numeric input, naming the argument.
    """
    if not _is_array(x):
        try:
            x = xp.asarray(x, device=device) if device is not None else xp.asarray(x)
        except (TypeError, ValueError) as exc:
            msg = (
                f"`{name}` must be an array or a (nested) list of numbers; "
                f"could not convert a {type(x).__name__}: {exc}"
            )
            raise TypeError(msg) from None
    kind = _dtype_kind(xp, x.dtype)
    if kind == "real floating":
        return x
    if kind in ("integral", "bool"):
        return xp.astype(x, default_float(xp, array_api_compat.device(x)))
    if kind == "complex floating":
        msg = f"`{name}` must be real; found complex dtype {x.dtype}"
    else:
        msg = f"`{name}` must hold real numbers; found dtype {x.dtype}"
    raise TypeError(msg)


def normalize_axis(axis: object, ndim: int, name: str = "axis") -> tuple[int, ...]:
    """Validate ``axis`` (an int or a tuple of ints) for ``ndim`` dims; return sorted positives."""
    items: tuple[object, ...] = axis if isinstance(axis, tuple) else (axis,)
    if not items:
        msg = f"`{name}` must name at least one axis; found an empty tuple"
        raise ValueError(msg)
    out = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, int | np.integer):
            msg = f"`{name}` must be an int or a tuple of ints; found {axis!r}"
            raise TypeError(msg)
        a = int(a)
        if not -ndim <= a < ndim:
            msg = (
                f"`{name}` {a} is out of range for an input with {ndim} dimension"
                f"{'' if ndim == 1 else 's'}; expected -{ndim} <= {name} < {ndim}"
            )
            raise ValueError(msg)
        out.append(a % ndim)
    if len(set(out)) != len(out):
        msg = f"`{name}` {axis!r} repeats an axis"
        raise ValueError(msg)
    return tuple(sorted(out))


def _shifted(x: Array, xp: Namespace, axes: tuple[int, ...]) -> tuple[Array, Array]:
    """``(x - m, m)`` with ``m`` the finite max over ``axes`` (0 for all-``-inf`` rows)."""
    m = xp.max(x, axis=axes, keepdims=True)
    m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
    if hasattr(m, "detach"):  # the shift is a constant: no gradient flows through it
        m = m.detach()
    return x - m, m


def logsumexp(x: Array, xp: Namespace, axes: tuple[int, ...], keepdims: bool = False) -> Array:
    """``log(sum(exp(x)))`` over ``axes``, stable for large and ``-inf`` entries."""
    shifted, m = _shifted(x, xp, axes)
    out = xp.log(xp.sum(xp.exp(shifted), axis=axes, keepdims=True)) + m
    return out if keepdims else xp.squeeze(out, axis=axes)


def log_softmax(x: Array, xp: Namespace, axes: tuple[int, ...]) -> Array:
    """Normalised log-probabilities from logits, in log space.

    ``(x - m) - log(sum(exp(x - m)))``: subtracting the small log-sum last keeps full
    precision where the logits are large (``x - logsumexp(x)`` would round at ``|x|``).
    PyTorch and JAX use their own fused kernel of the same formula.
    """
    native = _native_log_softmax(xp, axes)
    if native is not None:
        return native(x)
    shifted, _ = _shifted(x, xp, axes)
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axes, keepdims=True))


def _native_log_softmax(xp: Namespace, axes: tuple[int, ...]) -> Any:
    if len(axes) != 1:
        return None
    if array_api_compat.is_torch_namespace(xp):
        import torch

        return lambda x: torch.nn.functional.log_softmax(x, dim=axes[0])
    if array_api_compat.is_jax_namespace(xp):
        import jax

        return lambda x: jax.nn.log_softmax(x, axis=axes[0])
    return None


def softplus(x: Array, xp: Namespace) -> Array:
    """``log(1 + exp(x))`` without overflow; ``softplus(-inf) == 0``."""
    return xp.maximum(x, xp.zeros_like(x)) + xp.log1p(xp.exp(-xp.abs(x)))


def to_output(x: Array, xp: Namespace) -> Array:
    """NumPy 0-d results become NumPy scalars, as ``np.sum`` returns them."""
    if is_numpy(xp) and getattr(x, "ndim", None) == 0:
        return x[()]
    return x


LN2 = math.log(2.0)
