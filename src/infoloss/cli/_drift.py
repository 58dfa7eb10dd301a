"""The drift report: two tables compared column by column, ranked by Jensen–Shannon divergence.

``infoloss compare old.csv new.csv`` without ``--column``, where both files are tables of
several named columns, compares every column the two share, each with the estimator its kind
calls for, through the public functions:

- categorical (text, True/False, or whole numbers taking at most 20 values): counts, NSB for
  JS and Zhang–Grabchak for KL (`infoloss.Samples` of the values);
- rounded numeric (whole numbers with more values, or decimals with many ties): draws recorded
  to a grid, dequantised (``Samples(x, discrete=False, resolution="auto")``), then kNN;
- numeric: continuous draws, kNN (``Samples(x)``).

Each side's missing cells are left out of that column and counted. Columns found on one side
only are listed. Every warning of the library (bias, undersampling, tails) is a numbered note.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import Samples, js_divergence, kl_divergence
from ._example import unit_name
from ._progress import Progress
from ._read import Column, Table
from ._report import Settings, measure_row, note_negative

__all__ = [
    "CATEGORY_LIMIT",
    "assemble",
    "drift_report",
    "format_drift",
    "measure_rows",
    "na_rows",
]

CATEGORY_LIMIT = 20  # whole numbers with at most this many values are categories
Vector = np.ndarray[Any, Any]
_MEASURES = (
    ("js", "JS", js_divergence, (0, 1)),
    ("kl_pq", "KL(P ‖ Q)", kl_divergence, (0, 1)),
    ("kl_qp", "KL(Q ‖ P)", kl_divergence, (1, 0)),
)


@dataclass
class _Pair:
    name: str
    kind: str
    p: Vector
    q: Vector


def _kind(a: Vector, b: Vector) -> str:
    kinds = {a.dtype.kind, b.dtype.kind}
    if kinds - set("iuf"):  # text or True/False on either side
        return "categorical"
    both = np.concatenate([a, b])
    if kinds <= set("iu"):
        return "categorical" if np.unique(both).size <= CATEGORY_LIMIT else "rounded numeric"
    ties = max(a.size - np.unique(a).size, b.size - np.unique(b).size)
    return "rounded numeric" if ties > 0.5 * min(a.size, b.size) else "numeric"


def _pair(cp: Column, cq: Column) -> _Pair:
    a, b = cp.present(), cq.present()
    kind = _kind(a, b) if a.size and b.size else "empty"
    if kind == "categorical" and a.dtype.kind != b.dtype.kind:
        a, b = a.astype(str), b.astype(str)  # "True" and True, 1 and "1": one set of labels
    return _Pair(cp.name, kind, a, b)


def _samples(values: Vector, kind: str) -> Any:
    if kind == "categorical":
        return Samples(values, discrete=True)
    if kind == "rounded numeric":
        return Samples(values.astype(np.float64), discrete=False, resolution="auto")
    return Samples(values.astype(np.float64), discrete=False)


def na_rows(reason: str) -> dict[str, Any]:
    """The three measures of a column not computed, each with `reason`."""
    return {key: {"value": None, "stderr": None, "reason": reason, "notes": []}
            for key, *_ in _MEASURES}  # fmt: skip


def measure_rows(args: tuple[Any, Any], settings: Settings) -> dict[str, Any]:
    """JS and KL both ways between the two sides of a column (`Samples` or `Counts`)."""
    rows = {}
    for key, _, fn, which in _MEASURES:
        sides = tuple("PQ"[i] for i in which)
        pair_args = tuple(args[i] for i in which)
        row = measure_row(fn, pair_args, settings, None, sides, "--method")
        note_negative(key, row, pair_args)
        rows[key] = {k: v for k, v in row.items() if k not in ("given", "sides")}
    return rows


def _column_rows(pair: _Pair, settings: Settings) -> dict[str, Any]:
    if pair.kind == "empty":
        side = "P" if pair.p.size == 0 else "Q"
        return na_rows(f"{side} has no values in this column (every cell is missing)")
    return measure_rows((_samples(pair.p, pair.kind), _samples(pair.q, pair.kind)), settings)


def drift_report(
    tables: list[tuple[str, Table]], settings: Settings, notes: list[str]
) -> dict[str, Any]:
    """Every shared column's JS and KL both ways, ranked by JS (largest first)."""
    (name_p, tp), (name_q, tq) = tables
    cols_p = {c.name: c for c in tp.columns}
    cols_q = {c.name: c for c in tq.columns}
    shared = [n for n in cols_p if n in cols_q]
    out = []
    with Progress(len(shared)) as bar:
        for name in shared:
            bar.step(name)
            pair = _pair(cols_p[name], cols_q[name])
            out.append(
                {
                    "column": name,
                    "kind": pair.kind,
                    "n_p": int(pair.p.size),
                    "n_q": int(pair.q.size),
                    "missing_p": cols_p[name].missing,
                    "missing_q": cols_q[name].missing,
                    **_column_rows(pair, settings),
                }
            )
    sides = [(name_p, _rows(tp), list(cols_p)), (name_q, _rows(tq), list(cols_q))]
    return assemble(sides, out, settings, notes)


def assemble(
    sides: list[tuple[str, int, list[str]]],
    out: list[dict[str, Any]],
    settings: Settings,
    notes: list[str],
) -> dict[str, Any]:
    """The report: each side (source, rows, column names), the columns ranked by JS."""
    (name_p, rows_p, cols_p), (name_q, rows_q, cols_q) = sides
    out.sort(key=lambda r: -r["js"]["value"] if r["js"]["value"] is not None else np.inf)
    return {
        "report": "drift",
        "unit": unit_name(settings.base),
        "base": settings.base,
        "P": {"source": name_p, "rows": rows_p, "columns": len(cols_p)},
        "Q": {"source": name_q, "rows": rows_q, "columns": len(cols_q)},
        "notes": [" ".join(n.split()) for n in notes],
        "columns": out,
        "only_in_p": [n for n in cols_p if n not in cols_q],
        "only_in_q": [n for n in cols_q if n not in cols_p],
    }


def _rows(table: Table) -> int:
    return int(table.columns[0].full.shape[0]) if table.columns else 0


def _cell(row: dict[str, Any]) -> str:
    v, se = row["value"], row["stderr"]
    if v is None:
        return "n/a"
    return f"{v:.4f}" if se is None else f"{v:.4f} ± {se:.4f}"


def format_drift(report: dict[str, Any]) -> str:
    """The drift table: one line per shared column, largest JS first, then the notes."""
    p, q = report["P"], report["Q"]
    width = max([len(c["column"]) for c in report["columns"]] + [6])
    lines = [
        "infoloss compare: drift of every shared column, ranked by JS divergence "
        f"({report['unit']}; ± one standard error)",
        f"P: {p['source']} ({p['rows']:,} rows, {p['columns']} columns)",
        f"Q: {q['source']} ({q['rows']:,} rows, {q['columns']} columns)",
        *(textwrap.fill(n, 90) for n in report["notes"]),
        "",
        f"{'column':<{width}}  {'kind':<15} {'n P':>6} {'n Q':>6} {'missing':>9}  "
        f"{'JS(P, Q)':<17}  {'KL(P ‖ Q)':<17}  {'KL(Q ‖ P)':<17}  notes",
    ]
    notes: list[str] = []
    for c in report["columns"]:
        marks = []
        for key, *_ in _MEASURES:
            row = c[key]
            for note in ([row["reason"]] if row["value"] is None else []) + row["notes"]:
                if note not in notes:
                    notes.append(note)
                mark = f"[{notes.index(note) + 1}]"
                if mark not in marks:
                    marks.append(mark)
        missing = f"{c['missing_p']}/{c['missing_q']}"
        lines.append(
            f"{c['column']:<{width}}  {c['kind']:<15} {c['n_p']:>6} {c['n_q']:>6} {missing:>9}  "
            f"{_cell(c['js']):<17}  {_cell(c['kl_pq']):<17}  {_cell(c['kl_qp']):<17}  "
            f"{' '.join(marks)}".rstrip()
        )
    for side, key in (("P", "only_in_p"), ("Q", "only_in_q")):
        if report[key]:
            lines.append(f"only in {side} (not compared): {', '.join(report[key])}")
    lines += [
        "",
        "kinds: categorical (text, True/False, whole numbers with <= 20 values): JS by NSB, KL",
        "by Zhang–Grabchak; rounded numeric (whole numbers, or decimals with many ties):",
        "dequantised, then kNN (bsy); numeric: kNN (bsy). Missing cells (P/Q) are left out.",
    ]
    if notes:
        lines.append("")
        lines += [f"[{i}] {n}" for i, n in enumerate(notes, 1)]
    return "\n".join(lines)
