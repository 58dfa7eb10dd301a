"""The drift report (issue 13, part 4): two tables compared column by column, ranked by JS.

The bundled synthetic tables have three columns shifted on purpose and four drawn from the same
distribution in both (`infoloss.datasets.make_drift`): the report must rank the shifted ones
first, and every number must be the library's own on the same column.
"""

from __future__ import annotations

import contextlib
import io
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import infoloss as il
from infoloss.cli import main
from infoloss.datasets import make_drift

from .conftest import cli_report

pd = pytest.importorskip("pandas", reason="reading tables needs the extra infoloss[cli]")
DATA = Path(make_drift.__file__).parent


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    """``infoloss compare --drift-example --json``, run once for the tests that read it."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["compare", "--drift-example", "--json"])
    assert code == 0
    report: dict[str, Any] = json.loads(buffer.getvalue())
    return report


def test_bundled_tables_are_what_the_script_writes() -> None:
    for name in make_drift.FILES:
        assert (DATA / name).read_text(encoding="utf-8") == make_drift.csv_text(name)


def test_the_shifted_columns_rank_first(example: dict[str, Any]) -> None:
    names = [c["column"] for c in example["columns"]]
    shifted, unchanged = set(make_drift.SHIFTED), set(make_drift.UNCHANGED)
    assert set(names) == shifted | unchanged
    assert set(names[: len(shifted)]) == shifted
    js = [c["js"]["value"] for c in example["columns"]]
    assert js == sorted(js, reverse=True)
    assert example["only_in_p"] == ["legacy_score"]
    assert example["only_in_q"] == ["channel"]
    kinds = {c["column"]: c["kind"] for c in example["columns"]}
    assert kinds == {
        "income": "numeric",
        "monthly_spend": "numeric",
        "region": "categorical",
        "household_size": "categorical",
        "owns_car": "categorical",
        "tenure_years": "rounded numeric",
        "age": "rounded numeric",
    }
    income = next(c for c in example["columns"] if c["column"] == "income")
    assert (income["n_p"], income["n_q"], income["missing_q"]) == (2000, 1980, 20)


def _lib(fn: Any, *args: Any) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", il.InfolossWarning)
        return float(fn(*args, base=2, rng=0))


@pytest.mark.parametrize(
    ("column", "make"),
    [
        ("region", lambda v: il.Samples(v.astype(str))),
        ("owns_car", lambda v: il.Samples(v.to_numpy(dtype=bool))),
        ("income", lambda v: il.Samples(v.dropna().to_numpy(dtype=float))),
        ("age", lambda v: il.Samples(v.to_numpy(dtype=float), discrete=False, resolution="auto")),
    ],
)
def test_each_column_is_the_library_s_estimate(
    example: dict[str, Any], column: str, make: Any
) -> None:
    old, new = (pd.read_csv(DATA / f) for f in make_drift.FILES)
    p, q = make(old[column]), make(new[column])
    row = next(c for c in example["columns"] if c["column"] == column)
    assert row["js"]["value"] == pytest.approx(_lib(il.js_divergence, p, q), rel=1e-12)
    assert row["kl_pq"]["value"] == pytest.approx(_lib(il.kl_divergence, p, q), rel=1e-12)
    assert row["kl_qp"]["value"] == pytest.approx(_lib(il.kl_divergence, q, p), rel=1e-12)


def test_two_tables_of_the_user_csv_and_parquet(cli: Any, tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(8)
    old = pd.DataFrame({"colour": rng.choice(["r", "g"], 500), "x": rng.normal(size=500)})
    new = pd.DataFrame({"colour": rng.choice(["r", "g"], 400, p=[0.9, 0.1]),
                        "x": rng.normal(size=400), "extra": 1})  # fmt: skip
    old.to_csv(tmp_path / "old.csv", index=False)
    new.to_parquet(tmp_path / "new.parquet")
    report = cli_report(cli, "compare", "old.csv", "new.parquet")
    assert report["report"] == "drift"
    assert [c["column"] for c in report["columns"]] == ["colour", "x"]  # colour drifted
    assert report["only_in_q"] == ["extra"]
    code, out, _ = cli("compare", "old.csv", "new.parquet")
    assert code == 0
    assert out.splitlines()[0].startswith("infoloss compare: drift of every shared column")
    assert "only in Q (not compared): extra" in out


def test_what_is_not_a_drift_report(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("colour\nred\nblue\nred\n")
    (tmp_path / "p.csv").write_text("colour,probability\nred,0.5\nblue,0.5\n")
    report = cli_report(cli, "compare", "a.csv", "p.csv")  # one column against probabilities
    assert "measures" in report
    assert "columns" not in report


def test_drift_errors(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("u,v\n1,2\n3,4\n")
    (tmp_path / "b.csv").write_text("w,z\n1,2\n3,4\n")
    for args, message in (
        (("a.csv", "b.csv"), "P and Q share no column name"),
        (("--drift-example", "--method", "plugin"), "--method does not apply to the drift"),
        (("--drift-example", "--bins", "5"), "--bins does not apply to the drift report"),
        (("a.csv", "a.csv", "--drift-example"), "--drift-example runs on the bundled tables"),
    ):
        code, out, err = cli("compare", *args)
        assert code == 2, out + err
        assert message in err
        assert len(err.strip().splitlines()) == 1


def test_drift_plot(cli: Any, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    code, out, err = cli("compare", "--drift-example", "--plot", "d.png")
    assert code == 0, err
    assert out.rstrip().endswith("picture: d.png")
    assert (tmp_path / "d.png").read_bytes().startswith(b"\x89PNG")
