"""The bias of an estimate from data is made visible: halving and quartering the data, then
extrapolating (`infoloss.data._bias`).

Truths are closed forms (the entropy of a uniform distribution over K categories is log K; of
N(0, I_d), d/2 log(2 pi e)). The replicate counts and thresholds are stated beside each test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import infoloss
from infoloss import (
    BiasWarning,
    Counts,
    Estimate,
    Samples,
    cross_entropy,
    entropy,
    js_divergence,
    kl_divergence,
)
from infoloss.data._bias import MIN_DRAWS, diagnose, split


# ------------------------------------------------------------------------------ the split
def test_split_samples_is_a_partition() -> None:
    x = np.arange(103.0)
    parts = split(Samples(x), 4, np.random.default_rng(0))
    assert [p.n for p in parts] == [26, 26, 26, 25]
    assert sorted(np.concatenate([p.values().ravel() for p in parts])) == list(x)


def test_split_counts_is_a_partition() -> None:
    c = np.array([50, 0, 7, 1, 300])
    parts = split(Counts(c, categories=list("abcde")), 2, np.random.default_rng(1))
    assert [p.n for p in parts] == [179, 179]
    np.testing.assert_array_equal(sum(p.counts for p in parts), c)
    assert all(p.categories.tolist() == list("abcde") for p in parts)


def test_split_keeps_the_library_of_the_draws() -> None:
    torch = pytest.importorskip("torch")
    s = Samples(torch.arange(40, dtype=torch.float64))
    parts = split(s, 2, np.random.default_rng(0))
    assert all(isinstance(p.data, torch.Tensor) for p in parts)
    assert sorted(torch.cat([p.data for p in parts]).tolist()) == list(range(40))


# ------------------------------------------------------------------------ the diagnostic
@pytest.mark.filterwarnings("ignore::infoloss.UndersampledWarning")  # said too
def test_an_undersampled_alphabet_warns_and_its_interval_covers() -> None:
    """Plug-in entropy of 200 draws of a uniform over 1,000 categories: bias about -1.7 nats
    (Miller–Madow's (K_obs - 1)/2n alone is 0.4), the standard error about 0.05. All of 20
    seeded replicates must warn, carry a negative bias, and cover log 1000 (a 95% interval
    missing in 0 of 20 has probability 0.36 under exact coverage; the test asks for >= 18)."""
    covered = 0
    for seed in range(20):
        x = np.random.default_rng(seed).integers(0, 1000, 200)
        with pytest.warns(BiasWarning, match="halving the data moves it"):
            est = entropy(Samples(x), method="plugin")
        assert est.bias is not None
        assert float(est.bias) < 0
        low, high = est.interval()
        covered += float(low) <= math.log(1000) <= float(high)
    assert covered >= 18


def test_a_well_sampled_estimate_stays_quiet() -> None:
    """Miller–Madow on 10,000 draws of a uniform over 10 categories (its bias is O(1/n²)) and
    the default kNN estimate on 2,000 N(0, 1) draws: no bias found in 10 seeds (a warning would
    fail the test: warnings are errors in this suite)."""
    for seed in range(10):
        rng = np.random.default_rng(seed)
        entropy(Samples(rng.integers(0, 10, 10_000)), method="miller_madow")
        entropy(Samples(rng.normal(size=2_000)))


def test_too_few_continuous_draws_warn() -> None:
    x = np.random.default_rng(0).normal(size=(MIN_DRAWS - 1, 10))
    with pytest.warns(BiasWarning, match="too few draws to assess its bias"):
        entropy(Samples(x))


def test_an_exact_answer_is_not_diagnosed() -> None:
    x = np.random.default_rng(14).normal(size=(500, 2))
    est = kl_divergence(Samples(x), Samples(x.copy()))
    assert float(est) == 0.0
    assert est.bias is None


@pytest.mark.filterwarnings("ignore::infoloss.UndersampledWarning")  # said too
def test_the_diagnostic_is_reproducible() -> None:
    x = np.random.default_rng(3).integers(0, 1000, 200)
    with pytest.warns(BiasWarning):
        a = entropy(Samples(x), method="plugin")
    with pytest.warns(BiasWarning):
        b = entropy(Samples(x), method="plugin")
    assert float(a.bias) == float(b.bias)


def test_the_extrapolation_recovers_a_power_law_bias() -> None:
    """An 'estimator' whose expectation is truth + 3 n^-0.5, with no noise: the diagnostic
    must return b(n) = 3 n^-0.5 (the split sizes are exact halves and quarters of 4096)."""
    s = Samples(np.zeros(4096))
    found = diagnose(lambda d: 3 * d[0].n ** -0.5, (s,), 3 * 4096**-0.5, 1e-3)
    assert found is not None
    assert found.alpha == pytest.approx(0.5, rel=1e-12)
    assert found.value == pytest.approx(3 * 4096**-0.5, rel=1e-12)
    assert found.visible
    assert found.dominates


@pytest.mark.filterwarnings("ignore::infoloss.UndersampledWarning")  # said too
def test_bias_follows_units_and_arithmetic() -> None:
    x = np.random.default_rng(5).integers(0, 1000, 200)
    with pytest.warns(BiasWarning):
        nats = entropy(Samples(x), method="plugin")
    with pytest.warns(BiasWarning):
        bits = entropy(Samples(x), method="plugin", base=2)
    assert float(bits.bias) == pytest.approx(float(nats.bias) / math.log(2), rel=1e-12)
    assert float((2 * nats).bias) == 2 * float(nats.bias)
    assert float((-nats).bias) == -float(nats.bias)
    assert float((nats + 1).bias) == float(nats.bias)


def test_the_interval_spans_the_estimate_and_its_correction() -> None:
    est = Estimate(np.asarray(1.0), np.asarray(0.1), "t", 10, bias=np.asarray(-0.5))
    low, high = est.interval(0.95)
    z = 1.959963984540054
    assert float(low) == pytest.approx(1.0 - z * 0.1, rel=1e-14)
    assert float(high) == pytest.approx(1.5 + z * 0.1, rel=1e-14)
    assert "bias" in repr(est)


def test_every_data_warning_is_an_estimate_warning() -> None:
    assert issubclass(BiasWarning, infoloss.EstimateWarning)


# ------------------------------------------------------------- P beyond Q's draws (kNN KL)
def test_p_beyond_the_reach_of_q_warns() -> None:
    """t_3 draws against N(0, 1) draws, n = m = 10^4: about 3% of P's draws lie beyond Q's
    range (P(|t_3| > 3.9)), against ~2 expected for one distribution; the kNN KL is -0.5 nats
    off (KL(t_3 ‖ N(0, 1)) = 0.6455 by quadrature, benchmarks/bench_honesty.py). It warns."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_t(3, 10_000), rng.normal(size=10_000)
    with pytest.warns(BiasWarning, match=r"lie outside the range of the 10000 draws of `q`"):
        kl_divergence(Samples(x), Samples(y))


def test_p_within_the_reach_of_q_stays_quiet() -> None:
    """Two samples of one distribution (and P narrower than Q): no warning in 10 seeds
    (warnings are errors in this suite)."""
    for seed in range(10):
        rng = np.random.default_rng(seed)
        kl_divergence(Samples(rng.normal(size=(2000, 2))), Samples(rng.normal(size=(2000, 2))))
        kl_divergence(Samples(rng.normal(0, 0.5, 500)), Samples(rng.normal(size=3000)))


def test_knn_entropy_in_high_dimension_warns_where_its_bias_outgrows_the_stderr() -> None:
    """N(0, I_5), n = 10^4: the default's bias (-0.041, bench_honesty.py) is four standard
    errors, and halving cannot see it; the estimate says so. With n = 100 in d = 10 the
    standard error (~0.3) dwarfs the bias: quiet (warnings are errors in this suite)."""
    rng = np.random.default_rng(0)
    with pytest.warns(BiasWarning, match=r"in d >= 5 carry a bias that falls slowly"):
        entropy(Samples(rng.normal(size=(10_000, 5))))
    entropy(Samples(rng.normal(size=(100, 10))))


def test_two_sample_knn_kl_in_high_dimension_always_warns() -> None:
    """KL(N(0, I_5) ‖ N(0, 1.44 I_5)) from 1000 draws each: the estimate is off by about +0.09
    (0.148 true; bench measurements in `_slow_bias`), with no halving step to show it; the
    warning comes whatever the draws. The cross-entropy too; JS (bounded) does not."""
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(1000, 5)), 1.2 * rng.normal(size=(1000, 5))
    for f in (kl_divergence, cross_entropy):
        with pytest.warns(BiasWarning, match=r"two-sample nearest-neighbour estimates in d >= 5"):
            f(Samples(x), Samples(y))
    js_divergence(Samples(x), Samples(y))


def test_kl_of_high_dimensional_data_against_a_model_reads_the_entropy_terms_bias() -> None:
    """KL(data ‖ model) = NLL - H(data): in d = 5 with 10^4 draws the kNN entropy term's slow
    bias exceeds twice its standard error, as for `entropy` alone."""
    x = np.random.default_rng(0).normal(size=(10_000, 5))
    model = infoloss.MultivariateNormal(np.zeros(5), np.eye(5))
    with pytest.warns(BiasWarning, match=r"in d >= 5 carry a bias that falls slowly"):
        kl_divergence(Samples(x), model)


def test_kl_against_a_batch_of_models_keeps_its_shape() -> None:
    """KL(data ‖ model) for a batch of models: the bias diagnostic reads the data's entropy
    term (one number for the batch) and the result keeps the batch's shape."""
    x = np.random.default_rng(0).normal(size=500)
    est = kl_divergence(Samples(x), infoloss.Normal(np.array([0.0, 1.0, 2.0]), 1.0))
    assert np.asarray(est).shape == (3,)
    exact = [0.0, 0.5, 2.0]  # KL(N(0,1) ‖ N(mu,1)) = mu^2 / 2; 500 draws: within 5 stderrs
    assert np.all(np.abs(np.asarray(est) - exact) < 5 * np.asarray(est.stderr) + 0.05)


@pytest.mark.filterwarnings("ignore::infoloss.UndersampledWarning")  # said too
def test_kl_against_a_model_carries_the_entropy_bias_with_its_sign() -> None:
    """Uniform data over 1,000 categories against the uniform model: KL = 0. The plug-in
    entropy of 200 draws falls ~1.7 nats short, so KL = NLL - H overshoots: the bias is
    positive, and the interval reaches down to the truth."""
    x = np.random.default_rng(0).integers(0, 1000, 200)
    model = infoloss.Categorical(probs=np.full(1000, 1e-3))
    with pytest.warns(BiasWarning, match=r"moves it by \+"):
        est = kl_divergence(Samples(x, categories=np.arange(1000)), model, method="plugin")
    assert float(est.bias) > 0
    low, high = est.interval()
    assert float(low) <= 0.0 <= float(high)


def test_value_only_skips_the_costly_standard_errors_and_keeps_the_values() -> None:
    """The bias diagnostics read only the values on halves and quarters: inside `value_only`
    the jackknife and bootstrap standard errors (JS by NSB, Chao–Wang–Jost) are skipped, and the
    values are the same numbers."""
    from infoloss.data._estimators import _counts as C
    from infoloss.data._estimators._counts_base import value_only

    rng = np.random.default_rng(3)
    cp = rng.multinomial(300, rng.dirichlet(np.ones(40))).astype(float)
    cq = rng.multinomial(200, rng.dirichlet(np.ones(40))).astype(float)
    full = [C.ENTROPY["chao_wang_jost"](cp[cp > 0]), C.JS["nsb"](cp, cq)]
    with value_only():
        fast = [C.ENTROPY["chao_wang_jost"](cp[cp > 0]), C.JS["nsb"](cp, cq)]
    for (v, se), (w, se_w) in zip(full, fast, strict=True):
        assert w == v
        assert math.isfinite(se)
        assert math.isnan(se_w)
