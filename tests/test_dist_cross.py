"""Cross-family closed-form KL divergences (`infoloss.distributions._cross`, `._cross_half_line`).

References: numerical integration of p (log p - log q) with `scipy.integrate.quad`, using
SciPy's own `logpdf` for both densities; `torch.distributions.kl_divergence` (float64) where
PyTorch has the pair; PyTorch's KL registry for the list of pairs that must exist.
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from scipy import integrate, stats
from tests.conftest import to_numpy, to_xp

import infoloss
import infoloss.distributions._cross as cross
import infoloss.distributions._cross_half_line as cross_half_line
from infoloss._core import FORMULAS as _TABLE
from infoloss.distributions._base import Distribution
from infoloss.distributions._beta import Beta, Uniform
from infoloss.distributions._gamma import Chi2, Exponential, Gamma
from infoloss.distributions._laplace import Laplace, LogNormal
from infoloss.distributions._location_scale import Cauchy, Gumbel, HalfNormal, Logistic, Rayleigh
from infoloss.distributions._normal import Normal
from infoloss.distributions._shape import Pareto, StudentT, VonMises, Weibull

# our family -> (SciPy name, two parameter sets chosen so that every finite pair below is finite)
FAMILIES: dict[type[Distribution], tuple[str, list[dict[str, float]]]] = {
    Normal: ("norm", [{"loc": 0.3, "scale": 1.2}, {"loc": -1.0, "scale": 0.5}]),
    Exponential: ("expon", [{"scale": 1.5}, {"scale": 0.4}]),
    Gamma: ("gamma", [{"a": 2.5, "scale": 0.8}, {"a": 0.7, "scale": 2.0}]),
    Chi2: ("chi2", [{"df": 3.0}, {"df": 5.5}]),
    Beta: ("beta", [{"a": 2.0, "b": 3.0}, {"a": 0.8, "b": 1.5}]),
    Uniform: ("uniform", [{"loc": 0.5, "scale": 2.0}, {"loc": 1.2, "scale": 0.7}]),
    Laplace: ("laplace", [{"loc": 0.2, "scale": 0.7}, {"loc": -1.0, "scale": 0.4}]),
    Logistic: ("logistic", [{"loc": 0.5, "scale": 0.6}, {"loc": -0.5, "scale": 1.1}]),
    Gumbel: ("gumbel_r", [{"loc": 0.5, "scale": 1.3}, {"loc": -1.0, "scale": 2.0}]),
    StudentT: (
        "t",
        [{"df": 5.0, "loc": 0.2, "scale": 1.3}, {"df": 3.5, "loc": -1.0, "scale": 0.6}],
    ),
    Pareto: ("pareto", [{"b": 4.5, "scale": 0.5}, {"b": 3.2, "scale": 1.0}]),
    LogNormal: ("lognorm", [{"s": 0.5, "scale": 1.5}, {"s": 0.9, "scale": 0.7}]),
    HalfNormal: ("halfnorm", [{"scale": 1.3}, {"scale": 0.6}]),
    Rayleigh: ("rayleigh", [{"scale": 1.1}, {"scale": 2.0}]),
    Weibull: ("weibull_min", [{"c": 1.7, "scale": 1.4}, {"c": 2.5, "scale": 0.8}]),
    Cauchy: ("cauchy", [{"loc": 0.0, "scale": 1.0}, {"loc": 1.0, "scale": 0.5}]),
}

# Every pair registered by `_cross` and `_cross_half_line`, split into closed forms and +inf
# (support mismatch).
OURS = [
    types
    for (measure, types), fn in _TABLE.items()
    if measure == "kl_divergence" and fn.__module__ in {cross.__name__, cross_half_line.__name__}
]
INF = [pair for pair in OURS if _TABLE["kl_divergence", pair] is cross_half_line._kl_infinite]
FINITE = [pair for pair in OURS if pair not in INF]
CASES = [(p, q, i) for p, q in FINITE for i in range(2)]
CASE_IDS = [f"{p.__name__}-{q.__name__}-{i}" for p, q, i in CASES]


def ours(cls: type[Distribution], i: int) -> Distribution:
    return cls(**FAMILIES[cls][1][i])


def frozen(cls: type[Distribution], i: int) -> Any:
    name, kws = FAMILIES[cls]
    if cls is Laplace:  # stats.laplace.logpdf is log(pdf): -inf once the pdf underflows;
        # gennorm(beta=1) is the same Laplace with a log-space logpdf
        return stats.gennorm(1.0, **kws[i])
    return getattr(stats, name)(**kws[i])


def quad_kl(p: Any, q: Any) -> float:
    """∫ p (log p - log q) over P's support, split at the median (quad's break point)."""

    def integrand(x: float) -> float:
        with np.errstate(over="ignore"):  # e.g. Gumbel's exp(-x) far in the left tail
            lp = float(p.logpdf(x))
        # p(x) < 1e-43: nothing left to add, and SciPy's q.logpdf may under- or overflow
        # there (e.g. laplace.logpdf is log(pdf): -inf once pdf underflows)
        if not lp > -100.0:
            return 0.0
        return math.exp(lp) * (lp - float(q.logpdf(x)))

    lo, hi = p.support()
    mid = float(p.median())
    opts = {"limit": 400, "epsabs": 1e-12, "epsrel": 1e-10}
    return (
        integrate.quad(integrand, lo, mid, **opts)[0]
        + integrate.quad(integrand, mid, hi, **opts)[0]
    )


def test_the_registered_pairs_are_the_expected_ones() -> None:
    assert len(FINITE) == 69
    assert len(INF) >= 50
    for p, q in OURS:  # every family of a registered pair has test parameters
        assert p in FAMILIES
        assert q in FAMILIES


@pytest.mark.parametrize(("P", "Q", "i"), CASES, ids=CASE_IDS)
def test_kl_matches_quadrature(P: type[Distribution], Q: type[Distribution], i: int) -> None:
    # quad reaches ~1e-10 relative on these integrands (a few have an integrable log or
    # power singularity at an end of the support); rtol 1e-7 leaves room for that
    ref = quad_kl(frozen(P, i), frozen(Q, i))
    p, q = ours(P, i), ours(Q, i)
    got = float(infoloss.kl_divergence(p, q))
    np.testing.assert_allclose(got, ref, rtol=1e-7, atol=1e-10)
    # and the default cross-entropy route: H(P) + KL(P, Q)
    ce = float(infoloss.cross_entropy(p, q))
    np.testing.assert_allclose(ce, float(infoloss.entropy(p)) + got, rtol=1e-12, atol=1e-12)


# Branches the parameter sets above miss: Q's location inside P's support for the
# E|X - μ| integrals, a Uniform starting at 0, a Pareto tail close to its limit.
EXTRA = [
    (Pareto(3.2, 1.0), Laplace(2.5, 0.8), stats.pareto(3.2), stats.gennorm(1.0, 2.5, 0.8)),
    (HalfNormal(1.3), Laplace(1.5, 0.6), stats.halfnorm(scale=1.3), stats.gennorm(1, 1.5, 0.6)),
    (Rayleigh(1.1), Laplace(1.7, 2.0), stats.rayleigh(scale=1.1), stats.gennorm(1, 1.7, 2.0)),
    (
        LogNormal(0.5, 1.5),
        Laplace(2.0, 0.5),
        stats.lognorm(0.5, scale=1.5),
        stats.gennorm(1, 2, 0.5),
    ),
    (Uniform(0.0, 2.0), Weibull(1.5, 1.2), stats.uniform(0, 2), stats.weibull_min(1.5, scale=1.2)),
    (Uniform(0.0, 2.0), Rayleigh(0.9), stats.uniform(0, 2), stats.rayleigh(scale=0.9)),
    (Pareto(2.2, 1.0), Normal(1.0, 3.0), stats.pareto(2.2), stats.norm(1.0, 3.0)),
    (Pareto(1.5, 1.0), Weibull(1.2, 2.0), stats.pareto(1.5), stats.weibull_min(1.2, scale=2.0)),
]


@pytest.mark.parametrize(("p", "q", "sp", "sq"), EXTRA, ids=repr)
def test_more_branches_match_quadrature(
    p: Distribution, q: Distribution, sp: Any, sq: Any
) -> None:
    np.testing.assert_allclose(float(infoloss.kl_divergence(p, q)), quad_kl(sp, sq), rtol=1e-7)


# Pairs that are finite for some parameters and +inf for others: (P, Q) where KL = +inf
CONDITIONAL_INF = [
    (Pareto(2.0, 1.0), Normal(0.0, 1.0)),  # variance +inf for b <= 2
    (StudentT(2.0), Normal(0.0, 1.0)),  # variance +inf for ν <= 2
    (Pareto(1.0, 1.0), Gamma(2.0)),  # mean +inf for b <= 1
    (Pareto(0.8, 1.0), Exponential(1.0)),
    (Pareto(3.0, 1.0), Weibull(3.0)),  # E[X^c] +inf for c >= b
    (Pareto(2.0, 1.0), HalfNormal(1.0)),  # E[X²] +inf for b <= 2
    (Pareto(1.0, 1.0), Laplace(0.0, 1.0)),  # E|X - μ| +inf for b <= 1
    (Laplace(0.0, 2.0), Gumbel(0.0, 2.0)),  # E[e^(-X/β)] +inf for b >= β
    (Logistic(0.0, 3.0), Gumbel(0.0, 2.0)),  # likewise for s >= β
    (Uniform(-0.1, 1.0), Weibull(2.0)),  # mass below 0
    (Uniform(-0.1, 1.0), Rayleigh(2.0)),
    (Uniform(-0.1, 1.0), HalfNormal(2.0)),
    (Uniform(0.4, 1.0), Pareto(2.0, 0.5)),  # mass below Pareto's scale
]


@pytest.mark.parametrize(("p", "q"), CONDITIONAL_INF, ids=repr)
def test_conditionally_infinite_pairs(p: Distribution, q: Distribution) -> None:
    assert float(infoloss.kl_divergence(p, q)) == math.inf
    # gradients through the +inf branch are finite (0), not NaN: the "double where"
    torch = pytest.importorskip("torch")
    _, leaves_p, tp = to_torch(p, True)
    _, leaves_q, tq = to_torch(q, True)
    kl = infoloss.kl_divergence(tp, tq)
    grads = torch.autograd.grad(kl, leaves_p + leaves_q, allow_unused=True)
    assert all(g is None or float(g) == 0.0 for g in grads)


def test_mixed_batch_is_inf_only_where_it_must_be() -> None:
    # b = 1.5, 2.5, 4 against Normal (needs b > 2) and Weibull(c = 3) (needs b > 3)
    p = Pareto(np.array([1.5, 2.5, 4.0]), 1.0)
    to_normal = np.asarray(infoloss.kl_divergence(p, Normal(1.0, 2.0)))
    np.testing.assert_array_equal(np.isinf(to_normal), [True, False, False])
    to_weibull = np.asarray(infoloss.kl_divergence(p, Weibull(np.array([[3.0], [1.0]]))))
    np.testing.assert_array_equal(np.isinf(to_weibull), [[True, True, False], [False] * 3])
    ref = quad_kl(stats.pareto(2.5), stats.norm(1.0, 2.0))
    np.testing.assert_allclose(to_normal[1], ref, rtol=1e-7)


def test_uniform_pareto_boundary_is_finite() -> None:
    # l == s is inside the support: -log w - log b - b log s + (b + 1) E[log X], by quad
    p, q = Uniform(0.5, 1.0), Pareto(2.0, 0.5)
    ref = quad_kl(stats.uniform(0.5, 1.0), stats.pareto(2.0, scale=0.5))
    np.testing.assert_allclose(float(infoloss.kl_divergence(p, q)), ref, rtol=1e-9)


@pytest.mark.parametrize(("P", "Q"), INF, ids=[f"{p.__name__}-{q.__name__}" for p, q in INF])
def test_infinite_pairs_have_the_broadcast_shape(
    P: type[Distribution], Q: type[Distribution]
) -> None:
    kws_p, kws_q = FAMILIES[P][1][0], FAMILIES[Q][1][0]
    p = P(**{k: np.full((2, 1), v) for k, v in kws_p.items()})
    q = Q(**{k: np.full(3, v) for k, v in kws_q.items()})
    kl = np.asarray(infoloss.kl_divergence(p, q))
    assert kl.shape == (2, 3)
    assert np.all(kl == np.inf)
    if torch_has(P, Q):  # and PyTorch agrees where it has the pair
        import torch

        tp, _, _ = to_torch(ours(P, 0), False)
        tq, _, _ = to_torch(ours(Q, 0), False)
        assert float(torch.distributions.kl_divergence(tp, tq)) == math.inf


@pytest.mark.parametrize(("P", "Q"), FINITE, ids=[f"{p.__name__}-{q.__name__}" for p, q in FINITE])
def test_batched_equals_loop(P: type[Distribution], Q: type[Distribution]) -> None:
    kp, kq = FAMILIES[P][1], FAMILIES[Q][1]
    p = P(**{k: np.array([[kw[k]] for kw in kp]) for k in kp[0]})  # batch (2, 1)
    q = Q(**{k: np.array([kw[k] for kw in kq]) for k in kq[0]})  # batch (2,)
    kl = np.asarray(infoloss.kl_divergence(p, q))
    assert kl.shape == (2, 2)
    loop = [
        [float(infoloss.kl_divergence(ours(P, i), ours(Q, j))) for j in range(2)] for i in range(2)
    ]
    np.testing.assert_allclose(kl, loop, rtol=1e-13)


# ----------------------------------------------------------------------------- vs PyTorch
def to_torch(d: Distribution, grad: bool) -> tuple[Any, list[Any], Distribution]:
    """The torch.distributions twin of ``d``, its float64 leaves, and ``d`` built on them."""
    import torch

    td = torch.distributions
    leaves = {
        k: torch.tensor(float(v), dtype=torch.float64, requires_grad=grad)
        for k, v in d._numpy_values().items()
    }
    ours_t = type(d)(**leaves)
    v = leaves
    twins: dict[type[Distribution], Any] = {
        Normal: lambda: td.Normal(v["loc"], v["scale"]),
        Exponential: lambda: td.Exponential(1.0 / v["scale"]),
        Gamma: lambda: td.Gamma(v["a"], 1.0 / v["scale"]),
        Chi2: lambda: td.Chi2(v["df"]),
        Beta: lambda: td.Beta(v["a"], v["b"]),
        Uniform: lambda: td.Uniform(v["loc"], v["loc"] + v["scale"]),
        Laplace: lambda: td.Laplace(v["loc"], v["scale"]),
        Gumbel: lambda: td.Gumbel(v["loc"], v["scale"]),
        Pareto: lambda: td.Pareto(v["scale"], v["b"]),
        Cauchy: lambda: td.Cauchy(v["loc"], v["scale"]),
        StudentT: lambda: td.StudentT(v["df"], v["loc"], v["scale"]),
        LogNormal: lambda: td.LogNormal(torch.log(v["scale"]), v["s"]),
        Weibull: lambda: td.Weibull(v["scale"], v["c"]),
        HalfNormal: lambda: td.HalfNormal(v["scale"]),
    }
    twin = twins[type(d)]() if type(d) in twins else None
    return twin, list(leaves.values()), ours_t


def torch_has(P: type[Distribution], Q: type[Distribution]) -> bool:
    torch = pytest.importorskip("torch")
    tp, _, _ = to_torch(ours(P, 0), False)
    tq, _, _ = to_torch(ours(Q, 0), False)
    if tp is None or tq is None:
        return False
    try:  # torch dispatches TransformedDistribution pairs that then raise
        torch.distributions.kl_divergence(tp, tq)
    except NotImplementedError:
        return False
    return True


TORCH_CASES = [c for c in CASES if torch_has(c[0], c[1])]


@pytest.mark.parametrize(
    ("P", "Q", "i"), TORCH_CASES, ids=[f"{p.__name__}-{q.__name__}-{i}" for p, q, i in TORCH_CASES]
)
def test_kl_matches_torch_with_finite_gradients(
    P: type[Distribution], Q: type[Distribution], i: int
) -> None:
    torch = pytest.importorskip("torch")
    tp, leaves_p, p = to_torch(ours(P, i), True)
    tq, leaves_q, q = to_torch(ours(Q, i), True)
    ref = float(torch.distributions.kl_divergence(tp, tq).detach())
    got = infoloss.kl_divergence(p, q)
    np.testing.assert_allclose(float(got.detach()), ref, rtol=1e-10)
    got.backward()
    for leaf in leaves_p + leaves_q:
        assert leaf.grad is not None
        assert bool(torch.isfinite(leaf.grad))


@pytest.mark.parametrize(("P", "Q", "i"), CASES, ids=CASE_IDS)
def test_gradients_are_finite(P: type[Distribution], Q: type[Distribution], i: int) -> None:
    torch = pytest.importorskip("torch")
    _, leaves_p, p = to_torch(ours(P, i), True)
    _, leaves_q, q = to_torch(ours(Q, i), True)
    got = infoloss.kl_divergence(p, q)
    assert isinstance(got, torch.Tensor)
    grads = torch.autograd.grad(got, leaves_p + leaves_q, allow_unused=True)
    assert all(g is None or bool(torch.isfinite(g)) for g in grads)


def test_every_torch_pair_of_our_families_is_registered() -> None:
    # torch's class names that are also infoloss family names (the multivariate families are
    # another module's business)
    torch = pytest.importorskip("torch")
    names = {c.__name__ for c in (*FAMILIES, VonMises)}
    names |= {"Bernoulli", "Binomial", "Categorical", "Geometric", "Poisson", "Multinomial"}
    names |= {"NegativeBinomial"}
    have = set(infoloss.kl_pairs())
    theirs = [(a.__name__, b.__name__) for a, b in torch.distributions.kl._KL_REGISTRY]
    ours_too = [pair for pair in theirs if pair[0] in names and pair[1] in names]
    assert len(ours_too) >= 60  # 65 of the 87 keys in torch 2.13; the rest: other families
    assert [pair for pair in ours_too if pair not in have] == []


# ------------------------------------------------------------------------------- backends
SOME = [(Normal, Laplace), (Logistic, Laplace), (Uniform, Gumbel), (Pareto, Weibull)]
SOME += [(Beta, Rayleigh), (Weibull, LogNormal), (Gamma, Normal), (Uniform, Pareto)]
SOME += [(LogNormal, Laplace), (HalfNormal, Laplace)]


@pytest.mark.parametrize(("P", "Q"), SOME, ids=[f"{p.__name__}-{q.__name__}" for p, q in SOME])
def test_backends_agree_with_numpy(
    P: type[Distribution], Q: type[Distribution], xp: ModuleType
) -> None:
    kp, kq = FAMILIES[P][1], FAMILIES[Q][1]
    arrs_p = {k: np.array([kw[k] for kw in kp]) for k in kp[0]}
    arrs_q = {k: np.array([kw[k] for kw in kq]) for k in kq[0]}
    ref = infoloss.kl_divergence(P(**arrs_p), Q(**arrs_q))
    p = P(**{k: to_xp(xp, v) for k, v in arrs_p.items()})
    q = Q(**{k: to_xp(xp, v) for k, v in arrs_q.items()})
    got = infoloss.kl_divergence(p, q)
    assert type(got) is type(to_xp(xp, np.zeros(2)))
    np.testing.assert_allclose(to_numpy(got), ref, rtol=1e-12)
