"""Nearest-neighbour search for the kNN estimators of `infoloss.data._estimators._knn`.

A search structure on a sample (a kd-tree; a sorted array in 1-D), the sample put in its order,
and the d·log-distances of query points to their neighbours of ranks 1..K with the neighbours'
indices. Repeated values (a zero distance at a used rank, which would put log 0 into an
estimate) are refused here, by one rule for every sample, with a hint on how to break the ties.
Samples are rescaled by a power of two (exactly) before any search, so that squared distances
neither overflow nor underflow whatever the data's units.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from ..._core import n_threads
from ...discrete import nearest_sorted

__all__ = ["FloatArray", "IntArray"]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.intp]]
_HINT = (
    "values repeated this often are usually recorded to a grid (e.g. rounded to 0.1), and such "
    "data need dequantising for a kNN estimator: Samples(x, resolution=0.1) (or "
    "resolution='auto' to find the grid; on the command line --resolution 0.1 or auto) adds "
    "seeded noise within each grid cell; or treat them as categories (Samples(x, "
    "discrete=True); --discrete)"
)


def _rescaled(*xs: FloatArray | None) -> tuple[list[FloatArray | None], int]:
    """The samples times 2^-e, with e the binary exponent of their largest |value|, and e.

    Multiplying by a power of two is exact, so every distance is the original one times 2^-e
    and d·log-distances shift by exactly -d·e·log 2; with values of order 1 the squared
    distances of the search neither overflow (data of order 1e160) nor underflow (1e-160).
    """
    big = max((float(np.max(np.abs(x))) for x in xs if x is not None and x.size), default=0.0)
    e = int(np.frexp(big)[1]) if big > 0 else 0
    return [None if x is None else np.ldexp(x, -e) for x in xs], e


def _check_ties(x: FloatArray, lowest: int, name: str, whose: str = "") -> None:
    """Refuse a sample in which some value occurs more than `lowest` times.

    Such a point is at distance 0 from its `lowest`-th nearest other point, so log 0 would
    enter a kNN estimate (self distances) or the neighbour balls would be degenerate (the
    same value seen from another sample, or pooled). The same rule serves `p`, `q` and the
    pooled draws of JS (`whose` then names them); it counts exact repeats by sorting.
    """
    if x.shape[0] <= lowest:
        return
    s = x[np.lexsort(x.T[::-1])]
    starts = np.flatnonzero(np.concatenate([[True], np.any(s[1:] != s[:-1], axis=1)]))
    sizes = np.diff(np.append(starts, x.shape[0]))
    n_tied = int(sizes[sizes > lowest].sum())
    if n_tied:
        who = whose or f"`{name}` has"
        msg = (
            f"{who} {n_tied} points at distance 0 from their {_ordinal(lowest)} "
            f"nearest other point of `{name}` (values repeated more than {lowest} times, "
            f"{int(sizes.max())} at most), so log 0 would enter the kNN estimate; {_HINT}"
        )
        raise ValueError(msg)


class _Sorted1D:
    """The part of the cKDTree interface used here, for 1-D points, by sorting.

    In one dimension the R nearest points to q lie among the R sorted points on either side of
    its insertion position, so a query is a searchsorted and a sort of 2R candidates per
    point: several times faster than a kd-tree search.
    """

    def __init__(self, data: FloatArray) -> None:
        self.indices: IntArray = np.argsort(data[:, 0], kind="stable")
        self.sorted: FloatArray = data[self.indices, 0]
        self.n = data.shape[0]

    def query(self, pts: FloatArray, k: list[int], workers: int = 1) -> tuple[Any, Any]:
        R = max(k)
        q = pts[:, 0]
        got = nearest_sorted(self.sorted, q, R)  # the compiled core: the same order, O(R)
        if got is not None:
            sel = np.asarray(k) - 1
            return got[0][:, sel], self.indices[got[1][:, sel]]
        pos = np.searchsorted(self.sorted, q)
        cand = pos[:, None] + np.arange(-R, R)  # (n, 2R) candidate positions
        inside = (cand >= 0) & (cand < self.n)
        cand = np.clip(cand, 0, self.n - 1)
        dist = np.where(inside, np.abs(self.sorted[cand] - q[:, None]), np.inf)
        order = np.argsort(dist, axis=1, kind="stable")[:, np.asarray(k) - 1]
        return (
            np.take_along_axis(dist, order, axis=1),
            self.indices[np.take_along_axis(cand, order, axis=1)],
        )


def _spatial_order(x: FloatArray) -> tuple[Any, FloatArray]:
    """A search structure on `x` (kd-tree; sorted array in 1-D) and `x` in its order.

    Querying points in tree order keeps the search in cache: about 2-3x faster than querying
    them in the order given. Every per-point quantity of the estimators is in this order.
    """
    tree = _tree(x)
    return tree, np.ascontiguousarray(x[tree.indices])


def _tree(x: FloatArray) -> Any:
    return _Sorted1D(x) if x.shape[1] == 1 else cKDTree(x)


def _neighbours(
    tree: Any, pts: FloatArray, K: int, lowest: int, names: tuple[str, str]
) -> tuple[FloatArray, IntArray]:
    """d·log distances of `pts` to ranks 1..K in `tree` and the indices of these neighbours.

    When ``names`` are equal, `pts` are the tree's own points in tree order: each point's own
    entry is skipped and the indices refer to positions in `pts`. A zero distance at a used
    rank is an error; columns below `lowest` (ranks of weight 0) are set to 0, never log 0.
    """
    self_query = names[0] == names[1]
    ranks = list(range(2, K + 2)) if self_query else list(range(1, K + 1))
    dist, idx = tree.query(pts, k=ranks, workers=n_threads())
    n_zero = int(np.count_nonzero(dist[:, lowest - 1] == 0.0))
    if n_zero:
        name, other = names
        where = f"the {_ordinal(lowest)} nearest " + (
            f"other point of `{name}`" if self_query else f"point of `{other}`"
        )
        msg = (
            f"`{name}` has {n_zero} points at distance 0 from {where} (repeated values), so "
            f"log 0 would enter the kNN estimate; {_HINT}"
        )
        raise ValueError(msg)
    dist[:, : lowest - 1] = 1.0
    logd: FloatArray = pts.shape[1] * np.log(dist)
    if self_query:  # original indices -> positions in tree order
        pos = np.empty(tree.n, dtype=np.intp)
        pos[tree.indices] = np.arange(tree.n)
        idx = pos[idx]
    return logd, idx


def _ordinal(j: int) -> str:
    return f"{j}{'tsnrhtdd'[(j // 10 % 10 != 1) * (j % 10 < 4) * j % 10 :: 4]}"
