"""Regenerate the bundled example data: ``python -m infoloss.datasets.make_income``.

Synthetic people drawn from the worked example's bracket probabilities
(`infoloss.datasets.EQUAL` and `FAT_TAILED`) with a fixed seed, so that the files are the same
on every run: inverse-CDF sampling of ``Generator.random``, whose stream NumPy keeps stable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from . import EQUAL, FAT_TAILED

__all__ = ["FILES", "N_PEOPLE", "SEED", "brackets", "csv_text", "main"]

SEED = 2026
N_PEOPLE = 3000
FILES: dict[str, tuple[str, np.ndarray[Any, Any]]] = {
    "income_equal.csv": ("the 'equal' country: 10% of people in each bracket", EQUAL),
    "income_fat.csv": (
        "the fat-tailed country: 80% in the poorest bracket, 1% in the richest",
        FAT_TAILED,
    ),
}


def brackets(
    probs: np.ndarray[Any, Any], n: int, rng: np.random.Generator
) -> np.ndarray[Any, Any]:
    """``n`` brackets (1 ... len(probs)) drawn with probabilities `probs`.

    Examples
    --------
    >>> import numpy as np
    >>> b = brackets(np.array([0.5, 0.5]), 10_000, np.random.default_rng(0))
    >>> sorted(set(b.tolist())), bool(abs((b == 1).mean() - 0.5) < 0.02)
    ([1, 2], True)
    """
    cdf = np.cumsum(probs) / np.sum(probs)
    index = np.searchsorted(cdf, rng.random(n), side="right")
    return np.minimum(index, len(probs) - 1) + 1


def csv_text(name: str) -> str:
    """The content of one bundled file (the files are drawn in the order of `FILES`)."""
    rng = np.random.default_rng(SEED)
    for file, (what, probs) in FILES.items():
        drawn = brackets(probs, N_PEOPLE, rng)
        if file == name:
            header = [
                f"# SYNTHETIC example data for infoloss: {what}.",
                f"# {N_PEOPLE} people drawn with seed {SEED} from the bracket probabilities",
                f"# {', '.join(f'{p:g}' for p in probs)} (bracket 1 = poorest ... 10 = richest)",
                "# by src/infoloss/datasets/make_income.py; not real income statistics.",
                "bracket",
            ]
            return "\n".join([*header, *map(str, drawn.tolist())]) + "\n"
    msg = f"`name` must be one of {', '.join(FILES)}; found {name!r}"
    raise ValueError(msg)


def main() -> None:
    """Write the files next to this module."""
    here = Path(__file__).parent
    for name in FILES:
        (here / name).write_text(csv_text(name), encoding="utf-8")
        print(f"wrote {here / name}")


if __name__ == "__main__":
    main()
