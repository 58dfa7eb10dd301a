"""Shared pieces of `fit`: targets seen through NumPy, support checks, the optimiser."""

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
    Constraint,
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
    Weibull,
    as_parametric,
    is_frozen,
    nonnegative,
    open_unit_interval,
    positive,
    real,
    unit_interval,
)

Params = dict[str, Any]
Family = Any  # a family class: type[Distribution] or Categorical (constructed by keyword)


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


_SCIPY_NAMES: dict[type[Distribution], str] = {
    Laplace: "laplace", Logistic: "logistic", Cauchy: "cauchy", Gumbel: "gumbel_r",
    Uniform: "uniform", Exponential: "expon", HalfNormal: "halfnorm", Rayleigh: "rayleigh",
    Gamma: "gamma", Chi2: "chi2", Beta: "beta", Weibull: "weibull_min", LogNormal: "lognorm",
    Pareto: "pareto", StudentT: "t", Normal: "norm",
}  # fmt: skip


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
            if not is_frozen(target):
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
    if isinstance(target, Distribution | Categorical) or is_frozen(target) or callable(target):
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
