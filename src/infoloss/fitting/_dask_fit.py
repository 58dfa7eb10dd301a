"""Forward fits to dask data: maximum likelihood from sufficient statistics summed per chunk.

For the families whose maximum-likelihood estimate is a function of a few sums (exponential
families, and the range for Uniform and Pareto), each chunk gives its count, sums, centred
second moments (Chan, Golub & LeVeque's pairwise update) and extremes; a tree of tasks combines
them and the closed forms of `_forward._MLE` are applied to the totals. Only those numbers
travel between workers. Families fitted numerically, or through a median (Laplace), need the
data in memory and are refused with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..discrete import Categorical
from ..distributions import (
    Bernoulli,
    Exponential,
    Gamma,
    Geometric,
    HalfNormal,
    LogNormal,
    MultivariateNormal,
    Normal,
    Pareto,
    Poisson,
    Rayleigh,
    Uniform,
)
from ._common import Family, Params, _nan_member, _precheck
from ._forward import _solve_gamma_shape

__all__ = ["fit_by_chunks", "is_dask"]

Stats = dict[str, Any]
_SPLIT_EVERY = 8


def is_dask(x: Any) -> bool:
    """Whether `x` is a dask collection (without importing dask)."""
    return callable(getattr(x, "__dask_graph__", None)) and hasattr(x, "ndim")


def _moments(v: np.ndarray[Any, Any]) -> tuple[Any, Any]:
    """Sum and centred second moment (a matrix for vectors) of the rows of `v`."""
    total = v.sum(axis=0)
    c = v - total / max(v.shape[0], 1)
    return total, (c.T @ c if v.ndim == 2 else np.sum(c * c))


def _chunk(block: Any, family: Family) -> Stats:
    x = np.asarray(block, dtype=np.float64)
    n = int(x.shape[0])
    out: Stats = {"n": n, "nan": int(np.count_nonzero(np.isnan(x)))}
    if n == 0 or out["nan"]:
        return out
    _precheck(family, x, "`target` has values")
    out["x"] = _moments(x)
    out["min"], out["max"] = x.min(axis=0), x.max(axis=0)
    if family in (LogNormal, Gamma, Pareto):
        with np.errstate(divide="ignore", invalid="ignore"):
            out["log"] = _moments(np.log(x))
    if family in (HalfNormal, Rayleigh):
        out["sq"] = float(np.sum(x * x))
    if family is Categorical:
        if not bool(np.all((x == np.floor(x)) & (x >= 0))) or x.ndim != 1:
            msg = "`target` must hold integer class labels 0 .. K - 1 to fit a Categorical"
            raise ValueError(msg)
        out["bins"] = np.bincount(x.astype(np.int64))
    return out


def _pair(a: tuple[Any, Any], na: int, b: tuple[Any, Any], nb: int) -> tuple[Any, Any]:
    delta = b[0] / nb - a[0] / na
    cross = np.outer(delta, delta) if np.ndim(delta) else delta * delta
    return a[0] + b[0], a[1] + b[1] + cross * na * nb / (na + nb)


def _combine(*parts: Stats) -> Stats:
    out = dict(parts[0])
    for p in parts[1:]:
        if "x" not in p or "x" not in out:
            keep = p if "x" in p else out
            out = {**keep, "n": out["n"] + p["n"], "nan": out["nan"] + p["nan"]}
            continue
        na, nb = out["n"], p["n"]
        for key in ("x", "log"):
            if key in p:
                out[key] = _pair(out[key], na, p[key], nb)
        out["min"], out["max"] = np.minimum(out["min"], p["min"]), np.maximum(out["max"], p["max"])
        if "sq" in p:
            out["sq"] += p["sq"]
        if "bins" in p:
            a, b = out["bins"], p["bins"]
            size = max(a.size, b.size)
            out["bins"] = np.pad(a, (0, size - a.size)) + np.pad(b, (0, size - b.size))
        out["n"], out["nan"] = na + nb, out["nan"] + p["nan"]
    return out


def _mean(s: Stats, key: str = "x") -> Any:
    return s[key][0] / s["n"]


def _var(s: Stats, key: str = "x") -> Any:
    return s[key][1] / s["n"]


def _gamma(s: Stats) -> Params:
    m = float(_mean(s))
    a = _solve_gamma_shape(np.log(m) - float(_mean(s, "log")))
    return {"a": a, "scale": m / a}


_CHUNKED: dict[Any, Callable[[Stats], Params]] = {
    Normal: lambda s: {"loc": _mean(s), "scale": np.sqrt(_var(s))},
    Exponential: lambda s: {"scale": _mean(s)},
    Poisson: lambda s: {"mu": _mean(s)},
    Bernoulli: lambda s: {"p": _mean(s)},
    Geometric: lambda s: {"p": 1.0 / _mean(s)},
    LogNormal: lambda s: {"s": np.sqrt(_var(s, "log")), "scale": np.exp(_mean(s, "log"))},
    Uniform: lambda s: {"loc": s["min"], "scale": s["max"] - s["min"]},
    HalfNormal: lambda s: {"scale": np.sqrt(s["sq"] / s["n"])},
    Rayleigh: lambda s: {"scale": np.sqrt(s["sq"] / s["n"] / 2.0)},
    Pareto: lambda s: {
        "b": s["n"] / (float(s["log"][0]) - s["n"] * float(np.log(s["min"]))),
        "scale": float(s["min"]),
    },
    Gamma: _gamma,
    MultivariateNormal: lambda s: {"mean": _mean(s), "cov": _var(s)},
}


def fit_by_chunks(family: Family, x: Any) -> Any:
    """The maximum-likelihood member of `family` for the dask data `x`, by chunks."""
    import dask

    if family is not Categorical and family not in _CHUNKED:
        names = ", ".join(sorted(f.__name__ for f in (*_CHUNKED, Categorical)))
        msg = (
            f"`target`: fitting {family.__name__} to dask data needs the data in memory (its "
            f"estimate is not a sum over chunks); families fitted by chunks: {names}"
        )
        raise NotImplementedError(msg)
    array = x.to_dask_array() if hasattr(x, "to_dask_array") else x
    vector = getattr(family, "event_ndim", 0) == 1
    if array.ndim != (2 if vector else 1):
        what = "(n, d)" if vector else "(n,)"
        msg = f"`target` must be data of shape {what} for {family.__name__}; found {array.shape}"
        raise ValueError(msg)
    if vector:
        array = array.rechunk({1: -1})
    parts = [dask.delayed(_chunk)(b, family) for b in array.to_delayed().ravel()]
    while len(parts) > 1:
        step = _SPLIT_EVERY
        parts = [dask.delayed(_combine)(*parts[i : i + step]) for i in range(0, len(parts), step)]
    stats: Stats = dask.compute(parts[0])[0]
    if stats["n"] == 0:
        msg = f"`target` must be data with n >= 1 for {family.__name__}; found no rows"
        raise ValueError(msg)
    if stats["nan"]:  # NaN in, NaN out
        return _nan_member(family, np.zeros((1, array.shape[-1]) if vector else 1))
    if family is Categorical:
        return _categorical(stats)
    return family(**_CHUNKED[family](stats))


def _categorical(stats: Stats) -> Categorical:
    counts = stats["bins"]
    return Categorical(counts / counts.sum())
