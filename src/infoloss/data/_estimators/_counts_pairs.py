"""Two-sample estimators of cross-entropy, KL and JS divergence from aligned count vectors.

Each takes counts ``cp``, ``cq`` aligned on the same categories and a ``pseudocount`` added to
every cell of both before the plug-in, and returns ``(value, stderr)`` in nats (the
``CROSS_ENTROPY``, ``KL`` and ``JS`` tables of `infoloss.data._estimators._counts`).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import special

from ._counts_base import InfiniteEstimateWarning, Result, Vector, _nan_in


def _check_pseudocount(pseudocount: float) -> float:
    a = float(pseudocount)
    if not (np.isfinite(a) and a >= 0):
        msg = f"`pseudocount` must be a finite number >= 0 (0.5 Jeffreys, 1 Laplace); found {a!r}"
        raise ValueError(msg)
    return a


def _smoothed(cp: Vector, cq: Vector, pseudocount: float) -> tuple[Vector, Vector]:
    """``p̂`` and ``q̂`` from the counts with `pseudocount` added to every cell of both."""
    a = _check_pseudocount(pseudocount)
    return (cp + a) / (cp.sum() + a * cp.size), (cq + a) / (cq.sum() + a * cq.size)


def _missing(p: Vector, q: Vector, what: str) -> bool:
    """Warn (and say so) when P puts mass where Q has zero count: the plug-in is +inf."""
    bad = np.flatnonzero((p > 0) & (q == 0))
    if bad.size == 0:
        return False
    shown = ", ".join(str(i) for i in bad[:5]) + (", ..." if bad.size > 5 else "")
    msg = (
        f"plug-in {what} is +inf: {bad.size} categor{'y' if bad.size == 1 else 'ies'} with "
        f"counts in `p` {'has' if bad.size == 1 else 'have'} zero count in `q` (index {shown}); "
        "pass pseudocount=0.5 (Jeffreys) or pseudocount=1 (Laplace) with method='plugin', "
        "or use method='zhang_grabchak', which stays finite"
    )
    warnings.warn(msg, InfiniteEstimateWarning, stacklevel=4)
    return True


def _null_var(what: str, p: Vector, q: Vector, n_p: float, n_q: float) -> float:
    """Second-order (χ²) variance at p̂ = q̂ = uniform, where the first-order one vanishes.

    With K cells seen in either sample and ``s = 1/n_p + 1/n_q``: KL ≈ χ²_{K−1} s / 2, so
    ``Var = (K − 1) s² / 2``; JS ≈ χ²_{K−1} s / 8, ``Var = (K − 1) s² / 32``; the
    cross-entropy at uniform q̂ moves by ``K Σ δp δq`` and ``K Σ δq² / 2``,
    ``Var = (K − 1) (1/(n_p n_q) + 1/(2 n_q²))``. A floor for the delta-method (or jackknife)
    variance, which is 0 for identical or uniform counts although the estimate still varies.
    """
    k = float(np.count_nonzero((p > 0) | (q > 0))) - 1
    s = 1 / n_p + 1 / n_q
    if what == "kl":
        return k * s * s / 2
    if what == "js":
        return k * s * s / 32
    return k * (1 / (n_p * n_q) + 1 / (2 * n_q * n_q))


def _two_sample_se(
    p: Vector, q: Vector, g: Vector, n_p: float, n_q: float, dq: Vector, what: str
) -> float:
    """Delta-method stderr ``sqrt(Var_p̂[g] / n_p + Var_q̂[dq] / n_q)`` (dq: gradient in q),
    floored at the second-order variance `_null_var`."""
    on = p > 0
    pg = p[on] @ g[on]
    var_p = float(p[on] @ (g[on] - pg) ** 2)
    var_q = float(q @ dq**2 - (q @ dq) ** 2)
    var = max(var_p, 0.0) / n_p + max(var_q, 0.0) / n_q
    return float(np.sqrt(max(var, _null_var(what, p, q, n_p, n_q))))


def _no_pseudocount(pseudocount: float, method: str) -> None:
    if _check_pseudocount(pseudocount) != 0:
        msg = (
            f"`pseudocount` must be 0 for method={method!r}: its bias correction is derived "
            f"for raw counts (smooth with method='plugin' instead); found {pseudocount!r}"
        )
        raise ValueError(msg)


@_nan_in
def _ce_plugin(cp: Vector, cq: Vector, pseudocount: float = 0.0) -> Result:
    """Plug-in cross-entropy ``−Σ p̂ log q̂`` (+inf, with a warning, if q̂ = 0 where p̂ > 0).

    Stderr (delta method, independent samples): ``Var_p̂[log q̂]/n_p + (Σ p̂²/q̂ − 1)/n_q``,
    floored at its second-order value for uniform counts (`_null_var`).
    """
    p, q = _smoothed(cp, cq, pseudocount)
    if _missing(p, q, "cross-entropy"):
        return float("inf"), float("inf")
    on = p > 0
    logq = np.where(q > 0, np.log(np.where(q > 0, q, 1.0)), 0.0)
    dq = np.divide(p, q, out=np.zeros_like(p), where=q > 0)
    return float(-(p[on] @ logq[on])), _two_sample_se(p, q, logq, cp.sum(), cq.sum(), dq, "ce")


def _mm_q_term(p: Vector, q: Vector, n_q: float) -> float:
    """First-order bias of ``−Σ p̂ log q̂`` from sampling Q: ``(Σ p/q − 1) / (2 n_q)``."""
    on = p > 0
    return float((np.sum(p[on] / q[on]) - 1) / (2 * n_q))


@_nan_in
def _ce_miller_madow(cp: Vector, cq: Vector, pseudocount: float = 0.0) -> Result:
    """Plug-in cross-entropy minus its first-order bias ``(Σ p̂/q̂ − 1) / (2 n_q)``.

    From ``E[log q̂] ≈ log q − (1 − q)/(2 n_q q)`` (second-order Taylor, Miller 1955) and the
    independence of the samples; p̂ is unbiased so P adds no bias. Raw counts only
    (``pseudocount=0``); +inf, warned, when Q misses a category seen in P.
    """
    _no_pseudocount(pseudocount, "miller_madow")
    h, se = _ce_plugin(cp, cq, 0.0)
    if not np.isfinite(h):
        return h, se
    p, q = _smoothed(cp, cq, 0.0)
    return h - _mm_q_term(p, q, float(cq.sum())), se


@_nan_in
def _kl_plugin(cp: Vector, cq: Vector, pseudocount: float = 0.0) -> Result:
    """Plug-in KL ``Σ p̂ log(p̂/q̂)``: exactly 0 for identical counts, +inf (warned) if q̂ = 0
    where p̂ > 0.

    Stderr (delta method): ``Var_p̂[log(p̂/q̂)]/n_p + (Σ p̂²/q̂ − 1)/n_q``; it is 0 at p̂ = q̂,
    where the estimate's spread is of second order (a χ² law), so it is floored at that
    second-order variance, ``(K − 1)(1/n_p + 1/n_q)² / 2`` (`_null_var`).
    """
    p, q = _smoothed(cp, cq, pseudocount)
    if _missing(p, q, "KL divergence"):
        return float("inf"), float("inf")
    on = p > 0
    lr = np.zeros_like(p)
    lr[on] = np.log(p[on]) - np.log(q[on])
    dq = np.divide(p, q, out=np.zeros_like(p), where=q > 0)
    return float(p[on] @ lr[on]), _two_sample_se(p, q, lr, cp.sum(), cq.sum(), dq, "kl")


@_nan_in
def _kl_miller_madow(cp: Vector, cq: Vector, pseudocount: float = 0.0) -> Result:
    """Plug-in KL minus its first-order bias ``(K_p − 1)/(2 n_p) + (Σ p̂/q̂ − 1)/(2 n_q)``.

    ``E[Σ p̂ log p̂] ≈ Σ p log p + (K_p − 1)/(2 n_p)`` (Miller 1955; K_p cells with p > 0) and
    ``E[−Σ p̂ log q̂] ≈ −Σ p log q + (Σ p/q − 1)/(2 n_q)`` (independent samples). Raw counts
    only (``pseudocount=0``); +inf, warned, when Q misses a category seen in P.
    """
    _no_pseudocount(pseudocount, "miller_madow")
    d, se = _kl_plugin(cp, cq, 0.0)
    if not np.isfinite(d):
        return d, se
    p, q = _smoothed(cp, cq, 0.0)
    bias = (np.count_nonzero(p) - 1) / (2 * cp.sum()) + _mm_q_term(p, q, float(cq.sum()))
    return d - bias, se


def _jk_var(weights: Vector, values: Vector, n: float) -> float:
    """Jackknife variance ``(n − 1)/n Σ w (v − v̄)²`` of delete-one values with multiplicity."""
    if n < 2:
        return float("nan")
    mean = weights @ values / n
    return float((n - 1) / n * (weights @ (values - mean) ** 2))


def _zhang_grabchak(cp: Vector, cq: Vector, pseudocount: float, kl: bool) -> Result:
    """Zhang–Grabchak cross-entropy (``kl=False``) or KL, with a two-sample jackknife stderr.

    Value ``ψ(m+1) + s/n [− ψ(n)]``, ``s = Σ x_i a_i``, ``a_i = [ψ(x_i)] − ψ(y_i + 1)``.
    Deleting one draw of P from cell i (x_i such draws) turns ``x_i a_i`` into
    ``(x_i − 1) a'_i``; deleting one draw of Q from cell j adds ``x_j / y_j`` to s
    (``ψ(y) = ψ(y + 1) − 1/y``): both O(K).
    """
    _no_pseudocount(pseudocount, "zhang_grabchak")
    n, m = float(cp.sum()), float(cq.sum())
    on = cp > 0
    x, psi_y = cp[on], special.digamma(cq[on] + 1)
    a = special.digamma(x) - psi_y if kl else -psi_y
    a_del = special.digamma(np.maximum(x - 1, 1)) - psi_y if kl else a
    s = float(x @ a)
    ent, ent_del = (special.digamma(n), special.digamma(max(n - 1, 1))) if kl else (0.0, 0.0)
    value = special.digamma(m + 1) + s / n - ent
    s_del = s - x * a + np.where(x > 1, (x - 1) * a_del, 0.0)
    del_p = special.digamma(m + 1) + s_del / max(n - 1, 1) - ent_del
    yo = cq > 0
    del_q = special.digamma(max(m, 1)) + (s + cp[yo] / cq[yo]) / n - ent
    var = _jk_var(x, del_p, n) + _jk_var(cq[yo], del_q, m)
    floor = _null_var("kl" if kl else "ce", cp / n, cq / m, n, m)
    return float(value), float(np.sqrt(max(var, floor)))


@_nan_in
def _ce_zhang_grabchak(cp: Vector, cq: Vector, pseudocount: float = 0.0) -> Result:
    """Zhang–Grabchak cross-entropy ``Σ p̂_i [ψ(m + 1) − ψ(y_i + 1)]`` (m: Q's sample size).

    ``ψ(m+1) − ψ(y+1) = Σ_{v=1}^{m−y} (1/v) Π_{j=1}^{v} (1 − y/(m − j + 1))`` is an unbiased
    estimate of ``Σ_{v≤m} (1 − q)^v / v``, so the bias ``−Σ p Σ_{v>m} (1 − q)^v / v`` decays
    exponentially in m, and the estimate is finite when Q misses a category. Raw counts only.
    Stderr: delete-one jackknife over both samples, floored at the second-order variance
    for uniform counts (`_null_var`: the jackknife is 0 there). Zhang, Z. & Grabchak, M. (2014),
    "Nonparametric estimation of Kullback–Leibler divergence", Neural Computation 26(11),
    2570–2593.
    """
    return _zhang_grabchak(cp, cq, pseudocount, kl=False)


@_nan_in
def _kl_zhang_grabchak(cp: Vector, cq: Vector, pseudocount: float = 0.0) -> Result:
    """Zhang–Grabchak KL ``Σ p̂_i [ψ(m+1) − ψ(y_i+1) − ψ(n) + ψ(x_i)]``.

    The Zhang–Grabchak cross-entropy minus Zhang's entropy of P (``"zhang"``): the closed
    form of the series of Zhang & Grabchak (2014), Neural Computation 26(11), 2570–2593,
    whose bias decays exponentially in n and m. Finite when Q misses a category. Raw counts
    only. Stderr: delete-one jackknife over both samples, floored as for the cross-entropy.
    """
    return _zhang_grabchak(cp, cq, pseudocount, kl=True)


def _js_parts(cp: Vector, cq: Vector, pseudocount: float) -> tuple[Vector, Vector, Vector]:
    """p̂, q̂ and the gradients ``½ log(p̂/m̂)``, ``½ log(q̂/m̂)`` (0 off the supports)."""
    p, q = _smoothed(cp, cq, pseudocount)
    mix = 0.5 * (p + q)
    logm = np.log(np.where(mix > 0, mix, 1.0))
    gp = np.where(p > 0, 0.5 * (np.log(np.where(p > 0, p, 1.0)) - logm), 0.0)
    gq = np.where(q > 0, 0.5 * (np.log(np.where(q > 0, q, 1.0)) - logm), 0.0)
    return p, q, np.stack([gp, gq])


@_nan_in
def _js_plugin(cp: Vector, cq: Vector, pseudocount: float = 0.0) -> Result:
    """Plug-in Jensen–Shannon divergence ``H(m̂) − (H(p̂) + H(q̂))/2``, ``m̂ = (p̂ + q̂)/2``.

    Always finite. Stderr (delta method): ``Var_p̂[½ log(p̂/m̂)]/n_p + Var_q̂[½ log(q̂/m̂)]/n_q``,
    floored at the second-order ``(K − 1)(1/n_p + 1/n_q)² / 32`` (0 at p̂ = q̂ otherwise).
    """
    p, q, (gp, gq) = _js_parts(cp, cq, pseudocount)
    js = float(p @ gp + q @ gq)  # ½ KL(p̂‖m̂) + ½ KL(q̂‖m̂): exactly 0 for identical counts
    var_p, var_q = p @ gp**2 - (p @ gp) ** 2, q @ gq**2 - (q @ gq) ** 2
    var = max(var_p, 0.0) / cp.sum() + max(var_q, 0.0) / cq.sum()
    return js, float(np.sqrt(max(var, _null_var("js", p, q, cp.sum(), cq.sum()))))


@_nan_in
def _js_miller_madow(cp: Vector, cq: Vector, pseudocount: float = 0.0) -> Result:
    """Plug-in JS minus its first-order bias (second-order Taylor of each entropy, Miller 1955).

    ``bias ≈ (K_p − 1)/(4 n_p) + (K_q − 1)/(4 n_q) − ⅛ Σ_m [p(1−p)/n_p + q(1−q)/n_q] / m``,
    the last term from ``Var(m̂_i) = p_i(1−p_i)/(4n_p) + q_i(1−q_i)/(4n_q)``. Raw counts only.
    """
    _no_pseudocount(pseudocount, "miller_madow")
    js, se = _js_plugin(cp, cq, 0.0)
    p, q = _smoothed(cp, cq, 0.0)
    mix = 0.5 * (p + q)
    n_p, n_q = float(cp.sum()), float(cq.sum())
    on = mix > 0
    var_m = (p * (1 - p) / n_p + q * (1 - q) / n_q)[on] / 4
    bias = (np.count_nonzero(p) - 1) / (4 * n_p) + (np.count_nonzero(q) - 1) / (4 * n_q)
    bias -= 0.5 * float(np.sum(var_m / mix[on]))
    return js - bias, se
