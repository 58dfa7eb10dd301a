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
                       ((n,) or (n, d)), Parquet (needs pyarrow). Whole numbers and text are
                       categories; decimals are continuous (--categorical / --continuous).
                       Lines starting with # are comments.
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
In --json, infinite or undefined values are the strings "inf" and "nan", and a measure that
is not available has "value": null and a "reason". Bad input exits with code 2."""

_COMPARE_EPILOG = f"""\
{_INPUTS}

examples:
  infoloss compare                                 bundled synthetic example (income brackets)
  infoloss compare "0.5,0.25,0.25" "0.25,0.25,0.5"
  infoloss compare heights.csv "norm(loc=170, scale=10)" --column cm --plot report.png
  infoloss compare a.npy b.npy --k 5 --json
  infoloss compare counts.json "[0.2, 0.3, 0.5]" --pseudocount 0.5"""

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
        "--base",
        default="bits",
        help='unit: "bits" (default), "nats", "hartleys" or a number such as 3',
    )
    p.add_argument(
        "--method",
        metavar="NAME",
        help="estimator for data, or mc for distributions (default: exact where possible, else "
        "the library's default estimator); e.g. plugin, miller_madow, nsb (counts), kl, bsy "
        "(continuous samples); a wrong name lists the valid ones",
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
    ent.add_argument("X", help="a file, a list or a distribution spec")
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
        message = str(exc) if isinstance(exc, InputError) else " ".join(str(exc).split())
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
