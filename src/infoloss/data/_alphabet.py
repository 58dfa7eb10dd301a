"""The alphabet of discrete data: declared categories, a support size, and their checks.

`Samples` and `Counts` take ``categories=`` and ``support=``; the checks live here so that the
classes stay short. The alphabet is *known* when it is declared (``categories`` on `Samples`,
``support`` on either, the bins of binned draws, or zero cells listed in `Counts`) and
*unknown* otherwise: the estimators then see only the observed categories.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "MAX_CELLS",
    "category_key",
    "check_cells",
    "check_support",
    "declared_categories",
    "has_missing",
    "is_missing",
    "pandas_index",
    "to_numpy",
]

# Refused above this many cells (bins or support): their counts (and for bins the centres of
# d coordinates) are arrays of this length; 2^24 cells of 8 coordinates take about 1.2 GiB.
MAX_CELLS = 2**24


def check_support(support: Any, least: int, what: str) -> int | None:
    """`support` as an int >= `least` (the categories already known to exist), or None."""
    if support is None:
        return None
    if isinstance(support, bool) or not isinstance(support, int | np.integer):
        msg = (
            "`support` must be a whole number of categories (the alphabet size K); "
            f"found {support!r}"
        )
        raise TypeError(msg)
    if support < max(least, 1):
        msg = f"`support` must be >= {max(least, 1)} ({what}); found {int(support)}"
        raise ValueError(msg)
    check_cells(int(support), "`support`", "the counts of every category", remedy="")
    return int(support)


def check_cells(
    cells: int,
    name: str,
    what: str,
    nbytes: int = 8,
    remedy: str = ": use fewer bins or dimensions",
) -> None:
    """Refuse, before allocating, an alphabet too large to hold as arrays."""
    if cells > MAX_CELLS:
        gib = cells * nbytes / 2**30
        msg = (
            f"{name} asks for {cells:,} cells; {what} would take about {gib:.1f} GiB. At most "
            f"{MAX_CELLS:,} cells are allowed{remedy}"
        )
        raise ValueError(msg)


def declared_categories(arr: np.ndarray[Any, Any], categories: Any) -> np.ndarray[Any, Any]:
    """The declared alphabet as an array (rows for vector draws), checked against the draws.

    Distinct; every draw (missing values aside: NaN gives NaN) must be one of them, else a
    ValueError names the first draw that is not.
    """
    if isinstance(categories, str | bytes) or not (
        hasattr(categories, "__len__") or hasattr(categories, "shape")
    ):
        msg = (
            f"`categories` must be a sequence of the categories; found {type(categories).__name__}"
        )
        raise TypeError(msg)
    cats = (
        to_numpy(categories, "categories")
        if hasattr(categories, "shape")
        else _from_sequence(list(categories), "categories")
    )
    want = 1 if arr.ndim == 1 else 2
    if cats.ndim != want or cats.shape[0] == 0 or (want == 2 and cats.shape[1] != arr.shape[1]):
        shape = "(K,)" if want == 1 else f"(K, {arr.shape[1]})"
        msg = (
            f"`categories` must have shape {shape} for draws of shape {arr.shape}; "
            f"found {cats.shape}"
        )
        raise ValueError(msg)
    keys = [category_key(c) for c in cats]
    if len(set(keys)) != len(keys):
        msg = "`categories` must be distinct; found a repeated category"
        raise ValueError(msg)
    known = set(keys)
    for v in _unique(arr):
        key = category_key(v)
        if not (is_missing(key) or key in known):
            msg = f"`x` holds {key!r}, which is not one of `categories` (the declared alphabet)"
            raise ValueError(msg)
    return cats


def pandas_index(c: Any) -> Any:
    """A pandas Series' index (its categories: `value_counts` sorts by frequency), or None."""
    index = getattr(c, "index", None)
    if index is None or callable(index) or not hasattr(c, "to_numpy"):
        return None
    return index.to_numpy() if hasattr(index, "to_numpy") else None


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
