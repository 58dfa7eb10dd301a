"""Hypothesis properties of the measures (NumPy float64 inputs).

Distributions are drawn as non-negative weights (some exactly zero, at least one positive) and
normalised here with NumPy, so the library sees valid probabilities.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infoloss

# modest example counts keep the whole module at a few seconds; deadline off for slow CI runners
PROPS = settings(max_examples=60, deadline=None)

# a weight: exactly 0 about a quarter of the time, else in [1e-3, 1] (no denormals, no overflow)
WEIGHT = st.one_of(st.just(0.0), st.floats(1e-3, 1.0), st.floats(1e-3, 1.0), st.floats(1e-3, 1.0))


@st.composite
def distributions(draw: st.DrawFn, n: int | None = None, positive: bool = False) -> np.ndarray:
    """A probability vector of length n (drawn in 1..12 if None); `positive` forbids zeros."""
    if n is None:
        n = draw(st.integers(1, 12))
    elem = st.floats(1e-3, 1.0) if positive else WEIGHT
    w = np.array(draw(st.lists(elem, min_size=n, max_size=n)), dtype=np.float64)
    if w.sum() == 0:
        w[draw(st.integers(0, n - 1))] = 1.0
    return w / w.sum()


@st.composite
def pairs(draw: st.DrawFn, q_positive: bool = False) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 12))
    return draw(distributions(n)), draw(distributions(n, positive=q_positive))


@PROPS
@given(pairs())
def test_kl_nonnegative(pq: tuple[np.ndarray, np.ndarray]) -> None:
    p, q = pq
    kl = float(infoloss.kl_divergence(p, q))
    assert kl >= 0.0  # Gibbs' inequality; may be +inf for a support mismatch, never NaN


@PROPS
@given(distributions())
def test_kl_self_is_exactly_zero(p: np.ndarray) -> None:
    assert float(infoloss.kl_divergence(p, p)) == 0.0
    assert float(infoloss.kl_divergence(p, p.copy(), base=2)) == 0.0


@PROPS
@given(pairs(q_positive=True))
def test_cross_entropy_is_entropy_plus_kl(pq: tuple[np.ndarray, np.ndarray]) -> None:
    p, q = pq
    ce = float(infoloss.cross_entropy(p, q))
    h = float(infoloss.entropy(p))
    kl = float(infoloss.kl_divergence(p, q))
    assert ce == pytest.approx(h + kl, rel=1e-10, abs=1e-12)


@PROPS
@given(pairs())
def test_cross_entropy_is_entropy_plus_kl_with_support_mismatch(
    pq: tuple[np.ndarray, np.ndarray],
) -> None:
    # with zeros in q the identity still holds in the extended reals (inf == inf)
    p, q = pq
    ce = infoloss.cross_entropy(p, q)
    expected = infoloss.entropy(p) + infoloss.kl_divergence(p, q)
    np.testing.assert_allclose(ce, expected, rtol=1e-10, atol=1e-12)


@PROPS
@given(distributions())
def test_entropy_bounds(p: np.ndarray) -> None:
    h = float(infoloss.entropy(p))
    n = p.shape[-1]
    assert h >= 0.0
    assert h <= math.log(n) * (1 + 1e-12)  # maximal for the uniform distribution


@PROPS
@given(pairs())
def test_js_symmetric_and_bounded(pq: tuple[np.ndarray, np.ndarray]) -> None:
    p, q = pq
    js_pq = float(infoloss.js_divergence(p, q))
    js_qp = float(infoloss.js_divergence(q, p))
    assert js_pq == pytest.approx(js_qp, rel=1e-12, abs=1e-15)
    assert 0.0 <= js_pq <= math.log(2)
    assert 0.0 <= float(infoloss.js_divergence(p, q, base=2)) <= 1.0
    d = float(infoloss.js_distance(p, q, base=2))
    assert 0.0 <= d <= 1.0
    assert d == pytest.approx(math.sqrt(float(infoloss.js_divergence(p, q, base=2))), rel=1e-12)


@PROPS
@given(distributions())
def test_js_self_is_exactly_zero(p: np.ndarray) -> None:
    assert float(infoloss.js_divergence(p, p)) == 0.0
    assert float(infoloss.js_distance(p, p)) == 0.0


@PROPS
@given(pairs(q_positive=True))
def test_bits_are_nats_over_ln2(pq: tuple[np.ndarray, np.ndarray]) -> None:
    p, q = pq
    for name in ("kl_divergence", "cross_entropy", "js_divergence"):
        f = getattr(infoloss, name)
        nats, bits = float(f(p, q)), float(f(p, q, base="bits"))
        assert bits == pytest.approx(nats / math.log(2), rel=1e-12, abs=1e-15)
        assert float(f(p, q, base=2)) == pytest.approx(bits, rel=1e-14, abs=1e-15)
    h, h2 = float(infoloss.entropy(p)), float(infoloss.entropy(p, base=2))
    assert h2 == pytest.approx(h / math.log(2), rel=1e-12, abs=1e-15)


@st.composite
def product_pairs(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    m, n = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    return (
        draw(distributions(m)),
        draw(distributions(n)),
        draw(distributions(m)),
        draw(distributions(n)),
    )


@PROPS
@given(product_pairs())
def test_kl_of_product_is_sum_of_marginal_kls(ps: tuple[np.ndarray, ...]) -> None:
    # KL(P1 x P2 || Q1 x Q2) = KL(P1 || Q1) + KL(P2 || Q2) (chain rule for independent parts)
    p1, p2, q1, q2 = ps
    joint_p = p1[:, None] * p2[None, :]
    joint_q = q1[:, None] * q2[None, :]
    joint = infoloss.kl_divergence(joint_p, joint_q, axis=(0, 1))
    marginal = infoloss.kl_divergence(p1, q1) + infoloss.kl_divergence(p2, q2)
    np.testing.assert_allclose(joint, marginal, rtol=1e-9, atol=1e-12)


@PROPS
@given(product_pairs())
def test_entropy_of_product_is_sum_of_entropies(ps: tuple[np.ndarray, ...]) -> None:
    p1, p2, _, _ = ps
    joint = float(infoloss.entropy(p1[:, None] * p2[None, :], axis=(0, 1)))
    joint_t = float(infoloss.entropy(p2[:, None] * p1[None, :], axis=(1, 0)))
    expected = float(infoloss.entropy(p1)) + float(infoloss.entropy(p2))
    assert joint == pytest.approx(expected, rel=1e-10, abs=1e-12)
    assert joint_t == pytest.approx(expected, rel=1e-10, abs=1e-12)


@PROPS
@given(
    st.integers(1, 5).flatmap(
        lambda rows: st.lists(distributions(4), min_size=rows, max_size=rows).map(np.stack)
    )
)
def test_rowwise_equals_one_at_a_time(p: np.ndarray) -> None:
    # a batch of rows gives the same values as each row alone (no cross-row leakage)
    q = p[::-1].copy()
    batch = infoloss.kl_divergence(p, q)
    singles = np.array([infoloss.kl_divergence(p[i], q[i]) for i in range(len(p))])
    np.testing.assert_allclose(batch, singles, rtol=1e-13)
    np.testing.assert_allclose(infoloss.entropy(p.T, axis=0), infoloss.entropy(p), rtol=1e-14)
