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

import math
from typing import Any

import numpy as np

from ._array_api import Namespace
from ._categorical import Categorical
from ._data import Counts, Samples, align_counts, binned_counts, has_missing
from ._estimate import Estimate
from ._estimators._common import choose
from .distributions._base import Distribution
from .distributions._scipy import as_parametric

__all__ = ["data_measure", "is_data", "mean_nll"]

_WHAT = {
    "entropy": "entropy",
    "cross_entropy": "cross-entropy",
    "kl_divergence": "KL divergence",
    "js_divergence": "Jensen-Shannon divergence",
}
_TABLE = {"cross_entropy": "CROSS_ENTROPY", "kl_divergence": "KL", "js_divergence": "JS"}


def is_data(x: Any) -> bool:
    return isinstance(x, Samples | Counts)


def _counts_module() -> Any:
    import importlib

    return importlib.import_module("._estimators._counts", __package__)


def _knn_module() -> Any:
    import importlib

    return importlib.import_module("._estimators._knn", __package__)


def _table(module: Any, measure: str, what: str) -> tuple[dict[str, Any], str]:
    name = "ENTROPY" if measure == "entropy" else _TABLE[measure]
    table = getattr(module, name, None)
    if not table:
        msg = f"{_WHAT[measure]} is not estimated from {what} yet"
        raise NotImplementedError(msg)
    return table, getattr(module, f"DEFAULT_{name}", next(iter(table)))


def _check_options(k: Any, pseudocount: Any) -> None:
    if k is not None and (isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1):
        msg = f"`k` must be a positive integer (neighbours) or None; found {k!r}"
        raise ValueError(msg)
    if isinstance(pseudocount, bool) or not isinstance(pseudocount, int | float | np.number):
        msg = f"`pseudocount` must be a number >= 0; found {pseudocount!r}"
        raise TypeError(msg)
    if not (math.isfinite(pseudocount) and pseudocount >= 0):
        msg = f"`pseudocount` must be a finite number >= 0; found {pseudocount!r}"
        raise ValueError(msg)


def _refuse(option: str, value: Any, route: str) -> None:
    msg = f"`{option}`={value!r} does not apply here: {route}"
    raise ValueError(msg)


def _label(method: str, k: int | None) -> str:
    return method if k is None else f"{method}(k={k})"


def _rng(rng: Any) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


# ------------------------------------------------------------------------------- the kinds
def _is_discrete(x: Samples | Counts) -> bool:
    return isinstance(x, Counts) or x.discrete


def _xp_of(*xs: Any) -> Namespace:
    for x in xs:
        if is_data(x) and x.xp is not np:
            return x.xp
    return np


# ----------------------------------------------------------------------------- one argument
def _entropy(
    D: Samples | Counts, method: str | None, k: int | None, pseudocount: float, rng: Any
) -> tuple[float, float, str]:
    if pseudocount:
        _refuse("pseudocount", pseudocount, "it smooths two count vectors against each other")
    if isinstance(D, Counts) or D.discrete:
        if k is not None:
            _refuse("k", k, "it is the number of neighbours of continuous draws")
        table, default = _table(_counts_module(), "entropy", "counts")
        name = method or default
        if isinstance(D, Samples) and _has_nan(D):
            return math.nan, math.nan, name
        counts = D.counts if isinstance(D, Counts) else D.counts()[1]
        v, se = choose(name, table, "entropy from counts or discrete samples")(counts)
        return float(v), float(se), name
    table, default = _table(_knn_module(), "entropy", "continuous samples")
    name = method or default
    if _has_nan(D):
        return math.nan, math.nan, _label(name, k)
    v, se = choose(name, table, "entropy from continuous samples")(D.values(), k, _rng(rng))
    return float(v), float(se), _label(name, k)


def _has_nan(s: Samples) -> bool:
    return has_missing(s._np)


# ---------------------------------------------------------------------------- two data sets
def _aligned_counts(
    P: Samples | Counts, Q: Samples | Counts
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Both arguments' counts over one list of categories."""
    if isinstance(P, Samples) and isinstance(Q, Samples):
        bins = P.bins if P.bins is not None else Q.bins
        if P.bins is not None and Q.bins is not None and not _same_bins(P.bins, Q.bins):
            msg = (
                f"`p` and `q` are binned differently (bins={P.bins!r} and bins={Q.bins!r}); "
                "give both the same bins (the edges are then computed on the pooled draws)"
            )
            raise ValueError(msg)
        if bins is not None:
            _, (cp, cq) = binned_counts((P, Q), bins)
            return cp, cq
        if _has_nan(P) or _has_nan(Q):
            nan = np.full(1, np.nan)
            return nan, nan
        _, (cp, cq) = align_counts((P, Q))
        return cp, cq
    cats_p, cp = _categories_and_counts(P)
    cats_q, cq = _categories_and_counts(Q)
    return _align_by_name(cats_p, cp, cats_q, cq)


def _same_bins(a: Any, b: Any) -> bool:
    if isinstance(a, str | int | np.integer) or isinstance(b, str | int | np.integer):
        return bool(type(a) is type(b) and a == b)
    return bool(np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float)))


def _categories_and_counts(
    D: Samples | Counts,
) -> tuple[np.ndarray[Any, Any] | None, np.ndarray[Any, Any]]:
    if isinstance(D, Counts):
        return D.categories, D.counts
    if _has_nan(D):
        cats, c = D.counts()
        return cats, np.full_like(c, np.nan)
    return D.counts()


def _align_by_name(
    cats_p: np.ndarray[Any, Any] | None,
    cp: np.ndarray[Any, Any],
    cats_q: np.ndarray[Any, Any] | None,
    cq: np.ndarray[Any, Any],
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    if cats_p is None or cats_q is None:
        named = cats_p if cats_p is not None else cats_q
        if named is not None and named.dtype.kind in "iu" and cp.shape != cq.shape:
            # integer draws against positional counts: the draws are indices
            return _indices_against(cats_p, cp, cats_q, cq)
        if cp.shape != cq.shape:
            msg = (
                "the categories do not match: `p` has "
                f"{cp.shape[0]} counts and `q` {cq.shape[0]}, and without category names "
                "counts are aligned by position (give Counts(..., categories=...))"
            )
            raise ValueError(msg)
        if named is not None and named.dtype.kind in "iu":
            return _indices_against(cats_p, cp, cats_q, cq)
        return cp, cq
    keys_p, keys_q = [_hashable(c) for c in cats_p], [_hashable(c) for c in cats_q]
    union = list(dict.fromkeys(keys_p + keys_q))
    where = {key: i for i, key in enumerate(union)}
    ap, aq = np.zeros(len(union)), np.zeros(len(union))
    ap[[where[key] for key in keys_p]] = cp
    aq[[where[key] for key in keys_q]] = cq
    return ap, aq


def _indices_against(
    cats_p: np.ndarray[Any, Any] | None,
    cp: np.ndarray[Any, Any],
    cats_q: np.ndarray[Any, Any] | None,
    cq: np.ndarray[Any, Any],
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Integer draws (categories 0..K-1) against unnamed counts of K categories."""
    if cats_p is None:
        cats, counts, size, name = cats_q, cq, cp.shape[0], "q"
    else:
        cats, counts, size, name = cats_p, cp, cq.shape[0], "p"
    assert cats is not None
    if cats.size and (cats.min() < 0 or cats.max() >= size):
        msg = (
            f"the categories do not match: the draws of `{name}` are read as indices into the "
            f"{size} unnamed counts of the other argument, but they range over "
            f"[{cats.min()}, {cats.max()}]"
        )
        raise ValueError(msg)
    full = np.zeros(size)
    full[cats.astype(np.intp)] = counts
    return (full, cq) if cats_p is not None else (cp, full)


def _hashable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return tuple(v.tolist())
    return v.item() if isinstance(v, np.generic) else v


def _two_data(
    measure: str,
    P: Samples | Counts,
    Q: Samples | Counts,
    method: str | None,
    k: int | None,
    pseudocount: float,
    rng: Any,
) -> tuple[float, float, str]:
    binned = any(isinstance(D, Samples) and D.bins is not None for D in (P, Q))
    if binned or (_is_discrete(P) and _is_discrete(Q)):
        if binned and not all(isinstance(D, Samples) for D in (P, Q)):
            msg = "`bins` bins two samples alike; it cannot be used against Counts"
            raise TypeError(msg)
        if k is not None:
            _refuse("k", k, "it is the number of neighbours of continuous draws")
        cp, cq = _aligned_counts(P, Q)
        table, default = _table(_counts_module(), measure, "counts")
        # a pseudocount asks for the smoothed plug-in: the bias corrections assume raw counts
        name = method or ("plugin" if pseudocount else default)
        fn = choose(name, table, f"{_WHAT[measure]} from counts or discrete samples")
        v, se = fn(cp, cq, float(pseudocount))
        return float(v), float(se), name
    if _is_discrete(P) or _is_discrete(Q):
        kinds = " and ".join(
            f"`{n}` is {'discrete' if _is_discrete(D) else 'continuous'}"
            for n, D in (("p", P), ("q", Q))
        )
        msg = (
            f"both data sets must be discrete or both continuous; found {kinds} (use "
            "Samples(x, discrete=...) or bins=... to say how to compare them)"
        )
        raise TypeError(msg)
    assert isinstance(P, Samples)
    assert isinstance(Q, Samples)
    if P.d != Q.d:
        msg = (
            f"the samples must have draws of one dimension; found `p` with d={P.d} and `q` "
            f"with d={Q.d}"
        )
        raise ValueError(msg)
    if pseudocount:
        _refuse("pseudocount", pseudocount, "it smooths counts, not continuous draws")
    table, default = _table(_knn_module(), measure, "continuous samples")
    name = method or default
    if _has_nan(P) or _has_nan(Q):
        return math.nan, math.nan, _label(name, k)
    fn = choose(name, table, f"{_WHAT[measure]} from continuous samples")
    v, se = fn(P.values(), Q.values(), k, _rng(rng))
    return float(v), float(se), _label(name, k)


# --------------------------------------------------------------------------- data vs model
def _model(x: Any, name: str, ctx: dict[str, Any]) -> Distribution | Categorical:
    dist = as_parametric(x, name)
    if dist is not None:
        return dist
    if isinstance(x, Categorical):
        return x
    from ._array_api import namespace

    xp = namespace(x, names=(name,))
    cat = Categorical._from_input(
        x, ctx["axis"], name, validate=ctx["validate"], normalize=ctx["normalize"], xp=xp
    )
    if not cat._checked:
        cat._check()
    return cat


class _Like(Distribution):
    """Carries an array library, dtype and device for `Distribution._like`."""

    def __init__(self, xp: Namespace, x: Any) -> None:
        import array_api_compat

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
        return model._like(_Like(D.xp, D.data))
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
    import array_api_compat

    if array_api_compat.is_array_api_obj(x) and array_api_compat.array_namespace(x) is xp:
        return x if xp.isdtype(x.dtype, "real floating") else xp.astype(x, model.dtype)
    from ._data import _to_numpy

    return xp.asarray(_to_numpy(x).astype(np.float64), dtype=model.dtype, device=model.device)


def _nll_categorical(D: Samples | Counts, model: Categorical) -> tuple[Any, Any, Namespace]:
    """Data as outcome indices (or counts by position) against probabilities."""
    lq = model.log_probs
    if lq.ndim != 1:
        msg = (
            "against data, the model's probabilities must be one distribution (1-D); found "
            f"shape {tuple(lq.shape)}"
        )
        raise ValueError(msg)
    size = lq.shape[0]
    cats, counts = _categories_and_counts(D)
    if cats is None:
        if counts.shape[0] != size:
            msg = (
                f"the categories do not match: `p` has {counts.shape[0]} counts and the model "
                f"{size} probabilities"
            )
            raise ValueError(msg)
        full = counts
    else:
        if cats.dtype.kind not in "iub":
            raise _not_indices(cats.dtype)
        full = _indices_against(cats.astype(np.intp), counts, None, np.zeros(size))[0]
    return _weighted_nll(lq, full, model, 0)


def _not_indices(dtype: Any) -> TypeError:
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


def _kinds_match(D: Samples | Counts, model: Any, measure: str) -> None:
    """KL and the two-sample routes need data and model of one kind: pmf or density."""
    model_discrete = isinstance(model, Categorical) or bool(model.discrete)
    data_discrete = _is_discrete(D) and not (isinstance(D, Samples) and D.bins is not None)
    if model_discrete == data_discrete:
        return
    name = type(model).__name__
    if data_discrete:
        msg = (
            f"{_WHAT[measure]} between discrete data and a continuous model ({name}) compares "
            "a probability mass with a density, and is not defined; to treat the data as real "
            "numbers, pass Samples(x, discrete=False)"
        )
    else:
        msg = (
            f"{_WHAT[measure]} between continuous data and a discrete model ({name}) compares "
            "a density with a probability mass, and is not defined; for whole-number data "
            "pass Samples(x, discrete=True)"
        )
    raise TypeError(msg)


def _data_vs_model(
    measure: str, P: Samples | Counts, model: Any, method: str | None, k: Any, rng: Any
) -> Estimate:
    if isinstance(P, Samples) and P.bins is not None:
        msg = (
            "`bins` bins two samples alike; against a model pass the draws themselves (the "
            "likelihood of each draw, not of its bin, is the cross-entropy)"
        )
        raise TypeError(msg)
    if measure == "kl_divergence":
        _kinds_match(P, model, measure)
    mean, se, xp = mean_nll(P, model)
    if bool(xp.any(xp.isinf(mean))):
        _warn_infinite(model)
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
        h, h_se, label = _entropy(P, method, k, 0.0, rng)
    except ValueError as exc:
        msg = (
            f"KL(data ‖ model) = NLL - entropy of the data, and `method` names the estimator "
            f"of that entropy: {exc}"
        )
        raise ValueError(msg) from None
    value = mean - h
    stderr = _kl_model_stderr(P, model, label, se, h_se)
    return Estimate(value, stderr, f"nll-{label}", n)


def _warn_infinite(model: Any) -> None:
    import warnings

    from ._estimators._counts import InfiniteEstimateWarning

    msg = (
        f"the negative log-likelihood is +inf: the model ({type(model).__name__}) gives "
        "probability 0 to some of the data (outside its support, or a category it never "
        "produces); check the data, or use a model whose support covers them"
    )
    warnings.warn(msg, InfiniteEstimateWarning, stacklevel=6)


def _kl_model_stderr(D: Samples | Counts, model: Any, label: str, se: Any, h_se: float) -> Any:
    """The standard error of NLL - entropy, with the correlation of the two where known.

    For discrete data both are functions of the same counts and the count module's
    `kl_model` accounts for their covariance; for continuous data the two standard errors are
    combined as if independent (the terms are positively correlated, so this overstates it).
    """
    if int(getattr(se, "ndim", 0)) > 0:
        return (se**2 + h_se**2) ** 0.5
    if not _is_discrete(D):
        return _kl_model_stderr_knn(D, model, label, se, h_se)
    cats, counts = _categories_and_counts(D)
    if isinstance(model, Categorical):
        lq = _to_plain(model.log_probs)
        if cats is not None:
            counts = _indices_against(cats.astype(np.intp), counts, None, np.zeros(lq.shape[0]))[0]
    else:
        if cats is None:
            return (se**2 + h_se**2) ** 0.5
        x = _in_library(cats, model.xp, model)
        lq = _to_plain(model.log_prob(x))
    with np.errstate(divide="ignore", invalid="ignore"):
        _, kl_se = _counts_module().kl_model(counts, lq, label)
    return model.xp.asarray(kl_se, dtype=se.dtype, device=model.device)


def _kl_model_stderr_knn(D: Samples | Counts, model: Any, label: str, se: Any, h_se: float) -> Any:
    """sd(-log q(x_i) - influence_i) / sqrt(n), the kNN entropy's influence per draw."""
    assert isinstance(D, Samples)
    method, _, k = label.partition("(k=")
    influence = _knn_module().entropy_influence(D.values(), int(k[:-1]) if k else None, method)
    if influence is None or D.n < 2:
        return (se**2 + h_se**2) ** 0.5
    x = _in_library(D.data, model.xp, model)
    if len(model.event_shape) == 0 and x.ndim == 2:
        x = x[:, 0]
    terms = -_to_plain(model.log_prob(x)) - influence
    kl_se = float(np.std(terms, ddof=1)) / math.sqrt(D.n)
    return model.xp.asarray(kl_se, dtype=se.dtype, device=model.device)


def _to_plain(a: Any) -> np.ndarray[Any, Any]:
    from ._data import _to_numpy

    return np.asarray(_to_numpy(a), dtype=np.float64)


def _draws(model: Any, n: int, rng: Any, like: Samples | Counts) -> Samples:
    """`n` draws from the model, as samples of the same kind as the data."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        msg = f"`n` must be an integer >= 2 (the number of draws from the model); found {n!r}"
        raise ValueError(msg)
    if rng is not None and not isinstance(rng, np.random.Generator):
        # a stream of its own: data drawn with default_rng(seed) must not equal these draws
        rng = np.random.default_rng(np.random.SeedSequence(rng, spawn_key=(1,)))
    x = model.sample(n, rng=rng)
    if isinstance(model, Distribution) and model.batch_shape:
        msg = "against data, the model must be one distribution (batch shape ()); found " + str(
            model.batch_shape
        )
        raise ValueError(msg)
    if isinstance(like, Samples) and like.bins is not None:
        return Samples(x, bins=like.bins)
    return Samples(x, discrete=_is_discrete(like))


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
        return _data_vs_model(measure, P, model, method, k, rng), model.xp
    # a model against data: the model is represented by `n` draws
    data, (name, model) = (P, ("q", Q)) if is_data(P) else (Q, ("p", P))
    m = _model(model, name, ctx)
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


def _estimate(
    v: float, se: float, label: str, n: Any, xp: Namespace, args: tuple[Any, ...]
) -> Estimate:
    dtype = _result_dtype(xp, args)
    return Estimate(xp.asarray(v, dtype=dtype), xp.asarray(se, dtype=dtype), label, int(n))


def _result_dtype(xp: Namespace, args: tuple[Any, ...]) -> Any:
    """The data's floating dtype; else float64 (the library's default under JAX's 32 bits)."""
    import array_api_compat

    for a in args:
        if isinstance(a, Samples) and a.xp is xp and xp.isdtype(a.data.dtype, "real floating"):
            return a.data.dtype
    if array_api_compat.is_jax_namespace(xp):
        return xp.__array_namespace_info__().default_dtypes()["real floating"]
    return xp.float64
