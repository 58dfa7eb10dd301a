"""Entropy estimators from one count vector (the ``ENTROPY`` table of `_counts`).

Each takes NumPy float64 counts ``c`` (zero cells count as categories) and returns
``(value, stderr)`` in nats; see `infoloss.data._estimators._counts` for the conventions.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from ._counts_base import (
    Correction,
    Result,
    Vector,
    _Deletions,
    _jackknife_dev,
    _jackknife_var,
    _nan_in,
    _plugin_loo,
    _plugin_terms,
    _psi_minus_log,
)


def _se(
    c: Vector, correction: Correction | None = None, extra: float = 0.0, shrink: float = 1.0
) -> float:
    """Stderr of a plug-in-family estimator: its delete-one jackknife, floored at the χ² term.

    ``sqrt(max(Var_J + extra, shrink⁴ (K_obs − 1) / (2n²)))``. The jackknife is a first-order
    method and reports 0 whenever the observed counts are all equal (every deletion leaves
    the same multiset); the floor is the second-order variance of the plug-in at a uniform
    distribution over the K_obs observed cells, ``Ĥ ≈ log K − χ²_{K−1} / (2n)`` (Harris
    1975), scaled by the shrinkage for James–Stein. NaN when n < 2.
    """
    n = float(c.sum())
    var = _jackknife_var(c, float(c.size), correction) + extra
    if not np.isfinite(var):
        return float("nan")
    floor = shrink**4 * (np.count_nonzero(c) - 1) / (2 * n * n)
    return float(np.sqrt(max(var, floor, 0.0)))


def _plugin_rows(dl: _Deletions) -> Vector:
    """Plug-in entropy of each multiset of counts of a `_Deletions`."""
    p = dl.v / dl.n
    return -dl.sum(special.xlogy(p, p))


def _corr_miller_madow(dl: _Deletions) -> Vector:
    return (dl.sum((dl.v > 0).astype(np.float64)) - 1) / (2 * dl.n)


def _corr_zhang(dl: _Deletions) -> Vector:
    """``ψ(n) − log n − Σ p̂ (ψ(c) − log c)``: Zhang minus the plug-in, cancellation-free."""
    a = np.where(dl.v > 0, dl.v * _psi_minus_log(np.maximum(dl.v, 1.0)), 0.0)
    out: Vector = _psi_minus_log(dl.n) - dl.sum(a) / dl.n
    return out


def _corr_chao_shen(dl: _Deletions) -> Vector:
    """Chao–Shen minus the plug-in; the coverage takes at most three values over deletions."""
    v, n, pos = dl.v, dl.n, dl.v > 0
    cov = 1 - np.minimum(dl.sum((v == 1).astype(np.float64)), n - 1) / n
    levels, which = np.unique(cov, return_inverse=True)
    pa = levels[None, :] * v[:, None] / n  # (2D, levels)
    with np.errstate(divide="ignore"):
        incl = -np.expm1(n * np.log1p(-np.minimum(pa, 1.0)))
    term = np.where(pos[:, None], -special.xlogy(pa, pa) / np.where(pos[:, None], incl, 1.0), 0)
    cs = dl.sum(term)[np.arange(which.size), which.ravel()]
    out: Vector = cs - _plugin_rows(dl)
    return out


def _corr_james_stein(dl: _Deletions) -> Vector:
    """James–Stein minus the plug-in: λ differs between deletions, so a full row each."""
    v, n, k, pos = dl.v, dl.n, dl.k, dl.v > 0
    p = np.where(pos, v / n, 0.0)
    k_obs = dl.sum(pos.astype(np.float64))
    denom = (n - 1) * (dl.sum(np.where(pos, (1 / k - p) ** 2, 0.0)) + (k - k_obs) / k**2)
    ok = (denom > 0) & (n > 1)
    lam = np.where(ok, np.clip((1 - dl.sum(p**2)) / np.where(ok, denom, 1.0), 0, 1), 1.0)
    ps = lam[:, None] / k + (1 - lam[:, None]) * p[None, :]
    seen = dl.rowsum(np.where(pos[None, :], -special.xlogy(ps, ps), 0.0))
    empty = -(k - k_obs) * special.xlogy(lam / k, lam / k)
    out: Vector = seen + empty - _plugin_rows(dl)
    return out


def _grassberger_parity_var(c: Vector) -> float:
    """``Σ a_i²``, ``a_i = (c_i / 2n) [ψ((c_i + 1)/2) − ψ(c_i/2)]``: the variance the
    alternating term of G adds when counts change parity (the jackknife, which moves one
    count by one, sees it as a jump and overstates it; it is applied to the smooth part)."""
    pos = c[c > 0]
    x = pos / 2
    diff = _psi_minus_log(x + 0.5) - _psi_minus_log(x) + np.log1p(1 / pos)
    return float(np.sum((pos / (2 * float(c.sum())) * diff) ** 2))


@_nan_in
def _entropy_plugin(c: Vector) -> Result:
    """Plug-in (maximum-likelihood) entropy ``Ĥ = −Σ p̂ log p̂``, ``p̂ = c / n``.

    Biased down by about ``(K − 1) / (2n)`` (Miller 1955). Stderr: the delete-one jackknife,
    floored at the χ² term (see `_se`); for well-sampled counts it is close to Basharin's
    (1959) delta-method ``sqrt((Σ p̂ log² p̂ − Ĥ²) / n)``.
    """
    _, _, h, _ = _plugin_terms(c)
    return h, _se(c)


@_nan_in
def _entropy_miller_madow(c: Vector) -> Result:
    """Miller–Madow: ``Ĥ + (K_obs − 1) / (2n)``, K_obs the number of non-empty cells.

    Removes the first-order bias of the plug-in. Miller, G. (1955), "Note on the bias of
    information estimates", in *Information Theory in Psychology*, 95–100.
    """
    _, _, h, _ = _plugin_terms(c)
    return h + (np.count_nonzero(c) - 1) / (2 * float(c.sum())), _se(c, _corr_miller_madow)


def _grassberger_g(x: Vector) -> Vector:
    """``G(x) = ψ(x) + ½ (−1)^x (ψ((x + 1)/2) − ψ(x/2))`` for whole x ≥ 1."""
    sign = 1.0 - 2.0 * (x % 2)
    g: Vector = special.digamma(x) + 0.5 * sign * (
        special.digamma((x + 1) / 2) - special.digamma(x / 2)
    )
    return g


@_nan_in
def _entropy_grassberger(c: Vector) -> Result:
    """Grassberger (2003): ``Ĥ_G = log n − (1/n) Σ c_i G(c_i)``.

    ``G(x) = ψ(x) + ½ (−1)^x [ψ((x+1)/2) − ψ(x/2)]``, i.e. ``G(1) = −γ − log 2`` and
    ``G(2m) = G(2m+1) = G(1) + Σ_{k=1..m} 2/(2k−1)``; the estimator of ``−log p`` with the
    smallest bias among those of this form. Grassberger, P. (2003/2008), "Entropy estimates
    from insufficient samplings", arXiv:physics/0307138, eq. (35).
    """
    pos = c[c > 0]
    n = float(c.sum())
    se = _se(c, _corr_zhang, extra=_grassberger_parity_var(c))
    return float(np.log(n) - pos @ _grassberger_g(pos) / n), se


@_nan_in
def _entropy_zhang(c: Vector) -> Result:
    """Zhang (2012): ``Ĥ_z = Σ p̂_i [ψ(n) − ψ(c_i)]``, bias decaying like ``(1 − p)^n``.

    Zhang's series ``Σ_v (1/v) Z_v`` sums to this closed form (Schürmann 2015). Zhang, Z.
    (2012), "Entropy estimation in Turing's perspective", Neural Computation 24(5), 1368–1389;
    Schürmann, T. (2015), "A note on entropy estimation", Neural Computation 27(10), 2097–2106.
    """
    pos = c[c > 0]
    n = float(c.sum())
    return float(special.digamma(n) - pos @ special.digamma(pos) / n), _se(c, _corr_zhang)


@_nan_in
def _entropy_chao_shen(c: Vector) -> Result:
    """Chao–Shen (2003): coverage-adjusted Horvitz–Thompson estimator.

    ``Ĉ = 1 − f₁/n`` (f₁ singletons; f₁ = n is replaced by n − 1), ``p̃ = Ĉ p̂`` and
    ``Ĥ = −Σ p̃ log p̃ / (1 − (1 − p̃)^n)``. Chao, A. & Shen, T.-J. (2003), "Nonparametric
    estimation of Shannon's index of diversity when there are unseen species in sample",
    Environmental and Ecological Statistics 10, 429–443.
    """
    n = float(c.sum())
    pos = c[c > 0]
    f1 = min(float(np.count_nonzero(pos == 1)), n - 1)
    pa = (1 - f1 / n) * pos / n
    se = _se(c, _corr_chao_shen)
    with np.errstate(divide="ignore"):  # p̃ = 1 (one category, no singletons): log1p(-1)
        inclusion = -np.expm1(n * np.log1p(-pa))
    return float(-np.sum(pa * np.log(pa) / inclusion)), se


def _james_stein_lambda(c: Vector) -> float:
    """Shrinkage intensity ``λ* = (1 − Σ p̂²) / ((n − 1) Σ (1/K − p̂)²)``, clipped to [0, 1]."""
    n = float(c.sum())
    p = c / n
    denom = (n - 1) * float(np.sum((1 / c.size - p) ** 2))
    if n <= 1 or denom == 0:
        return 1.0
    return min(1.0, max(0.0, (1 - float(p @ p)) / denom))


@_nan_in
def _entropy_james_stein(c: Vector) -> Result:
    """James–Stein shrinkage (Hausser & Strimmer 2009): plug-in of ``λ/K + (1 − λ) p̂``.

    ``λ* = (1 − Σ p̂²) / ((n − 1) Σ (1/K − p̂)²)`` clipped to [0, 1], K = ``len(c)``
    (zero cells included). Hausser, J. & Strimmer, K. (2009), "Entropy inference and the
    James–Stein estimator", JMLR 10, 1469–1484, eqs. (5)–(8).
    """
    lam = _james_stein_lambda(c)
    p = lam / c.size + (1 - lam) * c / c.sum()
    p = p[p > 0]
    return float(-(p @ np.log(p))), _se(c, _corr_james_stein, shrink=1 - lam)


@_nan_in
def _entropy_jackknife(c: Vector) -> Result:
    """Delete-one jackknife of the plug-in (Zahl 1977), in O(K) by count multiplicity.

    Deleting one observation of cell i (c_i of the n deletions) moves the plug-in by
    ``D_i = log(1 − 1/n) + (Ĥ + log p̂_i + u_i) / (n − 1)``, ``u_i = −(c_i − 1) log(1 − 1/c_i)``
    (the ``n log n`` terms cancelled by hand, so counts up to 1e15 keep full precision);
    ``Ĥ_J = Ĥ − (n − 1) D̄`` and ``Var = (n − 1)/n Σ c_i (D_i − D̄)²`` (Efron & Stein 1981),
    floored like the others (see `_se`).
    Zahl, S. (1977), "Jackknifing an index of diversity", Ecology 58, 907–913.
    """
    n = float(c.sum())
    if n < 2:
        msg = f"`counts` total {n:g}; the jackknife needs at least 2 observations"
        raise ValueError(msg)
    _, _, _, dbar, h = _plugin_loo(c)
    return h - (n - 1) * dbar, _se(c)


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
    shift = np.ceil(np.clip(10 - x, 0, 10))  # ψ₁(x) = Σ_{j<s} 1/(x + j)² + ψ₁(x + s)
    j = np.arange(10.0)
    acc = np.where(j < shift[..., None], 1 / (x[..., None] + j) ** 2, 0.0).sum(axis=-1)
    x = x + shift
    r = 1 / x
    r2 = r * r
    series = (
        r + r2 / 2 + r * r2 * (1 / 6 - r2 * (1 / 30 - r2 * (1 / 42 - r2 * (1 / 30 - r2 * 5 / 66))))
    )
    out: Vector = acc + series
    return out


def _lgamma_rise(x: Vector, a: Vector) -> Vector:
    """``log Γ(x + a) − log Γ(x)`` (broadcast), by a Stirling difference where x ≥ 1e4.

    Differencing `gammaln` loses ``eps · x log x`` (0.03 nats at x = 1e16); the difference of
    Stirling series, ``(x − ½) log1p(a/x) + a log(x + a) − a + …``, keeps full precision, and
    its first omitted terms are below 1/(1260 x⁵) = 1e-23 for x ≥ 1e4.
    """
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
        """``E[H | c, β]`` and ``Var[H | c, β]`` on each β (Wolpert & Wolf 1995).

        The variance is ``E[(H − h)² | β]`` with h = E[H | β] built in: ``H − h =
        −Σ p_i (log p_i + h)``, so each ``E[log p_i] = ψ(a_i + 1) − ψ(A + 2)`` (under the
        size-biased Dirichlet) is shifted by h before squaring, which avoids the cancellation
        of ``E[H²] − E[H]²`` when the posterior is narrow.
        """
        b = beta[:, None]
        a = np.concatenate([self.v[None, :] + b, b], axis=1)  # observed values, then empties
        mult = np.concatenate([self.m, [self.k0]])
        big_a = self.n + self.k * beta
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


def _jackknife_parts(method: str, c: Vector) -> tuple[Vector, Vector, float, float] | None:
    """For `_counts.kl_model`: the centred delete-one changes of ``ENTROPY[method]`` by
    distinct count value (values, changes), the variance added to the jackknife, and the
    floor of `_se`; None for ``"nsb"`` (no jackknife) and when n < 2."""
    parts: dict[str, tuple[Correction | None, float, float]] = {
        "plugin": (None, 0.0, 1.0),
        "jackknife": (None, 0.0, 1.0),
        "miller_madow": (_corr_miller_madow, 0.0, 1.0),
        "zhang": (_corr_zhang, 0.0, 1.0),
        "grassberger": (_corr_zhang, _grassberger_parity_var(c), 1.0),
        "chao_shen": (_corr_chao_shen, 0.0, 1.0),
        "james_stein": (_corr_james_stein, 0.0, 1 - _james_stein_lambda(c)),
    }
    n = float(c.sum())
    if method not in parts or n < 2:
        return None
    correction, extra, shrink = parts[method]
    vals, _, e = _jackknife_dev(c, float(c.size), correction)
    return vals, e, extra, shrink**4 * (np.count_nonzero(c) - 1) / (2 * n * n)
