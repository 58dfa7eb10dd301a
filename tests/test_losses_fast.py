"""The fast routes of `infoloss.losses` agree with the guarded ones and with PyTorch.

Three fast routes (issue 14), each against independent references:

* PyTorch CPU tensors call PyTorch's fused loss and check one reduced value
  (`infoloss.losses._native`); the guarded array-API route (forced here by declaring the
  native path unusable) and PyTorch's own functions are the references, values and gradients,
  on ordinary inputs and on the rare ones the check must send to the guarded route (±inf
  logits, zero targets or weights against ``-inf``, ignored targets on limit rows).
* NumPy logits with class-index targets take the compiled core's one pass per row
  (`infoloss.discrete.softmax_rows`); the pure-NumPy ``log_softmax`` route (the compiled core
  switched off) and PyTorch in float64 are the references.
* `kl_divergence` / `cross_entropy` of two ``Categorical(logits=...)`` on PyTorch CPU tensors
  take PyTorch's fused ops (`infoloss.discrete._native`); the generic formulas (that path
  switched off) and PyTorch's ``kl_div`` of two ``log_softmax`` are the references (more in
  test_losses_categorical.py).

Tolerances: float64 comparisons of two routes that each round a handful of times per example
allow 64 ulp of the loss's scale (the logits' magnitude plus log C); float32 ones the same
count of float32 ulp. Gradients compare at the same scale.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from infoloss import losses
from infoloss.discrete import _numpy_kernels
from infoloss.losses import _native

torch = pytest.importorskip("torch")
F = torch.nn.functional
INF = math.inf


def _tol(dtype: Any, scale: float) -> float:
    return 64 * float(np.finfo(dtype).eps) * scale


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261206)


@pytest.fixture
def guarded(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Call `fn` with the native path switched off."""

    def call(fn: Any, *args: Any, **kw: Any) -> Any:
        with monkeypatch.context() as m:
            m.setattr(_native, "usable", lambda *a, **k: False)
            return fn(*args, **kw)

    return call


def _value_and_grad(fn: Any, z: np.ndarray, *args: Any, **kw: Any) -> tuple[Any, Any]:
    a = torch.tensor(z, requires_grad=True)
    out = fn(a, *args, **kw)
    out.sum().backward()
    return out.detach().numpy(), a.grad.numpy()


def _agree(fast: tuple[Any, Any], slow: tuple[Any, Any], scale: float, dtype: Any) -> None:
    tol = _tol(dtype, scale)
    for f, s in zip(fast, slow, strict=True):
        np.testing.assert_allclose(f, s, rtol=tol, atol=tol)


# ----------------------------------------------------------------------- PyTorch fast path
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_index_ce_fast_equals_guarded_and_torch(
    rng: np.random.Generator, guarded: Any, dtype: Any, reduction: str
) -> None:
    z = (rng.normal(size=(12, 7)) * 3).astype(dtype)
    z[2, 4] = -INF  # masked class, not the target: the fast path keeps it
    y = rng.integers(0, 7, size=12)
    y[2] = 1
    y[5] = -100
    w = (rng.random(7) + 0.2).astype(dtype)
    scale = 3 * 4 + math.log(7)
    for kw in ({}, {"weight": w}, {"label_smoothing": 0.2}, {"weight": w, "label_smoothing": 0.1}):
        tw = {k: torch.tensor(v) if k == "weight" else v for k, v in kw.items()}
        args = (torch.tensor(y),)
        opts = {**tw, "ignore_index": -100, "reduction": reduction}
        if "label_smoothing" in kw:
            z_s = z.copy()
            z_s[2, 4] = 0.0  # smoothing puts mass on every class: keep this case finite
        else:
            z_s = z
        fast = _value_and_grad(losses.softmax_cross_entropy, z_s, *args, **opts)
        slow = guarded(_value_and_grad, losses.softmax_cross_entropy, z_s, *args, **opts)
        ref = _value_and_grad(F.cross_entropy, z_s, *args, **opts)
        _agree(fast, slow, scale, dtype)
        _agree(fast, ref, scale, dtype)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_index_ce_rare_inputs_take_the_guarded_route(guarded: Any, reduction: str) -> None:
    z = np.array(
        [
            [0.0, INF, 1.0],  # point mass on class 1
            [INF, INF, 0.0],  # no limit: NaN
            [-INF, -INF, -INF],  # no mass: NaN
            [0.0, -INF, 2.0],  # the target has probability 0: +inf
            [1.0, 2.0, 3.0],
        ]
    )
    y = torch.tensor([1, 0, 2, 1, 0])
    for kw in ({}, {"label_smoothing": 0.1}, {"weight": torch.tensor([1.0, 0.0, 2.0])}):
        fast = losses.softmax_cross_entropy(torch.tensor(z), y, reduction=reduction, **kw)
        slow = guarded(losses.softmax_cross_entropy, torch.tensor(z), y, reduction=reduction, **kw)
        np.testing.assert_array_equal(fast.numpy(), slow.numpy())
    rows = losses.softmax_cross_entropy(torch.tensor(z), y, reduction="none")
    assert rows[0] == 0.0  # the limit, where PyTorch gives NaN
    assert torch.isnan(rows[1:3]).all()
    assert rows[3] == INF


def test_ignored_limit_rows_keep_finite_gradients(guarded: Any) -> None:
    # PyTorch's own gradient for an ignored row holding +inf is NaN; infoloss's is 0
    z = np.array([[0.0, INF, 1.0], [-INF, -INF, -INF], [1.0, 2.0, 0.5]])
    y = torch.tensor([-1, -1, 2])
    for kw in ({}, {"label_smoothing": 0.3}):
        fast = _value_and_grad(losses.softmax_cross_entropy, z, y, ignore_index=-1, **kw)
        slow = guarded(_value_and_grad, losses.softmax_cross_entropy, z, y, ignore_index=-1, **kw)
        np.testing.assert_array_equal(fast[1][:2], 0.0)
        np.testing.assert_array_equal(fast[0], slow[0])
        np.testing.assert_array_equal(fast[1], slow[1])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_soft_ce_fast_equals_guarded_and_torch(
    rng: np.random.Generator, guarded: Any, dtype: Any, reduction: str
) -> None:
    z = (rng.normal(size=(3, 6, 4)) * 2).astype(dtype)  # classes on axis 1
    p = rng.dirichlet(np.ones(6), size=(3, 4)).transpose(0, 2, 1).astype(dtype)
    w = (rng.random(6) + 0.5).astype(dtype)
    scale = 2 * 4 + math.log(6)
    for kw in ({}, {"weight": w}, {"label_smoothing": 0.25}):
        opts = {k: torch.tensor(v) if k == "weight" else v for k, v in kw.items()}
        t = torch.tensor(p)
        fast = _value_and_grad(
            losses.softmax_cross_entropy, z, t, axis=1, reduction=reduction, **opts
        )
        slow = guarded(
            _value_and_grad,
            losses.softmax_cross_entropy,
            z,
            t,
            axis=1,
            reduction=reduction,
            **opts,
        )
        ref = _value_and_grad(F.cross_entropy, z, t, reduction=reduction, **opts)
        _agree(fast, slow, scale, dtype)
        _agree(fast, ref, scale, dtype)


def test_soft_ce_zero_target_on_minus_inf_counts_zero(guarded: Any) -> None:
    z = np.array([[0.0, -INF, 1.0], [0.5, 0.0, 0.0]])
    p = torch.tensor([[0.5, 0.0, 0.5], [0.2, 0.3, 0.5]])
    fast = _value_and_grad(losses.softmax_cross_entropy, z, p, reduction="none")
    slow = guarded(_value_and_grad, losses.softmax_cross_entropy, z, p, reduction="none")
    assert np.isfinite(fast[0]).all()  # PyTorch: NaN
    assert np.isfinite(fast[1]).all()
    np.testing.assert_array_equal(fast[0], slow[0])
    np.testing.assert_array_equal(fast[1], slow[1])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_ce_fast_equals_guarded_and_torch(
    rng: np.random.Generator, guarded: Any, dtype: Any, reduction: str
) -> None:
    z = (rng.normal(size=(9, 5)) * 4).astype(dtype)
    y = rng.random((9, 5)).astype(dtype)
    y[:3] = np.round(y[:3])
    pw = (rng.random(5) * 2).astype(dtype)
    scale = 5 * (4 * 4 + 1)
    for kw in ({}, {"pos_weight": pw}):
        opts = {k: torch.tensor(v) for k, v in kw.items()}
        fast = _value_and_grad(
            losses.binary_cross_entropy, z, torch.tensor(y), reduction=reduction, **opts
        )
        slow = guarded(
            _value_and_grad,
            losses.binary_cross_entropy,
            z,
            torch.tensor(y),
            reduction=reduction,
            **opts,
        )
        per = F.binary_cross_entropy_with_logits(
            torch.tensor(z), torch.tensor(y), reduction="none", **opts
        ).sum(-1)
        ref = {"none": per, "sum": per.sum(), "mean": per.mean()}[reduction]
        _agree(fast, slow, scale, dtype)
        np.testing.assert_allclose(fast[0], ref.numpy(), rtol=_tol(dtype, scale))


def test_binary_ce_infinite_logits_take_the_guarded_route(guarded: Any) -> None:
    z = np.array([[INF, -INF, 0.5], [INF, -INF, -1.0]])
    y = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    pw = torch.tensor([0.0, 0.0, 2.0])
    for kw in ({}, {"pos_weight": pw}):
        fast = _value_and_grad(losses.binary_cross_entropy, z, y, reduction="none", **kw)
        slow = guarded(_value_and_grad, losses.binary_cross_entropy, z, y, reduction="none", **kw)
        np.testing.assert_array_equal(fast[0], slow[0])
        np.testing.assert_array_equal(fast[1], slow[1])
        assert np.isfinite(fast[0][0])  # labels agree with the infinite logits: the limit 0
        assert fast[0][1] == INF


def test_binary_ce_validation_with_nan_still_finds_bad_labels() -> None:
    y = torch.tensor([[np.nan, 1.5, 0.0]])
    with pytest.raises(ValueError, match=r"`target` must be a label in \[0, 1\]; found 1.5"):
        losses.binary_cross_entropy(torch.zeros(1, 3), y)
    out = losses.binary_cross_entropy(torch.zeros(1, 3), torch.tensor([[np.nan, 1.0, 0.0]]))
    assert torch.isnan(out)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("temperature", [1.0, 2.5])
def test_distillation_fast_equals_guarded_and_torch(
    rng: np.random.Generator, guarded: Any, dtype: Any, temperature: float
) -> None:
    s = (rng.normal(size=(8, 10)) * 3).astype(dtype)
    t = torch.tensor((rng.normal(size=(8, 10)) * 3).astype(dtype))
    scale = 2 * 3 * 4 + math.log(10)
    for red in ("mean", "sum", "none"):
        kw = {"temperature": temperature, "reduction": red}
        fast = _value_and_grad(losses.distillation_kl, s, t, **kw)
        slow = guarded(_value_and_grad, losses.distillation_kl, s, t, **kw)
        _agree(fast, slow, scale, dtype)

    def ref(a: Any, b: Any) -> Any:
        return F.kl_div(
            F.log_softmax(a / temperature, -1),
            F.log_softmax(b / temperature, -1),
            log_target=True,
            reduction="batchmean",
        )

    _agree(_value_and_grad(losses.distillation_kl, s, t, temperature=temperature),
           _value_and_grad(ref, s, t), scale, dtype)  # fmt: skip


def test_distillation_limits_take_the_guarded_route(guarded: Any) -> None:
    s = np.array([[1.0, 0.0, -1.0], [1.0, 0.0, -1.0], [0.0, 0.0, 0.0]])
    t = torch.tensor([[2.0, 0.0, -INF], [INF, 0.0, 1.0], [0.0, 1.0, 2.0]])
    fast = _value_and_grad(losses.distillation_kl, s, t, reduction="none")
    slow = guarded(_value_and_grad, losses.distillation_kl, s, t, reduction="none")
    np.testing.assert_array_equal(fast[0], slow[0])
    np.testing.assert_array_equal(fast[1], slow[1])
    assert np.isfinite(fast[0]).all()  # PyTorch's kl_div: NaN in the first two rows


def test_native_path_is_taken_for_ordinary_input() -> None:
    z = torch.randn(4, 5, generator=torch.Generator().manual_seed(1))
    y = torch.tensor([0, 1, 2, 3])
    assert _native.usable(torch, z)
    assert _native.index_ce(z, 1, y, None, 0.0, None, "mean") is not None
    assert _native.index_ce(z, 1, y - 1, None, 0.0, None, "mean") is None  # out of range
    assert not _native.usable(torch, z, torch.ones(5, dtype=torch.float64))  # mixed dtypes


# ----------------------------------------------------------------------- NumPy compiled path
needs_c = pytest.mark.skipif(_numpy_kernels._ckernels is None, reason="compiled core not built")


def _numpy_routes(monkeypatch: pytest.MonkeyPatch, *args: Any, **kw: Any) -> tuple[Any, Any]:
    fast = losses.softmax_cross_entropy(*args, **kw)
    with monkeypatch.context() as m:
        m.setattr(_numpy_kernels, "_ckernels", None)
        slow = losses.softmax_cross_entropy(*args, **kw)
    return fast, slow


@needs_c
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_numpy_compiled_ce_equals_pure_numpy_and_torch(
    rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch, dtype: Any
) -> None:
    z = (rng.normal(size=(40, 300)) * 5).astype(dtype)
    z[3, 7] = -INF
    z[4, :] = 1e4 + rng.normal(size=300).astype(dtype)  # large logits: shift by the maximum
    y = rng.integers(0, 300, size=40)
    y[3] = 8
    y[9] = -100
    w = (rng.random(300) + 0.1).astype(dtype)
    w[5] = 0.0
    scale = 1e4 + math.log(300)
    for kw in ({}, {"weight": w}, {"label_smoothing": 0.1}, {"weight": w, "label_smoothing": 0.3}):
        for red in ("mean", "none"):
            opts = {**kw, "ignore_index": -100, "reduction": red}
            fast, slow = _numpy_routes(monkeypatch, z, y, **opts)
            assert np.asarray(fast).dtype == dtype
            tol = _tol(dtype, scale)
            np.testing.assert_allclose(fast, slow, rtol=tol, atol=tol)
            tw = {k: torch.tensor(v.astype(np.float64)) if k == "weight" else v
                  for k, v in opts.items()}  # fmt: skip
            ref = F.cross_entropy(torch.tensor(z.astype(np.float64)), torch.tensor(y), **tw)
            np.testing.assert_allclose(fast, ref.numpy(), rtol=tol, atol=tol)


@needs_c
def test_numpy_compiled_ce_limit_rows_follow_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    z = np.array(
        [
            [0.0, INF, 1.0, 2.0],
            [INF, INF, 0.0, 0.0],
            [-INF, -INF, -INF, -INF],
            [0.0, np.nan, 1.0, 0.0],
            [0.0, -INF, 2.0, 1.0],
            [-800.0, 0.0, -INF, -745.5],  # exp underflows below the row's largest term
        ]
    )
    y = np.array([1, 0, 2, 0, 1, 3])
    for kw in ({}, {"label_smoothing": 0.2}, {"weight": np.array([1.0, 0.0, 2.0, 1.0])}):
        fast, slow = _numpy_routes(monkeypatch, z, y, reduction="none", **kw)
        np.testing.assert_array_equal(np.isnan(fast), np.isnan(slow))
        np.testing.assert_allclose(fast, slow, rtol=_tol(np.float64, 800.0))
    fast, _ = _numpy_routes(monkeypatch, z, y, reduction="none")
    assert fast[0] == 0.0
    assert np.isnan(fast[1:4]).all()
    assert fast[4] == INF
    np.testing.assert_allclose(fast[5], 745.5, rtol=4 * np.finfo(float).eps)


@needs_c
def test_numpy_compiled_ce_other_layouts(
    rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    z = rng.normal(size=(3, 5, 4))
    y = rng.integers(0, 5, size=(3, 4))
    for axis, target in ((1, y), (-1, rng.integers(0, 4, size=(3, 5)))):
        fast, slow = _numpy_routes(monkeypatch, z, target, axis=axis, reduction="none")
        np.testing.assert_allclose(fast, slow, rtol=_tol(np.float64, 4.0))
    one = _numpy_routes(monkeypatch, z[0, :, 0], np.array(2), reduction="none")
    np.testing.assert_allclose(*one, rtol=_tol(np.float64, 4.0))


@needs_c
def test_numpy_compiled_ce_threads_give_the_single_thread_answer(
    rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    z = rng.normal(size=(300, 4000)) * 3
    y = rng.integers(0, 4000, size=300)
    assert z.size >= _numpy_kernels._PARALLEL_MIN  # the threaded path
    threaded = losses.softmax_cross_entropy(z, y, label_smoothing=0.1, reduction="none")
    monkeypatch.setattr(_numpy_kernels, "_PARALLEL_MIN", 10**12)
    single = losses.softmax_cross_entropy(z, y, label_smoothing=0.1, reduction="none")
    np.testing.assert_array_equal(threaded, single)


# ------------------------------------------------ Categorical(logits=...) on PyTorch CPU tensors
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("measure", ["kl_divergence", "cross_entropy"])
def test_categorical_logits_fast_equals_guarded_and_torch(
    rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch, dtype: Any, measure: str
) -> None:
    import infoloss
    from infoloss.discrete import _native as discrete_native

    s = (rng.normal(size=(9, 12)) * 3).astype(dtype)
    t = torch.tensor((rng.normal(size=(9, 12)) * 3).astype(dtype))
    scale = 2 * 3 * 4 + math.log(12)

    def ours(a: Any) -> Any:
        f = getattr(infoloss, measure)
        return f(infoloss.Categorical(logits=t), infoloss.Categorical(logits=a))

    fast = _value_and_grad(ours, s)
    with monkeypatch.context() as m:
        m.setattr(discrete_native, "log_space_pair", lambda *a: None)
        m.setattr(discrete_native, "logits_pair", lambda *a: None)
        slow = _value_and_grad(ours, s)

    def ref(a: Any) -> Any:
        lp, lq = F.log_softmax(t, -1), F.log_softmax(a, -1)
        if measure == "kl_divergence":
            return F.kl_div(lq, lp, log_target=True, reduction="none").sum(-1)
        return -(lp.exp() * lq).sum(-1)

    _agree(fast, slow, scale, dtype)
    _agree(fast, _value_and_grad(ref, s), scale, dtype)


def test_categorical_zero_mass_on_minus_inf_takes_the_guarded_route(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import infoloss
    from infoloss.discrete import _native as discrete_native

    t = torch.tensor([[0.0, -INF, 1.0], [0.0, 1.0, 2.0]])
    s = np.array([[1.0, -INF, 0.0], [0.0, 0.0, -INF]])

    def kl(a: Any) -> Any:
        return infoloss.kl_divergence(
            infoloss.Categorical(logits=t), infoloss.Categorical(logits=a)
        )

    fast = _value_and_grad(kl, s)
    with monkeypatch.context() as m:
        m.setattr(discrete_native, "log_space_pair", lambda *a: None)
        m.setattr(discrete_native, "logits_pair", lambda *a: None)
        slow = _value_and_grad(kl, s)
    np.testing.assert_array_equal(fast[0], slow[0])
    np.testing.assert_array_equal(fast[1], slow[1])
    assert np.isfinite(fast[0][0])  # 0 log 0 = 0 where PyTorch's kl_div gives NaN
    assert fast[0][1] == INF  # P puts mass where Q has none


def test_ordinary_torch_inputs_take_the_native_path(
    monkeypatch: pytest.MonkeyPatch, rng: np.random.Generator
) -> None:
    # every ordinary option answers from PyTorch's fused op (a None from the native function
    # would send the call to the guarded route: the same values, several times the time)
    answered: list[str] = []

    def spying(name: str) -> Any:
        real = getattr(_native, name)

        def spy(*a: Any, **k: Any) -> Any:
            out = real(*a, **k)
            answered.append(name if out is not None else f"{name}: None")
            return out

        return spy

    for name in ("index_ce", "soft_ce", "binary_ce", "distillation"):
        monkeypatch.setattr(_native, name, spying(name))
    z = torch.tensor(rng.normal(size=(6, 5, 3)) * 2)  # classes on axis 1, PyTorch's layout
    y = torch.tensor(rng.integers(0, 5, size=(6, 3)))
    y[0, 0] = -1
    w = torch.tensor(rng.random(5) + 0.5)
    for kw in (
        {},
        {"weight": w},
        {"label_smoothing": 0.1},
        {"ignore_index": -1},
        {"ignore_index": -1, "weight": w, "label_smoothing": 0.2},
    ):
        yy = y if "ignore_index" in kw else y.clamp(0)
        for reduction in ("mean", "sum", "none"):
            losses.softmax_cross_entropy(z, yy, axis=1, reduction=reduction, **kw)
    p = torch.softmax(torch.tensor(rng.normal(size=(6, 5))), dim=1)
    losses.softmax_cross_entropy(z[:, :, 0], p, label_smoothing=0.1)
    losses.binary_cross_entropy(z[:, :, 0], (p > 0.2).double())
    losses.distillation_kl(z[:, :, 0], z[:, :, 1], temperature=2.0)
    assert len(answered) == 5 * 3 + 3
    assert all(": None" not in a for a in answered), answered


def test_the_one_finiteness_read() -> None:
    # one sum read on the host: NaN and infinities propagate; a sum of finite values that
    # overflows reads as not finite (the caller's guarded route then answers, as exactly)
    from infoloss._core import torch_all_finite

    assert torch_all_finite(torch.tensor([1.0, -2.0, 3.0]))
    for bad in (math.nan, INF, -INF):
        assert not torch_all_finite(torch.tensor([1.0, bad, 3.0]))
    assert not torch_all_finite(torch.tensor([INF, -INF]))
    big = float(np.finfo(np.float32).max)
    assert not torch_all_finite(torch.tensor([big, big], dtype=torch.float32))
    x = torch.tensor([0.5, 1.5], requires_grad=True)
    assert torch_all_finite(x)  # read without joining the autograd graph
    assert x.grad is None
