"""Dask at the edges: `infoloss compare --dask`, and `fit` by sufficient statistics per chunk."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
pd = pytest.importorskip("pandas")

from infoloss import (  # noqa: E402
    Categorical,
    Gamma,
    Laplace,
    MultivariateNormal,
    Normal,
    Pareto,
    Poisson,
    Samples,
    fit,
)
from infoloss.cli import main  # noqa: E402


@pytest.fixture
def datasets(tmp_path: Path) -> tuple[Path, Path, np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    rng = np.random.default_rng(0)
    p = rng.choice(["red", "green", "blue"], size=3000, p=[0.5, 0.3, 0.2])
    q = rng.choice(["red", "green", "blue", "cyan"], size=2000, p=[0.4, 0.3, 0.2, 0.1])
    (tmp_path / "p").mkdir()
    for i, part in enumerate(np.array_split(p, 3)):
        pd.DataFrame({"colour": part, "x": 1.5}).to_parquet(tmp_path / "p" / f"{i}.parquet")
    qq = q.astype(object)
    qq[::50] = None  # missing cells: left out and counted
    for i, part in enumerate(np.array_split(qq, 2)):
        pd.DataFrame({"colour": part}).to_csv(tmp_path / f"q{i}.csv", index=False)
    return tmp_path / "p", tmp_path / "q*.csv", p, q[np.arange(q.size) % 50 != 0]


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(argv) == 0
    out: dict[str, Any] = json.loads(capsys.readouterr().out)
    return out


def test_compare_with_dask_matches_the_files_in_memory(
    datasets: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    p_dir, q_glob, p, q = datasets
    lazy = _json(
        ["compare", str(p_dir), str(q_glob), "--dask", "--column", "colour", "--json"], capsys
    )
    pd.DataFrame({"colour": p}).to_csv(tmp_path / "p.csv", index=False)
    pd.DataFrame({"colour": q}).to_csv(tmp_path / "q.csv", index=False)
    mem = _json(["compare", str(tmp_path / "p.csv"), str(tmp_path / "q.csv"), "--json"], capsys)
    assert lazy["Q"]["missing"] == 40
    assert lazy["P"]["n"] == 3000
    for key, row in mem["measures"].items():
        assert lazy["measures"][key]["method"] == row["method"], key
        np.testing.assert_allclose(lazy["measures"][key]["value"], row["value"], rtol=1e-12)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--column", "x"], "continuous values"),
        ([], "`column` must name"),
        (["--column", "colour", "--header", "yes"], "--header yes does not apply"),
        (["--column", "colour", "--missing", "error"], "missing value"),
    ],
)
def test_compare_with_dask_refuses_what_it_cannot_do(
    datasets: Any, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    p_dir, q_glob, _, _ = datasets
    q = str(q_glob) if "--missing" in extra else str(p_dir)
    assert main(["compare", str(p_dir), q, "--dask", *extra]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("family", "draw"),
    [
        (Normal, lambda r: r.normal(2.0, 3.0, 5000)),
        (Gamma, lambda r: r.gamma(2.5, 1.5, 5000)),
        (Poisson, lambda r: r.poisson(3.0, 5000)),
        (Pareto, lambda r: 1.0 + r.pareto(3.0, 5000)),
        (Categorical, lambda r: r.integers(0, 5, 5000)),
        (MultivariateNormal, lambda r: r.normal(size=(5000, 3)) @ np.tri(3)),
    ],
)
def test_fit_by_chunks_equals_the_fit_in_memory(family: Any, draw: Any) -> None:
    x = draw(np.random.default_rng(1))
    with dask.config.set(scheduler="synchronous"):
        lazy = fit(family, da.from_array(x, chunks=(613, *x.shape[1:])))
        also = fit(family, Samples(da.from_array(x, chunks=(1000, *x.shape[1:]))))
    ref = fit(family, x)
    for got in (lazy, also):
        if family is Categorical:
            np.testing.assert_allclose(got.probs, ref.probs, rtol=1e-12)
            continue
        for name, value in ref._numpy_values().items():
            np.testing.assert_allclose(got._numpy_values()[name], value, rtol=1e-12)


def test_fit_by_chunks_refuses_families_without_sufficient_statistics() -> None:
    x = da.from_array(np.random.default_rng(2).normal(size=100), chunks=30)
    with pytest.raises(NotImplementedError, match="Laplace"):
        fit(Laplace, x)
    with (
        dask.config.set(scheduler="synchronous"),
        pytest.raises(ValueError, match="outside the support of Gamma"),
    ):
        fit(Gamma, x)
