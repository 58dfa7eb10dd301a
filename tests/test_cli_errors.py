"""Errors and exit codes that scripts can rely on (issue 13, part 2).

Bad input is one line on stderr, in the command line's words (flags, not keyword arguments; the
side P, Q or X named), and exit code 2; an option that applies nowhere is bad input; a table in
which nothing could be computed is printed but exits 2.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from infoloss.cli._methods import flag_words

from .conftest import cli_error


def test_long_inline_arguments_are_lists_not_file_names(cli: Any) -> None:
    p = np.full(80, 1 / 80)
    text = ",".join(repr(float(v)) for v in p)
    assert len(text) > 255  # longer than a file name may be
    code, out, err = cli("compare", text, text, "--json")
    assert code == 0, err
    assert json.loads(out)["measures"]["kl_pq"]["value"] == 0.0
    mapping = json.dumps({f"category {i:03d}": i + 1 for i in range(40)})
    assert len(mapping) > 255
    code, out, err = cli("entropy", mapping, "--json")
    assert code == 0, err
    assert json.loads(out)["X"]["kind"] == "counts"
    message = cli_error(cli, "entropy", "x" * 300)
    assert message.startswith("X: cannot read 'xxxxx")
    assert "(300 characters)" in message


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--k", "3"), "--k 3 applies to no row of this report"),
        (("--method", "plugin"), "--method plugin applies to no row"),
        (("--entropy-method", "nsb"), "--entropy-method nsb applies to no row"),
        (("--divergence-method", "plugin"), "--divergence-method plugin applies to no row"),
        (("--pseudocount", "1"), "--pseudocount 1.0 applies to no row"),
        (("--draws", "500"), "--draws 500 applies to no row"),
        (("--bins", "8"), "--bins 8 applies to continuous samples, and none is given"),
        (("--resolution", "0.1"), "--resolution 0.1 applies to continuous samples"),
        (("--categorical",), "--categorical applies to samples, and none is given"),
        (("--column", "x"), "--column x applies to no input"),
        (("--decimal", ","), "--decimal , applies to CSV/TSV/Parquet files, and no input is one"),
        (("--na-value", "?"), "--na-value ? applies to CSV/TSV/Parquet files"),
    ],
)
def test_an_option_that_applies_nowhere_is_an_error(
    cli: Any, args: tuple[str, ...], message: str
) -> None:
    assert message in cli_error(cli, "compare", "0.5,0.5", "0.2,0.8", *args)


def test_bad_option_values_are_errors(cli: Any) -> None:
    assert cli_error(cli, "compare", "1,2,2", "2,3,3", "--as", "samples", "--bins", "0") == (
        "--bins must be a whole number >= 1 or 'auto'; found 0"
    )
    assert "--resolution must be a number > 0" in cli_error(
        cli, "entropy", "1.5,2.5", "--as", "samples", "--resolution", "-1"
    )
    message = cli_error(cli, "compare", "1,1,2,3", "2,2,3,1", "--as", "samples", "--method", "foo")
    assert message.startswith("P: --method foo is not an estimator of entropy")
    assert "valid: 'plugin'" in message
    message = cli_error(cli, "entropy", "1,1,2", "--as", "samples", "--entropy-method", "wkv")
    assert message.startswith("X: --entropy-method wkv is not an estimator")


def test_an_option_some_rows_use_is_accepted(cli: Any) -> None:
    # --pseudocount tunes the plug-in estimates between two histograms: accepted where it does
    code, out, err = cli(
        "compare", "1,1,2,3,2,2", "2,2,3,1,3", "--as", "samples", "--pseudocount", "1", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["measures"]["kl_pq"]["method"] == "plugin"


def test_a_table_of_nothing_but_n_a_exits_2(cli: Any) -> None:
    code, out, err = cli("compare", "1.5,2.5", "3.5,4.5", "--as", "samples")
    assert code == 2
    assert "KL(P ‖ Q)           n/a" in out  # the table says why, row by row
    assert err.startswith("infoloss: error: no measure could be computed (every row is n/a)")
    assert len(err.strip().splitlines()) == 1


def test_plot_path_is_checked_before_any_work(cli: Any, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    # the missing folder is reported, not the missing input that would fail later
    message = cli_error(cli, "compare", "nosuch.csv", "0.5,0.5", "--plot", "no/such/dir/x.png")
    assert message == "--plot no/such/dir/x.png: the folder no/such/dir does not exist"
    (tmp_path / "taken.png").mkdir()
    message = cli_error(cli, "compare", "nosuch.csv", "0.5,0.5", "--plot", "taken.png")
    assert message.startswith("--plot taken.png: cannot write there")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_an_endless_fifo_is_cut_at_the_limit(cli: Any, tmp_path: Path) -> None:
    fifo = tmp_path / "feed"
    os.mkfifo(fifo)
    stop = threading.Event()

    def write() -> None:
        with fifo.open("wb") as f:
            try:
                f.write(b"x\n")
                while not stop.is_set():
                    f.write(b"1.5\n" * 65_536)
            except BrokenPipeError:  # the reader gave up: as it should
                pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        message = cli_error(cli, "entropy", "feed", "--max-stream-mb", "2")
    finally:
        stop.set()
    writer.join(timeout=10)
    assert message.startswith("X: feed is a stream longer than 2 MB (--max-stream-mb)")


def test_messages_name_flags_and_sides_not_keywords() -> None:
    # the library's words (its public functions' keywords) and the command line's
    said = flag_words(
        "`p` has 3 points; rank k = 5 needs at least 6; compare estimators (method='pym', "
        "'nsb') as a check; `pseudocount` must be >= 0; `base` must be > 1",
        ("Q", "P"),
    )
    assert said == (
        "Q has 3 points; --k = 5 needs at least 6; compare estimators (--method pym or nsb) "
        "as a check; --pseudocount must be >= 0; --base must be > 1"
    )


def test_library_messages_reach_the_user_in_cli_words(cli: Any, tmp_path: Path) -> None:
    np.savetxt(tmp_path / "x.txt", np.random.default_rng(1).normal(size=30))
    assert (
        cli_error(cli, "entropy", "x.txt", "--k", "40")
        == "X has 30 points; --k = 40 needs at least 41"
    )
