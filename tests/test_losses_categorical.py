"""`kl_divergence` / `cross_entropy` of two ``Categorical(logits=...)`` on PyTorch CPU tensors.

The fast route (`infoloss.discrete._native.logits_pair`, issue 14) works on the raw logits:
``-sum softmax(t) log_softmax(s)`` for the cross-entropy (PyTorch's
``F.cross_entropy(s, F.softmax(t))``) and ``kl_div`` of two native ``log_softmax`` for KL, and
keeps its result only where it is finite. References, values and gradients with respect to both
arguments:

* the guarded generic formulas (`infoloss.discrete._formulas`, both PyTorch shortcuts switched
  off), which apply the limit rules at ``±inf`` logits;
* PyTorch's own expressions on ordinary inputs.

Limit inputs (a ``+inf`` logit, ``-inf`` entries on either side, a row of ``-inf`` only, NaN)
must give exactly the guarded route's values and gradients: the fast route declines them.

Tolerances: 64 ulp of the loss's scale (logit spread plus log C), as test_losses_fast.py.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import infoloss
from infoloss.discrete import _native as discrete_native

torch = pytest.importorskip("torch")
F = torch.nn.functional
INF = math.inf
MEASURES = ["kl_divergence", "cross_entropy"]


def _run(measure: str, t: np.ndarray, s: np.ndarray, axis: int) -> tuple[Any, Any, Any]:
    """Value and the gradients with respect to the logits of P (t) and of Q (s)."""
    a, b = torch.tensor(t, requires_grad=True), torch.tensor(s, requires_grad=True)
    f = getattr(infoloss, measure)
    out = f(infoloss.Categorical(logits=a, axis=axis), infoloss.Categorical(logits=b, axis=axis))
    out.sum().backward()
    return out.detach().numpy(), a.grad.numpy(), b.grad.numpy()


def _guarded(monkeypatch: pytest.MonkeyPatch, *args: Any) -> tuple[Any, Any, Any]:
    with monkeypatch.context() as m:
        m.setattr(discrete_native, "logits_pair", lambda *a: None)
        m.setattr(discrete_native, "log_space_pair", lambda *a: None)
        return _run(*args)


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record whether each call of `logits_pair` answered (True) or declined (False)."""
    seen: list[bool] = []
    real = discrete_native.logits_pair

    def spy(*a: Any) -> Any:
        out = real(*a)
        seen.append(out is not None)
        return out

    monkeypatch.setattr(discrete_native, "logits_pair", spy)
    return seen


def _torch_ref(measure: str, t: np.ndarray, s: np.ndarray, axis: int) -> tuple[Any, Any, Any]:
    a, b = torch.tensor(t, requires_grad=True), torch.tensor(s, requires_grad=True)
    lp, lq = F.log_softmax(a, axis), F.log_softmax(b, axis)
    if measure == "kl_divergence":
        out = F.kl_div(lq, lp, log_target=True, reduction="none").sum(axis)
    else:
        out = -(F.softmax(a, axis) * lq).sum(axis)
    out.sum().backward()
    return out.detach().numpy(), a.grad.numpy(), b.grad.numpy()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize(("shape", "axis"), [((9, 12), -1), ((4, 12, 5), 1), ((12,), 0)])
def test_fast_equals_guarded_and_torch(
    monkeypatch: pytest.MonkeyPatch, dtype: Any, measure: str, shape: Any, axis: int
) -> None:
    rng = np.random.default_rng(20261207)
    t = (rng.normal(size=shape) * 3).astype(dtype)
    s = (rng.normal(size=shape) * 3).astype(dtype)
    slow = _guarded(monkeypatch, measure, t, s, axis)
    seen = _spy(monkeypatch)
    fast = _run(measure, t, s, axis)
    assert seen == [True]
    tol = 64 * float(np.finfo(dtype).eps) * (2 * 3 * 4 + math.log(12))
    for ref in (slow, _torch_ref(measure, t, s, axis)):
        for f, r in zip(fast, ref, strict=True):
            np.testing.assert_allclose(f, r, rtol=tol, atol=tol)


LIMITS = {
    "+inf in P": ([[0.0, INF, 1.0], [0.0, 1.0, 2.0]], [[1.0, 0.0, 0.5], [0.0, 2.0, 1.0]]),
    "+inf in Q": ([[0.0, 3.0, 1.0], [0.0, 1.0, 2.0]], [[INF, 0.0, 0.5], [0.0, 2.0, 1.0]]),
    "-inf in P": ([[0.0, -INF, 1.0], [0.0, 1.0, 2.0]], [[1.0, 0.0, 0.5], [0.0, 2.0, 1.0]]),
    "-inf in both": ([[0.0, -INF, 1.0], [0.0, 1.0, 2.0]], [[1.0, -INF, 0.0], [0.0, 0.0, 1.0]]),
    "-inf in Q only": ([[0.0, 3.0, 1.0], [0.0, 1.0, 2.0]], [[1.0, -INF, 0.0], [0.0, 0.0, 1.0]]),
    "-inf row in P": ([[-INF, -INF, -INF], [0.0, 1.0, 2.0]], [[1.0, 0.0, 0.5], [0.0, 2.0, 1.0]]),
    "two +inf in Q": ([[0.0, 3.0, 1.0], [0.0, 1.0, 2.0]], [[INF, INF, 0.5], [0.0, 2.0, 1.0]]),
    "+inf on both": ([[INF, 3.0, 1.0], [0.0, 1.0, 2.0]], [[INF, 0.0, 0.5], [0.0, 2.0, 1.0]]),
    "NaN in P": ([[0.0, math.nan, 1.0], [0.0, 1.0, 2.0]], [[1.0, 0.0, 0.5], [0.0, 2.0, 1.0]]),
}


@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize("case", sorted(LIMITS))
def test_limits_take_the_guarded_route(
    monkeypatch: pytest.MonkeyPatch, measure: str, case: str
) -> None:
    t, s = (np.array(x) for x in LIMITS[case])
    slow = _guarded(monkeypatch, measure, t, s, -1)
    seen = _spy(monkeypatch)
    fast = _run(measure, t, s, -1)
    if case == "-inf in P":  # probability 0 against a finite log q: PyTorch's value is exact
        assert seen == [measure == "cross_entropy"]
    else:
        assert seen == [False]
    for f, r in zip(fast, slow, strict=True):
        np.testing.assert_allclose(f, r, rtol=1e-14, atol=1e-14)
    if case == "-inf in both":  # 0 log 0 = 0 where PyTorch's own expression gives NaN
        assert np.isfinite(fast[0]).all()
        assert np.isfinite(fast[2]).all()
    if case == "-inf in Q only":  # P puts mass where Q has none
        assert fast[0][0] == INF


def test_fast_route_declines_other_layouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Different dtypes, shapes that broadcast, several event axes: the generic route."""
    rng = np.random.default_rng(3)
    seen = _spy(monkeypatch)
    t = torch.tensor(rng.normal(size=(3, 4)))
    s = torch.tensor(rng.normal(size=(3, 4)), dtype=torch.float32)
    b = torch.tensor(rng.normal(size=(1, 4)))
    x = torch.tensor(rng.normal(size=(2, 3, 4)))
    P, Q = infoloss.Categorical(logits=t), infoloss.Categorical(logits=b)
    ref = infoloss.cross_entropy(P, infoloss.Categorical(logits=torch.cat([b] * 3)))
    torch.testing.assert_close(infoloss.cross_entropy(P, Q), ref)
    infoloss.kl_divergence(P, infoloss.Categorical(logits=s))
    X = infoloss.Categorical(logits=x, axis=(1, 2))
    infoloss.kl_divergence(X, X)
    assert seen == [True, False, False, False]
