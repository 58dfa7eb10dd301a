"""`Counts`: a histogram as an argument of the measures (the result is an estimate)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._core import Namespace
from ._alphabet import _from_sequence, _unique, check_support, pandas_index, to_numpy
from ._dask import dask_counts_vector, is_dask
from ._kinds import Data, namespace_of

__all__ = ["Counts"]


class Counts(Data):
    """A histogram: how often each category was observed, as an argument of the measures.

    Parameters
    ----------
    c : array_like or mapping
        One count per category (whole, non-negative, finite numbers, not all zero), or a
        mapping from category to count. A dask array or Series of counts is computed (its K
        numbers; at most 2^24).
    categories : sequence, optional
        Names of the categories, one per count (distinct). Two `Counts` with categories are
        aligned by name (a category missing from one counts 0 there); without them, by
        position. A pandas Series (``series.value_counts()``, say) carries its categories in
        its index, which is used when `categories` is not given.
    support : int, optional
        The alphabet size K, at least ``len(c)``: the ``K − len(c)`` unlisted categories count
        as zero cells.

    Notes
    -----
    The listed cells are the alphabet when one of them is 0 (a listed zero is a category
    known to exist) or `support` is given; the default entropy estimator is then chosen for
    a known alphabet. When every listed count is positive and `support` is not given, the
    alphabet is unknown: the listed categories are the observed ones, and the default
    estimator accounts for unseen categories (see `Samples`).

    Examples
    --------
    >>> from infoloss import Counts, entropy
    >>> c = Counts({"rain": 10, "sun": 30})
    >>> c.n, c.categories.tolist()
    (40, ['rain', 'sun'])
    >>> h = entropy(c, method="plugin", base=2)  # the entropy of (1/4, 3/4)
    >>> round(float(h), 4)
    0.8113
    """

    __slots__ = ("categories", "counts", "n", "support", "xp")

    def __init__(self, c: Any, *, categories: Any = None, support: Any = None) -> None:
        if is_dask(c):  # a histogram is small: its K numbers are computed
            c = dask_counts_vector(c)
        if categories is None:
            categories = pandas_index(c)
        if isinstance(c, Mapping):
            if categories is not None:
                msg = "`categories` must not be given with a mapping: its keys are the categories"
                raise TypeError(msg)
            categories = list(c.keys())
            c = list(c.values())
        if isinstance(c, Data | str | bytes):
            msg = f"`c` must be an array of counts or a mapping; found {type(c).__name__}"
            raise TypeError(msg)
        self.xp: Namespace = namespace_of(c)
        arr = to_numpy(c, "c")
        if arr.dtype.kind not in "fiub":
            msg = f"`c` must hold numbers (counts); found dtype {arr.dtype}"
            raise TypeError(msg)
        arr = arr.astype(np.float64)
        if arr.ndim != 1 or arr.size == 0:
            msg = f"`c` must be a non-empty 1-D array of counts; found shape {arr.shape}"
            raise ValueError(msg)
        finite = arr[~np.isnan(arr)]
        if (finite < 0).any():
            i = int(np.flatnonzero(arr < 0)[0])
            msg = f"`c` must hold counts >= 0; found {arr[i]:.6g} at index {i}"
            raise ValueError(msg)
        if np.isinf(finite).any() or (finite != np.round(finite)).any():
            i = int(np.flatnonzero(np.isinf(arr) | (arr != np.round(arr)))[0])
            msg = (
                f"`c` must hold whole, finite counts; found {arr[i]:.6g} at index {i} (for "
                "weights or probabilities pass the array itself, with normalize=True)"
            )
            raise ValueError(msg)
        if finite.size == arr.size and arr.sum() == 0:
            msg = "`c` must hold at least one observation; found all counts 0"
            raise ValueError(msg)
        if categories is not None:
            cats = (
                to_numpy(categories, "categories")
                if hasattr(categories, "shape")
                else _from_sequence(list(categories), "categories")
            )
            if cats.ndim != 1 or cats.shape[0] != arr.shape[0]:
                msg = (
                    f"`categories` must name each of the {arr.shape[0]} counts once; found "
                    f"shape {cats.shape}"
                )
                raise ValueError(msg)
            if len(_unique(cats)) != cats.shape[0]:
                msg = "`categories` must be distinct; found a repeated category"
                raise ValueError(msg)
            categories = cats
        self.counts = arr
        self.categories: np.ndarray[Any, Any] | None = categories
        self.n = int(np.nansum(arr))  # NaN counts give NaN estimates; n counts the rest
        self.support = check_support(support, arr.shape[0], "the number of counts given")

    def __repr__(self) -> str:
        return f"Counts(n={self.n}, categories={self.counts.shape[0]})"
