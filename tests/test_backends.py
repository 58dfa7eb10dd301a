"""Array-library behaviour: namespace, device, dtype and shape of results; Categorical forms."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import array_api_compat
import numpy as np
import pytest
import scipy.special as sc
from tests.conftest import default_float, dtype_name, random_probs, to_numpy, to_xp

import infoloss

TWO_ARG = ["cross_entropy", "kl_divergence", "js_divergence", "js_distance"]
ALL = ["entropy", *TWO_ARG]


def call(name: str, p: Any, q: Any = None, **kwargs: Any) -> Any:
    f = getattr(infoloss, name)
    return f(p, **kwargs) if name == "entropy" else f(p, q, **kwargs)


def assert_same_namespace(result: Any, like: Any) -> None:
    if isinstance(like, np.ndarray | np.generic):
        assert isinstance(result, np.ndarray | np.generic), type(result)
    else:
        assert array_api_compat.array_namespace(result) is array_api_compat.array_namespace(like)


# ---------------------------------------------------------------------------------------------
# namespace, device, dtype


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ALL)
def test_result_namespace_and_dtype(xp: ModuleType, name: str, dtype: str) -> None:
    rng = np.random.default_rng(0)
    p = to_xp(xp, random_probs(rng, (3, 4)), dtype=dtype)
    q = to_xp(xp, random_probs(rng, (3, 4)), dtype=dtype)
    result = call(name, p, q)
    assert_same_namespace(result, p)
    assert dtype_name(result) == dtype
    assert tuple(result.shape) == (3,)


@pytest.mark.parametrize("name", ALL)
def test_result_device_torch(name: str) -> None:
    torch = pytest.importorskip("torch")
    p = torch.full((2, 4), 0.25, dtype=torch.float64)
    result = call(name, p, p.clone())
    assert isinstance(result, torch.Tensor)
    assert result.device == p.device


@pytest.mark.parametrize("name", ALL)
def test_result_device_array_api_strict(name: str) -> None:
    # array_api_strict has several logical devices and refuses to mix them: a result computed
    # with a constant created on the default device would raise or land on the wrong device
    strict = pytest.importorskip("array_api_strict")
    dev = strict.Device("device1")
    rng = np.random.default_rng(1)
    p = strict.asarray(random_probs(rng, (2, 5)), device=dev)
    q = strict.asarray(random_probs(rng, (2, 5)), device=dev)
    for kwargs in ({}, {"base": 2}, {"keepdims": True}, {"normalize": True}):
        result = call(name, p, q, **kwargs)
        assert result.device == dev
    c = infoloss.Categorical(logits=strict.asarray(np.zeros((2, 5)), device=dev))
    assert infoloss.entropy(c).device == dev
    assert infoloss.kl_divergence(c, c).device == dev


@pytest.mark.parametrize("name", TWO_ARG)
def test_mixed_float32_float64_promotes(xp: ModuleType, name: str) -> None:
    rng = np.random.default_rng(2)
    p32 = to_xp(xp, random_probs(rng, (2, 3)), dtype="float32")
    q64 = to_xp(xp, random_probs(rng, (2, 3)), dtype="float64")
    assert dtype_name(call(name, p32, q64)) == "float64"
    assert dtype_name(call(name, q64, p32)) == "float64"


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool"])
@pytest.mark.parametrize("name", ALL)
def test_integer_and_bool_inputs_become_default_float(
    xp: ModuleType, name: str, dtype: str
) -> None:
    onehot = np.array([[0, 1, 0], [1, 0, 0]])
    p = to_xp(xp, onehot, dtype=dtype)
    q = to_xp(xp, onehot[::-1].copy(), dtype=dtype)
    result = call(name, p, q)
    assert_same_namespace(result, p)
    assert dtype_name(result) == str(default_float(xp)).rsplit(".", 1)[-1]
    # one-hot rows: H = 0; KL / CE of a different one-hot = inf; JS = log 2
    expected = {
        "entropy": [0.0, 0.0],
        "cross_entropy": [np.inf, np.inf],
        "kl_divergence": [np.inf, np.inf],
        "js_divergence": [np.log(2), np.log(2)],
        "js_distance": [np.sqrt(np.log(2))] * 2,
    }[name]
    np.testing.assert_allclose(to_numpy(result), expected, rtol=1e-6)


# ---------------------------------------------------------------------------------------------
# lists and NumPy scalars


@pytest.mark.parametrize("name", ALL)
def test_lists_give_numpy_results(name: str) -> None:
    one = call(name, [0.25, 0.75], [0.5, 0.5])
    assert type(one) is np.float64  # a 0-d reduction gives a NumPy scalar, like np.sum
    two = call(name, [[0.25, 0.75], [1.0, 0.0]], [[0.5, 0.5], [0.5, 0.5]])
    assert isinstance(two, np.ndarray)
    assert two.dtype == np.float64
    assert two.shape == (2,)
    np.testing.assert_allclose(two[0], one, rtol=1e-15)


@pytest.mark.parametrize("name", ALL)
def test_numpy_zero_d_results_are_numpy_scalars(name: str) -> None:
    p = np.array([0.25, 0.75])
    assert type(call(name, p, p[::-1])) is np.float64
    p32 = p.astype(np.float32)
    assert type(call(name, p32, p32[::-1])) is np.float32
    kept = call(name, p, p[::-1], keepdims=True)
    assert isinstance(kept, np.ndarray)
    assert kept.shape == (1,)


# ---------------------------------------------------------------------------------------------
# shapes: keepdims and tuple axes


@pytest.mark.parametrize(
    ("axis", "shape", "kept"),
    [
        (-1, (3, 4), (3, 4, 1)),
        (0, (4, 5), (1, 4, 5)),
        (1, (3, 5), (3, 1, 5)),
        ((0, 2), (4,), (1, 4, 1)),
        ((2, 0), (4,), (1, 4, 1)),
        ((-1, -2), (3,), (3, 1, 1)),
        ((0, 1, 2), (), (1, 1, 1)),
    ],
)
@pytest.mark.parametrize("name", ALL)
def test_keepdims_and_tuple_axis_shapes(
    xp: ModuleType, name: str, axis: Any, shape: tuple[int, ...], kept: tuple[int, ...]
) -> None:
    rng = np.random.default_rng(3)
    p = random_probs(rng, (3, 4, 5), axis)
    q = random_probs(rng, (3, 4, 5), axis)
    P, Q = to_xp(xp, p), to_xp(xp, q)
    r = call(name, P, Q, axis=axis)
    rk = call(name, P, Q, axis=axis, keepdims=True)
    assert tuple(r.shape) == shape
    assert tuple(rk.shape) == kept
    np.testing.assert_array_equal(to_numpy(rk).reshape(shape), to_numpy(r))


def test_tuple_axis_equals_flattened_axis(xp: ModuleType) -> None:
    # a joint distribution over axes (1, 2) is the same as one flat axis of size 4 * 5
    rng = np.random.default_rng(4)
    p = random_probs(rng, (3, 4, 5), (1, 2))
    q = random_probs(rng, (3, 4, 5), (1, 2))
    for name in ALL:
        joint = to_numpy(call(name, to_xp(xp, p), to_xp(xp, q), axis=(1, 2)))
        flat = to_numpy(call(name, to_xp(xp, p.reshape(3, 20)), to_xp(xp, q.reshape(3, 20))))
        np.testing.assert_allclose(joint, flat, rtol=1e-13, atol=1e-16)


# ---------------------------------------------------------------------------------------------
# Categorical: forms, attributes, mixing


def _logits(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    z = rng.normal(size=shape) * 2
    z[0, 0] = -np.inf  # a zero-probability category
    return z


@pytest.mark.parametrize("name", ALL)
def test_categorical_forms_agree(xp: ModuleType, name: str) -> None:
    rng = np.random.default_rng(5)
    zp, zq = _logits(rng, (3, 5)), rng.normal(size=(3, 5))
    forms_p = {
        "logits": infoloss.Categorical(logits=to_xp(xp, zp)),
        "log_probs": infoloss.Categorical(log_probs=to_xp(xp, sc.log_softmax(zp, -1))),
        "probs": infoloss.Categorical(probs=to_xp(xp, sc.softmax(zp, -1))),
        "shifted_logits": infoloss.Categorical(logits=to_xp(xp, zp + 7.0)),
    }
    forms_q = {
        "logits": infoloss.Categorical(logits=to_xp(xp, zq)),
        "probs": infoloss.Categorical(to_xp(xp, sc.softmax(zq, -1))),
        "array": to_xp(xp, sc.softmax(zq, -1)),
    }
    ref = to_numpy(call(name, to_xp(xp, sc.softmax(zp, -1)), to_xp(xp, sc.softmax(zq, -1))))
    for kp, cp in forms_p.items():
        for kq, cq in forms_q.items():
            got = call(name, cp, cq)
            assert_same_namespace(got, to_xp(xp, zq))
            np.testing.assert_allclose(
                to_numpy(got), ref, rtol=1e-12, atol=1e-14, err_msg=f"{kp} vs {kq}"
            )


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """The event axis as a normalised tuple (the spec leaves int vs tuple open)."""
    return tuple(a % ndim for a in ((axis,) if isinstance(axis, int) else axis))


def test_categorical_attributes(xp: ModuleType) -> None:
    rng = np.random.default_rng(6)
    z = rng.normal(size=(3, 5))
    c = infoloss.Categorical(logits=to_xp(xp, z))
    assert tuple(c.batch_shape) == (3,)
    assert tuple(c.event_shape) == (5,)
    assert _axes(c.axis, 2) == (1,)
    np.testing.assert_allclose(to_numpy(c.probs), sc.softmax(z, -1), rtol=1e-13)
    np.testing.assert_allclose(to_numpy(c.log_probs), sc.log_softmax(z, -1), rtol=1e-13)
    np.testing.assert_array_equal(to_numpy(c.logits), z)
    assert_same_namespace(c.probs, to_xp(xp, z))
    assert_same_namespace(c.log_probs, to_xp(xp, z))

    c0 = infoloss.Categorical(logits=to_xp(xp, z), axis=0)
    assert tuple(c0.batch_shape) == (5,)
    assert tuple(c0.event_shape) == (3,)
    assert _axes(c0.axis, 2) == (0,)
    np.testing.assert_allclose(to_numpy(c0.probs), sc.softmax(z, 0), rtol=1e-13)


def test_categorical_probs_attributes_with_zero(xp: ModuleType) -> None:
    p = np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    c = infoloss.Categorical(to_xp(xp, p))
    with np.errstate(divide="ignore"):
        logp = np.log(p)
    np.testing.assert_allclose(to_numpy(c.log_probs), logp, rtol=1e-15)
    np.testing.assert_allclose(to_numpy(c.logits), logp, rtol=1e-15)  # == log_probs
    np.testing.assert_array_equal(to_numpy(c.probs), p)
    lp = infoloss.Categorical(log_probs=to_xp(xp, logp))
    np.testing.assert_array_equal(to_numpy(lp.logits), logp)
    np.testing.assert_allclose(to_numpy(lp.probs), p, rtol=1e-15)


def test_onehot_array_vs_categorical_logits(xp: ModuleType) -> None:
    # cross-entropy of one-hot targets against logits = -log_softmax(z)[label]
    rng = np.random.default_rng(7)
    z = rng.normal(size=(6, 4)) * 3
    labels = np.array([0, 3, 1, 1, 2, 0])
    onehot = np.eye(4)[labels]
    expected = -sc.log_softmax(z, -1)[np.arange(6), labels]
    got = infoloss.cross_entropy(to_xp(xp, onehot), infoloss.Categorical(logits=to_xp(xp, z)))
    np.testing.assert_allclose(to_numpy(got), expected, rtol=1e-12)
    # the same along axis 0: the array's axis= and the Categorical's axis= agree
    got0 = infoloss.cross_entropy(
        to_xp(xp, onehot.T), infoloss.Categorical(logits=to_xp(xp, z.T), axis=0), axis=0
    )
    np.testing.assert_allclose(to_numpy(got0), expected, rtol=1e-12)
    # and KL(onehot || softmax z) = CE - H(onehot) = CE
    kl = infoloss.kl_divergence(to_xp(xp, onehot), infoloss.Categorical(logits=to_xp(xp, z)))
    np.testing.assert_allclose(to_numpy(kl), expected, rtol=1e-12)


def test_categorical_dtype_follows_logits(xp: ModuleType) -> None:
    z = to_xp(xp, np.array([[0.0, 1.0, 2.0]]), dtype="float32")
    c = infoloss.Categorical(logits=z)
    assert dtype_name(infoloss.entropy(c)) == "float32"
    assert dtype_name(infoloss.kl_divergence(c, c)) == "float32"
    assert dtype_name(c.probs) == "float32"


def test_categorical_broadcasts_against_array(xp: ModuleType) -> None:
    rng = np.random.default_rng(8)
    z = rng.normal(size=(5,))
    p = random_probs(rng, (3, 5))
    got = infoloss.kl_divergence(to_xp(xp, p), infoloss.Categorical(logits=to_xp(xp, z)))
    expected = sc.rel_entr(p, sc.softmax(z)).sum(-1)
    np.testing.assert_allclose(to_numpy(got), expected, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# identical inputs: exactly 0.0 for KL and JS, on every backend and dtype


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["kl_divergence", "js_divergence", "js_distance"])
def test_identical_inputs_exactly_zero(xp: ModuleType, name: str, dtype: str) -> None:
    rng = np.random.default_rng(9)
    p = random_probs(rng, (4, 7), zeros=0.3)
    z = rng.normal(size=(4, 7)) * 10
    z[1, 2] = -np.inf
    cases = [
        (to_xp(xp, p, dtype=dtype), to_xp(xp, p, dtype=dtype)),
        (infoloss.Categorical(logits=to_xp(xp, z, dtype=dtype)),) * 2,
        (
            infoloss.Categorical(logits=to_xp(xp, z, dtype=dtype)),
            infoloss.Categorical(logits=to_xp(xp, z, dtype=dtype)),
        ),
        (
            infoloss.Categorical(to_xp(xp, p, dtype=dtype)),
            infoloss.Categorical(to_xp(xp, p, dtype=dtype)),
        ),
    ]
    for a, b in cases:
        for base in (None, 2):
            got = to_numpy(call(name, a, b, base=base))
            assert (got == 0.0).all(), got


@pytest.mark.parametrize("name", ["kl_divergence", "js_divergence", "js_distance"])
def test_same_distribution_from_shifted_logits_never_negative(xp: ModuleType, name: str) -> None:
    # softmax(z) == softmax(z + c): the value is 0 up to rounding, and must never be negative
    rng = np.random.default_rng(10)
    z = rng.normal(size=(50, 6)) * 5
    a = infoloss.Categorical(logits=to_xp(xp, z))
    b = infoloss.Categorical(logits=to_xp(xp, z + 3.25))
    got = to_numpy(call(name, a, b))
    assert (got >= 0.0).all()
    assert (got < (1e-6 if name == "js_distance" else 1e-12)).all()
    assert not np.isnan(got).any()
