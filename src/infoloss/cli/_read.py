"""Tables from files, read by pandas (with pyarrow where installed), as pandas users expect.

The optional extra ``infoloss[cli]`` brings pandas and pyarrow. A delimited text file is sniffed
from its first 64 KiB (delimiter, header row, encoding) and then read whole by
`pandas.read_csv` (``engine="pyarrow"`` where pyarrow is installed and the options allow it).
Every cell that pandas reads as missing (``NA``, ``NaN``, ``null``, empty, Excel's ``#N/A``...)
is counted per column; ``#`` starts no comment (``#ff0000`` is a colour) unless ``--comment``
says so; UTF-8 with or without a byte-order mark is read as such, anything else as Latin-1 with
a note.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import InputError
from ._source import Source

__all__ = ["Column", "ReadOptions", "Table", "read_npy", "read_parquet", "read_table"]

Vector = np.ndarray[Any, Any]
NEEDS = "pip install 'infoloss[cli]'"
_DELIMITERS = ("\t", ";", ",", "|")
_TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".psv")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_NUMBERISH = re.compile(r"^[+-]?[\d.,'\s\u00a0_]*\d[\d.,'\s\u00a0_]*$")
# pandas' default missing-value markers (`pandas.read_csv`, na_values), for sniffing only
_NA = frozenset(
    ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
     "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null")
)  # fmt: skip


@dataclass(frozen=True)
class ReadOptions:
    """How text tables are read (the command line's ``--header`` ... ``--missing``)."""

    header: str = "auto"  # "auto", "yes" or "no"
    decimal: str = "."
    thousands: str | None = None
    comment: str | None = None
    missing: str = "drop"  # or "error"
    na_values: tuple[str, ...] = ()  # more missing-value markers than pandas' own
    max_stream_mb: int = 1024


@dataclass
class Column:
    """One column: its values on every row (placeholders where missing) and the missing mask."""

    name: str
    full: Vector
    mask: Vector  # True where the cell is missing
    note: str = ""

    @property
    def missing(self) -> int:
        return int(self.mask.sum())

    def present(self) -> Vector:
        return self.full[~self.mask] if self.mask.any() else self.full


@dataclass
class Table:
    """The columns of a file, its header (None: it has none) and notes on how it was read."""

    header: list[str] | None
    columns: list[Column]
    notes: list[str] = field(default_factory=list)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _pandas(side: str, what: str) -> Any:
    try:
        import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        msg = f"{side}: reading {what} needs pandas: {NEEDS}"
        raise InputError(msg) from None
    return pd


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # type: ignore[import-not-found, import-untyped, unused-ignore]  # noqa: F401
    except ImportError:
        return False
    return True


def _kind(cell: str, decimal: str, thousands: str | None, na: tuple[str, ...] = ()) -> str:
    """``"na"``, ``"bool"``, ``"number"`` or ``"text"``: what pandas will make of a cell."""
    cell = cell.strip()
    if cell in _NA or cell in na:
        return "na"
    if cell.lower() in ("true", "false"):
        return "bool"
    if thousands:
        cell = cell.replace(thousands, "")
    if decimal != ".":
        cell = cell.replace(".", "#").replace(decimal, ".")
    try:
        float(cell)
    except ValueError:
        return "text"
    return "number"


def _delimiter(source: Source, lines: list[str], decimal: str) -> str:
    if source.suffix in (".tsv", ".tab"):
        return "\t"
    best, best_count = ",", 0
    for delim in _DELIMITERS:
        if delim == decimal:
            continue
        counts = [len(next(csv.reader([ln], delimiter=delim))) for ln in lines[:50]]
        if counts and min(counts) > 1 and min(counts) == max(counts) and counts[0] > best_count:
            best, best_count = delim, counts[0]
    return best


def _header(source: Source, rows: list[list[str]], column: str | None, opts: ReadOptions) -> bool:
    """Whether the first row names the columns (see the module's rules in `read_table`)."""
    if opts.header != "auto":
        return opts.header == "yes"
    first, rest = rows[0], rows[1:]
    if column is not None and column in first:
        return True
    kinds = [[_kind(c, opts.decimal, opts.thousands, opts.na_values) for c in r] for r in rows]
    if any(k != "text" for k in kinds[0]):
        return False
    if not rest:
        return True  # a lone row of names (and no values: an error later)
    for j in range(len(first)):
        below = {r[j] for r in kinds[1:] if j < len(r)} - {"na"}
        if below and "text" not in below:  # a name above numbers or True/False
            return True
    return len(first) > 1 or source.suffix in _TEXT_SUFFIXES  # names above text: as pandas


def _header_note(source: Source, rows: list[list[str]], side: str) -> list[str]:
    """A list of words read without a header whose first word looks like a name."""
    values = [r[0].strip() for r in rows[1:] if r]
    first = rows[0][0].strip() if rows[0] else ""
    if len(rows[0]) != 1 or first in values or len(set(values)) == len(values):
        return []
    return [
        f"{side}: the first line of {source.name}, {first!r}, appears nowhere else and may be a "
        "column name: --header yes reads it as one"
    ]


def _decode(head: bytes, source: Source, side: str) -> tuple[str, str]:
    """The sample as text and the encoding to read the whole file with."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    try:
        text, encoding = head.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = head.decode("latin-1"), "latin-1"
    controls = len(_CONTROL.findall(text))
    if "\0" in text or controls > 0.1 * max(len(text), 1):
        msg = (
            f"{side}: {source.name} is not a text file ({controls} of its first {len(text)} "
            "characters are control codes); expected CSV/TSV, one value per line, .npy, Parquet"
        )
        raise InputError(msg)
    return text, encoding


def _latin1_note(source: Source, side: str) -> str:
    return f"{side}: {source.name} is not UTF-8: read as Latin-1 (ISO-8859-1)"


def read_table(source: Source, side: str, column: str | None, opts: ReadOptions) -> Table:
    """A delimited text file (CSV, TSV, ``;``-separated, or one value per line).

    The first row is a header when it holds `column`, or text above numbers or True/False,
    or text in a table of several columns or a ``.csv``/``.tsv`` file; a plain list of words
    (``.txt``, standard input) has none, with a note where its first word looks like a name
    (``--header yes|no`` decides instead).
    """
    text, encoding = _decode(source.head(), source, side)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if opts.comment is not None:  # --comment: those lines are not rows, for sniffing either
        lines = [ln for ln in lines if not ln.lstrip().startswith(opts.comment)]
    if not lines:
        msg = f"{side}: {source.name} is empty (no values)"
        raise InputError(msg)
    delim = _delimiter(source, lines, opts.decimal)
    rows = list(csv.reader(lines[:200], delimiter=delim))
    header = _header(source, rows, column, opts)
    names = list(rows[0]) if header else None
    if names is not None and len(set(names)) != len(names):
        msg = f"{side}: {source.name} repeats a column name in its header: {', '.join(names)}"
        raise InputError(msg)
    notes = [_latin1_note(source, side)] if encoding == "latin-1" else []
    if not header and opts.header == "auto":
        notes += _header_note(source, rows, side)
    frame = _read_csv(source, side, delim, header, column, names, opts, encoding)
    if encoding == "utf-8" and any(_is_bytes(frame[c]) for c in frame.columns):
        frame = _read_csv(source, side, delim, header, column, names, opts, "latin-1")
        notes.append(_latin1_note(source, side))
    if len(frame) == 0:
        what = "a header and no values" if header else "no values"
        msg = f"{side}: {source.name} is empty ({what})"
        raise InputError(msg)
    cols = [_column(str(c), frame[c], opts) for c in frame.columns]
    if names is None or column not in names:
        names = [str(c) for c in frame.columns] if header else None
    return Table(names, cols, notes)


def _is_bytes(series: Any) -> bool:
    """pyarrow hands back invalid UTF-8 as bytes, without an error."""
    if getattr(series.dtype, "kind", "O") != "O" or "binary" in str(series.dtype):
        return "binary" in str(series.dtype)
    first = series.dropna()
    return len(first) > 0 and isinstance(first.iloc[0], bytes)


def _read_csv(
    source: Source,
    side: str,
    delim: str,
    header: bool,
    column: str | None,
    names: list[str] | None,
    opts: ReadOptions,
    encoding: str,
) -> Any:
    pd = _pandas(side, f"{source.name} (CSV/TSV)")
    kwargs: dict[str, Any] = {
        "sep": delim,
        "header": 0 if header else None,
        "skip_blank_lines": False,
        "decimal": opts.decimal,
        "encoding": "utf-8-sig" if encoding == "utf-8" else encoding,
    }
    if column is not None and names is not None and column in names:
        kwargs["usecols"] = [column]
    if opts.na_values:
        kwargs["na_values"] = list(opts.na_values)
    if opts.thousands is not None:
        kwargs["thousands"] = opts.thousands
    if opts.comment is not None:
        kwargs["comment"] = opts.comment
    simple = opts.thousands is None and opts.comment is None and encoding == "utf-8"
    engine = "pyarrow" if simple and _has_pyarrow() else "c"
    if engine == "pyarrow":  # Arrow columns as they are: no copy into NumPy's nullable types
        kwargs.update(encoding="utf-8", dtype_backend="pyarrow")  # (and the BOM skipped)
    else:
        kwargs["dtype_backend"] = "numpy_nullable"
    try:
        frame = pd.read_csv(source.handle(), engine=engine, **kwargs)
    except UnicodeDecodeError:
        if encoding == "latin-1":
            raise
        return _read_csv(source, side, delim, header, column, names, opts, "latin-1")
    except (ValueError, pd.errors.ParserError) as exc:
        found = " ".join(str(exc).split())
        msg = f"{side}: {source.name} is not a well-formed table: {found}"
        raise InputError(msg) from None
    if engine == "pyarrow":  # the parser's scratch memory back before NumPy copies: peak 2.5x file
        import pyarrow  # type: ignore[import-not-found, import-untyped, unused-ignore]

        pyarrow.default_memory_pool().release_unused()
    return frame


def _column(name: str, series: Any, opts: ReadOptions) -> Column:
    """A pandas column as a NumPy array: int64, float64, bool or text (stripped)."""
    import pandas as pd  # type: ignore[import-untyped, unused-ignore]

    mask = np.asarray(series.isna(), dtype=bool)
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        full = series.to_numpy(dtype=bool, na_value=False)
    elif pd.api.types.is_integer_dtype(dtype):
        full = series.to_numpy(dtype=np.int64, na_value=0)
    elif pd.api.types.is_float_dtype(dtype):
        full = series.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        text = series.astype(object).where(~mask, "")
        full = np.asarray([str(v).strip() for v in text], dtype=str)
        note = _numeric_note(name, full[~mask], opts)
        return Column(name, full, mask, note)
    return Column(name, full, mask)


def _numeric_note(name: str, values: Vector, opts: ReadOptions) -> str:
    """A note where a text column looks numeric: decimal commas, thousands separators, or a
    few words among numbers (a missing-value marker pandas does not know, a typo)."""
    distinct = np.unique(values[:10_000])
    if distinct.size == 0:
        return ""
    looks = [v for v in distinct.tolist() if _NUMBERISH.match(v)]
    if len(looks) < max(1, distinct.size // 2):
        return ""
    bad = [v for v in looks if _kind(v, opts.decimal, opts.thousands) != "number"]
    if not bad:
        words = [v for v in distinct.tolist() if not _NUMBERISH.match(v)]
        return (
            f"column {name} holds numbers but also {len(words)} word(s) such as "
            f"{words[0]!r}, so all of it was read as text categories; if that marks missing "
            "values, --na-value WORD leaves it out"
        )
    hint = []
    if any("," in v for v in bad) and opts.decimal != ",":
        hint.append("--decimal , for decimal commas")
    if any(re.search(r"\d[,.' ]\d{3}", v) for v in bad):
        hint.append("--thousands , (or . or ') for thousands separators")
    hints = f"; try {' or '.join(hint)}" if hint else ""
    return (
        f"column {name} looks numeric but {bad[0]!r} does not parse as a number, so it was "
        f"read as text categories{hints}"
    )


def read_parquet(source: Source, side: str, column: str | None) -> Table:
    """A Parquet file through pandas and pyarrow (the extra ``infoloss[cli]``)."""
    pd = _pandas(side, f"Parquet files ({source.name})")
    if not _has_pyarrow():
        msg = f"{side}: reading Parquet files ({source.name}) needs pyarrow: {NEEDS}"
        raise InputError(msg)
    import pyarrow.parquet as pq  # type: ignore[import-not-found, import-untyped, unused-ignore]

    try:
        names = [str(n) for n in pq.read_schema(source.handle()).names]
        if column is not None and column not in names:
            return Table(names, [])
        cols = [column] if column is not None else None
        frame = pd.read_parquet(source.handle(), columns=cols, dtype_backend="numpy_nullable")
    except (OSError, ValueError) as exc:
        msg = f"{side}: cannot read {source.name} as Parquet: {' '.join(str(exc).split())}"
        raise InputError(msg) from None
    if len(frame) == 0:
        msg = f"{side}: {source.name} is empty (no rows)"
        raise InputError(msg)
    return Table(names, [_column(str(c), frame[c], ReadOptions()) for c in frame.columns])


def read_npy(path: Path, side: str) -> Vector:
    """A NumPy ``.npy`` array (no pickles)."""
    try:
        arr: Vector = np.load(path, allow_pickle=False)
    except (ValueError, OSError) as exc:
        msg = f"{side}: cannot read {path} as a .npy array: {exc}"
        raise InputError(msg) from None
    if arr.size == 0:
        msg = f"{side}: {path} is empty (an array of shape {arr.shape})"
        raise InputError(msg)
    return arr
