"""The exact core's last edges: the logarithm base, infinite logits, NaN draws, the gradient of
the JS distance at p = q, and measures between a pmf and a density.

Sources of truth: limits written out by hand (softmax([M, 0, -1]) as M grows), the losses of
`infoloss.losses` on the same logits, finite differences (`torch.autograd.gradcheck`) and the
analytic derivative of a square root.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest
import scipy.stats as st
from tests.conftest import to_numpy, to_xp

import infoloss as il
from infoloss import losses

INF = math.inf
LN2 = math.log(2.0)


# ---------------------------------------------------------------------------------------------
# 1. base must be a finite number > 1 (or a unit name), everywhere `base=` is taken

P2, Q2 = [0.5, 0.5], [0.9, 0.1]
BASE_TAKERS: dict[str, Callable[..., Any]] = {
    "entropy": lambda base: il.entropy(P2, base=base),
    "cross_entropy": lambda base: il.cross_entropy(P2, Q2, base=base),
    "kl_divergence": lambda base: il.kl_divergence(P2, Q2, base=base),
    "js_divergence": lambda base: il.js_divergence(P2, Q2, base=base),
    "js_distance": lambda base: il.js_distance(P2, Q2, base=base),
    "softmax_cross_entropy": lambda base: losses.softmax_cross_entropy(
        np.array([[1.0, 0.0]]), np.array([0]), base=base
    ),
    "distillation_kl": lambda base: losses.distillation_kl(
        np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]), base=base
    ),
    # every category seen more than once: no UndersampledWarning
    "entropy of Samples": lambda base: il.entropy(il.Samples([1, 2, 2, 3] * 5), base=base),
    "kl of parametric": lambda base: il.kl_divergence(il.Normal(0, 1), il.Normal(1, 1), base=base),
}


@pytest.mark.parametrize("fn", BASE_TAKERS.values(), ids=BASE_TAKERS.keys())
@pytest.mark.parametrize(
    "base", [0.5, 0.999, 1, 1.0, 0, -2.0, math.nan, INF, -INF, np.float32(0.5)], ids=repr
)
def test_base_not_above_one_is_refused(fn: Callable[..., Any], base: Any) -> None:
    """A base in (0, 1) flips the sign of every measure (KL = -0.737 for base 0.5): refused,
    like 1, non-positive and non-finite bases, with what was expected and what was found."""
    with pytest.raises(ValueError, match=r"`base` must be a (finite )?number > 1") as info:
        fn(base)
    assert repr(base) in str(info.value)  # what was found
    assert '"bits"' in str(info.value)  # the names that are accepted too


@pytest.mark.parametrize("name", BASE_TAKERS)
def test_valid_bases_still_convert(name: str) -> None:
    def value(base: Any) -> float:
        got = BASE_TAKERS[name](base)
        v = float(np.asarray(getattr(got, "value", got)))
        return v * v if name == "js_distance" else v  # the root of a JS in that base

    nats = value(None)
    for base, log_b in ((2, LN2), (1.5, math.log(1.5)), ("bits", LN2), (np.float64(10), None)):
        expected = nats / (log_b if log_b is not None else math.log(10.0))
        assert value(base) == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------------------------------------
# 2. one rule for infinite logits: the limit of a logit growing without bound


def _grow(m: float) -> np.ndarray:
    return np.array([m, 0.0, -1.0])


def test_plus_inf_logit_is_the_limit_of_a_growing_logit(xp: ModuleType) -> None:
    """softmax([M, 0, -1]) -> (1, 0, 0) as M -> inf: H -> 0, H([1,0,0], .) -> 0,
    H([0,1,0], .) = M + log(1 + e^-M + e^-M-1) -> inf, KL(., uniform) -> log 3."""
    P = il.Categorical(logits=to_xp(xp, _grow(INF)))
    big = il.Categorical(logits=to_xp(xp, _grow(800.0)))  # exp(-800) underflows: the limit
    for C in (P, big):
        assert float(to_numpy(il.entropy(C))) == 0.0
        assert float(to_numpy(il.cross_entropy(to_xp(xp, [1.0, 0.0, 0.0]), C))) == 0.0
        assert float(to_numpy(il.cross_entropy(to_xp(xp, [0.0, 1.0, 0.0]), C))) >= 800.0
        kl_u = il.kl_divergence(C, to_xp(xp, np.full(3, 1 / 3)))
        assert float(to_numpy(kl_u)) == pytest.approx(math.log(3.0), rel=1e-12)
    assert float(to_numpy(il.cross_entropy(to_xp(xp, [0.0, 1.0, 0.0]), P))) == INF
    # the approach: H(softmax([M, 0, -1])) decreases to 0
    hs = [float(to_numpy(il.entropy(il.Categorical(logits=to_xp(xp, _grow(m)))))) for m in (5, 20)]
    assert hs[0] > hs[1] > 0.0
    np.testing.assert_array_equal(to_numpy(P.probs), [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(to_numpy(P.log_probs), [0.0, -INF, -INF])


def test_plus_inf_logits_in_js_and_kl(xp: ModuleType) -> None:
    """Point masses on different outcomes: JS = log 2 (its maximum), KL = inf; on the same
    outcome: 0."""
    a = il.Categorical(logits=to_xp(xp, [INF, 0.0]))
    b = il.Categorical(logits=to_xp(xp, [0.0, INF]))
    c = il.Categorical(logits=to_xp(xp, [INF, -INF]))
    assert float(to_numpy(il.js_divergence(a, b))) == pytest.approx(LN2, rel=1e-12)
    assert float(to_numpy(il.js_distance(a, b, base=2))) == pytest.approx(1.0, rel=1e-12)
    assert float(to_numpy(il.kl_divergence(a, b))) == INF
    assert float(to_numpy(il.kl_divergence(a, c))) == 0.0
    assert float(to_numpy(il.js_divergence(a, c))) == 0.0
    assert float(to_numpy(il.kl_divergence(to_xp(xp, [1.0, 0.0]), a))) == 0.0


def test_rows_without_a_limit_are_nan_as_in_the_losses(xp: ModuleType) -> None:
    """Two +inf logits (their limit depends on how they grow) and a row of -inf only (no mass)
    give NaN, in that row only, and no floating-point warning."""
    z = to_xp(xp, [[INF, INF, 0.0], [-INF, -INF, -INF], [INF, 0.0, 0.0], [0.0, 1.0, 2.0]])
    C = il.Categorical(logits=z)
    h = to_numpy(il.entropy(C))
    assert np.isnan(h[:2]).all()
    assert h[2] == 0.0
    assert np.isfinite(h[3])
    assert np.isnan(to_numpy(C.probs)[:2]).all()


def test_categorical_logits_agree_with_softmax_cross_entropy(xp: ModuleType) -> None:
    """The measures and the loss read the same logits the same way, row by row."""
    z_np = np.array(
        [
            [INF, 0.0, -1.0],  # point mass on 0: loss 0 for target 0
            [INF, 0.0, -1.0],  # ... and inf for target 1
            [INF, INF, 0.0],  # no limit: NaN
            [-INF, -INF, -INF],  # no mass: NaN
            [0.5, -INF, 2.0],  # -inf is probability 0
            [0.3, 1.0, -2.0],
        ]
    )
    y_np = np.array([0, 1, 0, 0, 2, 1])
    loss = to_numpy(
        losses.softmax_cross_entropy(to_xp(xp, z_np), to_xp(xp, y_np), reduction="none")
    )
    onehot = np.eye(3)[y_np]
    ce = to_numpy(il.cross_entropy(to_xp(xp, onehot), il.Categorical(logits=to_xp(xp, z_np))))
    np.testing.assert_array_equal(np.isnan(ce), np.isnan(loss))
    np.testing.assert_allclose(ce, loss, rtol=1e-12)
    assert list(ce[:2]) == [0.0, INF]


def test_distillation_kl_follows_the_same_rule(xp: ModuleType) -> None:
    t = np.array([[INF, 0.0, 0.0], [1.0, 0.0, -INF]])
    s = np.array([[2.0, 0.0, 1.0], [0.5, 0.5, 0.0]])
    loss = to_numpy(losses.distillation_kl(to_xp(xp, s), to_xp(xp, t), reduction="none"))
    kl = to_numpy(
        il.kl_divergence(il.Categorical(logits=to_xp(xp, t)), il.Categorical(logits=to_xp(xp, s)))
    )
    np.testing.assert_allclose(loss, kl, rtol=1e-12)
    expected0 = -(2.0 - math.log(math.exp(2.0) + 1.0 + math.exp(1.0)))  # -log q_0
    assert loss[0] == pytest.approx(expected0, rel=1e-12)


def test_plus_inf_over_joint_axes(xp: ModuleType) -> None:
    """The rule holds for a joint distribution over several axes too."""
    z = np.zeros((2, 2, 3))
    z[0, 1, 2] = INF
    z[1] = np.arange(6.0).reshape(2, 3)
    C = il.Categorical(logits=to_xp(xp, z), axis=(1, 2))
    h = to_numpy(il.entropy(C))
    assert h[0] == 0.0
    p = np.exp(z[1]) / np.exp(z[1]).sum()
    assert h[1] == pytest.approx(-(p * np.log(p)).sum(), rel=1e-12)


GRAD_MEASURES: dict[str, Callable[[Any, Any], Any]] = {
    "entropy": lambda C, t: il.entropy(C),
    "cross_entropy": lambda C, t: il.cross_entropy(t, C),
    "kl(t, C)": lambda C, t: il.kl_divergence(t, C),
    "kl(C, t)": lambda C, t: il.kl_divergence(C, t),
    "js_divergence": lambda C, t: il.js_divergence(C, t),
    "js_distance": lambda C, t: il.js_distance(C, t),
}


@pytest.mark.parametrize("f", GRAD_MEASURES.values(), ids=GRAD_MEASURES.keys())
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_inf_logit_gradients_are_finite(f: Callable[[Any, Any], Any], dtype: str) -> None:
    """A row at its limit gets zero gradient; the other rows the gradient they have alone."""
    torch = pytest.importorskip("torch")
    dt = getattr(torch, dtype)
    z = torch.tensor([[INF, 0.0, 1.0], [0.3, 1.0, -2.0], [0.5, -INF, 2.0]], dtype=dt)
    t = torch.tensor([[1.0, 0.0, 0.0], [0.2, 0.3, 0.5], [0.1, 0.0, 0.9]], dtype=dt)
    z.requires_grad_(True)
    out = f(il.Categorical(logits=z), t)
    assert torch.isfinite(out).all()
    (g,) = torch.autograd.grad(out.sum(), z)
    assert torch.isfinite(g).all()
    assert (g[0] == 0).all()
    alone = z[1:].detach().clone().requires_grad_(True)
    (g_alone,) = torch.autograd.grad(f(il.Categorical(logits=alone), t[1:]).sum(), alone)
    tol = 1e-12 if dt == torch.float64 else 1e-5
    torch.testing.assert_close(g[1:], g_alone, rtol=tol, atol=tol)


def test_finite_logits_take_the_fast_route_unchanged(xp: ModuleType) -> None:
    """Large finite logits keep full precision (no regression of the plain formula)."""
    z = np.array([1e4, 1e4 - 1.0, -3e4])
    lp = to_numpy(il.Categorical(logits=to_xp(xp, z)).log_probs)
    lse = math.log1p(math.exp(-1.0))  # logsumexp(z) - 1e4, written out
    np.testing.assert_allclose(lp, [-lse, -1.0 - lse, -4e4 - lse], rtol=1e-15)


# ---------------------------------------------------------------------------------------------
# 3. NaN must not sample


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"logits": [math.nan, 0.0]}, "`logits`"),
        ({"logits": [[0.0, 1.0], [INF, INF]]}, "`logits` row (1,)"),
        ({"probs": [[0.5, 0.5], [math.nan, 1.0]], "validate": False}, "`probs` row (1,)"),
        ({"log_probs": [math.nan, 0.0], "validate": False}, "`log_probs`"),
    ],
)
def test_categorical_with_nan_probabilities_refuses_to_sample(
    kwargs: dict[str, Any], name: str
) -> None:
    C = il.Categorical(**kwargs)
    with pytest.raises(ValueError, match="NaN") as info:
        C.sample(5, rng=0)
    assert str(info.value).startswith(name)


def test_categorical_nan_sampling_on_every_backend(xp: ModuleType) -> None:
    C = il.Categorical(logits=to_xp(xp, [math.nan, 0.0]))
    with pytest.raises(ValueError, match="`logits`"):
        C.sample(3, rng=0)
    ok = il.Categorical(logits=to_xp(xp, [[INF, 0.0], [0.0, INF]]))
    np.testing.assert_array_equal(to_numpy(ok.sample(4, rng=0)), np.tile([0, 1], (4, 1)))


# ---------------------------------------------------------------------------------------------
# 4. the JS distance has a finite gradient at p = q


@pytest.mark.parametrize("base", [None, 2])
def test_js_distance_gradient_at_equal_inputs_is_zero(base: Any) -> None:
    torch = pytest.importorskip("torch")
    p0 = torch.tensor([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]], dtype=torch.float64)
    p, q = p0.clone().requires_grad_(True), p0.clone().requires_grad_(True)
    d = il.js_distance(p, q, base=base)
    assert (d == 0).all()
    gp, gq = torch.autograd.grad(d.sum(), (p, q))
    assert (gp == 0).all()
    assert (gq == 0).all()

    z = torch.tensor([[0.3, -1.0, 2.0], [INF, 0.0, 0.0]], dtype=torch.float64)
    z1, z2 = z.clone().requires_grad_(True), z.clone().requires_grad_(True)
    d = il.js_distance(il.Categorical(logits=z1), il.Categorical(logits=z2), base=base)
    assert (d == 0).all()
    g1, g2 = torch.autograd.grad(d.sum(), (z1, z2))
    assert (g1 == 0).all()
    assert (g2 == 0).all()


def test_js_distance_gradient_away_from_equal_inputs() -> None:
    """Finite differences (gradcheck) and the chain rule d sqrt(JS) = dJS / (2 sqrt(JS))."""
    torch = pytest.importorskip("torch")
    g = torch.Generator().manual_seed(0)
    z = torch.randn(3, 4, generator=g, dtype=torch.float64, requires_grad=True)
    w = torch.randn(3, 4, generator=g, dtype=torch.float64)

    def dist(a: Any) -> Any:
        return il.js_distance(il.Categorical(logits=a), il.Categorical(logits=w))

    assert torch.autograd.gradcheck(dist, (z,))
    (gd,) = torch.autograd.grad(dist(z).sum(), z)
    js = il.js_divergence(il.Categorical(logits=z), il.Categorical(logits=w))
    (gjs,) = torch.autograd.grad(js.sum(), z)
    torch.testing.assert_close(gd, gjs / (2 * js.detach().sqrt())[:, None], rtol=1e-12, atol=0)


def test_js_distance_value_and_nan_unchanged(xp: ModuleType) -> None:
    p, q = to_xp(xp, [[0.5, 0.5], [0.5, 0.5], [math.nan, 1.0]]), to_xp(xp, [[1.0, 0.0]] * 3)
    d = to_numpy(il.js_distance(p, q, validate=False))
    js = to_numpy(il.js_divergence(p, q, validate=False))
    np.testing.assert_array_equal(d[:2], np.sqrt(js[:2]))
    assert np.isnan(d[2])
    assert float(to_numpy(il.js_distance(p[0, ...], p[0, ...]))) == 0.0


# ---------------------------------------------------------------------------------------------
# 5. a pmf against a density has no cross-entropy, KL or JS

MIXED_MEASURES = [il.cross_entropy, il.kl_divergence, il.js_divergence, il.js_distance]


@pytest.mark.parametrize("measure", MIXED_MEASURES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("method", ["exact", "auto", "mc", "mc-k3"])
def test_pmf_against_density_is_refused(measure: Callable[..., Any], method: str) -> None:
    """KL(Poisson(3) || Normal(3, 1)) by Monte Carlo used to be a finite 0.478 ± 0.017."""
    with pytest.raises(TypeError, match=r"`p` is a discrete distribution \(Poisson\)") as info:
        measure(il.Poisson(3.0), il.Normal(3.0, 1.0), method=method, rng=0)
    assert "`q` a continuous one (Normal)" in str(info.value)
    assert "pmf and a density" in str(info.value)
    with pytest.raises(TypeError, match=r"`p` is a continuous distribution \(Normal\)"):
        measure(il.Normal(3.0, 1.0), il.Poisson(3.0), method=method, rng=0)


def test_pmf_against_density_is_refused_for_scipy_and_mixtures() -> None:
    with pytest.raises(TypeError, match=r"\(Binomial\).*\(Gamma\)"):
        il.kl_divergence(st.binom(10, 0.3), st.gamma(2.0), method="mc", rng=0)
    mix = il.Mixture([il.Poisson(2.0), il.Poisson(6.0)], [0.5, 0.5])
    with pytest.raises(TypeError, match=r"\(Mixture\).*\(Normal\)"):
        il.kl_divergence(mix, il.Normal(4.0, 2.0), method="mc", rng=0)


def test_same_kind_pairs_still_work() -> None:
    exact = il.kl_divergence(il.Binomial(10, 0.3), il.Poisson(3.0))
    assert np.isfinite(exact)
    est = il.kl_divergence(il.Normal(0.0, 1.0), il.Laplace(0.0, 1.0), method="mc", rng=0)
    assert np.isfinite(est.value)
    assert np.isfinite(il.entropy(il.Poisson(3.0)))
