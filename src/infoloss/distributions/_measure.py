"""Measures between parametric distributions: closed forms from the registry, or Monte Carlo.

``method="exact"`` uses the registered closed form and raises `NoClosedFormError` where there
is none; ``"mc"`` estimates by sampling P (plain estimator, unbiased); ``"mc-k3"`` uses the
non-negative low-variance KL estimator E_P[(r - 1) - log r], r = q/p; ``"auto"`` takes the
closed form where there is one and falls back to ``"mc"``. Estimates come back as `Estimate`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .._core import (
    LN2,
    MEASURE_NAMES,
    Array,
    Estimate,
    Namespace,
    Options,
    get_pool,
    is_numpy,
    lookup,
    n_threads,
    refuse_data_options,
    register_kind,
    register_route,
)
from ..discrete import Categorical
from ._base import Distribution
from ._scipy import as_parametric, is_frozen

__all__ = ["METHODS", "NoClosedFormError", "parametric_measure", "parametric_route"]


class NoClosedFormError(NotImplementedError):
    """No closed form is registered for this pair of families: use ``method="mc"``."""


_PARALLEL_MIN = 1 << 17  # batch size from which NumPy closed forms are split among threads


def _closed(measure: str, P: Distribution, Q: Distribution | None) -> Array | None:
    """The closed form, on NumPy split along the first batch axis among threads when large."""
    dists = (P,) if Q is None else (P, Q)
    try:
        batch = np.broadcast_shapes(*(d.batch_shape for d in dists))
    except ValueError:
        found = " and ".join(
            f"`{k}` {type(d).__name__} with batch shape {d.batch_shape}"
            for k, d in zip("pq", dists, strict=False)
        )
        msg = f"the batch shapes do not broadcast: {found}"
        raise ValueError(msg) from None
    threads = n_threads()
    if not (is_numpy(P.xp) and batch and math.prod(batch) >= _PARALLEL_MIN and threads > 1):
        return _closed_serial(measure, P, Q)
    edges = np.linspace(0, batch[0], threads + 1).astype(int)
    pool = get_pool()
    parts = [
        pool.submit(_closed_serial, measure, *(d._take(a, b, len(batch)) for d in dists))
        for a, b in itertools.pairwise(edges)
    ]
    results: list[Any] = [f.result() for f in parts]
    if any(r is None for r in results):
        return None
    blocks = [
        np.broadcast_to(r, (b - a, *batch[1:]))
        for r, (a, b) in zip(results, itertools.pairwise(edges), strict=True)
    ]
    return np.concatenate(blocks)


def _closed_serial(measure: str, P: Distribution, Q: Distribution | None = None) -> Array | None:
    if measure == "entropy":
        try:
            return P.entropy()
        except NotImplementedError:
            return None
    assert Q is not None
    fn = lookup(measure, (type(P), type(Q)))
    if fn is not None:
        return fn(P, Q)
    if measure == "cross_entropy":
        kl = lookup("kl_divergence", (type(P), type(Q)))
        if kl is not None:
            return P.entropy() + kl(P, Q)
    return None


def _no_closed_form(measure: str, P: Distribution, Q: Distribution | None) -> NoClosedFormError:
    pair = type(P).__name__ if Q is None else f"{type(P).__name__} and {type(Q).__name__}"
    msg = (
        f"no closed form of {measure} is known to infoloss for {pair}; "
        f'estimate it with method="mc" (and n=..., rng=...), or register one with '
        "infoloss.register_kl"
    )
    return NoClosedFormError(msg)


def _same_kind(measure: str, P: Distribution, Q: Distribution) -> None:
    """A pmf and a density have no cross-entropy, KL or JS between them, by any method.

    The notion of kind is the families' own `discrete` flag, the one the data-vs-model routes
    check too (a Monte Carlo mean of ``log p(x) - log q(x)`` would be finite, and meaningless).
    """
    if bool(P.discrete) == bool(Q.discrete):
        return
    kind = {True: "discrete", False: "continuous"}
    what = "a pmf and a density" if P.discrete else "a density and a pmf"
    msg = (
        f"`p` is a {kind[bool(P.discrete)]} distribution ({type(P).__name__}) and `q` a "
        f"{kind[bool(Q.discrete)]} one ({type(Q).__name__}): {MEASURE_NAMES[measure]} between "
        f"{what} is undefined"
    )
    raise TypeError(msg)


# -------------------------------------------------------------------------------- Monte Carlo
def _mean_se(t: Array, xp: Namespace, n: int) -> tuple[Array, Array]:
    mean = xp.mean(t, axis=0)
    se = xp.std(t, axis=0, correction=1) / math.sqrt(n) if n > 1 else xp.full_like(mean, xp.inf)
    return mean, se


def _terms(measure: str, P: Distribution, Q: Distribution | None, n: int, rng: Any) -> Array:
    """Per-draw terms whose mean estimates the measure (draws from P; for JS from both)."""
    xp = P.xp
    x = P.sample(n, rng=rng)
    lp = P.log_prob(x)
    if measure == "entropy":
        return -lp
    assert Q is not None
    lq = Q.log_prob(x)
    if measure == "cross_entropy":
        return -lq
    if measure == "kl_divergence":
        return lp - lq
    # JS: half E_P[log p - log m] + half E_Q[log q - log m], one draw from each per term
    y = Q.sample(n, rng=None if rng is None else _next_seed(rng))
    lpy, lqy = P.log_prob(y), Q.log_prob(y)
    lm_x = xp.logaddexp(lp, lq) - LN2
    lm_y = xp.logaddexp(lpy, lqy) - LN2
    return 0.5 * ((lp - lm_x) + (lqy - lm_y))


def _next_seed(rng: Any) -> Any:
    import numpy as np

    return np.random.default_rng(rng).integers(2**63)


def _mc(measure: str, P: Distribution, Q: Distribution | None, n: int, rng: Any) -> Estimate:
    mean, se = _mean_se(_terms(measure, P, Q, n, rng), P.xp, n)
    return Estimate(mean, se, "mc", n)


def _mc_k3(measure: str, P: Distribution, Q: Distribution | None, n: int, rng: Any) -> Estimate:
    if measure != "kl_divergence" or Q is None:
        msg = f'method "mc-k3" estimates KL only; for {measure} use method="mc"'
        raise ValueError(msg)
    xp = P.xp
    x = P.sample(n, rng=rng)
    d = Q.log_prob(x) - P.log_prob(x)  # log r
    mean, se = _mean_se(xp.expm1(d) - d, xp, n)
    return Estimate(mean, se, "mc-k3", n)


METHODS: dict[str, Callable[[str, Distribution, Distribution | None, int, Any], Estimate]] = {
    "mc": _mc,
    "mc-k3": _mc_k3,
}


def parametric_measure(
    measure: str, P: Distribution, Q: Distribution | None, *, method: str, n: int, rng: Any
) -> Array | Estimate:
    """The measure in nats: an array for a closed form, an `Estimate` for Monte Carlo.

    NumPy's floating-point warnings are silenced inside: log 0 = -inf and the like are the
    intended values at the edges of the supports, not events to report.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        return _parametric_measure(measure, P, Q, method=method, n=n, rng=rng)


def _parametric_measure(
    measure: str, P: Distribution, Q: Distribution | None, *, method: str, n: int, rng: Any
) -> Array | Estimate:
    if Q is not None:
        _same_kind(measure, P, Q)
    if Q is not None and Q.xp is not P.xp:
        if Q._scalars:  # Normal(0, 1) next to torch parameters: a torch Normal(0, 1)
            Q = Q._like(P)
        elif P._scalars:
            P = P._like(Q)
        else:
            msg = (
                "`p` and `q` must have parameters from one array library; found "
                f"{P.xp.__name__} and {Q.xp.__name__}"
            )
            raise TypeError(msg)
    if method in ("exact", "auto"):
        res = _closed(measure, P, Q)
        if res is not None:
            return res
        if method == "exact":
            raise _no_closed_form(measure, P, Q)
        method = "mc"
    if method not in METHODS:
        names = ", ".join(f'"{m}"' for m in ("exact", "auto", *METHODS))
        msg = f"`method` must be one of {names}; found {method!r}"
        raise ValueError(msg)
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        msg = f"`n` must be an integer >= 2 (the number of draws); found {n!r}"
        raise ValueError(msg)
    return METHODS[method](measure, P, Q, n, rng)


# ---------------------------------------------------------------------------------- routes
register_kind(Distribution, is_frozen)  # a frozen SciPy distribution takes the same routes


@register_route(Distribution)
@register_route(Distribution, Distribution)
def parametric_route(
    measure: str, args: tuple[Any, ...], opts: Options
) -> tuple[Array | Estimate, Namespace]:
    """`measure` (nats) between parametric distributions (infoloss or frozen SciPy)."""
    refuse_data_options(opts)
    method = "exact" if opts.method is None else opts.method
    P, *rest = (as_parametric(a, name) for a, name in zip(args, "pq", strict=False))
    Q = rest[0] if rest else None
    res = parametric_measure(measure, P, Q, method=method, n=opts.n, rng=opts.rng)  # type: ignore[arg-type]
    return res, P.xp  # type: ignore[union-attr]


@register_route(Distribution, Categorical)
@register_route(Categorical, Distribution)
def _mixed_route(measure: str, args: tuple[Any, ...], opts: Options) -> Any:
    refuse_data_options(opts)
    found = ", ".join(f"`{k}` is a {type(a).__name__}" for k, a in zip("pq", args, strict=True))
    msg = (
        "both arguments must be distributions (infoloss or SciPy frozen) or both "
        f"discrete probability arrays; found {found}"
    )
    raise TypeError(msg)
