"""Values against independent references: SciPy (float64) and PyTorch's own losses.

Inputs are seeded random distributions built in NumPy float64; every backend receives the same
numbers (via `to_xp`), so one SciPy reference checks them all.
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np
import pytest
import scipy.special as sc
import scipy.stats as ss
from scipy.spatial.distance import jensenshannon
from tests.conftest import dtype_name, random_probs, to_numpy, to_xp

import infoloss

# Tolerances for float64: the references use a different (but exact-in-math) formula, so allow a
# few hundred ulps relative, plus an absolute floor for values near 0 (JS of close rows).
RTOL = 1e-10
ATOL = 1e-14

# base argument -> the number whose log divides the nats value
BASES: dict[Any, float] = {
    None: math.e,
    "nats": math.e,
    2: 2.0,
    "bits": 2.0,
    10: 10.0,
    "hartleys": 10.0,
    3.5: 3.5,
}
BASE_IDS = [repr(b) for b in BASES]

# (shape, axis) cases: last axis, first axis, middle axis, joint tuple axes
SHAPES_AXES: list[tuple[tuple[int, ...], int | tuple[int, ...]]] = [
    ((7,), -1),
    ((7,), 0),
    ((4, 6), -1),
    ((4, 6), 0),
    ((3, 4, 5), 1),
    ((3, 4, 5), (1, 2)),
    ((3, 4, 5), (0, 2)),
    ((2, 3, 4, 5), (-1, 0)),
]
SA_IDS = [f"{s}-axis{a}" for s, a in SHAPES_AXES]


def _flatten(a: np.ndarray, axis: int | tuple[int, ...]) -> np.ndarray:
    """Move the reduced axes to the end and merge them into one (reference helper)."""
    axes = (axis,) if isinstance(axis, int) else axis
    axes = tuple(ax % a.ndim for ax in axes)
    moved = np.moveaxis(a, axes, tuple(range(a.ndim - len(axes), a.ndim)))
    return moved.reshape((*moved.shape[: a.ndim - len(axes)], -1))


def ref_entropy(p: np.ndarray, axis: Any = -1, base: Any = None) -> np.ndarray:
    return np.asarray(ss.entropy(_flatten(p, axis), axis=-1, base=BASES[base]))


def ref_kl(p: np.ndarray, q: np.ndarray, axis: Any = -1, base: Any = None) -> np.ndarray:
    p, q = np.broadcast_arrays(p, q)
    flat_p, flat_q = _flatten(p, axis), _flatten(q, axis)
    a = ss.entropy(flat_p, flat_q, axis=-1, base=BASES[base])
    # second route: rel_entr summed, converted to the base by hand
    b = sc.rel_entr(flat_p, flat_q).sum(axis=-1) / np.log(BASES[base])
    np.testing.assert_allclose(a, b, rtol=1e-12)
    return np.asarray(a)


def ref_cross_entropy(p: np.ndarray, q: np.ndarray, axis: Any = -1, base: Any = None) -> Any:
    p, q = np.broadcast_arrays(p, q)
    flat_p, flat_q = _flatten(p, axis), _flatten(q, axis)
    return -sc.xlogy(flat_p, flat_q).sum(axis=-1) / np.log(BASES[base])


def ref_js(p: np.ndarray, q: np.ndarray, axis: Any = -1, base: Any = None) -> np.ndarray:
    p, q = np.broadcast_arrays(p, q)
    d = jensenshannon(_flatten(p, axis), _flatten(q, axis), axis=-1, base=BASES[base])
    return np.asarray(d) ** 2


def ref_js_distance(p: np.ndarray, q: np.ndarray, axis: Any = -1, base: Any = None) -> Any:
    p, q = np.broadcast_arrays(p, q)
    return jensenshannon(_flatten(p, axis), _flatten(q, axis), axis=-1, base=BASES[base])


TWO_ARG = {
    "kl_divergence": ref_kl,
    "cross_entropy": ref_cross_entropy,
    "js_divergence": ref_js,
    "js_distance": ref_js_distance,
}


def check(result: Any, expected: Any, rtol: float = RTOL, atol: float = ATOL) -> None:
    got = to_numpy(result)
    exp = np.asarray(expected)
    assert got.shape == exp.shape
    np.testing.assert_allclose(got, exp, rtol=rtol, atol=atol)


# ---------------------------------------------------------------------------------------------
# random inputs, all shapes / axes, against SciPy


@pytest.mark.parametrize(("shape", "axis"), SHAPES_AXES, ids=SA_IDS)
def test_entropy_matches_scipy(xp: ModuleType, shape: tuple[int, ...], axis: Any) -> None:
    p = random_probs(np.random.default_rng(1), shape, axis)
    check(infoloss.entropy(to_xp(xp, p), axis=axis), ref_entropy(p, axis))


@pytest.mark.parametrize("name", list(TWO_ARG))
@pytest.mark.parametrize(("shape", "axis"), SHAPES_AXES, ids=SA_IDS)
def test_two_arg_matches_scipy(
    xp: ModuleType, name: str, shape: tuple[int, ...], axis: Any
) -> None:
    rng = np.random.default_rng(2)
    p, q = random_probs(rng, shape, axis), random_probs(rng, shape, axis)
    result = getattr(infoloss, name)(to_xp(xp, p), to_xp(xp, q), axis=axis)
    check(result, TWO_ARG[name](p, q, axis))


@pytest.mark.parametrize("base", list(BASES), ids=BASE_IDS)
def test_bases_match_scipy(xp: ModuleType, base: Any) -> None:
    rng = np.random.default_rng(3)
    p, q = random_probs(rng, (4, 6)), random_probs(rng, (4, 6))
    P, Q = to_xp(xp, p), to_xp(xp, q)
    check(infoloss.entropy(P, base=base), ref_entropy(p, base=base))
    for name, ref in TWO_ARG.items():
        check(getattr(infoloss, name)(P, Q, base=base), ref(p, q, base=base))


def test_js_distance_equals_scipy_jensenshannon_with_base(xp: ModuleType) -> None:
    # the spec's stated identity: jensenshannon(p, q, base=b) == js_distance(p, q, base=b)
    rng = np.random.default_rng(4)
    p, q = random_probs(rng, (5, 8)), random_probs(rng, (5, 8))
    for b in (2, 10, 3.5):
        expected = jensenshannon(p, q, axis=-1, base=b)
        check(infoloss.js_distance(to_xp(xp, p), to_xp(xp, q), base=b), expected)
    check(infoloss.js_distance(to_xp(xp, p), to_xp(xp, q)), jensenshannon(p, q, axis=-1))


@pytest.mark.parametrize("name", list(TWO_ARG))
@pytest.mark.parametrize(
    ("p_shape", "q_shape"),
    [((5, 6), (6,)), ((6,), (5, 6)), ((3, 1, 6), (4, 6)), ((2, 3, 6), (1, 3, 6))],
    ids=["nk-k", "k-nk", "n1k-mk", "2x3k-1x3k"],
)
def test_broadcasting_matches_scipy(
    xp: ModuleType, name: str, p_shape: tuple[int, ...], q_shape: tuple[int, ...]
) -> None:
    rng = np.random.default_rng(5)
    p, q = random_probs(rng, p_shape), random_probs(rng, q_shape)
    result = getattr(infoloss, name)(to_xp(xp, p), to_xp(xp, q))
    check(result, TWO_ARG[name](p, q))


def test_broadcasting_with_axis0(xp: ModuleType) -> None:
    # after broadcasting, `axis` refers to the broadcast shape: (6, 1) vs (6, 4) along axis 0
    rng = np.random.default_rng(6)
    p, q = random_probs(rng, (6, 1), axis=0), random_probs(rng, (6, 4), axis=0)
    check(infoloss.kl_divergence(to_xp(xp, p), to_xp(xp, q), axis=0), ref_kl(p, q, axis=0))


@pytest.mark.parametrize("name", ["entropy", *TWO_ARG])
def test_random_inputs_with_exact_zeros(xp: ModuleType, name: str) -> None:
    # zeros in both p and q: 0 log 0 = 0, and p > 0 where q = 0 gives +inf (KL, CE)
    rng = np.random.default_rng(7)
    p = random_probs(rng, (20, 9), zeros=0.3)
    q = random_probs(rng, (20, 9), zeros=0.3)
    if name == "entropy":
        check(infoloss.entropy(to_xp(xp, p)), ref_entropy(p))
        return
    expected = TWO_ARG[name](p, q)
    if name in ("kl_divergence", "cross_entropy"):
        assert np.isinf(expected).any()
        assert np.isfinite(expected).any()
    check(getattr(infoloss, name)(to_xp(xp, p), to_xp(xp, q)), expected)


# ---------------------------------------------------------------------------------------------
# edge rows: zeros, support mismatch, NaN confined to its row

EDGE_P = np.array(
    [
        [0.5, 0.5, 0.0],  # a zero in p: 0 log 0 = 0
        [0.2, 0.3, 0.5],  # p > 0 where q = 0 (last entry) -> +inf
        [0.25, 0.25, 0.5],  # p > 0 where q = 0 (first entry) -> +inf
        [np.nan, 0.5, 0.5],  # NaN -> NaN for this row only
        [0.0, 0.0, 1.0],  # a point mass
    ]
)
EDGE_Q = np.array(
    [
        [0.5, 0.25, 0.25],
        [0.5, 0.5, 0.0],
        [0.0, 0.5, 0.5],
        [0.3, 0.3, 0.4],
        [0.0, 0.0, 1.0],
    ]
)


def test_edge_rows_entropy(xp: ModuleType) -> None:
    got = to_numpy(infoloss.entropy(to_xp(xp, EDGE_P)))
    # closed forms: H([.5,.5,0]) = log 2; H([.2,.3,.5]) = -sum p log p; point mass -> 0
    h1 = -(0.2 * math.log(0.2) + 0.3 * math.log(0.3) + 0.5 * math.log(0.5))
    h2 = -(2 * 0.25 * math.log(0.25) + 0.5 * math.log(0.5))
    expected = np.array([math.log(2), h1, h2, np.nan, 0.0])
    np.testing.assert_allclose(got, expected, rtol=RTOL)
    assert got[4] == 0.0


def test_edge_rows_kl(xp: ModuleType) -> None:
    got = to_numpy(infoloss.kl_divergence(to_xp(xp, EDGE_P), to_xp(xp, EDGE_Q)))
    # row 0: 0.5 log(0.5/0.5) + 0.5 log(0.5/0.25) + 0 = 0.5 log 2 (closed form)
    expected = np.array([0.5 * math.log(2), np.inf, np.inf, np.nan, 0.0])
    np.testing.assert_allclose(got, expected, rtol=RTOL)
    assert got[4] == 0.0


def test_edge_rows_cross_entropy(xp: ModuleType) -> None:
    got = to_numpy(infoloss.cross_entropy(to_xp(xp, EDGE_P), to_xp(xp, EDGE_Q)))
    # row 0: -(0.5 log 0.5 + 0.5 log 0.25) = 1.5 log 2 (closed form); point mass on 1 -> 0
    expected = np.array([1.5 * math.log(2), np.inf, np.inf, np.nan, 0.0])
    np.testing.assert_allclose(got, expected, rtol=RTOL)


@pytest.mark.parametrize("name", ["js_divergence", "js_distance"])
def test_edge_rows_js(xp: ModuleType, name: str) -> None:
    got = to_numpy(getattr(infoloss, name)(to_xp(xp, EDGE_P), to_xp(xp, EDGE_Q)))
    with np.errstate(invalid="ignore"):
        expected = TWO_ARG[name](EDGE_P, EDGE_Q)
    assert np.isnan(got[3])
    assert np.isfinite(np.delete(got, 3)).all()
    assert got[4] == 0.0
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)


def test_nan_only_in_its_row_entropy_along_axis0(xp: ModuleType) -> None:
    # NaN in column 1 with axis=0: only output element 1 is NaN
    p = random_probs(np.random.default_rng(8), (5, 4), axis=0)
    p[2, 1] = np.nan
    got = to_numpy(infoloss.entropy(to_xp(xp, p), axis=0))
    expected = ref_entropy(p, axis=0)
    assert np.isnan(got).tolist() == [False, True, False, False]
    np.testing.assert_allclose(got, expected, rtol=RTOL)


# ---------------------------------------------------------------------------------------------
# small hand-computed cases (closed forms written beside each value)


def test_hand_uniform(xp: ModuleType) -> None:
    u10 = to_xp(xp, np.full(10, 0.1))
    # uniform over n has H = log n: log2(10) bits, exactly 1 hartley, log(10) nats
    assert float(to_numpy(infoloss.entropy(u10, base=2))) == pytest.approx(math.log2(10), 1e-14)
    assert float(to_numpy(infoloss.entropy(u10, base="bits"))) == pytest.approx(3.321928094887362)
    assert float(to_numpy(infoloss.entropy(u10, base="hartleys"))) == pytest.approx(1.0, 1e-14)
    assert float(to_numpy(infoloss.entropy(u10))) == pytest.approx(math.log(10), 1e-14)
    # uniform over 49 in base 7: log_7 49 = 2
    u49 = to_xp(xp, np.full(49, 1 / 49))
    assert float(to_numpy(infoloss.entropy(u49, base=7))) == pytest.approx(2.0, 1e-14)


def test_hand_two_point(xp: ModuleType) -> None:
    p8 = to_xp(xp, np.array([0.8, 0.2]))
    half = to_xp(xp, np.array([0.5, 0.5]))
    p2 = to_xp(xp, np.array([0.2, 0.8]))

    def val(x: Any) -> float:
        return float(to_numpy(x))

    # H2(0.8) = -(0.8 log2 0.8 + 0.2 log2 0.2) = 0.7219280948873623 (math.log2)
    assert val(infoloss.entropy(p8, base=2)) == pytest.approx(0.7219280948873623, rel=1e-14)
    # KL([.8,.2] || [.5,.5]) = log2 2 - H2(0.8) = 0.2780719051126377 bits
    assert val(infoloss.kl_divergence(p8, half, base=2)) == pytest.approx(
        0.2780719051126377, rel=1e-13
    )
    # CE([.8,.2], [.5,.5]) = -log2(0.5) = 1 bit for any p
    assert val(infoloss.cross_entropy(p8, half, base=2)) == pytest.approx(1.0, rel=1e-14)
    # JS([.8,.2], [.2,.8]): M = [.5,.5], both KLs equal 1 - H2(0.8) = 0.2780719051126377 bits
    assert val(infoloss.js_divergence(p8, p2, base=2)) == pytest.approx(
        0.2780719051126377, rel=1e-13
    )
    assert val(infoloss.js_distance(p8, p2, base=2)) == pytest.approx(
        math.sqrt(0.2780719051126377), rel=1e-13
    )
    # KL([.5,.5] || [.25,.75]) = .5 log2 2 + .5 log2(2/3) = 1 - log2(3)/2 = 0.20751874963942196
    q = to_xp(xp, np.array([0.25, 0.75]))
    assert val(infoloss.kl_divergence(half, q, base=2)) == pytest.approx(
        0.20751874963942196, rel=1e-13
    )
    # H([.5,.25,.25]) = .5*1 + 2*.25*2 = 1.5 bits
    p3 = to_xp(xp, np.array([0.5, 0.25, 0.25]))
    assert val(infoloss.entropy(p3, base="bits")) == pytest.approx(1.5, rel=1e-14)


def test_hand_disjoint_supports(xp: ModuleType) -> None:
    a = to_xp(xp, np.array([1.0, 0.0]))
    b = to_xp(xp, np.array([0.0, 1.0]))
    # disjoint supports: M = [.5,.5], KL(P||M) = log 2, so JS = log 2 = 1 bit (its maximum)
    assert float(to_numpy(infoloss.js_divergence(a, b, base=2))) == pytest.approx(1.0, 1e-14)
    assert float(to_numpy(infoloss.js_divergence(a, b))) == pytest.approx(math.log(2), 1e-14)
    assert float(to_numpy(infoloss.js_distance(a, b, base=2))) == pytest.approx(1.0, 1e-14)
    # KL and CE with p > 0 where q = 0: +inf
    assert float(to_numpy(infoloss.kl_divergence(a, b))) == math.inf
    assert float(to_numpy(infoloss.cross_entropy(a, b))) == math.inf
    # point mass: H = 0 exactly, KL([1,0] || [.5,.5]) = log 2, CE = log 2
    half = to_xp(xp, np.array([0.5, 0.5]))
    assert float(to_numpy(infoloss.entropy(a))) == 0.0
    assert float(to_numpy(infoloss.kl_divergence(a, half))) == pytest.approx(math.log(2), 1e-14)
    assert float(to_numpy(infoloss.cross_entropy(a, half))) == pytest.approx(math.log(2), 1e-14)


# ---------------------------------------------------------------------------------------------
# Categorical(logits) against SciPy's log_softmax, on every backend


def test_categorical_logits_match_scipy(xp: ModuleType) -> None:
    rng = np.random.default_rng(9)
    zp, zq = rng.normal(size=(4, 7)) * 3, rng.normal(size=(4, 7)) * 3
    p, q = sc.softmax(zp, axis=-1), sc.softmax(zq, axis=-1)
    cp = infoloss.Categorical(logits=to_xp(xp, zp))
    cq = infoloss.Categorical(logits=to_xp(xp, zq))
    check(infoloss.entropy(cp), ss.entropy(p, axis=-1))
    check(infoloss.kl_divergence(cp, cq), ss.entropy(p, q, axis=-1))
    check(infoloss.cross_entropy(cp, cq), -(p * sc.log_softmax(zq, axis=-1)).sum(-1))
    check(infoloss.js_divergence(cp, cq), jensenshannon(p, q, axis=-1) ** 2)


def test_categorical_logits_axis0_match_scipy(xp: ModuleType) -> None:
    rng = np.random.default_rng(10)
    zp, zq = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
    p, q = sc.softmax(zp, axis=0), sc.softmax(zq, axis=0)
    cp = infoloss.Categorical(logits=to_xp(xp, zp), axis=0)
    cq = infoloss.Categorical(logits=to_xp(xp, zq), axis=0)
    check(infoloss.kl_divergence(cp, cq, base=2), ss.entropy(p, q, axis=0, base=2))
    check(infoloss.entropy(cp), ss.entropy(p, axis=0))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_log_softmax_accurate_for_huge_logits(xp: ModuleType, dtype: str) -> None:
    # softmax is shift invariant: logits (1e4, 1e4, -1e4) have log-probs (-log 2, -log 2, -2e4 -
    # log 2) exactly; a stable log-softmax ((z - max) - log sum exp(z - max)) keeps ~1 ulp, while
    # z - logsumexp(z) loses the log 2 against 1e4 (an error of ~2e-4 in float32)
    z = to_xp(xp, np.array([[1e4, 1e4, -1e4], [-1e4, 1e4, 1e4]]), dtype=dtype)
    c = infoloss.Categorical(logits=z)
    lp = to_numpy(c.log_probs).astype(np.float64)
    tiny = np.array([[False, False, True], [True, False, False]])  # the -1e4 logits
    expected = np.where(tiny, -2e4 - math.log(2), -math.log(2))
    np.testing.assert_allclose(lp, expected, rtol=4 * float(np.finfo(dtype).eps))
    # entropy of (1/2, 1/2, e^-2e4 = 0) is log 2
    h = to_numpy(infoloss.entropy(c)).astype(np.float64)
    np.testing.assert_allclose(h, [math.log(2)] * 2, rtol=8 * float(np.finfo(dtype).eps))


# ---------------------------------------------------------------------------------------------
# PyTorch's own losses


def test_kl_logits_matches_torch_kl_div() -> None:
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    g = torch.Generator().manual_seed(0)
    zp = torch.randn(6, 10, generator=g, dtype=torch.float64) * 4
    zq = torch.randn(6, 10, generator=g, dtype=torch.float64) * 4
    logp, logq = F.log_softmax(zp, -1), F.log_softmax(zq, -1)
    # F.kl_div(input=log q, target=log p, log_target=True) = p (log p - log q) -> KL(P || Q)
    expected = F.kl_div(logq, logp, log_target=True, reduction="none").sum(-1)
    for a, b in [
        (infoloss.Categorical(logits=zp), infoloss.Categorical(logits=zq)),
        (infoloss.Categorical(log_probs=logp), infoloss.Categorical(log_probs=logq)),
        (infoloss.Categorical(logits=zp), infoloss.Categorical(log_probs=logq)),
        (logp.exp(), infoloss.Categorical(logits=zq)),
    ]:
        got = infoloss.kl_divergence(a, b)
        assert isinstance(got, torch.Tensor)
        assert got.dtype == torch.float64
        torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-14)


def test_cross_entropy_matches_torch_cross_entropy() -> None:
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    g = torch.Generator().manual_seed(1)
    z = torch.randn(8, 5, generator=g, dtype=torch.float64) * 3
    p = torch.softmax(torch.randn(8, 5, generator=g, dtype=torch.float64), -1)
    p[0] = torch.tensor([0.0, 1.0, 0.0, 0.0, 0.0], dtype=torch.float64)  # one-hot row
    # F.cross_entropy with probability targets: -sum_c p_c log_softmax(z)_c
    expected = F.cross_entropy(z, p, reduction="none")
    got = infoloss.cross_entropy(p, infoloss.Categorical(logits=z))
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-14)
    # in bits: divide nats by ln 2
    got2 = infoloss.cross_entropy(p, infoloss.Categorical(logits=z), base=2)
    torch.testing.assert_close(got2, expected / math.log(2), rtol=1e-12, atol=1e-14)
    # class-index targets are one-hot probability rows
    labels = torch.tensor([1, 0, 4, 2, 3, 3, 0, 1])
    onehot = F.one_hot(labels, 5).to(torch.float64)
    expected_idx = F.cross_entropy(z, labels, reduction="none")
    got_idx = infoloss.cross_entropy(onehot, infoloss.Categorical(logits=z))
    torch.testing.assert_close(got_idx, expected_idx, rtol=1e-12, atol=1e-14)


def test_entropy_logits_matches_torch_distributions() -> None:
    torch = pytest.importorskip("torch")
    g = torch.Generator().manual_seed(2)
    z = torch.randn(5, 9, generator=g, dtype=torch.float64) * 5
    expected = torch.distributions.Categorical(logits=z).entropy()
    got = infoloss.entropy(infoloss.Categorical(logits=z))
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------------------------------------
# float32: dtype kept, accuracy within 1e-5 relative of a float64 computation on the same data

FLOAT32_BACKENDS = ["numpy", "torch", "array_api_strict"]


def _float32_inputs() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(11)
    n = 32_000
    p = (rng.random((2, n)) + 0.01).astype(np.float32)
    q = (rng.exponential(size=(2, n)) + 1e-3).astype(np.float32)
    p = (p / p.sum(-1, keepdims=True, dtype=np.float64)).astype(np.float32)
    q = (q / q.sum(-1, keepdims=True, dtype=np.float64)).astype(np.float32)
    return p, q


@pytest.mark.parametrize("name", ["entropy", *TWO_ARG])
@pytest.mark.parametrize("backend_name", FLOAT32_BACKENDS)
def test_float32_wide_rows_accuracy(backend_name: str, name: str) -> None:
    mod = pytest.importorskip(backend_name)
    p32, q32 = _float32_inputs()
    # references on float64 copies of the very same float32 numbers (SciPy renormalises, so use
    # the formula routes that do not: xlogy / rel_entr sums)
    p64, q64 = p32.astype(np.float64), q32.astype(np.float64)
    refs = {
        "entropy": lambda: sc.entr(p64).sum(-1),
        "kl_divergence": lambda: sc.rel_entr(p64, q64).sum(-1),
        "cross_entropy": lambda: -sc.xlogy(p64, q64).sum(-1),
        "js_divergence": lambda: _js64(p64, q64),
        "js_distance": lambda: np.sqrt(_js64(p64, q64)),
    }
    expected = refs[name]()
    P, Q = to_xp(mod, p32), to_xp(mod, q32)
    result = infoloss.entropy(P) if name == "entropy" else getattr(infoloss, name)(P, Q)
    assert dtype_name(result) == "float32"
    np.testing.assert_allclose(to_numpy(result).astype(np.float64), expected, rtol=1e-5)


def _js64(p: np.ndarray, q: np.ndarray) -> Any:
    m = (p + q) / 2
    return 0.5 * sc.rel_entr(p, m).sum(-1) + 0.5 * sc.rel_entr(q, m).sum(-1)


def test_float32_small_matches_float64(xp: ModuleType) -> None:
    # float32 in -> float32 out, numbers within float32 precision of the float64 reference
    rng = np.random.default_rng(12)
    p = random_probs(rng, (3, 6)).astype(np.float32)
    q = random_probs(rng, (3, 6)).astype(np.float32)
    p64, q64 = p.astype(np.float64), q.astype(np.float64)
    P, Q = to_xp(xp, p), to_xp(xp, q)
    for name in TWO_ARG:
        result = getattr(infoloss, name)(P, Q)
        assert dtype_name(result) == "float32"
        expected = TWO_ARG[name](
            p64 / p64.sum(-1, keepdims=True), q64 / q64.sum(-1, keepdims=True)
        )
        np.testing.assert_allclose(to_numpy(result), expected, rtol=1e-4, atol=1e-6)
    h = infoloss.entropy(P)
    assert dtype_name(h) == "float32"
    np.testing.assert_allclose(to_numpy(h), ss.entropy(p64, axis=-1), rtol=1e-5)
