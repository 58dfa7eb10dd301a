"""The bias of an estimate from data, made visible: the estimate recomputed on halves and
quarters of the data, and extrapolated.

An estimator's bias usually falls as a power of the sample size, ``b(n) ≈ c n^(-α)``: α = 1 for
the plug-in entropy of a well-sampled alphabet, about 2/d for nearest-neighbour estimates in d
dimensions, less with heavy tails or an undersampled alphabet. It shows in the estimate itself.
The draws are split at random into two halves, and each half into two quarters (every draw used
once at each level; two data sets are split with one seed and paired), and the mean of the
estimates moves by

    d1 = mean(halves) - full ≈ b(n/2) - b(n) = b(n) (2^α - 1),
    d2 = mean(quarters) - mean(halves) ≈ 2^α d1,

so ``α = log2(d2 / d1)`` and ``b(n) = d1 / (2^α - 1)`` (Richardson extrapolation, with the rate
read from the data, held to [0.2, 2], and 0.2 — the largest bias — where the steps do not
shrink as n grows). For α <= 1, ``|b(n)| >= |d1|``; for α > 1 (the remainder of a
bias-corrected estimator) the extrapolation says how much less it is. Where ``min(|d1|,
|b(n)|)`` exceeds twice the standard error, the estimate carries the extrapolated bias, which
its interval takes in; where it exceeds three standard errors (a 95% interval around the
estimate would then cover less than 15% of the time), the bias dominates and the estimate also
warns (`BiasWarning`, naming the regime and the remedy). The step is compared with the
standard error, not with its own noise: the linear part of the noise cancels in d1 (the
halves' mean and the full estimate share every draw), but near a maximum (a uniform
distribution) the estimators' noise is of second order and d1 carries it at about the
standard error's size, so a smaller threshold would cry wolf (measured: 15–80% of replicates
for NSB on 1,000 draws of a uniform over 10 categories at one standard error).

What it cannot see: a bias that falls slowly (α near 0.2, as for nearest-neighbour estimates in
d >= 5 or with tails that the sample does not reach) moves the estimate by only ``(2^α - 1) b ≈
0.15 b`` when the data are halved; a bias under about 13 standard errors then goes unseen.

The split is seeded (by ``rng`` where the caller gave one): one call, one answer. It costs
about two more estimates' worth of work for estimators linear in n (two estimates of n/2
draws, four of n/4), somewhat less for nearest-neighbour searches.
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import array_api_compat
import numpy as np

from .._core import MEASURE_NAMES, BiasWarning
from ._estimators._alphabet import user_stacklevel
from ._estimators._counts_base import value_only
from ._samples import Counts, Samples

__all__ = ["MIN_DRAWS", "Bias", "checked_bias", "diagnose", "split"]

ALPHA_MIN, ALPHA_MAX = 0.2, 2.0
MIN_DRAWS = 16  # a quarter of fewer than 4 draws says nothing about the rate
DEFAULT_SEED = 0x1F0
SHOW_AT = 2.0  # standard errors of bias (and of step) that the interval takes in
WARN_AT = 3.0  # standard errors of bias that make a warning (a 95% interval then covers < 15%)


@dataclass(frozen=True)
class Bias:
    """What halving and quartering the data showed."""

    value: float  # extrapolated b(n): estimate minus truth, expected
    step: float  # d1: mean of the half-sample estimates minus the full-sample estimate
    alpha: float  # the rate used in the extrapolation
    visible: bool  # min(|d1|, |b|) > SHOW_AT standard errors: the interval takes it in
    dominates: bool  # min(|d1|, |b|) > WARN_AT standard errors: a `BiasWarning` too


def _split_samples(D: Samples, parts: int, rng: np.random.Generator) -> list[Samples]:
    out = []
    for idx in np.array_split(rng.permutation(D.n), parts):
        sub = copy.copy(D)  # every option of D (kind, bins, alphabet) carried over
        sub._np, sub.n = D._np[idx], int(idx.size)
        if D.data is D._np:
            sub.data = sub._np
        else:  # the draws in their own library, for a model's log_prob
            at = D.xp.asarray(idx, device=array_api_compat.device(D.data))
            sub.data = D.xp.take(D.data, at, axis=0)
        out.append(sub)
    return out


def _hypergeometric(
    counts: np.ndarray[Any, Any], parts: int, rng: np.random.Generator
) -> list[np.ndarray[Any, Any]]:
    pieces, left = [], counts.astype(np.int64)
    for i in range(parts, 1, -1):  # draw 1/i of what is left, without replacement
        take = rng.multivariate_hypergeometric(left, int(left.sum()) // i, method="marginals")
        pieces.append(take)
        left = left - take
    pieces.append(left)
    return pieces


def _split_counts(D: Counts, parts: int, rng: np.random.Generator) -> list[Counts]:
    out = []
    for c in _hypergeometric(D.counts, parts, rng):
        sub = copy.copy(D)
        sub.counts = c.astype(np.float64)
        sub.n = int(c.sum())
        out.append(sub)
    return out


def _split_weighted(D: Samples, parts: int, rng: np.random.Generator) -> list[Samples]:
    """Dask draws held as distinct values and counts: the counts are split (a random split
    of the draws, counted), and each part keeps the values it holds."""
    assert D._weights is not None
    out = []
    for c in _hypergeometric(D._weights, parts, rng):
        sub = copy.copy(D)
        seen = c > 0
        sub._np = sub.data = D._np[seen]
        sub._weights, sub.n = c[seen].astype(np.float64), int(c.sum())
        out.append(sub)
    return out


def split(D: Samples | Counts, parts: int, rng: np.random.Generator) -> list[Samples | Counts]:
    """A random partition of the draws of `D` into `parts` data sets of (nearly) equal size."""
    if isinstance(D, Counts):
        return list(_split_counts(D, parts, rng))
    if D._weights is not None:
        return list(_split_weighted(D, parts, rng))
    return list(_split_samples(D, parts, rng))


def _paired(data: Sequence[Samples | Counts], gen: np.random.Generator) -> list[tuple[Any, ...]]:
    """Halves of each data set, paired; data sets of one size are split alike (one seed), so
    that a data set given twice (P is Q) stays one data set in every part."""
    seed = int(gen.integers(2**63))
    return list(zip(*(split(D, 2, np.random.default_rng(seed)) for D in data), strict=True))


def diagnose(
    estimate: Callable[[tuple[Any, ...]], float],
    data: Sequence[Samples | Counts],
    value: float,
    stderr: float,
    rng: Any = None,
) -> Bias | None:
    """What halving and quartering `data` shows of the bias of ``estimate(data) = value``.

    None where it cannot be read: fewer than `MIN_DRAWS` draws, a NaN or infinite value or
    standard error or a standard error of 0 (an exact answer: one data set against itself),
    binned draws (their bins depend on the draws), or an estimator that
    refuses or gives a non-finite value on a part (too few draws for its neighbours, a
    category of P that a quarter of Q lacks).
    """
    if not (math.isfinite(value) and math.isfinite(stderr)) or stderr == 0:
        return None  # NaN data, an infinite estimate, or an exact answer (P is Q)
    if min(D.n for D in data) < MIN_DRAWS or any(
        isinstance(D, Samples) and D.bins is not None for D in data
    ):
        return None
    gen = np.random.default_rng(DEFAULT_SEED if rng is None else rng)
    try:
        with warnings.catch_warnings(), value_only():  # no stderr: only the values are read
            warnings.simplefilter("ignore")  # the parts' own warnings would repeat the whole's
            halves = _paired(data, gen)
            quarters = [q for h in halves for q in _paired(h, gen)]
            vh = float(np.mean([estimate(h) for h in halves]))
            vq = float(np.mean([estimate(q) for q in quarters]))
    except ValueError:
        return None
    if not (math.isfinite(vh) and math.isfinite(vq)):
        return None
    d1, d2 = vh - value, vq - vh
    ratio = d2 / d1 if d1 != 0 else 0.0
    alpha = min(max(math.log2(ratio), ALPHA_MIN), ALPHA_MAX) if ratio > 0 else ALPHA_MIN
    bias = d1 / (2**alpha - 1)
    # for α <= 1 the bias is at least the step; for α > 1 (a bias-corrected estimator's
    # remainder) it is less, and the extrapolation says how much
    shown = min(abs(d1), abs(bias))
    return Bias(bias, d1, alpha, shown > SHOW_AT * stderr, shown > WARN_AT * stderr)


def _regime(data: Sequence[Samples | Counts], label: str, measure: str) -> tuple[str, str]:
    """Where the estimate is, in words, and what to do about it."""
    what = f"the {MEASURE_NAMES[measure]} estimate ({label})"
    sizes = " and ".join(f"n = {D.n}" for D in data)
    if all(isinstance(D, Counts) or D.discrete for D in data):
        return (
            f"{what} from {sizes} draws of categories",
            "more draws, or an estimator for undersampled alphabets (see the `method` "
            "options of the measure)",
        )
    d = max(D.d for D in data if isinstance(D, Samples))
    return (
        f"{what} from {sizes} draws in d = {d}",
        "more draws; fewer dimensions (the bias of nearest-neighbour estimates grows with d); "
        "or a parametric model fitted to the data (e.g. MultivariateNormal) in place of the "
        "sample",
    )


HIGH_D = 5
BIAS_PER_DIMENSION = 0.01  # nats: the default kNN entropy's |bias| measured up to ~0.01 d


def _slow_bias(measure: str, data: Sequence[Samples | Counts], stderr: float, label: str) -> None:
    """Nearest-neighbour estimates in d >= 5: their bias falls about as n^(-2/d), too slowly
    for halving to show it (a step of ~0.15 b), while the standard error falls as n^(-1/2).

    An entropy (or the entropy term of KL(data ‖ model)) warns where its standard error is
    below half the bias measured for the default (benchmarks/bench_honesty.py,
    bench_knn_defaults.py): N(0, I_5), n = 10^4, -0.041 with stderr ~0.01 (coverage 0.55);
    N(0, I_10), n = 5000, -0.094 with ~0.04 (0.30); up to about 0.01 d nats over Gaussian and
    t_3 cells. Two-sample KL and cross-entropy always warn: their bias has no stable size
    (four Gaussian pairs, 4 seeds each, stderr 0.02-0.09: d = 5, n = m = 1000 and 5000, -0.12
    to +0.09; d = 10, n = m = 1000, -0.35 to +0.23, and at 5000 still +0.15 to +0.22) and
    grows as n falls. JS (bounded, deterministic) is not covered: d = 50, n = m = 200, equal
    distributions, coverage 0.91."""
    if not math.isfinite(stderr) or any(
        not isinstance(D, Samples) or D.discrete or D.d < HIGH_D for D in data
    ):
        return
    d = max(D.d for D in data if isinstance(D, Samples))
    where, remedy = _regime(data, label, measure)
    if len(data) == 1:  # an entropy, alone or as the entropy term of KL(data ‖ model)
        bound = BIAS_PER_DIMENSION * d
        if stderr >= bound / 2:
            return
        msg = (
            f"{where}: nearest-neighbour entropies in d >= {HIGH_D} carry a bias that falls "
            f"slowly with n (measured up to about {bound:.2g} nats here, for Gaussian and t_3 "
            f"data), more than twice the standard error ({stderr:.2g}); the interval may not "
            f"cover. Remedy: {remedy}."
        )
    elif measure in ("kl_divergence", "cross_entropy"):
        msg = (
            f"{where}: two-sample nearest-neighbour estimates in d >= {HIGH_D} carry a bias "
            f"of either sign that falls slowly with n and that halving cannot measure "
            f"(measured -0.35 to +0.23 nats between Gaussians in d = 10 at n = 1000, -0.12 to "
            f"+0.09 in d = 5); the interval (stderr {stderr:.2g}) may not cover. "
            f"Remedy: {remedy}."
        )
    else:
        return
    warnings.warn(msg, BiasWarning, stacklevel=user_stacklevel())


def checked_bias(
    measure: str,
    estimate: Callable[[tuple[Any, ...]], float],
    data: Sequence[Samples | Counts],
    value: float,
    stderr: float,
    label: str,
    rng: Any = None,
    sign: float = 1.0,
) -> float | None:
    """The extrapolated bias where halving the data shows one above `SHOW_AT` standard
    errors, else None; above `WARN_AT`, with a `BiasWarning` naming the regime and the remedy.
    Continuous draws too few to quarter warn too (their bias cannot be assessed), and so do
    nearest-neighbour estimates in d >= 5 whose bias halving cannot see (`_slow_bias`).
    ``sign = -1`` where `estimate` is a term subtracted from the result (the entropy in
    KL(data ‖ model) = NLL − H): the bias and the step are then reported for the result."""
    continuous = any(isinstance(D, Samples) and not D.discrete for D in data)
    if continuous and min(D.n for D in data) < MIN_DRAWS and math.isfinite(value):
        where, remedy = _regime(data, label, measure)
        msg = (
            f"{where}: too few draws to assess its bias (at least {MIN_DRAWS} are needed, and "
            f"nearest-neighbour estimates need many more than the dimension). Remedy: {remedy}."
        )
        warnings.warn(msg, BiasWarning, stacklevel=user_stacklevel())
        return None
    found = diagnose(estimate, data, value, stderr, rng)
    if found is None or not found.dominates:
        _slow_bias(measure, data, stderr, label)
    if found is None or not found.visible:
        return None
    bias, step = sign * found.value, sign * found.step
    if not found.dominates:
        return bias
    where, remedy = _regime(data, label, measure)
    msg = (
        f"{where}: halving the data moves it by {step:+.3g} nats, against a standard "
        f"error of {stderr:.2g}: its bias dominates (extrapolated: {bias:+.3g} nats; "
        f"`.bias` holds it and `.interval()` takes it in). Remedy: {remedy}."
    )
    warnings.warn(msg, BiasWarning, stacklevel=user_stacklevel())
    return bias
