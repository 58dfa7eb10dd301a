"""Bundled example data (synthetic): income brackets in two countries, for ``infoloss compare``.

``income_equal.csv`` and ``income_fat.csv`` hold one column, ``bracket`` (1 = poorest ...
10 = richest), one row per person; `make_income` regenerates them from a fixed seed.
"""

from __future__ import annotations

__all__: list[str] = []
