r"""The fast path for NumPy probability arrays: blocked, fused with validation, threaded.

A plain NumPy expression such as ``np.sum(p * np.log(p / q), axis=-1)`` streams several
full-size temporaries through memory. Here the rows are cut into blocks that stay in cache; each
block is checked (minimum, row sums), transformed in place in a small scratch buffer and reduced,
so no temporary grows beyond a few hundred KiB per thread, and the blocks are shared among
threads (NumPy's ufuncs release the GIL).

Per element, with ``BIG`` the largest finite float of the dtype:

* KL: ``p * fmax(log(p / q), -BIG)`` — one log per pair; ``fmax`` turns the ``-inf`` (and
  the NaN of ``0/0``) that arise only where ``p == 0`` into a finite number, which the
  multiplication by ``p == 0`` makes an exact 0. ``p > 0 = q`` gives ``+inf``.
* entropy: ``p * fmax(log p, -BIG)``.
* cross-entropy: ``p * log q``; a row whose sum is NaN only because of ``0 * log 0`` is
  recomputed by the exact generic formula.
* JS: ``p * fmax(log(2p / (p + q)), -BIG)`` + the same with ``p`` and ``q`` exchanged.

Rows whose inputs hold a NaN are set to NaN from their row sums, which the validation needs
anyway. A row whose result comes out non-finite for another reason (``p / q`` overflowing when
``q`` is subnormal) is recomputed with the generic formula, which uses ``log p - log q``.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import os
from collections.abc import Callable
from typing import Any, TypeAlias

import numpy as np

from .._core import get_pool, n_threads

# Two environment variables, read once at import, let a user (and CI) run what a machine without
# a C compiler or with one core would run: INFOLOSS_DISABLE_COMPILED=1 skips the compiled core;
# INFOLOSS_NUM_THREADS=N caps the threads infoloss starts (`infoloss._core._threads`).
_ckernels: Any = None
if os.environ.get("INFOLOSS_DISABLE_COMPILED", "").strip() not in ("1", "true", "yes"):
    # the optional compiled core (setup.py builds it where a C compiler is at hand)
    with contextlib.suppress(ImportError):
        _ckernels = importlib.import_module("infoloss.discrete._ckernels")

__all__ = ["MEASURES", "nearest_sorted", "row_sums_and_minima", "run", "softmax_rows"]

NDArray: TypeAlias = Any  # numpy arrays; ufunc stubs are too narrow for out= buffers

_BLOCK = 1 << 14  # elements of scratch per buffer: 128 KiB in float64, cache-resident
_PARALLEL_MIN = 1 << 20  # below this many elements one thread is faster


# ------------------------------------------------------------------------------ block kernels
# Each kernel reduces one (rows, cols) block into `acc` (shape (rows,)), using `r` and `s`,
# scratch buffers of the block's shape.


def _k_entropy(p: NDArray, q: NDArray, r: NDArray, s: NDArray, big: float) -> NDArray:
    np.log(p, out=r)
    np.fmax(r, -big, out=r)
    np.multiply(r, p, out=r)
    return np.add.reduce(r, axis=1)


def _k_cross(p: NDArray, q: NDArray, r: NDArray, s: NDArray, big: float) -> NDArray:
    np.log(q, out=r)
    np.multiply(r, p, out=r)
    return np.add.reduce(r, axis=1)


def _k_kl(p: NDArray, q: NDArray, r: NDArray, s: NDArray, big: float) -> NDArray:
    np.divide(p, q, out=r)
    np.log(r, out=r)
    np.fmax(r, -big, out=r)
    np.multiply(r, p, out=r)
    return np.add.reduce(r, axis=1)


def _k_js(p: NDArray, q: NDArray, r: NDArray, s: NDArray, big: float) -> NDArray:
    np.add(p, q, out=s)
    np.divide(p, s, out=r)
    np.multiply(r, 2.0, out=r)  # 2p / (p + q): exactly 1 where p == q
    np.log(r, out=r)
    np.fmax(r, -big, out=r)
    np.multiply(r, p, out=r)
    acc = np.add.reduce(r, axis=1)
    np.divide(q, s, out=r)
    np.multiply(r, 2.0, out=r)
    np.log(r, out=r)
    np.fmax(r, -big, out=r)
    np.multiply(r, q, out=r)
    acc += np.add.reduce(r, axis=1)
    return acc


Kernel = Callable[[NDArray, NDArray, NDArray, NDArray, float], NDArray]
MEASURES: dict[str, tuple[Kernel, bool]] = {
    # name: (block kernel, needs q)
    "entropy": (_k_entropy, False),
    "cross_entropy": (_k_cross, True),
    "kl_divergence": (_k_kl, True),
    "js_divergence": (_k_js, True),
}


def _blocking(n_rows: int, n_cols: int) -> tuple[int, int]:
    if n_cols >= _BLOCK:
        return 1, _BLOCK
    return max(1, _BLOCK // n_cols), n_cols


def _work(
    kernel: Kernel,
    p: NDArray,
    q: NDArray | None,
    rows: range,
    out: NDArray,
    sums: list[NDArray],
    mins: list[NDArray],
    checks: tuple[bool, bool],
) -> None:
    """Reduce the rows ``rows`` of ``p`` (and ``q``) into ``out``; collect sums and minima."""
    n_cols = p.shape[1]
    rb, cb = _blocking(len(rows), n_cols)
    big = float(np.finfo(p.dtype).max)
    r_buf = np.empty(rb * cb, dtype=p.dtype)
    s_buf = np.empty(rb * cb, dtype=p.dtype) if kernel is _k_js else r_buf
    arrays = (p, q)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for i0 in range(rows.start, rows.stop, rb):
            i1 = min(i0 + rb, rows.stop)
            for j0 in range(0, n_cols, cb):
                j1 = min(j0 + cb, n_cols)
                shape = (i1 - i0, j1 - j0)
                r = r_buf[: shape[0] * shape[1]].reshape(shape)
                s = s_buf[: shape[0] * shape[1]].reshape(shape)
                blocks = [None if a is None else a[i0:i1, j0:j1] for a in arrays]
                for k, b in enumerate(blocks):
                    if b is not None:
                        sums[k][i0:i1] += np.add.reduce(b, axis=1)
                        if checks[k]:
                            mins[k][i0:i1] = np.fmin(mins[k][i0:i1], np.min(b, axis=1))
                out[i0:i1] += kernel(blocks[0], blocks[1], r, s, big)


def run(
    measure: str, p: NDArray, q: NDArray | None, checks: tuple[bool, bool]
) -> tuple[NDArray, list[NDArray], list[NDArray]]:
    """Raw per-row sums of the measure's terms (sign and factor not yet applied).

    ``p`` and ``q`` are 2-D ``(rows, outcomes)`` arrays of one float dtype. Returns
    ``(raw, sums, mins)``: the row sums of the kernel terms, the row sums of ``p`` and ``q``,
    and, where ``checks`` asks, their row minima (for validation).
    """
    n_rows = p.shape[0]
    if _ckernels is not None and all(_rows_contiguous(a) for a in (p, q) if a is not None):
        out = np.empty(n_rows)
        sums = [np.empty(n_rows), np.empty(n_rows)]
        mins = [np.empty(n_rows), np.empty(n_rows)]
        c_args = (out, sums[0], sums[1], mins[0], mins[1])
        _in_parallel(p, lambda a, b: _ckernels.reduce_rows(measure, p, q, a, b, *c_args))
        return out.astype(p.dtype, copy=False), sums, mins
    kernel, _ = MEASURES[measure]
    out = np.zeros(n_rows, dtype=p.dtype)
    sums = [np.zeros(n_rows, dtype=p.dtype) for _ in range(2)]
    mins = [np.full(n_rows, np.inf, dtype=p.dtype) for _ in range(2)]
    _in_parallel(p, lambda a, b: _work(kernel, p, q, range(a, b), out, sums, mins, checks))
    return out, sums, mins


def softmax_rows(
    z: NDArray, t: NDArray, w: NDArray | None, smooth: bool
) -> tuple[NDArray, NDArray, NDArray, NDArray | None] | None:
    """Per-row pieces of softmax cross-entropy from the compiled core, in one pass per row.

    ``z``: 2-D ``(rows, classes)`` float32/float64 logits with contiguous rows; ``t``: one class
    index per row, in range. Returns float64 ``(m, s, zt, ws)``: the row maxima, the sums of
    ``exp(z - m)``, the target logits ``z[i, t[i]]`` and, if ``smooth``, ``sum_c w_c (z_c - m)``
    (``w`` None: weights 1; else None), so that ``log q_t = (zt - m) - log s``. None where the
    compiled core is not built or the layout does not suit it (the caller then takes the
    generic ``log_softmax``). Rows whose ``m`` or ``s`` is not finite (a ``+inf`` logit, only
    ``-inf``, a NaN) are left to the caller's limit rules.
    """
    if _ckernels is None or z.ndim != 2 or z.shape[1] == 0 or not _rows_contiguous(z):
        return None
    n_rows = z.shape[0]
    outs = [np.empty(n_rows) for _ in range(3)]
    ws = np.empty(n_rows) if smooth else None
    t64 = np.ascontiguousarray(t, dtype=np.int64)
    w64 = None if w is None or not smooth else np.ascontiguousarray(w, dtype=np.float64)
    _in_parallel(z, lambda a, b: _ckernels.softmax_rows(z, t64, w64, a, b, *outs, ws))
    return outs[0], outs[1], outs[2], ws


def nearest_sorted(s: NDArray, q: NDArray, R: int) -> tuple[NDArray, NDArray] | None:
    """The R nearest of the ascending points ``s`` to each of ``q`` (1-D float64), from the
    compiled core: distances (m, R) and positions in ``s`` (m, R, clamped to its range; +inf
    distance where fewer than R points exist on a side), in the order of a stable argsort of
    the 2R candidates around each insertion position, exactly as the NumPy route (of
    `infoloss.data`'s 1-D kNN search) orders them. None without the compiled core."""
    if _ckernels is None or q.size == 0 or R < 1:
        return None
    s = np.ascontiguousarray(s, dtype=np.float64)
    q = np.ascontiguousarray(q, dtype=np.float64)
    pos = np.searchsorted(s, q).astype(np.int64)
    dist = np.empty((q.size, R))
    cand = np.empty((q.size, R), dtype=np.int64)
    _in_parallel(dist, lambda a, b: _ckernels.nearest_sorted(s, q, pos, a, b, dist, cand))
    return dist, cand


def row_sums_and_minima(x: NDArray) -> tuple[NDArray, NDArray] | None:
    """Float64 row sums and row minima (NaN entries skipped) of a 2-D float32/float64 array
    with contiguous rows, in one compiled pass; None without the compiled core."""
    if _ckernels is None or x.ndim != 2 or x.shape[1] == 0 or not _rows_contiguous(x):
        return None
    outs = np.empty((5, x.shape[0]))
    _in_parallel(x, lambda a, b: _ckernels.reduce_rows("sums", x, None, a, b, *outs))
    return outs[1], outs[3]


def _rows_contiguous(a: NDArray) -> bool:
    return a.dtype in (np.float32, np.float64) and (a.shape[1] == 1 or a.strides[1] == a.itemsize)


def _in_parallel(p: NDArray, fn: Callable[[int, int], object]) -> None:
    """``fn(a, b)`` over chunks of rows, on the thread pool when the work is large enough."""
    n_rows = p.shape[0]
    threads = n_threads() if p.size >= _PARALLEL_MIN and n_rows > 1 else 1
    if threads == 1:
        fn(0, n_rows)
        return
    edges = np.linspace(0, n_rows, min(n_rows, 4 * threads) + 1).astype(int)
    futures = [
        get_pool().submit(fn, int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a
    ]
    for f in futures:
        f.result()
