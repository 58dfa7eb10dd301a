"""Reading one side of a comparison: a file, an inline list or a distribution spec.

Each argument becomes an `Operand` that says what it is (samples, counts, probabilities or a
distribution), where it came from and why that kind was assumed; nothing is computed here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import InputError
from ._lists import from_array, from_json, from_list, is_number, samples, typed, values_as
from ._operand import Operand
from ._read import Column, ReadOptions, Table, read_npy, read_parquet, read_table
from ._source import Source, is_file, open_source
from ._spec import looks_like_spec, read_spec
from ._table_sets import concat_tables, table_paths

__all__ = [
    "KINDS",
    "Operand",
    "check_missing",
    "from_table",
    "is_weights_table",
    "load",
    "read_file_table",
    "takes_column",
]

KINDS = ("samples", "counts", "probs")
_PROB_NAMES = frozenset({"p", "prob", "probs", "probability", "probabilities"})
_COUNT_NAMES = frozenset({"count", "counts", "n", "freq", "frequency", "frequencies"})
_SPLIT = re.compile(r"[\s,;]+")
Vector = np.ndarray[Any, Any]


def load(
    text: str,
    side: str,
    *,
    as_kind: str | None = None,
    column: str | None = None,
    opts: ReadOptions | None = None,
) -> Operand:
    """Read one argument of ``infoloss compare`` / ``infoloss entropy``."""
    opts = ReadOptions() if opts is None else opts
    files = table_paths(text, side) if is_file(text) and text != "-" else None
    if files is not None:
        name, table = _stacked_table(text, files, side, opts)
        return check_missing(from_table(table, side, name, as_kind, column), opts)
    if is_file(text):
        source = open_source(text, side, limit_mb=opts.max_stream_mb)
        return check_missing(_from_file(source, side, as_kind, column, opts), opts)
    if column is not None:
        msg = f"{side}: --column {column} applies to a table in a file; {_shown(text)} is not one"
        raise InputError(msg)
    if looks_like_spec(text):
        return _from_spec(text, side)
    stripped = text.strip()
    if stripped[:1] in "[{":
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as exc:
            msg = f"{side}: malformed JSON {_shown(text)}: {exc.msg} at character {exc.pos}"
            raise InputError(msg) from None
        return from_json(obj, side, "inline", as_kind)
    words = [w for w in _SPLIT.split(stripped) if w]
    if words and all(is_number(w) for w in words):
        return from_list(typed(words), None, side, "inline", as_kind)
    if not stripped:
        msg = f"{side}: empty argument; expected a file, a list of numbers or a distribution"
        raise InputError(msg)
    if len(text) < 256 and (Path(text).suffix or "/" in text or "\\" in text):
        msg = f"{side}: file not found: {text}"
        raise InputError(msg)
    msg = (
        f"{side}: cannot read {_shown(text)}: it is not a file, a list of numbers "
        '("0.2,0.3,0.5") or a distribution spec ("norm(loc=0, scale=1)")'
    )
    raise InputError(msg)


def check_missing(op: Operand, opts: ReadOptions) -> Operand:
    """``--missing error``: refuse an input with missing cells (else they were left out)."""
    if op.missing and opts.missing == "error":
        msg = (
            f"{op.side}: {op.source} has {op.missing:,} missing value(s) (NA, NaN, null, "
            "empty...); --missing drop leaves them out"
        )
        raise InputError(msg)
    return op


def takes_column(text: str) -> bool:
    """Whether the argument names a table (CSV/TSV/Parquet or standard input) for --column."""
    return is_file(text) and Path(text).suffix.lower() not in (".npy", ".json")


def _shown(text: str) -> str:
    """An argument quoted for a message, cut to 60 characters."""
    return repr(text) if len(text) <= 60 else repr(text[:50]) + f"... ({len(text)} characters)"


def _from_spec(text: str, side: str) -> Operand:
    frozen = read_spec(text, side)
    import scipy.stats

    discrete = isinstance(getattr(frozen, "dist", None), scipy.stats.rv_discrete)
    return Operand(side, "model", " ".join(text.split()), model=frozen, discrete=discrete)


def _from_file(
    source: Source, side: str, as_kind: str | None, column: str | None, opts: ReadOptions
) -> Operand:
    suffix, name = source.suffix, source.name
    if column is not None and suffix in (".npy", ".json"):
        msg = (
            f"{side}: --column {column} applies to CSV/TSV/Parquet tables; {name} is a "
            f"{suffix} {'array' if suffix == '.npy' else 'file'} without named columns"
        )
        raise InputError(msg)
    if suffix == ".npy":
        assert source.path is not None
        return from_array(read_npy(source.path, side), side, name, as_kind)
    if suffix == ".json":
        try:
            obj = json.loads(source.read().decode("utf-8-sig"))
        except json.JSONDecodeError as exc:
            msg = f"{side}: {name} is not valid JSON: {exc.msg} at line {exc.lineno}"
            raise InputError(msg) from None
        except UnicodeDecodeError:
            msg = f"{side}: {name} is not valid JSON: it is not UTF-8 text"
            raise InputError(msg) from None
        return from_json(obj, side, name, as_kind)
    return from_table(_table(source, side, column, opts), side, name, as_kind, column)


def _table(source: Source, side: str, column: str | None, opts: ReadOptions) -> Table:
    if source.suffix in (".parquet", ".pq"):
        return read_parquet(source, side, column)
    return read_table(source, side, column, opts)


def read_file_table(text: str, side: str, opts: ReadOptions) -> tuple[str, Table]:
    """The name and every column of a table file (CSV/TSV/Parquet or ``-``), or of a set of
    them (a directory or a glob: stacked, see `_table_sets`)."""
    files = table_paths(text, side) if text != "-" else None
    if files is None:
        source = open_source(text, side, limit_mb=opts.max_stream_mb)
        return source.name, _table(source, side, None, opts)
    return _stacked_table(text, files, side, opts)


def _stacked_table(text: str, files: list[str], side: str, opts: ReadOptions) -> tuple[str, Table]:
    """The tables of a directory's or a glob's `files`, stacked (`_table_sets`)."""
    parts = [(f, _table(open_source(f, side), side, None, opts)) for f in files]
    return f"{text} ({len(files)} files)", concat_tables(parts, side)


def is_weights_table(table: Table) -> bool:
    """A category column beside one named p/prob.../count/n...: a distribution, not samples."""
    names = [n.strip().lower() for n in table.header or []]
    return len(names) == 2 and sum(n in _PROB_NAMES | _COUNT_NAMES for n in names) == 1


def from_table(
    table: Table, side: str, name: str, as_kind: str | None, column: str | None
) -> Operand:
    """The operand a table holds (one column, a weights table, vectors...), with its notes."""
    op = _from_table(table, side, name, as_kind, column)
    op.notes = [*table.notes, *op.notes]
    return op


def _missing(cols: list[Column]) -> tuple[Vector, int]:
    """Rows to keep (no cell missing) and how many were left out."""
    mask = np.zeros(cols[0].full.shape[0], dtype=bool)
    for c in cols:
        mask |= c.mask
    return ~mask, int(mask.sum())


def _from_table(
    table: Table, side: str, text: str, as_kind: str | None, column: str | None
) -> Operand:
    names = table.header or []
    notes = [f"{side}: {c.note}" for c in table.columns if c.note]
    if column is not None:
        if column not in names:
            listed = ", ".join(names) if names else "none: the file has no header row"
            msg = f"{side}: unknown column {column!r} in {text}; available columns: {listed}"
            raise InputError(msg)
        col = table.column(column)
        where = f"{text} column {column}"
        op = values_as(col.present(), None, side, where, as_kind)
        op.missing, op.notes = col.missing, [f"{side}: {col.note}"] if col.note else []
        return op
    columns = table.columns
    lowered = [n.strip().lower() for n in names]
    weight_cols = [i for i, n in enumerate(lowered) if n in _PROB_NAMES | _COUNT_NAMES]
    if len(columns) == 2 and len(weight_cols) == 1 and as_kind in (None, "counts", "probs"):
        (w,) = weight_cols
        gaps = [c for c in columns if c.missing]
        if gaps:
            msg = (
                f"{side}: {text} column {gaps[0].name} has {gaps[0].missing} missing value(s); "
                "a table of probabilities or counts must be complete"
            )
            raise InputError(msg)
        named = "probs" if lowered[w] in _PROB_NAMES else "counts"
        cats, weights = columns[1 - w].full, columns[w].full
        where = f"{text} column {names[w]}"
        if as_kind is not None:
            return from_list(weights, cats, side, where, as_kind)
        op = from_list(weights, cats, side, where, named)
        op.assumed = f"as the column is named {names[w]!r}"
        return op
    keep, missing = _missing(columns)
    if len(columns) == 1:
        where = f"{text} column {names[0]}" if names else text
        op = values_as(columns[0].present(), None, side, where, as_kind)
    elif table.header is None and columns[0].full.shape[0] == 1:  # one row: a list of numbers
        values = np.array([c.full[0] for c in columns])
        if missing:
            msg = f"{side}: {text} is one row of numbers with empty cells"
            raise InputError(msg)
        op = from_list(values, None, side, text, as_kind)
    elif table.header is None:  # several numeric columns without names: vectors
        if any(c.full.dtype.kind not in "iuf" for c in columns):
            msg = f"{side}: {text} has {len(columns)} columns and no header row"
            raise InputError(msg)
        rows = np.column_stack([c.full[keep] for c in columns]).astype(np.float64)
        op = samples(rows, side, text, as_kind)
    else:
        msg = (
            f"{side}: {text} has {len(columns)} columns ({', '.join(names)}); "
            "choose one with --column NAME"
        )
        raise InputError(msg)
    op.missing, op.notes = missing, notes
    return op
