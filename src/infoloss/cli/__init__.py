"""The ``infoloss`` command line: it parses and presents, and calls the public functions.

Imports the public `infoloss` package, `infoloss._core` (units, `Estimate`),
`infoloss.distributions` (SciPy's names) and `infoloss.datasets` (the bundled example).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from .. import __version__
from ._errors import InputError
from ._example import print_example
from ._source import MAX_STREAM_MB

__all__ = ["main"]

_DESCRIPTION = """\
Information measures: entropy, cross-entropy, KL and Jensen-Shannon divergence.

With no command, infoloss prints its worked example: how much information is lost when one
country's income distribution stands in for another's."""

_EPILOG = """\
examples:
  infoloss                              the worked example, in bits
  infoloss example --base nats
  infoloss compare                      the same story from (synthetic) samples of people
  infoloss compare data.csv "norm(loc=0, scale=1)" --column height --plot report.png
  infoloss entropy "0.5,0.25,0.25"

`infoloss COMMAND --help` explains each command."""

_INPUTS = """\
inputs (P, Q, X), each one of:
  a file of samples    CSV/TSV (--column NAME picks a column), one value per line, .npy
                       ((n,) or (n, d)), Parquet; - reads standard input. Whole numbers, text
                       and True/False are categories; decimals are continuous (--categorical
                       / --continuous). Text files are read by pandas (pip install
                       'infoloss[cli]'): the first row is a header when it holds names above
                       numbers, or names of several columns or of a .csv's column (--header
                       yes|no decides); missing cells are counted and left out (--missing
                       error refuses them); # is data; not UTF-8: read as Latin-1, with a note.
  probabilities or     inline "0.2,0.3,0.5" or '{"a": 3, "b": 5}', a .json list or
  counts               {category: value} mapping, a one-row CSV, or a CSV with a column
                       named p/prob/probability or count/n/frequency beside the categories.
                       Numbers summing to 1 are probabilities, other whole numbers counts.
  a distribution       SciPy's name and parameters: "norm(loc=0, scale=1)", "gamma(a=2,
                       scale=3)", "poisson(mu=3)"; read safely, never evaluated.
The kind assumed is printed; --as samples|counts|probs overrides it for files and lists
(once for every input, or twice: P's, then Q's). Lists given by position are lined up with
the other side's categories in sorted order.

results: in bits unless --base; "exact" from probabilities, "closed form" from parameters,
otherwise the estimator's name with ± one standard error (--json: also a 95% interval).
The entropy rows of data use the entropy estimator inside the KL rows' one, so that
H(P, Q) = H(P) + KL(P ‖ Q) row by row (checked under the table); --entropy-method and
--divergence-method choose otherwise, and --explain says what each name means.
Two tables of named columns without --column: the drift report, column by column.
In --json, infinite or undefined values are the strings "inf" and "nan", and a measure that
is not available has "value": null and a "reason". Bad input exits with code 2."""

_COMPARE_EPILOG = f"""\
{_INPUTS}

examples:
  infoloss compare                                 bundled synthetic example (income brackets)
  infoloss compare "0.5,0.25,0.25" "0.25,0.25,0.5"
  infoloss compare heights.csv "norm(loc=170, scale=10)" --column cm --plot report.png
  infoloss compare a.npy b.npy --k 5 --json
  infoloss compare counts.json "[0.2, 0.3, 0.5]" --pseudocount 0.5
  infoloss compare old.parquet new.parquet         two tables: drift of every shared column
  infoloss compare --drift-example                 the same on bundled synthetic tables"""

_ENTROPY_EPILOG = f"""\
{_INPUTS}

examples:
  infoloss entropy "0.5,0.25,0.25"                 1.5 bits, exact
  infoloss entropy "gamma(a=2, scale=3)" --base nats
  infoloss entropy people.csv --column bracket --method miller_madow"""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"expected a whole number >= 1; found {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _nonnegative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (value >= 0 and value < float("inf")):
        msg = f"expected a number >= 0; found {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _add_common(p: argparse.ArgumentParser, *, pair: bool) -> None:
    each = " (once: both; twice: P's, then Q's)" if pair else ""
    p.add_argument(
        "--as",
        dest="as_kind",
        action="append",
        choices=("samples", "counts", "probs"),
        help=f"read files and lists as samples, counts or probabilities{each}",
    )
    p.add_argument(
        "--column",
        action="append",
        metavar="NAME",
        help=f"the column of a CSV/TSV/Parquet file to read{each}",
    )
    _add_reading(p)
    kind = p.add_mutually_exclusive_group()
    kind.add_argument(
        "--categorical",
        dest="discrete",
        action="store_const",
        const=True,
        help="treat numeric samples as categories",
    )
    kind.add_argument(
        "--continuous",
        dest="discrete",
        action="store_const",
        const=False,
        help="treat whole-number samples as continuous",
    )
    p.add_argument("--bins", metavar="N|auto", help="bin continuous samples into categories")
    p.add_argument(
        "--resolution",
        metavar="W|auto",
        help="continuous samples recorded to a grid of width W (rounded values; auto finds "
        "it): dequantise them, adding seeded noise within each grid cell",
    )
    p.add_argument(
        "--support",
        metavar="K",
        type=int,
        help="the number of categories of categorical data where it is known, seen or not "
        "(unseen categories then count in the estimates)",
    )
    p.add_argument(
        "--base",
        default="bits",
        help='unit: "bits" (default), "nats", "hartleys" or a number such as 3',
    )
    p.add_argument(
        "--method",
        metavar="NAME",
        help="estimator for data, or mc for distributions, of every row (default: exact where "
        "possible, else the library's default estimator); e.g. plugin, miller_madow, nsb "
        "(counts), kl, bsy (continuous samples); a wrong name lists the valid ones",
    )
    p.add_argument(
        "--entropy-method",
        metavar="NAME",
        help="estimator of the entropy rows only (overrides --method); see --explain",
    )
    if pair:
        p.add_argument(
            "--divergence-method",
            metavar="NAME",
            help="estimator of the cross-entropy, KL and JS rows only (overrides --method)",
        )
    p.add_argument(
        "--explain",
        action="store_true",
        help="list the estimators' names, one line each, and exit",
    )
    p.add_argument("--k", type=_positive_int, metavar="K", help="neighbours for kNN estimators")
    if pair:
        p.add_argument(
            "--pseudocount",
            type=_nonnegative,
            metavar="A",
            help="added to every count of both sides before a plug-in cross-entropy, KL or JS "
            "(0.5 Jeffreys, 1 Laplace)",
        )
    p.add_argument(
        "--draws", type=_positive_int, metavar="N", help="Monte Carlo draws (default 10000)"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed of estimates (default 0)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the Python traceback of an error",
    )


def _add_reading(p: argparse.ArgumentParser) -> None:
    read = p.add_argument_group(
        "reading files (CSV/TSV/Parquet need: pip install 'infoloss[cli]')"
    )
    read.add_argument(
        "--header",
        choices=("auto", "yes", "no"),
        default="auto",
        help="whether the first row of a CSV/TSV names the columns (default: auto, see below)",
    )
    read.add_argument(
        "--missing",
        choices=("drop", "error"),
        default="drop",
        help="missing cells (NA, NaN, null, empty, #N/A...): leave them out and say how many "
        "(drop, the default) or refuse the file (error)",
    )
    read.add_argument(
        "--na-value",
        action="append",
        default=[],
        metavar="WORD",
        help="another marker of missing cells (repeatable), beside pandas' NA, NaN, null...",
    )
    read.add_argument(
        "--decimal", default=".", metavar="C", help="decimal mark of numbers in text files: . or ,"
    )
    read.add_argument(
        "--thousands", metavar="C", help='thousands separator in text files: "," "." "\'"'
    )
    read.add_argument(
        "--comment", metavar="C", help="lines from C on are comments (default: none; # is data)"
    )
    read.add_argument(
        "--dask",
        action="store_true",
        help="read Parquet/CSV files, directories or globs with Dask, counting the categories "
        "of each partition (never every row in memory; pip install 'infoloss[dask]'); "
        "automatic where a side weighs 1 GiB or more on disk (a note says so)",
    )
    read.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --dask, count on the Dask cluster at ADDRESS (tcp://host:8786); implies --dask",
    )
    read.add_argument(
        "--max-stream-mb",
        type=_positive_int,
        default=MAX_STREAM_MB,
        metavar="MB",
        help=f"largest standard input (-) or FIFO read, in MB (default {MAX_STREAM_MB})",
    )


def _parser() -> argparse.ArgumentParser:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="infoloss", description=_DESCRIPTION, epilog=_EPILOG, formatter_class=raw
    )
    parser.add_argument("--version", action="version", version=f"infoloss {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    ex = sub.add_parser(
        "example",
        help="print the worked example (the default)",
        description="Entropy, cross-entropy and KL of two countries' income brackets.",
    )
    ex.add_argument(
        "--base",
        default="bits",
        help='unit of the results: "bits" (default), "nats", "hartleys" or a number such as 3',
    )
    cmp = sub.add_parser(
        "compare",
        help="compare two distributions: entropies, cross-entropies, KL, JS",
        description="How far apart P and Q are, and what is lost when Q stands in for P:\n"
        "H(P), H(Q), H(P, Q), H(Q, P), KL(P ‖ Q), KL(Q ‖ P), JS divergence and distance.\n"
        "With no P and Q: bundled synthetic example data (income brackets).",
        epilog=_COMPARE_EPILOG,
        formatter_class=raw,
    )
    cmp.add_argument("P", nargs="?", help="the reference distribution (file, list or spec)")
    cmp.add_argument("Q", nargs="?", help="the one standing in for it")
    _add_common(cmp, pair=True)
    cmp.add_argument(
        "--drift-example",
        action="store_true",
        help="the drift report on the bundled synthetic tables (two tables of customers, "
        "some columns shifted on purpose)",
    )
    cmp.add_argument(
        "--plot",
        metavar="FILE.png",
        help="draw P, Q and the pointwise p·log(p/q) whose sum is KL(P ‖ Q) (needs matplotlib)",
    )
    ent = sub.add_parser(
        "entropy",
        help="the entropy of one distribution",
        description="Entropy of one distribution (Shannon; differential for continuous ones).",
        epilog=_ENTROPY_EPILOG,
        formatter_class=raw,
    )
    ent.add_argument("X", nargs="?", help="a file, a list or a distribution spec")
    _add_common(ent, pair=False)
    return parser


def _base(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _example(args: argparse.Namespace) -> None:
    print_example(_base(getattr(args, "base", "bits")))


def _command(args: argparse.Namespace) -> Callable[[argparse.Namespace], None]:
    if args.command in ("compare", "entropy"):
        from ._commands import run_compare, run_entropy

        return run_compare if args.command == "compare" else run_entropy
    return _example


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for bad input)."""
    args = _parser().parse_args(argv)
    try:
        _command(args)(args)
    except (InputError, TypeError, ValueError) as exc:
        if args.debug:
            traceback.print_exc()
        from ._methods import flag_words

        message = (
            str(exc) if isinstance(exc, InputError) else flag_words(" ".join(str(exc).split()))
        )
        print(f"infoloss: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("infoloss: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `infoloss | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except Exception as exc:  # a bug, not bad input: say so in one line unless --debug
        if args.debug:
            raise
        print(
            f"infoloss: internal error: {type(exc).__name__}: {exc} (--debug shows the traceback)",
            file=sys.stderr,
        )
        return 1
    return 0
