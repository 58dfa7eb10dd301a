"""The worked example: income brackets in two (synthetic) countries, from the project's seed.

Holds the bracket probabilities (`EQUAL`, `FAT_TAILED`) and the bundled data drawn from them
(``income_equal.csv``, ``income_fat.csv``: one column ``bracket``, 1 = poorest ... 10 =
richest, one row per person), which `make_income` regenerates from a fixed seed. Imports NumPy
only: no other part of infoloss.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BRACKETS", "EQUAL", "FAT_TAILED"]

BRACKETS = 10
"""Income brackets, from the poorest (1) to the richest (10)."""

EQUAL = np.full(BRACKETS, 0.1)
"""The "equal" country: people spread evenly over the brackets."""

FAT_TAILED = np.array([0.80, 0.06, 0.04, 0.03, 0.02, 0.015, 0.012, 0.008, 0.005, 0.01])
"""The fat-tailed country: 80% in the poorest bracket, 1% in the richest."""
