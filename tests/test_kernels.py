"""The NumPy route's three implementations agree: compiled core, NumPy blocks, generic formulas.

The compiled core (`infoloss.discrete._ckernels`, optional) and the blocked NumPy kernels are
the fast paths for NumPy probability arrays; `infoloss.discrete._formulas` is the generic
array-API route that every other library takes. Each is an independent check of the others.
"""

from __future__ import annotations

from typing import Any

import mpmath
import numpy as np
import pytest

import infoloss
from infoloss.discrete import _formulas, _numpy_kernels

MEASURES = ["entropy", "cross_entropy", "kl_divergence", "js_divergence"]
ck = _numpy_kernels._ckernels
needs_c = pytest.mark.skipif(ck is None, reason="the compiled core is not built")


@pytest.fixture(params=["compiled", "numpy-blocks"])
def route(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "compiled" and ck is None:
        pytest.skip("the compiled core is not built")
    if request.param == "numpy-blocks":
        monkeypatch.setattr(_numpy_kernels, "_ckernels", None)
    return str(request.param)


def _generic(name: str, p: np.ndarray[Any, Any], q: np.ndarray[Any, Any]) -> Any:
    """The generic array-API formula on the same rows (reference route)."""
    args = [("probs", p)] if name == "entropy" else [("probs", p), ("probs", q)]
    with np.errstate(all="ignore"):
        return getattr(_formulas, name)(*args, np, 1)


def _call(name: str, p: Any, q: Any, **kw: Any) -> Any:
    f = getattr(infoloss, name)
    return f(p, **kw) if name == "entropy" else f(p, q, **kw)


def _awkward_rows(rng: np.random.Generator, n: int, k: int, dtype: Any) -> Any:
    """Rows with exact zeros, a row where q has zeros under p > 0, tiny and subnormal mass."""
    p = rng.random((n, k)) ** 3
    q = rng.random((n, k)) ** 3
    p[p < 0.1] = 0.0
    q[1, :3] = 0.0
    p[2, :] = 0.0
    p[2, 0] = 1.0  # one-hot row
    q[3, 0] = 1e-300
    p[4, 1] = 1e-310  # subnormal
    p /= p.sum(-1, keepdims=True)
    q /= q.sum(-1, keepdims=True)
    return p.astype(dtype), q.astype(dtype)


@pytest.mark.parametrize("name", MEASURES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_routes_agree_with_generic(route: str, name: str, dtype: Any) -> None:
    rng = np.random.default_rng(11)
    p, q = _awkward_rows(rng, 7, 300, dtype)
    got = _call(name, p, q)
    want = _generic(name, p.astype(np.float64), q.astype(np.float64))
    if name == "kl_divergence":
        want = np.maximum(want, 0)
    assert got.dtype == dtype
    # float64: a few ulps of summation order; float32: inputs rounded, sums accumulated wider
    rtol = 1e-12 if dtype == np.float64 else 2e-6
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("name", MEASURES)
def test_routes_nan_rows_and_layouts(route: str, name: str) -> None:
    rng = np.random.default_rng(12)
    p, q = _awkward_rows(rng, 6, 50, np.float64)
    p[0, 5] = np.nan
    q[5, 7] = np.nan
    got = _call(name, p, q)
    assert np.isnan(got[0])
    assert np.isnan(got[5]) == (name != "entropy")
    ok = ~np.isnan(got)
    np.testing.assert_allclose(got[ok], _generic(name, p, q)[ok], rtol=1e-12, atol=1e-15)
    # a column layout (axis=0) and a broadcast q row give the same numbers
    np.testing.assert_allclose(_call(name, p.T, q.T, axis=0), got, rtol=1e-12, equal_nan=True)
    row = q[3]
    b = _call(name, p, row)
    np.testing.assert_allclose(b, _call(name, p, np.tile(row, (6, 1))), rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize("name", MEASURES)
def test_threads_give_the_single_thread_answer(
    route: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(13)
    p = rng.random((300, 4000))
    q = rng.random((300, 4000))
    p /= p.sum(-1, keepdims=True)
    q /= q.sum(-1, keepdims=True)
    assert p.size >= _numpy_kernels._PARALLEL_MIN  # the threaded path
    threaded = _call(name, p, q)
    monkeypatch.setattr(_numpy_kernels, "_PARALLEL_MIN", 10**12)
    np.testing.assert_array_equal(threaded, _call(name, p, q))


def test_fused_validation_reports_row(route: str) -> None:
    rng = np.random.default_rng(14)
    p = rng.random((5, 20))
    p /= p.sum(-1, keepdims=True)
    q = p.copy()
    q[3] *= 0.9
    with pytest.raises(ValueError, match=r"`q` row \(3,\) sums to 0\.9"):
        infoloss.kl_divergence(p, q)
    q = p.copy()
    q[2, 4] = -0.25
    with pytest.raises(
        ValueError, match=r"`q` has negative entries \(min -0\.25 at index \(2, 4\)"
    ):
        infoloss.kl_divergence(p, q)


@needs_c
def test_compiled_log_special_values() -> None:
    # the values IEEE 754 fixes exactly: log(+-0) = -inf, log(x < 0) = NaN, log(inf) = inf,
    # log(NaN) = NaN, log(1) = 0
    x = np.array([0.0, -0.0, -1.0, np.inf, -np.inf, np.nan, 1.0])
    y = np.empty_like(x)
    ck.log(x, y)
    np.testing.assert_array_equal(y, [-np.inf, -np.inf, np.nan, np.inf, np.nan, np.nan, 0.0])
    # finite results: faithfully rounded (within 1 ulp of the exact log, as below), so equal to
    # NumPy's log (itself SIMD or libm, by CPU) only to 1 ulp; subnormal inputs included
    x = np.array([2.0, 0.5, 5e-324, 1e-310])
    y = np.empty_like(x)
    ck.log(x, y)
    mpmath.mp.dps = 40
    for xi, yi in zip(x, y, strict=True):
        exact = mpmath.log(mpmath.mpf(float(xi)))
        assert abs(float((mpmath.mpf(float(yi)) - exact) / np.spacing(yi))) < 1.0, xi


@needs_c
def test_compiled_log_within_one_ulp_of_mpmath() -> None:
    rng = np.random.default_rng(15)
    x = np.concatenate(
        [
            rng.random(300),
            np.exp(rng.uniform(-744, 709, 300)),  # every binade, subnormals included
            1.0 + rng.normal(0, 1e-6, 200),  # near 1, where log is small
            np.sqrt(2) * (1 + rng.normal(0, 1e-12, 100)),  # the reduction's boundary
        ]
    )
    y = np.empty_like(x)
    ck.log(x, y)
    mpmath.mp.dps = 40
    ulps = [
        abs(float((mpmath.mpf(float(yi)) - mpmath.log(mpmath.mpf(float(xi)))) / np.spacing(yi)))
        for xi, yi in zip(x, y, strict=True)
        if yi != 0
    ]
    assert max(ulps) < 1.0  # faithfully rounded (correct rounding would be 0.5)


_FORK_SCRIPT = """
import multiprocessing as mp
import numpy as np
import infoloss
rng = np.random.default_rng(16)
p = rng.random((300, 4000))
p /= p.sum(-1, keepdims=True)
want = infoloss.entropy(p)  # starts the thread pool in the parent
with mp.get_context("fork").Pool(1) as pool:
    got = pool.apply_async(infoloss.entropy, (p,)).get(timeout=60)
assert np.array_equal(got, want)
print("ok")
"""


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_threaded_route_works_in_a_forked_child() -> None:
    # in a fresh interpreter: other libraries in this one (JAX) object to fork themselves
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", _FORK_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


_KNOBS_SCRIPT = """
import numpy as np
from infoloss._core._threads import n_threads
from infoloss.discrete import _numpy_kernels as k
isa = getattr(k._ckernels, "isa", None)
p = np.full((3, 4), 0.25)
import infoloss
print(isa, n_threads(), round(float(infoloss.entropy(p)[0]), 6))
"""


def _run_with_env(env: dict[str, str]) -> Any:
    import os
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-c", _KNOBS_SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **env},
    )


def test_environment_knobs_hold_the_compiled_core_threads_and_simd() -> None:
    # what CI's fallback runs rely on: the knobs really take effect in a fresh interpreter
    off = _run_with_env({"INFOLOSS_DISABLE_COMPILED": "1", "INFOLOSS_NUM_THREADS": "1"})
    assert off.returncode == 0, off.stderr
    assert off.stdout.split()[:2] == ["None", "1"]
    if ck is not None:
        base = _run_with_env({"INFOLOSS_DISABLE_CPU_FEATURES": "AVX2 FMA"})
        assert base.returncode == 0, base.stderr
        assert base.stdout.split()[0] == "baseline"
    bad = _run_with_env({"INFOLOSS_NUM_THREADS": "zero"})
    assert bad.returncode != 0
    assert "INFOLOSS_NUM_THREADS must be a whole number >= 1, found 'zero'" in bad.stderr


# ------------------------------------------------------------------ float32 in float32 SIMD
def _f64_reference(name: str, p: Any, q: Any) -> Any:
    """The measure in float64 from the very same float32 numbers (the generic formula)."""
    want = _generic(name, p.astype(np.float64), q.astype(np.float64))
    return np.maximum(want, 0) if name == "kl_divergence" else want


def _log_scale(p: Any, q: Any) -> Any:
    """Per row, sum p (|log p| + |log q| + 1) + q (|log q| + 1): the total size of the terms
    a float32 evaluation rounds, each to a few float32 ulp (log within 1.3 ulp, then one
    product)."""
    p, q = p.astype(np.float64), q.astype(np.float64)
    with np.errstate(divide="ignore"):
        lp = np.where(p > 0, np.abs(np.log(np.where(p > 0, p, 1))), 0)
        lq = np.where(q > 0, np.abs(np.log(np.where(q > 0, q, 1))), 0)
    return np.sum(p * (lp + lq + 1) + q * (lq + 1), axis=-1)


@needs_c
@pytest.mark.parametrize("name", MEASURES)
def test_float32_kernels_within_a_few_ulp_of_float64(name: str) -> None:
    # float32 logs and products, terms summed in double: each term within ~3 float32 ulp of
    # its size, so a row within 4 eps32 of the sum of the terms' sizes
    rng = np.random.default_rng(21)
    p = np.exp(2 * rng.standard_normal((40, 3000)))
    q = np.exp(2 * rng.standard_normal((40, 3000)))
    p[:10] = rng.random((10, 3000)) ** 3
    p[:10][p[:10] < 0.1] = 0.0  # exact zeros
    p[10] = 0.0
    p[10, 3] = 1.0  # one-hot
    p[11, 5] = 1e-39  # a float32 subnormal
    p /= p.sum(-1, keepdims=True)
    q /= q.sum(-1, keepdims=True)
    p32, q32 = p.astype(np.float32), q.astype(np.float32)
    got = _call(name, p32, q32)
    assert got.dtype == np.float32
    want = _f64_reference(name, p32, q32)
    tol = 4 * np.finfo(np.float32).eps * _log_scale(p32, q32)
    assert np.all(np.abs(got - want) <= tol)


@needs_c
@pytest.mark.parametrize("name", ["kl_divergence", "js_divergence"])
def test_float32_divergences_of_close_rows_keep_their_digits(name: str) -> None:
    # p and q 1e-3 apart: the terms cancel to first order, leaving a divergence of ~5e-7. The
    # float32 kernel takes p / q - 1 as (p - q) / q (KL) and 1 - 2 min / (p + q) as
    # (max - min) / (p + q) (JS), so the error stays a few ulp of the first-order terms,
    # sum p |p / q - 1|, where rounding p / q first would lose a further factor of ~1000
    rng = np.random.default_rng(22)
    p = np.exp(rng.standard_normal((20, 4000)))
    q = p * (1 + 1e-3 * rng.standard_normal((20, 4000)))
    p /= p.sum(-1, keepdims=True)
    q /= q.sum(-1, keepdims=True)
    p32, q32 = p.astype(np.float32), q.astype(np.float32)
    got = _call(name, p32, q32)
    want = _f64_reference(name, p32, q32)
    first = np.sum(np.abs(p32.astype(np.float64) - q32), axis=-1)  # sum p |p/q - 1|, about
    assert np.all(np.abs(got - want) <= 4 * np.finfo(np.float32).eps * first)
    assert np.all(np.abs(got - want) <= 1e-4 * want)  # what that means here: 4 digits of 7


@needs_c
def test_float32_divergence_of_identical_rows_is_exactly_zero() -> None:
    rng = np.random.default_rng(23)
    p = rng.dirichlet(np.ones(500), size=8).astype(np.float32)
    for name in ("kl_divergence", "js_divergence"):
        assert np.all(_call(name, p, p.copy()) == 0.0)


@needs_c
def test_softmax_rows_against_float64_sums() -> None:
    # the compiled exp: within a few ulp of the dtype, so the sums of exp(z - max) within
    # n ulp of the dtype of their double reference (n: float32's exp, then a double sum)
    rng = np.random.default_rng(24)
    for dtype in (np.float64, np.float32):
        z = (rng.standard_normal((30, 2000)) * 30).astype(dtype)
        z[0, :5] = -np.inf
        t = rng.integers(0, 2000, size=30)
        m, s, zt, ws = _numpy_kernels.softmax_rows(z, t, None, True)
        z64 = z.astype(np.float64)
        m_ref = z64.max(-1)
        e = np.exp(z64 - m_ref[:, None])
        np.testing.assert_array_equal(m, m_ref)
        np.testing.assert_array_equal(zt, z64[np.arange(30), t])
        rel = 4 * np.finfo(dtype).eps
        np.testing.assert_allclose(s, e.sum(-1), rtol=rel)
        finite = np.isfinite(z64).all(-1)
        shifted = (z64 - m_ref[:, None])[finite]
        np.testing.assert_allclose(ws[finite], shifted.sum(-1), rtol=1e-12)
        assert ws[0] == -np.inf


_ISA_SCRIPT = """
import numpy as np
import infoloss
from infoloss import losses
from infoloss.discrete import _numpy_kernels as k
rng = np.random.default_rng(25)
out = {"isa": np.array(k._ckernels.isa)}
for dtype in (np.float64, np.float32):
    p = rng.dirichlet(np.ones(700), size=30).astype(dtype)
    q = rng.dirichlet(np.ones(700), size=30).astype(dtype)
    for name in ("entropy", "cross_entropy", "kl_divergence", "js_divergence"):
        f = getattr(infoloss, name)
        out[name + str(dtype.__name__)] = f(p) if name == "entropy" else f(p, q)
    z = (rng.standard_normal((30, 700)) * 4).astype(dtype)
    y = rng.integers(0, 700, 30)
    out["ce" + dtype.__name__] = losses.softmax_cross_entropy(
        z, y, label_smoothing=0.1, reduction="none")
np.savez(OUT, **out)
"""


@needs_c
def test_results_do_not_depend_on_the_simd_level(tmp_path: Any) -> None:
    # the same numbers from every instruction set the machine has: AVX-512, AVX2 + FMA and the
    # baseline differ only in rounding (vector width changes the order of the sums, FMA
    # contracts), so they agree to a few ulp of the dtype times the size of the terms
    import os
    import subprocess
    import sys

    runs = {}
    for disable in ("", "AVX512F", "AVX2 FMA"):
        out = tmp_path / f"{len(runs)}.npz"
        env = {**os.environ, "INFOLOSS_DISABLE_CPU_FEATURES": disable}
        done = subprocess.run(
            [sys.executable, "-c", f"OUT = {str(out)!r}\n" + _ISA_SCRIPT],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=env,
        )
        assert done.returncode == 0, done.stderr
        runs[disable] = dict(np.load(out))
    assert str(runs["AVX2 FMA"]["isa"]) == "baseline"
    ref = runs["AVX2 FMA"]
    for run in runs.values():
        for key, value in ref.items():
            if key == "isa":
                continue
            eps = np.finfo(value.dtype).eps
            scale = np.log(700.0) + 4 * 4  # the terms' size: log C and the logits' spread
            np.testing.assert_allclose(run[key], value, rtol=0, atol=16 * eps * scale)


def _js_terms_mp(p: np.ndarray[Any, Any], q: np.ndarray[Any, Any]) -> tuple[Any, Any]:
    """Each term p log(2p / s) + q log(2q / s) (s = p + q) and the size of its two parts,
    |p log(2p / s)| + |q log(2q / s)|, in 50-digit arithmetic (mpmath)."""
    terms, sizes = [], []
    with mpmath.workdps(50):
        for a, b in zip(p.tolist(), q.tolist(), strict=True):
            x, y = mpmath.mpf(a), mpmath.mpf(b)
            tx = x * mpmath.log(2 * x / (x + y)) if a else mpmath.mpf(0)
            ty = y * mpmath.log(2 * y / (x + y)) if b else mpmath.mpf(0)
            terms.append(tx + ty)
            sizes.append(abs(tx) + abs(ty))
    return terms, sizes


@needs_c
@pytest.mark.parametrize("regime", ["dirichlet", "wide", "close", "subnormal"])
def test_float64_js_terms_within_about_one_ulp_of_their_size(regime: str) -> None:
    # the double JS kernel (term_js_d): both logs as 2 atanh of a quotient with an exact
    # numerator, so each term is within ~1 ulp of the size of its two parts (measured: 1.2
    # ulp at every SIMD level), close p and q included, where the former ratios 2p / (p + q)
    # carried the rounding of p + q (1e12 ulp). The term itself may cancel to second order:
    # the bound is on the parts, which is what the two-log form can promise; 4 ulp of margin
    rng = np.random.default_rng(26)
    n = 400
    if regime == "dirichlet":
        p, q = rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))
    elif regime == "wide":
        p, q = 10 ** rng.uniform(-300, 0, n), 10 ** rng.uniform(-300, 0, n)
    elif regime == "close":
        p = 10 ** rng.uniform(-10, 0, n)
        q = p * (1 + 10 ** rng.uniform(-12, -1, n) * rng.choice([-1, 1], n))
    else:
        p, q = 10 ** rng.uniform(-320, -300, n), 10 ** rng.uniform(-320, -290, n)
    p[:3], q[:3] = [0.0, 0.3, 0.25], [0.3, 0.0, 0.25]  # 0 log 0 = 0, and p == q
    outs = [np.empty(n) for _ in range(5)]
    ck.reduce_rows("js_divergence", p[:, None].copy(), q[:, None].copy(), 0, n, *outs)
    terms, sizes = _js_terms_mp(p, q)
    eps, tiny = np.finfo(np.float64).eps, mpmath.mpf(2) ** -1074  # outputs may be subnormal
    with mpmath.workdps(50):
        worst = max(
            abs(mpmath.mpf(float(g)) - t) / max(eps * s, tiny)
            for g, t, s in zip(outs[0].tolist(), terms, sizes, strict=True)
        )
    assert worst <= 4, worst
    assert outs[0][2] == 0.0


@needs_c
def test_float64_js_special_entries() -> None:
    # one zero: hi ln 2; both zero: 0; negative, NaN, infinite or huge entries: NaN (the
    # measure then recomputes the row by the generic formula, or writes NaN)
    p = np.array([0.0, 0.3, 0.0, 5e-324, 5e-324, np.inf, -0.1, np.nan, 1e300])
    q = np.array([0.3, 0.0, 0.0, 0.5, 5e-324, 0.1, 0.2, 0.1, 1e300])
    outs = [np.empty(len(p)) for _ in range(5)]
    ck.reduce_rows("js_divergence", p[:, None].copy(), q[:, None].copy(), 0, len(p), *outs)
    got = outs[0]
    assert got[0] == got[1] == pytest.approx(0.3 * np.log(2), rel=1e-15)
    assert got[2] == 0.0
    assert got[4] == 0.0
    assert got[3] == pytest.approx(0.5 * np.log(2), rel=1e-15)
    assert np.isnan(got[5:]).all()
