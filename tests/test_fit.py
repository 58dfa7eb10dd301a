"""`nll` and `fit`: negative log-likelihood and fitting by forward / reverse KL divergence.

References: SciPy's ``logpdf`` sums and ``.fit`` (with ``floc=0`` where the infoloss family has
no location), closed-form maximum-likelihood estimates, the score equations of the likelihood,
the exact moments of the targets, and reverse KL computed by scipy.integrate.quad and minimised
by Nelder-Mead for the classic bimodal picture.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import integrate, optimize, special, stats

import infoloss as il
from infoloss import Mixture, fit, nll

ROOT = Path(__file__).resolve().parents[1]
BIMODAL = Mixture([il.Normal(-2.0, 0.6), il.Normal(2.0, 0.6)], [0.5, 0.5])


def _bimodal_logpdf(x: Any) -> Any:
    return np.logaddexp(stats.norm(-2, 0.6).logpdf(x), stats.norm(2, 0.6).logpdf(x)) + np.log(0.5)


# ------------------------------------------------------------------------------------ nll
@pytest.mark.parametrize(
    ("model", "ref", "draw"),
    [
        (il.Normal(0.5, 2.0), stats.norm(0.5, 2.0), stats.norm(0, 2)),
        (il.Gamma(2.5, 1.5), stats.gamma(2.5, scale=1.5), stats.gamma(2)),
        (il.StudentT(3.0, 1.0, 2.0), stats.t(3.0, 1.0, 2.0), stats.t(3)),
        (il.Poisson(3.0), stats.poisson(3.0), stats.poisson(4)),
        (il.Beta(2.0, 3.0), stats.beta(2.0, 3.0), stats.beta(1, 1)),
    ],
)
def test_nll_is_minus_the_scipy_log_likelihood(model: Any, ref: Any, draw: Any) -> None:
    x = np.asarray(draw.rvs(size=50, random_state=0), dtype=float)
    logp = ref.logpmf(x) if hasattr(ref, "logpmf") else ref.logpdf(x)
    np.testing.assert_allclose(nll(model, x), -np.sum(logp), rtol=1e-12)
    np.testing.assert_allclose(nll(ref, x), -np.sum(logp), rtol=1e-12)  # the SciPy object


def test_nll_of_scipy_distributions_unknown_to_infoloss_uses_their_logpdf() -> None:
    x = np.linspace(-2, 2, 9)
    np.testing.assert_allclose(nll(stats.skewnorm(2.0), x), -stats.skewnorm(2.0).logpdf(x).sum())


def test_nll_of_vectors_mixtures_and_categorical_labels() -> None:
    cov = np.array([[2.0, 0.4], [0.4, 1.0]])
    x = stats.multivariate_normal([0, 1], cov).rvs(size=20, random_state=1)
    want = -stats.multivariate_normal([0, 1], cov).logpdf(x).sum()
    np.testing.assert_allclose(nll(il.MultivariateNormal([0.0, 1.0], cov), x), want, rtol=1e-12)
    y = np.array([-1.0, 0.5, 3.0])
    np.testing.assert_allclose(nll(BIMODAL, y), -_bimodal_logpdf(y).sum(), rtol=1e-12)
    p = np.array([0.2, 0.5, 0.3])
    np.testing.assert_allclose(
        nll(il.Categorical(p), [0, 1, 1, 2]), -np.log(p[[0, 1, 1, 2]]).sum()
    )


def test_nll_is_n_times_the_cross_entropy_against_the_empirical_distribution() -> None:
    # discrete data: the empirical distribution is a probability vector, its cross-entropy exact
    y = np.array([0, 2, 2, 1, 2, 0])
    p = np.array([0.3, 0.3, 0.4])
    emp = np.bincount(y, minlength=3) / y.size
    assert float(nll(il.Categorical(p), y)) == pytest.approx(
        y.size * float(il.cross_entropy(emp, p)), rel=1e-14
    )


def test_nll_accepts_samples_and_keeps_torch_gradients() -> None:
    torch = pytest.importorskip("torch")
    x = np.array([0.3, -1.2, 2.0, 0.7])
    loc = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    scale = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    out = nll(il.Normal(loc, scale), il.Samples(x))
    out.backward()
    # d NLL / d loc = -sum (x - loc) / scale^2
    # d NLL / d scale = n / scale - sum (x - loc)^2 / scale^3
    assert float(loc.grad) == pytest.approx(-np.sum(x - 0.5) / 4.0, rel=1e-13)
    assert float(scale.grad) == pytest.approx(4 / 2.0 - np.sum((x - 0.5) ** 2) / 8.0, rel=1e-13)
    # torch data with a model given by Python numbers: the result is a torch tensor
    res = nll(il.Normal(0.0, 1.0), torch.tensor(x))
    assert isinstance(res, torch.Tensor)
    assert float(res) == pytest.approx(-stats.norm.logpdf(x).sum(), rel=1e-12)


def test_nll_edges_and_errors() -> None:
    assert float(nll(il.Exponential(1.0), [1.0, -1.0])) == math.inf  # outside the support
    assert np.isnan(float(nll(il.Normal(0, 1), [0.0, np.nan])))
    assert np.isnan(float(nll(il.Categorical([0.5, 0.5]), [0.0, np.nan])))
    with pytest.raises(TypeError, match="`model`"):
        nll([0.5, 0.5], [0, 1])
    with pytest.raises(ValueError, match=r"`data` must have shape \(n, 2\)"):
        nll(il.MultivariateNormal([0.0, 0.0], np.eye(2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"integer class labels in 0\.\.1"):
        nll(il.Categorical([0.5, 0.5]), [0, 2])


# ------------------------------------------------------------------ maximum likelihood
def _tight(func: Any, x0: Any, args: tuple[Any, ...] = (), disp: int = 0) -> Any:
    """SciPy's default fit optimizer, `optimize.fmin`, with tolerances far below the test's.

    Its defaults (xtol = ftol = 1e-4, absolute) leave the numerical MLEs of Weibull, Student t,
    Cauchy and Chi2 up to ~1e-4 from the optimum, where rounding (SIMD, libm) decides the
    Nelder-Mead path: no reference for a comparison at 1e-4. Families with closed-form or
    root-finding fits in SciPy never call it.
    """
    return optimize.fmin(
        func, x0, args=args, xtol=1e-10, ftol=1e-12, maxiter=20_000, maxfun=40_000, disp=disp
    )


# (family, SciPy generator of data, SciPy fit -> our parameter order, our parameter names)
MLE_CASES = [
    (il.Normal, stats.norm(1, 2), lambda x: stats.norm.fit(x), ("loc", "scale")),
    (il.Exponential, stats.expon(scale=2), lambda x: stats.expon.fit(x, floc=0)[1:], ("scale",)),
    (
        il.Gamma,
        stats.gamma(2.5, scale=1.5),
        lambda x: np.array(stats.gamma.fit(x, floc=0))[[0, 2]],
        ("a", "scale"),
    ),
    (il.Beta, stats.beta(2, 5), lambda x: stats.beta.fit(x, floc=0, fscale=1)[:2], ("a", "b")),
    (
        il.Weibull,
        stats.weibull_min(1.7, scale=2),
        lambda x: np.array(stats.weibull_min.fit(x, floc=0, optimizer=_tight))[[0, 2]],
        ("c", "scale"),
    ),
    (
        il.StudentT,
        stats.t(4, 1, 2),
        lambda x: stats.t.fit(x, optimizer=_tight),
        ("df", "loc", "scale"),
    ),
    (
        il.LogNormal,
        stats.lognorm(0.7, scale=2),
        lambda x: np.array(stats.lognorm.fit(x, floc=0))[[0, 2]],
        ("s", "scale"),
    ),
    (il.Laplace, stats.laplace(1, 2), lambda x: stats.laplace.fit(x), ("loc", "scale")),
    (il.Uniform, stats.uniform(1, 2), lambda x: stats.uniform.fit(x), ("loc", "scale")),
    (il.Logistic, stats.logistic(1, 2), lambda x: stats.logistic.fit(x), ("loc", "scale")),
    (il.Gumbel, stats.gumbel_r(1, 2), lambda x: stats.gumbel_r.fit(x), ("loc", "scale")),
    (
        il.Cauchy,
        stats.cauchy(1, 2),
        lambda x: stats.cauchy.fit(x, optimizer=_tight),
        ("loc", "scale"),
    ),
    (
        il.HalfNormal,
        stats.halfnorm(scale=2),
        lambda x: stats.halfnorm.fit(x, floc=0)[1:],
        ("scale",),
    ),
    (
        il.Rayleigh,
        stats.rayleigh(scale=2),
        lambda x: stats.rayleigh.fit(x, floc=0)[1:],
        ("scale",),
    ),
    (
        il.Pareto,
        stats.pareto(3, scale=2),
        lambda x: np.array(stats.pareto.fit(x, floc=0))[[0, 2]],
        ("b", "scale"),
    ),
    (
        il.Chi2,
        stats.chi2(3),
        lambda x: stats.chi2.fit(x, floc=0, fscale=1, optimizer=_tight)[:1],
        ("df",),
    ),
    (
        il.VonMises,
        stats.vonmises(2.0, 0.5),
        lambda x: stats.vonmises.fit(x, fscale=1)[:2],
        ("kappa", "loc"),
    ),
]


@pytest.mark.parametrize(("family", "gen", "scipy_fit", "names"), MLE_CASES)
def test_forward_fit_to_data_is_scipy_maximum_likelihood(
    family: Any, gen: Any, scipy_fit: Any, names: tuple[str, ...]
) -> None:
    x = gen.rvs(size=400, random_state=np.random.default_rng(7))
    d = fit(family, x)
    assert isinstance(d, family)
    ours = np.array([float(getattr(d, k)) for k in names])
    ref = np.array(scipy_fit(x), dtype=float)
    # both sides are optimiser outputs: SciPy's fmin above (xtol 1e-10) or its closed forms and
    # root finders (~1e-8); ours L-BFGS-B on forward-difference gradients of the mean NLL, which
    # stops where those resolve no more (~1e-7, see the next test), ~1e-6 from the optimal
    # parameters; rtol 1e-4 leaves a wide margin over both. Ours must also be at least as likely.
    np.testing.assert_allclose(ours, ref, rtol=1e-4)
    ref_nll = float(nll(family(**dict(zip(names, ref, strict=True))), x))
    assert float(nll(d, x)) <= ref_nll + 1e-8 * x.size


def test_closed_form_discrete_and_vector_fits() -> None:
    rng = np.random.default_rng(3)
    k = rng.poisson(3.0, size=200).astype(float)
    assert float(fit(il.Poisson, k).mu) == pytest.approx(k.mean(), rel=1e-15)
    b = (rng.random(200) < 0.3).astype(float)
    assert float(fit(il.Bernoulli, b).p) == pytest.approx(b.mean(), rel=1e-15)
    g = rng.geometric(0.3, size=200).astype(float)
    assert float(fit(il.Geometric, g).p) == pytest.approx(1 / g.mean(), rel=1e-15)
    cov = np.array([[2.0, 0.5], [0.5, 1.0]])
    X = rng.multivariate_normal([0.0, 1.0], cov, size=300)
    m = fit(il.MultivariateNormal, X)
    np.testing.assert_allclose(m.mean, X.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(m.cov, np.cov(X.T, bias=True), rtol=1e-12)
    c = fit(il.Categorical, [0, 2, 2, 1, 2, 2])
    np.testing.assert_allclose(c.probs, [1 / 6, 1 / 6, 4 / 6])
    counts = il.Counts([1, 1, 4])
    np.testing.assert_allclose(fit(il.Categorical, counts).probs, [1 / 6, 1 / 6, 4 / 6])


def test_numerical_fits_solve_the_score_equations() -> None:
    # Both fits are L-BFGS-B on forward-difference gradients of the mean NLL f (|f| ~ 1-3),
    # which resolve a gradient only to ~ 2 eps |f| / h + h lambda / 2 ~ 1e-7 (step h ~ 1.5e-8,
    # curvature lambda ~ 4): the search stops within a few of those from the optimum (measured
    # up to 3e-7 in the Dirichlet score, which varies with the SIMD level), hence 1e-6 and 1e-5
    rng = np.random.default_rng(5)
    # negative binomial: at the MLE the mean equals n (1 - p) / p, and d/dn loglik = 0
    y = stats.nbinom(3, 0.4).rvs(size=500, random_state=rng).astype(float)
    d = fit(il.NegativeBinomial, y)
    n, p = float(d.n), float(d.p)
    assert n * (1 - p) / p == pytest.approx(y.mean(), rel=1e-5)
    dn = np.mean(special.digamma(y + n) - special.digamma(n) + np.log(p))
    assert abs(dn) < 1e-5
    # Dirichlet: digamma(alpha_k) - digamma(sum alpha) = mean log x_k
    X = stats.dirichlet([2.0, 3.0, 4.0]).rvs(size=300, random_state=rng)
    a = np.asarray(fit(il.Dirichlet, X).alpha)
    score = special.digamma(a) - special.digamma(a.sum()) - np.log(X).mean(axis=0)
    np.testing.assert_allclose(score, 0.0, atol=1e-6)


def test_fit_accepts_samples_lists_and_torch_data() -> None:
    x = [0.5, 1.5, 2.5, 4.0]
    want = fit(il.Normal, np.array(x))
    got = fit(il.Normal, il.Samples(np.array(x)))
    assert float(got.loc) == float(want.loc)
    assert float(fit(il.Normal, x).scale) == float(want.scale)
    torch = pytest.importorskip("torch")
    t = fit(il.Normal, torch.tensor(x, dtype=torch.float64))
    assert isinstance(t.loc, torch.Tensor)
    assert t.loc.dtype == torch.float64
    assert float(t.scale) == pytest.approx(float(want.scale), rel=1e-15)


def test_fit_to_data_edges_and_errors() -> None:
    d = fit(il.Normal, [1.0, np.nan, 2.0])  # NaN in, NaN out
    assert np.isnan(float(d.loc))
    assert np.isnan(float(d.scale))
    with pytest.raises(ValueError, match=r"outside the support of Exponential \(e\.g\. -1"):
        fit(il.Exponential, [1.0, -1.0, 2.0])
    with pytest.raises(ValueError, match="no maximum-likelihood Normal"):
        fit(il.Normal, [2.0, 2.0])
    with pytest.raises(ValueError, match=r"shape \(n,\)"):
        fit(il.Normal, np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"shape \(n,\)"):
        fit(il.Normal, np.array([]))
    with pytest.raises(NotImplementedError, match="families infoloss can fit"):
        fit(il.Binomial, [1.0, 2.0])
    with pytest.raises(TypeError, match="`family`"):
        fit(stats.norm, [1.0, 2.0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="`divergence`"):
        fit(il.Normal, [1.0, 2.0], divergence="both")
    with pytest.raises(ValueError, match="`n`"):
        fit(il.Normal, BIMODAL, n=1)


# ------------------------------------------------------------ forward KL to distributions
def _grid_integral(f: Any, lo: float, hi: float, n: int = 40_001) -> float:
    """Simpson's rule on a dense grid (vectorised; error far below the tolerances used)."""
    t = np.linspace(lo, hi, n)
    return float(integrate.simpson(f(t), x=t))


def test_forward_fit_to_a_mixture_matches_its_moments_exactly() -> None:
    q = fit(il.Normal, BIMODAL, rng=0)  # exact moments; the support precheck draws
    assert float(q.loc) == 0.0
    assert float(q.scale) ** 2 == pytest.approx(0.6**2 + 2.0**2, rel=1e-15)

    # and it minimises KL(p || q): nudging the parameters raises the KL (by quadrature)
    def kl(loc: float, scale: float) -> float:
        lp = _bimodal_logpdf
        return _grid_integral(
            lambda t: np.exp(lp(t)) * (lp(t) - stats.norm(loc, scale).logpdf(t)), -10, 10
        )

    best = kl(0.0, float(q.scale))
    for dl, ds in [(0.05, 0.0), (0.0, 0.05), (0.0, -0.05)]:
        assert kl(dl, float(q.scale) + ds) > best


def test_forward_moment_matching_for_exponential_families() -> None:
    # Normal to Student t (df 5): variance df / (df - 2)
    q = fit(il.Normal, stats.t(5), rng=0)
    assert float(q.scale) ** 2 == pytest.approx(5 / 3, rel=1e-14)
    # Gamma to a LogNormal: E[x] = scale e^{s^2/2}, E[log x] = log scale, both exact
    g = fit(il.Gamma, il.LogNormal(0.5, 2.0), rng=0)
    a, theta = float(g.a), float(g.scale)
    assert a * theta == pytest.approx(2.0 * math.exp(0.125), rel=1e-13)
    assert special.digamma(a) + math.log(theta) == pytest.approx(math.log(2.0), abs=1e-12)
    # a member of the family is its own projection
    g2 = fit(il.Gamma, il.Gamma(2.0, 3.0), rng=0)
    assert (float(g2.a), float(g2.scale)) == pytest.approx((2.0, 3.0), rel=1e-12)
    assert float(fit(il.Poisson, il.Binomial(10, 0.3), rng=0).mu) == pytest.approx(3.0, rel=1e-14)


def test_forward_fit_by_sampling_is_seeded_maximum_likelihood_on_draws() -> None:
    mix = Mixture([il.Normal(-1.0, 1.0), il.Normal(2.0, 1.5)], [0.3, 0.7])
    a = fit(il.Laplace, mix, rng=1, n=20_000)
    b = fit(il.Laplace, mix, rng=1, n=20_000)
    assert float(a.loc) == float(b.loc)
    # the forward-KL Laplace has loc = the median m and scale = E|X - m| of the target
    cdf = lambda t: 0.3 * stats.norm(-1, 1).cdf(t) + 0.7 * stats.norm(2, 1.5).cdf(t)  # noqa: E731
    m = optimize.brentq(lambda t: cdf(t) - 0.5, -5, 5, xtol=1e-14)
    dens = float(np.exp(mix.log_prob(np.array(m))))
    e_abs = _grid_integral(lambda t: np.abs(t - m) * np.exp(mix.log_prob(t)), -15, 15)
    # tolerances: 5 standard errors, 1 / (2 p(m) sqrt n) for the median, sd / sqrt n for E|X-m|
    assert abs(float(a.loc) - m) < 5 / (2 * dens * math.sqrt(20_000))
    assert abs(float(a.scale) - e_abs) < 5 * 2.0 / math.sqrt(20_000)
    # Gamma to a mixture: E[log x] by Monte Carlo, E[x] exact
    gmix = Mixture([il.Gamma(2.0, 1.0), il.Gamma(5.0, 1.0)], [0.5, 0.5])
    g = fit(il.Gamma, gmix, rng=0, n=50_000)
    assert float(g.a) * float(g.scale) == pytest.approx(3.5, rel=1e-12)


def test_forward_fit_to_scipy_and_categorical_targets() -> None:
    # a SciPy distribution infoloss has no family for: its own mean and variance
    sk = stats.skewnorm(3.0, 1.0, 2.0)
    q = fit(il.Normal, sk, rng=0)
    assert (float(q.loc), float(q.scale) ** 2) == pytest.approx((sk.mean(), sk.var()), rel=1e-14)
    r = fit(il.Normal, sk, divergence="reverse", rng=0)
    assert np.isfinite(float(r.scale))
    p = il.Categorical([0.2, 0.3, 0.5])
    np.testing.assert_array_equal(fit(il.Categorical, p).probs, p.probs)


def test_forward_fit_to_distributions_errors() -> None:
    with pytest.raises(ValueError, match="infinite or undefined variance"):
        fit(il.Normal, stats.t(2), rng=0)
    with pytest.raises(ValueError, match="draws outside the support of Exponential"):
        fit(il.Exponential, BIMODAL, rng=0, n=1000)
    with pytest.raises(TypeError, match='only with divergence="reverse"'):
        fit(il.Normal, lambda x: -(x**2))


# ------------------------------------------------------------------------- reverse KL
def _reverse_kl_quad(loc: float, scale: float) -> float:
    q = stats.norm(loc, scale)
    return _grid_integral(
        lambda t: q.pdf(t) * (q.logpdf(t) - _bimodal_logpdf(t)),
        loc - 12 * scale,
        loc + 12 * scale,
        20_001,
    )


def test_reverse_fit_locks_onto_one_mode_forward_covers_both() -> None:
    fwd = fit(il.Normal, BIMODAL, rng=0)
    rev = fit(il.Normal, BIMODAL, divergence="reverse", rng=0)
    assert abs(float(rev.loc)) == pytest.approx(2.0, abs=0.01)
    assert float(rev.scale) == pytest.approx(0.6, abs=0.01)
    # the exact minimiser, by quadrature and Nelder-Mead from the found mode
    res = optimize.minimize(
        lambda th: _reverse_kl_quad(th[0], math.exp(th[1])),
        [float(rev.loc), math.log(float(rev.scale))],
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-14},
    )
    # two optimiser outputs: ours stops within ~1e-12 of the minimal objective (L-BFGS-B's
    # ftol; the objective is below 1), i.e. within sqrt(2e-12 / curvature) ~ 1e-6 of the optimal
    # loc (curvature ~ 1 / 0.6^2) and log scale (~ 2); Nelder-Mead's xatol is 1e-9: atol 1e-5
    np.testing.assert_allclose(
        [float(rev.loc), float(rev.scale)], [res.x[0], math.exp(res.x[1])], atol=1e-5
    )
    # the reverse fit has the smaller reverse KL; the forward fit the smaller forward KL
    assert _reverse_kl_quad(float(rev.loc), float(rev.scale)) < _reverse_kl_quad(
        0.0, float(fwd.scale)
    )


# The library's reverse fits stop L-BFGS-B at a relative decrease of the objective of
# REVERSE_FTOL (a gradient of 1e-8 stops it sooner still): a tolerance on the objective, which
# becomes one on the parameters through the objective's curvature at its minimum.
REVERSE_FTOL = 1e-12


def test_reverse_fit_recovers_a_member_of_the_family() -> None:
    # objective KL(N(m, s) || N(1, 3)) = (m - 1)^2 / 18 + t^2 + O(t^3), t = log(s / 3), minimum
    # 0: a stop within REVERSE_FTOL of it leaves |m - 1| <= sqrt(18 ftol), |t| <= sqrt(ftol);
    # twice that, since the last decrease only estimates the distance left to the minimum
    q = fit(il.Normal, il.Normal(1.0, 3.0), divergence="reverse", rng=0)
    assert abs(float(q.loc) - 1.0) <= 2 * math.sqrt(18 * REVERSE_FTOL)
    assert abs(math.log(float(q.scale) / 3.0)) <= 2 * math.sqrt(REVERSE_FTOL)
    # n = 1024 stratified draws: the Monte Carlo objective's minimiser is within ~1e-3
    lap = fit(il.Laplace, il.Laplace(1.0, 2.0), divergence="reverse", rng=0, n=1024)
    assert (float(lap.loc), float(lap.scale)) == pytest.approx((1.0, 2.0), abs=5e-3)
    gam = fit(il.Gamma, stats.gamma(3.0, scale=0.5), divergence="reverse", rng=0, n=512)
    assert (float(gam.a), float(gam.scale)) == pytest.approx((3.0, 0.5), rel=2e-2)


def test_reverse_fit_to_an_unnormalised_log_density() -> None:
    q = fit(il.Normal, lambda x: -0.5 * (x - 3.0) ** 2 / 4.0 + 17.0, divergence="reverse")
    # objective KL(q || N(3, 2)) + f*, f* = -17 - log(2 sqrt(2 pi)): the relative stopping rule
    # leaves KL <= ftol |f*|, so |m - 3| <= sqrt(8 ftol |f*|) and |log(s / 2)| <= sqrt(ftol |f*|)
    # (KL = (m - 3)^2 / 8 + t^2 + O(t^3), t = log(s / 2)); twice that, as above
    gap = REVERSE_FTOL * (17.0 + math.log(2.0 * math.sqrt(2.0 * math.pi)))
    assert abs(float(q.loc) - 3.0) <= 2 * math.sqrt(8 * gap)
    assert abs(math.log(float(q.scale) / 2.0)) <= 2 * math.sqrt(gap)


def test_reverse_multivariate_normal_seeks_one_mode() -> None:
    mv = Mixture(
        [
            il.MultivariateNormal([-2.0, 0.0], np.eye(2) * 0.3),
            il.MultivariateNormal([2.0, 0.0], np.eye(2) * 0.3),
        ],
        [0.5, 0.5],
    )
    q = fit(il.MultivariateNormal, mv, divergence="reverse", rng=0, n=512)
    assert abs(float(q.mean[0])) == pytest.approx(2.0, abs=0.02)
    np.testing.assert_allclose(q.cov, np.eye(2) * 0.3, atol=0.02)
    f = fit(il.MultivariateNormal, mv, rng=0, n=20_000)  # forward: both modes, var 4.3
    assert float(f.cov[0, 0]) == pytest.approx(4.3, rel=0.05)


def test_reverse_fit_errors() -> None:
    with pytest.raises(TypeError, match="needs a density"):
        fit(il.Normal, [1.0, 2.0, 3.0], divergence="reverse")
    with pytest.raises(NotImplementedError, match="reverse KL"):
        fit(il.Poisson, il.Poisson(2.0), divergence="reverse")
    with pytest.raises(NotImplementedError, match=r"can fit: .*Gamma"):
        fit(il.VonMises, il.VonMises(1.0), divergence="reverse", rng=0)
    with pytest.raises(TypeError, match="`init` must be a Normal"):
        fit(il.Normal, BIMODAL, divergence="reverse", init=il.Laplace(0, 1))


# ------------------------------------------------------------------------------ example
def test_example_script_writes_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "fit.png"
    script = ROOT / "examples" / "fit_mixture.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.stat().st_size > 1000
    assert "reverse" in proc.stdout
