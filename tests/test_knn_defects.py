"""Defects of the continuous (kNN) estimators, issue 12: each test failed before its fix.

Sources of truth: the exact transformation rules H(aX) = H(X) + d log|a| and KL(aX‖aY) =
KL(X‖Y) (float rounding only), the rank-3 Kozachenko–Leonenko estimate that "bsy" equals for
d <= 3, JS(P, P) = 0 and 0 <= JS <= log 2 (Lin 1991), JS between N(0, I) and a shifted copy by
`scipy.integrate.quad` along the shift, and the spread of seeded repeats. Every draw is seeded.
"""

from __future__ import annotations

import math
import tracemalloc
from types import ModuleType

import numpy as np
import pytest
import scipy.integrate
import scipy.stats
from tests.conftest import to_numpy, to_xp

from infoloss import Samples, js_distance, js_divergence, kl_divergence
from infoloss.data._estimators._knn import CROSS_ENTROPY, ENTROPY, JS, KL

LOG2 = math.log(2.0)


def js_of_shift(delta: float) -> float:
    """JS(N(0, I), N(δ e_1, I)): only the coordinate along the shift differs."""
    p, q = scipy.stats.norm(0, 1).pdf, scipy.stats.norm(delta, 1).pdf

    def f(t: float) -> float:
        m = 0.5 * (p(t) + q(t))
        return 0.5 * p(t) * math.log(p(t) / m) + 0.5 * q(t) * math.log(q(t) / m)

    return float(scipy.integrate.quad(f, -12, 12 + delta, limit=200)[0])


# ------------------------------------------------------------------------ "bsy" is "kl" in d <= 3
@pytest.mark.parametrize("d", [1, 2, 3])
def test_bsy_accepts_the_duplicated_pair_kl_accepts(d: int) -> None:
    # one repeated pair: rank 3 never sees distance 0, so both must give the rank-3 estimate
    # (the weights of "bsy" were [1e-17, 3e-17, 1] here, and the first rank refused the pair)
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((400, d)), rng.standard_normal((300, d))
    x[1] = x[0]
    assert ENTROPY["bsy"](x, 3, None) == ENTROPY["kl"](x, 3, None)
    assert KL["bsy"](x, y, 3, None) == KL["wkv"](x, y, 3, None)


# ------------------------------------------------------------------------------ units
# Tolerance: the data are rescaled by a power of two internally (exact), so x·a and x differ
# only by the rounding of each product, relative 1.1e-16 per coordinate, i.e. about d·1e-16 on
# each log-distance term; d·log a itself is rounded to ~1e-13 (|d log a| <= 3 · 369). 1e-10
# is far above both and far below any real error (the old code was off by 1e-4 at 1e-160).
SCALES = [1e-160, 1e-20, 3.7e5, 1e160]


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("method", ["kl", "bsy", "vasicek", "van_es", "ebrahimi", "correa"])
def test_entropy_is_equivariant_over_all_units(scale: float, method: str) -> None:
    d = 1 if method not in ("kl", "bsy") else 3
    x = np.random.default_rng(2).standard_normal((500, d))
    h0 = ENTROPY[method](x, None, None)[0]
    h1 = ENTROPY[method](x * scale, None, None)[0]
    assert h1 == pytest.approx(h0 + d * math.log(scale), abs=1e-10)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("d", [1, 4])
def test_two_sample_estimates_are_invariant_over_all_units(scale: float, d: int) -> None:
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((400, d)), rng.standard_normal((300, d)) + 0.5
    for method in ("wkv", "bsy"):
        assert KL[method](x * scale, y * scale, None, None)[0] == pytest.approx(
            KL[method](x, y, None, None)[0], abs=1e-10
        )
        ce0 = CROSS_ENTROPY[method](x, y, None, None)[0]
        ce1 = CROSS_ENTROPY[method](x * scale, y * scale, None, None)[0]
        assert ce1 == pytest.approx(ce0 + d * math.log(scale), abs=1e-10)
    for method in JS:
        assert JS[method](x * scale, y * scale, None, None) == pytest.approx(
            JS[method](x, y, None, None), abs=1e-12
        )


# ------------------------------------------------------------------------------ k is checked first
def test_a_rank_beyond_the_sample_is_refused_before_any_allocation() -> None:
    # the weights of rank K cost K^2 floats: K = 5000 would be 200 MB (k = 30,000 was 24 GB)
    x = np.random.default_rng(4).standard_normal((100, 5))
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"`p` has 100 points; rank k = 5000 needs"):
            ENTROPY["bsy"](x, 5000, None)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10e6


# ------------------------------------------------------------------------------ rounded draws
def _rounded_pair(side: str, step: float) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((2_000, 1)), rng.standard_normal((2_000, 1))
    if side == "p":
        x = np.round(x / step) * step
    else:
        y = np.round(y / step) * step
    return x, y


@pytest.mark.parametrize("side", ["p", "q"])
@pytest.mark.parametrize("step", [0.1, 1.0])
@pytest.mark.parametrize("measure", [kl_divergence, js_divergence])
def test_rounded_draws_are_refused_on_either_side(side: str, step: float, measure: object) -> None:
    # two samples of one N(0, 1), one side rounded: the old KL took a rounded `q` silently
    # (2.87 nats for a step of 0.1, 5.17 for 1, truth about 0); now the one rule refuses it
    x, y = _rounded_pair(side, step)
    with pytest.raises(ValueError, match=rf"`{side}` has \d+ points at distance 0") as err:
        measure(Samples(x), Samples(y))  # type: ignore[operator]
    text = str(err.value)
    assert "rounded to 0.1" in text
    assert "discrete=True" in text
    assert "resolution=0.1" in text  # the option that dequantises them
    assert "--resolution" in text  # and its name on the command line


def test_the_tie_rule_is_the_same_for_p_and_q() -> None:
    # the same sample with repeats, as `p` or as `q`: the same message, the name swapped
    x, y = _rounded_pair("p", 0.1)
    with pytest.raises(ValueError, match="`p` has") as as_p:
        KL["wkv"](x, y, None, None)
    with pytest.raises(ValueError, match="`q` has") as as_q:
        KL["wkv"](y, x, None, None)
    assert str(as_q.value) == str(as_p.value).replace("`p`", "`q`")


def test_js_applies_the_rule_to_the_pooled_draws() -> None:
    # each sample repeats one value 3 times (allowed at rank 3), the pooled draws 6 times
    rng = np.random.default_rng(11)
    x, y = rng.standard_normal((300, 2)), rng.standard_normal((300, 2))
    x[:3] = y[:3] = 0.25
    assert np.isfinite(KL["wkv"](x, x[::-1] + 0.1, None, None)[0])
    with pytest.raises(ValueError, match=r"the pooled draws of `p` and `q` \(of M\) have 6 "):
        JS["kl"](x, y, None, None)


# ------------------------------------------------------------------------------ JS
def test_js_with_unequal_sizes_is_reproducible(xp: ModuleType) -> None:
    rng = np.random.default_rng(6)
    x, y = rng.standard_normal((300, 2)), rng.standard_normal((700, 2)) + 0.3
    p, q = Samples(to_xp(xp, x)), Samples(to_xp(xp, y))
    first, second = js_divergence(p, q), js_divergence(p, q)
    assert to_numpy(first.value) == to_numpy(second.value)
    assert JS["bsy"](x, y, None, None) == JS["bsy"](x, y, None, np.random.default_rng(9))


def test_js_of_one_50_dimensional_normal_is_near_0_and_within_bounds() -> None:
    # P = Q: the old difference of kNN entropies gave 1.01 +- 0.33 nats (> log 2). The labels
    # of pooled neighbours are exchangeable here, so the raw estimate is centred on 0 and the
    # reported value (projected on [0, log 2]) is below 4 standard errors (< 1e-4 to fail).
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((1_000, 50)), rng.standard_normal((1_000, 50))
    est = js_divergence(Samples(x), Samples(y), base=2)
    assert 0.0 <= float(est.value) <= 4 * float(est.stderr)
    dist = js_distance(Samples(x), Samples(y), base=2)
    assert 0.0 <= float(dist.value) <= 1.0


def test_js_of_separated_samples_is_log2_with_a_nonzero_stderr() -> None:
    # no ball holds a draw of the other sample: every term is log 2; the standard error is the
    # resolution of the estimate (one neighbour count), not 0
    rng = np.random.default_rng(8)
    x, y = rng.standard_normal((500, 2)), rng.standard_normal((400, 2)) + 50.0
    for method in JS:
        value, se = JS[method](x, y, None, None)
        assert value == LOG2
        assert 0.0 < se < 0.01
    est = js_distance(Samples(x), Samples(y), base=2)
    assert float(est.value) == 1.0
    assert float(est.stderr) > 0


@pytest.mark.parametrize(("d", "n", "m"), [(1, 2_000, 2_000), (3, 2_000, 2_000), (3, 600, 3_000)])
def test_js_against_quadrature(d: int, n: int, m: int) -> None:
    # JS(N(0, I), N(e_1, I)) = 0.1114 (quadrature). Tolerance: 4 reported standard errors, the
    # se being within 0.7-1.0 of the spread over 20 seeded repeats (n = m: 0.98, n != m: 0.7),
    # plus the smoothing bias at n = 600 (+0.006 over those repeats) rounded up to 0.01.
    rng = np.random.default_rng(10 + d + n)
    x, y = rng.standard_normal((n, d)), rng.standard_normal((m, d))
    y[:, 0] += 1.0
    value, se = JS["kl"](x, y, None, None)
    assert abs(value - js_of_shift(1.0)) < 4 * se + (0.01 if n != m else 0.0)


def test_compiled_1d_neighbour_search_equals_the_numpy_route(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the compiled core's merge (discrete.nearest_sorted) against the stable argsort of the
    # candidate block, exactly: distances and neighbour indices, ties and runs of one value
    # (rounded data), fewer points than ranks, far-away queries, self- and cross-queries
    from infoloss.data._estimators import _knn_neighbours as kn
    from infoloss.discrete import _numpy_kernels

    if _numpy_kernels._ckernels is None:
        pytest.skip("the compiled core is not built")
    rng = np.random.default_rng(20261207)
    for trial in range(300):
        n, m = int(rng.integers(1, 200)), int(rng.integers(1, 150))
        x = rng.normal(size=(n, 1))
        if trial % 2:
            x = np.round(x * 3, int(rng.integers(0, 3)))
        if trial % 5 == 0:
            x[: n // 2] = x[0]
        y = x[rng.integers(0, n, m)] if trial % 3 == 0 else np.round(rng.normal(size=(m, 1)), 1)
        if trial % 7 == 0:
            y[0] = 1e300
        top = int(rng.integers(1, 14))
        ks = list(range(1, top + 1)) if trial % 2 else list(range(2, top + 2))
        fast = kn._Sorted1D(x).query(y, ks)
        with monkeypatch.context() as mp:
            mp.setattr(kn, "nearest_sorted", lambda *a: None)
            slow = kn._Sorted1D(x).query(y, ks)
        np.testing.assert_array_equal(fast[0], slow[0])
        np.testing.assert_array_equal(fast[1], slow[1])
