"""Options that shape how samples are read apply to samples: an error where they apply nowhere.

``--bins``, ``--resolution``, ``--categorical`` and ``--continuous`` change how draws are turned
into a distribution; between two lists of probabilities or two distribution specs they would do
nothing, and a command that silently ignores an option misleads the script that passed it.
"""

from __future__ import annotations

import argparse

from ._errors import InputError
from ._inputs import Operand
from ._pair import Sampling

__all__ = ["check_reading", "check_sampling", "first_changed"]


def _what(op: Operand) -> str:
    kinds = {"counts": "counts", "probs": "probabilities", "model": "a distribution"}
    if op.kind == "samples":
        return f"{op.side} is categorical samples" if op.discrete else f"{op.side} is samples"
    return f"{op.side} is {kinds[op.kind]}"


def check_sampling(args: argparse.Namespace, ops: list[Operand], how: Sampling) -> None:
    """Refuse ``--bins`` / ``--resolution`` / ``--categorical`` / ``--continuous`` where no
    input is samples they could change."""
    samples = [op for op in ops if op.kind == "samples"]
    continuous = [op for op in samples if not op.discrete or how.discrete is False]
    categorical = [
        op
        for op in ops
        if op.kind == "counts"
        or (
            op.kind == "samples"
            and (op.discrete or how.discrete is True or how.bins is not None)
            and how.discrete is not False
        )
    ]
    for flag, value, targets, what in (
        ("--bins", how.bins, continuous, "continuous samples"),
        ("--resolution", how.resolution, continuous, "continuous samples"),
        ("--categorical", True if how.discrete is True else None, samples, "samples"),
        ("--continuous", True if how.discrete is False else None, samples, "samples"),
        ("--support", how.support, categorical, "categorical samples or counts"),
    ):
        if value is None or targets:
            continue
        shown = flag if value is True else f"{flag} {value}"
        msg = f"{shown} applies to {what}, and none is given: {'; '.join(map(_what, ops))}"
        raise InputError(msg)
    if args.as_kind and all(op.kind == "model" for op in ops):
        msg = f"--as {args.as_kind[0]} applies to files and lists; every input is a distribution"
        raise InputError(msg)


_READING: tuple[tuple[str, object, str], ...] = (
    ("header", "auto", "--header"),
    ("missing", "drop", "--missing"),
    ("decimal", ".", "--decimal"),
    ("thousands", None, "--thousands"),
    ("comment", None, "--comment"),
    ("na_value", [], "--na-value"),
)


def first_changed(
    args: argparse.Namespace, options: tuple[tuple[str, object, str], ...]
) -> str | None:
    """``"--flag value"`` of the first of `options` (attribute, default, flag) that `args`
    sets to other than its default, or None."""
    for attr, default, flag in options:
        value = getattr(args, attr, default)
        if value != default:
            shown = value[0] if isinstance(value, list) else value
            return f"{flag} {shown}"
    return None


def check_reading(args: argparse.Namespace, tables: bool) -> None:
    """Refuse the options of table reading where no input is a table file (`tables` False)."""
    shown = None if tables else first_changed(args, _READING)
    if shown is not None:
        msg = f"{shown} applies to CSV/TSV/Parquet files, and no input is one"
        raise InputError(msg)
