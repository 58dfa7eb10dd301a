"""Sets of table files as one side (issue 13, part 4: "or two sets of files"): a directory or
a glob is read file by file and stacked; the results equal those of the one file they came
from, and files that disagree on their columns are refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from .conftest import cli_error, cli_report

pd = pytest.importorskip("pandas", reason="reading tables needs the extra infoloss[cli]")
pytest.importorskip("pyarrow", reason="Parquet needs pyarrow")


def _split(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 600
    old = pd.DataFrame(
        {"colour": rng.choice(["red", "green", "blue"], n), "size": rng.integers(1, 6, n)}
    )
    new = pd.DataFrame(
        {
            "colour": rng.choice(["red", "green", "blue"], n, p=[0.5, 0.3, 0.2]),
            "size": rng.integers(1, 6, n),
        }
    )
    old.to_csv(tmp_path / "old.csv", index=False)
    new.to_csv(tmp_path / "new.csv", index=False)
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    for i in range(3):  # contiguous blocks, so that stacking in name order restores the rows
        old.iloc[200 * i : 200 * (i + 1)].to_csv(tmp_path / "old" / f"part{i}.csv", index=False)
        part = new.iloc[200 * i : 200 * (i + 1)]
        part.to_parquet(tmp_path / "new" / f"part{i}.parquet", index=False)


def test_a_directory_and_a_glob_give_the_one_files_results(cli: Any, tmp_path: Path) -> None:
    _split(tmp_path)
    whole = cli_report(cli, "compare", "old.csv", "new.csv")
    sets = cli_report(cli, "compare", "old", "new/*.parquet")
    by_name = {c["column"]: c for c in whole["columns"]}
    assert [c["column"] for c in sets["columns"]] == [c["column"] for c in whole["columns"]]
    for c in sets["columns"]:  # categorical columns: deterministic estimators, equal numbers
        for key in ("js", "kl_pq", "kl_qp"):
            assert c[key]["value"] == by_name[c["column"]][key]["value"]
            assert c[key]["stderr"] == by_name[c["column"]][key]["stderr"]
    col = cli_report(cli, "compare", "old", "new/*.parquet", "--column", "colour")
    one = cli_report(cli, "compare", "old.csv", "new.csv", "--column", "colour")
    assert col["measures"].keys() == one["measures"].keys()
    for key, row in one["measures"].items():
        assert col["measures"][key]["value"] == row["value"], key


def test_files_that_disagree_on_their_columns_are_refused(cli: Any, tmp_path: Path) -> None:
    _split(tmp_path)
    pd.DataFrame({"colour": ["red"], "weight": [1]}).to_csv(
        tmp_path / "old" / "z.csv", index=False
    )
    err = cli_error(cli, "compare", "old", "new")
    assert "z.csv has columns ['colour', 'weight']" in err
    assert "the files of one side must have the same columns" in err


def test_an_empty_directory_is_refused(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "x.csv").write_text("a\n1\n2\n")
    err = cli_error(cli, "compare", "empty", "x.csv")
    assert "P: the directory empty holds no table files" in err
