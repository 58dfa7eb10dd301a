"""Textbook-first closed-form KL divergences: `closed_form`, and the branch selection it uses.

A KL divergence between two members of one exponential family is a Bregman divergence of its
log-partition function: near ``p == q`` it is of second order in the parameter difference,
while the textbook formulas add first-order terms of opposite signs, which in floating point
lose every digit. `closed_form` evaluates the textbook formula (cheap) with the sum of the
magnitudes of its terms, and recomputes only the elements where it cancelled (see `TAU`) with
a stable formula, built from the cancellation-free pieces in `._elementary` (`log1pmx`,
`expm1mx`, `kl_div`, `log_ratio`) and the Bregman divergences of ``log Γ`` and ``log I0`` in
`._bregman` (the scale part of the Normal's KL, ``r - 1 - log r``, is in `._normal`).

Only array-API operations are used, so they run on every backend and keep PyTorch's autograd,
with finite gradients at ``p == q``: each branch gets safe inputs where it is not taken (the
"double where"). Where a condition is mixed (`select`), NumPy and eager PyTorch on the CPU
evaluate each branch on its own elements only (gathered by index, then scattered back,
differentiably); other namespaces, and traced or accelerator arrays, evaluate both under a
``where``. Large NumPy batches (and PyTorch ones on the CPU without autograd) are evaluated in
blocks that stay in the cache.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import array_api_compat
import numpy as np

from .._core import Array, Namespace, eager_cpu_torch, known_false

__all__ = [
    "TAU",
    "TAU_FLOAT32",
    "broadcast_all",
    "closed_form",
    "select",
]

# `closed_form` keeps the textbook value of an element where kl > TAU * size, `size` being the
# sum of the magnitudes of its terms (and of the absolute error floors of the special functions
# in them). Each term is within a few ulps, so the textbook's rounding error is at most
# g * u * size, u = 2^-53, with g <= 8 (the terms' own errors and the additions; at most 7
# measured over the families against 50-digit references): a kept value has lost at most 8
# bits to cancellation, and is within g * u / TAU = 8 * 1.1e-16 * 256 = 2.3e-13 relative (a
# quarter of the tests' 1e-12). Below, the stable formula recomputes the element (a few ulps).
# A larger TAU keeps more accuracy and patches more elements (1/64: 6e-14, about 4 times as
# many of a random batch); a smaller one the reverse. In float32 (u = 2^-24) the same TAU
# would leave 2^11 ulps, 1.2e-4: there TAU_FLOAT32 = 1/8 keeps g * u / TAU = 3.8e-6 (64 ulps).
TAU = 1.0 / 256
TAU_FLOAT32 = 1.0 / 8


def _cancelled(kl: Array, size: Array, xp: Namespace) -> Array:
    """Where the textbook value lost more to cancellation than its dtype's `TAU` allows (and
    where it is NaN or infinite)."""
    tau = TAU if kl.dtype == xp.float64 else TAU_FLOAT32
    return ~(kl > tau * size)


_BLOCK = 1 << 16  # elements per block of the NumPy and PyTorch CPU passes (512 KiB of float64)


# --------------------------------------------------------------------- gathering and dispatch
def _gatherable(flag: Array, xp: Namespace) -> bool:
    """Whether elements can be picked by a boolean mask without a trace or a host-device sync:
    NumPy, and PyTorch on the CPU outside ``torch.compile``."""
    if array_api_compat.is_numpy_namespace(xp):
        return True
    return array_api_compat.is_torch_namespace(xp) and eager_cpu_torch(flag)


def _indices(mask: Array, xp: Namespace) -> tuple[Array, ...]:
    """The indices of the True elements of ``mask``, one array per axis (a gather and a scatter
    by them are several times faster than by the mask itself)."""
    if array_api_compat.is_numpy_namespace(xp):
        return tuple(np.nonzero(mask))
    import torch

    return tuple(torch.nonzero(mask, as_tuple=True))


def _scatter(base: Array, idx: tuple[Array, ...], values: Array, xp: Namespace) -> Array:
    """``base`` with ``values`` put at ``idx`` (in place where nothing needs its gradient)."""
    if array_api_compat.is_numpy_namespace(xp):
        out = np.asarray(base)
        if not (out.flags.writeable and out.flags.owndata):
            out = out.copy()
        out[idx] = values
        return out
    if base.requires_grad or values.requires_grad:  # autograd: out of place, differentiable
        return base.index_put(idx, values.to(base.dtype))
    base[idx] = values
    return base


def _needs_grad(arrays: Sequence[Array], xp: Namespace) -> bool:
    """Whether an autograd may differentiate through ``arrays`` (PyTorch leaves, JAX)."""
    if array_api_compat.is_torch_namespace(xp):
        import torch

        return torch.is_grad_enabled() and any(bool(a.requires_grad) for a in arrays)
    return array_api_compat.is_jax_namespace(xp)


def broadcast_all(*arrays: Array, xp: Namespace) -> list[Array]:
    """The arrays broadcast to one shape (copies only where the shapes differ)."""
    shapes = {tuple(a.shape) for a in arrays}
    if len(shapes) == 1:
        return list(arrays)
    zero = xp.zeros_like(arrays[0])
    for a in arrays[1:]:
        zero = zero + xp.zeros_like(a)
    return [a + zero for a in arrays]


def select(
    cond: Array,
    first: Callable[..., Array],
    second: Callable[..., Array],
    args: Sequence[Array],
    safe: Sequence[tuple[float, float]],
    xp: Namespace,
) -> Array:
    """``where(cond, first(*args), second(*args))`` for ``args`` of ``cond``'s shape.

    Only one branch runs where ``cond`` is known to be uniform. Where it is mixed, NumPy and
    eager PyTorch on the CPU give each branch its own elements only; elsewhere both branches
    run on the whole arrays, each given ``safe[i]`` (its value for ``first``, for ``second``)
    where it is not taken, so no NaN, warning or infinite gradient leaks from the other one.
    """
    if known_false(xp.any(~cond), xp):
        return first(*args)
    if known_false(xp.any(cond), xp):
        return second(*args)
    if _gatherable(cond, xp) and cond.ndim > 0:
        idx, other = _indices(cond, xp), _indices(~cond, xp)
        one = first(*[a[idx] for a in args])
        two = second(*[a[other] for a in args])
        base = xp.zeros(tuple(cond.shape), dtype=one.dtype, device=array_api_compat.device(one))
        return _scatter(_scatter(base, idx, one, xp), other, two, xp)
    fa = [xp.where(cond, a, xp.full_like(a, s)) for a, (s, _) in zip(args, safe, strict=True)]
    sa = [xp.where(cond, xp.full_like(a, s), a) for a, (_, s) in zip(args, safe, strict=True)]
    return xp.where(cond, first(*fa), second(*sa))


def _gather(
    a: Array, idx: tuple[Array, ...], shape: tuple[int, ...], event_ndim: int, xp: Namespace
) -> Array:
    """The elements at ``idx`` of ``a`` broadcast to ``shape`` (plus its event axes)."""
    event = tuple(a.shape[a.ndim - event_ndim :]) if event_ndim else ()
    return xp.broadcast_to(a, (*shape, *event))[idx]


def _blocks(n: int, width: int) -> list[slice]:
    """Slices of ``range(n)`` covering `_BLOCK` elements each, ``width`` elements per index."""
    step = max(1, _BLOCK // max(width, 1))
    return [slice(i, i + step) for i in range(0, n, step)]


def _blockwise(params: Sequence[Array], xp: Namespace) -> bool:
    """Whether to evaluate in blocks: NumPy, and PyTorch on the CPU without autograd, for
    batches of at least two blocks (on the device, or to differentiate, one pass is better)."""
    if max(math.prod(a.shape) for a in params) < _BLOCK:
        return False
    if array_api_compat.is_numpy_namespace(xp):
        return True
    return _gatherable(params[0], xp) and not _needs_grad(params, xp)


def _textbook_pass(
    textbook: Callable[..., tuple[Array, Array]],
    params: Sequence[Array],
    ndims: Sequence[int],
    xp: Namespace,
) -> tuple[Array, Array]:
    """The textbook values and where they cancelled. Large NumPy (and PyTorch CPU) batches go
    in blocks of `_BLOCK` elements along the first axis: the temporaries then stay in the cache
    and are reused, instead of being mapped (and zeroed) afresh by the system for every
    operation (several times the cost of the arithmetic itself)."""
    shape: tuple[int, ...] = ()
    if _blockwise(params, xp):
        shape = tuple(
            np.broadcast_shapes(
                *(tuple(a.shape[: a.ndim - e]) for a, e in zip(params, ndims, strict=True))
            )
        )
    if len(shape) == 0 or math.prod(shape) < 2 * _BLOCK:
        kl, size = textbook(*params)
        return kl, _cancelled(kl, size, xp)
    full = [
        xp.broadcast_to(a, (*shape, *tuple(a.shape[a.ndim - e :])))
        for a, e in zip(params, ndims, strict=True)
    ]
    device = array_api_compat.device(params[0])
    kl, bad = None, xp.empty(shape, dtype=xp.bool, device=device)
    for block in _blocks(shape[0], math.prod(shape[1:])):
        part, size = textbook(*[a[block] for a in full])
        if kl is None:
            kl = xp.empty(shape, dtype=part.dtype, device=device)
        kl[block] = part
        bad[block] = _cancelled(part, size, xp)
    return kl, bad


def _narrow_float(a: Array, xp: Namespace) -> bool:
    """Whether ``a`` holds real floats narrower than float64."""
    return bool(xp.isdtype(a.dtype, "real floating")) and a.dtype != xp.float64


def _stable_pass(stable: Callable[..., Array], sub: Sequence[Array], xp: Namespace) -> Array:
    """``stable(*sub)`` for gathered parameters (cancelled elements along the first axis), in
    blocks as in `_textbook_pass`, a quarter the size: the stable formulas hold more
    temporaries, some of them several times wider than the parameters."""
    n = int(sub[0].shape[0])
    if n < _BLOCK // 2 or not _blockwise(sub, xp):
        return stable(*sub)
    width = 4 * max(math.prod(tuple(a.shape[1:])) for a in sub)
    return xp.concat([stable(*[a[b] for a in sub]) for b in _blocks(n, width)])


def closed_form(
    textbook: Callable[..., tuple[Array, Array]],
    stable: Callable[..., Array],
    params: Sequence[Array],
    xp: Namespace,
    *,
    event_ndims: Sequence[int] | None = None,
    safe: Sequence[float] | None = None,
) -> Array:
    """A closed form from its textbook formula, recomputed by ``stable`` where that cancelled.

    ``textbook(*params)`` returns ``(kl, size)``: the textbook value and the sum of the
    magnitudes of its terms (see `TAU`). Where ``kl > TAU * size`` everywhere (one reduction,
    read without a host-device sync, or not at all under a trace) it is the result. Elsewhere
    ``stable(*params)`` (``>= 0``, exactly 0 at ``p == q``) replaces those elements: on NumPy
    and eager PyTorch on the CPU it runs on them only (the broadcast parameters gathered, the
    values scattered back, differentiably); on other namespaces, and traced or accelerator
    arrays, on the whole arrays under a ``where``. NaN and infinite textbook values count as
    cancelled. ``event_ndims[i]``: trailing event axes of ``params[i]`` (default 0).
    ``safe``: parameter values at which the textbook formula and its gradient are finite, for
    families whose textbook terms have infinite derivatives at the edges of their supports
    (``0 log 0``): under an autograd the textbook is then evaluated again with them in the
    cancelled elements (the "double where"), so the gradient there is the stable one's alone.

    Narrower floats (float32, float16) on NumPy and on the CPU with PyTorch are evaluated in
    float64 and rounded once: faster there than the stable route that `TAU_FLOAT32` would
    send more elements to, and within half an ulp. On accelerators they stay in their dtype.
    """
    narrow = {a.dtype for a in params if _narrow_float(a, xp)}
    if narrow and _gatherable(params[0], xp):
        (dtype,) = narrow if len(narrow) == 1 else (xp.float32,)
        wide = [xp.astype(a, xp.float64) if _narrow_float(a, xp) else a for a in params]
        out = closed_form(textbook, stable, wide, xp, event_ndims=event_ndims, safe=safe)
        return xp.astype(out, dtype)
    ndims = [0] * len(params) if event_ndims is None else list(event_ndims)
    numpy = array_api_compat.is_numpy_namespace(xp)
    if numpy:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            kl, bad = _textbook_pass(textbook, params, ndims, xp)
        if np.ndim(kl) == 0:  # a NumPy scalar: read it directly
            return kl if not bad else stable(*params)
    else:
        kl, bad = _textbook_pass(textbook, params, ndims, xp)
    if known_false(xp.any(bad), xp):
        return kl
    if safe is not None and _needs_grad(params, xp):
        moved = [
            xp.where(bad[(Ellipsis,) + (None,) * e], xp.full_like(a, s), a)
            for a, s, e in zip(params, safe, ndims, strict=True)
        ]
        kl, _ = textbook(*moved)  # autograd: not NumPy, no warnings to silence
    if not _gatherable(bad, xp):
        return xp.where(bad, stable(*params), kl)
    if bad.ndim == 0:
        return stable(*params)
    idx, shape = _indices(bad, xp), tuple(bad.shape)
    sub = [_gather(a, idx, shape, e, xp) for a, e in zip(params, ndims, strict=True)]
    return _scatter(kl, idx, _stable_pass(stable, sub, xp), xp)
