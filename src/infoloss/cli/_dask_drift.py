"""``infoloss compare OLD NEW --dask`` without ``--column``: the drift report, counted by Dask.

Each side is a Parquet/CSV dataset (a file, a directory or a glob) of several columns, read as a
lazy dask DataFrame (CSV with nullable dtypes, so that whole numbers with missing cells stay
whole numbers, as the reader in memory reads them). One pass over the files counts, partition
by partition, every shared column that can be categorical (`value_counts` merged in a tree),
with each column's missing cells and each side's rows; the driver holds counts, never rows. The
kinds follow the report in memory (`infoloss.cli._drift`): text, True/False and other
non-numbers are categories, and so are whole numbers taking at most `CATEGORY_LIMIT` values over
both sides (counted with a cap per partition, so that an identifier column is not counted in
full). Each categorical column is then compared as two `infoloss.Counts` aligned on the union of
their categories, with the estimators of the report in memory (the same values).

Numbers (decimals, and whole numbers with more values) are not compared: their estimators
(nearest neighbours) need the draws in memory. Their rows say so, with the way to compare them
(without ``--dask``, or one column with ``--column NAME --categorical``): never silent.
"""

from __future__ import annotations

import argparse
import glob
from pathlib import Path
from typing import Any

import numpy as np

from .. import Counts
from ._dask_input import is_dataset
from ._drift import CATEGORY_LIMIT, assemble, format_drift, measure_rows, na_rows
from ._errors import InputError, NothingComputed
from ._format import format_json
from ._report import Settings

__all__ = ["dask_frames", "run_dask_drift"]

_CSV = (".csv", ".tsv", ".txt")
DASK_NOTE = (
    "read by Dask: each side's columns counted partition by partition in one pass; "
    "numeric columns are not compared (their estimators need every draw in memory)"
)


def dask_frames(texts: list[str]) -> list[tuple[str, Any]] | None:
    """Both sides as lazy dask DataFrames where one of them has several columns, else None."""
    if not all(is_dataset(t) for t in texts):
        return None
    frames = [(t, _frame(t, side)) for t, side in zip(texts, "PQ", strict=True)]
    return frames if max(len(f.columns) for _, f in frames) > 1 else None


def _frame(text: str, side: str) -> Any:
    import dask.dataframe as dd

    if any(c in text for c in "*?["):
        files = sorted(Path(p) for p in glob.glob(text))
    elif Path(text).is_dir():
        files = sorted(
            f for f in Path(text).rglob("*") if f.is_file() and not f.name.startswith((".", "_"))
        )
    else:
        files = [Path(text)] if Path(text).is_file() else []
    if not files:
        msg = f"{side}: {text} names no file (a file, a directory or a glob is expected)"
        raise InputError(msg)
    csv = [f.suffix.lower() in _CSV for f in files]
    paths = [str(f) for f in files]
    if all(csv):
        tabs = all(f.suffix.lower() == ".tsv" for f in files)
        # nullable dtypes: whole numbers with missing cells stay whole numbers (Int64), as the
        # reader in memory reads them, instead of turning into decimals (float64 with NaN)
        return dd.read_csv(paths, sep="\t" if tabs else ",", dtype_backend="numpy_nullable")
    if any(csv):
        msg = f"{side}: {text} holds both CSV and other (Parquet) files; give a glob"
        raise InputError(msg)
    return dd.read_parquet(paths)


def _kind(dtype: Any) -> str:
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]

    if pd.api.types.is_bool_dtype(dtype):
        return "b"
    if pd.api.types.is_integer_dtype(dtype):
        return "i"
    return "f" if pd.api.types.is_float_dtype(dtype) else "O"


def _capped_counts(part: Any) -> Any:
    """A partition's counts, at most ``CATEGORY_LIMIT + 1`` of them: more means numbers."""
    return part.value_counts().iloc[: CATEGORY_LIMIT + 1]


def _lazy_counts(col: Any, kinds: set[str]) -> Any:
    if kinds - set("if"):
        return col.value_counts(split_every=8)
    if kinds == {"i"}:
        return col.map_partitions(_capped_counts, meta=col._meta.value_counts())
    return None  # decimals: not counted


def _counted(frames: list[tuple[str, Any]], shared: list[str]) -> tuple[Any, ...]:
    """One pass: each side's rows, and per shared column its counts and missing cells."""
    import dask

    lazy = []
    for _, frame in frames:
        cols = {}
        for name in shared:
            kinds = {_kind(f[name].dtype) for _, f in frames}
            col = frame[name]
            cols[name] = (_lazy_counts(col, kinds), col.isna().sum())
        lazy.append((frame.map_partitions(len).sum(), cols))
    return tuple(dask.compute(*lazy))


def _column(name: str, kinds: list[str], sides: list[tuple[Any, int]], n: list[int]) -> Any:
    """The report's rows of one column, from the counts of its two sides."""
    if min(n) == 0:
        side = "P" if n[0] == 0 else "Q"
        return "empty", na_rows(f"{side} has no values in this column (every cell is missing)")
    if sides[0][0] is None or sides[1][0] is None:
        return "numeric", _refused(name, "decimals")
    counts = [c.groupby(level=0).sum() for c, _ in sides]
    if kinds[0] != kinds[1]:  # "True" and True, 1 and "1": one set of labels, as in memory
        counts = [c.groupby(c.index.astype(str)).sum() for c in counts]
    labels = counts[0].index.append(counts[1].index).unique()
    if set(kinds) == {"i"} and len(labels) > CATEGORY_LIMIT:
        return "rounded numeric", _refused(name, f"whole numbers with > {CATEGORY_LIMIT} values")
    aligned = [Counts(c.reindex(labels, fill_value=0).to_numpy(np.float64)) for c in counts]
    return "categorical", aligned


def _refused(name: str, what: str) -> dict[str, Any]:
    return na_rows(
        f"numeric column ({what}): --dask counts categories, and the estimators of numbers "
        "(nearest neighbours) need every draw in memory; compare it without --dask, or count "
        f"its values with --column {name} --categorical"
    )


def dask_drift_report(
    frames: list[tuple[str, Any]], settings: Settings, notes: list[str]
) -> dict[str, Any]:
    """Every shared column's JS and KL both ways (categorical columns), ranked by JS."""
    names = [[str(c) for c in f.columns] for _, f in frames]
    shared = [c for c in names[0] if c in names[1]]
    (rows_p, cols_p), (rows_q, cols_q) = _counted(frames, shared)
    out = []
    for name in shared:
        kinds = [_kind(f[name].dtype) for _, f in frames]
        sides = [cols_p[name], cols_q[name]]
        missing = [int(m) for _, m in sides]
        n = [int(rows_p) - missing[0], int(rows_q) - missing[1]]
        kind, rows = _column(name, kinds, sides, n)
        if isinstance(rows, list):
            rows = measure_rows((rows[0], rows[1]), settings)
        entry = {"column": name, "kind": kind, "n_p": n[0], "n_q": n[1]}
        out.append({**entry, "missing_p": missing[0], "missing_q": missing[1], **rows})
    totals = (int(rows_p), int(rows_q))
    sources = [
        (f"{text} (read by Dask)", rows, cols)
        for (text, _), rows, cols in zip(frames, totals, names, strict=True)
    ]
    return assemble(sources, out, settings, notes)


def run_dask_drift(
    args: argparse.Namespace, frames: list[tuple[str, Any]], settings: Settings
) -> None:
    """Print the drift report of two datasets read by Dask; exit 2 where nothing compared."""
    from ._drift_run import refuse_drift_options

    refuse_drift_options(args)
    for flag, given in (("--plot", args.plot is not None), ("--k", settings.k is not None)):
        if given:
            msg = (
                f"{flag} does not apply to the drift report with --dask, which compares the "
                "categorical columns by their counts (no draw is held in memory)"
            )
            raise InputError(msg)
    notes = [*getattr(args, "auto_notes", {}).values(), DASK_NOTE]
    report = dask_drift_report(frames, settings, notes)
    if not report["columns"]:
        msg = "P and Q share no column name: nothing to compare (--column NAME twice picks two)"
        raise InputError(msg)
    print(format_json(report) if args.json else format_drift(report))
    if all(c["js"]["value"] is None for c in report["columns"]):
        msg = "no column could be compared (every row is n/a): see the notes"
        raise NothingComputed(msg)
