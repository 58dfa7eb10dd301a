"""``--dask`` and ``--scheduler ADDRESS``: Parquet/CSV datasets counted by Dask, by partition.

A side named by a Parquet or CSV file, a directory of them or a glob is read by Dask through
the public `infoloss.Samples.read`: its categories are counted partition by partition and the
counts summed, so the command holds counts, never the rows. The side then enters the report as
counts over the categories seen (their estimators are those of the same draws in memory).
``--scheduler ADDRESS`` runs the counting on an existing Dask cluster (a `distributed.Client`);
otherwise Dask's local scheduler runs it, with its progress bar on a terminal.

Without ``--dask``, a side of Parquet/CSV files that weighs `AUTO_DASK_BYTES` (1 GiB) or more on
disk switches the command to the Dask reader by itself (`auto_dask`), and a note says so;
where a reading option of the in-memory reader was given (``--header``, ``--decimal``, ...),
the files stay in memory and the note says why.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ._errors import InputError
from ._operand import Operand
from ._options import first_changed

__all__ = [
    "AUTO_DASK_BYTES",
    "auto_dask",
    "dask_session",
    "is_dataset",
    "load_dataset",
    "uses_dask",
]

AUTO_DASK_BYTES = 2**30  # a side this large on disk is read by Dask without --dask

_SUFFIXES = (".parquet", ".pq", ".csv", ".tsv", ".txt")
_TEXT_OPTIONS: tuple[tuple[str, object, str], ...] = (
    ("header", "auto", "--header"),
    ("decimal", ".", "--decimal"),
    ("thousands", None, "--thousands"),
    ("comment", None, "--comment"),
    ("na_value", [], "--na-value"),
    ("bins", None, "--bins"),
    ("resolution", None, "--resolution"),
)


def uses_dask(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "dask", False) or getattr(args, "scheduler", None))


def is_dataset(text: str) -> bool:
    """A Parquet/CSV file, a directory, or a glob: what ``--dask`` reads."""
    if any(c in text for c in "*?["):
        return True
    path = Path(text)
    try:
        return path.is_dir() or (path.is_file() and path.suffix.lower() in _SUFFIXES)
    except OSError:  # a name too long for a file: an inline list
        return False


def dataset_bytes(text: str) -> int:
    """The bytes on disk of a file, of the files under a directory, or of a glob's files."""
    if any(c in text for c in "*?["):
        files = [Path(f) for f in glob.glob(text)]
    elif Path(text).is_dir():
        files = list(Path(text).rglob("*"))
    else:
        files = [Path(text)]
    return sum(f.stat().st_size for f in files if f.is_file())


def _gib(size: int) -> str:
    return f"{size / 2**30:.3g} GiB"


def auto_dask(args: argparse.Namespace, texts: list[str] | None, sides: str) -> dict[str, str]:
    """Switch to the Dask reader where a side is a dataset of `AUTO_DASK_BYTES` or more: sets
    ``args.dask``; the notes that say so (or why the files stay in memory), by side."""
    if uses_dask(args) or not texts or None in texts or getattr(args, "drift_example", False):
        return {}
    big = {
        side: f"{side} weighs {_gib(size)} on disk"
        for side, text in zip(sides, texts, strict=True)
        if _auto_suffix(text) and (size := dataset_bytes(text)) >= AUTO_DASK_BYTES
    }
    limit = _gib(AUTO_DASK_BYTES)
    if not big:
        return {}
    if importlib.util.find_spec("dask") is None:
        why = f"read in memory (above {limit}, pip install 'infoloss[dask]' reads it by parts)"
    elif (shown := first_changed(args, _TEXT_OPTIONS)) is not None:
        why = f"read in memory, as {shown} does not apply to the Dask reader"
    else:
        args.dask = True
        why = f"over {limit}: read by Dask, partition by partition (as with --dask)"
    return {side: f"{what}, {why}" for side, what in big.items()}


def _auto_suffix(text: str) -> bool:
    """A dataset that the Dask reader reads as the in-memory one would (not ``.txt`` lists)."""
    return is_dataset(text) and Path(text).suffix.lower() != ".txt"


def check_dask_options(args: argparse.Namespace) -> None:
    """Options of in-memory reading that the Dask reader does not apply: refused."""
    shown = first_changed(args, _TEXT_OPTIONS)
    if shown is not None:
        msg = f"{shown} does not apply with --dask (Dask reads the files as they are)"
        raise InputError(msg)


def _missing(v: Any) -> bool:
    return (
        v is None
        or type(v).__name__ in ("NAType", "NaTType")
        or (isinstance(v, float | np.floating) and v != v)
    )


def load_dataset(text: str, side: str, column: str | None, args: argparse.Namespace) -> Operand:
    """One side read and counted by Dask: an operand of counts over the categories seen."""
    from .. import Samples

    discrete = getattr(args, "discrete", None)
    try:
        s = Samples.read(text, column=column, **({} if discrete is None else {"discrete": True}))
    except ImportError:
        msg = f"{side}: --dask needs Dask: pip install 'infoloss[dask]'"
        raise InputError(msg) from None
    except (FileNotFoundError, ValueError) as exc:
        raise InputError(f"{side}: {exc}") from None
    where = text if column is None else f"{text} column {column}"
    if not s.discrete:
        msg = (
            f"{side}: {where} holds continuous values; --dask counts categories (whole "
            "numbers, text): give --categorical to count each distinct value"
        )
        raise InputError(msg)
    cats, counts = s.counts()
    gone = np.array([_missing(c) for c in cats], dtype=bool)
    missing = int(counts[gone].sum())
    if missing and args.missing == "error":
        msg = f"{side}: {where} has {missing:,} missing value(s); --missing drop leaves them out"
        raise InputError(msg)
    if gone.all():
        msg = f"{side}: {where} holds no value that is not missing"
        raise InputError(msg)
    op = Operand(side, "counts", f"{where} (read by Dask)", weights=counts[~gone])
    op.categories, op.missing = cats[~gone], missing
    gaps = f", {missing:,} missing left out" if missing else ""
    op.assumed = f"{s.n:,} rows counted per partition{gaps}"
    return op


@contextlib.contextmanager
def dask_session(args: argparse.Namespace) -> Iterator[None]:
    """The scheduler for the command: the cluster at ``--scheduler``, else Dask's own (with
    its progress bar where standard error is a terminal); nothing without ``--dask``."""
    if not uses_dask(args):
        yield
        return
    address = getattr(args, "scheduler", None)
    if address:
        try:
            from distributed import Client
        except ImportError:
            msg = "--scheduler needs Dask's distributed: pip install 'infoloss[dask]'"
            raise InputError(msg) from None
        try:
            client = Client(address, timeout="10s")
        except (OSError, TimeoutError) as exc:
            msg = f"--scheduler {address}: cannot connect ({exc})"
            raise InputError(msg) from None
        with client:
            yield
        return
    try:
        from dask.diagnostics import ProgressBar
    except ImportError:
        msg = "--dask needs Dask: pip install 'infoloss[dask]'"
        raise InputError(msg) from None
    bar: Any = ProgressBar(out=sys.stderr) if sys.stderr.isatty() else contextlib.nullcontext()
    with bar:
        yield
