"""Binned dask draws: edges from a first pass (or given), histograms per partition, summed.

As for draws in memory (`infoloss.data._alphabet_bins`), samples binned together share edges
computed on their pooled draws: with a number of bins, the edges span the smallest and largest
finite draw of all of them (a first pass, a min/max reduction per partition), exactly as
`numpy.histogram_bin_edges` spans them; given edges are used as they are and must hold every
draw. A second pass counts each partition with `numpy.histogramdd` over those edges, and the
histograms are summed in a tree: only ``bins ** d`` counts per partition travel.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._alphabet import check_cells

__all__ = ["binned_counts_dask", "is_lazy"]

_SPLIT_EVERY = 8


def is_lazy(s: Any) -> bool:
    """A `Samples` of dask draws not held in memory."""
    return getattr(s, "_held", True) is None


def _rows(s: Any) -> Any:
    """The draws of a sample as ``(n, d)``: a dask array, or NumPy for draws in memory."""
    if not is_lazy(s):
        return s.values()
    x = s.data.to_dask_array() if hasattr(s.data, "to_dask_array") else s.data
    x = x.astype(np.float64)
    return x.reshape(-1, 1) if x.ndim == 1 else x.rechunk({1: -1})


def _range(x: Any) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], int]:
    """The smallest and largest finite value per coordinate, and how many rows are finite."""
    if isinstance(x, np.ndarray):
        finite = x[np.isfinite(x).all(axis=1)]
        if not finite.shape[0]:
            return np.full(x.shape[1], np.inf), np.full(x.shape[1], -np.inf), 0
        return finite.min(axis=0), finite.max(axis=0), int(finite.shape[0])
    import dask
    import dask.array as da

    ok = da.isfinite(x).all(axis=1)[:, None]
    low = da.where(ok, x, np.inf).min(axis=0)
    high = da.where(ok, x, -np.inf).max(axis=0)
    lo, hi, count = dask.compute(low, high, ok.sum())
    return np.asarray(lo), np.asarray(hi), int(count)


def _edges(rows: list[Any], bins: Any) -> list[np.ndarray[Any, Any]]:
    d = rows[0].shape[1]
    if isinstance(bins, str):
        msg = (
            f"`bins`={bins!r} on dask draws: a rule needs every draw at once; give a number "
            "of bins (the edges then span the pooled draws, from a first pass) or the edges"
        )
        raise ValueError(msg)
    if not isinstance(bins, int | np.integer):
        if d > 1:
            msg = f"`bins` for {d}-dimensional draws must be a number of bins; found {bins!r}"
            raise ValueError(msg)
        return [np.histogram_bin_edges(np.zeros(0), bins=np.asarray(bins, dtype=np.float64))]
    ranges = [_range(x) for x in rows]
    if sum(c for _, _, c in ranges) == 0:
        msg = "`bins` needs finite draws; found none"
        raise ValueError(msg)
    lo = np.min([r[0] for r in ranges], axis=0)
    hi = np.max([r[1] for r in ranges], axis=0)
    # for a number of bins, numpy's edges depend on the range only
    return [np.histogram_bin_edges(np.array([lo[j], hi[j]]), bins=int(bins)) for j in range(d)]


def _histogram(block: Any, edges: list[np.ndarray[Any, Any]]) -> tuple[Any, int, int]:
    """A block's histogram, its draws outside the edges, and its missing draws."""
    v = np.asarray(block, dtype=np.float64).reshape(-1, len(edges))
    missing = np.isnan(v).any(axis=1)
    finite = v[~missing]
    low = np.array([e[0] for e in edges])
    high = np.array([e[-1] for e in edges])
    outside = int(np.count_nonzero(((finite < low) | (finite > high)).any(axis=1)))
    hist, _ = np.histogramdd(v, bins=edges)
    return hist, outside, int(np.count_nonzero(missing))


def _add(*parts: tuple[Any, int, int]) -> tuple[Any, int, int]:
    hist, outside, missing = parts[0]
    for h, o, m in parts[1:]:
        hist, outside, missing = hist + h, outside + o, missing + m
    return hist, outside, missing


def _counts(x: Any, edges: list[np.ndarray[Any, Any]]) -> tuple[Any, int, int]:
    if isinstance(x, np.ndarray):
        return _histogram(x, edges)
    import dask

    parts = [dask.delayed(_histogram)(b, edges) for b in x.to_delayed().ravel()]
    while len(parts) > 1:
        step = _SPLIT_EVERY
        parts = [dask.delayed(_add)(*parts[i : i + step]) for i in range(0, len(parts), step)]
    result: tuple[Any, int, int] = dask.compute(parts[0])[0]
    return result


def binned_counts_dask(
    samples: tuple[Any, ...], bins: Any
) -> list[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
    """Each sample's histogram over edges shared by all (see the module); the categories are
    the bins' centres, as for draws in memory."""
    rows = [_rows(s) for s in samples]
    edges = _edges(rows, bins)
    cells, grid_bytes = int(np.prod([e.size - 1 for e in edges])), 8 * (len(edges) + 1)
    check_cells(cells, f"`bins`={bins!r}", "the counts and bin centres", grid_bytes)
    centres = [0.5 * (e[:-1] + e[1:]) for e in edges]
    grid = np.stack(np.meshgrid(*centres, indexing="ij"), axis=-1).reshape(-1, len(edges))
    cats = grid[:, 0] if len(edges) == 1 else grid
    out = []
    for x in rows:
        hist, outside, missing = _counts(x, edges)
        if outside:
            msg = (
                f"`bins`: {outside} draws lie outside the edges [{edges[0][0]:.6g}, "
                f"{edges[0][-1]:.6g}]; widen the edges (nothing is dropped silently)"
            )
            raise ValueError(msg)
        counts = np.asarray(hist, dtype=np.float64).reshape(-1)
        out.append((cats, np.full_like(counts, np.nan) if missing else counts))
    return out
