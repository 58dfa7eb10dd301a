"""Data against a model: the negative log-likelihood, KL as NLL minus an entropy, draws.

`p` data against a model `q` (an infoloss or SciPy distribution, or probabilities): the
cross-entropy is the mean negative log-likelihood of the data under the model — exactly the
cross-entropy of the empirical distribution, an unbiased estimate of H(P, Q), differentiable in
the model's parameters — and KL is that minus an entropy estimate of the data. A model against
data otherwise (``q`` data, or JS) is represented by ``n`` draws from it.
"""

from __future__ import annotations

import math
from typing import Any

import array_api_compat
import numpy as np

from .._core import MEASURE_NAMES, Estimate, Namespace, Options, heavy_tail_limit, tail_index
from ..discrete import Categorical
from ..distributions import Distribution, as_parametric
from ._between_data import (
    categories_and_counts,
    entropy_estimate,
    indices_against,
    is_discrete,
)
from ._bias import checked_bias
from ._dask_nll import chunked_mean_nll, tail_draws
from ._estimators import _counts, _knn
from ._samples import Counts, Samples, to_numpy

__all__ = ["mean_nll"]


# --------------------------------------------------------------------------- data vs model
def as_model(x: Any, name: str, opts: Options) -> Distribution | Categorical:
    """The model `x` as a distribution: infoloss or SciPy, or probabilities (`Categorical`)."""
    dist = as_parametric(x, name)
    if dist is not None:
        return dist
    if isinstance(x, Categorical):
        return x
    from .._core import namespace

    xp = namespace(x, names=(name,))
    cat = Categorical._from_input(
        x, opts.axis, name, validate=opts.validate, normalize=opts.normalize, xp=xp
    )
    if not cat._checked:
        cat._check()
    return cat


class Like(Distribution):
    """Carries an array library, dtype and device for `Distribution._like`."""

    def __init__(self, xp: Namespace, x: Any) -> None:
        self.xp = xp
        floating = xp.isdtype(x.dtype, "real floating")
        self._dtype = x.dtype if floating else xp.asarray(0.0).dtype
        self._device = array_api_compat.device(x)

    @property
    def dtype(self) -> Any:
        return self._dtype

    @property
    def device(self) -> Any:
        return self._device


def _adopt(model: Distribution, D: Samples | Counts) -> Distribution:
    """A model given by Python numbers takes the library of array data (torch draws: torch)."""
    if model._scalars and isinstance(D, Samples) and D.xp is not np and D.xp is not model.xp:
        return model._like(Like(D.xp, D.data))
    return model


def mean_nll(D: Samples | Counts, model: Distribution | Categorical) -> tuple[Any, Any, Namespace]:
    """Mean negative log-likelihood of the data under the model, its standard error, library.

    The model's parameters keep their autograd graph; a model of Python numbers moves to the
    data's array library.
    """
    if isinstance(model, Categorical):
        return _nll_categorical(D, model)
    model = _adopt(model, D)
    xp = model.xp
    if isinstance(D, Counts):
        if D.categories is None or D.categories.dtype.kind not in "iuf":
            msg = (
                "`p` is Counts without numeric categories; against a parametric model it "
                "needs the values counted: Counts(c, categories=values)"
            )
            raise TypeError(msg)
        x = D.categories
        weights = D.counts
    else:
        if D.discrete and D._np.dtype.kind not in "iubf":
            msg = (
                f"`p` holds categories of dtype {D._np.dtype}; a {type(model).__name__} "
                "model is over numbers"
            )
            raise TypeError(msg)
        x, weights = D.data, None
        if D._weights is not None:  # dask draws, counted: distinct values and their counts
            x, weights = D._np, D._weights
        elif D._held is None:  # continuous dask draws: chunk by chunk
            return chunked_mean_nll(D.data, model)
    x = _in_library(x, xp, model)
    event = len(model.event_shape)
    if event == 0 and x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 1 + event or tuple(x.shape[1:]) != tuple(model.event_shape):
        msg = (
            f"`p` draws of shape {tuple(x.shape[1:])} do not fit the events of the model "
            f"{type(model).__name__}, of shape {tuple(model.event_shape)}"
        )
        raise ValueError(msg)
    batch = len(model.batch_shape)
    x = xp.reshape(x, (x.shape[0], *([1] * batch), *x.shape[1:]))
    lp = model.log_prob(x)
    if weights is None:
        n = lp.shape[0]
        mean = -xp.mean(lp, axis=0)
        spread = xp.std(lp, axis=0, correction=1) if n > 1 else xp.full_like(mean, xp.inf)
        se = spread / math.sqrt(n)
        return mean, se, xp
    return _weighted_nll(lp, weights, model, batch)


def _in_library(x: Any, xp: Namespace, model: Distribution) -> Any:
    if array_api_compat.is_array_api_obj(x) and array_api_compat.array_namespace(x) is xp:
        return x if xp.isdtype(x.dtype, "real floating") else xp.astype(x, model.dtype)
    return xp.asarray(to_numpy(x).astype(np.float64), dtype=model.dtype, device=model.device)


def _nll_categorical(D: Samples | Counts, model: Categorical) -> tuple[Any, Any, Namespace]:
    """Data as outcome indices (or counts by position) against probabilities."""
    lq = model.log_probs
    if lq.ndim != 1:
        msg = (
            "against data, the model's probabilities must be one distribution (1-D); found "
            f"shape {tuple(lq.shape)}"
        )
        raise ValueError(msg)
    return _weighted_nll(lq, _indexed_counts(D, lq.shape[0]), model, 0)


def _indexed_counts(D: Samples | Counts, size: int) -> np.ndarray[Any, Any]:
    """The data's counts of the outcomes 0..size-1 of a probability vector."""
    cats, counts = categories_and_counts(D)
    if cats is None:
        if counts.shape[0] != size:
            msg = (
                f"the categories do not match: `p` has {counts.shape[0]} counts and the model "
                f"{size} probabilities"
            )
            raise ValueError(msg)
        return counts
    if cats.dtype.kind not in "iub":
        raise not_indices(cats.dtype)
    return indices_against(cats.astype(np.intp), counts, None, np.zeros(size))[0]


def not_indices(dtype: Any) -> TypeError:
    msg = (
        f"`p` holds categories of dtype {dtype}; against probabilities they must be outcome "
        "indices 0..K-1 (or give Counts aligned with the probabilities)"
    )
    return TypeError(msg)


def _weighted_nll(
    lp: Any, weights: np.ndarray[Any, Any], model: Any, batch: int
) -> tuple[Any, Any, Namespace]:
    """Mean and standard error of -log p over data given as values with multiplicities."""
    xp = model.xp
    w = xp.asarray(weights, dtype=lp.dtype, device=model.device)
    w = xp.reshape(w, (w.shape[0], *([1] * batch)))
    total = float(np.sum(weights))
    terms = xp.where(w > 0, lp, xp.zeros_like(lp))  # 0 * log 0 = 0 for unobserved values
    mean = -xp.sum(w * terms, axis=0) / total
    dev = xp.where(w > 0, terms + mean, xp.zeros_like(lp))
    var = xp.sum(w * dev**2, axis=0) / max(total - 1, 1)
    return mean, xp.sqrt(var / total), xp


def kinds_match(D: Samples | Counts, model: Any, measure: str) -> None:
    """KL and the two-sample routes need data and model of one kind: pmf or density."""
    model_discrete = isinstance(model, Categorical) or bool(model.discrete)
    data_discrete = is_discrete(D) and not (isinstance(D, Samples) and D.bins is not None)
    if model_discrete == data_discrete:
        return
    name = type(model).__name__
    if data_discrete:
        msg = (
            f"{MEASURE_NAMES[measure]} between discrete data and a continuous model ({name}) "
            "compares a probability mass with a density, and is not defined; to treat the data "
            "as real numbers, pass Samples(x, discrete=False)"
        )
    else:
        msg = (
            f"{MEASURE_NAMES[measure]} between continuous data and a discrete model ({name}) "
            "compares a density with a probability mass, and is not defined; for whole-number "
            "data pass Samples(x, discrete=True)"
        )
    raise TypeError(msg)


def data_vs_model(
    measure: str, P: Samples | Counts, model: Any, method: str | None, k: Any, rng: Any
) -> Estimate:
    if isinstance(P, Samples) and P.bins is not None:
        msg = (
            "`bins` bins two samples alike; against a model pass the draws themselves (the "
            "likelihood of each draw, not of its bin, is the cross-entropy)"
        )
        raise TypeError(msg)
    if measure == "kl_divergence":
        kinds_match(P, model, measure)
        if isinstance(P, Samples) and not P.discrete and P._held is None:
            P.values()  # refuses continuous dask draws not in memory, before any pass
    if isinstance(model, Distribution):  # the stderr and the tail check use it too
        model = _adopt(model, P)
    mean, se, xp = mean_nll(P, model)
    if bool(xp.any(xp.isinf(mean))):
        _warn_infinite(model)
    else:
        _warn_heavy_tail(P, model)
    n = int(P.n)
    if measure == "cross_entropy":
        if method not in (None, "nll"):
            msg = (
                "`method` for the cross-entropy of data against a model must be 'nll' (the mean "
                f"negative log-likelihood, its only estimator); found {method!r}"
            )
            raise ValueError(msg)
        return Estimate(mean, se, "nll", n)
    try:
        h, h_se, label = entropy_estimate(P, method, k, 0.0, rng)
    except ValueError as exc:
        msg = (
            f"KL(data ‖ model) = NLL - entropy of the data, and `method` names the estimator "
            f"of that entropy: {exc}"
        )
        raise ValueError(msg) from None
    value = mean - h
    stderr = _kl_model_stderr(P, model, label, se, h_se)
    # the mean NLL is unbiased: the bias is the entropy term's, one number for every model of
    # a batch, judged against the smallest standard error of the batch
    bias = checked_bias(
        measure,
        lambda d: entropy_estimate(d[0], method, k, 0.0, rng)[0],
        (P,),
        h,
        float(np.min(_to_plain(stderr))),
        f"nll-{label}",
        rng,
        sign=-1.0,
    )
    b = None if bias is None else xp.full_like(xp.asarray(value), bias)
    return Estimate(value, stderr, f"nll-{label}", n, bias=b)


def _warn_infinite(model: Any) -> None:
    import warnings

    from ._estimators._counts import InfiniteEstimateWarning

    msg = (
        f"the negative log-likelihood is +inf: the model ({type(model).__name__}) gives "
        "probability 0 to some of the data (outside its support, or a category it never "
        "produces); check the data, or use a model whose support covers them"
    )
    warnings.warn(msg, InfiniteEstimateWarning, stacklevel=6)


# The NLL's tail index γ (P(NLL > s) ~ s^(-1/γ)) above which the mean-NLL interval is not
# trusted. Measured (benchmarks/bench_discrete_pairs.py --section model: 400 replicates, seeds
# default_rng((10ν, n)); X ~ t_ν against N(0, 1), so γ = 2/ν; n = 10^3 / 10^4): 95% coverage of
# the cross-entropy 0.51/0.55 (t_2.5), 0.79/0.84 (t_3), 0.85/0.92 (t_4), 0.92/0.95 (t_5),
# 0.94/0.96 (t_8), 0.96/0.97 (normal). Warned (the moment estimator with k = n^0.7; 400
# replicates, seeds default_rng(r)): 1.00/1.00 (t_2.5), 0.995/1.00 (t_3), 0.95/1.00 (t_4),
# 0.81/0.91 (t_5), 0.33/0.03 (t_8), 0/0 (normal). Below n = 1000 the index is noisier and
# the threshold is 0.5 (1000 replicates: normal draws warn in 0.009 at n = 200 and none at
# n = 500, where 0.4 gave 0.072 and 0.009; t_3 in 0.85 and 0.94).
def _warn_heavy_tail(D: Samples | Counts, model: Any) -> None:
    """`HeavyTailWarning` when the NLL's upper tail index is heavy (`heavy_tail_limit`)."""
    import warnings

    from .._core import HeavyTailWarning

    if isinstance(model, Distribution) and model.batch_shape:
        return  # a batch of models: not checked
    w: np.ndarray[Any, Any] | None
    if isinstance(model, Categorical):
        lq = _to_plain(model.log_probs)
        nll, w = -lq, _indexed_counts(D, lq.shape[0])
    elif isinstance(D, Counts):
        x = _in_library(D.categories, model.xp, model)
        nll, w = -_to_plain(model.log_prob(x)), np.asarray(D.counts, dtype=np.float64)
    else:
        draws, w = (D.data, None) if D._weights is None else (D._np, D._weights)
        if D._held is None:  # continuous dask draws: a seeded subsample
            draws = tail_draws(D.data, D.n)
        x = _in_library(draws, model.xp, model)
        if len(model.event_shape) == 0 and x.ndim == 2 and x.shape[1] == 1:
            x = x[:, 0]
        nll = -_to_plain(model.log_prob(x))
    gamma = tail_index(nll, w)
    n = nll.size if w is None else float(np.sum(w))
    if not gamma > heavy_tail_limit(n):
        return
    msg = (
        f"the negative log-likelihood of the data under the model ({type(model).__name__}) "
        f"has a heavy upper tail (tail index {gamma:.2f}: its moments of order "
        f"{1 / gamma:.1f} and above are infinite, and with none of order 2 the mean has no "
        "normal limit): the standard error is unreliable and the interval undercovers "
        "(measured 95% coverage 0.52–0.78 for t_2.5 and t_3 draws against a normal); remedy: "
        "a model with heavier tails (a Student t), or treat the value as a rough guide"
    )
    warnings.warn(msg, HeavyTailWarning, stacklevel=6)


def _kl_model_stderr(D: Samples | Counts, model: Any, label: str, se: Any, h_se: float) -> Any:
    """The standard error of NLL - entropy, with the correlation of the two where known.

    For discrete data both are functions of the same counts and the count module's
    `kl_model` accounts for their covariance; for continuous data the two standard errors are
    combined as if independent (the terms are positively correlated, so this overstates it).
    """
    if int(getattr(se, "ndim", 0)) > 0:
        return (se**2 + h_se**2) ** 0.5
    if not is_discrete(D):
        return _kl_model_stderr_knn(D, model, label, se, h_se)
    if isinstance(model, Categorical):
        lq = _to_plain(model.log_probs)
        counts = _indexed_counts(D, lq.shape[0])
    else:
        cats, counts = categories_and_counts(D)
        if cats is None:
            return (se**2 + h_se**2) ** 0.5
        x = _in_library(cats, model.xp, model)
        lq = _to_plain(model.log_prob(x))
    with np.errstate(divide="ignore", invalid="ignore"):
        _, kl_se = _counts.kl_model(counts, lq, label)
    return model.xp.asarray(kl_se, dtype=se.dtype, device=model.device)


def _kl_model_stderr_knn(D: Samples | Counts, model: Any, label: str, se: Any, h_se: float) -> Any:
    """sd(-log q(x_i) - influence_i) / sqrt(n), the kNN entropy's influence per draw."""
    assert isinstance(D, Samples)
    method, _, k = label.partition("(k=")
    influence = _knn.entropy_influence(D.values(), int(k[:-1]) if k else None, method)
    if influence is None or D.n < 2:
        return (se**2 + h_se**2) ** 0.5
    x = _in_library(D.data, model.xp, model)
    if len(model.event_shape) == 0 and x.ndim == 2:
        x = x[:, 0]
    terms = -_to_plain(model.log_prob(x)) - influence
    kl_se = float(np.std(terms, ddof=1)) / math.sqrt(D.n)
    return model.xp.asarray(kl_se, dtype=se.dtype, device=model.device)


def _to_plain(a: Any) -> np.ndarray[Any, Any]:
    return np.asarray(to_numpy(a), dtype=np.float64)


def draws_from(model: Any, n: int, rng: Any, like: Samples | Counts) -> Samples:
    """`n` draws from the model, as samples of the same kind as the data."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        msg = f"`n` must be an integer >= 2 (the number of draws from the model); found {n!r}"
        raise ValueError(msg)
    if rng is not None and not isinstance(rng, np.random.Generator):
        # a stream of its own: data drawn with default_rng(seed) must not equal these draws
        rng = np.random.default_rng(np.random.SeedSequence(rng, spawn_key=(1,)))
    if isinstance(model, Distribution) and model.batch_shape:
        msg = (
            "against data, the model must be one distribution (batch shape ()); found "
            f"{model.batch_shape}"
        )
        raise ValueError(msg)
    x = model.sample(n, rng=rng)
    if isinstance(like, Samples) and like.bins is not None:
        return Samples(x, bins=like.bins)
    return Samples(x, discrete=is_discrete(like))
