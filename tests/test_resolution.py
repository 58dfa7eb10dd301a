"""Continuous draws recorded to a grid (rounded values): found, dequantised, estimated.

Truths: the entropy of N(0, 1) recorded to whole numbers and dequantised is exactly the
discrete entropy of the recorded values plus log 1 (``infoloss.data._resolution``), computed
here from SciPy's normal CDF; two samples of one N(0, 1), one of them rounded to 0.1 and
dequantised, have a KL of w² J / 24 ≈ 4e-4 nats at most (J = 1), i.e. about 0.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import special, stats

from infoloss import Samples, entropy, kl_divergence
from infoloss.cli import main
from infoloss.data._resolution import find_grid


@pytest.mark.parametrize(
    ("values", "grid"),
    [
        (np.round(np.random.default_rng(0).normal(size=500), 1), 0.1),
        (np.round(np.random.default_rng(1).normal(170, 10, size=500), 2), 0.01),
        (np.arange(0.0, 20.0, 2.0) + 0.5, 2.0),  # the widest grid the values allow
        (np.array([1.0, 1.3, 1.5, 2.0]), 0.1),  # gaps 0.3, 0.2, 0.5: the grid is finer
        (np.array([3.0, 3.0, 7.0]), 4.0),
    ],
)
def test_the_grid_is_found(values: np.ndarray, grid: float) -> None:
    found = find_grid(values)
    assert found is not None
    assert found == pytest.approx(grid, rel=1e-9)


@pytest.mark.parametrize(
    "values", [np.random.default_rng(2).normal(size=50), np.array([4.0]), np.array([1.0, 1.0])]
)
def test_no_grid_in_continuous_values_or_one_value(values: np.ndarray) -> None:
    assert find_grid(values) is None


def test_rounded_q_dequantised_gives_kl_near_zero() -> None:
    """The issue's case: two samples of one N(0, 1), Q rounded to 0.1. Refused as it stands
    (tests/test_knn_defects.py); dequantised, KL is 0 up to sampling error (4 stderrs) and
    the O(w²) dequantisation term (4e-4)."""
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=5000), np.round(rng.normal(size=5000), 1)
    for resolution in (0.1, "auto"):
        est = kl_divergence(Samples(x), Samples(y, resolution=resolution))
        assert abs(float(est)) < 4 * float(est.stderr) + 4e-4


def test_dequantised_entropy_is_the_cell_entropy_plus_log_width() -> None:
    """N(0, 1) recorded to whole numbers: h(dequantised) = H(cells) + log 1, exactly; the kNN
    estimate must be within 4 stderrs of it (and it sits above the underlying 1.4189 by about
    J / 24 = 0.042, which the test also sees: the two truths are 10 stderrs apart)."""
    k = np.arange(-40, 41)
    p = stats.norm.cdf(k + 0.5) - stats.norm.cdf(k - 0.5)
    truth = float(-np.sum(special.xlogy(p, p)))
    x = np.round(np.random.default_rng(4).normal(size=20_000))
    est = entropy(Samples(x, resolution=1.0))
    assert abs(float(est) - truth) < 4 * float(est.stderr)
    underlying = 0.5 * math.log(2 * math.pi * math.e)
    assert truth - underlying == pytest.approx(1 / 24, rel=0.05)


def test_units_shift_the_entropy_by_the_log_scale() -> None:
    x = np.round(np.random.default_rng(5).normal(size=2000), 1)
    a = entropy(Samples(x, resolution=0.1))
    b = entropy(Samples(x * 8, resolution=0.8))  # a power of two: the draws scale exactly
    assert float(b) - float(a) == pytest.approx(math.log(8), abs=1e-9)


def test_the_draws_a_model_sees_stay_as_recorded() -> None:
    x = np.round(np.random.default_rng(6).normal(size=100), 1)
    s = Samples(x, resolution=0.1)
    assert s.data is s._np
    np.testing.assert_array_equal(s.data, x)
    assert not np.array_equal(s.values().ravel(), x)
    assert np.max(np.abs(s.values().ravel() - x)) <= 0.05 + 1e-12
    np.testing.assert_array_equal(s.values(), s.values())  # seeded: one call, one answer
    assert "recorded to 0.1" in repr(s)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"resolution": "fine"}, "`resolution` must be a positive number, one per dimension"),
        ({"resolution": -0.1}, r"`resolution` must be finite and > 0"),
        ({"resolution": [0.1, 0.2, 0.3]}, r"one per dimension \(2\)"),
        ({"resolution": 0.1, "discrete": True}, "cannot be combined with discrete draws"),
        ({"resolution": 0.1, "bins": 4}, "cannot be combined with discrete draws"),
    ],
)
def test_bad_resolutions_are_refused(kwargs: dict, match: str) -> None:
    x = np.round(np.random.default_rng(7).normal(size=(50, 2)), 1)
    with pytest.raises(ValueError, match=match):
        Samples(x, **kwargs)


def test_auto_names_the_dimension_without_a_grid() -> None:
    rng = np.random.default_rng(8)
    x = np.column_stack([np.round(rng.normal(size=50), 1), rng.normal(size=50)])
    with pytest.raises(ValueError, match=r"found no recording grid in dimension\(s\) \[1\]"):
        Samples(x, resolution="auto")


def test_the_command_line_dequantises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = np.random.default_rng(9)
    for name, digits in (("a.csv", 2), ("b.csv", 0)):
        np.savetxt(
            tmp_path / name, np.round(rng.normal(170, 10, 500), digits), header="h", comments=""
        )
    monkeypatch.chdir(tmp_path)
    assert main(["compare", "a.csv", "b.csv", "--resolution", "auto", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["Q"]["description"].endswith("dequantised (--resolution auto)")
    assert all(row["value"] is not None for row in report["measures"].values())
    assert main(["compare", "a.csv", "b.csv", "--resolution", "fine"]) != 0
    assert "--resolution must be a number or 'auto'" in capsys.readouterr().err
