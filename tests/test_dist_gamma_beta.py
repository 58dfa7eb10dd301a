"""Exponential, Gamma, Chi2, Beta, Uniform, Laplace and LogNormal: closed forms against references.

References: SciPy's own ``entropy`` / ``logpdf`` / moments, numerical integration of
p (log p - log q) with ``scipy.integrate.quad`` (SciPy's log densities, not ours), and
``torch.distributions.kl_divergence`` (float64) on the same parameters.
"""

from __future__ import annotations

import functools
import math
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats
from tests.conftest import to_numpy, to_xp

import infoloss as il
from infoloss.distributions._beta import Beta, Uniform
from infoloss.distributions._gamma import Chi2, Exponential, Gamma
from infoloss.distributions._laplace import Laplace, LogNormal

# SciPy's frozen distribution for the same arguments as infoloss's constructor
_SCIPY: dict[Any, Any] = {
    Exponential: lambda scale: stats.expon(scale=scale),
    Gamma: lambda a, scale=1.0: stats.gamma(a, scale=scale),
    Chi2: lambda df: stats.chi2(df),
    Beta: lambda a, b: stats.beta(a, b),
    Uniform: lambda loc, scale: stats.uniform(loc, scale),
    Laplace: lambda loc, scale: stats.laplace(loc, scale),
    LogNormal: lambda s, scale=1.0: stats.lognorm(s, scale=scale),
}
FAMILY_CASES: list[tuple[Any, tuple[float, ...]]] = [
    (Exponential, (1.0,)),
    (Exponential, (0.3,)),
    (Gamma, (0.5, 1.0)),
    (Gamma, (2.0, 3.0)),
    (Gamma, (7.5, 0.2)),
    (Chi2, (1.0,)),
    (Chi2, (10.5,)),
    (Beta, (0.5, 0.5)),
    (Beta, (2.0, 3.0)),
    (Beta, (1.0, 7.0)),
    (Uniform, (0.0, 1.0)),
    (Uniform, (-2.0, 0.5)),
    (Laplace, (0.0, 1.0)),
    (Laplace, (-1.5, 0.3)),
    (LogNormal, (0.5, 1.0)),
    (LogNormal, (1.2, 3.0)),
]

# Finite closed forms: (P family, P args, Q family, Q args)
KL_FINITE: list[tuple[Any, tuple[float, ...], Any, tuple[float, ...]]] = [
    (Exponential, (2.0,), Exponential, (0.7,)),
    (Gamma, (2.0, 3.0), Gamma, (3.0, 1.0)),
    (Gamma, (0.6, 1.5), Gamma, (4.0, 0.5)),
    (Chi2, (3.0,), Chi2, (5.5,)),
    (Exponential, (1.5,), Gamma, (2.5, 0.8)),
    (Gamma, (3.5, 0.7), Exponential, (2.0,)),
    (Chi2, (4.0,), Gamma, (1.5, 2.5)),
    (Gamma, (1.5, 2.5), Chi2, (2.0,)),
    (Exponential, (3.0,), Chi2, (2.5,)),
    (Chi2, (1.5,), Exponential, (0.5,)),
    (Beta, (2.0, 3.0), Beta, (0.5, 1.5)),
    (Beta, (0.7, 4.0), Beta, (3.0, 3.0)),
    (Uniform, (0.5, 2.0), Uniform, (-1.0, 5.0)),
    (Laplace, (0.0, 1.0), Laplace, (1.5, 2.0)),
    (Laplace, (-2.0, 3.0), Laplace, (1.0, 0.5)),
    (LogNormal, (0.5, 2.0), LogNormal, (1.2, 0.7)),
    (Beta, (2.0, 3.0), Uniform, (-0.5, 2.0)),
    (Uniform, (0.2, 0.5), Beta, (2.0, 0.7)),
    (Uniform, (0.0, 1.0), Beta, (0.5, 3.0)),
    (Uniform, (0.5, 2.0), Exponential, (1.5,)),
    (Uniform, (0.0, 3.0), Gamma, (2.5, 0.8)),
    (Uniform, (1.0, 2.0), Chi2, (3.0,)),
    (Beta, (2.0, 3.0), Exponential, (0.5,)),
    (Beta, (0.5, 2.0), Gamma, (0.7, 2.0)),
    (Beta, (3.0, 1.0), Chi2, (4.0,)),
    (LogNormal, (0.6, 1.5), Exponential, (2.0,)),
    (LogNormal, (0.4, 0.8), Gamma, (3.0, 0.5)),
    (LogNormal, (0.9, 2.0), Chi2, (3.0,)),
    (Exponential, (2.0,), LogNormal, (1.3, 1.0)),
    (Gamma, (3.0, 0.5), LogNormal, (0.8, 1.2)),
    (Chi2, (5.0,), LogNormal, (0.6, 4.0)),
    (Beta, (2.0, 5.0), LogNormal, (1.0, 0.3)),
    (Uniform, (0.0, 2.0), LogNormal, (0.7, 1.5)),
    (Uniform, (1.5, 0.5), LogNormal, (0.4, 2.5)),
    (Uniform, (-1.0, 3.0), Laplace, (0.5, 2.0)),
    (Uniform, (1.0, 3.0), Laplace, (-0.5, 0.7)),
    (Uniform, (-4.0, 1.0), Laplace, (0.0, 1.5)),
    (Exponential, (2.0,), Laplace, (1.0, 3.0)),
    (Exponential, (0.5,), Laplace, (-1.0, 0.8)),
]

# Support mismatch: (P family, P args, Q family, Q args), KL = +inf
KL_INFINITE: list[tuple[Any, tuple[float, ...], Any, tuple[float, ...]]] = [
    (Uniform, (0.0, 2.0), Uniform, (0.5, 3.0)),
    (Uniform, (0.0, 2.0), Uniform, (-1.0, 2.5)),
    (Beta, (2.0, 3.0), Uniform, (0.1, 2.0)),
    (Uniform, (-0.1, 0.5), Beta, (2.0, 2.0)),
    (Uniform, (0.5, 0.6), Beta, (2.0, 2.0)),
    (Uniform, (-1.0, 2.0), Exponential, (1.0,)),
    (Uniform, (-1.0, 2.0), Gamma, (2.0, 1.0)),
    (Uniform, (-1.0, 2.0), LogNormal, (1.0, 1.0)),
    (Exponential, (1.0,), Uniform, (0.0, 100.0)),
    (Gamma, (2.0, 1.0), Uniform, (0.0, 100.0)),
    (Chi2, (2.0,), Uniform, (0.0, 100.0)),
    (Exponential, (1.0,), Beta, (2.0, 2.0)),
    (Gamma, (2.0, 1.0), Beta, (2.0, 2.0)),
    (Chi2, (2.0,), Beta, (2.0, 2.0)),
    (Laplace, (0.0, 1.0), Exponential, (1.0,)),
    (Laplace, (0.0, 1.0), Gamma, (2.0, 1.0)),
    (Laplace, (0.0, 1.0), Chi2, (2.0,)),
    (Laplace, (0.0, 1.0), Beta, (2.0, 2.0)),
    (Laplace, (0.0, 1.0), Uniform, (-50.0, 100.0)),
    (Laplace, (0.0, 1.0), LogNormal, (1.0, 1.0)),
    (LogNormal, (1.0, 1.0), Beta, (2.0, 2.0)),
    (LogNormal, (1.0, 1.0), Uniform, (0.0, 100.0)),
]


def _ids(cases: list[Any]) -> list[str]:
    return [f"{p.__name__}{pa}-{q.__name__}{qa}" for p, pa, q, qa in cases]


def _logpdf(frozen: Any, x: float) -> float:
    """SciPy's logpdf; for laplace the textbook formula (SciPy's is log(pdf): -inf once the pdf
    underflows, e.g. stats.laplace(1, 0.5).logpdf(468.0) == -inf)."""
    if frozen.dist.name == "laplace":
        _, loc, scale = frozen.dist._parse_args(*frozen.args, **frozen.kwds)
        return -abs(x - loc) / scale - math.log(2 * scale)
    return float(frozen.logpdf(x))


def _quad_kl_ce(sp: Any, sq: Any) -> tuple[float, float]:
    """KL(P‖Q) = ∫ p (log p - log q) and H(P, Q) = -∫ p log q, by quadrature over P's support
    cut at P's median (more accurate on each side of a kink or peak)."""

    @functools.cache
    def logs(x: float) -> tuple[float, float]:  # both integrals share quad's nodes
        lp = float(sp.logpdf(x))
        return (lp, 0.0) if np.exp(lp) == 0 else (lp, _logpdf(sq, x))

    def kl(x: float) -> float:
        lp, lq = logs(x)
        return float(np.exp(lp) * (lp - lq)) if np.exp(lp) > 0 else 0.0

    def ce(x: float) -> float:
        lp, lq = logs(x)
        return float(-np.exp(lp) * lq) if np.exp(lp) > 0 else 0.0

    lo, hi = (float(t) for t in sp.support())
    m = float(sp.median())
    opts = {"epsabs": 1e-12, "epsrel": 1e-10, "limit": 200}
    out = [
        sum(integrate.quad(f, a, b, **opts)[0] for a, b in ((lo, m), (m, hi))) for f in (kl, ce)
    ]
    return out[0], out[1]


# ------------------------------------------------------------------------ entropy, log_prob
@pytest.mark.parametrize(
    ("fam", "args"), FAMILY_CASES, ids=[f"{f.__name__}{a}" for f, a in FAMILY_CASES]
)
def test_entropy_log_prob_and_moments_match_scipy(fam: Any, args: Any) -> None:
    d, s = fam(*args), _SCIPY[fam](*args)
    np.testing.assert_allclose(il.entropy(d), s.entropy(), rtol=1e-12, atol=1e-14)
    x = np.concatenate([s.ppf(np.linspace(0.01, 0.99, 23)), [-3.0, 0.0, 0.5, 1.0, 40.0]])
    np.testing.assert_allclose(d.log_prob(x), s.logpdf(x), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(d.mean, s.mean(), rtol=1e-13)
    np.testing.assert_allclose(d.variance, s.var(), rtol=1e-12)


def test_log_prob_at_the_support_edges_matches_scipy() -> None:
    # 0 log 0 = 0 where a shape is 1; +inf / -inf densities where it is below / above 1. The
    # finite values are -log B(a, b) (three lgamma here, SciPy's betaln there) or -log 2 (a log
    # each side, NumPy's or the libm's): equal to a few ulps, not bit for bit (infinities exactly)
    x = np.array([0.0, 1.0])
    for a, b in [(1.0, 1.0), (0.5, 1.0), (1.0, 3.0), (2.0, 0.5)]:
        np.testing.assert_allclose(
            Beta(a, b).log_prob(x), stats.beta(a, b).logpdf(x), rtol=8 * np.finfo(float).eps
        )
    for a in (0.5, 1.0, 2.0):
        np.testing.assert_allclose(
            Gamma(a, 2.0).log_prob(0.0),
            stats.gamma(a, scale=2).logpdf(0),
            rtol=4 * np.finfo(float).eps,
        )
    for df in (1.0, 2.0, 3.0):
        np.testing.assert_allclose(
            Chi2(df).log_prob(0.0), stats.chi2(df).logpdf(0.0), rtol=4 * np.finfo(float).eps
        )
    np.testing.assert_array_equal(LogNormal(1.0).log_prob([0.0, -1.0]), [-np.inf, -np.inf])


# ------------------------------------------------------------------------------------- KL
@pytest.mark.parametrize(("pf", "pa", "qf", "qa"), KL_FINITE, ids=_ids(KL_FINITE))
def test_kl_and_cross_entropy_against_quadrature(pf: Any, pa: Any, qf: Any, qa: Any) -> None:
    # rtol 1e-8: quad is asked for 1e-10 relative; the closed forms are exact up to rounding
    P, Q = pf(*pa), qf(*qa)
    kl_ref, ce_ref = _quad_kl_ce(_SCIPY[pf](*pa), _SCIPY[qf](*qa))
    assert (pf.__name__, qf.__name__) in il.kl_pairs()
    np.testing.assert_allclose(il.kl_divergence(P, Q), kl_ref, rtol=1e-8, atol=1e-11)
    np.testing.assert_allclose(il.cross_entropy(P, Q), ce_ref, rtol=1e-8, atol=1e-11)


@pytest.mark.parametrize(("pf", "pa", "qf", "qa"), KL_INFINITE, ids=_ids(KL_INFINITE))
def test_support_mismatch_gives_inf(pf: Any, pa: Any, qf: Any, qa: Any) -> None:
    kl = il.kl_divergence(pf(*pa), qf(*qa))
    assert float(kl) == np.inf
    # a batch keeps its shape
    batched = il.kl_divergence(pf(*(np.full(3, a) for a in pa)), qf(*qa))
    np.testing.assert_array_equal(batched, np.full(3, np.inf))


@pytest.mark.parametrize(
    ("fam", "args"),
    [
        (Exponential, (2.0,)),
        (Gamma, (0.7, 2.0)),
        (Chi2, (3.0,)),
        (Beta, (0.4, 2.0)),
        (Uniform, (-1.0, 2.0)),
        (Laplace, (1.0, 0.5)),
        (LogNormal, (0.8, 2.0)),
    ],
)
def test_kl_of_a_distribution_with_itself_is_zero(fam: Any, args: Any) -> None:
    assert float(il.kl_divergence(fam(*args), fam(*args))) == 0.0


def _torch_dist(fam: Any, args: tuple[Any, ...]) -> Any:
    import torch.distributions as td

    if fam is Exponential:
        return td.Exponential(1.0 / args[0])
    if fam is Gamma:
        return td.Gamma(args[0], 1.0 / args[1])
    if fam is Chi2:
        return td.Chi2(args[0])
    if fam is Beta:
        return td.Beta(args[0], args[1])
    if fam is Uniform:
        return td.Uniform(args[0], args[0] + args[1], validate_args=False)
    if fam is Laplace:
        return td.Laplace(args[0], args[1])
    assert fam is LogNormal
    return td.LogNormal(args[1].log(), args[0])


NOT_IN_TORCH = {
    (Uniform, Laplace),
    (Exponential, Laplace),
    *((LogNormal, f) for f in _SCIPY if f is not LogNormal),
    *((f, LogNormal) for f in _SCIPY if f is not LogNormal),
}
TORCH_PAIRS = [c for c in KL_FINITE + KL_INFINITE if (c[0], c[2]) not in NOT_IN_TORCH]


@pytest.mark.parametrize(("pf", "pa", "qf", "qa"), TORCH_PAIRS, ids=_ids(TORCH_PAIRS))
def test_against_torch_with_gradients(pf: Any, pa: Any, qf: Any, qa: Any) -> None:
    torch = pytest.importorskip("torch")
    from torch.distributions import kl_divergence as torch_kl

    def leaves() -> tuple[list[Any], list[Any]]:
        p = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in pa]
        q = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in qa]
        return p, q

    p, q = leaves()
    ours = il.kl_divergence(pf(*p), qf(*q))
    p2, q2 = leaves()
    ref = torch_kl(_torch_dist(pf, tuple(p2)), _torch_dist(qf, tuple(q2)))
    np.testing.assert_allclose(ours.detach().numpy(), ref.detach().numpy(), rtol=1e-10)
    if math.isfinite(float(ours.detach())):
        ours.backward()
        ref.backward()
        assert any(a.grad is not None for a in p + q)
        for a, b in zip(p + q, p2 + q2, strict=True):
            # no grad: the parameter enters only through a support test (e.g. a Uniform's loc
            # in Uniform–Uniform); its derivative is 0, as torch's (via low and high) is
            ga = 0.0 if a.grad is None else float(a.grad)
            gb = 0.0 if b.grad is None else float(b.grad)
            assert math.isfinite(ga)
            if math.isfinite(gb):  # torch's Uniform–X gradients are NaN at low = 0 (0 log 0)
                np.testing.assert_allclose(ga, gb, rtol=1e-8, atol=1e-12)


def test_gradients_flow_where_torch_has_no_pair() -> None:
    torch = pytest.importorskip("torch")
    for pf, pa, qf, qa in KL_FINITE:
        if (pf, qf) not in NOT_IN_TORCH:
            continue
        p = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in pa]
        q = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in qa]
        kl = il.kl_divergence(pf(*p), qf(*q))
        np.testing.assert_allclose(
            float(kl.detach()), float(il.kl_divergence(pf(*pa), qf(*qa))), 1e-12
        )
        kl.backward()
        assert all(math.isfinite(float(t.grad)) for t in p + q)


def test_log_prob_gradient_is_finite_at_the_edges() -> None:
    torch = pytest.importorskip("torch")
    a = torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    lp = Beta(a, b).log_prob(torch.tensor([0.0, 0.3, 1.0], dtype=torch.float64))
    lp[:2].sum().backward()
    assert torch.isfinite(a.grad).all()
    assert torch.isfinite(b.grad).all()


# --------------------------------------------------------------------------------- batches
@pytest.mark.parametrize(
    ("pf", "pa", "qf", "qa"),
    [
        (Gamma, ([0.5, 2.0, 7.0], [[1.0], [3.0]]), Exponential, ([0.4, 2.0, 1.0],)),
        (Beta, ([0.5, 2.0, 3.0], [[1.0], [4.0]]), Beta, (2.0, [0.3, 1.0, 5.0])),
        (Uniform, ([0.0, 0.2, -1.0], [[0.5], [0.9]]), Beta, ([[2.0], [0.5]], 1.5)),
        (Laplace, ([0.0, 1.0, -3.0], [[0.5], [2.0]]), Laplace, (0.5, [1.0, 0.3, 2.0])),
        (LogNormal, ([0.5, 1.0, 2.0], [[0.5], [2.0]]), Gamma, ([1.0, 3.0, 0.5], 2.0)),
        (Chi2, ([[1.0], [4.0]],), LogNormal, ([0.5, 1.0, 2.0],)),
    ],
)
def test_batched_parameters_equal_a_loop(pf: Any, pa: Any, qf: Any, qa: Any) -> None:
    pa = [np.asarray(v, dtype=float) for v in pa]
    qa = [np.asarray(v, dtype=float) for v in qa]
    got = il.kl_divergence(pf(*pa), qf(*qa))
    shape = np.broadcast_shapes(*(v.shape for v in pa + qa))
    assert got.shape == shape
    pb = [np.broadcast_to(v, shape) for v in pa]
    qb = [np.broadcast_to(v, shape) for v in qa]
    for i in np.ndindex(shape):
        one = il.kl_divergence(pf(*(v[i] for v in pb)), qf(*(v[i] for v in qb)))
        np.testing.assert_allclose(got[i], one, rtol=1e-14, atol=1e-15)
    ent = il.entropy(pf(*pa))
    loop = [float(il.entropy(pf(*(v[i] for v in pb)))) for i in np.ndindex(shape)]
    np.testing.assert_allclose(np.broadcast_to(ent, shape).ravel(), loop, rtol=1e-14)


# ------------------------------------------------------------------------------ validation
@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: Exponential(0.0), "scale"),
        (lambda: Gamma(-1.0), "a"),
        (lambda: Gamma(1.0, [1.0, -2.0]), "scale"),
        (lambda: Chi2(0.0), "df"),
        (lambda: Beta(1.0, 0.0), "b"),
        (lambda: Beta(np.inf, 1.0), "a"),
        (lambda: Uniform(np.inf, 1.0), "loc"),
        (lambda: Uniform(0.0, -1.0), "scale"),
        (lambda: Laplace(0.0, 0.0), "scale"),
        (lambda: LogNormal(-0.5), "s"),
        (lambda: LogNormal(0.5, 0.0), "scale"),
    ],
)
def test_invalid_parameters_name_the_parameter(make: Any, name: str) -> None:
    with pytest.raises(ValueError, match=f"`{name}`"):
        make()


def test_validate_false_skips_the_checks() -> None:
    assert np.isnan(float(Gamma(-1.0, validate=False).entropy()))


# --------------------------------------------------------------------------------- sampling
SAMPLE_CASES = [
    Exponential(2.0),
    Gamma(0.7, 3.0),
    Chi2(4.0),
    Beta(0.5, 2.0),
    Uniform(-1.0, 3.0),
    Laplace(1.0, 0.5),
    LogNormal(0.4, 2.0),
]


@pytest.mark.parametrize("d", SAMPLE_CASES, ids=lambda d: type(d).__name__)
def test_sample_is_reproducible_and_matches_the_moments(d: Any) -> None:
    # n = 100_000 seeded draws; the sample mean and variance must lie within 5 standard errors
    # (SE of the mean sqrt(var / n); SE of the variance the sample SD of (x - mean)² / sqrt(n)):
    # a false failure has probability below 1e-6 per check
    n = 100_000
    x = np.asarray(d.sample(n, rng=7))
    assert x.shape == (n,)
    np.testing.assert_array_equal(x, np.asarray(d.sample(n, rng=7)))
    assert np.all(np.isfinite(d.log_prob(x)))
    mean, var = float(d.mean), float(d.variance)
    assert abs(x.mean() - mean) < 5 * math.sqrt(var / n)
    sq = (x - x.mean()) ** 2
    assert abs(x.var(ddof=1) - var) < 5 * sq.std() / math.sqrt(n)
    assert d.sample((2, 3), rng=1).shape == (2, 3)


def test_sample_shape_has_the_batch() -> None:
    d = Gamma(np.array([1.0, 2.0, 3.0]), np.array([[1.0], [2.0]]))
    assert d.sample(5, rng=0).shape == (5, 2, 3)


# ------------------------------------------------------------------------------------ SciPy
@pytest.mark.parametrize(
    ("sp", "sq", "ours"),
    [
        (stats.gamma(2, scale=3), stats.gamma(3), (Gamma(2.0, 3.0), Gamma(3.0))),
        (stats.gamma(a=2.5), stats.expon(scale=2), (Gamma(2.5), Exponential(2.0))),
        (stats.chi2(3), stats.chi2(df=5), (Chi2(3.0), Chi2(5.0))),
        (stats.chi2(3, scale=2), stats.gamma(1.5, scale=4), (Gamma(1.5, 4.0), Gamma(1.5, 4.0))),
        (stats.beta(2, 3), stats.uniform(-1, 3), (Beta(2.0, 3.0), Uniform(-1.0, 3.0))),
        (stats.uniform(loc=0.1, scale=0.5), stats.beta(a=2, b=2), (Uniform(0.1, 0.5), Beta(2, 2))),
        (stats.laplace(1, 2), stats.laplace(scale=3), (Laplace(1.0, 2.0), Laplace(0.0, 3.0))),
        (stats.lognorm(0.5, scale=2), stats.lognorm(s=1), (LogNormal(0.5, 2), LogNormal(1.0))),
    ],
)
def test_scipy_frozen_input(sp: Any, sq: Any, ours: Any) -> None:
    np.testing.assert_allclose(il.kl_divergence(sp, sq), il.kl_divergence(*ours), rtol=1e-15)
    np.testing.assert_allclose(il.entropy(sp), sp.entropy(), rtol=1e-12)


@pytest.mark.parametrize(
    "frozen",
    [stats.gamma(2, loc=1), stats.expon(loc=-1), stats.beta(2, 3, scale=2), stats.lognorm(1, 1)],
)
def test_scipy_with_a_location_the_family_lacks_is_an_error(frozen: Any) -> None:
    with pytest.raises(ValueError, match="loc"):
        il.entropy(frozen)


# --------------------------------------------------------------------------------- backends
def test_every_backend(xp: ModuleType) -> None:
    a = to_xp(xp, np.array([0.5, 2.0, 7.0]), dtype="float64")
    b = to_xp(xp, np.array([1.5, 0.5, 3.0]), dtype="float64")
    x = to_xp(xp, np.array([0.0, 0.3, 0.9]), dtype="float64")
    cases = [
        (Gamma(a, b), stats.gamma(to_numpy(a), scale=to_numpy(b))),
        (Beta(a, b), stats.beta(to_numpy(a), to_numpy(b))),
        (Chi2(a), stats.chi2(to_numpy(a))),
        (LogNormal(a, b), stats.lognorm(to_numpy(a), scale=to_numpy(b))),
        (Laplace(a, b), stats.laplace(to_numpy(a), to_numpy(b))),
        (Uniform(a, b), stats.uniform(to_numpy(a), to_numpy(b))),
    ]
    for d, s in cases:
        np.testing.assert_allclose(to_numpy(il.entropy(d)), s.entropy(), rtol=1e-12)
        np.testing.assert_allclose(to_numpy(d.log_prob(x)), s.logpdf(to_numpy(x)), rtol=1e-12)
    kls = {
        "gamma": lambda a, b: (Gamma(a, b), Gamma(b, a)),
        "beta": lambda a, b: (Beta(a, b), Beta(b, a)),
        "uniform-beta": lambda a, b: (Uniform(0.1, 0.5), Beta(a, b)),
        "gamma-lognormal": lambda a, b: (Gamma(a, b), LogNormal(b, a)),
        "beta-uniform": lambda a, b: (Beta(a, b), Uniform(0.1, 3.0)),
        "uniform-laplace": lambda a, b: (Uniform(a, b), Laplace(b, a)),
        "gamma-uniform (inf)": lambda a, b: (Gamma(a, b), Uniform(0.0, 100.0)),
        "laplace-beta (inf)": lambda a, b: (Laplace(a, b), Beta(b, a)),
    }
    for name, make in kls.items():
        got = to_numpy(il.kl_divergence(*make(a, b)))
        want = il.kl_divergence(*make(to_numpy(a), to_numpy(b)))
        np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=name)


# ----------------------------------------------------------------------- other routes, edges
@pytest.mark.parametrize(
    ("P", "Q"),
    [
        (Gamma(2.0, 1.5), LogNormal(0.7, 2.0)),
        (Beta(2.0, 3.0), Exponential(0.5)),
        (Uniform(0.5, 2.0), Laplace(1.0, 0.7)),
        (LogNormal(0.5, 1.0), Chi2(2.0)),
    ],
    ids=lambda d: type(d).__name__,
)
def test_monte_carlo_agrees_with_the_closed_form(P: Any, Q: Any) -> None:
    # 200_000 seeded draws; the estimate must lie within 5 standard errors of the closed form
    exact = float(il.kl_divergence(P, Q))
    est = il.kl_divergence(P, Q, method="mc", n=200_000, rng=3)
    assert abs(float(est) - exact) < 5 * float(est.stderr)


@pytest.mark.parametrize(
    ("P", "Q"),
    [
        (Uniform(0.3, 1e-9), Beta(2.0, 3.0)),
        (Uniform(0.999, 1e-3), Beta(2.0, 0.5)),
        (Uniform(5.0, 1e-7), Gamma(3.0, 2.0)),
    ],
)
def test_narrow_uniforms_keep_full_precision(P: Any, Q: Any) -> None:
    # reference: mpmath quadrature at 40 digits of -log w - log q(x) averaged over [l, l + w]
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    lo, w = mpmath.mpf(float(P.loc)), mpmath.mpf(float(P.scale))
    if isinstance(Q, Beta):
        a, b = float(Q.a), float(Q.b)

        def logq(x: Any) -> Any:
            return (
                (a - 1) * mpmath.log(x)
                + (b - 1) * mpmath.log(1 - x)
                - mpmath.log(mpmath.beta(a, b))
            )
    else:
        k, t = float(Q.a), float(Q.scale)

        def logq(x: Any) -> Any:
            return (k - 1) * mpmath.log(x) - x / t - mpmath.loggamma(k) - k * mpmath.log(t)

    ref = mpmath.quad(lambda x: -mpmath.log(w) - logq(x), [lo, lo + w]) / w
    np.testing.assert_allclose(float(il.kl_divergence(P, Q)), float(ref), rtol=1e-13)


def test_float32_stays_float32_and_nan_parameters_give_nan() -> None:
    torch = pytest.importorskip("torch")
    a = torch.tensor([0.5, 2.0], dtype=torch.float32)
    for p, q in [
        (Gamma(a), Exponential(2.0)),
        (Beta(a, a), Uniform(-1.0, 3.0)),
        (Uniform(0.1, a), LogNormal(a)),
        (Laplace(a), Gamma(2.0)),
    ]:
        kl = il.kl_divergence(p, q)
        assert kl.dtype == torch.float32
        assert kl.shape == (2,)
    assert np.isnan(float(il.kl_divergence(Gamma(np.nan), Gamma(2.0))))
    assert np.isnan(float(il.entropy(Beta(np.nan, 1.0))))


_POS = st.floats(0.05, 20.0)
_REAL = st.floats(-10.0, 10.0)


@settings(max_examples=60, deadline=None)
@given(a=_POS, b=_POS, c=_POS, d=_POS, m=_REAL)
def test_kl_is_nonnegative_and_cross_entropy_is_entropy_plus_kl(
    a: float, b: float, c: float, d: float, m: float
) -> None:
    pairs = [
        (Gamma(a, b), Gamma(c, d)),
        (Beta(a, b), Beta(c, d)),
        (Laplace(m, a), Laplace(0.0, b)),
        (LogNormal(a, b), LogNormal(c, d)),
        (Gamma(a, b), LogNormal(c, d)),
        (LogNormal(a, b), Gamma(c, d)),
        (Beta(a, b), Gamma(c, d)),
        (Uniform(m, a), Laplace(0.0, b)),
        (Exponential(a), Laplace(m, b)),
        (Uniform(abs(m), a), Gamma(c, d)),
    ]
    for P, Q in pairs:
        kl = float(il.kl_divergence(P, Q))
        assert kl >= 0.0
        ce, h = float(il.cross_entropy(P, Q)), float(il.entropy(P))
        assert math.isclose(ce, h + kl, rel_tol=1e-12, abs_tol=1e-12)
