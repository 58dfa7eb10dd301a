"""k-nearest-neighbour estimators of entropy, cross-entropy and KL from continuous samples.

Every estimator takes NumPy float64 samples ``x`` of shape ``(n, d)`` (and ``y`` of shape
``(m, d)``), the neighbour rank ``k`` (None: the method's default) and ``rng`` (unused: these
estimators are deterministic; the argument keeps one signature for every table entry), and
returns ``(value, stderr)`` in nats. NaN in the samples gives ``(nan, nan)``. Error messages
name the samples `p` and `q`, the arguments of the public functions they come from.

Notation: ρ_j(i) is the Euclidean distance from x_i to its j-th nearest neighbour among the
other n − 1 points of x, ν_j(i) the distance to its j-th nearest neighbour in y, V_d = π^{d/2} /
Γ(d/2 + 1) the volume of the unit ball and ψ the digamma function. Under a locally constant
density the ball probability of the j-th neighbour is Beta(j, n − j) (resp. Beta(j, m − j + 1))
distributed, which gives the unbiased-for-uniform constants

    H_j  = ψ(n)     − ψ(j) + log V_d + d/n Σ_i log ρ_j(i)          (Kozachenko–Leonenko)
    CE_j = ψ(m + 1) − ψ(j) + log V_d + d/n Σ_i log ν_j(i)
    KL_j = CE_j − H_j = d/n Σ_i log(ν_j(i) / ρ_j(i)) + ψ(m + 1) − ψ(n)   (Wang et al. 2009)

(ψ(m + 1) − ψ(n) = log(m / (n − 1)) + O(1/n), Wang–Kulkarni–Verdú's constant). The
``"bsy"`` estimators are Σ_j w_j H_j (resp. CE_j, KL_j) over ranks j = 1..k with weights that
sum to 1. The leading bias terms are proportional to Γ(j + 2l/d) / Γ(j) · n^{-2l/d}, l = 1, 2,
... (Berrett, Samworth & Yuan 2019; the same weights serve the two-sample terms, whose bias has
the same form in m). For d <= 3 the weights are those of the plain rank k (default 5, 5, 3 for
d = 1, 2, 3); for d >= 4 they take half of the correction that cancels the l = 1 term (ranks
1..5 by default): the full correction over-corrects in high dimension, where the terms l >= 2
are as large at practical n (`_knn_formulas._weights` and benchmarks/bench_knn_defaults.py
give the measurements). Estimates of KL can be negative: the estimator is unbiased only in the
limit, and for P = Q or close distributions the sampling error is symmetric about a value near
0. The raw estimate is returned; it is never clipped. The JS estimators (`_knn_js`) are
another construction, which stays in [0, log 2].

All samples are first multiplied by a power of two that brings their largest |value| to [½, 1)
(exact), so that the estimates are equivariant over any units (H(aX) = H(X) + d log|a|, KL
invariant, up to rounding) from 1e-160 to 1e160. A value repeated more than the lowest used
rank of times puts distance 0 (log 0) into an estimate: `p`, `q` and the pooled draws of JS are
checked by one rule, and the error says the data look rounded (discrete, or to dequantise).

In high dimension the kNN estimators need many draws: their bias decays like n^{-2/d}, and the
standard errors do not include it (at d = 20, n = 2000, the entropy of N(0, I) comes out
about 1 nat off, several standard errors). Prefer d <= 10 or large n.

The neighbour search is in `_knn_neighbours`; the rank weights and the sums over log-distances
that turn neighbour distances into estimates are in `_knn_formulas`. This module checks the
samples, assembles the estimators and holds their tables and defaults.

References: Kozachenko & Leonenko (1987), Probl. Inf. Transm. 23, 95–101; Wang, Kulkarni &
Verdú (2009), IEEE Trans. Inf. Theory 55(5), 2392–2405; Berrett, Samworth & Yuan (2019),
Ann. Statist. 47(1), 288–318; Moon & Hero (2014), NeurIPS, "Multivariate f-divergence
estimation with confidence"; Lin (1991), IEEE Trans. Inf. Theory 37, 145–151 (JS).

Examples
--------
KL(N(0, I_5) ‖ N(0.5·1, I_5)) = 5 · 0.5² / 2 = 0.625; the plain WKV estimate is biased low by
several standard errors at this n, and the weighted one takes part of that bias away:

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> x, y = rng.standard_normal((20_000, 5)), rng.standard_normal((20_000, 5)) + 0.5
>>> plain, se = KL["wkv"](x, y, None, None)
>>> bool(plain < 0.625 - 2 * se)
True
>>> bool(plain < KL["bsy"](x, y, None, None)[0] < 0.625)
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ._knn_formulas import _cross_from, _entropy_from, _log_ball, _unit, _weights
from ._knn_js import js_from_samples
from ._knn_neighbours import (
    FloatArray,
    _check_ties,
    _neighbours,
    _rescaled,
    _spatial_order,
    _tree,
)
from ._spacing import SPACING_ENTROPY

__all__ = [
    "CROSS_ENTROPY",
    "DEFAULT_CROSS_ENTROPY",
    "DEFAULT_ENTROPY",
    "DEFAULT_JS",
    "DEFAULT_KL",
    "ENTROPY",
    "JS",
    "KL",
    "entropy_influence",
]

OneSample = Callable[[FloatArray, "int | None", Any], tuple[float, float]]
TwoSample = Callable[[FloatArray, FloatArray, "int | None", Any], tuple[float, float]]

DEFAULT_K = 3  # neighbour rank of "kl" / "wkv"

#: The largest rank of "bsy" by dimension (d >= 4: 5). Chosen on the grid of
#: benchmarks/bench_knn_defaults.py (d = 1, 2, 3, 5, 10; n = 100 .. 50,000; N(0, I), N(0,
#: AR(0.9)), t_3 product, uniform cube; 200 / 100 / 30 / 10 seeded draws): the plain rank 5
#: has at most 0.014 (d = 1) and 0.011 (d = 2) nats more RMSE than the best method of any
#: smooth cell, against 0.025 and 0.023 for rank 3 (whose RMSE is up to 1.6-2x the best in
#: d = 1 at n >= 10,000); in d = 3 rank 3 stays (0.010; rank 5 adds bias there). Larger ranks
#: lower the variance, and in d <= 2 the bias they add stays below it up to n = 50,000.
_BSY_K = {1: 5, 2: 5, 3: DEFAULT_K}


def _default_bsy_k(d: int) -> int:
    """The largest rank of "bsy" in dimension d (see `_BSY_K`; ranks 1..5 for d >= 4)."""
    return _BSY_K.get(d, 5)


# ------------------------------------------------------------------------------ checks
def _points(x: Any, name: str) -> FloatArray | None:
    """`x` as a C-contiguous (n, d) float64 array; None when it holds NaN (NaN out)."""
    a = np.ascontiguousarray(x, dtype=np.float64)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[1] == 0:
        msg = f"`{name}` must have shape (n,) or (n, d) with d >= 1; found shape {a.shape}"
        raise ValueError(msg)
    if np.isnan(a).any():
        return None
    if not np.isfinite(a).all():
        msg = f"`{name}` has {int(np.count_nonzero(np.isinf(a)))} infinite entries; kNN "
        msg += "estimators need finite samples"
        raise ValueError(msg)
    return a


def _rank(k: Any, default: int) -> int:
    kk = default if k is None else k
    if isinstance(kk, bool) or not isinstance(kk, int | np.integer) or kk < 1:
        msg = f"`k` (the neighbour rank) must be a positive integer; found {k!r}"
        raise ValueError(msg)
    return int(kk)


def _enough(n: int, need: int, name: str, k: int) -> None:
    if n < need:
        msg = f"`{name}` has {n} points; rank k = {k} needs at least {need}"
        raise ValueError(msg)


# ------------------------------------------------------------------------------ estimators
def _prepare(
    x: Any, y: Any, k: int | None, bsy: bool, js: bool = False
) -> tuple[Any, Any, FloatArray, int, float]:
    """Checked samples (None for NaN) rescaled by a power of two, weights over ranks 1..K,
    the lowest weighted rank and the log of the scale (add d times it to an entropy).

    For JS (`js`) the weights are always those of the plain rank K: the count estimator of
    `_knn_js` has no n^{-2/d} term of the entropies' kind to correct (on N(0, I_10) against a
    shift of 1 or 2, n = 2,000-5,000, 12 seeded draws, the half-corrected ranks 1..5 had RMSE
    0.0116 / 0.0101 against 0.0070 / 0.0044 for the plain rank 5, 0.0076 / 0.0051 for rank 3).
    """
    px = _points(x, "p")
    py = None if y is None else _points(y, "q")
    if px is not None and py is not None and py.shape[1] != px.shape[1]:
        msg = f"`p` and `q` must have the same dimension; found {px.shape[1]} and {py.shape[1]}"
        raise ValueError(msg)
    d = int(np.shape(x)[1]) if np.ndim(x) == 2 else 1
    K = _rank(k, _default_bsy_k(d) if bsy else DEFAULT_K)
    # sizes first: the weights cost O(K^2) memory, and a K beyond the sample is an error anyway
    if px is not None:
        _enough(px.shape[0], K + 1, "p", K)
    if py is not None:
        _enough(py.shape[0], K, "q", K)
    w = np.array(_weights(d, K)) if bsy and not js else _unit(K)
    lowest = int(np.flatnonzero(w)[0]) + 1
    (px, py), e = _rescaled(px, py)
    for a, name in ((px, "p"), (py, "q")):  # one rule for both samples
        if a is not None:
            _check_ties(a, lowest, name)
    return px, py, w, lowest, e * math.log(2.0)


def _make_entropy(bsy: bool) -> OneSample:
    def estimate(x: FloatArray, k: int | None, rng: Any = None) -> tuple[float, float]:
        px, _, w, lowest, log_scale = _prepare(x, None, k, bsy)
        if px is None:
            return math.nan, math.nan
        tree, xs = _spatial_order(px)
        la, ia = _neighbours(tree, xs, w.size, lowest, ("p", "p"))
        value, se = _entropy_from(la, ia, w)
        return value + _log_ball(px.shape[1]) + px.shape[1] * log_scale, se

    return estimate


def entropy_influence(x: FloatArray, k: int | None, method: str) -> FloatArray | None:
    """Each draw's influence on the kNN entropy estimate ``method`` ("kl" or "bsy").

    In the order of `x`: ``Σ_j w_j d log ρ_j(i) − in-degree(i) / k``, the draw's own term less
    the smoothed growth of its neighbours' distances were it deleted (as in the standard
    error of `_entropy_from`). A statistic that adds per-draw terms t_i to the estimate —
    KL(data‖model) = mean(−log q(x_i)) − Ĥ — then has standard error ``sd(t − influence) /
    sqrt(n)``, with the covariance of the two parts. None for other methods or NaN draws.
    """
    if method not in ("kl", "bsy"):
        return None
    px, _, w, lowest, _ = _prepare(x, None, k, method == "bsy")
    if px is None:
        return None
    return _entropy_parts(px, w, lowest)[1]


def _entropy_parts(px: FloatArray, w: FloatArray, lowest: int) -> tuple[float, FloatArray]:
    """The entropy estimate and each draw's influence on it (in the order of `px`)."""
    tree, xs = _spatial_order(px)
    la, ia = _neighbours(tree, xs, w.size, lowest, ("p", "p"))
    value, _ = _entropy_from(la, ia, w)
    influence = la @ w - np.bincount(ia.ravel(), minlength=px.shape[0]) / w.size
    out: FloatArray = np.empty_like(influence)
    out[tree.indices] = influence
    return value + _log_ball(px.shape[1]), out


def _make_js(bsy: bool) -> TwoSample:
    def estimate(
        x: FloatArray, y: FloatArray, k: int | None, rng: Any = None
    ) -> tuple[float, float]:
        px, py, w, lowest, _ = _prepare(x, y, k, bsy, js=True)
        if px is None or py is None:
            return math.nan, math.nan
        _enough(py.shape[0], w.size + 1, "q", w.size)
        return js_from_samples(px, py, w, lowest)

    return estimate


def _make_two_sample(measure: str, bsy: bool) -> TwoSample:
    def estimate(
        x: FloatArray, y: FloatArray, k: int | None, rng: Any = None
    ) -> tuple[float, float]:
        px, py, w, lowest, log_scale = _prepare(x, y, k, bsy)
        if px is None or py is None:
            return math.nan, math.nan
        tree, xs = _spatial_order(px)
        lb, ib = _neighbours(_tree(py), xs, w.size, lowest, ("p", "q"))
        if measure == "cross_entropy":
            value, se = _cross_from(None, lb, ib, w, py.shape[0])
            return value + _log_ball(px.shape[1]) + px.shape[1] * log_scale, se
        la, _ = _neighbours(tree, xs, w.size, lowest, ("p", "p"))
        return _cross_from(la, lb, ib, w, py.shape[0])

    return estimate


_ENTROPY_DOC = """{title} entropy estimate from continuous samples, in nats.

    ``x`` (n, d) float64; ``k`` {k_doc}; ``rng`` unused (deterministic). Returns
    ``(value, stderr)``. Formula: see the module docstring{extra}.
    """
_TWO_DOC = """{title} estimate of {what} from samples x ~ P (n, d) and y ~ Q (m, d), in nats.

    ``k`` {k_doc}; ``rng`` unused (deterministic); n and m may differ. Returns
    ``(value, stderr)``. Formula: see the module docstring.
    """
_K_PLAIN = "the neighbour rank (default 3)"
_K_BSY = "the largest rank combined, ranks 1..k (default 5, 5, 3 for d = 1, 2, 3; 5 for d >= 4)"


def _documented(f: Any, doc: str) -> Any:
    f.__doc__ = doc
    return f


#: Entropy estimators for continuous samples, by method name.
ENTROPY: dict[str, OneSample] = {
    "bsy": _documented(
        _make_entropy(True),
        _ENTROPY_DOC.format(
            title="Berrett–Samworth–Yuan weighted kNN",
            k_doc=_K_BSY,
            extra="; equal to 'kl' of rank k for d <= 3",
        ),
    ),
    "kl": _documented(
        _make_entropy(False),
        _ENTROPY_DOC.format(title="Kozachenko–Leonenko kNN", k_doc=_K_PLAIN, extra=""),
    ),
    **SPACING_ENTROPY,
}

#: KL(P‖Q) estimators from two continuous samples, by method name.
KL: dict[str, TwoSample] = {
    "bsy": _documented(
        _make_two_sample("kl", True),
        _TWO_DOC.format(title="Bias-reduced (weighted WKV)", what="KL(P‖Q)", k_doc=_K_BSY),
    ),
    "wkv": _documented(
        _make_two_sample("kl", False),
        _TWO_DOC.format(title="Wang–Kulkarni–Verdú kNN", what="KL(P‖Q)", k_doc=_K_PLAIN),
    ),
}

#: Cross-entropy H(P, Q) = −E_P log q estimators from two continuous samples, by method name.
CROSS_ENTROPY: dict[str, TwoSample] = {
    "bsy": _documented(
        _make_two_sample("cross_entropy", True),
        _TWO_DOC.format(title="Bias-reduced (weighted kNN)", what="H(P, Q)", k_doc=_K_BSY),
    ),
    "wkv": _documented(
        _make_two_sample("cross_entropy", False),
        _TWO_DOC.format(title="kNN (the cross term of WKV)", what="H(P, Q)", k_doc=_K_PLAIN),
    ),
}

_JS_DOC = """{title} estimate of JS(P, Q) = ½ KL(P‖M) + ½ KL(Q‖M), M = (P + Q)/2, in nats.

    From samples x ~ P (n, d) and y ~ Q (m, d), n and m may differ: each draw's ball to its
    j-th nearest other draw of its own sample, the number of draws of the other sample inside
    it, and the unbiased negative-binomial estimate of log(1 + q/p) from that count (module
    `_knn_js`); every draw is used and ``rng`` is unused (deterministic). ``k`` {k_doc}. The
    estimate lies in [0, log 2] (a raw value below 0, sampling error when P ≈ Q, is reported
    as 0, the projection on the interval); the standard error is that of the raw estimate,
    never below the change one neighbour count makes. Returns ``(value, stderr)``.
    """

#: Jensen–Shannon divergence estimators from two continuous samples, by method name.
JS: dict[str, TwoSample] = {
    "bsy": _documented(
        _make_js(True),
        _JS_DOC.format(
            title="kNN count (ranks of 'bsy')",
            k_doc="the neighbour rank (default 5, 5, 3 for d = 1, 2, 3; 5 for d >= 4)",
        ),
    ),
    "kl": _documented(_make_js(False), _JS_DOC.format(title="kNN count", k_doc=_K_PLAIN)),
}

# "bsy" with the ranks of `_BSY_K` and the half correction of `_knn_formulas._weights` for
# d >= 4, chosen on the grid of benchmarks/bench_knn_defaults.py (issue 12)
DEFAULT_ENTROPY = "bsy"
DEFAULT_KL = "bsy"
DEFAULT_CROSS_ENTROPY = "bsy"
# the negative-binomial count estimator of `_knn_js`, in [0, log 2]; "bsy" is its plain rank
# `_default_bsy_k(d)` (5, 5, 3 for d = 1, 2, 3; 5 for d >= 4), "kl" rank 3 (see `_prepare`)
DEFAULT_JS = "bsy"
