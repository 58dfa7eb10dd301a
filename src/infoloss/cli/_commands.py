"""``infoloss compare`` and ``infoloss entropy``: read the inputs, report, draw."""

from __future__ import annotations

import argparse
import contextlib
import importlib.resources
from pathlib import Path
from typing import Any

import numpy as np

from .. import entropy
from ..datasets import EQUAL, FAT_TAILED
from ._dask_drift import dask_frames, run_dask_drift
from ._dask_input import (
    auto_dask,
    check_dask_options,
    dask_session,
    is_dataset,
    load_dataset,
    uses_dask,
)
from ._drift_run import drift_example_paths, read_tables, run_drift
from ._errors import InputError, NothingComputed
from ._format import explain_all, format_json, format_table, identity
from ._inputs import Operand, load, takes_column
from ._options import check_reading, check_sampling
from ._pair import Sampling, is_discrete, library_arg, pair
from ._read import ReadOptions
from ._report import Settings, all_unavailable, compute
from ._source import STDIN

__all__ = ["run_compare", "run_entropy"]

EXAMPLE_FILES = ("income_equal.csv", "income_fat.csv")
EXAMPLE_NOTE = (
    "example data, SYNTHETIC (bundled with infoloss): income brackets, 1 = poorest ... 10 =\n"
    "richest, of people in two countries: P the 'equal' one, Q the fat-tailed one.\n"
    "'exact': the values for the bracket probabilities these people were drawn from\n"
    "(infoloss example); the estimates from the samples should lie within a few ± of them."
)


def _per_side(values: list[str] | None, option: str, sides: int) -> list[str | None]:
    if not values:
        return [None] * sides
    if len(values) == 1:
        return [values[0]] * sides
    if len(values) == sides:
        return [*values]
    msg = f"{option} is given {len(values)} times; give it once (every input) or {sides} times"
    raise InputError(msg)


def _settings(args: argparse.Namespace) -> Settings:
    base: float | str = args.base
    with contextlib.suppress(ValueError):
        base = float(args.base)
    entropy_method = args.entropy_method or args.method
    divergence_method = getattr(args, "divergence_method", None) or args.method
    settings = Settings(
        base=base,
        entropy_method=entropy_method,
        divergence_method=divergence_method,
        entropy_flag="--entropy-method" if args.entropy_method else "--method",
        divergence_flag="--divergence-method" if divergence_method != args.method else "--method",
        k=args.k,
        pseudocount=getattr(args, "pseudocount", None),
        draws=args.draws,
        seed=args.seed,
    )
    settings.check_base()
    return settings


def _number_or_auto(text: str | None, flag: str, kind: type, what: str) -> Any:
    """``--bins`` / ``--resolution``: a number of the given kind, ``"auto"`` or absent."""
    if text is None or text == "auto":
        return text
    try:
        return kind(text)
    except ValueError:
        msg = f"{flag} must be {what} or 'auto'; found {text!r}"
        raise InputError(msg) from None


def _sampling(args: argparse.Namespace) -> Sampling:
    bins = _number_or_auto(args.bins, "--bins", int, "a whole number")
    resolution = _number_or_auto(args.resolution, "--resolution", float, "a number")
    if isinstance(bins, int) and bins < 1:
        msg = f"--bins must be a whole number >= 1 or 'auto'; found {bins}"
        raise InputError(msg)
    if isinstance(resolution, float) and not 0 < resolution < float("inf"):
        msg = f"--resolution must be a number > 0 or 'auto'; found {args.resolution!r}"
        raise InputError(msg)
    support = args.support
    if support is not None and support < 1:
        msg = f"--support must be a whole number >= 1 (the number of categories); found {support}"
        raise InputError(msg)
    return Sampling(discrete=args.discrete, bins=bins, resolution=resolution, support=support)


def _describe(op: Operand, how: Sampling) -> dict[str, Any]:
    return {
        "side": op.side,
        "kind": op.kind,
        "discrete": is_discrete(op, how),
        "n": op.n if op.kind in ("samples", "counts") else None,
        "source": op.source,
        "missing": op.missing,
        "description": op.describe(),
        "notes": op.notes,
    }


def _bundled(name: str, side: str) -> Operand:
    """One bundled example file: ``#`` lines of provenance, the name ``bracket``, integers.

    Read without pandas, so that ``pip install infoloss && infoloss compare`` runs."""
    text = importlib.resources.files("infoloss.datasets").joinpath(name).read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    values = np.array([int(v) for v in lines[1:]], dtype=np.int64)
    return Operand(side, "samples", f"bundled {name} column {lines[0]}", values=values)


def _read_options(args: argparse.Namespace) -> ReadOptions:
    decimal = args.decimal
    if len(decimal) != 1 or decimal.isdigit() or decimal == args.thousands:
        msg = f"--decimal must be one character, not a digit nor --thousands; found {decimal!r}"
        raise InputError(msg)
    if args.thousands is not None and (len(args.thousands) != 1 or args.thousands.isdigit()):
        msg = f"--thousands must be one character other than a digit; found {args.thousands!r}"
        raise InputError(msg)
    return ReadOptions(
        header=args.header,
        decimal=decimal,
        thousands=args.thousands,
        comment=args.comment,
        missing=args.missing,
        na_values=tuple(args.na_value),
        max_stream_mb=args.max_stream_mb,
    )


def _load_all(
    texts: list[str] | None,
    sides: list[str],
    args: argparse.Namespace,
    how: Sampling,
    read: list[Operand] | None = None,
) -> list[Operand]:
    """Read every input (`texts` None: the bundled example; `read`: already read), then say
    how samples are read."""
    if read is not None:
        ops = read
    elif texts is None:
        check_reading(args, False)  # the bundled files are read by the example itself
        if args.column:
            msg = f"--column {args.column[0]} applies to no input: the bundled example's files "
            raise InputError(msg + "have one column each")
        ops = [_bundled(name, side) for name, side in zip(EXAMPLE_FILES, sides, strict=True)]
    else:
        if texts.count(STDIN) > 1:
            msg = "only one of P and Q can be read from standard input (-)"
            raise InputError(msg)
        kinds = _per_side(args.as_kind, "--as", len(texts))
        columns = _per_side(args.column, "--column", len(texts))
        if args.column and len(args.column) == 1 and len(texts) > 1:  # once: where it applies
            tables = [takes_column(t) or (uses_dask(args) and is_dataset(t)) for t in texts]
            columns = [c if table else None for table, c in zip(tables, columns, strict=True)]
            if not any(columns):
                msg = (
                    f"--column {args.column[0]} applies to no input: neither P nor Q is a "
                    "table in a file (CSV/TSV/Parquet)"
                )
                raise InputError(msg)
        opts = _read_options(args)
        dask = uses_dask(args)
        if dask:
            check_dask_options(args)
        else:
            check_reading(args, any(takes_column(t) for t in texts))
        ops = [
            load_dataset(t, s, c, args)
            if dask and is_dataset(t)
            else load(t, s, as_kind=k, column=c, opts=opts)
            for t, s, k, c in zip(texts, sides, kinds, columns, strict=True)
        ]
    for op in ops:  # say where the size of the files chose the reader
        if op.side in getattr(args, "auto_notes", {}):
            op.notes.append(args.auto_notes[op.side])
    for op in ops:  # say how samples are read when an option changed it
        if op.kind != "samples":
            continue
        if how.discrete is not None and how.discrete != op.discrete:
            op.discrete = how.discrete
            op.assumed = "--categorical" if how.discrete else "--continuous"
        elif how.bins is not None and not op.discrete:
            op.assumed = f"binned (--bins {how.bins})"
        elif how.resolution is not None and not op.discrete:
            op.assumed = f"dequantised (--resolution {how.resolution})"
    return ops


def _tables_only(args: argparse.Namespace, texts: list[str] | None) -> bool:
    """Two table files and no --column or --as: perhaps a drift report (every column)."""
    if texts is None or args.column or args.as_kind:
        return False
    if texts.count(STDIN) > 1:
        msg = "only one of P and Q can be read from standard input (-)"
        raise InputError(msg)
    return all(takes_column(t) for t in texts)


def run_compare(args: argparse.Namespace) -> None:
    """``infoloss compare P Q``: print the report (and draw the picture)."""
    args.auto_notes = auto_dask(args, None if args.P is None else [args.P, args.Q], "PQ")
    with dask_session(args):
        _run_compare(args)


def _run_compare(args: argparse.Namespace) -> None:
    if args.explain:
        print(explain_all())
        return
    settings, how = _settings(args), _sampling(args)
    if (args.P is None) != (args.Q is None):
        msg = "give both P and Q (or neither, for the bundled example)"
        raise InputError(msg)
    if args.plot is not None:  # before any work: a picture that cannot be written
        from ._plot import check_plot, check_plot_path

        check_plot_path(Path(args.plot))
    header = []
    if args.P is None and not args.drift_example:
        header.append(EXAMPLE_NOTE)
    texts = None if args.P is None else [args.P, args.Q]
    read = None
    if uses_dask(args) and (args.drift_example or texts is None):
        msg = "--dask reads one column of each side: give P and Q (and --column NAME)"
        raise InputError(msg)
    if uses_dask(args) and texts is not None and not args.column and not args.as_kind:
        check_dask_options(args)
        frames = dask_frames(texts)  # None: one column on each side, compared as such
        if frames is not None:
            run_dask_drift(args, frames, settings)
            return
    if args.drift_example or (not uses_dask(args) and _tables_only(args, texts)):
        with drift_example_paths(args, texts) as paths:
            opts = _read_options(args)
            tables = read_tables(paths, opts, bundled=args.drift_example)
        if tables.drift:
            run_drift(args, tables, settings, how)
            return
        read = tables.operands(opts)
    P, Q = _load_all(texts, ["P", "Q"], args, how, read)
    check_sampling(args, [P, Q], how)
    if args.plot is not None:
        check_plot(P, Q, how)
    both = pair(P, Q, how)
    descriptions = [_describe(P, how), _describe(Q, how)]
    report = compute([both.p, both.q], descriptions, settings, unavailable=both.unavailable)
    report["identity"] = identity(report["measures"])
    if both.mapping:
        report["mapping"] = both.mapping
    if header:
        report["note"] = " ".join(header[0].split())
        exact = compute([EQUAL, FAT_TAILED], [], settings, check=False)["measures"]
        report["exact"] = {key: row["value"] for key, row in exact.items()}
    if args.json:
        print(format_json(report))
    else:
        title = "infoloss compare: how far apart P and Q are; what is lost when Q stands in for P"
        lines = [title, *header, P.describe(), Q.describe(), *P.notes, *Q.notes, *both.mapping]
        print(format_table(report, lines))
    failed = all_unavailable(report)
    if failed is not None:
        msg = f"no measure could be computed (every row is n/a): {failed}"
        raise NothingComputed(msg)
    if args.plot is not None:
        from ._plot import draw

        draw(P, Q, both, how, report, Path(args.plot))
        if not args.json:
            print(f"\npicture: {args.plot}")


def run_entropy(args: argparse.Namespace) -> None:
    """``infoloss entropy X``: the entropy of one distribution."""
    if args.explain:
        print(explain_all())
        return
    settings, how = _settings(args), _sampling(args)
    if args.X is None:
        msg = "give X: a file, a list or a distribution spec"
        raise InputError(msg)
    args.auto_notes = auto_dask(args, [args.X], "X")
    with dask_session(args):
        (X,) = _load_all([args.X], ["X"], args, how)
    check_sampling(args, [X], how)
    measures = (("entropy", "H(X)", entropy, (0,)),)
    report = compute([library_arg(X, how)], [_describe(X, how)], settings, measures=measures)
    row = report["measures"]["entropy"]
    if row["value"] is None:  # the one measure asked for: its failure is the answer
        reason = str(row["reason"])
        raise InputError(reason if reason.startswith("X ") else f"X: {reason}")
    if args.json:
        print(format_json(report))
    else:
        print(format_table(report, [X.describe(), *X.notes]))
