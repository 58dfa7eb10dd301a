"""Jensen–Shannon divergence from two aligned count vectors (the ``JS`` table of `_counts`).

Each estimator takes counts ``cp``, ``cq`` aligned on the same categories and a
``pseudocount``, and returns ``(value, stderr)`` in nats, the value in ``[0, log 2]``: an
estimate outside (sampling error near a bound, or round-off) is projected onto the interval
and keeps the stderr of the unprojected estimate, floored at both bounds (`_bounded`), so that
no estimate from a finite sample reports a stderr of exactly 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._counts_base import Result, Vector, _nan_in, stderr_wanted
from ._counts_entropy import _entropy_nsb
from ._counts_pairs import _jk_var, _no_pseudocount, _null_var, _smoothed
from ._nsb import _NSBPosterior

LOG2 = math.log(2.0)


def _bounded(js: float, var: float, p: Vector, q: Vector, n: float, m: float) -> Result:
    """``js`` projected onto ``[0, log 2]``; the stderr ``sqrt(var)`` floored at both bounds.

    Lower bound (p̂ = q̂): the second-order variance of the plug-in at P = Q, ``(K − 1)
    (1/n + 1/m)² / 32`` (`_null_var`), where the delta method and the jackknife give 0.
    Upper bound (no category seen in both samples): JS = log 2 − Σ_i m_i h(p_i/(p_i + q_i))
    (h the binary entropy, m_i = (p_i + q_i)/2), so each unit of mass that P and Q share lowers
    JS by at most log 2. With no shared category among n and m draws, the mass P puts on Q's
    categories has posterior mean 1/(n + 2) (Laplace's rule of succession, uniform prior),
    likewise for Q: the floor is ``(log 2 / 2)(1/(n + 2) + 1/(m + 2))``, the order of the
    distance to the bound that the samples cannot rule out.
    """
    floor = _null_var("js", p, q, n, m)
    if not np.any((p > 0) & (q > 0)):
        floor = max(floor, (LOG2 / 2 * (1 / (n + 2) + 1 / (m + 2))) ** 2)
    if not np.isfinite(var):
        return min(max(js, 0.0), LOG2), float("nan")
    return min(max(js, 0.0), LOG2), float(np.sqrt(max(var, floor)))


def _js_parts(cp: Vector, cq: Vector, pseudocount: float) -> tuple[Vector, Vector, Vector]:
    """p̂, q̂ and the gradients ``½ log(p̂/m̂)``, ``½ log(q̂/m̂)`` (0 off the supports)."""
    p, q = _smoothed(cp, cq, pseudocount)
    mix = 0.5 * (p + q)
    logm = np.log(np.where(mix > 0, mix, 1.0))
    gp = np.where(p > 0, 0.5 * (np.log(np.where(p > 0, p, 1.0)) - logm), 0.0)
    gq = np.where(q > 0, 0.5 * (np.log(np.where(q > 0, q, 1.0)) - logm), 0.0)
    return p, q, np.stack([gp, gq])


def _plugin_var(cp: Vector, cq: Vector, pseudocount: float) -> tuple[float, float, Vector, Vector]:
    """Plug-in JS, its delta-method variance, p̂ and q̂."""
    p, q, (gp, gq) = _js_parts(cp, cq, pseudocount)
    js = float(p @ gp + q @ gq)  # ½ KL(p̂‖m̂) + ½ KL(q̂‖m̂): exactly 0 for identical counts
    var_p, var_q = p @ gp**2 - (p @ gp) ** 2, q @ gq**2 - (q @ gq) ** 2
    return js, max(var_p, 0.0) / cp.sum() + max(var_q, 0.0) / cq.sum(), p, q


@_nan_in
def _js_plugin(cp: Vector, cq: Vector, pseudocount: float = 0.0) -> Result:
    """Plug-in Jensen–Shannon divergence ``H(m̂) − (H(p̂) + H(q̂))/2``, ``m̂ = (p̂ + q̂)/2``.

    Always finite and in [0, log 2] (projected against round-off). Stderr (delta method):
    ``Var_p̂[½ log(p̂/m̂)]/n_p + Var_q̂[½ log(q̂/m̂)]/n_q``, floored at both bounds (`_bounded`).
    """
    js, var, p, q = _plugin_var(cp, cq, pseudocount)
    return _bounded(js, var, p, q, float(cp.sum()), float(cq.sum()))


@_nan_in
def _js_miller_madow(cp: Vector, cq: Vector, pseudocount: float = 0.0) -> Result:
    """Plug-in JS minus its first-order bias (second-order Taylor of each entropy, Miller 1955).

    ``bias ≈ (K_p − 1)/(4 n_p) + (K_q − 1)/(4 n_q) − ⅛ Σ_m [p(1−p)/n_p + q(1−q)/n_q] / m``,
    the last term from ``Var(m̂_i) = p_i(1−p_i)/(4n_p) + q_i(1−q_i)/(4n_q)``. Raw counts only.
    The corrected value can leave [0, log 2] (near P = Q it is often negative); it is
    projected onto the interval, with the plug-in's stderr floored at both bounds.
    """
    _no_pseudocount(pseudocount, "miller_madow")
    js, var, p, q = _plugin_var(cp, cq, 0.0)
    mix = 0.5 * (p + q)
    n_p, n_q = float(cp.sum()), float(cq.sum())
    on = mix > 0
    var_m = (p * (1 - p) / n_p + q * (1 - q) / n_q)[on] / 4
    bias = (np.count_nonzero(p) - 1) / (4 * n_p) + (np.count_nonzero(q) - 1) / (4 * n_q)
    bias -= 0.5 * float(np.sum(var_m / mix[on]))
    return _bounded(js - bias, var, p, q, n_p, n_q)


def _nsb(c: Vector) -> float:
    return _entropy_nsb(c)[0]


def _nsb_on(post: _NSBPosterior, t: Vector) -> float:
    """NSB's posterior mean of H by the trapezoid rule on the given grid of t = log β."""
    lp = post.logpost(t)
    w = np.exp(lp - lp.max())
    m1, _ = post.moments(np.exp(t))
    return float(w @ m1 / w.sum())


def _deletion_changes(c: Vector, step: float, where: np.ndarray[Any, Any]) -> Vector:
    """``NSB(c − step e_i) − NSB(c)`` for each cell i in ``where`` (0 elsewhere).

    NSB is symmetric in the cells, so the change depends on ``c_i`` only: one evaluation per
    distinct value. Beyond 24 distinct values the change is smooth in ``log c_i`` (those
    cells are well sampled): the 12 smallest values are evaluated and 12 more spread
    log-evenly over the rest, and the others are interpolated in ``log c_i``. Every
    evaluation uses the β grid of ``c`` itself (one deletion barely moves the posterior, which
    that grid covers to e^-32 of its peak): the grid search runs once, and the quadrature
    errors of the two terms of each difference cancel.
    """
    vals = np.unique(c[where])
    if vals.size > 24:
        rest = vals[12:]
        pick = np.unique(np.geomspace(1, rest.size, 12).round().astype(int) - 1)
        nodes = np.concatenate([vals[:12], rest[pick]])
    else:
        nodes = vals
    post = _NSBPosterior(c)
    t, _ = post.grid()
    base = _nsb_on(post, t)
    change = np.empty(nodes.size)
    for j, v in enumerate(nodes):
        d = c.copy()
        d[int(np.flatnonzero(c == v)[0])] -= step
        change[j] = _nsb_on(_NSBPosterior(d), t) - base
    out = np.zeros_like(c)
    out[where] = np.interp(np.log(c[where]), np.log(nodes), change)
    return out


@_nan_in
def _js_nsb(cp: Vector, cq: Vector, pseudocount: float = 0.0) -> Result:
    """JS from NSB entropies: ``Ĥ(M) − (Ĥ(P) + Ĥ(Q))/2``, each ``Ĥ`` the NSB posterior mean.

    With n = m the pooled counts ``cp + cq`` are a sample of M = (P + Q)/2 (as in ndd's
    ``jensen_shannon_divergence``). With n ≠ m they are not: they estimate the mixture
    ``(n P + m Q)/(n + m)``, and ndd's weights ``n/(n+m)``, ``m/(n+m)`` give the JS of those
    weights, another quantity. Here M's counts are instead ``c_M = (N/2)(cp/n + cq/m)`` with
    ``N = 4nm/(n + m)``: ``c_M / N = (p̂ + q̂)/2`` is unbiased for M, and N is the sample size
    for which a multinomial has the variance of ``(p̂ + q̂)/2`` where P = Q,
    ``M(1 − M)(1/n + 1/m)/4``, the regime where the bias matters. c_M is not whole (NSB's
    posterior is defined for real counts through Γ); n = m gives ``cp + cq`` exactly.
    K = ``len(cp)``: categories seen in neither sample are not counted (pass them as zero
    counts when the alphabet is known).

    Stderr: the delete-one jackknife over both samples (n + m deletions; deleting a draw of
    P from cell i moves ``cp_i`` by 1 and ``c_M,i`` by ``2m/(n + m)``, with N held fixed), the
    changes computed per distinct count (`_deletion_changes`), floored at both bounds
    (`_bounded`). Raw counts only. Nemenman, Shafee & Bialek (2002), NIPS 14; ndd:
    S. Marsili, https://github.com/simomarsili/ndd.
    """
    _no_pseudocount(pseudocount, "nsb")
    n, m = float(cp.sum()), float(cq.sum())
    a, b = 2 * m / (n + m), 2 * n / (n + m)
    cm = a * cp + b * cq
    js = _nsb(cm) - (_nsb(cp) + _nsb(cq)) / 2
    p, q = cp / n, cq / m
    if n < 2 or m < 2 or not stderr_wanted():
        return _bounded(js, float("nan"), p, q, n, m)
    on_p, on_q = cp > 0, cq > 0
    dp = _deletion_changes(cm, a, on_p) - _deletion_changes(cp, 1.0, on_p) / 2
    dq = _deletion_changes(cm, b, on_q) - _deletion_changes(cq, 1.0, on_q) / 2
    var = _jk_var(cp[on_p], dp[on_p], n) + _jk_var(cq[on_q], dq[on_q], m)
    return _bounded(js, var, p, q, n, m)
