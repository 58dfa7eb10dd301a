"""``--support K``: the size of a categorical alphabet, where the user knows it (issue 12 §1 in
the command line's words). Unseen categories then count, as with ``Samples(x, support=K)``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import infoloss as il


def _words(path: Path, n: int, k: int, seed: int = 0) -> list[str]:
    draws = [f"c{i}" for i in np.random.default_rng(seed).integers(0, k, n)]
    path.write_text("\n".join(draws) + "\n")
    return draws


def test_support_reaches_the_estimator_as_in_the_library(cli: Any, tmp_path: Path) -> None:
    draws = _words(tmp_path / "x.txt", 200, 500)
    code, out, _ = cli("entropy", "x.txt", "--support", "500", "--base", "nats", "--json")
    assert code == 0
    row = json.loads(out)["measures"]["entropy"]
    with pytest.warns(il.UndersampledWarning) as said:  # 200 draws of 500: a note, as here
        want = il.entropy(il.Samples(draws, support=500))
    assert "give the alphabet" not in str(said[0].message)  # it was given
    assert row["method"] == want.method
    assert row["value"] == float(want)  # the same call: the same number
    assert row["stderr"] == float(want.stderr)


def test_undersampled_note_names_the_flag(cli: Any, tmp_path: Path) -> None:
    _words(tmp_path / "x.txt", 30, 1000)
    code, out, _ = cli("entropy", "x.txt")
    assert code == 0
    assert "--support K" in out
    assert "Samples(" not in out


def test_support_below_the_observed_categories_is_refused(cli: Any, tmp_path: Path) -> None:
    _words(tmp_path / "x.txt", 100, 10)
    code, _, err = cli("entropy", "x.txt", "--support", "3")
    assert code == 2
    assert "--support" in err
    assert "3" in err
    assert "`support`" not in err


def test_support_where_nothing_is_categorical_is_refused(cli: Any) -> None:
    code, _, err = cli("compare", "0.5,0.5", "0.2,0.8", "--support", "3")
    assert code == 2
    assert "--support 3 applies to categorical samples or counts" in err


def test_support_must_be_positive(cli: Any, tmp_path: Path) -> None:
    _words(tmp_path / "x.txt", 100, 10)
    code, _, err = cli("entropy", "x.txt", "--support", "0")
    assert code == 2
    assert "--support must be a whole number >= 1" in err
