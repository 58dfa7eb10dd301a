"""Data as arguments: `Samples` (draws from a distribution) and `Counts` (a histogram).

The measures accept these wherever they accept distributions; the answer is then an estimate
(`Estimate`, with a standard error). The classes only hold and check the data; choosing and
running estimators is the job of `infoloss.data._measures`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import array_api_compat
import numpy as np

from .._core import Namespace
from ._alphabet import (
    _from_sequence,
    _unique,
    category_key,
    check_support,
    declared_categories,
    has_missing,
    is_missing,
    pandas_index,
    to_numpy,
)
from ._alphabet_bins import GRID, binned_counts, check_cells, declared_kind
from ._alphabet_bins import _binned_counts as _binned_counts
from ._resolution import dequantized, resolution_of

__all__ = [
    "Counts",
    "Samples",
    "align_counts",
    "binned_counts",
    "category_key",
    "has_missing",
    "is_missing",
    "to_numpy",
]


def _namespace_of(x: Any) -> Namespace:
    if array_api_compat.is_array_api_obj(x) and not isinstance(x, np.ndarray | np.generic):
        return array_api_compat.array_namespace(x)
    return np


def _is_discrete_dtype(a: np.ndarray[Any, Any]) -> bool:
    return a.dtype.kind in "biuUSOM" or a.dtype == np.dtype(bool)


class Samples:
    """Draws from a distribution, as an argument of the measures (the result is an estimate).

    Parameters
    ----------
    x : array_like
        ``(n,)`` scalar draws or ``(n, d)`` vector draws, from any array library, a list or a
        pandas Series. Floating-point values are continuous; integers, booleans, strings and
        other objects are categories (discrete).
    discrete : bool, optional
        Override the kind: ``True`` treats floats as categories (each distinct value, or each
        distinct row, one category), ``False`` treats integers as real numbers.
    bins : int, str or sequence of floats, optional
        Bin continuous draws into a histogram and treat the bins as categories (as
        `numpy.histogram_bin_edges` understands it: a number of bins, a rule such as ``"auto"``,
        or the edges). Two binned samples compared with each other share edges computed on the
        pooled draws, so both are binned alike. The entropy of binned data is the discrete
        entropy of the bin, not a differential entropy; the bins are its alphabet. At most
        2^24 bins in all (``bins ** d`` for d-dimensional draws): more is refused before any
        array is allocated.
    categories : sequence, optional
        The full alphabet of discrete draws, observed or not (rows for vector draws). Every
        draw must be one of them (a ValueError names the first that is not); unseen ones
        count as zero cells for the estimators, and two data sets are aligned on at least
        the union of their declared alphabets. Implies discrete draws.
    support : int, optional
        The alphabet size K when only the size is known (at least the number of observed
        categories): the K − K_obs unseen categories count as zero cells. Not with
        `categories` unless equal to its length; not with `bins`.
    resolution : float, sequence of floats or "auto", optional
        Continuous draws recorded to a grid (rounded values): the grid's width, one for all
        coordinates or one per coordinate, or ``"auto"`` to find it (the widest w that puts
        every distinct value of a coordinate on a + w·k). The estimators then see the draws
        dequantised, each plus seeded uniform noise over its grid cell, so that repeated
        values no longer make zero neighbour distances; the entropy is that of the dequantised
        variable, ``h = H(recorded values) + Σ log w`` exactly, slightly above the entropy of
        the underlying variable (by about ``w² J / 24`` per coordinate, J its Fisher
        information: 0.04 nats for N(0, 1) recorded to whole numbers). See
        ``infoloss.data._resolution``. The draws a model's likelihood sees stay as recorded.

    Notes
    -----
    The alphabet decides the default entropy estimator. Declared (`categories`, `support`
    or `bins`): NSB over the K categories, or the jackknife when the sample is large and
    the singletons few (n >= 10 K and f₁ <= 0.05 n; see ``infoloss.data._estimators.
    _counts``). Unknown (neither): Chao, Wang & Jost (2013), which estimates the entropy of
    the unseen categories, with a bootstrap standard error that re-estimates it. Either way
    an `UndersampledWarning` says when the draws are too few for the alphabet (many
    categories seen once), where no estimator's interval can be trusted.

    Attributes
    ----------
    data : Array
        The draws as given (in their own array library, so that a model's ``log_prob(data)``
        keeps its autograd graph).
    n : int
        Number of draws.
    discrete : bool
        Whether the draws are treated as categories.

    Examples
    --------
    >>> import numpy as np
    >>> from infoloss import Samples, entropy
    >>> rng = np.random.default_rng(0)
    >>> s = Samples(rng.normal(size=5000))
    >>> s.n, s.discrete
    (5000, False)
    >>> h = entropy(s)  # an estimate of 0.5 log(2 pi e) = 1.4189...
    >>> abs(float(h) - 1.4189) < 5 * float(h.stderr)
    True
    >>> Samples(["a", "b", "a"]).counts()
    (array(['a', 'b'], dtype='<U1'), array([2., 1.]))
    >>> Samples(["a", "b", "a"], categories=["a", "b", "c"]).counts()  # "c" unseen
    (array(['a', 'b', 'c'], dtype='<U1'), array([2., 1., 0.]))
    """

    __slots__ = (
        "_np",
        "bins",
        "categories",
        "data",
        "discrete",
        "n",
        "resolution",
        "support",
        "xp",
    )

    def __init__(
        self,
        x: Any,
        *,
        discrete: bool | None = None,
        bins: Any = None,
        categories: Any = None,
        support: Any = None,
        resolution: Any = None,
    ) -> None:
        if isinstance(x, Samples | Counts):
            msg = f"`x` must be an array of draws; found {type(x).__name__}"
            raise TypeError(msg)
        if isinstance(x, str | bytes | Mapping | set):
            msg = (
                "`x` must be an array or list of draws; found "
                f"{type(x).__name__} (for a histogram use Counts)"
            )
            raise TypeError(msg)
        if discrete is not None and type(discrete) is not bool:
            msg = f"`discrete` must be True, False or None; found {discrete!r}"  # type: ignore[unreachable]
            raise TypeError(msg)
        arr = to_numpy(x, "x")
        if arr.dtype.kind == "c":
            msg = f"`x` must hold real numbers or categories; found complex dtype {arr.dtype}"
            raise TypeError(msg)
        if arr.ndim not in (1, 2):
            msg = (
                "`x` must be 1-D (n scalar draws) or 2-D (n draws of d-vectors); "
                f"found shape {arr.shape}"
            )
            raise ValueError(msg)
        if arr.shape[0] == 0 or (arr.ndim == 2 and arr.shape[1] == 0):
            msg = f"`x` must hold at least one draw of at least one value; found shape {arr.shape}"
            raise ValueError(msg)
        kind_discrete = _is_discrete_dtype(arr) if discrete is None else discrete
        if bins is not None:
            if discrete:
                msg = "`bins` bins continuous draws; it cannot be combined with discrete=True"
                raise ValueError(msg)
            kind_discrete = True
            if isinstance(bins, int | np.integer) and not isinstance(bins, bool):
                d = 1 if arr.ndim == 1 else arr.shape[1]
                check_cells(int(bins) ** d, f"`bins`={bins} over {d} dimension(s)", *GRID(d))
        if categories is not None or support is not None:
            kind_discrete = declared_kind(discrete, bins, categories, support)
        if not kind_discrete:
            if arr.dtype.kind not in "fiub":
                msg = (
                    "`x` must be numeric to be treated as continuous (discrete=False); "
                    f"found dtype {arr.dtype}"
                )
                raise TypeError(msg)
            if np.isinf(arr.astype(np.float64)).any():
                msg = "`x` must hold finite draws (NaN gives NaN); found an infinite value"
                raise ValueError(msg)
        if bins is not None and arr.dtype.kind not in "fiu":
            msg = f"`bins` needs numeric draws; found dtype {arr.dtype}"
            raise TypeError(msg)
        self.data: Any = x if array_api_compat.is_array_api_obj(x) else arr
        self.xp: Namespace = _namespace_of(x)
        self._np = arr
        self.n = int(arr.shape[0])
        self.discrete = bool(kind_discrete)
        self.bins = bins
        self.categories: np.ndarray[Any, Any] | None = (
            None if categories is None else declared_categories(arr, categories)
        )
        if self.categories is not None and support not in (None, self.categories.shape[0]):
            msg = (
                f"`support`={support!r} contradicts the {self.categories.shape[0]} "
                "`categories` given; give one of them"
            )
            raise ValueError(msg)
        observed = 0 if support is None else len(align_counts((self,))[1][0])
        self.support = check_support(support, observed, "the number of observed categories")
        if resolution is not None and (self.discrete or arr.dtype.kind not in "fiu"):
            msg = (
                "`resolution` dequantises continuous draws recorded to a grid; it cannot be "
                "combined with discrete draws, `bins`, `categories` or `support`"
            )
            raise ValueError(msg)
        self.resolution = resolution_of(resolution, arr)

    @property
    def d(self) -> int:
        """Dimension of one draw (1 for scalar draws)."""
        return 1 if self._np.ndim == 1 else int(self._np.shape[1])

    def values(self) -> np.ndarray[Any, Any]:
        """The draws as a NumPy float64 array of shape ``(n, d)`` (dequantised where a
        `resolution` was given)."""
        v = np.asarray(self._np, dtype=np.float64).reshape(self.n, self.d)
        return v if self.resolution is None else dequantized(v, self.resolution)

    def counts(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Sorted distinct categories (rows for vector draws) and how often each occurs."""
        if self.bins is not None:
            return _binned_counts((self,), self.bins)[0]
        cats, counts = align_counts((self,))
        if self.categories is None:
            return cats, counts[0]
        where = {category_key(c): i for i, c in enumerate(self.categories)}
        full = np.zeros(self.categories.shape[0])
        full[[where[category_key(c)] for c in cats]] = counts[0]
        return self.categories, full

    def __repr__(self) -> str:
        kind = "discrete" if self.discrete else "continuous"
        if self.resolution is not None:
            kind += f", recorded to {'x'.join(f'{w:g}' for w in self.resolution)}"
        shape = f"n={self.n}" if self._np.ndim == 1 else f"n={self.n}, d={self.d}"
        return f"Samples({shape}, {kind})"


class Counts:
    """A histogram: how often each category was observed, as an argument of the measures.

    Parameters
    ----------
    c : array_like or mapping
        One count per category (whole, non-negative, finite numbers, not all zero), or a
        mapping from category to count.
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
        if categories is None:
            categories = pandas_index(c)
        if isinstance(c, Mapping):
            if categories is not None:
                msg = "`categories` must not be given with a mapping: its keys are the categories"
                raise TypeError(msg)
            categories = list(c.keys())
            c = list(c.values())
        if isinstance(c, Samples | Counts | str | bytes):
            msg = f"`c` must be an array of counts or a mapping; found {type(c).__name__}"
            raise TypeError(msg)
        self.xp: Namespace = _namespace_of(c)
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


def align_counts(
    samples: tuple[Samples, ...],
) -> tuple[np.ndarray[Any, Any], list[np.ndarray[Any, Any]]]:
    """Categories shared by discrete samples (their sorted union) and each sample's counts."""
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
    counts = [
        np.bincount(part, minlength=k).astype(np.float64) for part in np.split(inverse, sizes)
    ]
    return cats, counts
