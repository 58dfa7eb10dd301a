"""Binned draws: histogram edges shared by samples, the bins as the alphabet, and the kind
of draws an alphabet declares."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._alphabet import check_cells
from ._dask_bins import binned_counts_dask, is_lazy

__all__ = ["GRID", "binned_counts", "check_cells", "declared_kind", "shared_edges"]


def GRID(d: int) -> tuple[str, int]:
    """What a histogram of d dimensions allocates per cell: its count and centre (bytes)."""
    return "the counts and bin centres", 8 * (d + 1)


def declared_kind(discrete: bool | None, bins: Any, categories: Any, support: Any) -> bool:
    """An alphabet (categories or support) declares discrete draws; refuse contradictions."""
    given = "`categories`" if categories is not None else "`support`"
    if bins is not None:
        msg = f"{given} declares an alphabet; with `bins` the bins are the alphabet (give one)"
        raise ValueError(msg)
    if discrete is False:
        msg = f"{given} declares categories; it cannot be combined with discrete=False"
        raise ValueError(msg)
    return True


def shared_edges(samples: tuple[Any, ...], bins: Any) -> list[np.ndarray[Any, Any]]:
    """Histogram edges per dimension, computed on the pooled draws of all samples."""
    pooled = np.concatenate([s.values() for s in samples])
    finite = pooled[np.isfinite(pooled).all(axis=1)]
    if finite.shape[0] == 0:
        msg = "`bins` needs finite draws; found none"
        raise ValueError(msg)
    if pooled.shape[1] == 1:
        return [np.histogram_bin_edges(finite[:, 0], bins=bins)]
    if isinstance(bins, int | np.integer):
        return [np.histogram_bin_edges(col, bins=int(bins)) for col in finite.T]
    d = pooled.shape[1]
    msg = f"`bins` for {d}-dimensional draws must be a number of bins; found {bins!r}"
    raise ValueError(msg)


def _binned_counts(
    samples: tuple[Any, ...], bins: Any
) -> list[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
    """Each sample's histogram over shared edges; categories are the bins' centres."""
    if any(is_lazy(s) for s in samples):  # dask draws: histograms per partition, summed
        return binned_counts_dask(samples, bins)
    edges = shared_edges(samples, bins)
    check_cells(int(np.prod([e.size - 1 for e in edges])), f"`bins`={bins!r}", *GRID(len(edges)))
    out = []
    for s in samples:
        v = s.values()
        _check_inside(v, edges)
        hist, _ = np.histogramdd(v, bins=edges)
        centres = [0.5 * (e[:-1] + e[1:]) for e in edges]
        grid = np.stack(np.meshgrid(*centres, indexing="ij"), axis=-1).reshape(-1, len(edges))
        cats = grid[:, 0] if len(edges) == 1 else grid
        counts = hist.reshape(-1).astype(np.float64)
        if np.isnan(v).any():
            counts = np.full_like(counts, np.nan)
        out.append((cats, counts))
    return out


def _check_inside(v: np.ndarray[Any, Any], edges: list[np.ndarray[Any, Any]]) -> None:
    """Explicit edges must hold every draw: none is dropped silently."""
    finite = v[~np.isnan(v).any(axis=1)]
    low = np.array([e[0] for e in edges])
    high = np.array([e[-1] for e in edges])
    outside = int(np.count_nonzero(((finite < low) | (finite > high)).any(axis=1)))
    if outside:
        msg = (
            f"`bins`: {outside} of {v.shape[0]} draws lie outside the edges "
            f"[{low.min():.6g}, {high.max():.6g}]; widen the edges (nothing is dropped silently)"
        )
        raise ValueError(msg)


def binned_counts(
    samples: tuple[Any, ...], bins: Any
) -> tuple[np.ndarray[Any, Any], list[np.ndarray[Any, Any]]]:
    """Shared bin centres and each sample's counts over them."""
    parts = _binned_counts(samples, bins)
    return parts[0][0], [c for _, c in parts]
