"""NSB: the Nemenman–Shafee–Bialek entropy estimator and the Dirichlet entropy moments.

`_entropy_nsb` (a Dirichlet mixture over a known alphabet of K = ``len(c)`` categories) and the
pieces that the Pitman–Yor mixture of `_alphabet_pym` shares with it: the posterior mean and
variance of the entropy of a Dirichlet distribution (`dirichlet_entropy_moments`), ψ₁, and a
cancellation-free ``log Γ(x + a) − log Γ(x)``.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ._counts_base import Result, Vector, _nan_in


@_nan_in
def _entropy_nsb(c: Vector) -> Result:
    """Nemenman–Shafee–Bialek (2002): posterior mean of H under a Dirichlet mixture.

    The prior mixes Dirichlet(β, …, β) over β with weight ``dξ/dβ``, ``ξ(β) = E[H | β] =
    ψ(Kβ + 1) − ψ(β + 1)``, making the prior on H nearly flat on [0, log K]. The β posterior
    ``∝ dξ/dβ · Γ(Kβ)/Γ(n + Kβ) · Π Γ(c_i + β)/Γ(β)`` is integrated numerically over log β;
    ``E[H | c, β] = ψ(A + 1) − Σ (a_i/A) ψ(a_i + 1)`` (a = c + β, A = n + Kβ) and
    ``Var[H | c, β]`` (Wolpert & Wolf 1995) give the posterior mean and, by the law of total
    variance, the posterior standard deviation reported as the stderr. K = ``len(c)``: zero
    cells are categories known to exist but unseen. Counts are compressed to their distinct
    values, so the cost grows with those, not with K; the β integral is a trapezoid rule
    on an adaptive grid (agrees with `scipy.integrate.quad` to 1e-12).
    Nemenman, I., Shafee, F. & Bialek, W. (2002), "Entropy and inference, revisited", NIPS 14;
    Wolpert, D. & Wolf, D. (1995), "Estimating functions of probability distributions from a
    finite set of samples", Phys. Rev. E 52, 6841.
    """
    if c.size == 1:
        return 0.0, 0.0
    post = _NSBPosterior(c)
    t, w = post.grid()
    m1, var = post.moments(np.exp(t))
    w = w / w.sum()
    mean = float(w @ m1)
    total = float(w @ (var + (m1 - mean) ** 2))  # law of total variance over β
    return mean, float(np.sqrt(max(total, 0.0)))


def _trigamma(x: Vector) -> Vector:
    """ψ₁(x) for x > 0: recurrence up to x ≥ 10, then the asymptotic series to x⁻¹¹.

    Relative error below 1e-13 (the first omitted term is 691/(2730 x¹³)); 10× faster than
    `scipy.special.polygamma`, which goes through the Hurwitz zeta function.
    """
    x = np.asarray(x, dtype=np.float64)
    small = x < 10  # the recurrence only where it is needed (most cells of large counts skip it)
    if not small.any():
        return _trigamma_series(x)
    out = np.array(x, dtype=np.float64)  # NaN stays NaN
    xs = x[small]
    shift = np.ceil(np.clip(10 - xs, 0, 10))  # ψ₁(x) = Σ_{j<s} 1/(x + j)² + ψ₁(x + s)
    j = np.arange(10.0)
    acc = np.where(j < shift[:, None], 1 / (xs[:, None] + j) ** 2, 0.0).sum(axis=-1)
    out[small] = acc + _trigamma_series(xs + shift)
    out[~small] = _trigamma_series(x[~small])
    return out


def _trigamma_series(x: Vector) -> Vector:
    """The asymptotic series of ψ₁ to x⁻¹¹, for x ≥ 10."""
    r = 1 / x
    r2 = r * r
    out: Vector = (
        r + r2 / 2 + r * r2 * (1 / 6 - r2 * (1 / 30 - r2 * (1 / 42 - r2 * (1 / 30 - r2 * 5 / 66))))
    )
    return out


def _lgamma_rise(x: Vector, a: Vector) -> Vector:
    """``log Γ(x + a) − log Γ(x)`` (broadcast), by a Stirling difference where x ≥ 1e4.

    Differencing `gammaln` loses ``eps · x log x`` (0.03 nats at x = 1e16); the difference of
    Stirling series, ``(x − ½) log1p(a/x) + a log(x + a) − a + …``, keeps full precision, and
    its first omitted terms are below 1/(1260 x⁵) = 1e-23 for x ≥ 1e4.
    """
    x, a = np.asarray(x, dtype=np.float64), np.asarray(a, dtype=np.float64)
    if not np.any(x >= 1e4):  # log Γ(x) once per x, not once per broadcast element
        out: Vector = special.gammaln(x + a) - special.gammaln(x)
        return out
    x, a = np.broadcast_arrays(x, a)
    out = np.empty(x.shape)
    big = x >= 1e4
    xs, as_ = x[~big], a[~big]
    out[~big] = special.gammaln(xs + as_) - special.gammaln(xs)
    xb, ab = x[big], a[big]
    yb = xb + ab
    corr = (1 / yb - 1 / xb) / 12 - (1 / yb**3 - 1 / xb**3) / 360
    out[big] = (xb - 0.5) * np.log1p(ab / xb) + ab * np.log(yb) - ab + corr
    return out


def _log_dxi(beta: Vector, k: float) -> Vector:
    """``log dξ/dβ = log(K ψ₁(Kβ + 1) − ψ₁(β + 1))``, by its series where β ≥ 100."""
    r = 1 / np.maximum(beta, 100.0)  # series in 1/β: relative error < 1e-15 from β = 100
    r2 = r * r
    series = r2 * (
        (1 - 1 / k) / 2
        - r * ((1 - 1 / k**2) / 6 - r2 * ((1 - 1 / k**4) / 30 - r2 * (1 - 1 / k**6) / 42))
    )
    s = np.minimum(beta, 100.0)
    direct = k * _trigamma(k * s + 1) - _trigamma(s + 1)
    return np.log(np.where(beta >= 100.0, series, direct))


class _NSBPosterior:
    """The NSB posterior over t = log β, with the counts compressed to (value, multiplicity)."""

    def __init__(self, c: Vector) -> None:
        vals, mult = np.unique(c, return_counts=True)
        keep = vals > 0
        self.v, self.m = vals[keep], mult[keep].astype(np.float64)
        self.k, self.n = float(c.size), float(c.sum())
        self.k0 = self.k - float(self.m.sum())  # empty cells

    def logpost(self, t: Vector) -> Vector:
        b = np.exp(t)[:, None]
        like = _lgamma_rise(b, self.v[None, :]) @ self.m
        like -= _lgamma_rise(self.k * b[:, 0], np.asarray(self.n))
        return np.asarray(_log_dxi(b[:, 0], self.k) + t + like)

    def grid(self) -> tuple[Vector, Vector]:
        """A trapezoid grid in t covering the posterior down to e^-32 of its peak, and weights.

        A coarse scan finds the peak, Newton steps refine it, and the grid walks out from it
        with a step of half the posterior's local width (at most 0.2): trapezoid sums of
        smooth peaked integrands converge geometrically in the step.
        """
        lo, hi = np.log(1e-8 / self.k), np.log(1e8 * (1 + self.n))
        coarse = np.arange(lo, hi + 1.0, 1.0)
        t0, h, curv = float(coarse[np.argmax(self.logpost(coarse))]), 1e-3, 0.0
        for _ in range(20):
            l3 = self.logpost(np.array([t0 - h, t0, t0 + h]))
            grad, curv = (l3[2] - l3[0]) / (2 * h), -(l3[0] - 2 * l3[1] + l3[2]) / h**2
            move = float(np.clip(grad / curv if curv > 0 else np.sign(grad) * 0.5, -0.5, 0.5))
            t0 += move
            if abs(move) < 1e-4 * min(1.0, 1 / np.sqrt(max(curv, 1e-300))):
                break
        peak = float(self.logpost(np.array([t0]))[0])
        step = min(0.5 / np.sqrt(curv), 0.2) if curv > 0 and np.isfinite(curv) else 0.2
        left, right = self._walk(t0, -step, peak), self._walk(t0, step, peak)
        t = np.concatenate([left[0][::-1], [t0], right[0]])
        lp = np.concatenate([left[1][::-1], [peak], right[1]])
        w = np.exp(lp - lp.max())
        keep = w > 1e-16
        return t[keep], w[keep]

    def _walk(self, t0: float, step: float, peak: float) -> tuple[Vector, Vector]:
        ts, ls = [], []
        for chunk in range(200):
            t = t0 + step * np.arange(24 * chunk + 1, 24 * chunk + 25, dtype=np.float64)
            lp = self.logpost(t)
            ts.append(t)
            ls.append(lp)
            if lp[-1] < peak - 32 or not np.isfinite(lp[-1]):
                break
        return np.concatenate(ts), np.concatenate(ls)

    def moments(self, beta: Vector) -> tuple[Vector, Vector]:
        """``E[H | c, β]`` and ``Var[H | c, β]`` on each β: the posterior is Dirichlet(c + β)."""
        b = beta[:, None]
        a = np.concatenate([self.v[None, :] + b, b], axis=1)  # observed values, then empties
        mult = np.concatenate([self.m, [self.k0]])
        return dirichlet_entropy_moments(a, mult, self.n + self.k * beta)


def dirichlet_entropy_moments(a: Vector, mult: Vector, big_a: Vector) -> tuple[Vector, Vector]:
    """Mean and variance of ``H(p)``, p ~ Dirichlet(a), per row (Wolpert & Wolf 1995).

    ``a`` holds the distinct parameters of each row, shape (G, J), ``mult`` how many cells
    share each (J,), ``big_a = Σ mult a`` per row (G,). ``E[H] = ψ(A + 1) − Σ (a_i/A) ψ(a_i + 1)``.
    The variance is ``E[(H − h)²]`` with h = E[H] built in: ``H − h = −Σ p_i (log p_i + h)``,
    so each ``E[log p_i] = ψ(a_i + 1) − ψ(A + 2)`` (under the size-biased Dirichlet) is shifted
    by h before squaring, which avoids the cancellation of ``E[H²] − E[H]²`` when the
    distribution is narrow. Cells with multiplicity 0 contribute nothing.
    """
    psi_a2, tri_a2 = special.digamma(big_a + 2), _trigamma(big_a + 2)
    psi1 = special.digamma(a + 1)
    m1 = special.digamma(big_a + 1) - (a * psi1) @ mult / big_a
    shift = (m1 - psi_a2)[:, None]
    d = psi1 + shift  # E[log p_i] + h, pairs i != j
    d2 = psi1 + 1 / (a + 1) + shift  # ψ(a_i + 2) − ψ(A + 2) + h, i = j
    s1 = (a * d) @ mult
    s2 = (a * a * d * d) @ mult
    q = (a * a) @ mult
    diag = (a * (a + 1) * (d2 * d2 + _trigamma(a + 2) - tri_a2[:, None])) @ mult
    var = (s1**2 - s2 - tri_a2 * (big_a**2 - q) + diag) / (big_a * (big_a + 1))
    return m1, var
