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


@pytest.fixture
def drift_sets(tmp_path: Path) -> tuple[str, str]:
    """Two datasets of several columns: text, True/False, few and many whole numbers, decimals;
    P a directory of Parquet files, Q a glob of CSV files with missing cells."""
    rng = np.random.default_rng(3)

    def frame(n: int, shift: int) -> Any:
        return pd.DataFrame(
            {
                "region": rng.choice(
                    ["n", "s", "e", "w"], size=n, p=[0.4, 0.3, 0.2, 0.1][::shift]
                ),
                "flag": rng.random(n) < 0.3 + 0.2 * (shift < 0),
                "tier": rng.integers(0, 6 if shift < 0 else 5, n),
                "id": rng.integers(0, 10**6, n),
                "income": rng.normal(50.0, 10.0, n),
            }
        )

    p, q = frame(1500, 1), frame(1200, -1)
    q.loc[::40, "region"] = None
    q["tier"] = q["tier"].astype("Int64")
    q.loc[::25, "tier"] = pd.NA  # whole numbers with missing cells: still categories
    (tmp_path / "p").mkdir()
    for i, rows in enumerate(np.array_split(np.arange(len(p)), 3)):
        p.iloc[rows].to_parquet(tmp_path / "p" / f"part{i}.parquet")
    for i, rows in enumerate(np.array_split(np.arange(len(q)), 2)):
        q.iloc[rows].to_csv(tmp_path / f"q{i}.csv", index=False)
    return str(tmp_path / "p"), str(tmp_path / "q*.csv")


def test_drift_report_with_dask_counts_the_categorical_columns(
    drift_sets: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """The same numbers as the report in memory for every categorical column; numbers are
    not compared, each row saying why."""
    p, q = drift_sets
    with dask.config.set(scheduler="synchronous"):
        lazy = _json(["compare", p, q, "--dask", "--json"], capsys)
    mem = _json(["compare", p, q, "--json"], capsys)
    assert (lazy["P"]["rows"], lazy["Q"]["rows"]) == (1500, 1200)
    assert any("read by Dask" in n for n in lazy["notes"])
    got = {c["column"]: c for c in lazy["columns"]}
    for ref in mem["columns"]:
        c = got[ref["column"]]
        for key in ("n_p", "n_q", "missing_p", "missing_q"):
            assert c[key] == ref[key], (ref["column"], key)
        if ref["kind"] != "categorical":
            assert c["js"]["value"] is None
            assert "numeric column" in c["js"]["reason"]
            continue
        assert c["kind"] == "categorical"
        for key in ("js", "kl_pq", "kl_qp"):
            assert c[key]["method"] == ref[key]["method"]
            for field in ("value", "stderr"):
                np.testing.assert_allclose(c[key][field], ref[key][field], rtol=1e-12)
    assert {c["column"] for c in lazy["columns"] if c["js"]["value"] is None} == {"id", "income"}
    assert got["tier"]["missing_q"] == 48


def test_drift_report_with_dask_refuses_what_needs_rows(
    drift_sets: tuple[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    p, q = drift_sets
    assert main(["compare", p, q, "--dask", "--plot", str(tmp_path / "d.png")]) == 2
    assert "--plot does not apply to the drift report with --dask" in capsys.readouterr().err
    only = str(tmp_path / "numbers.csv")
    pd.DataFrame({"a": [0.5, 1.5, 2.5], "b": [1.0, 2.0, 3.5]}).to_csv(only, index=False)
    with dask.config.set(scheduler="synchronous"):
        assert main(["compare", only, only, "--dask"]) == 2
    captured = capsys.readouterr()
    assert "numeric column (decimals)" in captured.out
    assert "no column could be compared" in captured.err


def test_compare_switches_to_dask_above_a_size(
    datasets: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above `AUTO_DASK_BYTES` on disk (1 GiB; a few bytes here) a side is read by Dask without
    --dask, and a note says so; an option of the reader in memory keeps it there, said too."""
    from infoloss.cli import _dask_input

    p_dir, q_glob, _, _ = datasets
    argv = ["compare", str(p_dir), str(q_glob), "--column", "colour", "--json"]
    with dask.config.set(scheduler="synchronous"):
        small = _json(argv, capsys)
        monkeypatch.setattr(_dask_input, "AUTO_DASK_BYTES", 1000)
        big = _json(argv, capsys)
        kept = _json([*argv, "--decimal", ","], capsys)
    assert "read by Dask" not in small["P"]["source"]
    assert not any("Dask" in n for n in small["P"]["notes"] + small["Q"]["notes"])
    assert "read by Dask" in big["P"]["source"]
    assert any("read by Dask, partition by partition" in n for n in big["P"]["notes"])
    assert any("read by Dask" in n for n in big["Q"]["notes"])
    assert "read by Dask" not in kept["P"]["source"]
    assert any("--decimal , does not apply to the Dask reader" in n for n in kept["P"]["notes"])
    for key, row in small["measures"].items():
        np.testing.assert_allclose(big["measures"][key]["value"], row["value"], rtol=1e-12)


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
