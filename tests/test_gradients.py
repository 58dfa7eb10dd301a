"""Autograd through the measures (PyTorch only): values and gradients equal PyTorch's own, and
gradients stay finite at the edges (zeros in p, huge logits, -inf logits)."""

from __future__ import annotations

from typing import Any

import pytest

import infoloss

torch = pytest.importorskip("torch")
F = torch.nn.functional

F64 = {"rtol": 1e-12, "atol": 1e-14}  # float64: agreement to rounding
F32 = {"rtol": 2e-5, "atol": 2e-6}  # float32: a few ulps of values of order 1


def tol(dtype: Any) -> dict[str, float]:
    return F64 if dtype == torch.float64 else F32


def grads(out: Any, *inputs: Any) -> tuple[Any, ...]:
    return torch.autograd.grad(out.sum(), inputs)


def leaf(x: Any) -> Any:
    return x.detach().clone().requires_grad_(True)


def randn(*shape: int, seed: int, dtype: Any, scale: float = 1.0) -> Any:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=torch.float64).mul(scale).to(dtype)


DTYPES = pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["f64", "f32"])


# ---------------------------------------------------------------------------------------------
# values and gradients equal PyTorch's own


@DTYPES
def test_kl_logits_value_and_grad_match_kl_div(dtype: Any) -> None:
    zp, zq = randn(5, 7, seed=0, dtype=dtype, scale=3), randn(5, 7, seed=1, dtype=dtype, scale=3)
    a, b = leaf(zp), leaf(zq)
    got = infoloss.kl_divergence(infoloss.Categorical(logits=a), infoloss.Categorical(logits=b))
    ra, rb = leaf(zp), leaf(zq)
    # F.kl_div(input=log q, target=log p, log_target=True) = p (log p - log q): KL(P || Q)
    ref = F.kl_div(
        F.log_softmax(rb, -1), F.log_softmax(ra, -1), log_target=True, reduction="none"
    ).sum(-1)
    assert got.dtype == dtype
    torch.testing.assert_close(got, ref, **tol(dtype))
    for g, r in zip(grads(got, a, b), grads(ref, ra, rb), strict=True):
        torch.testing.assert_close(g, r, **tol(dtype))


@DTYPES
def test_kl_probs_value_and_grad_match_kl_div(dtype: Any) -> None:
    p = torch.softmax(randn(4, 6, seed=2, dtype=dtype), -1)
    q = torch.softmax(randn(4, 6, seed=3, dtype=dtype), -1)
    a, b = leaf(p), leaf(q)
    got = infoloss.kl_divergence(a, b)
    ra, rb = leaf(p), leaf(q)
    ref = F.kl_div(rb.log(), ra, reduction="none").sum(-1)  # target p, input log q
    torch.testing.assert_close(got, ref, **tol(dtype))
    for g, r in zip(grads(got, a, b), grads(ref, ra, rb), strict=True):
        torch.testing.assert_close(g, r, **tol(dtype))


@DTYPES
def test_cross_entropy_value_and_grad_match_torch(dtype: Any) -> None:
    z = randn(6, 5, seed=4, dtype=dtype, scale=2)
    p = torch.softmax(randn(6, 5, seed=5, dtype=dtype), -1)
    zz, pp = leaf(z), leaf(p)
    got = infoloss.cross_entropy(pp, infoloss.Categorical(logits=zz))
    rz, rp = leaf(z), leaf(p)
    ref = F.cross_entropy(rz, rp, reduction="none")  # probability targets
    torch.testing.assert_close(got, ref, **tol(dtype))
    for g, r in zip(grads(got, zz, pp), grads(ref, rz, rp), strict=True):
        torch.testing.assert_close(g, r, **tol(dtype))


@DTYPES
def test_entropy_value_and_grad_match_torch_distributions(dtype: Any) -> None:
    z = randn(4, 8, seed=6, dtype=dtype, scale=3)
    a = leaf(z)
    got = infoloss.entropy(infoloss.Categorical(logits=a))
    r = leaf(z)
    ref = torch.distributions.Categorical(logits=r).entropy()
    torch.testing.assert_close(got, ref, **tol(dtype))
    torch.testing.assert_close(grads(got, a)[0], grads(ref, r)[0], **tol(dtype))


@DTYPES
def test_entropy_probs_grad_matches_formula(dtype: Any) -> None:
    p = torch.softmax(randn(3, 5, seed=7, dtype=dtype), -1)
    a = leaf(p)
    got = infoloss.entropy(a)
    r = leaf(p)
    ref = -(r * r.log()).sum(-1)  # H = -sum p log p, dH/dp = -(log p + 1)
    torch.testing.assert_close(got, ref, **tol(dtype))
    torch.testing.assert_close(grads(got, a)[0], grads(ref, r)[0], **tol(dtype))


def _js_ref(p: Any, q: Any) -> Any:
    m = (p + q) / 2
    kl_pm = F.kl_div(m.log(), p, reduction="none").sum(-1)
    kl_qm = F.kl_div(m.log(), q, reduction="none").sum(-1)
    return 0.5 * kl_pm + 0.5 * kl_qm


@DTYPES
def test_js_value_and_grad_match_formula(dtype: Any) -> None:
    p = torch.softmax(randn(4, 6, seed=8, dtype=dtype), -1)
    q = torch.softmax(randn(4, 6, seed=9, dtype=dtype), -1)
    a, b = leaf(p), leaf(q)
    got = infoloss.js_divergence(a, b)
    ra, rb = leaf(p), leaf(q)
    ref = _js_ref(ra, rb)
    torch.testing.assert_close(got, ref, **tol(dtype))
    for g, r in zip(grads(got, a, b), grads(ref, ra, rb), strict=True):
        torch.testing.assert_close(g, r, **tol(dtype))
    # js_distance = sqrt(JS): d sqrt(J) = dJ / (2 sqrt J)
    a2, b2 = leaf(p), leaf(q)
    d = infoloss.js_distance(a2, b2)
    ra2, rb2 = leaf(p), leaf(q)
    dref = _js_ref(ra2, rb2).sqrt()
    torch.testing.assert_close(d, dref, **tol(dtype))
    for g, r in zip(grads(d, a2, b2), grads(dref, ra2, rb2), strict=True):
        torch.testing.assert_close(g, r, **tol(dtype))


@DTYPES
def test_js_logits_grad_matches_formula(dtype: Any) -> None:
    zp, zq = randn(3, 5, seed=10, dtype=dtype), randn(3, 5, seed=11, dtype=dtype)
    a, b = leaf(zp), leaf(zq)
    got = infoloss.js_divergence(infoloss.Categorical(logits=a), infoloss.Categorical(logits=b))
    ra, rb = leaf(zp), leaf(zq)
    ref = _js_ref(torch.softmax(ra, -1), torch.softmax(rb, -1))
    torch.testing.assert_close(got, ref, **tol(dtype))
    for g, r in zip(grads(got, a, b), grads(ref, ra, rb), strict=True):
        torch.testing.assert_close(g, r, **tol(dtype))


# ---------------------------------------------------------------------------------------------
# finite gradients at the edges


def _p_with_zeros(dtype: Any) -> Any:
    return torch.tensor([[0.5, 0.5, 0.0, 0.0], [0.0, 0.25, 0.25, 0.5]], dtype=dtype)


@DTYPES
@pytest.mark.parametrize("name", ["entropy", "kl_divergence", "cross_entropy", "js_divergence"])
def test_grad_finite_with_zeros_in_p(dtype: Any, name: str) -> None:
    p = leaf(_p_with_zeros(dtype))
    q = leaf(torch.full((2, 4), 0.25, dtype=dtype))
    f = getattr(infoloss, name)
    out = f(p) if name == "entropy" else f(p, q)
    assert torch.isfinite(out).all()
    gs = grads(out, p) if name == "entropy" else grads(out, p, q)
    for g in gs:
        assert torch.isfinite(g).all(), g
    if name in ("kl_divergence", "cross_entropy"):
        # d/dq_i of -sum p log q is -p_i / q_i: zero where p_i = 0, exactly as the formula says
        torch.testing.assert_close(gs[1][p.detach() == 0], torch.zeros(3, dtype=dtype))


@DTYPES
def test_grad_finite_with_zeros_in_both(dtype: Any) -> None:
    # p = q = 0 in the same category: contributes 0, with finite gradients for p and q
    p = leaf(_p_with_zeros(dtype))
    q = leaf(torch.tensor([[0.25, 0.75, 0.0, 0.0], [0.0, 0.5, 0.25, 0.25]], dtype=dtype))
    for name in ("kl_divergence", "cross_entropy", "js_divergence"):
        out = getattr(infoloss, name)(p, q)
        assert torch.isfinite(out).all(), name
        for g in grads(out, p, q):
            assert torch.isfinite(g).all(), (name, g)


@DTYPES
def test_grad_finite_for_huge_logits(dtype: Any) -> None:
    z1 = leaf(torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]], dtype=dtype))
    z2 = leaf(torch.tensor([[0.0, 1e4, -1e4], [1e4, -1e4, 0.0]], dtype=dtype))
    c1, c2 = infoloss.Categorical(logits=z1), infoloss.Categorical(logits=z2)
    r1, r2 = leaf(z1), leaf(z2)
    l1, l2 = F.log_softmax(r1, -1), F.log_softmax(r2, -1)
    refs = {
        "kl_divergence": F.kl_div(l2, l1, log_target=True, reduction="none").sum(-1),
        "cross_entropy": F.cross_entropy(r2, l1.exp(), reduction="none"),
    }
    for name in ("kl_divergence", "cross_entropy", "js_divergence"):
        out = getattr(infoloss, name)(c1, c2)
        assert torch.isfinite(out).all(), (name, out)
        gs = grads(out, z1, z2)
        for g in gs:
            assert torch.isfinite(g).all(), (name, g)
        if name in refs:
            torch.testing.assert_close(out, refs[name], rtol=1e-6, atol=1e-3)
    h = infoloss.entropy(c1)
    assert torch.isfinite(grads(h, z1)[0]).all()


@DTYPES
def test_grad_finite_for_neg_inf_logits(dtype: Any) -> None:
    ninf = float("-inf")
    zp = torch.tensor([[0.0, ninf, 1.0, 2.0], [ninf, ninf, 0.0, 0.5]], dtype=dtype)
    zq = torch.tensor([[1.0, ninf, 0.0, -1.0], [ninf, 0.3, 0.0, 0.5]], dtype=dtype)
    finite_p, finite_q = torch.isfinite(zp), torch.isfinite(zq)
    a, b = leaf(zp), leaf(zq)
    cp, cq = infoloss.Categorical(logits=a), infoloss.Categorical(logits=b)
    # references over the finite categories only (a -inf logit is probability 0)
    pr, qr = torch.softmax(zp, -1), torch.softmax(zq, -1)
    for name in ("entropy", "kl_divergence", "cross_entropy", "js_divergence"):
        f = getattr(infoloss, name)
        out = f(cp) if name == "entropy" else f(cp, cq)
        assert torch.isfinite(out).all(), (name, out)
        ref = f(pr) if name == "entropy" else f(pr, qr)
        torch.testing.assert_close(out, ref, **tol(dtype))
        gs = grads(out, a) if name == "entropy" else grads(out, a, b)
        assert torch.isfinite(gs[0][finite_p]).all(), (name, gs[0])
        if name != "entropy":
            assert torch.isfinite(gs[1][finite_q]).all(), (name, gs[1])


def test_neg_inf_logit_in_q_where_p_positive_is_inf() -> None:
    zp = torch.tensor([0.0, 0.0, 0.0], dtype=torch.float64)
    zq = torch.tensor([0.0, float("-inf"), 0.0], dtype=torch.float64)
    cp, cq = infoloss.Categorical(logits=zp), infoloss.Categorical(logits=zq)
    assert infoloss.kl_divergence(cp, cq).item() == float("inf")
    assert infoloss.cross_entropy(cp, cq).item() == float("inf")
    assert torch.isfinite(infoloss.js_divergence(cp, cq))


@DTYPES
def test_identical_inputs_zero_value_finite_grad(dtype: Any) -> None:
    z = randn(3, 4, seed=12, dtype=dtype)
    a, b = leaf(z), leaf(z)
    kl = infoloss.kl_divergence(infoloss.Categorical(logits=a), infoloss.Categorical(logits=b))
    assert (kl == 0).all()
    for g in grads(kl, a, b):
        assert torch.isfinite(g).all()
        torch.testing.assert_close(g, torch.zeros_like(g), atol=1e-6, rtol=0)
    p = torch.softmax(z, -1)
    pa, pb = leaf(p), leaf(p)
    js = infoloss.js_divergence(pa, pb)
    assert (js == 0).all()
    for g in grads(js, pa, pb):
        assert torch.isfinite(g).all()


def test_base_scales_gradients() -> None:
    z = randn(2, 5, seed=13, dtype=torch.float64)
    a, b = leaf(z), leaf(z)
    nats = infoloss.entropy(infoloss.Categorical(logits=a))
    bits = infoloss.entropy(infoloss.Categorical(logits=b), base=2)
    ln2 = torch.log(torch.tensor(2.0, dtype=torch.float64))
    torch.testing.assert_close(grads(bits, b)[0], grads(nats, a)[0] / ln2, **F64)
