"""Measures where an argument is data (`Samples`, `Counts`): estimates, with standard errors.

Routes, chosen from the kinds of the arguments:

- counts or discrete draws (two arguments aligned on the union of their categories): the count
  estimators of `_estimators._counts`;
- continuous draws: the nearest-neighbour and spacing estimators of `_estimators._knn`;
- data `p` against a model `q` (an infoloss or SciPy distribution, or probabilities): the
  cross-entropy is the mean negative log-likelihood of the data under the model, exactly the
  cross-entropy of the empirical distribution and an unbiased estimate of H(P, Q); KL is that
  minus an entropy estimate of the data;
- a model against data otherwise (``q`` data, or JS): the model is represented by ``n`` draws
  (seeded by ``rng``) and the two-sample estimator is used.
"""

from __future__ import annotations

from typing import Any

import array_api_compat
import numpy as np

from .._core._array_api import Namespace
from .._core._estimate import Estimate
from ..discrete._categorical import Categorical
from ..distributions._base import Distribution
from ._model import (
    _data_vs_model,
    _draws,
    _kinds_match,
    _model,
    _not_indices,
    mean_nll,
)
from ._routes import (
    _categories_and_counts,
    _check_options,
    _entropy,
    _refuse,
    _rng,
    _two_data,
    _xp_of,
    is_data,
)
from ._samples import Counts, Samples

__all__ = ["data_measure", "is_data", "mean_nll"]


# ------------------------------------------------------------------------------- the entry
def data_measure(
    measure: str, args: tuple[Any, ...], **options: Any
) -> tuple[Estimate, Namespace]:
    """The estimate (in nats) of `measure` where one or both arguments are data.

    Options: ``method``, ``k``, ``pseudocount``, ``n``, ``rng`` and ``ctx`` (the options of
    plain probability arrays: axis, validate, normalize). Returned with the array library it
    is in: the data's, or the model's (whose gradient a negative log-likelihood keeps).
    NumPy's warnings are silenced inside (log 0 = -inf is an intended value); infinite
    estimates warn with `InfiniteEstimateWarning` instead.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _data_measure(measure, args, **options)


def _data_measure(
    measure: str,
    args: tuple[Any, ...],
    *,
    method: str | None,
    k: int | None,
    pseudocount: float,
    n: int,
    rng: Any,
    ctx: dict[str, Any],
) -> tuple[Estimate, Namespace]:
    _check_options(k, pseudocount)
    if method is not None and type(method) is not str:
        msg = f"`method` must be a string or None; found {type(method).__name__}"
        raise TypeError(msg)
    xp = _xp_of(*args)
    if len(args) == 1:
        (D,) = args
        v, se, label = _entropy(D, method, k, pseudocount, rng)
        return _estimate(v, se, label, D.n, xp, args), xp
    P, Q = args
    if is_data(P) and is_data(Q):
        v, se, label = _two_data(measure, P, Q, method, k, pseudocount, rng)
        return _estimate(v, se, label, P.n, xp, args), xp
    if pseudocount:
        _refuse("pseudocount", pseudocount, "it smooths two count vectors against each other")
    if is_data(P) and measure in ("cross_entropy", "kl_divergence"):
        model = _model(Q, "q", ctx)
        return _data_vs_model(measure, _valued(P, model), model, method, k, rng), model.xp
    # a model against data: the model is represented by `n` draws
    data, (name, model) = (P, ("q", Q)) if is_data(P) else (Q, ("p", P))
    m = _model(model, name, ctx)
    data = _valued(data, m)
    P, Q = (data, Q) if is_data(P) else (P, data)
    _kinds_match(data, m, measure)
    if isinstance(m, Categorical):
        cats = _categories_and_counts(data)[0]
        if cats is not None and cats.dtype.kind not in "iub":
            raise _not_indices(cats.dtype)
    draws = _draws(m, n, rng, data)
    seed = _rng(rng).integers(2**63) if rng is not None else None
    pair = (P, draws) if is_data(P) else (draws, Q)
    v, se, label = _two_data(measure, pair[0], pair[1], method, k, 0.0, seed)
    return _estimate(v, se, f"{label}+draws(n={n})", pair[0].n, xp, args), xp


def _valued(D: Any, model: Any) -> Any:
    """Unnamed counts against a model over the integers count the values 0, 1, ..., K - 1."""
    integers = isinstance(model, Distribution) and model.discrete and not model.event_shape
    if integers and isinstance(D, Counts) and D.categories is None:
        return Counts(D.counts, categories=np.arange(D.counts.shape[0]))
    return D


def _estimate(
    v: float, se: float, label: str, n: Any, xp: Namespace, args: tuple[Any, ...]
) -> Estimate:
    dtype = _result_dtype(xp, args)
    return Estimate(xp.asarray(v, dtype=dtype), xp.asarray(se, dtype=dtype), label, int(n))


def _result_dtype(xp: Namespace, args: tuple[Any, ...]) -> Any:
    """The data's floating dtype; else float64 (the library's default under JAX's 32 bits)."""
    for a in args:
        if isinstance(a, Samples) and a.xp is xp and xp.isdtype(a.data.dtype, "real floating"):
            return a.data.dtype
    if array_api_compat.is_jax_namespace(xp):
        return xp.__array_namespace_info__().default_dtypes()["real floating"]
    return xp.float64
