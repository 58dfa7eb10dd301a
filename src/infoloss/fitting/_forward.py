"""Forward fits, KL(target || model): maximum likelihood on data, moment matching."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import optimize, special

from ..discrete import Categorical
from ..distributions import (
    Bernoulli,
    Beta,
    Cauchy,
    Chi2,
    Dirichlet,
    Distribution,
    Exponential,
    Gamma,
    Geometric,
    Gumbel,
    HalfNormal,
    Laplace,
    Logistic,
    LogNormal,
    MultivariateNormal,
    NegativeBinomial,
    Normal,
    Pareto,
    Poisson,
    Rayleigh,
    StudentT,
    Uniform,
    VonMises,
    Weibull,
)
from ._common import (
    _SCIPY_NAMES,
    Family,
    Params,
    _check_support,
    _minimise,
    _nan_member,
    _np,
    _precheck,
    _Target,
)

_EULER = 0.5772156649015329

# ------------------------------------------------------------------- maximum likelihood


def _mle_gamma(x: np.ndarray[Any, Any]) -> Params:
    # log a - digamma(a) = log mean(x) - mean(log x) =: s > 0, solved by bracketing
    # (Minka, "Estimating a Gamma distribution", 2002); scale = mean / a
    m = float(np.mean(x))
    s = math.log(m) - float(np.mean(np.log(x)))
    a = _solve_gamma_shape(s)
    return {"a": a, "scale": m / a}


def _solve_gamma_shape(s: float) -> float:
    if not 0 < s < math.inf:
        msg = (
            "`target` has no maximum-likelihood Gamma: log mean(x) - mean(log x) must be "
            f"finite and > 0 (values not all equal, none 0); found {s!r}"
        )
        raise ValueError(msg)

    def f(a: float) -> float:  # decreasing in a
        return math.log(a) - float(special.digamma(a)) - s

    lo, hi = 1e-8, 1.0
    while f(hi) > 0:
        hi *= 2.0
    return float(optimize.brentq(f, lo, hi, xtol=1e-300, rtol=4 * np.finfo(float).eps))


def _mle_mvn(x: np.ndarray[Any, Any]) -> Params:
    m = np.mean(x, axis=0)
    c = x - m
    return {"mean": m, "cov": c.T @ c / x.shape[0]}


def _mle_laplace(x: np.ndarray[Any, Any]) -> Params:
    med = float(np.median(x))
    return {"loc": med, "scale": float(np.mean(np.abs(x - med)))}


def _mle_pareto(x: np.ndarray[Any, Any]) -> Params:
    scale = float(np.min(x))
    return {"b": x.shape[0] / float(np.sum(np.log(x / scale))), "scale": scale}


_MLE: dict[type[Distribution], Callable[[np.ndarray[Any, Any]], Params]] = {
    Normal: lambda x: {"loc": np.mean(x), "scale": np.std(x)},
    Exponential: lambda x: {"scale": np.mean(x)},
    Poisson: lambda x: {"mu": np.mean(x)},
    Bernoulli: lambda x: {"p": np.mean(x)},
    Geometric: lambda x: {"p": 1.0 / np.mean(x)},
    LogNormal: lambda x: {"s": np.std(np.log(x)), "scale": np.exp(np.mean(np.log(x)))},
    Uniform: lambda x: {"loc": np.min(x), "scale": np.max(x) - np.min(x)},
    Laplace: _mle_laplace,
    HalfNormal: lambda x: {"scale": np.sqrt(np.mean(x * x))},
    Rayleigh: lambda x: {"scale": np.sqrt(np.mean(x * x) / 2.0)},
    Pareto: _mle_pareto,
    Gamma: _mle_gamma,
    MultivariateNormal: _mle_mvn,
}


def _start_weibull(x: np.ndarray[Any, Any]) -> Params:
    lx = np.log(x)  # log x is Gumbel (minimum): sd = pi / (c sqrt 6)
    c = math.pi / (math.sqrt(6.0) * float(np.std(lx)))
    return {"c": c, "scale": math.exp(float(np.mean(lx)) + _EULER / c)}


def _start_beta(x: np.ndarray[Any, Any]) -> Params:
    m, v = float(np.mean(x)), float(np.var(x))
    common = max(m * (1.0 - m) / v - 1.0, 1e-3)
    return {"a": m * common, "b": (1.0 - m) * common}


def _start_nbinom(x: np.ndarray[Any, Any]) -> Params:
    m, v = float(np.mean(x)), float(np.var(x))
    if v <= m:  # under-dispersed data: the likelihood keeps growing with n (Poisson limit)
        v = m * 1.01
    return {"n": m * m / (v - m), "p": m / v}


def _start_vonmises(x: np.ndarray[Any, Any]) -> Params:
    c, s = float(np.mean(np.cos(x))), float(np.mean(np.sin(x)))
    r = min(math.hypot(c, s), 0.99)
    return {"kappa": r * (2.0 - r * r) / (1.0 - r * r), "loc": math.atan2(s, c)}


def _start_dirichlet(x: np.ndarray[Any, Any]) -> Params:
    m, v = np.mean(x, axis=0), np.var(x, axis=0)
    a0 = max(float(m[0] * (1.0 - m[0]) / v[0] - 1.0), 1e-2)
    return {"alpha": m * a0}


def _iqr(x: np.ndarray[Any, Any]) -> float:
    q1, q3 = np.percentile(x, [25.0, 75.0])
    return float(q3 - q1) or float(np.std(x)) or 1.0


# starting points of the numerical maximum-likelihood fits (method of moments or quantiles)
_START: dict[type[Distribution], Callable[[np.ndarray[Any, Any]], Params]] = {
    Beta: _start_beta,
    Weibull: _start_weibull,
    StudentT: lambda x: {"df": 5.0, "loc": np.median(x), "scale": _iqr(x) / 1.4534},
    Cauchy: lambda x: {"loc": np.median(x), "scale": _iqr(x) / 2.0},
    Logistic: lambda x: {"loc": np.mean(x), "scale": np.std(x) * math.sqrt(3.0) / math.pi},
    Gumbel: lambda x: {
        "loc": np.mean(x) - _EULER * np.std(x) * math.sqrt(6.0) / math.pi,
        "scale": np.std(x) * math.sqrt(6.0) / math.pi,
    },
    Chi2: lambda x: {"df": np.mean(x)},
    NegativeBinomial: _start_nbinom,
    VonMises: _start_vonmises,
    Dirichlet: _start_dirichlet,
}


def _numeric_mle(family: Family, x: np.ndarray[Any, Any]) -> Distribution:
    start = _START[family](x)
    return _minimise(family, [start], lambda d: -float(np.mean(d.log_prob(x))))[0]


def _mle(family: Family, x: np.ndarray[Any, Any]) -> Any:
    if family is Categorical:
        return _mle_categorical(x)
    if bool(np.any(np.isnan(x))):  # NaN in, NaN out
        return _nan_member(family, x)
    _precheck(family, x, "`target` has values")
    fn = _MLE.get(family)
    try:
        if fn is not None:
            dist = family(**fn(x))
        elif family in _START:
            dist = _numeric_mle(family, x)
        else:
            raise _unknown_family(family, "maximum likelihood")
    except (ValueError, ZeroDivisionError, FloatingPointError) as exc:
        if "`target`" in str(exc):
            raise
        msg = f"`target`: the data have no maximum-likelihood {family.__name__} ({exc})"
        raise ValueError(msg) from None
    _check_support(dist, x, "`target` has values")
    return dist


def _mle_categorical(x: np.ndarray[Any, Any]) -> Categorical:
    ok = (x.ndim == 1) and bool(np.all((x == np.floor(x)) & (x >= 0)))
    if not ok or x.shape[0] == 0:
        msg = (
            "`target` must be a 1-D array of integer class labels 0 .. K - 1 to fit a "
            f"Categorical; found shape {x.shape} with values like {x.ravel()[:3].tolist()}"
        )
        raise ValueError(msg)
    counts = np.bincount(x.astype(np.int64))
    return Categorical(counts / counts.sum())


def _unknown_family(family: Family, route: str) -> NotImplementedError:
    fams = (*_SCIPY_NAMES, MultivariateNormal) if "reverse" in route else (*_MLE, *_START)
    known = sorted({f.__name__ for f in fams})
    msg = (
        f"`family` {getattr(family, '__name__', family)!r} cannot be fitted by {route}; "
        f"families infoloss can fit: {', '.join(known)}"
    )
    return NotImplementedError(msg)


# ---------------------------------------------------------------- forward: moment matching
def _exact_or_mc(t: _Target, which: str, draws: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    exact = t.moment(which)
    if exact is None:
        if which == "mean":
            return np.asarray(np.mean(draws, axis=0))
        if which == "variance":
            return np.asarray(np.var(draws, axis=0))
        return np.asarray(_mle_mvn(draws)["cov"])
    if not bool(np.all(np.isfinite(exact))):
        msg = (
            f"`target` has an infinite or undefined {which} ({exact!r}): KL(target || model) is "
            "+inf for every member of the family"
        )
        raise ValueError(msg)
    return exact


def _mm_gamma(t: _Target, x: np.ndarray[Any, Any]) -> Params:
    m = float(_exact_or_mc(t, "mean", x))
    elog = t.mean_log()
    s = math.log(m) - (float(np.mean(np.log(x))) if elog is None else elog)
    a = _solve_gamma_shape(s)
    return {"a": a, "scale": m / a}


def _mm_lognormal(t: _Target, x: np.ndarray[Any, Any]) -> Params:
    d = t.dist
    if isinstance(d, LogNormal):
        return {"s": _np(d.s), "scale": _np(d.scale)}
    lx = np.log(x)
    return {"s": np.std(lx), "scale": np.exp(np.mean(lx))}


# forward KL from a distribution to an exponential family: match the expected sufficient
# statistics (exact where the target knows them, else on the draws x)
_MOMENTS: dict[type[Distribution], Callable[[_Target, np.ndarray[Any, Any]], Params]] = {
    Normal: lambda t, x: {
        "loc": _exact_or_mc(t, "mean", x),
        "scale": np.sqrt(_exact_or_mc(t, "variance", x)),
    },
    MultivariateNormal: lambda t, x: {
        "mean": _exact_or_mc(t, "mean", x),
        "cov": _exact_or_mc(t, "cov", x),
    },
    Exponential: lambda t, x: {"scale": _exact_or_mc(t, "mean", x)},
    Poisson: lambda t, x: {"mu": _exact_or_mc(t, "mean", x)},
    Bernoulli: lambda t, x: {"p": _exact_or_mc(t, "mean", x)},
    Geometric: lambda t, x: {"p": 1.0 / _exact_or_mc(t, "mean", x)},
    Gamma: _mm_gamma,
    LogNormal: _mm_lognormal,
}
_FULL_SUPPORT = (Normal, MultivariateNormal)


def _forward(family: Family, t: _Target, n: int, gen: np.random.Generator) -> Any:
    x = t.draws(n, gen)
    _precheck(family, x, "`target` has draws")
    if family in _MOMENTS:
        dist = family(**_MOMENTS[family](t, x))
        if family not in _FULL_SUPPORT:
            _check_support(dist, x, "`target` has draws")
        return dist
    return _mle(family, x)
