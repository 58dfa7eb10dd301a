"""`infoloss.losses` against independent sources of truth.

References: PyTorch's own losses (`torch.nn.functional`, on the same float64 inputs, values and
autograd gradients), `sklearn.metrics.log_loss` on models fitted to data sets shipped with
scikit-learn, `scipy.stats.poisson.logpmf`, closed forms written out in NumPy, and infoloss's
own `entropy` / `kl_divergence` as a second route. Inputs are built in NumPy (seeded) and moved
to every backend of the `xp` fixture; results come back with `to_numpy`.
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.special import xlogy
from tests.conftest import to_numpy, to_xp

import infoloss
from infoloss import losses

torch = pytest.importorskip("torch")
F = torch.nn.functional

LN2 = math.log(2.0)
REDUCTIONS = ("mean", "sum", "none")


def t64(a: Any) -> Any:
    """A float64 (or int64) torch tensor of the very same numbers."""
    return torch.as_tensor(np.asarray(a).copy())


def close(ours: Any, ref: Any, rtol: float = 1e-12, atol: float = 1e-12) -> None:
    ref = ref.detach().numpy() if hasattr(ref, "detach") else np.asarray(ref)
    np.testing.assert_allclose(to_numpy(ours), ref, rtol=rtol, atol=atol)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261127)


# ----------------------------------------------------------------------- module and contract
def test_all_is_sorted_and_public() -> None:
    assert losses.__all__ == sorted(losses.__all__)
    for name in losses.__all__:
        fn = getattr(losses, name)
        assert fn.__doc__, name
        assert "Examples" in fn.__doc__, name


# --------------------------------------------------------------------- softmax cross-entropy
@pytest.mark.parametrize("smoothing", [0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_softmax_ce_index_targets_match_torch(
    xp: ModuleType, rng: np.random.Generator, smoothing: float, weighted: bool
) -> None:
    # torch layout (N, C, d1, d2): our `axis=1`; one ignored target
    z = rng.normal(size=(4, 5, 3, 2)) * 3
    y = rng.integers(0, 5, size=(4, 3, 2))
    y[1, 2, 0] = -100
    w = rng.random(5) + 0.2 if weighted else None
    for red in REDUCTIONS:
        ref = F.cross_entropy(
            t64(z),
            t64(y),
            weight=None if w is None else t64(w),
            ignore_index=-100,
            label_smoothing=smoothing,
            reduction=red,
        )
        ours = losses.softmax_cross_entropy(
            to_xp(xp, z),
            to_xp(xp, y),
            axis=1,
            weight=None if w is None else to_xp(xp, w),
            ignore_index=-100,
            label_smoothing=smoothing,
            reduction=red,
        )
        close(ours, ref)
        if red == "none":
            assert to_numpy(ours).shape == (4, 3, 2)


def test_softmax_ce_class_axis_last_equals_torch_with_axis_moved(rng: np.random.Generator) -> None:
    z = rng.normal(size=(3, 4, 6))  # (N, T, C), classes last: the infoloss default axis=-1
    y = rng.integers(0, 6, size=(3, 4))
    ref = F.cross_entropy(t64(z).permute(0, 2, 1), t64(y), reduction="none")
    close(losses.softmax_cross_entropy(z, y, reduction="none"), ref)


@pytest.mark.parametrize("smoothing", [0.0, 0.25])
def test_softmax_ce_probability_targets_match_torch(
    xp: ModuleType, rng: np.random.Generator, smoothing: float
) -> None:
    z = rng.normal(size=(4, 5, 3, 2))  # shapes shared with the tests above: JAX compiles once
    p = rng.dirichlet(np.ones(5), size=(4, 3, 2)).transpose(0, 3, 1, 2)  # classes on axis 1
    w = rng.random(5) + 0.5
    for red in REDUCTIONS:
        for weight in (None, w):
            ref = F.cross_entropy(
                t64(z),
                t64(p),
                weight=None if weight is None else t64(weight),
                label_smoothing=smoothing,
                reduction=red,
            )
            ours = losses.softmax_cross_entropy(
                to_xp(xp, z),
                to_xp(xp, p),
                axis=1,
                weight=None if weight is None else to_xp(xp, weight),
                label_smoothing=smoothing,
                reduction=red,
            )
            close(ours, ref)


def test_softmax_ce_gradients_match_torch(rng: np.random.Generator) -> None:
    z = rng.normal(size=(8, 5))
    y = rng.integers(0, 5, size=8)
    y[3] = -1
    w = rng.random(5) + 0.1
    p = rng.dirichlet(np.ones(5), size=8)
    cases = [
        ({"weight": w, "ignore_index": -1, "label_smoothing": 0.1}, y),
        ({"label_smoothing": 0.2}, p),
        ({"weight": w}, p),
    ]
    for kw, target in cases:
        a = t64(z).requires_grad_()
        b = t64(z).requires_grad_()
        ours_kw = {k: t64(v) if k == "weight" else v for k, v in kw.items()}
        losses.softmax_cross_entropy(a, t64(target), **ours_kw).backward()
        F.cross_entropy(b, t64(target), **ours_kw).backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_softmax_ce_gradient_in_jax(rng: np.random.Generator) -> None:
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    z = rng.normal(size=(6, 5))
    y = rng.integers(0, 5, size=6)
    g = jax.grad(lambda x: losses.softmax_cross_entropy(x, jax.numpy.asarray(y)))(
        jax.numpy.asarray(z)
    )
    b = t64(z).requires_grad_()
    F.cross_entropy(b, t64(y)).backward()
    np.testing.assert_allclose(np.asarray(g), b.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_softmax_ce_smoothed_indices_equal_smoothed_one_hot(rng: np.random.Generator) -> None:
    z = rng.normal(size=(7, 4))
    y = rng.integers(0, 4, size=7)
    one_hot = np.eye(4)[y]
    a = losses.softmax_cross_entropy(z, y, label_smoothing=0.4, reduction="none")
    b = losses.softmax_cross_entropy(z, one_hot, label_smoothing=0.4, reduction="none")
    np.testing.assert_allclose(a, b, rtol=1e-13)


def test_soft_target_ce_is_entropy_plus_kl(rng: np.random.Generator) -> None:
    # second route: H(p, q) = H(p) + KL(p || q) with infoloss's own measures
    z = rng.normal(size=(6, 5))
    p = rng.dirichlet(np.ones(5), size=6)
    q = infoloss.Categorical(logits=z)
    ours = losses.softmax_cross_entropy(z, p, reduction="none")
    np.testing.assert_allclose(ours, infoloss.entropy(p) + infoloss.kl_divergence(p, q))


def test_softmax_ce_infinite_logits() -> None:
    z = np.array([[0.0, -np.inf, 1.0], [-np.inf, 0.0, 0.0]])
    ce = losses.softmax_cross_entropy(z, np.array([2, 0]), reduction="none")
    assert np.isfinite(ce[0])
    assert ce[1] == np.inf  # the observed class had probability 0
    np.testing.assert_allclose(ce[0], math.log(1 + math.e) - 1.0)
    # zero target mass on a -inf logit counts 0 (PyTorch gives NaN there)
    soft = losses.softmax_cross_entropy(
        z, np.array([[0.5, 0.0, 0.5], [0.0, 1.0, 0.0]]), reduction="none"
    )
    np.testing.assert_allclose(soft, [math.log(1 + math.e) - 0.5, math.log(2.0)])
    # smoothing puts mass on every class: a -inf logit makes the loss infinite
    assert losses.softmax_cross_entropy(z, np.array([2, 1]), label_smoothing=0.1) == np.inf
    # gradients stay finite where the target has no mass
    a = torch.tensor(z, requires_grad=True)
    losses.softmax_cross_entropy(a, torch.tensor([[0.5, 0.0, 0.5], [0.0, 0.5, 0.5]])).backward()
    assert torch.isfinite(a.grad).all()


def test_softmax_ce_nan_propagates() -> None:
    z = np.array([[0.0, np.nan, 1.0], [0.0, 1.0, 2.0]])
    ce = losses.softmax_cross_entropy(z, np.array([0, 1]), reduction="none")
    assert np.isnan(ce[0])
    assert np.isfinite(ce[1])
    assert np.isnan(losses.softmax_cross_entropy(z, np.array([0, 1])))
    p = np.array([[np.nan, 0.5, 0.5], [0.2, 0.3, 0.5]])
    out = losses.softmax_cross_entropy(np.zeros((2, 3)), p, reduction="none")
    assert np.isnan(out[0])
    assert np.isfinite(out[1])


def test_softmax_ce_all_ignored_is_nan_like_torch() -> None:
    z = np.zeros((2, 3))
    y = np.array([-100, -100])
    assert np.isnan(losses.softmax_cross_entropy(z, y, ignore_index=-100))
    assert torch.isnan(F.cross_entropy(t64(z), t64(y), ignore_index=-100))
    assert losses.softmax_cross_entropy(z, y, ignore_index=-100, reduction="sum") == 0.0


def test_softmax_ce_unvalidated_bad_index_gives_nan_not_a_clipped_value() -> None:
    out = losses.softmax_cross_entropy(
        np.zeros((3, 4)), np.array([0, 7, -1]), validate=False, reduction="none"
    )
    assert np.isnan(out[1:]).all()
    # log 4 by NumPy's log (SIMD or libm, by CPU) against math.log: two faithfully rounded logs
    # of the same number differ by at most 1 ulp
    np.testing.assert_allclose(out[0], math.log(4.0), rtol=2 * np.finfo(float).eps)


def test_softmax_ce_keeps_dtype_and_library() -> None:
    z = torch.randn(4, 3, dtype=torch.float32, generator=torch.Generator().manual_seed(0))
    out = losses.softmax_cross_entropy(z, torch.tensor([0, 1, 2, 0]))
    assert isinstance(out, torch.Tensor)
    assert out.dtype == torch.float32
    assert isinstance(losses.softmax_cross_entropy(np.zeros((2, 3)), [0, 1]), np.floating)


# ---------------------------------------------------------------------------- real data sets
@pytest.fixture(scope="module")
def digits_model() -> tuple[Any, np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x, y = load_digits(return_X_y=True)
    x = StandardScaler().fit_transform(x)
    model = LogisticRegression(C=0.1, max_iter=2000).fit(x, y)
    return model, x, y


def test_softmax_ce_equals_sklearn_log_loss_on_digits(
    digits_model: tuple[Any, np.ndarray, np.ndarray],
) -> None:
    from sklearn.metrics import log_loss

    model, x, y = digits_model
    proba = model.predict_proba(x)
    ref = log_loss(y, proba)
    # log-probabilities are logits too (their softmax is the same distribution)
    np.testing.assert_allclose(losses.softmax_cross_entropy(np.log(proba), y), ref, rtol=1e-10)
    np.testing.assert_allclose(
        losses.softmax_cross_entropy(model.decision_function(x), y), ref, rtol=1e-10
    )
    # class weights: PyTorch's weighted mean is sklearn's sample-weighted mean with w[y]
    w = np.linspace(0.5, 2.0, 10)
    np.testing.assert_allclose(
        losses.softmax_cross_entropy(model.decision_function(x), y, weight=w),
        log_loss(y, proba, sample_weight=w[y]),
        rtol=1e-10,
    )
    np.testing.assert_allclose(
        losses.softmax_cross_entropy(np.log(proba), y, base=2), ref / LN2, rtol=1e-10
    )


def test_binary_ce_equals_sklearn_log_loss_on_breast_cancer() -> None:
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss
    from sklearn.preprocessing import StandardScaler

    x, y = load_breast_cancer(return_X_y=True)
    x = StandardScaler().fit_transform(x)
    model = LogisticRegression(max_iter=2000).fit(x, y)
    ref = log_loss(y, model.predict_proba(x)[:, 1])
    np.testing.assert_allclose(
        losses.binary_cross_entropy(model.decision_function(x), y), ref, rtol=1e-10
    )


# ---------------------------------------------------------------------- binary cross-entropy
@pytest.mark.parametrize("shape", [(6,), (6, 5)])
def test_binary_ce_matches_torch(
    xp: ModuleType, rng: np.random.Generator, shape: tuple[int, ...]
) -> None:
    z = rng.normal(size=shape) * 4
    y = rng.random(shape)
    y[rng.random(shape) < 0.5] = 1.0
    y[rng.random(shape) < 0.3] = 0.0
    pw = rng.random(shape[-1:]) + 0.5
    for weight in (None, pw):
        elem = F.binary_cross_entropy_with_logits(
            t64(z), t64(y), pos_weight=None if weight is None else t64(weight), reduction="none"
        )
        per_example = elem.sum(-1) if len(shape) == 2 else elem
        refs = {"none": per_example, "sum": per_example.sum(), "mean": per_example.mean()}
        for red in REDUCTIONS:
            ours = losses.binary_cross_entropy(
                to_xp(xp, z),
                to_xp(xp, y),
                pos_weight=None if weight is None else to_xp(xp, weight),
                reduction=red,
            )
            close(ours, refs[red])


def test_binary_ce_mean_is_over_examples_not_labels(rng: np.random.Generator) -> None:
    z = rng.normal(size=(5, 3))
    y = (rng.random((5, 3)) < 0.5) * 1.0
    torch_mean = F.binary_cross_entropy_with_logits(t64(z), t64(y))  # averages over labels too
    np.testing.assert_allclose(losses.binary_cross_entropy(z, y), 3 * float(torch_mean))


def test_binary_ce_gradients_match_torch(rng: np.random.Generator) -> None:
    z = rng.normal(size=(6, 3))
    y = rng.random((6, 3))
    pw = rng.random(3) + 0.5
    a, b = t64(z).requires_grad_(), t64(z).requires_grad_()
    ya, yb = t64(y).requires_grad_(), t64(y).requires_grad_()  # soft labels from a teacher
    losses.binary_cross_entropy(a, ya, pos_weight=t64(pw)).backward()
    F.binary_cross_entropy_with_logits(b, yb, pos_weight=t64(pw), reduction="none").sum(
        -1
    ).mean().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ya.grad.numpy(), yb.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_softmax_ce_plus_inf_logit_is_the_point_mass_limit() -> None:
    """Review L6: softmax([c, 0, 0]) → the point mass on class 0 as c → +inf, so the loss
    tends to 0 for target 0 and to +inf for the others (PyTorch: NaN, from inf − inf);
    two +inf logits have no limit (it depends on their ratio): NaN."""
    z = np.array([[np.inf, 0.0, 0.0], [np.inf, 0.0, 0.0], [np.inf, np.inf, 0.0], [0.0, 1.0, 2.0]])
    ce = losses.softmax_cross_entropy(z, np.array([0, 1, 0, 2]), reduction="none")
    assert ce[0] == 0.0
    assert ce[1] == np.inf
    assert np.isnan(ce[2])
    # the limit, approached: logit 40 gives -log softmax = log(1 + 2 e^-40) ≈ 8.5e-18
    finite = losses.softmax_cross_entropy(np.array([[40.0, 0.0, 0.0]]), np.array([0]))
    assert finite == pytest.approx(math.log1p(2 * math.exp(-40.0)), rel=1e-12)
    np.testing.assert_allclose(
        ce[3], -torch.log_softmax(torch.tensor([0.0, 1.0, 2.0], dtype=torch.float64), 0)[2]
    )
    # soft targets: all mass on the +inf class → 0; smoothing puts mass elsewhere → +inf
    assert losses.softmax_cross_entropy(z[:1], np.array([[1.0, 0.0, 0.0]])) == 0.0
    assert losses.softmax_cross_entropy(z[:1], np.array([0]), label_smoothing=0.1) == np.inf
    # the other rows' gradients are untouched (and finite)
    a = torch.tensor(z[[0, 3]], requires_grad=True)
    losses.softmax_cross_entropy(a, torch.tensor([0, 2]), reduction="sum").backward()
    b = torch.tensor(z[3], requires_grad=True)
    F.cross_entropy(b[None], torch.tensor([2])).backward()
    assert torch.isfinite(a.grad).all()
    np.testing.assert_allclose(a.grad[1].numpy(), b.grad.numpy(), rtol=1e-12)


def test_binary_ce_zero_pos_weight_against_infinite_logit_counts_zero() -> None:
    """Review L6: pos_weight 0 removes the positive term, also at z = -inf (PyTorch: 0·inf =
    NaN); gradients stay finite."""
    z = torch.tensor([np.inf, -np.inf, np.inf, -np.inf, 1.0], requires_grad=True)
    y = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0])
    pw = torch.tensor([0.0, 0.0, 0.0, 0.0, 2.0])
    out = losses.binary_cross_entropy(z, y, pos_weight=pw, reduction="none")
    np.testing.assert_allclose(
        out.detach().numpy(), [0.0, 0.0, np.inf, 0.0, 2 * math.log1p(math.exp(-1.0))]
    )
    out[[0, 1, 3, 4]].sum().backward()
    assert torch.isfinite(z.grad).all()


def test_perplexity_of_logits_that_require_grad_does_not_warn() -> None:
    """Review M3: torch.asarray on a tensor that requires grad warned on every call
    (pytest turns warnings into errors, so this test fails on any warning)."""
    z = torch.zeros(2, 3, dtype=torch.float64, requires_grad=True)
    y = torch.tensor([0, 1])
    ppl = losses.perplexity(z, y)
    bits = losses.bits_per_token(z, y)
    assert ppl.requires_grad
    assert bits.requires_grad
    (g,) = torch.autograd.grad(ppl, z)  # d ppl/dz = ppl (softmax − onehot) / n_tokens
    np.testing.assert_allclose(ppl.detach().numpy(), 3.0)
    np.testing.assert_allclose(bits.detach().numpy(), math.log2(3.0))
    expected = 3.0 * (np.full((2, 3), 1 / 3) - np.eye(3)[[0, 1]]) / 2
    np.testing.assert_allclose(g.numpy(), expected, atol=1e-12)


_JAX_32 = """
import warnings
warnings.simplefilter("error")
import jax
jax.config.update("jax_enable_x64", False)
import jax.numpy as jnp
import numpy as np
from infoloss import losses
z = jnp.asarray(np.random.default_rng(0).normal(size=(4, 3)), dtype=jnp.float32)
y = jnp.asarray([0, 1, 2, 1])
ref = -jax.nn.log_softmax(z)[jnp.arange(4), y]
out = [
    losses.softmax_cross_entropy(z, y, reduction="none"),
    losses.softmax_cross_entropy(z, y, weight=jnp.ones(3), label_smoothing=0.1, ignore_index=1),
    losses.perplexity(z, y), losses.bits_per_token(z, y, ignore_index=0),
    losses.binary_cross_entropy(z, (z > 0).astype(jnp.float32)),
    losses.distillation_kl(z, 2 * z), losses.gaussian_nll(z, z + 1.0),
    losses.poisson_nll(jnp.abs(z) + 0.1, jnp.ones((4, 3)), full=True),
]
assert all(o.dtype == jnp.float32 for o in out), [o.dtype for o in out]
np.testing.assert_allclose(out[0], ref, rtol=1e-6)
np.testing.assert_allclose(out[2], np.exp(ref.mean()), rtol=1e-6)
print("ok")
"""


def test_losses_under_jax_without_x64_stay_32_bit_and_silent() -> None:
    """Review M10: with jax_enable_x64 off, casting targets to int64 warned on every call.
    Run in a subprocess: tests/conftest.py turns 64-bit mode on for the whole session."""
    pytest.importorskip("jax")
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", _JAX_32], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


def test_binary_ce_infinite_logits_give_limits_not_nan() -> None:
    z = torch.tensor([np.inf, -np.inf, np.inf, -np.inf, 0.0], requires_grad=True)
    y = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0])
    out = losses.binary_cross_entropy(z, y, reduction="none")
    expected = [0.0, 0.0, np.inf, np.inf, LN2]
    np.testing.assert_allclose(out.detach().numpy(), expected)
    out[[0, 1, 4]].sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), [0.0, 0.0, 0.0, 0.0, -0.5])
    assert losses.binary_cross_entropy(np.array([np.inf]), np.array([0.5])) == np.inf


def test_binary_ce_nan_propagates() -> None:
    out = losses.binary_cross_entropy(
        np.array([[np.nan, 1.0], [0.0, 1.0], [0.0, 1.0]]),
        np.array([[1.0, 0.0], [0.0, 1.0], [np.nan, 0.0]]),
        reduction="none",
    )
    assert np.isnan(out[0])
    assert np.isfinite(out[1])
    assert np.isnan(out[2])


# ------------------------------------------------------------------------------ gaussian NLL
@pytest.mark.parametrize("shape", [(6,), (6, 5)])
def test_gaussian_nll_matches_torch(
    xp: ModuleType, rng: np.random.Generator, shape: tuple[int, ...]
) -> None:
    mu, y = rng.normal(size=shape), rng.normal(size=shape) * 2
    var = rng.random(shape) + 0.1  # > torch's clamp eps=1e-6: the clamp never acts
    for full in (True, False):
        elem = F.gaussian_nll_loss(t64(mu), t64(y), t64(var), full=full, reduction="none")
        per_example = elem.sum(-1) if len(shape) == 2 else elem
        for key, value in (("var", var), ("std", np.sqrt(var)), ("log_var", np.log(var))):
            for red in REDUCTIONS:
                ours = losses.gaussian_nll(
                    to_xp(xp, mu),
                    to_xp(xp, y),
                    full=full,
                    reduction=red,
                    **{key: to_xp(xp, value)},
                )
                ref = {"none": per_example, "sum": per_example.sum(), "mean": per_example.mean()}
                close(ours, ref[red])


def test_gaussian_nll_shared_variance_per_example(rng: np.random.Generator) -> None:
    mu, y, var = rng.normal(size=(6, 4)), rng.normal(size=(6, 4)), rng.random(6) + 0.2
    ref = F.gaussian_nll_loss(t64(mu), t64(y), t64(var), full=True, reduction="none").sum(-1)
    close(losses.gaussian_nll(mu, y, var=var, reduction="none"), ref)


def test_gaussian_nll_mse_identity(rng: np.random.Generator) -> None:
    pred, y = rng.normal(size=50), rng.normal(size=50)
    mse = np.mean((pred - y) ** 2)
    for s in (0.3, 1.0, 4.0):
        expected = mse / (2 * s**2) + math.log(s * math.sqrt(2 * math.pi))
        np.testing.assert_allclose(losses.gaussian_nll(pred, y, std=s), expected, rtol=1e-13)
    # no scale given: unit variance, half the MSE plus the normal constant
    np.testing.assert_allclose(
        losses.gaussian_nll(pred, y), mse / 2 + 0.5 * math.log(2 * math.pi), rtol=1e-13
    )
    # vector targets: an example sums its d = 3 components
    p3, y3 = rng.normal(size=(20, 3)), rng.normal(size=(20, 3))
    expected = np.mean(np.sum((p3 - y3) ** 2, axis=1)) / 2 + 3 * 0.5 * math.log(2 * math.pi)
    np.testing.assert_allclose(losses.gaussian_nll(p3, y3, std=1.0), expected, rtol=1e-13)


def test_gaussian_nll_equals_scipy_logpdf(rng: np.random.Generator) -> None:
    from scipy.stats import norm

    mu, y, sd = rng.normal(size=30), rng.normal(size=30), rng.random(30) + 0.1
    ref = -norm(mu, sd).logpdf(y)
    np.testing.assert_allclose(losses.gaussian_nll(mu, y, std=sd, reduction="none"), ref)


def test_gaussian_nll_gradients_match_torch(rng: np.random.Generator) -> None:
    mu, y, var = rng.normal(size=(5, 2)), rng.normal(size=(5, 2)), rng.random((5, 2)) + 0.2
    ma, va = t64(mu).requires_grad_(), t64(var).requires_grad_()
    mb, vb = t64(mu).requires_grad_(), t64(var).requires_grad_()
    losses.gaussian_nll(ma, t64(y), var=va).backward()
    F.gaussian_nll_loss(mb, t64(y), vb, full=True, reduction="none").sum(-1).mean().backward()
    np.testing.assert_allclose(ma.grad.numpy(), mb.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(va.grad.numpy(), vb.grad.numpy(), rtol=1e-12)


# ------------------------------------------------------------------------------- Poisson NLL
def test_poisson_nll_full_equals_scipy_logpmf(xp: ModuleType, rng: np.random.Generator) -> None:
    from scipy.stats import poisson

    rate = rng.random((6, 5)) * 20
    rate[0, :3] = [0.0, 1e-3, 150.0]
    y = rng.poisson(rate)
    y[0, :2] = [0, 2]
    ref = -poisson.logpmf(y, rate)  # one example: 5 independent counts, their sum
    for red in REDUCTIONS:
        ours = losses.poisson_nll(to_xp(xp, rate), to_xp(xp, y), reduction=red)
        expected = {"none": ref.sum(-1), "sum": ref.sum(), "mean": ref.sum(-1).mean()}[red]
        np.testing.assert_allclose(to_numpy(ours), expected, rtol=1e-12)


def test_poisson_nll_zero_rate_is_exact(xp: ModuleType) -> None:
    rate, y = to_xp(xp, np.array([0.0, 0.0, 2.0])), to_xp(xp, np.array([0, 2, 0]))
    out = to_numpy(losses.poisson_nll(rate, y, reduction="none"))
    np.testing.assert_array_equal(out, [0.0, np.inf, 2.0])  # certain, impossible, e^-2


def test_poisson_nll_partial_matches_torch(xp: ModuleType, rng: np.random.Generator) -> None:
    rate = rng.random((6, 5)) * 5 + 0.1
    y = rng.poisson(rate).astype(float)
    for red in REDUCTIONS:
        # log_input=True: PyTorch's exp(x) - y x, no epsilon
        elem = F.poisson_nll_loss(
            t64(np.log(rate)), t64(y), log_input=True, full=False, reduction="none"
        ).sum(-1)
        ref = {"none": elem, "sum": elem.sum(), "mean": elem.mean()}[red]
        ours = losses.poisson_nll(
            to_xp(xp, np.log(rate)), to_xp(xp, y), log_input=True, full=False, reduction=red
        )
        close(ours, ref)
    # log_input=False: PyTorch computes rate - y log(rate + 1e-8); ours at rate + 1e-8 minus
    # 1e-8 is that exactly
    elem = F.poisson_nll_loss(t64(rate), t64(y), log_input=False, full=False, reduction="none")
    ours = losses.poisson_nll(to_xp(xp, rate + 1e-8), to_xp(xp, y), full=False, reduction="none")
    close(to_numpy(ours) - 5e-8, elem.sum(-1))


def test_poisson_nll_gradients_match_torch(rng: np.random.Generator) -> None:
    log_rate, y = rng.normal(size=12), rng.poisson(2.0, size=12).astype(float)
    a, b = t64(log_rate).requires_grad_(), t64(log_rate).requires_grad_()
    losses.poisson_nll(a, t64(y), log_input=True).backward()
    F.poisson_nll_loss(b, t64(y), log_input=True, full=False).backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12)
    r = t64(np.array([0.0, 1.5])).requires_grad_()
    losses.poisson_nll(r, t64([0.0, 2.0]), reduction="sum").backward()
    np.testing.assert_allclose(r.grad.numpy(), [1.0, 1.0 - 2.0 / 1.5])  # 1 - y / rate


def test_poisson_nll_edges() -> None:
    out = losses.poisson_nll(
        np.array([np.inf, 2.0, -np.inf, np.inf]),
        np.array([1.0, np.nan, 0.0, 3.0]),
        log_input=True,
        reduction="none",
    )
    assert out[0] == np.inf
    assert np.isnan(out[1])
    assert out[2] == 0.0
    assert out[3] == np.inf


# --------------------------------------------------------------------------- distillation KL
@pytest.mark.parametrize("temperature", [1.0, 3.0])
def test_distillation_kl_matches_torch(
    xp: ModuleType, rng: np.random.Generator, temperature: float
) -> None:
    s, t = rng.normal(size=(6, 5)) * 2, rng.normal(size=(6, 5)) * 2
    ls = F.log_softmax(t64(s) / temperature, dim=-1)
    lt = F.log_softmax(t64(t) / temperature, dim=-1)
    ref = F.kl_div(ls, lt, log_target=True, reduction="batchmean")
    ours = losses.distillation_kl(to_xp(xp, s), to_xp(xp, t), temperature=temperature)
    close(ours, ref)
    scaled = losses.distillation_kl(
        to_xp(xp, s), to_xp(xp, t), temperature=temperature, scale_by_t2=True
    )
    close(scaled, ref * temperature**2)
    none = F.kl_div(ls, lt, log_target=True, reduction="none").sum(-1)
    close(
        losses.distillation_kl(
            to_xp(xp, s), to_xp(xp, t), temperature=temperature, reduction="none"
        ),
        none,
    )


def test_distillation_kl_class_axis_and_second_route(rng: np.random.Generator) -> None:
    s, t = rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 4, 2))
    ours = losses.distillation_kl(s, t, temperature=2.0, axis=1, reduction="none")
    ref = infoloss.kl_divergence(
        infoloss.Categorical(logits=t / 2.0, axis=1), infoloss.Categorical(logits=s / 2.0, axis=1)
    )
    np.testing.assert_allclose(ours, ref, rtol=1e-13)


def test_distillation_kl_gradients_match_torch(rng: np.random.Generator) -> None:
    s, t = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    sa, ta = t64(s).requires_grad_(), t64(t).requires_grad_()
    sb, tb = t64(s).requires_grad_(), t64(t).requires_grad_()
    losses.distillation_kl(sa, ta, temperature=2.0).backward()
    F.kl_div(
        F.log_softmax(sb / 2, -1),
        F.log_softmax(tb / 2, -1),
        log_target=True,
        reduction="batchmean",
    ).backward()
    np.testing.assert_allclose(sa.grad.numpy(), sb.grad.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ta.grad.numpy(), tb.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_distillation_kl_infinite_teacher_logits() -> None:
    s = np.array([[1.0, 0.0, -1.0]])
    t = np.array([[0.5, -np.inf, 0.0]])
    p = np.exp(t[0]) / np.exp(t[0]).sum()
    q = np.exp(s[0]) / np.exp(s[0]).sum()
    expected = sum(p[i] * math.log(p[i] / q[i]) for i in (0, 2))
    np.testing.assert_allclose(losses.distillation_kl(s, t), expected, rtol=1e-13)
    sa = torch.tensor(s, requires_grad=True)
    losses.distillation_kl(sa, torch.tensor(t)).backward()
    assert torch.isfinite(sa.grad).all()
    # the student rules out a class the teacher allows: infinite
    assert losses.distillation_kl(t, s) == np.inf
    assert losses.distillation_kl(t, t) == 0.0


# ------------------------------------------------------------------ perplexity and bits/token
def test_perplexity_and_bits_per_token_match_torch(
    xp: ModuleType, rng: np.random.Generator
) -> None:
    logits = rng.normal(size=(4, 3, 2, 5)) * 2  # (N, T1, T2, V): shapes JAX saw above
    tokens = rng.integers(0, 5, size=(4, 3, 2))
    tokens[2, 1:] = 0  # padding
    nats = F.cross_entropy(t64(logits).permute(0, 3, 1, 2), t64(tokens), ignore_index=0)
    ppl = losses.perplexity(to_xp(xp, logits), to_xp(xp, tokens), ignore_index=0)
    bpt = losses.bits_per_token(to_xp(xp, logits), to_xp(xp, tokens), ignore_index=0)
    close(ppl, torch.exp(nats))
    close(bpt, nats / LN2)
    np.testing.assert_allclose(2.0 ** to_numpy(bpt), to_numpy(ppl), rtol=1e-12)


def test_perplexity_of_uniform_model_is_vocabulary_size() -> None:
    assert math.isclose(losses.perplexity(np.zeros((4, 9, 37)), np.ones((4, 9), int)), 37.0)


def test_float32_in_float32_out_and_integer_targets_take_the_float_dtype() -> None:
    gen = torch.Generator().manual_seed(0)
    z = torch.randn(6, 5, dtype=torch.float32, generator=gen)
    y = torch.randint(0, 5, (6,), generator=gen)
    counts = torch.randint(0, 9, (6, 5), generator=gen)  # integer counts: cast to float32
    outs = [
        losses.softmax_cross_entropy(z, y, weight=[1, 2, 1, 1, 1]),
        losses.binary_cross_entropy(z, counts > 4, pos_weight=[1, 2, 3, 4, 5]),
        losses.gaussian_nll(z, counts, var=torch.ones(6, dtype=torch.float32)),
        losses.poisson_nll(z.exp(), counts),
        losses.distillation_kl(z, z.flip(0)),
        losses.perplexity(z, y),
    ]
    assert [o.dtype for o in outs] == [torch.float32] * len(outs)
    ref = F.poisson_nll_loss(z.exp().double(), counts.double(), log_input=False, full=False)
    lgam = torch.lgamma(counts.double() + 1).sum(-1).mean()
    np.testing.assert_allclose(float(outs[3]), 5 * float(ref) + float(lgam), rtol=1e-5)


# ---------------------------------------------------------------------------- base and units
@pytest.mark.parametrize("base", [2, "bits", 10])
def test_base_divides_nats(base: Any, rng: np.random.Generator) -> None:
    factor = {2: LN2, "bits": LN2, 10: math.log(10.0)}[base]
    z, y = rng.normal(size=(5, 3)), rng.integers(0, 3, size=5)
    mu, r = rng.normal(size=5), rng.random(5) + 0.5
    cases = [
        (losses.softmax_cross_entropy, (z, y)),
        (losses.binary_cross_entropy, (z, (z > 0) * 1.0)),
        (losses.gaussian_nll, (mu, mu + 0.5)),
        (losses.poisson_nll, (r, np.array([0, 1, 2, 3, 4]))),
        (losses.distillation_kl, (z, z[::-1])),
    ]
    for fn, args in cases:
        for red in REDUCTIONS:
            nats = fn(*args, reduction=red)
            np.testing.assert_allclose(fn(*args, reduction=red, base=base), nats / factor)


def test_jit_with_validate_false() -> None:
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    z, y = jnp.asarray([[1.0, 2.0, 0.5]]), jnp.asarray([1])
    fn = jax.jit(lambda a, b: losses.softmax_cross_entropy(a, b, validate=False))
    np.testing.assert_allclose(fn(z, y), losses.softmax_cross_entropy(np.asarray(z), [1]))


# -------------------------------------------------------------------------------- validation
Z = np.zeros((3, 4))
Y = np.array([0, 1, 2])


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: losses.softmax_cross_entropy(Z, Y, reduction="avg"), ValueError, "`reduction`"),
        (
            lambda: losses.softmax_cross_entropy(Z, np.array([0, 4, 1])),
            ValueError,
            r"`target`.*\[0, 4\)",
        ),
        (lambda: losses.softmax_cross_entropy(Z, np.array([0, -1, 1])), ValueError, "`target`"),
        (
            lambda: losses.softmax_cross_entropy(Z, np.array([0, 1])),
            ValueError,
            r"`target`.*\(3,\)",
        ),
        (lambda: losses.softmax_cross_entropy(Z, np.full((3, 4), 0.3)), ValueError, "sum to 1"),
        (lambda: losses.softmax_cross_entropy(Z, np.full((3, 3), 1 / 3)), ValueError, "`target`"),
        (
            lambda: losses.softmax_cross_entropy(Z, np.array([[1.5, -0.5, 0, 0]] * 3)),
            ValueError,
            ">= 0",
        ),
        (
            lambda: losses.softmax_cross_entropy(Z, Y, label_smoothing=1.5),
            ValueError,
            "`label_smoothing`",
        ),
        (
            lambda: losses.softmax_cross_entropy(Z, Y, label_smoothing="a"),
            TypeError,
            "`label_smoothing`",
        ),
        (lambda: losses.softmax_cross_entropy(Z, Y, weight=np.ones(3)), ValueError, "`weight`"),
        (lambda: losses.softmax_cross_entropy(Z, Y, weight=-np.ones(4)), ValueError, "`weight`"),
        (
            lambda: losses.softmax_cross_entropy(Z, np.eye(4)[:3], ignore_index=0),
            ValueError,
            "`ignore_index`",
        ),
        (
            lambda: losses.softmax_cross_entropy(Z, np.array([True, False, True])),
            TypeError,
            "`target`",
        ),
        (lambda: losses.softmax_cross_entropy(Z, Y, base=1), ValueError, "`base`"),
        (
            lambda: losses.softmax_cross_entropy(Z, Y, ignore_index=1.5),
            TypeError,
            "`ignore_index`",
        ),
        (lambda: losses.softmax_cross_entropy(np.zeros(()), 0), ValueError, "`logits`"),
        (lambda: losses.softmax_cross_entropy(Z, Y, axis=2), ValueError, "`axis`"),
        (lambda: losses.softmax_cross_entropy(Z, torch.tensor(Y)), TypeError, "one array library"),
        (lambda: losses.binary_cross_entropy(Z, Z + 2), ValueError, r"`target`.*\[0, 1\]"),
        (lambda: losses.binary_cross_entropy(Z, np.zeros(3)), ValueError, "`target`"),
        (
            lambda: losses.binary_cross_entropy(Z, Z, pos_weight=-np.ones(4)),
            ValueError,
            "`pos_weight`",
        ),
        (
            lambda: losses.binary_cross_entropy(Z, Z, pos_weight=np.ones(5)),
            ValueError,
            "`pos_weight`",
        ),
        (lambda: losses.gaussian_nll(Z, Z, var=Z), ValueError, "`var` must be > 0"),
        (lambda: losses.gaussian_nll(Z, Z, std=-Z - 1), ValueError, "`std` must be > 0"),
        (lambda: losses.gaussian_nll(Z, Z, var=1.0, std=1.0), ValueError, "`var` and `std`"),
        (lambda: losses.gaussian_nll(Z, np.zeros(5)), ValueError, "`mean`.*`target`"),
        (lambda: losses.gaussian_nll(Z, Z, var=np.ones((2, 3, 4))), ValueError, "`var`"),
        (lambda: losses.poisson_nll(-Z - 1, Z), ValueError, "`rate`.*log_input"),
        (lambda: losses.poisson_nll(Z, Z - 1), ValueError, "`target`.*>= 0"),
        (lambda: losses.distillation_kl(Z, Z, temperature=0.0), ValueError, "`temperature`"),
        (lambda: losses.distillation_kl(Z, Z, temperature="hot"), TypeError, "`temperature`"),
        (lambda: losses.distillation_kl(Z, np.zeros((3, 5))), ValueError, "`teacher_logits`"),
        (lambda: losses.perplexity(Z, Z), TypeError, "integer token"),
    ],
)
def test_bad_input_names_the_argument(call: Any, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        call()


# ------------------------------------------------------------------------------- properties
finite = st.floats(-30, 30, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(
    z=hnp.arrays(np.float64, (4, 3), elements=finite),
    c=finite,
    y=hnp.arrays(np.int64, (4,), elements=st.integers(0, 2)),
)
def test_softmax_ce_is_shift_invariant_and_bounded_below(z: Any, c: float, y: Any) -> None:
    ce = losses.softmax_cross_entropy(z, y, reduction="none")
    assert np.all(ce >= 0)
    np.testing.assert_allclose(
        losses.softmax_cross_entropy(z + c, y, reduction="none"), ce, rtol=1e-9, atol=1e-9
    )


@settings(max_examples=40, deadline=None)
@given(
    z=hnp.arrays(np.float64, (5,), elements=finite),
    y=hnp.arrays(np.float64, (5,), elements=st.floats(0, 1)),
)
def test_binary_ce_label_flip_symmetry_and_entropy_bound(z: Any, y: Any) -> None:
    # swapping which outcome is "positive" changes nothing; CE >= H(Bernoulli(y))
    a = losses.binary_cross_entropy(z, y, reduction="none")
    # up to rounding of the flipped label: 1 - (1 - y) is y to within eps / 2, and the loss is
    # linear in y with a slope of size softplus(-z) <= |z| + log 2 (e.g. y = 1e-20, z = -30:
    # a ~ 9e-14 moves by 3e-19, 3e-6 relative, so a relative tolerance alone fails)
    atol = np.finfo(float).eps * (float(np.max(np.abs(z))) + 1.0)
    np.testing.assert_allclose(
        losses.binary_cross_entropy(-z, 1 - y, reduction="none"), a, atol=atol
    )
    h = -(xlogy(y, y) + xlogy(1 - y, 1 - y))
    assert np.all(a >= h - 1e-12)
