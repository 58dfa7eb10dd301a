"""GPU arrays (PyTorch CUDA, CuPy) and JAX under ``jit``: results stay where the data lives.

These tests skip where the library or the device is missing (CI has no GPU); they run on the
project's lent GPU machine. References: PyTorch's own losses on the same device, and infoloss's
NumPy results on copies of the same numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import infoloss as il

MEASURES = ["entropy", "cross_entropy", "kl_divergence", "js_divergence", "js_distance"]


def _cuda_torch() -> Any:
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    return torch


def _probs(seed: int, shape: tuple[int, ...], zeros: bool = True) -> np.ndarray[Any, Any]:
    rng = np.random.default_rng(seed)
    p = rng.random(shape) ** 2 + (0.0 if zeros else 0.01)
    p[p < 0.05 * zeros] = 0.0
    return p / p.sum(-1, keepdims=True)


def _call(name: str, p: Any, q: Any, **kw: Any) -> Any:
    f = getattr(il, name)
    return f(p, **kw) if name == "entropy" else f(p, q, **kw)


@pytest.mark.parametrize("name", MEASURES)
def test_torch_cuda_matches_numpy_and_stays_on_device(name: str) -> None:
    torch = _cuda_torch()
    p, q = _probs(1, (32, 500)), _probs(2, (32, 500))
    for dtype, rtol in ((torch.float64, 1e-12), (torch.float32, 1e-5)):
        pt = torch.tensor(p, dtype=dtype, device="cuda")
        qt = torch.tensor(q, dtype=dtype, device="cuda")
        got = _call(name, pt, qt, base=2)
        assert got.device.type == "cuda"
        assert got.dtype == dtype
        want = _call(name, p, q, base=2)
        np.testing.assert_allclose(got.cpu().numpy(), want, rtol=rtol, atol=1e-6)


def test_torch_cuda_logits_match_torch_losses_with_gradients() -> None:
    torch = _cuda_torch()
    F = torch.nn.functional
    gen = torch.Generator(device="cuda").manual_seed(3)
    z = torch.randn(64, 1000, device="cuda", generator=gen, requires_grad=True)
    t = torch.randn(64, 1000, device="cuda", generator=gen)
    t[:, :10] = -torch.inf  # teacher gives some classes probability 0
    kl = il.kl_divergence(il.Categorical(logits=t), il.Categorical(logits=z))
    lt, lz = F.log_softmax(t, -1), F.log_softmax(z, -1)
    # F.kl_div(log_target=True) computes exp(t) (t - z), NaN where t = -inf; the terms there
    # are 0 (0 log 0 = 0), so the reference masks them
    ref = torch.where(lt > -torch.inf, F.kl_div(lz, lt, log_target=True, reduction="none"), 0.0)
    assert torch.isnan(F.kl_div(lz, lt, log_target=True, reduction="none")).any()
    torch.testing.assert_close(kl, ref.sum(-1), rtol=1e-5, atol=1e-5)
    (g,) = torch.autograd.grad(kl.sum(), z)
    (g_ref,) = torch.autograd.grad(ref.sum(), z)
    assert g.device.type == "cuda"
    assert torch.isfinite(g).all()
    torch.testing.assert_close(g, g_ref, rtol=1e-5, atol=1e-6)
    target = torch.softmax(t, -1)
    ce = il.cross_entropy(target, il.Categorical(logits=z))
    torch.testing.assert_close(
        ce, F.cross_entropy(z, target, reduction="none"), rtol=1e-5, atol=1e-5
    )


def test_torch_cuda_validation_messages() -> None:
    torch = _cuda_torch()
    p = torch.tensor([[0.5, 0.5], [0.2, 0.7]], device="cuda")
    with pytest.raises(ValueError, match=r"`p` row \(1,\) sums to 0\.9"):
        il.entropy(p)
    with pytest.raises(ValueError, match=r"`q` has negative entries"):
        il.kl_divergence(p[:1], torch.tensor([[1.5, -0.5]], device="cuda"))


@pytest.mark.parametrize("name", MEASURES)
def test_cupy_matches_numpy(name: str) -> None:
    cp = pytest.importorskip("cupy")
    try:
        cp.cuda.runtime.getDeviceCount()
    except Exception:
        pytest.skip("no CUDA device for CuPy")
    p, q = _probs(4, (16, 300)), _probs(5, (16, 300))
    got = _call(name, cp.asarray(p), cp.asarray(q))
    assert isinstance(got, cp.ndarray)
    np.testing.assert_allclose(cp.asnumpy(got), _call(name, p, q), rtol=1e-12, atol=1e-15)


def test_jax_jit_with_validation_says_to_pass_validate_false() -> None:
    jax = pytest.importorskip("jax")
    p = jax.numpy.asarray(_probs(6, (2, 5)).astype(np.float32))
    with pytest.raises(TypeError, match="pass validate=False"):
        jax.jit(lambda a: il.entropy(a))(p)


@pytest.mark.parametrize("name", MEASURES)
def test_jax_jit_with_validate_false_equals_eager(name: str) -> None:
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    p32 = _probs(6, (8, 40)).astype(np.float32)  # JAX's default precision, no global x64
    q32 = _probs(7, (8, 40), zeros=False).astype(np.float32)  # finite KL: q > 0
    p, q = jnp.asarray(p32), jnp.asarray(q32)
    jitted = jax.jit(lambda a, b: _call(name, a, b, validate=False))
    want = _call(name, p32.astype(np.float64), q32.astype(np.float64))
    np.testing.assert_allclose(np.asarray(jitted(p, q)), want, rtol=2e-5, atol=1e-6)
    if name != "js_distance":  # sqrt'(0) is infinite only where JS is exactly 0
        # finite where p has zeros: the double-where guard (the one-sided derivative of
        # p log p at 0 is infinite; the guarded formula's is 0)
        grad = jax.grad(lambda a, b: jnp.sum(_call(name, a, b, validate=False)))(p, q)
        assert bool(jnp.all(jnp.isfinite(grad)))


def test_torch_cuda_parametric_kl_stays_on_device_and_matches_torch() -> None:
    torch = _cuda_torch()
    D = torch.distributions
    gen = torch.Generator(device="cuda").manual_seed(5)
    mu = torch.randn(256, 8, device="cuda", dtype=torch.float64, generator=gen)
    sigma = torch.rand(256, 8, device="cuda", dtype=torch.float64, generator=gen) + 0.1
    mu.requires_grad_()
    kl = il.kl_divergence(il.Normal(mu, sigma), il.Normal(0, 1))  # the VAE term
    assert kl.device.type == "cuda"
    torch.testing.assert_close(kl, D.kl_divergence(D.Normal(mu, sigma), D.Normal(0.0, 1.0)))
    (g,) = torch.autograd.grad(kl.sum(), mu)
    assert g.device.type == "cuda"
    torch.testing.assert_close(g, mu.detach())  # d/dmu of mu^2 / 2
    a = torch.randn(64, 4, 4, device="cuda", dtype=torch.float64, generator=gen)
    cov = a @ a.mT + 4 * torch.eye(4, device="cuda", dtype=torch.float64)
    m = torch.randn(64, 4, device="cuda", dtype=torch.float64, generator=gen)
    ours = il.kl_divergence(il.MultivariateNormal(m, cov), il.MultivariateNormal(-m, cov.flip(0)))
    ref = D.kl_divergence(D.MultivariateNormal(m, cov), D.MultivariateNormal(-m, cov.flip(0)))
    assert ours.device.type == "cuda"
    torch.testing.assert_close(ours, ref)
    est = il.kl_divergence(
        il.Gamma(2.0, 3.0), il.Gamma(torch.tensor(3.0, device="cuda")), method="mc", rng=0
    )
    assert est.value.device.type == "cuda"
