"""``infoloss compare`` / ``entropy`` read files as pandas users expect (issue 13, part 1).

Each case writes a small file the way people have them and checks what the command read: how
many samples, which categories, how many missing values were left out (in the table and in
``--json``), and that the number printed is the library's on exactly those values.
"""

from __future__ import annotations

import io
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import infoloss as il

from .conftest import cli_error, cli_report

pytest.importorskip("pandas", reason="reading tables needs the extra infoloss[cli]")


def _entropy(x: Any) -> float:
    """The library's entropy of these samples, in bits (its warnings are the CLI's notes)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", il.InfolossWarning)
        return float(il.entropy(il.Samples(np.asarray(x)), base=2, rng=0))


def test_a_header_row_is_a_name_not_a_value(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("colour\nred\nblue\nred\n")
    report = cli_report(cli, "entropy", "c.csv")
    assert report["X"]["n"] == 3
    assert report["X"]["source"] == "c.csv column colour"
    assert "2 categories" in report["X"]["description"]
    got = report["measures"]["entropy"]["value"]
    assert got == pytest.approx(_entropy(["red", "blue", "red"]), rel=1e-12)
    # a plain list of words has no header; where its first word looks like one, a note says so
    (tmp_path / "words.txt").write_text("red\nblue\nred\n")
    assert cli_report(cli, "entropy", "words.txt")["X"]["notes"] == []
    (tmp_path / "named.txt").write_text("colour\nred\nblue\nred\n")
    named = cli_report(cli, "entropy", "named.txt")
    assert named["X"]["n"] == 4
    assert "'colour', appears nowhere else and may be a column name" in named["X"]["notes"][0]
    assert cli_report(cli, "entropy", "named.txt", "--header", "yes")["X"]["n"] == 3
    # the first row named by --column, numbers below a name, or --header yes|no
    (tmp_path / "n.txt").write_text("height\n170\n180\n")
    assert cli_report(cli, "entropy", "n.txt")["X"]["n"] == 2
    assert cli_report(cli, "entropy", "words.txt", "--header", "yes")["X"]["n"] == 2
    assert cli_report(cli, "entropy", "c.csv", "--header", "no")["X"]["n"] == 4


def test_true_false_column_is_two_categories(cli: Any, tmp_path: Path) -> None:
    flags = ["True"] * 200 + ["False"] * 100
    (tmp_path / "b.csv").write_text("flag\n" + "\n".join(flags) + "\n")
    report = cli_report(cli, "entropy", "b.csv")
    assert report["X"]["n"] == 300
    assert "2 categories" in report["X"]["description"]
    got = report["measures"]["entropy"]["value"]
    assert got == pytest.approx(_entropy(np.array(flags) == "True"), rel=1e-12)


def test_missing_values_are_counted_reported_and_left_out(cli: Any, tmp_path: Path) -> None:
    x = np.round(np.random.default_rng(1).normal(size=60), 3)
    cells = [repr(float(v)) for v in x]
    for i, na in enumerate(("NA", "NaN", "null", "", "#N/A")):
        cells.insert(7 * i + 3, na)
    (tmp_path / "m.csv").write_text("x\n" + "\n".join(cells) + "\n")
    report = cli_report(cli, "entropy", "m.csv")
    assert report["X"]["missing"] == 5
    assert report["X"]["n"] == 60
    assert report["X"]["discrete"] is False  # still numbers, not 65 text categories
    assert "(5 missing left out)" in report["X"]["description"]
    got = report["measures"]["entropy"]["value"]
    assert got == pytest.approx(_entropy(x), rel=1e-12)
    code, out, _ = cli("entropy", "m.csv")
    assert code == 0
    assert "X: 60 samples (5 missing left out), continuous, from m.csv column x" in out
    err = cli_error(cli, "entropy", "m.csv", "--missing", "error")
    assert "X: m.csv column x has 5 missing value(s)" in err


def test_missing_values_in_one_of_two_columns(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("h,g\n1.5,a\nNA,b\n2.5,\n3.5,a\n")
    report = cli_report(cli, "compare", "t.csv", "t.csv", "--column", "h", "--column", "g")
    assert (report["P"]["n"], report["P"]["missing"]) == (3, 1)
    assert (report["Q"]["n"], report["Q"]["missing"]) == (3, 1)


def test_decimal_commas_and_thousands_separators(cli: Any, tmp_path: Path) -> None:
    x = np.round(np.random.default_rng(3).normal(size=12), 2)
    rows = [f"{v:.2f};{i}".replace(".", ",") for i, v in enumerate(x)]
    (tmp_path / "d.csv").write_text("x;y\n" + "\n".join(rows) + "\n")
    report = cli_report(cli, "entropy", "d.csv", "--column", "x", "--decimal", ",")
    assert report["X"]["discrete"] is False
    got = report["measures"]["entropy"]
    assert got["value"] == pytest.approx(_entropy(x), rel=1e-12)
    # without --decimal: text categories, and a note that says why and what to do
    plain = cli_report(cli, "entropy", "d.csv", "--column", "x")
    assert plain["X"]["discrete"] is True
    (note,) = plain["X"]["notes"]
    assert "column x looks numeric but" in note
    assert "--decimal ," in note
    (tmp_path / "t.csv").write_text('n\n"16,949"\n"1,200"\n3\n"16,949"\n')
    noted = cli_report(cli, "entropy", "t.csv")
    assert "--thousands ," in noted["X"]["notes"][0]
    fixed = cli_report(cli, "entropy", "t.csv", "--thousands", ",")
    assert fixed["X"]["notes"] == []
    assert "3 categories" in fixed["X"]["description"]
    got = fixed["measures"]["entropy"]["value"]
    assert got == pytest.approx(_entropy([16949, 1200, 3, 16949]), rel=1e-12)


def test_hash_is_data_not_a_comment(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_text("tag\n#ff0000\n#00ff00\n#ff0000\n#N/A\n#python\n")
    report = cli_report(cli, "entropy", "h.csv")
    assert (report["X"]["n"], report["X"]["missing"]) == (4, 1)  # Excel's #N/A: missing
    got = report["measures"]["entropy"]["value"]
    assert got == pytest.approx(_entropy(["#ff0000", "#00ff00", "#ff0000", "#python"]))
    (tmp_path / "c.csv").write_text("x\n1\n# a note\n2\n")
    assert cli_report(cli, "entropy", "c.csv", "--comment", "#")["X"]["n"] == 2


def test_utf8_with_and_without_bom_and_latin1(cli: Any, tmp_path: Path) -> None:
    text = "ville\ncafé\nparis\ncafé\n"
    (tmp_path / "u.csv").write_bytes(text.encode("utf-8"))
    (tmp_path / "bom.csv").write_bytes(text.encode("utf-8-sig"))
    (tmp_path / "l1.csv").write_bytes(text.encode("latin-1"))
    expected = _entropy(["café", "paris", "café"])
    for name in ("u.csv", "bom.csv", "l1.csv"):
        report = cli_report(cli, "entropy", name, "--column", "ville")  # the BOM is not a name
        assert report["X"]["n"] == 3, name
        assert report["measures"]["entropy"]["value"] == pytest.approx(expected, rel=1e-12)
        latin = [n for n in report["X"]["notes"] if "Latin-1" in n]
        assert bool(latin) == (name == "l1.csv"), name


def test_binary_files_are_refused(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "b.dat").write_bytes(bytes(range(128, 256)))
    assert "X: b.dat is not a text file" in cli_error(cli, "entropy", "b.dat")


def test_dash_reads_standard_input(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x\n1\n2\n2\n")))
    report = cli_report(cli, "compare", "-", "0.5,0.5")
    assert report["P"]["source"] == "standard input column x"
    assert report["P"]["n"] == 3
    err = cli_error(cli, "compare", "-", "-")
    assert "only one of P and Q can be read from standard input" in err


def test_streams_have_a_size_limit(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"x\n" + b"1.5\n" * 300_000  # 1.2 MB
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    err = cli_error(cli, "entropy", "-", "--max-stream-mb", "1")
    assert "X: standard input is a stream longer than 1 MB (--max-stream-mb)" in err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_refused_at_once(cli: Any) -> None:
    assert "X: /dev/zero is not a text file" in cli_error(cli, "entropy", "/dev/zero")


def test_column_on_npy_or_inline_input_is_an_error(cli: Any, tmp_path: Path) -> None:
    np.save(tmp_path / "a.npy", np.arange(5))
    err = cli_error(cli, "entropy", "a.npy", "--column", "x")
    assert "X: --column x applies to CSV/TSV/Parquet tables; a.npy is a .npy array" in err
    err = cli_error(cli, "compare", "0.5,0.5", "0.2,0.8", "--column", "x")
    assert "--column x applies to no input" in err


def test_parquet_through_pyarrow(cli: Any, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    x = np.random.default_rng(2).normal(size=50)
    frame = pd.DataFrame(
        {"x": pd.array([*x, None], dtype="Float64"), "g": ["a", "b"] * 25 + [None]}
    )
    frame.to_parquet(tmp_path / "t.parquet")
    report = cli_report(cli, "entropy", "t.parquet", "--column", "x")
    assert (report["X"]["n"], report["X"]["missing"]) == (50, 1)
    got = report["measures"]["entropy"]["value"]
    assert got == pytest.approx(_entropy(x), rel=1e-12)
    assert "unknown column 'y'" in cli_error(cli, "entropy", "t.parquet", "--column", "y")


def test_without_pandas_one_line_says_what_to_install(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "c.csv").write_text("x\n1\n2\n")
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` raises ImportError
    err = cli_error(cli, "entropy", "c.csv")
    assert err == "X: reading c.csv (CSV/TSV) needs pandas: pip install 'infoloss[cli]'"
    # inline lists and the bundled example need no pandas
    assert cli("entropy", "0.5,0.5")[0] == 0
    code, out, err = cli("compare")
    assert code == 0, err
    assert "P: 3,000 samples, categorical (10 categories), from bundled income_equal.csv" in out


def test_words_among_numbers_have_a_note_and_na_value(cli: Any, tmp_path: Path) -> None:
    x = np.round(np.random.default_rng(6).normal(size=20), 2)
    cells = [str(v) for v in x]
    cells[4] = cells[11] = "missing"
    (tmp_path / "w.csv").write_text("x\n" + "\n".join(cells) + "\n")
    text = cli_report(cli, "entropy", "w.csv")
    assert text["X"]["discrete"] is True  # read as text, and the note says why
    assert "holds numbers but also 1 word(s) such as 'missing'" in text["X"]["notes"][0]
    assert "--na-value WORD" in text["X"]["notes"][0]
    fixed = cli_report(cli, "entropy", "w.csv", "--na-value", "missing")
    assert (fixed["X"]["n"], fixed["X"]["missing"], fixed["X"]["discrete"]) == (18, 2, False)
    got = fixed["measures"]["entropy"]["value"]
    assert got == pytest.approx(_entropy(np.delete(x, [4, 11])), rel=1e-12)
