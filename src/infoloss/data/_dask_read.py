"""Parquet and CSV datasets as dask Series: a file, a directory of files, or a glob."""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any

__all__ = ["read_column"]

_CSV = (".csv", ".tsv", ".txt")


def _files(path: Any) -> list[Path]:
    text = str(path)
    if any(c in text for c in "*?["):
        return sorted(Path(p) for p in glob.glob(text))
    p = Path(text)
    if p.is_dir():
        return sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith((".", "_")))
    return [p] if p.exists() else []


def read_column(path: Any, column: str | None) -> Any:
    """The column `column` of the Parquet or CSV files at `path`, as a lazy dask Series
    (one partition per file or row group; nothing is read until the data are counted)."""
    try:
        import dask.dataframe as dd
    except ImportError:
        msg = "reading datasets with Dask needs it: pip install 'infoloss[dask]'"
        raise ImportError(msg) from None
    files = _files(path)
    if not files:
        msg = f"`path` {str(path)!r} names no file (a file, a directory or a glob is expected)"
        raise FileNotFoundError(msg)
    csv = all(f.suffix.lower() in _CSV for f in files)
    if not csv and any(f.suffix.lower() in _CSV for f in files):
        msg = f"`path` {str(path)!r} holds both CSV and other (Parquet) files; give a glob"
        raise ValueError(msg)
    names = [str(c) for c in _columns(files[0], csv)]
    if column is None and len(names) != 1:
        msg = f"`column` must name the column of draws; the files hold {', '.join(names)}"
        raise ValueError(msg)
    if column is not None and column not in names:
        msg = f"`column` {column!r} is not a column of the files; found {', '.join(names)}"
        raise ValueError(msg)
    column = names[0] if column is None else column
    paths = [str(f) for f in files]
    if csv:
        return dd.read_csv(paths, sep=_sep(files), usecols=[column])[column]
    return dd.read_parquet(paths, columns=[column])[column]


def _sep(files: list[Path]) -> str:
    return "\t" if all(f.suffix.lower() == ".tsv" for f in files) else ","


def _columns(first: Path, csv: bool) -> list[Any]:
    """The column names of a dataset, from its first file (a header, or the schema)."""
    import dask.dataframe as dd

    if csv:
        return list(dd.read_csv(str(first), sep=_sep([first])).columns)
    return list(dd.read_parquet(str(first)).columns)
