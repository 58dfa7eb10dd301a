"""Discrete families: Bernoulli, Binomial, Geometric, Poisson, NegativeBinomial, Multinomial.

References: SciPy's ``logpmf`` and ``.entropy()``, exact summation over the support with
SciPy's ``logpmf`` (the tail left out below 1e-16), and ``torch.distributions``.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from scipy import special, stats
from tests.conftest import to_numpy, to_xp

from infoloss import cross_entropy, entropy, kl_divergence
from infoloss.distributions._discrete_families import (
    Bernoulli,
    Binomial,
    Geometric,
    Multinomial,
    NegativeBinomial,
    Poisson,
)

RTOL = 1e-10  # exact sums in float64 against exact sums / closed forms in float64
EPS = np.finfo(float).eps

# (our class, SciPy distribution, parameter sets as SciPy shape arguments)
FAMILIES: list[tuple[Any, Any, list[tuple[float, ...]]]] = [
    (Bernoulli, stats.bernoulli, [(0.0,), (0.3,), (0.999,), (1.0,)]),
    (Binomial, stats.binom, [(0, 0.4), (10, 0.3), (25, 0.0), (25, 1.0), (200, 0.01)]),
    (Geometric, stats.geom, [(0.2,), (0.9,), (1.0,), (0.01,)]),
    (Poisson, stats.poisson, [(0.0,), (1e-3,), (3.0,), (40.0,)]),
    (NegativeBinomial, stats.nbinom, [(3, 0.4), (0.5, 0.7), (10.0, 1.0), (2.5, 0.05)]),
]
CASES = [(cls, dist, args) for cls, dist, sets in FAMILIES for args in sets]
IDS = [f"{cls.__name__}{args}" for cls, _, args in CASES]


def _support(dist: Any, args: tuple[float, ...]) -> np.ndarray:
    """Integer points holding all but < 1e-18 of the mass (bounded supports: all of it)."""
    lo, top = dist.support(*args)
    if not np.isfinite(top):  # double until the tail is below 1e-18
        top = lo
        while dist.sf(top, *args) > 1e-18:
            top = 2 * top + 10
    return np.arange(lo, top + 1)


def _ref_sum(fn: Any, dist: Any, args: tuple[float, ...]) -> float:
    """sum over the support of p(x) fn(x) (terms with p(x) = 0 dropped)."""
    with np.errstate(divide="ignore"):  # SciPy's geom(1) takes log1p(-1)
        x = _support(dist, args)
        lp = dist.logpmf(x, *args)
    keep = lp > -np.inf
    return float(np.sum(np.exp(lp[keep]) * fn(x[keep])))


def _ref_kl(p: tuple[Any, tuple[float, ...]], q: tuple[Any, tuple[float, ...]]) -> float:
    (dp, ap), (dq, aq) = p, q
    return _ref_sum(lambda x: dp.logpmf(x, *ap) - dq.logpmf(x, *aq), dp, ap)


# ---------------------------------------------------------------------- log_prob and entropy
@pytest.mark.parametrize(("cls", "dist", "args"), CASES, ids=IDS)
def test_log_prob_matches_scipy(cls: Any, dist: Any, args: tuple[float, ...]) -> None:
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0, 3.0, 7.0, 24.0, 25.0, 26.0, 150.0])
    ours = to_numpy(cls(*args).log_prob(x))
    np.testing.assert_allclose(ours, dist.logpmf(x, *args), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("cls", "dist", "args"), CASES, ids=IDS)
def test_entropy_matches_scipy_and_sum(cls: Any, dist: Any, args: tuple[float, ...]) -> None:
    ours = float(entropy(cls(*args)))
    ref = _ref_sum(lambda x: -dist.logpmf(x, *args), dist, args)
    np.testing.assert_allclose(ours, ref, rtol=RTOL, atol=1e-15)
    if not (cls is Geometric and args == (1.0,)):  # SciPy gives NaN for geom(1)
        np.testing.assert_allclose(ours, dist.entropy(*args), rtol=1e-8, atol=1e-14)


def test_entropy_where_scipy_is_inaccurate() -> None:
    # SciPy's generic sum stops early for a wide Poisson and a heavy-tailed NegativeBinomial;
    # references: the normal-approximation series of the Poisson entropy and a long exact sum
    mu = 1e6
    series = 0.5 * math.log(2 * math.pi * math.e * mu) - 1 / (12 * mu) - 1 / (24 * mu**2)
    # the log mass x log mu - mu - log x! cancels terms of size ~1e7: each of the three (and
    # their sum) rounds by up to an ulp, errors the p-weighted sum keeps (log mu's own rounding,
    # SIMD or libm, moves every term alike): atol 4 eps S, S the terms' size at x = mu (2.4e-8)
    scale = mu * math.log(mu) + mu + float(special.gammaln(mu + 1))
    atol = 4 * EPS * scale
    np.testing.assert_allclose(float(Poisson(mu).entropy()), series, rtol=0, atol=atol)
    x = np.arange(200_000)
    lp = stats.nbinom.logpmf(x, 0.01, 0.01)
    ref = -np.sum(np.exp(lp) * lp)
    np.testing.assert_allclose(float(NegativeBinomial(0.01, 0.01).entropy()), ref, rtol=1e-12)


@pytest.mark.parametrize(("cls", "dist", "args"), CASES, ids=IDS)
def test_mean_variance(cls: Any, dist: Any, args: tuple[float, ...]) -> None:
    d = cls(*args)
    with np.errstate(all="ignore"):  # SciPy's geom(1) divides by 0 in its skewness
        m, v = dist.stats(*args, moments="mv")
    np.testing.assert_allclose(to_numpy(d.mean), m, rtol=1e-12)
    np.testing.assert_allclose(to_numpy(d.variance), v, rtol=1e-12, atol=1e-300)


def test_backends(xp: Any) -> None:
    # log_prob and the summed entropies in every array library, against NumPy (JAX compiles
    # every eager operation on first use: two families there keep the test fast)
    families = FAMILIES[2:4] if "jax" in xp.__name__ else FAMILIES
    for cls, _, sets in families:
        args = np.array(sets, dtype=np.float64).T
        d = cls(*(to_xp(xp, a) for a in args))
        ref = cls(*args)
        np.testing.assert_allclose(to_numpy(d.entropy()), ref.entropy(), rtol=1e-12)
        x = to_xp(xp, np.array([0.0, 1.0, 2.0, 3.0])[:, None])
        np.testing.assert_allclose(
            to_numpy(d.log_prob(x)), ref.log_prob(np.array([0.0, 1.0, 2.0, 3.0])[:, None])
        )
    if "jax" in xp.__name__:
        return
    m = Multinomial(to_xp(xp, [4.0, 6.0]), to_xp(xp, [[0.2, 0.8], [0.5, 0.5]]))
    ref_h = stats.multinomial([4, 6], [[0.2, 0.8], [0.5, 0.5]]).entropy()
    np.testing.assert_allclose(to_numpy(m.entropy()), ref_h, rtol=1e-12)


# ----------------------------------------------------------------------------------------- KL
SAME = [
    (Bernoulli, stats.bernoulli, (0.3,), (0.6,)),
    (Bernoulli, stats.bernoulli, (0.0,), (0.6,)),
    (Bernoulli, stats.bernoulli, (1.0,), (0.2,)),
    (Bernoulli, stats.bernoulli, (0.4,), (0.0,)),
    (Binomial, stats.binom, (10, 0.3), (10, 0.7)),
    (Binomial, stats.binom, (10, 0.3), (14, 0.5)),
    (Binomial, stats.binom, (14, 0.3), (10, 0.5)),
    (Binomial, stats.binom, (14, 0.0), (10, 0.5)),
    (Binomial, stats.binom, (3, 1.0), (10, 0.5)),
    (Geometric, stats.geom, (0.2,), (0.5,)),
    (Geometric, stats.geom, (1.0,), (0.5,)),
    (Geometric, stats.geom, (0.3,), (1.0,)),
    (Poisson, stats.poisson, (3.0,), (5.0,)),
    (Poisson, stats.poisson, (0.0,), (5.0,)),
    (Poisson, stats.poisson, (2.0,), (0.0,)),
    (NegativeBinomial, stats.nbinom, (3, 0.4), (3, 0.6)),
    (NegativeBinomial, stats.nbinom, (3, 0.4), (5.5, 0.6)),
    (NegativeBinomial, stats.nbinom, (0.5, 0.3), (2, 0.2)),
    (NegativeBinomial, stats.nbinom, (2, 0.3), (2, 1.0)),
    (NegativeBinomial, stats.nbinom, (2, 0.3), (4, 1.0)),
]


@pytest.mark.parametrize(
    ("cls", "dist", "a", "b"), SAME, ids=[f"{c.__name__}{a}{b}" for c, _, a, b in SAME]
)
def test_kl_same_family_vs_sum(cls: Any, dist: Any, a: tuple[float, ...], b: Any) -> None:
    ours = float(kl_divergence(cls(*a), cls(*b)))
    np.testing.assert_allclose(ours, _ref_kl((dist, a), (dist, b)), rtol=RTOL, atol=1e-14)


_BERN, _BIN, _GEO = stats.bernoulli, stats.binom, stats.geom
_POI, _NB = stats.poisson, stats.nbinom
CROSS = [
    (Bernoulli(0.3), Poisson(0.8), (_BERN, (0.3,)), (_POI, (0.8,))),
    (Bernoulli(1.0), Poisson(0.8), (_BERN, (1.0,)), (_POI, (0.8,))),
    (Bernoulli(0.3), Poisson(0.0), (_BERN, (0.3,)), (_POI, (0.0,))),
    (Binomial(12, 0.3), Poisson(3.0), (_BIN, (12, 0.3)), (_POI, (3.0,))),
    (Binomial(12, 0.3), Poisson(0.0), (_BIN, (12, 0.3)), (_POI, (0.0,))),
    (Binomial(12, 0.0), Poisson(0.0), (_BIN, (12, 0.0)), (_POI, (0.0,))),
    (Geometric(0.3), Poisson(2.0), (_GEO, (0.3,)), (_POI, (2.0,))),
    (Geometric(0.3), Poisson(0.0), (_GEO, (0.3,)), (_POI, (0.0,))),
    (Bernoulli(0.3), Binomial(4, 0.2), (_BERN, (0.3,)), (_BIN, (4, 0.2))),
    (Binomial(1, 0.3), Bernoulli(0.2), (_BIN, (1, 0.3)), (_BERN, (0.2,))),
    (Binomial(3, 0.3), Bernoulli(0.2), (_BIN, (3, 0.3)), (_BERN, (0.2,))),
    (Poisson(2.0), Bernoulli(0.4), (_POI, (2.0,)), (_BERN, (0.4,))),
    (Poisson(0.0), Bernoulli(0.4), (_POI, (0.0,)), (_BERN, (0.4,))),
    (Poisson(2.0), Binomial(5, 0.4), (_POI, (2.0,)), (_BIN, (5, 0.4))),
    (Poisson(0.0), Binomial(5, 0.4), (_POI, (0.0,)), (_BIN, (5, 0.4))),
    (NegativeBinomial(2, 0.5), Bernoulli(0.4), (_NB, (2, 0.5)), (_BERN, (0.4,))),
    (NegativeBinomial(2, 1.0), Binomial(5, 0.4), (_NB, (2, 1.0)), (_BIN, (5, 0.4))),
    (Geometric(0.5), Bernoulli(0.4), (_GEO, (0.5,)), (_BERN, (0.4,))),
    (Geometric(1.0), Bernoulli(0.4), (_GEO, (1.0,)), (_BERN, (0.4,))),
    (Geometric(1.0), Binomial(5, 0.4), (_GEO, (1.0,)), (_BIN, (5, 0.4))),
    (Bernoulli(0.5), Geometric(0.4), (_BERN, (0.5,)), (_GEO, (0.4,))),
    (Bernoulli(1.0), Geometric(0.4), (_BERN, (1.0,)), (_GEO, (0.4,))),
    (Binomial(4, 1.0), Geometric(0.4), (_BIN, (4, 1.0)), (_GEO, (0.4,))),
    (Binomial(4, 0.5), Geometric(0.4), (_BIN, (4, 0.5)), (_GEO, (0.4,))),
    (Poisson(2.0), Geometric(0.4), (_POI, (2.0,)), (_GEO, (0.4,))),
    (NegativeBinomial(2, 0.5), Geometric(0.4), (_NB, (2, 0.5)), (_GEO, (0.4,))),
]


@pytest.mark.parametrize(("P", "Q", "sp", "sq"), CROSS, ids=[f"{c[0]}-{c[1]}" for c in CROSS])
def test_kl_cross_family_vs_sum(P: Any, Q: Any, sp: Any, sq: Any) -> None:
    ours = float(kl_divergence(P, Q))
    np.testing.assert_allclose(ours, _ref_kl(sp, sq), rtol=RTOL, atol=1e-14)


def test_kl_support_mismatch_caught_beyond_the_window() -> None:
    # P's mass above Q's n is ~1e-55 (below the summation window), yet KL is +inf
    assert float(kl_divergence(Binomial(100, 1e-5), Binomial(10, 0.5))) == math.inf
    assert float(kl_divergence(Multinomial(3, [0.5, 0.5]), Multinomial(4, [0.5, 0.5]))) == (
        math.inf
    )


def _torch_pairs() -> list[tuple[Any, Any, Any, Any]]:
    import torch.distributions as td

    t = np.array
    return [
        (Bernoulli, Bernoulli, td.Bernoulli, td.Bernoulli, [t([0.3, 0.9])], [t([0.6, 0.1])]),
        (Poisson, Poisson, td.Poisson, td.Poisson, [t([3.0, 0.5])], [t([5.0, 2.0])]),
        (Bernoulli, Poisson, td.Bernoulli, td.Poisson, [t([0.3, 0.9])], [t([5.0, 2.0])]),
        (Poisson, Bernoulli, td.Poisson, td.Bernoulli, [t([3.0, 0.5])], [t([0.6, 0.1])]),
        (Geometric, Geometric, td.Geometric, td.Geometric, [t([0.3, 0.9])], [t([0.6, 0.1])]),
        (
            Binomial,
            Binomial,
            lambda n, p: td.Binomial(n, probs=p),
            lambda n, p: td.Binomial(n, probs=p),
            [t([7.0, 7.0]), t([0.3, 0.9])],
            [t([7.0, 7.0]), t([0.6, 0.1])],
        ),
    ]  # type: ignore[return-value]


def test_kl_vs_torch_and_gradients() -> None:
    torch = pytest.importorskip("torch")
    for cp, cq, tp, tq, ap, aq in _torch_pairs():  # type: ignore[misc]
        tap = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in ap]
        taq = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in aq]
        ours = kl_divergence(cp(*tap), cq(*taq))
        ref = torch.distributions.kl_divergence(tp(*tap), tq(*taq))
        np.testing.assert_allclose(to_numpy(ours), to_numpy(ref), rtol=1e-12)
        if math.isfinite(float(ours.detach().sum())):
            ours.sum().backward()
            for a in (tap[-1], taq[-1]):  # p or mu (Binomial's integer n gets no gradient)
                assert a.grad is not None
                assert torch.all(torch.isfinite(a.grad))


def test_summed_entropy_gradients_torch() -> None:
    torch = pytest.importorskip("torch")
    mu = torch.tensor([0.5, 3.0], dtype=torch.float64, requires_grad=True)
    Poisson(mu).entropy().sum().backward()
    # dH/dmu = E[log X!]... checked against a central difference of SciPy's entropy
    fd = [
        (stats.poisson(m + 1e-6).entropy() - stats.poisson(m - 1e-6).entropy()) / 2e-6
        for m in (0.5, 3.0)
    ]
    assert mu.grad is not None
    np.testing.assert_allclose(mu.grad.numpy(), fd, rtol=1e-6)
    n = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    p = torch.tensor(0.4, dtype=torch.float64, requires_grad=True)
    kl_divergence(NegativeBinomial(n, p), NegativeBinomial(5.0, 0.5)).backward()
    assert n.grad is not None
    assert p.grad is not None
    assert math.isfinite(float(n.grad))
    assert math.isfinite(float(p.grad))


# --------------------------------------------------------------------------- cross-entropy
def test_cross_entropy_is_entropy_plus_kl() -> None:
    pairs = [
        (Poisson(3.0), Poisson(5.0), (_POI, (3.0,)), (_POI, (5.0,))),
        (Binomial(10, 0.3), Binomial(12, 0.6), (_BIN, (10, 0.3)), (_BIN, (12, 0.6))),
        (NegativeBinomial(3, 0.4), NegativeBinomial(3, 0.7), (_NB, (3, 0.4)), (_NB, (3, 0.7))),
        (Geometric(0.3), Poisson(2.0), (_GEO, (0.3,)), (_POI, (2.0,))),
    ]
    for P, Q, (dp, ap), (dq, aq) in pairs:
        ref = _ref_sum(lambda x, dq=dq, aq=aq: -dq.logpmf(x, *aq), dp, ap)
        np.testing.assert_allclose(float(cross_entropy(P, Q)), ref, rtol=RTOL)


# ----------------------------------------------------------------------------- batches
def test_batched_equals_loop() -> None:
    rng = np.random.default_rng(0)
    p1, p2 = rng.uniform(0.05, 0.95, (2, 3)), rng.uniform(0.05, 0.95, (3,))
    n1, n2 = rng.integers(1, 20, (2, 3)).astype(float), rng.integers(1, 20, (3,)).astype(float)
    mu1, mu2 = rng.uniform(0.1, 30, (2, 3)), rng.uniform(0.1, 30, (3,))
    cases = [
        (Bernoulli, (p1,), (p2,)),
        (Binomial, (n1, p1), (n2, p2)),
        (Binomial, (n1, p1), (n1[1], p2)),  # row 1: same n, row 0: mixed
        (Geometric, (p1,), (p2,)),
        (Poisson, (mu1,), (mu2,)),
        (NegativeBinomial, (n1, p1), (n2, p2)),
        (NegativeBinomial, (n1, p1), (n1[1], p2)),
    ]
    for cls, a, b in cases:
        kl = kl_divergence(cls(*a), cls(*b))
        h = cls(*a).entropy()
        assert kl.shape == h.shape == (2, 3)
        for i, j in itertools.product(range(2), range(3)):
            one_a = [x[i, j] for x in a]
            one_b = [x[j] for x in b]
            np.testing.assert_allclose(kl[i, j], kl_divergence(cls(*one_a), cls(*one_b)))
            # H sums p log p over a summation window: the batch's is as wide as its widest
            # member's (up to 1260 points, for the NegativeBinomials), a member's alone is
            # narrower and summed in another order; same-sign terms, so the two sums agree to
            # (number of terms) * eps relative
            np.testing.assert_allclose(h[i, j], cls(*one_a).entropy(), rtol=2000 * EPS)
    kl = kl_divergence(Binomial(n1, p1), Poisson(mu2))
    for i, j in itertools.product(range(2), range(3)):
        one = kl_divergence(Binomial(n1[i, j], p1[i, j]), Poisson(mu2[j]))
        np.testing.assert_allclose(kl[i, j], one, rtol=1e-13)


# --------------------------------------------------------------------------- Multinomial
def _compositions(n: int, k: int) -> np.ndarray:
    return np.array([c for c in itertools.product(range(n + 1), repeat=k) if sum(c) == n])


def test_multinomial() -> None:
    p, q = np.array([0.2, 0.3, 0.5]), np.array([0.6, 0.1, 0.3])
    d = Multinomial(6, p)
    assert d.event_shape == (3,)
    assert d.batch_shape == ()
    x = _compositions(6, 3)
    ref_lp = stats.multinomial(6, p).logpmf(x)
    np.testing.assert_allclose(d.log_prob(x), ref_lp, rtol=1e-12)
    assert d.log_prob([1.0, 1.0, 1.0]) == -np.inf  # sums to 3, not 6
    assert d.log_prob([7.0, -1.0, 0.0]) == -np.inf
    ref_h = -np.sum(np.exp(ref_lp) * ref_lp)
    np.testing.assert_allclose(float(entropy(d)), ref_h, rtol=RTOL)
    np.testing.assert_allclose(float(entropy(stats.multinomial(6, p))), ref_h, rtol=RTOL)
    ref_kl = np.sum(np.exp(ref_lp) * (ref_lp - stats.multinomial(6, q).logpmf(x)))
    np.testing.assert_allclose(float(kl_divergence(d, Multinomial(6, q))), ref_kl, rtol=RTOL)
    np.testing.assert_allclose(d.mean, 6 * p)
    np.testing.assert_allclose(d.variance, 6 * p * (1 - p))
    # batch: n (2,) against p (2, 3)
    b = Multinomial([3, 9], np.stack([p, q]))
    assert b.batch_shape == (2,)
    np.testing.assert_allclose(
        b.entropy(), [Multinomial(3, p).entropy(), Multinomial(9, q).entropy()], rtol=1e-14
    )
    s = b.sample(4000, rng=1)
    assert s.shape == (4000, 2, 3)
    assert np.all(s.sum(axis=-1) == [3, 9])
    se = np.sqrt(b.variance / 4000)  # within 5 standard errors
    assert np.all(np.abs(s.mean(axis=0) - b.mean) < 5 * se)
    with pytest.raises(ValueError, match="`p` of the two Multinomials"):
        kl_divergence(d, Multinomial(6, [0.5, 0.5]))
    with pytest.raises(ValueError, match="`p` of Multinomial must sum to 1"):
        Multinomial(3, [0.2, 0.2])


# -------------------------------------------------------------------- validation, sampling
@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: Bernoulli(1.2), "p"),
        (lambda: Binomial(3.5, 0.2), "n"),
        (lambda: Binomial(-1, 0.2), "n"),
        (lambda: Binomial(3, -0.2), "p"),
        (lambda: Geometric(0.0), "p"),
        (lambda: Poisson(-1.0), "mu"),
        (lambda: Poisson(np.inf), "mu"),
        (lambda: NegativeBinomial(0.0, 0.5), "n"),
        (lambda: NegativeBinomial(2.0, 0.0), "p"),
        (lambda: Multinomial(2.5, [0.5, 0.5]), "n"),
        (lambda: Multinomial(2, [1.5, -0.5]), "p"),
    ],
)
def test_validation(make: Any, name: str) -> None:
    with pytest.raises(ValueError, match=f"`{name}`"):
        make()


@pytest.mark.parametrize(("cls", "dist", "args"), CASES, ids=IDS)
def test_sample(cls: Any, dist: Any, args: tuple[float, ...]) -> None:
    # seeded and reproducible; the sample mean within 5 standard errors (sd / sqrt(n)) of the
    # mean, the sample variance within 5 standard errors (sqrt((mu4 - var^2) / n)) of var
    d, n = cls(*args), 20_000
    s = d.sample(n, rng=7)
    np.testing.assert_array_equal(s, d.sample(n, rng=7))
    assert np.all(dist.logpmf(s, *args) > -np.inf)  # draws lie in the support
    with np.errstate(all="ignore"):  # SciPy's skewness divides by 0 for point masses
        m, v, _, kurt = (float(t) for t in dist.stats(*args, moments="mvsk"))
    if v == 0:
        assert np.all(s == m)
        return
    assert abs(s.mean() - m) < 5 * math.sqrt(v / n)
    mu4 = (kurt + 3) * v * v
    assert abs(s.var(ddof=1) - v) < 5 * math.sqrt((mu4 - v * v) / n)


def test_sample_shape_batch() -> None:
    s = Poisson([[1.0, 2.0, 3.0]]).sample((5, 2), rng=0)
    assert s.shape == (5, 2, 1, 3)


# ------------------------------------------------------------------------------ SciPy input
def test_scipy_frozen_input() -> None:
    pairs = [
        (stats.binom(10, 0.3), stats.binom(n=10, p=0.6), Binomial(10, 0.3), Binomial(10, 0.6)),
        (stats.poisson(3), stats.poisson(mu=5), Poisson(3), Poisson(5)),
        (stats.bernoulli(0.3), stats.poisson(2.0), Bernoulli(0.3), Poisson(2.0)),
        (stats.geom(0.3), stats.geom(0.5), Geometric(0.3), Geometric(0.5)),
        (
            stats.nbinom(3, 0.4),
            stats.nbinom(3, 0.6),
            NegativeBinomial(3, 0.4),
            NegativeBinomial(3, 0.6),
        ),
    ]
    for sp, sq, P, Q in pairs:
        assert float(kl_divergence(sp, sq)) == float(kl_divergence(P, Q))
    with pytest.raises(ValueError, match="loc"):
        kl_divergence(stats.geom(0.3, loc=-1), stats.geom(0.5))


@pytest.mark.parametrize(("cls", "dist", "args"), CASES, ids=IDS)
def test_kl_self_is_zero(cls: Any, dist: Any, args: tuple[float, ...]) -> None:
    assert float(kl_divergence(cls(*args), cls(*args))) == pytest.approx(0.0, abs=1e-14)


def test_nan_parameters_give_nan() -> None:
    # with validate=False a NaN parameter gives NaN, also through the summation window
    assert np.isnan(Poisson([np.nan, 2.0], validate=False).entropy()[0])
    assert np.isnan(NegativeBinomial(2.0, np.nan, validate=False).entropy())
    assert np.isnan(Binomial(np.nan, 0.3, validate=False).entropy())
    assert np.isnan(kl_divergence(Binomial(np.nan, 0.3, validate=False), Binomial(5, 0.4)))
    assert np.isnan(Multinomial(3, [np.nan, 0.5], validate=False).entropy())
