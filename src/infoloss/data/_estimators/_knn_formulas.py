"""The arithmetic of the kNN estimators of `infoloss.data._estimators._knn`, given distances.

The Berrett–Samworth–Yuan weights over neighbour ranks (and the unit weights of the plain
estimators), log V_d, and the weighted sums over d·log-distances that give the entropy,
cross-entropy and KL estimates with their standard errors. The formulas are stated in the
docstring of `_knn`.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy.special import digamma, gammaln, polygamma

from ._knn_neighbours import FloatArray, IntArray


# ------------------------------------------------------------------------------ weights
def _n_constraints(d: int) -> int:
    """Bias terms n^{-2l/d} that "bsy" corrects: l = 1 for d >= 4 (by half, see `_weights`),
    none for d <= 3.

    For d <= 3 the plain estimator's bias is already o(n^{-1/2}) (Berrett et al. 2019). They
    cancel l = 1..⌊d/4⌋ for efficiency; beyond one constraint the weights over small ranks grow
    to tens (d = 8) or thousands (d = 16) and the variance with them, so only the leading term,
    the dominant bias at practical n, is corrected here.
    """
    return 0 if d <= 3 else 1


@functools.lru_cache(maxsize=64)
def _weights(d: int, k: int) -> tuple[float, ...]:
    """The weights of "bsy" over ranks 1..k in dimension d.

    d <= 3: exactly the unit weights of rank k ("bsy" is then the plain estimator, down to the
    ranks it reads). d >= 4: half the Berrett–Samworth–Yuan correction, ½ e_k + ½ w, w the
    weights of `_bsy_weights` cancelling the n^{-2/d} term. The full correction (weights down
    to −5.75 over ranks 1..5 in d = 10) over-corrects where the higher-order terms, of like
    size at practical n, do not vanish: on the grid of benchmarks/bench_knn_defaults.py its
    RMSE in d = 10 was up to 24.8x the best method's (AR(0.9), n = 50,000: 0.248 against
    0.010) and 1.37 nats above it (AR(0.9), n = 100), and in d = 5 2.5x (AR(0.9), n = 1,000).
    Half of it was the best compromise over the smooth cells of d = 5 and 10 among plain
    ranks 1..10, the full correction over ranks 1..5 or 1..10 and a quarter or half of it
    over ranks 1..3, 1..5 or 1..10: at most 0.029 (d = 5) and 0.058 (d = 10) nats of RMSE
    above the best method of each cell; at most 1.74x (d = 5) and 5.1x (d = 10) the best
    RMSE, the worst being N(0, I_10) and t_3 at n >= 10,000, where the plain ranks' bias
    crosses 0 (0.02-0.03 against 0.07-0.08), and bounded supports (see the benchmark).
    """
    if _n_constraints(d) == 0:
        return tuple(float(v) for v in _unit(k))
    return tuple(
        0.5 * float(u) + 0.5 * v for u, v in zip(_unit(k), _bsy_weights(d, k, 1), strict=True)
    )


def _bsy_weights(d: int, k: int, n_con: int) -> tuple[float, ...]:
    """Weights w_1..w_k with Σ w_j = 1 and Σ w_j Γ(j + 2l/d) / Γ(j) = 0 for l = 1..n_con.

    Among the weights satisfying Berrett, Samworth & Yuan's constraints, the one of least
    variance when the log-distances behave as for a Poisson process, where the covariance of
    log ρ_j and log ρ_l is ψ'(max(j, l)) (generalised least squares).
    """
    if k < n_con + 1:
        msg = f"`k` = {k} is too small for the bias-reduced estimator in d = {d}: need >= "
        msg += f"{n_con + 1} ranks to cancel {n_con} bias term(s)"
        raise ValueError(msg)
    j = np.arange(1, k + 1, dtype=np.float64)
    rows = [np.ones(k)] + [
        np.exp(gammaln(j + 2 * ll / d) - gammaln(j)) for ll in range(1, n_con + 1)
    ]
    c = np.array(rows)
    sigma = polygamma(1, np.maximum.outer(j, j))
    sc = np.linalg.solve(sigma, c.T)  # Σ^{-1} C^T
    rhs = np.zeros(n_con + 1)
    rhs[0] = 1.0
    w = sc @ np.linalg.solve(c @ sc, rhs)
    w = np.linalg.lstsq(c, rhs - c @ w, rcond=None)[0] + w  # one refinement step
    return tuple(float(v) for v in w)


# ------------------------------------------------------------------------------ sums
def _unit(K: int) -> FloatArray:
    e = np.zeros(K)
    e[-1] = 1.0
    return e


def _log_ball(d: int) -> float:
    """log V_d, the log volume of the Euclidean unit ball in d dimensions."""
    return d / 2 * math.log(math.pi) - math.lgamma(d / 2 + 1)


def _psi_w(w: FloatArray) -> float:
    return float(w @ digamma(np.arange(1, w.size + 1)))


def _entropy_from(la: FloatArray, ia: IntArray, w: FloatArray) -> tuple[float, float]:
    """Σ_j w_j H_j from the self-neighbour d·log-distances `la`, with its standard error.

    Standard error: a smoothed delete-one (jackknife) influence of each x_a on the rank-k
    estimate: its own term d log ρ_k(a) minus the growth of the k-th distance of the points
    that have x_a among their k nearest, each growth d log(ρ_{k+1}/ρ_k) replaced by its
    expectation ψ(k + 1) − ψ(k) = 1/k under local uniformity (the raw delete-one increments
    add noise and overstate the error, by 50% in d = 1). It captures the positive correlation
    of neighbouring points' terms that the per-point variance misses (by 25% in d = 5). For
    "bsy", plus the variance of the rank-correction terms u_i = Σ_j w_j L_j(i) − L_k(i), with
    their covariance along kNN links. Checked against the spread over seeded draws in tests.
    """
    n, K = ia.shape
    h = la @ w
    value = float(h.mean()) + float(digamma(n)) - _psi_w(w)
    in_degree = np.bincount(ia.ravel(), minlength=n)
    var = float(np.var(la[:, K - 1] - in_degree / K)) / n
    if np.any(w[:-1] != 0):
        uc = h - la[:, K - 1]
        uc -= uc.mean()
        var += float(np.sum(uc * uc) + np.sum(uc[:, None] * uc[ia])) / n**2
    return value, math.sqrt(max(var, 0.0))


def _cross_from(
    la: FloatArray | None, lb: FloatArray, ib: IntArray, w: FloatArray, m: int
) -> tuple[float, float]:
    """Σ_j w_j (CE_j − log V_d) from ν (and, given `la`, Σ_j w_j KL_j from ν and ρ), with s.e.

    Standard error: the per-point terms' variance over n (x side), the smoothed delete-one
    variance over the points of y (deleting y_b lengthens the k-th distance of the x_i that
    have it among their k nearest in y, by 1/k in expectation: δ_b = in-degree(b) / (k n)),
    and for "bsy" the variance of the rank-correction terms.
    """
    n, K = ib.shape
    t_k = lb[:, K - 1] if la is None else lb[:, K - 1] - la[:, K - 1]
    t = lb @ w if la is None else (lb - la) @ w
    if la is None:
        value = float(t.mean()) + float(digamma(m + 1)) - _psi_w(w)
    else:
        value = float(t.mean()) + float(digamma(m + 1) - digamma(n))
    delta = np.bincount(ib.ravel(), minlength=m) / (K * n)
    var = float(np.var(t_k)) / n + (m - 1) * float(np.var(delta))
    if np.any(w[:-1] != 0):
        var += float(np.var(t - t_k)) / n
    return value, math.sqrt(max(var, 0.0))
