"""``infoloss compare`` and ``infoloss entropy``: read the inputs, report, draw."""

from __future__ import annotations

import argparse
import contextlib
import importlib.resources
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import entropy
from ..datasets import EQUAL, FAT_TAILED
from ._errors import InputError
from ._inputs import Operand, load
from ._pair import Sampling, is_discrete, library_arg, pair
from ._report import Settings, compute, format_json, format_table

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
    settings = Settings(
        base=base,
        method=args.method,
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
    return Sampling(discrete=args.discrete, bins=bins, resolution=resolution)


def _describe(op: Operand, how: Sampling) -> dict[str, Any]:
    return {
        "side": op.side,
        "kind": op.kind,
        "discrete": is_discrete(op, how),
        "n": op.n if op.kind in ("samples", "counts") else None,
        "source": op.source,
        "description": op.describe(),
    }


@contextlib.contextmanager
def _example_paths() -> Iterator[list[str]]:
    root = importlib.resources.files("infoloss.datasets")
    with contextlib.ExitStack() as stack:
        files = [importlib.resources.as_file(root / f) for f in EXAMPLE_FILES]
        yield [str(stack.enter_context(f)) for f in files]


def _load_all(
    texts: list[str], sides: list[str], args: argparse.Namespace, how: Sampling
) -> list[Operand]:
    kinds = _per_side(args.as_kind, "--as", len(texts))
    columns = _per_side(args.column, "--column", len(texts))
    ops = [
        load(t, s, as_kind=k, column=c)
        for t, s, k, c in zip(texts, sides, kinds, columns, strict=True)
    ]
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


def run_compare(args: argparse.Namespace) -> None:
    """``infoloss compare P Q``: print the report (and draw the picture)."""
    settings, how = _settings(args), _sampling(args)
    if (args.P is None) != (args.Q is None):
        msg = "give both P and Q (or neither, for the bundled example)"
        raise InputError(msg)
    header = []
    if args.P is None:
        with _example_paths() as paths:
            ops = _load_all(paths, ["P", "Q"], args, how)
        for op, path, name in zip(ops, paths, EXAMPLE_FILES, strict=True):
            op.source = op.source.replace(path, f"bundled {name}")
        header.append(EXAMPLE_NOTE)
    else:
        ops = _load_all([args.P, args.Q], ["P", "Q"], args, how)
    P, Q = ops
    if args.plot is not None:
        from ._plot import check_plot

        check_plot(P, Q, how, Path(args.plot))
    both = pair(P, Q, how)
    descriptions = [_describe(P, how), _describe(Q, how)]
    report = compute([both.p, both.q], descriptions, settings, unavailable=both.unavailable)
    if header:
        report["note"] = " ".join(header[0].split())
        exact = compute([EQUAL, FAT_TAILED], [], settings)["measures"]
        report["exact"] = {key: row["value"] for key, row in exact.items()}
    if args.json:
        print(format_json(report))
    else:
        title = "infoloss compare: how far apart P and Q are; what is lost when Q stands in for P"
        lines = [title, *header, P.describe(), Q.describe()]
        print(format_table(report, lines))
    if args.plot is not None:
        from ._plot import draw

        draw(P, Q, both, how, report, Path(args.plot))
        if not args.json:
            print(f"\npicture: {args.plot}")


def run_entropy(args: argparse.Namespace) -> None:
    """``infoloss entropy X``: the entropy of one distribution."""
    settings, how = _settings(args), _sampling(args)
    (X,) = _load_all([args.X], ["X"], args, how)
    measures = (("entropy", "H(X)", entropy, (0,)),)
    report = compute([library_arg(X, how)], [_describe(X, how)], settings, measures=measures)
    row = report["measures"]["entropy"]
    if row["value"] is None:  # the one measure asked for: its failure is the answer
        raise InputError(f"X: {row['reason']}")
    if args.json:
        print(format_json(report))
    else:
        print(format_table(report, [X.describe()]))
