"""Estimators of entropy, cross-entropy, KL and JS divergence from count vectors.

Every estimator takes NumPy float64 count vectors (whole, non-negative, total > 0; checked by
the caller) and returns ``(value, stderr)`` in nats. A NaN count gives ``(nan, nan)``.
Entropy estimators see one count vector ``c`` of length K (zero cells count as categories:
K matters for ``"james_stein"`` and ``"nsb"``); two-sample ones see aligned vectors ``cp``,
``cq`` and a ``pseudocount`` added to every cell of both before the plug-in.

The alphabet: when it is known (declared, see `infoloss.Samples`), ``c`` holds all K cells;
when it is unknown, only the observed ones. ``"chao_wang_jost"`` (Chao, Wang & Jost 2013),
``"pym"`` (Pitman–Yor mixture) and ``"dp"`` (Dirichlet-process mixture, NSB with K → ∞;
Archer, Park & Pillow 2014) are made for an unknown alphabet: they ignore zero cells and
estimate the entropy of the unseen categories. `default_entropy` picks the default by the
regime (below), and `undersampled` names the regime where no estimator's interval holds.

Standard errors: each entropy estimator of the plug-in family (plug-in, Miller–Madow,
Grassberger, Zhang, Chao–Shen, James–Stein) reports the delete-one jackknife standard error of
*itself* (Efron & Stein 1981), computed exactly in O(D) or O(D²) for D distinct count values
(the estimators are symmetric in the observations, so all deletions from cells of one count
agree); Grassberger's is that of its smooth part plus the variance of its parity term, which
the jackknife would see as a jump. ``"jackknife"`` reports the jackknife standard error of the
plug-in. All are floored at the second-order variance ``(K_obs − 1)/(2n²)`` of the plug-in at a
uniform distribution (the jackknife is 0 when all observed counts are equal; James–Stein's
estimate is log K for every deletion when its shrinkage is 1), and are NaN for n = 1.
Measured (200 seeded multinomial(100) draws, Dirichlet(1) over K = 50): mean stderr / SD of
the estimates 0.97–1.23, 95% coverage 0.94–0.98 (the plug-in's delta method gave 0.72–0.83
and 0.43–0.82). When every category is
seen about once (K ≫ n) they overstate the spread (up to ~4x) rather than report 0. ``"nsb"``,
``"pym"`` and ``"dp"`` report their posterior standard deviation; ``"chao_wang_jost"`` the
root-mean-square error of 200 bootstrap replicates drawn from its estimated population, unseen
categories included (each replicate re-estimates the unseen part). Two-sample estimators
add the delta-method variances of the two independent samples, except
``"zhang_grabchak"``, which is jackknifed over both samples; all are floored at their
second-order variance for uniform counts.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from ._alphabet import default_entropy as default_entropy
from ._alphabet import undersampled as undersampled
from ._alphabet import user_stacklevel as user_stacklevel
from ._alphabet_pym import _entropy_dp, _entropy_pym
from ._counts_base import NAN, InfiniteEstimateWarning, Result, Vector
from ._counts_entropy import (
    _entropy_chao_shen,
    _entropy_grassberger,
    _entropy_jackknife,
    _entropy_james_stein,
    _entropy_miller_madow,
    _entropy_nsb,
    _entropy_plugin,
    _entropy_zhang,
    _jackknife_parts,
)

# private helpers re-exported: tests reach them through this module
from ._counts_entropy import _grassberger_g as _grassberger_g
from ._counts_entropy import _james_stein_lambda as _james_stein_lambda
from ._counts_entropy import _trigamma as _trigamma
from ._counts_pairs import (
    _ce_miller_madow,
    _ce_plugin,
    _ce_zhang_grabchak,
    _kl_miller_madow,
    _kl_plugin,
    _kl_zhang_grabchak,
)
from ._pairs_js import _js_miller_madow, _js_nsb, _js_plugin
from ._unseen_cwj import _entropy_chao_wang_jost

__all__ = [
    "CROSS_ENTROPY",
    "DEFAULT_CROSS_ENTROPY",
    "DEFAULT_ENTROPY",
    "DEFAULT_JS",
    "DEFAULT_KL",
    "ENTROPY",
    "JS",
    "KL",
    "InfiniteEstimateWarning",
    "cross_entropy_model",
    "kl_model",
]

ENTROPY: dict[str, Callable[[Vector], Result]] = {
    "plugin": _entropy_plugin,
    "miller_madow": _entropy_miller_madow,
    "grassberger": _entropy_grassberger,
    "zhang": _entropy_zhang,
    "chao_shen": _entropy_chao_shen,
    "james_stein": _entropy_james_stein,
    "jackknife": _entropy_jackknife,
    "nsb": _entropy_nsb,
    "dp": _entropy_dp,
    "pym": _entropy_pym,
    "chao_wang_jost": _entropy_chao_wang_jost,
}
# Defaults (`default_entropy`), measured by benchmarks/bench_alphabet.py (100 seeded
# multinomial draws per cell; uniform over K = 100, 10^3, 10^4; Zipf(1.1), Zipf(2) over K = 10^3,
# 10^4; geometric(0.01); Dirichlet(0.1), Dirichlet(1) over K = 10^3; n = 10^2 ... 10^5: 40 cells).
# Alphabet unknown (only observed categories): "chao_wang_jost". Cells with 95% coverage >= 0.90,
# pooled coverage, mean RMSE/H: chao_wang_jost 24/40, 0.876, 0.028; pym 28/40, 0.750, inf (+inf
# when no category repeats; +0.3 nats on uniform K = 10^4, n = 10^4 at coverage 0); dp 20/40,
# 0.725; chao_shen 19/40, 0.617, 0.032; NSB over the observed categories (the old default)
# 13/40, 0.517, 0.079 (uniform 10^4, n = 10^3: -2.35 nats, coverage 0; chao_wang_jost +0.015,
# coverage 1.00). chao_wang_jost's cells below 0.90: Zipf(1.1) for n <= 10^4 (0.14-0.87) and
# geometric n <= 10^3, Dirichlet(0.1) and Dirichlet(1) n <= 10^3 (0.76-0.87), all warned
# (`undersampled`: f1 >= 0.1 n); not warned: Zipf(2) n <= 10^3 (0.86-0.89), geometric n = 10^4
# (0.88), geometric n = 10^3 warned in 53% (0.81).
# Alphabet known (K cells): "nsb", but "jackknife" where n >= 10 K and f1 <= 0.05 n. NSB 28/40
# cells, pooled 0.846, RMSE/H 0.0256; with the switch 31/40, 0.881, 0.0254: Zipf(1.1), K = 10^4,
# n = 10^5: NSB +0.044 (coverage 0.02), jackknife -0.002 (0.96); K = 10^3, n = 10^4 and 10^5:
# NSB 0.67 and 0.86, jackknife 0.93 and 0.96; elsewhere in that regime both >= 0.91. Below 0.90
# with the switch: Zipf(1.1) n <= K (warned), Zipf(2) n <= 10^3 (0.86-0.89, not warned).
# Time per call: chao_wang_jost 1-10 ms (200 bootstrap replicates), pym 4-40 ms, nsb 2-15 ms.
# DEFAULT_ENTROPY names the known-alphabet default outside the well-sampled regime.
DEFAULT_ENTROPY = "nsb"


CROSS_ENTROPY: dict[str, Callable[[Vector, Vector, float], Result]] = {
    "plugin": _ce_plugin,
    "miller_madow": _ce_miller_madow,
    "zhang_grabchak": _ce_zhang_grabchak,
}
KL: dict[str, Callable[[Vector, Vector, float], Result]] = {
    "plugin": _kl_plugin,
    "miller_madow": _kl_miller_madow,
    "zhang_grabchak": _kl_zhang_grabchak,
}
JS: dict[str, Callable[[Vector, Vector, float], Result]] = {
    "plugin": _js_plugin,
    "miller_madow": _js_miller_madow,
    "nsb": _js_nsb,
}
# Defaults, measured over 400 seeded draws (P ~ Dirichlet(1), Q = 0.7 P + 0.3 Dirichlet(1)):
# K = 10, n = m = 1000: KL RMSE plugin 0.0170, miller_madow 0.0146, zhang_grabchak 0.0146;
# K = 100, n = 200, m = 500: plugin/miller_madow finite in 5% of draws, plugin with
# pseudocount 0.5 RMSE 0.171, zhang_grabchak 0.087 (always finite); K = 1000, n = m = 500:
# plugin(0.5) 0.303, zhang_grabchak 0.046. Cross-entropy likewise (0.058 against 0.209).
# JS: nsb. benchmarks/bench_discrete_pairs.py --quick (30 seeded replicates per cell, 60 cells:
# K = 10, 100, 1000; (n, m) = (50, 50), (200, 200), (1000, 1000), (200, 2000); P, Q independent
# Dirichlet(1) or Dirichlet(0.1), Q = ½ P + ½ Dirichlet(1), P = Q, disjoint supports; the
# categories a Samples route sees): RMSE mean / median plugin 0.119 / 0.031, miller_madow
# 0.098 / 0.022, nsb 0.070 / 0.023; 95% coverage mean 0.52, 0.61, 0.77, cells >= 0.90: 37%,
# 47%, 70%. K = 100, n = m = 200, Dirichlet(1): bias +0.127, +0.068, +0.002. nsb fails where
# the samples hardly overlap and are undersampled (disjoint supports, K = 100-1000, n <= 1000:
# bias -0.05 to -0.65, coverage 0; Dirichlet(0.1), K = 1000: -0.2 to -0.46), where the two
# others are exact; see `_pairs_js._js_nsb`.
DEFAULT_CROSS_ENTROPY = "zhang_grabchak"
DEFAULT_KL = "zhang_grabchak"
DEFAULT_JS = "nsb"


# --------------------------------------------------------------------------- data vs model


def cross_entropy_model(cp: Vector, log_q: Vector, /) -> Result:
    """Cross-entropy of the data's distribution against a known model: the mean NLL.

    ``Ĥ(P, Q) = −(1/n) Σ_i c_i log q_i``: exact for the empirical distribution of the counts
    and an unbiased estimate of ``H(P, Q)``. Stderr: the sample standard deviation (ddof 1)
    of ``−log q(x)`` over the n draws, divided by ``sqrt(n)`` (NaN when n = 1). +inf, with an
    `InfiniteEstimateWarning`, when the model gives probability 0 to an observed category.

    Parameters
    ----------
    cp : ndarray
        Counts of the data in each category (whole, non-negative, total > 0).
    log_q : ndarray
        The model's log-probability of each category, aligned with `cp`.

    Returns
    -------
    value, stderr : float
        In nats.

    Examples
    --------
    >>> import numpy as np
    >>> from infoloss.data._estimators._counts import cross_entropy_model
    >>> counts = np.array([3.0, 1.0])
    >>> value, se = cross_entropy_model(counts, np.log([0.5, 0.5]))
    >>> bool(np.isclose(value, np.log(2))), se
    (True, 0.0)
    """
    if np.shape(log_q) != np.shape(cp):
        msg = (
            f"`log_q` must have one entry per category, shape {np.shape(cp)}; "
            f"found shape {np.shape(log_q)}"
        )
        raise ValueError(msg)
    if np.isnan(cp).any() or np.isnan(log_q).any():
        return NAN
    n = float(cp.sum())
    on = cp > 0
    bad = np.flatnonzero(on & (log_q == -np.inf))
    if bad.size:
        msg = (
            f"cross-entropy is +inf: the model gives probability 0 to {bad.size} observed "
            f"categor{'y' if bad.size == 1 else 'ies'} (index {', '.join(map(str, bad[:5]))})"
        )
        warnings.warn(msg, InfiniteEstimateWarning, stacklevel=2)
        return float("inf"), float("inf")
    nll = -log_q[on]
    value = float(cp[on] @ nll / n)
    if n < 2:
        return value, float("nan")
    var = float(cp[on] @ (nll - value) ** 2) / (n - 1)
    return value, float(np.sqrt(var / n))


def kl_model(cp: Vector, log_q: Vector, /, entropy_method: str = DEFAULT_ENTROPY) -> Result:
    """KL divergence of the data's distribution from a known model: ``Ĥ(P, Q) − Ĥ(P)``.

    `cross_entropy_model` minus the entropy estimate ``ENTROPY[entropy_method]`` of the
    counts. Both come from the same draws, so the stderr is the delete-one jackknife of the
    difference, ``sqrt((n − 1)/n Σ_i c_i (δ_i^CE − δ_i^H)²)`` with the centred changes
    ``δ^CE_i = (Ĥ(P, Q) − (−log q_i))/(n − 1)`` and those of the entropy estimator (exact,
    O(K)), floored like the entropy's stderr (for the plug-in and well-sampled counts it is
    close to the delta method ``sqrt(Var_p̂[log(p̂/q)] / n)``). For ``"nsb"``, which has no
    jackknife: ``sqrt(se_ce² + se_h² − 2 ρ se_ce se_h)``, ρ the delta-method correlation of
    ``log q(X)`` and ``log p̂(X)`` under p̂ (0 when either is constant).

    Examples
    --------
    >>> import numpy as np
    >>> from infoloss.data._estimators._counts import kl_model
    >>> counts = np.array([30.0, 10.0])
    >>> value, se = kl_model(counts, np.log([0.5, 0.5]), entropy_method="plugin")
    >>> p = counts / counts.sum()
    >>> bool(np.isclose(value, np.sum(p * np.log(p / 0.5))))
    True
    """
    from ._common import choose

    entropy = choose(entropy_method, ENTROPY, "entropy from counts")
    ce, se_ce = cross_entropy_model(cp, log_q)
    h, se_h = entropy(cp)
    if not (np.isfinite(ce) and np.isfinite(h)):
        return ce - h, se_ce + se_h
    on = cp > 0
    parts = _jackknife_parts(entropy_method, cp)
    if parts is not None:
        vals, dev_h, extra, floor = parts
        n, x = float(cp.sum()), cp[on]
        dev = (ce + log_q[on]) / (n - 1) - dev_h[np.searchsorted(vals, x)]
        var = (n - 1) / n * float(x @ dev**2) + extra
        return ce - h, float(np.sqrt(max(var, floor)))
    p = cp[on] / cp.sum()
    a, b = log_q[on] - p @ log_q[on], np.log(p) - p @ np.log(p)
    va, vb = float(p @ a**2), float(p @ b**2)
    rho = float(p @ (a * b)) / np.sqrt(va * vb) if va > 0 and vb > 0 else 0.0
    var = se_ce**2 + se_h**2 - 2 * rho * se_ce * se_h
    return ce - h, float(np.sqrt(max(var, 0.0)))
