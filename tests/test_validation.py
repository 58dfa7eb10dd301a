"""Every error of the spec: exception type and a message that names the argument in backticks.

Also the opt-outs: `validate=False` (skips data checks only), `normalize=True`, and NaN inputs,
which propagate to NaN rows instead of raising.
"""

from __future__ import annotations

import math
import re
from types import ModuleType
from typing import Any

import numpy as np
import pytest
import scipy.special as sc
from tests.conftest import random_probs, to_numpy, to_xp

import infoloss

TWO_ARG = ["cross_entropy", "kl_divergence", "js_divergence", "js_distance"]
ALL = ["entropy", *TWO_ARG]


def call(name: str, p: Any, q: Any = None, **kwargs: Any) -> Any:
    f = getattr(infoloss, name)
    return f(p, **kwargs) if name == "entropy" else f(p, q, **kwargs)


GOOD = np.array([[0.25, 0.25, 0.5], [0.5, 0.5, 0.0]])


# ---------------------------------------------------------------------------------------------
# negative entries


@pytest.mark.parametrize("name", ALL)
def test_negative_entry_in_p(xp: ModuleType, name: str) -> None:
    bad = np.array([[0.25, 0.25, 0.5], [0.6, 0.6, -0.2]])  # row sums to 1: only the sign is wrong
    with pytest.raises(ValueError, match=r"`p`.*negative") as info:
        call(name, to_xp(xp, bad), to_xp(xp, GOOD))
    assert "-0.2" in str(info.value)


@pytest.mark.parametrize("name", TWO_ARG)
def test_negative_entry_in_q(xp: ModuleType, name: str) -> None:
    bad = np.array([[0.25, 0.25, 0.5], [0.6, 0.6, -0.2]])
    with pytest.raises(ValueError, match=r"`q`.*negative") as info:
        call(name, to_xp(xp, GOOD), to_xp(xp, bad))
    assert "-0.2" in str(info.value)


def test_negative_entry_in_categorical_probs(xp: ModuleType) -> None:
    with pytest.raises(ValueError, match=r"`probs`.*negative"):
        infoloss.entropy(infoloss.Categorical(to_xp(xp, np.array([0.6, 0.6, -0.2]))))


# ---------------------------------------------------------------------------------------------
# rows not summing to 1: the message names the argument, the row index and the sum


@pytest.mark.parametrize("name", TWO_ARG)
def test_bad_row_sum_in_q_names_row_and_sum(xp: ModuleType, name: str) -> None:
    # row (1,) sums to 0.5 + 0.25 = 0.75 exactly in binary floating point
    bad = np.array([[0.5, 0.5, 0.0], [0.5, 0.25, 0.0], [0.25, 0.25, 0.5]])
    with pytest.raises(ValueError, match="`q`") as info:
        call(name, to_xp(xp, np.full((3, 3), 1 / 3)), to_xp(xp, bad))
    msg = str(info.value)
    assert "(1,)" in msg
    assert "0.75" in msg


@pytest.mark.parametrize("name", ALL)
def test_bad_row_sum_in_p_names_row_and_sum(xp: ModuleType, name: str) -> None:
    # 3-d input, the bad row is at batch index (1, 2) and sums to 0.5 + 0.75 = 1.25
    p = random_probs(np.random.default_rng(0), (2, 3, 2))
    p[1, 2] = [0.5, 0.75]
    with pytest.raises(ValueError, match="`p`") as info:
        call(name, to_xp(xp, p), to_xp(xp, random_probs(np.random.default_rng(1), (2, 3, 2))))
    msg = str(info.value)
    assert "(1, 2)" in msg
    assert "1.25" in msg


def test_bad_row_sum_along_axis0(xp: ModuleType) -> None:
    p = np.array([[0.5, 0.5], [0.5, 0.25]])  # column 1 sums to 0.75 (axis=0)
    with pytest.raises(ValueError, match="`p`") as info:
        infoloss.entropy(to_xp(xp, p), axis=0)
    assert "0.75" in str(info.value)


def test_bad_row_sum_in_categorical_probs(xp: ModuleType) -> None:
    with pytest.raises(ValueError, match="`probs`") as info:
        infoloss.entropy(infoloss.Categorical(to_xp(xp, np.array([0.5, 0.25]))))
    assert "0.75" in str(info.value)


def test_unnormalised_log_probs_rejected(xp: ModuleType) -> None:
    # log_probs must satisfy logsumexp == 0 along the axis; log([.5, .25]) has logsumexp log .75
    lp = to_xp(xp, np.log(np.array([[0.5, 0.5], [0.5, 0.25]])))
    with pytest.raises(ValueError, match="`log_probs`"):
        infoloss.entropy(infoloss.Categorical(log_probs=lp))


def test_logits_are_never_checked_for_sums(xp: ModuleType) -> None:
    z = to_xp(xp, np.array([[10.0, 3.0, -2.0], [0.0, 0.0, 0.0]]))
    h = to_numpy(infoloss.entropy(infoloss.Categorical(logits=z)))
    assert np.isfinite(h).all()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sum_tolerance_depends_on_dtype(xp: ModuleType, dtype: str) -> None:
    # |sum - 1| <= sqrt(eps): 1.49e-8 for float64, 3.45e-4 for float32
    tol = math.sqrt(np.finfo(dtype).eps)
    inside = np.array([0.5, 0.5 + tol / 4])
    outside = np.array([0.5, 0.5 + tol * 4])
    h = infoloss.entropy(to_xp(xp, inside, dtype=dtype))
    assert np.isfinite(to_numpy(h))
    with pytest.raises(ValueError, match="`p`"):
        infoloss.entropy(to_xp(xp, outside, dtype=dtype))


def test_float32_tolerance_not_float64_tolerance(xp: ModuleType) -> None:
    # a float32 row off by 1e-4 is fine (tol 3.5e-4); the same float64 row is not (tol 1.5e-8)
    row = np.array([0.5, 0.5001])
    infoloss.entropy(to_xp(xp, row, dtype="float32"))
    with pytest.raises(ValueError, match="`p`"):
        infoloss.entropy(to_xp(xp, row, dtype="float64"))


# ---------------------------------------------------------------------------------------------
# dtypes


@pytest.mark.parametrize("name", ALL)
def test_complex_dtype_p(xp: ModuleType, name: str) -> None:
    p = to_xp(xp, np.array([0.5 + 0j, 0.5 + 0j]))
    with pytest.raises(TypeError, match="`p`"):
        call(name, p, to_xp(xp, np.array([0.5, 0.5])))


@pytest.mark.parametrize("name", TWO_ARG)
def test_complex_dtype_q(xp: ModuleType, name: str) -> None:
    q = to_xp(xp, np.array([0.5 + 0j, 0.5 + 0j]))
    with pytest.raises(TypeError, match="`q`"):
        call(name, to_xp(xp, np.array([0.5, 0.5])), q)


def test_complex_dtype_is_structural_even_with_validate_false(xp: ModuleType) -> None:
    with pytest.raises(TypeError, match="`p`"):
        infoloss.entropy(to_xp(xp, np.array([0.5 + 0j, 0.5])), validate=False)


@pytest.mark.parametrize(
    "bad",
    [np.array(["a", "b"]), np.array([0.5, 0.5], dtype=object), ["a", "b"]],
    ids=["str-array", "object-array", "str-list"],
)
@pytest.mark.parametrize("name", ALL)
def test_non_numeric_dtype(name: str, bad: Any) -> None:
    with pytest.raises(TypeError, match="`p`"):
        call(name, bad, np.array([0.5, 0.5]))
    if name != "entropy":
        with pytest.raises(TypeError, match="`q`"):
            call(name, np.array([0.5, 0.5]), bad)


def test_non_numeric_categorical_probs() -> None:
    with pytest.raises(TypeError, match="`probs`"):
        infoloss.Categorical(np.array(["a", "b"]))


# ---------------------------------------------------------------------------------------------
# shapes and axes


@pytest.mark.parametrize("name", TWO_ARG)
def test_shapes_not_broadcasting(xp: ModuleType, name: str) -> None:
    p = to_xp(xp, np.full((2, 3), 1 / 3))
    q = to_xp(xp, np.full((4,), 0.25))
    with pytest.raises(ValueError, match=r"`p`|`q`") as info:
        call(name, p, q, validate=False)
    msg = str(info.value)
    assert "2, 3" in msg  # the shape of p
    assert re.search(r"[(\[]4,?[)\]]", msg)  # the shape of q


@pytest.mark.parametrize("name", ALL)
def test_empty_axis(xp: ModuleType, name: str) -> None:
    p = to_xp(xp, np.ones((3, 0)))
    with pytest.raises(ValueError, match=r"`p`|`axis`"):
        call(name, p, p)


def test_empty_batch_is_not_an_error(xp: ModuleType) -> None:
    # size 0 along a batch axis is fine (only an empty *event* axis is an error)
    p = to_xp(xp, np.ones((0, 3)) / 3)
    assert to_numpy(infoloss.entropy(p)).shape == (0,)
    assert to_numpy(infoloss.kl_divergence(p, p)).shape == (0,)


@pytest.mark.parametrize("axis", [2, -3, (0, 2), (-3,)])
@pytest.mark.parametrize("name", ALL)
def test_axis_out_of_range(xp: ModuleType, name: str, axis: Any) -> None:
    p = to_xp(xp, np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="`axis`"):
        call(name, p, p, axis=axis)


@pytest.mark.parametrize("axis", [(1, 1), (1, -1), (0, 1, 0)])
@pytest.mark.parametrize("name", ALL)
def test_axis_repeated(xp: ModuleType, name: str, axis: Any) -> None:
    p = to_xp(xp, np.full((2, 3), 1 / 6))
    with pytest.raises(ValueError, match="`axis`"):
        call(name, p, p, axis=axis)


@pytest.mark.parametrize("axis", [1.0, "0", [0, 1], (0, 1.0)], ids=repr)
@pytest.mark.parametrize("name", ALL)
def test_axis_wrong_type(name: str, axis: Any) -> None:
    p = np.full((2, 3), 1 / 6)
    with pytest.raises(TypeError, match="`axis`"):
        call(name, p, p, axis=axis)


def test_categorical_axis_checked(xp: ModuleType) -> None:
    z = to_xp(xp, np.zeros((2, 3)))
    with pytest.raises(TypeError, match="`axis`"):
        infoloss.entropy(infoloss.Categorical(logits=z, axis=1.5))
    with pytest.raises(ValueError, match="`axis`"):
        infoloss.entropy(infoloss.Categorical(logits=z, axis=2))


# ---------------------------------------------------------------------------------------------
# base


@pytest.mark.parametrize("base", [0, -1, 1, 1.0, math.nan, math.inf, -math.inf, "foo"], ids=repr)
@pytest.mark.parametrize("name", ALL)
def test_base_invalid_value(xp: ModuleType, name: str, base: Any) -> None:
    p = to_xp(xp, np.array([0.5, 0.5]))
    with pytest.raises(ValueError, match="`base`"):
        call(name, p, p, base=base)
    with pytest.raises(ValueError, match="`base`"):
        call(name, p, p, base=base, validate=False)


@pytest.mark.parametrize("base", [[2], True, False, 2j], ids=repr)
@pytest.mark.parametrize("name", ALL)
def test_base_wrong_type(name: str, base: Any) -> None:
    p = np.array([0.5, 0.5])
    with pytest.raises(TypeError, match="`base`"):
        call(name, p, p, base=base)


def test_base_unknown_string_says_found_and_expected() -> None:
    with pytest.raises(ValueError, match="`base`") as info:
        infoloss.entropy([0.5, 0.5], base="foo")
    assert "foo" in str(info.value)  # what was found
    assert "bits" in str(info.value)  # what is expected (the valid names)


# ---------------------------------------------------------------------------------------------
# Categorical forms

FORMS_RE = r"(?s)(?=.*`probs`)(?=.*`logits`)(?=.*`log_probs`)"


def test_categorical_zero_forms() -> None:
    with pytest.raises(ValueError, match=FORMS_RE):
        infoloss.Categorical()


@pytest.mark.parametrize(
    "forms",
    [
        ("probs", "logits"),
        ("probs", "log_probs"),
        ("logits", "log_probs"),
        ("probs", "logits", "log_probs"),
    ],
)
def test_categorical_several_forms(xp: ModuleType, forms: tuple[str, ...]) -> None:
    p = np.array([0.25, 0.75])
    values = {"probs": p, "logits": np.log(p), "log_probs": np.log(p)}
    kwargs = {f: to_xp(xp, values[f]) for f in forms}
    with pytest.raises(ValueError, match=FORMS_RE):
        infoloss.Categorical(**kwargs)


# ---------------------------------------------------------------------------------------------
# different array libraries


def test_p_and_q_from_different_libraries() -> None:
    torch = pytest.importorskip("torch")
    a = np.array([0.5, 0.5])
    with pytest.raises(TypeError, match=r"(?s)(?=.*`p`)(?=.*`q`)"):
        infoloss.kl_divergence(a, torch.asarray(a))
    with pytest.raises(TypeError, match=r"(?s)(?=.*`p`)(?=.*`q`)"):
        infoloss.js_divergence(torch.asarray(a), a)


def test_p_and_q_numpy_and_array_api_strict() -> None:
    strict = pytest.importorskip("array_api_strict")
    a = np.array([0.5, 0.5])
    with pytest.raises(TypeError, match=r"(?s)(?=.*`p`)(?=.*`q`)"):
        infoloss.cross_entropy(strict.asarray(a), a)


# ---------------------------------------------------------------------------------------------
# normalize=True


@pytest.mark.parametrize("name", ALL)
def test_normalize_equals_normalised_computation(xp: ModuleType, name: str) -> None:
    rng = np.random.default_rng(3)
    w = rng.random((4, 5)) * 7
    v = rng.random((4, 5)) * 0.3
    w[0, 1] = 0.0
    got = call(name, to_xp(xp, w), to_xp(xp, v), normalize=True)
    wn, vn = w / w.sum(-1, keepdims=True), v / v.sum(-1, keepdims=True)
    expected = call(name, to_xp(xp, wn), to_xp(xp, vn))
    np.testing.assert_allclose(to_numpy(got), to_numpy(expected), rtol=1e-12, atol=1e-15)


def test_normalize_with_tuple_axis(xp: ModuleType) -> None:
    w = np.random.default_rng(4).random((3, 4, 5))
    got = infoloss.entropy(to_xp(xp, w), axis=(0, 2), normalize=True)
    expected = infoloss.entropy(to_xp(xp, w / w.sum(axis=(0, 2), keepdims=True)), axis=(0, 2))
    np.testing.assert_allclose(to_numpy(got), to_numpy(expected), rtol=1e-12)


def test_normalize_categorical_probs(xp: ModuleType) -> None:
    w = np.array([[1.0, 3.0], [2.0, 2.0]])
    c = infoloss.Categorical(to_xp(xp, w), normalize=True)
    np.testing.assert_allclose(to_numpy(c.probs), [[0.25, 0.75], [0.5, 0.5]], rtol=1e-15)


@pytest.mark.parametrize("name", ALL)
def test_normalize_zero_sum_row(xp: ModuleType, name: str) -> None:
    w = to_xp(xp, np.array([[1.0, 2.0], [0.0, 0.0]]))
    with pytest.raises(ValueError, match="`p`"):
        call(name, w, to_xp(xp, np.ones((2, 2))), normalize=True)
    if name != "entropy":
        with pytest.raises(ValueError, match="`q`"):
            call(name, to_xp(xp, np.ones((2, 2))), w, normalize=True)


def test_normalize_still_rejects_negative_weights(xp: ModuleType) -> None:
    with pytest.raises(ValueError, match=r"`p`.*negative"):
        infoloss.entropy(to_xp(xp, np.array([2.0, -1.0, 3.0])), normalize=True)


# ---------------------------------------------------------------------------------------------
# validate=False: no data checks, the formula on the values as given


def test_validate_false_computes_formula_as_given(xp: ModuleType) -> None:
    p = np.array([[0.3, 0.6, 0.0], [0.2, 0.2, 0.6]])  # row 0 sums to 0.9
    q = np.array([[0.5, 0.3, 0.2], [0.1, 0.5, 0.4]])
    P, Q = to_xp(xp, p), to_xp(xp, q)
    for name in ALL:
        with pytest.raises(ValueError, match="`p`"):
            call(name, P, Q)
    m = (p + q) / 2
    js = 0.5 * sc.rel_entr(p, m).sum(-1) + 0.5 * sc.rel_entr(q, m).sum(-1)
    expected = {
        "entropy": sc.entr(p).sum(-1),  # -sum p log p
        "cross_entropy": -sc.xlogy(p, q).sum(-1),  # -sum p log q
        "kl_divergence": sc.rel_entr(p, q).sum(-1),  # sum p log(p / q)
        "js_divergence": js,
        "js_distance": np.sqrt(js),
    }
    for name in ALL:
        got = to_numpy(call(name, P, Q, validate=False))
        np.testing.assert_allclose(got, expected[name], rtol=1e-12, err_msg=name)


def test_validate_false_categorical(xp: ModuleType) -> None:
    p = np.array([0.3, 0.6])
    c = infoloss.Categorical(to_xp(xp, p), validate=False)
    got = to_numpy(infoloss.entropy(c))
    np.testing.assert_allclose(got, sc.entr(p).sum(), rtol=1e-12)


def test_validate_false_keeps_structural_checks(xp: ModuleType) -> None:
    p = to_xp(xp, np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="`axis`"):
        infoloss.entropy(p, axis=5, validate=False)
    with pytest.raises(ValueError, match=r"`p`|`q`"):
        infoloss.kl_divergence(p, to_xp(xp, np.full(4, 0.25)), validate=False)


# ---------------------------------------------------------------------------------------------
# NaN: propagated to its row, never an error


@pytest.mark.parametrize("name", ALL)
def test_nan_input_gives_nan_row_not_error(xp: ModuleType, name: str) -> None:
    p = np.array([[0.25, 0.25, 0.5], [np.nan, 0.5, 0.5], [0.5, 0.5, 0.0]])
    q = np.array([[0.5, 0.25, 0.25], [0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
    got = to_numpy(call(name, to_xp(xp, p), to_xp(xp, q)))
    assert np.isnan(got).tolist() == [False, True, False]
    if name != "entropy":
        got_q = to_numpy(call(name, to_xp(xp, q), to_xp(xp, p)))
        assert np.isnan(got_q).tolist() == [False, True, False]


@pytest.mark.parametrize("bad", [math.nan, math.inf], ids=["nan", "inf"])
def test_nan_or_pos_inf_logits_give_nan_row(xp: ModuleType, bad: float) -> None:
    # one +inf logit is the point-mass limit (tests/test_core_edges.py); two have no limit
    z = np.array([[0.0, bad, 1.0 if math.isnan(bad) else bad], [0.0, 1.0, 2.0]])
    c = infoloss.Categorical(logits=to_xp(xp, z))
    ok = infoloss.Categorical(logits=to_xp(xp, np.zeros((2, 3))))
    for got in (
        infoloss.entropy(c),
        infoloss.kl_divergence(c, ok),
        infoloss.kl_divergence(ok, c),
        infoloss.cross_entropy(ok, c),
        infoloss.js_distance(c, ok),
    ):
        assert np.isnan(to_numpy(got)).tolist() == [True, False]


def test_nan_log_probs_give_nan_row(xp: ModuleType) -> None:
    lp = np.log(np.array([[0.5, 0.5], [0.25, 0.75]]))
    lp[0, 0] = np.nan
    got = to_numpy(infoloss.entropy(infoloss.Categorical(log_probs=to_xp(xp, lp))))
    assert np.isnan(got).tolist() == [True, False]
