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
from ._align import align_counts
from ._alphabet import (
    category_key,
    check_support,
    declared_categories,
    has_missing,
    is_missing,
    to_numpy,
)
from ._alphabet_bins import GRID, binned_counts, check_cells, declared_kind
from ._alphabet_bins import _binned_counts as _binned_counts
from ._counts_data import Counts
from ._dask import dask_of, lazy_message
from ._kinds import Data, namespace_of
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


def _is_discrete_dtype(a: np.ndarray[Any, Any]) -> bool:
    return a.dtype.kind in "biuUSOM" or a.dtype == np.dtype(bool)


class Samples(Data):
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
    max_n : int, optional
        Continuous dask draws: a seeded subsample of `max_n` draws (the same rows whatever the
        partitions) stands for them, so that the nearest-neighbour estimators can run; every
        estimate and standard error is then that of `max_n` draws (`n` is `max_n`, `total`
        the number of draws). Without it, continuous dask draws of more than 2^20 values are
        refused by those estimators, with a message. Not for discrete draws (counted in full).

    Notes
    -----
    The alphabet decides the default entropy estimator. Declared (`categories`, `support`
    or `bins`): NSB over the K categories, or the jackknife when the sample is large and
    the singletons few (n >= 10 K and f₁ <= 0.05 n; see ``infoloss.data._estimators.
    _counts``). Unknown (neither): Chao, Wang & Jost (2013), which estimates the entropy of
    the unseen categories, with a bootstrap standard error that re-estimates it. Either way
    an `UndersampledWarning` says when the draws are too few for the alphabet (many
    categories seen once), where no estimator's interval can be trusted.

    Dask arrays, Series and DataFrames (or `Samples.read` of Parquet/CSV files) are not read
    into memory: discrete draws are counted per partition and the counts summed, continuous
    ones are read by chunks for a model's likelihood; see ``infoloss.data._dask``.

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
        "_held",
        "_weights",
        "bins",
        "categories",
        "data",
        "discrete",
        "n",
        "resolution",
        "support",
        "total",
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
        max_n: int | None = None,
    ) -> None:
        if isinstance(x, Data):
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
        lazy = dask_of(x, discrete, bins, categories, support, max_n)
        arr = to_numpy(x, "x") if lazy is None else lazy.check
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
        self.xp: Namespace = namespace_of(x)
        self._held: np.ndarray[Any, Any] | None = arr
        self._weights: np.ndarray[Any, Any] | None = None
        self.n = int(arr.shape[0])
        self.total: int | None = None
        if lazy is not None:  # dask: counted, subsampled, or read by chunks
            self.data, self.xp, self._held, self._weights = lazy.data, np, lazy.held, lazy.weights
            self.n, self.total = lazy.n, lazy.total
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
        if resolution is not None and self._held is None:
            msg = (
                "`resolution` dequantises draws in memory; these dask draws are not held "
                "(give max_n= for a subsample in memory)"
            )
            raise ValueError(msg)
        self.resolution = resolution_of(resolution, arr)

    @property
    def _np(self) -> np.ndarray[Any, Any]:
        """The draws in memory (a dask sample of categories: its distinct values)."""
        if self._held is None:
            raise ValueError(lazy_message(self.n, self.d))
        return self._held

    @_np.setter
    def _np(self, value: np.ndarray[Any, Any]) -> None:
        self._held = value

    @property
    def d(self) -> int:
        """Dimension of one draw (1 for scalar draws)."""
        a = self.data if self._held is None else self._held
        return 1 if a.ndim == 1 else int(a.shape[1])

    @classmethod
    def read(cls, path: Any, /, *, column: str | None = None, **options: Any) -> Samples:
        """Draws from Parquet or CSV files, read by Dask partition by partition.

        Parameters
        ----------
        path : str or path-like
            A file, a directory of files, or a glob (``"events/2024-*.parquet"``); ``.csv``,
            ``.tsv`` and ``.txt`` files are read as CSV, anything else as Parquet.
        column : str, optional
            The column of draws; required where the files hold several.
        **options
            Options of `Samples` (``discrete``, ``categories``, ``support``, ``max_n``).

        Examples
        --------
        >>> import os, tempfile
        >>> import pandas as pd
        >>> from infoloss import Samples
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     frame = pd.DataFrame({"colour": ["red", "blue", "red", "red"], "size": 1})
        ...     frame.to_parquet(os.path.join(folder, "part-0.parquet"))
        ...     s = Samples.read(folder, column="colour")
        >>> s.n, s.counts()
        (4, (array(['blue', 'red'], dtype=object), array([1., 3.])))
        """
        from ._dask_read import read_column

        return cls(read_column(path, column), **options)

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
        ndim = (self.data if self._held is None else self._held).ndim
        shape = f"n={self.n}" if ndim == 1 else f"n={self.n}, d={self.d}"
        if self.total is not None:
            kind += f", a subsample of {self.total} draws"
        return f"Samples({shape}, {kind})"
