"""Array-namespace plumbing: namespace lookup, dtype rules and stable log-space helpers.

Every public function calls :func:`namespace` first and works through the returned ``xp`` only,
so results come back in the caller's array library, on the caller's device, in the caller's
floating dtype.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any, TypeAlias

import array_api_compat
import numpy as np

Array: TypeAlias = Any
"""Any array-API array (NumPy, PyTorch, JAX, CuPy, array_api_strict, ...)."""

Namespace: TypeAlias = Any

__all__ = [
    "LN2",
    "TRACER_ERRORS",
    "Array",
    "Namespace",
    "as_float",
    "default_float",
    "eager_cpu_torch",
    "is_numpy",
    "known_false",
    "log_softmax",
    "logsumexp",
    "namespace",
    "normalize_axis",
    "softplus",
    "to_output",
    "torch_all_finite",
]


def _is_array(x: object) -> bool:
    return bool(array_api_compat.is_array_api_obj(x))


# The namespaces of argument types already seen, for the libraries whose namespace follows
# from the type alone (NumPy, PyTorch; not array_api_strict, whose namespace follows a global
# flag): per-call overhead counts where a loss runs on a small batch at every training step.
_BY_TYPES: dict[tuple[type, ...], Namespace] = {}
_CACHED_MODULES = frozenset({"numpy", "torch", "builtins"})


def namespace(*xs: object, names: Sequence[str]) -> Namespace:
    """The one array namespace of ``xs``; Python lists and scalars count as NumPy.

    Raises a `TypeError` naming the arguments when they come from different libraries.
    """
    key = tuple(map(type, xs))
    xp = _BY_TYPES.get(key)
    if xp is not None:
        return xp
    arrays = [(name, x) for name, x in zip(names, xs, strict=True) if _is_array(x)]
    if not arrays:
        return array_api_compat.array_namespace(np.empty(0))
    try:
        xp = array_api_compat.array_namespace(*(x for _, x in arrays))
        if len(_BY_TYPES) < 64 and all(
            t.__module__.partition(".")[0] in _CACHED_MODULES for t in key
        ):
            _BY_TYPES[key] = xp
        return xp
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
    """Normalised log-probabilities from logits, in log space, with one rule for infinities.

    ``(x - m) - log(sum(exp(x - m)))``: subtracting the small log-sum last keeps full
    precision where the logits are large (``x - logsumexp(x)`` would round at ``|x|``).
    PyTorch and JAX use their own fused kernel of the same formula.

    Infinite logits follow the limit of a logit growing without bound, the rule of every
    categorical model in infoloss (`Categorical(logits=...)` and `infoloss.losses` alike):

    * ``-inf`` is probability 0 (log-probability ``-inf``);
    * a row with exactly one ``+inf`` is the point mass on it: log-probability 0 there,
      ``-inf`` elsewhere (the limit of ``softmax([c, ...])`` as ``c -> +inf``);
    * a row with two or more ``+inf`` has no limit (it depends on how they grow), and a row
      of ``-inf`` only has no mass to normalise: NaN in both cases;
    * NaN anywhere in a row makes the row NaN.

    The cost on the usual path is one reduction (the row maxima, which the plain formula
    needs anyway) and one check of it; rows with an infinite maximum take the "double where"
    route, whose gradients are finite (zero) for the logits of the limit rows.
    """
    native = _native_log_softmax(xp, axes)
    if math.prod(x.shape[a] for a in axes) == 0:  # nothing to normalise (and no max to take)
        return native(x) if native is not None else x
    m = xp.max(x, axis=axes, keepdims=True)
    if known_false(xp.any(xp.isinf(m)), xp):  # no +inf logit, no row of -inf only
        if native is not None:
            return native(x)
        return _log_softmax_shifted(x, m, xp, axes)
    return _log_softmax_limits(x, xp, axes, native)


def _log_softmax_shifted(x: Array, m: Array, xp: Namespace, axes: tuple[int, ...]) -> Array:
    """The plain formula for rows with a finite maximum ``m``."""
    if hasattr(m, "detach"):  # the shift is a constant: no gradient flows through it
        m = m.detach()
    shifted = x - m
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=axes, keepdims=True))


def _log_softmax_limits(x: Array, xp: Namespace, axes: tuple[int, ...], native: Any) -> Array:
    """`log_softmax` where some rows hold ``+inf`` or only ``-inf``: the limits, branch-free."""
    top = x == xp.inf
    tops = xp.sum(xp.astype(top, xp.int32), axis=axes, keepdims=True)
    dead = xp.all(x == -xp.inf, axis=axes, keepdims=True)
    one, undefined = tops == 1, (tops > 1) | dead
    zero = xp.zeros_like(x)
    safe = xp.where(one | undefined, zero, x)  # double where: no inf - inf, finite gradients
    if native is not None:
        logp = native(safe)
    else:
        m = xp.max(safe, axis=axes, keepdims=True)
        logp = _log_softmax_shifted(safe, xp.where(xp.isfinite(m), m, xp.zeros_like(m)), xp, axes)
    point = xp.where(top, zero, xp.full_like(x, -xp.inf))
    return xp.where(one, point, xp.where(undefined, xp.full_like(x, xp.nan), logp))


def known_false(flag: Array, xp: Namespace) -> bool:
    """True when the 0-d boolean ``flag`` is known to be False; False when it is True or
    cannot be read (traced under ``jax.jit`` or ``torch.compile``: take the general route),
    and False on an accelerator, where reading it would make the host wait for the device."""
    if array_api_compat.is_torch_namespace(xp) and not eager_cpu_torch(flag):
        return False
    if array_api_compat.is_jax_array(flag) and not _on_cpu_jax(flag):
        return False
    try:
        return not bool(flag)
    except Exception as exc:  # jax's tracer errors, whose classes vary between versions
        if type(exc).__name__ in TRACER_ERRORS:
            return False
        raise


def eager_cpu_torch(a: Array) -> bool:
    """Whether the torch tensor ``a`` is on the CPU and not being traced by ``torch.compile``
    (its values can then be read, and its elements picked, without a trace or a device sync)."""
    compiling = _is_compiling()
    return not (compiling is not None and compiling()) and a.device.type == "cpu"


def torch_all_finite(x: Array) -> bool:
    """Whether every value of the eager torch tensor ``x`` is finite, by one sum read on the
    host (a fifth of the time of ``isfinite(x).all()`` on small tensors; NaN and infinities
    propagate through the sum). A sum of finite values that overflows reads as not finite:
    the callers then take their guarded route, slower but as exact."""
    return math.isfinite(x.detach().sum().item())


@functools.cache
def _is_compiling() -> Any:
    import torch

    return getattr(getattr(torch, "compiler", None), "is_compiling", None)


def _on_cpu_jax(a: Array) -> bool:
    try:
        return all(d.platform == "cpu" for d in a.devices())
    except Exception:  # a tracer has no devices: the caller's bool() then reports it
        return True


TRACER_ERRORS = frozenset(
    {"ConcretizationTypeError", "TracerBoolConversionError", "TracerIntegerConversionError"}
)


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
