"""Parametric distributions: the registry, closed forms, Monte Carlo and SciPy input (Normal).

References: numerical integration (scipy.integrate.quad), SciPy's own entropies, and
torch.distributions on the same parameters.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import integrate, stats

import infoloss as il
from infoloss import Normal
from infoloss._core._registry import register

PAIRS = [((0.0, 1.0), (1.0, 2.0)), ((-2.0, 0.5), (0.3, 0.7)), ((1.0, 3.0), (1.0, 3.0))]


def _quad_kl(p: Any, q: Any) -> float:
    """KL by quadrature of p (log p - log q) over the real line."""

    def f(x: float) -> float:
        lp, lq = p.logpdf(x), q.logpdf(x)
        return float(np.exp(lp) * (lp - lq))

    return float(integrate.quad(f, -np.inf, np.inf, epsabs=1e-13, epsrel=1e-11, limit=200)[0])


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_normal_kl_entropy_cross_entropy_against_quadrature(a: Any, b: Any) -> None:
    P, Q = Normal(*a), Normal(*b)
    sp, sq = stats.norm(*a), stats.norm(*b)
    np.testing.assert_allclose(il.kl_divergence(P, Q), _quad_kl(sp, sq), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(il.entropy(P), sp.entropy(), rtol=1e-13)
    ce = integrate.quad(lambda x: -sp.pdf(x) * sq.logpdf(x), -np.inf, np.inf, epsrel=1e-11)[0]
    np.testing.assert_allclose(il.cross_entropy(P, Q), ce, rtol=1e-9)


def test_identical_normals_give_exactly_zero() -> None:
    assert float(il.kl_divergence(Normal(0.3, 2.0), Normal(0.3, 2.0))) == 0.0


def test_scipy_frozen_input_positional_and_keyword() -> None:
    want = il.kl_divergence(Normal(0, 1), Normal(1, 2), base=2)
    got = il.kl_divergence(stats.norm(0, 1), stats.norm(loc=1, scale=2), base=2)
    np.testing.assert_allclose(got, want, rtol=1e-15)
    np.testing.assert_allclose(il.entropy(stats.norm(scale=3)), stats.norm(scale=3).entropy())


def test_unknown_scipy_distribution_names_it() -> None:
    with pytest.raises(TypeError, match=r"scipy\.stats\.semicircular"):
        il.entropy(stats.semicircular())


def test_batched_parameters_equal_a_loop() -> None:
    rng = np.random.default_rng(1)
    loc, scale = rng.normal(size=(3, 4)), rng.uniform(0.5, 2, size=(4,))
    got = il.kl_divergence(Normal(loc, scale), Normal(0.5, 1.5))
    assert got.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            one = il.kl_divergence(Normal(loc[i, j], scale[j]), Normal(0.5, 1.5))
            assert got[i, j] == pytest.approx(float(one), rel=1e-14)


def test_torch_vae_kl_is_differentiable_and_equals_torch() -> None:
    torch = pytest.importorskip("torch")
    gen = torch.Generator().manual_seed(0)
    mu = torch.randn(8, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    sigma = (torch.rand(8, 3, generator=gen, dtype=torch.float64) + 0.1).requires_grad_()
    ours = il.kl_divergence(Normal(mu, sigma), Normal(0, 1))  # scalar Q adopts torch
    ref = torch.distributions.kl_divergence(
        torch.distributions.Normal(mu, sigma), torch.distributions.Normal(0.0, 1.0)
    )
    torch.testing.assert_close(ours, ref)
    g_ours = torch.autograd.grad(ours.sum(), (mu, sigma))
    g_ref = torch.autograd.grad(ref.sum(), (mu, sigma))
    for a, b in zip(g_ours, g_ref, strict=True):
        torch.testing.assert_close(a, b)


def test_invalid_parameters_name_the_parameter() -> None:
    with pytest.raises(
        ValueError, match=r"`scale` of Normal must be > 0.*found -1 at index \(1,\)"
    ):
        Normal(0, [1.0, -1.0])
    with pytest.raises(ValueError, match=r"`loc` of Normal must be a finite real"):
        Normal(np.inf, 1)
    with pytest.raises(ValueError, match="do not broadcast"):
        Normal([0.0, 1.0], [1.0, 2.0, 3.0])


def test_mixing_distributions_and_probability_arrays_is_an_error() -> None:
    with pytest.raises(TypeError, match="both arguments must be distributions"):
        il.kl_divergence(Normal(0, 1), [0.5, 0.5])


# ------------------------------------------------------------------------------ Monte Carlo
def test_mc_is_reproducible_and_within_its_standard_error() -> None:
    P, Q = Normal(0, 1), Normal(1, 2)
    exact = float(il.kl_divergence(P, Q))
    a = il.kl_divergence(P, Q, method="mc", n=50_000, rng=3)
    b = il.kl_divergence(P, Q, method="mc", n=50_000, rng=3)
    assert isinstance(a, il.Estimate)
    assert float(a) == float(b)
    # 5 standard errors: a false alarm has probability ~6e-7 for a normal mean
    assert abs(float(a) - exact) < 5 * float(a.stderr)
    assert np.asarray(a).shape == ()


@pytest.mark.slow
def test_mc_stderr_matches_the_spread_over_seeds() -> None:
    P, Q = Normal(0, 1), Normal(0.5, 1.5)
    ests = [il.kl_divergence(P, Q, method="mc", n=2000, rng=s) for s in range(400)]
    spread = np.std([float(e) for e in ests], ddof=1)
    mean_se = np.mean([float(e.stderr) for e in ests])
    # 400 replicates: the sample sd is known to 1 / sqrt(798) = 3.5%, so rel 0.2 stands 5 of
    # those from a calibrated stderr (the ratio is 1.01 over 800 replicates; with 200, 3.4)
    assert mean_se == pytest.approx(spread, rel=0.2)


def test_k3_estimator_is_non_negative_and_unbiased() -> None:
    P, Q = Normal(0, 1), Normal(0.2, 1.1)
    est = il.kl_divergence(P, Q, method="mc-k3", n=50_000, rng=4)
    assert est.method == "mc-k3"
    assert float(est) >= 0
    assert abs(float(est) - float(il.kl_divergence(P, Q))) < 5 * float(est.stderr)
    plain = il.kl_divergence(P, Q, method="mc", n=50_000, rng=4)
    assert float(est.stderr) < float(plain.stderr)  # the point of k3 when P and Q are close


def test_mc_entropy_and_cross_entropy_and_js() -> None:
    P, Q = Normal(0, 1), Normal(1, 2)
    for fn in (il.entropy, il.cross_entropy):
        args = (P,) if fn is il.entropy else (P, Q)
        est = fn(*args, method="mc", n=40_000, rng=5)
        assert abs(float(est) - float(fn(*args))) < 5 * float(est.stderr)
    # JS has no closed form here: quadrature is the reference
    sp, sq = stats.norm(0, 1), stats.norm(1, 2)

    def f(x: float) -> float:
        p, q = sp.pdf(x), sq.pdf(x)
        m = 0.5 * (p + q)
        return 0.5 * (p * math.log(p / m) if p > 0 else 0) + 0.5 * (
            q * math.log(q / m) if q > 0 else 0
        )

    js = integrate.quad(f, -30, 30, limit=200)[0]
    est = il.js_divergence(P, Q, method="mc", n=40_000, rng=6)
    assert abs(float(est) - js) < 5 * float(est.stderr)


def test_auto_takes_the_closed_form_and_falls_back() -> None:
    P, Q = Normal(0, 1), Normal(1, 2)
    assert not isinstance(il.kl_divergence(P, Q, method="auto"), il.Estimate)
    est = il.js_divergence(P, Q, method="auto", rng=0)
    assert isinstance(est, il.Estimate)
    assert est.method == "mc"


def test_estimates_in_bits_and_js_distance() -> None:
    P, Q = Normal(0, 1), Normal(1, 2)
    nats = il.kl_divergence(P, Q, method="mc", n=1000, rng=7)
    bits = il.kl_divergence(P, Q, method="mc", n=1000, rng=7, base=2)
    assert float(bits) == pytest.approx(float(nats) / math.log(2))
    assert float(bits.stderr) == pytest.approx(float(nats.stderr) / math.log(2))
    js = il.js_divergence(P, Q, method="mc", n=1000, rng=8)
    d = il.js_distance(P, Q, method="mc", n=1000, rng=8)
    assert float(d) == pytest.approx(math.sqrt(float(js)))


def test_no_closed_form_error_names_both_families_and_the_way_out() -> None:
    with pytest.raises(il.NoClosedFormError, match=r"Normal and Normal.*method=\"mc\""):
        il.js_divergence(Normal(0, 1), Normal(0, 2))
    assert issubclass(il.NoClosedFormError, NotImplementedError)


@pytest.mark.parametrize(
    ("kw", "match"),
    [({"method": "bogus"}, "`method` must be one of"), ({"method": "mc", "n": 1}, "`n` must be")],
)
def test_bad_method_and_n(kw: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        il.kl_divergence(Normal(0, 1), Normal(1, 1), **kw)


def test_method_mc_on_probability_arrays_is_refused() -> None:
    with pytest.raises(ValueError, match="computed exactly"):
        il.kl_divergence([0.5, 0.5], [0.9, 0.1], method="mc")


# -------------------------------------------------------------------------------- registry
def test_registry_most_specific_pair_wins_and_twice_is_an_error() -> None:
    class Wide(Normal):
        pass

    @il.register_kl(Wide, Normal)
    def _kl_wide(p: Any, q: Any) -> Any:
        return p.xp.zeros_like(p.loc) - 1.0  # a marker, not a KL

    assert float(il.kl_divergence(Wide(0, 1), Normal(0, 2))) == -1.0
    assert float(il.kl_divergence(Normal(0, 1), Wide(0, 1))) == 0.0  # (Normal, Normal) applies
    assert ("Wide", "Normal") in il.kl_pairs()
    with pytest.raises(ValueError, match="already registered"):
        register("kl_divergence", Wide, Normal)(_kl_wide)


def test_threaded_closed_forms_equal_the_serial_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    from infoloss.distributions import _measure as _parametric

    rng = np.random.default_rng(9)
    loc, scale = rng.normal(size=(101, 3)), rng.uniform(0.5, 2, size=(101, 1))
    P, Q = Normal(loc, scale), Normal(0.5, rng.uniform(0.5, 2, size=3))
    serial = il.kl_divergence(P, Q)
    h_serial = il.entropy(P)
    monkeypatch.setattr(_parametric, "_PARALLEL_MIN", 2)
    np.testing.assert_array_equal(il.kl_divergence(P, Q), serial)
    np.testing.assert_array_equal(il.entropy(P), h_serial)
    np.testing.assert_array_equal(il.cross_entropy(P, Q), il.entropy(P) + serial)


@pytest.mark.parametrize("axis", [-1, 0])
def test_categorical_log_prob_sample_and_entropy(xp: Any, axis: int) -> None:
    from tests.conftest import to_numpy, to_xp

    p = np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])
    pa = p if axis == -1 else p.T
    C = il.Categorical(to_xp(xp, pa), axis=axis)
    np.testing.assert_allclose(to_numpy(C.entropy()), stats.entropy(p, axis=-1), rtol=1e-6)
    lp = C.log_prob(xp.asarray([1, 2]))
    np.testing.assert_allclose(to_numpy(lp), np.log([0.5, 0.3]), rtol=1e-6)
    draws = to_numpy(C.sample(20_000, rng=0))
    assert draws.shape == (20_000, 2)
    freq = np.stack([(draws == k).mean(0) for k in range(3)], axis=-1)
    # binomial standard error sqrt(p(1-p)/n) <= 0.0036: 5 of them
    np.testing.assert_allclose(freq, p, atol=0.018)
    np.testing.assert_array_equal(to_numpy(C.sample(5, rng=1)), to_numpy(C.sample(5, rng=1)))
    with pytest.raises(ValueError, match="outcome indices"):
        C.log_prob(xp.asarray([3, 0]))
    k = np.arange(3)
    mean = (p * k).sum(-1)  # moments of the outcome index, by hand
    np.testing.assert_allclose(to_numpy(C.mean), mean, rtol=1e-6)
    np.testing.assert_allclose(to_numpy(C.variance), (p * k**2).sum(-1) - mean**2, rtol=1e-6)


@pytest.mark.parametrize("bad_at", [5, 999_990])
def test_large_parameters_checked_in_chunks_find_every_bad_value(bad_at: int) -> None:
    scale = np.random.default_rng(10).uniform(0.5, 2.0, 1_000_000)
    scale[500_000] = np.nan  # allowed: NaN in gives NaN out, and must not hide the -1
    scale[bad_at] = -1.0
    with pytest.raises(ValueError, match=rf"`scale` of Normal .* at index \({bad_at},\)"):
        Normal(0.0, scale)
    scale[bad_at] = 1.0
    assert Normal(0.0, scale).batch_shape == (1_000_000,)
