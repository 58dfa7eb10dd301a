"""Data that do not fit in memory, with Dask: draws counted per partition and summed.

A `Samples` of a dask array, a dask Series or a dask DataFrame holds no draws in memory. Discrete
draws (integers, booleans, text, categories; or any kind with ``discrete=True``, `categories`
or `support`) are counted where they lie: each partition becomes its distinct values and their
counts (``value_counts``), partial counts are merged in a tree, and the sample keeps the merged
counts as *weights* of its distinct values. Every count estimator, the alignment of two data
sets on the union of their categories and the bias diagnostics (which split the counts
hypergeometrically, as a random split of the draws would) then run on those counts, as they
would on the draws in memory. Continuous draws are read by chunks for a model's likelihood
(`infoloss.data._dask_nll`), after a pass that counts the rows of each partition where Dask
does not know them (a DataFrame's); the nearest-neighbour estimators need the draws in memory,
which `max_n` (a seeded subsample) or a small array (at most `MAX_IN_MEMORY` values) allows.
Binned draws are counted per partition too (`infoloss.data._dask_bins`).

Dask is imported here only when a dask object is seen: the core needs NumPy, SciPy and
array-api-compat only (``pip install 'infoloss[dask]'``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._alphabet import MAX_CELLS, category_key, is_missing

__all__ = [
    "MAX_IN_MEMORY",
    "SUBSAMPLE_SEED",
    "DaskDraws",
    "dask_counts_vector",
    "dask_draws",
    "dask_of",
    "is_dask",
    "lazy_message",
    "subsample_indices",
]

MAX_IN_MEMORY = 2**20  # continuous values (n·d) a dask Samples computes to hold in memory
SUBSAMPLE_SEED = 0x5AB5  # the seed of `max_n` subsamples: one call, one answer
_SPLIT_EVERY = 8  # partial counts merged per task (the depth of the tree is log_8 partitions)
_NA = float("nan")  # every missing value counts as this one category


def is_dask(x: Any) -> bool:
    """Whether `x` is a dask collection (without importing dask)."""
    return callable(getattr(x, "__dask_graph__", None)) and hasattr(x, "ndim")


def _dask() -> Any:
    try:
        import dask
    except ImportError:  # pragma: no cover - a dask object implies dask
        msg = "dask data need dask: pip install 'infoloss[dask]'"
        raise ImportError(msg) from None
    return dask


@dataclass
class DaskDraws:
    """What `Samples` keeps of dask draws: see `dask_draws`."""

    data: Any  # the dask collection (a dask array, or a dask Series)
    check: np.ndarray[Any, Any]  # what the checks of `Samples` read (values or distinct values)
    held: np.ndarray[Any, Any] | None  # the draws (or distinct values) in memory, or None
    weights: np.ndarray[Any, Any] | None  # counts of the distinct values, or None
    n: int  # the number of draws `held` stands for
    total: int | None  # the number of draws of the data, where a subsample stands for them


def _kind(x: Any) -> str:
    return str(getattr(x.dtype, "kind", "O"))


def _is_series(x: Any) -> bool:
    import dask.dataframe as dd

    return isinstance(x, dd.Series)


def _as_array(x: Any) -> Any:
    """A dask DataFrame as a dask array of its rows (object where the columns' kinds differ)."""
    import dask.dataframe as dd

    if isinstance(x, dd.DataFrame):
        kinds = {str(getattr(t, "kind", "O")) for t in x.dtypes}
        return x.to_dask_array().astype(object) if len(kinds) > 1 else x.to_dask_array()
    if x.ndim == 2 and x.numblocks[1] > 1:
        return x.rechunk({1: -1})  # whole rows in every block
    return x


def dask_draws(
    x: Any, discrete: bool | None, declared: bool, max_n: int | None, bins: Any
) -> DaskDraws:
    """The draws of a dask collection as `Samples` holds them.

    Discrete (by dtype, ``discrete=True`` or an alphabet `declared`): counted per partition.
    Binned (`bins`): none held; histograms per partition (``infoloss.data._dask_bins``).
    Continuous: a seeded subsample of `max_n` draws where given, the draws themselves where they
    are at most `MAX_IN_MEMORY` values, else none (likelihoods run by chunks).
    """
    x = x if _is_series(x) else _as_array(x)
    if x.ndim not in (1, 2):
        msg = (
            f"`x` must be 1-D (n scalar draws) or 2-D (n draws of d-vectors); found ndim {x.ndim}"
        )
        raise ValueError(msg)
    is_discrete = declared or (_kind(x) in "biuUSOM" if discrete is None else discrete)
    if is_discrete and bins is None:
        if max_n is not None:
            msg = (
                "`max_n` subsamples continuous draws for the nearest-neighbour estimators; "
                "discrete draws are counted in full (no subsample is needed)"
            )
            raise ValueError(msg)
        values, counts = _count(x)
        return DaskDraws(x, values, values, counts, int(counts.sum()), None)
    array = x.to_dask_array(lengths=True) if hasattr(x, "to_dask_array") else x
    if any(math.isnan(c) for c in array.chunks[0]):
        array = array.compute_chunk_sizes()  # one pass: the number of draws per partition
    n = int(array.shape[0])
    d = 1 if array.ndim == 1 else int(array.shape[1])
    if bins is not None:  # counted per partition over shared edges (`_dask_bins`)
        return DaskDraws(array, np.asarray(array[: min(n, 1)].compute()), None, None, n, None)
    if max_n is not None and n > max_n:
        held = np.asarray(array[subsample_indices(n, max_n)].compute())
        return DaskDraws(held, held, held, None, max_n, n)
    if n * d <= MAX_IN_MEMORY:
        held = np.asarray(array.compute())
        return DaskDraws(held, held, held, None, n, None)
    return DaskDraws(array, np.asarray(array[: min(n, 1)].compute()), None, None, n, None)


def subsample_indices(n: int, m: int) -> np.ndarray[Any, Any]:
    """`m` of the row indices ``0 .. n - 1``, without replacement, sorted, seeded by
    `SUBSAMPLE_SEED`: the same rows whatever the partitions (and in memory)."""
    rng = np.random.default_rng(SUBSAMPLE_SEED)
    return np.sort(rng.choice(n, size=m, replace=False))


def lazy_message(n: int, d: int) -> str:
    return (
        f"`x` is a dask array of {n} continuous draws (d = {d}), more than the "
        f"{MAX_IN_MEMORY} values held in memory: nearest-neighbour and spacing estimators "
        "(and the bias diagnostics) need the draws themselves. Give Samples(x, max_n=m) for a "
        "seeded subsample of m draws (every estimate and standard error is then that of m "
        "draws), bins or discrete=True to count them, or a model: cross_entropy(Samples(x), "
        "model) runs by chunks"
    )


# ------------------------------------------------------------------------------- counting
def _tally(block: Any) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The distinct values of a block (rows for 2-D) and how often each occurs."""
    values = np.asarray(block)
    if values.shape[0] == 0:
        return values, np.zeros(0, dtype=np.int64)
    try:
        u, c = np.unique(values, axis=0 if values.ndim > 1 else None, return_counts=True)
        return u, c.astype(np.int64)
    except TypeError:  # objects that do not sort together (text and None): count by key
        return _tally_keys(values, np.ones(values.shape[0], dtype=np.int64))


def _tally_keys(
    values: np.ndarray[Any, Any], weights: np.ndarray[Any, Any]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    found: dict[Any, int] = {}
    for v, w in zip(values, weights, strict=True):
        key = category_key(v)
        key = _NA if is_missing(key) else key
        found[key] = found.get(key, 0) + int(w)
    u = np.empty(len(found), dtype=object)
    u[:] = list(found)
    if values.ndim > 1:
        u = np.array([list(r) for r in found], dtype=object)
    return u, np.fromiter(found.values(), dtype=np.int64, count=len(found))


def _merge(
    *parts: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]],
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Partial counts summed over their distinct values (a tree step of the reduction)."""
    kept = [(u, c) for u, c in parts if c.shape[0]] or list(parts[:1])
    if len({"text" if u.dtype.kind in "USO" else "number" for u, _ in kept}) > 1:
        kept = [(u.astype(object), c) for u, c in kept]  # 1 and "1" are different categories
    values = np.concatenate([u for u, _ in kept])
    counts = np.concatenate([c for _, c in kept])
    try:
        u, inverse = np.unique(values, axis=0 if values.ndim > 1 else None, return_inverse=True)
        total = np.zeros(u.shape[0], dtype=np.int64)
        np.add.at(total, inverse.reshape(-1), counts)
    except TypeError:
        u, total = _tally_keys(values, counts)
    if u.shape[0] > MAX_CELLS:
        msg = (
            f"`x` holds more than {MAX_CELLS:,} distinct values: too many categories to count "
            "(continuous draws? give discrete=False, or bins)"
        )
        raise ValueError(msg)
    return u, total


def _count(x: Any) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Distinct values and counts of a dask Series (``value_counts``) or array (a tree of
    per-block `_tally`, merged `_SPLIT_EVERY` at a time)."""
    dask = _dask()
    if _is_series(x):
        vc = x.value_counts(dropna=False, split_every=_SPLIT_EVERY, split_out=1).compute()
        vc = vc[vc.to_numpy() > 0]  # a categorical dtype lists unobserved categories too
        values = np.asarray(vc.index.to_numpy())
        return _merge((values, vc.to_numpy().astype(np.int64)))  # one missing category
    parts = [dask.delayed(_tally)(b) for b in x.to_delayed().ravel()]
    while len(parts) > 1:
        step = _SPLIT_EVERY
        parts = [dask.delayed(_merge)(*parts[i : i + step]) for i in range(0, len(parts), step)]
    values, counts = dask.compute(parts[0])[0]
    return values, counts


def dask_counts_vector(c: Any) -> Any:
    """A dask array or Series of counts (a histogram: one number per category), computed."""
    shape = tuple(c.shape) if hasattr(c, "chunks") else ()
    if shape and not any(math.isnan(s) for s in shape) and math.prod(shape) > MAX_CELLS:
        msg = f"`c` holds {math.prod(shape):,} counts; at most {MAX_CELLS:,} are allowed"
        raise ValueError(msg)
    return c.compute()


def dask_of(
    x: Any, discrete: bool | None, bins: Any, categories: Any, support: Any, max_n: Any
) -> DaskDraws | None:
    """Dask draws as `Samples` holds them (see ``infoloss.data._dask``), else None."""
    if max_n is not None and (
        isinstance(max_n, bool) or not isinstance(max_n, int | np.integer) or max_n < 2
    ):
        msg = f"`max_n` must be an integer >= 2 (draws in the subsample) or None; found {max_n!r}"
        raise ValueError(msg)
    if not is_dask(x):
        if max_n is not None:
            msg = "`max_n` subsamples dask draws; draws in memory are used in full"
            raise ValueError(msg)
        return None
    declared = categories is not None or support is not None
    return dask_draws(x, discrete, declared, None if max_n is None else int(max_n), bins)
