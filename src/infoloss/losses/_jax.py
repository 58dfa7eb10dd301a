"""The fast path of the losses on JAX arrays: one fused, compiled formula, then one check.

On JAX the guarded route is many array operations: eagerly each is a separate pass over the
logits, and even under `jax.jit` the limit rules (whose need cannot be known while tracing)
keep the "double where" of every entry. Here each loss is the plain formula (what
``optax.softmax_cross_entropy_with_integer_labels`` and ``jax.nn.log_softmax`` compute),
compiled once by `jax.jit` (so that an eager call is one fused pass too), returning the
per-example values and one flag: every row's maximum and log-sum-exp finite, and every loss
finite. As on PyTorch (`_native`), the plain formula is infoloss's value exactly where that
holds; otherwise the guarded route answers: by a Python branch on an eager call, by
`jax.lax.cond` while tracing (jit, grad), which runs the guarded branch only when the flag is
false, and differentiates the branch it runs. Imports JAX lazily: infoloss does not depend on
it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import array_api_compat

from .._core import Array, Namespace

__all__ = ["distillation", "index_terms", "jitted", "soft_ce", "usable"]


def usable(xp: Namespace, *arrays: Array | None) -> bool:
    """Whether the JAX path applies: JAX arrays of one floating dtype."""
    if not array_api_compat.is_jax_namespace(xp):
        return False
    given = [a for a in arrays if a is not None]
    return all(xp.isdtype(a.dtype, "real floating") and a.dtype == given[0].dtype for a in given)


def _choose(name: str, static: dict[str, Any], args: tuple[Any, ...], guarded: Any) -> Any:
    """The compiled formula `name` on ``args`` where its flag holds, else ``guarded(*args)``.

    Eagerly a Python branch. While tracing, a `jax.custom_vjp` whose forward pass runs the
    guarded formula only when the flag is false (`jax.lax.cond`) and whose backward pass
    differentiates the formula that answered: the fast one by its hand-written gradient from
    per-row residuals (one fused pass over the inputs, as ``optax`` costs) where `_backward`
    has one for these arguments, else by the saved `jax.vjp` of the compiled formula; the
    guarded one recomputed from the inputs (differentiating through ``cond`` itself would keep
    residuals of both branches: several times the work). Arguments of integer dtype (class
    indices) get no cotangent.
    """
    import jax
    import jax.numpy as jnp

    fn = _compiled(name)
    values, _, ok = fn(*args, **static)
    if not isinstance(ok, jax.core.Tracer):
        return values if bool(ok) else guarded(*args)
    diff = [a is not None and jnp.issubdtype(a.dtype, jnp.floating) for a in args]
    back = _backward(name, static, args)

    def split(a: tuple[Any, ...]) -> tuple[list[Any], Any]:
        floats = [x for x, d in zip(a, diff, strict=True) if d]

        def rebuild(fl: Any) -> tuple[Any, ...]:
            it = iter(fl)
            return tuple(next(it) if d else x for x, d in zip(a, diff, strict=True))

        return floats, rebuild

    @jax.custom_vjp
    def run(*a: Any) -> Any:
        v, _, flag = fn(*a, **static)
        return jax.lax.cond(flag, lambda: v, lambda: guarded(*a))

    def fwd(*a: Any) -> Any:
        if back is not None:
            v, r, flag = fn(*a, **static)
        else:
            floats, rebuild = split(a)

            def with_flag(*fl: Any) -> Any:
                out, _, f = fn(*rebuild(fl), **static)
                return out, f

            v, r, flag = jax.vjp(with_flag, *floats, has_aux=True)
        return jax.lax.cond(flag, lambda: v, lambda: guarded(*a)), (a, flag, r)

    def bwd(saved: Any, g: Any) -> Any:
        a, flag, r = saved
        floats, rebuild = split(a)

        def slow() -> Any:
            return jax.vjp(lambda *fl: guarded(*rebuild(fl)), *floats)[1](g)

        fast = (lambda: back(a, r, g)) if back is not None else (lambda: r(g))
        gf = jax.lax.cond(flag, fast, slow)
        it = iter(gf)
        return tuple(next(it) if d else None for d in diff)

    run.defvjp(fwd, bwd)
    return run(*args)


@functools.cache
def jitted(fn: Callable[..., Any], xp: Namespace) -> Any:
    """``fn(*arrays, xp=xp)`` compiled by `jax.jit` (once per function, shape and dtype): an
    exact formula that needs no check, fused into one pass on eager calls too."""
    import jax

    return jax.jit(functools.partial(fn, xp=xp))


@functools.cache
def _compiled(name: str) -> Any:
    """The jitted formula `name` (compiled on first use, for each shape and dtype): returns the
    values, per-row residuals for `_backward`, and the flag (all finite)."""
    import jax
    import jax.numpy as jnp

    def index_terms(z: Any, t: Any, w: Any, smooth: bool) -> Any:
        m = jax.lax.stop_gradient(jnp.max(z, axis=-1, keepdims=True))
        d = z - m
        lse = jnp.log(jnp.sum(jnp.exp(d), axis=-1))
        zt = jnp.take_along_axis(z, t[..., None], axis=-1)[..., 0]  # from z: d stays fused
        log_py = (zt - m[..., 0]) - lse
        ok = jnp.all(jnp.isfinite(m)) & jnp.all(jnp.isfinite(log_py))
        if not smooth:
            return (log_py, None), m[..., 0] + lse, ok
        wd = d if w is None else jnp.where(w != 0, w * d, 0.0)
        total = z.shape[-1] if w is None else jnp.sum(w)
        wl = jnp.sum(wd, axis=-1) - lse * total
        return (log_py, wl), m[..., 0] + lse, ok & jnp.all(jnp.isfinite(wl))

    def soft_ce(z: Any, p: Any, w: Any, eps: float) -> Any:
        logq = jax.nn.log_softmax(z, axis=-1)
        if eps > 0:
            p = (1.0 - eps) * p + eps / z.shape[-1]
        if w is not None:
            p = p * w
        per = -jnp.sum(p * logq, axis=-1)
        return (per,), None, jnp.all(jnp.isfinite(per))

    def log_softmax(x: Any) -> tuple[Any, Any]:
        """``jax.nn.log_softmax`` (the same rounding) and the row's log-sum-exp."""
        m = jax.lax.stop_gradient(jnp.max(x, axis=-1, keepdims=True))
        lse = jnp.log(jnp.sum(jnp.exp(x - m), axis=-1, keepdims=True))
        return (x - m) - lse, (m + lse)[..., 0]

    def distillation(s: Any, t: Any, temp: float) -> Any:
        log_q, ls = log_softmax(s / temp)
        log_p, lt = log_softmax(t / temp)
        per = jnp.sum(jnp.exp(log_p) * (log_p - log_q), axis=-1)
        return (jnp.maximum(per, 0.0),), (ls, lt, per), jnp.all(jnp.isfinite(per))

    fns: dict[str, Callable[..., Any]] = {
        "index_terms": index_terms,
        "soft_ce": soft_ce,
        "distillation": distillation,
    }
    static = {"index_terms": ("smooth",), "soft_ce": ("eps",), "distillation": ("temp",)}
    return jax.jit(fns[name], static_argnames=static[name])


def _backward(name: str, static: dict[str, Any], args: tuple[Any, ...]) -> Any:
    """The hand-written gradient of the fast formula `name`, or None where there is none for
    these arguments: ``back(args, residuals, cotangents)`` gives the cotangents of the floating
    arguments, in order. Each is one fused pass over the inputs from per-row residuals.

    Class indices (``index_terms``), with log q = z - L (L the row's log-sum-exp) and
    q = softmax(z): d log q_y / dz = onehot(y) - q, and, smoothing with unit weights,
    d sum_c log q_c / dz = 1 - C q (smoothing with class weights differentiates the weights
    too: the saved vjp does it). Distillation, with p = softmax(t / T), q = softmax(s / T),
    k = KL(p || q): dk/ds = (q - p) / T and dk/dt = p (log p - log q - k) / T; the clamp of
    a rounded-negative k at 0 passes no gradient.
    """
    import jax.numpy as jnp

    if name == "index_terms" and (not static["smooth"] or args[2] is None):
        smooth = static["smooth"]

        def index_back(a: tuple[Any, ...], L: Any, g: tuple[Any, Any]) -> Any:
            z, t, w = a
            g1 = g[0][..., None]
            q = jnp.exp(z - L[..., None])
            hit = jnp.arange(z.shape[-1], dtype=t.dtype) == t[..., None]
            coef = g1 + z.shape[-1] * g[1][..., None] if smooth else g1
            gz = jnp.where(hit, g1, 0.0) - coef * q + (g[1][..., None] if smooth else 0.0)
            return (gz,) if w is None else (gz, jnp.zeros_like(w))

        return index_back
    if name == "distillation":
        temp = static["temp"]

        def distillation_back(a: tuple[Any, ...], r: Any, g: tuple[Any]) -> Any:
            s, t = a
            ls, lt, k = r
            gk = (jnp.where(k < 0, 0.0, g[0]) / temp)[..., None]
            log_q = s / temp - ls[..., None]
            log_p = t / temp - lt[..., None]
            p = jnp.exp(log_p)
            return gk * (jnp.exp(log_q) - p), gk * p * ((log_p - log_q) - k[..., None])

        return distillation_back
    return None


def index_terms(
    zl: Array, t: Array, w: Array | None, smooth: bool, guarded: Callable[..., Any]
) -> tuple[Array, Array | None]:
    """``log q_y`` per example and, with smoothing, ``sum_c w_c log q_c`` (classes last), or
    ``guarded(zl, t, w)`` where a row needs the limit rules."""
    out: tuple[Array, Array | None] = tuple(
        _choose("index_terms", {"smooth": smooth}, (zl, t, w), guarded)
    )
    return out


def soft_ce(
    zl: Array, pl: Array, w: Array | None, eps: float, guarded: Callable[..., Any]
) -> Array:
    """Per-example cross-entropy to probability targets (classes last), or
    ``guarded(zl, pl, w)``."""
    (per,) = _choose("soft_ce", {"eps": eps}, (zl, pl, w), lambda *a: (guarded(*a),))
    return per


def distillation(sl: Array, tl: Array, temp: float, guarded: Callable[..., Any]) -> Array:
    """Per-example KL(softmax(t / T) || softmax(s / T)) (classes last), or
    ``guarded(sl, tl)``."""
    (per,) = _choose("distillation", {"temp": temp}, (sl, tl), lambda *a: (guarded(*a),))
    return per
