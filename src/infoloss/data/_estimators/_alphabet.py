"""The default entropy estimator for counts, by regime, and the undersampled regime.

Measured by ``benchmarks/bench_alphabet.py`` (figures beside ``DEFAULT_ENTROPY`` in `_counts`):

- alphabet unknown (only the observed categories): Chao, Wang & Jost (2013);
- alphabet known (K cells, zeros included): NSB over K, except in the well-sampled regime
  ``n >= 10 K`` with singletons ``f₁ <= 0.05 n``, where NSB's prior biases power laws by
  several posterior sds and the jackknife is unbiased to within its stderr;
- either way, when singletons make up at least a tenth of the draws (``f₁ >= 0.1 n``: the
  Good–Turing estimate of the unseen mass is at least 10%) and, for a known alphabet, fewer
  than half its categories were seen, no estimator's interval covers on every distribution
  tried, and the estimate warns (`undersampled`).
"""

from __future__ import annotations

import sys

import numpy as np

from ._counts_base import Vector

__all__ = ["UNSEEN_MASS", "default_entropy", "undersampled", "user_stacklevel"]

WELL_SAMPLED = 10.0  # n / K at least this, and
FEW_SINGLETONS = 0.05  # f₁ / n at most this: the jackknife, not NSB, for a known alphabet
UNSEEN_MASS = 0.1  # f₁ / n at least this: UndersampledWarning


def default_entropy(c: Vector, *, known: bool) -> str:
    """Name of the default entropy estimator (in ``_counts.ENTROPY``) for counts ``c``.

    ``known``: whether the cells of ``c`` are the whole alphabet (zeros are unseen
    categories); otherwise they are the observed categories of an unknown alphabet.
    """
    if not known:
        return "chao_wang_jost"
    n = float(np.sum(c))
    f1 = float(np.count_nonzero(c == 1))
    if n >= WELL_SAMPLED * c.size and f1 <= FEW_SINGLETONS * n:
        return "jackknife"
    return "nsb"


def undersampled(c: Vector, *, known: bool) -> str | None:
    """A message naming the undersampled regime and its remedy, or None when not in it.

    The regime: singletons are at least a tenth of the draws (``f₁ >= 0.1 n``; f₁/n is the
    Good–Turing estimate of the probability of the categories not yet seen) and, when the
    alphabet of K categories is known, fewer than half of them have been seen.
    """
    n = float(np.sum(c))
    if not np.isfinite(n) or n == 0:
        return None
    f1 = int(np.count_nonzero(c == 1))
    seen = int(np.count_nonzero(c > 0))
    if f1 < UNSEEN_MASS * n or (known and 2 * seen >= c.size):
        return None
    of_k = f" (of the {c.size} in the alphabet)" if known else ""
    return (
        f"too few samples for the alphabet: {f1} of the {seen} categories seen{of_k} were "
        f"seen once ({f1 / n:.0%} of the {n:g} draws, the Good–Turing estimate of the "
        "probability of the categories not yet seen), so the unseen categories, not the "
        "sampling noise, decide the error, and the interval may not cover the entropy "
        "(measured: coverage down to 0.1 for power laws in this regime). Remedy: more draws; "
        + (
            ""
            if known
            else "give the alphabet if it is known (Samples(x, categories=...) or support=K); "
        )
        + "compare estimators (method='pym', 'nsb', 'chao_wang_jost') as a check"
    )


def user_stacklevel() -> int:
    """The `stacklevel` that points a warning at the first caller outside infoloss (the
    depth of the library's frames differs between routes)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("infoloss"):
        frame, level = frame.f_back, level + 1  # type: ignore[assignment]
    return level
