"""The JAX fast path of `infoloss.losses` (`infoloss.losses._jax`) agrees with the guarded route.

On JAX arrays `softmax_cross_entropy` (class indices and probability targets) and
`distillation_kl` run one compiled formula and a finiteness flag; where the flag fails (±inf
logits, zero targets against ``-inf``) the guarded array-API route answers, eagerly by a branch
and under tracing by `jax.lax.cond` inside a `jax.custom_vjp`. References, values and
gradients, eager and under `jax.jit`: the guarded route itself (the fast path declared unusable)
and optax's losses where they exist (`softmax_cross_entropy_with_integer_labels`,
`softmax_cross_entropy`, `kl_divergence_with_log_targets`).

Tolerances: float32 (JAX's default), 64 ulp of the loss's scale (logit spread plus log C), as
test_losses_fast.py.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from infoloss import losses
from infoloss.losses import _jax, _targets

jax = pytest.importorskip("jax")
jnp = pytest.importorskip("jax.numpy")
INF = math.inf
TOL = 64 * float(np.finfo(np.float32).eps) * (2 * 3 * 4 + math.log(12))


def _value_and_grad(fn: Any, z: Any, jit: bool) -> tuple[Any, Any, float]:
    def total(a: Any) -> Any:
        return jnp.sum(fn(a))

    vg = jax.value_and_grad(total)
    if jit:
        vg = jax.jit(vg)
    v, g = vg(z)
    per = jax.jit(fn)(z) if jit else fn(z)
    return np.asarray(per), np.asarray(g), float(v)


def _guarded(monkeypatch: pytest.MonkeyPatch, fn: Any, z: Any, jit: bool) -> Any:
    with monkeypatch.context() as m:
        m.setattr(_jax, "usable", lambda *a, **k: False)
        return _value_and_grad(fn, z, jit)


def _agree(fast: Any, slow: Any, tol: float = TOL) -> None:
    for f, s in zip(fast, slow, strict=True):
        np.testing.assert_allclose(f, s, rtol=tol, atol=tol)


@pytest.fixture
def data() -> dict[str, Any]:
    rng = np.random.default_rng(20261207)
    z = jnp.asarray((rng.normal(size=(9, 12)) * 3).astype(np.float32))
    t = jnp.asarray((rng.normal(size=(9, 12)) * 3).astype(np.float32))
    y = jnp.asarray(rng.integers(0, 12, 9).astype(np.int32))
    w = jnp.asarray((rng.random(12) + 0.5).astype(np.float32))
    return {"z": z, "t": t, "y": y, "w": w, "p": jax.nn.softmax(t, axis=-1)}


INDEX_OPTIONS = {
    "plain": {},
    "smoothing": {"label_smoothing": 0.1},
    "weights": {"weight": "w"},
    "smoothing+weights+ignore": {"label_smoothing": 0.2, "weight": "w", "ignore_index": 3},
}


@pytest.mark.parametrize("jit", [False, True])
@pytest.mark.parametrize("option", sorted(INDEX_OPTIONS))
def test_jax_index_ce_fast_equals_guarded(
    monkeypatch: pytest.MonkeyPatch, data: dict[str, Any], option: str, jit: bool
) -> None:
    kw = {k: data[v] if v == "w" else v for k, v in INDEX_OPTIONS[option].items()}
    y = data["y"].at[0].set(3) if "ignore_index" in kw else data["y"]

    def fn(a: Any) -> Any:
        return losses.softmax_cross_entropy(a, y, reduction="none", validate=not jit, **kw)

    fast = _value_and_grad(fn, data["z"], jit)
    _agree(fast, _guarded(monkeypatch, fn, data["z"], jit))


@pytest.mark.parametrize("jit", [False, True])
def test_jax_fast_paths_match_optax(data: dict[str, Any], jit: bool) -> None:
    optax = pytest.importorskip("optax")
    z, y, p, t = data["z"], data["y"], data["p"], data["t"]
    pairs = [
        (
            lambda a: losses.softmax_cross_entropy(a, y, reduction="none", validate=not jit),
            lambda a: optax.softmax_cross_entropy_with_integer_labels(a, y),
        ),
        (
            lambda a: losses.softmax_cross_entropy(a, p, reduction="none", validate=not jit),
            lambda a: optax.softmax_cross_entropy(a, p),
        ),
        (
            lambda a: losses.distillation_kl(a, t, reduction="none"),
            lambda a: optax.losses.kl_divergence_with_log_targets(
                jax.nn.log_softmax(a, axis=-1), jax.nn.log_softmax(t, axis=-1)
            ),
        ),
    ]
    for ours, ref in pairs:
        _agree(_value_and_grad(ours, z, jit), _value_and_grad(ref, z, jit))


@pytest.mark.parametrize("jit", [False, True])
@pytest.mark.parametrize("loss", ["index", "smoothed", "soft", "distillation"])
def test_jax_limits_take_the_guarded_route(
    monkeypatch: pytest.MonkeyPatch, data: dict[str, Any], loss: str, jit: bool
) -> None:
    # a +inf logit (point mass), -inf logits (probability 0; the target on one: +inf), a row of
    # -inf only (NaN) and a teacher with a -inf logit (0 log 0 = 0): the guarded route's
    # values and gradients exactly, NaN where it has NaN
    z = np.asarray(data["z"]).copy()
    z[0, 2], z[1, 4], z[2, :] = INF, -INF, -INF
    t = np.asarray(data["t"]).copy()
    t[3, 5] = -INF
    y = np.asarray(data["y"]).copy()
    y[0], y[1] = 2, 4
    zj, tj, yj = jnp.asarray(z), jnp.asarray(t), jnp.asarray(y)
    pj = jax.nn.softmax(tj, axis=-1)
    v = not jit
    fns = {
        "index": lambda a: losses.softmax_cross_entropy(a, yj, reduction="none", validate=v),
        "smoothed": lambda a: losses.softmax_cross_entropy(
            a, yj, reduction="none", validate=v, label_smoothing=0.1
        ),
        "soft": lambda a: losses.softmax_cross_entropy(a, pj, reduction="none", validate=v),
        "distillation": lambda a: losses.distillation_kl(a, tj, reduction="none"),
    }
    fast = _value_and_grad(fns[loss], zj, jit)
    slow = _guarded(monkeypatch, fns[loss], zj, jit)
    for f, s in zip(fast[:2], slow[:2], strict=True):
        np.testing.assert_array_equal(np.isnan(f), np.isnan(s))
        np.testing.assert_allclose(f, s, rtol=TOL, atol=TOL)


def test_jax_ordinary_input_does_not_take_the_guarded_route(
    monkeypatch: pytest.MonkeyPatch, data: dict[str, Any]
) -> None:
    def refuse(*a: Any, **k: Any) -> Any:
        raise AssertionError("the guarded route was taken")

    monkeypatch.setattr(_targets, "log_softmax", refuse)
    out = losses.softmax_cross_entropy(data["z"], data["y"], label_smoothing=0.1)
    assert np.isfinite(float(out))


@pytest.mark.parametrize("jit", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_jax_binary_ce_compiled_equals_guarded(
    monkeypatch: pytest.MonkeyPatch, data: dict[str, Any], jit: bool, weighted: bool
) -> None:
    # the same guarded formula under jax.jit (one fused pass eagerly): ±inf logits included
    z = np.asarray(data["z"]).copy()
    z[0, 1], z[1, 2] = INF, -INF
    y = (np.asarray(data["t"]) > 0).astype(np.float32)
    y[0, 1], y[1, 2] = 1.0, 0.0  # the limits with a finite loss
    yj, pw = jnp.asarray(y), (data["w"] if weighted else None)

    def fn(a: Any) -> Any:
        return losses.binary_cross_entropy(
            a, yj, pos_weight=pw, reduction="none", validate=not jit
        )

    fast = _value_and_grad(fn, jnp.asarray(z), jit)
    _agree(fast, _guarded(monkeypatch, fn, jnp.asarray(z), jit))
    assert np.isfinite(fast[0]).all()


def test_jax_binary_ce_pos_weight_that_does_not_broadcast(data: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must broadcast to `target`"):
        losses.binary_cross_entropy(data["z"], data["p"], pos_weight=jnp.ones((9, 1, 12)))


def _grads_all(fn: Any, args: tuple[Any, ...], jit: bool) -> list[Any]:
    """The value and the gradient of ``sum(fn(*args))`` with respect to every argument."""
    vg = jax.value_and_grad(lambda *a: jnp.sum(fn(*a)), argnums=tuple(range(len(args))))
    v, g = (jax.jit(vg) if jit else vg)(*args)
    return [np.asarray(v), *map(np.asarray, g)]


@pytest.mark.parametrize("jit", [False, True])
@pytest.mark.parametrize(
    "case", ["distillation T=1", "distillation T=2.5", "smoothing+weights", "soft+weights"]
)
def test_jax_gradients_of_every_argument_equal_guarded(
    monkeypatch: pytest.MonkeyPatch, data: dict[str, Any], case: str, jit: bool
) -> None:
    # the fast path's backward (hand-written for distillation, the saved vjp elsewhere)
    # against the guarded route, for the teacher, the targets and the class weights too
    z, t, y, w, p = data["z"], data["t"], data["y"], data["w"], data["p"]
    v = not jit
    cases: dict[str, tuple[Any, tuple[Any, ...]]] = {
        "distillation T=1": (lambda a, b: losses.distillation_kl(a, b, reduction="none"), (z, t)),
        "distillation T=2.5": (
            lambda a, b: losses.distillation_kl(a, b, temperature=2.5, reduction="none"),
            (z, t),
        ),
        "smoothing+weights": (
            lambda a, c: losses.softmax_cross_entropy(
                a, y, weight=c, label_smoothing=0.1, reduction="none", validate=v
            ),
            (z, w),
        ),
        "soft+weights": (
            lambda a, b, c: losses.softmax_cross_entropy(
                a, b, weight=c, label_smoothing=0.1, reduction="none", validate=v
            ),
            (z, p, w),
        ),
    }
    fn, args = cases[case]
    fast = _grads_all(fn, args, jit)
    with monkeypatch.context() as m:
        m.setattr(_jax, "usable", lambda *a, **k: False)
        slow = _grads_all(fn, args, jit)
    for f, s in zip(fast, slow, strict=True):
        np.testing.assert_allclose(f, s, rtol=TOL, atol=TOL)
    assert all(np.isfinite(f).all() for f in fast)


def test_jax_distillation_gradients_match_optax(data: dict[str, Any]) -> None:
    # student and teacher gradients against optax on the same tensors, temperature 2
    optax = pytest.importorskip("optax")

    def ref(a: Any, b: Any) -> Any:
        lq, lp = jax.nn.log_softmax(a / 2.0, axis=-1), jax.nn.log_softmax(b / 2.0, axis=-1)
        return optax.losses.kl_divergence_with_log_targets(lq, lp)

    def ours(a: Any, b: Any) -> Any:
        return losses.distillation_kl(a, b, temperature=2.0, reduction="none")

    for jit in (False, True):
        got = _grads_all(ours, (data["z"], data["t"]), jit)
        want = _grads_all(ref, (data["z"], data["t"]), jit)
        for f, s in zip(got, want, strict=True):
            np.testing.assert_allclose(f, s, rtol=TOL, atol=TOL)
