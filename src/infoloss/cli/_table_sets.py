"""Sets of table files as one side: a directory of them, or a glob (``"old/*.parquet"``).

A month of data often lies in many files. Each file is read as a table of its own (the same
rules: header, missing cells, decimal commas), and the tables are stacked, row after row, in the
sorted order of their names; the files of one side must have the same columns. ``--dask``
reads such sets without holding them in memory; this stacks them in memory.
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import InputError
from ._read import Column, Table

__all__ = ["TABLE_SUFFIXES", "concat_tables", "is_glob", "table_paths"]

TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".psv", ".txt", ".parquet", ".pq")


def is_glob(text: str) -> bool:
    """A pattern with wildcards that matches at least one file."""
    return any(c in text for c in "*?") and bool(glob.glob(text))


def table_paths(text: str, side: str) -> list[str] | None:
    """The table files of a directory or a glob, sorted; None where `text` is one file."""
    path = Path(text)
    if path.is_dir():
        files = sorted(str(f) for f in path.iterdir() if f.suffix.lower() in TABLE_SUFFIXES)
        where = f"the directory {text}"
    elif not path.exists() and is_glob(text):
        files = sorted(f for f in glob.glob(text) if Path(f).is_file())
        where = f"the pattern {text}"
    else:
        return None
    if not files:
        msg = f"{side}: {where} holds no table files ({', '.join(TABLE_SUFFIXES)})"
        raise InputError(msg)
    return files


def _stacked(parts: list[Column], note: list[str]) -> Column:
    values = [c.full for c in parts]
    kinds = {v.dtype.kind in "biuf" for v in values}
    if len(kinds) > 1:  # numbers in some files, text in others: all of it read as text
        values = [v.astype(str).astype(object) for v in values]
        note.append(f"column {parts[0].name} is numeric in some files and text in others: "
                    "read as text")  # fmt: skip
    full: Any = np.concatenate(values)
    mask: Any = np.concatenate([c.mask for c in parts])
    notes = "; ".join(dict.fromkeys(c.note for c in parts if c.note))
    return Column(parts[0].name, full, mask, notes)


def concat_tables(parts: list[tuple[str, Table]], side: str) -> Table:
    """The tables of one side's files stacked row after row (the same columns in each)."""
    first_name, first = parts[0]
    for name, table in parts[1:]:
        if table.header != first.header:
            msg = (
                f"{side}: {name} has columns {table.header} where {first_name} has "
                f"{first.header}: the files of one side must have the same columns"
            )
            raise InputError(msg)
    notes = [f"{side}: {len(parts)} files, stacked in the order of their names"]
    columns = [
        _stacked([t.columns[i] for _, t in parts], notes) for i in range(len(first.columns))
    ]
    for name, table in parts:
        notes.extend(f"{Path(name).name}: {n}" for n in table.notes)
    return Table(first.header, columns, notes)
