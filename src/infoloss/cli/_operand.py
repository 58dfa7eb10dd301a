"""One side of a comparison, as read from the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Operand"]


@dataclass
class Operand:
    """One side of the comparison, as read from the command line."""

    side: str
    kind: str  # "samples", "counts", "probs" or "model"
    source: str  # "inline", "income.csv column bracket", ...
    values: np.ndarray[Any, Any] | None = None  # samples: (n,) or (n, d)
    weights: np.ndarray[Any, Any] | None = None  # counts or probabilities
    categories: np.ndarray[Any, Any] | None = None  # labels of `weights`; None: by position
    model: Any = None  # a SciPy frozen distribution
    assumed: str = ""  # why this kind was assumed
    discrete: bool = True
    missing: int = 0  # missing values (NA, NaN, null, empty) left out
    notes: list[str] = field(default_factory=list)  # how the input was read

    @property
    def n(self) -> int:
        if self.values is not None:
            return int(self.values.shape[0])
        if self.kind == "counts" and self.weights is not None:
            return int(self.weights.sum())
        return 0

    def describe(self) -> str:
        """``"Q: 2,000 samples, categorical (10 categories), from income.csv column bracket"``."""
        why = f"; {self.assumed}" if self.assumed else ""
        where = "(inline)" if self.source == "inline" else f"from {self.source}"
        if self.kind == "model":
            what = "discrete" if self.discrete else "continuous"
            return f"{self.side}: distribution {self.source}, {what} (SciPy's parametrisation)"
        if self.kind == "samples":
            assert self.values is not None
            dims = f" of dimension {self.values.shape[1]}" if self.values.ndim == 2 else ""
            if self.discrete:
                k = len(np.unique(self.values))
                what = f"categorical ({k} categor{'y' if k == 1 else 'ies'})"
            else:
                what = "continuous"
            where = "given inline" if self.source == "inline" else where
            gaps = f" ({self.missing:,} missing left out)" if self.missing else ""
            return f"{self.side}: {self.n:,} samples{dims}{gaps}, {what}, {where}{why}"
        assert self.weights is not None
        k = self.weights.shape[0]
        if self.kind == "counts":
            return f"{self.side}: {self.n:,} counts in {k} categories {where}{why}"
        return f"{self.side}: {k} probabilities {where}{why}"
