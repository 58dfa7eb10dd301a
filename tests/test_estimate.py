"""`Estimate` stands where its value would: arithmetic, comparison, autograd, intervals.

The standard error of an affine function of an estimate is known exactly (``se(a v + c) =
|a| se(v)``); that of two estimates combined is not (their correlation is unknown), so that is
refused with a message that says what to write instead.
"""

from __future__ import annotations

import math
import warnings
from types import ModuleType

import numpy as np
import pytest
from tests.conftest import to_xp

import infoloss
from infoloss import Counts, Estimate, Normal, Samples, cross_entropy, kl_divergence


def _est(xp: ModuleType, value: float = 0.5, se: float = 0.01) -> Estimate:
    return Estimate(to_xp(xp, value), to_xp(xp, se), "test", 100)


def _num(a: object) -> float:
    return float(np.asarray(a))


@pytest.mark.parametrize(
    ("op", "value", "se"),
    [
        (lambda e: e + 2.0, 2.5, 0.01),
        (lambda e: 2.0 + e, 2.5, 0.01),
        (lambda e: e - 2.0, -1.5, 0.01),
        (lambda e: 2.0 - e, 1.5, 0.01),
        (lambda e: -e, -0.5, 0.01),
        (lambda e: +e, 0.5, 0.01),
        (lambda e: 3.0 * e, 1.5, 0.03),
        (lambda e: e * -3.0, -1.5, 0.03),
        (lambda e: e / -4.0, -0.125, 0.0025),
    ],
)
def test_affine_arithmetic_carries_the_stderr_exactly(
    xp: ModuleType, op: object, value: float, se: float
) -> None:
    out = op(_est(xp))  # type: ignore[operator]
    assert isinstance(out, Estimate)
    # 0.5, 0.01 and the constants are exact in binary up to one rounding of each operation
    assert math.isclose(_num(out.value), value, rel_tol=4e-16)
    assert math.isclose(_num(out.stderr), se, rel_tol=4e-16)
    assert out.method == "test"
    assert out.n == 100


def test_arrays_on_either_side_stay_estimates(xp: ModuleType) -> None:
    c = to_xp(xp, [1.0, -2.0])
    outs = [_est(xp) + c, _est(xp) * c, _est(xp) - c]
    # array_api_strict's operators raise TypeError on a foreign operand instead of deferring
    # (returning NotImplemented), so there the estimate must stand on the left
    if xp.__name__ != "array_api_strict":
        outs += [c + _est(xp), c * _est(xp), c - _est(xp)]
    for out in outs:
        assert isinstance(out, Estimate)
        assert np.asarray(out.stderr).shape == (2,)
    assert np.allclose(np.asarray((_est(xp) * c).stderr), [0.01, 0.02], rtol=1e-15, atol=0)


def test_numpy_scalars_and_ufuncs() -> None:
    e = _est(np)
    assert isinstance(np.float64(2.0) * e, Estimate)
    assert isinstance(np.negative(e), Estimate)
    assert np.log(e) == pytest.approx(math.log(0.5), rel=1e-15)  # other ufuncs see the value


def test_two_estimates_are_not_combined(xp: ModuleType) -> None:
    a, b = _est(xp), _est(xp, 0.2)
    for combine in (lambda: a + b, lambda: a - b, lambda: a * b, lambda: a / b):
        with pytest.raises(TypeError, match=r"correlation.*`a\.value`"):
            combine()


def test_comparisons_and_rounding_use_the_value(xp: ModuleType) -> None:
    e = _est(xp)
    assert bool(e < 0.6)
    assert bool(e > 0.4)
    assert bool(e <= 0.5)
    assert bool(e >= 0.5)
    assert bool(e == 0.5)
    assert bool(e != 0.4)
    assert bool(e < _est(xp, 0.7))
    assert round(_est(np, 0.123456), 3) == 0.123


def test_backward_through_a_torch_estimate() -> None:
    torch = pytest.importorskip("torch")
    x = torch.linspace(-2, 2, 101, dtype=torch.float64)
    mu = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    ce = cross_entropy(Samples(x), Normal(mu, 1.0))
    loss = ce + 0.5 * mu**2
    assert isinstance(loss, Estimate)
    loss.backward()
    # d/dmu [mean (x - mu)^2 / 2 + const + mu^2 / 2] = mu - mean(x) + mu; mean(x) = 0 exactly
    assert mu.grad is not None
    assert float(mu.grad) == pytest.approx(2 * 0.3 - float(x.mean()), rel=1e-12)


def test_backward_without_autograd_says_what_to_do() -> None:
    with pytest.raises(TypeError, match="`backward` needs a value with autograd"):
        _est(np).backward()


def test_the_interval_of_an_infinite_estimate_is_the_point() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", infoloss.InfiniteEstimateWarning)
        est = kl_divergence(Counts([5, 5]), Counts([10, 0]), method="plugin")
    assert math.isinf(float(est))
    low, high = est.interval()  # no RuntimeWarning (warnings are errors here), no NaN
    assert float(low) == math.inf
    assert float(high) == math.inf


def test_the_interval_of_nan_is_nan(xp: ModuleType) -> None:
    low, high = Estimate(to_xp(xp, 0.3), to_xp(xp, math.nan), "t", 1).interval()
    assert math.isnan(_num(low))
    assert math.isnan(_num(high))


def test_the_interval_uses_the_normal_quantile(xp: ModuleType) -> None:
    low, high = _est(xp).interval(0.9)
    z = 1.6448536269514722  # scipy.stats.norm.ppf(0.95)
    assert _num(low) == pytest.approx(0.5 - z * 0.01, rel=1e-14)
    assert _num(high) == pytest.approx(0.5 + z * 0.01, rel=1e-14)


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1, True, "0.9"])
def test_the_interval_refuses_a_bad_confidence(bad: object) -> None:
    with pytest.raises(ValueError, match="`confidence` must be a number in"):
        _est(np).interval(bad)  # type: ignore[arg-type]
