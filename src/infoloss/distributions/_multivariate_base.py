"""Shared helpers of the multivariate families: triangular solves, event-size checks, and the
series of ``tr B - log det(I + B)`` for the multivariate Normal's KL near ``p == q``."""

from __future__ import annotations

import math
from typing import Any

import array_api_compat
import numpy as np

from .._core import Array, Namespace, known_false
from ._base import Constraint, Distribution

# ---------------------------------------------------------------------------- private helpers


def _solve_tril(L: Array, b: Array, xp: Namespace) -> Array:
    """``X`` with ``L @ X == b`` for lower-triangular ``L`` (..., d, d), ``b`` (..., d, k).

    Batch dimensions broadcast. The array API has no triangular solve: NumPy, PyTorch and JAX
    use their own; other libraries fall back to the general ``xp.linalg.solve``.
    """
    if array_api_compat.is_numpy_namespace(xp):
        return _solve_tril_numpy(L, b)
    if array_api_compat.is_torch_namespace(xp):
        import torch

        return torch.linalg.solve_triangular(L, b, upper=False)
    if array_api_compat.is_jax_namespace(xp):
        import jax.scipy.linalg

        return jax.scipy.linalg.solve_triangular(L, b, lower=True)
    return xp.linalg.solve(L, b)


_SUBSTITUTION_MAX_D = 16  # up to this size, batched NumPy forward substitution beats LAPACK


def _solve_tril_numpy(L: Any, b: Any) -> Any:
    # SciPy's batched solve_triangular loops over the batch in Python, and is slow for a
    # C-ordered right-hand side: small systems go to forward substitution, vectorised over the
    # batch or over the points (d^2 / 2 vector operations); large ones to SciPy / LAPACK
    import scipy.linalg

    d = L.shape[-1]
    if math.prod(L.shape[:-2]) == 1:  # one matrix for a batch of right-hand sides: one solve
        batch = np.broadcast_shapes(L.shape[:-2], b.shape[:-2])
        m = b.shape[-1]
        rhs = np.moveaxis(np.broadcast_to(b, (*batch, d, m)), -2, 0).reshape(d, -1)
        L2 = L.reshape(d, d)
        if d > _SUBSTITUTION_MAX_D:
            x = scipy.linalg.solve_triangular(L2, rhs, lower=True, check_finite=False)
        else:  # forward substitution, each step one vector operation over all points
            x = np.array(rhs, dtype=np.result_type(L, b), order="C")
            for i in range(d):
                for j in range(i):
                    x[i] -= L2[i, j] * x[j]
                x[i] /= L2[i, i]
        return np.moveaxis(x.reshape(d, *batch, m), 0, -2)
    if d > _SUBSTITUTION_MAX_D:
        return np.linalg.solve(L, b)
    # the batch goes last (contiguous), so each step is one vector operation over the batch
    batch = np.broadcast_shapes(L.shape[:-2], b.shape[:-2])
    lt = np.moveaxis(np.broadcast_to(L, (*batch, d, d)), (-2, -1), (0, 1))
    bt = np.moveaxis(np.broadcast_to(b, (*batch, *b.shape[-2:])), (-2, -1), (0, 1))
    lt = np.ascontiguousarray(lt, dtype=np.result_type(L, b))
    x = np.array(bt, dtype=lt.dtype, order="C")
    for i in range(d):
        for j in range(i):
            x[i] -= lt[i, j] * x[j]
        x[i] /= lt[i, i]
    return np.moveaxis(x, (0, 1), (-2, -1))


def _tril_ok(x: Array, xp: Namespace) -> Array:
    d = x.shape[-1]
    row = xp.reshape(xp.arange(d, device=array_api_compat.device(x)), (d, 1))
    col = xp.reshape(xp.arange(d, device=array_api_compat.device(x)), (1, d))
    upper, diagonal = col > row, col == row
    return xp.where(upper, x == 0, xp.where(diagonal, x > 0, xp.isfinite(x))) & xp.isfinite(x)


lower_cholesky = Constraint("lower-triangular with a positive diagonal", _tril_ok)


def _event_size(p: Distribution, q: Distribution, what: str) -> int:
    """The common event size of ``p`` and ``q``; a ValueError naming both otherwise."""
    dp, dq = p.event_shape[-1], q.event_shape[-1]
    if dp != dq:
        msg = (
            f"`p` and `q` must have the same {what}; found `p` ({type(p).__name__}) of "
            f"{what} {dp} and `q` ({type(q).__name__}) of {what} {dq}"
        )
        raise ValueError(msg)
    try:
        np.broadcast_shapes(p.batch_shape, q.batch_shape)
    except ValueError:
        msg = f"the batch shapes of `p` {p.batch_shape} and `q` {q.batch_shape} do not broadcast"
        raise ValueError(msg) from None
    return int(dp)


_SERIES_MAX = 0.1  # ||B||_F below which trace_log_series sums the series
_SERIES_TERMS = 18  # ||B||_2^k / k for k >= 19 is under 1e-18 of the first term


def trace_log_series(b: Array, otherwise: Array, xp: Namespace) -> Array:
    """``tr B - log det(I + B) = Σ_{k>=2} (-1)^k tr(B^k) / k`` for symmetric ``B`` (..., d, d).

    The series of ``log det(I + B) = tr log(I + B)``, summed where ``||B||_F < 0.1`` (then
    ``|tr B^k| <= 0.1^(k-2) ||B||_F^2``: the first term dominates, nothing cancels, and 17 terms
    leave under 1e-18); ``otherwise`` is returned elsewhere. ``tr(B^k)`` is the sum of the
    entries of ``B^(k-1) * B`` (``B`` symmetric), one matrix product per term.
    """
    near = xp.sqrt(xp.sum(b * b, axis=(-2, -1))) < _SERIES_MAX
    if known_false(xp.any(near), xp):
        return otherwise
    b = xp.where(near[..., None, None], b, xp.zeros_like(b))  # no overflow where not used
    power, out = b, xp.zeros_like(otherwise)
    for k in range(2, _SERIES_TERMS + 2):
        out = out + (-1) ** k * xp.sum(power * b, axis=(-2, -1)) / k
        if k <= _SERIES_TERMS:
            power = power @ b
    return xp.where(near, out, otherwise)
