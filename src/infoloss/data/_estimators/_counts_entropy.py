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
from ._nsb import _entropy_nsb as _entropy_nsb
from ._nsb import _trigamma as _trigamma


def _se(c: Vector, correction: Correction | None = None, extra: float = 0.0) -> float:
    """Stderr of a plug-in-family estimator: its delete-one jackknife, floored at the χ² term.

    ``sqrt(max(Var_J + extra, (K_obs − 1) / (2n²)))``. The jackknife is a first-order
    method and reports 0 whenever the observed counts are all equal (every deletion leaves
    the same multiset); the floor is the second-order variance of the plug-in at a uniform
    distribution over the K_obs observed cells, ``Ĥ ≈ log K − χ²_{K−1} / (2n)`` (Harris
    1975). NaN when n < 2.
    """
    n = float(c.sum())
    var = _jackknife_var(c, float(c.size), correction) + extra
    if not np.isfinite(var):
        return float("nan")
    floor = (np.count_nonzero(c) - 1) / (2 * n * n)
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

    Stderr: its own jackknife, floored (unshrunk) at ``(K_obs − 1)/(2n²)``. When λ = 1 for
    every deletion the estimate is log K whatever the data and the jackknife is 0 (it was
    2e-15); the truth is then not log K but anywhere the data cannot tell from uniform, at
    ``log K − χ²_{K−1}/(2n)`` of spread ``sqrt((K − 1)/2)/n``: the floor.
    """
    lam = _james_stein_lambda(c)
    p = lam / c.size + (1 - lam) * c / c.sum()
    p = p[p > 0]
    return float(-(p @ np.log(p))), _se(c, _corr_james_stein)


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


def _jackknife_parts(method: str, c: Vector) -> tuple[Vector, Vector, float, float] | None:
    """For `_counts.kl_model`: the centred delete-one changes of ``ENTROPY[method]`` by
    distinct count value (values, changes), the variance added to the jackknife, and the
    floor of `_se`; None for ``"nsb"`` (no jackknife) and when n < 2."""
    parts: dict[str, tuple[Correction | None, float]] = {
        "plugin": (None, 0.0),
        "jackknife": (None, 0.0),
        "miller_madow": (_corr_miller_madow, 0.0),
        "zhang": (_corr_zhang, 0.0),
        "grassberger": (_corr_zhang, _grassberger_parity_var(c)),
        "chao_shen": (_corr_chao_shen, 0.0),
        "james_stein": (_corr_james_stein, 0.0),
    }
    n = float(c.sum())
    if method not in parts or n < 2:
        return None
    correction, extra = parts[method]
    vals, _, e = _jackknife_dev(c, float(c.size), correction)
    return vals, e, extra, (np.count_nonzero(c) - 1) / (2 * n * n)
