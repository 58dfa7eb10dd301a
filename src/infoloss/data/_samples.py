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

__all__ = ["Counts", "Samples", "align_counts", "binned_counts", "shared_edges"]


def to_numpy(x: Any, name: str = "x") -> np.ndarray[Any, Any]:
    """Any array library's array (or a list, or a pandas Series) as a NumPy array.

    A flat list mixing kinds of values (numbers and strings, say) becomes an object array, so
    that 1 and "1" stay different categories.
    """
    if hasattr(x, "detach"):  # torch: leave autograd and the device
        x = x.detach().cpu()
    if hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):  # pandas
        x = x.to_numpy()
    if isinstance(x, list | tuple):
        return _from_sequence(x, name)
    try:
        return np.asarray(x)
    except (TypeError, ValueError, RuntimeError, BufferError):
        pass
    try:  # array_api_strict refuses __array__ on purpose: go through DLPack
        return np.from_dlpack(x)
    except (TypeError, ValueError, RuntimeError, BufferError, AttributeError):
        msg = f"`{name}` must be an array or a list of values; found {type(x).__name__}"
        raise TypeError(msg) from None


def _from_sequence(x: list[Any] | tuple[Any, ...], name: str) -> np.ndarray[Any, Any]:
    if x and all(not isinstance(v, list | tuple | np.ndarray) for v in x):
        kinds = {
            "number"
            if isinstance(v, int | float | np.number)
            else "text"
            if isinstance(v, str)
            else type(v).__name__
            for v in x
        }
        if len(kinds) > 1:
            out = np.empty(len(x), dtype=object)
            out[:] = list(x)
            return out
    try:
        return np.asarray(x)
    except ValueError as exc:
        msg = f"`{name}` must be a rectangular array (every row of one length); {exc}"
        raise ValueError(msg) from None


def is_missing(v: Any) -> bool:
    """None, NaN or pandas' NA: a missing value among categories."""
    if v is None or type(v).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(v, float | np.floating) and v != v


def has_missing(a: np.ndarray[Any, Any]) -> bool:
    """Whether an array of draws or categories holds a missing value (NaN in gives NaN out)."""
    if a.dtype.kind in "fc":
        return bool(np.isnan(a).any())
    if a.dtype.kind == "O":
        return any(is_missing(v) for v in a.reshape(-1))
    return False


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
        entropy of the bin, not a differential entropy.

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
    """

    __slots__ = ("_np", "bins", "data", "discrete", "n", "xp")

    def __init__(self, x: Any, *, discrete: bool | None = None, bins: Any = None) -> None:
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

    @property
    def d(self) -> int:
        """Dimension of one draw (1 for scalar draws)."""
        return 1 if self._np.ndim == 1 else int(self._np.shape[1])

    def values(self) -> np.ndarray[Any, Any]:
        """The draws as a NumPy float64 array of shape ``(n, d)``."""
        return np.asarray(self._np, dtype=np.float64).reshape(self.n, self.d)

    def counts(self) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """Sorted distinct categories (rows for vector draws) and how often each occurs."""
        if self.bins is not None:
            return _binned_counts((self,), self.bins)[0]
        cats, counts = align_counts((self,))
        return cats, counts[0]

    def __repr__(self) -> str:
        kind = "discrete" if self.discrete else "continuous"
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
        position.

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

    __slots__ = ("categories", "counts", "n", "xp")

    def __init__(self, c: Any, *, categories: Any = None) -> None:
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

    def __repr__(self) -> str:
        return f"Counts(n={self.n}, categories={self.counts.shape[0]})"


def _unique(a: np.ndarray[Any, Any]) -> list[Any]:
    """Distinct values, also for object arrays whose entries do not sort together."""
    try:
        return list(np.unique(a, axis=0 if a.ndim > 1 else None))
    except TypeError:
        return list(dict.fromkeys(map(category_key, a)))


def category_key(v: Any) -> Any:
    """A category as a hashable Python value: rows as tuples, NumPy scalars as Python ones."""
    if isinstance(v, np.ndarray):
        return tuple(v.tolist())
    return v.item() if isinstance(v, np.generic) else v


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


def shared_edges(samples: tuple[Samples, ...], bins: Any) -> list[np.ndarray[Any, Any]]:
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
    samples: tuple[Samples, ...], bins: Any
) -> list[tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]]:
    """Each sample's histogram over shared edges; categories are the bins' centres."""
    edges = shared_edges(samples, bins)
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
    samples: tuple[Samples, ...], bins: Any
) -> tuple[np.ndarray[Any, Any], list[np.ndarray[Any, Any]]]:
    """Shared bin centres and each sample's counts over them."""
    parts = _binned_counts(samples, bins)
    return parts[0][0], [c for _, c in parts]
