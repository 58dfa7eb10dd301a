"""The one exception the command line turns into ``infoloss: error: ...`` and exit code 2."""

from __future__ import annotations

__all__ = ["InputError", "NothingComputed"]


class InputError(ValueError):
    """Bad input on the command line: a missing file, an unknown column, a malformed spec..."""


class NothingComputed(InputError):
    """Every measure of the report is n/a: the table is printed, and the exit code is 2."""
