"""The ``infoloss`` command line: it parses and presents, and calls the public functions."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ._example import print_example

__all__ = ["main"]

_DESCRIPTION = """\
Information measures: entropy, cross-entropy, KL and Jensen-Shannon divergence.

With no command, infoloss prints its worked example: how much information is lost when one
country's income distribution stands in for another's."""

_EPILOG = """\
examples:
  infoloss                  the worked example, in bits
  infoloss example --base nats
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="infoloss",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"infoloss {__version__}")
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
    return parser


def _base(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for bad input)."""
    args = _parser().parse_args(argv)
    base = _base(getattr(args, "base", "bits"))
    try:
        print_example(base)
    except (TypeError, ValueError) as exc:
        print(f"infoloss: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `infoloss | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
