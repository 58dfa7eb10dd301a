"""`fit`: the member of a family closest to a target in forward or reverse KL divergence.

Forward, KL(target || model): on data it is maximum likelihood (closed forms in `_MLE`, else
`_numeric_mle`); on a distribution it is moment matching (`_MOMENTS`) or maximum likelihood on
draws from the target. Reverse, KL(model || target): `_reverse` minimises a deterministic
objective (Gauss-Hermite quadrature or common random numbers reparametrised through the
family) over an unconstrained parametrisation, from several starting points.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import array_api_compat
import numpy as np
from scipy import optimize, special, stats

from ._categorical import Categorical
from .distributions._base import (
    Constraint,
    Distribution,
    nonnegative,
    open_unit_interval,
    positive,
    real,
    unit_interval,
)
from .distributions._beta import Beta, Uniform
from .distributions._discrete_families import Bernoulli, Geometric, NegativeBinomial, Poisson
from .distributions._gamma import Chi2, Exponential, Gamma
from .distributions._laplace import Laplace, LogNormal
from .distributions._location_scale import Cauchy, Gumbel, HalfNormal, Logistic, Rayleigh
from .distributions._multivariate import Dirichlet, MultivariateNormal
from .distributions._normal import Normal
from .distributions._scipy import _is_frozen, as_parametric
from .distributions._shape import Pareto, StudentT, VonMises, Weibull

__all__ = ["fit"]

_EULER = 0.5772156649015329
_N_FORWARD = 100_000  # draws from a target distribution for forward fits by sampling
_N_REVERSE = 4096  # common random numbers for reverse fits
_N_HERMITE = 96  # Gauss-Hermite nodes for the reverse Normal fit
Params = dict[str, Any]
Family = Any  # a family class: type[Distribution] or Categorical (constructed by keyword)

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


def _nan_member(family: Family, x: np.ndarray[Any, Any]) -> Any:
    if family is MultivariateNormal:
        nan = np.full(x.shape[-1], np.nan)
        return MultivariateNormal(nan, diag=nan, validate=False)
    if family is Dirichlet:
        return Dirichlet(np.full(x.shape[-1], np.nan), validate=False)
    return family(**dict.fromkeys(family.params, np.nan), validate=False)


def _check_support(dist: Any, x: np.ndarray[Any, Any], what: str) -> None:
    with np.errstate(divide="ignore", invalid="ignore"):
        lp = np.asarray(dist.log_prob(x))
    bad = ~np.isfinite(lp)
    if bool(np.any(bad)):
        i = int(np.argmax(bad))
        msg = (
            f"{what} outside the support of {type(dist).__name__} (e.g. {_fmt(x[i])} at "
            f"index {i}): KL(target || model) is +inf for every member of the family"
        )
        raise ValueError(msg)


# families whose support does not depend on their parameters: checked before fitting
_FIXED_SUPPORT = (
    Exponential, Gamma, Chi2, LogNormal, Weibull, HalfNormal, Rayleigh, Beta,
    Poisson, Bernoulli, Geometric, NegativeBinomial,
)  # fmt: skip


def _precheck(family: Family, x: np.ndarray[Any, Any], what: str) -> None:
    if family in _FIXED_SUPPORT:
        unit = (unit_interval, open_unit_interval)
        ref = {k: 0.5 if c in unit else 1.0 for k, c in family.params.items()}
        _check_support(family(**ref), x, what)


def _fmt(v: Any) -> str:
    return np.array2string(np.asarray(v), precision=6) if np.ndim(v) else f"{float(v):.6g}"


def _unknown_family(family: Family, route: str) -> NotImplementedError:
    fams = (*_SCIPY_NAMES, MultivariateNormal) if "reverse" in route else (*_MLE, *_START)
    known = sorted({f.__name__ for f in fams})
    msg = (
        f"`family` {getattr(family, '__name__', family)!r} cannot be fitted by {route}; "
        f"families infoloss can fit: {', '.join(known)}"
    )
    return NotImplementedError(msg)


# ------------------------------------------------------------------- numerical optimisation
_TRANSFORMS: list[tuple[Constraint, Callable[[Any], Any], Callable[[Any], Any]]] = [
    (real, lambda v: v, lambda t: t),
    (positive, np.log, np.exp),
    (nonnegative, np.log, np.exp),
    (unit_interval, special.logit, special.expit),
    (open_unit_interval, special.logit, special.expit),
]


def _transform(c: Constraint) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    for con, fwd, inv in _TRANSFORMS:
        if c is con:
            return fwd, inv
    msg = f"no unconstrained parametrisation for a parameter that must be {c.text}"
    raise NotImplementedError(msg)


def _minimise(
    family: Family,
    starts: list[Params],
    objective: Callable[[Any], float],
    *,
    gtol: float = 1e-10,
    ftol: float = 1e-15,
) -> tuple[Distribution, float]:
    """The best of L-BFGS-B runs (Nelder-Mead where one ends non-finite) from each start."""
    names = list(starts[0])
    maps = {k: _transform(family.params[k]) for k in names}
    shapes = [np.shape(starts[0][k]) for k in names]
    sizes = [math.prod(s) for s in shapes]

    def unpack(theta: np.ndarray[Any, Any]) -> Params:
        parts = np.split(theta, np.cumsum(sizes)[:-1])
        return {k: maps[k][1](p.reshape(s)) for k, p, s in zip(names, parts, shapes, strict=True)}

    def f(theta: np.ndarray[Any, Any]) -> float:
        with np.errstate(all="ignore"):
            try:
                val = objective(family(**unpack(theta), validate=False))
            except (ValueError, np.linalg.LinAlgError):
                return math.inf
        return val if math.isfinite(val) else math.inf

    theta0s = [
        np.concatenate([np.ravel(maps[k][0](np.asarray(st[k], dtype=np.float64))) for k in names])
        for st in starts
    ]
    theta, val = _best_of(f, theta0s, gtol, ftol)
    return family(**unpack(theta)), val


def _best_of(
    f: Callable[[np.ndarray[Any, Any]], float],
    theta0s: list[np.ndarray[Any, Any]],
    gtol: float,
    ftol: float,
) -> tuple[np.ndarray[Any, Any], float]:
    """L-BFGS-B from each start, loosely (10 steps) when there are several; the best polished."""
    runs = []
    for theta0 in theta0s:
        loose = len(theta0s) > 1
        opts = {"maxiter": 10 if loose else 2000, "ftol": ftol, "gtol": 1e-4 if loose else gtol}
        res = optimize.minimize(f, theta0, method="L-BFGS-B", options=opts)
        runs.append((res.x, float(res.fun)))
    theta, val = min(runs, key=lambda r: r[1])
    if len(theta0s) > 1:
        opts = {"maxiter": 2000, "ftol": ftol, "gtol": gtol}
        res = optimize.minimize(f, theta, method="L-BFGS-B", options=opts)
        theta, val = res.x, float(res.fun)
    if not math.isfinite(val):  # L-BFGS-B stalled on infinite values: Nelder-Mead
        nm = optimize.minimize(
            f, theta, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14}
        )
        theta, val = nm.x, float(nm.fun)
    return theta, val


# ------------------------------------------------------------------------------ targets
class _Target:
    """A distribution target seen through NumPy: moments, draws and log density."""

    def __init__(self, target: Any) -> None:
        self.dist: Distribution | None = None
        self.frozen: Any = None
        self.fn: Callable[[Any], Any] | None = None
        try:
            self.dist = as_parametric(target, "target")
        except TypeError:
            if not _is_frozen(target):
                raise
            self.frozen = target  # a SciPy distribution infoloss does not know
        if self.dist is None and self.frozen is None and callable(target):
            self.fn = target

    @property
    def is_distribution(self) -> bool:
        return self.dist is not None or self.frozen is not None

    def moment(self, which: str) -> np.ndarray[Any, Any] | None:
        """The exact mean / variance / cov, or None when unknown."""
        try:
            if self.frozen is not None:
                return np.asarray(self.frozen.mean() if which == "mean" else self.frozen.var())
            assert self.dist is not None
            value = getattr(self.dist, which)
        except (NotImplementedError, AttributeError):
            return None
        return _np(value)

    def draws(self, n: int, gen: np.random.Generator) -> np.ndarray[Any, Any]:
        if self.frozen is not None:
            return np.asarray(self.frozen.rvs(size=n, random_state=gen), dtype=np.float64)
        assert self.dist is not None
        return _np(self.dist.sample(n, rng=gen))

    def log_density(self, x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        if self.fn is not None:
            return np.asarray(self.fn(x), dtype=np.float64)
        if self.frozen is not None:
            f = self.frozen
            return np.asarray(f.logpmf(x) if hasattr(f, "logpmf") else f.logpdf(x))
        assert self.dist is not None
        xp = self.dist.xp
        return _np(self.dist.log_prob(xp.asarray(x, dtype=self.dist.dtype)))

    def mean_log(self) -> float | None:
        """E[log X] where a closed form is known."""
        d = self.dist
        if isinstance(d, Gamma | Exponential | Chi2):
            k, theta = _np(d._shape()), _np(d._scale())
            return float(special.digamma(k) + np.log(theta))
        if isinstance(d, LogNormal):
            return float(np.log(_np(d.scale)))
        return None


def _np(a: Any) -> np.ndarray[Any, Any]:
    if hasattr(a, "detach"):
        a = a.detach().cpu()
    return np.asarray(a, dtype=np.float64)


def _data(target: Any) -> np.ndarray[Any, Any] | None:
    """The data as NumPy float64, or None when `target` is not data."""
    if type(target).__name__ == "Samples" and hasattr(target, "data"):
        target = target.data
    if type(target).__name__ == "Counts" and hasattr(target, "counts"):
        return None
    if isinstance(target, Distribution | Categorical) or _is_frozen(target) or callable(target):
        return None
    try:
        x = _np(target)
    except (TypeError, ValueError) as exc:
        msg = (
            "`target` must be data (an array, a list or infoloss.Samples), a distribution "
            f"or a log-density function; found {type(target).__name__}: {exc}"
        )
        raise TypeError(msg) from None
    return x


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


# ---------------------------------------------------------------------- reverse KL
_SCIPY_NAMES: dict[type[Distribution], str] = {
    Laplace: "laplace", Logistic: "logistic", Cauchy: "cauchy", Gumbel: "gumbel_r",
    Uniform: "uniform", Exponential: "expon", HalfNormal: "halfnorm", Rayleigh: "rayleigh",
    Gamma: "gamma", Chi2: "chi2", Beta: "beta", Weibull: "weibull_min", LogNormal: "lognorm",
    Pareto: "pareto", StudentT: "t", Normal: "norm",
}  # fmt: skip


def _entropy_or_mc(d: Any, x: np.ndarray[Any, Any]) -> float:
    try:
        return float(_np(d.entropy()))
    except NotImplementedError:
        return -float(np.mean(_np(d.log_prob(x))))


def _reverse_objective(
    family: Family, t: _Target, n: int, gen: np.random.Generator, dim: int
) -> Callable[[Any], float]:
    """KL(model || target) up to the target's normalising constant, deterministic in theta."""
    if family is Normal:  # Gauss-Hermite: E f(X) = sum_i w_i f(mu + sqrt2 sigma t_i) / sqrt(pi)
        nodes, weights = np.polynomial.hermite.hermgauss(_N_HERMITE)
        w = weights / math.sqrt(math.pi)

        def normal(d: Any) -> float:
            loc, scale = float(_np(d.loc)), float(_np(d.scale))
            lp = t.log_density(loc + math.sqrt(2.0) * scale * nodes)
            return -float(_np(d.entropy())) - float(np.sum(w * lp))

        return normal
    if family is MultivariateNormal:
        # Latin hypercube uniforms through the normal quantile: stratified in every coordinate
        z = special.ndtri(stats.qmc.LatinHypercube(d=dim, seed=gen).random(n))

        def mvn(d: Any) -> float:
            x = _np(d.mean) + z @ _np(d.scale_tril).T
            return -float(_np(d.entropy())) - float(np.mean(t.log_density(x)))

        return mvn
    if family not in _SCIPY_NAMES:
        raise _unknown_family(family, "reverse KL")
    u = (np.arange(n) + gen.random(n)) / n  # stratified uniforms: common random numbers
    sdist = getattr(stats, _SCIPY_NAMES[family])
    if set(family.params) <= {"loc", "scale"}:  # x = loc + scale z, z of the standard member
        z = sdist.ppf(u)

        def location_scale(d: Any) -> float:
            v = _numpy_params(d)
            x = v.get("loc", 0.0) + v["scale"] * z
            return -float(_np(d.entropy())) - float(np.mean(t.log_density(x)))

        return location_scale

    def general(d: Any) -> float:
        x = sdist(**_numpy_params(d)).ppf(u)
        return -_entropy_or_mc(d, x) - float(np.mean(t.log_density(x)))

    return general


def _numpy_params(d: Any) -> Params:
    return {k: float(v) for k, v in d._numpy_values().items()}


def _reverse_starts(
    family: Family, t: _Target, init: Any, gen: np.random.Generator
) -> list[Params]:
    if init is not None:
        if not isinstance(init, family):
            msg = f"`init` must be a {family.__name__}; found {type(init).__name__}"
            raise TypeError(msg)
        return [init._numpy_values() if family is not MultivariateNormal else _mvn_params(init)]
    if not t.is_distribution:
        if family is MultivariateNormal:
            msg = "fitting a MultivariateNormal to a log-density function needs `init=`"
            raise ValueError(msg)
        return [_DEFAULTS.get(family, dict.fromkeys(family.params, 1.0))]
    try:
        first = _forward(family, t, 20_000, gen)
    except (ValueError, NotImplementedError):  # e.g. a support the family cannot cover
        first = family(**_DEFAULTS.get(family, dict.fromkeys(family.params, 1.0)))
    start = first._numpy_values() if family is not MultivariateNormal else _mvn_params(first)
    starts = [start]
    if family is MultivariateNormal:  # mode-seeking: also start narrow at target draws
        for point in t.draws(5, gen):
            starts.append({"mean": point, "cov": start["cov"] / 9.0})
    if "loc" in family.params:  # mode-seeking: also start narrow at several target quantiles
        x = t.draws(1000, gen)
        for q in np.quantile(x, [0.1, 0.3, 0.5, 0.7, 0.9]):
            s = dict(start, loc=q)
            if "scale" in s:
                s["scale"] = s["scale"] / 3.0
            starts.append(s)
    return starts


_DEFAULTS: dict[type[Distribution], Params] = {
    Normal: {"loc": 0.0, "scale": 1.0},
    StudentT: {"df": 5.0, "loc": 0.0, "scale": 1.0},
    Uniform: {"loc": -1.0, "scale": 2.0},
}


def _mvn_params(d: Any) -> Params:
    return {"mean": _np(d.mean), "cov": _np(d.cov)}


def _reverse_mvn(objective: Callable[[Any], float], starts: list[Params]) -> Any:
    d = starts[0]["mean"].shape[0]
    rows, cols = np.tril_indices(d)
    diag = rows == cols

    def unpack(theta: np.ndarray[Any, Any]) -> MultivariateNormal:
        L = np.zeros((d, d))
        vals = theta[d:].copy()
        vals[diag] = np.exp(vals[diag])
        L[rows, cols] = vals
        return MultivariateNormal(theta[:d], scale_tril=L, validate=False)

    def f(theta: np.ndarray[Any, Any]) -> float:
        with np.errstate(all="ignore"):
            val = objective(unpack(theta))
        return val if math.isfinite(val) else math.inf

    theta0s = []
    for start in starts:
        L0 = np.linalg.cholesky(start["cov"])[rows, cols]
        L0[diag] = np.log(L0[diag])
        theta0s.append(np.concatenate([start["mean"], L0]))
    theta, _ = _best_of(f, theta0s, 1e-8, 1e-12)
    return MultivariateNormal(theta[:d], scale_tril=unpack(theta).scale_tril)


def _reverse(family: Family, target: Any, n: int, gen: np.random.Generator, init: Any) -> Any:
    t = _Target(target)
    if t.fn is None and not t.is_distribution:
        msg = (
            "reverse KL(model || target) needs a density: `target` must be a distribution or a "
            f"log-density function, not data; found {type(target).__name__}"
        )
        raise TypeError(msg)
    if family is Categorical or getattr(family, "discrete", False):
        raise _unknown_family(family, "reverse KL (continuous families only)")
    starts = _reverse_starts(family, t, init, gen)
    dim = int(np.shape(starts[0].get("mean", 0.0))[-1]) if family is MultivariateNormal else 1
    objective = _reverse_objective(family, t, n, gen, dim)
    if family is MultivariateNormal:
        return _reverse_mvn(objective, starts)
    return _minimise(family, starts, objective, gtol=1e-8, ftol=1e-12)[0]


# --------------------------------------------------------------------------------- public
def fit(
    family: Family,
    target: Any,
    /,
    *,
    divergence: str = "forward",
    rng: Any = None,
    n: int | None = None,
    init: Distribution | None = None,
) -> Any:
    r"""The member of a family closest to a target in Kullback–Leibler divergence.

    Parameters
    ----------
    family : type
        An infoloss distribution class, e.g. `~infoloss.Normal`, `~infoloss.Gamma`,
        `~infoloss.MultivariateNormal`, or `~infoloss.Categorical` (forward, on labels).
    target : array_like, Samples, distribution or callable
        Data (an array of shape ``(n,)`` or ``(n, d)``, a list, an `infoloss.Samples`), a
        distribution (infoloss, `Mixture`, SciPy frozen), or, for ``divergence="reverse"``,
        a function returning the log density up to an additive constant at a NumPy
        array of points (shape ``(m,)``, or ``(m, d)`` for a MultivariateNormal family).
    divergence : {"forward", "reverse"}, default "forward"
        ``"forward"`` minimises :math:`\mathrm{KL}(\text{target} \,\|\, q_\theta)` (mass
        covering); ``"reverse"`` minimises :math:`\mathrm{KL}(q_\theta \,\|\, \text{target})`
        (mode seeking).
    rng : int or numpy.random.Generator, optional
        Seed of the draws (common random numbers): the same seed gives the same fit.
    n : int, optional
        Number of draws: from the target for forward fits by sampling (default 100000), of
        base points for reverse fits (default 4096). Data fits and the reverse Normal fit
        (Gauss–Hermite quadrature, 96 nodes) use none.
    init : Distribution, optional
        Starting point of a reverse fit (default: the forward fit and narrow members at
        quantiles of the target, the best result kept; a standard member for functions).

    Returns
    -------
    Distribution
        A member of `family` whose parameters are read by SciPy's names (``.loc``,
        ``.scale``, ``.a`` ...). Fits to data of another array library (e.g. PyTorch) come
        back in that library.

    Raises
    ------
    ValueError
        Data outside the family's support (the forward KL is infinite for every member),
        empty data, an unknown `divergence`, a target with infinite variance.
    TypeError
        A `target` that is neither data, a distribution nor a function; data with ``"reverse"``.
    NotImplementedError
        A family infoloss cannot fit by the requested route.

    Notes
    -----
    Forward KL to data :math:`x_{1:n}` with empirical distribution :math:`\hat p_n`:

    .. math:: \arg\min_\theta \mathrm{KL}(\hat p_n \,\|\, q_\theta)
              = \arg\min_\theta H(\hat p_n, q_\theta)
              = \arg\max_\theta \textstyle\sum_i \log q_\theta(x_i),

    maximum likelihood: closed forms for Normal, Exponential, Poisson, Bernoulli, Geometric,
    LogNormal, Uniform, Laplace (median, mean absolute deviation), HalfNormal, Rayleigh,
    Pareto, MultivariateNormal, Categorical; a one-dimensional root for Gamma; L-BFGS-B on
    an unconstrained parametrisation (logarithm of positive parameters, logit of
    probabilities) otherwise. To a distribution :math:`p` and an exponential family with
    sufficient statistics :math:`T`, the minimiser matches moments,
    :math:`\mathrm E_{q_\theta}[T] = \mathrm E_p[T]` (Normal: mean and variance; Gamma:
    :math:`\mathrm E[X]` and :math:`\mathrm E[\log X]`), exactly where the target's moments are
    known and on `n` seeded draws otherwise; other families are fitted by maximum likelihood
    on the draws (the Monte Carlo cross-entropy).

    Reverse KL, with :math:`\tilde p` the target density up to a constant:

    .. math:: \mathrm{KL}(q_\theta \,\|\, p) = -H(q_\theta)
              - \mathrm E_{q_\theta}[\log \tilde p(X)] + \text{const},

    with the expectation by Gauss–Hermite quadrature for a Normal family and over
    :math:`x_i = F_\theta^{-1}(u_i)` (or :math:`\mu + L z_i`) for fixed stratified
    uniforms :math:`u_i` (Latin-hypercube normal :math:`z_i`) otherwise, so the objective is a
    smooth deterministic function of :math:`\theta` [2]_.

    References
    ----------
    .. [1] C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006,
       sec. 10.1.2 (forward and reverse KL, fig. 10.3).
    .. [2] D. P. Kingma and M. Welling, "Auto-encoding variational Bayes", ICLR 2014
       (the reparametrisation).

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import stats
    >>> from infoloss import Gamma, Normal
    >>> from infoloss import fit
    >>> from infoloss import Mixture
    >>> x = stats.gamma(2.5, scale=1.5).rvs(size=500, random_state=0)
    >>> g = fit(Gamma, x)
    >>> a, _, scale = stats.gamma.fit(x, floc=0)
    >>> bool(np.allclose([g.a, g.scale], [a, scale], rtol=1e-4))
    True
    >>> p = Mixture([Normal(-2.0, 0.6), Normal(2.0, 0.6)], [0.5, 0.5])
    >>> q = fit(Normal, p)  # forward: the mixture's mean and variance
    >>> float(q.loc), round(float(q.scale) ** 2, 6)
    (0.0, 4.36)
    >>> r = fit(Normal, p, divergence="reverse", rng=0)  # reverse: one of the modes
    >>> round(abs(float(r.loc)), 2), round(float(r.scale), 2)
    (2.0, 0.6)
    """
    if not (isinstance(family, type) and issubclass(family, Distribution | Categorical)):
        msg = f"`family` must be an infoloss distribution class; found {family!r}"
        raise TypeError(msg)
    if divergence not in ("forward", "reverse"):
        msg = f'`divergence` must be "forward" or "reverse"; found {divergence!r}'
        raise ValueError(msg)
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 2):
        msg = f"`n` must be an integer >= 2 (the number of draws); found {n!r}"
        raise ValueError(msg)
    gen = np.random.default_rng(rng)
    if isinstance(target, Categorical) and family is Categorical:
        return Categorical(target.probs)  # KL(p || q) = KL(q || p) = 0 at q = p
    if divergence == "reverse":
        return _reverse(family, target, n or _N_REVERSE, gen, init)
    if type(target).__name__ == "Counts" and family is Categorical:
        return Categorical(target.counts / target.counts.sum())
    x = _data(target)
    if x is None:
        t = _Target(target)
        if not t.is_distribution:
            msg = (
                "forward KL(target || model) needs data or a distribution to draw from; "
                f"found {type(target).__name__} (a log-density function fits only with "
                'divergence="reverse")'
            )
            raise TypeError(msg)
        return _like_target(_forward(family, t, n or _N_FORWARD, gen), t.dist)
    _check_data(family, x)
    return _in_library(_mle(family, x), getattr(target, "data", target))


def _check_data(family: Family, x: np.ndarray[Any, Any]) -> None:
    vector = getattr(family, "event_ndim", 0) == 1
    want = 2 if vector else 1
    if x.ndim != want or x.shape[0] == 0:
        what = "(n, d)" if vector else "(n,)"
        msg = (
            f"`target` must be data of shape {what} with n >= 1 for {family.__name__}; "
            f"found shape {x.shape}"
        )
        raise ValueError(msg)


def _in_library(dist: Any, like: Any) -> Any:
    """The fit's parameters in the array library of the data (NumPy stays as it is)."""
    if not array_api_compat.is_array_api_obj(like) or isinstance(like, np.ndarray):
        return dist
    if isinstance(dist, Categorical):
        return dist
    xp = array_api_compat.array_namespace(like)
    dtype = like.dtype if xp.isdtype(like.dtype, "real floating") else None
    dev = array_api_compat.device(like)
    vals = {k: xp.asarray(v, dtype=dtype, device=dev) for k, v in dist._numpy_values().items()}
    return type(dist)(**vals)


def _like_target(dist: Any, target: Distribution | None) -> Any:
    if target is None or target._scalars or array_api_compat.is_numpy_namespace(target.xp):
        return dist
    return dist._like(target)
