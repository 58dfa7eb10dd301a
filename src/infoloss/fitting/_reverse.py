"""Reverse fits, KL(model || target): deterministic variational objectives, minimised."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import special, stats

from ..discrete import Categorical
from ..distributions import Distribution, MultivariateNormal, Normal, StudentT, Uniform
from ._common import (
    _SCIPY_NAMES,
    Family,
    Params,
    _best_of,
    _minimise,
    _np,
    _Target,
)
from ._forward import _forward, _unknown_family

_N_HERMITE = 96  # Gauss-Hermite nodes for the reverse Normal fit


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
