"""`Mixture`: log density, normalisation, moments, sampling, gradients and validation.

References: SciPy's component densities summed by hand, scipy.integrate.quad for the
normalisation, the law of total variance computed from SciPy's moments, seeded sample moments
(tolerances of several standard errors), and PyTorch autograd against a hand derivative.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

import infoloss as il
from infoloss import Gamma, Mixture, MultivariateNormal, Normal, Poisson, StudentT

W = [0.2, 0.5, 0.3]


def _mix() -> tuple[Mixture, list[object]]:
    comps = [Normal(-1.0, 0.5), StudentT(4.0, 1.0, 2.0), Normal(3.0, 1.5)]
    refs = [stats.norm(-1.0, 0.5), stats.t(4.0, 1.0, 2.0), stats.norm(3.0, 1.5)]
    return Mixture(comps, W), refs


def _pdf(refs: list[object], x: np.ndarray) -> np.ndarray:
    return sum(w * r.pdf(x) for w, r in zip(W, refs, strict=True))  # type: ignore[attr-defined]


def test_log_prob_equals_scipy_mixture_density() -> None:
    m, refs = _mix()
    x = np.linspace(-6.0, 9.0, 61)
    np.testing.assert_allclose(m.log_prob(x), np.log(_pdf(refs, x)), rtol=1e-13)


def test_log_prob_far_in_the_tail_stays_finite() -> None:
    # exp underflows at -60: the direct density is 0, logsumexp keeps the log density exact
    m = Mixture([Normal(0.0, 1.0), Normal(1.0, 1.0)], [0.5, 0.5])
    x = np.array([60.0])
    ref = np.logaddexp(stats.norm(0, 1).logpdf(x), stats.norm(1, 1).logpdf(x)) + np.log(0.5)
    np.testing.assert_allclose(m.log_prob(x), ref, rtol=1e-14)


# quad asked for 1e-12 (absolute and relative): its default, 1.5e-8 relative, is looser than the
# checks below, so a result within its tolerance could fail them
QUAD = {"epsabs": 1e-12, "epsrel": 1e-12, "limit": 200}


def test_density_integrates_to_one() -> None:
    m, _ = _mix()
    total = integrate.quad(
        lambda t: float(np.exp(m.log_prob(np.array(t)))), -np.inf, np.inf, **QUAD
    )
    assert total[0] == pytest.approx(1.0, abs=1e-9)


def test_mean_and_variance_follow_the_law_of_total_variance() -> None:
    m, refs = _mix()
    mean = sum(w * r.mean() for w, r in zip(W, refs, strict=True))  # type: ignore[attr-defined]
    second = sum(w * (r.var() + r.mean() ** 2) for w, r in zip(W, refs, strict=True))  # type: ignore[attr-defined]
    np.testing.assert_allclose(m.mean, mean, rtol=1e-14)
    np.testing.assert_allclose(m.variance, second - mean**2, rtol=1e-13)
    # and by quadrature of the density
    q1 = integrate.quad(
        lambda t: t * float(np.exp(m.log_prob(np.array(t)))), -np.inf, np.inf, **QUAD
    )
    assert float(m.mean) == pytest.approx(q1[0], abs=1e-8)


def test_sample_moments_and_component_frequencies() -> None:
    m = Mixture([Normal(-2.0, 0.6), Gamma(2.0, 1.5)], [0.3, 0.7])
    x = m.sample(200_000, rng=np.random.default_rng(4))
    n = x.shape[0]
    # standard errors: sd / sqrt(n) for the mean; 5 of them is a fixed-seed safety margin
    assert abs(x.mean() - float(m.mean)) < 5 * np.sqrt(float(m.variance) / n)
    # the variance's relative standard error is sqrt((kurtosis - 1) / n) = 0.0034 here
    # (kurtosis 3.33, by quadrature): rel 0.02 is almost 6 of them
    assert x.var() == pytest.approx(float(m.variance), rel=0.02)
    frac = np.mean(x < 0)  # the Gamma component is never negative
    p_neg = 0.3 * stats.norm(-2.0, 0.6).cdf(0.0)
    assert abs(frac - p_neg) < 5 * np.sqrt(p_neg * (1 - p_neg) / n)


def test_sample_is_reproducible_with_a_seed() -> None:
    m, _ = _mix()
    np.testing.assert_array_equal(m.sample(50, rng=3), m.sample(50, rng=3))
    assert m.sample((4, 5), rng=0).shape == (4, 5)


def test_discrete_mixture_sums_to_one() -> None:
    m = Mixture([Poisson(1.0), Poisson(6.0)], [0.4, 0.6])
    k = np.arange(0.0, 80.0)
    ref = 0.4 * stats.poisson(1.0).pmf(k) + 0.6 * stats.poisson(6.0).pmf(k)
    np.testing.assert_allclose(np.exp(m.log_prob(k)), ref, rtol=1e-12)
    assert np.exp(m.log_prob(k)).sum() == pytest.approx(1.0, abs=1e-12)
    assert m.discrete


def test_multivariate_components() -> None:
    c1 = MultivariateNormal([0.0, 0.0], np.eye(2))
    c2 = MultivariateNormal([1.0, 3.0], [[2.0, 0.3], [0.3, 1.0]])
    m = Mixture([c1, c2], [0.3, 0.7])
    x = np.array([[0.0, 0.0], [1.0, 2.0], [-1.0, 4.0]])
    ref = 0.3 * stats.multivariate_normal([0, 0], np.eye(2)).pdf(x) + 0.7 * (
        stats.multivariate_normal([1, 3], [[2.0, 0.3], [0.3, 1.0]]).pdf(x)
    )
    np.testing.assert_allclose(m.log_prob(x), np.log(ref), rtol=1e-13)
    assert m.event_shape == (2,)
    np.testing.assert_allclose(m.mean, [0.7, 2.1])
    np.testing.assert_allclose(m.variance, [0.3 + 0.7 * 3.0 - 0.49, 0.3 + 0.7 * 10.0 - 4.41])
    s = m.sample(100_000, rng=1)
    assert s.shape == (100_000, 2)
    # standard errors sqrt(variance / n) = 0.0044 and 0.0054: atol 0.03 is more than 5 of them
    np.testing.assert_allclose(s.mean(axis=0), [0.7, 2.1], atol=0.03)


def test_torch_gradients_match_the_hand_derivative() -> None:
    torch = pytest.importorskip("torch")
    mu = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([0.4, 0.6], dtype=torch.float64, requires_grad=True)
    m = Mixture([Normal(mu[0], 1.0), Normal(mu[1], 2.0)], w)
    x = torch.tensor([0.5, 3.0, -1.0], dtype=torch.float64)
    m.log_prob(x).sum().backward()
    xs = x.numpy()
    p1, p2 = stats.norm(0, 1).pdf(xs), stats.norm(1, 2).pdf(xs)
    dens = 0.4 * p1 + 0.6 * p2
    # d/dmu_k log p = w_k p_k(x) (x - mu_k) / sigma_k^2 / p(x); d/dw_k log p = p_k(x) / p(x)
    want_mu = [np.sum(0.4 * p1 * (xs - 0) / 1.0 / dens), np.sum(0.6 * p2 * (xs - 1) / 4.0 / dens)]
    np.testing.assert_allclose(mu.grad.numpy(), want_mu, rtol=1e-12)
    np.testing.assert_allclose(w.grad.numpy(), [np.sum(p1 / dens), np.sum(p2 / dens)], rtol=1e-12)


def test_entropy_raises_and_monte_carlo_route_works() -> None:
    m = Mixture([Normal(-2.0, 0.6), Normal(2.0, 0.6)], [0.5, 0.5])
    with pytest.raises(NotImplementedError, match="no closed form"):
        m.entropy()
    est = il.kl_divergence(m, Normal(0.0, 2.0), method="mc", rng=0, n=20_000)
    # reference: KL by quadrature of p (log p - log q)
    sp = [stats.norm(-2, 0.6), stats.norm(2, 0.6)]

    def f(t: float) -> float:
        p = 0.5 * sp[0].pdf(t) + 0.5 * sp[1].pdf(t)
        return float(p * (np.log(p) - stats.norm(0, 2).logpdf(t))) if p > 0 else 0.0

    ref = integrate.quad(f, -12, 12, limit=200)[0]
    assert abs(float(est) - ref) < 5 * est.stderr
    h = il.entropy(m, method="mc", rng=1, n=20_000)
    href = integrate.quad(
        lambda t: -np.exp(m.log_prob(np.array(t))) * m.log_prob(np.array(t)), -12, 12
    )[0]
    assert abs(float(h) - href) < 5 * h.stderr


def test_scalar_components_adopt_torch_weights() -> None:
    torch = pytest.importorskip("torch")
    m = Mixture([Normal(0.0, 1.0), Normal(1.0, 1.0)], torch.tensor([0.5, 0.5]))
    out = m.log_prob(torch.tensor([0.0]))
    assert isinstance(out, torch.Tensor)
    assert out.dtype == torch.float32


@pytest.mark.parametrize(
    ("weights", "match"),
    [
        ([0.5, 0.6], r"`weights` must sum to 1 .*found sum 1\.1"),
        ([1.2, -0.2], r"`weights` of Mixture must be >= 0"),
        ([1.0], r"one weight per component \(2\)"),
    ],
)
def test_bad_weights_are_errors_not_normalised(weights: list[float], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Mixture([Normal(0, 1), Normal(1, 1)], weights)


def test_bad_components() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Mixture([], [])
    with pytest.raises(TypeError, match=r"`components\[1\]` must be an infoloss distribution"):
        Mixture([Normal(0, 1), stats.norm(0, 1)], [0.5, 0.5])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="one event shape"):
        Mixture([Normal(0, 1), MultivariateNormal([0.0, 0.0], np.eye(2))], [0.5, 0.5])
    with pytest.raises(TypeError, match="list of infoloss distributions"):
        Mixture(Normal(0, 1), [1.0])  # type: ignore[arg-type]


def test_nan_weights_give_nan() -> None:
    m = Mixture([Normal(0, 1), Normal(1, 1)], [np.nan, np.nan])
    assert np.isnan(m.log_prob(np.array([0.0]))).all()
