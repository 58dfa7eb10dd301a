"""Entropy when the alphabet is unknown: the Pitman–Yor and Dirichlet-process mixtures.

`_entropy_pym` and `_entropy_dp` put a prior on infinite discrete distributions — a
Pitman–Yor process PY(d, α) (Archer, Park & Pillow 2014), or the Dirichlet process d = 0,
which is NSB with K → ∞ — and report the posterior mean and standard deviation of the entropy.
Only the observed counts enter (zero cells are ignored: the alphabet is not fixed), and the
posterior standard deviation carries the uncertainty about the unseen mass.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import special

from ..._core import UndersampledWarning
from ._alphabet import user_stacklevel
from ._counts_base import Result, Vector, _nan_in
from ._nsb import _lgamma_rise, _trigamma, dirichlet_entropy_moments

__all__ = ["_entropy_dp", "_entropy_pym"]


def _py_prior_moments(alpha: Vector, d: Vector) -> tuple[Vector, Vector]:
    """Mean and variance of the entropy of a PY(d, α) distribution (no data).

    ``E[H] = ψ(α + 1) − ψ(1 − d)`` and ``Var[H] = (α + d) / ((α + 1)² (1 − d)) + (1 − d)/(α + 1)
    ψ₁(2 − d) − ψ₁(2 + α)`` (Archer, Park & Pillow 2014, Sec. 4).
    """
    mean = special.digamma(alpha + 1) - special.digamma(1 - d)
    var = (
        (alpha + d) / ((alpha + 1) ** 2 * (1 - d))
        + (1 - d) / (alpha + 1) * _trigamma(2 - d)
        - _trigamma(2 + alpha)
    )
    return mean, np.maximum(var, 0.0)


class _PYPosterior:
    """The posterior over (t = log α, d) of a PY mixture, counts compressed to (value, mult)."""

    def __init__(self, c: Vector, discount: bool) -> None:
        vals, mult = np.unique(c[c > 0], return_counts=True)
        self.v, self.m = vals, mult.astype(np.float64)
        self.k, self.n = float(self.m.sum()), float(c.sum())  # observed categories, draws
        self.discount = discount

    def logpost(self, t: Vector, d: Vector) -> Vector:
        """Log prior + log likelihood on points (t, d), up to a constant.

        Likelihood (the exchangeable partition probability of the counts):
        ``Π_{l<K} (α + l d) · Γ(α + 1)/Γ(α + N) · Π_i Γ(n_i − d)/Γ(1 − d)``. Prior: flat in the
        prior mean entropy ``ξ = ψ(α + 1) − ψ(1 − d)`` along α (density ``ψ₁(α + 1)``, times α
        for t = log α; the NSB choice, K → ∞), uniform in d on [0, 1).
        """
        alpha = np.exp(t)
        k, n = self.k, self.n
        safe_d = np.where(d > 0, d, 1.0)
        tables = np.where(
            d > 0,
            (k - 1) * np.log(safe_d) + _lgamma_rise(alpha / safe_d + 1, np.asarray(k - 1)),
            (k - 1) * t,
        )
        seats = _lgamma_rise(1 - d[:, None], self.v[None, :] - 1) @ self.m
        like = tables + seats - _lgamma_rise(alpha + 1, np.asarray(n - 1))
        return np.asarray(np.log(_trigamma(alpha + 1)) + t + like)

    def grid(self) -> tuple[Vector, Vector, Vector]:
        """Points (t, d) and trapezoid weights covering the posterior down to e^-40 of its peak.

        A coarse grid over t ∈ [−12, 2 log(N + 1) + 12] (and d ∈ [0, 1)) is refined twice on
        the box where the log posterior is within 40 of its maximum.
        """
        t_box = (-12.0, 2 * np.log(self.n + 1) + 12)
        d_box = (0.0, 1 - 1e-9) if self.discount else (0.0, 0.0)
        for size in (72, 33, 41):
            t, d, lp = self._points(t_box, d_box, size)
            keep = lp > lp.max() - 40
            t_step = (t_box[1] - t_box[0]) / (size - 1)
            t_box = (t[keep].min() - t_step, t[keep].max() + t_step)
            if self.discount:
                d_step = (d_box[1] - d_box[0]) / (size - 1)
                d_box = (max(d[keep].min() - d_step, 0.0), min(d[keep].max() + d_step, 1 - 1e-9))
        t, d, lp = self._points(t_box, d_box, 41)
        return t, d, _weights(lp, 41, self.discount)

    def _points(
        self, t_box: tuple[float, float], d_box: tuple[float, float], size: int
    ) -> tuple[Vector, Vector, Vector]:
        ts = np.linspace(t_box[0], t_box[1], size)
        ds = np.linspace(d_box[0], d_box[1], size) if self.discount else np.zeros(1)
        tt, dd = np.meshgrid(ts, ds, indexing="ij")
        t, d = tt.ravel(), dd.ravel()
        lp = self.logpost(t, d)
        return t, d, np.where(np.isfinite(lp), lp, -np.inf)

    def moments(self, t: Vector, d: Vector) -> tuple[Vector, Vector]:
        """``E[H | c, α, d]`` and ``Var[H | c, α, d]``.

        Given (α, d) and the counts, the masses of the K seen categories and of the rest are
        p ~ Dirichlet(n_1 − d, …, n_K − d, α + K d), and the rest, renormalised, is an
        independent PY(d, α + K d) with entropy H_r. ``H = H(p) + p_r H_r``, so ``E[H] = E[H(p)]
        + E[p_r] E[H_r]`` and ``Var[H] = Var[H(p)] + E[p_r²] E[H_r²] − E[p_r]² E[H_r]² +
        2 E[H_r] Cov(H(p), p_r)``, with ``E[p_r H(p)] = E[p_r] E'[H(p)]``, E' under the
        Dirichlet with the rest's parameter raised by one (size biasing).
        """
        alpha = np.exp(t)
        a_r = alpha + self.k * d
        big_a = self.n + alpha
        a = np.concatenate([self.v[None, :] - d[:, None], a_r[:, None]], axis=1)
        mult = np.concatenate([self.m, [1.0]])
        m_d, var_d = dirichlet_entropy_moments(a, mult, big_a)
        h_r, v_r = _py_prior_moments(a_r, d)
        e_pr = a_r / big_a
        e_pr2 = a_r * (a_r + 1) / (big_a * (big_a + 1))
        # E'[H(p)]: Dirichlet with a_r + 1, total A + 1 (the observed cells unchanged)
        seen = (a[:, :-1] * special.digamma(a[:, :-1] + 1)) @ self.m
        m_up = special.digamma(big_a + 2) - (seen + (a_r + 1) * special.digamma(a_r + 2)) / (
            big_a + 1
        )
        cov = e_pr * (m_up - m_d)
        mean = m_d + e_pr * h_r
        var = var_d + e_pr2 * (v_r + h_r**2) - (e_pr * h_r) ** 2 + 2 * h_r * cov
        return mean, np.maximum(var, 0.0)


def _trapezoid(size: int) -> Vector:
    w = np.ones(size)
    w[[0, -1]] = 0.5
    return w


def _weights(lp: Vector, size: int, two_d: bool) -> Vector:
    w1 = _trapezoid(size)
    w = np.outer(w1, w1).ravel() if two_d else w1
    out: Vector = np.exp(lp - lp.max()) * w
    return out


def _posterior_entropy(c: Vector, discount: bool, name: str) -> Result:
    post = _PYPosterior(c, discount)
    if post.k == 0:
        return float("nan"), float("nan")
    if post.k == post.n:
        msg = (
            f"`{name}`: every one of the {post.n:g} draws is a different category (no category "
            "seen twice), so the data put no upper bound on the entropy and the posterior mean "
            "is +inf; draw more samples, or give the alphabet (Samples(x, categories=...) or "
            "support=K) if it is known"
        )
        warnings.warn(msg, UndersampledWarning, stacklevel=user_stacklevel())
        return float("inf"), float("inf")
    t, d, w = post.grid()
    keep = w > 1e-14 * w.max()
    t, d, w = t[keep], d[keep], w[keep] / w[keep].sum()
    m1, var = post.moments(t, d)
    mean = float(w @ m1)
    total = float(w @ (var + (m1 - mean) ** 2))  # law of total variance over (α, d)
    return mean, float(np.sqrt(max(total, 0.0)))


@_nan_in
def _entropy_pym(c: Vector) -> Result:
    """Pitman–Yor mixture (PYM; Archer, Park & Pillow 2014): the alphabet need not be known.

    The prior is a Pitman–Yor process PY(d, α) over a countable alphabet, mixed over its
    discount d ∈ [0, 1) (uniform) and concentration α (flat in the prior mean entropy
    ``ψ(α + 1) − ψ(1 − d)``, as NSB is flat in ξ). A discount d > 0 gives power-law tails,
    so the prior fits Zipf-like data that a Dirichlet cannot. Only the observed counts enter;
    zero cells are ignored. Given (α, d) the posterior mean is ``ψ(α + N + 1) − (α + K d)/(α
    + N) ψ(1 − d) − Σ_i (n_i − d)/(α + N) ψ(n_i − d + 1)`` (K observed categories, N draws);
    it and the conditional variance (see `_PYPosterior.moments`) are integrated over the
    (log α, d) posterior on a grid refined twice around its peak. The stderr is the
    posterior standard deviation, which includes the uncertainty about the unseen mass.
    +inf, with an `UndersampledWarning`, when no category is seen twice.

    Archer, E., Park, I. M. & Pillow, J. W. (2014), "Bayesian entropy estimation for
    countable discrete distributions", JMLR 15, 2833–2868.
    """
    return _posterior_entropy(c, True, "pym")


@_nan_in
def _entropy_dp(c: Vector) -> Result:
    """Dirichlet-process mixture: NSB with the alphabet size taken to infinity (d = 0 of PYM).

    NSB's Dirichlet(β, …, β) over K categories, with Kβ → α as K → ∞, becomes a Dirichlet
    process DP(α); its prior ``dξ/dβ`` becomes ``ψ₁(α + 1)``. Posterior mean and standard
    deviation as in `_entropy_pym`, with d = 0. The Dirichlet process has light (geometric)
    tails and under-estimates the entropy of power-law data (Archer, Park & Pillow 2014).
    """
    return _posterior_entropy(c, False, "dp")
