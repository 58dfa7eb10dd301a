"""``infoloss compare old.csv new.csv`` on two whole tables: read them once, decide between a
drift report and a comparison of two single columns, and run the report.

``--drift-example`` runs the report on the bundled synthetic tables (``drift_old.csv``,
``drift_new.csv``: `infoloss.datasets.make_drift` says which columns were shifted).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.resources
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ._errors import InputError, NothingComputed
from ._format import format_json
from ._inputs import Operand, check_missing, from_table, is_weights_table, read_file_table
from ._pair import Sampling
from ._read import ReadOptions, Table
from ._report import Settings

__all__ = [
    "DRIFT_FILES",
    "Tables",
    "drift_example_paths",
    "read_tables",
    "refuse_drift_options",
    "run_drift",
]

DRIFT_FILES = ("drift_old.csv", "drift_new.csv")
DRIFT_NOTE = (
    "example data, SYNTHETIC (bundled with infoloss): two tables of 2,000 customers; income,\n"
    "region and tenure_years were shifted on purpose, the other shared columns were not\n"
    "(python -m infoloss.datasets.make_drift writes them)."
)


@contextlib.contextmanager
def drift_example_paths(args: argparse.Namespace, texts: list[str] | None) -> Iterator[list[str]]:
    """The bundled drift tables' paths for ``--drift-example``, else the arguments."""
    if not args.drift_example:
        assert texts is not None
        yield texts
        return
    if texts is not None:
        msg = "--drift-example runs on the bundled tables: give no P and Q with it"
        raise InputError(msg)
    root = importlib.resources.files("infoloss.datasets")
    with contextlib.ExitStack() as stack:
        files = [importlib.resources.as_file(root / f) for f in DRIFT_FILES]
        yield [str(stack.enter_context(f)) for f in files]


@dataclass
class Tables:
    """Both sides read as whole tables (name as shown, and the columns)."""

    tables: list[tuple[str, Table]]
    bundled: bool = False

    @property
    def drift(self) -> bool:
        """Two tables of named columns (not probabilities), one of them with several."""
        ts = [t for _, t in self.tables]
        named = all(t.header is not None and not is_weights_table(t) for t in ts)
        return named and max(len(t.columns) for t in ts) > 1

    def operands(self, opts: ReadOptions) -> list[Operand]:
        """Not a drift report: each table as the single distribution it holds."""
        return [
            check_missing(from_table(table, side, name, None, None), opts)
            for (name, table), side in zip(self.tables, "PQ", strict=True)
        ]


def read_tables(paths: list[str], opts: ReadOptions, *, bundled: bool = False) -> Tables:
    read = [read_file_table(p, side, opts) for p, side in zip(paths, "PQ", strict=True)]
    if bundled:
        read = [(f"bundled {Path(name).name}", table) for name, table in read]
    return Tables(read, bundled)


_NOT_HERE = (
    ("method", "--method"),
    ("entropy_method", "--entropy-method"),
    ("divergence_method", "--divergence-method"),
    ("bins", "--bins"),
    ("resolution", "--resolution"),
    ("discrete", "--categorical/--continuous"),
    ("pseudocount", "--pseudocount"),
    ("draws", "--draws"),
)


def refuse_drift_options(args: argparse.Namespace) -> None:
    """The options of one comparison that the drift report does not take: refused."""
    for attr, flag in _NOT_HERE:
        if getattr(args, attr, None) is not None:
            msg = (
                f"{flag} does not apply to the drift report, where each column gets the "
                "estimator its kind calls for; pick one column with --column NAME to use it"
            )
            raise InputError(msg)


def run_drift(args: argparse.Namespace, tables: Tables, settings: Settings, how: Sampling) -> None:
    """Print the drift report (and draw its panels); exit 2 where no column could be compared."""
    from ._drift import drift_report, format_drift

    refuse_drift_options(args)
    notes = [*tables.tables[0][1].notes, *tables.tables[1][1].notes]
    if tables.bundled:
        notes.insert(0, DRIFT_NOTE)
    report = drift_report(tables.tables, settings, notes)
    if not report["columns"]:
        msg = "P and Q share no column name: nothing to compare (--column NAME twice picks two)"
        raise InputError(msg)
    numeric = any(c["kind"] != "categorical" for c in report["columns"])
    if settings.k is not None and not numeric:
        msg = (
            f"--k {settings.k} applies to numeric columns, and every shared column is categorical"
        )
        raise InputError(msg)
    print(format_json(report) if args.json else format_drift(report))
    if all(c["js"]["value"] is None for c in report["columns"]):
        msg = "no column could be compared (every row is n/a): see the notes"
        raise NothingComputed(msg)
    if args.plot is not None:
        from ._drift_plot import draw_drift

        draw_drift(report, [t for _, t in tables.tables], Path(args.plot))
        if not args.json:
            print(f"\npicture: {args.plot}")
