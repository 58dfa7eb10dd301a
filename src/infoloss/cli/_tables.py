"""Files to columns of text: CSV/TSV (or one value per line), ``.npy`` and Parquet."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import InputError

__all__ = ["read_npy", "read_parquet", "read_table"]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _delimiter(path: Path, first: str) -> str:
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    for delim in ("\t", ",", ";"):
        if delim in first:
            return delim
    return ","


def _has_header(rows: list[list[str]], column: str | None) -> bool:
    """A first row of names: it holds `column`, or text above numbers, or text in columns."""
    first = rows[0]
    if column is not None and column in first:
        return True
    if len(rows) > 1 and any(
        not _is_number(a) and _is_number(b) for a, b in zip(first, rows[1], strict=False)
    ):
        return True
    return len(first) > 1 and not any(_is_number(c) for c in first)


def read_table(
    path: Path, side: str, column: str | None
) -> tuple[list[str] | None, list[list[str]]]:
    """The header (None if the file has none) and the columns of a delimited text file.

    Lines starting with ``#`` are comments; blank lines are skipped.
    """
    lines = [
        ln
        for ln in path.read_text(encoding="utf-8-sig").splitlines()
        if ln.strip() and not ln.lstrip().startswith("#")
    ]
    if not lines:
        msg = f"{side}: {path} is empty (no values)"
        raise InputError(msg)
    reader = csv.reader(lines, delimiter=_delimiter(path, lines[0]))
    rows = [[c.strip() for c in r] for r in reader]
    width = len(rows[0])
    for i, r in enumerate(rows):
        if len(r) != width:
            msg = f"{side}: {path} row {i + 1} has {len(r)} fields; the first row has {width}"
            raise InputError(msg)
    lone_name = len(rows) == 1 and not any(_is_number(c) for c in rows[0])
    header = rows.pop(0) if lone_name or _has_header(rows, column) else None
    if not rows:
        msg = f"{side}: {path} is empty (a header and no values)"
        raise InputError(msg)
    if header is not None and len(set(header)) != len(header):
        msg = f"{side}: {path} repeats a column name in its header: {', '.join(header)}"
        raise InputError(msg)
    return header, [list(col) for col in zip(*rows, strict=True)]


def read_npy(path: Path, side: str) -> np.ndarray[Any, Any]:
    """A NumPy ``.npy`` array (no pickles)."""
    try:
        arr: np.ndarray[Any, Any] = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as exc:
        msg = f"{side}: cannot read {path} as a .npy array: {exc}"
        raise InputError(msg) from None
    if arr.size == 0:
        msg = f"{side}: {path} is empty (an array of shape {arr.shape})"
        raise InputError(msg)
    return arr


def read_parquet(path: Path, side: str) -> tuple[list[str], list[list[str]]]:
    """The column names and columns (as text) of a Parquet file; needs pyarrow."""
    try:
        import pyarrow.parquet as pq  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        msg = f"{side}: reading Parquet files ({path}) needs pyarrow: pip install pyarrow"
        raise InputError(msg) from None
    table = pq.read_table(path)
    if table.num_rows == 0:
        msg = f"{side}: {path} is empty (no rows)"
        raise InputError(msg)
    names = [str(n) for n in table.column_names]
    cols = [["" if v is None else str(v) for v in table.column(n).to_pylist()] for n in names]
    return names, cols
