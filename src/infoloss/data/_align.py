"""The categories shared by discrete samples, and each sample's counts over them."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._alphabet import category_key

__all__ = ["align_counts"]


def align_counts(
    samples: tuple[Any, ...],
) -> tuple[np.ndarray[Any, Any], list[np.ndarray[Any, Any]]]:
    """Categories shared by discrete samples (their sorted union) and each sample's counts
    (a sample's `_weights`, where it has them, count its distinct values)."""
    arrays = [s._np for s in samples]
    ndims = {a.ndim for a in arrays}
    if len(ndims) > 1 or (arrays[0].ndim == 2 and len({a.shape[1] for a in arrays}) > 1):
        found = " and ".join(str(a.shape) for a in arrays)
        msg = f"the samples must have draws of one shape to share categories; found {found}"
        raise ValueError(msg)
    if len({"text" if a.dtype.kind in "USO" else "number" for a in arrays}) > 1:
        arrays = [a.astype(object) for a in arrays]  # 1 and "1" are different categories
    pooled = np.concatenate(arrays) if len(arrays) > 1 else arrays[0]
    sizes = np.cumsum([a.shape[0] for a in arrays])[:-1]
    try:
        cats, inverse = np.unique(pooled, axis=0 if pooled.ndim > 1 else None, return_inverse=True)
    except TypeError:  # mixed objects: first-seen order
        keys = [category_key(v) for v in pooled]
        index = {k: i for i, k in enumerate(dict.fromkeys(keys))}
        inverse = np.fromiter((index[k] for k in keys), dtype=np.intp, count=len(keys))
        cats = np.empty(len(index), dtype=object)
        cats[:] = list(index)
    inverse = inverse.reshape(-1)
    k = cats.shape[0]
    # a dask sample holds its distinct values, with their counts as weights
    weights = [getattr(s, "_weights", None) for s in samples]
    counts = [
        np.bincount(part, weights=w, minlength=k).astype(np.float64)
        for part, w in zip(np.split(inverse, sizes), weights, strict=True)
    ]
    return cats, counts
