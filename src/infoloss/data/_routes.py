"""The routes of data (`Samples`, `Counts`): estimates, with standard errors.

Routes, registered for the kinds of the arguments:

- one data set: an entropy estimate (`_between_data`);
- two data sets: counts or discrete draws are aligned on the union of their categories for the
  count estimators; continuous draws go to the nearest-neighbour and spacing estimators;
- data `p` against a model `q` (an infoloss or SciPy distribution, or probabilities): the
  cross-entropy is the mean negative log-likelihood of the data under the model, exactly the
  cross-entropy of the empirical distribution and an unbiased estimate of H(P, Q); KL is that
  minus an entropy estimate of the data (`_model`);
- a model against data otherwise (``q`` data, or JS): the model is represented by ``n`` draws
  (seeded by ``rng``) and the two-sample estimator is used.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import array_api_compat
import numpy as np

from .._core import Estimate, Namespace, Options, register_route
from ..discrete import Categorical
from ..distributions import Distribution
from ._between_data import (
    as_generator,
    categories_and_counts,
    check_options,
    entropy_estimate,
    is_data,
    refuse,
    two_data,
    xp_of,
)
from ._bias import checked_bias
from ._model import as_model, data_vs_model, draws_from, kinds_match, not_indices
from ._samples import Counts, Samples

__all__ = ["DATA_KINDS"]

DATA_KINDS = (Samples, Counts)
Route = Callable[[str, tuple[Any, ...], Options], tuple[Estimate, Namespace]]


def _estimating(route: Route) -> Route:
    """Checks the estimators' options; NumPy's warnings are silenced inside (log 0 = -inf is an
    intended value); infinite estimates warn with `InfiniteEstimateWarning` instead."""

    @functools.wraps(route)
    def run(measure: str, args: tuple[Any, ...], opts: Options) -> tuple[Estimate, Namespace]:
        check_options(opts.k, opts.pseudocount)
        if opts.method is not None and type(opts.method) is not str:
            msg = f"`method` must be a string or None; found {type(opts.method).__name__}"
            raise TypeError(msg)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return route(measure, args, opts)

    return run


@_estimating
def _one_data(measure: str, args: tuple[Any, ...], opts: Options) -> tuple[Estimate, Namespace]:
    (D,) = args
    xp = xp_of(D)

    def run(data: tuple[Any, ...]) -> tuple[float, float, str]:
        return entropy_estimate(data[0], opts.method, opts.k, opts.pseudocount, opts.rng)

    v, se, label = run(args)
    bias = checked_bias(measure, lambda d: run(d)[0], args, v, se, label, opts.rng)
    return _estimate(v, se, label, D.n, xp, args, bias), xp


@_estimating
def _two_data(measure: str, args: tuple[Any, ...], opts: Options) -> tuple[Estimate, Namespace]:
    P, Q = args
    xp = xp_of(P, Q)

    def run(data: tuple[Any, ...]) -> tuple[float, float, str]:
        return two_data(measure, data[0], data[1], opts.method, opts.k, opts.pseudocount, opts.rng)

    v, se, label = run(args)
    bias = checked_bias(measure, lambda d: run(d)[0], args, v, se, label, opts.rng)
    return _estimate(v, se, label, P.n, xp, args, bias), xp


@_estimating
def _data_and_model(
    measure: str, args: tuple[Any, ...], opts: Options
) -> tuple[Estimate, Namespace]:
    if opts.pseudocount:
        refuse("pseudocount", opts.pseudocount, "it smooths two count vectors against each other")
    P, Q = args
    xp = xp_of(P, Q)
    if is_data(P) and measure in ("cross_entropy", "kl_divergence"):
        model = as_model(Q, "q", opts)
        P = _valued(P, model)
        est = data_vs_model(measure, P, model, opts.method, opts.k, opts.rng)
        return est, model.xp
    # a model against data: the model is represented by `n` draws
    data, (name, model) = (P, ("q", Q)) if is_data(P) else (Q, ("p", P))
    m = as_model(model, name, opts)
    data = _valued(data, m)
    P, Q = (data, Q) if is_data(P) else (P, data)
    kinds_match(data, m, measure)
    if isinstance(m, Categorical):
        cats = categories_and_counts(data)[0]
        if cats is not None and cats.dtype.kind not in "iub":
            raise not_indices(cats.dtype)
    n, rng = opts.n, opts.rng
    draws = draws_from(m, n, rng, data)
    seed = as_generator(rng).integers(2**63) if rng is not None else None
    pair = (P, draws) if is_data(P) else (draws, Q)

    def run(data: tuple[Any, ...]) -> tuple[float, float, str]:
        return two_data(measure, data[0], data[1], opts.method, opts.k, 0.0, seed)

    v, se, label = run(pair)
    label = f"{label}+draws(n={n})"
    bias = checked_bias(measure, lambda d: run(d)[0], pair, v, se, label, seed)
    return _estimate(v, se, label, pair[0].n, xp, args, bias), xp


for _D in DATA_KINDS:
    register_route(_D)(_one_data)
    for _E in DATA_KINDS:
        register_route(_D, _E)(_two_data)
    for _M in (Categorical, Distribution):
        register_route(_D, _M)(_data_and_model)
        register_route(_M, _D)(_data_and_model)


def _valued(D: Any, model: Any) -> Any:
    """Unnamed counts against a model over the integers count the values 0, 1, ..., K - 1."""
    integers = isinstance(model, Distribution) and model.discrete and not model.event_shape
    if integers and isinstance(D, Counts) and D.categories is None:
        return Counts(D.counts, categories=np.arange(D.counts.shape[0]), support=D.support)
    return D


def _estimate(
    v: float,
    se: float,
    label: str,
    n: Any,
    xp: Namespace,
    args: tuple[Any, ...],
    bias: float | None = None,
) -> Estimate:
    dtype = _result_dtype(xp, args)
    b = None if bias is None else xp.asarray(bias, dtype=dtype)
    return Estimate(xp.asarray(v, dtype=dtype), xp.asarray(se, dtype=dtype), label, int(n), bias=b)


def _result_dtype(xp: Namespace, args: tuple[Any, ...]) -> Any:
    """The data's floating dtype; else float64 (the library's default under JAX's 32 bits)."""
    for a in args:
        if not (isinstance(a, Samples) and a.xp is xp):
            continue
        dtype = a.data.dtype  # a dask Series may have a pandas dtype: not a floating one
        if (xp is not np or isinstance(dtype, np.dtype)) and xp.isdtype(dtype, "real floating"):
            return dtype
    if array_api_compat.is_jax_namespace(xp):
        return xp.__array_namespace_info__().default_dtypes()["real floating"]
    return xp.float64
