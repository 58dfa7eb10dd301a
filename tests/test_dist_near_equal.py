"""Same-family closed-form KL divergences near ``p == q``: no digits lost to cancellation.

A KL divergence between two members of one family is of second order in their parameter
difference; the textbook closed forms add first-order terms that cancel, and lost every digit
(``KL(Poisson(3) ‖ Poisson(3.0000001))`` was 33 % off, ``KL(Gamma(1e8) ‖ Gamma(1e8 + 1))`` 0).

Reference: each family's closed form written out here independently of the library (the
textbook forms of the comments in ``distributions/``: Penny 2001, Bishop 2006, Gil et al. 2013,
Bauckhage 2013, Chyzak & Nielsen 2019, Mardia & Jupp 2000) and evaluated in mpmath at 50
digits, where loggamma, digamma, besseli and log lose nothing, on the very float64 parameters
given to infoloss; the categorical KL, and the binomial and negative binomial ones with
different n, are the definition summed over P's support. Cases cover relative parameter
differences 1e-1, 1e-4, 1e-7, 1e-10, each parameter alone and together (the directions where
the textbook terms cancel most: equal means for Gamma, equal proportions for Beta and
Dirichlet), and parameter scales 1, 1e6 and 1e8 where the family allows.

Tolerance: RTOL = 1e-12 relative (4500 ulps), with no absolute floor: every reference here is
well above the underflow range, and the rewrites compute each KL as a sum of non-negative terms
from exact parameter differences, so nothing is at round-off level of the inputs' scale.
Measured on these cases: within 22 ulps (4.8e-15, Gamma with equal means at a = 1e8) for every
family but two. VonMises, whose Taylor route for 3 < kappa < 30 loses up to a factor 2 kappa
twice (the derivative of I1/I0 is a difference of two terms 2 kappa times larger): 1640 ulps
here, 2900 ulps (6.4e-13) in a finer sweep of kappa, hence VON_MISES_RTOL = 2e-12. Binomial
with different n (a sum over P's support), whose weights P(x) carry the error of
``Binomial.log_prob`` (log C(n, x) from three log-gammas of size n log n): 4.4e-13 at n = 1000.
The margins (2x to 3x for these two, 200x elsewhere) absorb other platforms' libm and SciPy
builds; both tolerances are 500 to 1000 times tighter than the 1e-9 asked for. Categorical's
KL, a sum over probability vectors, is exact to an absolute ~eps (see its test). The helpers of
``distributions/_elementary.py`` and ``_bregman.py`` are checked on their own too, on points spread
over their routes. The families evaluate their textbook formula first and recompute the elements
where it cancelled (``_stable.closed_form``): batches mixing near-equal and far-apart pairs must
give each element the value of its pair alone, on every backend, with PyTorch's gradients.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import Any

import mpmath as mp
import numpy as np
import pytest
from tests.conftest import to_numpy, to_xp

import infoloss as il

RTOL = 1e-12
VON_MISES_RTOL = 2e-12
RELS = (1e-1, 1e-4, 1e-7, 1e-10)
SCALES = (1.0, 1e6, 1e8)
_COV = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, 0.2], [0.1, 0.2, 1.5]])

Case = tuple[tuple[Any, ...], tuple[Any, ...], str]  # (p's arguments, q's arguments, label)


# ---------------------------------------------------------------------------- mpmath references
def _f(x: Any) -> Any:
    """A float64 parameter as an exact mpmath number (mpmath numbers pass through)."""
    return x if isinstance(x, mp.mpf) else mp.mpf(float(x))


def _normal(mu_p: Any, s_p: Any, mu_q: Any, s_q: Any) -> Any:
    # Bishop, PRML (2006), ex. 1.30: 1/2 (r - 1 - log r + ((mu_p - mu_q) / s_q)^2), r = (s_p/s_q)^2
    r = (_f(s_p) / _f(s_q)) ** 2
    return (r - 1 - mp.log(r) + ((_f(mu_p) - _f(mu_q)) / _f(s_q)) ** 2) / 2


def _gamma(k_p: Any, t_p: Any, k_q: Any, t_q: Any) -> Any:
    # Penny (2001), eq. 3, with scales: (k_p - k_q) psi(k_p) - log G(k_p) + log G(k_q)
    # + k_q log(t_q / t_p) + k_p (t_p / t_q - 1)
    k_p, t_p, k_q, t_q = map(_f, (k_p, t_p, k_q, t_q))
    return (
        (k_p - k_q) * mp.digamma(k_p)
        - mp.loggamma(k_p)
        + mp.loggamma(k_q)
        + k_q * mp.log(t_q / t_p)
        + k_p * (t_p / t_q - 1)
    )


def _dirichlet(a: Any, b: Any) -> Any:
    # Penny (2001), eq. 19
    a, b = [_f(x) for x in a], [_f(x) for x in b]
    a0, b0 = mp.fsum(a), mp.fsum(b)
    norm = mp.loggamma(a0) - mp.loggamma(b0) + mp.fsum(map(mp.loggamma, b))
    norm -= mp.fsum(map(mp.loggamma, a))
    return norm + mp.fsum(
        (x - y) * (mp.digamma(x) - mp.digamma(a0)) for x, y in zip(a, b, strict=True)
    )


def _bernoulli(p: Any, q: Any) -> Any:
    p, q = _f(p), _f(q)
    t1 = p * mp.log(p / q) if p > 0 else 0
    return t1 + ((1 - p) * mp.log((1 - p) / (1 - q)) if p < 1 else 0)


def _geometric(p: Any, q: Any) -> Any:
    p, q = _f(p), _f(q)
    return mp.log(p / q) + ((1 - p) / p * mp.log((1 - p) / (1 - q)) if p < 1 else 0)


def _summed(logpmf: Callable[..., Any], p: Any, q: Any, top: int) -> Any:
    """The definition sum_x P(x) log(P(x)/Q(x)) over x = 0..top (P's mass beyond: < 1e-40)."""
    total = mp.mpf(0)
    for x in range(top + 1):
        lp = logpmf(mp.mpf(x), *map(_f, p))
        total += mp.exp(lp) * (lp - logpmf(mp.mpf(x), *map(_f, q)))
    return total


def _binomial_logpmf(x: Any, n: Any, a: Any) -> Any:
    comb = mp.loggamma(n + 1) - mp.loggamma(x + 1) - mp.loggamma(n - x + 1)
    return comb + x * mp.log(a) + (n - x) * mp.log(1 - a)


def _nbinom_logpmf(x: Any, n: Any, a: Any) -> Any:
    comb = mp.loggamma(x + n) - mp.loggamma(n) - mp.loggamma(x + 1)
    return comb + n * mp.log(a) + x * mp.log(1 - a)


def _binomial(p: Any, q: Any) -> Any:
    if p[0] == q[0]:
        return _f(p[0]) * _bernoulli(p[1], q[1])
    assert p[0] < q[0]  # P's support inside Q's: the cases below keep to it
    return _summed(_binomial_logpmf, p, q, int(p[0]))


def _nbinom(p: Any, q: Any) -> Any:
    if p[0] == q[0]:
        return _f(p[0]) * _geometric(p[1], q[1])
    mean, sd = p[0] * (1 - p[1]) / p[1], math.sqrt(p[0] * (1 - p[1])) / p[1]
    return _summed(_nbinom_logpmf, p, q, int(mean + 60 * sd + 200))


def _categorical(p: Any, q: Any) -> Any:
    return mp.fsum(_f(a) * mp.log(_f(a) / _f(b)) for a, b in zip(p, q, strict=True) if a > 0)


def _laplace(p: Any, q: Any) -> Any:
    # Gil, Alajaji & Hoseinzadeh (2013), Table 3
    (m_p, b_p), (m_q, b_q) = map(_f, p), map(_f, q)
    d = abs(m_p - m_q)
    return mp.log(b_q / b_p) + d / b_q + b_p / b_q * mp.exp(-d / b_p) - 1


def _cauchy(p: Any, q: Any) -> Any:
    # Chyzak & Nielsen, arXiv:1905.10965 (2019)
    (m_p, g_p), (m_q, g_q) = map(_f, p), map(_f, q)
    return mp.log(((g_p + g_q) ** 2 + (m_p - m_q) ** 2) / (4 * g_p * g_q))


def _gumbel(p: Any, q: Any) -> Any:
    # E[z] = Euler's gamma, E[exp(-t z)] = Gamma(1 + t) for z standard Gumbel (as torch's kl.py)
    (m_p, b_p), (m_q, b_q) = map(_f, p), map(_f, q)
    r, d = b_p / b_q, (m_p - m_q) / b_q
    return -mp.log(r) - mp.euler - 1 + d + mp.euler * r + mp.exp(-d) * mp.gamma(1 + r)


def _weibull(p: Any, q: Any) -> Any:
    # Bauckhage, arXiv:1310.3713 (2013)
    (k_p, l_p), (k_q, l_q) = map(_f, p), map(_f, q)
    t1 = mp.log(k_p / k_q) - k_p * mp.log(l_p) + k_q * mp.log(l_q)
    t2 = (k_p - k_q) * (mp.log(l_p) - mp.euler / k_p)
    return t1 + t2 + (l_p / l_q) ** k_q * mp.gamma(1 + k_q / k_p) - 1


def _pareto(p: Any, q: Any) -> Any:
    (b_p, s_p), (b_q, s_q) = map(_f, p), map(_f, q)
    assert s_p >= s_q  # P's support inside Q's: the cases below keep to it
    return mp.log(b_p / b_q) + b_q * mp.log(s_p / s_q) + b_q / b_p - 1


def _von_mises(p: Any, q: Any) -> Any:
    # Mardia & Jupp (2000), sec. 3.5.4: log(I0(k_q) / I0(k_p)) + A(k_p) (k_p - k_q cos(d))
    (k_p, m_p), (k_q, m_q) = map(_f, p), map(_f, q)
    a = mp.besseli(1, k_p) / mp.besseli(0, k_p)
    return mp.log(mp.besseli(0, k_q) / mp.besseli(0, k_p)) + a * (k_p - k_q * mp.cos(m_p - m_q))


def _mvn(p: Any, q: Any) -> Any:
    # 1/2 [tr(S_q^-1 S_p) + (m_q - m_p)^T S_q^-1 (m_q - m_p) - d + log det S_q - log det S_p]
    (m_p, c_p, kind_p), (m_q, c_q, kind_q) = p, q
    s_p, s_q = (_mp_cov(c, k) for c, k in ((c_p, kind_p), (c_q, kind_q)))
    dm = mp.matrix([_f(a) - _f(b) for a, b in zip(m_q, m_p, strict=True)])
    inv = mp.inverse(s_q)
    d = len(m_p)
    trace = mp.fsum((inv * s_p)[i, i] for i in range(d))
    return (trace + (dm.T * inv * dm)[0, 0] - d + mp.log(mp.det(s_q) / mp.det(s_p))) / 2


def _mp_cov(c: Any, kind: str) -> Any:
    if kind == "diag":
        return mp.diag([_f(v) for v in c])
    m = mp.matrix([[_f(v) for v in row] for row in np.asarray(c)])
    return m * m.T if kind == "scale_tril" else m


REFERENCES: dict[str, Callable[[Any, Any], Any]] = {
    "Normal": lambda p, q: _normal(*p, *q),
    "LogNormal": lambda p, q: _normal(mp.log(_f(p[1])), p[0], mp.log(_f(q[1])), q[0]),
    "HalfNormal": lambda p, q: _normal(0, p[0], 0, q[0]),
    "Rayleigh": lambda p, q: 2 * _normal(0, p[0], 0, q[0]),  # 2 log(s_q/s_p) + s_p²/s_q² - 1
    "Exponential": lambda p, q: _gamma(1, p[0], 1, q[0]),
    "Gamma": lambda p, q: _gamma(p[0], p[1], q[0], q[1]),
    "Chi2": lambda p, q: _gamma(_f(p[0]) / 2, 2, _f(q[0]) / 2, 2),
    "Beta": _dirichlet,
    "Dirichlet": lambda p, q: _dirichlet(p[0], q[0]),
    "Uniform": lambda p, q: mp.log(_f(q[1]) / _f(p[1])),  # P's support inside Q's below
    "Laplace": _laplace,
    "Cauchy": _cauchy,
    "Gumbel": _gumbel,
    "Weibull": _weibull,
    "Pareto": _pareto,
    "VonMises": _von_mises,
    "Bernoulli": lambda p, q: _bernoulli(p[0], q[0]),
    "Binomial": _binomial,
    "Geometric": lambda p, q: _geometric(p[0], q[0]),
    "Poisson": lambda p, q: _f(p[0]) * mp.log(_f(p[0]) / _f(q[0])) - _f(p[0]) + _f(q[0]),
    "NegativeBinomial": _nbinom,
    "Multinomial": lambda p, q: _f(p[0]) * _categorical(p[1], q[1]),  # same n
    "Categorical": lambda p, q: _categorical(p[0], q[0]),
    "MultivariateNormal": _mvn,
}


def reference(name: str, p: Any, q: Any) -> float:
    with mp.workdps(50):
        return float(REFERENCES[name](p, q))


# --------------------------------------------------------------------------------------- cases
def _up(x: float, rel: float) -> float:
    return x * (1.0 + rel)


def _scaled() -> dict[str, list[Case]]:
    """Location-scale and scale families: each parameter moved alone, and both together."""
    out: dict[str, list[Case]] = {}
    for s in SCALES:
        for r in RELS:
            tag = f"s={s:g} rel={r:g}"
            out.setdefault("Normal", []).extend(
                [
                    ((s, s), (_up(s, r), s), f"loc {tag}"),
                    ((s, s), (s, _up(s, r)), f"scale {tag}"),
                    ((s, s), (_up(s, r), _up(s, r)), f"both {tag}"),
                ]
            )
            for name in ("Laplace", "Cauchy", "Gumbel"):
                out.setdefault(name, []).extend(
                    [
                        ((s, s), (_up(s, r), s), f"loc {tag}"),
                        ((s, s), (s, _up(s, r)), f"scale {tag}"),
                        ((s, s), (_up(s, -r), _up(s, r)), f"both {tag}"),
                    ]
                )
            for name in ("HalfNormal", "Rayleigh", "Exponential"):
                out.setdefault(name, []).append(((s,), (_up(s, r),), tag))
            out.setdefault("LogNormal", []).extend(
                [
                    ((0.5, s), (0.5, _up(s, r)), f"scale {tag}"),
                    ((s, 2.0), (_up(s, r), 2.0), f"s {tag}"),
                    ((0.5, s), (_up(0.5, r), _up(s, -r)), f"both {tag}"),
                ]
            )
            out.setdefault("Uniform", []).extend(
                [
                    ((s, s), (s, _up(s, r)), f"wider {tag}"),
                    ((s, s), (s - r * s, _up(s, 2 * r)), f"both sides {tag}"),
                ]
            )
            out.setdefault("Pareto", []).extend(
                [
                    ((2.0, s), (_up(2.0, r), s), f"b {tag}"),
                    ((2.0, _up(s, r)), (2.0, s), f"scale {tag}"),
                    ((s, s), (_up(s, -r), _up(s, -r)), f"both {tag}"),
                ]
            )
            out.setdefault("Weibull", []).extend(
                [
                    ((s, 2.0), (_up(s, r), 2.0), f"c {tag}"),
                    ((2.0, s), (2.0, _up(s, r)), f"scale {tag}"),
                    ((1.5, s), (_up(1.5, -r), _up(s, r)), f"both {tag}"),
                ]
            )
    return out


def _shapes() -> dict[str, list[Case]]:
    """Shape families; Gamma along equal means too (k θ fixed), Beta and Dirichlet along equal
    proportions (all concentrations scaled): there the textbook terms cancel by ~the shape."""
    out: dict[str, list[Case]] = {}
    for s in (0.3, 1.5, 25.0, *SCALES[1:]):
        for r in RELS:
            tag = f"s={s:g} rel={r:g}"
            out.setdefault("Gamma", []).extend(
                [
                    ((s, 2.0), (_up(s, r), 2.0), f"a {tag}"),
                    ((s, 2.0), (s, _up(2.0, r)), f"scale {tag}"),
                    ((s, 2.0), (_up(s, r), 2.0 / (1.0 + r)), f"equal means {tag}"),
                    ((s, 2.0), (_up(s, -r), _up(2.0, -r)), f"both {tag}"),
                ]
            )
            out.setdefault("Chi2", []).append(((2 * s,), (_up(2 * s, r),), tag))
            out.setdefault("Beta", []).extend(
                [
                    ((s, 2 * s), (_up(s, r), 2 * s), f"a {tag}"),
                    ((s, 2 * s), (_up(s, r), _up(2 * s, r)), f"proportional {tag}"),
                    ((s, 0.7), (_up(s, -r), _up(0.7, r)), f"opposite {tag}"),
                ]
            )
            alpha = [s, 2 * s, 0.5 * s]
            out.setdefault("Dirichlet", []).extend(
                [
                    ((alpha,), ([_up(s, r), 2 * s, 0.5 * s],), f"one {tag}"),
                    ((alpha,), ([_up(a, r) for a in alpha],), f"proportional {tag}"),
                    ((alpha,), ([_up(s, r), _up(2 * s, -r), 0.5 * s],), f"opposite {tag}"),
                ]
            )
    for k in (0.01, 0.5, 5.0, 20.0, 29.99, 40.0, *SCALES[1:]):
        for r in RELS:
            tag = f"kappa={k:g} rel={r:g}"
            out.setdefault("VonMises", []).extend(
                [
                    ((k, 0.3), (_up(k, r), 0.3), f"kappa {tag}"),
                    ((k, 0.3), (_up(k, -r), 0.3), f"kappa down {tag}"),
                    ((k, 0.3), (k, 0.3 + r), f"loc {tag}"),
                ]
            )
    return out


def _discrete() -> dict[str, list[Case]]:
    """Counting and trial families: probabilities moved relatively, near 0 and near 1 too
    (``1 - p`` moved there), means 3, 3e6, 3e8 and trial counts 10, 1e7, 1e9; Binomial and
    NegativeBinomial with different ``n`` too (their KL is then a sum over P's support)."""
    out: dict[str, list[Case]] = {}
    for r in RELS:
        tag = f"rel={r:g}"
        for p in (0.3, 3e-7, 3e-9):
            out.setdefault("Bernoulli", []).append(((p,), (_up(p, r),), f"p={p:g} {tag}"))
            out.setdefault("Geometric", []).append(((p,), (_up(p, r),), f"p={p:g} {tag}"))
        for p in (1 - 3e-7, 0.999):  # 1 - p moved
            q = 1.0 - (1.0 - p) * (1.0 + r)
            out.setdefault("Bernoulli", []).append(((p,), (q,), f"1-p={1 - p:.1g} {tag}"))
            out.setdefault("Geometric", []).append(((p,), (q,), f"1-p={1 - p:.1g} {tag}"))
        for s in SCALES:
            out.setdefault("Poisson", []).append(
                ((3 * s,), (_up(3 * s, r),), f"mu={3 * s:g} {tag}")
            )
            n = 10.0 * s
            out.setdefault("Binomial", []).append(((n, 0.3), (n, _up(0.3, r)), f"n={n:g} {tag}"))
            out.setdefault("NegativeBinomial", []).extend(
                [
                    ((3 * s, 0.4), (3 * s, _up(0.4, r)), f"n={3 * s:g} {tag}"),
                    ((3 * s, 0.999), (3 * s, 1 - 0.001 * (1 + r)), f"n={3 * s:g} 1-p {tag}"),
                ]
            )
            # dyadic moves keep both vectors summing to exactly 1, as the definition assumes
            h = 2.0 ** round(math.log2(0.25 * r))
            p3, q3 = [0.25, 0.25, 0.5], [0.25 + h, 0.25 - h, 0.5]
            out.setdefault("Multinomial", []).append(((n, p3), (n, q3), f"n={n:g} {tag}"))
        h = 2.0 ** round(math.log2(0.25 * r))
        case = (([0.25, 0.25, 0.5],), ([0.25 + h, 0.25 - h, 0.5],), tag)
        out.setdefault("Categorical", []).append(case)
        # different n: the exact sums over P's support, with the log-ratio of the family
        out["NegativeBinomial"] += [
            ((3.0, 0.4), (_up(3.0, r), 0.4), f"n differs n=3 {tag}"),
            ((300.0, 0.4), (_up(300.0, r), _up(0.4, -r)), f"n and p differ n=300 {tag}"),
        ]
    for n in (10.0, 100.0, 1000.0):
        out["Binomial"] += [
            ((n, 0.3), (n + 1, 0.3), f"n differs n={n:g}"),
            ((n, 0.3), (n + 2, _up(0.3, 1e-7)), f"n and p differ n={n:g}"),
        ]
    return out


def _multivariate() -> dict[str, list[Case]]:
    cases: list[Case] = []
    tril = np.linalg.cholesky(_COV)
    m = [1.0, -2.0, 0.5]
    for s in SCALES:
        for r in RELS:
            tag = f"s={s:g} rel={r:g}"
            bumped = _COV * s
            bumped[0, 1] = bumped[1, 0] = _up(bumped[0, 1], r)
            cases += [
                ((m, _COV * s, "cov"), (m, _COV * s * (1 + r), "cov"), f"cov scaled {tag}"),
                ((m, _COV * s, "cov"), (m, bumped, "cov"), f"cov entry {tag}"),
                ((m, tril * s, "scale_tril"), (m, tril * _up(s, r), "scale_tril"), f"L {tag}"),
                (
                    (m, [s, 2 * s, 3 * s], "diag"),
                    (m, [s, _up(2 * s, r), 3 * s], "diag"),
                    f"d {tag}",
                ),
                ((m, _COV * s, "cov"), ([_up(1.0, r), -2.0, 0.5], _COV * s, "cov"), f"mean {tag}"),
            ]
    return {"MultivariateNormal": cases}


CASES: dict[str, list[Case]] = {**_scaled(), **_shapes(), **_discrete(), **_multivariate()}


def _moved(case: Case) -> bool:
    """Whether Q differs from P at all (1 - p = 3e-7 moved by 1e-10 relative rounds to p)."""
    p, q, _ = case
    return any(not np.array_equal(a, b) for a, b in zip(p, q, strict=True))


CASES = {k: [c for c in v if _moved(c)] for k, v in CASES.items()}
VECTOR_SUMS = {"Categorical"}  # sums over probability vectors: an absolute promise, below
EPS = float(np.finfo(np.float64).eps)


def build(name: str, args: tuple[Any, ...], xp: ModuleType = np) -> Any:
    """The infoloss distribution ``name(*args)`` with float64 parameters in namespace ``xp``."""
    cls = getattr(il, name)
    arr = [to_xp(xp, a, "float64") if not isinstance(a, str) else a for a in args]
    if name == "MultivariateNormal":
        return cls(arr[0], **{args[2]: arr[1]})
    if name == "Categorical":
        return cls(probs=arr[0])
    return cls(*arr)


def kl(name: str, p: tuple[Any, ...], q: tuple[Any, ...], xp: ModuleType = np) -> float:
    return float(to_numpy(il.kl_divergence(build(name, p, xp), build(name, q, xp))))


def _rtol(name: str) -> float:
    return VON_MISES_RTOL if name == "VonMises" else RTOL


def _same_family_pairs() -> list[str]:
    return sorted({p for p, q in il.kl_pairs() if p == q})


# ---------------------------------------------------------------------------------------- tests
def test_every_same_family_pair_has_near_equal_cases() -> None:
    # a same-family pair registered later fails here until it gets cases and a reference
    missing = [f for f in _same_family_pairs() if f not in CASES or f not in REFERENCES]
    assert not missing, f"same-family KL pairs without near-equal reference cases: {missing}"


@pytest.mark.parametrize("family", sorted(set(CASES) - VECTOR_SUMS))
def test_near_equal_kl_matches_mpmath(family: str) -> None:
    # every case of the family, float64 on NumPy, against the 50-digit reference
    bad = []
    for p, q, label in CASES[family]:
        ref = reference(family, p, q)
        got = kl(family, p, q)
        assert ref > 0, (family, label, ref)
        if not abs(got - ref) <= _rtol(family) * ref:
            bad.append(
                f"{label}: got {got!r}, mpmath {ref!r}, rel. error {abs(got / ref - 1):.2g}"
            )
    assert not bad, f"{family}: {len(bad)} of {len(CASES[family])} cases off:\n" + "\n".join(bad)


def _stack(cases: list[Case], which: int) -> tuple[np.ndarray, ...]:
    """Argument ``i`` of P (``which = 0``) or Q (1) of every case, stacked along a batch axis."""
    n_args = len(cases[0][which])
    return tuple(np.array([c[which][i] for c in cases], dtype=float) for i in range(n_args))


BATCHED = sorted(set(CASES) - VECTOR_SUMS - {"MultivariateNormal"})


@pytest.mark.parametrize("family", BATCHED)
def test_batched_cases_take_each_route_elementwise(family: str) -> None:
    # all cases of a family in one batch mix the near and far branches of the `where`s (and
    # the routes of the special-function helpers): each element as its reference
    cases = [c for c in CASES[family] if "differ" not in c[2]]  # sums: as wide as n = 1e9
    p, q = build(family, _stack(cases, 0)), build(family, _stack(cases, 1))
    got = to_numpy(il.kl_divergence(p, q))
    ref = np.array([reference(family, p, q) for p, q, _ in cases])
    np.testing.assert_allclose(got, ref, rtol=_rtol(family), atol=0)


def test_batched_multivariate_normal_mixes_series_and_factors() -> None:
    # covariances given as `cov`: the series route for the close ones, the factors' route for
    # the others (rel = 0.1 has ||B||_F > 0.1), in one batch
    cases = [c for c in CASES["MultivariateNormal"] if c[0][2] == c[1][2] == "cov"]
    mean = np.array([c[0][0] for c in cases], dtype=float)
    p = il.MultivariateNormal(mean, np.array([c[0][1] for c in cases]))
    q = il.MultivariateNormal(
        np.array([c[1][0] for c in cases], dtype=float), np.array([c[1][1] for c in cases])
    )
    ref = np.array([reference("MultivariateNormal", a, b) for a, b, _ in cases])
    np.testing.assert_allclose(to_numpy(il.kl_divergence(p, q)), ref, rtol=RTOL, atol=0)


@pytest.mark.parametrize("family", sorted(set(CASES) - VECTOR_SUMS))
def test_identical_parameters_give_exactly_zero(family: str) -> None:
    for p, _, label in CASES[family]:
        value = kl(family, p, p)
        assert value == 0.0, (label, value)
        assert math.copysign(1.0, value) == 1.0, (label, value)  # +0.0, not -0.0


def test_user_reports() -> None:
    # the three reproductions as the user typed them (33 % off, 1.6e-3 off, and exactly 0)
    p3 = il.kl_divergence(il.Poisson(3), il.Poisson(3.0000001))
    p6 = il.kl_divergence(il.Poisson(1e6), il.Poisson(1e6 + 1))
    g8 = il.kl_divergence(il.Gamma(a=1e8), il.Gamma(a=1e8 + 1))
    for got, p, q, fam in [
        (p3, (3.0,), (3.0000001,), "Poisson"),
        (p6, (1e6,), (1e6 + 1,), "Poisson"),
        (g8, (1e8, 1.0), (1e8 + 1, 1.0), "Gamma"),
    ]:
        assert float(got) == pytest.approx(reference(fam, p, q), rel=RTOL, abs=0)
    # "truth 5.0e-9": psi'(1e8) / 2 = 5.0e-9 to leading order in 1 / a
    assert float(g8) == pytest.approx(5.0e-9, rel=1e-8)


@pytest.mark.parametrize(
    "family",
    [
        "Normal",
        "Gamma",
        "Beta",
        "Dirichlet",
        "VonMises",
        "Weibull",
        "Poisson",
        "MultivariateNormal",
    ],
)
def test_backends_agree_near_equal(xp: ModuleType, family: str) -> None:
    # same formulas on every backend (torch's own lgamma/digamma/i0e, array_api_strict's NumPy
    # round trip): within the same tolerance of the reference
    for p, q, label in CASES[family][:: max(1, len(CASES[family]) // 12)]:
        got = kl(family, p, q, xp)
        ref = reference(family, p, q)
        assert abs(got - ref) <= _rtol(family) * ref, (label, got, ref)


GRAD_CASES = {
    "Normal": (0.5, 2.0),
    "LogNormal": (0.5, 2.0),
    "HalfNormal": (2.0,),
    "Rayleigh": (2.0,),
    "Exponential": (2.0,),
    "Gamma": (1.5, 2.0),
    "Chi2": (3.0,),
    "Beta": (1.5, 3.0),
    "Laplace": (0.5, 2.0),
    "Cauchy": (0.5, 2.0),
    "Gumbel": (0.5, 2.0),
    "Weibull": (1.5, 2.0),
    "VonMises": (1.5, 0.3),
    "Bernoulli": (0.3,),
    "Geometric": (0.3,),
    "Poisson": (3.0,),
}


@pytest.mark.parametrize("family", sorted(GRAD_CASES))
def test_torch_gradient_at_p_equal_q_is_zero_and_finite(family: str) -> None:
    # KL(p ‖ q) is smallest at p == q: its gradient in p's parameters is 0 there, and the
    # branches of the stable formulas that are not taken must not leak NaN (double where)
    torch = pytest.importorskip("torch")
    args = GRAD_CASES[family]
    leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in args]
    cls = getattr(il, family)
    out = il.kl_divergence(
        cls(*leaves), cls(*[torch.tensor(a, dtype=torch.float64) for a in args])
    )
    assert float(out.detach()) == 0.0
    grads = torch.autograd.grad(out, leaves)
    for g in grads:
        assert bool(torch.isfinite(g)), (family, grads)
        assert abs(float(g)) < 1e-12, (family, grads)
    # and near p == q: the stable formula's value (and a finite gradient), as on NumPy
    near = [torch.tensor(a * (1 + 1e-7), dtype=torch.float64) for a in args]
    out = il.kl_divergence(cls(*leaves), cls(*near))
    ref = kl(family, args, tuple(a * (1 + 1e-7) for a in args))
    assert float(out.detach()) == pytest.approx(ref, rel=_rtol(family), abs=0)
    assert all(bool(torch.isfinite(g).all()) for g in torch.autograd.grad(out, leaves))


@pytest.mark.parametrize("kind", ["cov", "scale_tril"])
def test_torch_gradient_multivariate_normal_at_p_equal_q(kind: str) -> None:
    torch = pytest.importorskip("torch")
    mat = _COV if kind == "cov" else np.linalg.cholesky(_COV)
    leaf = torch.tensor(mat, requires_grad=True)
    mean = torch.zeros(3, dtype=torch.float64)
    p = il.MultivariateNormal(mean, **{kind: leaf})
    out = il.kl_divergence(p, il.MultivariateNormal(mean, **{kind: torch.tensor(mat)}))
    assert float(out.detach()) == 0.0
    (g,) = torch.autograd.grad(out, leaf)
    assert bool(torch.isfinite(g).all())
    assert float(g.abs().max()) < 1e-12


# --------------------------------------------------------------------- the helpers themselves
def _pairs(rng: np.random.Generator, lo: float, hi: float) -> list[tuple[float, float]]:
    """``(x, y)``: x log-uniform on [10^lo, 10^hi], y at relative distances from 1e-14 to 1e3
    (both signs, down to y << x): every route of the helpers."""
    out = []
    for _ in range(150):
        x = float(10 ** rng.uniform(lo, hi))
        kind = rng.integers(3)
        if kind == 0:
            y = x * (1 + float(10 ** rng.uniform(-14, -0.5)) * float(rng.choice([-1, 1])))
        elif kind == 1:
            y = x * float(10 ** rng.uniform(-3, 3))
        else:
            y = x * float(rng.uniform(0.3, 2.0))
        if y != x and y > 0:
            out.append((x, y))
    return out


def _lgamma_div(x: Any, y: Any) -> Any:
    return mp.loggamma(y) - mp.loggamma(x) - (y - x) * mp.digamma(x)


def _i0_div(k: Any, y: Any) -> Any:
    a = mp.besseli(1, k) / mp.besseli(0, k)
    return mp.log(mp.besseli(0, y) / mp.besseli(0, k)) - (y - k) * a


def _helper_cases() -> list[Any]:
    from infoloss.distributions import _bregman as br
    from infoloss.distributions import _elementary as st

    rng = np.random.default_rng(20240611)
    near0 = 10.0 ** rng.uniform(-15, 0, 50)
    singles = [(float(v),) for v in np.concatenate([rng.uniform(-0.99, 3, 150), near0, -near0])]
    # name, helper, mpmath reference, points, tolerance in ulps: about 5 times the worst seen
    # in a wider sweep (1.6, 1.6, 1.0, 3.9, 6.8, 173 for far-apart x and y only), 3 times for
    # log_i0_bregman (2900, for 3 < k < 30 only; VON_MISES_RTOL)
    return [
        ("log1pmx", st.log1pmx, lambda x: mp.log1p(x) - x, singles, 8),
        ("expm1mx", st.expm1mx, lambda x: mp.expm1(x) - x, singles, 8),
        ("log_ratio", st.log_ratio, lambda x, y: mp.log(x / y), _pairs(rng, -300, 300), 8),
        ("kl_div", st.kl_div, lambda x, y: x * mp.log(x / y) - x + y, _pairs(rng, -200, 200), 16),
        ("lgamma_bregman", br.lgamma_bregman, _lgamma_div, _pairs(rng, -5, 9), 32),
        (
            "lgamma_bregman_rest",
            br.lgamma_bregman_rest,
            lambda x, y: _lgamma_div(x, y) - (y * mp.log(y / x) - y + x),
            _pairs(rng, -5, 9),
            1000,
        ),
        ("log_i0_bregman", br.log_i0_bregman, _i0_div, _pairs(rng, -6, 6), 9000),
    ]


@pytest.mark.parametrize("case", _helper_cases(), ids=lambda c: c[0])
def test_stable_helpers_match_mpmath(case: Any) -> None:
    # the accuracy claims of `distributions/_elementary.py`, on points spread over every route
    name, fn, ref, points, ulps = case
    eps = float(np.finfo(float).eps)
    bad = []
    for args in points:
        got = float(fn(*(np.float64(a) for a in args), np))
        with mp.workdps(50):
            want = float(ref(*(mp.mpf(a) for a in args)))
        if not abs(got - want) <= ulps * eps * abs(want):
            bad.append(
                f"{args}: {got!r} vs {want!r} ({abs(got - want) / abs(want) / eps:.0f} ulps)"
            )
    assert not bad, f"{name}: " + "; ".join(bad[:5])


# ------------------------------------------------------ mixed batches: textbook and patched
# Far-apart pairs beside each family's near-equal cases (and P == Q): in one batch the textbook
# value is kept for some elements and recomputed (gathered, stable formula, scattered back) for the
# others. Each element must be the value of its pair alone (the same formulas, so within the
# tolerance of the references; the far pairs include supports' edges: 0 log 0, +inf).
FAR: dict[str, list[Case]] = {
    "Normal": [((0.5, 2.0), (1.5, 1.0), "far"), ((-3.0, 0.1), (2.0, 5.0), "far 2")],
    "LogNormal": [((0.5, 2.0), (1.0, 5.0), "far"), ((2.0, 1e-3), (0.1, 1e3), "far 2")],
    "HalfNormal": [((2.0,), (0.7,), "far"), ((1.0,), (30.0,), "far 2")],
    "Rayleigh": [((2.0,), (0.7,), "far"), ((1.0,), (30.0,), "far 2")],
    "Exponential": [((2.0,), (0.7,), "far"), ((1e-3,), (5.0,), "far 2")],
    "Gamma": [((1.5, 2.0), (4.0, 0.7), "far"), ((0.3, 1.0), (30.0, 0.05), "far 2")],
    "Chi2": [((3.0,), (7.0,), "far"), ((0.5,), (20.0,), "far 2")],
    "Beta": [((1.5, 3.0), (4.0, 0.7), "far"), ((0.3, 0.5), (20.0, 9.0), "far 2")],
    "Dirichlet": [(([1.0, 2.0, 0.5],), ([3.0, 0.5, 0.5],), "far")],
    "Uniform": [((0.0, 1.0), (-1.0, 3.0), "far"), ((0.0, 1.0), (0.5, 3.0), "outside")],
    "Laplace": [((0.5, 2.0), (1.5, 1.0), "far"), ((-3.0, 0.1), (2.0, 5.0), "far 2")],
    "Cauchy": [((0.5, 2.0), (1.5, 1.0), "far")],
    "Gumbel": [((0.5, 2.0), (1.5, 1.0), "far"), ((-3.0, 0.1), (2.0, 5.0), "far 2")],
    "Weibull": [((1.5, 2.0), (4.0, 0.7), "far"), ((0.5, 3.0), (2.5, 1.0), "far 2")],
    "Pareto": [((2.0, 3.0), (1.0, 1.0), "far"), ((2.0, 1.0), (1.0, 3.0), "outside")],
    "VonMises": [((1.5, 0.3), (4.0, -1.0), "far"), ((50.0, 0.0), (0.5, 2.0), "far 2")],
    "Poisson": [((3.0,), (7.0,), "far"), ((0.0,), (2.0,), "mu_p = 0")],
    "Bernoulli": [((0.3,), (0.8,), "far"), ((0.0,), (0.4,), "p = 0"), ((0.4,), (1.0,), "inf")],
    "Geometric": [((0.3,), (0.8,), "far"), ((1.0,), (0.4,), "p = 1")],
    "Binomial": [((10.0, 0.3), (10.0, 0.8), "far")],
    "NegativeBinomial": [((3.0, 0.4), (3.0, 0.9), "far")],
    "Multinomial": [
        ((10.0, [0.25, 0.25, 0.5]), (10.0, [0.5, 0.25, 0.25]), "far"),
        ((10.0, [0.0, 0.5, 0.5]), (10.0, [0.2, 0.3, 0.5]), "p_i = 0"),
    ],
}


def _mixed(family: str) -> list[Case]:
    """Near-equal cases (same n where n is a parameter), far-apart ones and P == Q."""
    near = [c for c in CASES[family] if "differ" not in c[2]]
    return [*near, *FAR[family], (near[0][0], near[0][0], "p == q")]


def _singles(family: str, cases: list[Case]) -> np.ndarray:
    return np.array([kl(family, p, q) for p, q, _ in cases])


def _check_elementwise(family: str, got: Any, want: np.ndarray) -> None:
    got = to_numpy(got)
    assert got.shape == want.shape
    np.testing.assert_array_equal(np.isfinite(got), np.isfinite(want))
    fin = np.isfinite(want)
    np.testing.assert_allclose(got[fin], want[fin], rtol=_rtol(family), atol=0)
    assert not np.any(np.signbit(got[want == 0])), "-0.0 where the pair alone gives +0.0"


@pytest.mark.parametrize("family", sorted(FAR))
def test_mixed_batch_matches_single_pairs(family: str) -> None:
    # tiled past two blocks of the NumPy textbook pass, so blocks, gathers, the refined and the
    # stable routes all meet in one call
    from infoloss.distributions import _stable

    cases = _mixed(family)
    reps = 2 * _stable._BLOCK // len(cases) + 1
    p = build(family, tuple(np.concatenate([a] * reps) for a in _stack(cases, 0)))
    q = build(family, tuple(np.concatenate([a] * reps) for a in _stack(cases, 1)))
    want = np.tile(_singles(family, cases), reps)
    _check_elementwise(family, il.kl_divergence(p, q), want)


@pytest.mark.parametrize("family", ["Normal", "Gamma", "Beta", "Poisson", "Bernoulli", "Weibull"])
def test_mixed_batch_broadcasts_before_gathering(family: str) -> None:
    # P's parameters along axis 0 and Q's along axis 1: the cancelled elements of the (m, k)
    # batch gather each parameter at its broadcast position
    cases = _mixed(family)[::3]
    p = build(family, tuple(a[:, None] for a in _stack(cases, 0)))
    q = build(family, tuple(a[None, :] for a in _stack(cases, 1)))
    want = np.array([[kl(family, a, b) for _, b, _ in cases] for a, _, _ in cases])
    _check_elementwise(family, il.kl_divergence(p, q), want)


def test_mixed_batch_on_every_backend(xp: ModuleType) -> None:
    # NumPy and PyTorch on the CPU gather the cancelled elements; array_api_strict and JAX take
    # the `where` over the whole arrays: the same values element by element either way (JAX:
    # three families, its eager dispatch of every operation being slow)
    families = ["Normal", "Gamma", "Beta", "Dirichlet", "Poisson", "Bernoulli", "VonMises"]
    if xp.__name__.startswith("jax"):
        families = ["Normal", "Gamma", "Bernoulli"]
    for family in families:
        cases = _mixed(family)
        p, q = build(family, _stack(cases, 0), xp), build(family, _stack(cases, 1), xp)
        _check_elementwise(family, il.kl_divergence(p, q), _singles(family, cases))


TORCH_MIXED = ["Beta", "Exponential", "Gamma", "Gumbel", "Laplace", "Normal", "VonMises"]
TORCH_MIXED += ["Weibull", "Poisson", "Bernoulli", "Geometric", "Dirichlet"]


@pytest.mark.parametrize("family", TORCH_MIXED)
def test_torch_mixed_batch_values_and_gradients(family: str) -> None:
    # the scatter back is out of place and differentiable: each element's gradient is that of
    # its pair alone, finite also where the textbook formula has none (0 log 0) or cancelled
    torch = pytest.importorskip("torch")
    cases = _mixed(family)
    leaves = [torch.tensor(a, requires_grad=True) for a in _stack(cases, 0)]
    q = build(family, _stack(cases, 1), torch)
    out = il.kl_divergence(build_from(family, leaves), q)
    _check_elementwise(family, out, _singles(family, cases))
    grads = torch.autograd.grad(out.sum(), leaves)
    for i, (a, b, label) in enumerate(cases):
        one = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in a]
        alone = il.kl_divergence(build_from(family, one), build(family, b, torch))
        for g, g1 in zip(grads, torch.autograd.grad(alone, one), strict=True):
            assert bool(torch.isfinite(g[i]).all()), (label, g[i])
            np.testing.assert_allclose(to_numpy(g[i]), to_numpy(g1), rtol=1e-9, atol=1e-300)


def build_from(name: str, arrays: list[Any]) -> Any:
    """``name(*arrays)`` for arrays that are already tensors (leaves of an autograd graph)."""
    return getattr(il, name)(*arrays)


# Categorical's KL is the sum over probability vectors, sum p (log p - log q) (the fast NumPy
# kernels and `infoloss.discrete._formulas`), not a closed form in parameters. Each term carries
# the rounding of p_i / q_i, up to eps/2 relative, i.e. eps/2 absolute in its log, times p_i: the
# sum is exact to eps/2 absolute, plus its own rounding (eps times the sum of |terms|, which
# are of first order in p - q). That is the library's promise for probability vectors, and
# also how well floating-point vectors sum to 1: near p == q a KL below ~eps is not determined
# by the inputs (here they sum to 1 exactly, so the reference is defined; the promise is not
# tighter for that). Relative accuracy holds while the KL is well above eps.
@pytest.mark.parametrize("rel", RELS)
def test_categorical_near_equal(rel: float) -> None:
    (p, q, _) = next(c for c in CASES["Categorical"] if c[2] == f"rel={rel:g}")
    ref = reference("Categorical", p, q)
    terms = sum(abs(a * math.log(a / b)) for a, b in zip(p[0], q[0], strict=True))
    floor = EPS / 2 + EPS * terms
    assert kl("Categorical", p, q) == pytest.approx(ref, rel=RTOL, abs=floor)


# float32: where a textbook value is kept it has lost at most 3 bits (TAU_FLOAT32 = 1/8) on
# top of its terms' few ulps, g * u / TAU = 8 * 2^-24 * 8 = 64 ulps of float32; the stable
# routes are a few ulps. Checked on the cases whose parameters are of order one (1/20..20),
# where float32 holds the parameter differences (a 1e-10 move rounds away) and its special
# functions keep their relative accuracy; the reference is taken at the float32 parameters.
# VonMises's stable route loses a factor up to 2 kappa twice, whatever the dtype: up to 2900
# ulps measured in float64 (see the module's docstring), so 3000 float32 ulps is its bound.
# The Binomial / NegativeBinomial pairs with different n are sums over the support of
# `log_prob`, not closed forms: left to their float64 checks.
U32 = float(np.finfo(np.float32).eps) / 2
ULPS32 = {"VonMises": 3000}


def _order_one(case: Case) -> bool:
    values = [np.ravel(np.asarray(a, dtype=float)) for a in (*case[0], *case[1])]
    flat = np.abs(np.concatenate(values))
    return bool(np.all((flat >= 0.05) & (flat <= 20.0)))


def _as_float32(args: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(np.asarray(a, dtype=np.float32).astype(float).tolist() for a in args)


@pytest.mark.parametrize("family", BATCHED)
def test_float32_near_equal_within_the_textbook_bound(family: str) -> None:
    bad, n = [], 0
    for p, q, label in CASES[family]:
        p32, q32 = _as_float32(p), _as_float32(q)
        if not _order_one((p, q, label)) or p32 == q32 or "differ" in label:
            continue
        n += 1
        ref = reference(family, p32, q32)
        P, Q = (getattr(il, family)(*[np.asarray(a, np.float32) for a in x]) for x in (p32, q32))
        got = np.asarray(il.kl_divergence(P, Q))
        if (
            got.dtype != np.float32
            or not abs(float(got) - ref) <= ULPS32.get(family, 64) * U32 * ref
        ):
            bad.append(f"{label}: got {got!r} ({got.dtype}), mpmath {ref!r}")
    assert not bad, f"{family}: {len(bad)} of {n} cases off:\n" + "\n".join(bad)


@pytest.mark.parametrize(
    ("family", "p", "q"),
    [
        ("Normal", lambda d: (0.0, 1.0), lambda d: (0.0, 1.0 + d)),
        ("Gamma", lambda d: (2.0, 1.0), lambda d: (2.0 + d, 1.0)),
        ("Poisson", lambda d: (3.0,), lambda d: (3.0 * (1.0 + d),)),
        ("Laplace", lambda d: (0.0, 1.0), lambda d: (0.0, 1.0 + d)),
    ],
    ids=["Normal", "Gamma", "Poisson", "Laplace"],
)
@pytest.mark.parametrize("lib", ["numpy", "array_api_strict"])
def test_float32_moderate_differences_within_the_textbook_bound(
    family: str,
    p: Callable[[float], tuple[float, ...]],
    q: Callable[[float], tuple[float, ...]],
    lib: str,
) -> None:
    # moderate differences, where the textbook terms cancel by 3 to 8 bits: kept with float64's
    # TAU they would be off by up to 2^11 float32 ulps. NumPy (like PyTorch on the CPU)
    # evaluates float32 in float64; array_api_strict (like accelerators) stays in float32,
    # where TAU_FLOAT32 sends these elements to the stable route
    xp = pytest.importorskip(lib)
    bad = []
    for d in np.geomspace(0.02, 0.6, 40):
        p32, q32 = _as_float32(p(float(d))), _as_float32(q(float(d)))
        ref = reference(family, p32, q32)
        P, Q = (getattr(il, family)(*[to_xp(xp, a, "float32") for a in x]) for x in (p32, q32))
        out = il.kl_divergence(P, Q)
        assert out.dtype == xp.float32
        got = float(to_numpy(out))
        if not abs(got - ref) <= 64 * U32 * ref:
            bad.append(f"d={d:.3g}: {got!r} vs {ref!r} ({abs(got / ref - 1) / U32:.0f} ulps)")
    assert not bad, f"{family}: " + "; ".join(bad[:4])
